"""What every part of the job system shares: the record, its states, backends."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Protocol


class JobState(str, Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def ended(self) -> bool:
        return self in (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


class JobKind(str, Enum):
    BUILD = "build"
    LOCK = "lock"


@dataclass
class Job:
    """One job, as stored and as the REST API returns it (``to_json``)."""

    id: str
    overlay: str
    kind: JobKind
    backend: str
    state: JobState
    created: str  # ISO 8601 UTC
    started: str | None = None
    finished: str | None = None
    image: str | None = None  # name:tag
    digest: str | None = None  # image digest or local image id
    source_hash: str | None = None
    error: str | None = None
    log_size: int = 0
    progress: dict = field(default_factory=dict)  # e.g. {"step": 3, "steps": 7}

    def to_json(self) -> dict:
        data = asdict(self)
        data["kind"] = self.kind.value
        data["state"] = self.state.value
        return data


@dataclass
class JobResult:
    """What a backend returns when a job succeeds."""

    image: str | None = None
    digest: str | None = None


class JobError(Exception):
    """A job failed for a reason the user should read (goes to ``Job.error``).

    ``result``: what the job made before it failed (e.g. the image of a build whose
    push failed), recorded with the failure.
    """

    def __init__(self, message: str = "", result: JobResult | None = None) -> None:
        super().__init__(message)
        self.result = result


class LogWriter(Protocol):
    """Where a running job writes its log (bytes are appended; never secrets)."""

    def write(self, text: str) -> None: ...


def now() -> str:
    """The current time, ISO 8601 UTC with milliseconds (how job times are recorded)."""
    stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


def process_start_time(pid: int) -> int | None:
    """When process ``pid`` started (clock ticks since boot, from /proc), or None when
    there is no such process. With the pid, it names a process even after pid reuse."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        # The command name (field 2) may hold spaces and parentheses: split after it.
        return int(stat.rsplit(")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return None


class Leftovers:
    """What a running job would leave behind if the server died: a JSON file.

    The service gives every running job one (``<jobs_dir>/running/<id>.json``) and
    removes it when the job ends. The job's processes are added as they start
    (``add_process``); a backend adds what it must undo (``note``: working
    containers, the tag it is making…). When a server starts and finds a job that was
    running, it reads this to end the processes and to let the backend tidy up.
    ``path`` None keeps everything in memory (tests of the backends).
    """

    def __init__(self, path: Path | None = None, **values) -> None:
        self.path = Path(path) if path is not None else None
        self.data: dict = {"processes": [], **values}
        if values:
            self._write()

    @classmethod
    def read(cls, path: Path) -> dict | None:
        """The data of a leftovers file, or None when there is none (or it is unreadable)."""
        try:
            data = json.loads(Path(path).read_text())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def note(self, **values) -> None:
        """Record ``values`` (JSON-serialisable), replacing those of the same keys."""
        self.data.update(values)
        self._write()

    def add_process(self, pid: int) -> None:
        """Record a process that leads its own process group (``start_new_session``)."""
        self.data["processes"].append({"pid": pid, "start": process_start_time(pid)})
        self._write()

    def discard(self) -> None:
        """The job ended and tidied up after itself: forget the file."""
        if self.path is not None:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()

    def _write(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        partial.write_text(json.dumps(self.data))
        os.replace(partial, self.path)


@dataclass
class JobContext:
    """Everything a backend needs to run one job."""

    job: Job
    overlay_dir: Path  # absolute path of overlays/<name>
    workspace_dir: Path  # the server's root dir
    log: LogWriter
    cancelled: asyncio.Event
    # Filled by the service when the process starts, so cancel can kill the group.
    processes: list[asyncio.subprocess.Process] = field(default_factory=list)
    # Called by the backend to report progress, e.g. {"step": 3, "steps": 7}.
    on_progress: object = None
    # What to undo if the server dies mid-job (see Leftovers).
    leftovers: Leftovers = field(default_factory=Leftovers)
    # Set before the task is cancelled when the server stops and the backend is
    # ``detachable``: the job goes on elsewhere (a cluster) and is not to be undone.
    detached: bool = False


class Backend(Protocol):
    """A way to run build (and lock) jobs."""

    name: str

    async def run(self, context: JobContext) -> JobResult:
        """Run the job to the end; raise JobError with a readable reason on failure,
        asyncio.CancelledError when cancelled. Must leave no partial image tagged."""
        ...

    # Optional, for backends whose jobs run elsewhere (a cluster): ``detachable = True``
    # (a server that stops leaves the job running), ``can_attach(leftovers) -> bool``
    # and ``async def attach(context, leftovers) -> JobResult`` (the next server follows
    # the job again instead of calling it interrupted).
    #
    # Optional: ``async def clean_up(self, leftovers: dict, log: LogWriter) -> None``,
    # called when a server starts, for a job of this kind that a server which died
    # left running, with what that job recorded in its Leftovers (its processes are
    # already ended). It undoes what a cancel would have undone.
