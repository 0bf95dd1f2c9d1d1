"""Which dependencies to hold back for a package that its Python holds back.

When a project's newer releases need a newer Python than the overlay's, the overlay
gets its last release for that Python (``arviz 0.23.4`` on Python 3.11, where
``arviz 1.0.0`` needs 3.12). Its authors stopped making it work with the rest of the
ecosystem the day they moved on; the resolver still takes today's releases of its
dependencies, and some of them break it (``matplotlib 3.11``, released after
``arviz 1.0.0``, removed ``matplotlib.style.core``, which arviz 0.23 imports).

The answer, from the index's file lists alone (PEP 691 JSON, with PEP 700 upload
times): for each dependency whose newest release for this Python starts a release
series (``3.11``) that appeared after the held-back package moved on and dropped a
Python the series before it supported, a cap below that series (``matplotlib <3.11``),
keeping the fixes of the series it had (``3.10.x``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from packaging.requirements import Requirement
from packaging.version import Version

from .wheels import file_fits, file_version, python_floor


@dataclass
class Release:
    """One final release on the index, for one Python."""

    version: Version
    #: Whether one of its files installs on this Python.
    fits: bool
    #: When its first file was uploaded (None when the index does not say).
    uploaded: datetime | None
    #: The oldest Python 3 minor its files admit (``requires-python``).
    floor: int = 0


def uploaded(item: dict) -> datetime | None:
    text = item.get("upload-time")
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def releases(files: list[dict], minor: int) -> dict[Version, Release]:
    """The final releases (no pre-releases, nothing yanked) a project's files make."""
    table: dict[Version, Release] = {}
    for item in files:
        if item.get("yanked"):
            continue
        version = file_version(item["filename"])
        if version is None or version.is_prerelease or version.is_devrelease:
            continue
        lowest = python_floor(item.get("requires-python"))
        release = table.setdefault(version, Release(version, False, None, lowest))
        release.fits = release.fits or file_fits(item, minor)
        release.floor = min(release.floor, lowest)
        when = uploaded(item)
        if when is not None and (release.uploaded is None or when < release.uploaded):
            release.uploaded = when
    return table


@dataclass
class HeldBack:
    """A project whose newer releases need a newer Python."""

    #: The newest release this Python installs.
    last: Version
    #: The first release after it, and when it came.
    next: Version
    since: datetime


def held_back(table: dict[Version, Release]) -> HeldBack | None:
    """Whether this Python gets an older release than the newest, and since when."""
    fitting = [version for version, release in table.items() if release.fits]
    if not fitting:
        return None
    last = max(fitting)
    later = [r for v, r in table.items() if v > last and r.uploaded is not None]
    if not later:
        return None
    first = min(later, key=lambda release: release.uploaded)
    return HeldBack(last, first.version, first.uploaded)


def series(version: Version) -> tuple[int, int]:
    release = version.release
    return (release[0], release[1] if len(release) > 1 else 0)


def next_series(version: Version) -> str:
    """The first version past a release's series: ``3.10.8`` → ``3.11``, ``7`` → ``8``."""
    release = version.release
    if len(release) > 1:
        return f"{release[0]}.{release[1] + 1}"
    return str(release[0] + 1)


@dataclass
class Cap:
    """Hold a dependency below the series that appeared after ``since``."""

    name: str
    #: ``<3.11``
    specifier: str
    #: Its newest release for this Python (``3.11.2``), which the cap leaves out.
    newest: Version
    #: Its newest release before the held-back project moved on (``3.10.8``).
    kept: Version


def cap(requirement: Requirement, table: dict[Version, Release], since: datetime) -> Cap | None:
    """The cap for one dependency of a held-back project, when its newest release for
    this Python is of a series that came after ``since`` and needs a newer Python than
    the release kept: projects that follow the scientific Python schedule (SPEC 0)
    remove what they deprecated in the releases that drop a Python, which is what
    breaks the held-back project (matplotlib 3.11 needs 3.11 where 3.10 needed 3.10,
    and removed ``matplotlib.style.core``). None otherwise, or when no release before
    ``since`` meets the requirement."""
    fitting = {version for version, release in table.items() if release.fits}
    if not fitting:
        return None
    newest = max(fitting)
    before = [
        version
        for version in fitting
        if table[version].uploaded is not None
        and table[version].uploaded < since
        and requirement.specifier.contains(version, prereleases=False)
    ]
    if not before:
        return None
    kept = max(before)
    if series(newest) <= series(kept) or table[newest].floor <= table[kept].floor:
        return None
    return Cap(requirement.name, f"<{next_series(kept)}", newest, kept)
