"""The payload of ``GET overlays/info``."""

from __future__ import annotations

from pathlib import Path

from . import __version__
from .config import OverlaysConfig
from .jobs.base_image import made_here
from .jobs.dialects import ToolCommands
from .jobs.isolation import isolation_of
from .tools import probe_tools
from .workspace import overlays_dir_from_thoth, project_name


async def server_info(config: OverlaysConfig, root_dir: str) -> dict:
    """The extension's version, the local build tools found on this server, defaults."""
    tools = await probe_tools(config.build_tools, config.probe_timeout)
    preferred = next((tool.name for tool in tools if tool.usable), None)
    described = []
    for tool in tools:
        isolation, problem = None, None
        if tool.usable:
            commands = ToolCommands.configured(tool.name, tool.path, config)
            isolation, problem = await isolation_of(commands, config.build_isolation)
        described.append({**tool.to_json(), "isolation": isolation, "isolation_problem": problem})
    cluster = None
    if config.build_backend == "kubernetes":
        from .jobs.kube.backend import KubernetesBuildBackend

        cluster = await KubernetesBuildBackend(config).describe()
    return {
        "version": __version__,
        "build_backend": config.build_backend,
        # Where cluster builds go (build_backend "kubernetes"), else None.
        "cluster": cluster,
        "build_tools": described,
        "preferred_build_tool": preferred,
        "defaults": {
            # The same project name local builds use, so .aicoe-ci.yaml agrees with them.
            "project": project_name(config.image_project, Path(root_dir)),
            # The overlays folder the server builds from, for the frontend to use too.
            "overlays_dir": overlays_dir_from_thoth(Path(root_dir), config.overlays_dir),
            # What generated Containerfiles start from; a local localhost/… image is made
            # on this server from Debian (jobs/base_image.py), in that suite.
            "base_image": config.base_image,
            "base_image_debian_suite": config.base_image_suite if made_here(config) else None,
        },
    }
