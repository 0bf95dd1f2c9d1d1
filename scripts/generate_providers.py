"""Generate the long-tail import table the server consults
(jupyterlab_overlays/data/providers.json.gz).

    .venv/bin/python scripts/generate_providers.py [--verify 40]

The bundled frontend table (scripts/generate_import_tables.py) covers the
common names. For the rest, a notebook's `import sksurv` used to become the
requirement `sksurv`, which is not on PyPI. This table maps such names to the
one distribution on PyPI whose metadata declares that top-level module
(`sksurv` → scikit-survival, `causallearn` → causal-learn).

Source: the database shipped in pigar 2.2.0 (BSD-3-Clause), the top-level
module names (`top_level.txt`, else the wheel's RECORD) of 654,924 PyPI
distributions, each with the version they were read from. We keep a module
only when

- it is a plain identifier of three characters or more, not private, not a
  generic name (`utils`, `src`: usually a local module), not a namespace
  root, not in any Python's standard library, not decided by the bundled
  table;
- no distribution is named like it (then the name itself is the answer);
- exactly one distribution provides it (several: nothing to go on).

Every entry keeps the distribution version its module list was read from.
`--verify N` checks N entries picked at random (seeded, so a re-run picks the
same) against the distribution's own wheel on PyPI: the module must be a
top-level name in the wheel's file list. Only the wheel's zip directory is
read (HTTP range requests), not the whole file.

The output is deterministic: re-running it gives the same file.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import urllib.request
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_import_tables import GENERIC_NAMES, NAMESPACE_ROOTS, normalize

from jupyterlab_overlays.remote_zip import RangeFile

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "jupyterlab_overlays" / "data" / "providers.json.gz"
TABLES = ROOT / "src" / "imports" / "data"
PIGAR = "pigar==2.2.0"
#: A plain identifier of three characters or more (`sq`, `CA`: too likely someone's own).
IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]{2,}$")


def pigar_database(folder: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(folder), PIGAR],
        check=True,
    )
    wheel = next(folder.glob("pigar-*.whl"))
    target = folder / "pigar.sqlite3"
    with zipfile.ZipFile(wheel) as archive:
        target.write_bytes(archive.read("pigar/.db.sqlite3"))
    return target


def bundled_names() -> tuple[set[str], set[str]]:
    """The bundled table's import names and every Python's standard library."""
    distributions = json.loads((TABLES / "distributions.json").read_text())
    decided = set(distributions["modules"]) | set(distributions["ambiguous"])
    decided |= set(distributions["namespaces"])
    stdlib = json.loads((TABLES / "stdlib.json").read_text())["versions"]
    return decided, set().union(*map(set, stdlib.values()))


def providers(database: Path) -> tuple[dict[str, list[str]], dict[str, int]]:
    connection = sqlite3.connect(database)
    rows = connection.execute(
        "SELECT t.name, d.name, d.version FROM top_level_module_names t "
        "JOIN distributions d ON d.id = t.distribution_id"
    ).fetchall()
    names = {normalize(name) for (name,) in connection.execute("SELECT name FROM distributions")}
    connection.close()

    decided, stdlib = bundled_names()
    by_module: dict[str, set[tuple[str, str]]] = {}
    for module, distribution, version in rows:
        by_module.setdefault(module, set()).add((distribution, version))

    counts = {"distributions": len(names), "modules": len(by_module)}
    table = {}
    for module, found in by_module.items():
        if (
            not IDENTIFIER.match(module)
            or module in GENERIC_NAMES
            or module in NAMESPACE_ROOTS
            or module in stdlib
            or module in decided
            or normalize(module) in names
        ):
            continue
        if len(found) > 1:
            counts["several"] = counts.get("several", 0) + 1
            continue
        ((distribution, version),) = found
        table[module] = [distribution, version]
    counts["kept"] = len(table)
    return dict(sorted(table.items())), counts


# --- verification against PyPI --------------------------------------------


def wheel_top_level(distribution: str, version: str) -> set[str] | None:
    """The top-level names in a release's first wheel, or None without one."""
    request = urllib.request.Request(
        f"https://pypi.org/simple/{normalize(distribution)}/",
        headers={"Accept": "application/vnd.pypi.simple.v1+json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (PyPI)
        files = json.load(response)["files"]
    prefix = f"{re.sub(r'[-_.]+', '_', distribution).lower()}-{version}-"
    wheel = next(
        (
            item
            for item in files
            if item["filename"].endswith(".whl") and item["filename"].lower().startswith(prefix)
        ),
        None,
    )
    if wheel is None:
        return None
    with zipfile.ZipFile(RangeFile(wheel["url"], wheel["size"])) as archive:
        names = archive.namelist()
    top = set()
    for name in names:
        parts = name.split("/")
        if parts[0].endswith(".dist-info"):
            continue
        if parts[0].endswith(".data") and len(parts) > 2 and parts[1] in {"purelib", "platlib"}:
            parts = parts[2:]
        elif parts[0].endswith(".data"):
            continue
        top.add(parts[0].split(".")[0] if len(parts) == 1 else parts[0])
    return top


def verify(table: dict[str, list[str]], count: int) -> None:
    sample = random.Random(0).sample(  # noqa: S311 (a sample, not a secret)
        sorted(table), min(count, len(table))
    )
    confirmed, no_wheel, failed = 0, 0, []
    for module in sample:
        distribution, version = table[module]
        try:
            top = wheel_top_level(distribution, version)
        except Exception as error:
            failed.append(f"{module} → {distribution} {version}: {error}")
            continue
        if top is None:
            no_wheel += 1
        elif module in top:
            confirmed += 1
        else:
            failed.append(f"{module} → {distribution} {version}: wheel has {sorted(top)[:8]}")
    print(
        f"verified {len(sample)} entries at random against PyPI: {confirmed} confirmed by the"
        f" wheel's file list, {no_wheel} without a wheel (sdist only), {len(failed)} not confirmed"
    )
    for line in failed:
        print("  " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verify", type=int, default=0, metavar="N")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        table, counts = providers(pigar_database(Path(tmp)))
    payload = {
        "_comment": "Generated by scripts/generate_providers.py; do not edit by hand.",
        "source": f"{PIGAR} database (BSD-3-Clause): top-level modules of PyPI distributions",
        "distributions": counts["distributions"],
        "modules": table,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(payload, indent=0, sort_keys=True).encode() + b"\n"
    with OUT.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as out:
        out.write(data)
    print(
        f"{counts['distributions']} distributions, {counts['modules']} top-level names;"
        f" {counts.get('several', 0)} provided by several distributions left out;"
        f" {counts['kept']} kept ({OUT.stat().st_size // 1024} KiB)"
    )
    if args.verify:
        verify(table, args.verify)


if __name__ == "__main__":
    main()
