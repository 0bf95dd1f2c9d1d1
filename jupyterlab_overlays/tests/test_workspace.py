"""The workspace's names and folders (jupyterlab_overlays.workspace)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from jupyterlab_overlays.errors import RequestError
from jupyterlab_overlays.workspace import (
    check_overlay_name,
    image_repository,
    is_valid_name,
    overlay_dir,
    overlays_dir_from_thoth,
    runtime_image_name,
)


def test_names():
    assert check_overlay_name("x" * 63) == "x" * 63
    assert check_overlay_name("A-b_9") == "A-b_9"


@pytest.mark.parametrize("name", ["tiny\n", "train_", "a_-b", "x__", "-x", "x" * 64, "", None, 3])
def test_refused_names(name):
    with pytest.raises(RequestError) as error:
        check_overlay_name(name)
    assert error.value.status == 400


def test_a_name_an_earlier_version_accepted_is_told_to_rename():
    with pytest.raises(RequestError, match="Rename the overlay"):
        check_overlay_name("train_")


def test_derived_names():
    assert runtime_image_name("Download_Data") == "overlay-download_data"
    assert image_repository("demo", "Train--Model") == "demo-train--model"


def test_overlays_differing_only_by_case_are_refused(tmp_path):
    (tmp_path / "overlays" / "train").mkdir(parents=True)
    assert overlay_dir(tmp_path, "overlays", "train") == (tmp_path / "overlays" / "train")
    (tmp_path / "overlays" / "Train").mkdir()
    with pytest.raises(RequestError, match="differ only by case") as error:
        overlay_dir(tmp_path, "overlays", "train")
    assert error.value.status == 409


@pytest.mark.parametrize(
    ("text", "folder"),
    [
        (None, "overlays"),
        ("", "overlays"),
        ("overlays_dir: stacks\n", "stacks"),
        ("overlays_dir: 'my stacks' # c\n", "my stacks"),
        ('overlays_dir: "x/y"\n', "x/y"),
        ("overlays_dir:\n", "overlays"),
        ("overlays_dir: # none\n", "overlays"),
        ("  overlays_dir: nested\n", "overlays"),
        ("runtime_environments: []\noverlays_dir: o\n", "o"),
    ],
)
def test_overlays_dir_from_thoth(tmp_path, text, folder):
    if text is not None:
        (tmp_path / ".thoth.yaml").write_text(text)
    assert overlays_dir_from_thoth(tmp_path) == folder


# The same names as the frontend's tests (src/overlay/__tests__/names.cases.json), judged
# by the rules of every place an overlay name goes (scripts/generate_name_cases.py).

ROOT = Path(__file__).resolve().parents[2]
CASES = json.loads((ROOT / "src" / "overlay" / "__tests__" / "names.cases.json").read_text())


def test_the_shared_cases_are_what_the_generator_writes():
    spec = importlib.util.spec_from_file_location(
        "generate_name_cases", ROOT / "scripts" / "generate_name_cases.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert json.loads(module.render()) == CASES
    assert len(CASES["valid"]) + len(CASES["invalid"]) > 250


@pytest.mark.parametrize("name", CASES["valid"])
def test_valid_everywhere_it_is_used(name):
    assert is_valid_name(name) and check_overlay_name(name) == name


@pytest.mark.parametrize("name", CASES["invalid"])
def test_refused_where_any_place_refuses_it(name):
    assert not is_valid_name(name)
    with pytest.raises(RequestError):
        check_overlay_name(name)


def test_different_names_never_share_an_image_or_a_runtime_image():
    # Names of one workspace differ by more than case (the frontend refuses "Train"
    # beside "train"; overlay_dir refuses to build either).
    names = {name.lower(): name for name in CASES["valid"]}.values()
    assert len({runtime_image_name(name) for name in names}) == len(names)
    assert len({image_repository("p", name) for name in names}) == len(names)
