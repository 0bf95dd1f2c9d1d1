"""What a lock or build process gets, and what a failed lock leaves: no server or hub
credentials, no code from outside the workspace, the Pipfile.lock as it was.

A stand-in pipenv (a shell script) records what it was given; the real one is in
test_jobs_lock.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from jupyterlab_overlays.jobs.base import JobError, JobKind
from jupyterlab_overlays.jobs.lock import LockBackend
from jupyterlab_overlays.jobs.process import job_env, run_logged

from .jobs_helpers import make_context

PIPFILE = '[packages]\nsix = "*"\n\n[requires]\npython_version = "{version}"\n'.format(
    version=f"{sys.version_info[0]}.{sys.version_info[1]}"
)
SECRETS = {
    "JUPYTER_TOKEN": "server-token",
    "JUPYTERHUB_API_TOKEN": "hub-token",
    "JPY_API_TOKEN": "hub-token-2",
    "JUPYTERHUB_OAUTH_ACCESS_TOKEN": "oauth",
    "OVERLAYS_REGISTRY_PASSWORD": "registry-password",
}


def overlay(tmp_path: Path, pipfile: str = PIPFILE, lock: str | None = None) -> Path:
    folder = tmp_path / "ws" / "overlays" / "o"
    folder.mkdir(parents=True)
    (folder / "Pipfile").write_text(pipfile)
    if lock is not None:
        (folder / "Pipfile.lock").write_text(lock)
    return folder


def pipenv(fake_tool, script: str) -> list[str]:
    """A stand-in for ``python -m pipenv``: ``sh <script>``."""
    return [str(fake_tool("pipenv", script))]


async def test_a_failed_lock_leaves_the_lock_as_it_was(tmp_path, fake_tool):
    folder = overlay(tmp_path, lock='{"_meta": {"hash": {"sha256": "old"}}}\n')
    backend = LockBackend(
        pipenv=pipenv(fake_tool, 'echo "{}" > Pipfile.lock\necho "ERROR: no version"\nexit 1\n')
    )
    context, log, _ = make_context(folder, JobKind.LOCK)
    with pytest.raises(JobError, match="no version"):
        await backend.run(context)
    assert (folder / "Pipfile.lock").read_text() == '{"_meta": {"hash": {"sha256": "old"}}}\n'
    assert "left as it was" in log.text


async def test_a_failed_first_lock_leaves_no_lock(tmp_path, fake_tool):
    folder = overlay(tmp_path)
    backend = LockBackend(pipenv=pipenv(fake_tool, 'echo "{}" > Pipfile.lock\nexit 1\n'))
    context, _, _ = make_context(folder, JobKind.LOCK)
    with pytest.raises(JobError):
        await backend.run(context)
    assert not (folder / "Pipfile.lock").exists()


@pytest.mark.parametrize("where", ["../../../outside", "/etc", "~/elsewhere"])
async def test_a_local_package_outside_the_workspace_is_not_locked(tmp_path, fake_tool, where):
    folder = overlay(tmp_path, PIPFILE + f'\n[dev-packages]\nmine = {{path = "{where}"}}\n')
    ran = tmp_path / "ran"
    backend = LockBackend(pipenv=pipenv(fake_tool, f"touch {ran}\n"))
    context, _, _ = make_context(folder, JobKind.LOCK)
    with pytest.raises(JobError, match="outside the workspace"):
        await backend.run(context)
    assert not ran.exists()


async def test_a_local_package_inside_the_workspace_is_locked(tmp_path, fake_tool):
    folder = overlay(tmp_path, PIPFILE.replace('six = "*"', 'mine = {path = "../../src"}'))
    (folder.parents[1] / "src").mkdir()
    backend = LockBackend(pipenv=pipenv(fake_tool, 'echo "{}" > Pipfile.lock\n'))
    context, _, _ = make_context(folder, JobKind.LOCK)
    await backend.run(context)
    assert (folder / "Pipfile.lock").exists()


async def test_lock_processes_get_no_credentials(tmp_path, fake_tool, monkeypatch):
    for key, value in SECRETS.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("https_proxy", "http://me:proxy-secret@proxy.example:3128")
    dump = tmp_path / "env.json"
    folder = overlay(tmp_path)
    code = f"import json, os; json.dump(dict(os.environ), open('{dump}', 'w'))"
    script = f'"{sys.executable}" -c "{code}"\n'
    backend = LockBackend(pipenv=pipenv(fake_tool, script + 'echo "{}" > Pipfile.lock\n'))
    await backend.run(make_context(folder, JobKind.LOCK)[0])
    env = json.loads(dump.read_text())
    assert not set(SECRETS) & set(env)
    assert env["https_proxy"] == "http://proxy.example:3128"
    assert not any(secret in json.dumps(env) for secret in [*SECRETS.values(), "proxy-secret"])


async def test_build_processes_get_no_credentials(tmp_path, monkeypatch):
    for key, value in SECRETS.items():
        monkeypatch.setenv(key, value)
    context, log, _ = make_context(overlay(tmp_path))
    assert await run_logged(["env"], context) == 0
    assert "PATH=" in log.text
    assert not any(secret in log.text for secret in SECRETS.values())
    assert not set(SECRETS) & set(job_env())


async def test_the_lock_virtualenv_goes_with_the_job(tmp_path, fake_tool):
    folder = overlay(tmp_path)
    seen = tmp_path / "workon-home"
    script = f'echo "$WORKON_HOME" > {seen}\nmkdir -p "$WORKON_HOME/o-1234/bin"\n'
    script += 'echo "{}" > Pipfile.lock\n'
    backend = LockBackend(pipenv=pipenv(fake_tool, script))
    await backend.run(make_context(folder, JobKind.LOCK)[0])
    venvs = Path(seen.read_text().strip())
    assert venvs.name.startswith("overlays-lock-") and not venvs.exists()
