"""Gather a corpus of real public notebooks for benchmarks/real_notebooks.py.

The notebooks come from the source distributions that data-science projects publish
on PyPI (their example and tutorial notebooks): written by those projects, not by
this one. They go to a folder outside the repository (default
``~/.cache/jupyterlab-overlays/notebook-corpus``), one sub-folder per project, at most
``--per-project`` notebooks each (the first ones in name order), with ``SOURCES.json``
saying where each came from. Nothing of them is committed.

    .venv/bin/python benchmarks/fetch_notebook_corpus.py [--out DIR] [--per-project 8]
        [--projects a,b,…]

``--projects`` gathers other projects' notebooks instead (a held-out corpus, for a
second measurement the code was not tuned on; ``HELD_OUT`` is the one used).
"""

from __future__ import annotations

import argparse
import io
import json
import tarfile
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin

#: Projects whose source distributions carry notebooks (checked 2026-12-07).
PROJECTS = [
    "statsmodels",
    "seaborn",
    "holoviews",
    "sktime",
    "dowhy",
    "aif360",
    "tsfresh",
    "hdbscan",
    "pyLDAvis",
    "kats",
    "pmdarima",
    "linearmodels",
    "imbalanced-learn",
    "river",
    "scikit-survival",
    "pydeck",
    "keplergl",
    "hyperopt",
    "bambi",
    "shap",
]

#: Other projects whose source distributions carry notebooks (checked 2026-12-07), a
#: held-out corpus: ``--projects held-out``.
HELD_OUT = [
    "yellowbrick",
    "shapash",
    "mapie",
    "hvplot",
    "datashader",
    "geoviews",
    "panel",
    "colorcet",
    "emcee",
    "spopt",
    "libpysal",
    "esda",
    "pointpats",
    "tobler",
    "mesa",
    "alphalens",
    "scikit-surprise",
]

MAX_SDIST = 80_000_000
MAX_NOTEBOOK = 5_000_000


def sdist_of(project: str) -> tuple[str, bytes] | None:
    index = f"https://pypi.org/pypi/{project}/json"
    data = json.load(urllib.request.urlopen(index, timeout=30))
    sdists = [u for u in data["urls"] if u["packagetype"] == "sdist"]
    if not sdists or sdists[0]["size"] > MAX_SDIST:
        return None
    url = urljoin(index, sdists[0]["url"])
    return sdists[0]["filename"], urllib.request.urlopen(url, timeout=300).read()  # noqa: S310


def notebooks_in(filename: str, raw: bytes) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    if filename.endswith(".zip"):
        archive = zipfile.ZipFile(io.BytesIO(raw))
        for name in archive.namelist():
            if name.endswith(".ipynb") and ".ipynb_checkpoints" not in name:
                found[name] = archive.read(name)
    else:
        with tarfile.open(fileobj=io.BytesIO(raw)) as archive:
            for member in archive.getmembers():
                wanted = member.isfile() and member.name.endswith(".ipynb")
                small = member.size <= MAX_NOTEBOOK
                if wanted and small and ".ipynb_checkpoints" not in member.name:
                    found[member.name] = archive.extractfile(member).read()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--out", type=Path, default=Path.home() / ".cache/jupyterlab-overlays/notebook-corpus"
    )
    parser.add_argument("--per-project", type=int, default=8)
    parser.add_argument(
        "--projects",
        default="",
        help="comma-separated PyPI projects, or held-out (default: the main corpus')",
    )
    args = parser.parse_args()
    projects = (
        HELD_OUT
        if args.projects == "held-out"
        else [p.strip() for p in args.projects.split(",") if p.strip()] or PROJECTS
    )
    args.out.mkdir(parents=True, exist_ok=True)
    sources = {}
    for project in projects:
        try:
            got = sdist_of(project)
        except OSError as error:
            print(f"{project}: not reachable ({error})")
            continue
        if got is None:
            print(f"{project}: no usable source distribution")
            continue
        filename, raw = got
        found = notebooks_in(filename, raw)
        chosen = sorted(found)[: args.per_project]
        folder = args.out / project
        folder.mkdir(exist_ok=True)
        for name in chosen:
            target = folder / PurePosixPath(name).name
            target.write_bytes(found[name])
            sources[f"{project}/{target.name}"] = f"{filename}:{name}"
        print(f"{project}: {len(chosen)} of {len(found)} notebooks from {filename}")
    (args.out / "SOURCES.json").write_text(json.dumps(sources, indent=1, sort_keys=True))
    print(f"{len(sources)} notebooks from {len({k.split('/')[0] for k in sources})} projects")


if __name__ == "__main__":
    main()
