"""REST handlers: parse, authorize, call a service module, answer JSON."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

from .config import OverlaysConfig
from .info import server_info

NAMESPACE = "overlays"


class OverlaysHandler(APIHandler):
    """Base handler: authorization resource and the extension's settings."""

    auth_resource = NAMESPACE

    def initialize(self, config: OverlaysConfig) -> None:
        self.overlays_config = config


class InfoHandler(OverlaysHandler):
    """``GET overlays/info``: version and local build tools."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.finish(await server_info(self.overlays_config))


def setup_handlers(web_app, config: OverlaysConfig) -> None:
    """Add the extension's routes under ``<base_url>/overlays/``."""
    base_url = web_app.settings["base_url"]
    routes = [
        ("info", InfoHandler),
    ]
    web_app.add_handlers(
        ".*$",
        [
            (url_path_join(base_url, NAMESPACE, path), handler, {"config": config})
            for path, handler in routes
        ],
    )
