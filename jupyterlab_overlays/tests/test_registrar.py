"""Runtime images registered by the server (registrar.py): the rules, the job service
calling them when a build succeeds, and the REST API. Elyra's own API: test_elyra.py."""

from __future__ import annotations

import json
import uuid

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_overlays import JOBS_SETTING
from jupyterlab_overlays.config import OverlaysConfig
from jupyterlab_overlays.jobs.base import Job, JobKind, JobState
from jupyterlab_overlays.jobs.service import JobService
from jupyterlab_overlays.jobs.store import JobStore
from jupyterlab_overlays.registrar import (
    FileStore,
    RegistrationSettings,
    RuntimeImageRegistrar,
    RuntimeImages,
)

from .jobs_fakes import FakeBackends, make_overlay, wait_until

POLICY = "IfNotPresent"


def register(registrar, overlay="train", image="localhost/demo-train:1", **kwargs):
    options = {"job_id": "j1", "source_hash": "ab" * 32, "folder": f"overlays/{overlay}"}
    options["pull_policy"] = POLICY
    return registrar.register(overlay, image, **{**options, **kwargs})


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "metadata" / "runtime-images"


@pytest.fixture
def registrar(folder):
    return RuntimeImageRegistrar(FileStore(folder))


def test_created_unchanged_updated_removed(registrar, folder):
    first = register(registrar)
    assert (first.outcome, first.store, first.name) == ("created", "file", "overlay-train")
    written = json.loads((folder / "overlay-train.json").read_text())
    assert written["metadata"]["tags"] == ["overlay", "train"]
    assert written["metadata"]["image_name"] == "localhost/demo-train:1"
    assert "ababababab" in written["metadata"]["description"]
    assert register(registrar).outcome == "unchanged"
    assert register(registrar, image="localhost/demo-train:2").outcome == "updated"
    assert register(registrar, image="localhost/demo-train:2", pull_policy="Always").outcome == (
        "updated"
    )
    assert registrar.remove("train").outcome == "removed"
    assert not (folder / "overlay-train.json").exists()
    assert registrar.remove("train").outcome == "unchanged"


def test_a_runtime_image_the_user_made_is_left_alone(registrar, folder):
    folder.mkdir(parents=True)
    mine = {"schema_name": "runtime-image", "display_name": "Mine", "metadata": {"image_name": "x"}}
    (folder / "overlay-train.json").write_text(json.dumps(mine))
    failed = register(registrar)
    assert failed.outcome == "failed"
    assert "was not made by jupyterlab-overlays" in failed.error
    assert registrar.remove("train").outcome == "unchanged"
    assert json.loads((folder / "overlay-train.json").read_text()) == mine


def test_never_another_overlays_image(registrar, folder):
    register(registrar, "data", "localhost/demo-data:1")
    clash = register(registrar, "Data", "localhost/demo-data:2")  # same name once lower-cased
    assert clash.outcome == "failed" and "belongs to the overlay data" in clash.error
    assert registrar.remove("Data").outcome == "unchanged"
    assert json.loads((folder / "overlay-data.json").read_text())["metadata"]["tags"] == [
        "overlay",
        "data",
    ]


def test_the_users_pull_secret_is_kept(registrar, folder):
    register(registrar)
    path = folder / "overlay-train.json"
    instance = json.loads(path.read_text())
    instance["metadata"]["pull_secret"] = "my-secret"  # noqa: S105 - a secret's name
    path.write_text(json.dumps(instance))
    assert register(registrar, image="localhost/demo-train:2").outcome == "updated"
    assert json.loads(path.read_text())["metadata"]["pull_secret"] == "my-secret"  # noqa: S105


def test_settings_from_a_request():
    default = RegistrationSettings(True, "IfNotPresent")
    assert RegistrationSettings.parse(None, default) == default
    assert RegistrationSettings.parse({"register": False}, default).register is False
    assert RegistrationSettings.parse({"pull_policy": "Never"}, default).pull_policy == "Never"
    for bad in ({"pull_policy": "Sometimes"}, {"register": "yes"}, {"other": 1}, "x"):
        with pytest.raises(Exception, match="runtime_image"):
            RegistrationSettings.parse(bad, default)


# The job service registers a build that succeeds, before it is recorded as ended.


@pytest.fixture
def service(tmp_path, folder, jp_asyncio_loop):
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    fake = FakeBackends()
    store = JobStore(tmp_path / "store")
    images = RuntimeImages(
        store,
        folder_of=lambda overlay: f"overlays/{overlay}",
        defaults=RegistrationSettings(True, POLICY),
        registrar=RuntimeImageRegistrar(FileStore(folder)),
    )
    service = JobService(
        OverlaysConfig(),
        store,
        {"build": fake, "lock": fake},
        workspace,
        runtime_images=images,
    )
    service.fake = fake
    yield service
    jp_asyncio_loop.run_until_complete(service.stop())
    store.close()


async def build(service, overlay, **kwargs):
    job, _ = await service.submit(overlay, "build", **kwargs)
    await wait_until(lambda: job.id in service.fake.contexts)
    service.fake.release(job.id)
    await wait_until(lambda: service.get(job.id).state.ended)
    return service.get(job.id)


async def test_a_successful_build_is_registered_with_no_browser(service, folder):
    make_overlay(service.workspace_dir, "wait-a")
    job = await build(service, "wait-a")
    assert job.state.value == "succeeded"
    registration = service.registrations()["wait-a"]
    assert registration["outcome"] == "created"
    assert registration["job_id"] == job.id
    assert registration["image"] == job.image
    assert json.loads((folder / "overlay-wait-a.json").read_text())["metadata"]["image_name"] == (
        job.image
    )
    log = service.read_log(job.id)["text"]
    assert "as the Elyra runtime image overlay-wait-a" in log


async def test_registration_turned_off_by_the_user(service, folder):
    make_overlay(service.workspace_dir, "wait-a")
    await build(service, "wait-a", runtime_image=RegistrationSettings(False, POLICY))
    assert service.registrations() == {}
    assert not folder.exists()


async def test_a_build_older_than_the_newest_good_build_is_not_registered(service, folder):
    make_overlay(service.workspace_dir, "wait-a")
    job, _ = await service.submit("wait-a", "build")
    await wait_until(lambda: job.id in service.fake.contexts)
    # Another server sharing the store finished a newer build of it meanwhile.
    newer = Job(
        id=uuid.uuid4().hex,
        overlay="wait-a",
        kind=JobKind.BUILD,
        backend="fake",
        state=JobState.SUCCEEDED,
        created="2999-01-01T00:00:00.000Z",
        image="localhost/test-wait-a:newer",
    )
    service.store.add(newer)
    service.fake.release(job.id)
    await wait_until(lambda: service.get(job.id).state.ended)
    assert service.get(job.id).state is JobState.SUCCEEDED
    assert service.registrations() == {}
    assert not folder.exists()


async def test_a_rename_moves_the_runtime_image(service, folder):
    make_overlay(service.workspace_dir, "wait-a")
    job = await build(service, "wait-a")
    moved = await service.runtime_images.renamed(
        "wait-a", "wait-b", RegistrationSettings(True, POLICY)
    )
    assert [(item.overlay, item.outcome) for item in moved] == [
        ("wait-a", "removed"),
        ("wait-b", "created"),
    ]
    assert not (folder / "overlay-wait-a.json").exists()
    image = json.loads((folder / "overlay-wait-b.json").read_text())["metadata"]
    assert image["image_name"] == job.image and image["tags"] == ["overlay", "wait-b"]
    assert set(service.registrations()) == {"wait-b"}
    gone = await service.runtime_images.renamed("wait-b", None, RegistrationSettings(True, POLICY))
    assert [(item.overlay, item.outcome) for item in gone] == [("wait-b", "removed")]
    assert service.registrations() == {}


# REST: the sidebar reads registrations with the current jobs; renames are followed.


@pytest.fixture
def metadata_path(tmp_path, monkeypatch):
    monkeypatch.setenv("ELYRA_METADATA_PATH", str(tmp_path / "elyra"))
    return tmp_path / "elyra" / "metadata" / "runtime-images"


async def test_rest_current_view_and_rename(jp_fetch, jp_serverapp, jp_root_dir, metadata_path):
    service = jp_serverapp.web_app.settings[JOBS_SETTING]
    registrar = service.runtime_images.registrar
    registrar.register(
        "train",
        "localhost/x-train:1",
        job_id="j",
        source_hash=None,
        folder="overlays/train",
        pull_policy=POLICY,
    )
    service.store.save_registration(
        "train", register(registrar, image="localhost/x-train:1").to_json()
    )
    answer = json.loads((await jp_fetch("overlays", "jobs", params={"view": "current"})).body)
    assert answer["runtime_images"]["train"]["name"] == "overlay-train"
    body = json.dumps({"overlay": "train", "new_name": "train-2"})
    answer = json.loads(
        (await jp_fetch("overlays", "overlay-renamed", method="POST", body=body)).body
    )
    assert [item["outcome"] for item in answer["runtime_images"]] == ["removed", "created"]
    assert (metadata_path / "overlay-train-2.json").exists()
    assert not (metadata_path / "overlay-train.json").exists()


@pytest.mark.parametrize(
    "body",
    [
        {"overlay": "train_", "new_name": "x"},
        {"overlay": "train", "new_name": "x\n"},
        {"overlay": "train", "new_name": None, "runtime_image": {"pull_policy": "?"}},
    ],
)
async def test_rest_rename_refuses_bad_bodies(jp_fetch, metadata_path, body):
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("overlays", "overlay-renamed", method="POST", body=json.dumps(body))
    assert error.value.code == 400


async def test_rest_build_refuses_bad_registration_settings(jp_fetch, jp_root_dir):
    make_overlay(jp_root_dir, "train")
    body = json.dumps({"overlay": "train", "kind": "build", "runtime_image": {"register": 1}})
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("overlays", "jobs", method="POST", body=body)
    assert error.value.code == 400
    assert "runtime_image.register" in json.loads(error.value.response.body)["message"]


async def test_a_rename_carries_the_build_history_and_the_image(service, folder):
    make_overlay(service.workspace_dir, "wait-a")
    job = await build(service, "wait-a")
    await service.runtime_images.renamed("wait-a", "wait-b", RegistrationSettings(True, POLICY))
    assert service.overlay_renamed("wait-a", "wait-b") == 1
    assert service.list(overlay="wait-a") == []
    (moved,) = service.current(overlay="wait-b")
    assert (moved.id, moved.image, moved.state.value) == (job.id, job.image, "succeeded")
    assert service.registrations()["wait-b"]["image"] == job.image
    assert service.overlay_renamed("wait-a", "wait-b") == 0  # nothing left to move


async def test_rest_rename_answers_how_many_jobs_moved(jp_fetch, jp_serverapp, metadata_path):
    service = jp_serverapp.web_app.settings[JOBS_SETTING]
    for index, state in enumerate((JobState.SUCCEEDED, JobState.FAILED, JobState.QUEUED)):
        service.store.add(
            Job(
                f"{index:032x}",
                "train",
                JobKind.BUILD,
                "local",
                state,
                f"2026-01-0{index + 1}T00:00:00Z",
            )
        )
    body = json.dumps({"overlay": "train", "new_name": "train-2"})
    answer = json.loads(
        (await jp_fetch("overlays", "overlay-renamed", method="POST", body=body)).body
    )
    assert answer["jobs_moved"] == 2  # the queued one keeps the name it was started under
    assert {job.overlay for job in service.store.list()} == {"train", "train-2"}
    assert len(service.store.list(overlay="train-2")) == 2


def stored_build(service, overlay: str, state: JobState, image: str | None, created: str) -> Job:
    job = Job(
        id=uuid.uuid4().hex,
        overlay=overlay,
        kind=JobKind.BUILD,
        backend="local",
        state=state,
        created=created,
        image=image,
        source_hash="cd" * 32,
    )
    service.store.add(job)
    return job


async def test_rest_goes_back_to_an_earlier_build(
    jp_fetch, jp_serverapp, jp_root_dir, metadata_path
):
    """``POST jobs/<id>/register``: an earlier build's image becomes the runtime image."""
    service = jp_serverapp.web_app.settings[JOBS_SETTING]
    make_overlay(jp_root_dir, "train")
    # A pushed image: the server cannot tell whether it still exists, and registers it.
    older = stored_build(
        service, "train", JobState.SUCCEEDED, "quay.io/me/x-train:1", "2026-01-01T00:00:00.000Z"
    )
    newer = stored_build(
        service, "train", JobState.SUCCEEDED, "quay.io/me/x-train:2", "2026-02-01T00:00:00.000Z"
    )
    answer = json.loads(
        (await jp_fetch("overlays", "jobs", older.id, "register", method="POST", body="")).body
    )
    assert (answer["outcome"], answer["job_id"], answer["image"]) == (
        "created",
        older.id,
        "quay.io/me/x-train:1",
    )
    instance = json.loads((metadata_path / "overlay-train.json").read_text())
    assert instance["metadata"]["image_name"] == "quay.io/me/x-train:1"
    current = json.loads((await jp_fetch("overlays", "jobs", params={"view": "current"})).body)
    assert current["runtime_images"]["train"]["job_id"] == older.id

    # And forward again, with the pull policy asked for.
    body = json.dumps({"runtime_image": {"register": True, "pull_policy": "Always"}})
    answer = json.loads(
        (await jp_fetch("overlays", "jobs", newer.id, "register", method="POST", body=body)).body
    )
    assert (answer["outcome"], answer["image"]) == ("updated", "quay.io/me/x-train:2")
    instance = json.loads((metadata_path / "overlay-train.json").read_text())
    assert instance["metadata"]["pull_policy"] == "Always"


async def test_rest_register_refuses_what_has_no_image(
    jp_fetch, jp_serverapp, jp_root_dir, metadata_path
):
    service = jp_serverapp.web_app.settings[JOBS_SETTING]
    make_overlay(jp_root_dir, "train")
    failed = stored_build(service, "train", JobState.FAILED, None, "2026-01-01T00:00:00.000Z")
    gone = stored_build(
        service, "train", JobState.SUCCEEDED, "localhost/x-train:gone", "2026-01-02T00:00:00.000Z"
    )
    orphan = stored_build(
        service, "deleted", JobState.SUCCEEDED, "quay.io/me/x:1", "2026-01-03T00:00:00.000Z"
    )
    cases = [
        (failed.id, 409, "is a build that failed"),
        (gone.id, 409, "is no longer on this machine"),
        (orphan.id, 404, ""),
        ("0" * 32, 404, ""),
    ]
    for job_id, code, words in cases:
        with pytest.raises(HTTPClientError) as error:
            await jp_fetch("overlays", "jobs", job_id, "register", method="POST", body="")
        assert error.value.code == code
        assert words in json.loads(error.value.response.body)["message"]
    assert not (metadata_path / "overlay-train.json").exists()


async def test_rest_images_says_what_is_still_there(jp_fetch, jp_serverapp, monkeypatch):
    service = jp_serverapp.web_app.settings[JOBS_SETTING]
    seen = []

    async def image_info(image):
        seen.append(image)
        return None if image.startswith("quay.io/") else {"exists": True, "size": "12 MB"}

    monkeypatch.setattr(service, "image_info", image_info)
    params = [("image", "localhost/x-train:1"), ("image", "quay.io/me/x:1")]
    answer = json.loads((await jp_fetch("overlays", "images", params=params)).body)
    assert answer == {
        "images": {
            "localhost/x-train:1": {"exists": True, "size": "12 MB"},
            "quay.io/me/x:1": None,
        }
    }
    for bad in ([], [("image", "--rm")], [("image", "a b")], [("image", "x")] * 51):
        with pytest.raises(HTTPClientError) as error:
            await jp_fetch("overlays", "images", params=bad)
        assert error.value.code == 400
    assert seen == ["localhost/x-train:1", "quay.io/me/x:1"]
