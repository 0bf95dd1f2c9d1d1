"""Write ``src/overlay/__tests__/names.cases.json``: a few hundred overlay names, each
judged by the rules of every place an overlay name goes, none of them ours.

A name is valid when all of these accept it:

- thamos' ``.thoth.yaml`` schema: ``^[a-zA-Z0-9_-]+$``;
- a folder: not ``.`` or ``..``, no ``/``;
- an image repository path component (the distribution reference grammar), lower-cased,
  on its own (``.aicoe-ci.yaml`` without a project) and after ``<project>-``;
- an Elyra runtime image instance name, ``overlay-<name>`` lower-cased;
- a Kubernetes label value (at most 63 characters, alphanumeric at both ends).

Both sides' tests (jest: ``src/overlay/__tests__/names.spec.ts``; pytest:
``test_workspace.py``) check their rule against this file, and pytest checks that this
script still writes the same file. ``python scripts/generate_name_cases.py`` rewrites it.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "overlay" / "__tests__" / "names.cases.json"

THAMOS = re.compile(r"^[a-zA-Z0-9_-]+$")
PATH_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*")
ELYRA = re.compile(r"^[a-z]([a-z0-9-_]*[a-z0-9])?$")
LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")


def accepted_everywhere(name: str) -> bool:
    lower = name.lower()
    return (
        bool(name)
        and THAMOS.fullmatch(name) is not None
        and name not in {".", ".."}
        and "/" not in name
        and PATH_COMPONENT.fullmatch(lower) is not None
        and PATH_COMPONENT.fullmatch(f"project-{lower}") is not None
        and ELYRA.fullmatch(f"overlay-{lower}") is not None
        and len(name) <= 63
        and LABEL_VALUE.fullmatch(name) is not None
    )


def names() -> list[str]:
    alphabet = "aZ0-_."
    short = ["".join(chars) for n in (1, 2, 3) for chars in itertools.product(alphabet, repeat=n)]
    special = [
        "",
        "..",
        "tiny\n",
        "a\nb",
        "\u00fcn\u00ef",
        "a b",
        "a/b",
        "../x",
        "x" * 63,
        "x" * 64,
        "a--b",
        "a__b",
        "a___b",
        "A-b_9",
        "train_",
        "a_-b",
        "a-_b",
        "x__",
        "-x",
        "download-dataset",
        "Train-Model",
        "step_2-train",
    ]
    return sorted(set(short + special))


def cases() -> dict[str, list[str]]:
    every = names()
    return {
        "valid": [name for name in every if accepted_everywhere(name)],
        "invalid": [name for name in every if not accepted_everywhere(name)],
    }


def render() -> str:
    return json.dumps(cases(), indent=1, ensure_ascii=True) + "\n"


if __name__ == "__main__":
    OUT.write_text(render())
    data = cases()
    print(f"{OUT}: {len(data['valid'])} valid, {len(data['invalid'])} invalid")
