"""The payload of ``GET overlays/info``."""

from __future__ import annotations

from . import __version__
from .config import OverlaysConfig
from .tools import probe_tools


async def server_info(config: OverlaysConfig) -> dict:
    """The extension's version and the local build tools found on this server."""
    tools = await probe_tools(config.build_tools, config.probe_timeout)
    preferred = next((tool.name for tool in tools if tool.usable), None)
    return {
        "version": __version__,
        "build_tools": [tool.to_json() for tool in tools],
        "preferred_build_tool": preferred,
    }
