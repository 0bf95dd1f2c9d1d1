"""A zip file on a web server, read by HTTP range requests: enough for ``zipfile`` to
list a wheel's files or read its metadata without downloading the wheel."""

from __future__ import annotations

import io
import urllib.request
from urllib.parse import urlsplit


class RangeFile(io.RawIOBase):
    """A remote file of known size, read in ranges (blocking: run it in a thread)."""

    def __init__(self, url: str, size: int, timeout: float = 30.0):
        # An index's file URL: never a local file (file://) or another scheme.
        if urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"not an http(s) URL: {url[:100]!r}")
        self._url = url
        self._size = size
        self._timeout = timeout
        self._position = 0

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._position, 2: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def read(self, size: int = -1) -> bytes:
        end = self._size if size < 0 else min(self._size, self._position + size)
        if end <= self._position:
            return b""
        request = urllib.request.Request(  # noqa: S310 (the index's own file URLs)
            self._url, headers={"Range": f"bytes={self._position}-{end - 1}"}
        )
        with urllib.request.urlopen(request, timeout=self._timeout) as response:  # noqa: S310
            data = response.read()
        if response.status != 206 and len(data) != end - self._position:
            # A server that ignores Range answers the whole file: take our part.
            data = data[self._position : end]
        self._position += len(data)
        return data
