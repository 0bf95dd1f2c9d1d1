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
import json
import os
import re
import time
import zipfile
from dataclasses import asdict, dataclass
from email.parser import Parser
from urllib.parse import urljoin

from packaging.markers import UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
from tornado.httpclient import AsyncHTTPClient, HTTPClientError

from .remote_zip import RangeFile

DEFAULT_INDEX = "https://pypi.org/simple/"
JSON_TYPE = "application/vnd.pypi.simple.v1+json"
#: Seconds an answer is kept (the index changes slowly; a miss is asked again sooner).
CACHE_SECONDS = 24 * 3600
MISS_CACHE_SECONDS = 600
MAX_NAMES = 200

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
    #: that no longer does: ``detail`` names it); ``unknown`` (the index could not be
    #: asked: ``detail`` says why).
    status: str
    use: str | None = None
    detail: str | None = None


def python_minor(python: str) -> int:
    """The minor version of ``3.<minor>`` (11 for anything else)."""
    match = PYTHON_RE.fullmatch(python or "")
    return int(match.group(1)) if match else 11


def index_url() -> str:
    """The index pip would use: ``PIP_INDEX_URL``, else PyPI's simple API."""
    url = os.environ.get("PIP_INDEX_URL", "").strip() or DEFAULT_INDEX
    return url if url.endswith("/") else url + "/"


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
        if item.get("yanked") or not name.endswith(".whl") or not wheel_fits(name, minor):
            continue
        version = parse_wheel_filename(name)[1]
        if best is None or version > best[0]:
            best = (version, item)
    return best[1] if best else None


def dead_dependencies(metadata: str, python: str) -> list[tuple[str, str]]:
    """The requirements of a wheel's core metadata (``Requires-Dist``) that name a
    project which no longer installs (``RENAMED``): ``[(requirement, use instead)]``.
    Extras and requirements whose marker excludes this Python are left out."""
    environment = {"python_version": python, "python_full_version": f"{python}.0"}
    dead = []
    for line in Parser().parsestr(metadata, headersonly=True).get_all("Requires-Dist") or []:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if requirement.marker is not None:
            try:
                if not requirement.marker.evaluate({**environment, "extra": ""}):
                    continue
            except UndefinedEnvironmentName:
                continue
        name = canonicalize_name(requirement.name)
        if name in RENAMED:
            dead.append((str(requirement), RENAMED[name]))
    return dead


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


class IndexChecks:
    """Verdicts for names, from the index, cached per name and Python."""

    def __init__(self, url: str | None = None, timeout: float = 15.0) -> None:
        self.url = url or index_url()
        self.timeout = timeout
        self._cache: dict[tuple[str, str], tuple[float, Verdict]] = {}

    async def check(self, names: list[str], python: str) -> list[Verdict]:
        return list(await asyncio.gather(*(self._one(name, python) for name in names)))

    async def _one(self, name: str, python: str) -> Verdict:
        key = (canonicalize_name(name), python)
        cached = self._cache.get(key)
        if cached and cached[0] > time.monotonic():
            return Verdict(**{**asdict(cached[1]), "name": name})
        try:
            files = await self._files(key[0])
        except (OSError, HTTPClientError, ValueError) as error:
            return Verdict(name, "unknown", detail=f"the package index is not reachable ({error})")
        verdict = judge(name, files, python)
        if verdict.status == "ok":
            verdict = await self._dependencies(verdict, files, python)
        ttl = MISS_CACHE_SECONDS if verdict.status == "missing" else CACHE_SECONDS
        self._cache[key] = (time.monotonic() + ttl, verdict)
        return verdict

    async def _dependencies(self, verdict: Verdict, files: list[dict], python: str) -> Verdict:
        """``dependency`` when the wheel that would install requires a project that no
        longer installs (``kats`` → ``fbprophet``), read from the index's metadata file
        (PEP 658) or else from the wheel itself; the verdict as it was when neither can
        be read."""
        wheel = newest_wheel(files, python_minor(python))
        if wheel is None:
            return verdict
        try:
            url = urljoin(f"{self.url}{canonicalize_name(verdict.name)}/", wheel["url"])
            if wheel.get("core-metadata") or wheel.get("data-dist-info-metadata"):
                response = await AsyncHTTPClient().fetch(
                    url + ".metadata", request_timeout=self.timeout, follow_redirects=True
                )
                metadata = response.body.decode("utf-8", "replace")
            elif wheel.get("size"):
                metadata = await asyncio.to_thread(wheel_metadata, url, wheel["size"], self.timeout)
            else:
                return verdict
            dead = dead_dependencies(metadata, python)
        except (OSError, HTTPClientError, ValueError, KeyError, zipfile.BadZipFile):
            return verdict
        if not dead:
            return verdict
        requirement, use = dead[0]
        version = parse_wheel_filename(wheel["filename"])[1]
        return Verdict(
            verdict.name,
            "dependency",
            detail=f"{verdict.name} {version} requires {requirement}, which no longer "
            f"installs (it became {use}): the build will fail",
        )

    async def _files(self, normalized: str) -> list[dict] | None:
        client = AsyncHTTPClient()
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
