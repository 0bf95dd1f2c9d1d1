"""Elyra runtime image files (``overlays/runtime-images``), for servers without Elyra."""

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
    parse_instance,
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


def test_parse_keeps_the_fields_elyra_knows_and_defaults_the_pull_policy():
    body = instance()
    del body["metadata"]["pull_policy"]
    parsed = parse_instance(json.dumps(body).encode())
    assert parsed["schema_name"] == "runtime-image"
    assert parsed["metadata"]["pull_policy"] == "IfNotPresent"
    assert parsed["metadata"]["image_name"] == "localhost/demo-train:abc123"
    assert "name" not in parsed


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda b: b.update(schema_name="code-snippet"), "schema_name"),
        (lambda b: b.pop("display_name"), "display_name"),
        (lambda b: b["metadata"].update(image_name=""), "image_name"),
        (lambda b: b["metadata"].update(image_name="a b"), "image_name"),
        (lambda b: b["metadata"].update(pull_policy="Sometimes"), "pull_policy"),
        (lambda b: b["metadata"].update(tags="overlay"), "tags"),
        (lambda b: b["metadata"].update(tags=["train"]), '"overlay"'),
        (lambda b: b["metadata"].update(extra=1), "extra"),
        (lambda b: b.update(other=1), "other"),
    ],
)
def test_parse_refuses_bad_bodies(change, words):
    body = instance()
    change(body)
    with pytest.raises(RequestError) as error:
        parse_instance(json.dumps(body).encode())
    assert error.value.status == 400
    assert words in error.value.message


def test_parse_refuses_non_json():
    for body in (b"{", b"[]", b"null"):
        with pytest.raises(RequestError):
            parse_instance(body)


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


async def fetch_error(jp_fetch, *parts, **kwargs):
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("overlays", "runtime-images", *parts, **kwargs)
    return error.value.code, json.loads(error.value.response.body)["message"]


async def test_rest_put_list_delete(jp_fetch, metadata_path: Path):
    answer = await jp_fetch(
        "overlays", "runtime-images", "overlay-train", method="PUT", body=json.dumps(instance())
    )
    assert json.loads(answer.body)["name"] == "overlay-train"
    assert json.loads((metadata_path / "overlay-train.json").read_text()) == instance()
    listing = json.loads((await jp_fetch("overlays", "runtime-images")).body)
    assert listing["folder"] == str(metadata_path)
    assert [image["name"] for image in listing["images"]] == ["overlay-train"]
    answer = await jp_fetch("overlays", "runtime-images", "overlay-train", method="DELETE")
    assert answer.code == 204
    assert not (metadata_path / "overlay-train.json").exists()


@pytest.mark.parametrize(
    "name, status",
    [
        ("Overlay-train", 400),
        ("x.json", 400),
        ("overlay-a%0A", 400),
        ("..", 400),
        # Tornado decodes an escaped "/" into the name; the name check refuses it.
        ("..%2fescape", 400),
    ],
)
async def test_rest_refuses_bad_names_and_writes_nothing(
    jp_fetch, metadata_path: Path, name, status
):
    answer, message = await fetch_error(jp_fetch, name, method="PUT", body=json.dumps(instance()))
    assert answer == status
    if status == 400:
        assert "not a runtime image name" in message
    written = [p for p in metadata_path.parents[1].rglob("*") if p.is_file()]
    assert written == []


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


async def test_rest_refuses_to_replace_a_users_image(jp_fetch, metadata_path: Path):
    metadata_path.mkdir(parents=True)
    mine = json.dumps({"schema_name": "runtime-image", "display_name": "Mine", "metadata": {}})
    (metadata_path / "overlay-train.json").write_text(mine)
    status, message = await fetch_error(
        jp_fetch, "overlay-train", method="PUT", body=json.dumps(instance())
    )
    assert status == 409
    assert "left alone" in message
    assert (metadata_path / "overlay-train.json").read_text() == mine


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_unauthenticated_requests_are_403(jp_fetch, metadata_path: Path, method):
    parts = () if method == "GET" else ("overlay-train",)
    body = json.dumps(instance()) if method == "PUT" else None
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch(
            "overlays",
            "runtime-images",
            *parts,
            method=method,
            body=body,
            headers={"Authorization": ""},
        )
    assert error.value.code == 403
    assert not (metadata_path / "overlay-train.json").exists()
