"""The demo workspace with its three overlays, made once per test session.

A pytest plugin (``conftest.py`` loads it): a copy of demo/ gets three overlays
from the real workspace model (src/workspace/model.ts, run by
scripts/overlays-cli.mjs over the real filesystem), then the real
`pipenv lock` resolves each generated Pipfile against PyPI. Used by
test_real_tools.py (the files against the real tools) and test_build_demo.py
(a real build of the smallest overlay through the REST API). Tests that change
files work on a copy of ``demo_workspace.root``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "scripts" / "overlays-cli.mjs"
DEMO = ROOT / "demo"

#: overlay name → the demo notebook it is made from.
OVERLAYS = {
    "download-dataset": "notebooks/download_dataset.ipynb",
    "preprocess-dataset": "notebooks/preprocess_dataset.ipynb",
    "train-model": "notebooks/train_model.ipynb",
}

CLI_TIMEOUT = 300  # seconds; the first run compiles src/ with tsc
LOCK_TIMEOUT = 900  # seconds per `pipenv lock`
SLOW_LOCK = 300  # seconds; a lock slower than this is reported


def normalise(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class Workspace:
    root: Path
    #: overlay name → what the CLI printed.
    output: dict[str, str]


@dataclass
class Lock:
    returncode: int | None
    seconds: float
    output: str


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory) -> Workspace:
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


def pipenv_home_env(home: Path) -> dict[str, str]:
    """Where pipenv keeps its cache, virtualenvs and virtualenv's seed data: ``home``."""
    return {
        "PIPENV_CACHE_DIR": str(home / "cache"),
        "WORKON_HOME": str(home / "venvs"),
        "VIRTUALENV_OVERRIDE_APP_DATA": str(home / "virtualenv"),
    }


@pytest.fixture(scope="session")
def pipenv_home(tmp_path_factory) -> Path:
    """A throwaway home for pipenv's cache, its virtualenvs and virtualenv's seed data."""
    return tmp_path_factory.mktemp("pipenv-home")


@pytest.fixture(scope="session")
def pipenv_env(pipenv_home) -> dict[str, str]:
    """The environment of pipenv runs: no pipenv or virtualenv settings of
    ours (PIPENV_VENV_IN_PROJECT, an active venv), and the throwaway home."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PIPENV_", "VIRTUALENV_"))
        and key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")
    }
    env.update(PIPENV_IGNORE_VIRTUALENVS="1", PIPENV_YES="1", PIPENV_NOSPIN="1")
    env.update(pipenv_home_env(pipenv_home))
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


@pytest.fixture(scope="session")
def demo_locks(demo_workspace: Workspace, pipenv_env) -> dict[str, Lock]:
    """`pipenv lock` in each overlay's folder, one after the other."""
    done = {}
    for name in OVERLAYS:
        folder = demo_workspace.root / "overlays" / name
        done[name] = pipenv(
            ["lock", "--python", sys.executable], folder, pipenv_env, timeout=LOCK_TIMEOUT
        )
        seconds = done[name].seconds
        slow = f"  SLOW: over {SLOW_LOCK} s" if seconds > SLOW_LOCK else ""
        print(f"\npipenv lock {name}: {seconds:.1f} s{slow}")
    return done
