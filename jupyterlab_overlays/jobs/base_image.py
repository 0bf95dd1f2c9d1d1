"""The base image of generated Containerfiles, made here when no registry can be reached.

A ``localhost/…`` base image (``OverlaysConfig.base_image``) that does not exist is made
once from Debian packages: mmdebstrap writes a root file system with python3, venv,
pip, curl and CA certificates (this machine's own CAs added, so builds behind a
TLS-inspecting proxy reach PyPI), which the build tool turns into an image.
"""

from __future__ import annotations

import asyncio
import glob
import shutil
import tempfile
from pathlib import Path

from .base import JobContext, JobError
from .dialects import ContainerWatch, ToolCommands, failure_reason
from .process import run_logged

BASE_PACKAGES = ("python3", "python3-pip", "python3-venv", "ca-certificates", "curl")
BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
LABEL_BASE = "io.jupyterlab-overlays.base"
MMDEBSTRAP_HINT = "apt-get install -y --no-install-recommends mmdebstrap"


def made_here(config) -> bool:
    """Whether this server makes the configured base image itself: a ``localhost/…``
    image of local builds, made from Debian packages when it does not exist."""
    return config.build_backend == "local" and config.base_image.startswith("localhost/")


class BaseImage:
    """Makes the configured base image when it is a missing ``localhost/…`` one; one
    at a time per server."""

    def __init__(self, config) -> None:
        self.config = config
        self._lock: asyncio.Lock | None = None

    def needed_by(self, containerfile: Path, generated: bool) -> bool:
        """Whether a build uses the configured base image: a generated Containerfile
        always does; the overlay's own when it names it."""
        return generated or self.config.base_image in containerfile.read_text()

    async def ensure(self, tools: ToolCommands, context: JobContext) -> None:
        """Make the configured ``localhost/…`` base image when it does not exist."""
        base = self.config.base_image
        if not made_here(self.config):
            return
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if await tools.image_id(base) is not None:
                return
            await self.make(tools, context, base)

    def ca_certificates(self) -> list[Path]:
        configured = self.config.base_image_ca_certificates
        if configured is None:
            configured = sorted(
                glob.glob("/usr/local/share/ca-certificates/**/*.crt", recursive=True)
            )
        return [Path(path) for path in configured if Path(path).is_file()]

    async def make(self, tools: ToolCommands, context: JobContext, base: str) -> None:
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
            await self._root_filesystem(mmdebstrap, suite, tmp / "base.tar", context, base)
            (tmp / "Containerfile").write_text(self._containerfile(tmp, context))
            argv = tools.build_args(
                base,
                tmp / "Containerfile",
                tmp,
                tmp / "iid",
                {LABEL_BASE: f"mmdebstrap {suite} {' '.join(BASE_PACKAGES)}"},
                layers=False,
                job_id=context.job.id,
            )
            watch = ContainerWatch(tools, context)
            await watch.start()
            lines: list[str] = []

            def on_line(line: str) -> None:
                lines.append(line)
                watch.on_line(line)

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

    async def _root_filesystem(
        self, mmdebstrap: str, suite: str, tarball: Path, context: JobContext, base: str
    ) -> None:
        argv = [
            mmdebstrap,
            "--variant=apt",
            f"--include={','.join(BASE_PACKAGES)}",
            suite,
            str(tarball),
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

    def _containerfile(self, tmp: Path, context: JobContext) -> str:
        """``FROM scratch`` with the root file system, and this machine's CAs."""
        certificates = self.ca_certificates()
        (tmp / "ca").mkdir()
        for number, path in enumerate(certificates):
            shutil.copyfile(path, tmp / "ca" / f"{number:02d}-{path.stem}.crt")
        lines = ["FROM scratch", "ADD base.tar /", f"ENV PATH={BASE_PATH} LANG=C.UTF-8"]
        if certificates:
            context.log.write(
                f"Adding {len(certificates)} CA certificate(s) of this machine: "
                + ", ".join(path.name for path in certificates)
                + "\n"
            )
            lines += [
                "COPY ca/ /usr/local/share/ca-certificates/",
                'RUN ["update-ca-certificates"]',
            ]
        lines += ['CMD ["/bin/bash"]', ""]
        return "\n".join(lines)
