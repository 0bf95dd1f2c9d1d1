"""Run one process of a job: its own process group, output streamed to the job's log."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shlex
import signal
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from .base import JobContext, process_start_time

_ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
_CHUNK = 64 * 1024

#: Credentials of the Jupyter server, of JupyterHub and of the registry push, which no
#: lock or build process gets: what a Pipfile or a Containerfile runs never sees them.
SECRET_ENV = frozenset(
    {
        "JUPYTER_TOKEN",
        "JPY_API_TOKEN",
        "JPY_COOKIE_SECRET",
        "JUPYTERHUB_API_TOKEN",
        "JUPYTERHUB_CLIENT_SECRET",
        "JUPYTERHUB_COOKIE_SECRET",
        "JUPYTERHUB_CRYPT_KEY",
        "OVERLAYS_REGISTRY_USERNAME",
        "OVERLAYS_REGISTRY_PASSWORD",
    }
)
_PROXY_ENV = ("http_proxy", "https_proxy", "all_proxy", "ftp_proxy")
_USERINFO_RE = re.compile(r"^([a-z][a-z0-9+.-]*://)[^@/]*@", re.IGNORECASE)


def job_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a job's processes: the server's (or ``base``) without its
    credentials (``SECRET_ENV``, ``JUPYTERHUB_*OAUTH*`` and the like) and without the
    user name and password of a proxy URL (the proxy itself is kept)."""
    env = {}
    for key, value in (os.environ if base is None else base).items():
        upper = key.upper()
        if upper in SECRET_ENV or (
            upper.startswith("JUPYTERHUB_") and ("TOKEN" in upper or "SECRET" in upper)
        ):
            continue
        if key.lower() in _PROXY_ENV:
            value = _USERINFO_RE.sub(r"\1", value)
        env[key] = value
    return env


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

    The environment is ``env``, else the server's without its credentials
    (``job_env``). The command line is logged first (``show`` replaces it). When
    the awaiting task is cancelled, the process group gets SIGTERM, then SIGKILL
    after 10 s, before ``CancelledError`` goes on.
    """
    context.log.write(f"$ {shlex.join(show if show is not None else argv)}\n")
    process = await asyncio.create_subprocess_exec(
        *argv,
        cwd=cwd,
        env=job_env() if env is None else env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
    )
    context.processes.append(process)
    # Noted, so that a server started after this one died can end the group.
    context.leftovers.add_process(process.pid)
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
        env=job_env(),
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
    except asyncio.CancelledError:
        kill_group(process, signal.SIGKILL)
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.shield(process.wait())
        raise
    return process.returncode or 0, out.decode(errors="replace").strip()


def _group_of(pid: int) -> tuple[int, str] | None:
    """``(process group id, state)`` of process ``pid`` from /proc, or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[2]), fields[0]
    except (OSError, ValueError, IndexError):
        return None


def group_members(pgid: int) -> list[int]:
    """The live (not zombie) processes of process group ``pgid``."""
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            found = _group_of(int(entry))
            if found and found[0] == pgid and found[1] != "Z":
                members.append(int(entry))
    return members


def end_leftover_groups(processes: Sequence[dict], grace: float = 5.0) -> list[int]:
    """End the process groups a job of a server that died left running (as noted
    by ``Leftovers.add_process``): SIGTERM, then SIGKILL after ``grace`` seconds.

    A group is left alone when its leader's pid now names another process that
    leads a group of its own (the pid was reused), and never is this process's own
    group. Returns the groups that were signalled. Blocks until they have ended or
    ``2 * grace`` seconds have passed.
    """
    own = os.getpgrp()
    groups = []
    for entry in processes:
        pid = entry.get("pid") if isinstance(entry, dict) else None
        if not isinstance(pid, int) or pid <= 1 or pid == own or pid in groups:
            continue
        started = process_start_time(pid)
        found = _group_of(pid)
        if started is not None and started != entry.get("start") and found and found[0] == pid:
            continue  # another process, which leads a group of its own
        if group_members(pid):
            groups.append(pid)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        alive = [pgid for pgid in groups if group_members(pgid)]
        for pgid in alive:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, sig)
        deadline = time.monotonic() + grace
        while alive and time.monotonic() < deadline:
            time.sleep(0.05)
            alive = [pgid for pgid in alive if group_members(pgid)]
        if not alive:
            break
    return groups
