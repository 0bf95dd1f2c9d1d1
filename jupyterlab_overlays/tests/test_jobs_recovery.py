"""A server killed mid-build: the next one ends what it left and fails the job.

A real build (buildah, the session's base image) runs under a job service in a child
Python process, the "server"; when the build's RUN step is sleeping, the server is
killed with SIGKILL. Either its build goes on as an orphan (the server alone died), or
it dies too (the machine restarted: the working container stays in buildah's storage).
A new service over the same jobs store must end the orphan, remove the working
container and any tag the job made, and mark the job failed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jupyterlab_overlays.config import OverlaysConfig
from jupyterlab_overlays.jobs.base import JobState, Leftovers
from jupyterlab_overlays.jobs.dialects import end_container_processes
from jupyterlab_overlays.jobs.recovery import RESTART_REASON
from jupyterlab_overlays.jobs.service import JobService, default_backends
from jupyterlab_overlays.jobs.store import JobStore

from .buildah_storage import BASE

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (shutil.which("buildah") and shutil.which("mmdebstrap")),
        reason="needs buildah and mmdebstrap (apt-get install buildah runc mmdebstrap)",
    ),
]

SERVER = """
import asyncio, json, sys
from jupyterlab_overlays.config import OverlaysConfig
from jupyterlab_overlays.jobs.service import JobService, default_backends
from jupyterlab_overlays.jobs.store import JobStore

settings = json.loads(sys.argv[1])

async def main():
    config = OverlaysConfig(**settings["config"])
    service = JobService(
        config, JobStore(settings["jobs"]), default_backends(config), settings["workspace"]
    )
    job, _ = await service.submit(settings["overlay"], "build")
    print(job.id, flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""


def sleeping(marker: str) -> list[int]:
    """Pids of the build's RUN step (``sleep`` with the marker in its command line)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if marker in command and "sleep" in command:
            found.append(int(entry.name))
    return found


def wait(predicate, what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.mark.parametrize("machine_restarted", [False, True], ids=["server-died", "machine-died"])
def test_a_new_server_removes_what_a_killed_build_left(storage, tmp_path, machine_restarted):
    marker = f"recovery-{os.getpid()}-{int(machine_restarted)}"
    workspace = tmp_path / "ws"
    folder = workspace / "overlays" / "sleepy"
    folder.mkdir(parents=True)
    (folder / "Pipfile").write_text("[packages]\n")
    (folder / "Containerfile").write_text(
        f"FROM {BASE}\nRUN echo {marker} started && sleep 300\nRUN echo done\n"
    )
    settings = {
        "build_tools": ["buildah"],
        "base_image": BASE,
        "buildah_root": str(storage.root),
        "buildah_runroot": str(storage.runroot),
    }
    jobs = tmp_path / "jobs"
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable, "-c", SERVER,
            json.dumps({"config": settings, "jobs": str(jobs), "workspace": str(workspace),
                        "overlay": "sleepy"}),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        job_id = server.stdout.readline().strip()
        assert len(job_id) == 32, job_id
        store = JobStore(jobs)
        leftovers_path = store.leftovers_path(job_id)
        wait(lambda: f"\n{marker} started\n" in store.read_log(job_id)[0], "the RUN step")
        wait(lambda: (Leftovers.read(leftovers_path) or {}).get("containers"), "the container")
        leftovers = Leftovers.read(leftovers_path)
    finally:
        server.kill()  # SIGKILL: the server cannot tidy up
        server.wait()
    (container,) = leftovers["containers"]
    assert container in storage.containers()
    image = leftovers["image"]
    assert leftovers["image_before"] is None
    assert store.get(job_id).state == JobState.RUNNING
    if machine_restarted:
        # Nothing of the build runs any more, but its working container stays; and
        # as if the build had tagged its image just before the end, the tag too.
        for process in leftovers["processes"]:
            os.killpg(process["pid"], signal.SIGKILL)
        end_container_processes(container)  # the RUN step (OCI isolation: its own)
        wait(lambda: not sleeping(marker), "the build's end")
        storage.buildah("tag", BASE, image)
    else:
        assert sleeping(marker), "the build should outlive its server"

    config = OverlaysConfig(**settings)
    start = time.monotonic()
    service = JobService(config, store, default_backends(config), workspace)
    seconds = time.monotonic() - start
    print(f"\nrecovery ({'machine' if machine_restarted else 'server'} died): {seconds:.1f} s")
    try:
        job = service.get(job_id)
        assert (job.state, job.error) == (JobState.FAILED, RESTART_REASON)
        assert not sleeping(marker)
        assert storage.containers() == []
        assert not storage.image_exists(image)
        assert storage.image_exists(BASE)
        assert not leftovers_path.exists()
        assert not Path(leftovers["tmp"]).exists()
        log = service.read_log(job_id)["text"]
        assert "Interrupted by server restart: tidying up after the job.\n" in log
        if machine_restarted:
            assert f"Removing working container {container[:12]}\n" in log
            assert f"Removing the tag {image}\n" in log
        else:
            assert "Ended its process group(s) " in log
        assert job.log_size == len(log.encode())
    finally:
        store.close()
