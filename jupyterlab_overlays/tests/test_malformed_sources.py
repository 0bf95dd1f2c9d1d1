"""Pipfiles and locks of the wrong shape, or carrying more than a requirement: never a
500, and nothing reaches pip that is not a requirement. A build of such an overlay
fails, naming the file, the entry and the problem."""

from __future__ import annotations

import json
import re

import pytest

from jupyterlab_overlays.jobs import pipfile as pf
from jupyterlab_overlays.jobs.context import plan_build, source_hash
from jupyterlab_overlays.status import overlay_status

SHA = "sha256:" + "a" * 64


def lock(default, **meta) -> str:
    return json.dumps({"_meta": {"hash": {"sha256": "x"}, **meta}, "default": default})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("version", "==1\n--index-url https://evil.example/simple"),
        ("version", "==1 --index-url https://evil.example/simple"),
        ("markers", "python_version >= '3' \n-e ."),
        ("hashes", ["sha256:abc\n--trusted-host evil.example"]),
        ("hashes", ["--hash=sha256:aa"]),
    ],
)
def test_lock_fields_cannot_carry_pip_options(field, value):
    entry = {"version": "==1.16.0", "hashes": [SHA], field: value}
    with pytest.raises(ValueError, match=r"Pipfile.lock default.six"):
        pf.lock_to_requirements(lock({"six": entry}))


def test_an_index_url_must_be_a_url():
    text = lock({"six": {"version": "==1"}}, sources=[{"url": "x\n-e ."}])
    with pytest.raises(ValueError, match=r"_meta\.sources"):
        pf.lock_to_requirements(text)


def test_a_good_lock_still_makes_hashed_requirements():
    text, hashed = pf.lock_to_requirements(lock({"six": {"version": "==1.16.0", "hashes": [SHA]}}))
    assert hashed and f"six==1.16.0 \\\n    --hash={SHA}" in text


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ({"Pipfile": 'packages = "six"\n'}, "Pipfile [packages] must be a table"),
        ({"Pipfile": '[packages]\nsix = "*"\n', "Pipfile.lock": lock({"six": 3})}, "six"),
        ({"Pipfile": '[packages]\nsix = "*"\n', "Pipfile.lock": lock([])}, "default"),
        (
            {"Pipfile": '[packages]\nsix = "*"\n', "Pipfile.lock": '{"_meta": [], "default": {}}'},
            "_meta",
        ),
        ({"Pipfile": '[packages]\nsix = "==1\\n-e ."\n'}, "not a valid requirement"),
    ],
)
def test_malformed_files_fail_the_build_plan_and_not_the_status(tmp_path, files, words):
    folder = tmp_path / "o"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    with pytest.raises(ValueError, match=re.escape(words)):
        plan_build(folder, "localhost/base:1")
    # What the sidebar asks for still answers.
    status = overlay_status("o", folder)
    assert status["source_hash"] == source_hash(folder)
    assert status["lock"] in ("missing", "stale")


async def test_the_status_of_a_malformed_overlay_is_no_500(jp_fetch, jp_root_dir):
    folder = jp_root_dir / "overlays" / "o"
    folder.mkdir(parents=True)
    (folder / "Pipfile").write_text('[packages]\nsix = "*"\n')
    (folder / "Pipfile.lock").write_text(lock({"six": {"version": "==1\n--index-url x"}}))
    status = json.loads(
        (await jp_fetch("overlays", "overlay-status", params={"overlay": "o"})).body
    )
    assert status["lock"] == "stale"
