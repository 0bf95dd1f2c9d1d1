"""Cluster builds against a real Kubernetes API server (``scripts/kube-harness.sh``:
etcd, kube-apiserver, kube-controller-manager, kube-scheduler; kwok as the node).

Each test runs builds through the real job service and the real backend, in a fresh
namespace; what the cluster holds is checked with the admin's client. kwok's pods run
no containers: their phases, exit codes and logs are told by annotations and a file
(see the harness script); everything else — validation, ownerReferences and garbage
collection, the Job controller, scheduling, watches, RBAC — is the real thing.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from kubernetes_asyncio import client
from kubernetes_asyncio.client.exceptions import ApiException

from jupyterlab_overlays.config import OverlaysConfig
from jupyterlab_overlays.info import server_info
from jupyterlab_overlays.jobs.base import JobState
from jupyterlab_overlays.jobs.kube import spec
from jupyterlab_overlays.jobs.kube.backend import KubernetesBuildBackend
from jupyterlab_overlays.jobs.kube.cluster import connect
from jupyterlab_overlays.jobs.service import JobService
from jupyterlab_overlays.jobs.store import JobStore

from . import kube_harness
from .jobs_fakes import make_overlay, wait_until

pytestmark = pytest.mark.kube

OUTCOME = "jupyterlab-overlays.test/outcome"


@pytest.fixture
def workspace(tmp_path):
    folder = tmp_path / "workspace"
    make_overlay(
        folder, "demo", '[packages]\npandas = "*"\n\n[requires]\npython_version = "3.11"\n'
    )
    return folder


@pytest.fixture
def services(tmp_path, workspace, harness, namespace, jp_asyncio_loop):
    """Make job services over one store, with the Kubernetes backend; stopped after."""
    made = []

    def make(kubeconfig=None, **settings) -> JobService:
        settings = {
            "build_backend": "kubernetes",
            "kubernetes_namespace": namespace,
            "image_registry": "registry.example",
            "image_org": "overlays",
            "cancel_grace_period": 5.0,
            **settings,
        }
        overlays = OverlaysConfig(**settings)
        path = kubeconfig or harness.kubeconfig

        def backend():
            return KubernetesBuildBackend(
                overlays, connector=lambda: connect(namespace=namespace, kubeconfig=path)
            )

        service = JobService(overlays, JobStore(tmp_path / "store"), {"build": backend}, workspace)
        made.append(service)
        return service

    yield make
    for service in made:
        jp_asyncio_loop.run_until_complete(service.stop())
        service.store.close()


def annotated(**annotations) -> dict:
    return {"metadata": {"annotations": annotations}}


async def build(service: JobService, timeout: float = 30.0):
    job, _ = await service.submit("demo", "build")
    await wait_until(lambda: service.get(job.id).state.ended, timeout, "the build to end")
    return service.get(job.id)


def log_of(service: JobService, job) -> str:
    return service.read_log(job.id)["text"]


async def k8s_jobs(admin, namespace) -> list:
    found = await client.BatchV1Api(admin).list_namespaced_job(
        namespace, label_selector=f"{spec.LABEL_MANAGED_BY}={spec.MANAGED_BY}"
    )
    return found.items


async def gone(read) -> bool:
    try:
        await read()
    except ApiException as error:
        return error.status == 404
    return False


async def wait_gone(read, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not await gone(read):
        assert time.monotonic() < deadline, "still there"
        await asyncio.sleep(0.2)


# --- a build, end to end ----------------------------------------------------------


async def test_a_build_is_a_job_the_real_api_accepts_and_it_succeeds(services, admin, namespace):
    service = services()
    job = await build(service)
    assert job.state is JobState.SUCCEEDED, job.error
    assert job.backend == "kubernetes"
    assert job.image == f"registry.example/overlays/workspace-demo:{job.source_hash[:12]}"
    assert job.digest == "sha256:" + "ab" * 32  # read from the builder's last line

    (k8s_job,) = await k8s_jobs(admin, namespace)
    labels = k8s_job.metadata.labels
    assert labels == {
        "app.kubernetes.io/managed-by": "jupyterlab-overlays",
        "jupyterlab-overlays/overlay": "demo",
        "jupyterlab-overlays/job-id": job.id,
        "jupyterlab-overlays/source-hash": job.source_hash[:63],  # a label value: ≤ 63
    }
    assert k8s_job.spec.backoff_limit == 0
    assert k8s_job.spec.active_deadline_seconds == 3600
    assert k8s_job.spec.ttl_seconds_after_finished == 3600
    # The Job controller records the pod's success a moment after the pod's own status.
    batch = client.BatchV1Api(admin)
    deadline = time.monotonic() + 20
    while not (await batch.read_namespaced_job(k8s_job.metadata.name, namespace)).status.succeeded:
        assert time.monotonic() < deadline, "the Job never became Complete"
        await asyncio.sleep(0.2)
    pod_spec = k8s_job.spec.template.spec
    assert pod_spec.automount_service_account_token is False
    assert pod_spec.containers[0].image == "quay.io/buildah/stable:v1.39"

    configmap = await client.CoreV1Api(admin).read_namespaced_config_map(
        k8s_job.metadata.name, namespace
    )
    assert configmap.metadata.labels == labels
    (owner,) = configmap.metadata.owner_references
    assert (owner.kind, owner.name, owner.uid) == (
        "Job",
        k8s_job.metadata.name,
        k8s_job.metadata.uid,
    )
    files = {item.path for item in pod_spec.volumes[0].config_map.items}
    assert files == {"Containerfile", "Pipfile", "requirements.txt"}
    assert (
        "pandas"
        in configmap.data[
            next(
                i.key for i in pod_spec.volumes[0].config_map.items if i.path == "requirements.txt"
            )
        ]
    )

    pods = await client.CoreV1Api(admin).list_namespaced_pod(
        namespace, label_selector=f"jupyterlab-overlays/job-id={job.id}"
    )
    (pod,) = pods.items
    assert pod.metadata.labels["jupyterlab-overlays/overlay"] == "demo"
    text = log_of(service, job)
    assert f"Kubernetes Job {k8s_job.metadata.name} in namespace {namespace}" in text
    assert f"Pod {pod.metadata.name}" in text
    for line in kube_harness.BUILD_LOG:  # the pod's log, each line once
        assert text.count(line) == 1, line
    assert job.progress["pod"] == pod.metadata.name
    assert (job.progress["step"], job.progress["steps"]) == (3, 3)


async def test_the_jobs_state_follows_the_watch_queued_running_succeeded(services):
    service = services(
        kubernetes_pod_template=annotated(**{"jupyterlab-overlays.test/run-for": "3s"})
    )
    seen = []
    service.on_change = lambda job: seen.append(job.state)
    job = await build(service)
    assert job.state is JobState.SUCCEEDED
    states = [s for i, s in enumerate(seen) if i == 0 or seen[i - 1] is not s]
    assert states == [JobState.QUEUED, JobState.RUNNING, JobState.SUCCEEDED]


async def test_lines_appended_to_a_running_pods_log_reach_the_jobs_log(services, harness):
    service = services(kubernetes_pod_template=annotated(**{OUTCOME: "run-forever"}))
    job, _ = await service.submit("demo", "build")
    await wait_until(lambda: "COMMIT registry.example" in log_of(service, job), 20, "the log")
    harness.append_log("a line written while the build runs")
    try:
        await wait_until(
            lambda: "a line written while the build runs" in log_of(service, job), 20, "new line"
        )
    finally:
        harness.write_log(kube_harness.BUILD_LOG)
        await service.cancel(job.id)


# --- failures ---------------------------------------------------------------------


async def test_a_failing_pod_fails_the_build_with_its_exit_code(services):
    service = services(
        kubernetes_pod_template=annotated(
            **{OUTCOME: "fail", "jupyterlab-overlays.test/exit-code": "3"}
        )
    )
    job = await build(service)
    assert job.state is JobState.FAILED
    assert job.error.startswith("the build pod failed: exit code 3 (Error)"), job.error


async def test_out_of_memory_is_said_so(services):
    service = services(kubernetes_pod_template=annotated(**{OUTCOME: "oom"}))
    job = await build(service)
    assert job.state is JobState.FAILED
    assert job.error.startswith("the build pod ran out of memory (OOMKilled, exit code 137)"), (
        job.error
    )


async def test_a_pod_no_node_can_take_shows_why_and_cancel_deletes_everything(
    services, admin, namespace
):
    service = services(
        kubernetes_pod_template={"spec": {"nodeSelector": {"overlays-test": "no-such-node"}}}
    )
    job, _ = await service.submit("demo", "build")
    await wait_until(lambda: "waiting" in service.get(job.id).progress, 20, "a waiting reason")
    waiting = service.get(job.id).progress["waiting"]
    assert waiting.startswith("Unschedulable: 0/1 nodes are available"), waiting
    assert f"Waiting: {waiting}" in log_of(service, job)
    assert service.get(job.id).state is JobState.RUNNING

    (k8s_job,) = await k8s_jobs(admin, namespace)
    name = k8s_job.metadata.name
    cancelled = await service.cancel(job.id)
    assert cancelled.state is JobState.CANCELLED
    assert f"Cancelled: deleting Job {name}" in log_of(service, job)
    batch, core = client.BatchV1Api(admin), client.CoreV1Api(admin)
    await wait_gone(lambda: batch.read_namespaced_job(name, namespace))
    await wait_gone(lambda: core.read_namespaced_config_map(name, namespace))
    pods = await core.list_namespaced_pod(namespace, label_selector=f"{spec.LABEL_JOB_ID}={job.id}")
    deadline = time.monotonic() + 20
    while pods.items and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        pods = await core.list_namespaced_pod(
            namespace, label_selector=f"{spec.LABEL_JOB_ID}={job.id}"
        )
    assert pods.items == []


async def test_an_image_that_cannot_be_pulled_shows_in_the_badge(services):
    service = services(kubernetes_pod_template=annotated(**{OUTCOME: "pull-fail"}))
    job, _ = await service.submit("demo", "build")
    await wait_until(lambda: "waiting" in service.get(job.id).progress, 20, "a waiting reason")
    waiting = service.get(job.id).progress["waiting"]
    assert waiting.startswith("ImagePullBackOff: Back-off pulling image"), waiting
    assert "quay.io/buildah/stable:v1.39" in waiting
    await service.cancel(job.id)


async def test_the_deadline_ends_the_build_saying_so(services):
    service = services(
        kubernetes_deadline=2, kubernetes_pod_template=annotated(**{OUTCOME: "run-forever"})
    )
    job = await build(service, timeout=40)
    assert job.state is JobState.FAILED
    assert job.error == (
        "the build took longer than its deadline (2 s, kubernetes_deadline) and was stopped"
    )


async def test_a_job_deleted_behind_the_servers_back_fails_the_build(services, admin, namespace):
    service = services(kubernetes_pod_template=annotated(**{OUTCOME: "run-forever"}))
    job, _ = await service.submit("demo", "build")
    await wait_until(lambda: "pod" in service.get(job.id).progress, 20, "the pod")
    (k8s_job,) = await k8s_jobs(admin, namespace)
    await client.BatchV1Api(admin).delete_namespaced_job(
        k8s_job.metadata.name, namespace, propagation_policy="Background"
    )
    await wait_until(lambda: service.get(job.id).state.ended, 20, "the end")
    ended = service.get(job.id)
    assert ended.state is JobState.FAILED
    assert ended.error == (
        f"the Kubernetes Job {k8s_job.metadata.name} was deleted before the build ended "
        "(not by this server)"
    )


async def test_a_context_too_big_for_a_configmap_creates_nothing(
    services, workspace, admin, namespace
):
    folder = workspace / "overlays" / "demo"
    (folder / "Containerfile").write_text("FROM docker.io/library/python:3.11-slim\nCOPY . /opt\n")
    (folder / "data.bin").write_bytes(bytes(range(256)) * 5000)  # 1.28 MB
    service = services()
    job = await build(service)
    assert job.state is JobState.FAILED
    assert "more than a Kubernetes ConfigMap holds (1,048,576)" in job.error
    assert "data.bin (1,280,000 bytes)" in job.error
    assert await k8s_jobs(admin, namespace) == []


# --- permissions ------------------------------------------------------------------


async def test_without_the_role_the_error_names_verb_resource_and_role(
    services, harness, namespace
):
    service = services(kubeconfig=harness.nobody_kubeconfig)
    job = await build(service)
    assert job.state is JobState.FAILED
    assert job.error == (
        f"Kubernetes refused to create jobs in namespace {namespace!r} (403 Forbidden): the "
        "server's account needs the Role in jupyterlab_overlays/kubernetes/role.yaml (jobs, "
        "pods, pods/log, configmaps) bound to it — see jupyterlab_overlays/kubernetes/README.md"
    )


async def test_the_shipped_role_is_enough_for_a_whole_build(services, harness, admin, namespace):
    role, binding = kube_harness.role_manifests()
    rbac = client.RbacAuthorizationV1Api(admin)
    await rbac.create_namespaced_role(namespace, role)
    binding["subjects"] = [
        {
            "kind": "User",
            "apiGroup": "rbac.authorization.k8s.io",
            "name": kube_harness.token_user(harness.nobody_kubeconfig),
        }
    ]
    await rbac.create_namespaced_role_binding(namespace, binding)
    service = services(kubeconfig=harness.nobody_kubeconfig)
    job = await build(service)
    assert job.state is JobState.SUCCEEDED, job.error
    assert "COMMIT registry.example" in log_of(service, job)
    # … and cancelling with it works too (delete jobs)
    service = services(
        kubeconfig=harness.nobody_kubeconfig,
        kubernetes_pod_template=annotated(**{OUTCOME: "run-forever"}),
    )
    running, _ = await service.submit("demo", "build")
    await wait_until(lambda: "pod" in service.get(running.id).progress, 20, "the pod")
    assert (await service.cancel(running.id)).state is JobState.CANCELLED
    assert "Could not" not in log_of(service, running)


# --- a server restart -------------------------------------------------------------


async def test_a_restarted_server_follows_its_running_build_again(services, admin, namespace):
    template = annotated(**{"jupyterlab-overlays.test/run-for": "6s"})
    first = services(kubernetes_pod_template=template)
    job, _ = await first.submit("demo", "build")
    await wait_until(lambda: "pod" in first.get(job.id).progress, 20, "the pod")
    await first.stop()
    assert first.store.get(job.id).state is JobState.RUNNING  # left running, not failed
    assert len(await k8s_jobs(admin, namespace)) == 1  # and so is the Job

    second = services(kubernetes_pod_template=template)
    assert second.get(job.id).state is JobState.RUNNING
    second.resume()
    await wait_until(lambda: second.get(job.id).state.ended, 30, "the end")
    ended = second.get(job.id)
    assert ended.state is JobState.SUCCEEDED, ended.error
    assert ended.digest == "sha256:" + "ab" * 32
    text = log_of(second, ended)
    assert "The server stopped; the build goes on in the cluster." in text
    assert "The server restarted: following Job overlay-build-demo-" in text


async def test_a_job_deleted_while_the_server_was_down_fails_after_the_restart(
    services, admin, namespace
):
    template = annotated(**{OUTCOME: "run-forever"})
    first = services(kubernetes_pod_template=template)
    job, _ = await first.submit("demo", "build")
    await wait_until(lambda: "pod" in first.get(job.id).progress, 20, "the pod")
    await first.stop()
    (k8s_job,) = await k8s_jobs(admin, namespace)
    batch = client.BatchV1Api(admin)
    await batch.delete_namespaced_job(
        k8s_job.metadata.name, namespace, propagation_policy="Background"
    )
    await wait_gone(lambda: batch.read_namespaced_job(k8s_job.metadata.name, namespace))

    second = services(kubernetes_pod_template=template)
    second.resume()
    await wait_until(lambda: second.get(job.id).state.ended, 20, "the end")
    ended = second.get(job.id)
    assert ended.state is JobState.FAILED
    assert "was deleted before the build ended (not by this server)" in ended.error


# --- what the server says of the cluster --------------------------------------------


async def test_overlays_info_shows_the_backend_and_the_cluster(
    harness, namespace, monkeypatch, tmp_path
):
    monkeypatch.setenv("KUBECONFIG", harness.kubeconfig)
    info = await server_info(
        OverlaysConfig(build_backend="kubernetes", kubernetes_namespace=namespace), str(tmp_path)
    )
    assert info["build_backend"] == "kubernetes"
    cluster = info["cluster"]
    assert cluster["error"] is None
    assert cluster["server"].startswith("https://127.0.0.1:")
    assert cluster["namespace"] == namespace
    assert cluster["credentials"] == harness.kubeconfig
    assert cluster["openshift"] is False
    assert cluster["registry"] == "localhost"
    assert cluster["builder_image"] == "quay.io/buildah/stable:v1.39"
    local = await server_info(OverlaysConfig(), str(tmp_path))
    assert (local["build_backend"], local["cluster"]) == ("local", None)


async def test_pod_overrides_reach_the_pod_the_api_server_accepts(services, admin, namespace):
    service = services(
        kubernetes_service_account="default",
        kubernetes_host_users=False,
        kubernetes_pod_template={
            "spec": {
                "nodeSelector": {"kubernetes.io/os": "linux"},
                "securityContext": {
                    "runAsNonRoot": False,
                    "seccompProfile": {"type": "RuntimeDefault"},
                },
                "containers": [
                    {"name": "build", "resources": {"limits": {"memory": "4Gi", "cpu": "2"}}}
                ],
            }
        },
    )
    job = await build(service)
    assert job.state is JobState.SUCCEEDED, job.error
    (k8s_job,) = await k8s_jobs(admin, namespace)
    pod = k8s_job.spec.template.spec
    assert pod.host_users is False
    assert pod.service_account_name == "default"
    assert pod.node_selector == {"kubernetes.io/os": "linux"}
    assert pod.security_context.seccomp_profile.type == "RuntimeDefault"
    (container,) = pod.containers
    assert container.resources.limits == {"memory": "4Gi", "cpu": "2"}
    assert container.name == "build" and container.image == "quay.io/buildah/stable:v1.39"
