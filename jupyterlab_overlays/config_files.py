"""``GET``/``PUT overlays/config-files/<name>``: the two hidden files at the workspace root.

The frontend edits ``.thoth.yaml`` and ``.aicoe-ci.yaml``, but the contents API refuses
hidden files (``ContentsManager.allow_hidden``). Rather than allow every hidden file, these
two names, at the contents manager's root and nowhere else, are read and written here.

Writes are atomic (a temporary file in the same folder, then ``os.replace``), keep the
replaced file's permission bits, and can be made conditional on the modification time the
file had when it was read, so an edit made on disk meanwhile is not overwritten.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
from contextlib import suppress
from datetime import datetime, timezone

from jupyter_server.services.contents.fileio import FileManagerMixin

from .errors import RequestError

CONFIG_FILES = (".thoth.yaml", ".aicoe-ci.yaml")
MAX_CONTENT_BYTES = 1024 * 1024
# JSON may spell one byte of content with up to six (``\u0000``), plus the other keys.
MAX_BODY_BYTES = 6 * MAX_CONTENT_BYTES + 4096

_BODY_KEYS = frozenset({"content", "expected_last_modified"})


class _Unchecked:
    def __repr__(self) -> str:
        return "UNCHECKED"


# ``expected_last_modified`` absent from the body: write whatever is on disk.
UNCHECKED = _Unchecked()


def check_name(name: str) -> str:
    """``name`` if it is one of the two config files; RequestError(400) otherwise."""
    if name not in CONFIG_FILES:
        raise RequestError(
            400,
            f"{name!r} is not a file this endpoint serves: only {CONFIG_FILES[0]} and "
            f"{CONFIG_FILES[1]}, at the workspace root.",
        )
    return name


def root_dir_of(contents_manager) -> str:
    """The folder a file-system contents manager serves; RequestError(501) otherwise.

    Every ContentsManager has a ``root_dir`` (``"/"`` by default), so the attribute alone
    does not say the contents live on this disk: only the file managers' does.
    """
    root_dir = getattr(contents_manager, "root_dir", None)
    if not isinstance(contents_manager, FileManagerMixin) or not isinstance(root_dir, str):
        raise RequestError(
            501,
            f"The contents manager {type(contents_manager).__name__} is not supported for "
            f"{CONFIG_FILES[0]} and {CONFIG_FILES[1]}: they are read and written only "
            "with a file-system contents manager (one with a root_dir on this server).",
        )
    return root_dir


def resolve(root_dir: str, name: str) -> str:
    """The real path of config file ``name`` in ``root_dir``, which may not exist yet.

    RequestError(400) if it is a symbolic link (even to a file of the workspace: a write
    would change that file), a folder, or any other thing than a regular file.
    """
    check_name(name)
    root = os.path.realpath(root_dir)
    path = os.path.join(root, name)
    if os.path.islink(path):
        # Written through, it would change whatever file it points to.
        raise RequestError(400, f"{name} is a symbolic link; it is neither read nor written here.")
    real = os.path.realpath(path)
    if os.path.commonpath([root, real]) != root:
        raise RequestError(
            400, f"{name} is a symbolic link to a file outside the workspace; it is not served."
        )
    if os.path.isdir(real):
        raise RequestError(400, f"{name} is a folder, not a file.")
    if os.path.exists(real) and not os.path.isfile(real):
        raise RequestError(400, f"{name} is not a regular file.")
    return real


def isoformat_mtime(mtime_ns: int) -> str:
    """A modification time as ISO 8601 in UTC, to the microsecond: ``...T12:00:00.000001Z``."""
    seconds, nanoseconds = divmod(mtime_ns, 1_000_000_000)
    moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
    moment = moment.replace(microsecond=nanoseconds // 1000)
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_timestamp(value: str) -> datetime:
    """An ISO 8601 time with a time zone (``Z`` or an offset); ValueError otherwise."""
    moment = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    return moment


def model(name: str, content: str | None, mtime_ns: int | None) -> dict:
    """The JSON answer for ``name``: missing when ``content`` is None."""
    return {
        "name": name,
        "exists": content is not None,
        "content": content,
        "last_modified": None if mtime_ns is None else isoformat_mtime(mtime_ns),
    }


def _os_error(name: str, doing: str, error: OSError) -> RequestError:
    reason = error.strerror or str(error)
    status = 403 if isinstance(error, PermissionError) else 500
    return RequestError(status, f"{name} cannot be {doing}: {reason}.")


def read_config_file(root_dir: str, name: str) -> dict:
    """Config file ``name`` in ``root_dir``, as text; a missing file is ``exists: false``."""
    path = resolve(root_dir, name)
    try:
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            if size > MAX_CONTENT_BYTES:
                raise RequestError(
                    422, f"{name} is larger than {MAX_CONTENT_BYTES} bytes ({size} bytes)."
                )
            data = file.read()
            mtime_ns = os.fstat(file.fileno()).st_mtime_ns
    except FileNotFoundError:
        return model(name, None, None)
    except OSError as error:
        raise _os_error(name, "read", error) from None
    try:
        content = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RequestError(
            422,
            f"{name} is not UTF-8 text (invalid byte at offset {error.start}); "
            "convert it to UTF-8 to edit it here.",
        ) from None
    return model(name, content, mtime_ns)


def parse_write_body(body: bytes) -> tuple[str, str | _Unchecked | None]:
    """The ``content`` and ``expected_last_modified`` (UNCHECKED if absent) of a PUT body.

    RequestError(400) for anything but a JSON object with a string ``content`` and an
    optional ISO 8601 (or null) ``expected_last_modified``; 413 for a body too large.
    """
    if len(body) > MAX_BODY_BYTES:
        raise RequestError(413, f"The body is larger than {MAX_BODY_BYTES} bytes.")
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        raise RequestError(
            400, 'The body is not JSON; send {"content": "<the file\'s text>"}.'
        ) from None
    if not isinstance(payload, dict):
        raise RequestError(
            400, 'The body is not a JSON object; send {"content": "<the file\'s text>"}.'
        )
    unknown = sorted(set(payload) - _BODY_KEYS)
    if unknown:
        raise RequestError(
            400,
            f"Unknown key(s) in the body: {', '.join(unknown)} "
            "(known: content, expected_last_modified).",
        )
    content = payload.get("content")
    if not isinstance(content, str):
        raise RequestError(400, 'The body has no "content" string (the file\'s text).')
    expected = payload.get("expected_last_modified", UNCHECKED)
    if isinstance(expected, str):
        try:
            parse_timestamp(expected)
        except ValueError:
            raise RequestError(
                400,
                f'"expected_last_modified" is not an ISO 8601 time with a time zone: '
                f"{expected[:60]!r}.",
            ) from None
    elif expected is not None and expected is not UNCHECKED:
        raise RequestError(
            400,
            '"expected_last_modified" must be the last_modified the file was read with '
            "(a string, or null for a file that did not exist).",
        )
    return content, expected


def encode_content(name: str, content: str) -> bytes:
    """``content`` as UTF-8: RequestError 400 if it cannot be, 413 if too large."""
    try:
        data = content.encode("utf-8")
    except UnicodeEncodeError:
        raise RequestError(
            400, f"The content for {name} is not valid Unicode text (it has lone surrogates)."
        ) from None
    if len(data) > MAX_CONTENT_BYTES:
        raise RequestError(
            413,
            f"The content for {name} is {len(data)} bytes of UTF-8; "
            f"at most {MAX_CONTENT_BYTES} are accepted.",
        )
    return data


def check_unchanged(name: str, expected: str | None, mtime_ns: int | None) -> None:
    """RequestError(409) unless the file is as it was read: missing or of mtime ``expected``."""
    if expected is None and mtime_ns is None:
        return
    if expected is None:
        how = "it did not exist when it was read and now it does"
    elif mtime_ns is None:
        how = "it existed when it was read and now it does not"
    elif parse_timestamp(expected) != parse_timestamp(isoformat_mtime(mtime_ns)):
        how = f"last modified {isoformat_mtime(mtime_ns)}, not {expected}"
    else:
        return
    raise RequestError(
        409,
        f"{name} changed on disk since it was read ({how}); nothing was written. "
        "Read it again and reapply the edit.",
    )


def _temporary_path(path: str) -> str:
    folder, base = os.path.split(path)
    return os.path.join(folder, f".{base.lstrip('.')}.{secrets.token_hex(6)}.tmp")


def write_config_file(
    root_dir: str,
    name: str,
    content: str,
    expected: str | _Unchecked | None = UNCHECKED,
) -> dict:
    """Write ``content`` to config file ``name`` in ``root_dir``, atomically; its new model.

    With ``expected`` (a last_modified, or None for a file that did not exist), refuse with
    RequestError(409) and write nothing if the file on disk is not as it was read.
    """
    path = resolve(root_dir, name)
    data = encode_content(name, content)
    try:
        current = os.stat(path)
    except FileNotFoundError:
        current = None
    except OSError as error:
        raise _os_error(name, "read", error) from None
    if expected is not UNCHECKED:
        check_unchanged(name, expected, None if current is None else current.st_mtime_ns)

    temporary = _temporary_path(path)
    try:
        # 0o666 less the umask, like any new file; a replaced file's own bits below.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            # Bytes, not text mode: exactly the given text, no newline translation.
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            if current is not None:
                os.chmod(temporary, stat.S_IMODE(current.st_mode))
            os.replace(temporary, path)
        except BaseException:
            with suppress(OSError):
                os.unlink(temporary)
            raise
        mtime_ns = os.stat(path).st_mtime_ns
    except OSError as error:
        raise _os_error(name, "written", error) from None
    return model(name, content, mtime_ns)
