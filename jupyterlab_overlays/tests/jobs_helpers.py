"""A stand-in for what the job service gives a backend (tests of the backends only)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from dataclasses import dataclass, field
from pathlib import Path

from jupyterlab_overlays.jobs.base import Job, JobContext, JobKind, JobState


@dataclass
class ListLog:
    """A LogWriter keeping what was written."""

    chunks: list[str] = field(default_factory=list)

    def write(self, text: str) -> None:
        self.chunks.append(text)

    @property
    def text(self) -> str:
        return "".join(self.chunks)


def make_context(overlay_dir: Path, kind: JobKind = JobKind.BUILD, backend: str = "local"):
    """A JobContext for ``overlay_dir``; returns it and its log and progress list."""
    log = ListLog()
    progress: list[dict] = []
    job = Job(
        id="test",
        overlay=overlay_dir.name,
        kind=kind,
        backend=backend,
        state=JobState.RUNNING,
        created="2025-01-01T00:00:00Z",
    )
    context = JobContext(
        job=job,
        overlay_dir=overlay_dir,
        workspace_dir=overlay_dir.parent.parent,
        log=log,
        cancelled=asyncio.Event(),
        on_progress=progress.append,
    )
    return context, log, progress


def cancel(context: JobContext) -> None:
    """What the service does on cancel: set the event, kill every process group."""
    context.cancelled.set()
    for process in context.processes:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
