"""What the package index says of names and dotted imports, as one JSON object: the
body of ``GET overlays/index-check`` and the output of the command line that tools
without a server use (``scripts/overlays-cli.mjs create --check-index``)::

    python -m jupyterlab_overlays.index_report [--python 3.11] [--import a.b]...
        [--use package:a.b]... [--cache FILE] NAME...

``{"index": <url>, "results": [{"name", "status", "use", "detail", "pins"}, …],
"imports": [{"module", "provider", "detail", "unknown"}, …], "uses": [{"package",
"module", "status", "needs", "by", "detail"}, …]}`` (``module_check.py``). Names,
imports and uses are not validated here: the handler and the command line do that
first.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict

from . import import_providers
from .file_reads import FileReads
from .index_check import MAX_NAMES, PYTHON_RE, IndexChecks, parse_query
from .module_check import ModuleChecks, parse_use


async def report(
    checks: IndexChecks,
    names: list[str],
    modules: list[str],
    python: str,
    uses: Sequence[str] = (),
    module_checks: ModuleChecks | None = None,
) -> dict:
    """The verdict of each name, the provider of each import path and what each use
    (``package:a.b``) needs, asked at once."""
    module_checks = module_checks or ModuleChecks(checks)
    pairs = [pair for use in uses if (pair := parse_use(use))]
    verdicts, imports, needs = await asyncio.gather(
        checks.check(names, python),
        import_providers.providers(checks, modules, python),
        module_checks.uses(pairs, python),
    )
    return {
        "index": checks.url,
        "results": [asdict(v) for v in verdicts],
        "imports": [asdict(i) for i in imports],
        "uses": [asdict(u) for u in needs],
    }


def problem(
    names: list[str], modules: list[str], python: str, uses: Sequence[str] = ()
) -> str | None:
    """Why a request cannot be answered (the handler's 400), or None."""
    if not names and not modules and not uses:
        return "Name at least one package: ?name=<package>."
    bad = [use for use in uses if parse_use(use) is None]
    if bad:
        return f"Not a use (package:dotted.path): {bad[0][:100]!r}."
    if len(names) + len(modules) + len(uses) > MAX_NAMES:
        return f"At most {MAX_NAMES} names at a time."
    bad = [name for name in names if parse_query(name) is None]
    if bad:
        return f"Not a package name (with a version specifier or not): {bad[0][:100]!r}."
    bad = [module for module in modules if not import_providers.IMPORT_RE.fullmatch(module)]
    if bad:
        return f"Not a dotted import path: {bad[0][:100]!r}."
    if not PYTHON_RE.fullmatch(python):
        return f"python must be like 3.11, not {python[:20]!r}."
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--python", default="3.11")
    parser.add_argument("--import", dest="modules", action="append", default=[])
    parser.add_argument("--use", dest="uses", action="append", default=[])
    parser.add_argument(
        "--cache",
        help="the SQLite file of what was read from the index's files (default: the "
        "server's default, OverlaysConfig.index_cache); '' keeps nothing",
    )
    args = parser.parse_args(argv)
    why = problem(args.names, args.modules, args.python, args.uses)
    if why:
        print(why, file=sys.stderr)
        return 2
    checks = IndexChecks(store=FileReads(args.cache or None, enabled=args.cache != ""))
    answer = asyncio.run(report(checks, args.names, args.modules, args.python, args.uses))
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
