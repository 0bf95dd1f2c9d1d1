"""Fresh buildah storage for the test session, with the base image made in it.

A pytest plugin (``conftest.py`` loads it). The ``storage`` fixture makes the
base image once per session from Debian packages (mmdebstrap + buildah, no
registry needed) through LocalBuildBackend itself; test_jobs_local.py builds
with it directly, test_build_demo.py through a Jupyter server whose
OverlaysConfig points at the same ``--root`` / ``--runroot``, and
test_jobs_podman.py with podman, which shares buildah's storage (without
buildah, the fixture makes the base image with podman).
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from jupyterlab_overlays.config import OverlaysConfig
from jupyterlab_overlays.jobs.local import LocalBuildBackend

from .jobs_helpers import make_context

BASE = "localhost/overlays-base:bookworm"
#: podman refuses a longer --runroot.
MAX_RUNROOT = 50


class Storage:
    """Fresh buildah storage for this session, with the base image in it."""

    def __init__(self, root: Path):
        self.root = root / "root"
        self.runroot = root / "runroot"
        if len(str(self.runroot)) > MAX_RUNROOT:  # for podman: a short one, removed later
            self.runroot = Path(tempfile.mkdtemp(prefix="overlays-runroot-"))
        self.config = OverlaysConfig(
            base_image=BASE, buildah_root=str(self.root), buildah_runroot=str(self.runroot)
        )
        self.base_seconds = 0.0
        self.base_log = ""

    def backend(self, tool: str = "buildah") -> LocalBuildBackend:
        return LocalBuildBackend(self.config, tools=[tool])

    def buildah(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.run("buildah", *args, check=check)

    def podman(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.run("podman", *args, check=check)

    def run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        argv = [tool, "--root", str(self.root), "--runroot", str(self.runroot), *args]
        return subprocess.run(argv, capture_output=True, text=True, check=check, timeout=300)  # noqa: S603

    def image_exists(self, image: str) -> bool:
        return self.buildah("inspect", "--type", "image", image, check=False).returncode == 0

    def remove_all(self) -> None:
        """Leave nothing mounted, so pytest can delete the folder later."""
        if (self.root / "libpod").is_dir() and shutil.which("podman"):  # podman used it
            self.podman("rm", "--all", "--force", check=False)
        if shutil.which("buildah"):
            self.buildah("rm", "--all", check=False)
            self.buildah("rmi", "--all", "--force", check=False)
        elif shutil.which("podman"):
            self.podman("rmi", "--all", "--force", check=False)
        mounts = [
            line.split()[4]
            for line in Path("/proc/self/mountinfo").read_text().splitlines()
            if line.split()[4].startswith((str(self.root), str(self.runroot)))
        ]
        for mount in sorted(mounts, reverse=True):
            subprocess.run(["umount", mount], check=False, capture_output=True)  # noqa: S603, S607
        if self.runroot.name.startswith("overlays-runroot-"):
            shutil.rmtree(self.runroot, ignore_errors=True)

    def containers(self) -> list[str]:
        out = self.buildah("containers", "--noheading", "--format", "{{.ContainerID}}").stdout
        return out.split()


@pytest.fixture(scope="session")
def storage(tmp_path_factory):
    """The base image, made through the backend itself (mmdebstrap, ~40 s)."""
    maker = next((name for name in ("buildah", "podman") if shutil.which(name)), None)
    if not (maker and shutil.which("mmdebstrap")):
        pytest.skip("needs buildah (or podman) and mmdebstrap")
    store = Storage(tmp_path_factory.mktemp("buildah"))
    folder = tmp_path_factory.mktemp("ws") / "overlays" / "base"
    folder.mkdir(parents=True)
    context, log, _ = make_context(folder)

    async def make():
        backend = store.backend(maker)
        tool = await backend.find_tool()
        await backend.base_image.ensure(backend.commands(tool), context)
        # a second call finds it and does nothing
        size = len(log.text)
        await backend.base_image.ensure(backend.commands(tool), context)
        assert len(log.text) == size

    start = time.monotonic()
    asyncio.run(make())
    store.base_seconds = time.monotonic() - start
    store.base_log = log.text
    print(f"\nbase image (mmdebstrap + {maker}): {store.base_seconds:.1f} s")
    yield store
    store.remove_all()
