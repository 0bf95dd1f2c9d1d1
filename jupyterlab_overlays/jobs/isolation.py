"""How a build's RUN steps are isolated: OCI isolation (runc: namespaces of their own,
so a step sees neither the host's processes nor its files) wherever it works, chroot
isolation only as a weaker fallback that the info endpoint, the sidebar and every build
log name.

Whether OCI isolation works is found once per tool and storage, by a real build: a
``FROM scratch`` step that runs the host's ``/usr/bin/sh`` (mounted read-only) and
counts the processes it sees. In its own PID namespace that is a handful; with chroot,
or where the runtime cannot make namespaces, it is the host's.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from .dialects import ToolCommands
from .process import run_quiet

OCI = "oci"
CHROOT = "chroot"

#: More processes than this in the probe's view: it shares the host's PID namespace.
_OWN_NAMESPACE_MAX = 10
_MARK = "overlays-isolation-probe"
_PROBE = (
    f'FROM scratch\nRUN ["/usr/bin/sh", "-c", "echo {_MARK} $(ls /proc | grep -c \'^[0-9]\')"]\n'
)
_HOST_MOUNTS = ("/usr:/usr:ro", "/usr/lib:/lib:ro", "/usr/lib64:/lib64:ro")

WEAKER = (
    "chroot isolation (weaker: RUN steps run in the host's process namespace, as the server's user)"
)

# (tool, storage) → (isolation, why OCI isolation is not used or None); one probe each.
_found: dict[tuple[str, ...], tuple[str, str | None]] = {}


async def isolation_of(tools: ToolCommands, configured: str = "auto") -> tuple[str, str | None]:
    """The isolation builds with ``tools`` use, and why it is not OCI when it is not.

    ``configured`` (``OverlaysConfig.build_isolation``): ``auto`` probes, ``oci`` and
    ``chroot`` are taken as they are. docker isolates its builds itself (``None``)."""
    if not tools.daemonless:
        return "daemon", None
    if configured in (OCI, CHROOT):
        return configured, None if configured == OCI else "set by OverlaysConfig.build_isolation"
    key = (tools.name, *tools.prefix)
    if key not in _found:
        _found[key] = await _probe(tools)
    return _found[key]


async def _probe(tools: ToolCommands) -> tuple[str, str | None]:
    with tempfile.TemporaryDirectory(prefix="overlays-isolation-") as folder:
        Path(folder, "Containerfile").write_text(_PROBE)
        iidfile = Path(folder, "iid")
        mounts = [arg for mount in _HOST_MOUNTS for arg in ("-v", mount)]
        code, output = await run_quiet(
            tools.command(
                "build", "--isolation", OCI, "--layers=false", "--iidfile", str(iidfile),
                *mounts, "-f", str(Path(folder, "Containerfile")), folder,
            ),
            timeout=120,
        )  # fmt: skip
        if iidfile.is_file():
            await run_quiet(tools.command("rmi", iidfile.read_text().strip()))
    match = re.search(rf"^{_MARK} (\d+)$", output, re.MULTILINE)
    if code != 0 or match is None:
        last = next((line for line in reversed(output.splitlines()) if line.strip()), "")
        return CHROOT, f"OCI isolation failed here: {last[-300:] or f'exit code {code}'}"
    if int(match.group(1)) > _OWN_NAMESPACE_MAX:
        return CHROOT, "OCI isolation gave no PID namespace of its own here"
    return OCI, None


def describe(isolation: str, problem: str | None) -> str:
    """What a build log says about the isolation of its RUN steps."""
    if isolation == OCI:
        return "Isolation: oci (each RUN step sees its own processes and file system only)"
    if isolation == CHROOT:
        return f"Isolation: {WEAKER}" + (f"; {problem}" if problem else "")
    return "Isolation: the docker daemon's"
