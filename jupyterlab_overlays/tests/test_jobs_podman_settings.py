"""LocalBuildBackend with podman: what differs from buildah, without running podman
(the real builds are in test_jobs_podman.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyterlab_overlays.config import OverlaysConfig
from jupyterlab_overlays.jobs.base import JobError
from jupyterlab_overlays.jobs.dialects import ToolCommands
from jupyterlab_overlays.jobs.local import LocalBuildBackend
from jupyterlab_overlays.tools import BuildTool

BUILDAH = BuildTool("buildah", True, "/usr/bin/buildah", "1.28.2", True, None, "")
PODMAN = BuildTool("podman", True, "/usr/bin/podman", "4.3.1", True, None, "")


def test_podman_refuses_a_long_runroot_before_anything_is_built():
    runroot = "/var/lib/overlays/" + "r" * 33  # 51 characters
    backend = LocalBuildBackend(OverlaysConfig(buildah_runroot=runroot))
    with pytest.raises(JobError, match="podman refuses a runroot longer than 50 characters"):
        backend.commands(PODMAN).check_settings()
    backend.commands(BUILDAH).check_settings()  # buildah takes it
    LocalBuildBackend(OverlaysConfig(buildah_runroot=runroot[:50])).commands(
        PODMAN
    ).check_settings()


def test_podman_shares_buildahs_storage_arguments():
    backend = LocalBuildBackend(
        OverlaysConfig(buildah_root="/r", buildah_runroot="/rr", storage_driver="overlay")
    )
    storage = ["--root", "/r", "--runroot", "/rr", "--storage-driver", "overlay"]
    podman = backend.commands(PODMAN)
    assert podman.command("images") == ["/usr/bin/podman", *storage, "images"]
    argv = podman.build_args(
        "localhost/p-o:t", Path("/c/Containerfile"), Path("/c"), Path("/i"), {}
    )
    assert argv[: len(storage) + 5] == [
        "/usr/bin/podman", *storage, "build", "--isolation", "chroot", "--layers=true",
    ]  # fmt: skip


def test_a_cancelled_podman_builds_container_is_removed_with_force():
    podman, buildah = ToolCommands("podman", ["podman"]), ToolCommands("buildah", ["buildah"])
    assert podman.remove_container("abc") == ["podman", "rm", "--force", "abc"]
    assert buildah.remove_container("abc") == ["buildah", "rm", "abc"]


async def test_only_builds_working_containers_count_as_podmans_leftovers(fake_tool):
    """podman ps --external lists podman's own containers too: only those in the state
    "Storage" (buildah's, a build's) are the backend's to remove."""
    podman = fake_tool(
        "podman",
        'echo "$*" > "$(dirname "$0")/args"\n'
        "printf 'aaa Storage\\nbbb Created\\nccc Exited\\n'\n",
    )
    assert await ToolCommands("podman", [str(podman), "--root", "/r"]).containers() == {"aaa"}
    assert (podman.parent / "args").read_text().split() == [
        "--root", "/r", "ps", "--all", "--external", "--noheading", "--no-trunc",
        "--format", "{{.ID}}", "{{.State}}",
    ]  # fmt: skip
    assert await ToolCommands("docker", ["docker"]).containers() is None
