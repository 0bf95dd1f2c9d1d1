"""After a local build (buildah or podman; all off by default in ``OverlaysConfig``): the
image saved as an OCI archive in ``export_dir``, and pushed to its registry (``push``).

The registry password reaches the tool in a temporary auth file (mode 0600) in the
build's private folder, and no log, error or job record ever shows it (``RedactingLog``).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
from pathlib import Path

from ..config import PASSWORD_ENV, USERNAME_ENV
from ..tools import INSTALL_HINTS
from .base import JobContext, JobError, LogWriter
from .dialects import ToolCommands, tool_error
from .process import run_logged

REDACTED = "********"


class RedactingLog:
    """A LogWriter that replaces secrets by ``********`` before they reach the log."""

    def __init__(self, log: LogWriter, secrets: list[str]) -> None:
        self._log = log
        self.secrets = sorted({secret for secret in secrets if secret}, key=len, reverse=True)

    @classmethod
    def for_credentials(cls, log: LogWriter, credentials: tuple[str, str]) -> RedactingLog:
        """Hides the password and the base64 ``user:password`` an auth file holds."""
        username, password = credentials
        secrets = [password]
        if password:
            secrets.append(base64.b64encode(f"{username}:{password}".encode()).decode())
        return cls(log, secrets)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def write(self, text: str) -> None:
        self._log.write(self.redact(text))


def push_hint(reason: str) -> str:
    """What to change when a push failed for a reason of the usual kinds."""
    lowered = reason.lower()
    if "unauthorized" in lowered or "authentication required" in lowered or "denied" in lowered:
        return (
            " (check the registry credentials: OverlaysConfig.registry_username / "
            f"registry_password, or {USERNAME_ENV} / {PASSWORD_ENV})"
        )
    if "http response to https client" in lowered:
        return " (a plain-HTTP registry: set OverlaysConfig.registry_tls_verify = False)"
    if "certificate" in lowered or "x509" in lowered:
        return " (a certificate the tool does not trust: see OverlaysConfig.registry_tls_verify)"
    return ""


def write_private(path: str | os.PathLike, text: str) -> None:
    """Write a new file only its owner can read (mode 0600 from the start)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)


class Publisher:
    """Export and push of built images, by the settings of ``config`` (OverlaysConfig)."""

    def __init__(self, config) -> None:
        self.config = config

    def check(self, tool_name: str) -> tuple[str, str]:
        """JobError (before anything is built) when push / export settings cannot work;
        the registry credentials ``(username, password)`` otherwise."""
        config = self.config
        if not (config.push or config.export_dir):
            return "", ""
        if tool_name not in ("buildah", "podman"):
            raise JobError(
                f"pushing and exporting images need buildah or podman, not {tool_name} "
                f"(install buildah: {INSTALL_HINTS['buildah']})"
            )
        if config.export_dir and ":" in config.export_dir:
            raise JobError(f"OverlaysConfig.export_dir must not contain ':' ({config.export_dir})")
        if not config.push:
            return "", ""
        if config.image_registry.strip().lower().rstrip("/") == "localhost":
            raise JobError(
                "OverlaysConfig.push is on but image_registry is 'localhost' (local images "
                "only): set image_registry to the host[:port] of the registry to push to"
            )
        username, password = config.registry_credentials()
        if bool(username) != bool(password):
            missing = "password" if username else "user name"
            raise JobError(
                f"a registry {missing} is missing: set OverlaysConfig.registry_username and "
                f"registry_password (or {USERNAME_ENV} and {PASSWORD_ENV}) together"
            )
        authfile = config.registry_authfile
        if not username and authfile and not Path(authfile).is_file():
            raise JobError(f"OverlaysConfig.registry_authfile {authfile} does not exist")
        return username, password

    async def push(
        self,
        tools: ToolCommands,
        context: JobContext,
        image: str,
        tmp: Path,
        credentials: tuple[str, str],
    ) -> str | None:
        """Push ``image`` to ``docker://image``; the pushed manifest's digest."""
        registry = image.split("/", 1)[0]
        username, password = credentials
        authfile = None
        if username:
            authfile = str(tmp / "auth.json")
            token = base64.b64encode(f"{username}:{password}".encode()).decode()
            write_private(authfile, json.dumps({"auths": {registry: {"auth": token}}}))
        elif self.config.registry_authfile:
            authfile = self.config.registry_authfile
        digestfile = tmp / "pushed-digest"
        context.log.write(f"Pushing {image} to {registry}\n")
        lines: list[str] = []
        argv = tools.push_args(image, authfile, digestfile, self.config.registry_tls_verify)
        code = await run_logged(argv, context, on_line=lines.append)
        if context.cancelled.is_set():
            raise asyncio.CancelledError()
        if code != 0:
            reason = tool_error(lines)
            raise JobError(f"push of {image} to {registry} failed: {reason}{push_hint(reason)}")
        digest = digestfile.read_text().strip() if digestfile.is_file() else None
        context.log.write(f"Pushed {image} ({digest or 'no digest reported'})\n")
        return digest or None

    def archive_path(self, image: str) -> Path:
        """``<export_dir>/<project>-<overlay>-<tag>.tar`` for ``image``."""
        name, tag = image.rsplit(":", 1)
        folder = Path(os.path.abspath(self.config.export_dir))
        return folder / f"{name.rsplit('/', 1)[-1]}-{tag}.tar"

    async def export(self, tools: ToolCommands, context: JobContext, image: str) -> Path:
        """Save ``image`` as an OCI archive in ``export_dir``: written under a hidden
        temporary name, renamed when complete."""
        final = self.archive_path(image)
        partial = final.with_name(f".{final.name}.partial")
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise JobError(f"cannot create the export folder {final.parent}: {error}") from None
        partial.unlink(missing_ok=True)
        context.leftovers.note(export_partial=str(partial))
        lines: list[str] = []
        code = await run_logged(
            tools.command("push", image, f"oci-archive:{partial}:{image}"),
            context,
            on_line=lines.append,
        )
        if context.cancelled.is_set():
            raise asyncio.CancelledError()
        if code != 0:
            partial.unlink(missing_ok=True)
            raise JobError(f"export of {image} to {final} failed: {tool_error(lines)}")
        os.replace(partial, final)
        context.leftovers.note(export_partial=None)
        context.log.write(f"Exported {image} to {final}\n")
        return final
