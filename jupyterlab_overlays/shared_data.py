"""The JSON files the frontend and the server share, read where they are: beside the
package when installed (``pyproject.toml``, ``force-include``), else in the frontend's
sources (a development checkout)."""

from __future__ import annotations

import json
from pathlib import Path


def shared_json(source: str) -> dict:
    """The file at ``source`` (``src/overlay/identity.json``): its installed copy, named
    like it, beside this module, else the source itself."""
    here = Path(__file__).resolve().parent
    name = Path(source).name
    for path in (here / name, here.parent / source):
        if path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))
    raise ImportError(f"jupyterlab_overlays: {name} is missing from the installation")
