"""Cluster builds on the real control plane of scripts/kube-harness.sh (kwok as the node).

Prints (never fails):
- the harness's start-up: cold (new certificates, empty etcd) and warm (stopped, started);
- for N builds through the real job service and Kubernetes backend: time from *Build*
  (``JobService.submit``) to the Job existing in the API server (seen by a watch of the
  admin's), to the first pod log line in the job's log (what the sidebar's log view
  reads: ``GET jobs/<id>/log``), and to the job's end; medians and the spread.

kwok starts a pod 0.3 s after it is bound and runs it 2 s (the harness's Stages), so
the "first log line" figure includes that 0.3 s, and the end includes the 2 s.

    .venv/bin/python benchmarks/kube_build.py [--builds 7]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kubernetes_asyncio import client, config, watch  # noqa: E402

from jupyterlab_overlays.config import OverlaysConfig  # noqa: E402
from jupyterlab_overlays.jobs.kube import spec  # noqa: E402
from jupyterlab_overlays.jobs.kube.backend import KubernetesBuildBackend  # noqa: E402
from jupyterlab_overlays.jobs.kube.cluster import connect  # noqa: E402
from jupyterlab_overlays.jobs.service import JobService  # noqa: E402
from jupyterlab_overlays.jobs.store import JobStore  # noqa: E402
from jupyterlab_overlays.tests import kube_harness  # noqa: E402

HARNESS = str(ROOT / "scripts" / "kube-harness.sh")


def timed(*argv: str) -> float:
    start = time.perf_counter()
    subprocess.run([HARNESS, *argv], check=True, capture_output=True)  # noqa: S603
    return time.perf_counter() - start


def start_up() -> tuple[float, float]:
    timed("reset")
    cold = timed("start")
    timed("stop")
    warm = timed("start")
    return cold, warm


async def one_build(
    service: JobService, admin, namespace: str, source_hash: str
) -> tuple[float, float, float]:
    stream = watch.Watch()
    seen: dict[str, float] = {}

    async def watch_jobs():
        async for event in stream.stream(
            client.BatchV1Api(admin).list_namespaced_job,
            namespace,
            label_selector=f"{spec.LABEL_MANAGED_BY}={spec.MANAGED_BY}",
        ):
            labels = event["raw_object"]["metadata"].get("labels", {})
            seen.setdefault(labels.get(spec.LABEL_JOB_ID, ""), time.perf_counter())

    watcher = asyncio.create_task(watch_jobs())
    await asyncio.sleep(0.2)  # the watch is open
    start = time.perf_counter()
    job, _ = await service.submit("demo", "build", source_hash=source_hash)
    first_line = None
    while not service.get(job.id).state.ended:
        if first_line is None and kube_harness.BUILD_LOG[0] in service.read_log(job.id)["text"]:
            first_line = time.perf_counter()
        await asyncio.sleep(0.005)
    end = time.perf_counter()
    watcher.cancel()
    await stream.close()
    if first_line is None:
        first_line = end
    ended = service.get(job.id)
    if ended.error:
        print("build failed:", ended.error, file=sys.stderr)
    return seen.get(job.id, end) - start, first_line - start, end - start


async def builds(count: int, harness) -> list[tuple[float, float, float]]:
    admin = await config.new_client_from_config(config_file=harness.kubeconfig)
    namespace = kube_harness.new_namespace_name()
    await client.CoreV1Api(admin).create_namespace({"metadata": {"name": namespace}})
    # As a user's namespace would be: with its default ServiceAccount (the Job
    # controller cannot make a pod before it exists, and retries with a back-off).
    core = client.CoreV1Api(admin)
    for _ in range(200):
        if (await core.list_namespaced_service_account(namespace)).items:
            break
        await asyncio.sleep(0.05)
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp) / "workspace"
        folder = workspace / "overlays" / "demo"
        folder.mkdir(parents=True)
        (folder / "Pipfile").write_text('[packages]\npandas = "*"\n')
        overlays = OverlaysConfig(build_backend="kubernetes", kubernetes_namespace=namespace)

        def backend():
            return KubernetesBuildBackend(
                overlays,
                connector=lambda: connect(namespace=namespace, kubeconfig=harness.kubeconfig),
            )

        service = JobService(overlays, JobStore(Path(tmp) / "store"), {"build": backend}, workspace)
        # A new Pipfile each time: the same sources would return the running job.
        results = []
        for index in range(count):
            (folder / "Pipfile").write_text(f'[packages]\npandas = "*"\n# build {index}\n')
            source_hash = service.source_hash(folder)
            results.append(await one_build(service, admin, namespace, source_hash))
        await service.stop()
        service.store.close()
    await client.CoreV1Api(admin).delete_namespace(namespace)
    await admin.close()
    return results


def describe(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    each = " ".join(f"{v:.0f}" for v in ms)
    return f"median {statistics.median(ms):6.0f} ms  (each: {each})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--builds", type=int, default=7)
    args = parser.parse_args()
    kube_harness.without_proxy()
    subprocess.run([HARNESS, "install"], check=True)  # noqa: S603
    colds, warms = [], []
    for _ in range(3):
        cold, warm = start_up()
        colds.append(cold)
        warms.append(warm)
    harness = kube_harness.start()
    harness.write_log(kube_harness.BUILD_LOG)
    results = asyncio.run(builds(args.builds, harness))
    kube_harness.stop()
    print("Kubernetes harness (etcd, kube-apiserver, controller-manager, scheduler, kwok)")
    print(f"  cold start (new certificates, empty etcd), 3 runs: {describe(colds)}")
    print(f"  warm start (stopped, started again),       3 runs: {describe(warms)}")
    print(f"Cluster builds, {len(results)} in a row, one overlay:")
    print(f"  Build -> Job in the API server:  {describe([r[0] for r in results])}")
    print(f"  Build -> first log line:         {describe([r[1] for r in results])}")
    print(f"  Build -> succeeded:              {describe([r[2] for r in results])}")


if __name__ == "__main__":
    main()
