"""What importing a module of a package needs beyond what the package brings.

A notebook's ``from colorcet.plotting import swatches`` fails in a fresh environment
with ``colorcet``: ``colorcet/plotting.py`` imports ``matplotlib``, which colorcet asks
for only with an extra. ``import alphalens`` fails too: alphalens needs ``empyrical``
(last released in 2020), whose ``stats.py`` imports ``six`` without asking for it (it
used to come with ``python-dateutil``). And ``from sklearn.datasets.base import …``
names a module scikit-learn no longer has. None of this shows in names or metadata;
it shows in the modules themselves.

For a package and an import path the notebooks use, from the newest wheel for the
Python (read by range requests, or whole when small; nothing is installed or run):

* ``gone``: the wheel has the path's package but not the module, and the package's
  ``__init__.py`` never names it (so it is not made at import time, as TensorFlow's
  ``tensorflow.keras`` is);
* ``undeclared``: the modules that run when the path is imported (its parents' and its
  own top-level statements, following the package's own imports) import top-level
  names that neither the package nor anything it requires installs (``needs``), the
  requirements read from the index's metadata down to the last one; one level further
  for a requirement they import that has had no release for ``STALE_DAYS`` (``by``);
* ``ok`` otherwise, and whenever something cannot be read (``unknown`` when the index
  cannot be asked).

Only statements that always run are read: not those under ``if``, ``try`` or ``with``,
nor in functions and classes.

``GET overlays/index-check?use=<package>:<a.b>[&use=…]&python=3.11``.
"""

from __future__ import annotations

import ast
import asyncio
import re
import sys
import tarfile
import tempfile
import threading
import urllib.request
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from multiprocessing import get_context
from typing import Any
from urllib.parse import urljoin, urlsplit

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from tornado.httpclient import HTTPClientError

from .held_back import releases
from .import_providers import provides
from .index_check import (
    SDIST_MAX_BYTES,
    IndexChecks,
    newest_sdist,
    newest_wheel,
    python_minor,
    requirements,
)
from .remote_zip import RangeFile
from .wheels import file_version

#: A use the checks take: ``<project>:<dotted import path>``.
USE_RE = re.compile(
    r"(?P<package>[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?)"
    r":(?P<module>[A-Za-z_][A-Za-z0-9_]{0,99}(?:\.[A-Za-z_][A-Za-z0-9_]{0,99}){0,5})"
)
#: Modules read per use (the first ones run: a package's own imports come first).
MAX_FILES = 40
#: The most read of one file in an archive (a module's source; never a whole bomb).
MAX_SOURCE = 2 * 1024 * 1024
#: Archives kept read, for the other paths asked of them.
KEPT_ARCHIVES = 16
#: Uses read at once: the rest wait, so the index's other answers are not held up.
CONCURRENT_USES = 3
#: A wheel up to this size is read whole (one request); a larger one by ranges.
WHOLE_WHEEL_BYTES = 8 * 1024 * 1024
#: Projects read per closure of requirements; a larger one is not judged.
MAX_CLOSURE = 200
#: A requirement with no release for this long is read too (its imports may rely on
#: what its own dependencies no longer bring).
STALE_DAYS = 3 * 365
#: What every Python has (the server's list: close enough for the overlay's).
STDLIB = frozenset(sys.stdlib_module_names) | {"__future__"}


@dataclass
class ModuleUse:
    """What importing ``module`` from ``package`` needs (see the module docstring)."""

    package: str
    module: str
    status: str = "ok"
    #: The top-level import names nothing installs (``["six"]``).
    needs: list[str] = field(default_factory=list)
    #: The project whose modules import them (``empyrical``), when not ``package``.
    by: str | None = None
    detail: str | None = None


def parse_use(text: str) -> tuple[str, str] | None:
    """``colorcet:colorcet.plotting`` → ``("colorcet", "colorcet.plotting")``."""
    found = USE_RE.fullmatch(text.strip())
    return (found["package"], found["module"]) if found else None


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


def external_imports(files: Archive, module: str, own: set[str]) -> set[str]:
    """The top-level names outside the wheel and the standard library that importing
    ``module`` imports (its parents run first), following the wheel's own modules up
    to ``MAX_FILES``."""
    parts = module.split(".")
    queue = [".".join(parts[:n]) for n in range(1, len(parts) + 1)]
    seen: set[str] = set()
    found: set[str] = set()
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
        for path, sure in always_imported(read[0], name, read[1]):
            top = path.split(".")[0]
            if top in own:
                steps = path.split(".")
                queue += [".".join(steps[:n]) for n in range(1, len(steps) + 1)]
            elif sure and top not in STDLIB:
                found.add(top)
    return found


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
) -> tuple[set[str], list[str], str | None]:
    """(external imports, members, the missing module or None) of ``module`` in the
    archive at ``url``: what ``ModuleChecks`` asks of its reader process."""
    files = kept_archive(url, item, timeout)
    members = files.members
    if gone(members, module):
        parent, _, last = module.rpartition(".")
        init = files.source(parent)
        if init is not None and not names_in(init[0], last):
            return set(), members, module
    if files.ranged:
        # A wheel this large is a compiled library (numpy, pandas, torch): read by
        # ranges its modules take seconds, and such projects declare what they
        # import; only whether the path is there is checked.
        return set(), members, None
    return external_imports(files, module, top_names(members)), members, None


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


class ModuleChecks:
    """``ModuleUse`` answers, with what they read kept: a wheel's external imports per
    path and URL (a release's files do not change), each project's requirements and
    top-level names per Python."""

    def __init__(self, checks: IndexChecks) -> None:
        self.checks = checks
        self._imports: dict[tuple[str, str], tuple[set[str], list[str], str | None]] = {}
        self._requirements: dict[tuple[str, str], list[str] | None] = {}
        self._turns = asyncio.Semaphore(CONCURRENT_USES)
        self._tops_of: dict[tuple[str, str], set[str]] = {}

    async def uses(self, pairs: list[tuple[str, str]], python: str) -> list[ModuleUse]:
        async def one(package: str, module: str) -> ModuleUse:
            try:
                async with self._turns:
                    return await self.use(package, module, python)
            except BrokenProcessPool as error:
                reset_readers()
                return ModuleUse(package, module, "unknown", detail=f"reading failed ({error})")
            except (OSError, HTTPClientError, ValueError, zipfile.BadZipFile) as error:
                return ModuleUse(
                    package,
                    module,
                    "unknown",
                    detail=f"the package index is not reachable ({error})",
                )

        return list(await asyncio.gather(*(one(p, m) for p, m in pairs)))

    async def use(self, package: str, module: str, python: str, depth: int = 0) -> ModuleUse:
        item = await self._file(package, python)
        if item is None:
            return ModuleUse(package, module)
        version = file_version(item["filename"])
        url = self._url(package, item)
        key = (url, module)
        if key not in self._imports:
            self._imports[key] = await asyncio.get_running_loop().run_in_executor(
                readers(), read_module, url, item, module, self.checks.timeout
            )
        external, members, missing = self._imports[key]
        if missing:
            return ModuleUse(
                package,
                module,
                "gone",
                detail=f"{package} {version} has no module {module} (it was removed or "
                "renamed): the notebook needs an older release of it, or a change",
            )
        unprovided = await self._unprovided(package, external - top_names(members), python)
        if unprovided is None:
            return ModuleUse(package, module)
        needs = sorted(unprovided)
        if needs:
            return ModuleUse(
                package,
                module,
                "undeclared",
                needs,
                detail=f"{module} ({package} {version}) imports {', '.join(needs)}, which "
                f"neither {package} nor anything it requires installs",
            )
        if depth:
            return ModuleUse(package, module)
        for requirement, tops in await self._stale_requirements(package, python):
            # The modules of it this one imports; else its own name's (``empyrical``).
            guess = {canonicalize_name(requirement).replace("-", "_")}
            for top in sorted(external & tops or guess & tops):
                below = await self.use(requirement, top, python, depth + 1)
                if below.status == "undeclared":
                    return ModuleUse(
                        package,
                        module,
                        "undeclared",
                        below.needs,
                        by=requirement,
                        detail=f"{module} imports {requirement}: {below.detail}",
                    )
        return ModuleUse(package, module)

    async def _file(self, name: str, python: str) -> dict | None:
        """The file installs of a project for this Python read: its newest wheel, else
        its newest sdist; None when there is none (or the index gives no URL)."""
        files = await self.checks.project_files(name) or []
        minor = python_minor(python)
        # What installs: a final release (geopandas has a 2012 sdist numbered
        # ``120828rc0``, "newer" than 1.2.0), unless there is none.
        final = [
            f
            for f in files
            if (v := file_version(f["filename"])) is not None
            and not (v.is_prerelease or v.is_devrelease)
        ]
        files = final or files
        wheel, sdist = newest_wheel(files, minor), newest_sdist(files, minor)
        # An old release's wheel is not what installs when a newer one has only an sdist.
        newer = (
            sdist is not None
            and wheel is not None
            and (file_version(sdist["filename"]) or 0) > file_version(wheel["filename"])
        )
        item = sdist if newer or wheel is None else wheel
        if not item or not item.get("url") or not item.get("size"):
            return None
        if not item["filename"].endswith(".whl") and int(item["size"]) > SDIST_MAX_BYTES:
            return None
        return item

    def _url(self, name: str, item: dict) -> str:
        return urljoin(f"{self.checks.url}{canonicalize_name(name)}/", item["url"])

    async def _requires(self, name: str, python: str) -> list[str] | None:
        """A project's requirement names for this Python: its newest wheel's metadata,
        else its newest sdist's (its top-level names kept on the way); none when
        neither can be read, None when it is not on the index."""
        key = (canonicalize_name(name), python)
        if key in self._requirements:
            return self._requirements[key]
        if await self.checks.project_files(name) is None:
            self._requirements[key] = None
            return None
        item = await self._file(name, python)
        wanted: list[str] = []
        if item is not None and item["filename"].endswith(".whl"):
            metadata = await self.checks.metadata(name, item)
            if metadata is None:
                raise ValueError(f"the metadata of {name} cannot be read")
            wanted = [canonicalize_name(r.name) for r in requirements(metadata, python)]
        elif item is not None:
            self._tops_of[key], wanted = await asyncio.get_running_loop().run_in_executor(
                readers(), read_sdist, self._url(name, item), item, self.checks.timeout, python
            )
        self._requirements[key] = wanted
        return wanted

    async def _tops(self, name: str, python: str) -> set[str]:
        """A project's top-level import names, from its newest wheel's file list (or
        sdist's); its name stands for them when neither can be read."""
        key = (canonicalize_name(name), python)
        if key not in self._tops_of:
            item = await self._file(name, python)
            members = await self.checks.archive_names(name, item) if item else None
            self._tops_of[key] = top_names(members) if members else set()
        return self._tops_of[key] or {key[0].replace("-", "_")}

    async def _unprovided(self, package: str, names: set[str], python: str) -> set[str] | None:
        """Those of ``names`` (top-level imports) that neither a project nor anything it
        requires installs, down to the last requirement (None: more than
        ``MAX_CLOSURE`` projects). A name that is a project's own (``numpy``) is
        settled by the names; only the rest need the projects' file lists."""
        if not names:
            return set()
        closure = {canonicalize_name(package)}
        layer = [package]
        while layer:
            found = await asyncio.gather(*(self._requires(name, python) for name in layer))
            layer = [n for wanted in found for n in wanted or [] if n not in closure]
            closure |= set(layer)
            if len(closure) > MAX_CLOSURE:
                return None
        left = {n for n in names if canonicalize_name(n) not in closure}
        if left:
            tops = await asyncio.gather(*(self._tops(name, python) for name in sorted(closure)))
            left -= set().union(*tops)
        return left

    async def _stale_requirements(self, package: str, python: str) -> list[tuple[str, set[str]]]:
        """The requirements of a project with no release for ``STALE_DAYS``, with their
        top-level names."""
        minor = python_minor(python)
        since = datetime.now(timezone.utc) - timedelta(days=STALE_DAYS)
        stale = []
        for name in await self._requires(package, python) or []:
            files = await self.checks.project_files(name) or []
            dates = [r.uploaded for r in releases(files, minor).values() if r.uploaded]
            if dates and max(dates) < since:
                stale.append((name, await self._tops(name, python)))
        return stale
