"""The build context of an overlay: its source hash, the generated Containerfile, the
context folder a build tool is given. Pipfiles and locks are read by ``pipfile.py``;
images are named by ``naming.py``.

Everything here is pure (files in, text out) except ``build_context``, which
writes a context folder. The generated Containerfile installs the overlay's
packages in a layer of their own, before anything else of the overlay is
copied, so a rebuild with the same package set is a cache hit.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..workspace import read_regular
from .pipfile import (
    UnsupportedRequirement,
    lock_hash,
    lock_is_stale,
    lock_to_requirements,
    pipfile_to_requirements,
    python_version,
)

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

#: Files of an overlay that decide what its image holds, in hashing order.
SOURCE_FILES = ("Pipfile", "Pipfile.lock", "Containerfile")

#: Image labels (keys); values are set by the build backend.
LABEL_OVERLAY = "io.jupyterlab-overlays.overlay"
LABEL_SOURCE_HASH = "io.jupyterlab-overlays.source-hash"
LABEL_LOCK_HASH = "io.jupyterlab-overlays.lock-hash"
LABEL_PYTHON_VERSION = "io.jupyterlab-overlays.python-version"

#: The default base image of the generated Containerfile (``OverlaysConfig.base_image``).
DEFAULT_BASE_IMAGE = "localhost/overlays-base:bookworm"
#: … and of cluster builds, which cannot make one: a public image (Debian, Python 3.11).
KUBERNETES_BASE_IMAGE = "docker.io/library/python:3.11-slim-bookworm"

#: Where the generated Containerfile puts the overlay's virtual environment.
VENV = "/opt/venv"
#: Where it copies the overlay's Pipfile, Pipfile.lock and requirements.
OVERLAY_DIR = "/opt/overlay"
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


# --- hashes ----------------------------------------------------------------


def source_hash(
    overlay_dir: Path,
    base_image: str = DEFAULT_BASE_IMAGE,
    sources: dict[str, bytes] | None = None,
) -> str:
    """sha256 (hex) of what an image build of the overlay is made from.

    The overlay's Pipfile, Pipfile.lock and Containerfile, then what the build
    generates from them: ``requirements.txt`` and, without a Containerfile of the
    overlay's own, the generated Containerfile (which names ``base_image``). So
    another base image, or a new version of this extension that generates
    another Containerfile, gives another hash, hence another image tag.

    Each part contributes its name, its length and its bytes, so moving content
    from one file to another, or removing a file, changes the hash. Nothing
    else of the overlay folder (nor its path) counts. An overlay that cannot be
    built (no Pipfile, a broken lock) hashes its files only.
    """
    if sources is None:
        sources = read_sources(overlay_dir)
    try:
        generated = plan_build(overlay_dir, base_image, sources).generated
    except ValueError:
        generated = {}
    return _hash_sources(sources, generated)


def read_sources(overlay_dir: Path) -> dict[str, bytes]:
    """The overlay's Pipfile, Pipfile.lock and Containerfile (those it has), read once:
    regular files of at most ``workspace.MAX_FILE_BYTES`` (RequestError otherwise)."""
    sources = {}
    for name in SOURCE_FILES:
        data = read_regular(Path(overlay_dir) / name, f"{Path(overlay_dir).name}/{name}")
        if data is not None:
            sources[name] = data
    return sources


def containerfile_base(text: str) -> str | None:
    """The image a Containerfile's final stage starts from (its last ``FROM``, followed
    through earlier stages' names); None without a ``FROM``."""
    stages: dict[str, str] = {}
    base = None
    for line in text.splitlines():
        words = line.split()
        if len(words) < 2 or words[0].upper() != "FROM":
            continue
        args = [word for word in words[1:] if not word.startswith("--")]
        if not args:
            continue
        image = stages.get(args[0].lower(), args[0])
        if len(args) >= 3 and args[1].upper() == "AS":
            stages[args[2].lower()] = image
        base = image
    return base


def _hash_sources(sources: dict[str, bytes], generated: dict[str, str]) -> str:
    digest = hashlib.sha256(b"jupyterlab-overlays source v2\0")
    for name in SOURCE_FILES:
        content = sources.get(name)
        if content is None:
            continue
        digest.update(f"{name}\0{len(content)}\0".encode())
        digest.update(content)
    for name in sorted(generated):
        content = generated[name].encode("utf-8")
        digest.update(f"generated {name}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()


def _text(sources: dict[str, bytes], name: str) -> str | None:
    data = sources.get(name)
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"{name} is not UTF-8 text (byte {error.start})") from None


# --- the Containerfile -----------------------------------------------------

# Runs once per base image (the layer is shared by every overlay on it): add
# what the image needs when the base lacks it. Elyra runs `python3` and `curl`
# in every pipeline step.
_ENSURE_TOOLS = " \\\n    ".join(
    [
        "missing='';",
        'command -v python3 >/dev/null 2>&1 || missing="$missing python3";',
        "python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing=\"$missing python3-venv\";",
        'command -v curl >/dev/null 2>&1 || missing="$missing curl";',
        'if [ -n "$missing" ]; then echo "installing:$missing";',
        "if command -v apt-get >/dev/null 2>&1; then apt-get update",
        "&& DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends",
        "$missing python3-pip ca-certificates && rm -rf /var/lib/apt/lists/*;",
        "elif command -v microdnf >/dev/null 2>&1;",
        "then microdnf install -y python3 python3-pip curl;",
        "elif command -v dnf >/dev/null 2>&1; then dnf install -y python3 python3-pip curl;",
        "elif command -v apk >/dev/null 2>&1; then apk add --no-cache python3 py3-pip curl;",
        'else echo "the base image lacks:$missing; no known package manager" >&2; exit 1;',
        "fi; fi",
    ]
)

_CHECK_PYTHON = (
    "import sys; v = '%d.%d' % sys.version_info[:2]; wanted = sys.argv[1]; "
    "print(f'warning: the overlay asks for Python {wanted}, the image has {v}' "
    "if wanted and wanted != v else f'Python {v}')"
)


def containerfile(
    base_image: str,
    has_lock: bool,
    python_version: str | None = None,
    require_hashes: bool | None = None,
) -> str:
    """The generated Containerfile for an overlay.

    Layers, cheapest to change last: the base image; python3 / venv / curl
    when the base lacks them (shared by all overlays on the base); a virtual
    environment at /opt/venv, first on PATH; the requirements (made from
    Pipfile.lock when ``has_lock``, pinned with hashes, else from the
    Pipfile's [packages]) copied alone and installed in their own layer; then
    the Pipfile and lock themselves. Labels are added by the build command.

    ``ELYRA_INSTALL_PACKAGES`` is left unset: Elyra then pip-installs its own
    bootstrap packages in each pipeline step, which an overlay image does not
    provide. ``require_hashes`` defaults to ``has_lock``.
    """
    if require_hashes is None:
        require_hashes = has_lock
    source = "Pipfile.lock" if has_lock else "the Pipfile's [packages] (no Pipfile.lock)"
    pip_args = [
        f"{VENV}/bin/python",
        "-m",
        "pip",
        "install",
        "--no-cache-dir",
        "--disable-pip-version-check",
        "--no-input",
        *(["--require-hashes"] if require_hashes else []),
        "-r",
        f"{OVERLAY_DIR}/requirements.txt",
    ]
    copy_sources = "COPY Pipfile Pipfile.lock" if has_lock else "COPY Pipfile"
    lines = [
        "# Generated by jupyterlab-overlays. To replace it, put your own Containerfile",
        "# in the overlay's folder (overlays/<name>/Containerfile).",
        f"FROM {base_image}",
        "",
        "# python3, venv and curl (Elyra runs both in every pipeline step), when the",
        "# base image lacks them. ELYRA_INSTALL_PACKAGES is left unset: Elyra installs",
        "# its own bootstrap packages at each step.",
        f"RUN {_ENSURE_TOOLS}",
        "",
        f"RUN {json.dumps(['python3', '-m', 'venv', VENV])}",
        f"ENV VIRTUAL_ENV={VENV} PATH={VENV}/bin:${{PATH:-{DEFAULT_PATH}}}",
        f"RUN {json.dumps([f'{VENV}/bin/python', '-c', _CHECK_PYTHON, python_version or ''])}",
        "",
        f"# The packages, in a layer of their own: from {source}.",
        f"COPY requirements.txt {OVERLAY_DIR}/requirements.txt",
        f"RUN {json.dumps(pip_args)}",
        "",
        "# The overlay's own files last: editing them does not reinstall packages.",
        f"{copy_sources} {OVERLAY_DIR}/",
        "",
    ]
    return "\n".join(lines)


# --- the context folder ----------------------------------------------------

#: Not copied into a context made for the overlay's own Containerfile.
_IGNORED = shutil.ignore_patterns(".git", ".venv", "__pycache__", ".ipynb_checkpoints")


@dataclass
class BuildContext:
    """A context folder ready for ``buildah build -f Containerfile <dir>``."""

    dir: Path
    containerfile: Path
    source_hash: str
    lock_hash: str | None  # _meta.hash.sha256 of the Pipfile.lock used, if any
    python_version: str | None
    user_containerfile: bool
    from_lock: bool
    warnings: list[str] = field(default_factory=list)


def image_labels(overlay: str, built: BuildContext) -> dict[str, str]:
    """The labels of an overlay's image (every backend puts the same)."""
    labels = {LABEL_OVERLAY: overlay, LABEL_SOURCE_HASH: built.source_hash}
    if built.lock_hash:
        labels[LABEL_LOCK_HASH] = built.lock_hash
    if built.python_version:
        labels[LABEL_PYTHON_VERSION] = built.python_version
    return labels


@dataclass
class BuildPlan:
    """What a build of an overlay is made of, before anything is written."""

    pipfile_text: str | None
    lock_text: str | None
    user_containerfile: bool
    python_version: str | None
    #: Files the build context gets besides the overlay's: ``requirements.txt``
    #: (when there is a Pipfile or a lock) and ``Containerfile`` (when generated).
    generated: dict[str, str]
    warnings: list[str] = field(default_factory=list)


def plan_build(
    overlay_dir: Path, base_image: str, sources: dict[str, bytes] | None = None
) -> BuildPlan:
    """Generate ``requirements.txt`` and the Containerfile from the overlay's files
    (``sources``, else read now; nothing is written). Raises ``UnsupportedRequirement``
    / ``ValueError`` with a readable reason when the overlay cannot be built."""
    overlay_dir = Path(overlay_dir)
    if sources is None:
        sources = read_sources(overlay_dir)
    own = "Containerfile" in sources
    pipfile_text = _text(sources, "Pipfile")
    lock_text = _text(sources, "Pipfile.lock")
    if not own and pipfile_text is None:
        raise ValueError(f"{overlay_dir.name} has no Pipfile (and no Containerfile of its own)")
    warnings: list[str] = []
    generated: dict[str, str] = {}

    require_hashes = False
    if lock_text is not None:
        try:
            requirements, require_hashes = lock_to_requirements(lock_text)
        except json.JSONDecodeError as error:
            if not own:
                raise ValueError(f"Pipfile.lock is not valid JSON: {error}") from error
            requirements = ""
            warnings.append(f"Pipfile.lock is not valid JSON ({error}): no requirements.txt")
        except UnsupportedRequirement as error:
            if not own:
                raise
            requirements = ""
            warnings.append(f"no requirements.txt: {error}")
        if pipfile_text is not None and lock_is_stale(pipfile_text, lock_text):
            warnings.append(
                "Pipfile.lock does not match the Pipfile (stale): building the locked "
                "packages; lock again to pick up the Pipfile's changes"
            )
        generated["requirements.txt"] = requirements
    elif pipfile_text is not None:
        try:
            requirements = pipfile_to_requirements(pipfile_text)
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"Pipfile is not valid TOML: {error}") from error
        warnings.append("no Pipfile.lock: installing the Pipfile's packages unpinned")
        generated["requirements.txt"] = requirements

    version = python_version(pipfile_text, lock_text)
    if not own:
        generated["Containerfile"] = containerfile(
            base_image, lock_text is not None, version, require_hashes
        )
    return BuildPlan(
        pipfile_text=pipfile_text,
        lock_text=lock_text,
        user_containerfile=own,
        python_version=version,
        generated=generated,
        warnings=warnings,
    )


def build_context(overlay_dir: Path, tmp_dir: Path, base_image: str) -> BuildContext:
    """Write the build context of ``overlay_dir`` into ``tmp_dir`` (created if needed).

    - With the overlay's own ``Containerfile``: a copy of the overlay folder
      (plus a generated ``requirements.txt`` when there is a Pipfile), built
      as the user wrote it.
    - Otherwise: ``requirements.txt`` (from ``Pipfile.lock`` when present,
      else from the Pipfile), the Pipfile (and lock), and the generated
      ``Containerfile``.

    Raises ``UnsupportedRequirement`` / ``ValueError`` with a readable reason.
    """
    overlay_dir = Path(overlay_dir)
    tmp_dir = Path(tmp_dir)
    sources = read_sources(overlay_dir)
    plan = plan_build(overlay_dir, base_image, sources)
    if plan.user_containerfile:
        shutil.copytree(overlay_dir, tmp_dir, ignore=_IGNORED, dirs_exist_ok=True)
    else:
        tmp_dir.mkdir(parents=True, exist_ok=True)
    # What was read and hashed, not what the folder holds by now.
    for name, data in sources.items():
        (tmp_dir / name).write_bytes(data)
    for name, text in plan.generated.items():
        (tmp_dir / name).write_text(text)
    return BuildContext(
        dir=tmp_dir,
        containerfile=tmp_dir / "Containerfile",
        source_hash=_hash_sources(sources, plan.generated),
        lock_hash=lock_hash(plan.lock_text) if plan.lock_text is not None else None,
        python_version=plan.python_version,
        user_containerfile=plan.user_containerfile,
        from_lock=plan.lock_text is not None,
        warnings=plan.warnings,
    )
