"""The workspace's names and folders: what an overlay is called, where it lives, and the
names derived from it (image repository, Elyra runtime image).

The naming rule is ``src/overlay/identity.json``, which the frontend reads too
(``src/overlay/names.ts``); an installed package carries a copy of it as
``jupyterlab_overlays/identity.json`` (``pyproject.toml``, ``force-include``).
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from .errors import RequestError
from .shared_data import shared_json

IDENTITY = shared_json("src/overlay/identity.json")

#: Longest overlay name (a DNS label, so it fits a Kubernetes label value).
MAX_NAME_LENGTH: int = IDENTITY["maxNameLength"]
#: The overlays folder when ``.thoth.yaml`` names none.
DEFAULT_OVERLAYS_DIR: str = IDENTITY["defaultOverlaysFolder"]
#: The project part of image names when neither the config nor the folder gives one.
DEFAULT_PROJECT: str = IDENTITY["defaultProject"]

_NAME_RE = re.compile(IDENTITY["namePattern"])
_LEGACY_NAME_RE = re.compile(IDENTITY["legacyNamePattern"])


def is_valid_name(name: object) -> bool:
    """Whether ``name`` is an overlay name (``fullmatch``: no final newline slips in)."""
    return (
        isinstance(name, str)
        and 0 < len(name) <= MAX_NAME_LENGTH
        and _NAME_RE.fullmatch(name) is not None
    )


def check_overlay_name(name: object) -> str:
    """``name`` if it is an overlay name; RequestError(400) saying why otherwise."""
    if not isinstance(name, str) or not name:
        raise RequestError(400, "Missing the overlay name.")
    if is_valid_name(name):
        return name
    if len(name) <= MAX_NAME_LENGTH and _LEGACY_NAME_RE.fullmatch(name):
        raise RequestError(
            400,
            f"{name!r} is not a valid overlay name: start and end with a letter or digit, "
            "and put a single '-', '_' or '__' between words. Rename the overlay.",
        )
    raise RequestError(
        400,
        f"{name[:100]!r} is not an overlay name: letters, digits, '_' and '-' only, "
        f"at most {MAX_NAME_LENGTH} characters.",
    )


def _checked(overlay: str) -> str:
    if not is_valid_name(overlay):
        raise ValueError(f"invalid overlay name {overlay!r}")
    return overlay


def runtime_image_name(overlay: str) -> str:
    """The Elyra runtime image of an overlay: ``overlay-<name>``, lower-cased."""
    return IDENTITY["runtimeImagePrefix"] + _checked(overlay).lower()


# --- image names ------------------------------------------------------------------------

#: A path component of an image name (the distribution reference grammar).
PATH_COMPONENT_RE = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")


def repository_component(name: str) -> str:
    """A string made into a valid image path component (for a folder's name:
    ``My Project!`` → ``my-project``). Raises ValueError when nothing is left."""
    slug = re.sub(r"[^a-z0-9._-]+", "-", name.lower())
    slug = re.sub(r"[-._]*([._])[-._]*", r"\1", slug)  # no separator runs
    slug = slug.strip("-._")
    if not slug or not PATH_COMPONENT_RE.fullmatch(slug):
        raise ValueError(f"cannot make an image name out of {name!r}")
    return slug


def project_name(configured: str, workspace_dir: Path) -> str:
    """The project part of image names: the configured one, else the workspace
    folder's name made fit for an image name, else ``workspace``."""
    if configured:
        return configured
    try:
        return repository_component(Path(workspace_dir).resolve().name)
    except ValueError:
        return DEFAULT_PROJECT


def image_repository(project: str, overlay: str) -> str:
    """``<project>-<overlay>``, lower case: the repository part of the overlay's image."""
    return f"{project}-{_checked(overlay)}".strip().lower()


# --- files ------------------------------------------------------------------------------

#: The largest workspace file the server reads (a Pipfile, a lock, a Containerfile,
#: .thoth.yaml): real ones are a few kB to a few hundred kB.
MAX_FILE_BYTES = 2 * 1024 * 1024


def read_regular(path: Path, what: str | None = None, limit: int = MAX_FILE_BYTES) -> bytes | None:
    """The bytes of a regular file of the workspace, None when there is none.

    A FIFO, a device or a link to one (a cloned repository can hold such a thing under
    any name) is refused with RequestError(422) without waiting on it, and a file larger
    than ``limit`` with 413, before anything is read.
    """
    what = what or Path(path).name
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        raise RequestError(403, f"{what} cannot be read: {error.strerror}.") from None
    with os.fdopen(descriptor, "rb") as file:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            return None
        if not stat.S_ISREG(info.st_mode):
            raise RequestError(422, f"{what} is not a regular file (a FIFO, a device…).")
        if info.st_size > limit:
            raise RequestError(
                413, f"{what} is {info.st_size} bytes, more than the {limit} read here."
            )
        data = file.read(limit + 1)
    if len(data) > limit:
        raise RequestError(413, f"{what} is more than the {limit} bytes read here.")
    return data


# --- folders ----------------------------------------------------------------------------

_THOTH_OVERLAYS_DIR_RE = re.compile(r"^overlays_dir[ \t]*:[ \t]*(?P<value>.*?)[ \t]*$")


def overlays_dir_from_thoth(workspace_dir: Path, default: str = DEFAULT_OVERLAYS_DIR) -> str:
    """The overlays folder of a workspace: the ``overlays_dir`` of its ``.thoth.yaml``, else
    ``default`` (``OverlaysConfig.overlays_dir``). The frontend takes the same folder
    (``GET info``'s ``defaults.overlays_dir``, and ``.thoth.yaml`` when it reads it).

    Only that top-level scalar is read (plain, single- or double-quoted, with an optional
    comment), so the server needs no YAML library.
    """
    try:
        data = read_regular(Path(workspace_dir) / ".thoth.yaml")
        text = data.decode("utf-8") if data is not None else ""
    except (RequestError, UnicodeDecodeError):
        return default
    for line in text.splitlines():
        match = _THOTH_OVERLAYS_DIR_RE.match(line)
        if not match:
            continue
        value = match.group("value")
        if value[:1] in {'"', "'"}:
            quote = value[0]
            end = value.find(quote, 1)
            value = value[1:end] if end > 0 else ""
        else:
            value = re.sub(r"\s+#.*$", "", value).strip()
            if value.startswith("#"):
                value = ""
        return value or default
    return default


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def overlay_dir(workspace_dir: Path, folder_name: str, overlay: str) -> Path:
    """The real path of ``<workspace>/<folder_name>/<overlay>``: RequestError 400 for a
    name or a folder outside the workspace (links included), 404 when it does not exist."""
    check_overlay_name(overlay)
    workspace = os.path.realpath(workspace_dir)
    folder_name = folder_name or DEFAULT_OVERLAYS_DIR
    overlays = os.path.realpath(os.path.join(workspace, folder_name))
    if not _inside(overlays, workspace) or overlays == workspace:
        raise RequestError(400, f"The overlays folder {folder_name!r} is not inside the workspace.")
    folder = os.path.realpath(os.path.join(overlays, overlay))
    if not _inside(folder, overlays) or folder == overlays:
        raise RequestError(400, f"The overlay {overlay!r} is not inside {folder_name}/.")
    if not os.path.isdir(folder):
        raise RequestError(404, f"No overlay {overlay!r} (no folder {folder_name}/{overlay}).")
    twins = [
        entry.name
        for entry in os.scandir(overlays)
        if entry.name != overlay and entry.name.lower() == overlay.lower() and entry.is_dir()
    ]
    if twins:
        raise RequestError(
            409,
            f"The overlays {overlay!r} and {twins[0]!r} differ only by case, so they would "
            "share one image: rename one of them.",
        )
    return Path(folder)
