"""The index check as a command (``python -m jupyterlab_overlays.index_report``), and
the command line's Create holding back what it says (``overlays-cli.mjs
--check-index``), as the sidebar's Create does."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jupyterlab_overlays import index_report
from jupyterlab_overlays.tests.demo_workspace import CLI, CLI_TIMEOUT

ROOT = Path(__file__).resolve().parents[2]


def run_report(*args: str, index: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own module)
        [sys.executable, "-m", "jupyterlab_overlays.index_report", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PIP_INDEX_URL": index},
        cwd=ROOT,
    )


def test_the_command_refuses_what_the_endpoint_refuses():
    assert index_report.problem([], [], "3.11") == "Name at least one package: ?name=<package>."
    assert "Not a package name" in index_report.problem(["a b"], [], "3.11")
    assert "Not a dotted import path" in index_report.problem([], ["zc"], "3.11")
    assert "python must be like 3.11" in index_report.problem(["six"], [], "2.7")
    assert index_report.problem(["six==1.0"], ["zc.lockfile"], "3.12") is None
    refused = run_report("a b", index="http://127.0.0.1:9/simple/")
    assert refused.returncode == 2
    assert "Not a package name" in refused.stderr


def test_the_command_says_when_the_index_cannot_be_reached():
    answer = run_report("six", "--import", "zc.lockfile", index="http://127.0.0.1:9/simple/")
    assert answer.returncode == 0, answer.stderr
    report = json.loads(answer.stdout)
    assert report["index"] == "http://127.0.0.1:9/simple/"
    assert [(r["name"], r["status"]) for r in report["results"]] == [("six", "unknown")]
    assert [(i["module"], i["unknown"]) for i in report["imports"]] == [("zc.lockfile", True)]


def create(tmp_path: Path, source: str, *options: str, index: str) -> tuple[str, str]:
    """The Pipfile the CLI's create writes, and what it prints."""
    node = shutil.which("node")
    assert node, "this test needs node on PATH"
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": source,
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "plots.ipynb").write_text(json.dumps(notebook))
    made = subprocess.run(  # noqa: S603 (our own command line)
        [node, str(CLI), "create", str(tmp_path), "plots", "plots.ipynb", *options],
        check=True,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        env={**os.environ, "PIP_INDEX_URL": index, "OVERLAYS_PYTHON": sys.executable},
    )
    return (tmp_path / "overlays" / "plots" / "Pipfile").read_text(), made.stdout


def test_an_index_out_of_reach_holds_nothing_back(tmp_path):
    pipfile, _ = create(
        tmp_path, "import arviz", "--check-index", index="http://127.0.0.1:9/simple/"
    )
    assert '[packages]\narviz = "*"\n\n' in pipfile


@pytest.mark.slow
def test_create_holds_back_what_the_real_index_says(tmp_path):
    """arviz 0.23.4 is the last release for Python 3.11; matplotlib 3.11 came after
    (``test_held_back.py``): Create caps it, saying why; without the index, it does
    not."""
    pipfile, printed = create(
        tmp_path,
        "import arviz",
        "--check-index",
        "--python",
        "3.11",
        "--json",
        index="https://pypi.org/simple/",
    )
    why = "  # held back: arviz has no newer release for Python 3.11\n"
    assert '[packages]\narviz = "*"\n' in pipfile
    assert f'matplotlib = "<3.11"{why}' in pipfile
    # The sidebar's flag stays, with no cap left to offer (what --json prints).
    (flag,) = json.loads(printed.splitlines()[-1])["flags"]
    assert (flag["key"], flag["status"], flag["pins"]) == ("arviz", "held-back", {})
    plain, _ = create(tmp_path / "plain", "import arviz", index="https://pypi.org/simple/")
    assert "matplotlib" not in plain


@pytest.mark.slow
def test_create_puts_a_dotted_import_in_the_project_the_real_index_says(tmp_path):
    """The project zc is a placeholder; zc.lockfile's files hold zc/lockfile.py
    (``test_import_providers.py``): Create writes zc-lockfile and the override."""
    pipfile, _ = create(
        tmp_path, "import zc.lockfile", "--check-index", index="https://pypi.org/simple/"
    )
    assert '[packages]\nzc-lockfile = "*"\n\n' in pipfile
    overlay = json.loads((tmp_path / "overlays" / "plots" / "overlay.json").read_text())
    assert overlay == {"overrides": {"zc.lockfile": "zc-lockfile"}}
