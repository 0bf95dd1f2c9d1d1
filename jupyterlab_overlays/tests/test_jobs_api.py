"""``overlays/jobs`` on a real server, with the fake backend in place of the real ones.

These tests are about the queue and the REST API; building is tested with the real
local backend in the backends' own tests.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_overlays import JOBS_SETTING
from jupyterlab_overlays.jobs.base import Job, JobKind, JobState
from jupyterlab_overlays.jobs.recovery import RESTART_REASON
from jupyterlab_overlays.jobs.service import SHUTDOWN_REASON
from jupyterlab_overlays.jobs.store import JobStore

from .jobs_fakes import FakeBackends, group_alive, make_overlay, wait_until


@pytest.fixture
def jobs_dir(tmp_path):
    return tmp_path / "jobs"


@pytest.fixture
def jp_server_config(jobs_dir):
    return {
        "ServerApp": {"jpserver_extensions": {"jupyterlab_overlays": True}},
        "OverlaysConfig": {"jobs_dir": str(jobs_dir), "cancel_grace_period": 2.0},
    }


@pytest.fixture
def service(jp_serverapp):
    return jp_serverapp.web_app.settings[JOBS_SETTING]


@pytest.fixture
def fake(service):
    """The fake backend, for both kinds, in the server's job service."""
    backends = FakeBackends()
    service.backends = {JobKind.BUILD: backends, JobKind.LOCK: backends}
    return backends


@pytest.fixture
def overlay(jp_root_dir):
    def make(name: str) -> Path:
        return make_overlay(jp_root_dir, name)

    return make


async def submit(jp_fetch, overlay: str, kind: str = "build"):
    response = await jp_fetch(
        "overlays", "jobs", method="POST", body=json.dumps({"overlay": overlay, "kind": kind})
    )
    return response, json.loads(response.body)


async def get_job(jp_fetch, job_id: str) -> dict:
    return json.loads((await jp_fetch("overlays", "jobs", job_id)).body)


async def error_of(request) -> tuple[int, str]:
    with pytest.raises(HTTPClientError) as error:
        await request
    response = error.value.response
    assert response.headers["Content-Type"].startswith("application/json")
    return error.value.code, json.loads(response.body)["message"]


async def ended(jp_fetch, job_id: str) -> dict:
    for _ in range(500):
        job = await get_job(jp_fetch, job_id)
        if JobState(job["state"]).ended:
            return job
        await asyncio.sleep(0.02)
    raise AssertionError(f"job {job_id} did not end")


def tree(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


async def test_post_is_202_with_location_and_the_job(jp_fetch, jp_base_url, fake, overlay):
    overlay("wait-a")
    response, job = await submit(jp_fetch, "wait-a")
    assert response.code == 202
    assert response.headers["Location"] == f"{jp_base_url}overlays/jobs/{job['id']}"
    assert set(job) == {
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
    }
    assert (job["overlay"], job["kind"], job["backend"]) == ("wait-a", "build", "fake")
    assert job["state"] in {"queued", "running"}
    assert len(job["source_hash"]) == 64

    await wait_until(lambda: job["id"] in fake.started)
    fake.release(job["id"])
    done = await ended(jp_fetch, job["id"])
    assert done["state"] == "succeeded"
    assert done["image"] == "localhost/test-wait-a:abc"
    assert done["digest"] == "sha256:1234"


async def test_same_source_returns_the_existing_job(jp_fetch, fake, overlay):
    folder = overlay("wait-a")
    first_response, first = await submit(jp_fetch, "wait-a")
    again_response, again = await submit(jp_fetch, "wait-a")
    assert again_response.code == 202
    assert again["id"] == first["id"]
    assert again_response.headers["Location"] == first_response.headers["Location"]
    (folder / "Pipfile").write_text('[packages]\nnumpy = "*"\n')
    _, changed = await submit(jp_fetch, "wait-a")
    assert changed["id"] != first["id"] and changed["state"] == "queued"


async def test_list_newest_first_and_by_overlay(jp_fetch, fake, overlay):
    overlay("wait-a")
    overlay("wait-b")
    _, a = await submit(jp_fetch, "wait-a")
    _, b = await submit(jp_fetch, "wait-b", "lock")
    jobs = json.loads((await jp_fetch("overlays", "jobs")).body)["jobs"]
    assert [job["id"] for job in jobs] == [b["id"], a["id"]]
    assert [job["state"] for job in jobs] == ["queued", "running"]
    only_a = json.loads((await jp_fetch("overlays", "jobs", params={"overlay": "wait-a"})).body)
    assert [job["id"] for job in only_a["jobs"]] == [a["id"]]
    none = json.loads((await jp_fetch("overlays", "jobs", params={"overlay": "other"})).body)
    assert none == {"jobs": [], "next": None}
    status, _ = await error_of(jp_fetch("overlays", "jobs", params={"overlay": "../x"}))
    assert status == 400


async def test_unknown_job_is_404(jp_fetch, fake):
    for parts in (("0" * 32,), ("nope",), ("0" * 32, "log")):
        status, message = await error_of(jp_fetch("overlays", "jobs", *parts))
        assert status == 404
        assert parts[0] in message
    status, _ = await error_of(jp_fetch("overlays", "jobs", "0" * 32, method="DELETE"))
    assert status == 404


async def test_log_is_read_incrementally(jp_fetch, fake, overlay):
    overlay("wait-a")
    _, job = await submit(jp_fetch, "wait-a")
    await wait_until(lambda: job["id"] in fake.started)

    async def log(offset=None):
        params = {} if offset is None else {"offset": str(offset)}
        return json.loads(
            (await jp_fetch("overlays", "jobs", job["id"], "log", params=params)).body
        )

    first = await log()
    assert first == {"text": "start wait-a build ✓\n", "offset": 23, "ended": False}
    assert await log(23) == {"text": "", "offset": 23, "ended": False}
    assert (await log(22))["text"] == "\n"  # from inside "✓": the next character
    fake.release(job["id"])
    await ended(jp_fetch, job["id"])
    # The server then registered the image as an Elyra runtime image (a file here).
    registered = "Registered localhost/test-wait-a:abc as the Elyra runtime image "
    registered += "overlay-wait-a as a runtime-image file\n"
    end = 28 + len(registered)
    assert await log(23) == {"text": "done\n" + registered, "offset": end, "ended": True}
    assert (await get_job(jp_fetch, job["id"]))["log_size"] == end
    for bad in ("-1", "x", "1.5", "²", "٣", "9" * 40):
        status, message = await error_of(
            jp_fetch("overlays", "jobs", job["id"], "log", params={"offset": bad})
        )
        assert status == 400 and "offset" in message


async def test_delete_cancels_a_running_job_and_its_processes(jp_fetch, fake, overlay):
    overlay("proc-a")
    overlay("wait-b")
    _, running = await submit(jp_fetch, "proc-a")
    _, queued = await submit(jp_fetch, "wait-b")
    await wait_until(lambda: running["id"] in fake.contexts)
    await wait_until(lambda: fake.contexts[running["id"]].processes)
    pgid = fake.pgid(running["id"])

    response = await jp_fetch("overlays", "jobs", queued["id"], method="DELETE")
    assert response.code == 200
    assert json.loads(response.body)["state"] == "cancelled"

    response = await jp_fetch("overlays", "jobs", running["id"], method="DELETE")
    cancelled = json.loads(response.body)
    assert (cancelled["state"], cancelled["error"]) == ("cancelled", None)
    assert cancelled["finished"]
    await wait_until(lambda: not group_alive(pgid), timeout=5)
    assert (await get_job(jp_fetch, running["id"]))["state"] == "cancelled"
    assert queued["id"] not in fake.started

    status, message = await error_of(jp_fetch("overlays", "jobs", running["id"], method="DELETE"))
    assert status == 409 and "cancelled" in message


async def test_a_failed_job_says_why(jp_fetch, fake, overlay):
    overlay("fail-a")
    _, job = await submit(jp_fetch, "fail-a", "lock")
    failed = await ended(jp_fetch, job["id"])
    assert (failed["state"], failed["error"]) == ("failed", "the resolver said no")
    status, _ = await error_of(jp_fetch("overlays", "jobs", job["id"], method="DELETE"))
    assert status == 409


async def test_the_concurrency_limit_holds(jp_fetch, fake, overlay):
    overlay("wait-a")
    overlay("wait-b")
    _, a = await submit(jp_fetch, "wait-a")
    _, b = await submit(jp_fetch, "wait-b")
    await wait_until(lambda: a["id"] in fake.started)
    assert (await get_job(jp_fetch, b["id"]))["state"] == "queued"
    fake.release(a["id"])
    await wait_until(lambda: b["id"] in fake.started)
    fake.release(b["id"])
    assert (await ended(jp_fetch, b["id"]))["state"] == "succeeded"


@pytest.mark.parametrize("name", ["../x", "a/b", "..", ".", "", "x" * 64, "../../etc", None])
async def test_bad_names_are_400_and_touch_nothing(jp_fetch, fake, jp_root_dir, jobs_dir, name):
    make_overlay(jp_root_dir, "wait-a")
    before = tree(jp_root_dir.parent)
    status, message = await error_of(submit(jp_fetch, name))
    assert status == 400
    assert message
    assert tree(jp_root_dir.parent) == before
    assert json.loads((await jp_fetch("overlays", "jobs")).body) == {"jobs": [], "next": None}
    assert list((jobs_dir / "logs").iterdir()) == []
    assert fake.made == 0


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("not json", "JSON"),
        ("[1]", "overlay"),
        ('{"kind": "build"}', "overlay"),
        ('{"overlay": "wait-a"}', "kind"),
        ('{"overlay": "wait-a", "kind": "push"}', "push"),
    ],
)
async def test_bad_bodies_are_400(jp_fetch, fake, overlay, body, needle):
    overlay("wait-a")
    status, message = await error_of(jp_fetch("overlays", "jobs", method="POST", body=body))
    assert status == 400
    assert needle in message


async def test_missing_overlay_folder_is_404(jp_fetch, fake, jp_root_dir):
    before = tree(jp_root_dir)
    status, message = await error_of(submit(jp_fetch, "nothere"))
    assert status == 404 and "nothere" in message
    assert tree(jp_root_dir) == before


@pytest.mark.parametrize("authorization", ["", "token not-the-token"])
@pytest.mark.parametrize(
    ("method", "parts", "body"),
    [
        ("GET", ("jobs",), None),
        ("POST", ("jobs",), '{"overlay": "wait-a", "kind": "build"}'),
        ("GET", ("jobs", "0" * 32), None),
        ("DELETE", ("jobs", "0" * 32), None),
        ("GET", ("jobs", "0" * 32, "log"), None),
    ],
)
async def test_unauthenticated_requests_are_403(
    jp_fetch, fake, overlay, authorization, method, parts, body
):
    overlay("wait-a")
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch(
            "overlays", *parts, method=method, body=body, headers={"Authorization": authorization}
        )
    assert error.value.code == 403
    assert fake.made == 0


async def test_server_shutdown_ends_running_jobs(jp_fetch, jp_serverapp, fake, overlay, jobs_dir):
    overlay("proc-a")
    _, job = await submit(jp_fetch, "proc-a")
    await wait_until(lambda: job["id"] in fake.contexts)
    await wait_until(lambda: fake.contexts[job["id"]].processes)
    pgid = fake.pgid(job["id"])
    await jp_serverapp.cleanup_extensions()
    await wait_until(lambda: not group_alive(pgid), timeout=5)
    store = JobStore(jobs_dir)
    stopped = store.get(job["id"])
    store.close()
    assert (stopped.state, stopped.error) == (JobState.FAILED, SHUTDOWN_REASON)


class TestRestart:
    """A server starting over a store that a dead server left with active jobs."""

    @pytest.fixture
    def jp_server_config(self, jobs_dir):
        store = JobStore(jobs_dir)
        for number, state in enumerate((JobState.RUNNING, JobState.QUEUED, JobState.SUCCEEDED)):
            store.add(
                Job(
                    id=f"{number:032x}",
                    overlay="demo",
                    kind=JobKind.BUILD,
                    backend="local",
                    state=state,
                    created=f"2024-01-01T00:00:0{number}.000Z",
                    started=None if state == JobState.QUEUED else "2024-01-01T00:00:05.000Z",
                    image="localhost/x-demo:abc" if state == JobState.SUCCEEDED else None,
                )
            )
            store.append_log(f"{number:032x}", f"line of job {number}\n")
        store.close()
        return {
            "ServerApp": {"jpserver_extensions": {"jupyterlab_overlays": True}},
            "OverlaysConfig": {"jobs_dir": str(jobs_dir)},
        }

    async def test_interrupted_jobs_are_failed_and_every_job_listed(self, jp_fetch):
        jobs = json.loads((await jp_fetch("overlays", "jobs")).body)["jobs"]
        assert [job["id"] for job in jobs] == [f"{number:032x}" for number in (2, 1, 0)]
        by_id = {job["id"]: job for job in jobs}
        for number in (0, 1):
            job = by_id[f"{number:032x}"]
            assert (job["state"], job["error"]) == ("failed", RESTART_REASON)
            assert job["finished"]
            assert job["log_size"] == len(f"line of job {number}\n")
        assert by_id[f"{2:032x}"]["state"] == "succeeded"
        assert by_id[f"{2:032x}"]["error"] is None
        log = json.loads((await jp_fetch("overlays", "jobs", f"{0:032x}", "log")).body)
        assert log == {"text": "line of job 0\n", "offset": 14, "ended": True}


class TestStatusAgreesWithBuilds:
    """``overlay-status``'s source hash is the one a build records ("changed since last
    build" compares them), whatever the base image: it is part of the hash."""

    @pytest.fixture(
        params=[None, "localhost/another-base:1"],
        ids=["default-base", "another-base"],
    )
    def base_image(self, request):
        return request.param

    @pytest.fixture
    def jp_server_config(self, jobs_dir, base_image):
        settings = {"jobs_dir": str(jobs_dir)}
        if base_image:
            settings["base_image"] = base_image
        return {
            "ServerApp": {"jpserver_extensions": {"jupyterlab_overlays": True}},
            "OverlaysConfig": settings,
        }

    async def test_the_status_hash_is_the_built_one(self, jp_fetch, fake, overlay, service):
        overlay("wait-a")
        _, job = await submit(jp_fetch, "wait-a")
        response = await jp_fetch("overlays", "overlay-status", params={"overlay": "wait-a"})
        status = json.loads(response.body)
        assert job["source_hash"] == service.overlay_status("wait-a")["source_hash"]
        fake.release(job["id"])
        await ended(jp_fetch, job["id"])
        assert status["source_hash"] == job["source_hash"]


async def test_job_changes_are_server_events(jp_fetch, jp_serverapp, fake, overlay):
    """What JupyterLab's event stream receives: every state a job goes through."""
    from jupyterlab_overlays import JOB_EVENT

    seen: list[dict] = []

    async def listener(logger, schema_id, data):
        seen.append(dict(data))

    jp_serverapp.event_logger.add_listener(schema_id=JOB_EVENT, listener=listener)
    overlay("wait-a")
    _, job = await submit(jp_fetch, "wait-a")
    await wait_until(lambda: job["id"] in fake.contexts)
    fake.release(job["id"])
    await ended(jp_fetch, job["id"])
    await wait_until(lambda: any(event["state"] == "succeeded" for event in seen))
    states = [event["state"] for event in seen if event["id"] == job["id"]]
    assert states[0] == "queued" and "running" in states and states[-1] == "succeeded"
    assert {event["overlay"] for event in seen} == {"wait-a"}
    assert any(event.get("steps") == 2 for event in seen)  # the progress, step by step
