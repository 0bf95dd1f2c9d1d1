"""The build pod a cluster build creates really builds: the pod spec and ConfigMap the
real API server accepted (``scripts/kube-harness.sh``) are run by ``podman kube play``,
with a builder image made here from Debian packages (buildah), as an unprivileged
container; the image lands in a test registry and imports its packages.

The kwok node runs no containers, so this is the half of a cluster build the harness
cannot show. Two differences from a cluster, both in the test's own settings: the pod
gets ``hostNetwork: true`` through ``kubernetes_pod_template`` (podman's pods reach
the registry on 127.0.0.1 only so), and the registry is plain HTTP
(``registry_tls_verify = False``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import yaml
from kubernetes_asyncio import client

from jupyterlab_overlays.config import OverlaysConfig
from jupyterlab_overlays.jobs.base import JobState
from jupyterlab_overlays.jobs.kube import spec
from jupyterlab_overlays.jobs.kube.backend import KubernetesBuildBackend
from jupyterlab_overlays.jobs.kube.cluster import connect
from jupyterlab_overlays.jobs.service import JobService
from jupyterlab_overlays.jobs.store import JobStore

from .buildah_storage import BASE
from .jobs_fakes import free_port, make_overlay, wait_until

pytestmark = [pytest.mark.kube, pytest.mark.slow]

BUILDER = "localhost/overlays-builder:bookworm"
BUILDER_PACKAGES = ("buildah", "ca-certificates")

#: podman here: runc (crun fails on these machines) and ulimits below the machine's.
CONTAINERS_CONF = """\
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "runc"
"""


@pytest.fixture(scope="module")
def plain_registry(tmp_path_factory):
    """docker-registry on a free 127.0.0.1 port, no auth, plain HTTP."""
    folder = tmp_path_factory.mktemp("registry")
    port = free_port()
    (folder / "config.yml").write_text(
        yaml.safe_dump(
            {
                "version": 0.1,
                "log": {"level": "warn"},
                "storage": {"filesystem": {"rootdirectory": str(folder / "data")}},
                "http": {"addr": f"127.0.0.1:{port}"},
            }
        )
    )
    with open(folder / "registry.log", "wb") as output:
        process = subprocess.Popen(  # noqa: S603
            [shutil.which("docker-registry"), "serve", str(folder / "config.yml")],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            break
        except OSError:
            assert process.poll() is None, (folder / "registry.log").read_text()
            assert time.monotonic() < deadline, "the registry did not start"
            time.sleep(0.1)
    yield f"127.0.0.1:{port}"
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="module")
def images(storage, plain_registry, tmp_path_factory):
    """The builder image (Debian's buildah, this machine's CAs) in the test storage, and
    the base image pushed to the registry, where the build pod pulls it from."""
    folder = tmp_path_factory.mktemp("builder")
    subprocess.run(  # noqa: S603
        [
            shutil.which("mmdebstrap"),
            "--variant=apt",
            f"--include={','.join(BUILDER_PACKAGES)}",
            "bookworm",
            str(folder / "builder.tar"),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (folder / "ca").mkdir()
    for number, path in enumerate(sorted(Path("/usr/local/share/ca-certificates").glob("*.crt"))):
        shutil.copyfile(path, folder / "ca" / f"{number:02d}-{path.name}")
    (folder / "Containerfile").write_text(
        "FROM scratch\nADD builder.tar /\nCOPY ca/ /usr/local/share/ca-certificates/\n"
        'RUN ["update-ca-certificates"]\n'
        "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8\n"
    )
    storage.podman("build", "--isolation", "chroot", "-q", "-t", BUILDER, str(folder))
    base = f"{plain_registry}/overlays-base:bookworm"
    storage.podman("push", "-q", "--tls-verify=false", BASE, f"docker://{base}")
    return base


def pod_and_configmap(job: dict, configmap: dict) -> tuple[dict, dict]:
    """The Job's pod, as the API server stored it, and its ConfigMap, for podman."""
    template = job["spec"]["template"]
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": job["metadata"]["name"], "labels": template["metadata"]["labels"]},
        "spec": template["spec"],
    }
    kept = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": configmap["metadata"]["name"]},
    }
    for key in ("data", "binaryData"):
        if configmap.get(key):
            kept[key] = configmap[key]
    return pod, kept


async def test_the_pod_of_a_cluster_build_builds_pushes_and_its_image_imports_its_packages(
    storage, images, plain_registry, harness, admin, namespace, tmp_path
):
    workspace = tmp_path / "workspace"
    make_overlay(
        workspace, "demo", '[packages]\nsix = "*"\n\n[requires]\npython_version = "3.11"\n'
    )
    overlays = OverlaysConfig(
        build_backend="kubernetes",
        kubernetes_namespace=namespace,
        kubernetes_builder_image=BUILDER,
        base_image=images,
        kubernetes_registry=f"{plain_registry}/overlays",
        registry_tls_verify=False,
        kubernetes_pod_template={"spec": {"hostNetwork": True}},
    )

    def backend():
        return KubernetesBuildBackend(
            overlays, connector=lambda: connect(namespace=namespace, kubeconfig=harness.kubeconfig)
        )

    service = JobService(overlays, JobStore(tmp_path / "store"), {"build": backend}, workspace)
    try:
        job, _ = await service.submit("demo", "build")
        await wait_until(lambda: service.get(job.id).state.ended, 30, "the build on kwok")
        job = service.get(job.id)
        assert job.state is JobState.SUCCEEDED, job.error
    finally:
        await service.stop()
        service.store.close()

    name = spec.job_name("demo", job.id)
    batch, core = client.BatchV1Api(admin), client.CoreV1Api(admin)
    stored_job = admin.sanitize_for_serialization(await batch.read_namespaced_job(name, namespace))
    stored_map = admin.sanitize_for_serialization(
        await core.read_namespaced_config_map(name, namespace)
    )
    pod, configmap = pod_and_configmap(stored_job, stored_map)
    (tmp_path / "pod.yaml").write_text(yaml.safe_dump(pod))
    (tmp_path / "configmap.yaml").write_text(yaml.safe_dump(configmap))
    (tmp_path / "containers.conf").write_text(CONTAINERS_CONF)
    env = {**os.environ, "CONTAINERS_CONF": str(tmp_path / "containers.conf")}

    def podman(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        argv = ["podman", "--root", str(storage.root), "--runroot", str(storage.runroot), *args]
        return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout)  # noqa: S603

    played = podman(
        "kube", "play", "--configmap", str(tmp_path / "configmap.yaml"), str(tmp_path / "pod.yaml")
    )
    assert played.returncode == 0, played.stderr
    container = f"{name}-{spec.CONTAINER}"
    try:
        waited = podman("wait", container, timeout=900)
        logs = podman("logs", container).stdout + podman("logs", container).stderr
        assert waited.stdout.strip() == "0", logs[-3000:]
        digest = spec.digest_from_log(logs.splitlines())
        assert digest and digest.startswith("sha256:"), logs[-3000:]
        inspect = podman("inspect", "--format", "{{.HostConfig.Privileged}}", container)
        assert inspect.stdout.strip() == "false"  # no privileges were asked for
    finally:
        podman("kube", "down", str(tmp_path / "pod.yaml"))

    image = job.image
    assert image.startswith(f"{plain_registry}/overlays/workspace-demo:")
    pulled = podman("pull", "-q", "--tls-verify=false", image, timeout=300)
    assert pulled.returncode == 0, pulled.stderr
    assert podman("image", "inspect", "--format", "{{.Digest}}", image).stdout.strip() == digest
    ran = podman(
        "run", "--rm", "--network", "none", image, "python", "-c",
        "import six, sys; print(six.__name__, sys.prefix)",
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split() == ["six", "/opt/venv"]
    podman("rmi", "--force", image)
