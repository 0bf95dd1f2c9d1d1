"""The job queue: submit, run in order under a concurrency limit, cancel, recover.

Rules (the REST API in ``handlers.py`` is a thin layer over them):

- ``submit(overlay, kind)`` checks the overlay name and that ``<overlays_dir>/<name>/``
  exists inside the workspace, then computes the overlay's source hash.

  - A queued or running job of the same overlay and kind with the same source hash is
    returned instead of a new one (``created`` is False): asking twice builds once.
  - Otherwise a new job is queued. Queued jobs of the same overlay and kind with another
    source hash are cancelled (``error`` names the job that superseded them): they would
    build a source that no longer exists. A *running* one is left to finish.

- Jobs start in FIFO order, at most ``OverlaysConfig.max_concurrent_jobs`` at once, and
  at most one at a time per overlay (whatever the kind: a lock job writes the
  ``Pipfile.lock`` a build job reads). A queued job whose overlay is busy lets the jobs
  behind it start.
- ``cancel(id)``: a queued job is cancelled at once; a running one gets
  ``context.cancelled`` set, SIGTERM to the process group of every process in
  ``context.processes`` (backends start them with ``start_new_session=True``), its task
  cancelled, and SIGKILL after ``cancel_grace_period`` seconds. An ended job: 409.
- When the service starts, jobs left ``running`` or ``queued`` in the store by a server
  that died are marked failed, "interrupted by server restart", after what the running
  ones left is ended and undone (``recovery.py``). Queued ones are not run again: the
  user asked for a build of a source that may have changed since, and a build starting
  on its own when the server starts would surprise more than help.
- ``stop()`` (server shutdown) does the same to this server's own queued and running
  jobs, with "interrupted by server shutdown", after ending their processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sqlite3
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from pathlib import Path

from ..errors import RequestError
from ..registrar import RegistrationSettings, RuntimeImages, registration_line
from ..status import overlay_status
from ..workspace import overlay_dir, overlays_dir_from_thoth
from .base import (
    Job,
    JobContext,
    JobError,
    JobKind,
    JobResult,
    JobState,
    Leftovers,
    now,
    process_start_time,
)
from .context import source_hash
from .recovery import recover
from .store import MAX_PAGE, JobStore, valid_job_id

SHUTDOWN_REASON = "interrupted by server shutdown"
#: Why a detachable job's task ended when the server stopped (the job goes on).
DETACHED = "detached"

# Seconds between attempts to write job records the store refused.
SAVE_RETRY_INTERVAL = 5.0

# How often, at most, a running job's log size is written to the store (it is always
# current in memory, which is what the REST API returns for an active job).
LOG_SIZE_SAVE_INTERVAL = 1.0

BackendFactory = Callable[[], object]

_log = logging.getLogger(__name__)


def check_kind(kind: object) -> JobKind:
    try:
        return JobKind(kind)
    except ValueError:
        kinds = " or ".join(repr(k.value) for k in JobKind)
        raise RequestError(400, f"Unknown job kind {str(kind)[:50]!r}: {kinds}.") from None


def default_backends(config) -> dict[JobKind, BackendFactory]:
    """The real backends: builds by ``jobs.local.LocalBuildBackend``, or by
    ``jobs.kube.backend.KubernetesBuildBackend`` when ``build_backend`` is
    "kubernetes"; locks by ``jobs.lock.LockBackend``."""
    from .lock import LockBackend

    if config.build_backend == "kubernetes":
        from .kube.backend import KubernetesBuildBackend

        build = lambda: KubernetesBuildBackend(config)  # noqa: E731
    else:
        from .local import LocalBuildBackend

        build = lambda: LocalBuildBackend(config=config)  # noqa: E731
    return {JobKind.BUILD: build, JobKind.LOCK: lambda: LockBackend(config=config)}


def _signal_processes(processes, sig: int) -> None:
    """Send ``sig`` to the process group of each process, and to the process itself."""
    own_group = os.getpgrp()
    for process in processes:
        pid = getattr(process, "pid", None)
        if not pid:
            continue
        # Backends start processes with start_new_session=True: the group id is the pid.
        if pid != own_group:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, sig)
        if getattr(process, "returncode", None) is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                process.send_signal(sig)


class _JobLog:
    """The LogWriter a backend gets: appends to the job's log file."""

    def __init__(self, service: JobService, job: Job) -> None:
        self._service = service
        self._job = job

    def write(self, text: str) -> None:
        self._service._append_log(self._job, text)


class _Run:
    """What the service keeps about a running job."""

    def __init__(self, job: Job, context: JobContext, task: asyncio.Task) -> None:
        self.job = job
        self.context = context
        self.task = task
        self.reason: str | None = None  # why it was stopped (None: it was not)
        self.backend: object | None = None  # set when it starts running


class JobService:
    """Lock and build jobs of the overlays of one workspace."""

    def __init__(
        self,
        config,
        store: JobStore,
        backends: Mapping[JobKind | str, BackendFactory],
        workspace_dir: str | os.PathLike,
        overlays_dir_resolver: Callable[[Path], str] | None = None,
        log: logging.Logger | None = None,
        runtime_images: RuntimeImages | None = None,
        on_change: Callable[[Job], None] | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.backends = {JobKind(kind): factory for kind, factory in backends.items()}
        self.workspace_dir = Path(workspace_dir)
        self.overlays_dir_resolver = overlays_dir_resolver or (
            lambda folder: overlays_dir_from_thoth(folder, config.overlays_dir)
        )
        self.log = log or _log
        #: Elyra runtime images of successful builds (None: not registered, e.g. tests).
        self.runtime_images = runtime_images
        #: Told of every change of a job (the server emits it as an event).
        self.on_change = on_change
        self._registration: dict[str, RegistrationSettings] = {}
        self._queue: deque[Job] = deque()
        self._backends: dict[str, object | Exception] = {}
        self._running: dict[str, _Run] = {}
        self._log_saved: dict[str, float] = {}
        # Jobs whose last state the store refused (retried every SAVE_RETRY_INTERVAL).
        self._unsaved: dict[str, Job] = {}
        self._save_retry: asyncio.TimerHandle | None = None
        self._stopping = False
        self._server = {"pid": os.getpid(), "start": process_start_time(os.getpid())}
        # Jobs a previous server left running that their backend follows again (resume).
        self._resumable: list[tuple[Job, dict]] = []
        self.recover()

    # Start and stop.

    def recover(self) -> list[Job]:
        """Mark the jobs a previous server left queued or running as failed, after
        ending and undoing what the running ones left (``recovery.recover``)."""
        return recover(self.store, self.backends, self.log, self._resumable)

    def resume(self) -> None:
        """Follow again the jobs a previous server left running whose backend can
        (cluster builds: ``can_attach`` / ``attach``); once the event loop runs."""
        while self._resumable and not self._stopping:
            job, leftovers = self._resumable.pop(0)
            backend = self._make_backend(job.kind)
            context = self._context(job, {**leftovers, "server": self._server})
            self._backends[job.id] = backend
            task = asyncio.get_running_loop().create_task(self._run(job, context, leftovers))
            self._running[job.id] = _Run(job, context, task)

    async def stop(self) -> None:
        """End every queued and running job of this server (server shutdown); jobs of a
        ``detachable`` backend go on (a cluster), for the next server to follow."""
        self._stopping = True
        while self._queue:
            job = self._queue.popleft()
            self._end(job, JobState.FAILED, error=SHUTDOWN_REASON)
        runs = list(self._running.values())
        detached = [run for run in runs if getattr(run.backend, "detachable", False)]
        await asyncio.gather(*(self._detach(run) for run in detached))
        runs = [run for run in runs if run not in detached]
        await asyncio.gather(*(self._stop_run(run, SHUTDOWN_REASON) for run in runs))
        if self._save_retry is not None:
            self._save_retry.cancel()
            self._save_retry = None
        for job in list(self._unsaved.values()):  # a last try
            self._save(job)

    # Queries.

    def get(self, job_id: str) -> Job:
        """The job ``job_id``; RequestError(404) if there is none."""
        job = self._active(job_id) or (self.store.get(job_id) if valid_job_id(job_id) else None)
        if job is None:
            raise RequestError(404, f"No job {job_id[:100]!r}.")
        return job

    def list(self, overlay: str | None = None) -> list[Job]:
        """Jobs, newest first, optionally of one overlay."""
        return [self._active(job.id) or job for job in self.store.list(overlay=overlay)]

    def page(
        self,
        overlay: str | None = None,
        limit: int | None = None,
        before: str | None = None,
    ) -> tuple[list[Job], str | None]:
        """``GET jobs``: jobs newest first, optionally of one overlay, at most ``limit``
        (1 to ``MAX_PAGE``; None: all), created before the job ``before``; and the id to
        pass as ``before`` for the next page, or None.

        RequestError 400 for a bad limit or a ``before`` that is not a job id, 404 for
        a ``before`` no job has.
        """
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE
        ):
            raise RequestError(400, f"limit must be from 1 to {MAX_PAGE}, not {limit!r}.")
        if before is not None and not valid_job_id(before):
            raise RequestError(400, f"before must be a job id, not {str(before)[:100]!r}.")
        try:
            jobs, next_id = self.store.page(overlay=overlay, limit=limit, before=before)
        except KeyError:
            raise RequestError(404, f"No job {before!r} (the before parameter).") from None
        return [self._active(job.id) or job for job in jobs], next_id

    def current(self, overlay: str | None = None) -> list[Job]:
        """``GET jobs?view=current``: every queued or running job and, per overlay, its
        newest job of each kind and its newest succeeded build; newest first, each once.
        Bounded by 3 per overlay + the active jobs, however long the history."""
        return [self._active(job.id) or job for job in self.store.current(overlay=overlay)]

    def overlay_renamed(self, overlay: str, new_name: str) -> int:
        """A renamed overlay keeps its history: its ended jobs become ``new_name``'s."""
        try:
            return self.store.rename_overlay(overlay, new_name)
        except (OSError, sqlite3.Error) as error:
            raise RequestError(
                507, f"The job store cannot be written ({error}): the history stays."
            ) from None

    def registrations(self) -> dict[str, dict]:
        """What happened to each overlay's Elyra runtime image (empty when not kept)."""
        return self.runtime_images.registrations() if self.runtime_images else {}

    def read_log(self, job_id: str, offset: int = 0) -> dict:
        """``{"text", "offset" (to read from next), "ended"}``; ended: nothing more will come."""
        job = self.get(job_id)
        ended = job.state.ended  # before reading: an ended job's log is complete
        text, next_offset = self.store.read_log(job.id, offset)
        if ended:
            ended = next_offset >= self.store.log_size(job.id)
        return {"text": text, "offset": next_offset, "ended": ended}

    def _active(self, job_id: str) -> Job | None:
        run = self._running.get(job_id)
        if run is not None:
            return run.job
        queued = next((job for job in self._queue if job.id == job_id), None)
        return queued or self._unsaved.get(job_id)

    # Source hashes (what a build of an overlay would record).

    def source_hash(self, folder: Path) -> str:
        """The source hash of the overlay in ``folder``, with this server's base image:
        computed once per job, at submit, and recorded; the build tags with it."""
        return source_hash(folder, self.config.base_image)

    def overlay_status(self, overlay: str) -> dict:
        """``GET overlay-status``: the source hash a build would record, the lock's state."""
        return overlay_status(overlay, self.overlay_dir(overlay), self.config.base_image)

    # Submit.

    def overlays_folder(self) -> str:
        """The overlays folder, relative to the workspace (``.thoth.yaml`` wins)."""
        return self.overlays_dir_resolver(Path(os.path.realpath(self.workspace_dir)))

    def overlay_dir(self, overlay: str) -> Path:
        """The real path of ``<overlays_dir>/<overlay>``; RequestError 400/404/409."""
        workspace = Path(os.path.realpath(self.workspace_dir))
        return overlay_dir(workspace, self.overlays_folder(), overlay)

    async def submit(
        self,
        overlay: str,
        kind: JobKind | str,
        source_hash: str | None = None,
        runtime_image: RegistrationSettings | None = None,
    ) -> tuple[Job, bool]:
        """Queue a job; ``(job, created)``: ``created`` is False for an existing active job.

        ``runtime_image``: whether and how a successful build is registered with Elyra
        (default: the server's config).
        """
        if self._stopping:
            raise RequestError(503, "The server is shutting down.")
        self.resume()  # in case the loop had not run it yet
        kind = check_kind(kind)
        folder = self.overlay_dir(overlay)
        if source_hash is None:
            # Off the event loop: reading and hashing the overlay's files takes a while.
            source_hash = await asyncio.to_thread(self.source_hash, folder)

        active = [*self._queue, *(run.job for run in self._running.values())]
        for job in active:
            if (job.overlay, job.kind, job.source_hash) == (overlay, kind, source_hash):
                return job, False

        backend = self._make_backend(kind)
        job = Job(
            id=uuid.uuid4().hex,
            overlay=overlay,
            kind=kind,
            backend=backend if isinstance(backend, str) else getattr(backend, "name", "?"),
            state=JobState.QUEUED,
            created=now(),
            source_hash=source_hash,
        )
        self._record(job)
        self._changed(job)
        # Whose job it is, for another server sharing the store: it is not its to fail.
        try:
            Leftovers(
                self.store.leftovers_path(job.id), server=self._server, job=job.id, kind=kind.value
            )
        except OSError as error:
            self.log.warning("Job %s: its owner cannot be noted: %s", job.id, error)
        if runtime_image is not None:
            self._registration[job.id] = runtime_image
        if not isinstance(backend, str):
            self._backends[job.id] = backend
        for old in [job_ for job_ in self._queue if (job_.overlay, job_.kind) == (overlay, kind)]:
            self._queue.remove(old)
            self._end(old, JobState.CANCELLED, error=f"superseded by job {job.id}")
        self._queue.append(job)
        self._pump()
        return job, True

    def _record(self, job: Job) -> None:
        """Create the job's log and record, both or neither: RequestError(507) naming
        the store's problem when it cannot be written (no job is left behind)."""
        try:
            self.store.append_log(job.id, "")
        except OSError as error:
            raise RequestError(
                507, f"The job store cannot be written ({error.strerror or error}): no job."
            ) from None
        try:
            self.store.add(job)
        except (OSError, sqlite3.Error) as error:
            self.store.log_path(job.id).unlink(missing_ok=True)
            raise RequestError(507, f"The job store cannot be written ({error}): no job.") from None

    def _save(self, job: Job) -> None:
        """Write a job's record; when the store refuses, keep it in memory (what the
        REST API answers), say so in the server log, and try again later, so a job
        never stays running or blocks the queue because of the store."""
        try:
            self.store.save(job)
        except (OSError, sqlite3.Error) as error:
            if job.id not in self._unsaved:
                self.log.error("Job %s: its record cannot be written: %s", job.id, error)
            self._unsaved[job.id] = job
            self._retry_saves()
        else:
            self._unsaved.pop(job.id, None)
        self._changed(job)

    def _changed(self, job: Job) -> None:
        if self.on_change is None:
            return
        try:
            self.on_change(job)
        except Exception:  # an observer never breaks a job
            self.log.warning("Job %s: the change could not be announced", job.id, exc_info=True)

    def _retry_saves(self) -> None:
        if self._save_retry is not None or self._stopping:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return

        def retry() -> None:
            self._save_retry = None
            for job in list(self._unsaved.values()):
                self._save(job)

        self._save_retry = loop.call_later(SAVE_RETRY_INTERVAL, retry)

    async def image_info(self, image: str) -> dict | None:
        """``{"exists", "size"}`` of a built image where builds put it; None when the
        build backend cannot tell (cluster builds push to a registry)."""
        check = getattr(self._make_backend(JobKind.BUILD), "image_info", None)
        return None if check is None else await check(image)

    def _make_backend(self, kind: JobKind) -> object | str:
        """A backend for ``kind``, or the name "none" when there is none (the job fails)."""
        factory = self.backends.get(kind)
        if factory is None:
            return "none"
        try:
            return factory()
        except Exception as error:  # any failure: the job says why
            self.log.warning("No backend for %s jobs: %s", kind.value, error, exc_info=True)
            return "none"

    # Run.

    def _pump(self) -> None:
        """Start queued jobs, first in first out, while the limits allow."""
        if self._stopping:
            return
        busy = {run.job.overlay for run in self._running.values()}
        for job in list(self._queue):
            if len(self._running) >= self.config.max_concurrent_jobs:
                break
            if job.overlay in busy:
                continue
            self._queue.remove(job)
            busy.add(job.overlay)
            self._start(job)

    def _context(self, job: Job, noted: dict) -> JobContext:
        """A running job's context; its Leftovers start with ``noted``."""
        context = JobContext(
            job=job,
            overlay_dir=Path(),  # set by _run, which reports a folder gone meanwhile
            workspace_dir=Path(os.path.realpath(self.workspace_dir)),
            log=_JobLog(self, job),
            cancelled=asyncio.Event(),
        )
        context.on_progress = lambda progress: self._progress(job, progress)
        try:
            context.leftovers = Leftovers(self.store.leftovers_path(job.id), **noted)
        except OSError as error:
            # It runs all the same; only a restart could not tidy up after it.
            self.log.warning("Job %s: what it leaves cannot be noted: %s", job.id, error)
            context.leftovers = Leftovers(None, **noted)
        return context

    def _start(self, job: Job) -> None:
        owner = {"server": self._server, "job": job.id, "kind": job.kind.value}
        context = self._context(job, owner)
        job.state = JobState.RUNNING
        job.started = now()
        self._save(job)
        task = asyncio.get_running_loop().create_task(self._run(job, context))
        self._running[job.id] = _Run(job, context, task)

    async def _run(self, job: Job, context: JobContext, attach: dict | None = None) -> None:
        """Run a job (or, with ``attach``, what a previous server noted of it, follow it
        again) to its end, and record the end."""
        run = self._running.get(job.id)
        state, error, result = JobState.FAILED, None, None
        try:
            backend = self._backends.pop(job.id, None)
            if backend is None or isinstance(backend, str):
                raise JobError(f"no backend for {job.kind.value} jobs on this server")
            run = self._running.get(job.id) or run
            if run is not None:
                run.backend = backend
            if attach is not None:
                result = await backend.attach(context, attach)
            else:
                context.overlay_dir = self.overlay_dir(job.overlay)
                result = await backend.run(context)
            if not isinstance(result, JobResult):
                result = JobResult()
            state = JobState.SUCCEEDED
        except asyncio.CancelledError:
            run = self._running.get(job.id) or run
            reason = run.reason if run is not None else None
            if reason == DETACHED:
                return  # it goes on; the record stays running, its Leftovers stay
            if reason is None or reason == "cancelled":
                state = JobState.CANCELLED
            else:
                error = reason
        except JobError as failure:
            error = str(failure) or "failed"
            result = failure.result  # what it made before failing, if anything
        except RequestError as failure:
            error = failure.message
        except Exception as failure:  # never crash the service
            error = f"internal error: {failure!r}"
            self.log.exception("Job %s (%s of %s) failed", job.id, job.kind.value, job.overlay)
        finally:
            # Whatever the backend left in its process groups ends with the job.
            _signal_processes(context.processes, signal.SIGKILL)
            if not context.detached:
                context.leftovers.discard()
        if job.state.ended:  # recorded by _stop_run meanwhile
            return
        if result is not None:
            job.image, job.digest = result.image, result.digest
        settings = self._registration.pop(job.id, None)
        if state is JobState.SUCCEEDED and job.kind is JobKind.BUILD and job.image:
            # Before the job is recorded as ended: whoever sees it succeeded sees its
            # runtime image too.
            await self._register(job, settings)
        self._running.pop(job.id, None)
        self._end(job, state, error=error)
        self._pump()

    async def _register(self, job: Job, settings: RegistrationSettings | None) -> None:
        if self.runtime_images is None:
            return
        try:
            registration = await self.runtime_images.build_succeeded(
                job, job.image, settings or self.runtime_images.defaults
            )
        except Exception:  # the build succeeded whatever happens here
            self.log.exception("Job %s: registering its runtime image failed", job.id)
            return
        if registration is not None:
            self._append_log(job, registration_line(registration))

    def _end(self, job: Job, state: JobState, error: str | None = None) -> None:
        job.state = state
        job.error = error
        job.finished = now()
        job.log_size = self.store.log_size(job.id)
        self._backends.pop(job.id, None)
        self._log_saved.pop(job.id, None)
        self._save(job)
        Leftovers(self.store.leftovers_path(job.id)).discard()
        self._prune(job.overlay)
        self.log.info(
            "Job %s (%s of %s): %s%s",
            job.id,
            job.kind.value,
            job.overlay,
            state.value,
            f": {error}" if error else "",
        )

    def _prune(self, overlay: str) -> None:
        """Keep the history bounded (``OverlaysConfig.job_history*``)."""
        try:
            self.store.prune(overlay, self.config.job_history_per_overlay, self.config.job_history)
        except (OSError, sqlite3.Error) as error:
            self.log.warning("Old jobs of %s could not be forgotten: %s", overlay, error)

    def _append_log(self, job: Job, text: str) -> None:
        job.log_size = self.store.append_log(job.id, text)
        moment = time.monotonic()
        if moment - self._log_saved.get(job.id, 0.0) >= LOG_SIZE_SAVE_INTERVAL:
            self._log_saved[job.id] = moment
            self._save(job)

    def _progress(self, job: Job, progress: dict) -> None:
        if not job.state.ended:
            job.progress = dict(progress or {})
            self._save(job)

    # Cancel.

    async def cancel(self, job_id: str) -> Job:
        """Cancel a queued or running job; RequestError 404, or 409 if it has ended."""
        job = self.get(job_id)
        if job in self._queue:
            self._queue.remove(job)
            self._end(job, JobState.CANCELLED)
            self._pump()
            return job
        run = self._running.get(job.id)
        if run is None:
            raise RequestError(409, f"Job {job.id} has already ended ({job.state.value}).")
        await self._stop_run(run, "cancelled")
        return run.job

    async def _detach(self, run: _Run) -> None:
        """Server shutdown: stop following a job that goes on without this server."""
        run.reason = DETACHED
        run.context.detached = True
        run.task.cancel()
        await asyncio.wait({run.task}, timeout=self.config.cancel_grace_period)
        self._running.pop(run.job.id, None)
        self._append_log(run.job, "\nThe server stopped; the build goes on in the cluster.\n")
        self.log.info(
            "Job %s (%s of %s): left running", run.job.id, run.job.kind.value, run.job.overlay
        )

    async def _stop_run(self, run: _Run, reason: str) -> None:
        """Stop a running job: SIGTERM its process groups, cancel it, SIGKILL later."""
        if run.reason is None:
            run.reason = reason
        run.context.cancelled.set()
        _signal_processes(run.context.processes, signal.SIGTERM)
        run.task.cancel()
        grace = self.config.cancel_grace_period
        done, _ = await asyncio.wait({run.task}, timeout=grace)
        _signal_processes(run.context.processes, signal.SIGKILL)
        if not done:
            self.log.warning("Job %s did not end within %g s of being cancelled", run.job.id, grace)
            await asyncio.wait({run.task}, timeout=grace)
        if not run.job.state.ended:
            # A task cancelled before it began, or a backend that ignores cancellation:
            # record the end anyway (``_run`` leaves an ended job alone).
            self._running.pop(run.job.id, None)
            if reason == "cancelled":
                self._end(run.job, JobState.CANCELLED)
            else:
                self._end(run.job, JobState.FAILED, error=reason)
            self._pump()
