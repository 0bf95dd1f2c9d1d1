"""Elyra runtime image files (``runtime_images.py``, ``GET overlays/runtime-images``),
where the server registers images when Elyra is not installed."""

import json
import os
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_overlays.errors import RequestError
from jupyterlab_overlays.runtime_images import (
    check_instance_name,
    delete_image,
    list_images,
    metadata_dir,
    write_image,
)


def instance(image="localhost/demo-train:abc123", **metadata):
    return {
        "schema_name": "runtime-image",
        "display_name": "Overlay train",
        "metadata": {
            "image_name": image,
            "description": "Built by jupyterlab-overlays from overlays/train (source abc123)",
            "pull_policy": "IfNotPresent",
            "tags": ["overlay", "train"],
            **metadata,
        },
    }


@pytest.fixture
def metadata_path(tmp_path, monkeypatch):
    """ELYRA_METADATA_PATH pointing at a fresh folder (and a second, unused one)."""
    first, second = tmp_path / "first", tmp_path / "second"
    monkeypatch.setenv("ELYRA_METADATA_PATH", f"{first}{os.pathsep}{second}")
    return first / "metadata" / "runtime-images"


def test_the_folder_is_the_first_entry_of_elyra_metadata_path(tmp_path):
    environ = {"ELYRA_METADATA_PATH": f"{tmp_path / 'a'}{os.pathsep}{tmp_path / 'b'}"}
    # As Elyra does, metadata/runtime-images is appended to that entry too.
    assert metadata_dir(environ) == tmp_path / "a" / "metadata" / "runtime-images"


def test_without_elyra_metadata_path_the_folder_is_in_the_jupyter_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))
    assert metadata_dir({}) == tmp_path / "data" / "metadata" / "runtime-images"
    assert metadata_dir({"ELYRA_METADATA_PATH": ""}) == metadata_dir({})


@pytest.mark.parametrize("name", ["overlay-train", "overlay-a_b", "x", "a1"])
def test_elyra_instance_names_are_accepted(name):
    assert check_instance_name(name) == name


@pytest.mark.parametrize("name", ["Overlay", "overlay-", "-a", "1a", "../x", "a/b", "a.json", ""])
def test_other_names_are_refused(name):
    with pytest.raises(RequestError) as error:
        check_instance_name(name)
    assert error.value.status == 400


def test_write_then_list_then_delete(tmp_path):
    folder = tmp_path / "runtime-images"
    write_image(folder, "overlay-train", instance())
    on_disk = json.loads((folder / "overlay-train.json").read_text())
    assert on_disk == instance()
    assert list_images(folder) == [
        {
            "name": "overlay-train",
            "display_name": "Overlay train",
            "metadata": instance()["metadata"],
            "ours": True,
        }
    ]
    write_image(folder, "overlay-train", instance("localhost/demo-train:def456"))
    assert "def456" in (folder / "overlay-train.json").read_text()
    assert [p.name for p in folder.iterdir()] == ["overlay-train.json"]
    delete_image(folder, "overlay-train")
    assert list_images(folder) == []


def test_an_image_the_user_made_is_never_replaced_nor_removed(tmp_path):
    folder = tmp_path / "runtime-images"
    folder.mkdir()
    mine = {"schema_name": "runtime-image", "display_name": "Mine", "metadata": {"image_name": "x"}}
    (folder / "overlay-train.json").write_text(json.dumps(mine))
    for action in (
        lambda: write_image(folder, "overlay-train", instance()),
        lambda: delete_image(folder, "overlay-train"),
    ):
        with pytest.raises(RequestError) as error:
            action()
        assert error.value.status == 409
        assert json.loads((folder / "overlay-train.json").read_text()) == mine
    assert list_images(folder)[0]["ours"] is False


def test_a_broken_file_is_reported_and_left_alone(tmp_path):
    folder = tmp_path / "runtime-images"
    folder.mkdir()
    (folder / "overlay-train.json").write_text("{not json")
    with pytest.raises(RequestError) as error:
        write_image(folder, "overlay-train", instance())
    assert error.value.status == 409
    assert (folder / "overlay-train.json").read_text() == "{not json"
    assert "not valid JSON" in list_images(folder)[0]["error"]


def test_deleting_a_missing_image_is_404(tmp_path):
    with pytest.raises(RequestError) as error:
        delete_image(tmp_path, "overlay-train")
    assert error.value.status == 404


async def test_rest_lists_the_files_where_elyra_reads_them(jp_fetch, metadata_path: Path):
    write_image(metadata_path, "overlay-train", instance())
    listing = json.loads((await jp_fetch("overlays", "runtime-images")).body)
    assert listing["folder"] == str(metadata_path)
    assert [image["name"] for image in listing["images"]] == ["overlay-train"]
    assert listing["images"][0]["ours"] is True


def test_links_and_other_special_files_are_left_alone(tmp_path):
    folder = tmp_path / "runtime-images"
    folder.mkdir()
    target = tmp_path / "elsewhere.json"
    target.write_text(json.dumps(instance()))
    (folder / "overlay-train.json").symlink_to(target)
    os.mkfifo(folder / "overlay-fifo.json")
    for name in ("overlay-train", "overlay-fifo"):
        with pytest.raises(RequestError) as error:
            write_image(folder, name, instance())
        assert error.value.status == 409
        with pytest.raises(RequestError):
            delete_image(folder, name)
    assert target.read_text() == json.dumps(instance())
    assert {item["name"] for item in list_images(folder)} == {"overlay-train", "overlay-fifo"}
    assert all("error" in item for item in list_images(folder))


def test_a_folder_that_cannot_be_made_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(RequestError) as error:
        write_image(blocker / "runtime-images", "overlay-train", instance())
    assert error.value.status == 500
    assert "cannot be written" in error.value.message


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("GET", "runtime-images", None), ("POST", "overlay-renamed", '{"overlay": "train"}')],
)
async def test_unauthenticated_requests_are_403(jp_fetch, metadata_path: Path, method, path, body):
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("overlays", path, method=method, body=body, headers={"Authorization": ""})
    assert error.value.code == 403
