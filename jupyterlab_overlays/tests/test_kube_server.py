"""Cluster builds through a real Jupyter server as a single-user pod would run them:
credentials from a service account (a real token the API server issued, bound to the
shipped Role only), the namespace from the service account, the REST API, the Elyra
runtime image of the pushed image, and a server started after another left a build
running (``scripts/kube-harness.sh`` is the cluster)."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from kubernetes_asyncio import client

from jupyterlab_overlays.config import OverlaysConfig
from jupyterlab_overlays.jobs.base import JobState
from jupyterlab_overlays.jobs.kube import cluster
from jupyterlab_overlays.jobs.kube.backend import KubernetesBuildBackend
from jupyterlab_overlays.jobs.service import JobService
from jupyterlab_overlays.jobs.store import JobStore

from .jobs_fakes import make_overlay, wait_until
from .kube_harness import role_manifests

pytestmark = pytest.mark.kube

SERVICE_ACCOUNT = "jupyter-alice"


@pytest.fixture
def pod_identity(harness, admin, namespace, tmp_path, monkeypatch, jp_asyncio_loop):
    """What a single-user pod gets: the service-account folder (token, CA, namespace)
    and KUBERNETES_SERVICE_HOST/PORT; the account has the shipped Role, nothing else."""
    run = jp_asyncio_loop.run_until_complete
    core, rbac = client.CoreV1Api(admin), client.RbacAuthorizationV1Api(admin)
    run(core.create_namespaced_service_account(namespace, {"metadata": {"name": SERVICE_ACCOUNT}}))
    role, binding = role_manifests()
    run(rbac.create_namespaced_role(namespace, role))
    binding["subjects"] = [{"kind": "ServiceAccount", "name": SERVICE_ACCOUNT}]
    run(rbac.create_namespaced_role_binding(namespace, binding))
    token = run(
        core.create_namespaced_service_account_token(
            SERVICE_ACCOUNT, namespace, {"spec": {"expirationSeconds": 3600}}
        )
    ).status.token
    kubeconfig = yaml.safe_load(Path(harness.kubeconfig).read_text())
    server = urlparse(kubeconfig["clusters"][0]["cluster"]["server"])
    folder = tmp_path / "serviceaccount"
    folder.mkdir()
    (folder / "token").write_text(token)
    (folder / "namespace").write_text(namespace)
    ca = kubeconfig["clusters"][0]["cluster"]["certificate-authority"]
    (folder / "ca.crt").write_bytes(Path(ca).read_bytes())
    monkeypatch.setattr(cluster, "SERVICE_ACCOUNT_DIR", folder)
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", server.hostname)
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", str(server.port))
    monkeypatch.delenv("KUBECONFIG", raising=False)
    return namespace


@pytest.fixture
def workspace(tmp_path):
    folder = tmp_path / "workspace"
    make_overlay(folder, "train", '[packages]\nscikit-learn = "*"\n')
    return folder


@pytest.fixture
def jp_root_dir(workspace):
    return workspace


SETTINGS = {
    "build_backend": "kubernetes",
    "kubernetes_registry": "registry.example/alice",
}


@pytest.fixture
def left_running(pod_identity, workspace, tmp_path, jp_asyncio_loop):
    """A build that a previous server started and left running when it stopped."""
    overlays = OverlaysConfig(
        **SETTINGS,
        jobs_dir=str(tmp_path / "jobs"),
        kubernetes_pod_template={
            "metadata": {"annotations": {"jupyterlab-overlays.test/run-for": "6s"}}
        },
    )
    service = JobService(
        overlays,
        JobStore(overlays.jobs_dir),
        {"build": lambda: KubernetesBuildBackend(overlays)},
        workspace,
    )

    async def start_and_stop():
        job, _ = await service.submit("train", "build")
        await wait_until(lambda: "pod" in service.get(job.id).progress, 20, "the pod")
        await service.stop()
        return job

    job = jp_asyncio_loop.run_until_complete(start_and_stop())
    service.store.close()
    return job


@pytest.fixture
def jp_server_config(pod_identity, tmp_path, monkeypatch):
    monkeypatch.setenv("ELYRA_METADATA_PATH", str(tmp_path / "elyra"))
    return {
        "ServerApp": {"jpserver_extensions": {"jupyterlab_overlays": True}},
        "OverlaysConfig": {**SETTINGS, "jobs_dir": str(tmp_path / "jobs")},
    }


async def get(jp_fetch, *parts, **kwargs) -> dict:
    return json.loads((await jp_fetch("overlays", *parts, **kwargs)).body)


async def wait_for_end(jp_fetch, job_id: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = await get(jp_fetch, "jobs", job_id)
        if job["state"] in ("succeeded", "failed", "cancelled"):
            return job
        assert time.monotonic() < deadline, f"not ended: {job}"
        await asyncio.sleep(0.2)


async def test_a_pod_with_only_the_role_builds_through_the_rest_api_and_elyra_gets_the_image(
    jp_fetch, pod_identity, tmp_path
):
    info = await get(jp_fetch, "info")
    assert info["build_backend"] == "kubernetes"
    assert info["cluster"]["error"] is None
    assert info["cluster"]["credentials"] == "service account"
    assert info["cluster"]["namespace"] == pod_identity  # from the service account
    assert info["cluster"]["registry"] == "registry.example/alice"

    response = await jp_fetch(
        "overlays", "jobs", method="POST", body=json.dumps({"overlay": "train", "kind": "build"})
    )
    assert response.code == 202
    job = await wait_for_end(jp_fetch, json.loads(response.body)["id"])
    assert job["state"] == "succeeded", job["error"]
    assert job["backend"] == "kubernetes"
    assert job["image"] == f"registry.example/alice/workspace-train:{job['source_hash'][:12]}"
    log = await get(jp_fetch, "jobs", job["id"], "log")
    assert f"in namespace {pod_identity}" in log["text"]

    # Elyra's runtime image names the pushed image, which the pipeline's pods pull.
    runtime_image = json.loads(
        (tmp_path / "elyra" / "metadata" / "runtime-images" / "overlay-train.json").read_text()
    )
    assert runtime_image["metadata"]["image_name"] == job["image"]


async def test_a_server_started_after_one_that_left_a_build_running_follows_it_to_its_end(
    left_running, jp_fetch
):
    # No request starts it: the server follows the build again as soon as it runs.
    job = await wait_for_end(jp_fetch, left_running.id)
    assert job["state"] == "succeeded", job["error"]
    log = await get(jp_fetch, "jobs", job["id"], "log")
    assert "The server stopped; the build goes on in the cluster." in log["text"]
    assert "The server restarted: following Job overlay-build-train-" in log["text"]
    assert JobState(job["state"]) is JobState.SUCCEEDED
