"""The docker path of the local backend, with a stand-in docker CLI.

There is no Docker engine on these machines (the CLI exists, the engine does not
answer), so a real docker build cannot run here: these tests check what the backend
asks of docker — one argument list, no shell, no buildah-only options — and what it
makes of docker's answers, with a script that answers as docker does. The buildah and
podman paths are tested with the real tools (test_jobs_local.py, test_jobs_podman.py).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from jupyterlab_overlays.config import OverlaysConfig
from jupyterlab_overlays.jobs.base import JobError
from jupyterlab_overlays.jobs.local import LocalBuildBackend
from jupyterlab_overlays.tools import BuildTool

from .jobs_helpers import make_context

IMAGE_ID = "sha256:" + "d" * 64

#: Answers as docker 28 does; records each call's arguments, one JSON list per line.
DOCKER = r"""
"{python}" - "$@" <<'PY' >> "{calls}"
import json, sys
print(json.dumps(sys.argv[1:]))
PY
case "$1" in
  --version) echo "Docker version 28.2.2, build e6534b4"; exit 0 ;;
  version) echo "28.2.2"; exit 0 ;;
  build)
    while [ "$#" -gt 0 ]; do
      if [ "$1" = "--iidfile" ]; then printf '%s' "{image_id}" > "$2"; fi
      shift
    done
    echo "STEP 1/2: FROM localhost/base:1"
    echo "STEP 2/2: RUN python3 -m pip install six"
    echo "Successfully built"
    {fail}
    exit 0 ;;
  image|inspect) echo "{image_id}"; exit 0 ;;
  *) exit 0 ;;
esac
"""

CONTAINERFILE = "FROM localhost/base:1\nRUN python3 -m pip install six\n"


@pytest.fixture
def docker(fake_tool, path_with, tmp_path: Path):
    """A stand-in docker on PATH (alone with sh); returns the file of its calls."""

    def make(fail: bool = False) -> Path:
        calls = tmp_path / "docker-calls.jsonl"
        script = DOCKER.format(
            calls=calls,
            python=sys.executable,
            image_id=IMAGE_ID,
            fail='echo "Error: RUN failed: exit status 1" >&2; exit 1' if fail else "",
        )
        path = fake_tool("docker", script)
        path_with(path.parent)
        return calls

    return make


def calls_of(path: Path) -> list[list[str]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def overlay(tmp_path: Path) -> Path:
    folder = tmp_path / "ws" / "overlays" / "train"
    folder.mkdir(parents=True)
    (folder / "Pipfile").write_text('[packages]\nsix = "*"\n')
    (folder / "Containerfile").write_text(CONTAINERFILE)
    return folder


def test_docker_gets_no_buildah_options():
    backend = LocalBuildBackend(OverlaysConfig(buildah_root="/r", buildah_runroot="/rr"))
    tool = BuildTool("docker", True, "/usr/bin/docker", "28.2.2", True, None, "")
    argv = backend.commands(tool).build_args(
        "localhost/p-o:t", Path("/c/Containerfile"), Path("/c"), Path("/i"), {"a": "b"}
    )
    assert argv == [
        "/usr/bin/docker",
        "build",
        "--force-rm",
        "--iidfile",
        "/i",
        "--tag",
        "localhost/p-o:t",
        "--label",
        "a=b",
        "-f",
        "/c/Containerfile",
        "/c",
    ]


async def test_a_build_with_docker_when_it_is_the_only_tool(docker, tmp_path: Path):
    calls = docker()
    folder = overlay(tmp_path)
    context, log, progress = make_context(folder)
    backend = LocalBuildBackend(OverlaysConfig(build_tools=["buildah", "podman", "docker"]))
    result = await backend.run(context)
    assert result.image.startswith("localhost/ws-train:")
    assert result.digest == IMAGE_ID
    assert "Building with docker 28.2.2" in log.text
    builds = [argv for argv in calls_of(calls) if argv[:1] == ["build"]]
    assert len(builds) == 1
    argv = builds[0]
    assert "--isolation" not in argv and "--root" not in argv
    assert argv[argv.index("--tag") + 1] == result.image
    labels = [argv[i + 1] for i, arg in enumerate(argv) if arg == "--label"]
    assert f"io.jupyterlab-overlays.overlay={folder.name}" in labels
    assert progress[-1] == {"step": 2, "steps": 2}


async def test_a_failing_docker_build_says_why(docker, tmp_path: Path):
    docker(fail=True)
    context, _, _ = make_context(overlay(tmp_path))
    backend = LocalBuildBackend(OverlaysConfig(build_tools=["docker"]))
    with pytest.raises(JobError) as error:
        await backend.run(context)
    assert "RUN failed" in str(error.value)


async def test_push_and_export_are_refused_with_docker(docker, tmp_path: Path):
    calls = docker()
    context, _, _ = make_context(overlay(tmp_path))
    backend = LocalBuildBackend(
        OverlaysConfig(build_tools=["docker"], export_dir=str(tmp_path / "out"))
    )
    with pytest.raises(JobError) as error:
        await backend.run(context)
    assert "docker" in str(error.value)
    assert not [argv for argv in calls_of(calls) if argv[:1] == ["build"]]
