"""The real Kubernetes control plane of ``scripts/kube-harness.sh``, for the tests of
cluster builds (a pytest plugin): ``harness`` starts it once per test session (and
stops it at the end only if this session started it), ``admin`` is a client with all
rights, ``namespace`` a fresh namespace per test."""

from __future__ import annotations

import os
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from kubernetes_asyncio import client, config

ROOT = Path(__file__).resolve().parents[2]
HARNESS = ROOT / "scripts" / "kube-harness.sh"

#: Every container's log on the fake node (CRI format): a buildah-like build that
#: ends with the digest line the builder script prints.
BUILD_LOG = [
    "STEP 1/3: FROM docker.io/library/python:3.11-slim-bookworm",
    "STEP 2/3: RUN python3 -m venv /opt/venv",
    "STEP 3/3: RUN /opt/venv/bin/python -m pip install -r /opt/overlay/requirements.txt",
    "COMMIT registry.example/overlays/demo",
    "jupyterlab-overlays: pushed sha256:" + "ab" * 32,
]


@dataclass
class Harness:
    kubeconfig: str
    nobody_kubeconfig: str
    log_file: Path
    started_here: bool

    def write_log(self, lines: list[str]) -> None:
        self.log_file.write_text(
            "".join(
                f"2026-01-01T00:00:0{i % 10}Z stdout F {line}\n" for i, line in enumerate(lines)
            )
        )

    def append_log(self, line: str) -> None:
        with self.log_file.open("a") as file:
            file.write(f"2026-01-01T00:01:00Z stdout F {line}\n")


def _env() -> dict[str, str]:
    result = subprocess.run([HARNESS, "env"], check=True, capture_output=True, text=True)  # noqa: S603
    values = {}
    for line in result.stdout.splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        values[key] = value
    return values


def start() -> Harness:
    """Start the harness (building it first if needed: 10-15 min from empty caches)."""
    running = subprocess.run([HARNESS, "start"], capture_output=True, text=True)  # noqa: S603
    if running.returncode != 0:
        raise RuntimeError(f"the Kubernetes harness did not start:\n{running.stderr[-3000:]}")
    started_here = "started in" in running.stderr
    env = _env()
    return Harness(
        kubeconfig=running.stdout.strip().splitlines()[-1],
        nobody_kubeconfig=env["OVERLAYS_KUBE_NOBODY"],
        log_file=Path(env["OVERLAYS_KUBE_LOG"]),
        started_here=started_here,
    )


def stop() -> None:
    subprocess.run([HARNESS, "stop"], check=True, capture_output=True)  # noqa: S603


def new_namespace_name() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"


def role_manifests() -> list[dict]:
    """The Role and RoleBinding the package ships (jupyterlab_overlays/kubernetes)."""
    folder = ROOT / "jupyterlab_overlays" / "kubernetes"
    return [
        yaml.safe_load((folder / name).read_text()) for name in ("role.yaml", "role-binding.yaml")
    ]


def token_user(kubeconfig: str) -> str:
    """The user name of a harness kubeconfig (its static token's user)."""
    data = yaml.safe_load(Path(kubeconfig).read_text())
    return data["users"][0]["name"]


def without_proxy() -> None:
    """The harness is on 127.0.0.1: a proxy of the environment must not be asked."""
    no_proxy = os.environ.get("NO_PROXY", "")
    if "127.0.0.1" not in no_proxy:
        os.environ["NO_PROXY"] = ",".join(filter(None, [no_proxy, "127.0.0.1", "localhost"]))


@pytest.fixture(scope="session")
def harness():
    without_proxy()
    started = start()
    started.write_log(BUILD_LOG)
    yield started
    if started.started_here:
        stop()


@pytest.fixture
def admin(harness, jp_asyncio_loop):
    run = jp_asyncio_loop.run_until_complete
    api = run(config.new_client_from_config(config_file=harness.kubeconfig))
    yield api
    run(api.close())


@pytest.fixture
def namespace(admin, jp_asyncio_loop):
    run = jp_asyncio_loop.run_until_complete
    name = new_namespace_name()
    core = client.CoreV1Api(admin)
    run(core.create_namespace({"metadata": {"name": name}}))
    yield name
    run(core.delete_namespace(name))
