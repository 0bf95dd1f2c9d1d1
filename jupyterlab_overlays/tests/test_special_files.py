"""Workspace files that are not what they seem: a FIFO, a link to a device, a huge file.
Nothing waits on them, reads them without limit or stalls the event loop; each gets a
clear 4xx naming the file."""

from __future__ import annotations

import asyncio
import json
import os
import time

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_overlays.errors import RequestError
from jupyterlab_overlays.workspace import MAX_FILE_BYTES, overlays_dir_from_thoth, read_regular

PIPFILE = '[packages]\nsix = "*"\n'


def overlay(root, name="o"):
    folder = root / "overlays" / name
    folder.mkdir(parents=True)
    return folder


async def answer(jp_fetch, *parts, **kwargs):
    """Status and message (or body) of a request, which must come within 10 s."""
    try:
        response = await asyncio.wait_for(jp_fetch(*parts, **kwargs), 10)
    except HTTPClientError as error:
        return error.code, json.loads(error.response.body)["message"]
    return response.code, json.loads(response.body)


def test_read_regular(tmp_path):
    assert read_regular(tmp_path / "missing") is None
    (tmp_path / "f").write_bytes(b"x")
    assert read_regular(tmp_path / "f") == b"x"
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "zero").symlink_to("/dev/zero")
    for name in ("fifo", "zero"):
        started = time.monotonic()
        with pytest.raises(RequestError, match="not a regular file") as error:
            read_regular(tmp_path / name)
        assert error.value.status == 422 and time.monotonic() - started < 1
    (tmp_path / "big").write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(RequestError) as error:
        read_regular(tmp_path / "big")
    assert error.value.status == 413


def test_a_fifo_thoth_yaml_is_not_waited_on(tmp_path):
    os.mkfifo(tmp_path / ".thoth.yaml")
    assert overlays_dir_from_thoth(tmp_path) == "overlays"


async def test_a_fifo_thoth_yaml_does_not_stall_the_server(jp_fetch, jp_root_dir):
    (overlay(jp_root_dir) / "Pipfile").write_text(PIPFILE)
    os.mkfifo(jp_root_dir / ".thoth.yaml")
    status, body = await answer(jp_fetch, "overlays", "overlay-status", params={"overlay": "o"})
    assert status == 200 and body["lock"] == "missing"
    assert (await answer(jp_fetch, "overlays", "info"))[0] == 200
    assert (await answer(jp_fetch, "api", "status"))[0] == 200


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "huge"])
async def test_a_special_or_huge_pipfile_is_a_clear_4xx(jp_fetch, jp_root_dir, kind):
    folder = overlay(jp_root_dir)
    if kind == "fifo":
        os.mkfifo(folder / "Pipfile")
    elif kind == "dev-zero":
        (folder / "Pipfile").symlink_to("/dev/zero")
    else:
        (folder / "Pipfile").write_text("# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    expected = 413 if kind == "huge" else 422
    status, message = await answer(jp_fetch, "overlays", "overlay-status", params={"overlay": "o"})
    assert (status, "o/Pipfile" in message) == (expected, True)
    body = json.dumps({"overlay": "o", "kind": "build"})
    status, message = await answer(jp_fetch, "overlays", "jobs", method="POST", body=body)
    assert (status, "o/Pipfile" in message) == (expected, True)
    assert (await answer(jp_fetch, "api", "status"))[0] == 200


async def test_no_workspace_file_stalls_the_event_loop(jp_fetch, jp_root_dir):
    """The server's event loop never waits 100 ms on a workspace file: a ticker on the
    loop measures the longest gap while the worst files are asked about."""
    os.mkfifo(jp_root_dir / ".thoth.yaml")
    for name, make in {
        "fifo": lambda path: os.mkfifo(path),
        "zero": lambda path: path.symlink_to("/dev/zero"),
        "huge": lambda path: path.write_text("# padding\n" * (MAX_FILE_BYTES // 10 + 1)),
        # The largest file read whole: parsed and hashed off the loop.
        "large": lambda path: path.write_text('[packages]\nsix = "*"\n' + "#\n" * 900_000),
    }.items():
        make(overlay(jp_root_dir, name) / "Pipfile")
    longest = 0.0
    done = False

    async def ticker():
        nonlocal longest
        last = time.monotonic()
        while not done:
            await asyncio.sleep(0.005)
            now = time.monotonic()
            longest = max(longest, now - last)
            last = now

    task = asyncio.ensure_future(ticker())
    try:
        for name in ("fifo", "zero", "huge", "large"):
            for _ in range(3):
                await answer(jp_fetch, "overlays", "overlay-status", params={"overlay": name})
            await answer(jp_fetch, "overlays", "info")
    finally:
        done = True
        await task
    assert longest < 0.1, f"the event loop waited {longest * 1000:.0f} ms"
