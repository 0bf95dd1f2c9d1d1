"""Server-side settings, read from ``jupyter_server_config`` like any traitlets config.

Example (``jupyter_server_config.py``)::

    c.OverlaysConfig.build_tools = ["podman", "buildah"]
    c.OverlaysConfig.probe_timeout = 5
    c.OverlaysConfig.environment_timeout = 60
    c.OverlaysConfig.jobs_dir = "/var/lib/overlays/jobs"
    c.OverlaysConfig.max_concurrent_jobs = 2
    c.OverlaysConfig.base_image = "localhost/overlays-base:bookworm"
    c.OverlaysConfig.image_registry = "quay.io"
    c.OverlaysConfig.image_org = "my-org"
    c.OverlaysConfig.push = True  # push built images to quay.io/my-org/…
    c.OverlaysConfig.registry_username = "my-org+robot"
    # registry_password: better from the environment, OVERLAYS_REGISTRY_PASSWORD
    c.OverlaysConfig.export_dir = "/var/lib/overlays/archives"

Cluster builds (``jobs/kube``), for servers whose pod cannot run buildah::

    c.OverlaysConfig.build_backend = "kubernetes"
    c.OverlaysConfig.kubernetes_namespace = "my-project"  # default: the pod's own
    c.OverlaysConfig.kubernetes_push_secret = "quay-push"  # not needed on OpenShift
"""

import os

from jupyter_core.paths import jupyter_data_dir
from traitlets import (
    Bool,
    Dict,
    Enum,
    Float,
    Int,
    List,
    TraitError,
    Unicode,
    default,
    validate,
)
from traitlets.config import Configurable

from . import file_reads
from .jobs.context import DEFAULT_BASE_IMAGE, KUBERNETES_BASE_IMAGE
from .runtime_images import PULL_POLICIES
from .tools import KNOWN_TOOLS
from .workspace import DEFAULT_OVERLAYS_DIR

#: Environment variables the registry credentials come from when the config leaves
#: them empty.
USERNAME_ENV = "OVERLAYS_REGISTRY_USERNAME"
PASSWORD_ENV = "OVERLAYS_REGISTRY_PASSWORD"  # noqa: S105 (a variable's name)


class OverlaysConfig(Configurable):
    """Settings of the jupyterlab-overlays server extension."""

    build_tools = List(
        Unicode(),
        default_value=list(KNOWN_TOOLS),
        help="Local build tools to look for, in order of preference "
        f"(any of {', '.join(KNOWN_TOOLS)}).",
    ).tag(config=True)

    build_isolation = Enum(
        ["auto", "oci", "chroot"],
        "auto",
        help="How the RUN steps of buildah and podman builds are isolated: 'auto' uses OCI "
        "isolation (runc: own process, mount and IPC namespaces) when a probe build shows "
        "it works here, else chroot, which is weaker (RUN steps see the host's processes); "
        "'oci' or 'chroot' to choose.",
    ).tag(config=True)

    probe_timeout = Float(
        10.0,
        help="Seconds to wait for a build tool to report its version.",
    ).tag(config=True)

    environment_timeout = Float(
        30.0,
        help="Seconds to wait for a kernelspec's Python to describe its environment.",
    ).tag(config=True)

    overlays_dir = Unicode(
        DEFAULT_OVERLAYS_DIR,
        help="Folder, relative to the workspace root, holding one folder per overlay, when "
        "the workspace's .thoth.yaml sets no overlays_dir (which wins). The frontend uses "
        "the same folder.",
    ).tag(config=True)

    jobs_dir = Unicode(
        help="Folder of the job records (SQLite) and job logs. "
        "Default: <jupyter data dir>/overlays/jobs.",
    ).tag(config=True)

    job_history_per_overlay = Int(
        100,
        help="Ended jobs (records and logs) kept per overlay; older ones are forgotten, "
        "except each overlay's newest job of each kind and its newest good build.",
    ).tag(config=True)

    job_history = Int(
        2000,
        help="Ended jobs (records and logs) kept in all, with the same exceptions.",
    ).tag(config=True)

    max_concurrent_jobs = Int(
        1,
        help="How many lock and build jobs run at the same time; the others wait, in order.",
    ).tag(config=True)

    cancel_grace_period = Float(
        10.0,
        help="Seconds a cancelled job's processes get after SIGTERM before SIGKILL.",
    ).tag(config=True)

    index_cache = Unicode(
        help="SQLite file keeping what the package index checks read from the index's "
        "files (file lists, metadata, modules' imports; by each file's SHA-256, which "
        "does not change) across restarts. Default: <jupyter data dir>/overlays/"
        "index-files.sqlite3; '' keeps nothing.",
    ).tag(config=True)

    # Image builds (jobs.local).

    build_backend = Enum(
        ["local", "kubernetes"],
        "local",
        help="Where images are built: 'local' (buildah, podman or docker on this machine) or "
        "'kubernetes' (one Kubernetes Job per build, for servers whose pod cannot run "
        "buildah; see the kubernetes_* settings).",
    ).tag(config=True)

    base_image = Unicode(
        help="Base image of the generated Containerfile. Local builds: a localhost/… name "
        "that does not exist yet is made once from Debian packages (mmdebstrap), so builds "
        f"work offline (default {DEFAULT_BASE_IMAGE}). Cluster builds: an image the "
        f"cluster can pull (default {KUBERNETES_BASE_IMAGE}).",
    ).tag(config=True)

    @default("base_image")
    def _default_base_image(self):
        return KUBERNETES_BASE_IMAGE if self.build_backend == "kubernetes" else DEFAULT_BASE_IMAGE

    # Cluster builds (jobs.kube).

    kubernetes_namespace = Unicode(
        "",
        help="Namespace of the build Jobs; empty: the pod's service account's namespace, "
        "else the kubeconfig context's.",
    ).tag(config=True)

    kubernetes_builder_image = Unicode(
        "quay.io/buildah/stable:v1.39",
        help="Image the build pod runs: it needs buildah and /bin/sh.",
    ).tag(config=True)

    kubernetes_registry = Unicode(
        "",
        help="Registry (and path) cluster builds push to, e.g. quay.io/my-org; empty: the "
        "internal registry of the namespace on OpenShift, else image_registry/image_org.",
    ).tag(config=True)

    kubernetes_push_secret = Unicode(
        "",
        help="Name of a kubernetes.io/dockerconfigjson Secret in the namespace, mounted in "
        "the build pod to push with (on OpenShift's internal registry the pod's service "
        "account token is used instead).",
    ).tag(config=True)

    kubernetes_service_account = Unicode(
        "",
        help="Service account of the build pods (empty: 'builder' on OpenShift, whose "
        "token may push to the internal registry; else the namespace's default).",
    ).tag(config=True)

    kubernetes_pod_template = Dict(
        help="Merged into the build pod's template, e.g. {'spec': {'nodeSelector': {…}, "
        "'securityContext': {…}, 'containers': [{'name': 'build', 'resources': {…}}]}}. "
        "A container named 'build' is merged into the builder container.",
    ).tag(config=True)

    kubernetes_host_users = Bool(
        True,
        help="False sets hostUsers: false: the build pod runs in a user namespace of its own "
        "(Kubernetes ≥ 1.30 with user namespaces enabled on the nodes).",
    ).tag(config=True)

    kubernetes_deadline = Int(
        3600,
        help="Seconds a cluster build may run (the Job's activeDeadlineSeconds).",
    ).tag(config=True)

    kubernetes_ttl = Int(
        3600,
        help="Seconds an ended build Job stays in the cluster (ttlSecondsAfterFinished).",
    ).tag(config=True)

    base_image_suite = Unicode(
        "bookworm",
        help="Debian suite of the locally made base image.",
    ).tag(config=True)

    base_image_mirror = Unicode(
        "",
        help="Debian mirror for the locally made base image (default: mmdebstrap's).",
    ).tag(config=True)

    base_image_ca_certificates = List(
        Unicode(),
        default_value=None,
        allow_none=True,
        help="PEM files the locally made base image trusts besides Debian's CAs. "
        "Default (None): this machine's /usr/local/share/ca-certificates/*.crt, so "
        "builds behind the same TLS-inspecting proxy reach PyPI.",
    ).tag(config=True)

    image_registry = Unicode(
        "localhost",
        help="Registry part of built image names: <registry>/<org>/<project>-<overlay>:<tag>.",
    ).tag(config=True)

    image_org = Unicode(
        "",
        help="Organisation part of built image names (empty: none).",
    ).tag(config=True)

    image_project = Unicode(
        "",
        help="Project part of built image names (empty: the workspace folder's name).",
    ).tag(config=True)

    buildah_root = Unicode(
        "",
        help="Storage root of buildah / podman (--root); empty: the tool's default.",
    ).tag(config=True)

    buildah_runroot = Unicode(
        "",
        help="Run root of buildah / podman (--runroot); empty: the tool's default.",
    ).tag(config=True)

    storage_driver = Unicode(
        "",
        help="Storage driver of buildah / podman (--storage-driver), e.g. overlay or vfs; "
        "empty: the tool's default. With vfs, builds run with --layers=false.",
    ).tag(config=True)

    # After a build (jobs.local; buildah or podman).

    push = Bool(
        False,
        help="Push each built image to its registry (docker://<image name>, so set "
        "image_registry to the registry's host[:port]). The job's digest is then the "
        "pushed manifest's digest. A failed push fails the job; the local image stays.",
    ).tag(config=True)

    registry_username = Unicode(
        "",
        help=f"User name for pushing; empty: the environment variable {USERNAME_ENV}, "
        "else registry_authfile, else the tool's own login (buildah login).",
    ).tag(config=True)

    registry_password = Unicode(
        "",
        help=f"Password or token for pushing; empty: the environment variable {PASSWORD_ENV} "
        "(preferred: it stays out of config files). Given to the tool in a temporary "
        "auth file (mode 0600), never on a command line, in a log or in a job record.",
    ).tag(config=True)

    registry_authfile = Unicode(
        "",
        help="An existing containers auth.json (buildah login --authfile …) used for "
        "pushing when no user name and password are set.",
    ).tag(config=True)

    registry_tls_verify = Bool(
        True,
        help="Require HTTPS with a verified certificate when pushing (False: plain HTTP "
        "or self-signed certificates, e.g. a registry on localhost).",
    ).tag(config=True)

    export_dir = Unicode(
        "",
        help="Folder where each built image is also saved as an OCI archive, "
        "<project>-<overlay>-<tag>.tar (created if needed); empty: no archive.",
    ).tag(config=True)

    # Elyra runtime images (registrar.py).

    register_runtime_images = Bool(
        True,
        help="Register each successful build as the Elyra runtime image overlay-<name> "
        "(Elyra's API when Elyra is installed in this server, else its JSON file). The "
        "Settings Editor's choice, sent with each build, wins over this default.",
    ).tag(config=True)

    runtime_image_pull_policy = Enum(
        PULL_POLICIES,
        "IfNotPresent",
        help="Pull policy of the registered runtime images (when the build request names none).",
    ).tag(config=True)

    def registry_credentials(self) -> tuple[str, str]:
        """``(username, password)`` for pushing: each from the config, or from its
        environment variable when the config leaves it empty (``""`` when neither)."""
        username = self.registry_username or os.environ.get(USERNAME_ENV, "")
        password = self.registry_password or os.environ.get(PASSWORD_ENV, "")
        return username, password

    @default("index_cache")
    def _default_index_cache(self):
        return str(file_reads.default_path())

    @default("jobs_dir")
    def _default_jobs_dir(self):
        return os.path.join(jupyter_data_dir(), "overlays", "jobs")

    @validate("overlays_dir")
    def _validate_overlays_dir(self, proposal):
        value = proposal["value"].strip()
        if value.startswith(("/", "~")) or ".." in value.split("/") or not value.strip("/"):
            raise TraitError("overlays_dir must be a folder inside the workspace, e.g. 'overlays'.")
        return value.strip("/")

    @validate("job_history_per_overlay", "job_history")
    def _validate_history(self, proposal):
        if proposal["value"] < 1:
            raise TraitError(f"{proposal['trait'].name} must be at least 1.")
        return proposal["value"]

    @validate("kubernetes_deadline", "kubernetes_ttl")
    def _validate_kubernetes_seconds(self, proposal):
        if proposal["value"] < 1:
            raise TraitError(f"{proposal['trait'].name} must be at least 1 second.")
        return proposal["value"]

    @validate("max_concurrent_jobs")
    def _validate_max_concurrent_jobs(self, proposal):
        if proposal["value"] < 1:
            raise TraitError("max_concurrent_jobs must be at least 1.")
        return proposal["value"]

    @validate("cancel_grace_period")
    def _validate_cancel_grace_period(self, proposal):
        if proposal["value"] <= 0:
            raise TraitError("cancel_grace_period must be a positive number of seconds.")
        return proposal["value"]

    @validate("build_tools")
    def _validate_build_tools(self, proposal):
        unknown = [name for name in proposal["value"] if name not in KNOWN_TOOLS]
        if unknown:
            raise TraitError(
                f"Unknown build tool(s) {', '.join(unknown)}; "
                f"known tools are {', '.join(KNOWN_TOOLS)}."
            )
        return proposal["value"]

    @validate("probe_timeout")
    def _validate_probe_timeout(self, proposal):
        if proposal["value"] <= 0:
            raise TraitError("probe_timeout must be a positive number of seconds.")
        return proposal["value"]

    @validate("environment_timeout")
    def _validate_environment_timeout(self, proposal):
        if proposal["value"] <= 0:
            raise TraitError("environment_timeout must be a positive number of seconds.")
        return proposal["value"]
