"""What every part of the job system shares: the record, its states, backends."""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, field
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
    """A job failed for a reason the user should read (goes to ``Job.error``)."""


class LogWriter(Protocol):
    """Where a running job writes its log (bytes are appended; never secrets)."""

    def write(self, text: str) -> None: ...


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


class Backend(Protocol):
    """A way to run build (and lock) jobs."""

    name: str

    async def run(self, context: JobContext) -> JobResult:
        """Run the job to the end; raise JobError with a readable reason on failure,
        asyncio.CancelledError when cancelled. Must leave no partial image tagged."""
        ...
