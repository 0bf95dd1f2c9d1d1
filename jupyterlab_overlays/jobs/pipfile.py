"""Pipfiles and Pipfile.locks as pipenv reads them: the lock's hash and staleness, the
requirements.txt a build installs, the Python version asked for. Pure: text in, text out.
"""

from __future__ import annotations

import hashlib
import json
import re

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

#: What plette/pipenv add when a Pipfile has no [[source]].
DEFAULT_SOURCES = [{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": True}]
#: Pipfile sections that are not package categories (plette's PIPFILE_SECTIONS).
NON_PACKAGE_SECTIONS = frozenset(
    ("source", "packages", "dev-packages", "requires", "scripts", "pipfile", "pipenv")
)
#: PEP 508 marker variables a Pipfile entry may name directly (``sys_platform = "== 'linux'"``).
MARKER_KEYS = (
    "os_name",
    "sys_platform",
    "platform_machine",
    "platform_python_implementation",
    "platform_release",
    "platform_system",
    "platform_version",
    "python_version",
    "python_full_version",
    "implementation_name",
    "implementation_version",
)


# --- hashes ----------------------------------------------------------------


def canonical_name(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _pipfile_hash_data(pipfile: dict, canonical: bool) -> dict:
    def section(values: dict) -> dict:
        return {canonical_name(k): v for k, v in values.items()} if canonical else dict(values)

    data = {
        "_meta": {
            "sources": pipfile.get("source", DEFAULT_SOURCES),
            "requires": pipfile.get("requires", {}),
        },
        "default": section(pipfile.get("packages", {})),
        "develop": section(pipfile.get("dev-packages", {})),
    }
    for category, values in pipfile.items():
        if category in NON_PACKAGE_SECTIONS or category in ("default", "develop"):
            continue
        data[category] = section(values)
    return data


def pipfile_hash(pipfile_text: str, canonical: bool = True) -> str:
    """The hash pipenv writes to ``Pipfile.lock``'s ``_meta.hash.sha256``.

    sha256 of ``json.dumps({"_meta": {"sources", "requires"}, "default":
    [packages], "develop": [dev-packages], <custom categories>}, sort_keys=True,
    separators=(",", ":"))``. A Pipfile without ``[[source]]`` hashes as if it
    had PyPI's. pipenv ≥ 2025 writes package names PEP 503 normalised
    (``canonical=True``); plette and older pipenv write them as spelled.
    Raises ``ValueError`` when the text is not TOML.
    """
    try:
        pipfile = tomllib.loads(pipfile_text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"Pipfile is not valid TOML: {error}") from error
    data = _pipfile_hash_data(pipfile, canonical)
    content = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def lock_hash(lock_text: str) -> str | None:
    """``_meta.hash.sha256`` of a Pipfile.lock, or None when it has none or is not JSON."""
    try:
        lock = json.loads(lock_text)
        value = lock["_meta"]["hash"]["sha256"]
    except (ValueError, KeyError, TypeError):
        return None
    return value if isinstance(value, str) and value else None


def lock_is_stale(pipfile_text: str, lock_text: str) -> bool:
    """True when the lock was not made from this Pipfile (as ``pipenv`` decides).

    A lock matches when its recorded hash equals the Pipfile's hash as either
    current pipenv (normalised names) or plette / older pipenv (names as
    spelled) computes it. A lock that is not JSON, has no hash, or a Pipfile
    that is not TOML, is stale.
    """
    recorded = lock_hash(lock_text)
    if recorded is None:
        return True
    try:
        return recorded not in (pipfile_hash(pipfile_text, True), pipfile_hash(pipfile_text, False))
    except ValueError:
        return True


# --- requirements ----------------------------------------------------------


class UnsupportedRequirement(ValueError):
    """A Pipfile or lock entry that cannot be installed inside an image build."""


def _extras(entry: dict) -> str:
    extras = entry.get("extras") or []
    return f"[{','.join(sorted(extras))}]" if extras else ""


def _markers(entry: dict) -> str | None:
    markers = []
    if entry.get("markers"):
        markers.append(str(entry["markers"]))
    for key in MARKER_KEYS:
        if key in entry and isinstance(entry[key], str):
            markers.append(f"{key} {entry[key]}")
    if not markers:
        return None
    if len(markers) == 1:
        return markers[0]
    return " and ".join(f"({marker})" for marker in markers)


def _direct_reference(name: str, entry: dict) -> str | None:
    """``name @ url`` for git / file entries; None for an index package."""
    for vcs in ("git", "hg", "svn", "bzr"):
        if vcs in entry:
            url = str(entry[vcs])
            if not url.startswith(f"{vcs}+"):
                url = f"{vcs}+{url}"
            if entry.get("ref"):
                url += f"@{entry['ref']}"
            if entry.get("subdirectory"):
                url += f"#subdirectory={entry['subdirectory']}"
            return f"{name}{_extras(entry)} @ {url}"
    if "file" in entry and re.match(r"[a-z+]+://", str(entry["file"])):
        return f"{name}{_extras(entry)} @ {entry['file']}"
    if "path" in entry or "file" in entry:
        where = entry.get("path") or entry.get("file")
        raise UnsupportedRequirement(
            f"{name}: local path {where!r} cannot be installed in an image build; "
            "publish it to an index or refer to it by a git or https URL"
        )
    return None


def _line(requirement: str, markers: str | None, hashes: list[str]) -> str:
    line = requirement
    if markers:
        line += f" ; {markers}"
    for value in hashes:
        line += f" \\\n    --hash={value}"
    return line


def _index_lines(sources: list) -> list[str]:
    lines = []
    for number, source in enumerate(s for s in sources if isinstance(s, dict) and s.get("url")):
        url = str(source["url"])
        lines.append(f"{'--index-url' if number == 0 else '--extra-index-url'} {url}")
        if source.get("verify_ssl") is False:
            host = re.sub(r"^[a-z+]+://([^/@]*@)?", "", url).split("/")[0].split(":")[0]
            lines.append(f"--trusted-host {host}")
    return lines


def lock_to_requirements(lock: dict | str) -> tuple[str, bool]:
    """requirements.txt text for the ``default`` packages of a Pipfile.lock.

    One ``name[extras]==version ; markers --hash=…`` line per package, sorted
    by name, the lock's sources as ``--index-url`` / ``--extra-index-url``.
    Returns the text and whether every line carries hashes (then pip can run
    with ``--require-hashes``; a git requirement has none, and pip refuses
    hashes on some lines only, so then no line gets them).
    Raises ``UnsupportedRequirement`` for local path packages, ``ValueError``
    for a lock that is not a Pipfile.lock.
    """
    if isinstance(lock, str):
        lock = json.loads(lock)
    if not isinstance(lock, dict) or not isinstance(lock.get("default", {}), dict):
        raise ValueError("not a Pipfile.lock: no 'default' table")
    packages = lock.get("default", {})
    entries = []
    for name in sorted(packages, key=canonical_name):
        entry = packages[name] or {}
        if isinstance(entry, str):  # not written by pipenv, but be lenient
            entry = {"version": entry}
        requirement = _direct_reference(name, entry)
        if requirement is None:
            version = str(entry.get("version") or "")
            if version in ("", "*"):
                requirement = f"{name}{_extras(entry)}"
            else:
                requirement = f"{name}{_extras(entry)}{version}"
        entries.append((requirement, _markers(entry), list(entry.get("hashes") or [])))
    hashed = bool(entries) and all(hashes for _, _, hashes in entries)
    lines = ["# Generated by jupyterlab-overlays from Pipfile.lock; do not edit."]
    lines += _index_lines(lock.get("_meta", {}).get("sources") or [])
    lines += [_line(req, markers, hashes if hashed else []) for req, markers, hashes in entries]
    return "\n".join(lines) + "\n", hashed


def pipfile_to_requirements(pipfile_text: str) -> str:
    """requirements.txt text for a Pipfile's ``[packages]`` (no lock: specifiers only).

    ``"*"`` becomes the bare name, ``"==1.2"`` / ``">=2"`` are appended as
    written, tables give extras, ``markers`` and PEP 508 marker keys.
    """
    pipfile = tomllib.loads(pipfile_text)
    packages = pipfile.get("packages", {})
    lines = ["# Generated by jupyterlab-overlays from Pipfile [packages]; do not edit."]
    lines += _index_lines(pipfile.get("source", DEFAULT_SOURCES))
    for name in sorted(packages, key=canonical_name):
        entry = packages[name]
        if not isinstance(entry, dict):
            entry = {"version": entry}
        requirement = _direct_reference(name, entry)
        if requirement is None:
            spec = str(entry.get("version", "*")).strip()
            if spec == "*" or not spec:
                spec = ""
            elif spec[0].isdigit():
                spec = f"=={spec}"
            requirement = f"{name}{_extras(entry)}{spec}"
        lines.append(_line(requirement, _markers(entry), []))
    return "\n".join(lines) + "\n"


def python_version(pipfile_text: str | None, lock_text: str | None = None) -> str | None:
    """``[requires] python_version`` (or ``python_full_version`` cut to X.Y) of the
    Pipfile, else of the lock's ``_meta.requires``; None when neither says."""
    requires: dict = {}
    if pipfile_text:
        try:
            requires = tomllib.loads(pipfile_text).get("requires", {}) or {}
        except tomllib.TOMLDecodeError:
            requires = {}
    if not requires and lock_text:
        try:
            requires = json.loads(lock_text).get("_meta", {}).get("requires", {}) or {}
        except (ValueError, AttributeError):
            requires = {}
    version = requires.get("python_version") or requires.get("python_full_version")
    if version is None:
        return None
    match = re.match(r"\s*(\d+)\.(\d+)", str(version))
    return f"{match.group(1)}.{match.group(2)}" if match else None
