"""What the local build tools say and are told: buildah, podman and docker command lines
(with this server's storage settings), and what their output means (steps, failures).

buildah and podman share one storage and most arguments; docker takes plain arguments and
has no working containers to look after.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from dataclasses import dataclass
from pathlib import Path

from .base import JobContext, JobError
from .process import run_quiet

#: podman refuses a longer --runroot ("the specified runroot is longer than 50 characters").
PODMAN_MAX_RUNROOT = 50

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
    ) -> list[str]:
        args = ["build"]
        if self.daemonless:
            args += [
                "--isolation",
                self.isolation,
                f"--layers={'true' if layers and not self.vfs else 'false'}",
            ]
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

    def remove_container(self, container: str) -> list[str]:
        """The command that removes a build's working container: podman leaves the one
        of a cancelled build mounted, and removes it only with ``--force``."""
        if self.name == "podman":
            return self.command("rm", "--force", container)
        return self.command("rm", container)


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
        new = (now or set()) - (self.before or set())
        if not new <= self.seen:
            self.seen |= new
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
