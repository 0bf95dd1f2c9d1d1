"""A real build in CI, end to end: the smallest demo overlay, through the REST API.

The demo workspace gets its three overlays from scripts/overlays-cli.mjs and its locks
from the real `pipenv lock` (demo_workspace.py, once per session); this module works on
a copy of it, which is the root dir of a real Jupyter server with this extension. The
server's buildah storage is the session's (buildah_storage.py: fresh folders, the base
image made once from Debian packages), its jobs folder a fresh one per test.

- build: ``POST overlays/jobs`` → 202 → poll the job and tail its log by offset until it
  ends → succeeded with ``localhost/demo-<overlay>:<tag>``; then, inside the image, every
  distribution of the overlay's Pipfile ``[packages]`` imports (its import names found
  in the image by ``importlib.metadata.packages_distributions()``) and curl runs;
- lock: a lock job on another overlay whose Pipfile changed → succeeded, Pipfile.lock
  rewritten and no longer stale.

Needs buildah, mmdebstrap, node and PyPI; `pytest -s` prints the times.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import time
from pathlib import Path

import pytest

from jupyterlab_overlays import JOBS_SETTING
from jupyterlab_overlays.jobs.base import JobKind
from jupyterlab_overlays.jobs.context import source_hash
from jupyterlab_overlays.jobs.lock import LockBackend
from jupyterlab_overlays.jobs.naming import image_tag
from jupyterlab_overlays.jobs.pipfile import lock_is_stale

from .buildah_storage import BASE
from .demo_workspace import OVERLAYS, normalise, pipenv_home_env

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (shutil.which("buildah") and shutil.which("mmdebstrap")),
        reason="needs buildah and mmdebstrap (apt-get install buildah runc mmdebstrap)",
    ),
]

JOB_TIMEOUT = 600  # seconds from submit to the end of a job
POLL = 0.5  # seconds between polls

#: Run in the image by its venv's Python, with the wanted distributions (PEP 503
#: names) as argv[1]: each one's import names, from the image's own metadata, and what
#: importing each of them gave (None: it imported).
IMPORT_CHECK = """
import importlib, importlib.metadata, json, re, sys

def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()

modules = {}
for module, distributions in importlib.metadata.packages_distributions().items():
    for distribution in distributions:
        modules.setdefault(normalise(distribution), set()).add(module)
report = {}
for wanted in json.loads(sys.argv[1]):
    report[wanted] = {}
    for module in sorted(m for m in modules.get(wanted, ()) if m.isidentifier()):
        try:
            importlib.import_module(module)
            report[wanted][module] = None
        except Exception as error:
            report[wanted][module] = repr(error)
print(json.dumps({"prefix": sys.prefix, "imports": report}))
"""


# --- the workspace and the server --------------------------------------------


def locked_packages(overlay_dir: Path) -> dict:
    return json.loads((overlay_dir / "Pipfile.lock").read_text())["default"]


def pipfile_packages(overlay_dir: Path) -> list[str]:
    data = tomllib.loads((overlay_dir / "Pipfile").read_text())
    return sorted(normalise(name) for name in data.get("packages", {}))


@pytest.fixture(scope="module")
def demo(tmp_path_factory, demo_workspace, demo_locks) -> Path:
    """A copy of the locked demo workspace (still named ``demo``: the image's project)."""
    failed = {name: lock.output[-2000:] for name, lock in demo_locks.items() if lock.returncode}
    assert not failed, f"pipenv lock failed: {failed}"
    root = tmp_path_factory.mktemp("build-demo") / "demo"
    shutil.copytree(demo_workspace.root, root)
    return root


@pytest.fixture(scope="module")
def by_size(demo) -> list[tuple[int, str]]:
    """``(number of locked packages, overlay)``, smallest first."""
    sizes = sorted(
        (len(locked_packages(demo / "overlays" / name)), name) for name in sorted(OVERLAYS)
    )
    print(f"\nlocked packages per overlay: {', '.join(f'{n} {c}' for c, n in sizes)}")
    return sizes


@pytest.fixture
def jp_root_dir(demo):
    """The server's root dir is the demo workspace."""
    return demo


@pytest.fixture
def jp_server_config(storage, tmp_path):
    return {
        "ServerApp": {"jpserver_extensions": {"jupyterlab_overlays": True}},
        "OverlaysConfig": {
            "jobs_dir": str(tmp_path / "jobs"),
            "build_tools": ["buildah"],
            "base_image": BASE,
            "buildah_root": str(storage.root),
            "buildah_runroot": str(storage.runroot),
        },
    }


@pytest.fixture
def service(jp_serverapp):
    return jp_serverapp.web_app.settings[JOBS_SETTING]


async def fetch_json(jp_fetch, *parts, **kwargs) -> dict:
    return json.loads((await jp_fetch("overlays", "jobs", *parts, **kwargs)).body)


async def run_job(jp_fetch, jp_base_url, overlay: str, kind: str) -> dict:
    """Submit through the REST API, poll the job and tail its log by offset until the
    end; returns the job, the log read piece by piece, and how."""
    start = time.monotonic()
    response = await jp_fetch(
        "overlays", "jobs", method="POST", body=json.dumps({"overlay": overlay, "kind": kind})
    )
    assert response.code == 202
    job = json.loads(response.body)
    assert response.headers["Location"] == f"{jp_base_url}overlays/jobs/{job['id']}"
    assert (job["overlay"], job["kind"]) == (overlay, kind)

    text, offset, pieces, states = "", 0, 0, []
    while True:
        job = await fetch_json(jp_fetch, job["id"])
        states.append(job["state"])
        page = await fetch_json(jp_fetch, job["id"], "log", params={"offset": str(offset)})
        assert page["offset"] >= offset
        if page["text"]:
            pieces += 1
        text += page["text"]
        offset = page["offset"]
        if page["ended"]:
            break
        assert time.monotonic() - start < JOB_TIMEOUT, f"{kind} {overlay}: not ended\n{text}"
        await asyncio.sleep(POLL)
    seconds = time.monotonic() - start
    job = await fetch_json(jp_fetch, job["id"])
    whole = await fetch_json(jp_fetch, job["id"], "log", params={"offset": "0"})
    return {
        "job": job,
        "log": text,
        "offset": offset,
        "pieces": pieces,
        "states": states,
        "whole": whole,
        "seconds": seconds,
    }


# --- build -------------------------------------------------------------------


async def test_build_the_smallest_demo_overlay(
    jp_fetch, jp_base_url, demo, by_size, storage, record_property
):
    count, name = by_size[0]
    folder = demo / "overlays" / name
    run = await run_job(jp_fetch, jp_base_url, name, "build")
    job, log = run["job"], run["log"]
    print(f"\nbuild of {name} ({count} locked packages) through the REST API: "
          f"{run['seconds']:.1f} s, log read in {run['pieces']} pieces")  # fmt: skip
    record_property("demo_build_seconds", round(run["seconds"], 1))

    assert job["state"] == "succeeded", f"{job['error']}\n{log}"
    assert job["error"] is None
    assert job["backend"] == "local"
    assert job["image"] == f"localhost/demo-{name}:{image_tag(source_hash(folder))}"
    assert job["digest"].startswith("sha256:")
    assert job["progress"]["step"] == job["progress"]["steps"] > 1
    assert "running" in run["states"]

    # The log, read by offsets while the build ran, is the whole log.
    assert run["pieces"] >= 2, "the log came in one piece: not incremental"
    assert run["whole"] == {"text": log, "offset": run["offset"], "ended": True}
    assert len(log.encode()) == run["offset"] == job["log_size"]
    assert "--require-hashes" in log
    assert f"Built {job['image']} ({job['digest']})" in log

    # Registered as an Elyra runtime image by the server, with no browser open.
    current = json.loads((await jp_fetch("overlays", "jobs", params={"view": "current"})).body)
    registration = current["runtime_images"][name]
    assert (registration["outcome"], registration["job_id"]) == ("created", job["id"])
    assert registration["image"] == job["image"]
    assert f"as the Elyra runtime image overlay-{name}" in log

    # Inside the image: every package of the Pipfile imports, curl runs.
    wanted = pipfile_packages(folder)
    assert wanted
    container = storage.buildah("from", "--pull-never", job["image"]).stdout.strip()
    try:
        output = storage.buildah(
            "run", "--isolation", "chroot", container, "--",
            "/opt/venv/bin/python", "-c", IMPORT_CHECK, json.dumps(wanted),
        ).stdout  # fmt: skip
        report = json.loads(output.strip().splitlines()[-1])
        curl = storage.buildah(
            "run", "--isolation", "chroot", container, "--", "curl", "--version"
        ).stdout
    finally:
        storage.buildah("rm", container)
    print(f"import names in the image: {report['imports']}")
    assert report["prefix"] == "/opt/venv"
    for distribution, modules in report["imports"].items():
        assert modules, f"{distribution}: no import names in the image"
        failed = {module: error for module, error in modules.items() if error}
        assert not failed, f"{distribution}: {failed}"
    assert set(report["imports"]) == set(wanted)
    assert curl.startswith("curl ")
    assert storage.containers() == []


# --- lock --------------------------------------------------------------------


async def test_lock_job_rewrites_a_stale_lock(
    jp_fetch, jp_base_url, demo, by_size, service, pipenv_home, record_property
):
    # Another overlay than the one built; the next smallest one.
    _, name = by_size[1]
    folder = demo / "overlays" / name
    # The real LockBackend, with pipenv's cache and virtualenvs in the session's home.
    service.backends[JobKind.LOCK] = lambda: LockBackend(
        service.config, env=pipenv_home_env(pipenv_home)
    )
    pipfile = (folder / "Pipfile").read_text()
    before = (folder / "Pipfile.lock").read_text()
    assert not lock_is_stale(pipfile, before)
    assert "six" not in locked_packages(folder)
    assert "[packages]\n" in pipfile
    (folder / "Pipfile").write_text(pipfile.replace("[packages]\n", '[packages]\nsix = "*"\n'))
    assert lock_is_stale((folder / "Pipfile").read_text(), before)

    run = await run_job(jp_fetch, jp_base_url, name, "lock")
    job = run["job"]
    print(f"\nlock job of {name} through the REST API: {run['seconds']:.1f} s")
    record_property("demo_lock_seconds", round(run["seconds"], 1))
    assert job["state"] == "succeeded", f"{job['error']}\n{run['log']}"
    assert job["backend"] == "pipenv"
    assert (job["image"], job["error"]) == (None, None)
    assert run["whole"]["text"] == run["log"] and run["log"]

    after = (folder / "Pipfile.lock").read_text()
    assert after != before
    assert not lock_is_stale((folder / "Pipfile").read_text(), after)
    assert locked_packages(folder)["six"]["version"].startswith("==")
    assert json.loads(after)["_meta"]["requires"] == {"python_version": "3.11"}
