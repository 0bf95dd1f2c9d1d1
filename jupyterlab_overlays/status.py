"""What the sidebar shows about an overlay's files: its source hash and its lock's state."""

from __future__ import annotations

from pathlib import Path

from .jobs.context import DEFAULT_BASE_IMAGE, containerfile_base, read_sources, source_hash
from .jobs.pipfile import lock_is_stale


def overlay_status(name: str, overlay_dir: Path, base_image: str | None = None) -> dict:
    """``{"overlay", "source_hash", "lock": "missing" | "stale" | "current",
    "base_image": {"image", "from": "server" | "containerfile"}}``.

    ``source_hash`` is the one a build records: it covers the generated Containerfile,
    hence the server's base image (``OverlaysConfig.base_image``; None: the default).
    ``JobService.overlay_status`` passes the server's.

    ``lock`` is ``missing`` without a ``Pipfile.lock``; ``stale`` when the lock was not made
    from the current Pipfile (or the Pipfile is missing or unreadable): a build would then
    install what the lock says, not what the Pipfile asks for.
    """
    folder = Path(overlay_dir)
    sources = read_sources(folder)
    if "Pipfile.lock" not in sources:
        lock = "missing"
    else:
        try:
            pipfile = sources.get("Pipfile", b"").decode("utf-8")
            stale = lock_is_stale(pipfile, sources["Pipfile.lock"].decode("utf-8"))
        except UnicodeDecodeError:
            stale = True
        lock = "stale" if stale else "current"
    server_base = base_image or DEFAULT_BASE_IMAGE
    hashed = source_hash(folder, server_base, sources)
    # What the image starts from: the overlay's own Containerfile's, else the server's.
    own = sources.get("Containerfile")
    own_base = containerfile_base(own.decode("utf-8", "replace")) if own is not None else None
    base = (
        {"image": own_base, "from": "containerfile"}
        if own_base
        else {"image": server_base, "from": "server"}
    )
    return {"overlay": name, "source_hash": hashed, "lock": lock, "base_image": base}
