"""What the sidebar shows about an overlay's files: its source hash and its lock's state."""

from __future__ import annotations

from pathlib import Path

from .jobs.context import lock_is_stale, source_hash


def overlay_status(name: str, overlay_dir: Path) -> dict:
    """``{"overlay", "source_hash", "lock": "missing" | "stale" | "current"}``.

    ``lock`` is ``missing`` without a ``Pipfile.lock``; ``stale`` when the lock was not made
    from the current Pipfile (or the Pipfile is missing or unreadable): a build would then
    install what the lock says, not what the Pipfile asks for.
    """
    folder = Path(overlay_dir)
    lock_path = folder / "Pipfile.lock"
    if not lock_path.is_file():
        lock = "missing"
    else:
        try:
            pipfile = (folder / "Pipfile").read_text(encoding="utf-8")
            stale = lock_is_stale(pipfile, lock_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            stale = True
        lock = "stale" if stale else "current"
    return {"overlay": name, "source_hash": source_hash(folder), "lock": lock}
