"""Which PyPI distribution provides an import name.

The bundled table (``src/imports/data/distributions.json``, the frontend's; an installed
package carries a copy as ``jupyterlab_overlays/distributions.json``: ``pyproject.toml``,
``force-include``) knows the common ones (``sklearn``: scikit-learn).
``data/providers.json.gz`` (made by ``scripts/generate_providers.py`` from the
top-level module names of PyPI distributions) maps names such as ``sksurv`` to the one
distribution that declares them (``scikit-survival``). The frontend asks for the names it
would otherwise write as they are: ``GET overlays/providers?module=<m>[&module=…]``.
"""

from __future__ import annotations

import gzip
import json
import re
from functools import cache
from pathlib import Path

from .shared_data import shared_json

DATA = Path(__file__).parent / "data" / "providers.json.gz"
MODULE_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,199}")
MAX_MODULES = 200


@cache
def _bundled() -> dict[str, str]:
    return shared_json("src/imports/data/distributions.json")["modules"]


def provider_of(module: str) -> str | None:
    """The distribution an import name is in, by the bundled table, else by the long
    tail (``sklearn`` → ``scikit-learn``); None when neither knows it."""
    found = _bundled().get(module)
    if found is None:
        entry = _table()["modules"].get(module)
        found = entry[0] if entry is not None else None
    return found


@cache
def _table() -> dict:
    with gzip.open(DATA, "rt", encoding="utf-8") as file:
        return json.load(file)


def source() -> str:
    """Where the table came from, for the answer."""
    return _table()["source"]


def lookup(modules: list[str]) -> dict[str, dict[str, str]]:
    """``{module: {"distribution", "version"}}`` for the modules the table knows; the
    version is the release whose metadata names the module."""
    table = _table()["modules"]
    found = {}
    for module in modules:
        entry = table.get(module)
        if entry is not None:
            found[module] = {"distribution": entry[0], "version": entry[1]}
    return found
