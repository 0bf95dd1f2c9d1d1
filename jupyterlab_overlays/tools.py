"""Find the local container build tools and ask each for its version.

Tools are run with argument lists (never a shell string) and a timeout, so a
hung or broken tool cannot stall the server.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

# In order of preference: buildah is daemonless and works as root with chroot
# isolation; podman shares its storage; docker needs a running engine.
KNOWN_TOOLS = ("buildah", "podman", "docker")

INSTALL_HINTS = {
    "buildah": "apt-get install -y --no-install-recommends buildah runc",
    "podman": "apt-get install -y --no-install-recommends podman runc",
    "docker": "install Docker Engine and start the docker daemon",
}

_VERSION_RE = re.compile(r"version\s+v?(\d+(?:\.\d+)+(?:[-+][0-9A-Za-z.-]+)?)", re.IGNORECASE)


@dataclass(frozen=True)
class BuildTool:
    """What the server knows about one local build tool."""

    name: str
    found: bool
    path: str | None
    version: str | None
    usable: bool
    problem: str | None
    install_hint: str

    def to_json(self) -> dict:
        return asdict(self)


def parse_version(output: str) -> str | None:
    """The version number in a tool's ``--version`` output, or None.

    >>> parse_version("buildah version 1.28.2 (image-spec 1.0.2-dev, runtime-spec 1.0.2-dev)")
    '1.28.2'
    >>> parse_version("Docker version 28.2.2, build e6534b4")
    '28.2.2'
    """
    match = _VERSION_RE.search(output)
    return match.group(1) if match else None


async def _run(argv: list[str], timeout: float) -> tuple[int, str]:
    """Run ``argv``; return its exit code and combined output (code -1 on timeout)."""
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), timeout)
    except asyncio.TimeoutError:
        proc.kill()
        await proc.wait()
        return -1, f"no answer within {timeout:g} s"
    return proc.returncode or 0, out.decode(errors="replace").strip()


async def probe_tool(
    name: str, timeout: float, which: Callable[[str], str | None] = shutil.which
) -> BuildTool:
    """Look for ``name`` on PATH and ask it for its version."""
    hint = INSTALL_HINTS[name]
    path = which(name)
    if path is None:
        return BuildTool(name, False, None, None, False, f"{name} is not installed", hint)

    try:
        code, output = await _run([path, "--version"], timeout)
    except OSError as error:
        return BuildTool(name, True, path, None, False, f"{name} does not run: {error}", hint)
    version = parse_version(output) if code == 0 else None
    if version is None:
        last_line = output.splitlines()[-1] if output else f"exit code {code}"
        problem = f"{name} --version failed: {last_line}"
        return BuildTool(name, True, path, None, False, problem, hint)

    problem = None
    if name == "docker":
        # The docker CLI is often present without an engine to talk to.
        code, output = await _run([path, "version", "--format", "{{.Server.Version}}"], timeout)
        if code != 0:
            last_line = output.splitlines()[-1] if output else f"exit code {code}"
            problem = f"the docker engine is not reachable: {last_line}"
    return BuildTool(name, True, path, version, problem is None, problem, hint)


async def probe_tools(names: Iterable[str], timeout: float) -> list[BuildTool]:
    """Probe several tools concurrently, keeping their order."""
    return list(await asyncio.gather(*(probe_tool(name, timeout) for name in names)))
