"""Which cluster and namespace cluster builds go to, with whose credentials, and how
the API's refusals read to a user.

Credentials: the pod's service account when the server runs in a cluster, else
``KUBECONFIG`` / ``~/.kube/config``. Namespace: ``OverlaysConfig.kubernetes_namespace``,
else the service account's, else the kubeconfig context's, else ``default``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from kubernetes_asyncio import client, config
from kubernetes_asyncio.client.exceptions import ApiException
from kubernetes_asyncio.config.incluster_config import InClusterConfigLoader

SERVICE_ACCOUNT_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")
#: The Role a single-user server needs, shipped with the package.
ROLE_FILE = "jupyterlab_overlays/kubernetes/role.yaml"
#: The internal registry of an OpenShift cluster, as its pods reach it.
OPENSHIFT_REGISTRY = "image-registry.openshift-image-registry.svc:5000"


@dataclass
class Cluster:
    """A connection to the cluster builds run on."""

    api: client.ApiClient
    namespace: str
    server: str  # the API server's URL
    source: str  # "service account" or the kubeconfig path
    openshift: bool = False

    async def close(self) -> None:
        await self.api.close()


def in_cluster() -> bool:
    return (
        bool(os.environ.get("KUBERNETES_SERVICE_HOST"))
        and (SERVICE_ACCOUNT_DIR / "token").is_file()
    )


async def connect(namespace: str = "", kubeconfig: str = "") -> Cluster:
    """A client for the cluster (see the module's text); ``ClusterError`` when there
    is no configuration to be found."""
    configuration = client.Configuration()
    try:
        if in_cluster() and not kubeconfig:
            InClusterConfigLoader(
                token_filename=str(SERVICE_ACCOUNT_DIR / "token"),
                cert_filename=str(SERVICE_ACCOUNT_DIR / "ca.crt"),
            ).load_and_set(configuration)
            source = "service account"
            found = (SERVICE_ACCOUNT_DIR / "namespace").read_text().strip()
        else:
            path = kubeconfig or os.environ.get("KUBECONFIG", "").split(os.pathsep)[0]
            path = path or os.path.expanduser("~/.kube/config")
            await config.load_kube_config(
                config_file=path, client_configuration=configuration, persist_config=False
            )
            source = path
            _contexts, active = config.list_kube_config_contexts(path)
            found = ((active or {}).get("context") or {}).get("namespace", "")
    except (config.ConfigException, OSError) as error:
        raise ClusterError(
            "no Kubernetes configuration: the server is not in a cluster and has no "
            f"usable kubeconfig ({error})"
        ) from error
    api = client.ApiClient(configuration)
    cluster = Cluster(
        api=api,
        namespace=namespace or found or "default",
        server=configuration.host,
        source=source,
    )
    cluster.openshift = await _is_openshift(api)
    return cluster


async def _is_openshift(api: client.ApiClient) -> bool:
    """Whether the API serves OpenShift's image API (its internal registry exists)."""
    try:
        groups = await client.ApisApi(api).get_api_versions()
    except (ApiException, OSError):
        return False
    return any(group.name == "image.openshift.io" for group in groups.groups or [])


class ClusterError(Exception):
    """A cluster build cannot go on, for a reason the user reads (``Job.error``)."""


def explain(error: ApiException, verb: str, resource: str, namespace: str) -> ClusterError:
    """An API error in words: a 403 names the verb, the resource and the Role to grant."""
    if error.status == 403:
        return ClusterError(
            f"Kubernetes refused to {verb} {resource} in namespace {namespace!r} (403 "
            "Forbidden): the server's account needs the Role in "
            f"{ROLE_FILE} (jobs, pods, pods/log, configmaps) bound to it — see "
            "jupyterlab_overlays/kubernetes/README.md"
        )
    if error.status == 401:
        return ClusterError(
            f"Kubernetes did not accept the server's credentials (401) to {verb} {resource}"
        )
    reason = _message(error)
    return ClusterError(
        f"Kubernetes refused to {verb} {resource} in namespace {namespace!r} "
        f"({error.status} {error.reason}): {reason}"
    )


def _message(error: ApiException) -> str:
    try:
        return json.loads(error.body).get("message") or str(error.body)[:300]
    except (TypeError, ValueError, AttributeError):
        return str(error.body or "")[:300]
