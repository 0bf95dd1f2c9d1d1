import json
import shutil
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_overlays import __version__


async def test_info_answers_when_authenticated(jp_fetch):
    response = await jp_fetch("overlays", "info")
    assert response.code == 200
    payload = json.loads(response.body)
    assert payload["version"] == __version__
    names = [tool["name"] for tool in payload["build_tools"]]
    assert names == ["buildah", "podman", "docker"]
    for tool in payload["build_tools"]:
        assert tool["found"] == (shutil.which(tool["name"]) is not None)
        assert set(tool) == {
            "name",
            "found",
            "path",
            "version",
            "usable",
            "problem",
            "install_hint",
            "isolation",
            "isolation_problem",
        }
        if tool["usable"] and tool["name"] in ("buildah", "podman"):
            assert tool["isolation"] in ("oci", "chroot")
    assert payload["defaults"]["project"]
    usable = [tool["name"] for tool in payload["build_tools"] if tool["usable"]]
    assert payload["preferred_build_tool"] == (usable[0] if usable else None)


@pytest.mark.parametrize("authorization", ["", "token not-the-token"])
async def test_info_refuses_unauthenticated_requests(jp_fetch, authorization):
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("overlays", "info", headers={"Authorization": authorization})
    assert error.value.code == 403


async def test_info_reports_the_version_a_tool_prints(jp_fetch, fake_tool, path_with):
    path = fake_tool("buildah", 'echo "buildah version 1.99.0 (image-spec 1.1.0)"\n')
    path_with(path.parent)
    payload = json.loads((await jp_fetch("overlays", "info")).body)
    tools = {tool["name"]: tool for tool in payload["build_tools"]}
    assert tools["buildah"]["version"] == "1.99.0"
    assert tools["buildah"]["path"] == str(path)
    assert tools["podman"]["found"] is False
    assert tools["docker"]["found"] is False
    assert payload["preferred_build_tool"] == "buildah"


@pytest.mark.parametrize(
    ("folder", "project"),
    [("/home/me/My Project", "my-project"), ("/srv/demo", "demo"), ("/srv/___", "workspace")],
)
def test_project_name_fits_image_names(folder, project):
    from jupyterlab_overlays.workspace import project_name

    assert project_name("", Path(folder)) == project
    assert project_name("configured", Path(folder)) == "configured"


async def test_info_names_the_overlays_folder_the_server_builds_from(jp_fetch, jp_root_dir):
    defaults = json.loads((await jp_fetch("overlays", "info")).body)["defaults"]
    assert defaults["overlays_dir"] == "overlays"
    (jp_root_dir / ".thoth.yaml").write_text("host: x\noverlays_dir: stacks\n")
    defaults = json.loads((await jp_fetch("overlays", "info")).body)["defaults"]
    assert defaults["overlays_dir"] == "stacks"


async def test_info_says_what_generated_containerfiles_start_from(jp_fetch):
    from jupyterlab_overlays.jobs.context import DEFAULT_BASE_IMAGE

    defaults = json.loads((await jp_fetch("overlays", "info")).body)["defaults"]
    assert defaults["base_image"] == DEFAULT_BASE_IMAGE
    # The default is a localhost/ image made here from Debian.
    assert DEFAULT_BASE_IMAGE.startswith("localhost/")
    assert defaults["base_image_debian_suite"] == "bookworm"


@pytest.mark.parametrize(
    ("containerfile", "base"),
    [
        (None, ("server", "localhost/overlays-base:bookworm")),
        ("FROM registry.access.redhat.com/ubi9/python-311\nRUN true\n", None),
        (
            "FROM --platform=linux/amd64 docker.io/python:3.12 AS build\n"
            "RUN pip wheel x\nfrom build as final\nCOPY . /\n",
            ("containerfile", "docker.io/python:3.12"),
        ),
        ("# no FROM at all\nRUN true\n", ("server", "localhost/overlays-base:bookworm")),
    ],
)
def test_the_status_names_the_image_an_overlay_starts_from(tmp_path, containerfile, base):
    from jupyterlab_overlays.status import overlay_status

    (tmp_path / "Pipfile").write_text('[packages]\nsix = "*"\n')
    if containerfile is not None:
        (tmp_path / "Containerfile").write_text(containerfile)
    status = overlay_status("x", tmp_path, "localhost/overlays-base:bookworm")
    expected = base or ("containerfile", "registry.access.redhat.com/ubi9/python-311")
    assert (status["base_image"]["from"], status["base_image"]["image"]) == expected
