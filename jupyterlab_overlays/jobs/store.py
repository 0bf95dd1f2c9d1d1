"""Job records in SQLite, job logs in files: ``<folder>/jobs.sqlite3``, ``<folder>/logs/<id>.log``.

A running job also has ``<folder>/running/<id>.json`` (``base.Leftovers``: what to undo if
the server dies mid-job), removed when it ends.

One table, ``jobs``; its schema version is SQLite's ``PRAGMA user_version``. A database
written by a newer version of this extension (a higher ``user_version``) is refused rather
than misread. Indexes added since version 1 (``_INDEXES``) are made with ``CREATE INDEX IF
NOT EXISTS`` whenever a store is opened: a database made before them gets them, the schema
version stays 1, and an older extension still reads the database (it ignores them).

``seq``, the INTEGER PRIMARY KEY, is the rowid: it orders jobs by creation ("newest
first" is ``seq DESC``), and every index ends with it, so ``jobs_overlay`` on ``(overlay,
kind)`` is in effect ``(overlay, kind, seq)``: the newest job of an overlay and kind is
one index seek. Which index each query uses is tested with ``EXPLAIN QUERY PLAN``.

Logs are append-only UTF-8 files; ``read_log`` reads them by byte offset, for
incremental tailing, and never splits a character.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path

from .base import Job, JobKind, JobState

SCHEMA_VERSION = 1

# Columns in the order of the table; ``progress`` is stored as JSON text.
_COLUMNS = (
    "id",
    "overlay",
    "kind",
    "backend",
    "state",
    "created",
    "started",
    "finished",
    "image",
    "digest",
    "source_hash",
    "error",
    "log_size",
    "progress",
)

_SCHEMA = """
CREATE TABLE jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    overlay TEXT NOT NULL,
    kind TEXT NOT NULL,
    backend TEXT NOT NULL,
    state TEXT NOT NULL,
    created TEXT NOT NULL,
    started TEXT,
    finished TEXT,
    image TEXT,
    digest TEXT,
    source_hash TEXT,
    error TEXT,
    log_size INTEGER NOT NULL DEFAULT 0,
    progress TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX jobs_overlay ON jobs (overlay, kind);
CREATE INDEX jobs_state ON jobs (state);
"""

# Added after version 1; made on every open (see the module's docstring). ``runtime_images``
# holds what happened to each overlay's Elyra runtime image (``registrar.Registration``).
_INDEXES = """
CREATE INDEX IF NOT EXISTS jobs_overlay_seq ON jobs (overlay, seq);
CREATE INDEX IF NOT EXISTS jobs_built ON jobs (overlay)
    WHERE kind = 'build' AND state = 'succeeded';
CREATE TABLE IF NOT EXISTS runtime_images (overlay TEXT PRIMARY KEY, registration TEXT NOT NULL);
"""

# The most jobs one page of ``page`` holds.
MAX_PAGE = 500

# The active states and the kinds, as SQL literals: made from the enums, never from input.
_ACTIVE = ", ".join(f"'{state.value}'" for state in (JobState.QUEUED, JobState.RUNNING))
_KINDS = tuple(kind.value for kind in JobKind)

# ``current``: the seqs of every active job and, per overlay, of its newest job of each
# kind and its newest succeeded build. The overlays are found by a skip-scan of an index
# (one seek per overlay, not a scan of every job); each pick is one seek backwards. The
# newest succeeded build comes from the partial index ``jobs_built`` (named: the planner
# would otherwise walk back through every build of the overlay), the active jobs from
# ``jobs_state`` (named: with one overlay asked for, it would walk that overlay's jobs).
# ``{overlays}`` is either that scan or the single overlay asked for (a parameter).
_ALL_OVERLAYS = """
    SELECT MIN(overlay) FROM jobs
    UNION ALL
    SELECT (SELECT MIN(overlay) FROM jobs WHERE overlay > name) FROM names WHERE name IS NOT NULL
"""
_ONE_OVERLAY = "SELECT ?"
_NEWEST_OF_KIND = """
    SELECT (SELECT seq FROM jobs WHERE overlay = name AND kind = '{kind}'
            ORDER BY seq DESC LIMIT 1)
    FROM names WHERE name IS NOT NULL
"""
_CURRENT = """
WITH RECURSIVE
names(name) AS ({overlays}),
picked(seq) AS (
    {newest}
    UNION
    SELECT (SELECT seq FROM jobs INDEXED BY jobs_built
            WHERE overlay = name AND kind = 'build' AND state = 'succeeded'
            ORDER BY seq DESC LIMIT 1)
    FROM names WHERE name IS NOT NULL
    UNION
    SELECT seq FROM jobs INDEXED BY jobs_state WHERE state IN ({active}) {active_overlay}
)
SELECT * FROM jobs WHERE seq IN (SELECT seq FROM picked WHERE seq IS NOT NULL)
ORDER BY seq DESC
"""

# Built from the constant column names above, never from input.
_INSERT = f"INSERT INTO jobs ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})"  # noqa: S608
_UPDATE = f"UPDATE jobs SET {', '.join(f'{c} = ?' for c in _COLUMNS[1:])} WHERE id = ?"  # noqa: S608

# The most a single ``read_log`` returns; the caller asks again from the next offset.
MAX_LOG_READ = 1024 * 1024

# Job ids are made by the service (uuid hex); anything else never reaches the disk.
_ID_CHARS = frozenset("0123456789abcdef")


class StoreError(Exception):
    """The store folder or database cannot be used."""


def valid_job_id(job_id: str) -> bool:
    """Whether ``job_id`` has the shape of the ids the service makes (32 hex digits)."""
    return isinstance(job_id, str) and len(job_id) == 32 and set(job_id) <= _ID_CHARS


def _utf8_tail_cut(data: bytes) -> int:
    """The length of ``data`` without an incomplete UTF-8 sequence at its end."""
    # Look back at most 3 bytes for the lead byte of the last sequence.
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte & 0xC0 != 0x80:  # not a continuation byte
            if byte >= 0xF0:
                need = 4
            elif byte >= 0xE0:
                need = 3
            elif byte >= 0xC0:
                need = 2
            else:
                need = 1
            return len(data) - back if back < need else len(data)
    return len(data)


def _utf8_head_skip(data: bytes) -> int:
    """How many continuation bytes start ``data`` (an offset inside a character)."""
    skip = 0
    while skip < min(3, len(data)) and data[skip] & 0xC0 == 0x80:
        skip += 1
    return skip


class JobStore:
    """Job records and logs under one folder, shared by every server that uses it."""

    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = Path(folder)
        self.logs_dir = self.folder / "logs"
        try:
            self.logs_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as error:
            message = f"Cannot create the job store folder {self.folder}: {error}"
            raise StoreError(message) from error
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            self.folder / "jobs.sqlite3", isolation_level=None, check_same_thread=False
        )
        self._db.row_factory = sqlite3.Row
        self._migrate()

    def _migrate(self) -> None:
        with self._lock:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"The job database {self.folder / 'jobs.sqlite3'} has schema version "
                    f"{version}, newer than this extension's ({SCHEMA_VERSION})."
                )
            if version == 0:
                self._db.executescript(
                    f"BEGIN; {_SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
                )
            self._db.executescript(f"BEGIN; {_INDEXES} COMMIT;")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # Records.

    @staticmethod
    def _row(job: Job) -> tuple:
        data = job.to_json()
        data["progress"] = json.dumps(job.progress or {})
        return tuple(data[column] for column in _COLUMNS)

    @staticmethod
    def _job(row: sqlite3.Row) -> Job:
        data = {column: row[column] for column in _COLUMNS}
        data["kind"] = JobKind(data["kind"])
        data["state"] = JobState(data["state"])
        try:
            progress = json.loads(data["progress"] or "{}")
        except ValueError:
            progress = {}
        data["progress"] = progress if isinstance(progress, dict) else {}
        return Job(**data)

    def add(self, job: Job) -> None:
        """Insert a new record."""
        with self._lock:
            self._db.execute(_INSERT, self._row(job))

    def save(self, job: Job) -> None:
        """Write every field of an existing record."""
        row = self._row(job)
        with self._lock:
            self._db.execute(_UPDATE, (*row[1:], row[0]))

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return None if row is None else self._job(row)

    def list(
        self,
        overlay: str | None = None,
        kind: JobKind | None = None,
        states: tuple[JobState, ...] | None = None,
    ) -> list[Job]:
        """Records, newest first, optionally of one overlay, one kind, some states."""
        where, params = [], []
        if overlay is not None:
            where.append("overlay = ?")
            params.append(overlay)
        if kind is not None:
            where.append("kind = ?")
            params.append(JobKind(kind).value)
        if states:
            where.append(f"state IN ({', '.join('?' for _ in states)})")
            params.extend(JobState(state).value for state in states)
        sql = "SELECT * FROM jobs"
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY seq DESC", params).fetchall()
        return [self._job(row) for row in rows]

    def page(
        self,
        overlay: str | None = None,
        limit: int | None = None,
        before: str | None = None,
    ) -> tuple[list[Job], str | None]:
        """A page of records, newest first, and the id to pass as ``before`` for the next
        page (None: there is none).

        ``before``: only jobs created before that job (KeyError if there is no such job).
        ``limit``: at most that many (1 to ``MAX_PAGE``); None: all of them.
        """
        if limit is not None and not 1 <= limit <= MAX_PAGE:
            raise ValueError(f"limit must be from 1 to {MAX_PAGE}, not {limit}")
        with self._lock:
            before_seq = None
            if before is not None:
                row = self._db.execute("SELECT seq FROM jobs WHERE id = ?", (before,)).fetchone()
                if row is None:
                    raise KeyError(before)
                before_seq = row["seq"]
            rows = self._db.execute(*self._page_sql(overlay, limit, before_seq)).fetchall()
        jobs = [self._job(row) for row in rows]
        if limit is not None and len(jobs) > limit:
            return jobs[:limit], jobs[limit - 1].id
        return jobs, None

    @staticmethod
    def _page_sql(
        overlay: str | None, limit: int | None, before_seq: int | None
    ) -> tuple[str, list]:
        """The query of ``page``, with the ``seq`` of its ``before`` job."""
        where, params = [], []
        if overlay is not None:
            where.append("overlay = ?")
            params.append(overlay)
        if before_seq is not None:
            where.append("seq < ?")
            params.append(before_seq)
        sql = "SELECT * FROM jobs"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY seq DESC"
        if limit is not None:
            # One more than asked: whether there is a next page.
            sql += " LIMIT ?"
            params.append(limit + 1)
        return sql, params

    def current(self, overlay: str | None = None) -> list[Job]:
        """What the sidebar shows, newest first, each job once: every queued or running
        job and, per overlay, its newest job of each kind and its newest succeeded build.

        At most (kinds + 1) per overlay, plus the active jobs, whatever the history holds.
        """
        sql, params = self._current_sql(overlay)
        with self._lock:
            rows = self._db.execute(sql, params).fetchall()
        return [self._job(row) for row in rows]

    @staticmethod
    def _current_sql(overlay: str | None) -> tuple[str, list]:
        newest = "\n    UNION\n".join(_NEWEST_OF_KIND.format(kind=kind) for kind in _KINDS)
        sql = _CURRENT.format(
            overlays=_ALL_OVERLAYS if overlay is None else _ONE_OVERLAY,
            newest=newest,
            active=_ACTIVE,
            active_overlay="" if overlay is None else "AND overlay = ?",
        )
        return sql, [] if overlay is None else [overlay, overlay]

    # History.

    def prune(self, overlay: str, per_overlay: int, total: int) -> list[str]:
        """Forget the oldest ended jobs (records and logs) beyond ``per_overlay`` of
        ``overlay`` and ``total`` in all; never an active job nor one the current view
        holds (each overlay's newest job of each kind, its newest good build). The ids
        forgotten."""
        protected = {job.id for job in self.current()}
        ended = tuple(state.value for state in JobState if state.ended)
        marks = ", ".join("?" for _ in ended)
        with self._lock:
            rows = self._db.execute(
                f"SELECT id FROM jobs WHERE overlay = ? AND state IN ({marks}) "  # noqa: S608
                "ORDER BY seq DESC LIMIT -1 OFFSET ?",
                (overlay, *ended, per_overlay),
            ).fetchall()
            rows += self._db.execute(
                f"SELECT id FROM jobs WHERE state IN ({marks}) "  # noqa: S608
                "ORDER BY seq DESC LIMIT -1 OFFSET ?",
                (*ended, total),
            ).fetchall()
            doomed = [job_id for job_id in dict.fromkeys(row["id"] for row in rows)]
            doomed = [job_id for job_id in doomed if job_id not in protected]
            self._db.executemany("DELETE FROM jobs WHERE id = ?", [(i,) for i in doomed])
        for job_id in doomed:
            self.log_path(job_id).unlink(missing_ok=True)
        return doomed

    def rename_overlay(self, overlay: str, new_name: str) -> int:
        """Record the ended jobs of ``overlay`` as ``new_name``'s (a renamed overlay keeps
        its history); how many. Active jobs keep the name they were started under."""
        ended = [state.value for state in JobState if state.ended]
        marks = ",".join("?" * len(ended))
        with self._lock:
            cursor = self._db.execute(
                f"UPDATE jobs SET overlay = ? WHERE overlay = ? AND state IN ({marks})",  # noqa: S608
                (new_name, overlay, *ended),
            )
            return cursor.rowcount

    # Runtime image registrations, one per overlay.

    def save_registration(self, overlay: str, registration: dict | None) -> None:
        """Record what happened to an overlay's runtime image; None forgets it."""
        with self._lock:
            if registration is None:
                self._db.execute("DELETE FROM runtime_images WHERE overlay = ?", (overlay,))
            else:
                self._db.execute(
                    "INSERT OR REPLACE INTO runtime_images VALUES (?, ?)",
                    (overlay, json.dumps(registration)),
                )

    def registrations(self) -> dict[str, dict]:
        """Every overlay's last registration, by overlay."""
        with self._lock:
            rows = self._db.execute("SELECT overlay, registration FROM runtime_images").fetchall()
        return {row["overlay"]: json.loads(row["registration"]) for row in rows}

    def query_plan(self, sql: str, params: list) -> list[str]:
        """SQLite's ``EXPLAIN QUERY PLAN`` of a query, one line per step (for tests)."""
        with self._lock:
            rows = self._db.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
        return [row["detail"] for row in rows]

    # What running jobs would leave behind (base.Leftovers).

    def leftovers_path(self, job_id: str) -> Path:
        if not valid_job_id(job_id):
            raise ValueError(f"{job_id!r} is not a job id")
        return self.folder / "running" / f"{job_id}.json"

    def leftovers_ids(self) -> list[str]:
        """The ids of the jobs that have a leftovers file."""
        try:
            names = os.listdir(self.folder / "running")
        except FileNotFoundError:
            return []
        return sorted(
            name[: -len(".json")]
            for name in names
            if name.endswith(".json") and valid_job_id(name[: -len(".json")])
        )

    # Logs.

    def log_path(self, job_id: str) -> Path:
        if not valid_job_id(job_id):
            raise ValueError(f"{job_id!r} is not a job id")
        return self.logs_dir / f"{job_id}.log"

    def append_log(self, job_id: str, text: str) -> int:
        """Append ``text`` to the job's log; the log's size in bytes afterwards."""
        data = text.encode("utf-8", errors="replace")
        with open(self.log_path(job_id), "ab") as log:
            if data:
                log.write(data)
            return log.tell()

    def log_size(self, job_id: str) -> int:
        try:
            return self.log_path(job_id).stat().st_size
        except FileNotFoundError:
            return 0

    def read_log(self, job_id: str, offset: int = 0, limit: int = MAX_LOG_READ) -> tuple[str, int]:
        """The log's text from byte ``offset`` and the offset to read from next.

        At most ``limit`` bytes are read. A character cut by the end of what was read (a
        write in progress, or the limit) is left for the next read; an ``offset`` inside a
        character skips to the next one. Invalid bytes read as U+FFFD.
        """
        offset = max(0, int(offset))
        try:
            with open(self.log_path(job_id), "rb") as log:
                log.seek(offset)
                data = log.read(max(4, limit))
        except FileNotFoundError:
            return "", offset
        skip = _utf8_head_skip(data)
        end = _utf8_tail_cut(data)
        if end <= skip:
            return "", offset + skip
        return data[skip:end].decode("utf-8", errors="replace"), offset + end
