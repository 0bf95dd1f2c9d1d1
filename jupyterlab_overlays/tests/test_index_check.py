"""Index checks: can a package name be installed from the index, for a Python?"""

from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_overlays.handlers import IndexCheckHandler
from jupyterlab_overlays.index_check import IndexChecks, judge, wheel_fits


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


@pytest.mark.slow
async def test_real_pypi():
    checks = IndexChecks("https://pypi.org/simple/")
    verdicts = {v.name: v for v in await checks.check(["requests", "sksurv", "fbprophet",
                                                       "scikit-survival"], "3.11")}  # fmt: skip
    if verdicts["requests"].status == "unknown":
        raise AssertionError(f"PyPI not reachable: {verdicts['requests'].detail}")
    assert verdicts["requests"].status == "ok"
    assert verdicts["sksurv"].status == "missing"
    assert (verdicts["fbprophet"].status, verdicts["fbprophet"].use) == ("renamed", "prophet")
    assert verdicts["scikit-survival"].status == "ok"


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
