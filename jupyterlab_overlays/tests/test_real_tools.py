"""The files we generate, checked by the real tools.

A copy of demo/ gets three overlays from the real workspace model
(src/workspace/model.ts, run by scripts/overlays-cli.mjs over the real
filesystem). Then:

- the real `pipenv lock` resolves each generated Pipfile against PyPI, and
  `pipenv verify` agrees the lock matches it;
- the generated .thoth.yaml passes thamos's configuration schema (copied
  below: thamos cannot be installed next to this test suite, see
  THAMOS_SCHEMA); with OVERLAYS_THAMOS_PYTHON set to the Python of a venv
  where thamos is installed, thamos itself checks it too;
- the generated .aicoe-ci.yaml lists the overlays with `build-stratergy`.

These need node (with the project's node_modules) and PyPI, and take a
minute or so; `pytest -m "not slow"` leaves them out. `pytest -s` shows how
long each lock took.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
import yaml

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "scripts" / "overlays-cli.mjs"
DEMO = ROOT / "demo"

#: overlay name → the demo notebook it is made from.
OVERLAYS = {
    "download-dataset": "notebooks/download_dataset.ipynb",
    "preprocess-dataset": "notebooks/preprocess_dataset.ipynb",
    "train-model": "notebooks/train_model.ipynb",
}

#: Distributions each overlay's Pipfile must name (demo/README.md), as PyPI
#: spells them, never as the import name (`sklearn`, `dotenv`, `yaml`).
EXPECTED_PACKAGES = {
    "download-dataset": {"requests", "tqdm", "python-dotenv"},
    "preprocess-dataset": {"pandas", "numpy", "scikit-learn", "pyyaml"},
    "train-model": {"pandas", "scikit-learn", "joblib", "matplotlib"},
}

CLI_TIMEOUT = 300  # seconds; the first run compiles src/ with tsc
LOCK_TIMEOUT = 900  # seconds per `pipenv lock`
SLOW_LOCK = 300  # seconds; a lock slower than this is reported


def normalise(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


# --- the workspace ---------------------------------------------------------


@dataclass
class Workspace:
    root: Path
    #: overlay name → what the CLI printed.
    output: dict[str, str]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Workspace:
    """A copy of demo/ with the three overlays created by the CLI."""
    node = shutil.which("node")
    assert node, "these tests need node on PATH"
    assert (ROOT / "node_modules" / "typescript").is_dir(), "run `jlpm install` first"
    root = tmp_path_factory.mktemp("workspace") / "demo"
    shutil.copytree(DEMO, root)
    output = {}
    for name, notebook in OVERLAYS.items():
        result = subprocess.run(  # noqa: S603 - our own arguments
            [node, str(CLI), "create", str(root), name, notebook, "--python", "3.11"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT,
        )
        assert result.returncode == 0, f"overlays-cli create {name}:\n{result.stderr}"
        output[name] = result.stdout
    return Workspace(root, output)


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


@dataclass
class Lock:
    returncode: int | None
    seconds: float
    output: str


@pytest.fixture(scope="module")
def pipenv_env(tmp_path_factory) -> dict[str, str]:
    """The environment of pipenv runs: no pipenv or virtualenv settings of
    ours (PIPENV_VENV_IN_PROJECT, an active venv), and a throwaway home for
    pipenv's cache, its virtualenvs and virtualenv's seed data."""
    home = tmp_path_factory.mktemp("pipenv-home")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PIPENV_", "VIRTUALENV_"))
        and key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")
    }
    env.update(
        PIPENV_IGNORE_VIRTUALENVS="1",
        PIPENV_YES="1",
        PIPENV_NOSPIN="1",
        PIPENV_CACHE_DIR=str(home / "cache"),
        WORKON_HOME=str(home / "venvs"),
        VIRTUALENV_OVERRIDE_APP_DATA=str(home / "virtualenv"),
    )
    return env


def pipenv(args: list[str], cwd: Path, env: dict[str, str], timeout: float) -> Lock:
    """Run the test venv's pipenv; a timeout is a failed run, not an error."""
    start = time.monotonic()
    try:
        result = subprocess.run(  # noqa: S603 - our own arguments
            [sys.executable, "-m", "pipenv", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as error:
        output = (error.stdout or b"").decode() + (error.stderr or b"").decode()
        return Lock(None, time.monotonic() - start, f"timed out after {timeout} s\n{output}")
    return Lock(result.returncode, time.monotonic() - start, result.stdout + result.stderr)


@pytest.fixture(scope="module")
def locks(workspace: Workspace, pipenv_env) -> dict[str, Lock]:
    """`pipenv lock` in each overlay's folder, one after the other."""
    done = {}
    for name in OVERLAYS:
        folder = workspace.root / "overlays" / name
        done[name] = pipenv(
            ["lock", "--python", sys.executable], folder, pipenv_env, timeout=LOCK_TIMEOUT
        )
        seconds = done[name].seconds
        slow = f"  SLOW: over {SLOW_LOCK} s" if seconds > SLOW_LOCK else ""
        print(f"\npipenv lock {name}: {seconds:.1f} s{slow}")
    return done


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

# thamos cannot be installed into this test venv: thamos 1.29.1 (the latest)
# needs thoth-python, and thoth-python needs packaging<22 (0.17.0 says so;
# 0.16.11 does not say so but imports packaging.version.LegacyVersion, which
# packaging 22 removed), while jupyterlab (>=23.2), jupyter_server (>=22),
# pytest (>=24) and pipenv (>=22) need a newer packaging. pip then picks
# thoth-python 0.16.11 and `import thamos.config` fails with ImportError.
#
# So these are the rules of thamos's own schema, from thamos 1.29.1,
# thamos/config.py, `_CONFIG_SCHEMA` and `_CONFIG_RUNTIME_ENVIRONMENT_SCHEMA`,
# which `thamos check` applies (`_Configuration.check_schema`, with
# jsonschema's `validate`). thamos: Copyright (C) 2018-2021 Fridolin Pokorny,
# GPL-3.0-or-later, https://github.com/thoth-station/thamos.
THAMOS_RUNTIME_ENVIRONMENT_SCHEMA = {
    "type": "object",
    "properties": {
        "cuda_version": {"type": ["string", "null"]},
        "openblas_version": {"type": ["string", "null"]},
        "openmpi_version": {"type": ["string", "null"]},
        "cudnn_version": {"type": ["string", "null"]},
        "mkl_version": {"type": ["string", "null"]},
        "base_image": {"type": ["string", "null"]},
        "labels": {"type": ["object", "null"]},
        "hardware": {
            "type": "object",
            "properties": {
                "cpu_family": {"type": "integer"},
                "cpu_model": {"type": "integer"},
                "gpu_model": {"type": ["string", "null"]},
            },
            "required": [],
            "additionalProperties": False,
        },
        "name": {"type": "string", "pattern": r"^[a-zA-Z0-9_-]+$"},
        "operating_system": {
            "type": "object",
            "properties": {
                "name": {"type": ["string", "null"]},
                "version": {"type": ["string", "null"]},
            },
            "required": ["name", "version"],
            "additionalProperties": False,
        },
        "platform": {"type": ["string", "null"]},
        "python_version": {"type": "string", "pattern": r"^[0-9]+\.[0-9]+$"},
        "recommendation_type": {
            "type": "string",
            "enum": ["latest", "stable", "performance", "security", "testing"],
        },
    },
    "additionalProperties": False,
    "required": ["name"],
}
THAMOS_SCHEMA = {
    "type": "object",
    "properties": {
        "host": {"type": "string", "format": "hostname"},
        "virtualenv": {"type": "boolean"},
        "tls_verify": {"type": "boolean"},
        "requirements_format": {"type": "string", "enum": ["pipenv", "pip", "pip-tools"]},
        "runtime_environments": {
            "type": "array",
            "items": THAMOS_RUNTIME_ENVIRONMENT_SCHEMA,
            "minItems": 1,
        },
        "managers": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}},
                "additionalProperties": True,
                "required": ["name"],
            },
        },
    },
    "required": ["host", "runtime_environments"],
}


def thamos_check_schema(config: object) -> None:
    """What `_Configuration.check_schema` does (no format checker, like thamos)."""
    jsonschema.validate(instance=config, schema=THAMOS_SCHEMA)


def test_thoth_yaml_passes_thamos_schema(workspace: Workspace):
    config = yaml.safe_load((workspace.root / ".thoth.yaml").read_text())
    thamos_check_schema(config)

    assert config["overlays_dir"] == "overlays"
    assert config["requirements_format"] == "pipenv"
    environments = config["runtime_environments"]
    assert [entry["name"] for entry in environments] == list(OVERLAYS)
    for entry in environments:
        assert entry["python_version"] == "3.11"
        assert (workspace.root / "overlays" / entry["name"]).is_dir()


@pytest.mark.parametrize(
    "break_it",
    [
        pytest.param(lambda c: c.pop("host"), id="no host"),
        pytest.param(lambda c: c.update(runtime_environments=[]), id="no environment"),
        pytest.param(lambda c: c["runtime_environments"][0].update(python="3.11"), id="extra key"),
        pytest.param(
            lambda c: c["runtime_environments"][0].update(python_version="3.11.4"),
            id="python patch version",
        ),
        pytest.param(
            lambda c: c["runtime_environments"][0].update(recommendation_type="fast"),
            id="unknown recommendation",
        ),
        pytest.param(
            lambda c: c["runtime_environments"][0]["operating_system"].pop("version"),
            id="os without version",
        ),
    ],
)
def test_thamos_schema_is_strict(break_it, workspace: Workspace):
    """The copied rules refuse what thamos refuses, so passing them means something."""
    config = yaml.safe_load((workspace.root / ".thoth.yaml").read_text())
    break_it(config)
    with pytest.raises(jsonschema.ValidationError):
        thamos_check_schema(config)


THAMOS_PYTHON = os.environ.get("OVERLAYS_THAMOS_PYTHON")

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


@pytest.mark.skipif(
    not THAMOS_PYTHON,
    reason="set OVERLAYS_THAMOS_PYTHON to the Python of a venv with thamos installed",
)
def test_thamos_itself_accepts_the_workspace(workspace: Workspace, locks):
    """thamos's own schema check, and its `thamos verify` view of the locks."""
    assert all(lock.returncode == 0 for lock in locks.values()), "a lock failed"
    result = subprocess.run(  # noqa: S603 - our own arguments
        [THAMOS_PYTHON, "-c", THAMOS_SCRIPT],
        cwd=workspace.root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == list(OVERLAYS)


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
