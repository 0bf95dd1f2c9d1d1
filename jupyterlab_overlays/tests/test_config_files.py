"""``GET``/``PUT overlays/config-files/<name>``: ``.thoth.yaml`` and ``.aicoe-ci.yaml``."""

import json
import os
import stat
from pathlib import Path
from types import SimpleNamespace

import pytest
from jupyter_server.services.contents.filemanager import (
    AsyncFileContentsManager,
    FileContentsManager,
)
from jupyter_server.services.contents.manager import AsyncContentsManager, ContentsManager
from tornado.httpclient import HTTPClientError

from jupyterlab_overlays import config_files
from jupyterlab_overlays.config_files import (
    CONFIG_FILES,
    MAX_BODY_BYTES,
    MAX_CONTENT_BYTES,
    UNCHECKED,
    check_name,
    check_unchanged,
    encode_content,
    isoformat_mtime,
    parse_timestamp,
    parse_write_body,
    read_config_file,
    resolve,
    root_dir_of,
    write_config_file,
)
from jupyterlab_overlays.errors import RequestError

THOTH = (
    "# Thoth configuration, edited by hand\r\n"
    "host: khemenu.thoth-station.ninja\r\n"
    "tls_verify: false\r\n"
    "overlays_dir: overlays  # café\r\n"
)


async def get_file(jp_fetch, name: str) -> dict:
    response = await jp_fetch("overlays", "config-files", name)
    assert response.code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    return json.loads(response.body)


async def put_file(jp_fetch, name: str, body) -> dict:
    if not isinstance(body, (str, bytes)):
        body = json.dumps(body)
    response = await jp_fetch("overlays", "config-files", name, method="PUT", body=body)
    assert response.code == 200
    return json.loads(response.body)


async def fetch_error(jp_fetch, name: str, **kwargs) -> tuple[int, str]:
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("overlays", "config-files", name, **kwargs)
    response = error.value.response
    assert response.headers["Content-Type"].startswith("application/json")
    message = json.loads(response.body)["message"]
    assert isinstance(message, str) and message
    return error.value.code, message


def put_error(jp_fetch, name: str, body) -> tuple[int, str]:
    if not isinstance(body, (str, bytes)):
        body = json.dumps(body)
    return fetch_error(jp_fetch, name, method="PUT", body=body)


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every path under ``folder`` with what could show a write: kind, size, mtime, mode."""
    found = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        found[str(path)] = (stat.S_IFMT(info.st_mode), info.st_size, info.st_mtime_ns)
    return found


def mtime_of(path: Path) -> str:
    return isoformat_mtime(path.stat().st_mtime_ns)


# The server.


@pytest.mark.parametrize("name", CONFIG_FILES)
async def test_a_missing_file_is_not_an_error(jp_fetch, jp_root_dir, name):
    assert await get_file(jp_fetch, name) == {
        "name": name,
        "exists": False,
        "content": None,
        "last_modified": None,
    }
    assert list(jp_root_dir.iterdir()) == []


@pytest.mark.parametrize("name", CONFIG_FILES)
async def test_put_creates_and_get_reads_back_the_exact_text(jp_fetch, jp_root_dir, name):
    written = await put_file(jp_fetch, name, {"content": THOTH})
    path = jp_root_dir / name
    assert path.read_bytes() == THOTH.encode("utf-8")
    assert written == {
        "name": name,
        "exists": True,
        "content": THOTH,
        "last_modified": mtime_of(path),
    }
    assert await get_file(jp_fetch, name) == written
    # No temporary file is left behind.
    assert [child.name for child in jp_root_dir.iterdir()] == [name]


async def test_a_new_file_gets_the_usual_permissions(jp_fetch, jp_root_dir):
    umask = os.umask(0)
    os.umask(umask)
    await put_file(jp_fetch, ".thoth.yaml", {"content": "a: 1\n"})
    assert stat.S_IMODE((jp_root_dir / ".thoth.yaml").stat().st_mode) == 0o666 & ~umask


async def test_get_reads_a_file_written_by_someone_else(jp_fetch, jp_root_dir):
    path = jp_root_dir / ".aicoe-ci.yaml"
    path.write_bytes(b"\xef\xbb\xbfcheck:\n  - thoth-build\r\n\r\nbuild: {}  # no newline at end")
    payload = await get_file(jp_fetch, ".aicoe-ci.yaml")
    assert (
        payload["content"] == "\ufeffcheck:\n  - thoth-build\r\n\r\nbuild: {}  # no newline at end"
    )
    assert payload["last_modified"] == mtime_of(path)
    assert payload["last_modified"].endswith("Z")


async def test_overwrite_keeps_the_file_mode(jp_fetch, jp_root_dir):
    path = jp_root_dir / ".thoth.yaml"
    path.write_text("old: true\n")
    path.chmod(0o640)
    await put_file(jp_fetch, ".thoth.yaml", {"content": THOTH})
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.read_bytes() == THOTH.encode()


async def test_put_with_the_last_modified_it_read_succeeds(jp_fetch, jp_root_dir):
    path = jp_root_dir / ".thoth.yaml"
    path.write_text("old: true\n")
    read = await get_file(jp_fetch, ".thoth.yaml")
    body = {"content": "new: true\n", "expected_last_modified": read["last_modified"]}
    written = await put_file(jp_fetch, ".thoth.yaml", body)
    assert path.read_text() == "new: true\n"
    assert written["last_modified"] == mtime_of(path)


async def test_put_creating_a_file_that_was_missing_succeeds(jp_fetch, jp_root_dir):
    body = {"content": "new: true\n", "expected_last_modified": None}
    await put_file(jp_fetch, ".aicoe-ci.yaml", body)
    assert (jp_root_dir / ".aicoe-ci.yaml").read_text() == "new: true\n"


async def test_put_with_a_stale_last_modified_is_409_and_writes_nothing(jp_fetch, jp_root_dir):
    path = jp_root_dir / ".thoth.yaml"
    path.write_text("old: true\n")
    os.utime(path, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    read = await get_file(jp_fetch, ".thoth.yaml")
    # Someone edits the file on disk.
    path.write_text("edited: elsewhere\n")
    os.utime(path, ns=(1_700_000_001_000_000_000, 1_700_000_001_000_000_000))
    before = snapshot(jp_root_dir)

    body = {"content": "mine: true\n", "expected_last_modified": read["last_modified"]}
    status, message = await put_error(jp_fetch, ".thoth.yaml", body)
    assert status == 409
    assert "changed on disk since it was read" in message
    assert path.read_text() == "edited: elsewhere\n"
    assert snapshot(jp_root_dir) == before


async def test_put_expecting_no_file_when_there_is_one_is_409(jp_fetch, jp_root_dir):
    path = jp_root_dir / ".thoth.yaml"
    path.write_text("created: elsewhere\n")
    body = {"content": "mine: true\n", "expected_last_modified": None}
    status, message = await put_error(jp_fetch, ".thoth.yaml", body)
    assert status == 409
    assert "changed on disk since it was read" in message
    assert path.read_text() == "created: elsewhere\n"


async def test_put_expecting_a_file_that_was_deleted_is_409(jp_fetch, jp_root_dir):
    body = {"content": "mine: true\n", "expected_last_modified": "2026-01-02T03:04:05.000006Z"}
    status, message = await put_error(jp_fetch, ".aicoe-ci.yaml", body)
    assert status == 409
    assert "changed on disk since it was read" in message
    assert list(jp_root_dir.iterdir()) == []


REFUSED_NAMES = [
    "Pipfile",
    ".bashrc",
    "thoth.yaml",
    ".thoth.yml",
    ".THOTH.yaml",
    ".thoth.yaml.bak",
    " .thoth.yaml",
    "..",
    "~",
]
# Names with a "/": jp_fetch sends it as a path separator; see the encoded paths below.
REFUSED_NESTED_NAMES = ["../.thoth.yaml", "/etc/passwd", "sub/.thoth.yaml"]


@pytest.mark.parametrize("name", REFUSED_NAMES)
async def test_other_names_are_refused(jp_fetch, jp_root_dir, name):
    (jp_root_dir.parent / ".thoth.yaml").write_text("secret: outside\n")
    before = snapshot(jp_root_dir.parent)
    status, message = await fetch_error(jp_fetch, name)
    assert status == 400
    assert ".thoth.yaml" in message and ".aicoe-ci.yaml" in message
    assert "outside" not in message
    status, message = await put_error(jp_fetch, name, {"content": "written: true\n"})
    assert status == 400
    assert ".thoth.yaml" in message and ".aicoe-ci.yaml" in message
    assert snapshot(jp_root_dir.parent) == before


@pytest.fixture
def raw_fetch(http_server_client, jp_base_url, jp_auth_header):
    """Fetch a path exactly as written (jp_fetch would escape its "%")."""

    async def fetch(path: str, method: str = "GET", body=None):
        return await http_server_client.fetch(
            jp_base_url + "overlays/config-files/" + path,
            method=method,
            body=body,
            headers=jp_auth_header,
            raise_error=False,
        )

    return fetch


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("..%2F.thoth.yaml", 400),
        ("%2E%2E%2F.thoth.yaml", 400),
        ("%2Fetc%2Fpasswd", 400),
        ("sub%2F.thoth.yaml", 400),
        ("%2E%2E", 400),
        (".thoth.yaml%00", 400),
        ("sub/.thoth.yaml", 404),
        ("../.thoth.yaml", 404),
    ],
)
async def test_encoded_and_nested_paths_are_refused(jp_fetch, raw_fetch, jp_root_dir, path, status):
    await get_file(jp_fetch, ".aicoe-ci.yaml")  # the server is up before the snapshot
    (jp_root_dir / "sub").mkdir()
    (jp_root_dir.parent / ".thoth.yaml").write_text("secret: outside\n")
    before = snapshot(jp_root_dir.parent)
    for method, body in [("GET", None), ("PUT", json.dumps({"content": "written: true\n"}))]:
        response = await raw_fetch(path, method, body)
        assert response.code == status, (method, response.body)
        assert b"outside" not in response.body
        if status == 400:
            assert b".aicoe-ci.yaml" in response.body
    assert snapshot(jp_root_dir.parent) == before


async def test_a_symlink_out_of_the_root_is_refused(jp_fetch, jp_root_dir):
    outside = jp_root_dir.parent / "outside.yaml"
    outside.write_text("secret: outside\n")
    link = jp_root_dir / ".thoth.yaml"
    link.symlink_to(outside)
    before = snapshot(jp_root_dir.parent)
    status, message = await fetch_error(jp_fetch, ".thoth.yaml")
    assert status == 400
    assert "symbolic link" in message and "secret" not in message
    status, message = await put_error(jp_fetch, ".thoth.yaml", {"content": "written: true\n"})
    assert status == 400
    assert "symbolic link" in message
    assert outside.read_text() == "secret: outside\n"
    assert link.is_symlink()
    assert snapshot(jp_root_dir.parent) == before


async def test_a_dangling_symlink_out_of_the_root_is_refused(jp_fetch, jp_root_dir):
    target = jp_root_dir.parent / "not-yet.yaml"
    (jp_root_dir / ".aicoe-ci.yaml").symlink_to(target)
    status, _ = await put_error(jp_fetch, ".aicoe-ci.yaml", {"content": "written: true\n"})
    assert status == 400
    assert not target.exists()


async def test_a_symlink_inside_the_root_is_refused_too(jp_fetch, jp_root_dir):
    """A PUT would write through it into whatever file of the workspace it names (a
    notebook's helper module, say)."""
    target = jp_root_dir / "notebooks" / "pipeline_utils.py"
    target.parent.mkdir()
    target.write_text("def helper(): ...\n")
    link = jp_root_dir / ".aicoe-ci.yaml"
    link.symlink_to(Path("notebooks") / "pipeline_utils.py")
    status, message = await fetch_error(jp_fetch, ".aicoe-ci.yaml")
    assert (status, "symbolic link" in message) == (400, True)
    status, message = await put_error(jp_fetch, ".aicoe-ci.yaml", {"content": "check: []\n"})
    assert (status, "symbolic link" in message) == (400, True)
    assert link.is_symlink()
    assert target.read_text() == "def helper(): ...\n"


async def test_a_folder_is_refused(jp_fetch, jp_root_dir):
    (jp_root_dir / ".thoth.yaml").mkdir()
    status, message = await fetch_error(jp_fetch, ".thoth.yaml")
    assert status == 400
    assert "folder" in message
    status, _ = await put_error(jp_fetch, ".thoth.yaml", {"content": "a: 1\n"})
    assert status == 400
    assert list((jp_root_dir / ".thoth.yaml").iterdir()) == []


async def test_a_fifo_is_refused_without_blocking(jp_fetch, jp_root_dir):
    os.mkfifo(jp_root_dir / ".aicoe-ci.yaml")
    status, message = await fetch_error(jp_fetch, ".aicoe-ci.yaml")
    assert status == 400
    assert "not a regular file" in message


async def test_a_file_that_is_not_utf8_is_422(jp_fetch, jp_root_dir):
    path = jp_root_dir / ".thoth.yaml"
    path.write_bytes("host: café\n".encode("latin-1"))
    status, message = await fetch_error(jp_fetch, ".thoth.yaml")
    assert status == 422
    assert "UTF-8" in message
    # It can still be replaced by text that is.
    await put_file(jp_fetch, ".thoth.yaml", {"content": "host: café\n"})
    assert (await get_file(jp_fetch, ".thoth.yaml"))["content"] == "host: café\n"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("not json", "not JSON"),
        ("", "not JSON"),
        (b"\xff\xfe{}", "not JSON"),
        ("[" * 100_000, "not JSON"),
        ('["content"]', "not a JSON object"),
        ('"content"', "not a JSON object"),
        ("{}", '"content"'),
        ('{"content": null}', '"content"'),
        ('{"content": 1}', '"content"'),
        ('{"content": ["a: 1"]}', '"content"'),
        ('{"text": "a: 1\\n"}', "Unknown key"),
        ('{"content": "a", "expected_last_modified": 5}', "expected_last_modified"),
        ('{"content": "a", "expected_last_modified": "yesterday"}', "expected_last_modified"),
        (
            '{"content": "a", "expected_last_modified": "2026-01-02T03:04:05"}',
            "expected_last_modified",
        ),
        ('{"content": "\\ud800"}', "Unicode"),
    ],
)
async def test_bad_bodies_are_400(jp_fetch, jp_root_dir, body, words):
    status, message = await put_error(jp_fetch, ".thoth.yaml", body)
    assert status == 400
    assert words in message
    assert list(jp_root_dir.iterdir()) == []


@pytest.mark.parametrize(
    "content",
    ["a" * (MAX_CONTENT_BYTES + 1), "é" * (MAX_CONTENT_BYTES // 2 + 1)],
    ids=["ascii", "two-byte"],
)
async def test_too_large_content_is_413(jp_fetch, jp_root_dir, content):
    path = jp_root_dir / ".thoth.yaml"
    path.write_text("old: true\n")
    status, message = await put_error(jp_fetch, ".thoth.yaml", {"content": content})
    assert status == 413
    assert str(MAX_CONTENT_BYTES) in message
    assert path.read_text() == "old: true\n"


async def test_too_large_body_is_413(jp_fetch, jp_root_dir):
    body = json.dumps({"content": "\x00" * (MAX_BODY_BYTES // 6 + 1)})
    assert len(body) > MAX_BODY_BYTES
    status, _ = await put_error(jp_fetch, ".thoth.yaml", body)
    assert status == 413
    assert list(jp_root_dir.iterdir()) == []


async def test_content_of_exactly_the_limit_is_written(jp_fetch, jp_root_dir):
    content = "# " + "x" * (MAX_CONTENT_BYTES - 3) + "\n"
    await put_file(jp_fetch, ".aicoe-ci.yaml", {"content": content})
    assert (jp_root_dir / ".aicoe-ci.yaml").stat().st_size == MAX_CONTENT_BYTES
    assert (await get_file(jp_fetch, ".aicoe-ci.yaml"))["content"] == content


async def test_a_file_larger_than_the_limit_is_not_read(jp_fetch, jp_root_dir):
    (jp_root_dir / ".thoth.yaml").write_bytes(b"#" * (MAX_CONTENT_BYTES + 1))
    status, message = await fetch_error(jp_fetch, ".thoth.yaml")
    assert status == 422
    assert str(MAX_CONTENT_BYTES) in message


@pytest.mark.parametrize("authorization", ["", "token not-the-token"])
@pytest.mark.parametrize("method", ["GET", "PUT"])
async def test_unauthenticated_requests_are_403(jp_fetch, jp_root_dir, authorization, method):
    (jp_root_dir / ".thoth.yaml").write_text("old: true\n")
    body = json.dumps({"content": "written: true\n"}) if method == "PUT" else None
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch(
            "overlays",
            "config-files",
            ".thoth.yaml",
            method=method,
            body=body,
            headers={"Authorization": authorization},
        )
    assert error.value.code == 403
    assert b"old: true" not in error.value.response.body
    assert (jp_root_dir / ".thoth.yaml").read_text() == "old: true\n"


class TestAsyncFileContentsManager:
    @pytest.fixture
    def jp_server_config(self):
        return {
            "ServerApp": {
                "jpserver_extensions": {"jupyterlab_overlays": True},
                "contents_manager_class": AsyncFileContentsManager,
            },
        }

    async def test_reads_and_writes(self, jp_fetch, jp_serverapp, jp_root_dir):
        assert isinstance(jp_serverapp.contents_manager, AsyncFileContentsManager)
        await put_file(jp_fetch, ".thoth.yaml", {"content": THOTH})
        assert (await get_file(jp_fetch, ".thoth.yaml"))["content"] == THOTH
        assert (jp_root_dir / ".thoth.yaml").read_bytes() == THOTH.encode()


class NotOnDiskContentsManager(AsyncContentsManager):
    """A contents manager whose contents are not files of this server (root_dir is "/")."""

    async def dir_exists(self, path):
        return path == ""

    async def is_hidden(self, path):
        return False

    async def file_exists(self, path=""):
        return False


class TestOtherContentsManager:
    @pytest.fixture
    def jp_server_config(self):
        return {
            "ServerApp": {
                "jpserver_extensions": {"jupyterlab_overlays": True},
                "contents_manager_class": NotOnDiskContentsManager,
            },
        }

    async def test_is_501(self, jp_fetch, jp_serverapp):
        assert jp_serverapp.contents_manager.root_dir == "/"
        status, message = await fetch_error(jp_fetch, ".thoth.yaml")
        assert status == 501
        assert "NotOnDiskContentsManager" in message and "not supported" in message
        status, _ = await put_error(jp_fetch, ".thoth.yaml", {"content": "a: 1\n"})
        assert status == 501
        assert not Path("/.thoth.yaml").exists()

    async def test_a_refused_name_is_still_400(self, jp_fetch):
        status, _ = await fetch_error(jp_fetch, "Pipfile")
        assert status == 400


# The module without a server.


@pytest.mark.parametrize("name", CONFIG_FILES)
def test_check_name_accepts_the_two_files(name):
    assert check_name(name) == name


@pytest.mark.parametrize("name", REFUSED_NAMES + REFUSED_NESTED_NAMES)
def test_check_name_refuses_others(name):
    with pytest.raises(RequestError) as error:
        check_name(name)
    assert error.value.status == 400
    assert repr(name) in error.value.message


def test_root_dir_of_file_managers(tmp_path):
    assert root_dir_of(FileContentsManager(root_dir=str(tmp_path))) == str(tmp_path)
    assert root_dir_of(AsyncFileContentsManager(root_dir=str(tmp_path))) == str(tmp_path)


@pytest.mark.parametrize(
    "manager",
    [SimpleNamespace(), SimpleNamespace(root_dir="/srv"), ContentsManager()],
    ids=["no-root-dir", "not-a-file-manager", "base-class"],
)
def test_root_dir_of_other_managers_is_501(manager):
    with pytest.raises(RequestError) as error:
        root_dir_of(manager)
    assert error.value.status == 501
    assert "not supported" in error.value.message


def test_isoformat_mtime_is_utc_to_the_microsecond():
    assert isoformat_mtime(1_700_000_000_123_456_789) == "2023-11-14T22:13:20.123456Z"
    assert isoformat_mtime(0) == "1970-01-01T00:00:00.000000Z"


def test_parse_timestamp_accepts_z_and_offsets():
    z = parse_timestamp("2023-11-14T22:13:20.123456Z")
    assert z == parse_timestamp("2023-11-14T23:13:20.123456+01:00")
    with pytest.raises(ValueError):
        parse_timestamp("2023-11-14T22:13:20")
    with pytest.raises(ValueError):
        parse_timestamp("now")


def test_check_unchanged():
    mtime = 1_700_000_000_123_456_789
    check_unchanged(".thoth.yaml", None, None)
    check_unchanged(".thoth.yaml", "2023-11-14T22:13:20.123456Z", mtime)
    check_unchanged(".thoth.yaml", "2023-11-14T22:13:20.123456+00:00", mtime)
    for expected, current in [
        ("2023-11-14T22:13:20.123455Z", mtime),
        ("2023-11-14T22:13:20Z", mtime),
        (None, mtime),
        ("2023-11-14T22:13:20.123456Z", None),
    ]:
        with pytest.raises(RequestError) as error:
            check_unchanged(".thoth.yaml", expected, current)
        assert error.value.status == 409
        assert "changed on disk since it was read" in error.value.message


def test_parse_write_body():
    assert parse_write_body(b'{"content": "a: 1\\r\\n"}') == ("a: 1\r\n", UNCHECKED)
    body = b'{"content": "", "expected_last_modified": null}'
    assert parse_write_body(body) == ("", None)
    body = b'{"content": "x", "expected_last_modified": "2023-11-14T22:13:20.123456Z"}'
    assert parse_write_body(body) == ("x", "2023-11-14T22:13:20.123456Z")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"", 400),
        (b"{", 400),
        (b"null", 400),
        (b'{"content": false}', 400),
        (b'{"content": "x", "extra": 1}', 400),
        (b'{"content": "x", "expected_last_modified": []}', 400),
        (b" " * (MAX_BODY_BYTES + 1), 413),
    ],
)
def test_parse_write_body_refuses(body, status):
    with pytest.raises(RequestError) as error:
        parse_write_body(body)
    assert error.value.status == status


def test_encode_content():
    assert encode_content(".thoth.yaml", "é\r\n") == "é\r\n".encode()
    with pytest.raises(RequestError) as error:
        encode_content(".thoth.yaml", "\udc80")
    assert error.value.status == 400
    with pytest.raises(RequestError) as error:
        encode_content(".thoth.yaml", "x" * (MAX_CONTENT_BYTES + 1))
    assert error.value.status == 413


def test_resolve(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    assert resolve(str(root), ".thoth.yaml") == str(root.resolve() / ".thoth.yaml")
    (root / ".aicoe-ci.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    with pytest.raises(RequestError) as error:
        resolve(str(root), ".aicoe-ci.yaml")
    assert error.value.status == 400
    with pytest.raises(RequestError) as error:
        resolve(str(root), "Pipfile")
    assert error.value.status == 400


def test_resolve_through_a_root_that_is_a_symlink(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    assert resolve(str(tmp_path / "link"), ".thoth.yaml") == str(real.resolve() / ".thoth.yaml")


def test_write_then_read_without_a_server(tmp_path):
    assert read_config_file(str(tmp_path), ".thoth.yaml")["exists"] is False
    written = write_config_file(str(tmp_path), ".thoth.yaml", THOTH, None)
    assert read_config_file(str(tmp_path), ".thoth.yaml") == written
    assert (tmp_path / ".thoth.yaml").read_bytes() == THOTH.encode()
    again = write_config_file(str(tmp_path), ".thoth.yaml", "b: 2\n", written["last_modified"])
    assert again["content"] == "b: 2\n"


def test_a_failed_write_leaves_the_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / ".thoth.yaml"
    path.write_text("old: true\n")

    def refuse(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(config_files.os, "replace", refuse)
    with pytest.raises(RequestError) as error:
        write_config_file(str(tmp_path), ".thoth.yaml", "new: true\n")
    assert error.value.status == 500
    assert "No space left on device" in error.value.message
    assert path.read_text() == "old: true\n"
    assert [child.name for child in tmp_path.iterdir()] == [".thoth.yaml"]


def test_permission_denied_is_403(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(config_files.os, "open", refuse)
    with pytest.raises(RequestError) as error:
        write_config_file(str(tmp_path), ".thoth.yaml", "a: 1\n")
    assert error.value.status == 403
    assert "Permission denied" in error.value.message
    assert list(tmp_path.iterdir()) == []
