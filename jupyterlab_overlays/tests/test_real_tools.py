"""The files we generate, checked by the real tools.

A copy of demo/ gets three overlays from the real workspace model
(src/workspace/model.ts, run by scripts/overlays-cli.mjs over the real
filesystem). Then:

- the real `pipenv lock` resolves each generated Pipfile against PyPI, and
  `pipenv verify` agrees the lock matches it;
- thamos itself checks the generated .thoth.yaml (its schema) and sees an
  up-to-date lock for every overlay; thamos cannot share this test venv, so
  it gets a venv of its own, made once in .venv-thamos (see thamos_python);
- the generated .aicoe-ci.yaml lists the overlays with `build-stratergy`.

These need node (with the project's node_modules) and PyPI, and take a
minute or so; `pytest -m "not slow"` leaves them out. `pytest -s` shows how
long each lock took.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .demo_workspace import OVERLAYS, Lock, Workspace, normalise, pipenv

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

pytestmark = pytest.mark.slow

#: Distributions each overlay's Pipfile must name (demo/README.md), as PyPI
#: spells them, never as the import name (`sklearn`, `dotenv`, `yaml`).
EXPECTED_PACKAGES = {
    "download-dataset": {"requests", "tqdm", "python-dotenv"},
    "preprocess-dataset": {"pandas", "numpy", "scikit-learn", "pyyaml"},
    "train-model": {"pandas", "scikit-learn", "joblib", "matplotlib"},
}


# --- the workspace (made once per session: demo_workspace.py) ---------------


@pytest.fixture(scope="module")
def workspace(demo_workspace: Workspace) -> Workspace:
    """A copy of demo/ with the three overlays created by the CLI."""
    return demo_workspace


def pipfile_packages(path: Path) -> dict[str, object]:
    return tomllib.loads(path.read_text())["packages"]


def test_cli_creates_the_overlays(workspace: Workspace):
    root = workspace.root
    for name, notebook in OVERLAYS.items():
        pipfile = root / "overlays" / name / "Pipfile"
        assert pipfile.is_file(), f"no {pipfile}"
        printed = workspace.output[name].splitlines()
        for written in (f"overlays/{name}/Pipfile", ".thoth.yaml", ".aicoe-ci.yaml", notebook):
            assert f"wrote {written}" in printed, workspace.output[name]

        data = tomllib.loads(pipfile.read_text())
        assert data["requires"]["python_version"] == "3.11"
        assert [source["url"] for source in data["source"]] == ["https://pypi.org/simple"]
        names = {normalise(key) for key in data["packages"]}
        assert EXPECTED_PACKAGES[name] <= names, names
        assert not names & {"sklearn", "dotenv", "yaml", "pipeline-utils"}, names

        tagged = json.loads((root / notebook).read_text())
        assert tagged["metadata"]["overlay"]["name"] == name
    assert (root / ".thoth.yaml").is_file()
    assert (root / ".aicoe-ci.yaml").is_file()


# --- pipenv ----------------------------------------------------------------


@pytest.fixture(scope="module")
def locks(demo_locks) -> dict[str, Lock]:
    """`pipenv lock` in each overlay's folder (once per session)."""
    return demo_locks


@pytest.mark.parametrize("name", list(OVERLAYS))
def test_pipenv_locks_the_pipfile(name, workspace: Workspace, locks, pipenv_env, record_property):
    lock = locks[name]
    record_property("pipenv_lock_seconds", round(lock.seconds, 1))
    assert lock.returncode == 0, f"pipenv lock {name} failed:\n{lock.output}"

    folder = workspace.root / "overlays" / name
    lockfile = folder / "Pipfile.lock"
    assert lockfile.is_file()
    data = json.loads(lockfile.read_text())
    assert re.fullmatch(r"[0-9a-f]{64}", data["_meta"]["hash"]["sha256"])
    assert data["_meta"]["requires"] == {"python_version": "3.11"}

    wanted = {normalise(key) for key in pipfile_packages(folder / "Pipfile")}
    locked = {normalise(key) for key in data["default"]}
    assert wanted <= locked, f"not locked: {sorted(wanted - locked)}"
    for package in wanted:
        entry = data["default"][package]
        assert entry["version"].startswith("=="), entry
        assert entry["hashes"], entry

    # pipenv's own check that the lock is the Pipfile's (the hash matches).
    verify = pipenv(["verify"], folder, pipenv_env, timeout=120)
    assert verify.returncode == 0, verify.output


# --- .thoth.yaml -----------------------------------------------------------

THAMOS = "thamos==1.29.1"
THAMOS_VENV = Path(__file__).resolve().parents[2] / ".venv-thamos"


@pytest.fixture(scope="session")
def thamos_python() -> str:
    """The Python of a venv with thamos, made once in .venv-thamos.

    thamos cannot share this test venv: thamos 1.29.1 needs thoth-python,
    whose releases need packaging<22 (0.17.0 says so; 0.16.11 imports
    packaging.version.LegacyVersion, which packaging 22 removed), while
    jupyterlab, jupyter_server, pytest and pipenv need a newer packaging.
    OVERLAYS_THAMOS_PYTHON may name another venv's Python.
    """
    given = os.environ.get("OVERLAYS_THAMOS_PYTHON")
    if given:
        return given
    python = THAMOS_VENV / "bin" / "python"
    marker = THAMOS_VENV / ".installed"
    if not marker.exists() or marker.read_text() != THAMOS:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(THAMOS_VENV)], check=True)  # noqa: S603
        subprocess.run(  # noqa: S603 - our own arguments
            [str(python), "-m", "pip", "install", "-q", THAMOS], check=True, timeout=900
        )
        marker.write_text(THAMOS)
    return str(python)


def test_thoth_yaml_lists_the_overlays(workspace: Workspace):
    config = yaml.safe_load((workspace.root / ".thoth.yaml").read_text())

    assert config["overlays_dir"] == "overlays"
    assert config["requirements_format"] == "pipenv"
    environments = config["runtime_environments"]
    assert [entry["name"] for entry in environments] == list(OVERLAYS)
    for entry in environments:
        assert entry["python_version"] == "3.11"
        assert (workspace.root / "overlays" / entry["name"]).is_dir()


# Run with thamos's Python in the workspace root (where .thoth.yaml is).
THAMOS_SCRIPT = """
import json
from thamos.config import config

config.check_schema()
names = [entry["name"] for entry in config.list_runtime_environments()]
for name in names:
    project = config.get_project(name)  # the overlay's Pipfile and Pipfile.lock
    assert project.pipfile_lock is not None, f"{name}: no Pipfile.lock"
    assert project.pipfile.hash() == project.pipfile_lock.meta.hash, f"{name}: stale lock"
print(json.dumps(names))
"""


def test_thamos_itself_accepts_the_workspace(workspace: Workspace, locks, thamos_python):
    """thamos's own schema check, and its `thamos verify` view of the locks."""
    assert all(lock.returncode == 0 for lock in locks.values()), "a lock failed"
    result = subprocess.run(  # noqa: S603 - our own arguments
        [thamos_python, "-c", THAMOS_SCRIPT],
        cwd=workspace.root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == list(OVERLAYS)


def test_thamos_refuses_what_its_schema_forbids(workspace: Workspace, thamos_python, tmp_path):
    """The check above can fail: thamos refuses a key its schema does not allow."""
    broken = (
        workspace.root.joinpath(".thoth.yaml")
        .read_text()
        .replace("recommendation_type: latest", "recommendation_type: latest\n    colour: red", 1)
    )
    tmp_path.joinpath(".thoth.yaml").write_text(broken)
    result = subprocess.run(  # noqa: S603 - our own arguments
        [thamos_python, "-c", "from thamos.config import config; config.check_schema()"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "colour" in result.stderr


# --- .aicoe-ci.yaml --------------------------------------------------------


def test_aicoe_ci_lists_the_overlays(workspace: Workspace):
    config = yaml.safe_load((workspace.root / ".aicoe-ci.yaml").read_text())
    assert config["overlays_dir"] == "overlays"
    assert "overlays-build" in config["check"]
    overlays = config["overlays"]
    assert [overlay["name"] for overlay in overlays] == list(OVERLAYS)
    for overlay in overlays:
        build = overlay["build"]
        # AICoE CI really spells it so.
        assert build["build-stratergy"] == "Source"
        assert build["base-image"] == "quay.io/thoth-station/s2i-thoth-ubi9-py311:latest"
        assert build["registry"] == "quay.io"
        # settings.project is the workspace folder's name.
        assert build["registry-project"] == f"{workspace.root.name}-{overlay['name']}"
