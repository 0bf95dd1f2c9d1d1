"""Server-side settings, read from ``jupyter_server_config`` like any traitlets config.

Example (``jupyter_server_config.py``)::

    c.OverlaysConfig.build_tools = ["podman", "buildah"]
    c.OverlaysConfig.probe_timeout = 5
    c.OverlaysConfig.environment_timeout = 60
    c.OverlaysConfig.jobs_dir = "/var/lib/overlays/jobs"
    c.OverlaysConfig.max_concurrent_jobs = 2
"""

import os

from jupyter_core.paths import jupyter_data_dir
from traitlets import Float, Int, List, TraitError, Unicode, default, validate
from traitlets.config import Configurable

from .tools import KNOWN_TOOLS


class OverlaysConfig(Configurable):
    """Settings of the jupyterlab-overlays server extension."""

    build_tools = List(
        Unicode(),
        default_value=list(KNOWN_TOOLS),
        help="Local build tools to look for, in order of preference "
        f"(any of {', '.join(KNOWN_TOOLS)}).",
    ).tag(config=True)

    probe_timeout = Float(
        10.0,
        help="Seconds to wait for a build tool to report its version.",
    ).tag(config=True)

    environment_timeout = Float(
        30.0,
        help="Seconds to wait for a kernelspec's Python to describe its environment.",
    ).tag(config=True)

    jobs_dir = Unicode(
        help="Folder of the job records (SQLite) and job logs. "
        "Default: <jupyter data dir>/overlays/jobs.",
    ).tag(config=True)

    max_concurrent_jobs = Int(
        1,
        help="How many lock and build jobs run at the same time; the others wait, in order.",
    ).tag(config=True)

    cancel_grace_period = Float(
        10.0,
        help="Seconds a cancelled job's processes get after SIGTERM before SIGKILL.",
    ).tag(config=True)

    @default("jobs_dir")
    def _default_jobs_dir(self):
        return os.path.join(jupyter_data_dir(), "overlays", "jobs")

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
