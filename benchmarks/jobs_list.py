#!/usr/bin/env python
"""Benchmark of what the sidebar asks for: ``GET overlays/jobs`` (every job) against
``GET overlays/jobs?view=current`` (what the sidebar shows) and ``GET overlays/jobs/<id>``,
over a long history, each against ``GET api/status`` measured in the same run (the
server's least work: what is above it is the endpoint's own time); and how long a job's
change takes to reach a client of JupyterLab's event stream (``api/events/subscribe``).

    .venv/bin/python benchmarks/jobs_list.py                  (from the repository root)
    .venv/bin/python benchmarks/jobs_list.py --jobs 5000 --overlays 20 --requests 100

A job store with N ended jobs (default 2,000) over a few overlays, builds and locks, plus
one running build, is written in a fresh temporary folder; a real `jupyter server` of this
venv serves it on 127.0.0.1 (random port, a token). One keep-alive client asks each URL
a few times to warm up, then R times in turn (default 50): median and p90 latency, and
the size of the answer. Nothing builds: the figures are the list's own cost (SQLite,
JSON, HTTP). For the events, lock jobs of an overlay without a Pipfile (they fail at
once: queued, running, failed) are asked for, and each event's delay is the time it
arrives less the time the server emitted it (``emitted`` in the event). Then, when the
labextension is built and Chromium is there, ``sidebar_events.mjs`` opens JupyterLab on
the same server and measures, for each such lock, the delay to the sidebar showing it
failed, against the event's delivery to the page measured in the same run. It reports;
it never fails on a figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from labserver import Server  # noqa: E402 - benchmarks/ is on sys.path

from jupyterlab_overlays.jobs.base import Job, JobKind, JobState  # noqa: E402
from jupyterlab_overlays.jobs.store import JobStore  # noqa: E402

ENDED = (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


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
        size, count = len(body), len(json.loads(body).get("jobs", [None]))
    latencies.sort()
    return {
        "median": statistics.median(latencies),
        "p90": latencies[int(0.9 * (len(latencies) - 1))],
        "bytes": size,
        "jobs": count,
    }


async def event_delays(server: Server, rounds: int) -> list[float]:
    """Milliseconds from the server stamping a job event to a subscriber receiving it."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    url = f"ws://127.0.0.1:{server.port}/api/events/subscribe"
    request = HTTPRequest(url, headers={"Authorization": f"token {server.token}"})
    socket = await websocket_connect(request)
    delays: list[float] = []
    try:
        for _ in range(rounds):
            job = server.request("POST", "overlays/jobs", {"overlay": "empty", "kind": "lock"})
            while True:
                message = await asyncio.wait_for(socket.read_message(), 30)
                received = time.time()
                event = json.loads(message)
                if event.get("id") != job["id"]:
                    continue
                delays.append((received - event["emitted"]) * 1000)
                if event["state"] in ("succeeded", "failed", "cancelled"):
                    break
    finally:
        socket.close()
    return delays


def sidebar_delays(server: Server, rounds: int) -> dict | str:
    """The page's delays (sidebar_events.mjs), or why they were not measured."""
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not (ROOT / "jupyterlab_overlays" / "labextension" / "package.json").is_file():
        return "labextension not built (jlpm build)"
    if not Path(chromium).is_file():
        return f"no Chromium at {chromium}"
    node = shutil.which("node")
    if node is None:
        return "no node on PATH"
    done = subprocess.run(  # noqa: S603 - our own script and arguments
        [
            node,
            str(ROOT / "benchmarks" / "sidebar_events.mjs"),
            f"--base={server.base}",
            f"--token={server.token}",
            "--overlay=empty",
            f"--rounds={rounds}",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        return f"sidebar_events.mjs failed: {done.stderr.strip()[-2000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2000, help="ended jobs in the store")
    parser.add_argument("--overlays", type=int, default=10, help="overlays they belong to")
    parser.add_argument("--requests", type=int, default=50, help="requests per URL")
    parser.add_argument("--rounds", type=int, default=15, help="jobs followed in the page")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="overlays-jobs-list-"))
    server = None
    try:
        fill(tmp / "jobs", args.jobs, args.overlays)
        workspace = tmp / "workspace"
        workspace.mkdir()
        server = Server(workspace, tmp, {"jobs_dir": str(tmp / "jobs")})
        server.wait_ready()
        running = f"{args.jobs:032x}"
        urls = {
            "GET api/status (baseline)": "api/status",
            "GET overlays/jobs (all)": "overlays/jobs",
            "GET overlays/jobs?view=current": "overlays/jobs?view=current",
            "GET overlays/jobs?limit=50 (a page)": "overlays/jobs?limit=50",
            "GET overlays/jobs/<id>": f"overlays/jobs/{running}",
        }
        results = {label: measure(server, path, args.requests) for label, path in urls.items()}
        (workspace / "overlays" / "empty").mkdir(parents=True)
        delays = asyncio.run(event_delays(server, rounds=10))
        page = sidebar_delays(server, rounds=args.rounds)
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
    baseline = results["GET api/status (baseline)"]["median"]
    print(
        f"  view=current: {everything['median'] / current['median']:.0f}x faster (median), "
        f"{everything['bytes'] / current['bytes']:.0f}x smaller"
    )
    for label in ("GET overlays/jobs?view=current", "GET overlays/jobs/<id>"):
        own = max(0.0, results[label]["median"] - baseline)
        print(f"  {label}: {own:.2f} ms above the baseline (target: at most 1 ms)")
    delays.sort()
    print(
        f"  job events to a subscriber of api/events/subscribe: median "
        f"{statistics.median(delays):.2f} ms, max {delays[-1]:.2f} ms over {len(delays)} events"
    )
    if isinstance(page, str):
        print(f"  sidebar in JupyterLab: not measured ({page})")
        return 0
    events, sidebar = sorted(page["events"]), sorted(page["sidebar"])
    print(
        f"  a job's failed event to the sidebar showing it, in JupyterLab: median "
        f"{statistics.median(sidebar):.0f} ms, max {sidebar[-1]:.0f} ms over {len(sidebar)} "
        f"jobs; the same events to the page's own socket (baseline): median "
        f"{statistics.median(events):.0f} ms; ratio "
        f"{statistics.median(sidebar) / max(statistics.median(events), 1):.0f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
