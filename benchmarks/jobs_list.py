#!/usr/bin/env python
"""Benchmark of what the sidebar polls: ``GET overlays/jobs`` (every job) against
``GET overlays/jobs?view=current`` (what the sidebar shows), over a long history.

    .venv/bin/python benchmarks/jobs_list.py                  (from the repository root)
    .venv/bin/python benchmarks/jobs_list.py --jobs 5000 --overlays 20 --requests 100

A job store with N ended jobs (default 2,000) over a few overlays, builds and locks, plus
one running build, is written in a fresh temporary folder; a real `jupyter server` of this
venv serves it on 127.0.0.1 (random port, a token). One keep-alive client asks each URL
a few times to warm up, then R times in turn (default 50): median and p90 latency, and
the size of the answer. Nothing builds: the figures are the list's own cost (SQLite,
JSON, HTTP). It reports; it never fails on a figure.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jupyterlab_overlays.jobs.base import Job, JobKind, JobState  # noqa: E402
from jupyterlab_overlays.jobs.store import JobStore  # noqa: E402

ENDED = (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fill(folder: Path, count: int, overlays: int) -> None:
    """``count`` ended jobs over ``overlays`` overlays, then one running build."""
    rng = random.Random(2000)  # noqa: S311 - benchmark data
    store = JobStore(folder)
    try:
        for number in range(count + 1):
            running = number == count
            state = JobState.RUNNING if running else rng.choice(ENDED)
            overlay = f"overlay-{rng.randrange(overlays)}"
            kind = JobKind.BUILD if running or rng.random() < 0.7 else JobKind.LOCK
            built = kind == JobKind.BUILD and state == JobState.SUCCEEDED
            store.add(
                Job(
                    id=f"{number:032x}",
                    overlay=overlay,
                    kind=kind,
                    backend="buildah" if kind == JobKind.BUILD else "pipenv",
                    state=state,
                    created=f"2025-01-01T00:00:00.{number % 1000:03d}Z",
                    started="2025-01-01T00:00:01.000Z",
                    finished=None if running else "2025-01-01T00:01:00.000Z",
                    image=f"localhost/work/bench-{overlay}:{number:012x}" if built else None,
                    digest=f"sha256:{number:064x}" if built else None,
                    source_hash=f"{number:064x}",
                    error="step 5: pip install failed" if state == JobState.FAILED else None,
                    log_size=12345,
                    progress={"step": 7, "steps": 7},
                )
            )
    finally:
        store.close()


class Server:
    """`jupyter server` of this venv on 127.0.0.1 with this extension, over ``jobs_dir``."""

    def __init__(self, tmp: Path, jobs_dir: Path) -> None:
        self.port = free_port()
        self.token = secrets.token_hex(16)
        workspace = tmp / "workspace"
        workspace.mkdir()
        settings = {
            "ServerApp": {
                "ip": "127.0.0.1",
                "port": self.port,
                "port_retries": 0,
                "open_browser": False,
                "allow_root": True,
                "root_dir": str(workspace),
                "jpserver_extensions": {"jupyterlab_overlays": True},
                "log_level": "WARN",
            },
            "IdentityProvider": {"token": self.token},
            "OverlaysConfig": {"jobs_dir": str(jobs_dir)},
        }
        config_file = tmp / "jupyter_server_config.json"
        config_file.write_text(json.dumps(settings))
        env = dict(os.environ)
        env.update(
            JUPYTER_CONFIG_DIR=str(tmp / "jupyter-config"),
            JUPYTER_DATA_DIR=str(tmp / "jupyter-data"),
            JUPYTER_RUNTIME_DIR=str(tmp / "jupyter-runtime"),
        )
        self.log_file = tmp / "server.log"
        self.output = open(self.log_file, "wb")  # noqa: SIM115 - closed in stop()
        jupyter = Path(sys.executable).parent / "jupyter"
        self.process = subprocess.Popen(  # noqa: S603 - our own arguments
            [str(jupyter), "server", f"--config={config_file}"],
            cwd=workspace,
            env=env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.connection: http.client.HTTPConnection | None = None

    def get(self, path: str) -> tuple[int, bytes]:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        self.connection.request("GET", "/" + path, headers={"Authorization": f"token {self.token}"})
        response = self.connection.getresponse()
        return response.status, response.read()

    def wait_ready(self, seconds: float = 60) -> None:
        start = time.monotonic()
        while time.monotonic() - start < seconds:
            if self.process.poll() is not None:
                raise SystemExit(f"jupyter server ended:\n{self.log_file.read_text()[-3000:]}")
            try:
                if self.get("overlays/info")[0] == 200:
                    return
            except OSError:
                self.connection = None
            time.sleep(0.2)
        raise SystemExit(f"jupyter server not ready:\n{self.log_file.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.connection is not None:
            self.connection.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.output.close()


def measure(server: Server, path: str, requests: int) -> dict:
    for _ in range(5):  # warm up: connection, caches, SQLite pages
        server.get(path)
    latencies, size, count = [], 0, 0
    for _ in range(requests):
        start = time.perf_counter()
        status, body = server.get(path)
        latencies.append((time.perf_counter() - start) * 1000)
        if status != 200:
            raise SystemExit(f"GET {path}: {status} {body[:300]!r}")
        size, count = len(body), len(json.loads(body)["jobs"])
    latencies.sort()
    return {
        "median": statistics.median(latencies),
        "p90": latencies[int(0.9 * (len(latencies) - 1))],
        "bytes": size,
        "jobs": count,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2000, help="ended jobs in the store")
    parser.add_argument("--overlays", type=int, default=10, help="overlays they belong to")
    parser.add_argument("--requests", type=int, default=50, help="requests per URL")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="overlays-jobs-list-"))
    server = None
    try:
        fill(tmp / "jobs", args.jobs, args.overlays)
        server = Server(tmp, tmp / "jobs")
        server.wait_ready()
        urls = {
            "GET overlays/jobs (all)": "overlays/jobs",
            "GET overlays/jobs?view=current": "overlays/jobs?view=current",
            "GET overlays/jobs?limit=50 (a page)": "overlays/jobs?limit=50",
        }
        results = {label: measure(server, path, args.requests) for label, path in urls.items()}
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    print(
        f"{args.jobs + 1} jobs recorded ({args.jobs} ended, 1 running) over {args.overlays} "
        f"overlays; {args.requests} sequential requests per URL on one keep-alive "
        f"connection; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}"
    )
    for label, figures in results.items():
        print(
            f"  {label:38} median {figures['median']:7.2f} ms  p90 {figures['p90']:7.2f} ms  "
            f"{figures['jobs']:5d} jobs  {figures['bytes'] / 1024:8.1f} KiB"
        )
    everything = results["GET overlays/jobs (all)"]
    current = results["GET overlays/jobs?view=current"]
    print(
        f"  view=current: {everything['median'] / current['median']:.0f}x faster (median), "
        f"{everything['bytes'] / current['bytes']:.0f}x smaller"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
