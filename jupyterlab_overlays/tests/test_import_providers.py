"""Which project on the index provides a dotted import path (``import_providers.py``)."""

from __future__ import annotations

import io
import json
import tarfile
import threading
import zipfile
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_overlays.handlers import IndexCheckHandler
from jupyterlab_overlays.import_providers import (
    ImportProvider,
    candidates,
    providers,
    provides,
)
from jupyterlab_overlays.index_check import IndexChecks, newest_sdist, newest_wheel


def test_the_top_level_name_is_tried_first_then_the_family_deepest_first():
    assert candidates("zc.lockfile") == [("zc", "zc/lockfile"), ("zc-lockfile", "zc/lockfile")]
    assert candidates("a_b.c_d.e.f") == [
        ("a-b", "a_b/c_d"),
        ("a-b-c-d-e", "a_b/c_d/e"),
        ("a-b-c-d", "a_b/c_d"),
    ]


def test_a_path_is_provided_by_a_package_a_module_or_an_extension():
    assert provides(["zc/lockfile/__init__.py"], "zc/lockfile", wheel=True)
    assert provides(["zc/lockfile.py"], "zc/lockfile", wheel=True)
    assert provides(["zc/lockfile.cpython-311-x86_64-linux-gnu.so"], "zc/lockfile", wheel=True)
    assert not provides(["zc/__init__.py", "zc/lockfiles/x.py"], "zc/lockfile", wheel=True)
    assert not provides(["zc/lockfile.txt"], "zc/lockfile", wheel=True)
    # An sdist's members sit in its own folder, maybe below src/.
    assert provides(["zc.lockfile-3.0/src/zc/lockfile/__init__.py"], "zc/lockfile", wheel=False)
    assert provides(["zc.lockfile-3.0/zc/lockfile/__init__.py"], "zc/lockfile", wheel=False)
    assert not provides(["zc/lockfile/__init__.py"], "zc/lockfile", wheel=False)


def test_the_file_read_is_the_newest_wheel_for_the_python_else_the_newest_sdist():
    files = [
        {"filename": "x-1.0.tar.gz"},
        {"filename": "x-2.0.tar.gz"},
        {"filename": "x-2.0-py3-none-any.whl"},
        {"filename": "x-3.0-cp312-cp312-manylinux_2_17_x86_64.whl"},
        {"filename": "x-3.0-py3-none-any.whl", "yanked": True},
    ]
    assert newest_wheel(files, 11)["filename"] == "x-2.0-py3-none-any.whl"
    assert newest_wheel(files, 12)["filename"] == "x-3.0-cp312-cp312-manylinux_2_17_x86_64.whl"
    assert newest_wheel(files[:2], 11) is None
    assert newest_sdist(files, 11)["filename"] == "x-2.0.tar.gz"
    assert newest_sdist([], 11) is None


@pytest.fixture
def local_index(tmp_path):
    """A local index (http.server) of real archives: ``zz`` a placeholder wheel, ``zz-lock``
    a wheel with ``zz/lock``, ``zz-deep-x`` an sdist with ``src/zz/deep/x.py``."""
    folder = tmp_path / "files"
    folder.mkdir()

    def wheel(name: str, members: list[str]) -> dict:
        path = folder / f"{name.replace('-', '_')}-1.0-py3-none-any.whl"
        with zipfile.ZipFile(path, "w") as archive:
            for member in members:
                archive.writestr(member, "")
        return {
            "filename": path.name,
            "url": f"../../files/{path.name}",
            "size": path.stat().st_size,
        }

    def sdist(name: str, members: list[str]) -> dict:
        path = folder / f"{name}-1.0.tar.gz"
        with tarfile.open(path, "w:gz") as archive:
            for member in members:
                info = tarfile.TarInfo(f"{name}-1.0/{member}")
                archive.addfile(info, io.BytesIO(b""))
        return {
            "filename": path.name,
            "url": f"../../files/{path.name}",
            "size": path.stat().st_size,
        }

    projects = {
        "zz": [wheel("zz", ["zz/__init__.py"])],
        "zz-lock": [wheel("zz-lock", ["zz/lock/__init__.py", "zz/lock/core.py"])],
        "zz-deep-x": [sdist("zz-deep-x", ["setup.py", "src/zz/deep/x.py"])],
    }
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    asked: list[str] = []

    async def fake_files(normalized):
        asked.append(normalized)
        return projects.get(normalized)

    checks = IndexChecks(f"http://127.0.0.1:{server.server_port}/simple/")
    checks._files = fake_files
    yield checks, asked
    server.shutdown()


async def test_a_family_name_that_holds_the_path_is_the_provider(local_index):
    checks, asked = local_index
    found = await providers(checks, ["zz.lock.core", "zz.deep.x", "zz.none"], "3.11")
    assert found == [
        ImportProvider("zz.lock.core", "zz-lock"),
        ImportProvider("zz.deep.x", "zz-deep-x"),
        ImportProvider("zz.none", None, "none of zz, zz-none provides zz.none"),
    ]
    # Files and file lists are kept: asking again asks the index nothing.
    before = len(asked)
    assert (await providers(checks, ["zz.lock"], "3.11"))[0].provider == "zz-lock"
    assert asked[before:] == []


async def test_an_unreachable_index_gives_no_provider_and_says_why():
    checks = IndexChecks("http://127.0.0.1:9/simple/", timeout=2)
    (found,) = await providers(checks, ["zz.lock"], "3.11")
    assert (found.provider, found.unknown) == (None, True)
    assert found.detail.startswith("the package index is not reachable")


async def test_rest_endpoint_answers_imports_and_refuses_bad_paths(
    jp_fetch, local_index, monkeypatch
):
    checks, _ = local_index
    monkeypatch.setattr(IndexCheckHandler, "checks", checks)
    response = await jp_fetch(
        "overlays",
        "index-check",
        params=[("import", "zz.lock"), ("name", "zz"), ("python", "3.11")],
    )
    answer = json.loads(response.body)
    assert [(r["name"], r["status"]) for r in answer["results"]] == [("zz", "ok")]
    assert answer["imports"] == [
        {"module": "zz.lock", "provider": "zz-lock", "detail": None, "unknown": False}
    ]
    for bad in ("zz", "zz..lock", "../zz.lock", "zz.lock;rm"):
        with pytest.raises(HTTPClientError) as error:
            await jp_fetch("overlays", "index-check", params={"import": bad})
        assert error.value.code == 400


async def test_real_pypi_namespace_families():
    checks = IndexChecks("https://pypi.org/simple/")
    modules = ["thoth.storages", "zc.lockfile", "pandas.io.json", "sksurv_nonexistent.x"]
    found = {p.module: p for p in await providers(checks, modules, "3.11")}
    if found["thoth.storages"].unknown:
        raise AssertionError(f"PyPI not reachable: {found['thoth.storages'].detail}")
    assert found["thoth.storages"].provider == "thoth-storages"  # thoth: a placeholder
    assert found["zc.lockfile"].provider == "zc-lockfile"  # zc: a wheel without it
    assert found["pandas.io.json"].provider == "pandas"
    assert found["sksurv_nonexistent.x"].provider is None
