"""LocalBuildBackend: real buildah builds in fresh storage folders.

The base image is made once per test session from Debian packages
(mmdebstrap + buildah, no registry needed); then a small overlay is locked with
the real pipenv and built, checked inside the image, rebuilt from cache, broken
on purpose and cancelled mid-build. `pytest -s` prints the times.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from jupyterlab_overlays.config import OverlaysConfig
from jupyterlab_overlays.jobs.base import JobError, JobKind
from jupyterlab_overlays.jobs.context import (
    LABEL_LOCK_HASH,
    LABEL_OVERLAY,
    LABEL_SOURCE_HASH,
    source_hash,
)
from jupyterlab_overlays.jobs.dialects import failure_reason, step_of
from jupyterlab_overlays.jobs.local import LocalBuildBackend
from jupyterlab_overlays.jobs.lock import LockBackend
from jupyterlab_overlays.jobs.naming import image_tag
from jupyterlab_overlays.jobs.pipfile import lock_hash
from jupyterlab_overlays.tools import BuildTool

from .buildah_storage import BASE
from .jobs_helpers import cancel, make_context

PIPFILE = """\
[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[packages]
requests = "*"
six = "*"

[requires]
python_version = "3.11"
"""


# --- pure parts ------------------------------------------------------------


def test_step_of():
    assert step_of("STEP 3/9: RUN x") == (3, 9)
    assert step_of("Step 2/5 : RUN x") == (2, 5)
    assert step_of("#7 [stage-1 4/6] RUN x") == (4, 6)
    assert step_of("#7 [4/6] RUN x") == (4, 6)
    assert step_of("STEPS 3/9") is None
    assert step_of("Collecting six") is None


def test_failure_reason_prefers_pips_errors():
    lines = [
        "STEP 6/8: RUN pip install",
        "ERROR: Could not find a version that satisfies the requirement nope-xyz",
        "ERROR: No matching distribution found for nope-xyz",
        "subprocess exited with status 1",
        'Error: building at STEP "RUN pip install": exit status 1',
    ]
    assert failure_reason(lines) == (
        "build failed at step 6/8: ERROR: Could not find a version that satisfies the "
        "requirement nope-xyz; ERROR: No matching distribution found for nope-xyz"
    )
    assert failure_reason(["STEP 1/2: FROM x", "Error: pulling x"]) == (
        "build failed at step 1/2: Error: pulling x"
    )
    assert failure_reason([]) == "build failed: the build tool ended without output"


async def test_no_tool_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    backend = LocalBuildBackend(OverlaysConfig(build_tools=["buildah", "podman"]))
    folder = tmp_path / "ws" / "overlays" / "o"
    folder.mkdir(parents=True)
    (folder / "Pipfile").write_text(PIPFILE)
    context, _, _ = make_context(folder)
    with pytest.raises(JobError, match="apt-get install -y --no-install-recommends buildah"):
        await backend.run(context)


async def test_a_build_tags_the_hash_recorded_at_submit_or_fails(tmp_path, monkeypatch):
    """The job's source hash is computed once, when it is asked for; if the files changed
    while it was queued, the build says so instead of tagging other content with it."""
    folder = tmp_path / "ws" / "overlays" / "o"
    folder.mkdir(parents=True)
    (folder / "Pipfile").write_text(PIPFILE)
    backend = LocalBuildBackend(OverlaysConfig(build_tools=["buildah"]))

    async def buildah():
        return BuildTool("buildah", True, "/usr/bin/buildah", "1.28", True, None, "")

    monkeypatch.setattr(backend, "find_tool", buildah)
    context, _, _ = make_context(folder)
    context.job.source_hash = "0" * 64  # what submit recorded, before the Pipfile changed
    with pytest.raises(JobError, match="changed after this build was queued"):
        await backend.run(context)


def test_image_name_from_the_workspace(tmp_path):
    folder = tmp_path / "My Workspace" / "overlays" / "Train"
    folder.mkdir(parents=True)
    context, _, _ = make_context(folder)
    backend = LocalBuildBackend(OverlaysConfig())
    assert backend.image_for(context, "abc") == "localhost/my-workspace-train:abc"
    backend = LocalBuildBackend(
        OverlaysConfig(image_registry="quay.io", image_org="Org", image_project="proj")
    )
    assert backend.image_for(context, "abc") == "quay.io/org/proj-train:abc"


def test_build_arguments_are_a_list_with_chroot_isolation():
    backend = LocalBuildBackend(
        OverlaysConfig(buildah_root="/r", buildah_runroot="/rr", storage_driver="vfs")
    )
    tool = BuildTool("buildah", True, "/usr/bin/buildah", "1.28.2", True, None, "")
    argv = backend.commands(tool).build_args(
        "localhost/p-o:t", Path("/c/Containerfile"), Path("/c"), Path("/i"), {"a": "b c"}
    )
    assert argv == [
        "/usr/bin/buildah",
        "--root",
        "/r",
        "--runroot",
        "/rr",
        "--storage-driver",
        "vfs",
        "build",
        "--isolation",
        "chroot",
        "--layers=false",  # vfs copies the whole tree per layer
        "--force-rm",
        "--iidfile",
        "/i",
        "--tag",
        "localhost/p-o:t",
        "--label",
        "a=b c",
        "-f",
        "/c/Containerfile",
        "/c",
    ]


# --- real builds -----------------------------------------------------------

slow = pytest.mark.slow
needs_buildah = pytest.mark.skipif(
    not (shutil.which("buildah") and shutil.which("mmdebstrap")),
    reason="needs buildah and mmdebstrap (apt-get install buildah runc mmdebstrap)",
)


def make_overlay(root: Path, name: str, **files: str) -> Path:
    folder = root / "overlays" / name
    folder.mkdir(parents=True)
    for file, text in files.items():
        (folder / file).write_text(text)
    return folder


@pytest.fixture(scope="session")
def small_overlay(tmp_path_factory) -> Path:
    """requests + six, locked by the real pipenv."""
    folder = make_overlay(tmp_path_factory.mktemp("workspace"), "small", Pipfile=PIPFILE)
    home = tmp_path_factory.mktemp("pipenv-home")
    context, log, _ = make_context(folder, JobKind.LOCK, "pipenv")
    backend = LockBackend(env={"WORKON_HOME": str(home / "venvs")})
    start = time.monotonic()
    asyncio.run(backend.run(context))
    print(f"\npipenv lock (requests, six): {time.monotonic() - start:.1f} s")
    assert (folder / "Pipfile.lock").is_file(), log.text
    return folder


@slow
@needs_buildah
def test_the_base_image_is_made_once(storage):
    assert storage.image_exists(BASE)
    assert "not found: making it once from Debian bookworm packages" in storage.base_log
    assert "mmdebstrap --variant=apt --include=python3,python3-pip" in storage.base_log
    info = json.loads(storage.buildah("inspect", "--type", "image", BASE).stdout)
    env = info["OCIv1"]["config"]["Env"]
    assert any(item.startswith("PATH=/usr/local/sbin") for item in env)
    assert storage.containers() == []


@slow
@needs_buildah
async def test_image_info_says_whether_a_built_image_is_still_there(storage):
    backend = storage.backend()
    here = await backend.image_info(BASE)
    assert here["exists"] is True
    assert re.fullmatch(r"[\d.]+ ?[kMG]?B", here["size"]), here
    assert await backend.image_info("localhost/overlays-base:gone") == {
        "exists": False,
        "size": None,
    }
    # Pushed images live in their registry: not told from here.
    assert await backend.image_info("quay.io/someone/train:1") is None


@slow
@needs_buildah
async def test_a_run_step_sees_neither_the_hosts_processes_nor_its_files(storage, tmp_path):
    """OCI isolation where it works (here, with runc): a RUN step's /proc holds its own
    processes only, the host's files are not there, and /proc/1/root is its own root."""
    marker = tmp_path / "host-only"
    marker.write_text("the host's\n")
    containerfile = (
        f"FROM {BASE}\n"
        "RUN echo \"processes: $(ls /proc | grep -c '^[0-9]')\"; "
        f'test -e {marker} && echo "host file visible" || echo "host file hidden"; '
        'echo escape > /proc/1/root/overlays-escape && echo "wrote via /proc/1/root"; true\n'
    )
    folder = make_overlay(tmp_path / "ws", "isolated", Containerfile=containerfile)
    backend = storage.backend()
    context, log, _ = make_context(folder)
    await backend.run(context)
    assert "Isolation: oci" in log.text
    processes = int(re.search(r"^processes: (\d+)$", log.text, re.MULTILINE).group(1))
    assert processes < 10, log.text
    assert "host file hidden" in log.text
    assert not Path("/overlays-escape").exists()


@slow
@needs_buildah
async def test_build_run_and_rebuild_from_cache(storage, small_overlay, record_property):
    backend = storage.backend()
    context, log, progress = make_context(small_overlay)
    start = time.monotonic()
    result = await backend.run(context)
    first = time.monotonic() - start

    tag = image_tag(source_hash(small_overlay))
    workspace = small_overlay.parent.parent.name.lower()
    assert result.image == f"localhost/{workspace}-small:{tag}"
    assert result.digest and result.digest.startswith("sha256:")
    assert "--require-hashes" in log.text
    assert progress[-1]["step"] == progress[-1]["steps"] and progress[0]["step"] == 1
    assert all(p.returncode == 0 for p in context.processes)

    # inside the image: the packages import, curl runs, labels are there
    container = storage.buildah("from", "--pull-never", result.image).stdout.strip()
    try:
        imported = storage.buildah(
            "run", "--isolation", "chroot", container, "--",
            "python", "-c", "import requests, six, sys; print(sys.prefix, requests.__version__)",
        ).stdout  # fmt: skip
        assert imported.startswith("/opt/venv ")
        assert "curl" in storage.buildah("run", "--isolation", "chroot", container, "--",
                                         "curl", "--version").stdout  # fmt: skip
        python3 = storage.buildah(
            "run", "--isolation", "chroot", container, "--", "sh", "-c", "command -v python3"
        ).stdout.strip()
        assert python3 == "/opt/venv/bin/python3"
    finally:
        storage.buildah("rm", container)
    info = json.loads(storage.buildah("inspect", "--type", "image", result.image).stdout)
    labels = info["OCIv1"]["config"]["Labels"]
    assert labels[LABEL_OVERLAY] == "small"
    assert labels[LABEL_SOURCE_HASH] == source_hash(small_overlay)
    assert labels[LABEL_LOCK_HASH] == lock_hash((small_overlay / "Pipfile.lock").read_text())
    assert result.digest.removeprefix("sha256:").startswith(info["FromImageID"][:12])

    # the same packages again: every step from cache
    context, log, _ = make_context(small_overlay)
    start = time.monotonic()
    again = await backend.run(context)
    cached = time.monotonic() - start
    assert again == result
    assert log.text.count("Using cache") >= 5
    assert "Collecting" not in log.text
    print(f"\nfirst build: {first:.1f} s, rebuild from cache: {cached:.1f} s")
    record_property("first_build_seconds", round(first, 1))
    record_property("cached_rebuild_seconds", round(cached, 1))
    assert cached < first / 2

    # a Pipfile-only edit (a comment) keeps the package layer: only the last COPY runs
    (small_overlay / "Pipfile").write_text(PIPFILE + "\n# edited\n")
    try:
        context, log, _ = make_context(small_overlay)
        edited = await backend.run(context)
        assert edited.image != result.image
        assert "Collecting" not in log.text
        assert "Using cache" in log.text
    finally:
        (small_overlay / "Pipfile").write_text(PIPFILE)
    assert storage.containers() == []


@slow
@needs_buildah
async def test_a_package_that_does_not_exist_fails_the_build(storage, tmp_path):
    pipfile = PIPFILE.replace('six = "*"', 'this-package-does-not-exist-xyz = "*"')
    folder = make_overlay(tmp_path / "ws", "broken", Pipfile=pipfile)
    context, log, _ = make_context(folder)
    with pytest.raises(JobError) as failure:
        await storage.backend().run(context)
    message = str(failure.value)
    assert message.startswith("build failed at step ")
    assert "this-package-does-not-exist-xyz" in message
    assert "warning: no Pipfile.lock" in log.text
    assert not storage.image_exists(f"localhost/ws-broken:{image_tag(source_hash(folder))}")
    assert storage.containers() == []


def sleeping_overlay(root: Path, name: str, marker: str) -> Path:
    containerfile = f"FROM {BASE}\nRUN echo {marker} started && sleep 300\nRUN echo done\n"
    return make_overlay(root, name, Pipfile=PIPFILE, Containerfile=containerfile)


def sleeps(marker: str) -> bool:
    """Whether a process of the build (the RUN step's shell) is still alive."""
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if marker in command and "sleep" in command:
            return True
    return False


async def wait_for(text: str, log, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while text not in log.text:
        assert time.monotonic() < deadline, log.text
        await asyncio.sleep(0.1)


@slow
@needs_buildah
async def test_cancel_mid_build_leaves_no_image(storage, tmp_path):
    """As the service cancels: the event, SIGTERM to each process group."""
    marker = f"cancel-{os.getpid()}-a"
    folder = sleeping_overlay(tmp_path / "ws", "sleepy", marker)
    image = f"localhost/ws-sleepy:{image_tag(source_hash(folder))}"
    context, log, _ = make_context(folder)
    task = asyncio.ensure_future(storage.backend().run(context))
    await wait_for(f"\n{marker} started\n", log)
    assert sleeps(marker)
    cancel(context)
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 60)
    assert not storage.image_exists(image)
    assert not sleeps(marker)
    assert storage.containers() == []


@slow
@needs_buildah
async def test_a_cancel_removes_only_its_own_working_containers(storage, tmp_path):
    """Two builds on one storage (as two servers of one machine share it): cancelling
    one leaves the other's working container and build alone."""
    markers = [f"cancel-{os.getpid()}-mine", f"cancel-{os.getpid()}-other"]
    runs = []
    for number, marker in enumerate(markers):
        folder = sleeping_overlay(tmp_path / f"ws{number}", f"sleepy{number}", marker)
        context, log, _ = make_context(folder)
        context.job.id = f"{number + 1:032x}"
        runs.append((context, log, asyncio.ensure_future(storage.backend().run(context))))
        await wait_for(f"\n{marker} started\n", log)
    before = set(storage.containers())
    assert len(before) == 2
    (mine, _, task), (other, _, other_task) = runs
    cancel(mine)
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 60)
    assert not sleeps(markers[0])
    assert sleeps(markers[1]) and not other_task.done()
    left = set(storage.containers())
    assert len(left) == 1 and left < before
    cancel(other)
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(other_task, 60)
    assert storage.containers() == []


@slow
@needs_buildah
async def test_cancel_with_sigkill_and_task_cancel(storage, tmp_path):
    """The harsh way (SIGKILL, buildah cannot tidy up; the task cancelled): the
    backend removes the working container it left."""
    marker = f"cancel-{os.getpid()}-b"
    folder = sleeping_overlay(tmp_path / "ws", "sleepier", marker)
    image = f"localhost/ws-sleepier:{image_tag(source_hash(folder))}"
    context, log, _ = make_context(folder)
    task = asyncio.ensure_future(storage.backend().run(context))
    await wait_for(f"\n{marker} started\n", log)
    context.cancelled.set()
    for process in context.processes:
        if process.returncode is None:
            os.killpg(process.pid, 9)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 60)
    assert not storage.image_exists(image)
    assert not sleeps(marker)
    assert storage.containers() == []
