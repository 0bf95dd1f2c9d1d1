"""CPython `ast` baseline for benchmarks/imports.mjs.

Reads a JSON list of notebooks, and for each code cell blanks IPython lines
(a line starting with `%` or `!` becomes `pass` at the same indentation; a
cell under a non-Python `%%` cell magic is skipped), then walks `ast.parse`
for Import / ImportFrom nodes. Only the extraction is timed, not loading the
file. Prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import ast
import json
import platform
import statistics
import time

# Same set as PYTHON_CELL_MAGICS in src/imports/magics.ts.
PYTHON_CELL_MAGICS = {
    "capture",
    "debug",
    "memit",
    "prun",
    "python",
    "python3",
    "time",
    "timeit",
}


def prepare(source: str) -> str:
    """The cell as Python: IPython lines blanked, line numbers kept."""
    lines = source.split("\n")
    first = lines[0].lstrip()
    if first.startswith("%%"):
        magic = first[2:].strip().split(maxsplit=1)
        if not magic or magic[0] not in PYTHON_CELL_MAGICS:
            return ""
        lines[0] = ""
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            lines[i] = line[: len(line) - len(stripped)] + "pass"
    return "\n".join(lines)


def cell_modules(code: str) -> list[str] | None:
    """Top-level modules of Import / ImportFrom nodes; None on SyntaxError.

    Relative imports and `__future__` are left out, as in extract.ts.
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.partition(".")[0]
                if top != "__future__":
                    found.append(top)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            top = node.module.partition(".")[0]
            if top != "__future__":
                found.append(top)
    return found


def extract_all(notebooks: list[dict], prefilter: bool) -> list[list[str] | None]:
    """One entry per code cell, in corpus order."""
    results = []
    for notebook in notebooks:
        for cell in notebook["cells"]:
            if cell.get("cell_type") != "code":
                continue
            source = cell["source"]
            if isinstance(source, list):
                source = "".join(source)
            code = prepare(source)
            if prefilter and "import" not in code:
                results.append([])
                continue
            results.append(cell_modules(code))
    return results


def code_bytes(notebooks: list[dict]) -> int:
    total = 0
    for notebook in notebooks:
        for cell in notebook["cells"]:
            if cell.get("cell_type") == "code":
                source = cell["source"]
                if isinstance(source, list):
                    source = "".join(source)
                total += len(source.encode("utf-8"))
    return total


def measure(notebooks: list[dict], prefilter: bool, warmup: int, runs: int) -> dict:
    for _ in range(warmup):
        extract_all(notebooks, prefilter)
    seconds = []
    result: list = []
    for _ in range(runs):
        start = time.perf_counter()
        result = extract_all(notebooks, prefilter)
        seconds.append(time.perf_counter() - start)
    return {"seconds": seconds, "median_s": statistics.median(seconds), "cells": result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", help="JSON file: a list of notebooks")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument(
        "--prefilter-runs",
        type=int,
        default=0,
        help="also time a variant that skips cells without the word 'import'",
    )
    args = parser.parse_args()

    with open(args.corpus, encoding="utf-8") as handle:
        notebooks = json.load(handle)
    total = code_bytes(notebooks)

    plain = measure(notebooks, False, args.warmup, args.runs)
    out = {
        "python": platform.python_version(),
        "bytes": total,
        "runs": args.runs,
        "warmup": args.warmup,
        "seconds": plain["seconds"],
        "median_s": plain["median_s"],
        "mb_per_s": total / 1e6 / plain["median_s"],
        "syntax_errors": sum(1 for cell in plain["cells"] if cell is None),
        "cells": plain["cells"],
    }
    if args.prefilter_runs > 0:
        filtered = measure(notebooks, True, min(args.warmup, 1), args.prefilter_runs)
        out["prefilter"] = {
            "runs": args.prefilter_runs,
            "median_s": filtered["median_s"],
            "mb_per_s": total / 1e6 / filtered["median_s"],
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
