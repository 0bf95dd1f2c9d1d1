"""Can an overlay's packages be installed from the package index, for its Python?

For each name, the index's simple API (PEP 691 JSON) says whether the project exists
and which files it has; from the file names: is there a wheel this Python can install
(or only an sdist, which may need a compiler and system libraries), or is every file
yanked. A short table names projects that were renamed or are placeholders
(``fbprophet`` → ``prophet``, ``sklearn`` → ``scikit-learn``). Answers are cached per
name and Python. When the index cannot be reached the answer says so (``unknown``) and
nothing else changes.

``GET overlays/index-check?name=<n>&name=…&python=3.11``.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import tarfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from email.parser import Parser
from urllib.parse import urljoin

from packaging.markers import UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name, parse_wheel_filename
from tornado.httpclient import AsyncHTTPClient, HTTPClientError
from tornado.netutil import ExecutorResolver

from .file_reads import MISSING, FileReads, file_key
from .held_back import cap, held_back, releases
from .remote_zip import READERS, RangeFile, in_reader
from .wheels import compiles, file_fits, file_version, wheel_fits

DEFAULT_INDEX = "https://pypi.org/simple/"
JSON_TYPE = "application/vnd.pypi.simple.v1+json"
#: Seconds an answer is kept (the index changes slowly; a miss is asked again sooner).
CACHE_SECONDS = 24 * 3600
MISS_CACHE_SECONDS = 600
MAX_NAMES = 200
#: The largest sdist read to see whether it compiles anything, or what its modules
#: import (alphalens 0.4.0's is 24 MB: the data of its examples).
SDIST_MAX_BYTES = 64 * 1024 * 1024

#: Projects whose import name or old name people still write, and what to use instead.
RENAMED = {
    "fbprophet": "prophet",
    "pandas-profiling": "ydata-profiling",
    "sklearn": "scikit-learn",
    "tensorflow-gpu": "tensorflow",
    "pymc3": "pymc",
    "bs4": "beautifulsoup4",
}

#: A Python version the checks take: 3.<minor>.
PYTHON_RE = re.compile(r"3\.(\d{1,2})")
#: A project name as PEP 508 allows it.
PACKAGE_NAME_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,198}[A-Za-z0-9])?")


@dataclass
class Verdict:
    """What the index says of one name."""

    name: str
    #: ``ok``; ``missing`` (no such project); ``no-wheel`` (only sdists: may need a
    #: compiler and system packages); ``yanked`` (every file); ``renamed`` (use
    #: ``use``); ``dependency`` (it installs, but its newest wheel requires a project
    #: that no longer does: ``detail`` names it); ``held-back`` (newer releases need a
    #: newer Python, and dependencies released since may break the one this Python
    #: gets: ``pins`` holds them back); ``dependency-no-wheel`` (a requirement of its
    #: wheel, or of an extra that requirement names, has no wheel for this Python: it
    #: is built from source: ``detail`` names it); ``pinned`` (the version asked for has no wheel
    #: for this Python, or no release matches it: ``use`` is the specifier to use
    #: instead, ``*``); ``unknown`` (the index could not be asked: ``detail`` says why).
    status: str
    use: str | None = None
    detail: str | None = None
    #: For ``held-back``: the specifiers to add, by package (``{"matplotlib": "<3.11"}``).
    pins: dict[str, str] | None = None


def parse_query(text: str) -> tuple[str, SpecifierSet] | None:
    """A package name and its version specifier (``scikit-learn==0.20.3``); None for
    anything else (URLs, markers, extras)."""
    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        return None
    if requirement.url or requirement.marker or requirement.extras:
        return None
    if not PACKAGE_NAME_RE.fullmatch(requirement.name):
        return None
    return requirement.name, requirement.specifier


def judge_pin(text: str, name: str, spec: SpecifierSet, files: list[dict], python: str) -> Verdict:
    """The verdict of a version specifier, for a project that has wheels: ``pinned``
    when no release matches it, or none that matches has a wheel for this Python (a
    pin older than the Python: its sdist needs the compilers and libraries of its
    day, ``scikit-learn==0.20.3`` on 3.11)."""
    minor = python_minor(python)
    usable = [f for f in files if not f.get("yanked")]
    matching = [
        f
        for f in usable
        if (version := file_version(f["filename"])) is not None
        and spec.contains(version, prereleases=True)
    ]
    if not matching:
        return Verdict(text, "pinned", use="*", detail=f"no release of {name} matches {spec}")
    if any(f["filename"].endswith(".whl") and file_fits(f, minor) for f in matching):
        return Verdict(text, "ok")
    wheel = newest_wheel(usable, minor)
    newest = f"; {name} {parse_wheel_filename(wheel['filename'])[1]} has one" if wheel else ""
    if any(file_fits(f, minor) for f in matching):
        detail = (
            f"no wheel of {name}{spec} for Python 3.{minor}: it would be built from "
            f"source, which for a release older than the Python often fails{newest}"
        )
    else:
        detail = f"{name}{spec} does not install on Python 3.{minor}{newest}"
    return Verdict(text, "pinned", use="*", detail=detail)


def python_minor(python: str) -> int:
    """The minor version of ``3.<minor>`` (11 for anything else)."""
    match = PYTHON_RE.fullmatch(python or "")
    return int(match.group(1)) if match else 11


def index_url() -> str:
    """The index pip would use: ``PIP_INDEX_URL``, else PyPI's simple API."""
    url = os.environ.get("PIP_INDEX_URL", "").strip() or DEFAULT_INDEX
    return url if url.endswith("/") else url + "/"


def judge(name: str, files: list[dict] | None, python: str) -> Verdict:
    """The verdict from an index page's files (None: the project does not exist)."""
    normalized = canonicalize_name(name)
    if normalized in RENAMED:
        return Verdict(name, "renamed", use=RENAMED[normalized])
    if files is None:
        return Verdict(name, "missing", detail="not on the package index")
    usable = [f for f in files if not f.get("yanked")]
    if not usable:
        return Verdict(name, "yanked", detail="every file on the index is yanked")
    minor = python_minor(python)
    if any(wheel_fits(f["filename"], minor) for f in usable if f["filename"].endswith(".whl")):
        return Verdict(name, "ok")
    if any(f["filename"].endswith((".tar.gz", ".zip")) for f in usable):
        return Verdict(
            name,
            "no-wheel",
            detail=f"no wheel for Python 3.{minor}: built from source, which may need "
            "a compiler and system packages",
        )
    return Verdict(name, "no-wheel", detail=f"no file installs on Python 3.{minor}")


def newest_wheel(files: list[dict], minor: int) -> dict | None:
    """The newest release's wheel that installs on CPython 3.<minor> (not yanked)."""
    best = None
    for item in files:
        name = item["filename"]
        if item.get("yanked") or not name.endswith(".whl") or not file_fits(item, minor):
            continue
        version = parse_wheel_filename(name)[1]
        if best is None or version > best[0]:
            best = (version, item)
    return best[1] if best else None


def newest_sdist(files: list[dict], minor: int) -> dict | None:
    """The newest release's sdist for CPython 3.<minor> (by its ``requires-python``)."""
    sdists = [
        (version, f)
        for f in files
        if f["filename"].endswith((".tar.gz", ".zip"))
        and file_fits(f, minor)
        and (version := file_version(f["filename"])) is not None
    ]
    return max(sdists, key=lambda pair: pair[0])[1] if sdists else None


def requirements(
    metadata: str, python: str, extras: frozenset[str] = frozenset()
) -> list[Requirement]:
    """The requirements of a wheel's core metadata (``Requires-Dist``) that install on
    this Python (Linux), with those of ``extras``: other extras and requirements whose
    marker excludes this Python are left out."""
    environment = {
        "python_version": python,
        "python_full_version": f"{python}.0",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "os_name": "posix",
    }
    wanted = []
    for line in Parser().parsestr(metadata, headersonly=True).get_all("Requires-Dist") or []:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if requirement.marker is not None:
            try:
                if not any(
                    requirement.marker.evaluate({**environment, "extra": extra})
                    for extra in ("", *sorted(extras))
                ):
                    continue
            except UndefinedEnvironmentName:
                continue
        wanted.append(requirement)
    return wanted


def dead_dependencies(metadata: str, python: str) -> list[tuple[str, str]]:
    """The requirements of a wheel's core metadata that name a project which no longer
    installs (``RENAMED``): ``[(requirement, use instead)]``."""
    return [
        (str(requirement), RENAMED[canonicalize_name(requirement.name)])
        for requirement in requirements(metadata, python)
        if canonicalize_name(requirement.name) in RENAMED
    ]


def wheel_metadata(url: str, size: int, timeout: float) -> str:
    """A wheel's ``*.dist-info/METADATA``, read from the index by range requests (for
    wheels the index offers no separate metadata file for)."""
    with zipfile.ZipFile(RangeFile(url, size, timeout)) as archive:
        name = next(
            (
                n
                for n in archive.namelist()
                if n.count("/") == 1 and n.endswith(".dist-info/METADATA")
            ),
            None,
        )
        if name is None:
            raise KeyError("METADATA")
        return archive.read(name).decode("utf-8", "replace")


def wheel_names(url: str, size: int, timeout: float) -> list[str]:
    """A wheel's member names, from its central directory read by range requests."""
    with zipfile.ZipFile(RangeFile(url, size, timeout)) as archive:
        return archive.namelist()


def sdist_names(filename: str, data: bytes) -> list[str]:
    """An sdist's member names (``.zip`` or ``.tar.gz``)."""
    if filename.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        return archive.getnames()


class IndexChecks:
    """Verdicts for names, from the index, cached per name and Python."""

    def __init__(
        self,
        url: str | None = None,
        timeout: float = 15.0,
        separate: bool = False,
        store: FileReads | None = None,
    ) -> None:
        self.url = url or index_url()
        self.timeout = timeout
        #: What was read from the index's files, kept on disk (``file_reads.py``).
        self.store = store or FileReads(None, enabled=False)
        #: ``separate``: requests and reader threads of its own, so that module
        #: checks, which ask a lot, never hold up the names' flags (tornado's shared
        #: client answers ten at a time).
        self._own_client = separate
        self._http: AsyncHTTPClient | None = None
        self.readers = (
            ThreadPoolExecutor(max_workers=3, thread_name_prefix="overlays-modules")
            if separate
            else READERS
        )
        self._cache: dict[tuple[str, str], tuple[float, Verdict]] = {}
        self._files_cache: dict[str, tuple[float, list[dict] | None]] = {}
        self._asking: dict[str, asyncio.Future[list[dict] | None]] = {}
        #: The member names of files read (by URL: a release's files do not change).
        self._names: dict[str, list[str]] = {}

    def _client(self) -> AsyncHTTPClient:
        if not self._own_client:
            return AsyncHTTPClient()
        if self._http is None:
            # Host names resolved in its own threads too: tornado's default resolver
            # uses the event loop's default threads, which the server's own work
            # (a build's status, the providers table) waits for, and a slow DNS
            # answer times many requests would hold them all.
            self._http = AsyncHTTPClient(
                force_instance=True,
                resolver=ExecutorResolver(executor=self.readers, close_executor=False),
            )
        return self._http

    async def check(self, names: list[str], python: str) -> list[Verdict]:
        return list(await asyncio.gather(*(self._one(name, python) for name in names)))

    async def _one(self, text: str, python: str) -> Verdict:
        """The verdict of a name, or of a name with a version specifier."""
        name, spec = parse_query(text) or (text, SpecifierSet())
        key = (canonicalize_name(name) + str(spec), python)
        cached = self._cache.get(key)
        if cached and cached[0] > time.monotonic():
            return Verdict(**{**asdict(cached[1]), "name": text})
        try:
            files = await self._files_cached(canonicalize_name(name))
        except (OSError, HTTPClientError, ValueError) as error:
            return Verdict(text, "unknown", detail=f"the package index is not reachable ({error})")
        verdict = judge(name, files, python)
        verdict.name = text
        # A pure-Python sdist builds with no compiler nor system packages (an sdist
        # that cannot be read, or none, keeps the flag).
        if (
            verdict.status == "no-wheel"
            and files
            and not spec
            and not await self._sdist_compiles(name, files, python_minor(python))
        ):
            verdict = Verdict(text, "ok")
        if verdict.status == "ok" and spec:
            verdict = judge_pin(text, name, spec, files, python)
        elif verdict.status == "ok":
            verdict = await self._dependencies(verdict, files, python)
        ttl = MISS_CACHE_SECONDS if verdict.status == "missing" else CACHE_SECONDS
        self._cache[key] = (time.monotonic() + ttl, verdict)
        return verdict

    async def _dependencies(self, verdict: Verdict, files: list[dict], python: str) -> Verdict:
        """What the requirements of the wheel that would install say, read from the
        index's metadata file (PEP 658) or else from the wheel itself: ``dependency``
        when one names a project that no longer installs (``kats`` → ``fbprophet``);
        ``held-back`` when this Python gets an older release than the newest and
        dependencies released since need holding back with it (``held_back.py``); the
        verdict as it was when the metadata cannot be read."""
        minor = python_minor(python)
        wheel = newest_wheel(files, minor)
        if wheel is None:
            return verdict
        metadata = await self.metadata(verdict.name, wheel)
        if metadata is None:
            return verdict
        version = parse_wheel_filename(wheel["filename"])[1]
        dead = dead_dependencies(metadata, python)
        if dead:
            requirement, use = dead[0]
            return Verdict(
                verdict.name,
                "dependency",
                detail=f"{verdict.name} {version} requires {requirement}, which no longer "
                f"installs (it became {use}): the build will fail",
            )
        wanted = requirements(metadata, python)
        tables = await self._tables(wanted)
        unbuilt = await self._without_wheel(wanted, tables, minor)
        if unbuilt:
            return Verdict(
                verdict.name,
                "dependency-no-wheel",
                detail=f"{verdict.name} {version} requires {unbuilt}, which has no wheel "
                f"for Python 3.{minor} on Linux: it is built from source where it can be, "
                "which needs a compiler and system packages (the build may fail)",
            )
        moved_on = held_back(releases(files, minor))
        if moved_on is None or moved_on.last != version:
            return verdict
        caps = [
            found
            for requirement, table in zip(wanted, tables, strict=True)
            if isinstance(table, list)
            and (found := cap(requirement, releases(table, minor), moved_on.since))
        ]
        if not caps:
            return verdict
        return Verdict(
            verdict.name,
            "held-back",
            detail=f"{verdict.name} {version} is its last release for Python 3.{minor} "
            f"({moved_on.next} needs a newer Python, since {moved_on.since:%Y-%m-%d}); "
            "releases of its dependencies made since may not work with it: "
            + ", ".join(f"{c.name} {c.newest}" for c in caps)
            + ". Hold them back: "
            + ", ".join(f"{c.name} {c.specifier}" for c in caps)
            + ".",
            pins={c.name: c.specifier for c in caps},
        )

    async def _tables(self, wanted: list[Requirement]) -> list[list[dict] | None]:
        """The files of each requirement's project (None where they cannot be read)."""
        tables = await asyncio.gather(
            *(self._files_cached(canonicalize_name(r.name)) for r in wanted),
            return_exceptions=True,
        )
        return [table if isinstance(table, list) else None for table in tables]

    async def _without_wheel(
        self, wanted: list[Requirement], tables: list[list[dict] | None], minor: int, depth: int = 0
    ) -> str | None:
        """The first requirement with no wheel for this Python among its matching
        releases (``gssapi``), following the extras a requirement names one level down
        (``pyspnego[kerberos]`` → ``gssapi``): ``"pyspnego[kerberos] → gssapi"``."""
        for requirement, table in zip(wanted, tables, strict=True):
            if not table:
                continue
            matching = [
                f
                for f in table
                if not f.get("yanked")
                and (v := file_version(f["filename"])) is not None
                and requirement.specifier.contains(v, prereleases=True)
            ]
            if (
                matching
                and not any(
                    f["filename"].endswith(".whl") and file_fits(f, minor) for f in matching
                )
                and await self._sdist_compiles(requirement.name, matching, minor)
            ):
                return requirement.name
            if requirement.extras and depth == 0:
                wheel = newest_wheel(matching, minor)
                metadata = await self.metadata(requirement.name, wheel) if wheel else None
                if metadata is None:
                    continue
                python = f"3.{minor}"
                plain = {str(r) for r in requirements(metadata, python)}
                extra = [
                    r
                    for r in requirements(metadata, python, frozenset(requirement.extras))
                    if str(r) not in plain
                ]
                below = await self._without_wheel(extra, await self._tables(extra), minor, 1)
                if below:
                    return f"{requirement.name}[{','.join(sorted(requirement.extras))}] → {below}"
        return None

    async def _sdist_compiles(self, name: str, files: list[dict], minor: int) -> bool:
        """Whether the newest sdist of ``files`` for this Python compiles sources (read
        whole, up to ``SDIST_MAX_BYTES``; member names only, nothing is extracted);
        True when it cannot be read: the flag stays."""
        item = newest_sdist(files, minor)
        if item is None:
            return True
        names = await self.archive_names(name, item)
        return True if names is None else compiles(names)

    async def archive_names(self, name: str, item: dict) -> list[str] | None:
        """The member names of one of a project's files on the index: a wheel's read
        by range requests (its central directory), an sdist's by reading it whole, up
        to ``SDIST_MAX_BYTES``; nothing is extracted. None when it cannot be read.
        Kept per URL: a release's files do not change."""
        wheel = item["filename"].endswith(".whl")
        if not item.get("url") or not item.get("size"):
            return None
        if not wheel and int(item["size"]) > SDIST_MAX_BYTES:
            return None
        url = urljoin(f"{self.url}{canonicalize_name(name)}/", item["url"])
        if not url.startswith(("https://", "http://")):
            return None
        if url in self._names:
            return self._names[url]
        kept = self.store.get("names", file_key(item))
        if kept is not MISSING:
            self._names[url] = kept
            return kept
        try:
            if wheel:
                names = await in_reader(
                    wheel_names, url, int(item["size"]), self.timeout, readers=self.readers
                )
            else:
                response = await self._client().fetch(
                    url, request_timeout=self.timeout, follow_redirects=True
                )
                names = sdist_names(item["filename"], response.body[: SDIST_MAX_BYTES + 1])
        except (OSError, HTTPClientError, ValueError, zipfile.BadZipFile, tarfile.TarError):
            return None
        self._names[url] = names
        self.store.put("names", file_key(item), "", names)
        return names

    async def metadata(self, name: str, wheel: dict) -> str | None:
        """A wheel's core metadata: the index's PEP 658 file, else read from the wheel
        by range requests; None when neither can be read."""
        kept = self.store.get("metadata", file_key(wheel))
        if kept is not MISSING:
            return kept
        text = await self._metadata(name, wheel)
        if text is not None:
            self.store.put("metadata", file_key(wheel), "", text)
        return text

    async def _metadata(self, name: str, wheel: dict) -> str | None:
        try:
            url = urljoin(f"{self.url}{canonicalize_name(name)}/", wheel["url"])
            if wheel.get("core-metadata") or wheel.get("data-dist-info-metadata"):
                response = await self._client().fetch(
                    url + ".metadata", request_timeout=self.timeout, follow_redirects=True
                )
                return response.body.decode("utf-8", "replace")
            if wheel.get("size"):
                return await in_reader(
                    wheel_metadata, url, wheel["size"], self.timeout, readers=self.readers
                )
        except (OSError, HTTPClientError, ValueError, KeyError, zipfile.BadZipFile):
            return None
        return None

    async def project_files(self, name: str) -> list[dict] | None:
        """A project's files on the index (None: no such project); raises when the
        index cannot be asked."""
        return await self._files_cached(canonicalize_name(name))

    async def _files_cached(self, normalized: str) -> list[dict] | None:
        """A project's files, kept as long as a verdict (dependencies are shared)."""
        cached = self._files_cache.get(normalized)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        # Asked while it is being asked (a closure's projects share requirements):
        # one request for all.
        asking = self._asking.get(normalized)
        if asking is None:
            asking = self._asking[normalized] = asyncio.ensure_future(self._files(normalized))
            asking.add_done_callback(lambda _: self._asking.pop(normalized, None))
        files = await asyncio.shield(asking)
        ttl = MISS_CACHE_SECONDS if files is None else CACHE_SECONDS
        self._files_cache[normalized] = (time.monotonic() + ttl, files)
        return files

    async def _files(self, normalized: str) -> list[dict] | None:
        client = self._client()
        try:
            response = await client.fetch(
                f"{self.url}{normalized}/",
                headers={"Accept": JSON_TYPE},
                request_timeout=self.timeout,
                follow_redirects=True,
            )
        except HTTPClientError as error:
            if error.code == 404:
                return None
            raise
        data = json.loads(response.body)
        return [f for f in data.get("files", []) if isinstance(f, dict) and "filename" in f]
