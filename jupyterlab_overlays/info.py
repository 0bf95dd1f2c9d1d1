"""The payload of ``GET overlays/info``."""

from __future__ import annotations

import re
from pathlib import Path

from . import __version__
from .config import OverlaysConfig
from .tools import probe_tools


def project_name(root_dir: str) -> str:
    """The default project name: the workspace folder's name, fit for image names."""
    name = re.sub(r"[^a-z0-9]+", "-", Path(root_dir).resolve().name.lower()).strip("-")
    return name or "workspace"


async def server_info(config: OverlaysConfig, root_dir: str) -> dict:
    """The extension's version, the local build tools found on this server, defaults."""
    tools = await probe_tools(config.build_tools, config.probe_timeout)
    preferred = next((tool.name for tool in tools if tool.usable), None)
    return {
        "version": __version__,
        "build_tools": [tool.to_json() for tool in tools],
        "preferred_build_tool": preferred,
        "defaults": {"project": project_name(root_dir)},
    }
