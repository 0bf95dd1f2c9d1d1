"""Run one process of a job: its own process group, output streamed to the job's log."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shlex
import signal
from collections.abc import Callable, Sequence
from pathlib import Path

from .base import JobContext

_ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
_CHUNK = 64 * 1024


def clean_line(line: str) -> str:
    """A line of tool output without colour codes, carriage-return redraws and
    trailing blanks."""
    line = _ANSI_RE.sub("", line)
    if "\r" in line:
        line = line.rstrip("\r").rsplit("\r", 1)[-1]
    return line.rstrip()


def kill_group(process: asyncio.subprocess.Process, sig: int = signal.SIGTERM) -> None:
    """Signal the process group of ``process`` (it leads its own session)."""
    if process.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)


async def run_logged(
    argv: Sequence[str],
    context: JobContext,
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    on_line: Callable[[str], None] | None = None,
    show: Sequence[str] | None = None,
) -> int:
    """Run ``argv`` (never through a shell) in a new session, append it to
    ``context.processes``, write its output line by line to ``context.log`` and
    call ``on_line`` for each line. Returns the exit code.

    The command line is logged first (``show`` replaces it when given). When
    the awaiting task is cancelled, the process group gets SIGTERM, then SIGKILL
    after 10 s, before ``CancelledError`` goes on.
    """
    context.log.write(f"$ {shlex.join(show if show is not None else argv)}\n")
    process = await asyncio.create_subprocess_exec(
        *argv,
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
    )
    context.processes.append(process)
    try:
        pending = b""
        stdout = process.stdout
        while stdout is not None:
            chunk = await stdout.read(_CHUNK)
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for raw in lines:
                _emit(raw, context, on_line)
        if pending:
            _emit(pending, context, on_line)
        return await process.wait()
    except asyncio.CancelledError:
        kill_group(process, signal.SIGTERM)
        try:
            await asyncio.wait_for(asyncio.shield(process.wait()), 10)
        except (asyncio.TimeoutError, asyncio.CancelledError):
            kill_group(process, signal.SIGKILL)
            with contextlib.suppress(asyncio.CancelledError):
                await process.wait()
        raise


def _emit(raw: bytes, context: JobContext, on_line: Callable[[str], None] | None) -> None:
    line = clean_line(raw.decode(errors="replace"))
    context.log.write(line + "\n")
    if on_line is not None:
        on_line(line)


async def run_quiet(argv: Sequence[str], timeout: float = 60) -> tuple[int, str]:
    """Run a short helper command (no log): exit code and combined output."""
    process = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        out, _ = await asyncio.wait_for(process.communicate(), timeout)
    except asyncio.TimeoutError:
        kill_group(process, signal.SIGKILL)
        await process.wait()
        return -1, f"no answer within {timeout:g} s"
    return process.returncode or 0, out.decode(errors="replace").strip()
