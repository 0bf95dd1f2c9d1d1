"""LockBackend: the real ``pipenv lock`` in an overlay folder (needs PyPI)."""

from __future__ import annotations

import asyncio
import json
import sys
import time

import pytest

from jupyterlab_overlays.jobs.base import JobError, JobKind, JobResult
from jupyterlab_overlays.jobs.lock import LockBackend, error_summary, find_python, pipenv_env
from jupyterlab_overlays.jobs.pipfile import lock_is_stale

from .jobs_helpers import cancel, make_context

PIPFILE = """\
[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[packages]
six = "*"

[requires]
python_version = "{version}"
"""

HERE = f"{sys.version_info[0]}.{sys.version_info[1]}"


@pytest.fixture
def backend(tmp_path_factory):
    home = tmp_path_factory.mktemp("pipenv-home")
    return LockBackend(env={"WORKON_HOME": str(home / "venvs")})


def overlay(tmp_path, name: str, pipfile: str):
    folder = tmp_path / "overlays" / name
    folder.mkdir(parents=True)
    (folder / "Pipfile").write_text(pipfile)
    return folder


def test_pipenv_env_drops_our_settings():
    env = pipenv_env(
        {"PATH": "/bin", "PIPENV_VENV_IN_PROJECT": "1", "PIPENV_PIPFILE": "/x", "VIRTUAL_ENV": "/v"}
    )
    assert env["PATH"] == "/bin"
    assert "PIPENV_VENV_IN_PROJECT" not in env and "PIPENV_PIPFILE" not in env
    assert "VIRTUAL_ENV" not in env
    assert env["PIPENV_IGNORE_VIRTUALENVS"] == env["PIPENV_YES"] == env["PIPENV_NOSPIN"] == "1"


def test_error_summary_keeps_the_resolvers_reason():
    lines = [
        "Resolving dependencies...",
        "✘ Locking Failed!",
        "ERROR: No matching distribution found for nope-xyz",
        "",
        "The conflict is caused by:",
        "    The user requested nope-xyz",
        "Traceback (most recent call last):",
        '  File "x.py", line 1',
        "pipenv.exceptions.ResolutionFailure: ERROR: ERROR: No matching distribution",
    ]
    assert error_summary(lines) == (
        "No matching distribution found for nope-xyz; The user requested nope-xyz; "
        "No matching distribution"
    )
    assert error_summary(["a", "  detail", "last words"]) == "last words"
    assert error_summary([]) == "pipenv lock failed without output"


async def test_find_python():
    path, warning = await find_python(HERE)
    assert warning is None and path
    path, warning = await find_python("2.1")
    assert path == sys.executable and "no python2.1" in warning


@pytest.mark.slow
async def test_lock_writes_a_fresh_pipfile_lock(tmp_path, backend):
    folder = overlay(tmp_path, "small", PIPFILE.format(version=HERE))
    context, log, _ = make_context(folder, JobKind.LOCK, "pipenv")
    start = time.monotonic()
    result = await backend.run(context)
    print(f"\npipenv lock (six): {time.monotonic() - start:.1f} s")
    assert result == JobResult()
    lock = (folder / "Pipfile.lock").read_text()
    assert "six" in json.loads(lock)["default"]
    assert not lock_is_stale((folder / "Pipfile").read_text(), lock)
    assert log.text.startswith("$ ")
    assert " lock --python " in log.text.splitlines()[0]
    assert all(p.returncode is not None for p in context.processes)
    assert not (folder / ".venv").exists()


@pytest.mark.slow
async def test_a_missing_version_is_a_warning_in_the_log(tmp_path, backend):
    folder = overlay(tmp_path, "old", PIPFILE.format(version="2.1"))
    context, log, _ = make_context(folder, JobKind.LOCK, "pipenv")
    await backend.run(context)
    assert "warning: no python2.1 found on PATH" in log.text


@pytest.mark.slow
async def test_a_resolver_failure_is_the_jobs_error(tmp_path, backend):
    pipfile = PIPFILE.format(version=HERE).replace(
        'six = "*"', 'this-package-does-not-exist-xyz = "*"'
    )
    folder = overlay(tmp_path, "broken", pipfile)
    context, log, _ = make_context(folder, JobKind.LOCK, "pipenv")
    with pytest.raises(JobError) as failure:
        await backend.run(context)
    message = str(failure.value)
    assert message.startswith("pipenv lock failed: ")
    assert "this-package-does-not-exist-xyz" in message
    assert "Traceback" not in message
    assert "this-package-does-not-exist-xyz" in log.text
    assert not (folder / "Pipfile.lock").exists()


async def test_no_pipfile(tmp_path, backend):
    folder = tmp_path / "overlays" / "empty"
    folder.mkdir(parents=True)
    context, _, _ = make_context(folder, JobKind.LOCK, "pipenv")
    with pytest.raises(JobError, match="no Pipfile"):
        await backend.run(context)


async def test_cancel_ends_the_process_group(tmp_path, fake_tool):
    """A pipenv that hangs: cancel (the event, the group killed) ends the job."""
    slow = fake_tool("pipenv", "echo locking; sleep 300\n")
    folder = overlay(tmp_path, "slow", PIPFILE.format(version=HERE))
    context, log, _ = make_context(folder, JobKind.LOCK, "pipenv")
    task = asyncio.ensure_future(LockBackend(pipenv=[str(slow)]).run(context))
    for _ in range(100):
        if "locking" in log.text:
            break
        await asyncio.sleep(0.05)
    cancel(context)
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 10)
    assert context.processes[0].returncode is not None
