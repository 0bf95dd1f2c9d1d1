"""Pipfiles and Pipfile.locks as pipenv reads them: the lock's hash and staleness, the
requirements.txt a build installs, the Python version asked for. Pure: text in, text out.
"""

from __future__ import annotations

import hashlib
import json
import re

from packaging.requirements import InvalidRequirement, Requirement

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


# --- shapes ----------------------------------------------------------------


def _table(value: object, where: str) -> dict:
    """``value`` when it is a table (a dict); ValueError naming ``where`` otherwise."""
    if not isinstance(value, dict):
        raise ValueError(f"{where} must be a table, not {type(value).__name__}")
    return value


def _list(value: object, where: str) -> list:
    if not isinstance(value, list):
        raise ValueError(f"{where} must be a list, not {type(value).__name__}")
    return value


# --- hashes ----------------------------------------------------------------


def canonical_name(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _pipfile_hash_data(pipfile: dict, canonical: bool) -> dict:
    def section(values: object, name: str) -> dict:
        values = _table(values, f"Pipfile [{name}]")
        return {canonical_name(k): v for k, v in values.items()} if canonical else dict(values)

    data = {
        "_meta": {
            "sources": pipfile.get("source", DEFAULT_SOURCES),
            "requires": pipfile.get("requires", {}),
        },
        "default": section(pipfile.get("packages", {}), "packages"),
        "develop": section(pipfile.get("dev-packages", {}), "dev-packages"),
    }
    for category, values in pipfile.items():
        if category in NON_PACKAGE_SECTIONS or category in ("default", "develop"):
            continue
        data[category] = section(values, category)
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


_HASH_RE = re.compile(r"[a-z0-9]+:[0-9a-f]+")
_URL_RE = re.compile(r"[a-z][a-z0-9+.-]*://[^\s]+", re.IGNORECASE)


def _line(requirement: str, markers: str | None, hashes: list, where: str) -> str:
    """One line of requirements.txt, checked: a PEP 508 requirement (so nothing in a
    version, a marker or a name can slip a pip option or a second line in) and hashes
    of the form ``algorithm:hex``; ValueError naming ``where`` otherwise."""
    line = requirement
    if markers:
        line += f" ; {markers}"
    try:
        if "\n" in line or "\r" in line:
            raise InvalidRequirement("a line break")
        Requirement(line)
    except InvalidRequirement as error:
        raise ValueError(f"{where}: {line[:200]!r} is not a valid requirement ({error})") from None
    for value in hashes:
        if not isinstance(value, str) or not _HASH_RE.fullmatch(value):
            raise ValueError(f"{where}: {str(value)[:100]!r} is not a hash (algorithm:hex)")
        line += f" \\\n    --hash={value}"
    return line


def _index_lines(sources: object, where: str) -> list[str]:
    lines = []
    sources = _list(sources, where)
    for number, source in enumerate(s for s in sources if isinstance(s, dict) and s.get("url")):
        url = str(source["url"])
        if not _URL_RE.fullmatch(url):
            raise ValueError(f"{where}: {url[:200]!r} is not an index URL")
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
    meta = _table(lock.get("_meta", {}), "Pipfile.lock _meta")
    entries = []
    for name in sorted(packages, key=canonical_name):
        where = f"Pipfile.lock default.{name}"
        entry = packages[name] or {}
        if isinstance(entry, str):  # not written by pipenv, but be lenient
            entry = {"version": entry}
        entry = _table(entry, where)
        requirement = _direct_reference(name, entry)
        if requirement is None:
            version = str(entry.get("version") or "")
            if version in ("", "*"):
                requirement = f"{name}{_extras(entry)}"
            else:
                requirement = f"{name}{_extras(entry)}{version}"
        hashes = _list(entry.get("hashes") or [], f"{where}.hashes")
        entries.append((requirement, _markers(entry), hashes, where))
    hashed = bool(entries) and all(hashes for _, _, hashes, _ in entries)
    lines = ["# Generated by jupyterlab-overlays from Pipfile.lock; do not edit."]
    lines += _index_lines(meta.get("sources") or [], "Pipfile.lock _meta.sources")
    lines += [
        _line(requirement, markers, hashes if hashed else [], where)
        for requirement, markers, hashes, where in entries
    ]
    return "\n".join(lines) + "\n", hashed


def pipfile_to_requirements(pipfile_text: str) -> str:
    """requirements.txt text for a Pipfile's ``[packages]`` (no lock: specifiers only).

    ``"*"`` becomes the bare name, ``"==1.2"`` / ``">=2"`` are appended as
    written, tables give extras, ``markers`` and PEP 508 marker keys.
    """
    pipfile = tomllib.loads(pipfile_text)
    packages = _table(pipfile.get("packages", {}), "Pipfile [packages]")
    lines = ["# Generated by jupyterlab-overlays from Pipfile [packages]; do not edit."]
    lines += _index_lines(pipfile.get("source", DEFAULT_SOURCES), "Pipfile [[source]]")
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
        lines.append(_line(requirement, _markers(entry), [], f"Pipfile [packages] {name}"))
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
    if not isinstance(requires, dict):
        return None
    version = requires.get("python_version") or requires.get("python_full_version")
    if version is None:
        return None
    match = re.match(r"\s*(\d+)\.(\d+)", str(version))
    return f"{match.group(1)}.{match.group(2)}" if match else None
