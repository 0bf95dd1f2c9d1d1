#!/usr/bin/env python
"""Benchmark of image builds and of the job status endpoints.

    .venv/bin/python benchmarks/builds.py            (from the repository root)
    .venv/bin/python benchmarks/builds.py --quick    (fewer runs, shorter windows)

Everything happens in a fresh temporary folder (buildah --root / --runroot, the jobs
store, pipenv's cache, the workspace), removed at the end; nothing is pulled from a
registry: the base image is made from Debian packages with mmdebstrap, as a job would.

(a) Builds, with the real JobService and LocalBuildBackend (buildah) in this process, on
    a small overlay (requests + six, locked by a real lock job): the base image on its
    own, then submit → succeeded for a first build (empty layer cache), a rebuild with
    the same packages, and a rebuild after a notebook-only change.
(b) Status endpoints: a real `jupyter server` on 127.0.0.1 (this venv, a random port, a
    token), 50 concurrent keep-alive pollers on ``GET overlays/jobs/<id>`` and on
    ``GET overlays/jobs?view=current`` (what the sidebar polls) for a few seconds,
    while a build runs (a larger overlay, so the build outlasts the window) and with
    nothing running (the baseline): p50 / p99 latency and the ratio. The pollers run on
    the same 2 cores as the server and the build, so these are upper bounds of what a
    browser would see.

It reports; it never fails on a figure. Needs buildah, runc, mmdebstrap and PyPI.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from labserver import Server  # noqa: E402 - benchmarks/ is on sys.path

from jupyterlab_overlays.config import OverlaysConfig  # noqa: E402
from jupyterlab_overlays.jobs.base import Job, JobContext, JobKind, JobState  # noqa: E402
from jupyterlab_overlays.jobs.context import source_hash  # noqa: E402
from jupyterlab_overlays.jobs.local import LocalBuildBackend  # noqa: E402
from jupyterlab_overlays.jobs.lock import LockBackend  # noqa: E402
from jupyterlab_overlays.jobs.service import JobService  # noqa: E402
from jupyterlab_overlays.jobs.store import JobStore  # noqa: E402
from jupyterlab_overlays.tests.buildah_storage import Storage  # noqa: E402 - shared with tests
from jupyterlab_overlays.tests.jobs_helpers import ListLog  # noqa: E402

BASE = "localhost/overlays-base:bookworm"
SMALL = "small"  # requests + six: part (a)
LOAD = "load"  # requests + six + numpy + pandas: the build that runs during part (b)
PIPFILE = """\
[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[packages]
{packages}

[requires]
python_version = "{python}"
"""
NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": ["import requests, six\n"],
        }
    ],
    "metadata": {"overlay": {"name": SMALL}},
    "nbformat": 4,
    "nbformat_minor": 5,
}
POLLERS = 50
JOB_TIMEOUT = 900


# --- helpers -------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = math.ceil(p / 100 * len(ordered))
    return ordered[min(len(ordered) - 1, max(0, rank - 1))]


def section(title: str) -> None:
    print(f"\n== {title}", flush=True)


def seconds_list(values: list[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in values)


def forget(storage: Storage, image: str) -> None:
    """Remove ``image`` and the untagged layers it was built from (the cache); the base
    image stays."""
    storage.buildah("rmi", image, check=False)
    storage.buildah("rmi", "--prune", check=False)


def make_workspace(folder: Path) -> Path:
    python = f"{sys.version_info[0]}.{sys.version_info[1]}"
    overlays = {
        SMALL: 'requests = "*"\nsix = "*"',
        LOAD: 'requests = "*"\nsix = "*"\nnumpy = "*"\npandas = "*"',
    }
    for name, packages in overlays.items():
        overlay = folder / "overlays" / name
        overlay.mkdir(parents=True)
        (overlay / "Pipfile").write_text(PIPFILE.format(packages=packages, python=python))
    (folder / "notebooks").mkdir()
    (folder / "notebooks" / "step.ipynb").write_text(json.dumps(NOTEBOOK, indent=1))
    return folder


# --- (a) builds through the job service ------------------------------------------


async def run_job(service: JobService, overlay: str, kind: str) -> tuple[float, Job]:
    """Submit → ended, polling the service as the REST API would (every 20 ms)."""
    start = time.monotonic()
    job, _ = await service.submit(overlay, kind)
    while not service.get(job.id).state.ended:
        if time.monotonic() - start > JOB_TIMEOUT:
            raise SystemExit(f"{kind} of {overlay}: not ended after {JOB_TIMEOUT} s")
        await asyncio.sleep(0.02)
    seconds = time.monotonic() - start
    job = service.get(job.id)
    if job.state is not JobState.SUCCEEDED:
        log, _ = service.store.read_log(job.id, 0, 1 << 20)
        raise SystemExit(f"{kind} of {overlay}: {job.state.value}: {job.error}\n{log[-3000:]}")
    return seconds, job


async def builds(config: OverlaysConfig, workspace: Path, tmp: Path, storage: Storage, args):
    store = JobStore(tmp / "jobs-a")
    pipenv_home = tmp / "pipenv"
    env = {
        "PIPENV_CACHE_DIR": str(pipenv_home / "cache"),
        "WORKON_HOME": str(pipenv_home / "venvs"),
        "VIRTUALENV_OVERRIDE_APP_DATA": str(pipenv_home / "virtualenv"),
    }
    service = JobService(
        config,
        store,
        {
            JobKind.BUILD: lambda: LocalBuildBackend(config, tools=["buildah"]),
            JobKind.LOCK: lambda: LockBackend(config, env=env),
        },
        workspace,
    )
    figures: dict = {}
    try:
        section("base image (mmdebstrap + buildah, once per storage)")
        backend = LocalBuildBackend(config, tools=["buildah"])
        tool = await backend.find_tool()
        job = Job("base", "base", JobKind.BUILD, "local", JobState.RUNNING, "")
        context = JobContext(job, workspace, workspace, ListLog(), asyncio.Event())
        start = time.monotonic()
        await backend.base_image.ensure(backend.commands(tool), context)
        figures["base"] = time.monotonic() - start
        print(f"made {BASE} in {figures['base']:.1f} s ({tool.name} {tool.version})")

        section("lock jobs (pipenv lock, real PyPI)")
        for name in (SMALL, LOAD):
            seconds, _ = await run_job(service, name, "lock")
            figures[f"lock {name}"] = seconds
            locked = json.loads((workspace / "overlays" / name / "Pipfile.lock").read_text())
            print(f"{name}: {seconds:.1f} s, {len(locked['default'])} locked packages")

        section(f"build jobs of '{SMALL}' (requests + six): submit → succeeded")
        first, image = [], None
        for run in range(args.first):
            if image:
                forget(storage, image)
            if run == 0:
                # Asking again while it is active returns the same job (dedupe).
                start = time.monotonic()
                job, created = await service.submit(SMALL, "build")
                again, created_again = await service.submit(SMALL, "build")
                figures["dedupe ms"] = (time.monotonic() - start) * 1000 / 2
                figures["dedupe"] = created and not created_again and again.id == job.id
                while not service.get(job.id).state.ended:
                    await asyncio.sleep(0.02)
                seconds = time.monotonic() - start
                job = service.get(job.id)
                if job.state is not JobState.SUCCEEDED:
                    raise SystemExit(f"build of {SMALL}: {job.state.value}: {job.error}")
            else:
                seconds, job = await run_job(service, SMALL, "build")
            first.append(seconds)
            image = job.image
        digest = job.digest
        print(
            f"first build (empty layer cache)      median {median(first):6.2f} s  "
            f"(n={len(first)}: {seconds_list(first)})"
        )
        print(
            f"  a second submit while it ran returned the same job: {figures['dedupe']} "
            f"({figures['dedupe ms']:.1f} ms per submit)"
        )

        same, digests = [], set()
        for _ in range(args.runs):
            seconds, job = await run_job(service, SMALL, "build")
            same.append(seconds)
            digests.add(job.digest)
        print(
            f"rebuild, same packages               median {median(same):6.2f} s  "
            f"(n={len(same)}: {seconds_list(same)}); same image id: {digests == {digest}}"
        )

        notebook = workspace / "notebooks" / "step.ipynb"
        hash_before = source_hash(workspace / "overlays" / SMALL)
        changed, digests = [], set()
        for run in range(args.runs):
            data = json.loads(notebook.read_text())
            data["cells"].append(
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "metadata": {},
                    "outputs": [],
                    "source": [f"print({run})\n"],
                }
            )
            notebook.write_text(json.dumps(data, indent=1))
            if source_hash(workspace / "overlays" / SMALL) != hash_before:
                raise SystemExit("a notebook change changed the overlay's source hash")
            seconds, job = await run_job(service, SMALL, "build")
            changed.append(seconds)
            digests.add(job.digest)
        print(
            f"rebuild after a notebook-only change median {median(changed):6.2f} s  "
            f"(n={len(changed)}: {seconds_list(changed)}); same image id: {digests == {digest}}"
        )
        print(
            "  a notebook is not part of the overlay's source (Pipfile, Pipfile.lock,\n"
            "  Containerfile): the source hash and the image tag stay the same. The previous\n"
            "  job has ended, so this is a new job (dedupe only joins active jobs): buildah\n"
            "  runs and every step is a cache hit. Not instant, but no pip install."
        )
        figures.update(first=first, same=same, changed=changed)
    finally:
        await service.stop()
        store.close()
    return figures


# --- (b) status endpoint latency --------------------------------------------------


async def poller(port: int, request: bytes, deadline: float, latencies: list[float]) -> int:
    """GET over one keep-alive connection until ``deadline``; returns the errors."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    errors = 0
    try:
        while time.monotonic() < deadline:
            start = time.perf_counter()
            writer.write(request)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            if not head.startswith(b"HTTP/1.1 200"):
                errors += 1
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
    return errors


async def hammer(server: Server, path: str, seconds: float) -> dict:
    request = (
        f"GET /{path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"Authorization: token {server.token}\r\nConnection: keep-alive\r\n\r\n"
    ).encode()
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    errors = await asyncio.gather(
        *(poller(server.port, request, deadline, latencies) for _ in range(POLLERS))
    )
    return {
        "n": len(latencies),
        "rps": len(latencies) / seconds,
        "p50": percentile(latencies, 50) * 1000,
        "p99": percentile(latencies, 99) * 1000,
        "errors": sum(errors),
    }


def row(label: str, figures: dict) -> None:
    print(
        f"{label:48} p50 {figures['p50']:6.1f} ms  p99 {figures['p99']:6.1f} ms  "
        f"{figures['rps']:5.0f} req/s  n={figures['n']} errors={figures['errors']} "
        f"load={figures['load']:.1f}"
    )


def duration(start: str, end: str) -> float:
    parse = datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


def wait_running(server: Server, job_id: str, seconds: float = 120) -> dict:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        job = server.request("GET", f"overlays/jobs/{job_id}")
        if job["state"] != "queued":
            return job
        time.sleep(0.1)
    raise SystemExit(f"job {job_id} did not start")


def wait_ended(server: Server, job_id: str) -> dict:
    start = time.monotonic()
    while time.monotonic() - start < JOB_TIMEOUT:
        job = server.request("GET", f"overlays/jobs/{job_id}")
        if JobState(job["state"]).ended:
            return job
        time.sleep(0.2)
    raise SystemExit(f"job {job_id} did not end")


def latency(config: OverlaysConfig, workspace: Path, tmp: Path, storage: Storage, args) -> dict:
    section(f"status endpoints: {POLLERS} concurrent pollers, {args.window:g} s windows")
    server = Server(
        workspace,
        tmp,
        {
            # The store of part (a): the list holds its jobs too.
            "jobs_dir": str(tmp / "jobs-a"),
            "build_tools": ["buildah"],
            "base_image": config.base_image,
            "buildah_root": config.buildah_root,
            "buildah_runroot": config.buildah_runroot,
        },
    )
    results: dict = {}
    # What the sidebar polls: one job's record, and the current view of the jobs.
    paths = {"job": "overlays/jobs/{id}", "list": "overlays/jobs?view=current"}

    def window(key: str, path: str) -> None:
        load = os.getloadavg()[0]
        results[key] = asyncio.run(hammer(server, path, args.window))
        results[key]["load"] = load

    try:
        print(f"jupyter server on 127.0.0.1:{server.port} ready in {server.wait_ready():.1f} s")
        # Baseline before the builds: the newest job of part (a), ended.
        ended = server.request("GET", "overlays/jobs")["jobs"][0]
        for name, path in paths.items():
            window(f"idle before {name}", path.format(id=ended["id"]))
        for name, path in paths.items():
            # A real build of the larger overlay (its layers are forgotten after each).
            job = server.request("POST", "overlays/jobs", {"overlay": LOAD, "kind": "build"})
            job = wait_running(server, job["id"])
            window(f"build {name}", path.format(id=job["id"]))
            after = server.request("GET", f"overlays/jobs/{job['id']}")
            results[f"build {name}"]["still running"] = after["state"] == "running"
            done = wait_ended(server, job["id"])
            if done["state"] != "succeeded":
                raise SystemExit(f"build of {LOAD}: {done['state']}: {done['error']}")
            results[f"build {name} job"] = done
            forget(storage, done["image"])
            ended = done
        # Baseline after the builds: the job of the last build, ended.
        for name, path in paths.items():
            window(f"idle after {name}", path.format(id=ended["id"]))
        results["jobs listed"] = len(server.request("GET", "overlays/jobs")["jobs"])
    finally:
        server.stop()
    for name in paths:
        done = results[f"build {name} job"]
        print(
            f"build of '{LOAD}' (requests, six, numpy, pandas) under the pollers: "
            f"{duration(done['started'], done['finished']):.1f} s running"
        )
    for name, label in (
        ("job", "GET overlays/jobs/<id>"),
        ("list", "GET overlays/jobs?view=current"),
    ):
        busy = results[f"build {name}"]
        before, after = results[f"idle before {name}"], results[f"idle after {name}"]
        note = "" if busy["still running"] else " (ended in the window!)"
        print(f"{label}:")
        row("  nothing running, before the builds", before)
        row(f"  a build running{note}", busy)
        row("  nothing running, after the builds", after)
        p50 = (before["p50"] + after["p50"]) / 2
        p99 = (before["p99"] + after["p99"]) / 2
        print(
            f"  ratio build / baseline (mean of before and after): p50 {busy['p50'] / p50:.2f}x, "
            f"p99 {busy['p99'] / p99:.2f}x"
        )
    print(
        "(<id> is answered from memory while its job runs, from SQLite once it has ended.\n"
        f" The list holds {results['jobs listed']} jobs. load: this machine's 1-minute load\n"
        f" average when the window began ({os.cpu_count()} cores); above that, other\n"
        " processes competed for the CPU and the figures are noisier.)"
    )
    return results


# --- main ----------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, shorter windows")
    args = parser.parse_args()
    args.first = 1 if args.quick else 3
    args.runs = 3 if args.quick else 7
    args.window = 2.0 if args.quick else 4.0
    for tool in ("buildah", "mmdebstrap"):
        if not shutil.which(tool):
            print(f"{tool} is not installed: apt-get install -y buildah runc mmdebstrap")
            return 0

    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="overlays-bench-"))
    storage = Storage(tmp / "buildah")
    config = OverlaysConfig(
        base_image=BASE,
        buildah_root=str(storage.root),
        buildah_runroot=str(storage.runroot),
        build_tools=["buildah"],
    )
    print(f"fresh storage and workspace in {tmp}")
    try:
        workspace = make_workspace(tmp / "bench")
        asyncio.run(builds(config, workspace, tmp, storage, args))
        latency(config, workspace, tmp, storage, args)
    finally:
        storage.remove_all()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\ntotal {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
