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
* ``network``: nothing is missing, but those modules fetch a URL when imported
  (``cenpy.explorer`` asks api.census.gov): it fails offline, or with that server down;
* ``ok`` otherwise, and whenever something cannot be read (``unknown`` when the index
  cannot be asked).

Only statements that always run are read: not those under ``if``, ``try`` or ``with``,
nor in functions and classes (``module_reader.py``, in a process of its own).

``GET overlays/index-check?use=<package>:<a.b>[&use=…]&python=3.11``.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import zipfile
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urljoin

from packaging.utils import canonicalize_name
from tornado.httpclient import HTTPClientError

from . import module_reader
from .file_reads import MISSING, file_key
from .held_back import releases
from .index_check import (
    SDIST_MAX_BYTES,
    IndexChecks,
    newest_sdist,
    newest_wheel,
    python_minor,
    requirements,
)
from .module_reader import gone, read_module, read_sdist, readers, reset_readers, top_names
from .providers import provider_of
from .wheels import file_fits, file_version

#: The reader's code, by its hash: what it read is kept on disk under it, so a changed
#: reader reads again.
READER_CODE = hashlib.sha256(Path(module_reader.__file__).read_bytes()).hexdigest()[:16]
#: A use the checks take: ``<project>:<dotted import path>``.
USE_RE = re.compile(
    r"(?P<package>[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?)"
    r":(?P<module>[A-Za-z_][A-Za-z0-9_]{0,99}(?:\.[A-Za-z_][A-Za-z0-9_]{0,99}){0,5})"
)
#: Uses read at once: the rest wait, so the index's other answers are not held up.
CONCURRENT_USES = 3
#: Projects read per closure of requirements; a larger one is not judged.
MAX_CLOSURE = 200
#: A requirement with no release for this long is read too (its imports may rely on
#: what its own dependencies no longer bring).
STALE_DAYS = 3 * 365


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
    #: Caps that bring back what a project's newest release removed (``gone``: the
    #: package's own, ``{"scikit-learn": "<0.24"}``; ``undeclared``: a needed name's
    #: project, ``{"setuptools": "<82"}`` for ``pkg_resources``).
    caps: dict[str, str] = field(default_factory=dict)


def parse_use(text: str) -> tuple[str, str] | None:
    """``colorcet:colorcet.plotting`` → ``("colorcet", "colorcet.plotting")``."""
    found = USE_RE.fullmatch(text.strip())
    return (found["package"], found["module"]) if found else None


class ModuleChecks:
    """``ModuleUse`` answers, with what they read kept: a wheel's external imports per
    path and URL (a release's files do not change), each project's requirements and
    top-level names per Python."""

    def __init__(self, checks: IndexChecks) -> None:
        self.checks = checks
        self._imports: dict[
            tuple[str, str], tuple[set[str], list[str], str | None, str | None]
        ] = {}
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
            self._imports[key] = await self._read_module(url, item, module)
        external, members, missing, network = self._imports[key]
        # What is said when nothing is missing.
        quiet = ModuleUse(package, module)
        if network and not depth:
            where, _, reach = network.partition(": ")
            quiet = ModuleUse(
                package,
                module,
                "network",
                detail=f"importing {module} ({package} {version}) reaches the network "
                f"({where} fetches {reach}): it fails where there is none, or when "
                "that server is down",
            )
        if missing:
            removed = await self._removed_in(package, python, lambda m: not gone(m, module))
            return ModuleUse(
                package,
                module,
                "gone",
                detail=f"{package} {version} has no module {module} (it was removed or "
                "renamed): the notebook needs an older release of it, or a change"
                + (f"; {package} <{removed} has it" if removed else "")
                + (
                    f"; no release of {package} with a wheel for Python {python} has it"
                    if removed == ""
                    else ""
                ),
                caps={package: f"<{removed}"} if removed else {},
            )
        found = await self._unprovided(package, external - top_names(members), python)
        if found is None:
            return quiet
        unprovided, dropped = found
        needs = sorted(unprovided)
        if needs:
            caps, since = {}, []
            for name in sorted(dropped.keys() & unprovided):
                project = dropped[name]
                removed = await self._removed_in(
                    project, python, lambda m, name=name: name in top_names(m)
                )
                if removed:
                    caps[project] = f"<{removed}"
                    since.append(f"{project} {removed} removed {name}, {project} <{removed} has it")
            return ModuleUse(
                package,
                module,
                "undeclared",
                needs,
                detail=f"{module} ({package} {version}) imports {', '.join(needs)}, which "
                f"neither {package} nor anything it requires installs"
                + "".join(f" ({text})" for text in since),
                caps=caps,
            )
        if depth:
            return quiet
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
                        caps=below.caps,
                    )
        return quiet

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

    async def _read_module(
        self, url: str, item: dict, module: str
    ) -> tuple[set[str], list[str], str | None, str | None]:
        """``read_module`` in the reader process, or what it said of the same file and
        module before (kept on disk by the file's SHA-256 and the reader's code)."""
        store, sha256 = self.checks.store, file_key(item)
        kept = store.get(f"module:{READER_CODE}", sha256, module)
        if kept is not MISSING:
            external, members, missing, network = kept
            return set(external), members, missing, network
        external, members, missing, network = await asyncio.get_running_loop().run_in_executor(
            readers(), read_module, url, item, module, self.checks.timeout
        )
        store.put(
            f"module:{READER_CODE}", sha256, module, [sorted(external), members, missing, network]
        )
        return external, members, missing, network

    async def _read_sdist(self, url: str, item: dict, python: str) -> tuple[set[str], list[str]]:
        """``read_sdist`` in the reader process, or kept on disk (as ``_read_module``)."""
        store, sha256 = self.checks.store, file_key(item)
        kept = store.get(f"sdist:{READER_CODE}", sha256, python)
        if kept is not MISSING:
            return set(kept[0]), kept[1]
        tops, wanted = await asyncio.get_running_loop().run_in_executor(
            readers(), read_sdist, url, item, self.checks.timeout, python
        )
        store.put(f"sdist:{READER_CODE}", sha256, python, [sorted(tops), wanted])
        return tops, wanted

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
            self._tops_of[key], wanted = await self._read_sdist(self._url(name, item), item, python)
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

    async def _unprovided(
        self, package: str, names: set[str], python: str
    ) -> tuple[set[str], dict[str, str]] | None:
        """Those of ``names`` (top-level imports) that neither a project nor anything it
        requires installs, down to the last requirement (None: more than
        ``MAX_CLOSURE`` projects), and those the import names' tables put in a project
        of the closure whose newest release does not have them (name → project). A
        name that is a project's own (``numpy``) is settled by the names; one the
        tables place by that project's file list; only the rest need every project's
        file list."""
        if not names:
            return set(), {}
        closure = {canonicalize_name(package)}
        layer = [package]
        while layer:
            found = await asyncio.gather(*(self._requires(name, python) for name in layer))
            layer = [n for wanted in found for n in wanted or [] if n not in closure]
            closure |= set(layer)
            if len(closure) > MAX_CLOSURE:
                return None
        left = {n for n in names if canonicalize_name(n) not in closure}
        # A name the import names' tables put in a project of the closure
        # (``sklearn``: scikit-learn): that one's file list says, not every one's
        # (its newest release may have dropped it: setuptools, ``pkg_resources``).
        placed = {
            name: provider
            for name in left
            if (provider := provider_of(name)) and canonicalize_name(provider) in closure
        }
        lists = await asyncio.gather(*(self._tops(p, python) for p in placed.values()))
        left -= {name for name, found in zip(placed, lists, strict=True) if name in found}
        if left:
            tops = await asyncio.gather(*(self._tops(name, python) for name in sorted(closure)))
            left -= set().union(*tops)
        return left, {name: placed[name] for name in left if name in placed}

    async def _removed_in(
        self, project: str, python: str, has: Callable[[list[str]], bool]
    ) -> str | None:
        """The first release whose wheel (for this Python) lacks what ``has`` looks for
        in a file list, when an older release's had it; ``""`` when the oldest lacks
        it too; None when it cannot be told (the newest has it, fewer than two
        releases, a list that cannot be read). Found by halving the releases (what a
        project removes stays removed), each list read by range requests."""
        minor = python_minor(python)
        wheels: dict = {}
        for item in await self.checks.project_files(project) or []:
            version = file_version(item["filename"])
            if (
                version is None
                or version.is_prerelease
                or version.is_devrelease
                or item.get("yanked")
                or not item["filename"].endswith(".whl")
                or not file_fits(item, minor)
            ):
                continue
            wheels.setdefault(version, item)
        versions = sorted(wheels)
        if len(versions) < 2:
            return None

        async def had(index: int) -> bool | None:
            members = await self.checks.archive_names(project, wheels[versions[index]])
            return None if members is None else has(members)

        low, high = 0, len(versions) - 1
        if await had(high) is not False:
            return None
        oldest = await had(low)
        if oldest is not True:
            return None if oldest is None else ""
        while high - low > 1:
            middle = (low + high) // 2
            found = await had(middle)
            if found is None:
                return None
            low, high = (middle, high) if found else (low, middle)
        return str(versions[high])

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
