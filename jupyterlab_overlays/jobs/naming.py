"""Image names: ``<registry>/<org>/<project>-<overlay>:<tag>``, the tag taken from the
overlay's source hash. The overlay and project parts follow ``workspace.py``."""

from __future__ import annotations

import re

from ..workspace import PATH_COMPONENT_RE, image_repository


def image_tag(hash_hex: str, length: int = 12) -> str:
    """The image tag for a source hash: its first ``length`` hex digits."""
    if not re.fullmatch(rf"[0-9a-f]{{{length},}}", hash_hex):
        raise ValueError(f"not a hex hash of at least {length} digits: {hash_hex!r}")
    return hash_hex[:length]


_REGISTRY_RE = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::[0-9]+)?"
)
_TAG_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")


def image_name(registry: str, org: str | None, project: str, overlay: str, tag: str) -> str:
    """``<registry>/<org>/<project>-<overlay>:<tag>``, lower case (``org`` may be
    empty: ``<registry>/<project>-<overlay>:<tag>``). Raises ValueError when
    the result is not a valid image reference."""
    registry = registry.strip().lower().rstrip("/")
    if not _REGISTRY_RE.fullmatch(registry):
        raise ValueError(f"invalid registry {registry!r}")
    parts = [registry]
    org = (org or "").strip().lower().strip("/")
    for component in org.split("/") if org else []:
        if not PATH_COMPONENT_RE.fullmatch(component):
            raise ValueError(f"invalid organisation {org!r}")
        parts.append(component)
    repository = image_repository(project, overlay)
    if not PATH_COMPONENT_RE.fullmatch(repository):
        raise ValueError(f"invalid image repository name {repository!r}")
    parts.append(repository)
    if not _TAG_RE.fullmatch(tag):
        raise ValueError(f"invalid image tag {tag!r}")
    reference = "/".join(parts)
    if len(reference) > 255:
        raise ValueError(f"image name longer than 255 characters: {reference!r}")
    return f"{reference}:{tag.lower()}"
