"""The job queue with a fake backend: order, limits, dedupe, cancel, failures, recovery."""

from __future__ import annotations

import asyncio
import json
import logging
import os

import pytest

from jupyterlab_overlays.config import OverlaysConfig
from jupyterlab_overlays.errors import RequestError
from jupyterlab_overlays.jobs.base import Job, JobKind, JobState, Leftovers, process_start_time
from jupyterlab_overlays.jobs.context import source_hash
from jupyterlab_overlays.jobs.process import group_members
from jupyterlab_overlays.jobs.recovery import RESTART_REASON
from jupyterlab_overlays.jobs.service import (
    SHUTDOWN_REASON,
    JobService,
    default_backends,
)
from jupyterlab_overlays.jobs.store import JobStore

from .jobs_fakes import FakeBackends, group_alive, make_overlay, wait_until


@pytest.fixture
def workspace(tmp_path):
    folder = tmp_path / "workspace"
    folder.mkdir()
    return folder


@pytest.fixture
def fake():
    return FakeBackends()


@pytest.fixture
def services(tmp_path, workspace, fake, jp_asyncio_loop):
    """Make services over one store folder; every one is stopped after the test."""
    made = []

    def make(store_dir=None, backends=None, **settings) -> JobService:
        config = OverlaysConfig(**{"cancel_grace_period": 2.0, **settings})
        store = JobStore(store_dir or tmp_path / "store")
        service = JobService(
            config,
            store,
            {"build": fake, "lock": fake} if backends is None else backends,
            workspace,
        )
        made.append(service)
        return service

    yield make
    for service in made:
        jp_asyncio_loop.run_until_complete(service.stop())
        service.store.close()


def state(service: JobService, job: Job) -> JobState:
    return service.get(job.id).state


# Order and limits.


async def test_a_job_runs_to_success_with_its_image(services, workspace, fake):
    make_overlay(workspace, "wait-a")
    service = services()
    job, created = await service.submit("wait-a", "build")
    assert created
    assert (job.state, job.backend, job.kind) == (JobState.RUNNING, "fake", JobKind.BUILD)
    assert job.created and job.started and job.finished is None
    await wait_until(lambda: job.id in fake.started)
    assert service.get(job.id).progress == {"step": 1, "steps": 2}
    fake.release(job.id)
    await wait_until(lambda: state(service, job).ended)
    done = service.get(job.id)
    assert done.state == JobState.SUCCEEDED
    assert (done.image, done.digest, done.error) == (
        "localhost/test-wait-a:abc",
        "sha256:1234",
        None,
    )
    assert done.progress == {"step": 2, "steps": 2}
    assert done.started <= done.finished
    assert done.log_size == len("start wait-a build ✓\ndone\n".encode())
    assert fake.contexts[job.id].overlay_dir == (workspace / "overlays" / "wait-a").resolve()
    assert fake.contexts[job.id].workspace_dir == workspace.resolve()


async def test_limit_one_runs_jobs_one_after_the_other_in_order(services, workspace, fake):
    for name in ("wait-a", "wait-b", "wait-c"):
        make_overlay(workspace, name)
    service = services()
    a, _ = await service.submit("wait-a", "build")
    b, _ = await service.submit("wait-b", "build")
    c, _ = await service.submit("wait-c", "lock")
    await wait_until(lambda: fake.started == [a.id])
    await asyncio.sleep(0.1)
    assert [state(service, job) for job in (a, b, c)] == [
        JobState.RUNNING,
        JobState.QUEUED,
        JobState.QUEUED,
    ]
    fake.release(a.id)
    await wait_until(lambda: fake.started == [a.id, b.id])
    assert state(service, a) == JobState.SUCCEEDED
    assert state(service, c) == JobState.QUEUED
    fake.release(b.id)
    await wait_until(lambda: fake.started == [a.id, b.id, c.id])
    fake.release(c.id)
    await wait_until(lambda: state(service, c) == JobState.SUCCEEDED)


async def test_limit_two_runs_two_jobs_at_once(services, workspace, fake):
    for name in ("wait-a", "wait-b", "wait-c"):
        make_overlay(workspace, name)
    service = services(max_concurrent_jobs=2)
    jobs = [(await service.submit(name, "build"))[0] for name in ("wait-a", "wait-b", "wait-c")]
    await wait_until(lambda: len(fake.started) == 2)
    await asyncio.sleep(0.1)
    assert fake.started == [jobs[0].id, jobs[1].id]
    assert state(service, jobs[2]) == JobState.QUEUED
    fake.release(jobs[1].id)
    await wait_until(lambda: fake.started[-1] == jobs[2].id)
    assert state(service, jobs[0]) == JobState.RUNNING


async def test_one_running_job_per_overlay_even_with_room(services, workspace, fake):
    make_overlay(workspace, "wait-a")
    make_overlay(workspace, "wait-b")
    service = services(max_concurrent_jobs=3)
    lock, _ = await service.submit("wait-a", "lock")
    build, _ = await service.submit("wait-a", "build")
    other, _ = await service.submit("wait-b", "build")
    await wait_until(lambda: len(fake.started) == 2)
    assert fake.started == [lock.id, other.id]
    assert state(service, build) == JobState.QUEUED
    fake.release(lock.id)
    await wait_until(lambda: fake.started[-1] == build.id)


# Dedupe.


async def test_same_source_returns_the_active_job(services, workspace, fake):
    make_overlay(workspace, "wait-a")
    make_overlay(workspace, "wait-b")
    service = services()
    running, _ = await service.submit("wait-a", "build")
    queued, _ = await service.submit("wait-b", "build")
    again, created = await service.submit("wait-a", "build")
    assert (again.id, created) == (running.id, False)
    again, created = await service.submit("wait-b", "build")
    assert (again.id, created) == (queued.id, False)
    # Another kind is another job.
    lock, created = await service.submit("wait-a", "lock")
    assert created and lock.id != running.id
    assert len(service.list()) == 3


async def test_an_ended_job_is_not_reused(services, workspace, fake):
    make_overlay(workspace, "wait-a")
    service = services()
    first, _ = await service.submit("wait-a", "build")
    fake.release(first.id)
    await wait_until(lambda: state(service, first).ended)
    second, created = await service.submit("wait-a", "build")
    assert created and second.id != first.id
    assert second.source_hash == first.source_hash


async def test_a_changed_source_queues_a_new_job_and_supersedes_the_queued_one(
    services, workspace, fake
):
    make_overlay(workspace, "wait-a")
    folder = make_overlay(workspace, "wait-b")
    service = services()
    blocker, _ = await service.submit("wait-a", "build")
    old, _ = await service.submit("wait-b", "build")
    (folder / "Pipfile").write_text('[packages]\nrequests = "*"\n')
    new, created = await service.submit("wait-b", "build")
    assert created and new.id != old.id and new.source_hash != old.source_hash
    superseded = service.get(old.id)
    assert superseded.state == JobState.CANCELLED
    assert superseded.error == f"superseded by job {new.id}"
    assert state(service, new) == JobState.QUEUED
    fake.release(blocker.id)
    await wait_until(lambda: new.id in fake.started)
    assert old.id not in fake.started


async def test_a_changed_source_leaves_the_running_job_running(services, workspace, fake):
    folder = make_overlay(workspace, "wait-a")
    service = services(max_concurrent_jobs=2)
    running, _ = await service.submit("wait-a", "build")
    (folder / "Containerfile").write_text("FROM scratch\n")
    new, created = await service.submit("wait-a", "build")
    assert created
    await asyncio.sleep(0.1)
    assert (state(service, running), state(service, new)) == (JobState.RUNNING, JobState.QUEUED)
    fake.release(running.id)
    await wait_until(lambda: new.id in fake.started)


# Cancel.


async def test_cancel_a_queued_job(services, workspace, fake):
    make_overlay(workspace, "wait-a")
    make_overlay(workspace, "wait-b")
    service = services()
    first, _ = await service.submit("wait-a", "build")
    second, _ = await service.submit("wait-b", "build")
    cancelled = await service.cancel(second.id)
    assert cancelled.state == JobState.CANCELLED
    assert cancelled.finished and cancelled.started is None and cancelled.error is None
    fake.release(first.id)
    await wait_until(lambda: state(service, first).ended)
    await asyncio.sleep(0.1)
    assert second.id not in fake.started


async def test_cancel_a_running_job_kills_its_process_group(services, workspace, fake):
    make_overlay(workspace, "proc-a")
    make_overlay(workspace, "wait-b")
    service = services()
    job, _ = await service.submit("proc-a", "build")
    after, _ = await service.submit("wait-b", "build")
    await wait_until(lambda: job.id in fake.contexts and fake.contexts[job.id].processes)
    pgid = fake.pgid(job.id)
    assert pgid != os.getpgrp()
    await asyncio.sleep(0.2)  # let sh start its background sleep
    assert group_alive(pgid)
    cancelled = await service.cancel(job.id)
    assert cancelled.state == JobState.CANCELLED
    assert fake.contexts[job.id].cancelled.is_set()
    await wait_until(lambda: not group_alive(pgid), timeout=5, what="the group to be gone")
    with pytest.raises(ProcessLookupError):
        os.killpg(pgid, 0)
    stored = service.get(job.id)
    assert (stored.state, stored.error) == (JobState.CANCELLED, None)
    assert stored.finished
    # The queue moves on.
    await wait_until(lambda: after.id in fake.started)


async def test_cancel_a_backend_that_ignores_it(services, workspace, fake):
    make_overlay(workspace, "deaf-a")
    service = services(cancel_grace_period=0.2)
    job, _ = await service.submit("deaf-a", "build")
    await wait_until(lambda: job.id in fake.started)
    cancelled = await service.cancel(job.id)
    assert cancelled.state == JobState.CANCELLED
    fake.release(job.id)
    await asyncio.sleep(0.1)
    assert state(service, job) == JobState.CANCELLED


async def test_cancel_an_ended_job_is_409_and_unknown_is_404(services, workspace, fake):
    make_overlay(workspace, "fail-a")
    service = services()
    job, _ = await service.submit("fail-a", "build")
    await wait_until(lambda: state(service, job).ended)
    with pytest.raises(RequestError) as error:
        await service.cancel(job.id)
    assert error.value.status == 409
    for unknown in ("0" * 32, "nope", "../x"):
        with pytest.raises(RequestError) as error:
            await service.cancel(unknown)
        assert error.value.status == 404


# Failures.


async def test_a_job_error_is_the_reason(services, workspace, fake):
    make_overlay(workspace, "fail-a")
    service = services()
    job, _ = await service.submit("fail-a", "lock")
    await wait_until(lambda: state(service, job).ended)
    failed = service.get(job.id)
    assert (failed.state, failed.error) == (JobState.FAILED, "the resolver said no")
    assert failed.image is None
    assert "ERROR: no candidates" in service.read_log(job.id)["text"]


async def test_an_unexpected_exception_is_an_internal_error_and_logged(
    services, workspace, fake, caplog
):
    make_overlay(workspace, "crash-a")
    make_overlay(workspace, "wait-b")
    service = services()
    job, _ = await service.submit("crash-a", "build")
    after, _ = await service.submit("wait-b", "build")
    with caplog.at_level(logging.ERROR):
        await wait_until(lambda: state(service, job).ended)
    failed = service.get(job.id)
    assert failed.state == JobState.FAILED
    assert failed.error.startswith("internal error: ")
    assert "a bug in the backend" in failed.error
    assert any(
        record.exc_info and "a bug in the backend" in str(record.exc_info[1])
        for record in caplog.records
    )
    await wait_until(lambda: after.id in fake.started)  # the service goes on


async def test_a_missing_backend_fails_the_job(services, workspace):
    make_overlay(workspace, "wait-a")

    def broken():
        raise ImportError("No module named 'jupyterlab_overlays.jobs.local'")

    service = services(backends={"build": broken})
    build, _ = await service.submit("wait-a", "build")
    lock, _ = await service.submit("wait-a", "lock")
    await wait_until(lambda: state(service, build).ended and state(service, lock).ended)
    for job, kind in ((build, "build"), (lock, "lock")):
        failed = service.get(job.id)
        assert failed.backend == "none"
        assert (failed.state, failed.error) == (
            JobState.FAILED,
            f"no backend for {kind} jobs on this server",
        )


async def test_an_overlay_removed_before_its_job_starts_fails_it(services, workspace, fake):
    make_overlay(workspace, "wait-a")
    folder = make_overlay(workspace, "wait-b")
    service = services()
    first, _ = await service.submit("wait-a", "build")
    second, _ = await service.submit("wait-b", "build")
    (folder / "Pipfile").unlink()
    folder.rmdir()
    fake.release(first.id)
    await wait_until(lambda: state(service, second).ended)
    assert service.get(second.id).error == "No overlay 'wait-b' (no folder overlays/wait-b)."


# Submit: names and folders.


@pytest.mark.parametrize(
    "name", ["../x", "a/b", "..", ".", "", "x" * 64, "a b", "é", "a.b", None, 3, "/etc"]
)
async def test_bad_names_are_400(services, workspace, name):
    service = services()
    with pytest.raises(RequestError) as error:
        await service.submit(name, "build")
    assert error.value.status == 400
    assert service.list() == []


async def test_unknown_kind_is_400(services, workspace):
    make_overlay(workspace, "wait-a")
    service = services()
    with pytest.raises(RequestError) as error:
        await service.submit("wait-a", "push")
    assert error.value.status == 400
    assert "'push'" in error.value.message
    with pytest.raises(RequestError) as error:
        await service.submit("wait-a", "x" * 100_000)
    assert len(error.value.message) < 200  # not echoed at any size


async def test_missing_overlay_folder_is_404(services, workspace):
    service = services()
    with pytest.raises(RequestError) as error:
        await service.submit("nothere", "build")
    assert error.value.status == 404
    (workspace / "overlays").mkdir()
    (workspace / "overlays" / "afile").write_text("")
    with pytest.raises(RequestError) as error:
        await service.submit("afile", "build")
    assert error.value.status == 404


async def test_an_overlay_that_links_out_of_the_workspace_is_400(services, workspace, tmp_path):
    (workspace / "overlays").mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (workspace / "overlays" / "linked").symlink_to(outside)
    service = services()
    with pytest.raises(RequestError) as error:
        await service.submit("linked", "build")
    assert error.value.status == 400


async def test_the_overlays_folder_comes_from_thoth_yaml(services, workspace, fake):
    (workspace / ".thoth.yaml").write_text("host: x\noverlays_dir: stacks  # mine\n")
    (workspace / "stacks" / "wait-a").mkdir(parents=True)
    make_overlay(workspace, "wait-b")  # under overlays/: not an overlay any more
    service = services()
    job, _ = await service.submit("wait-a", "build")
    await wait_until(lambda: job.id in fake.contexts)
    assert fake.contexts[job.id].overlay_dir == (workspace / "stacks" / "wait-a").resolve()
    with pytest.raises(RequestError) as error:
        await service.submit("wait-b", "build")
    assert error.value.status == 404


async def test_without_thoth_yaml_the_overlays_folder_comes_from_the_config(
    services, workspace, fake
):
    (workspace / "envs" / "wait-a").mkdir(parents=True)
    service = services(overlays_dir="envs")
    assert service.overlays_folder() == "envs"
    job, _ = await service.submit("wait-a", "build")
    await wait_until(lambda: job.id in fake.contexts)
    assert fake.contexts[job.id].overlay_dir == (workspace / "envs" / "wait-a").resolve()
    (workspace / ".thoth.yaml").write_text("host: x\noverlays_dir: stacks\n")
    assert service.overlays_folder() == "stacks"


@pytest.mark.parametrize("value", ["", "/srv/o", "../o", "a/../../o", "~/o"])
def test_an_overlays_dir_outside_the_workspace_is_refused_by_the_config(value):
    with pytest.raises(Exception, match="overlays_dir"):
        OverlaysConfig(overlays_dir=value)


@pytest.mark.parametrize("value", ["..", "../elsewhere", "/usr", "'.'"])
async def test_an_overlays_folder_outside_the_workspace_is_400(services, workspace, value):
    (workspace / ".thoth.yaml").write_text(f"overlays_dir: {value}\n")
    service = services()
    with pytest.raises(RequestError) as error:
        await service.submit("workspace", "build")
    assert error.value.status == 400


def test_source_hash_covers_pipfile_lock_and_containerfile(tmp_path):
    folder = make_overlay(tmp_path, "a")
    hashes = {source_hash(folder)}
    (folder / "Pipfile.lock").write_text("{}")
    hashes.add(source_hash(folder))
    (folder / "Containerfile").write_text("FROM x\n")
    hashes.add(source_hash(folder))
    (folder / "notes.md").write_text("not part of the source\n")
    hashes.add(source_hash(folder))
    assert len(hashes) == 3
    assert source_hash(folder) == source_hash(folder)


# Logs.


async def test_log_offsets_read_incrementally(services, workspace, fake):
    make_overlay(workspace, "wait-a")
    service = services()
    job, _ = await service.submit("wait-a", "build")
    await wait_until(lambda: job.id in fake.started)
    first = service.read_log(job.id)
    assert first == {
        "text": "start wait-a build ✓\n",
        "offset": len("start wait-a build ✓\n".encode()),
        "ended": False,
    }
    assert service.read_log(job.id, first["offset"]) == {
        "text": "",
        "offset": first["offset"],
        "ended": False,
    }
    fake.release(job.id)
    await wait_until(lambda: state(service, job).ended)
    rest = service.read_log(job.id, first["offset"])
    assert rest == {"text": "done\n", "offset": first["offset"] + 5, "ended": True}
    assert service.get(job.id).log_size == rest["offset"]


def test_read_log_never_splits_a_character(tmp_path):
    store = JobStore(tmp_path / "store")
    job_id = "ab" * 16
    text = "é€😀 plain ✓\n"
    data = text.encode()
    store.append_log(job_id, text)
    # Every offset and every read size: what comes back joins up to the text.
    for limit in range(4, len(data) + 1):
        offset, pieces = 0, []
        while offset < len(data):
            piece, offset = store.read_log(job_id, offset, limit=limit)
            pieces.append(piece)
        assert "".join(pieces) == text
    # An offset inside a character skips to the next one.
    assert store.read_log(job_id, 1) == (text[1:], len(data))  # inside é
    assert store.read_log(job_id, 3)[0] == text[2:]  # inside €
    # A character still being written is left for the next read.
    partial = "🙂".encode()
    with open(store.log_path(job_id), "ab") as log:
        log.write(partial[:2])
    assert store.read_log(job_id, len(data)) == ("", len(data))
    with open(store.log_path(job_id), "ab") as log:
        log.write(partial[2:])
    assert store.read_log(job_id, len(data)) == ("🙂", len(data) + 4)
    # Invalid bytes do not stop the reader.
    with open(store.log_path(job_id), "ab") as log:
        log.write(b"\xff\xfeok")
    assert store.read_log(job_id, len(data) + 4) == ("\ufffd\ufffdok", len(data) + 8)
    assert store.read_log("cd" * 16, 0) == ("", 0)
    with pytest.raises(ValueError):
        store.log_path("../../etc/passwd")
    store.close()


async def test_page_and_current_views(services, workspace, fake):
    """``page`` and ``current`` answer live jobs from memory; bad paging is 400 / 404."""
    for name in ("wait-a", "wait-b"):
        make_overlay(workspace, name)
    service = services()
    a, _ = await service.submit("wait-a", "build")
    lock, _ = await service.submit("wait-a", "lock")
    b, _ = await service.submit("wait-b", "build")
    await wait_until(lambda: a.id in fake.started)
    await wait_until(lambda: service.get(a.id).progress == {"step": 1, "steps": 2})

    jobs, next_id = service.page(limit=2)
    assert [job.id for job in jobs] == [b.id, lock.id] and next_id == lock.id
    jobs, next_id = service.page(limit=2, before=next_id)
    assert [job.id for job in jobs] == [a.id] and next_id is None
    assert jobs[0] is service.get(a.id)  # the live record, with its progress
    assert [job.id for job in service.current()] == [b.id, lock.id, a.id]
    assert [job.id for job in service.current(overlay="wait-b")] == [b.id]

    for limit in (0, 501, True, "5", 2.0):
        with pytest.raises(RequestError) as error:
            service.page(limit=limit)
        assert error.value.status == 400 and "limit" in error.value.message
    with pytest.raises(RequestError) as error:
        service.page(before="../x")
    assert error.value.status == 400
    with pytest.raises(RequestError) as error:
        service.page(before="e" * 32)
    assert error.value.status == 404

    for job in (a, lock, b):
        fake.release(job.id)
        await wait_until(lambda job=job: state(service, job).ended)
    assert [(job.id, job.state) for job in service.current()] == [
        (b.id, JobState.SUCCEEDED),
        (lock.id, JobState.SUCCEEDED),
        (a.id, JobState.SUCCEEDED),
    ]


# Persistence and recovery.


async def test_records_persist_across_instances(services, workspace, fake, tmp_path):
    make_overlay(workspace, "wait-a")
    make_overlay(workspace, "fail-b")
    service = services()
    ok, _ = await service.submit("wait-a", "build")
    fake.release(ok.id)
    await wait_until(lambda: state(service, ok).ended)
    bad, _ = await service.submit("fail-b", "lock")
    await wait_until(lambda: state(service, bad).ended)
    before = [job.to_json() for job in service.list()]

    again = services()
    assert [job.to_json() for job in again.list()] == before
    assert [job["id"] for job in before] == [bad.id, ok.id]  # newest first
    assert [job.id for job in again.list(overlay="wait-a")] == [ok.id]
    assert again.read_log(ok.id)["text"] == "start wait-a build ✓\ndone\n"
    assert again.get(ok.id).to_json() == service.get(ok.id).to_json()


async def test_restart_marks_running_and_queued_jobs_failed(services, workspace, fake, tmp_path):
    make_overlay(workspace, "wait-a")
    make_overlay(workspace, "wait-b")
    make_overlay(workspace, "wait-c")
    first = services()
    done, _ = await first.submit("wait-c", "build")
    fake.release(done.id)
    await wait_until(lambda: state(first, done).ended)
    running, _ = await first.submit("wait-a", "build")
    queued, _ = await first.submit("wait-b", "build")
    await wait_until(lambda: running.id in fake.started)
    # The server dies: nothing is stopped; a new one opens the same store.
    second = services(store_dir=tmp_path / "store")
    for job in (running, queued):
        recovered = second.get(job.id)
        assert (recovered.state, recovered.error) == (JobState.FAILED, RESTART_REASON)
        assert recovered.finished
    assert second.get(running.id).log_size > 0
    assert second.get(done.id).state == JobState.SUCCEEDED
    # And the new server runs new jobs.
    new, created = await second.submit("wait-b", "build")
    assert created
    await wait_until(lambda: new.id in fake.started)
    fake.release(running.id)  # let the first server's task end


async def test_a_running_job_has_leftovers_until_it_ends(services, workspace, fake):
    make_overlay(workspace, "wait-a")
    service = services()
    job, _ = await service.submit("wait-a", "build")
    await wait_until(lambda: job.id in fake.started)
    path = service.store.leftovers_path(job.id)
    await wait_until(lambda: (Leftovers.read(path) or {}).get("fake") == "wait-a")
    data = Leftovers.read(path)
    assert data["server"] == {"pid": os.getpid(), "start": process_start_time(os.getpid())}
    assert (data["job"], data["kind"], data["processes"]) == (job.id, "build", [])
    fake.release(job.id)
    await wait_until(lambda: state(service, job).ended)
    assert not path.exists()
    assert service.store.leftovers_ids() == []


async def test_restart_ends_the_process_groups_a_dead_server_left(
    services, workspace, fake, tmp_path
):
    make_overlay(workspace, "proc-a")
    first = services()
    job, _ = await first.submit("proc-a", "build")
    await wait_until(lambda: job.id in fake.contexts and fake.contexts[job.id].processes)
    pgid = fake.pgid(job.id)
    path = first.store.leftovers_path(job.id)
    await wait_until(lambda: (Leftovers.read(path) or {}).get("processes"))
    assert Leftovers.read(path)["processes"][0]["pid"] == pgid
    # The server dies (nothing is stopped); its processes outlive it. A new one
    # ends them, lets the backend tidy up, and fails the job. (Checked before the
    # first server's task, which lives on in this process, gets to run again.)
    second = services(store_dir=tmp_path / "store")
    assert group_members(pgid) == []  # (the leader may be a zombie until reaped)
    recovered = second.store.get(job.id)
    assert (recovered.state, recovered.error) == (JobState.FAILED, RESTART_REASON)
    assert not path.exists()
    assert [cleaned["fake"] for cleaned in fake.cleaned] == ["proc-a"]
    log = second.read_log(job.id)["text"]
    assert f"Ended its process group(s) {pgid}\n" in log
    assert log.endswith("cleaned up after proc-a\n")
    assert recovered.log_size == len(log.encode())


async def test_restart_leaves_the_jobs_of_a_live_server_alone(services, workspace, fake, tmp_path):
    """Two servers may share a store: the job of one that still runs is not touched."""
    import subprocess

    make_overlay(workspace, "wait-a")
    first = services()
    job, _ = await first.submit("wait-a", "build")
    await wait_until(lambda: job.id in fake.started)
    other = subprocess.Popen(["sleep", "30"])  # noqa: S607 (stands for the other server)
    try:
        path = first.store.leftovers_path(job.id)
        data = Leftovers.read(path)
        data["server"] = {"pid": other.pid, "start": process_start_time(other.pid)}
        path.write_text(json.dumps(data))
        second = services(store_dir=tmp_path / "store")
        assert second.store.get(job.id).state == JobState.RUNNING
        assert path.exists() and fake.cleaned == []
    finally:
        other.kill()
        other.wait()
    third = services(store_dir=tmp_path / "store")
    assert third.store.get(job.id).state == JobState.FAILED
    fake.release(job.id)


def test_restart_forgets_the_leftovers_of_ended_jobs(tmp_path, workspace, fake):
    store = JobStore(tmp_path / "store")
    ended = Job("a" * 32, "o", JobKind.BUILD, "fake", JobState.SUCCEEDED, "2025-01-01T00:00:00Z")
    store.add(ended)
    Leftovers(store.leftovers_path(ended.id), job=ended.id)
    Leftovers(store.leftovers_path("b" * 32), job="unknown")
    assert store.leftovers_ids() == ["a" * 32, "b" * 32]
    JobService(OverlaysConfig(), store, {"build": fake}, workspace)
    assert store.leftovers_ids() == []
    assert fake.cleaned == []
    store.close()


async def test_a_failure_keeps_what_the_job_made(services, workspace, fake):
    make_overlay(workspace, "half-a")
    service = services()
    job, _ = await service.submit("half-a", "build")
    await wait_until(lambda: state(service, job).ended)
    failed = service.store.get(job.id)
    assert (failed.state, failed.error) == (JobState.FAILED, "the push failed")
    assert (failed.image, failed.digest) == ("localhost/test-half-a:abc", "sha256:12")


async def test_the_source_hash_covers_the_base_image(services, workspace, fake):
    """What a build records is what overlay-status says, whatever the base image."""
    folder = make_overlay(workspace, "wait-a", '[packages]\nsix = "*"\n')
    default = services()
    other = services(base_image="localhost/other-base:1")
    assert default.overlay_status("wait-a")["source_hash"] == source_hash(folder)
    status = other.overlay_status("wait-a")
    assert status["source_hash"] == source_hash(folder, "localhost/other-base:1")
    assert status["source_hash"] != default.overlay_status("wait-a")["source_hash"]
    job, _ = await other.submit("wait-a", "build")
    assert job.source_hash == status["source_hash"]
    fake.release(job.id)
    await wait_until(lambda: state(other, job).ended)


async def test_stop_ends_this_servers_jobs(services, workspace, fake):
    make_overlay(workspace, "proc-a")
    make_overlay(workspace, "wait-b")
    service = services()
    running, _ = await service.submit("proc-a", "build")
    queued, _ = await service.submit("wait-b", "build")
    await wait_until(lambda: running.id in fake.contexts and fake.contexts[running.id].processes)
    pgid = fake.pgid(running.id)
    await service.stop()
    for job in (running, queued):
        stopped = service.store.get(job.id)
        assert (stopped.state, stopped.error) == (JobState.FAILED, SHUTDOWN_REASON)
    await wait_until(lambda: not group_alive(pgid), timeout=5)
    with pytest.raises(RequestError) as error:
        await service.submit("wait-b", "build")
    assert error.value.status == 503


def test_a_newer_schema_is_refused(tmp_path):
    import sqlite3

    from jupyterlab_overlays.jobs.store import StoreError

    JobStore(tmp_path / "s").close()
    db = sqlite3.connect(tmp_path / "s" / "jobs.sqlite3")
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(StoreError, match="schema version 99"):
        JobStore(tmp_path / "s")


def test_config_defaults(jp_data_dir):
    config = OverlaysConfig()
    assert config.max_concurrent_jobs == 1
    assert config.jobs_dir.endswith(os.path.join("overlays", "jobs"))
    with pytest.raises(Exception, match="at least 1"):
        OverlaysConfig(max_concurrent_jobs=0)


def test_default_backends_make_the_real_ones():
    config = OverlaysConfig()
    backends = default_backends(config)
    lock = backends[JobKind.LOCK]()
    assert (type(lock).__name__, lock.name, lock.config) == ("LockBackend", "pipenv", config)
    build = backends[JobKind.BUILD]()
    assert type(build).__name__ == "LocalBuildBackend" and callable(build.run)


# The store failing: no phantom job, no job left running, no queue stuck.


async def test_a_job_the_store_cannot_record_is_not_created(services, workspace, monkeypatch):
    make_overlay(workspace, "wait-a")
    service = services()

    def unwritable(*args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(service.store, "append_log", unwritable)
    with pytest.raises(RequestError) as error:
        await service.submit("wait-a", "build")
    assert error.value.status == 507 and "cannot be written" in error.value.message
    assert service.list() == [] and not service._queue
    monkeypatch.undo()

    import sqlite3

    def readonly(job):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(service.store, "add", readonly)
    with pytest.raises(RequestError) as error:
        await service.submit("wait-a", "build")
    assert error.value.status == 507 and "readonly" in error.value.message
    assert list(service.store.logs_dir.iterdir()) == []
    assert not service._queue


async def test_a_store_that_fails_at_the_end_of_a_job_stalls_nothing(
    services, workspace, fake, monkeypatch
):
    import sqlite3

    from jupyterlab_overlays.jobs import service as service_module

    monkeypatch.setattr(service_module, "SAVE_RETRY_INTERVAL", 0.05)
    make_overlay(workspace, "wait-a")
    make_overlay(workspace, "wait-b")
    service = services()
    first, _ = await service.submit("wait-a", "build")
    second, _ = await service.submit("wait-b", "build")  # waits: one job at a time
    await wait_until(lambda: first.id in fake.contexts)
    save = service.store.save

    def readonly(job):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(service.store, "save", readonly)
    fake.release(first.id)
    await wait_until(lambda: second.id in fake.contexts)  # the queue moved on
    assert service.get(first.id).state is JobState.SUCCEEDED  # as the API answers
    assert service.store.get(first.id).state is JobState.RUNNING  # not written yet
    monkeypatch.setattr(service.store, "save", save)  # the store is back
    await wait_until(lambda: service.store.get(first.id).state is JobState.SUCCEEDED)
    fake.release(second.id)
    await wait_until(lambda: service.store.get(second.id).state is JobState.SUCCEEDED)


async def test_the_history_is_bounded(services, workspace, fake):
    make_overlay(workspace, "wait-a")
    service = services(job_history_per_overlay=2, job_history=100)
    done = []
    for n in range(5):
        (workspace / "overlays" / "wait-a" / "Pipfile").write_text(f"[packages]\n# {n}\n")
        job, _ = await service.submit("wait-a", "build")
        await wait_until(lambda job=job: job.id in fake.contexts)
        fake.release(job.id)
        await wait_until(lambda job=job: service.get(job.id).state.ended)
        done.append(job.id)
    kept = [job.id for job in service.store.list(overlay="wait-a")]
    assert kept == done[:-3:-1]  # the newest two, newest first
    assert sorted(path.stem for path in service.store.logs_dir.iterdir()) == sorted(kept)


def test_prune_keeps_what_the_sidebar_shows(tmp_path):
    store = JobStore(tmp_path / "store")
    try:

        def add(n, kind, state):
            job = Job(
                f"{n:032x}",
                "a",
                JobKind(kind),
                "fake",
                JobState(state),
                f"2026-01-01T00:00:{n:02d}Z",
            )
            store.add(job)
            store.append_log(job.id, "x")
            return job.id

        good = add(1, "build", "succeeded")  # the newest good build: kept
        old = [add(n, "build", "failed") for n in range(2, 6)]
        lock = add(6, "lock", "failed")  # the newest lock: kept
        running = add(7, "build", "running")  # active: kept
        gone = store.prune("a", per_overlay=1, total=100)
        assert set(gone) == set(old)
        kept = {job.id for job in store.list()}
        assert kept == {good, lock, running}
        assert not any(store.log_path(job_id).exists() for job_id in gone)
    finally:
        store.close()


async def test_a_server_sharing_the_store_leaves_anothers_queued_jobs_alone(
    services, workspace, fake, tmp_path
):
    import subprocess

    make_overlay(workspace, "wait-a")
    make_overlay(workspace, "wait-b")
    first = services(store_dir=tmp_path / "shared")
    # The first server is another process (both run in this one here): a live one.
    other = subprocess.Popen(["sleep", "60"])  # noqa: S607
    first._server = {"pid": other.pid, "start": process_start_time(other.pid)}
    running, _ = await first.submit("wait-a", "build")
    queued, _ = await first.submit("wait-b", "build")  # waits: one job at a time
    await wait_until(lambda: running.id in fake.contexts)
    services(store_dir=tmp_path / "shared")  # a second server starts on the same store
    assert first.store.get(queued.id).state is JobState.QUEUED
    assert first.store.get(running.id).state is JobState.RUNNING
    fake.release(running.id)
    await wait_until(lambda: queued.id in fake.contexts)
    fake.release(queued.id)
    await wait_until(lambda: first.get(queued.id).state is JobState.SUCCEEDED)
    assert not first.store.leftovers_ids()
    other.kill()
    other.wait()
