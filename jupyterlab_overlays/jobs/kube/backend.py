"""The Kubernetes build backend: one Job per build, followed until it ends.

``run`` writes the build context (``context.build_context``, as local builds do),
creates the Job and its ConfigMap (``spec.py``), then follows it (``_Follower``):
a watch on the Job and one on its pod give the states (Pending with its reason,
Running, Succeeded, Failed with the container's exit code or OOMKilled, the Job's
deadline); the pod's log is followed while it runs and read to its end when the pod
has ended (a log stream need not end when the pod does). Cancel deletes the Job,
which deletes its pod and ConfigMap.

A server that stops leaves its Jobs running (``detachable``); the next one finds
them by their job-id label and follows them again (``attach``). A Job deleted behind
the server's back ends the build as failed, saying so.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
from pathlib import Path

from kubernetes_asyncio import client, watch
from kubernetes_asyncio.client.exceptions import ApiException

from ...workspace import project_name
from ..base import JobContext, JobError, JobResult
from ..context import build_context, image_labels
from ..dialects import failure_reason as tool_failure_reason
from ..dialects import step_of
from ..naming import image_name, image_tag
from . import spec
from .cluster import OPENSHIFT_REGISTRY, Cluster, ClusterError, connect, explain

#: Name prefix of a build's temporary folder (its context).
TMP_PREFIX = "overlays-kube-build-"


class KubernetesBuildBackend:
    """Builds overlay images in Kubernetes Jobs (``OverlaysConfig.build_backend``)."""

    name = "kubernetes"
    #: A server that stops leaves the build running; the next one re-attaches.
    detachable = True

    def __init__(self, config, *, connector=None) -> None:
        self.config = config
        self._connect = connector or (lambda: connect(namespace=config.kubernetes_namespace))

    # What a build is made of.

    def settings(self, cluster: Cluster) -> spec.BuildSettings:
        config = self.config
        openshift_push = cluster.openshift and not config.kubernetes_registry
        return spec.BuildSettings(
            builder_image=config.kubernetes_builder_image,
            deadline=config.kubernetes_deadline,
            ttl=config.kubernetes_ttl,
            push_secret=config.kubernetes_push_secret,
            openshift_token=openshift_push and not config.kubernetes_push_secret,
            tls_verify=config.registry_tls_verify,
            service_account=config.kubernetes_service_account
            or ("builder" if openshift_push else ""),
            host_users=config.kubernetes_host_users,
            pod_template=dict(config.kubernetes_pod_template) or None,
        )

    def registry(self, cluster: Cluster) -> tuple[str, str]:
        """``(registry, org)`` of the images: ``kubernetes_registry`` when set, else the
        namespace's internal registry on OpenShift, else ``image_registry``/``image_org``."""
        configured = self.config.kubernetes_registry.strip().strip("/")
        if configured:
            registry, _, org = configured.partition("/")
            return registry, org
        if cluster.openshift:
            return OPENSHIFT_REGISTRY, cluster.namespace
        return self.config.image_registry, self.config.image_org

    def image_for(self, cluster: Cluster, context: JobContext, source_hash: str) -> str:
        registry, org = self.registry(cluster)
        try:
            project = project_name(self.config.image_project, context.workspace_dir)
            return image_name(registry, org, project, context.job.overlay, image_tag(source_hash))
        except ValueError as error:
            raise JobError(f"cannot name the image: {error}") from error

    async def describe(self) -> dict:
        """What ``GET overlays/info`` shows of the cluster: where builds go, with what."""
        described = {
            "namespace": self.config.kubernetes_namespace or None,
            "builder_image": self.config.kubernetes_builder_image,
            "base_image": self.config.base_image,
        }
        try:
            cluster = await asyncio.wait_for(self._connect(), 10)
        except (ClusterError, asyncio.TimeoutError, OSError) as error:
            return {**described, "error": str(error) or "the cluster did not answer"}
        try:
            registry, org = self.registry(cluster)
            return {
                **described,
                "server": cluster.server,
                "credentials": cluster.source,
                "namespace": cluster.namespace,
                "openshift": cluster.openshift,
                "registry": f"{registry}/{org}" if org else registry,
                "error": None,
            }
        finally:
            await cluster.close()

    # Running.

    async def run(self, context: JobContext) -> JobResult:
        cluster = await self._cluster()
        tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX))
        try:
            return await self._run(cluster, context, tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            await cluster.close()

    async def _run(self, cluster: Cluster, context: JobContext, tmp: Path) -> JobResult:
        try:
            built = build_context(context.overlay_dir, tmp / "context", self.config.base_image)
        except ValueError as error:
            raise JobError(str(error)) from error
        for warning in built.warnings:
            context.log.write(f"warning: {warning}\n")
        recorded = context.job.source_hash
        if recorded and built.source_hash != recorded:
            raise JobError("the overlay's files changed after this build was queued: build again")
        try:
            data = spec.context_data(built.dir)
        except spec.ContextTooBig as error:
            raise JobError(str(error)) from None
        source_hash = recorded or built.source_hash
        image = context.job.image or self.image_for(cluster, context, source_hash)
        name = spec.job_name(context.job.overlay, context.job.id)
        values = spec.labels(context.job.id, context.job.overlay, source_hash)
        settings = self.settings(cluster)
        labels = image_labels(context.job.overlay, built)
        manifest = spec.job_manifest(name, image, labels, data, values, settings)
        namespace = cluster.namespace
        batch = client.BatchV1Api(cluster.api)
        try:
            created = await batch.create_namespaced_job(namespace, manifest)
        except ApiException as error:
            raise JobError(str(explain(error, "create", "jobs", namespace))) from None
        context.leftovers.note(backend=self.name, namespace=namespace, k8s_job=name, image=image)
        owner = cluster.api.sanitize_for_serialization(created)
        configmap = spec.owned_by(spec.configmap_manifest(name, data, values), owner)
        try:
            await client.CoreV1Api(cluster.api).create_namespaced_config_map(namespace, configmap)
        except ApiException as error:
            await self._delete(cluster, name)
            raise JobError(str(explain(error, "create", "configmaps", namespace))) from None
        context.log.write(
            f"Kubernetes Job {name} in namespace {namespace} ({cluster.server}); "
            f"builder {settings.builder_image}\nImage {image}\n"
        )
        return await self._follow(cluster, context, name, image)

    async def attach(self, context: JobContext, leftovers: dict) -> JobResult:
        """Follow again a build a previous server started (its ``Leftovers``)."""
        name, image = leftovers.get("k8s_job"), leftovers.get("image")
        cluster = await self._cluster(leftovers.get("namespace"))
        try:
            context.log.write(f"\nThe server restarted: following Job {name} again.\n")
            return await self._follow(cluster, context, name, image)
        finally:
            await cluster.close()

    def can_attach(self, leftovers: dict) -> bool:
        return (
            leftovers.get("backend") == self.name
            and isinstance(leftovers.get("k8s_job"), str)
            and isinstance(leftovers.get("namespace"), str)
        )

    async def _cluster(self, namespace: str | None = None) -> Cluster:
        try:
            cluster = await self._connect()
        except ClusterError as error:
            raise JobError(str(error)) from None
        if namespace:
            cluster.namespace = namespace
        return cluster

    async def _follow(self, cluster: Cluster, context: JobContext, name: str, image) -> JobResult:
        follower = _Follower(cluster, context, name, self.config.kubernetes_deadline)
        try:
            digest = await follower.run()
        except asyncio.CancelledError:
            await follower.stop()
            if not getattr(context, "detached", False):
                context.log.write(f"Cancelled: deleting Job {name}\n")
                await self._delete(cluster, name)
            raise
        except BaseException:
            await follower.stop()
            raise
        await follower.stop()
        context.log.write(f"Pushed {image}" + (f" ({digest})" if digest else "") + "\n")
        return JobResult(image=image, digest=digest)

    async def _delete(self, cluster: Cluster, name: str) -> None:
        """Delete the Job; its pod and ConfigMap go with it (background propagation)."""
        with contextlib.suppress(ApiException):
            await client.BatchV1Api(cluster.api).delete_namespaced_job(
                name, cluster.namespace, propagation_policy="Background"
            )

    async def clean_up(self, leftovers: dict, log) -> None:
        """A build that a dead server could not hand over: delete its Job."""
        if not self.can_attach(leftovers):
            return
        cluster = await self._cluster(leftovers["namespace"])
        try:
            log.write(f"Deleting Job {leftovers['k8s_job']}\n")
            await self._delete(cluster, leftovers["k8s_job"])
        finally:
            await cluster.close()


class _Follower:
    """Follows one build Job to its end (see the module's text)."""

    def __init__(self, cluster: Cluster, context: JobContext, name: str, deadline: int) -> None:
        self.cluster = cluster
        self.context = context
        self.name = name
        self.deadline = deadline
        self.core = client.CoreV1Api(cluster.api)
        self.batch = client.BatchV1Api(cluster.api)
        self.events: asyncio.Queue = asyncio.Queue()
        self.tasks: list[asyncio.Task] = []
        self.lines: list[str] = []  # every line written so far (the last 500)
        self.written = 0  # how many log lines were written
        self.pod: dict | None = None
        self.job: dict | None = None
        self.waiting: str | None = None
        self.log_task: asyncio.Task | None = None

    async def run(self) -> str | None:
        namespace = self.cluster.namespace
        job_id = self.context.job.id
        # By its job-id label, as a restarted server finds the Jobs of its builds.
        try:
            found = await self.batch.list_namespaced_job(
                namespace, label_selector=f"{spec.LABEL_JOB_ID}={job_id}"
            )
        except ApiException as error:
            raise JobError(str(explain(error, "list", "jobs", namespace))) from None
        if not found.items:
            raise JobError(self._deleted())
        self.job = self.cluster.api.sanitize_for_serialization(found.items[0])
        self.name = self.job["metadata"]["name"]
        self.tasks = [
            asyncio.create_task(
                self._watch(
                    "job", self.batch.list_namespaced_job, f"metadata.name={self.name}", None
                )
            ),
            asyncio.create_task(
                self._watch(
                    "pod", self.core.list_namespaced_pod, None, f"{spec.LABEL_JOB_ID}={job_id}"
                )
            ),
        ]
        while True:
            kind, event, obj = await self.events.get()
            if kind == "error":
                raise JobError(str(obj))
            if kind == "job":
                if event == "DELETED":
                    await self._read_rest_of_log()
                    raise JobError(self._deleted())
                self.job = obj
                if _condition(obj, "Failed"):
                    await self._refresh_pod()
                    await self._read_rest_of_log()
                    raise JobError(spec.failure_reason(self.pod, obj, self.deadline))
                continue
            if event == "DELETED":
                continue
            result = await self._pod_changed(obj)
            if result is not None:
                return result[0]

    async def _refresh_pod(self) -> None:
        """The pod as it is now (its end may not have reached the watch yet)."""
        if self.pod is None:
            return
        with contextlib.suppress(ApiException, OSError):
            pod = await self.core.read_namespaced_pod(
                self.pod["metadata"]["name"], self.cluster.namespace
            )
            self.pod = self.cluster.api.sanitize_for_serialization(pod)

    def _deleted(self) -> str:
        return (
            f"the Kubernetes Job {self.name} was deleted before the build ended "
            "(not by this server)"
        )

    async def _pod_changed(self, pod: dict) -> tuple[str | None] | None:
        """Act on a new state of the pod; ``(digest,)`` once it succeeded."""
        name = pod["metadata"]["name"]
        if self.pod is None or self.pod["metadata"]["name"] != name:
            self.context.log.write(f"Pod {name}\n")
        self.pod = pod
        phase = (pod.get("status") or {}).get("phase")
        if phase == "Pending":
            waiting = spec.pending_reason(pod)
            if waiting != self.waiting:
                self.waiting = waiting
                if waiting:
                    self.context.log.write(f"Waiting: {waiting}\n")
                self._progress()
            return None
        if self.waiting is not None:
            self.waiting = None
            self._progress()
        if phase == "Running" and self.log_task is None:
            self.log_task = asyncio.create_task(self._follow_log(name))
            return None
        if phase == "Succeeded":
            await self._read_rest_of_log()
            return (spec.digest_from_log(self.lines),)
        if phase == "Failed":
            await self._read_rest_of_log()
            reason = spec.failure_reason(pod, self.job, self.deadline)
            detail = tool_failure_reason(self.lines) if self.lines else ""
            raise JobError(f"{reason}; {detail}" if detail else reason)
        return None

    def _progress(self, step: tuple[int, int] | None = None) -> None:
        progress = dict(self.context.job.progress or {})
        if self.pod is not None:
            progress["pod"] = self.pod["metadata"]["name"]
        if step:
            progress["step"], progress["steps"] = step
        if self.waiting:
            progress["waiting"] = self.waiting
        else:
            progress.pop("waiting", None)
        if callable(self.context.on_progress):
            self.context.on_progress(progress)

    def _write_line(self, line: str) -> None:
        self.written += 1
        self.lines.append(line)
        del self.lines[:-500]
        self.context.log.write(line + "\n")
        step = step_of(line)
        if step:
            self._progress(step)

    async def _follow_log(self, pod: str) -> None:
        """Stream the running pod's log (until stopped: it need not end by itself)."""
        try:
            response = await self.core.read_namespaced_pod_log(
                pod,
                self.cluster.namespace,
                container=spec.CONTAINER,
                follow=True,
                _preload_content=False,
            )
            async with response:
                async for raw in response.content:
                    self._write_line(raw.decode("utf-8", "replace").rstrip("\r\n"))
        except (ApiException, OSError, asyncio.TimeoutError):
            return  # the whole log is read again when the pod ends

    async def _read_rest_of_log(self) -> None:
        """The pod's whole log, of which the lines not yet written are written."""
        if self.log_task is not None:
            self.log_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.log_task
        if self.pod is None:
            return
        try:
            text = await self.core.read_namespaced_pod_log(
                self.pod["metadata"]["name"], self.cluster.namespace, container=spec.CONTAINER
            )
        except (ApiException, OSError):
            return
        lines = text.splitlines()
        for line in lines[self.written :]:
            self._write_line(line)

    async def _watch(self, kind: str, func, field_selector, label_selector) -> None:
        """Put the events of a watch in the queue (a watch that reconnects by itself)."""
        arguments = {}
        if field_selector:
            arguments["field_selector"] = field_selector
        if label_selector:
            arguments["label_selector"] = label_selector
        namespace = self.cluster.namespace
        while True:
            stream = watch.Watch()
            try:
                async for event in stream.stream(func, namespace, **arguments):
                    await self.events.put((kind, event["type"], event["raw_object"]))
            except ApiException as error:
                if error.status == 410:  # too old a resourceVersion: from the present
                    continue
                resource = "jobs" if kind == "job" else "pods"
                await self.events.put(("error", None, explain(error, "watch", resource, namespace)))
                return
            finally:
                await stream.close()

    async def stop(self) -> None:
        for task in [*self.tasks, *([self.log_task] if self.log_task else [])]:
            task.cancel()
        for task in [*self.tasks, *([self.log_task] if self.log_task else [])]:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def _condition(obj: dict, kind: str) -> bool:
    return any(
        c.get("type") == kind and c.get("status") == "True"
        for c in (obj.get("status") or {}).get("conditions") or []
    )
