"""Which project on the package index provides an import path: ``oslo.config`` is in
``oslo.config``, not in ``oslo`` (no such project); ``zc.lockfile`` is in
``zc.lockfile``, not in the placeholder ``zc``.

For a dotted import whose top-level name resolved to nothing better than itself, the
candidates are that name and the family's names built from the path, deepest first
(``a-b-c``, ``a-b``; PEP 503 makes ``a_b`` and ``a.b`` the same project); the answer is
the first whose newest wheel for the Python provides the path (its file list, read by
range requests; else its newest sdist's, read whole), proven by the file names. Nothing is
installed or run.

``GET overlays/index-check?import=<a.b>[&import=…]&python=3.11``.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

from packaging.utils import canonicalize_name
from tornado.httpclient import HTTPClientError

from .index_check import IndexChecks, newest_sdist, newest_wheel, python_minor

#: An import path the checks take: identifiers joined by dots.
IMPORT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}(\.[A-Za-z_][A-Za-z0-9_]{0,99}){1,5}")
#: How deep a family's names go (``google-cloud-storage``).
MAX_DEPTH = 3


@dataclass
class ImportProvider:
    """Who provides an import path: ``provider``; None when no candidate proves it
    (``detail`` says which were tried) or the index could not be asked (``unknown``)."""

    module: str
    provider: str | None
    detail: str | None = None
    unknown: bool = False


def candidates(module: str) -> list[tuple[str, str]]:
    """The projects that may provide ``module`` and the path each must hold, in the
    order they are tried: the top-level name, then the family's names deepest first.
    ``a.b.c`` → ``[(a, a/b), (a-b-c, a/b/c), (a-b, a/b)]``."""
    parts = module.split(".")[:MAX_DEPTH]
    found = [(canonicalize_name(parts[0]), "/".join(parts[:2]))]
    for depth in range(len(parts), 1, -1):
        found.append((canonicalize_name("-".join(parts[:depth])), "/".join(parts[:depth])))
    return list(dict.fromkeys(found))


def provides(names: list[str], path: str, wheel: bool) -> bool:
    """Whether an archive's member names hold the module ``path`` (``a/b``): a package
    folder, a ``.py`` file or an extension module. A wheel's members start at its
    root; an sdist's under its own folder, maybe below ``src/`` or ``lib/``."""
    for name in names:
        rest = name if wheel else name.partition("/")[2]
        for prefix in ("", "src/", "lib/"):
            if rest.startswith(prefix):
                inner = rest[len(prefix) :]
                if (
                    inner.startswith(path + "/")
                    or inner == path + ".py"
                    or (inner.startswith(path + ".") and inner.endswith((".so", ".pyd")))
                ):
                    return True
    return False


async def provider(checks: IndexChecks, module: str, python: str) -> ImportProvider:
    """The project that provides ``module`` for this Python, or None with the reason."""
    minor = python_minor(python)
    for name, path in candidates(module):
        files = await checks.project_files(name) or []
        # Any wheel for the Python says where its modules are; else the sdist.
        item = newest_wheel(files, minor) or newest_sdist(files, minor)
        if item is None:
            continue
        names = await checks.archive_names(name, item)
        if names is not None and provides(names, path, item["filename"].endswith(".whl")):
            return ImportProvider(module, name)
    tried = ", ".join(name for name, _ in candidates(module))
    return ImportProvider(module, None, f"none of {tried} provides {module}")


async def providers(checks: IndexChecks, modules: list[str], python: str) -> list[ImportProvider]:
    """``provider`` of each module (the index's files and file lists are kept by
    ``checks``: asking again costs nothing); None with the reason when the index cannot
    be asked."""

    async def one(module: str) -> ImportProvider:
        try:
            return await provider(checks, module, python)
        except (OSError, HTTPClientError, ValueError) as error:
            return ImportProvider(
                module, None, f"the package index is not reachable ({error})", unknown=True
            )

    return list(await asyncio.gather(*(one(module) for module in modules)))
