"""The one error a request can end with: an HTTP status and a message the user reads."""

from __future__ import annotations


class RequestError(Exception):
    """A request the server extension refuses or cannot serve.

    Raised anywhere below the handlers (the job service, config files, runtime images,
    the environment probe); ``handlers.OverlaysHandler`` answers it once, as
    ``{"message": message}`` with ``status``.
    """

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
