"""A fake backend for the tests of the job queue (not of building: see the backends' tests).

What a job does is chosen by its overlay's name prefix:

- ``wait…``: writes a line, waits until the test releases it, succeeds with an image;
- ``proc…``: starts ``sh -c "sleep 300 & sleep 300"`` in a new session (a process tree in
  one group, as real backends do) and waits for it;
- ``fail…``: raises JobError("the resolver said no");
- ``half…``: raises JobError("the push failed") with what it made (an image);
- ``crash…``: raises an unexpected RuntimeError;
- ``deaf…``: ignores cancellation until released.

Every job notes ``{"fake": <overlay>}`` in its Leftovers; ``clean_up`` (what a new server
calls for a job a dead one left running) records what it was given.

Also the small helpers job tests share: ``wait_until``, ``make_overlay``, ``free_port``.
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
from pathlib import Path

from jupyterlab_overlays.jobs.base import JobContext, JobError, JobResult, LogWriter


class FakeBackends:
    """A backend factory that records what its backends do."""

    name = "fake"

    def __init__(self) -> None:
        self.started: list[str] = []  # job ids, in the order they started
        self.contexts: dict[str, JobContext] = {}
        self.released: dict[str, asyncio.Event] = {}
        self.made = 0
        self.cleaned: list[dict] = []  # the leftovers clean_up was given

    def __call__(self) -> FakeBackend:
        self.made += 1
        return FakeBackend(self)

    def release(self, job_id: str) -> None:
        self.released.setdefault(job_id, asyncio.Event()).set()

    def pgid(self, job_id: str) -> int:
        return self.contexts[job_id].processes[0].pid


class FakeBackend:
    name = "fake"

    def __init__(self, record: FakeBackends) -> None:
        self.record = record

    async def run(self, context: JobContext) -> JobResult:
        job = context.job
        self.record.started.append(job.id)
        self.record.contexts[job.id] = context
        released = self.record.released.setdefault(job.id, asyncio.Event())
        context.log.write(f"start {job.overlay} {job.kind.value} ✓\n")
        context.leftovers.note(fake=job.overlay)
        if job.overlay.startswith("half"):
            image = f"localhost/test-{job.overlay}:abc"
            raise JobError("the push failed", result=JobResult(image=image, digest="sha256:12"))
        if job.overlay.startswith("fail"):
            context.log.write("ERROR: no candidates\n")
            raise JobError("the resolver said no")
        if job.overlay.startswith("crash"):
            raise RuntimeError("a bug in the backend")
        if job.overlay.startswith("proc"):
            process = await asyncio.create_subprocess_exec(
                "sh", "-c", "sleep 300 & sleep 300", start_new_session=True
            )
            context.processes.append(process)
            context.leftovers.add_process(process.pid)
            await process.wait()
            raise JobError(f"sleep ended with {process.returncode}")
        if job.overlay.startswith("deaf"):
            while not released.is_set():
                try:
                    await released.wait()
                except asyncio.CancelledError:
                    context.log.write("ignoring the cancel\n")
            return JobResult()
        context.on_progress({"step": 1, "steps": 2})
        await released.wait()
        context.on_progress({"step": 2, "steps": 2})
        context.log.write("done\n")
        return JobResult(image=f"localhost/test-{job.overlay}:abc", digest="sha256:1234")

    async def clean_up(self, leftovers: dict, log: LogWriter) -> None:
        """Runs in a thread of its own, with its own event loop."""
        await asyncio.sleep(0)
        self.record.cleaned.append(leftovers)
        log.write(f"cleaned up after {leftovers.get('fake')}\n")


async def wait_until(predicate, timeout: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def make_overlay(workspace: Path, name: str, pipfile: str = "[packages]\n") -> Path:
    folder = workspace / "overlays" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Pipfile").write_text(pipfile)
    return folder


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
