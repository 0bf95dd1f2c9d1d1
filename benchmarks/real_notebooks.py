"""Do real notebooks import everything they need in their overlay's environment?

For each notebook of a corpus folder (``benchmarks/fetch_notebook_corpus.py`` makes
one; nothing of it is in the repository), alone in a scratch folder:

1. requirements from this extension: ``scripts/overlays-cli.mjs create`` writes the
   overlay's Pipfile from the notebook (the extension's own code, no kernel: the
   bundled table, the server's table of distribution metadata read from its file,
   the import names, and, as the sidebar's Create does, the dependencies the
   package index says to hold back, ``--check-index``), read back as requirement
   lines;
2. requirements from pipreqs (``--scan-notebooks --mode no-pin``), the baseline;
3. for each: a fresh venv (uv, the machine's Python), install the requirements, then
   import every module the notebook imports, as written (``from a.b import c``:
   ``a.b``), that is not in the standard library, not a file beside it and not
   guarded by ``except ImportError`` (the notebook runs without it: ``try: from
   StringIO import …``) (found with CPython's ``ast`` on the code cells, IPython lines
   blanked), a fresh interpreter per top-level name.

A notebook is *restored* when the install succeeds and every import does. Prints a
table per tool — restored, install failures, import failures by cause — and, of the
notebooks ours does not restore, how many the sidebar flags before any build (the
CLI prints them: the sidebar's own ``IndexChecks.forOverlay`` over the server's index
checks).
*ours, fixed* is ours after a user takes every one-click fix those flags offer
(remove, use the new name or the packages dotted imports are in, any version for a
pin without a wheel, hold back dependencies), installed and imported again.
Never fails.

    .venv/bin/python benchmarks/real_notebooks.py [CORPUS] [--limit N] [--jobs 2]
        [--results FILE [--resume]]

Needs network (PyPI) and the tools venv it makes once (``~/.cache/jupyterlab-overlays/
bench-tools``: uv and pipreqs).
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import tomllib
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
CLI = ROOT / "scripts" / "overlays-cli.mjs"
TOOLS = Path.home() / ".cache/jupyterlab-overlays/bench-tools"
DEFAULT_CORPUS = Path.home() / ".cache/jupyterlab-overlays/notebook-corpus"
INSTALL_TIMEOUT = 600
IMPORT_TIMEOUT = 120


def tools() -> tuple[Path, Path]:
    """uv and pipreqs, in a venv of their own (made once)."""
    uv, pipreqs = TOOLS / "bin" / "uv", TOOLS / "bin" / "pipreqs"
    if not (uv.exists() and pipreqs.exists()):
        subprocess.run([sys.executable, "-m", "venv", str(TOOLS)], check=True)  # noqa: S603
        subprocess.run(  # noqa: S603
            [str(TOOLS / "bin" / "pip"), "install", "-q", "uv", "pipreqs", "nbconvert"],
            check=True,
        )
    return uv, pipreqs


def run(argv: list[str], timeout: float, **kwargs) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(  # noqa: S603 (our own command lines)
            argv, capture_output=True, text=True, timeout=timeout, **kwargs
        )
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(argv, 124, "", f"timed out after {timeout:g} s")


# --- what a notebook imports (the judge, the same for both tools) --------------------

_MAGIC = re.compile(r"^\s*[%!]")


def notebook_modules(path: Path) -> set[str]:
    """The modules the code cells import, as written (absolute imports only):
    ``import a.b`` and ``from a.b import c`` give ``a.b`` (a namespace package's
    submodule is not there when only ``a`` is)."""
    try:
        notebook = json.loads(path.read_text())
    except (OSError, ValueError):
        return set()
    found: set[str] = set()
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        if source.lstrip().startswith("%%"):
            continue
        code = "\n".join(
            line[: len(line) - len(line.lstrip())] + "pass" if _MAGIC.match(line) else line
            for line in source.split("\n")
        )
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        guarded = _guarded_imports(tree)
        for node in ast.walk(tree):
            if node in guarded:
                continue
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
    return {m for m in found if top(m) not in sys.stdlib_module_names and m != "__future__"}


def top(module: str) -> str:
    return module.split(".")[0]


_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


def _guarded_imports(tree: ast.AST) -> set[ast.AST]:
    """Imports in the body of a ``try`` that catches their failure (``except
    ImportError`` and the like, or a bare ``except``): the notebook runs without
    them (``try: from StringIO import … except ImportError: from io import …``), so
    neither tool is asked to provide them."""
    guarded: set[ast.AST] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try):
            continue
        names = set()
        for handler in node.handlers:
            caught = handler.type
            if caught is None:
                names.add("Exception")
                continue
            for part in caught.elts if isinstance(caught, ast.Tuple) else [caught]:
                if isinstance(part, ast.Name):
                    names.add(part.id)
        if names & _IMPORT_ERRORS:
            for statement in node.body:
                guarded.update(
                    child
                    for child in ast.walk(statement)
                    if isinstance(child, (ast.Import, ast.ImportFrom))
                )
    return guarded


# --- the two tools ---------------------------------------------------------------------


def ours(notebook: Path, scratch: Path) -> tuple[list[str], list[Flag]] | str:
    """Requirement lines from the extension's Pipfile, and the flags the sidebar shows
    beside its packages (``--json``); or why there are none."""
    workspace = scratch / "ours"
    workspace.mkdir()
    shutil.copy(notebook, workspace / notebook.name)
    argv = ["node", str(CLI), "create", str(workspace), "nb", notebook.name, "--json"]
    argv.append("--check-index")  # as the sidebar's Create: what the index says
    result = run(argv, 300)
    pipfile = workspace / "overlays" / "nb" / "Pipfile"
    if result.returncode != 0 or not pipfile.exists():
        return f"no Pipfile: {(result.stderr or result.stdout).strip()[-300:]}"
    packages = tomllib.loads(pipfile.read_text()).get("packages", {})
    lines = []
    for name, value in packages.items():
        spec = value if isinstance(value, str) else value.get("version", "*")
        extras = [] if isinstance(value, str) else value.get("extras", [])
        name = f"{name}[{','.join(extras)}]" if extras else name
        lines.append(name if spec in ("*", "") else f"{name}{spec}")
    return lines, flags(json.loads(result.stdout.strip().splitlines()[-1]))


def baseline(notebook: Path, scratch: Path, pipreqs: Path) -> list[str] | str:
    folder = scratch / "pipreqs"
    folder.mkdir()
    shutil.copy(notebook, folder / notebook.name)
    out = scratch / "pipreqs.txt"
    argv = [str(pipreqs), "--scan-notebooks", "--mode", "no-pin"]
    # pipreqs' default index host (pypi.python.org) does not resolve here.
    argv += ["--pypi-server", "https://pypi.org/pypi/", "--savepath", str(out), str(folder)]
    result = run(
        argv,
        300,
    )
    if not out.exists():
        return f"no requirements: {(result.stderr or result.stdout).strip()[-300:]}"
    return [line.strip() for line in out.read_text().splitlines() if line.strip()]


# --- restoring --------------------------------------------------------------------------


def restore(requirements: list[str], modules: set[str], scratch: Path, uv: Path) -> dict:
    """Install into a fresh venv and import each module: what happened."""
    venv = scratch / "venv"
    env = {**os.environ, "UV_CACHE_DIR": str(TOOLS / "uv-cache")}
    made = run([str(uv), "venv", "-q", "-p", sys.executable, str(venv)], 120, env=env)
    if made.returncode != 0:
        return {"install": f"venv: {made.stderr.strip()[-200:]}", "imports": {}}
    if requirements:
        (scratch / "req.txt").write_text("\n".join(requirements) + "\n")
        installed = run(
            [str(uv), "pip", "install", "-q", "-p", str(venv / "bin" / "python"), "-r",
             str(scratch / "req.txt")],
            INSTALL_TIMEOUT,
            env=env,
        )  # fmt: skip
        if installed.returncode != 0:
            reason = (installed.stderr or installed.stdout).strip().splitlines()
            return {"install": " ".join(reason[-3:])[-400:], "imports": {}}
    failures = {}
    # One interpreter per top-level name, importing every path under it.
    by_top: dict[str, list[str]] = {}
    for module in sorted(modules):
        by_top.setdefault(top(module), []).append(module)
    for name, paths in by_top.items():
        code = "; ".join(f"import {path}" for path in paths)
        imported = run([str(venv / "bin" / "python"), "-c", code], IMPORT_TIMEOUT)
        if imported.returncode != 0:
            last = (imported.stderr.strip().splitlines() or ["?"])[-1]
            failures[name] = last[:200]
    shutil.rmtree(venv, ignore_errors=True)
    return {"install": None, "imports": failures}


def cause(result: dict) -> str:
    if result.get("requirements") is None:
        return "no requirements"
    if result["install"]:
        return "install failed"
    if not result["imports"]:
        return "restored"
    kinds = {
        "ModuleNotFoundError" if "ModuleNotFoundError" in text else "other import error"
        for text in result["imports"].values()
    }
    return "missing module" if kinds == {"ModuleNotFoundError"} else "import error"


def requirement_name(line: str) -> str:
    return re.split(r"[<>=!~ ;\[]", line, maxsplit=1)[0]


@dataclass
class Flag:
    """A flag the sidebar shows beside a package (``IndexChecks.forOverlay``)."""

    key: str
    status: str
    use: str | None = None
    pins: dict[str, str] | None = None
    #: For ``provided``: the package each dotted import is in.
    providers: dict[str, str] = field(default_factory=dict)
    #: For ``provided``: every import behind the package moved (it goes).
    moved: bool = False


def flags(answer: dict) -> list[Flag]:
    """The flags of the CLI's ``--json`` answer: what ``IndexChecks.forOverlay`` gives
    the sidebar (index checks for Python 3.11)."""
    modules = {package["key"]: package["modules"] for package in answer["packages"]}
    result = []
    for flag in answer["flags"]:
        providers = flag.get("providers") or {}
        # *Use …* removes the package when every import behind it moved.
        moved = bool(providers) and all(m in providers for m in modules[flag["key"]])
        result.append(
            Flag(flag["key"], flag["status"], flag.get("use"), flag.get("pins"), providers, moved)
        )
    return result


def fixed(requirements: list[str], verdicts: list[Flag]) -> list[str]:
    """The requirements after every one-click fix the sidebar offers: *Remove* (not
    on the index), *Use* (renamed; or the packages dotted imports are in), *Any
    version* (a pin without a wheel), *Hold back* (a cap joins the package's
    specifier, or adds it), *Add* (what imported modules need, capped when a release
    removed it), *Use <V* (a module a release removed), as ``IndexFlag.tsx``
    and ``packageEdits.ts`` do."""
    lines = {canonicalize_name(requirement_name(line)): line for line in requirements}
    for verdict in verdicts:
        key = canonicalize_name(verdict.key)
        if verdict.status == "pinned" and key in lines:
            lines[key] = requirement_name(lines[key])
        if verdict.status == "missing":
            lines.pop(key, None)
        elif verdict.status == "renamed" and verdict.use and key in lines:
            line = lines.pop(key)
            lines[canonicalize_name(verdict.use)] = line.replace(
                requirement_name(line), verdict.use, 1
            )
        elif verdict.status == "provided":
            for provider in verdict.providers.values():
                lines[canonicalize_name(provider)] = provider
            if verdict.moved:
                lines.pop(key, None)
        for name, cap in (verdict.pins or {}).items():
            if verdict.status == "needs" and cap == "*":
                lines.setdefault(canonicalize_name(name), name)
            elif verdict.status in ("held-back", "needs", "gone"):
                # A cap: held back, or what brings back what a release removed.
                line = lines.get(canonicalize_name(name), name)
                lines[canonicalize_name(name)] = f"{line},{cap}" if line != name else f"{name}{cap}"
    return list(lines.values())


def scored(notebook: Path, uv: Path, pipreqs: Path) -> dict:
    """A notebook's row; a scorer error (not the tools') fails that row, not the run."""
    try:
        return score(notebook, uv, pipreqs)
    except Exception as error:  # any bug of ours: reported in the row
        failed = {"requirements": None, "install": f"scorer: {error!r}", "imports": {}}
        failed.update(cause="scorer error", flagged=[])
        return {
            "notebook": str(notebook),
            "modules": [],
            **{tool: dict(failed) for tool in ("ours", "pipreqs")},
            "fixed": {**failed, "changed": False},
        }


def score(notebook: Path, uv: Path, pipreqs: Path) -> dict:
    modules = notebook_modules(notebook)
    local = {p.stem for p in notebook.parent.glob("*.py")}
    modules = {m for m in modules if top(m) not in local}
    row = {"notebook": str(notebook), "modules": sorted(modules)}
    verdicts: list[Flag] = []
    for tool in ("ours", "pipreqs"):
        with tempfile.TemporaryDirectory(prefix="real-nb-") as tmp:
            scratch = Path(tmp)
            made = (
                ours(notebook, scratch) if tool == "ours" else baseline(notebook, scratch, pipreqs)
            )
            if isinstance(made, tuple):
                made, verdicts = made
            if isinstance(made, str):
                row[tool] = {"requirements": None, "install": made, "imports": {}}
            else:
                row[tool] = {"requirements": made, **restore(made, modules, scratch, uv)}
        row[tool]["cause"] = cause(row[tool])
    row["ours"]["flagged"] = [f"{v.key}: {v.status}" for v in verdicts]
    after = fixed(row["ours"]["requirements"] or [], verdicts)
    if row["ours"]["requirements"] is None or after == row["ours"]["requirements"]:
        row["fixed"] = {**row["ours"], "changed": False}
    else:
        with tempfile.TemporaryDirectory(prefix="real-nb-") as tmp:
            row["fixed"] = {"requirements": after, **restore(after, modules, Path(tmp), uv)}
        row["fixed"]["changed"] = True
        row["fixed"]["cause"] = cause(row["fixed"])
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--results",
        type=Path,
        default=None,
        help="write every row as JSON (after each notebook: a stopped run keeps its rows)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="keep the rows already in --results and score only the other notebooks",
    )
    args = parser.parse_args()
    uv, pipreqs = tools()
    notebooks = sorted(args.corpus.glob("*/*.ipynb"))
    if args.limit:
        notebooks = notebooks[: args.limit]
    projects = {n.parent.name for n in notebooks}
    start = time.monotonic()
    rows = []
    if args.resume and args.results and args.results.exists():
        rows = [r for r in json.loads(args.results.read_text()) if Path(r["notebook"]) in notebooks]
        done = {Path(r["notebook"]) for r in rows}
        print(f"resuming: {len(rows)} rows kept from {args.results}", flush=True)
        notebooks = [n for n in notebooks if n not in done]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for row in pool.map(lambda n: scored(n, uv, pipreqs), notebooks):
            rows.append(row)
            print(f"{row['ours']['cause']:>16} | {row['pipreqs']['cause']:<16} {row['notebook']}",
                  flush=True)  # fmt: skip
            if args.results:
                args.results.write_text(json.dumps(rows, indent=1))
    print(f"\n{len(rows)} notebooks from {len(projects)} projects, "
          f"{time.monotonic() - start:.0f} s, Python {sys.version.split()[0]}")  # fmt: skip
    print(f"{'':<18}{'ours':>8}{'ours, fixed':>13}{'pipreqs':>10}")
    kinds = ("restored", "install failed", "missing module", "import error", "no requirements")
    for kind in (*kinds, "scorer error"):
        counts = [sum(r[t]["cause"] == kind for r in rows) for t in ("ours", "fixed", "pipreqs")]
        print(f"{kind:<18}{counts[0]:>8}{counts[1]:>13}{counts[2]:>10}")
    failed = [r for r in rows if r["ours"]["cause"] != "restored"]
    shown = [r for r in failed if r["ours"]["flagged"]]
    print(
        f"ours not restored: {len(failed)}, of which flagged in the sidebar before the "
        f"build: {len(shown)} ({Counter(f for r in shown for f in r['ours']['flagged'])})"
    )
    changed = [r for r in rows if r["fixed"]["changed"]]
    print(
        f"the sidebar's one-click fixes change {len(changed)} notebooks' requirements: "
        f"{sum(r['ours']['cause'] == 'restored' for r in changed)} restored before, "
        f"{sum(r['fixed']['cause'] == 'restored' for r in changed)} after"
    )
    for tool in ("ours", "fixed", "pipreqs"):
        restored = sum(r[tool]["cause"] == "restored" for r in rows)
        print(
            f"{tool}: {restored}/{len(rows)} restored ({100 * restored / max(1, len(rows)):.0f}%)"
        )
        missing = Counter(m for r in rows for m in r[tool]["imports"])
        print(f"  modules most often not importable: {missing.most_common(12)}")


if __name__ == "__main__":
    main()
