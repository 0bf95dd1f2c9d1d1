"""Which files of a project on the package index install on a given CPython (3.<minor>,
Linux x86-64): wheels by their tags and ``requires-python``, sdists by
``requires-python`` (they are built here, which may need a compiler)."""

from __future__ import annotations

import functools
import re

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version


def wheel_fits(filename: str, minor: int) -> bool:
    """Whether a wheel installs on CPython 3.<minor> on Linux x86-64."""
    try:
        _name, _version, _build, tags = parse_wheel_filename(filename)
    except InvalidWheelFilename:
        return False
    for tag in tags:
        platform_ok = tag.platform == "any" or (
            tag.platform.endswith("x86_64")
            and (tag.platform.startswith(("manylinux", "linux", "musllinux")))
        )
        if not platform_ok:
            continue
        interpreter, abi = tag.interpreter, tag.abi
        if interpreter in ("py3", f"py3{minor}") and abi == "none":
            return True
        if interpreter == f"cp3{minor}":
            return True
        match = re.fullmatch(r"cp3(\d+)", interpreter)
        if match and abi == "abi3" and int(match.group(1)) <= minor:
            return True
    return False


def requires_python_allows(item: dict, minor: int) -> bool:
    """Whether a file's ``requires-python`` admits CPython 3.<minor> (an unreadable
    one admits it, as pip does)."""
    spec = item.get("requires-python")
    if not spec:
        return True
    try:
        return SpecifierSet(spec).contains(f"3.{minor}.0", prereleases=True)
    except InvalidSpecifier:
        return True


@functools.lru_cache(maxsize=1024)
def python_floor(spec: str | None) -> int:
    """The oldest Python 3 minor a ``requires-python`` admits (0 when it says none)."""
    if not spec:
        return 0
    try:
        specifiers = SpecifierSet(spec)
    except InvalidSpecifier:
        return 0
    return next(
        (minor for minor in range(0, 40) if specifiers.contains(f"3.{minor}.99", prereleases=True)),
        0,
    )


def file_fits(item: dict, minor: int) -> bool:
    """Whether a file (a wheel, or an sdist built here) installs on CPython 3.<minor>."""
    name = item["filename"]
    if not requires_python_allows(item, minor):
        return False
    if name.endswith(".whl"):
        return wheel_fits(name, minor)
    return name.endswith((".tar.gz", ".zip"))


def file_version(name: str) -> Version | None:
    try:
        if name.endswith(".whl"):
            return parse_wheel_filename(name)[1]
        if name.endswith((".tar.gz", ".zip")):
            return parse_sdist_filename(name)[1]
    except (InvalidWheelFilename, InvalidSdistFilename):
        return None
    return None


#: Source files that a build compiles (C, C++, Cython, Rust, Fortran, CUDA).
COMPILED_SUFFIXES = (".c", ".cc", ".cpp", ".cxx", ".pyx", ".rs", ".f", ".f90", ".cu")


def compiles(names: list[str]) -> bool:
    """Whether an sdist (its member names) holds sources a build compiles: without
    them it builds with no compiler or system packages (a pure-Python package)."""
    return any(name.lower().endswith(COMPILED_SUFFIXES) for name in names)
