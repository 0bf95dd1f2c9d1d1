import shutil

import pytest

from jupyterlab_overlays.tools import KNOWN_TOOLS, parse_version, probe_tool, probe_tools


@pytest.mark.parametrize(
    ("output", "version"),
    [
        ("buildah version 1.28.2 (image-spec 1.0.2-dev, runtime-spec 1.0.2-dev)", "1.28.2"),
        ("podman version 4.3.1", "4.3.1"),
        ("Docker version 28.2.2, build e6534b4", "28.2.2"),
        ("podman version 5.0.0-rc1", "5.0.0-rc1"),
        ("something else entirely", None),
        ("", None),
    ],
)
def test_parse_version(output, version):
    assert parse_version(output) == version


async def test_missing_tool_says_what_to_install():
    tool = await probe_tool("buildah", 5, which=lambda name: None)
    assert tool.found is False
    assert tool.usable is False
    assert tool.version is None
    assert tool.problem == "buildah is not installed"
    assert "apt-get install" in tool.install_hint and "buildah" in tool.install_hint


async def test_found_tool_reports_its_version(fake_tool):
    path = fake_tool("buildah", 'echo "buildah version 9.8.7 (image-spec 1.1.0)"\n')
    tool = await probe_tool("buildah", 5, which=lambda name: str(path))
    assert (tool.found, tool.usable, tool.version, tool.path) == (True, True, "9.8.7", str(path))
    assert tool.problem is None


async def test_tool_that_fails_is_found_but_not_usable(fake_tool):
    path = fake_tool("podman", 'echo "cannot read storage.conf" >&2\nexit 125\n')
    tool = await probe_tool("podman", 5, which=lambda name: str(path))
    assert tool.found is True
    assert tool.usable is False
    assert tool.version is None
    assert "cannot read storage.conf" in tool.problem


async def test_hung_tool_times_out(fake_tool):
    path = fake_tool("buildah", "exec sleep 30\n")
    tool = await probe_tool("buildah", 0.3, which=lambda name: str(path))
    assert tool.usable is False
    assert "no answer within 0.3 s" in tool.problem


async def test_docker_without_engine_is_not_usable(fake_tool):
    script = (
        'if [ "$1" = "--version" ]; then echo "Docker version 28.2.2, build e6534b4"; exit 0; fi\n'
        'echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock." >&2\n'
        "exit 1\n"
    )
    path = fake_tool("docker", script)
    tool = await probe_tool("docker", 5, which=lambda name: str(path))
    assert (tool.found, tool.version, tool.usable) == (True, "28.2.2", False)
    assert "docker engine is not reachable" in tool.problem
    assert "Cannot connect to the Docker daemon" in tool.problem


async def test_docker_with_engine_is_usable(fake_tool):
    script = (
        'if [ "$1" = "--version" ]; then echo "Docker version 28.2.2, build e6534b4"; exit 0; fi\n'
        'echo "28.2.2"\n'
    )
    path = fake_tool("docker", script)
    tool = await probe_tool("docker", 5, which=lambda name: str(path))
    assert tool.usable is True


async def test_probe_tools_keeps_order_and_reads_the_real_path():
    tools = await probe_tools(KNOWN_TOOLS, 10)
    assert [tool.name for tool in tools] == list(KNOWN_TOOLS)
    for tool in tools:
        assert tool.found == (shutil.which(tool.name) is not None)
