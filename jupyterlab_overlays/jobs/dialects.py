"""What the local build tools say and are told: buildah, podman and docker command lines
(with this server's storage settings), and what their output means (steps, failures).

buildah and podman share one storage and most arguments; docker takes plain arguments and
has no working containers to look after.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
from dataclasses import dataclass, field
from pathlib import Path

from .base import JobContext, JobError
from .process import run_quiet

#: podman refuses a longer --runroot ("the specified runroot is longer than 50 characters").
PODMAN_MAX_RUNROOT = 50

#: The build argument that marks a build's working containers with its job's id (build
#: arguments are kept in each working container's buildah.json). No Containerfile
#: declares it, so it changes no step and no cache key.
JOB_BUILD_ARG = "OVERLAYS_JOB"

_STEP_RE = re.compile(r"^(?:STEP|Step) (\d+)/(\d+)\b")
_BUILDKIT_STEP_RE = re.compile(r"^#\d+ \[(?:[\w.-]+ )?(\d+)/(\d+)\]")


def step_of(line: str) -> tuple[int, int] | None:
    """``(n, m)`` of a "STEP n/m" line (buildah, podman, docker's builders)."""
    match = _STEP_RE.match(line) or _BUILDKIT_STEP_RE.match(line)
    return (int(match.group(1)), int(match.group(2))) if match else None


def failure_reason(lines: list[str]) -> str:
    """The last meaningful lines of a failed build: pip's ``ERROR:`` lines, else the
    tool's ``Error:``, else the last line; with the step that failed."""
    step = None
    for line in lines:
        found = step_of(line)
        if found:
            step = found
    errors: list[str] = []
    for line in lines:
        text = line.strip()
        if text.startswith("ERROR:") and text not in errors:
            errors.append(text)
    tool_errors = [line.strip() for line in lines if re.match(r"\s*(?:Error|error)\b", line)]
    if errors:
        reason = "; ".join(errors[-2:])
    elif tool_errors:
        reason = tool_errors[-1]
    else:
        rest = [line.strip() for line in lines if line.strip()]
        reason = rest[-1] if rest else "the build tool ended without output"
    where = f" at step {step[0]}/{step[1]}" if step else ""
    return f"build failed{where}: {reason}"


def tool_error(lines: list[str]) -> str:
    """The tool's last ``Error:`` line (without the prefix), else its last line."""
    for line in reversed(lines):
        text = line.strip()
        if re.match(r"(?:Error|error):", text):
            return text.split(":", 1)[1].strip()
    rest = [line.strip() for line in lines if line.strip()]
    return rest[-1] if rest else "the tool ended without output"


@dataclass
class ToolCommands:
    """The command lines of one build tool.

    ``prefix``: the executable and its global arguments (buildah and podman: this
    server's ``--root``, ``--runroot``, ``--storage-driver``), recorded in a running
    job's Leftovers so that a later server can run the same tool on the same storage.
    """

    name: str
    prefix: list[str]
    #: Storage driver vfs: builds without layers (vfs copies the whole tree per layer).
    vfs: bool = False
    #: How RUN steps are isolated (buildah, podman): ``oci`` or ``chroot`` (isolation.py).
    isolation: str = "chroot"
    _storage: tuple[str, str] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def configured(cls, name: str, executable: str | None, config) -> ToolCommands:
        """The tool ``name`` with the storage settings of ``config`` (OverlaysConfig)."""
        prefix = [executable or name]
        if name in ("buildah", "podman"):
            if config.buildah_root:
                prefix += ["--root", config.buildah_root]
            if config.buildah_runroot:
                prefix += ["--runroot", config.buildah_runroot]
            if config.storage_driver:
                prefix += ["--storage-driver", config.storage_driver]
        return cls(name, prefix, vfs=config.storage_driver == "vfs")

    @property
    def daemonless(self) -> bool:
        """buildah or podman: builds without a daemon (isolated as isolation.py finds),
        can push and export."""
        return self.name in ("buildah", "podman")

    def command(self, *args: str) -> list[str]:
        return [*self.prefix, *args]

    def check_settings(self) -> None:
        """JobError (before anything is built) when the storage settings cannot work."""
        if self.name != "podman" or "--runroot" not in self.prefix:
            return
        runroot = self.prefix[self.prefix.index("--runroot") + 1]
        if len(runroot) > PODMAN_MAX_RUNROOT:
            raise JobError(
                f"podman refuses a runroot longer than {PODMAN_MAX_RUNROOT} characters: "
                f"set OverlaysConfig.buildah_runroot to a shorter path than {runroot}"
            )

    def build_args(
        self,
        image: str,
        containerfile: Path,
        context_dir: Path,
        iidfile: Path,
        labels: dict[str, str],
        layers: bool = True,
        job_id: str | None = None,
    ) -> list[str]:
        args = ["build"]
        if self.daemonless:
            args += [
                "--isolation",
                self.isolation,
                f"--layers={'true' if layers and not self.vfs else 'false'}",
            ]
            if job_id:
                args += ["--build-arg", f"{JOB_BUILD_ARG}={job_id}"]
        args += ["--force-rm", "--iidfile", str(iidfile), "--tag", image]
        for key, value in labels.items():
            args += ["--label", f"{key}={value}"]
        args += ["-f", str(containerfile), str(context_dir)]
        return self.command(*args)

    def push_args(
        self, image: str, authfile: str | None, digestfile: Path, tls_verify: bool
    ) -> list[str]:
        args = ["push", "--digestfile", str(digestfile)]
        if authfile:
            args += ["--authfile", authfile]
        if not tls_verify:
            args.append("--tls-verify=false")
        return self.command(*args, image, f"docker://{image}")

    async def image_id(self, reference: str) -> str | None:
        """``sha256:…`` id of a local image, or None when it does not exist."""
        if self.name == "buildah":
            args = ["images", "--noheading", "--no-trunc", "--format", "{{.ID}}", reference]
        else:
            args = ["image", "inspect", "--format", "{{.Id}}", reference]
        code, output = await run_quiet(self.command(*args))
        if code != 0 or not output:
            return None
        value = output.splitlines()[0].strip()
        return value if value.startswith("sha256:") else f"sha256:{value}"

    async def image_size(self, reference: str) -> str | None:
        """A local image's size as the tool prints it (``223 MB``); None when the image
        does not exist."""
        args = ["images", "--format", "{{.Size}}", reference]
        if self.name == "buildah":
            args.insert(1, "--noheading")
        code, output = await run_quiet(self.command(*args))
        lines = output.strip().splitlines() if code == 0 else []
        return lines[0].strip() if lines and lines[0].strip() else None

    async def containers(self) -> set[str] | None:
        """Ids of the working containers of buildah / podman builds (None for docker or
        on failure)."""
        if self.name == "buildah":
            code, output = await run_quiet(
                self.command(
                    "containers", "--noheading", "--notruncate", "--format", "{{.ContainerID}}"
                )
            )
            return set(output.split()) if code == 0 else None
        if self.name != "podman":
            return None
        # A build's working container is a buildah one, which podman lists as "external",
        # in the state "Storage" (podman's own containers, never touched here, in others).
        code, output = await run_quiet(
            self.command(
                "ps", "--all", "--external", "--noheading", "--no-trunc",
                "--format", "{{.ID}} {{.State}}",
            )
        )  # fmt: skip
        if code != 0:
            return None
        lines = [line.split() for line in output.splitlines()]
        return {line[0] for line in lines if len(line) == 2 and line[1].lower() == "storage"}

    async def storage(self) -> tuple[str, str] | None:
        """The storage's root folder and driver (buildah / podman), asked once."""
        if self._storage is None and self.daemonless:
            if self.name == "buildah":
                code, output = await run_quiet(self.command("info"))
                with contextlib.suppress(ValueError, KeyError, TypeError):
                    store = json.loads(output)["store"] if code == 0 else {}
                    self._storage = (store["GraphRoot"], store["GraphDriverName"])
            else:
                code, output = await run_quiet(
                    self.command(
                        "info", "--format", "{{.Store.GraphRoot}} {{.Store.GraphDriverName}}"
                    )
                )
                parts = output.split()
                if code == 0 and len(parts) == 2:
                    self._storage = (parts[0], parts[1])
        return self._storage

    async def job_of(self, container: str) -> str | None:
        """The job whose build made a working container (``JOB_BUILD_ARG``), or None."""
        storage = await self.storage()
        if storage is None or not re.fullmatch(r"[0-9a-f]{12,64}", container):
            return None
        root, driver = storage
        folder = Path(root, f"{driver}-containers")
        matches = [path for path in folder.glob(f"{container}*") if path.is_dir()]
        if len(matches) != 1:
            return None
        try:
            data = json.loads((matches[0] / "userdata" / "buildah.json").read_text())
            job = data["Args"][JOB_BUILD_ARG]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return job if isinstance(job, str) else None

    async def containers_of(self, job_id: str) -> set[str] | None:
        """The working containers the build of job ``job_id`` made (None: cannot tell)."""
        found = await self.containers()
        if found is None:
            return None
        return {container for container in found if await self.job_of(container) == job_id}

    def remove_container(self, container: str) -> list[str]:
        """The command that removes a build's working container: podman leaves the one
        of a cancelled build mounted, and removes it only with ``--force``."""
        if self.name == "podman":
            return self.command("rm", "--force", container)
        return self.command("rm", container)


def container_processes(container: str) -> list[int]:
    """The processes running in a build's working container: with OCI isolation a RUN
    step runs under the OCI runtime, outside the build tool's process group, so a
    killed build leaves it running. They are the processes of another mount namespace
    whose hostname is the container's (the runtime names it after the container id)."""
    try:
        own = os.readlink("/proc/self/ns/mnt")
    except OSError:
        return []
    wanted = f"HOSTNAME={container[:12]}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.readlink(entry / "ns" / "mnt") == own:
                continue
            if wanted in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def end_container_processes(container: str) -> list[int]:
    """SIGKILL every process of a working container; the pids."""
    pids = container_processes(container)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    return pids


class ContainerWatch:
    """Notes in the job's Leftovers the working containers that appear while a build
    runs (looked up on each new STEP), so that a server started after this one died
    can remove them."""

    def __init__(self, tools: ToolCommands, context: JobContext):
        self.tools = tools
        self.context = context
        self.before: set[str] | None = None
        self.seen: set[str] = set(context.leftovers.data.get("containers", []))
        self._task: asyncio.Future | None = None

    async def start(self) -> set[str] | None:
        self.before = await self.tools.containers()
        if self.before is not None:
            self.context.leftovers.note(containers_before=sorted(self.before))
        return self.before

    def on_line(self, line: str) -> tuple[int, int] | None:
        """Look for new containers when a step after the first (FROM, which made the
        working container) begins; the step, if the line starts one."""
        found = step_of(line)
        if found and found[0] > 1:
            self.poke()
        return found

    def poke(self) -> None:
        if self.before is not None and (self._task is None or self._task.done()):
            self._task = asyncio.ensure_future(self._look())

    async def _look(self) -> None:
        now = await self.tools.containers()
        new = (now or set()) - (self.before or set()) - self.seen
        # Only this job's: another build may share the storage.
        mine = {c for c in new if await self.tools.job_of(c) == self.context.job.id}
        if mine:
            self.seen |= mine
            self.context.leftovers.note(containers=sorted(self.seen))

    async def stop(self) -> None:
        """Let a look in progress end (it takes milliseconds), and take its result."""
        if self._task is None:
            return
        done, _ = await asyncio.wait({self._task}, timeout=30)
        if not done:
            self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._task
