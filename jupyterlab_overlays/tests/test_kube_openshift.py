"""Cluster builds on an API server that serves OpenShift's image API.

The harness is plain Kubernetes; OpenShift is recognised by the ``image.openshift.io``
API group, which a CustomResourceDefinition of that group makes the real API server
serve. With it, builds push to the namespace's internal registry as its ``builder``
service account, whose token is the push credential. The group is removed after the
test, and the test waits until the API server no longer serves it.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from kubernetes_asyncio import client
from kubernetes_asyncio.client.exceptions import ApiException

from jupyterlab_overlays.config import OverlaysConfig
from jupyterlab_overlays.jobs.base import JobState
from jupyterlab_overlays.jobs.kube import spec
from jupyterlab_overlays.jobs.kube.backend import KubernetesBuildBackend
from jupyterlab_overlays.jobs.kube.cluster import OPENSHIFT_REGISTRY, connect
from jupyterlab_overlays.jobs.service import JobService
from jupyterlab_overlays.jobs.store import JobStore

from .jobs_fakes import make_overlay, wait_until

pytestmark = pytest.mark.kube

CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "imagestreams.image.openshift.io"},
    "spec": {
        "group": "image.openshift.io",
        "scope": "Namespaced",
        "names": {"plural": "imagestreams", "singular": "imagestream", "kind": "ImageStream"},
        "versions": [
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "schema": {
                    "openAPIV3Schema": {
                        "type": "object",
                        "x-kubernetes-preserve-unknown-fields": True,
                    }
                },
            }
        ],
    },
}


async def serves_image_api(admin) -> bool:
    groups = await client.ApisApi(admin).get_api_versions()
    return any(group.name == "image.openshift.io" for group in groups.groups or [])


@pytest.fixture
def openshift(admin, jp_asyncio_loop):
    run = jp_asyncio_loop.run_until_complete
    extensions = client.ApiextensionsV1Api(admin)
    run(extensions.create_custom_resource_definition(CRD))

    async def until(wanted: bool) -> None:
        deadline = time.monotonic() + 30
        while await serves_image_api(admin) is not wanted:
            assert time.monotonic() < deadline, f"image.openshift.io served: {not wanted}"
            await asyncio.sleep(0.2)

    run(until(True))
    yield
    try:
        run(extensions.delete_custom_resource_definition(CRD["metadata"]["name"]))
    except ApiException as error:
        assert error.status == 404
    run(until(False))


async def test_on_openshift_builds_push_to_the_namespaces_registry_as_its_builder(
    openshift, harness, admin, namespace, tmp_path
):
    core = client.CoreV1Api(admin)
    await core.create_namespaced_service_account(namespace, {"metadata": {"name": "builder"}})
    workspace = tmp_path / "workspace"
    make_overlay(workspace, "train", '[packages]\nsix = "*"\n')
    overlays = OverlaysConfig(build_backend="kubernetes", kubernetes_namespace=namespace)

    def backend():
        return KubernetesBuildBackend(
            overlays, connector=lambda: connect(namespace=namespace, kubeconfig=harness.kubeconfig)
        )

    described = await backend().describe()
    assert described["openshift"] is True
    assert described["registry"] == f"{OPENSHIFT_REGISTRY}/{namespace}"

    service = JobService(overlays, JobStore(tmp_path / "store"), {"build": backend}, workspace)
    try:
        job, _ = await service.submit("train", "build")
        await wait_until(lambda: service.get(job.id).state.ended, 30, "the build")
        job = service.get(job.id)
    finally:
        await service.stop()
        service.store.close()
    assert job.state is JobState.SUCCEEDED, job.error
    assert job.image.startswith(f"{OPENSHIFT_REGISTRY}/{namespace}/workspace-train:")
    jobs = await client.BatchV1Api(admin).list_namespaced_job(
        namespace, label_selector=f"{spec.LABEL_JOB_ID}={job.id}"
    )
    (k8s_job,) = jobs.items
    pod = k8s_job.spec.template.spec
    assert pod.service_account_name == "builder"
    assert pod.automount_service_account_token is True  # the token is the push credential
    script = pod.containers[0].command[2]
    assert (
        '--creds "serviceaccount:$(cat /var/run/secrets/kubernetes.io/serviceaccount/token)"'
        in script
    )
