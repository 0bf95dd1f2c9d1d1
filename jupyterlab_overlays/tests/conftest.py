import os
import shutil
import stat
from pathlib import Path

import pytest

pytest_plugins = (
    "pytest_jupyter.jupyter_server",
    # Session fixtures: the demo workspace locked by pipenv, buildah storage with a base image.
    "jupyterlab_overlays.tests.demo_workspace",
    "jupyterlab_overlays.tests.buildah_storage",
    # A real Elyra in its own venv, for the hand-off tests.
    "jupyterlab_overlays.tests.elyra_server",
    # A real Kubernetes control plane (scripts/kube-harness.sh), for cluster builds.
    "jupyterlab_overlays.tests.kube_harness",
)


@pytest.fixture
def jp_server_config(jp_server_config):
    """A real Jupyter server with this extension loaded."""
    return {"ServerApp": {"jpserver_extensions": {"jupyterlab_overlays": True}}}


@pytest.fixture
def fake_tool(tmp_path: Path):
    """Write an executable script standing in for a build tool; return its path."""

    def write(name: str, script: str) -> Path:
        folder = tmp_path / "bin"
        folder.mkdir(exist_ok=True)
        path = folder / name
        path.write_text("#!/bin/sh\n" + script)
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
        return path

    return write


#: The system commands fake tools may run; nothing else of /bin or /usr/bin is on PATH,
#: so the build tools this machine happens to have (buildah, podman, docker) stay out.
SYSTEM_COMMANDS = ("sh", "sleep", "cat", "env")


@pytest.fixture
def path_with(monkeypatch, tmp_path: Path):
    """Make PATH hold only the given folder, plus a few system commands."""
    system = tmp_path / "system-bin"
    system.mkdir()
    for name in SYSTEM_COMMANDS:
        found = shutil.which(name)
        assert found, f"{name} is not on this machine"
        (system / name).symlink_to(found)

    def use(folder: Path) -> None:
        monkeypatch.setenv("PATH", os.pathsep.join([str(folder), str(system)]))

    return use
