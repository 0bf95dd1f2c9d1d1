"""After a build: push to a registry (credentials never shown) and export to an OCI archive.

The fast tests use a stand-in ``buildah`` (a Python script that, on purpose, prints the
auth file it is given, as a careless tool might); the slow ones a real buildah and a
real registry: Debian's ``docker-registry`` (distribution 2.8) on a free localhost port,
with htpasswd (bcrypt) authentication and plain HTTP.
"""

from __future__ import annotations

import base64
import ctypes
import ctypes.util
import json
import secrets
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from jupyterlab_overlays.config import PASSWORD_ENV, USERNAME_ENV, OverlaysConfig
from jupyterlab_overlays.jobs.base import JobError, JobState
from jupyterlab_overlays.jobs.context import source_hash
from jupyterlab_overlays.jobs.dialects import ToolCommands, tool_error
from jupyterlab_overlays.jobs.local import LocalBuildBackend
from jupyterlab_overlays.jobs.naming import image_tag
from jupyterlab_overlays.jobs.publish import Publisher, RedactingLog, push_hint
from jupyterlab_overlays.jobs.service import JobService, default_backends
from jupyterlab_overlays.jobs.store import JobStore
from jupyterlab_overlays.tools import BuildTool

from .buildah_storage import Storage
from .jobs_fakes import free_port, wait_until
from .jobs_helpers import make_context

BUILDAH = BuildTool("buildah", True, "/usr/bin/buildah", "1.28.2", True, None, "")
DOCKER = BuildTool("docker", True, "/usr/bin/docker", "28.2.2", True, None, "")
PIPFILE = '[packages]\nsix = "*"\n'
# A Containerfile with nothing to run: builds in a second, no base image needed.
CONTAINERFILE = "FROM scratch\nCOPY Pipfile /overlay/Pipfile\n"


def make_overlay(root: Path, name: str = "tiny") -> Path:
    folder = root / "overlays" / name
    folder.mkdir(parents=True)
    (folder / "Pipfile").write_text(PIPFILE)
    (folder / "Containerfile").write_text(CONTAINERFILE)
    return folder


# --- settings ----------------------------------------------------------------


def test_push_and_export_are_off_by_default():
    config = OverlaysConfig()
    assert (config.push, config.export_dir, config.registry_tls_verify) == (False, "", True)
    assert Publisher(config).check(BUILDAH.name) == ("", "")


def test_credentials_come_from_the_environment_when_the_config_has_none(monkeypatch):
    monkeypatch.setenv(USERNAME_ENV, "env-user")
    monkeypatch.setenv(PASSWORD_ENV, "env-pass")
    assert OverlaysConfig().registry_credentials() == ("env-user", "env-pass")
    config = OverlaysConfig(registry_username="cfg-user", registry_password="cfg-pass")  # noqa: S106
    assert config.registry_credentials() == ("cfg-user", "cfg-pass")
    assert OverlaysConfig(registry_username="cfg-user").registry_credentials() == (
        "cfg-user",
        "env-pass",
    )
    monkeypatch.delenv(USERNAME_ENV)
    monkeypatch.delenv(PASSWORD_ENV)
    assert OverlaysConfig().registry_credentials() == ("", "")


@pytest.mark.parametrize(
    ("settings", "tool", "message"),
    [
        ({"push": True}, BUILDAH, "image_registry is 'localhost'"),
        ({"push": True, "image_registry": "quay.io", "registry_username": "u"}, BUILDAH,
         "a registry password is missing"),
        ({"push": True, "image_registry": "quay.io", "registry_password": "p"}, BUILDAH,
         "a registry user name is missing"),
        ({"push": True, "image_registry": "quay.io", "registry_authfile": "/nowhere.json"},
         BUILDAH, "registry_authfile /nowhere.json does not exist"),
        ({"push": True, "image_registry": "quay.io"}, DOCKER, "need buildah or podman"),
        ({"export_dir": "/srv/a"}, DOCKER, "need buildah or podman"),
        ({"export_dir": "/srv/a:b"}, BUILDAH, "must not contain ':'"),
    ],
)  # fmt: skip
def test_settings_that_cannot_work_fail_before_building(settings, tool, message, monkeypatch):
    monkeypatch.delenv(USERNAME_ENV, raising=False)
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    publisher = Publisher(OverlaysConfig(**settings))
    with pytest.raises(JobError, match=message.replace("(", r"\(")):
        publisher.check(tool.name)


def test_push_arguments_carry_no_secret():
    config = OverlaysConfig(push=True, image_registry="r.example", registry_username="u")
    config.registry_password = "pw-1"  # noqa: S105
    buildah = ToolCommands.configured("buildah", "/usr/bin/buildah", config)
    argv = buildah.push_args("r.example/p-o:t", "/x/auth.json", Path("/x/d"), True)
    assert argv == [
        "/usr/bin/buildah", "push", "--digestfile", "/x/d", "--authfile",
        "/x/auth.json", "r.example/p-o:t", "docker://r.example/p-o:t",
    ]  # fmt: skip
    argv = buildah.push_args("r.example/p-o:t", None, Path("/x/d"), False)
    assert "--tls-verify=false" in argv and "--authfile" not in argv
    assert not any("pw-1" in arg for arg in argv)


def test_archive_names(tmp_path):
    publisher = Publisher(OverlaysConfig(export_dir=str(tmp_path / "a")))
    assert publisher.archive_path("localhost/proj-train:0123456789ab") == (
        tmp_path / "a" / "proj-train-0123456789ab.tar"
    )
    assert publisher.archive_path("r:5000/org/proj-x:t").name == "proj-x-t.tar"


def test_redaction_and_error_reading():
    log = RedactingLog(make_context(Path("/w/overlays/o"))[1], ["s3cret", "", "czNjcmV0"])
    log.write("a s3cret, b czNjcmV0, c\n")
    assert log._log.text == "a ********, b ********, c\n"
    assert tool_error(["x", "Error: pushing: unauthorized", "y"]) == "pushing: unauthorized"
    assert tool_error(["", "last words", ""]) == "last words"
    assert "registry_password" in push_hint("unauthorized: authentication required")
    assert "registry_tls_verify = False" in push_hint("server gave HTTP response to HTTPS client")
    assert push_hint("connection refused") == ""


# --- the whole run with a stand-in buildah -------------------------------------

FAKE_BUILDAH = r"""
import json, os, stat, sys
from pathlib import Path

state = Path(os.environ["FAKE_BUILDAH_STATE"])
args = sys.argv[1:]
while args and args[0] in ("--root", "--runroot", "--storage-driver"):
    args = args[2:]
command, rest = args[0], args[1:]

def option(name):
    return rest[rest.index(name) + 1] if name in rest else None

if command == "--version":
    print("buildah version 1.28.2 (stand-in)")
elif command == "containers":
    pass
elif command == "images":
    if (state / "built").is_file() and rest[-1] == (state / "built").read_text():
        print("sha256:" + "1" * 64)
    else:
        print("Error: " + rest[-1] + ": image not known")
        sys.exit(125)
elif command == "build":
    print("STEP 1/2: FROM scratch")
    print("STEP 2/2: COPY Pipfile /overlay/Pipfile")
    Path(option("--iidfile")).write_text("sha256:" + "1" * 64)
    (state / "built").write_text(option("--tag"))
elif command == "push" and rest[-1].startswith("docker://"):
    authfile = option("--authfile")
    print("auth file", authfile, oct(stat.S_IMODE(os.stat(authfile).st_mode)))
    # A careless tool: prints the credentials it was given.
    print(Path(authfile).read_text())
    # The server's environment held the password; the tool's never does.
    print("password:", os.environ.get("OVERLAYS_REGISTRY_PASSWORD"))
    if os.environ.get("FAKE_PUSH_FAILS"):
        token = next(iter(json.loads(Path(authfile).read_text())["auths"].values()))["auth"]
        print("Error: pushing image: unauthorized: authentication required for " + token)
        sys.exit(125)
    Path(option("--digestfile")).write_text("sha256:" + "2" * 64)
elif command == "push" and rest[-1].startswith("oci-archive:"):
    path = rest[-1].split(":")[1]
    Path(path).write_text("an archive")
    print("Writing manifest to image destination")
else:
    print("Error: unexpected", args)
    sys.exit(125)
"""


@pytest.fixture
def stand_in(tmp_path, monkeypatch, path_with):
    """A stand-in buildah on PATH, and a pushing, exporting configuration."""
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "buildah"
    script.write_text(f"#!{sys.executable}\n{FAKE_BUILDAH}")
    script.chmod(0o755)
    (tmp_path / "state").mkdir()
    monkeypatch.setenv("FAKE_BUILDAH_STATE", str(tmp_path / "state"))
    path_with(folder)
    password = "pw-" + secrets.token_hex(8)
    monkeypatch.setenv(PASSWORD_ENV, password)
    config = OverlaysConfig(
        push=True,
        image_registry="registry.example:5000",
        registry_username="robot",
        export_dir=str(tmp_path / "archives"),
    )
    return LocalBuildBackend(config, tools=["buildah"]), password


def secret_forms(username: str, password: str) -> list[str]:
    return [password, base64.b64encode(f"{username}:{password}".encode()).decode()]


async def test_push_and_export_with_a_stand_in_tool(stand_in, tmp_path):
    backend, password = stand_in
    folder = make_overlay(tmp_path / "ws")
    context, log, _ = make_context(folder)
    result = await backend.run(context)
    tag = image_tag(source_hash(folder))
    image = f"registry.example:5000/ws-tiny:{tag}"
    assert result.image == image
    assert result.digest == "sha256:" + "2" * 64  # the pushed manifest's
    text = log.text
    for secret in secret_forms("robot", password):
        assert secret not in text
    assert '"auth": "********"' in text and "password: None" in text
    # The credentials were in a file only its owner could read, gone after the job.
    line = next(line for line in text.splitlines() if line.startswith("auth file "))
    authfile, mode = line.split()[2:]
    assert mode == "0o600"
    assert not Path(authfile).exists() and not Path(authfile).parent.exists()
    assert f"Pushing {image} to registry.example:5000\n" in text
    assert f"Pushed {image} (sha256:{'2' * 64})\n" in text
    archive = tmp_path / "archives" / f"ws-tiny-{tag}.tar"
    assert archive.read_text() == "an archive"
    assert f"Exported {image} to {archive}\n" in text
    assert sorted(path.name for path in archive.parent.iterdir()) == [archive.name]
    assert f"$ {shutil.which('buildah')} push " in text  # the command lines are logged
    assert "export_partial" in context.leftovers.data
    assert context.leftovers.data["export_partial"] is None


async def test_a_failed_push_fails_the_job_and_keeps_the_image(stand_in, tmp_path, monkeypatch):
    backend, password = stand_in
    monkeypatch.setenv("FAKE_PUSH_FAILS", "1")
    folder = make_overlay(tmp_path / "ws")
    context, log, _ = make_context(folder)
    with pytest.raises(JobError) as failure:
        await backend.run(context)
    message = str(failure.value)
    image = f"registry.example:5000/ws-tiny:{image_tag(source_hash(folder))}"
    assert message.startswith(f"push of {image} to registry.example:5000 failed: ")
    assert "unauthorized: authentication required for ********" in message
    assert "check the registry credentials" in message
    assert failure.value.result.image == image
    assert failure.value.result.digest == "sha256:" + "1" * 64  # the local image
    assert failure.value.__cause__ is None and failure.value.__context__ is None
    for secret in secret_forms("robot", password):
        assert secret not in message and secret not in log.text
    assert f"The local image {image} stays.\n" in log.text


# --- a real registry -----------------------------------------------------------

slow = pytest.mark.slow
needs_tools = pytest.mark.skipif(
    not (shutil.which("buildah") and shutil.which("docker-registry")),
    reason="needs buildah and docker-registry (scripts/install-system.sh test)",
)


def bcrypt_hash(password: str) -> str | None:
    """An htpasswd bcrypt hash: from the bcrypt package, else from libcrypt (libxcrypt)."""
    try:
        import bcrypt
    except ImportError:
        pass
    else:
        return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=5)).decode()
    name = ctypes.util.find_library("crypt")
    if name is None:
        return None
    library = ctypes.CDLL(name)
    library.crypt_gensalt.restype = ctypes.c_char_p
    library.crypt_gensalt.argtypes = [
        ctypes.c_char_p,
        ctypes.c_ulong,
        ctypes.c_char_p,
        ctypes.c_int,
    ]
    library.crypt.restype = ctypes.c_char_p
    library.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    salt = library.crypt_gensalt(b"$2y$", 5, None, 0)
    hashed = library.crypt(password.encode(), salt) if salt else None
    return hashed.decode() if hashed and hashed.startswith(b"$2") else None


class Registry:
    def __init__(self, port: int, username: str, password: str):
        self.host = f"127.0.0.1:{port}"
        self.username = username
        self.password = password

    def get(self, path: str, auth: bool = True, accept: str = "") -> tuple[int, dict, bytes]:
        request = urllib.request.Request(f"http://{self.host}{path}")
        if auth:
            token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        if accept:
            request.add_header("Accept", accept)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (http://127.0.0.1)
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """docker-registry on a free port, htpasswd auth, plain HTTP."""
    if not shutil.which("docker-registry"):
        pytest.skip("needs docker-registry (scripts/install-system.sh test)")
    password = "pw-" + secrets.token_hex(12)
    hashed = bcrypt_hash(password)
    if hashed is None:
        pytest.skip("no bcrypt: neither the bcrypt package nor libcrypt with $2y$")
    folder = tmp_path_factory.mktemp("registry")
    (folder / "htpasswd").write_text(f"ci:{hashed}\n")
    port = free_port()
    config = {
        "version": 0.1,
        "log": {"level": "warn"},
        "storage": {"filesystem": {"rootdirectory": str(folder / "data")}},
        "http": {"addr": f"127.0.0.1:{port}", "secret": secrets.token_hex(16)},
        "auth": {"htpasswd": {"realm": "tests", "path": str(folder / "htpasswd")}},
    }
    (folder / "config.yml").write_text(json.dumps(config))  # YAML reads JSON
    with open(folder / "registry.log", "wb") as output:
        process = subprocess.Popen(  # noqa: S603
            [shutil.which("docker-registry"), "serve", str(folder / "config.yml")],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    served = Registry(port, "ci", password)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if served.get("/v2/", auth=False)[0] == 401:
                    break
            except OSError:
                pass
            assert process.poll() is None, (folder / "registry.log").read_text()
            assert time.monotonic() < deadline, "the registry did not start"
            time.sleep(0.1)
        assert served.get("/v2/")[0] == 200
        yield served
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="module")
def light_storage(tmp_path_factory):
    """Fresh buildah storage without a base image (the overlays here need none)."""
    if not shutil.which("buildah"):
        pytest.skip("needs buildah")
    store = Storage(tmp_path_factory.mktemp("buildah-push"))
    yield store
    store.remove_all()


async def build_with_service(config: OverlaysConfig, workspace: Path, jobs: Path):
    """Submit a build of ``tiny`` to a real job service; the ended job and its service."""
    service = JobService(config, JobStore(jobs), default_backends(config), workspace)
    job, _ = await service.submit("tiny", "build")
    await wait_until(lambda: service.get(job.id).state.ended, timeout=120, what="the build")
    return service.get(job.id), service


def assert_nowhere(secret_list: list[str], service: JobService, job) -> None:
    """No secret in the job's log file, its record, or any file of the store."""
    texts = {"record": json.dumps(job.to_json()), "api log": service.read_log(job.id)["text"]}
    for path in Path(service.store.folder).rglob("*"):
        if path.is_file():
            texts[str(path)] = path.read_bytes().decode("latin-1")
    assert any(path.endswith(".log") for path in texts)
    assert any(path.endswith("jobs.sqlite3") for path in texts)
    for secret in secret_list:
        for where, text in texts.items():
            assert secret not in text, f"the secret is in {where}"


def push_config(tool: str, storage, registry, **settings) -> OverlaysConfig:
    """Settings of a build with ``tool`` in ``storage`` that pushes to the test registry
    as user ``ci`` (the password: from the environment unless ``settings`` give one)."""
    return OverlaysConfig(
        build_tools=[tool],
        buildah_root=str(storage.root),
        buildah_runroot=str(storage.runroot),
        image_registry=registry.host,
        push=True,
        registry_username="ci",
        registry_tls_verify=False,
        **settings,
    )


@slow
@needs_tools
async def test_push_to_a_registry_and_export_an_archive(
    registry, light_storage, tmp_path, monkeypatch, record_property
):
    folder = make_overlay(tmp_path / "ws")
    monkeypatch.setenv(PASSWORD_ENV, registry.password)  # the password from the environment
    config = push_config(
        "buildah",
        light_storage,
        registry,
        image_org="team",
        export_dir=str(tmp_path / "archives"),
    )
    start = time.monotonic()
    job, service = await build_with_service(config, tmp_path / "ws", tmp_path / "jobs")
    seconds = time.monotonic() - start
    log = service.read_log(job.id)["text"]
    assert job.state == JobState.SUCCEEDED, f"{job.error}\n{log}"
    tag = image_tag(source_hash(folder))
    assert job.image == f"{registry.host}/team/ws-tiny:{tag}"
    print(f"\nbuild + export + push of a tiny image: {seconds:.1f} s")
    record_property("tiny_build_export_push_seconds", round(seconds, 1))

    # The registry has it, under the digest the job records.
    code, headers, body = registry.get(
        f"/v2/team/ws-tiny/manifests/{tag}",
        accept="application/vnd.oci.image.manifest.v1+json",
    )
    assert code == 200, body
    assert headers["Docker-Content-Digest"] == job.digest
    assert (
        json.loads(body)["config"]["digest"]
        == light_storage.buildah(
            "images", "--no-trunc", "--format", "{{.ID}}", job.image
        ).stdout.strip()
    )
    assert registry.get(f"/v2/team/ws-tiny/manifests/{tag}", auth=False)[0] == 401
    assert f"Pushed {job.image} ({job.digest})\n" in log

    # The archive: complete, named after the image, readable by buildah.
    archive = tmp_path / "archives" / f"ws-tiny-{tag}.tar"
    assert f"Exported {job.image} to {archive}\n" in log
    assert [path.name for path in archive.parent.iterdir()] == [archive.name]
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        index = json.load(tar.extractfile("index.json"))
        layout = json.load(tar.extractfile("oci-layout"))
    assert layout == {"imageLayoutVersion": "1.0.0"}
    (manifest,) = index["manifests"]
    assert manifest["annotations"]["org.opencontainers.image.ref.name"] == job.image
    assert f"blobs/sha256/{manifest['digest'].split(':')[1]}" in names
    other = Storage(tmp_path / "pull")  # another storage reads it back
    try:
        pulled = other.buildah("pull", "--quiet", f"oci-archive:{archive}").stdout.strip()
        container = other.buildah("from", "--pull-never", job.image).stdout.strip()
        mount = other.buildah("mount", container).stdout.strip()
        assert Path(mount, "overlay", "Pipfile").read_text() == PIPFILE
    finally:
        other.remove_all()
    assert f"sha256:{pulled}" == json.loads(body)["config"]["digest"]

    assert_nowhere(secret_forms("ci", registry.password), service, job)
    service.store.close()


@slow
@needs_tools
async def test_a_wrong_password_fails_the_job_clearly(
    registry, light_storage, tmp_path, monkeypatch
):
    make_overlay(tmp_path / "ws")
    wrong = "wrong-" + secrets.token_hex(8)
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    # The password from the config this time.
    config = push_config("buildah", light_storage, registry, registry_password=wrong)
    job, service = await build_with_service(config, tmp_path / "ws", tmp_path / "jobs")
    assert job.state == JobState.FAILED
    assert job.error.startswith(f"push of {job.image} to {registry.host} failed: ")
    assert "unauthorized: authentication required" in job.error
    assert "check the registry credentials" in job.error
    # The local image stays, and the job says which it is.
    assert light_storage.image_exists(job.image)
    assert job.digest.startswith("sha256:")
    assert registry.get(f"/v2/ws-tiny/manifests/{job.image.rsplit(':', 1)[1]}")[0] == 404
    assert_nowhere([*secret_forms("ci", wrong), registry.password], service, job)
    service.store.close()
