"""Reading a release file's modules without installing or running them (for
``module_check.py``): what a module imports whenever it is imported, and whether it
reaches the network then, read with ``ast`` from a wheel or sdist on the index.

Reading and parsing run in a process of their own (``readers``): parsing holds
Python's lock, and in the server's process it would slow every other answer.
"""

from __future__ import annotations

import ast
import re
import sys
import tarfile
import tempfile
import threading
import urllib.request
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any
from urllib.parse import urlsplit

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from .import_providers import provides
from .index_check import SDIST_MAX_BYTES, requirements
from .remote_zip import RangeFile

#: Modules read per use (the first ones run: a package's own imports come first).
MAX_FILES = 40
#: The most read of one file in an archive (a module's source; never a whole bomb).
MAX_SOURCE = 2 * 1024 * 1024
#: Archives kept read, for the other paths asked of them.
KEPT_ARCHIVES = 16
#: A wheel up to this size is read whole (one request); a larger one by ranges.
WHOLE_WHEEL_BYTES = 8 * 1024 * 1024
#: What every Python has (the server's list: close enough for the overlay's).
STDLIB = frozenset(sys.stdlib_module_names) | {"__future__"}


def always_imported(source: str, module: str, is_package: bool) -> list[tuple[str, bool]]:
    """The modules a module imports whenever it is imported, as absolute dotted paths
    with whether each surely is a module: the import statements at its top level only
    (not under ``if``, ``try`` or ``with``, nor in functions or classes); ``from a
    import b`` gives ``a`` (sure) and ``a.b`` (maybe an attribute). Relative imports
    are resolved against ``module`` (a package's ``__init__`` when ``is_package``).
    Source that does not parse gives nothing."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    parts = module.split(".") if is_package else module.split(".")[:-1]
    found: list[tuple[str, bool]] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            found += [(alias.name, True) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = parts[: len(parts) - node.level + 1] if node.level <= len(parts) else []
                if not base:
                    continue
                origin = ".".join(base + ([node.module] if node.module else []))
            elif node.module:
                origin = node.module
            else:
                continue
            found.append((origin, True))
            found += [
                (f"{origin}.{alias.name}", False) for alias in node.names if alias.name != "*"
            ]
    return found


#: Calls that reach the network whatever their arguments, by the name they are made
#: through once imports are resolved.
NETWORK_CALLS = frozenset(
    {
        "requests.get",
        "requests.post",
        "requests.head",
        "requests.request",
        "httpx.get",
        "urllib.request.urlopen",
        "urllib.request.urlretrieve",
        "socket.create_connection",
    }
)
#: Functions that fetch a URL given to them (``pandas.read_csv("https://…")``).
FETCHERS = frozenset(
    {
        "get",
        "post",
        "urlopen",
        "urlretrieve",
        "read_csv",
        "read_json",
        "read_table",
        "read_excel",
        "read_parquet",
        "read_file",
        "download",
    }
)


def network_reach(source: str) -> str | None:
    """What a module fetches whenever it is imported (its top-level statements, as
    ``always_imported`` reads them): the URL given to a fetching call there
    (``r.get("https://api.census.gov/data.json")`` after ``import requests as r``), or
    the network call; None when it makes none (or does not parse)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    aliases: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    for statement in tree.body:
        if isinstance(
            statement,
            (ast.If, ast.Try, ast.With, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef),
        ):
            continue
        for node in _walk_running(statement):
            if not isinstance(node, ast.Call):
                continue
            called = _dotted(node.func)
            if called is None:
                continue
            first, _, rest = called.partition(".")
            resolved = ".".join(filter(None, [aliases.get(first, first), rest]))
            urls = [
                arg.value
                for arg in [*node.args, *(k.value for k in node.keywords)]
                if isinstance(arg, ast.Constant)
                and isinstance(arg.value, str)
                and arg.value.startswith(("http://", "https://"))
            ]
            if urls and called.rpartition(".")[2] in FETCHERS:
                return urls[0]
            if resolved in NETWORK_CALLS:
                return resolved
    return None


def _walk_running(node: ast.AST):
    """The nodes of a statement that run with it (not the bodies of lambdas)."""
    yield node
    for child in ast.iter_child_nodes(node):
        if not isinstance(child, ast.Lambda):
            yield from _walk_running(child)


def _dotted(node: ast.AST) -> str | None:
    """``r.get`` of a call's function, when it is a plain name or attribute chain."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def top_names(members: list[str]) -> set[str]:
    """The top-level import names a wheel installs (``PIL`` of pillow's wheel)."""
    tops = set()
    for member in members:
        first, _, rest = member.partition("/")
        if first.endswith((".dist-info", ".data")):
            continue
        if rest:
            tops.add(first)
        elif first.endswith((".py", ".so", ".pyd")):
            tops.add(first.split(".")[0])
    return tops


def gone(members: list[str], module: str) -> bool:
    """Whether a wheel has the package of ``module`` (``sklearn/datasets/``) but not
    the module, and that package's ``__init__.py`` cannot make it: ``init_text`` is
    checked by the caller (``names_in``)."""
    parts = module.split(".")
    path = "/".join(parts)
    if len(parts) < 2 or provides(members, path, True):
        return False
    parent = "/".join(parts[:-1])
    return f"{parent}/__init__.py" in members


def names_in(source: str, name: str) -> bool:
    """Whether ``name`` appears in source as a word of its own (``base``, not ``_base``)."""
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", source) is not None


class Archive:
    """One release file's members, by their path from the import root: a wheel read
    whole when small, else by range requests; an sdist read whole (up to
    ``SDIST_MAX_BYTES``), its members under ``<name>-<version>/`` and maybe ``src/``
    or ``lib/`` (blocking: run it in a thread)."""

    def __init__(self, url: str, item: dict, timeout: float) -> None:
        if urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"not an http(s) URL: {url[:100]!r}")
        size = int(item["size"])
        self.wheel = item["filename"].endswith(".whl")
        #: Read by range requests (a wheel larger than ``WHOLE_WHEEL_BYTES``).
        self.ranged = self.wheel and size > WHOLE_WHEEL_BYTES
        if self.ranged:
            source: Any = RangeFile(url, size, timeout)
        else:
            # Kept on disk past a few megabytes, not in memory.
            source = tempfile.SpooledTemporaryFile(max_size=WHOLE_WHEEL_BYTES)  # noqa: SIM115
            with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
                while chunk := response.read(1024 * 1024):
                    source.write(chunk)
                    if source.tell() > SDIST_MAX_BYTES:
                        raise ValueError(f"{item['filename']} is larger than it said")
            source.seek(0)
        self._files: dict[str, Callable[[], bytes]] = {}
        self._texts: dict[str, str] = {}
        # One read at a time: the archive's file is shared.
        self._lock = threading.Lock()
        if item["filename"].endswith(".tar.gz"):
            archive = tarfile.open(fileobj=source, mode="r:gz")  # noqa: SIM115 (read lazily)
            for info in archive.getmembers():
                if info.isfile():
                    self._add(
                        info.name, lambda info=info: archive.extractfile(info).read(MAX_SOURCE)
                    )
        else:
            zipped = zipfile.ZipFile(source)
            for name in zipped.namelist():
                self._add(name, lambda name=name: zipped.open(name).read(MAX_SOURCE))
        self.members = list(self._files)

    def _add(self, name: str, read: Callable[[], bytes]) -> None:
        if not self.wheel:
            name = name.partition("/")[2]
            for prefix in ("src/", "lib/"):
                if name.startswith(prefix) and name.endswith(".py"):
                    self._files.setdefault(name[len(prefix) :], read)
        self._files.setdefault(name, read)

    def text(self, member: str) -> str | None:
        """A member's text (kept: a wheel's several paths read the same modules)."""
        read = self._files.get(member)
        if read is None:
            return None
        with self._lock:
            if member not in self._texts:
                self._texts[member] = read().decode("utf-8", "replace")
            return self._texts[member]

    def source(self, module: str) -> tuple[str, bool] | None:
        """A module's source and whether it is a package; None when the file has no
        such Python file."""
        path = module.replace(".", "/")
        for member, is_package in ((f"{path}/__init__.py", True), (f"{path}.py", False)):
            text = self.text(member)
            if text is not None:
                return text, is_package
        return None

    def requires(self, python: str) -> list[str]:
        """An sdist's requirement names: its ``PKG-INFO``'s, else its
        ``*.egg-info/requires.txt``'s lines before the first section."""
        wanted = requirements(self.text("PKG-INFO") or "", python)
        if wanted:
            return [canonicalize_name(r.name) for r in wanted]
        listed = next((m for m in self.members if m.endswith(".egg-info/requires.txt")), None)
        names = []
        for line in (self.text(listed) or "").splitlines() if listed else []:
            if line.strip().startswith("["):
                break
            try:
                names.append(canonicalize_name(Requirement(line).name))
            except InvalidRequirement:
                continue
        return names


def external_imports(files: Archive, module: str, own: set[str]) -> tuple[set[str], str | None]:
    """The top-level names outside the wheel and the standard library that importing
    ``module`` imports (its parents run first), following the wheel's own modules up
    to ``MAX_FILES``; and the first of those modules that reaches the network then
    (``cenpy.explorer: https://api.census.gov/data.json``), or None."""
    parts = module.split(".")
    queue = [".".join(parts[:n]) for n in range(1, len(parts) + 1)]
    seen: set[str] = set()
    found: set[str] = set()
    network = None
    read_files = 0
    while queue and read_files < MAX_FILES:
        name = queue.pop(0)
        if name in seen:
            continue
        seen.add(name)
        read = files.source(name)
        if read is None:
            continue  # an attribute (`from a import b`), or not Python source
        read_files += 1
        reach = network is None and network_reach(read[0])
        if reach:
            network = f"{name}: {reach}"
        for path, sure in always_imported(read[0], name, read[1]):
            top = path.split(".")[0]
            if top in own:
                steps = path.split(".")
                queue += [".".join(steps[:n]) for n in range(1, len(steps) + 1)]
            elif sure and top not in STDLIB:
                found.add(top)
    return found, network


_kept: dict[str, Archive] = {}


def kept_archive(url: str, item: dict, timeout: float) -> Archive:
    """The archive at ``url``, read once and kept for the next paths asked of it (the
    last ``KEPT_ARCHIVES``, in the process that reads them)."""
    found = _kept.pop(url, None) or Archive(url, item, timeout)
    _kept[url] = found
    while len(_kept) > KEPT_ARCHIVES:
        _kept.pop(next(iter(_kept)))
    return found


def read_module(
    url: str, item: dict, module: str, timeout: float
) -> tuple[set[str], list[str], str | None, str | None]:
    """(external imports, members, the missing module or None, what it reaches on the
    network or None) of ``module`` in the archive at ``url``: what ``ModuleChecks``
    asks of its reader process."""
    files = kept_archive(url, item, timeout)
    members = files.members
    if gone(members, module):
        parent, _, last = module.rpartition(".")
        init = files.source(parent)
        if init is not None and not names_in(init[0], last):
            return set(), members, module, None
    if files.ranged:
        # A wheel this large is a compiled library (numpy, pandas, torch): read by
        # ranges its modules take seconds, and such projects declare what they
        # import; only whether the path is there is checked.
        return set(), members, None, None
    external, network = external_imports(files, module, top_names(members))
    return external, members, None, network


def read_sdist(url: str, item: dict, timeout: float, python: str) -> tuple[set[str], list[str]]:
    """An sdist's top-level names and requirement names, in the reader process."""
    sdist = kept_archive(url, item, timeout)
    return top_names(sdist.members), sdist.requires(python)


_readers: ProcessPoolExecutor | None = None


def readers() -> ProcessPoolExecutor:
    """The process that reads and parses modules (made when first asked): parsing
    holds Python's lock, and in the server's own process it would slow every
    request the server answers meanwhile."""
    global _readers
    if _readers is None:
        _readers = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
    return _readers


def reset_readers() -> None:
    """Forget a reader process that died: the next use makes another."""
    global _readers
    if _readers is not None:
        _readers.shutdown(wait=False, cancel_futures=True)
    _readers = None
