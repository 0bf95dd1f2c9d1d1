"""After a server died: the jobs it left queued or running are marked failed, and what
the running ones left (``base.Leftovers``: their process groups, which outlive the
server, and what their backend noted, e.g. buildah working containers and a half-made
tag) is ended and undone first. A job whose server is still alive (another server
sharing the store) is left alone.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable, Mapping

from .base import Job, JobKind, JobState, Leftovers, now, process_start_time
from .process import end_leftover_groups
from .store import JobStore

RESTART_REASON = "interrupted by server restart"

_log = logging.getLogger(__name__)

# How long, at most, a backend may take to tidy up after a job a dead server left.
CLEAN_UP_TIMEOUT = 120.0


def recover(
    store: JobStore,
    backends: Mapping[JobKind, Callable[[], object]],
    log: logging.Logger,
    resumable: list | None = None,
) -> list[Job]:
    """Mark the jobs a previous server left queued or running as failed, after ending
    and undoing what the running ones left; the jobs so marked. Running jobs that their
    backend can follow again (``can_attach``, cluster builds) are left running and
    added to ``resumable`` as ``(job, leftovers)`` instead, when it is given."""
    interrupted = []
    for job in store.list(states=(JobState.QUEUED, JobState.RUNNING)):
        leftovers = Leftovers.read(store.leftovers_path(job.id))
        if leftovers is not None and _owner_alive(leftovers):
            log.warning(
                "Job %s (%s of %s) runs under another server (pid %s): left alone",
                job.id,
                job.kind.value,
                job.overlay,
                leftovers["server"].get("pid"),
            )
            continue
        if (
            leftovers is not None
            and resumable is not None
            and _can_attach(backends, job, leftovers)
        ):
            resumable.append((job, leftovers))
            log.info("Job %s (%s of %s): following it again", job.id, job.kind.value, job.overlay)
            continue
        if leftovers is not None:
            _clean_up(store, backends, log, job, leftovers)
        job.state = JobState.FAILED
        job.error = RESTART_REASON
        job.finished = now()
        job.log_size = store.log_size(job.id)
        store.save(job)
        interrupted.append(job)
        log.warning("Job %s (%s of %s): %s", job.id, job.kind.value, job.overlay, RESTART_REASON)
    # Files of jobs that ended (a server that died between the end and the removal).
    for job_id in store.leftovers_ids():
        job = store.get(job_id)
        if job is None or job.state.ended:
            Leftovers(store.leftovers_path(job_id)).discard()
    return interrupted


def _can_attach(backends, job: Job, leftovers: dict) -> bool:
    if job.state is not JobState.RUNNING:
        return False
    factory = backends.get(job.kind)
    try:
        backend = factory() if factory is not None else None
        return bool(callable(getattr(backend, "attach", None)) and backend.can_attach(leftovers))
    except Exception:  # a server must start whatever a backend does
        _log.warning("Job %s: cannot tell whether it can be followed again", job.id, exc_info=True)
        return False


def _owner_alive(leftovers: dict) -> bool:
    """Whether the server that ran the job is another process that still runs."""
    server = leftovers.get("server")
    if not isinstance(server, dict):
        return False
    pid, start = server.get("pid"), server.get("start")
    if not isinstance(pid, int) or pid == os.getpid() or start is None:
        return False
    return process_start_time(pid) == start


class _StoreLog:
    """A LogWriter appending to a job's log file (for jobs that are not running)."""

    def __init__(self, store: JobStore, job_id: str) -> None:
        self._store = store
        self._job_id = job_id

    def write(self, text: str) -> None:
        self._store.append_log(self._job_id, text)


def _clean_up(store, backends, log, job: Job, leftovers: dict) -> None:
    """End the process groups a dead server's job left, then let its backend undo the
    rest (``clean_up``); what was done goes to the job's log."""
    job_log = _StoreLog(store, job.id)
    job_log.write(f"\n{RESTART_REASON.capitalize()}: tidying up after the job.\n")
    processes = leftovers.get("processes")
    groups = end_leftover_groups(processes if isinstance(processes, list) else [])
    if groups:
        job_log.write(f"Ended its process group(s) {', '.join(map(str, groups))}\n")
    factory = backends.get(job.kind)
    try:
        backend = factory() if factory is not None else None
        clean_up = getattr(backend, "clean_up", None)
        if callable(clean_up):
            _run_coroutine_in_thread(lambda: clean_up(leftovers, job_log), CLEAN_UP_TIMEOUT)
    except Exception as error:  # a server must start whatever a backend does
        job_log.write(f"Could not tidy up: {error}\n")
        log.warning("Job %s: tidying up failed: %s", job.id, error, exc_info=True)
    Leftovers(store.leftovers_path(job.id)).discard()


def _run_coroutine_in_thread(make, timeout: float) -> None:
    """Run the coroutine ``make()`` to its end in a thread of its own (with its own
    event loop), from synchronous code that may itself run inside an event loop."""
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(asyncio.wait_for(make(), timeout))
        except BaseException as error:  # reported to the caller
            failure.append(error)

    thread = threading.Thread(target=target, name="overlays-clean-up", daemon=True)
    thread.start()
    thread.join(timeout + 5)
    if thread.is_alive():
        raise TimeoutError(f"not done within {timeout:g} s")
    if failure:
        raise failure[0]
