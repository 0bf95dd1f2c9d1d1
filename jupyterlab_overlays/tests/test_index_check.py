"""Index checks: can a package name be installed from the index, for a Python?"""

from __future__ import annotations

import asyncio
import json

import pytest
from packaging.specifiers import SpecifierSet
from tornado.httpclient import HTTPClientError

from jupyterlab_overlays.handlers import IndexCheckHandler
from jupyterlab_overlays.index_check import (
    IndexChecks,
    dead_dependencies,
    judge,
    newest_wheel,
    wheel_fits,
)


@pytest.mark.parametrize(
    ("filename", "minor", "fits"),
    [
        ("six-1.16.0-py2.py3-none-any.whl", 11, True),
        ("numpy-2.1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", 11, True),
        ("numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.whl", 11, False),
        ("numpy-2.1.0-cp311-cp311-win_amd64.whl", 11, False),
        ("numpy-2.1.0-cp311-cp311-macosx_11_0_arm64.whl", 11, False),
        ("cryptography-43.0.0-cp39-abi3-manylinux_2_28_x86_64.whl", 11, True),
        ("cryptography-43.0.0-cp39-abi3-manylinux_2_28_x86_64.whl", 8, False),
        ("scikit_learn-0.20.3-cp37-cp37m-manylinux1_x86_64.whl", 11, False),
        ("not-a-wheel.whl", 11, False),
    ],
)
def test_which_wheels_install_on_this_python(filename, minor, fits):
    assert wheel_fits(filename, minor) is fits


def files(*names: str, yanked: bool = False) -> list[dict]:
    return [{"filename": name, "yanked": yanked} for name in names]


def test_verdicts():
    assert judge("six", files("six-1.16.0-py2.py3-none-any.whl"), "3.11").status == "ok"
    missing = judge("sksurv", None, "3.11")
    assert (missing.status, missing.detail) == ("missing", "not on the package index")
    renamed = judge("FBProphet", files("fbprophet-0.7.1.tar.gz"), "3.11")
    assert (renamed.status, renamed.use) == ("renamed", "prophet")
    old = judge("scikit-learn", files("scikit-learn-0.20.3.tar.gz",
                "scikit_learn-0.20.3-cp37-cp37m-manylinux1_x86_64.whl"), "3.11")  # fmt: skip
    assert old.status == "no-wheel"
    assert old.detail.startswith("no wheel for Python 3.11: built from source")
    yanked = judge("x", files("x-1.0-py3-none-any.whl", yanked=True), "3.11")
    assert yanked.status == "yanked"


async def test_an_unreachable_index_says_so_and_nothing_is_cached():
    checks = IndexChecks("http://127.0.0.1:9/simple/", timeout=3)
    (verdict,) = await checks.check(["requests"], "3.11")
    assert verdict.status == "unknown"
    assert verdict.detail.startswith("the package index is not reachable")
    assert checks._cache == {}


async def test_answers_are_cached_per_name_and_python(monkeypatch):
    asked = []

    async def fake_files(self, normalized):
        asked.append(normalized)
        if normalized == "gone":
            return None
        return files(f"{normalized}-1.0-py3-none-any.whl")

    monkeypatch.setattr(IndexChecks, "_files", fake_files)
    checks = IndexChecks("http://index.invalid/simple/")
    first = await checks.check(["Requests", "gone"], "3.11")
    again = await checks.check(["requests", "gone"], "3.11")
    assert [v.status for v in first] == [v.status for v in again] == ["ok", "missing"]
    assert again[0].name == "requests"
    assert asked == ["requests", "gone"]  # once each


async def test_a_project_asked_for_while_it_is_being_asked_for_is_asked_once(monkeypatch):
    asked = []

    async def fake_files(self, normalized):
        asked.append(normalized)
        await asyncio.sleep(0.05)
        if normalized == "broken":
            raise OSError("reset")
        return files(f"{normalized}-1.0-py3-none-any.whl")

    monkeypatch.setattr(IndexChecks, "_files", fake_files)
    checks = IndexChecks("http://index.invalid/simple/")
    found = await asyncio.gather(*(checks.project_files(n) for n in ["six", "Six", "six"]))
    assert found[0] == found[1] == found[2] and asked == ["six"]
    # A failure reaches every caller, and the next ask asks again.
    failed = await asyncio.gather(
        *(checks.project_files("broken") for _ in range(2)), return_exceptions=True
    )
    assert all(isinstance(f, OSError) for f in failed) and asked == ["six", "broken"]
    with pytest.raises(OSError):
        await checks.project_files("broken")
    assert asked == ["six", "broken", "broken"]


@pytest.mark.slow
async def test_real_pypi():
    checks = IndexChecks("https://pypi.org/simple/")
    names = ["requests", "sksurv", "fbprophet", "scikit-survival", "kats"]
    verdicts = {v.name: v for v in await checks.check(names, "3.11")}
    if verdicts["requests"].status == "unknown":
        raise AssertionError(f"PyPI not reachable: {verdicts['requests'].detail}")
    assert verdicts["requests"].status == "ok"
    assert verdicts["sksurv"].status == "missing"
    assert (verdicts["fbprophet"].status, verdicts["fbprophet"].use) == ("renamed", "prophet")
    assert verdicts["scikit-survival"].status == "ok"
    # kats 0.2.0's wheel (no PEP 658 metadata file: read by range requests) pins
    # fbprophet, which no longer builds.
    assert verdicts["kats"].status == "dependency"
    assert "requires fbprophet==0.7.1" in verdicts["kats"].detail


async def test_rest_endpoint_refuses_bad_queries(jp_fetch):
    for query in ({}, {"name": "a b"}, {"name": "six", "python": "2.7"}):
        with pytest.raises(HTTPClientError) as error:
            await jp_fetch("overlays", "index-check", params=query)
        assert error.value.code == 400


async def test_rest_endpoint_answers_with_the_index_used(jp_fetch, monkeypatch):
    async def fake_files(self, normalized):
        return None if normalized == "nope" else files("six-1.0-py3-none-any.whl")

    monkeypatch.setattr(IndexChecks, "_files", fake_files)
    monkeypatch.setattr(IndexCheckHandler, "checks", IndexChecks("http://index.invalid/simple/"))
    response = await jp_fetch(
        "overlays",
        "index-check",
        params=[("name", "six"), ("name", "nope"), ("python", "3.12")],
    )
    answer = json.loads(response.body)
    assert answer["index"] == "http://index.invalid/simple/"
    assert [(r["name"], r["status"]) for r in answer["results"]] == [
        ("six", "ok"),
        ("nope", "missing"),
    ]


METADATA = """Metadata-Version: 2.1
Name: old-tool
Version: 1.0
Requires-Dist: numpy (>=1.0)
Requires-Dist: fbprophet (==0.7.1)
Requires-Dist: sklearn ; python_version < "3.8"
Requires-Dist: pandas-profiling ; extra == "report"
Requires-Dist: pymc3 ; python_version >= "3.9"
Requires-Dist: not a requirement !!

Long description: Requires-Dist: bs4
"""


def test_dependencies_that_no_longer_install():
    assert dead_dependencies(METADATA, "3.11") == [
        ("fbprophet==0.7.1", "prophet"),
        ('pymc3; python_version >= "3.9"', "pymc"),
    ]
    assert dead_dependencies("Metadata-Version: 2.1\nName: fine\n", "3.11") == []


def test_the_wheel_that_would_install_is_the_newest_that_fits():
    files = [
        {"filename": "tool-1.0-py3-none-any.whl"},
        {"filename": "tool-3.0-cp312-cp312-manylinux_2_17_x86_64.whl"},
        {"filename": "tool-2.0-py3-none-any.whl", "yanked": True},
        {"filename": "tool-1.5-py3-none-any.whl"},
        {"filename": "tool-4.0.tar.gz"},
        # A pure-Python wheel installs only where its requires-python says.
        {"filename": "tool-3.5-py3-none-any.whl", "requires-python": ">=3.13"},
    ]
    assert newest_wheel(files, 11)["filename"] == "tool-1.5-py3-none-any.whl"
    assert newest_wheel(files, 12)["filename"].startswith("tool-3.0")
    assert newest_wheel(files, 13)["filename"] == "tool-3.5-py3-none-any.whl"
    assert newest_wheel([{"filename": "tool-1.0.tar.gz"}], 11) is None


async def test_a_dependency_is_read_from_the_wheel_when_the_index_has_no_metadata_file(
    tmp_path,
):
    """A local index (http.server: no PEP 658 file, no range requests) serving a real
    wheel whose metadata pins fbprophet."""
    import threading
    import zipfile
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    wheel = tmp_path / "files" / "old_tool-1.0-py3-none-any.whl"
    wheel.parent.mkdir()
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("old_tool/__init__.py", "")
        archive.writestr("old_tool-1.0.dist-info/METADATA", METADATA)
        archive.writestr("old_tool-1.0.dist-info/RECORD", "")
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        checks = IndexChecks(f"http://127.0.0.1:{server.server_port}/simple/")
        files = [
            {
                "filename": wheel.name,
                "url": f"../../files/{wheel.name}",
                "size": wheel.stat().st_size,
            }
        ]

        async def fake_files(normalized):
            return files

        checks._files = fake_files
        (verdict,) = await checks.check(["old-tool"], "3.11")
        assert verdict.status == "dependency"
        assert verdict.detail == (
            "old-tool 1.0 requires fbprophet==0.7.1, which no longer installs "
            "(it became prophet): the build will fail"
        )
        # A wheel the index cannot serve leaves the verdict as the files say.
        files[0]["url"] = "../../files/gone.whl"
        again = IndexChecks(checks.url)
        again._files = fake_files
        (verdict,) = await again.check(["old-tool"], "3.11")
        assert (verdict.status, verdict.detail) == ("ok", None)
    finally:
        server.shutdown()


def test_a_wheel_url_of_another_scheme_is_never_opened(tmp_path):
    from jupyterlab_overlays.remote_zip import RangeFile

    secret = tmp_path / "secret"
    secret.write_text("not for the index")
    for url in (secret.as_uri(), "ftp://example.org/x.whl", "data:,x"):
        with pytest.raises(ValueError, match="not an http"):
            RangeFile(url, 10)


def test_a_query_is_a_name_with_a_version_specifier_or_not():
    from jupyterlab_overlays.index_check import parse_query

    assert parse_query("six") == ("six", SpecifierSet())
    assert parse_query("scikit-learn==0.20.3") == ("scikit-learn", SpecifierSet("==0.20.3"))
    assert parse_query("numpy>=1.0,<2") == ("numpy", SpecifierSet(">=1.0,<2"))
    for bad in ("a b", "x @ https://example.org/x.whl", 'x; python_version<"3"', "x[extra]", ""):
        assert parse_query(bad) is None


PINNED = [
    {"filename": "tool-0.20.3.tar.gz", "requires-python": ">=3.5"},
    {"filename": "tool-0.20.3-cp37-cp37m-manylinux1_x86_64.whl"},
    {"filename": "tool-1.0-py3-none-any.whl", "requires-python": ">=3.12"},
    {"filename": "tool-1.1-cp311-cp311-manylinux_2_17_x86_64.whl"},
    {"filename": "tool-1.2-cp311-cp311-manylinux_2_17_x86_64.whl", "yanked": True},
]


def test_a_pin_without_a_wheel_for_this_python_is_flagged_with_any_version():
    from jupyterlab_overlays.index_check import judge_pin

    old = judge_pin("tool==0.20.3", "tool", SpecifierSet("==0.20.3"), PINNED, "3.11")
    assert (old.status, old.use) == ("pinned", "*")
    assert old.detail == (
        "no wheel of tool==0.20.3 for Python 3.11: it would be built from source, which "
        "for a release older than the Python often fails; tool 1.1 has one"
    )
    assert judge_pin("tool==1.1", "tool", SpecifierSet("==1.1"), PINNED, "3.11").status == "ok"
    # 1.0's only wheel needs 3.12; 1.2 is yanked.
    assert judge_pin("tool==1.0", "tool", SpecifierSet("==1.0"), PINNED, "3.11").detail == (
        "tool==1.0 does not install on Python 3.11; tool 1.1 has one"
    )
    assert judge_pin("tool==1.2", "tool", SpecifierSet("==1.2"), PINNED, "3.11").detail == (
        "no release of tool matches ==1.2"
    )
    assert judge_pin("tool>=1.0", "tool", SpecifierSet(">=1.0"), PINNED, "3.11").status == "ok"


async def test_pins_are_checked_and_cached_apart_from_the_name(monkeypatch):
    asked = []

    async def fake_files(self, normalized):
        asked.append(normalized)
        return PINNED

    monkeypatch.setattr(IndexChecks, "_files", fake_files)
    monkeypatch.setattr(IndexChecks, "metadata", lambda *args: asyncio.sleep(0, None))
    checks = IndexChecks("http://index.invalid/simple/")
    verdicts = await checks.check(["tool==0.20.3", "tool", "Tool==0.20.3"], "3.11")
    assert [(v.name, v.status) for v in verdicts] == [
        ("tool==0.20.3", "pinned"),
        ("tool", "ok"),
        ("Tool==0.20.3", "pinned"),
    ]
    assert asked == ["tool"]


async def test_rest_endpoint_takes_a_version_specifier(jp_fetch, monkeypatch):
    async def fake_files(self, normalized):
        return PINNED

    monkeypatch.setattr(IndexChecks, "_files", fake_files)
    monkeypatch.setattr(IndexCheckHandler, "checks", IndexChecks("http://index.invalid/simple/"))
    response = await jp_fetch(
        "overlays", "index-check", params=[("name", "tool==0.20.3"), ("python", "3.11")]
    )
    (result,) = json.loads(response.body)["results"]
    assert (result["name"], result["status"], result["use"]) == ("tool==0.20.3", "pinned", "*")
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("overlays", "index-check", params={"name": "tool @ file:///etc/passwd"})
    assert error.value.code == 400


def test_requirements_with_extras_on_linux():
    from jupyterlab_overlays.index_check import requirements

    metadata = (
        "Metadata-Version: 2.1\nName: spn\nRequires-Dist: cryptography\n"
        'Requires-Dist: gss ; extra == "kerberos" and sys_platform != "win32"\n'
        'Requires-Dist: sspi ; extra == "kerberos" and sys_platform == "win32"\n'
        'Requires-Dist: yaml ; extra == "yaml"\n'
    )
    names = lambda found: [r.name for r in found]  # noqa: E731
    assert names(requirements(metadata, "3.11")) == ["cryptography"]
    assert names(requirements(metadata, "3.11", frozenset({"kerberos"}))) == [
        "cryptography",
        "gss",
    ]


def test_an_sdist_compiles_when_it_holds_sources_a_build_compiles():
    from jupyterlab_overlays.wheels import compiles

    assert compiles(["gss-1.0/setup.py", "gss-1.0/gss/raw.pyx"])
    assert compiles(["x-1/src/lib.RS"])
    assert not compiles(["kfp_server_api-2.5.0/setup.py", "kfp_server_api-2.5.0/api.py"])


async def test_a_package_or_dependency_built_from_source_is_flagged_when_it_compiles(tmp_path):
    """A local index (http.server) serving two real sdists: one with a Cython source
    (flagged), one pure Python (not), reached through an extra (``spn[kerberos]``)."""
    import io
    import tarfile
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    folder = tmp_path / "files"
    folder.mkdir()

    def sdist(name: str, members: list[str]) -> dict:
        path = folder / f"{name}-1.0.tar.gz"
        with tarfile.open(path, "w:gz") as archive:
            for member in members:
                data = b"# source\n"
                info = tarfile.TarInfo(f"{name}-1.0/{member}")
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
        return {
            "filename": path.name,
            "url": f"../../files/{path.name}",
            "size": path.stat().st_size,
        }

    def wheel(name: str) -> dict:
        return {"filename": f"{name}-1.0-py3-none-any.whl", "url": "unused", "core-metadata": True}

    files = {
        "tool": [wheel("tool")],
        "spn": [wheel("spn")],
        "gss": [sdist("gss", ["setup.py", "gss/raw.pyx"])],
        "pure": [sdist("pure", ["setup.py", "pure/__init__.py"])],
    }
    metadata = {
        "tool": "Name: tool\nRequires-Dist: pure\nRequires-Dist: spn[kerberos]>=1\n",
        "spn": 'Name: spn\nRequires-Dist: gss ; extra == "kerberos"\n',
    }
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        checks = IndexChecks(f"http://127.0.0.1:{server.server_port}/simple/")

        async def fake_files(normalized):
            return files.get(normalized)

        async def fake_metadata(name, wheel):
            return metadata.get(name)

        checks._files = fake_files
        checks.metadata = fake_metadata
        (verdict,) = await checks.check(["tool"], "3.11")
        assert verdict.status == "dependency-no-wheel"
        assert verdict.detail.startswith(
            "tool 1.0 requires spn[kerberos] → gss, which has no wheel for Python 3.11"
        )
        # Without the extra, only the pure-Python sdist is left: nothing to flag.
        metadata["tool"] = "Name: tool\nRequires-Dist: pure\nRequires-Dist: spn\n"
        again = IndexChecks(checks.url)
        again._files = fake_files
        again.metadata = fake_metadata
        (verdict,) = await again.check(["tool"], "3.11")
        assert (verdict.status, verdict.detail) == ("ok", None)
        # Asked by name, the same: only the sdist that compiles is flagged no-wheel.
        pure, gss = await again.check(["pure", "gss"], "3.11")
        assert (pure.status, gss.status) == ("ok", "no-wheel")
    finally:
        server.shutdown()
