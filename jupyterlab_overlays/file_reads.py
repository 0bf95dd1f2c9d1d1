"""What was read from the package index's files, kept on disk, by the files' SHA-256.

Module checks read many files on the index (a wheel's file list, its metadata, its
modules' imports): kats' closure is ~100 projects, minutes cold. A release's file never
changes, and the index gives each file's SHA-256 (PEP 691 ``hashes``), so what was read
from it can be kept for good — across server restarts, and across the command line's
runs (``scripts/overlays-cli.mjs create --check-index`` starts a process per notebook).

One SQLite file (``OverlaysConfig.index_cache``; default
``<jupyter data dir>/overlays/index-files.sqlite3``), safe for several processes at
once. Only the index's public files are read into it. Keys name what was read and how
(``kind``), so a reader whose code changes asks again. It is a cache: when the file
cannot be opened or written, nothing is kept and nothing fails; entries not used for
``KEEP_DAYS`` are dropped.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import time
import zlib
from pathlib import Path
from typing import Any

from jupyter_core.paths import jupyter_data_dir

#: Entries not used for this long are dropped when the file is opened.
KEEP_DAYS = 90
SHA256_RE = re.compile(r"[0-9a-f]{64}")
#: What a reader that is not stored returns.
MISSING: Any = object()


def default_path() -> Path:
    return Path(jupyter_data_dir()) / "overlays" / "index-files.sqlite3"


def file_key(item: dict) -> str | None:
    """A file's SHA-256 as the index gives it (None: not given, so nothing is kept)."""
    digest = (item.get("hashes") or {}).get("sha256")
    if (
        isinstance(digest, str)
        and len(digest) == 64
        and all(c in "0123456789abcdef" for c in digest)
    ):
        return digest
    return None


class FileReads:
    """``get``/``put`` JSON values by (kind, file's SHA-256, detail)."""

    def __init__(self, path: str | os.PathLike[str] | None = None, enabled: bool = True) -> None:
        self.path = Path(path) if path else default_path()
        self._db: sqlite3.Connection | None = None
        #: Not opened (or not openable): nothing is kept.
        self._off = not enabled

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is not None or self._off:
            return self._db
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            db = sqlite3.connect(self.path, timeout=2.0, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS reads (kind TEXT, sha256 TEXT, detail TEXT,"
                " value BLOB, used REAL, PRIMARY KEY (kind, sha256, detail))"
            )
            db.execute("DELETE FROM reads WHERE used < ?", (time.time() - KEEP_DAYS * 86400,))
            os.chmod(self.path, 0o600)
        except (OSError, sqlite3.Error):
            self._off = True
            return None
        self._db = db
        return db

    def get(self, kind: str, sha256: str | None, detail: str = "") -> Any:
        """The value kept, or ``MISSING``."""
        db = self._connect() if sha256 else None
        if db is None:
            return MISSING
        try:
            row = db.execute(
                "SELECT value, used FROM reads WHERE kind = ? AND sha256 = ? AND detail = ?",
                (kind, sha256, detail),
            ).fetchone()
            if row is None:
                return MISSING
            if row[1] < time.time() - 86400:
                db.execute(
                    "UPDATE reads SET used = ? WHERE kind = ? AND sha256 = ? AND detail = ?",
                    (time.time(), kind, sha256, detail),
                )
            return json.loads(zlib.decompress(row[0]))
        except (sqlite3.Error, zlib.error, ValueError):
            return MISSING

    def put(self, kind: str, sha256: str | None, detail: str, value: Any) -> None:
        db = self._connect() if sha256 else None
        if db is None:
            return
        blob = zlib.compress(json.dumps(value, separators=(",", ":")).encode())
        with contextlib.suppress(sqlite3.Error):
            db.execute(
                "INSERT OR REPLACE INTO reads VALUES (?, ?, ?, ?, ?)",
                (kind, sha256, detail, blob, time.time()),
            )
