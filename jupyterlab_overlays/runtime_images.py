"""Elyra runtime images as files, for servers where Elyra is not installed.

The server registers, renames and removes the runtime images of overlays
(``registrar.py``): through Elyra's API when Elyra is importable, else with these files.
Elyra keeps each runtime image as ``<dir>/metadata/runtime-images/<name>.json``, ``<dir>``
being the first entry of ``$ELYRA_METADATA_PATH`` when that is set, else the Jupyter data
dir (Elyra 4.1.1, ``FileMetadataStore.metadata_path``): Elyra finds these files whenever it
is installed.

Only images this extension made are replaced or removed: those tagged ``overlay``. A file
the user made under the same name is never overwritten.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
from contextlib import suppress
from pathlib import Path

from jupyter_core.paths import jupyter_data_dir

from .errors import RequestError

SCHEMASPACE = "runtime-images"
SCHEMA_NAME = "runtime-image"
OVERLAY_TAG = "overlay"
PULL_POLICIES = ("Always", "IfNotPresent", "Never")
# Elyra's rule for instance names (the file name without ``.json``).
INSTANCE_NAME = re.compile(r"^[a-z]([a-z0-9-_]*[a-z0-9])?$")
MAX_FILE_BYTES = 1024 * 1024


def metadata_dir(environ: os._Environ | dict | None = None) -> Path:
    """The folder Elyra writes runtime images to."""
    environ = os.environ if environ is None else environ
    paths = [p for p in environ.get("ELYRA_METADATA_PATH", "").split(os.pathsep) if p.strip()]
    # Elyra appends metadata/<schemaspace> to every entry, that one included.
    base = Path(paths[0]) if paths else Path(jupyter_data_dir())
    return base / "metadata" / SCHEMASPACE


def check_instance_name(name: str) -> str:
    """``name`` if Elyra accepts it as an instance name; RequestError(400) otherwise."""
    if not INSTANCE_NAME.fullmatch(name) or len(name) > 255:
        raise RequestError(
            400,
            f"{name[:80]!r} is not a runtime image name: lower-case letters, digits, "
            "'-' and '_', starting with a letter and ending with a letter or digit.",
        )
    return name


def _read(path: Path) -> dict | None:
    """A runtime image file as JSON; None if it is missing.

    Only a regular file is read: a symbolic link or a FIFO under that name is refused
    (409) rather than followed or waited on.
    """
    try:
        info = path.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        raise RequestError(500, f"{path} cannot be read: {error.strerror}.") from None
    if not stat.S_ISREG(info.st_mode):
        raise RequestError(
            409, f"{path} is not a regular file (a link, a folder…); it was left alone."
        )
    try:
        if info.st_size > MAX_FILE_BYTES:
            raise RequestError(422, f"{path.name} is larger than {MAX_FILE_BYTES} bytes.")
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (ValueError, UnicodeDecodeError):
        raise RequestError(
            409, f"{path} is not valid JSON; it was left alone (fix or remove it)."
        ) from None
    except OSError as error:
        raise RequestError(500, f"{path} cannot be read: {error.strerror}.") from None
    if not isinstance(data, dict):
        raise RequestError(409, f"{path} is not a runtime image; it was left alone.")
    return data


def read_image(folder: Path, name: str) -> dict | None:
    """Runtime image ``name`` of ``folder``, None when there is none."""
    return _read(folder / f"{check_instance_name(name)}.json")


def is_ours(instance: dict) -> bool:
    """Whether a runtime image was made by this extension (tagged ``overlay``)."""
    metadata = instance.get("metadata")
    tags = metadata.get("tags") if isinstance(metadata, dict) else None
    return isinstance(tags, list) and OVERLAY_TAG in tags


def list_images(folder: Path) -> list[dict]:
    """Every runtime image in ``folder``: ``{name, display_name, metadata, ours}``, by name.

    A file that cannot be read is listed with ``error`` instead.
    """
    images = []
    with suppress(FileNotFoundError, NotADirectoryError):
        for path in sorted(folder.glob("*.json")):
            name = path.stem
            try:
                data = _read(path)
            except RequestError as error:
                images.append({"name": name, "error": error.message})
                continue
            if data is None:
                continue
            images.append(
                {
                    "name": name,
                    "display_name": data.get("display_name"),
                    "metadata": data.get("metadata"),
                    "ours": is_ours(data),
                }
            )
    return images


def write_image(folder: Path, name: str, instance: dict) -> dict:
    """Write runtime image ``name`` (atomically); refuses to replace an image not ours."""
    check_instance_name(name)
    path = folder / f"{name}.json"
    existing = _read(path)
    if existing is not None and not is_ours(existing):
        raise RequestError(
            409,
            f"A runtime image named {name} already exists and was not made by "
            f"jupyterlab-overlays ({path}); it was left alone.",
        )
    tmp = folder / f".{name}.{secrets.token_hex(4)}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(instance, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as error:
        with suppress(OSError):
            tmp.unlink()
        raise RequestError(500, f"{path} cannot be written: {error.strerror or error}.") from None
    return {"name": name, **instance, "ours": True}


def delete_image(folder: Path, name: str) -> None:
    """Remove runtime image ``name``: 404 if missing, 409 if it is not ours."""
    check_instance_name(name)
    path = folder / f"{name}.json"
    existing = _read(path)
    if existing is None:
        raise RequestError(404, f"No runtime image named {name}.")
    if not is_ours(existing):
        raise RequestError(
            409, f"The runtime image {name} was not made by jupyterlab-overlays; it was left alone."
        )
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as error:
        raise RequestError(500, f"{path} cannot be removed: {error.strerror}.") from None
