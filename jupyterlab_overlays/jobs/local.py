"""The local build backend: buildah (chroot isolation), else podman, else docker.

A build job writes the overlay's build context to a temporary folder
(``context.build_context``), makes sure the base image exists (a
``localhost/…`` base that does not is made once from Debian packages with
mmdebstrap, so a machine with no registry can build), and runs the tool with
an argument list in a process group of its own. The tool tags the image only
when the build succeeds; a cancelled build leaves no tag and no working
container behind.

After a build, optionally (``OverlaysConfig``): the image is saved as an OCI
archive in ``export_dir``, and pushed to its registry (``push``), with the
credentials in a temporary auth file that no log, error or record ever shows.

While a build runs, the job's ``Leftovers`` hold the tool's storage, the tag
being made and the working containers that appeared, so that a server started
after one that died mid-build removes them (``clean_up``).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import glob
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from ..config import PASSWORD_ENV, USERNAME_ENV, OverlaysConfig
from ..tools import INSTALL_HINTS, BuildTool, probe_tools
from ..workspace import project_name
from .base import JobContext, JobError, JobResult, LogWriter
from .context import (
    LABEL_LOCK_HASH,
    LABEL_OVERLAY,
    LABEL_PYTHON_VERSION,
    LABEL_SOURCE_HASH,
    BuildContext,
    build_context,
    image_name,
    image_tag,
)
from .process import run_logged, run_quiet

BASE_PACKAGES = ("python3", "python3-pip", "python3-venv", "ca-certificates", "curl")
BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
LABEL_BASE = "io.jupyterlab-overlays.base"
MMDEBSTRAP_HINT = "apt-get install -y --no-install-recommends mmdebstrap"
REDACTED = "********"
#: podman refuses a longer --runroot ("the specified runroot is longer than 50 characters").
PODMAN_MAX_RUNROOT = 50
#: Name prefix of a build's temporary folder (its context, the push credentials).
TMP_PREFIX = "overlays-build-"

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


def push_hint(reason: str) -> str:
    """What to change when a push failed for a reason of the usual kinds."""
    lowered = reason.lower()
    if "unauthorized" in lowered or "authentication required" in lowered or "denied" in lowered:
        return (
            " (check the registry credentials: OverlaysConfig.registry_username / "
            f"registry_password, or {USERNAME_ENV} / {PASSWORD_ENV})"
        )
    if "http response to https client" in lowered:
        return " (a plain-HTTP registry: set OverlaysConfig.registry_tls_verify = False)"
    if "certificate" in lowered or "x509" in lowered:
        return " (a certificate the tool does not trust: see OverlaysConfig.registry_tls_verify)"
    return ""


class RedactingLog:
    """A LogWriter that replaces secrets by ``********`` before they reach the log."""

    def __init__(self, log: LogWriter, secrets: list[str]) -> None:
        self._log = log
        self.secrets = sorted({secret for secret in secrets if secret}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def write(self, text: str) -> None:
        self._log.write(self.redact(text))


class _ContainerWatch:
    """Notes in the job's Leftovers the working containers that appear while a build
    runs (looked up on each new STEP), so that a server started after this one died
    can remove them."""

    def __init__(self, backend: LocalBuildBackend, tool: BuildTool, context: JobContext):
        self.backend = backend
        self.tool = tool
        self.context = context
        self.before: set[str] | None = None
        self.seen: set[str] = set(context.leftovers.data.get("containers", []))
        self._task: asyncio.Future | None = None

    async def start(self) -> set[str] | None:
        self.before = await self.backend._containers(self.tool)
        if self.before is not None:
            self.context.leftovers.note(containers_before=sorted(self.before))
        return self.before

    def poke(self) -> None:
        if self.before is not None and (self._task is None or self._task.done()):
            self._task = asyncio.ensure_future(self._look())

    async def _look(self) -> None:
        now = await self.backend._containers(self.tool)
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


class LocalBuildBackend:
    """Builds overlay images on this machine (``job.kind == "build"``)."""

    name = "local"

    def __init__(self, config: OverlaysConfig | None = None, *, tools: list[str] | None = None):
        self.config = config if config is not None else OverlaysConfig()
        self._tools = tools  # override of config.build_tools (tests)
        self._base_lock: asyncio.Lock | None = None
        self._active = 0

    # --- the tool ------------------------------------------------------------

    async def find_tool(self) -> BuildTool:
        """The first usable tool in order of preference; JobError with what to
        install when there is none."""
        names = self._tools or list(self.config.build_tools)
        tools = await probe_tools(names, self.config.probe_timeout)
        for tool in tools:
            if tool.usable:
                return tool
        problems = "; ".join(f"{tool.problem}" for tool in tools if tool.problem)
        hint = INSTALL_HINTS.get(names[0], "") if names else ""
        raise JobError(
            f"no container build tool can run here ({problems}). "
            f"Install buildah: {INSTALL_HINTS['buildah']}" + (f" (or: {hint})" if hint else "")
        )

    def global_args(self, tool: BuildTool) -> list[str]:
        if tool.name not in ("buildah", "podman"):
            return []
        args = []
        if self.config.buildah_root:
            args += ["--root", self.config.buildah_root]
        if self.config.buildah_runroot:
            args += ["--runroot", self.config.buildah_runroot]
        if self.config.storage_driver:
            args += ["--storage-driver", self.config.storage_driver]
        return args

    def check_tool_settings(self, tool: BuildTool) -> None:
        """JobError (before anything is built) when the storage settings cannot work
        with ``tool``."""
        runroot = self.config.buildah_runroot
        if tool.name == "podman" and len(runroot) > PODMAN_MAX_RUNROOT:
            raise JobError(
                f"podman refuses a runroot longer than {PODMAN_MAX_RUNROOT} characters: "
                f"set OverlaysConfig.buildah_runroot to a shorter path than {runroot}"
            )

    def command(self, tool: BuildTool, *args: str) -> list[str]:
        return [tool.path or tool.name, *self.global_args(tool), *args]

    async def image_id(self, tool: BuildTool, reference: str) -> str | None:
        """``sha256:…`` id of a local image, or None when it does not exist."""
        return await _image_id(tool.name, self.command(tool), reference)

    def build_args(
        self,
        tool: BuildTool,
        image: str,
        containerfile: Path,
        context_dir: Path,
        iidfile: Path,
        labels: dict[str, str],
        layers: bool = True,
    ) -> list[str]:
        args = ["build"]
        if tool.name in ("buildah", "podman"):
            vfs = self.config.storage_driver == "vfs"
            args += [
                "--isolation",
                "chroot",
                f"--layers={'true' if layers and not vfs else 'false'}",
            ]
        args += ["--force-rm", "--iidfile", str(iidfile), "--tag", image]
        for key, value in labels.items():
            args += ["--label", f"{key}={value}"]
        args += ["-f", str(containerfile), str(context_dir)]
        return self.command(tool, *args)

    # --- after the build: checks, push, export ------------------------------

    def check_after_build_settings(self, tool: BuildTool) -> tuple[str, str]:
        """JobError (before anything is built) when push / export settings cannot work;
        the registry credentials ``(username, password)`` otherwise."""
        config = self.config
        if not (config.push or config.export_dir):
            return "", ""
        if tool.name not in ("buildah", "podman"):
            raise JobError(
                f"pushing and exporting images need buildah or podman, not {tool.name} "
                f"(install buildah: {INSTALL_HINTS['buildah']})"
            )
        if config.export_dir and ":" in config.export_dir:
            raise JobError(f"OverlaysConfig.export_dir must not contain ':' ({config.export_dir})")
        if not config.push:
            return "", ""
        if config.image_registry.strip().lower().rstrip("/") == "localhost":
            raise JobError(
                "OverlaysConfig.push is on but image_registry is 'localhost' (local images "
                "only): set image_registry to the host[:port] of the registry to push to"
            )
        username, password = config.registry_credentials()
        if bool(username) != bool(password):
            missing = "password" if username else "user name"
            raise JobError(
                f"a registry {missing} is missing: set OverlaysConfig.registry_username and "
                f"registry_password (or {USERNAME_ENV} and {PASSWORD_ENV}) together"
            )
        authfile = config.registry_authfile
        if not username and authfile and not Path(authfile).is_file():
            raise JobError(f"OverlaysConfig.registry_authfile {authfile} does not exist")
        return username, password

    def push_args(
        self, tool: BuildTool, image: str, authfile: str | None, digestfile: Path
    ) -> list[str]:
        args = ["push", "--digestfile", str(digestfile)]
        if authfile:
            args += ["--authfile", authfile]
        if not self.config.registry_tls_verify:
            args.append("--tls-verify=false")
        return self.command(tool, *args, image, f"docker://{image}")

    async def push(
        self, tool: BuildTool, context: JobContext, image: str, tmp: Path, credentials
    ) -> str | None:
        """Push ``image`` to ``docker://image``; the pushed manifest's digest."""
        registry = image.split("/", 1)[0]
        username, password = credentials
        authfile = None
        if username:
            authfile = str(tmp / "auth.json")
            token = base64.b64encode(f"{username}:{password}".encode()).decode()
            write_private(authfile, json.dumps({"auths": {registry: {"auth": token}}}))
        elif self.config.registry_authfile:
            authfile = self.config.registry_authfile
        digestfile = tmp / "pushed-digest"
        context.log.write(f"Pushing {image} to {registry}\n")
        lines: list[str] = []
        code = await run_logged(
            self.push_args(tool, image, authfile, digestfile), context, on_line=lines.append
        )
        if context.cancelled.is_set():
            raise asyncio.CancelledError()
        if code != 0:
            reason = tool_error(lines)
            raise JobError(f"push of {image} to {registry} failed: {reason}{push_hint(reason)}")
        digest = digestfile.read_text().strip() if digestfile.is_file() else None
        context.log.write(f"Pushed {image} ({digest or 'no digest reported'})\n")
        return digest or None

    def archive_path(self, image: str) -> Path:
        """``<export_dir>/<project>-<overlay>-<tag>.tar`` for ``image``."""
        name, tag = image.rsplit(":", 1)
        folder = Path(os.path.abspath(self.config.export_dir))
        return folder / f"{name.rsplit('/', 1)[-1]}-{tag}.tar"

    async def export(self, tool: BuildTool, context: JobContext, image: str) -> Path:
        """Save ``image`` as an OCI archive in ``export_dir``: written under a hidden
        temporary name, renamed when complete."""
        final = self.archive_path(image)
        partial = final.with_name(f".{final.name}.partial")
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise JobError(f"cannot create the export folder {final.parent}: {error}") from None
        partial.unlink(missing_ok=True)
        context.leftovers.note(export_partial=str(partial))
        lines: list[str] = []
        code = await run_logged(
            self.command(tool, "push", image, f"oci-archive:{partial}:{image}"),
            context,
            on_line=lines.append,
        )
        if context.cancelled.is_set():
            raise asyncio.CancelledError()
        if code != 0:
            partial.unlink(missing_ok=True)
            raise JobError(f"export of {image} to {final} failed: {tool_error(lines)}")
        os.replace(partial, final)
        context.leftovers.note(export_partial=None)
        context.log.write(f"Exported {image} to {final}\n")
        return final

    # --- a build job ---------------------------------------------------------

    def image_for(self, context: JobContext, tag: str) -> str:
        config = self.config
        try:
            project = project_name(config.image_project, context.workspace_dir)
            return image_name(
                config.image_registry, config.image_org, project, context.job.overlay, tag
            )
        except ValueError as error:
            raise JobError(f"cannot name the image: {error}") from error

    async def run(self, context: JobContext) -> JobResult:
        tool = await self.find_tool()
        self.check_tool_settings(tool)
        credentials = self.check_after_build_settings(tool)
        username, password = credentials
        secrets = [password]
        if password:
            secrets.append(base64.b64encode(f"{username}:{password}".encode()).decode())
        redacting = RedactingLog(context.log, secrets)
        context = dataclasses.replace(context, log=redacting)
        try:
            return await self._run(tool, context, credentials)
        except JobError as error:
            failure = error
        # The password never reaches a message; this makes sure of it (raised outside
        # the except clause: the original is not even kept as __context__).
        raise JobError(redacting.redact(str(failure)), result=failure.result)

    async def _run(self, tool: BuildTool, context: JobContext, credentials) -> JobResult:
        context.log.write(f"Building with {tool.name} {tool.version} ({tool.path})\n")
        context.leftovers.note(backend=self.name, tool=tool.name, command=self.command(tool))
        tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX))
        context.leftovers.note(tmp=str(tmp))
        self._active += 1
        image = None
        before: str | None = None
        containers: set[str] | None = None
        try:
            try:
                built = build_context(context.overlay_dir, tmp / "context", self.config.base_image)
            except ValueError as error:
                raise JobError(str(error)) from error
            for warning in built.warnings:
                context.log.write(f"warning: {warning}\n")
            recorded = context.job.source_hash
            if recorded and built.source_hash != recorded:
                # The job and the tag name what was asked for; the files changed since.
                raise JobError(
                    "the overlay's files changed after this build was queued: build again"
                )
            image = context.job.image or self.image_for(
                context, image_tag(recorded or built.source_hash)
            )
            if self._uses_base_image(built):
                await self.ensure_base_image(tool, context)

            before = await self.image_id(tool, image)
            context.leftovers.note(image=image, image_before=before)
            watch = _ContainerWatch(self, tool, context)
            containers = await watch.start()
            iidfile = tmp / "iid"
            lines: list[str] = []

            def on_line(line: str) -> None:
                lines.append(line)
                del lines[:-200]
                found = step_of(line)
                if found and callable(context.on_progress):
                    context.on_progress({"step": found[0], "steps": found[1]})
                if found and found[0] > 1:
                    watch.poke()  # step 1 (FROM) made the working container

            context.log.write(f"Image {image}\n")
            try:
                code = await run_logged(
                    self.build_args(
                        tool,
                        image,
                        built.containerfile,
                        built.dir,
                        iidfile,
                        self.labels(context, built),
                    ),
                    context,
                    cwd=built.dir,
                    on_line=on_line,
                )
            finally:
                await watch.stop()
            if context.cancelled.is_set():
                raise asyncio.CancelledError()
            if code != 0:
                raise JobError(failure_reason(lines))
            digest = iidfile.read_text().strip() if iidfile.is_file() else None
            digest = digest or await self.image_id(tool, image)
            context.log.write(f"Built {image} ({digest})\n")
            result = JobResult(image=image, digest=digest)

            if self.config.export_dir:
                try:
                    await self.export(tool, context, image)
                except JobError as error:
                    raise JobError(str(error), result=result) from None
            if self.config.push:
                try:
                    pushed = await self.push(tool, context, image, tmp, credentials)
                except JobError as error:
                    context.log.write(f"The local image {image} stays.\n")
                    raise JobError(str(error), result=result) from None
                result = JobResult(image=image, digest=pushed or digest)
            return result
        except asyncio.CancelledError:
            if image is not None:
                await self._undo(tool, context, image, before, containers)
            partial = context.leftovers.data.get("export_partial")
            if partial:
                Path(partial).unlink(missing_ok=True)
            raise
        finally:
            self._active -= 1
            shutil.rmtree(tmp, ignore_errors=True)

    def labels(self, context: JobContext, built: BuildContext) -> dict[str, str]:
        labels = {LABEL_OVERLAY: context.job.overlay, LABEL_SOURCE_HASH: built.source_hash}
        if built.lock_hash:
            labels[LABEL_LOCK_HASH] = built.lock_hash
        if built.python_version:
            labels[LABEL_PYTHON_VERSION] = built.python_version
        return labels

    def _uses_base_image(self, built: BuildContext) -> bool:
        if not built.user_containerfile:
            return True
        return self.config.base_image in built.containerfile.read_text()

    async def _containers(self, tool: BuildTool) -> set[str] | None:
        return await _containers(tool.name, self.command(tool))

    async def _undo(
        self,
        tool: BuildTool,
        context: JobContext,
        image: str,
        before: str | None,
        containers: set[str] | None,
    ) -> None:
        """After a cancel: no new tag, no working container left (buildah ends its
        own on SIGTERM, not on SIGKILL; podman on neither)."""
        now = await self.image_id(tool, image)
        if now is not None and now != before:
            context.log.write(f"Cancelled: removing the tag {image}\n")
            if before is None:
                await run_quiet(self.command(tool, "rmi", image))
            else:
                await run_quiet(self.command(tool, "tag", before, image))
        if containers is not None and self._active == 1:
            left = await self._containers(tool)
            for container in sorted((left or set()) - containers):
                context.log.write(f"Cancelled: removing working container {container[:12]}\n")
                await run_quiet(_remove_container(tool.name, self.command(tool), container))

    # --- after a server died mid-build --------------------------------------

    async def clean_up(self, leftovers: dict, log: LogWriter) -> None:
        """Undo what a build left when its server died (its processes have ended):
        its working containers, the tag it made, a partial OCI archive."""
        command = leftovers.get("command")
        name = leftovers.get("tool")
        if not (isinstance(command, list) and command and isinstance(name, str)):
            return
        tmp = leftovers.get("tmp")
        if isinstance(tmp, str) and Path(tmp).name.startswith(TMP_PREFIX) and os.path.isdir(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
        partial = leftovers.get("export_partial")
        if isinstance(partial, str) and os.path.isfile(partial):
            log.write(f"Removing the partial archive {partial}\n")
            Path(partial).unlink(missing_ok=True)
        left = set(leftovers.get("containers") or [])
        if left:
            existing = await _containers(name, command)
            for container in sorted(left & (existing or set())):
                log.write(f"Removing working container {container[:12]}\n")
                code, output = await run_quiet(_remove_container(name, command, container))
                if code != 0:
                    log.write(f"  could not: {output.strip()[-300:]}\n")
        image = leftovers.get("image")
        if isinstance(image, str):
            before = leftovers.get("image_before")
            now = await _image_id(name, command, image)
            if now is not None and now != before:
                log.write(f"Removing the tag {image}\n")
                if before is None:
                    await run_quiet([*command, "rmi", image])
                else:
                    await run_quiet([*command, "tag", before, image])

    # --- the base image ------------------------------------------------------

    async def ensure_base_image(self, tool: BuildTool, context: JobContext) -> None:
        """Make the configured ``localhost/…`` base image when it does not exist."""
        base = self.config.base_image
        if not base.startswith("localhost/"):
            return
        if self._base_lock is None:
            self._base_lock = asyncio.Lock()
        async with self._base_lock:
            if await self.image_id(tool, base) is not None:
                return
            await self.make_base_image(tool, context, base)

    def ca_certificates(self) -> list[Path]:
        configured = self.config.base_image_ca_certificates
        if configured is None:
            configured = sorted(
                glob.glob("/usr/local/share/ca-certificates/**/*.crt", recursive=True)
            )
        return [Path(path) for path in configured if Path(path).is_file()]

    async def make_base_image(self, tool: BuildTool, context: JobContext, base: str) -> None:
        suite = self.config.base_image_suite
        context.log.write(
            f"Base image {base} not found: making it once from Debian {suite} packages "
            "(mmdebstrap, about a minute)\n"
        )
        mmdebstrap = shutil.which("mmdebstrap")
        if mmdebstrap is None:
            raise JobError(
                f"the base image {base} does not exist and mmdebstrap, which makes it, is not "
                f"installed: {MMDEBSTRAP_HINT} (or set OverlaysConfig.base_image to an image "
                "you have)"
            )
        tmp = Path(tempfile.mkdtemp(prefix="overlays-base-"))
        try:
            argv = [
                mmdebstrap,
                "--variant=apt",
                f"--include={','.join(BASE_PACKAGES)}",
                suite,
                str(tmp / "base.tar"),
            ]
            if self.config.base_image_mirror:
                argv.append(self.config.base_image_mirror)
            lines: list[str] = []
            code = await run_logged(argv, context, on_line=lines.append)
            if context.cancelled.is_set():
                raise asyncio.CancelledError()
            if code != 0:
                last = next((line for line in reversed(lines) if line.strip()), f"exit code {code}")
                raise JobError(f"could not make the base image {base}: mmdebstrap: {last}")

            certificates = self.ca_certificates()
            (tmp / "ca").mkdir()
            for number, path in enumerate(certificates):
                shutil.copyfile(path, tmp / "ca" / f"{number:02d}-{path.stem}.crt")
            containerfile = [
                "FROM scratch",
                "ADD base.tar /",
                f"ENV PATH={BASE_PATH} LANG=C.UTF-8",
            ]
            if certificates:
                context.log.write(
                    f"Adding {len(certificates)} CA certificate(s) of this machine: "
                    + ", ".join(path.name for path in certificates)
                    + "\n"
                )
                containerfile += [
                    "COPY ca/ /usr/local/share/ca-certificates/",
                    'RUN ["update-ca-certificates"]',
                ]
            containerfile += ['CMD ["/bin/bash"]', ""]
            (tmp / "Containerfile").write_text("\n".join(containerfile))
            lines = []
            argv = self.build_args(
                tool,
                base,
                tmp / "Containerfile",
                tmp,
                tmp / "iid",
                {LABEL_BASE: f"mmdebstrap {suite} {' '.join(BASE_PACKAGES)}"},
                layers=False,
            )
            watch = _ContainerWatch(self, tool, context)
            await watch.start()

            def on_line(line: str) -> None:
                lines.append(line)
                found = step_of(line)
                if found and found[0] > 1:
                    watch.poke()

            try:
                code = await run_logged(argv, context, cwd=tmp, on_line=on_line)
            finally:
                await watch.stop()
            if context.cancelled.is_set():
                raise asyncio.CancelledError()
            if code != 0:
                raise JobError(f"could not make the base image {base}: {failure_reason(lines)}")
            context.log.write(f"Made the base image {base}\n")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


async def _image_id(tool_name: str, command: list[str], reference: str) -> str | None:
    """``sha256:…`` id of a local image, or None (``command``: the tool and its
    global arguments)."""
    if tool_name == "buildah":
        argv = [*command, "images", "--noheading", "--no-trunc", "--format", "{{.ID}}", reference]
    else:
        argv = [*command, "image", "inspect", "--format", "{{.Id}}", reference]
    code, output = await run_quiet(argv)
    if code != 0 or not output:
        return None
    value = output.splitlines()[0].strip()
    return value if value.startswith("sha256:") else f"sha256:{value}"


async def _containers(tool_name: str, command: list[str]) -> set[str] | None:
    """Ids of the working containers of buildah / podman builds (None for docker or on
    failure)."""
    if tool_name == "buildah":
        code, output = await run_quiet(
            [*command, "containers", "--noheading", "--notruncate", "--format", "{{.ContainerID}}"]
        )
        return set(output.split()) if code == 0 else None
    if tool_name != "podman":
        return None
    # A build's working container is a buildah one, which podman lists as "external",
    # in the state "Storage" (podman's own containers, never touched here, in others).
    argv = [*command, "ps", "--all", "--external", "--noheading", "--no-trunc"]
    code, output = await run_quiet([*argv, "--format", "{{.ID}} {{.State}}"])
    if code != 0:
        return None
    lines = [line.split() for line in output.splitlines()]
    return {line[0] for line in lines if len(line) == 2 and line[1].lower() == "storage"}


def _remove_container(tool_name: str, command: list[str], container: str) -> list[str]:
    """The command that removes a build's working container: podman leaves the one
    of a cancelled build mounted, and removes it only with ``--force``."""
    if tool_name == "podman":
        return [*command, "rm", "--force", container]
    return [*command, "rm", container]


def write_private(path: str | os.PathLike, text: str) -> None:
    """Write a new file only its owner can read (mode 0600 from the start)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
