"""Lock jobs: ``pipenv lock`` in the overlay's folder writes its ``Pipfile.lock``."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

from .base import JobContext, JobError, JobResult
from .pipfile import NON_PACKAGE_SECTIONS, lock_is_stale, python_version
from .process import job_env, run_logged, run_quiet

#: What is removed from the server's environment before pipenv runs: pipenv's
#: own settings (PIPENV_PIPFILE would lock another Pipfile, PIPENV_VENV_IN_PROJECT
#: would put a .venv in the overlay folder) and an active virtual environment.
_DROPPED_ENV_PREFIXES = ("PIPENV_",)
_DROPPED_ENV = ("VIRTUAL_ENV", "PYTHONHOME", "PYTHONPATH")

_VERSION_CHECK = "import sys; print('%d.%d' % sys.version_info[:2])"


def pipenv_env(base: dict[str, str] | None = None, extra: dict[str, str] | None = None) -> dict:
    """The environment of a ``pipenv lock`` run."""
    env = {
        key: value
        for key, value in job_env(base).items()
        if not key.startswith(_DROPPED_ENV_PREFIXES) and key not in _DROPPED_ENV
    }
    env.update(
        PIPENV_IGNORE_VIRTUALENVS="1",
        PIPENV_YES="1",
        PIPENV_NOSPIN="1",
        PIPENV_DONT_LOAD_ENV="1",
        PYTHONUNBUFFERED="1",
        NO_COLOR="1",
        TERM="dumb",
        COLUMNS="200",  # pipenv's console wraps its messages at the terminal width
    )
    env.update(extra or {})
    return env


async def find_python(version: str | None) -> tuple[str, str | None]:
    """The interpreter to lock with: ``python<version>`` from PATH when it runs and
    reports that version, else this server's Python. Returns the path and a
    warning (None when the wanted version was found)."""
    if not version:
        return sys.executable, "the overlay names no Python version: locking with " + (
            f"this server's Python {sys.version_info[0]}.{sys.version_info[1]}"
        )
    candidate = shutil.which(f"python{version}")
    if candidate:
        code, output = await run_quiet([candidate, "-c", _VERSION_CHECK], timeout=30)
        if code == 0 and output.strip().splitlines()[-1:] == [version]:
            return candidate, None
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    if here == version:
        return sys.executable, None
    return sys.executable, (
        f"no python{version} found on PATH: locking with this server's Python {here}; "
        "the lock may not fit the overlay's Python version"
    )


_ERROR_RE = re.compile(r"(?:^|\s|:)ERROR:\s*(.*)$")


def error_summary(lines: list[str], limit: int = 4) -> str:
    """The resolver's reason from ``pipenv lock`` output: its ``ERROR:`` lines and
    the "conflict is caused by" block, else the last meaningful line."""
    found: list[str] = []

    def add(text: str) -> None:
        text = text.strip()
        if text and text not in found:
            found.append(text)

    for number, line in enumerate(lines):
        match = _ERROR_RE.search(line)
        if match:
            message = re.sub(r"^(?:ERROR:\s*)+", "", match.group(1))
            add(message)
        elif line.strip().startswith("The conflict is caused by"):
            for follower in lines[number + 1 :]:
                if not follower.startswith((" ", "\t")) or not follower.strip():
                    break
                add(follower)
    if not found:
        meaningful = [
            line.strip()
            for line in lines
            if line.strip() and not line.startswith(" ") and not line.startswith("Traceback")
        ]
        return meaningful[-1] if meaningful else "pipenv lock failed without output"
    return "; ".join(found[:limit])


class LockBackend:
    """Runs ``pipenv lock`` for a lock job (``job.kind == "lock"``)."""

    name = "pipenv"

    def __init__(
        self,
        config=None,
        *,
        pipenv: list[str] | None = None,
        env: dict[str, str] | None = None,
    ):
        self.config = config
        #: The pipenv command (default: this server's Python running ``-m pipenv``).
        self.pipenv = pipenv or [sys.executable, "-m", "pipenv"]
        #: Extra environment for every run (tests: a throwaway WORKON_HOME, cache).
        self.env = env or {}

    async def run(self, context: JobContext) -> JobResult:
        folder = Path(context.overlay_dir)
        pipfile = folder / "Pipfile"
        if not pipfile.is_file():
            raise JobError(f"overlay {context.job.overlay} has no Pipfile to lock")
        text = pipfile.read_text()
        check_local_paths(text, folder, context.workspace_dir)
        version = python_version(text)
        python, warning = await find_python(version)
        if warning:
            context.log.write(f"warning: {warning}\n")

        lock = folder / "Pipfile.lock"
        before = lock.read_bytes() if lock.is_file() else None
        lines: list[str] = []
        # The virtualenv pipenv makes to lock in goes with the job (else one per lock
        # would pile up in the home folder).
        venvs = tempfile.mkdtemp(prefix="overlays-lock-")
        try:
            code = await run_logged(
                [*self.pipenv, "lock", "--python", python],
                context,
                cwd=folder,
                env=pipenv_env(extra={"WORKON_HOME": venvs, **self.env}),
                on_line=lines.append,
            )
            if context.cancelled.is_set():
                raise asyncio.CancelledError()
            if code != 0:
                raise JobError(f"pipenv lock failed: {error_summary(lines)}")
        except BaseException:
            # A lock that did not succeed leaves the Pipfile.lock as it was.
            if _restore(lock, before):
                context.log.write("Pipfile.lock left as it was before this lock\n")
            raise
        finally:
            shutil.rmtree(venvs, ignore_errors=True)
        if not lock.is_file():
            raise JobError("pipenv lock succeeded but wrote no Pipfile.lock")
        if lock_is_stale(pipfile.read_text(), lock.read_text()):
            context.log.write("warning: the Pipfile changed while it was being locked\n")
        return JobResult()


def _restore(lock: Path, before: bytes | None) -> bool:
    """Put back the lock as it was (``None``: there was none); whether it had changed."""
    now = lock.read_bytes() if lock.is_file() else None
    if now == before:
        return False
    if before is None:
        lock.unlink(missing_ok=True)
    else:
        partial = lock.with_name(f".{lock.name}.restore")
        partial.write_bytes(before)
        os.replace(partial, lock)
    return True


def check_local_paths(pipfile_text: str, folder: Path, workspace_dir: Path) -> None:
    """JobError for a ``path`` or ``file`` dependency outside the workspace: locking runs
    its ``setup.py`` on this server, which only the workspace's own code may do."""
    try:
        pipfile = tomllib.loads(pipfile_text)
    except tomllib.TOMLDecodeError as error:
        raise JobError(f"Pipfile is not valid TOML: {error}") from None
    workspace = os.path.realpath(workspace_dir)
    for section, entries in pipfile.items():
        if section in NON_PACKAGE_SECTIONS - {"packages", "dev-packages"} or not isinstance(
            entries, dict
        ):
            continue
        for name, entry in entries.items():
            if not isinstance(entry, dict):
                continue
            where = entry.get("path") or entry.get("file")
            if not isinstance(where, str) or re.match(r"[a-z+]+://", where):
                continue
            target = os.path.realpath(os.path.join(folder, os.path.expanduser(where)))
            if os.path.commonpath([workspace, target]) != workspace:
                raise JobError(
                    f"[{section}] {name}: the local path {where!r} is outside the workspace; "
                    "a lock runs the setup code of local packages, so only the workspace's "
                    "own are locked (publish it, or refer to it by a git or https URL)"
                )
