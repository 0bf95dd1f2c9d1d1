"""A zip file on a web server, read by HTTP range requests: enough for ``zipfile`` to
list a wheel's files or read its metadata without downloading the wheel."""

from __future__ import annotations

import asyncio
import io
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")

#: The threads that read the index's files: not the event loop's default ones, which
#: the server's own work (a build's status, the providers table) waits for.
READERS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="overlays-index")


async def in_reader(
    function: Callable[..., T], *args: Any, readers: ThreadPoolExecutor = READERS
) -> T:
    """``function(*args)`` in one of the ``readers`` threads."""
    return await asyncio.get_running_loop().run_in_executor(readers, partial(function, *args))


#: Bytes asked for at least per request.
READ_AHEAD = 64 * 1024


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
        self._buffer = b""
        self._buffer_start = 0

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
        start = self._position
        buffered = start - self._buffer_start
        if not (buffered >= 0 and end <= self._buffer_start + len(self._buffer)):
            # Read ahead: a zip member's header, name and data come in three small
            # reads; one request serves them.
            self._buffer_start = start
            self._buffer = self._fetch(start, max(end, min(self._size, start + READ_AHEAD)))
            buffered = 0
        data = self._buffer[buffered : buffered + end - start]
        self._position += len(data)
        return data

    def _fetch(self, start: int, end: int) -> bytes:
        request = urllib.request.Request(  # noqa: S310 (the index's own file URLs)
            self._url, headers={"Range": f"bytes={start}-{end - 1}"}
        )
        with urllib.request.urlopen(request, timeout=self._timeout) as response:  # noqa: S310
            data = response.read()
        if response.status != 206 and len(data) != end - start:
            # A server that ignores Range answers the whole file: take our part.
            data = data[start:end]
        return data
