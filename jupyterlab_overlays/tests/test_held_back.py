"""Holding dependencies back with a project its Python holds back (held_back.py), and
the ``held-back`` verdict of the index checks."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from jupyterlab_overlays.held_back import cap, held_back, next_series, releases
from jupyterlab_overlays.index_check import IndexChecks
from jupyterlab_overlays.wheels import python_floor


def file(name: str, when: str, requires: str | None = None, **extra) -> dict:
    return {"filename": name, "upload-time": when, "requires-python": requires, **extra}


#: A project like arviz: 0.9 is the last release for Python 3.11, 1.0 needs 3.12.
TOOL = [
    file("tool-0.8-py3-none-any.whl", "2025-01-01T00:00:00Z", ">=3.9"),
    file("tool-0.9-py3-none-any.whl", "2025-07-01T00:00:00.5Z", ">=3.10"),
    file("tool-0.9.tar.gz", "2025-07-01T00:00:02Z", ">=3.10"),
    file("tool-1.0rc1-py3-none-any.whl", "2025-12-01T00:00:00Z", ">=3.12"),
    file("tool-1.0-py3-none-any.whl", "2026-03-02T00:00:00Z", ">=3.12"),
    file("tool-1.1-py3-none-any.whl", "2026-05-01T00:00:00Z", ">=3.12"),
    file("tool-1.2-py3-none-any.whl", "2026-06-01T00:00:00Z", ">=3.12", yanked=True),
]
#: A dependency like matplotlib: 3.11 (after tool 1.0) dropped Python 3.10.
PLOT = [
    file("plot-3.9.0-cp311-cp311-manylinux_2_17_x86_64.whl", "2024-08-01T00:00:00Z", ">=3.9"),
    file("plot-3.10.0-cp311-cp311-manylinux_2_17_x86_64.whl", "2024-12-01T00:00:00Z", ">=3.10"),
    file("plot-3.10.8-cp311-cp311-manylinux_2_17_x86_64.whl", "2025-12-10T00:00:00Z", ">=3.10"),
    file("plot-3.10.9-cp311-cp311-manylinux_2_17_x86_64.whl", "2026-04-24T00:00:00Z", ">=3.10"),
    file("plot-3.11.0-cp311-cp311-manylinux_2_17_x86_64.whl", "2026-06-12T00:00:00Z", ">=3.11"),
    file("plot-3.11.0-cp310-cp310-manylinux_2_17_x86_64.whl", "2026-06-12T00:00:00Z", ">=3.11"),
    file("plot-3.11.0-cp312-cp312-manylinux_2_17_x86_64.whl", "2026-06-12T00:00:00Z", ">=3.11"),
]
SINCE = datetime(2026, 3, 2, tzinfo=timezone.utc)


def test_final_releases_with_their_first_upload_and_python():
    table = releases(TOOL, 11)
    assert sorted(str(v) for v in table) == ["0.8", "0.9", "1.0", "1.1"]
    assert [table[Version(v)].fits for v in ("0.8", "0.9", "1.0", "1.1")] == [
        True,
        True,
        False,
        False,
    ]
    assert table[Version("0.9")].uploaded == datetime(2025, 7, 1, 0, 0, 0, 500000, timezone.utc)
    assert table[Version("0.9")].floor == 10
    assert releases(TOOL, 12)[Version("1.1")].fits


def test_python_floor():
    assert [
        python_floor(s) for s in (None, "", ">=3.10", ">=3.11.4", "<3.15,>=3.11", "!=3.0.*")
    ] == [
        0,
        0,
        10,
        11,
        11,
        1,
    ]
    assert python_floor("not a specifier") == 0


def test_a_project_held_back_by_its_python():
    moved_on = held_back(releases(TOOL, 11))
    assert (str(moved_on.last), str(moved_on.next), moved_on.since) == ("0.9", "1.0", SINCE)
    # Python 3.12 gets the newest: nothing held back.
    assert held_back(releases(TOOL, 12)) is None
    # No upload times (an index without PEP 700): nothing can be said.
    assert held_back(releases([{**f, "upload-time": None} for f in TOOL], 11)) is None
    assert held_back(releases([], 11)) is None


def test_a_dependency_series_that_came_later_and_dropped_a_python_is_capped():
    found = cap(Requirement("plot>=3.8"), releases(PLOT, 11), SINCE)
    assert (found.name, found.specifier, str(found.newest), str(found.kept)) == (
        "plot",
        "<3.11",
        "3.11.0",
        "3.10.8",
    )
    # The requirement decides which releases count: none before the date meets it.
    assert cap(Requirement("plot>=3.11"), releases(PLOT, 11), SINCE) is None
    # A project that moved on before 3.10 came keeps 3.9 (3.10 dropped Python 3.9).
    early = cap(Requirement("plot"), releases(PLOT, 11), datetime(2024, 9, 1, tzinfo=timezone.utc))
    assert early.specifier == "<3.10"


def test_a_new_series_on_the_same_pythons_is_left_alone():
    same_floor = [
        file("lib-2.0-py3-none-any.whl", "2025-01-01T00:00:00Z", ">=3.9"),
        file("lib-3.0-py3-none-any.whl", "2026-08-01T00:00:00Z", ">=3.9"),
    ]
    assert cap(Requirement("lib"), releases(same_floor, 11), SINCE) is None
    same_series = [
        file("lib-2.0.0-py3-none-any.whl", "2025-01-01T00:00:00Z", ">=3.9"),
        file("lib-2.0.5-py3-none-any.whl", "2026-08-01T00:00:00Z", ">=3.11"),
    ]
    assert cap(Requirement("lib"), releases(same_series, 11), SINCE) is None
    one_number = [
        file("lib-7-py3-none-any.whl", "2025-01-01T00:00:00Z", ">=3.9"),
        file("lib-8-py3-none-any.whl", "2026-08-01T00:00:00Z", ">=3.11"),
    ]
    assert cap(Requirement("lib"), releases(one_number, 11), SINCE).specifier == "<8"


def test_next_series():
    assert [next_series(Version(v)) for v in ("3.10.8", "2026.2.0", "7", "0.17.2")] == [
        "3.11",
        "2026.3",
        "8",
        "0.18",
    ]


async def test_the_verdict_names_the_caps():
    metadata = (
        "Metadata-Version: 2.1\nName: tool\nVersion: 0.9\nRequires-Dist: plot>=3.8\n"
        "Requires-Dist: other\nRequires-Dist: gone\n"
        'Requires-Dist: winlib ; sys_platform == "win32"\n'
    )
    indexed = {
        "tool": TOOL,
        "plot": PLOT,
        "other": [file("other-1.0-py3-none-any.whl", "2026-09-01T00:00:00Z")],
        "gone": None,
    }
    asked = []

    async def fake_files(normalized):
        asked.append(normalized)
        return indexed[normalized]

    async def fake_metadata(name, wheel):
        # The wheel each Python would install: 0.9 on 3.11, 1.1 on 3.12.
        assert wheel["filename"] in ("tool-0.9-py3-none-any.whl", "tool-1.1-py3-none-any.whl")
        return metadata

    checks = IndexChecks("http://index.invalid/simple/")
    checks._files = fake_files
    checks.metadata = fake_metadata
    (verdict,) = await checks.check(["tool"], "3.11")
    assert verdict.status == "held-back"
    assert verdict.pins == {"plot": "<3.11"}
    assert verdict.detail == (
        "tool 0.9 is its last release for Python 3.11 (1.0 needs a newer Python, since "
        "2026-03-02); releases of its dependencies made since may not work with it: "
        "plot 3.11.0. Hold them back: plot <3.11."
    )
    assert sorted(asked) == ["gone", "other", "plot", "tool"]
    # Python 3.12 gets tool 1.1: nothing is held back.
    (verdict,) = await checks.check(["tool"], "3.12")
    assert (verdict.status, verdict.pins) == ("ok", None)


@pytest.mark.slow
async def test_real_pypi_arviz_on_python_3_11():
    """arviz 0.23.4 is the last for 3.11 (1.0.0 needs 3.12, 2026-03-02); matplotlib
    3.11 (2026-06-12, needs 3.11) removed what it imports."""
    (verdict,) = await IndexChecks("https://pypi.org/simple/").check(["arviz"], "3.11")
    if verdict.status == "unknown":
        raise AssertionError(f"PyPI not reachable: {verdict.detail}")
    assert verdict.status == "held-back"
    assert verdict.pins["matplotlib"] == "<3.11"
    assert verdict.detail.startswith("arviz 0.23.4 is its last release for Python 3.11")
