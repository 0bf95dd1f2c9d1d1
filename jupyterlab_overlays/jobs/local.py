"""The local build backend: buildah, else podman (OCI isolation where it works, else
chroot: ``isolation.py``), else docker. An
orchestrator over the tool's command lines (``dialects.py``), the base image
(``base_image.py``), export and push (``publish.py``) and the build context
(``context.py``).

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
import dataclasses
import os
import shutil
import tempfile
from pathlib import Path

from ..config import OverlaysConfig
from ..tools import INSTALL_HINTS, BuildTool, probe_tools
from ..workspace import project_name
from .base import JobContext, JobError, JobResult, LogWriter
from .base_image import BaseImage
from .context import BuildContext, build_context, image_labels
from .dialects import ContainerWatch, ToolCommands, end_container_processes, failure_reason
from .isolation import describe, isolation_of
from .naming import image_name, image_tag
from .process import run_logged, run_quiet
from .publish import Publisher, RedactingLog

#: Name prefix of a build's temporary folder (its context, the push credentials).
TMP_PREFIX = "overlays-build-"


class LocalBuildBackend:
    """Builds overlay images on this machine (``job.kind == "build"``)."""

    name = "local"

    def __init__(self, config: OverlaysConfig | None = None, *, tools: list[str] | None = None):
        self.config = config if config is not None else OverlaysConfig()
        self._tools = tools  # override of config.build_tools (tests)
        self.base_image = BaseImage(self.config)
        self.publisher = Publisher(self.config)

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

    async def image_info(self, image: str) -> dict | None:
        """``{"exists", "size"}`` of an image this backend built, from local storage;
        None when that cannot be told (a pushed image lives in its registry; no tool
        runs here)."""
        if not image.startswith("localhost/"):
            return None
        try:
            tool = await self.find_tool()
        except JobError:
            return None
        size = await self.commands(tool).image_size(image)
        return {"exists": size is not None, "size": size}

    def commands(self, tool: BuildTool) -> ToolCommands:
        """The command lines of ``tool`` with this server's storage settings."""
        return ToolCommands.configured(tool.name, tool.path, self.config)

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
        tools = self.commands(tool)
        tools.check_settings()
        tools.isolation, isolation_problem = await isolation_of(tools, self.config.build_isolation)
        credentials = self.publisher.check(tool.name)
        redacting = RedactingLog.for_credentials(context.log, credentials)
        context = dataclasses.replace(context, log=redacting)
        try:
            return await self._run(tool, tools, context, credentials, isolation_problem)
        except JobError as error:
            failure = error
        # The password never reaches a message; this makes sure of it (raised outside
        # the except clause: the original is not even kept as __context__).
        raise JobError(redacting.redact(str(failure)), result=failure.result)

    async def _run(
        self,
        tool: BuildTool,
        tools: ToolCommands,
        context: JobContext,
        credentials,
        isolation_problem: str | None,
    ) -> JobResult:
        context.log.write(f"Building with {tool.name} {tool.version} ({tool.path})\n")
        context.log.write(describe(tools.isolation, isolation_problem) + "\n")
        context.leftovers.note(backend=self.name, tool=tool.name, command=tools.prefix)
        tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX))
        context.leftovers.note(tmp=str(tmp))
        image = None
        before: str | None = None
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
            if self.base_image.needed_by(built.containerfile, not built.user_containerfile):
                await self.base_image.ensure(tools, context)

            before = await tools.image_id(image)
            context.leftovers.note(image=image, image_before=before)
            watch = ContainerWatch(tools, context)
            await watch.start()
            iidfile = tmp / "iid"
            lines: list[str] = []

            def on_line(line: str) -> None:
                lines.append(line)
                del lines[:-200]
                found = watch.on_line(line)
                if found and callable(context.on_progress):
                    context.on_progress({"step": found[0], "steps": found[1]})

            context.log.write(f"Image {image}\n")
            argv = tools.build_args(
                image,
                built.containerfile,
                built.dir,
                iidfile,
                self.labels(context, built),
                job_id=context.job.id,
            )
            try:
                code = await run_logged(argv, context, cwd=built.dir, on_line=on_line)
            finally:
                await watch.stop()
            if context.cancelled.is_set():
                raise asyncio.CancelledError()
            if code != 0:
                raise JobError(failure_reason(lines))
            digest = iidfile.read_text().strip() if iidfile.is_file() else None
            digest = digest or await tools.image_id(image)
            context.log.write(f"Built {image} ({digest})\n")
            return await self._publish(tools, context, tmp, credentials, image, digest)
        except asyncio.CancelledError:
            if image is not None:
                await self._undo(tools, context, image, before)
            partial = context.leftovers.data.get("export_partial")
            if partial:
                Path(partial).unlink(missing_ok=True)
            raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    async def _publish(
        self, tools: ToolCommands, context: JobContext, tmp: Path, credentials, image, digest
    ) -> JobResult:
        """Export and push as configured; a failure keeps the built image in the result."""
        result = JobResult(image=image, digest=digest)
        if self.config.export_dir:
            try:
                await self.publisher.export(tools, context, image)
            except JobError as error:
                raise JobError(str(error), result=result) from None
        if self.config.push:
            try:
                pushed = await self.publisher.push(tools, context, image, tmp, credentials)
            except JobError as error:
                context.log.write(f"The local image {image} stays.\n")
                raise JobError(str(error), result=result) from None
            result = JobResult(image=image, digest=pushed or digest)
        return result

    def labels(self, context: JobContext, built: BuildContext) -> dict[str, str]:
        return image_labels(context.job.overlay, built)

    async def _undo(
        self,
        tools: ToolCommands,
        context: JobContext,
        image: str,
        before: str | None,
    ) -> None:
        """After a cancel: no new tag, no working container of this job left (buildah
        ends its own on SIGTERM, not on SIGKILL; podman on neither)."""
        now = await tools.image_id(image)
        if now is not None and now != before:
            context.log.write(f"Cancelled: removing the tag {image}\n")
            if before is None:
                await run_quiet(tools.command("rmi", image))
            else:
                await run_quiet(tools.command("tag", before, image))
        # Only this job's working containers: another build may share the storage.
        for container in sorted(await tools.containers_of(context.job.id) or ()):
            context.log.write(f"Cancelled: removing working container {container[:12]}\n")
            end_container_processes(container)
            await run_quiet(tools.remove_container(container))

    async def clean_up(self, leftovers: dict, log: LogWriter) -> None:
        """Undo what a build left when its server died (its processes have ended):
        its working containers, the tag it made, a partial OCI archive."""
        command = leftovers.get("command")
        name = leftovers.get("tool")
        if not (isinstance(command, list) and command and isinstance(name, str)):
            return
        tools = ToolCommands(name, command)
        tmp = leftovers.get("tmp")
        if isinstance(tmp, str) and Path(tmp).name.startswith(TMP_PREFIX) and os.path.isdir(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
        partial = leftovers.get("export_partial")
        if isinstance(partial, str) and os.path.isfile(partial):
            log.write(f"Removing the partial archive {partial}\n")
            Path(partial).unlink(missing_ok=True)
        # Only what the build noted: its own working containers (ContainerWatch).
        left = set(leftovers.get("containers") or [])
        if left:
            existing = await tools.containers()
            for container in sorted(left & (existing or set())):
                log.write(f"Removing working container {container[:12]}\n")
                end_container_processes(container)
                code, output = await run_quiet(tools.remove_container(container))
                if code != 0:
                    log.write(f"  could not: {output.strip()[-300:]}\n")
        image = leftovers.get("image")
        if isinstance(image, str):
            before = leftovers.get("image_before")
            now = await tools.image_id(image)
            if now is not None and now != before:
                log.write(f"Removing the tag {image}\n")
                if before is None:
                    await run_quiet(tools.command("rmi", image))
                else:
                    await run_quiet(tools.command("tag", before, image))
