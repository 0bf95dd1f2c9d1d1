"""``GET overlays/overlay-status``: the source hash a build would record and the lock's state."""

from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_overlays.jobs.context import DEFAULT_BASE_IMAGE, source_hash
from jupyterlab_overlays.jobs.pipfile import pipfile_hash
from jupyterlab_overlays.status import overlay_status

from .jobs_fakes import make_overlay

PIPFILE = '[packages]\nsix = "*"\n\n[requires]\npython_version = "3.11"\n'


@pytest.fixture
def jp_server_config(tmp_path):
    return {
        "ServerApp": {"jpserver_extensions": {"jupyterlab_overlays": True}},
        "OverlaysConfig": {"jobs_dir": str(tmp_path / "jobs")},
    }


def lock_for(pipfile: str) -> str:
    return json.dumps({"_meta": {"hash": {"sha256": pipfile_hash(pipfile)}}, "default": {}})


async def status(jp_fetch, name: str) -> dict:
    response = await jp_fetch("overlays", "overlay-status", params={"overlay": name})
    return json.loads(response.body)


async def error_of(request) -> tuple[int, str]:
    with pytest.raises(HTTPClientError) as error:
        await request
    return error.value.code, json.loads(error.value.response.body)["message"]


async def test_without_a_lock(jp_fetch, jp_root_dir):
    folder = make_overlay(jp_root_dir, "train", PIPFILE)
    assert await status(jp_fetch, "train") == {
        "overlay": "train",
        "source_hash": source_hash(folder),
        "lock": "missing",
        # No Containerfile of its own: the server's base image.
        "base_image": {"image": DEFAULT_BASE_IMAGE, "from": "server"},
    }


async def test_a_lock_of_this_pipfile_is_current_and_goes_stale_when_it_changes(
    jp_fetch, jp_root_dir
):
    folder = make_overlay(jp_root_dir, "train", PIPFILE)
    (folder / "Pipfile.lock").write_text(lock_for(PIPFILE))
    before = await status(jp_fetch, "train")
    assert before["lock"] == "current"
    assert before["source_hash"] == source_hash(folder)

    (folder / "Pipfile").write_text(PIPFILE.replace('six = "*"', 'six = "*"\nrequests = "*"'))
    after = await status(jp_fetch, "train")
    assert after["lock"] == "stale"
    assert after["source_hash"] != before["source_hash"]


async def test_the_overlays_dir_of_thoth_yaml_is_followed(jp_fetch, jp_root_dir):
    (jp_root_dir / ".thoth.yaml").write_text("overlays_dir: envs\n")
    folder = jp_root_dir / "envs" / "prep"
    folder.mkdir(parents=True)
    (folder / "Pipfile").write_text(PIPFILE)
    assert (await status(jp_fetch, "prep"))["source_hash"] == source_hash(folder)


@pytest.mark.parametrize("name", ["", "../etc", "a b", "x" * 64])
async def test_bad_names_are_400(jp_fetch, name):
    code, message = await error_of(status(jp_fetch, name))
    assert code == 400
    assert message


async def test_a_missing_folder_is_404(jp_fetch, jp_root_dir):
    code, message = await error_of(status(jp_fetch, "nowhere"))
    assert code == 404
    assert "nowhere" in message


def test_unreadable_pipfile_makes_the_lock_stale(tmp_path):
    folder = make_overlay(tmp_path, "broken", "[packages\n")
    (folder / "Pipfile.lock").write_text(lock_for(PIPFILE))
    assert overlay_status("broken", folder)["lock"] == "stale"
    (folder / "Pipfile").unlink()
    assert overlay_status("broken", folder)["lock"] == "stale"
