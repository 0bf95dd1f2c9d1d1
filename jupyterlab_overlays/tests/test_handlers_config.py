"""The server reads OverlaysConfig from the Jupyter server's own configuration."""

import json

import pytest


@pytest.fixture
def jp_server_config():
    return {
        "ServerApp": {"jpserver_extensions": {"jupyterlab_overlays": True}},
        "OverlaysConfig": {"build_tools": ["podman", "buildah"], "probe_timeout": 3},
    }


async def test_info_lists_the_configured_tools_in_order(jp_fetch):
    payload = json.loads((await jp_fetch("overlays", "info")).body)
    assert [tool["name"] for tool in payload["build_tools"]] == ["podman", "buildah"]
