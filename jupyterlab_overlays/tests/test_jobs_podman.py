"""LocalBuildBackend with podman (``build_tools=["podman"]``): real builds.

Podman shares buildah's storage, so these tests build in the session's storage
(buildah_storage.py: fresh ``--root`` / ``--runroot``, the base image made once from
Debian packages): a small overlay locked by the real pipenv is built, checked inside
the image with ``podman run`` and rebuilt from cache; a broken one fails; builds are
cancelled mid-step, and what a killed build left is tidied up; and a tiny image is
exported to an OCI archive and pushed to a real registry (test_jobs_push.py's). On
these machines ``podman run`` needs ``--runtime runc`` (crun fails) and ulimits no
higher than the current ones (RUN_ARGS). `pytest -s` prints the times.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import tarfile
import time
from pathlib import Path

import pytest

from jupyterlab_overlays.config import PASSWORD_ENV
from jupyterlab_overlays.jobs.base import JobError, JobKind, JobState
from jupyterlab_overlays.jobs.context import (
    LABEL_LOCK_HASH,
    LABEL_OVERLAY,
    LABEL_SOURCE_HASH,
    source_hash,
)
from jupyterlab_overlays.jobs.local import LocalBuildBackend
from jupyterlab_overlays.jobs.lock import LockBackend
from jupyterlab_overlays.jobs.naming import image_tag
from jupyterlab_overlays.jobs.pipfile import lock_hash

from .buildah_storage import BASE, Storage
from .jobs_helpers import ListLog, cancel, make_context
from .test_jobs_local import make_overlay, sleeping_overlay, sleeps, wait_for
from .test_jobs_push import PIPFILE as TINY_PIPFILE
from .test_jobs_push import (
    assert_nowhere,
    build_with_service,
    push_config,
    registry,  # noqa: F401 (a fixture: docker-registry on a free port)
    secret_forms,
)
from .test_jobs_push import make_overlay as make_tiny_overlay

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (shutil.which("podman") and shutil.which("mmdebstrap")),
        reason="needs podman and mmdebstrap (scripts/install-system.sh test)",
    ),
]

PIPFILE = """\
[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[packages]
idna = "*"
six = "*"

[requires]
python_version = "3.11"
"""

#: ``podman run`` here: runc (crun fails: "cgroups in hybrid mode not supported"),
#: ulimits below the machine's (podman's defaults are higher: "error setting rlimit …
#: operation not permitted"), no network needed.
RUN_ARGS = [
    "run", "--rm", "--runtime", "runc", "--network", "none",
    "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
]  # fmt: skip


def external_containers(storage: Storage) -> list[str]:
    """Every container in the storage: podman's own and builds' working containers."""
    return storage.podman(
        "ps", "--all", "--external", "--noheading", "--format", "{{.ID}}"
    ).stdout.split()


def podman_image_id(storage: Storage, image: str) -> str | None:
    found = storage.podman("image", "inspect", "--format", "{{.Id}}", image, check=False)
    return found.stdout.strip() if found.returncode == 0 else None


@pytest.fixture(scope="module")
def podman_overlay(tmp_path_factory) -> Path:
    """idna + six (another package set than test_jobs_local's), locked by pipenv."""
    folder = make_overlay(tmp_path_factory.mktemp("workspace"), "podsmall", Pipfile=PIPFILE)
    home = tmp_path_factory.mktemp("pipenv-home")
    context, log, _ = make_context(folder, JobKind.LOCK, "pipenv")
    asyncio.run(LockBackend(env={"WORKON_HOME": str(home / "venvs")}).run(context))
    assert (folder / "Pipfile.lock").is_file(), log.text
    return folder


async def test_build_with_podman_run_it_and_rebuild_from_cache(
    storage, podman_overlay, record_property
):
    backend = storage.backend("podman")
    context, log, progress = make_context(podman_overlay)
    start = time.monotonic()
    result = await backend.run(context)
    first = time.monotonic() - start

    assert log.text.startswith("Building with podman ")
    assert f"$ {shutil.which('podman')} --root {storage.root} --runroot " in log.text
    tag = image_tag(source_hash(podman_overlay))
    workspace = podman_overlay.parent.parent.name.lower()
    assert result.image == f"localhost/{workspace}-podsmall:{tag}"
    assert result.digest == f"sha256:{podman_image_id(storage, result.image)}"
    assert "--require-hashes" in log.text and "Collecting idna" in log.text
    assert progress[0]["step"] == 1 and progress[-1]["step"] == progress[-1]["steps"]
    assert all(p.returncode == 0 for p in context.processes)

    labels = json.loads(
        storage.podman("image", "inspect", "--format", "{{json .Labels}}", result.image).stdout
    )
    assert labels[LABEL_OVERLAY] == "podsmall"
    assert labels[LABEL_SOURCE_HASH] == source_hash(podman_overlay)
    assert labels[LABEL_LOCK_HASH] == lock_hash((podman_overlay / "Pipfile.lock").read_text())

    # inside the image: the Pipfile's packages import from the venv, curl runs
    start = time.monotonic()
    imported = storage.podman(
        *RUN_ARGS, result.image,
        "python", "-c", "import idna, six, sys; print(sys.prefix, idna.encode('\\u00fc.de'))",
    ).stdout  # fmt: skip
    run_seconds = time.monotonic() - start
    assert imported.strip() == "/opt/venv b'xn--tda.de'"
    assert "curl" in storage.podman(*RUN_ARGS, result.image, "curl", "--version").stdout
    if shutil.which("buildah"):  # the same storage: buildah sees the image too
        assert storage.image_exists(result.image)

    # the same packages again: every step from cache
    context, log, _ = make_context(podman_overlay)
    start = time.monotonic()
    again = await backend.run(context)
    cached = time.monotonic() - start
    assert again == result
    assert log.text.count("Using cache") >= 5
    assert "Collecting" not in log.text
    print(
        f"\npodman: first build {first:.1f} s, rebuild from cache {cached:.1f} s, "
        f"podman run {run_seconds:.1f} s"
    )
    record_property("podman_first_build_seconds", round(first, 1))
    record_property("podman_cached_rebuild_seconds", round(cached, 1))
    assert external_containers(storage) == []


async def test_a_package_that_does_not_exist_fails_the_podman_build(storage, tmp_path):
    pipfile = PIPFILE.replace('six = "*"', 'this-package-does-not-exist-xyz = "*"')
    folder = make_overlay(tmp_path / "ws", "broken", Pipfile=pipfile)
    context, _, _ = make_context(folder)
    with pytest.raises(JobError) as failure:
        await storage.backend("podman").run(context)
    message = str(failure.value)
    assert message.startswith("build failed at step ")
    assert "this-package-does-not-exist-xyz" in message
    assert podman_image_id(storage, f"localhost/ws-broken:{image_tag(source_hash(folder))}") is None
    assert external_containers(storage) == []


@pytest.mark.parametrize("harsh", [False, True], ids=["sigterm", "sigkill-and-task-cancel"])
async def test_cancel_a_podman_build(storage, tmp_path, harsh):
    """Podman leaves its working container (mounted) after SIGTERM as after SIGKILL:
    the backend removes it (``podman rm --force``) and no tag is left; a podman
    container of someone else's, made meanwhile, stays."""
    marker = f"podman-cancel-{os.getpid()}-{int(harsh)}"
    folder = sleeping_overlay(tmp_path / "ws", "sleepy", marker)
    image = f"localhost/ws-sleepy:{image_tag(source_hash(folder))}"
    context, log, _ = make_context(folder)
    task = asyncio.ensure_future(storage.backend("podman").run(context))
    await wait_for(f"\n{marker} started\n", log)
    assert sleeps(marker)
    users = storage.podman("create", "--name", f"users-{marker}", BASE, "true").stdout.strip()
    if harsh:
        context.cancelled.set()
        for process in context.processes:
            if process.returncode is None:
                os.killpg(process.pid, 9)
        task.cancel()
    else:
        cancel(context)  # as the service does: the event, SIGTERM to each process group
    start = time.monotonic()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 60)
    print(
        f"\npodman cancel ({'SIGKILL' if harsh else 'SIGTERM'}): {time.monotonic() - start:.1f} s"
    )
    assert all(process.returncode is not None for process in context.processes)
    assert not sleeps(marker)
    assert podman_image_id(storage, image) is None
    (container,) = context.leftovers.data["containers"]
    assert f"Cancelled: removing working container {container[:12]}\n" in log.text
    assert external_containers(storage) == [users[:12]]
    storage.podman("rm", users)


async def test_a_new_server_removes_what_a_killed_podman_build_left(storage, tmp_path):
    """The build dies with its server (SIGKILL, nobody cancels): its working container
    stays, and the tag it made; the next server's clean_up removes both."""
    marker = f"podman-killed-{os.getpid()}"
    folder = sleeping_overlay(tmp_path / "ws", "killed", marker)
    context, log, _ = make_context(folder)
    task = asyncio.ensure_future(storage.backend("podman").run(context))
    await wait_for(f"\n{marker} started\n", log)
    deadline = time.monotonic() + 30
    while not context.leftovers.data.get("containers"):
        assert time.monotonic() < deadline, context.leftovers.data
        await asyncio.sleep(0.1)
    for process in context.processes:
        if process.returncode is None:
            os.killpg(process.pid, 9)
    with pytest.raises(JobError):
        await asyncio.wait_for(task, 60)
    # With OCI isolation the RUN step runs under the runtime, not in podman's process
    # group: it outlives its build until the next server tidies up.
    leftovers = json.loads(json.dumps(context.leftovers.data))  # as read back from disk
    (container,) = leftovers["containers"]
    assert [c for c in external_containers(storage) if container.startswith(c)]
    image = leftovers["image"]
    storage.podman("tag", BASE, image)  # as if it had tagged its image just before

    after = ListLog()
    await LocalBuildBackend(storage.config).clean_up(leftovers, after)
    assert f"Removing working container {container[:12]}\n" in after.text
    assert f"Removing the tag {image}\n" in after.text
    assert "could not" not in after.text
    assert not sleeps(marker)
    assert external_containers(storage) == []
    assert podman_image_id(storage, image) is None
    assert podman_image_id(storage, BASE) is not None


# --- export and push (a FROM scratch image, no base image needed) ----------------------


@pytest.fixture(scope="module")
def podman_storage(tmp_path_factory):
    """Fresh storage of podman's own."""
    store = Storage(tmp_path_factory.mktemp("podman-push"))
    yield store
    store.remove_all()


async def test_export_and_push_with_podman(
    registry,  # noqa: F811
    podman_storage,
    tmp_path,
    monkeypatch,
    record_property,
):
    folder = make_tiny_overlay(tmp_path / "ws")
    monkeypatch.setenv(PASSWORD_ENV, registry.password)
    config = push_config(
        "podman",
        podman_storage,
        registry,
        image_org="team",
        export_dir=str(tmp_path / "archives"),
    )
    start = time.monotonic()
    job, service = await build_with_service(config, tmp_path / "ws", tmp_path / "jobs")
    seconds = time.monotonic() - start
    log = service.read_log(job.id)["text"]
    assert job.state == JobState.SUCCEEDED, f"{job.error}\n{log}"
    assert "Building with podman " in log
    tag = image_tag(source_hash(folder))
    assert job.image == f"{registry.host}/team/ws-tiny:{tag}"
    print(f"\npodman: build + export + push of a tiny image: {seconds:.1f} s")
    record_property("podman_tiny_build_export_push_seconds", round(seconds, 1))

    # The registry has it, under the digest the job records.
    code, headers, body = registry.get(
        f"/v2/team/ws-tiny/manifests/{tag}",
        accept="application/vnd.oci.image.manifest.v1+json",
    )
    assert code == 200, body
    assert headers["Docker-Content-Digest"] == job.digest
    config_digest = json.loads(body)["config"]["digest"]
    assert config_digest == f"sha256:{podman_image_id(podman_storage, job.image)}"
    assert f"Pushed {job.image} ({job.digest})\n" in log

    # The archive: complete, named after the image, read back by podman elsewhere.
    archive = tmp_path / "archives" / f"ws-tiny-{tag}.tar"
    assert f"Exported {job.image} to {archive}\n" in log
    assert [path.name for path in archive.parent.iterdir()] == [archive.name]
    with tarfile.open(archive) as tar:
        index = json.load(tar.extractfile("index.json"))
    (manifest,) = index["manifests"]
    assert manifest["annotations"]["org.opencontainers.image.ref.name"] == job.image
    other = Storage(tmp_path / "pull")
    try:
        other.podman("pull", "--quiet", f"oci-archive:{archive}")
        assert f"sha256:{podman_image_id(other, job.image)}" == config_digest
        mount = other.podman("image", "mount", job.image).stdout.strip()
        assert Path(mount, "overlay", "Pipfile").read_text() == TINY_PIPFILE
        other.podman("image", "unmount", job.image)
    finally:
        other.remove_all()

    assert_nowhere(secret_forms("ci", registry.password), service, job)
    service.store.close()


async def test_a_wrong_password_fails_the_podman_push_clearly(
    registry,  # noqa: F811
    podman_storage,
    tmp_path,
    monkeypatch,
):
    make_tiny_overlay(tmp_path / "ws")
    wrong = "wrong-" + secrets.token_hex(8)
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    config = push_config("podman", podman_storage, registry, registry_password=wrong)
    job, service = await build_with_service(config, tmp_path / "ws", tmp_path / "jobs")
    assert job.state == JobState.FAILED
    assert job.error.startswith(f"push of {job.image} to {registry.host} failed: ")
    assert "check the registry credentials" in job.error
    assert podman_image_id(podman_storage, job.image) is not None  # the local image stays
    assert_nowhere([*secret_forms("ci", wrong), registry.password], service, job)
    service.store.close()
