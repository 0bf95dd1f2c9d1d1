"""What a cluster build sends to Kubernetes and how it reads what comes back: pure.

A build is one Job (``backoffLimit: 0``, a deadline, a TTL) whose one pod runs the
builder image on the build context, which travels in a ConfigMap owned by the Job (so
deleting the Job deletes the pod and the ConfigMap). Everything carries the same
labels, by which a restarted server finds its Jobs again.
"""

from __future__ import annotations

import base64
import copy
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

MANAGED_BY = "jupyterlab-overlays"
LABEL_MANAGED_BY = "app.kubernetes.io/managed-by"
LABEL_OVERLAY = "jupyterlab-overlays/overlay"
LABEL_JOB_ID = "jupyterlab-overlays/job-id"
LABEL_SOURCE_HASH = "jupyterlab-overlays/source-hash"

#: What the API server accepts in one ConfigMap (data and binaryData together).
CONFIGMAP_LIMIT = 1024 * 1024
#: Where the build context is mounted in the builder container.
CONTEXT_MOUNT = "/context"
#: Where a push secret (``kubernetes.io/dockerconfigjson``) is mounted.
PUSH_SECRET_MOUNT = "/push"  # noqa: S105 (a folder)
#: The service account token a pod gets (OpenShift's internal registry takes it).
TOKEN_PATH = "/var/run/secrets/kubernetes.io/serviceaccount/token"  # noqa: S105 (a path)
#: The line the builder prints after a push; the backend reads the digest from it.
DIGEST_MARKER = "jupyterlab-overlays: pushed "
#: Name of the builder container.
CONTAINER = "build"


def labels(job_id: str, overlay: str, source_hash: str | None) -> dict[str, str]:
    """The labels of a build's Job, pod and ConfigMap (label values: ≤ 63 characters)."""
    values = {
        LABEL_MANAGED_BY: MANAGED_BY,
        LABEL_OVERLAY: overlay,
        LABEL_JOB_ID: job_id,
    }
    if source_hash:
        values[LABEL_SOURCE_HASH] = source_hash[:63]
    return values


def selector(values: dict[str, str]) -> str:
    """A label selector matching every label of ``values``."""
    return ",".join(f"{key}={value}" for key, value in values.items())


def job_name(overlay: str, job_id: str) -> str:
    """``overlay-build-<overlay>-<8 hex>``: a DNS label (≤ 63), unique per job."""
    stem = re.sub(r"[^a-z0-9-]", "-", overlay.lower()).strip("-")[:40].strip("-")
    return f"overlay-build-{stem}-{job_id[:8]}"


class ContextTooBig(ValueError):
    """The build context does not fit in a ConfigMap."""


@dataclass
class ContextData:
    """A build context as ConfigMap content: files under keys, and where each goes."""

    data: dict[str, str]
    binary_data: dict[str, str]
    items: list[dict[str, str]]  # {"key", "path"} for the ConfigMap volume
    size: int


def context_data(folder: Path, limit: int = CONFIGMAP_LIMIT) -> ContextData:
    """Every file under ``folder`` (a context made by ``context.build_context``) as
    ConfigMap keys ``f0``, ``f1``… (keys cannot hold ``/``); ``ContextTooBig`` naming
    the size and the biggest files when it exceeds ``limit``."""
    data: dict[str, str] = {}
    binary: dict[str, str] = {}
    items = []
    sizes: list[tuple[int, str]] = []
    files = sorted(p for p in Path(folder).rglob("*") if p.is_file() and not p.is_symlink())
    for index, path in enumerate(files):
        relative = path.relative_to(folder).as_posix()
        raw = path.read_bytes()
        key = f"f{index}"
        try:
            data[key] = raw.decode("utf-8")
        except UnicodeDecodeError:
            binary[key] = base64.b64encode(raw).decode("ascii")
        items.append({"key": key, "path": relative})
        sizes.append((len(raw), relative))
    size = sum(len(v.encode()) for v in data.values()) + sum(len(v) for v in binary.values())
    if size > limit:
        biggest = ", ".join(f"{name} ({n:,} bytes)" for n, name in sorted(sizes, reverse=True)[:3])
        raise ContextTooBig(
            f"the build context is {size:,} bytes, more than a Kubernetes ConfigMap holds "
            f"({limit:,}); biggest files: {biggest}. Keep large files out of the overlay's "
            "folder (its own Containerfile copies the whole folder)"
        )
    return ContextData(data, binary, items, size)


@dataclass
class BuildSettings:
    """The cluster-side settings of a build (from ``OverlaysConfig``)."""

    builder_image: str
    deadline: int  # activeDeadlineSeconds
    ttl: int  # ttlSecondsAfterFinished
    push_secret: str = ""
    openshift_token: bool = False  # push with the pod's service-account token
    tls_verify: bool = True
    service_account: str = ""
    host_users: bool = True
    pod_template: dict | None = None


def builder_script(image: str, image_labels: dict[str, str], settings: BuildSettings) -> str:
    """The builder container's shell script: build the context with buildah (chroot
    isolation, vfs storage: no privileges beyond the pod's), push, print the digest."""
    storage = "--storage-driver=vfs"
    label_args = " ".join(f"--label {shlex.quote(f'{k}={v}')}" for k, v in image_labels.items())
    if settings.push_secret:
        credentials = f"--authfile {PUSH_SECRET_MOUNT}/.dockerconfigjson"
    elif settings.openshift_token:
        credentials = f'--creds "serviceaccount:$(cat {TOKEN_PATH})"'
    else:
        credentials = ""
    tls = "true" if settings.tls_verify else "false"
    return "\n".join(
        [
            "set -eu",
            f"IMAGE={shlex.quote(image)}",
            f"buildah {storage} build --isolation=chroot --layers=false --tls-verify={tls} "
            f"{label_args} "
            f'-f {CONTEXT_MOUNT}/Containerfile -t "$IMAGE" {CONTEXT_MOUNT}',
            f"buildah {storage} push --tls-verify={tls} {credentials} "
            f'--digestfile /tmp/digest "$IMAGE" "docker://$IMAGE"',
            f'echo "{DIGEST_MARKER}$(cat /tmp/digest)"',
        ]
    )


def configmap_manifest(name: str, context: ContextData, values: dict[str, str]) -> dict:
    manifest: dict = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "labels": dict(values)},
        "data": context.data,
    }
    if context.binary_data:
        manifest["binaryData"] = context.binary_data
    return manifest


def owned_by(manifest: dict, job: dict) -> dict:
    """``manifest`` owned by the (created) Job ``job``: deleted with it."""
    owned = copy.deepcopy(manifest)
    owned["metadata"]["ownerReferences"] = [
        {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "name": job["metadata"]["name"],
            "uid": job["metadata"]["uid"],
            "blockOwnerDeletion": False,
        }
    ]
    return owned


def job_manifest(
    name: str,
    image: str,
    image_labels: dict[str, str],
    context: ContextData,
    values: dict[str, str],
    settings: BuildSettings,
) -> dict:
    """The Job of one build; its ConfigMap has the same name."""
    container: dict = {
        "name": CONTAINER,
        "image": settings.builder_image,
        "command": ["/bin/sh", "-c", builder_script(image, image_labels, settings)],
        "volumeMounts": [{"name": "context", "mountPath": CONTEXT_MOUNT, "readOnly": True}],
        "env": [{"name": "BUILDAH_ISOLATION", "value": "chroot"}],
    }
    volumes: list[dict] = [
        {"name": "context", "configMap": {"name": name, "items": context.items}},
    ]
    if settings.push_secret:
        container["volumeMounts"].append(
            {"name": "push-secret", "mountPath": PUSH_SECRET_MOUNT, "readOnly": True}
        )
        volumes.append({"name": "push-secret", "secret": {"secretName": settings.push_secret}})
    pod_spec: dict = {
        "restartPolicy": "Never",
        "containers": [container],
        "volumes": volumes,
        # The builder needs no API access; only OpenShift's registry takes the token.
        "automountServiceAccountToken": settings.openshift_token,
    }
    if settings.service_account:
        pod_spec["serviceAccountName"] = settings.service_account
    if not settings.host_users:
        pod_spec["hostUsers"] = False
    template: dict = {"metadata": {"labels": dict(values)}, "spec": pod_spec}
    if settings.pod_template:
        template = merge_template(template, settings.pod_template)
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name, "labels": dict(values)},
        "spec": {
            "backoffLimit": 0,
            "activeDeadlineSeconds": settings.deadline,
            "ttlSecondsAfterFinished": settings.ttl,
            "template": template,
        },
    }


def merge_template(template: dict, override: dict) -> dict:
    """``override`` (``{"metadata": …, "spec": …}``) merged into the pod template:
    mappings key by key, lists replaced, except ``spec.containers``, whose entries are
    merged into the container of the same name. Our labels always stay."""
    merged = _merge(copy.deepcopy(template), copy.deepcopy(override))
    merged["metadata"]["labels"] = {
        **merged["metadata"].get("labels", {}),
        **template["metadata"]["labels"],
    }
    return merged


def _merge(base, override):
    if isinstance(base, dict) and isinstance(override, dict):
        for key, value in override.items():
            if key == "containers" and isinstance(value, list) and isinstance(base.get(key), list):
                base[key] = _merge_containers(base[key], value)
            elif key in base:
                base[key] = _merge(base[key], value)
            else:
                base[key] = value
        return base
    return override


def _merge_containers(base: list, override: list) -> list:
    by_name = {c.get("name"): c for c in base}
    result = list(base)
    for container in override:
        if isinstance(container, dict) and container.get("name") in by_name:
            _merge(by_name[container["name"]], container)
        else:
            result.append(container)
    return result


# --- reading what comes back ------------------------------------------------------


def pending_reason(pod: dict) -> str | None:
    """Why a Pending pod waits, in words (``None``: nothing to say yet): unschedulable,
    an image that cannot be pulled, a missing ConfigMap or secret…"""
    status = pod.get("status") or {}
    for condition in status.get("conditions") or []:
        if condition.get("type") == "PodScheduled" and condition.get("status") == "False":
            reason = condition.get("reason") or "not scheduled"
            message = (condition.get("message") or "").strip()
            return f"{reason}: {message}" if message else reason
    for container in status.get("containerStatuses") or []:
        waiting = (container.get("state") or {}).get("waiting") or {}
        reason = waiting.get("reason")
        if reason and reason not in ("ContainerCreating", "PodInitializing"):
            message = (waiting.get("message") or "").strip()
            return f"{reason}: {message}" if message else reason
    return None


def terminated(pod: dict) -> dict | None:
    """The builder container's terminated state, if it has one."""
    for container in (pod.get("status") or {}).get("containerStatuses") or []:
        if container.get("name") == CONTAINER:
            state = (container.get("state") or {}).get("terminated")
            if state:
                return state
    return None


def failure_reason(pod: dict | None, job: dict | None, deadline: int) -> str:
    """Why a build pod or Job failed, for the user: exit code, out of memory, deadline."""
    for condition in ((job or {}).get("status") or {}).get("conditions") or []:
        failed = condition.get("type") == "Failed" and condition.get("status") == "True"
        if failed and condition.get("reason") == "DeadlineExceeded":
            return (
                f"the build took longer than its deadline ({deadline} s, "
                "kubernetes_deadline) and was stopped"
            )
    state = terminated(pod) if pod else None
    if state:
        code = state.get("exitCode")
        if state.get("reason") == "OOMKilled":
            return (
                f"the build pod ran out of memory (OOMKilled, exit code {code}): give it more "
                "with kubernetes_pod_template's resources"
            )
        message = (state.get("message") or "").strip()
        reason = state.get("reason") or "Error"
        return (
            f"the build pod failed: exit code {code} ({reason}){': ' + message if message else ''}"
        )
    status = (pod or {}).get("status") or {}
    if status.get("reason"):
        return f"the build pod failed: {status['reason']}: {status.get('message', '')}".rstrip(": ")
    return "the build pod failed"


def digest_from_log(lines: list[str]) -> str | None:
    """The digest the builder printed after pushing (``DIGEST_MARKER``), if it did."""
    for line in reversed(lines):
        if line.startswith(DIGEST_MARKER):
            digest = line[len(DIGEST_MARKER) :].strip()
            return digest or None
    return None
