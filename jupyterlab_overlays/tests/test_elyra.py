"""The Elyra hand-off against a real Elyra 4.1.1 (elyra_server.py).

- Elyra's API: the server's registrar (registrar.py), where Elyra is importable,
  registers, replaces and removes runtime images through Elyra's MetadataManager, and
  leaves a runtime image the user made alone;
- file mode: the runtime-image files this extension writes when Elyra is not
  installed are read back by Elyra, and satisfy Elyra's own JSON schema.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from jupyterlab_overlays.runtime_images import write_image

from .elyra_server import ROOT, ElyraServer

pytestmark = pytest.mark.slow


REGISTER = """
import json, sys
from jupyterlab_overlays.registrar import RuntimeImageRegistrar, find_store

registrar = RuntimeImageRegistrar(find_store())
for action in json.loads(sys.argv[1]):
    if action["do"] == "register":
        done = registrar.register(
            action["overlay"],
            action["image"],
            job_id="job",
            source_hash=action.get("hash"),
            folder="overlays/" + action["overlay"],
            pull_policy=action.get("policy", "IfNotPresent"),
        )
    else:
        done = registrar.remove(action["overlay"])
    print(json.dumps(done.to_json()))
"""


def cli(server: ElyraServer, *args: str) -> tuple[int, dict | None, str]:
    """Run scripts/overlays-cli.mjs; its exit status, the JSON it printed, stderr."""
    node = shutil.which("node")
    assert node, "node is needed (make install puts the project's node_modules in place)"
    done = subprocess.run(  # noqa: S603 - our own arguments
        [node, str(ROOT / "scripts" / "overlays-cli.mjs"), *args],
        env={**os.environ, "JUPYTER_TOKEN": server.token},
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    lines = done.stdout.strip().splitlines()
    last = lines[-1] if lines else ""
    return done.returncode, json.loads(last) if last.startswith("{") else None, done.stderr


def registrar(server: ElyraServer, elyra_venv: Path, *actions: dict) -> list[dict]:
    """What the server's registrar does, in a process where Elyra is importable (as in a
    server with Elyra): one registration per action."""
    done = subprocess.run(  # noqa: S603 - our own arguments
        [str(elyra_venv / "bin" / "python"), "-c", REGISTER, json.dumps(actions)],
        env={**os.environ, "ELYRA_METADATA_PATH": str(server.metadata)},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def elyra_image(server: ElyraServer, name: str) -> tuple[int, dict]:
    return server.request("GET", f"elyra/metadata/runtime-images/{name}")


def test_registration_goes_through_elyras_api(elyra_server: ElyraServer, elyra_venv: Path):
    (created,) = registrar(
        elyra_server,
        elyra_venv,
        {
            "do": "register",
            "overlay": "train-model",
            "image": "localhost/demo-train-model:0123456789ab",
            "hash": "0123456789abcdef0123",
        },
    )
    assert (created["store"], created["outcome"]) == ("elyra", "created")

    status, image = elyra_image(elyra_server, "overlay-train-model")
    assert status == 200
    assert image["display_name"] == "Overlay train-model"
    assert image["schema_name"] == "runtime-image"
    assert image["metadata"]["image_name"] == "localhost/demo-train-model:0123456789ab"
    assert image["metadata"]["pull_policy"] == "IfNotPresent"
    assert image["metadata"]["tags"] == ["overlay", "train-model"]
    assert "0123456789ab" in image["metadata"]["description"]
    # Elyra wrote it where ELYRA_METADATA_PATH says.
    on_disk = elyra_server.metadata / "metadata" / "runtime-images" / "overlay-train-model.json"
    assert json.loads(on_disk.read_text())["metadata"]["image_name"].endswith(":0123456789ab")

    # A new build replaces it; the server answers with the new image at once.
    updated, removed = registrar(
        elyra_server,
        elyra_venv,
        {
            "do": "register",
            "overlay": "train-model",
            "image": "localhost/demo-train-model:ba9876543210",
            "policy": "Always",
        },
        {"do": "remove", "overlay": "train-model"},
    )
    assert updated["outcome"] == "updated"
    assert removed["outcome"] == "removed"
    assert elyra_image(elyra_server, "overlay-train-model")[0] == 404


def test_a_runtime_image_the_user_made_is_left_alone(elyra_server: ElyraServer, elyra_venv: Path):
    mine = {
        "name": "overlay-prep",
        "display_name": "My prep image",
        "schema_name": "runtime-image",
        "metadata": {"image_name": "quay.io/me/prep:1", "tags": ["mine"]},
    }
    status, _ = elyra_server.request("POST", "elyra/metadata/runtime-images", mine)
    assert status == 201
    failed, left = registrar(
        elyra_server,
        elyra_venv,
        {"do": "register", "overlay": "prep", "image": "localhost/x-prep:1"},
        {"do": "remove", "overlay": "prep"},
    )
    assert failed["outcome"] == "failed"
    assert "was not made by jupyterlab-overlays" in failed["error"]
    assert left["outcome"] == "unchanged"
    status, image = elyra_image(elyra_server, "overlay-prep")
    assert status == 200
    assert image["metadata"]["image_name"] == "quay.io/me/prep:1"
    assert image["display_name"] == "My prep image"


def test_files_written_without_elyra_are_read_by_elyra(elyra_server: ElyraServer):
    """What a server without Elyra writes, Elyra lists once installed."""
    folder = elyra_server.metadata / "metadata" / "runtime-images"
    instance = {
        "schema_name": "runtime-image",
        "display_name": "Overlay download-dataset",
        "metadata": {
            "image_name": "localhost/demo-download-dataset:feedbeef0000",
            "description": "Built by jupyterlab-overlays from overlays/download-dataset",
            "pull_policy": "IfNotPresent",
            "tags": ["overlay", "download-dataset"],
        },
    }
    write_image(folder, "overlay-download-dataset", instance)
    status, listing = elyra_server.request("GET", "elyra/metadata/runtime-images")
    assert status == 200
    names = {image["name"]: image for image in listing["runtime-images"]}
    assert names["overlay-download-dataset"]["metadata"] == instance["metadata"]
    assert names["overlay-download-dataset"]["display_name"] == instance["display_name"]


def test_the_files_satisfy_elyras_own_schema(elyra_venv: Path, tmp_path: Path):
    """Checked with jsonschema and the schema file of the installed Elyra."""
    folder = tmp_path / "runtime-images"
    write_image(
        folder,
        "overlay-a",
        {
            "schema_name": "runtime-image",
            "display_name": "Overlay a",
            "metadata": {"image_name": "localhost/x-a:1", "tags": ["overlay", "a"]},
        },
    )
    check = (
        "import json, sys, pathlib, jsonschema, elyra\n"
        "schema = json.loads((pathlib.Path(elyra.__file__).parent / 'metadata' / 'schemas'"
        " / 'runtime-image.json').read_text())\n"
        "instance = json.loads(pathlib.Path(sys.argv[1]).read_text())\n"
        "jsonschema.validate(instance, schema)\n"
        "bad = dict(instance, metadata=dict(instance['metadata'], tags=['a', 'a']))\n"
        "try:\n"
        "    jsonschema.validate(bad, schema)\n"
        "except jsonschema.ValidationError:\n"
        "    print('ok')\n"
    )
    done = subprocess.run(  # noqa: S603
        [str(elyra_venv / "bin" / "python"), "-c", check, str(folder / "overlay-a.json")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    # The schema is really applied: repeated tags are refused.
    assert done.stdout.strip() == "ok"


def test_this_extensions_folder_is_elyras(elyra_server: ElyraServer):
    """In one server, overlays/runtime-images and Elyra agree on the folder."""
    instance = {
        "name": "overlay-both",
        "schema_name": "runtime-image",
        "display_name": "Overlay both",
        "metadata": {"image_name": "localhost/x-both:1", "tags": ["overlay", "both"]},
    }
    status, _ = elyra_server.request("POST", "elyra/metadata/runtime-images", instance)
    assert status == 201
    status, listing = elyra_server.request("GET", "overlays/runtime-images")
    assert listing["folder"] == str(elyra_server.metadata / "metadata" / "runtime-images")
    assert "overlay-both" in [item["name"] for item in listing["images"]]


def validate(server: ElyraServer, path: Path) -> dict:
    """Elyra's validation of a pipeline file, sent as its editor sends it.

    The file holds notebook paths relative to its folder; the editor makes
    them relative to the workspace root before it asks the server.
    """
    pipeline = json.loads(path.read_text())
    folder = path.parent.relative_to(server.root)
    for node in pipeline["pipelines"][0]["nodes"]:
        parameters = node["app_data"]["component_parameters"]
        parameters["filename"] = os.path.normpath(folder / parameters["filename"])
    status, answer = server.request("POST", "elyra/pipeline/validate", pipeline)
    assert status == 200, answer
    return answer


def test_elyra_validates_a_pipeline_created_from_overlays(elyra_server: ElyraServer):
    """createPipeline (src/elyra/pipeline.ts) as Elyra's own validator sees it."""
    workspace = elyra_server.root / "project"
    shutil.copytree(ROOT / "demo", workspace)
    for name, notebook in (
        ("download-dataset", "notebooks/download_dataset.ipynb"),
        ("train-model", "notebooks/train_model.ipynb"),
    ):
        status, _, stderr = cli(
            elyra_server, "create", str(workspace), name, notebook, "--python", "3.11"
        )
        assert status == 0, stderr
    status, _, stderr = cli(
        elyra_server,
        "create-pipeline",
        str(workspace),
        "flows/overlays.pipeline",
        "notebooks/download_dataset.ipynb",
        "notebooks/preprocess_dataset.ipynb",
        "notebooks/train_model.ipynb",
        "--image",
        "download-dataset=localhost/project-download-dataset:1",
        "--image",
        "train-model=localhost/project-train-model:1",
    )
    assert status == 0, stderr
    path = workspace / "flows" / "overlays.pipeline"
    answer = validate(elyra_server, path)
    errors = [issue for issue in answer["issues"] if issue["severity"] == 1]
    assert errors == [], errors
    # The validator does look: a node whose notebook is not there is an error.
    broken = json.loads(path.read_text())
    broken["pipelines"][0]["nodes"][1]["app_data"]["component_parameters"]["filename"] = (
        "../notebooks/missing.ipynb"
    )
    (workspace / "flows" / "broken.pipeline").write_text(json.dumps(broken))
    answer = validate(elyra_server, workspace / "flows" / "broken.pipeline")
    assert [issue["type"] for issue in answer["issues"] if issue["severity"] == 1] == [
        "invalidFilePath"
    ]

    # New images applied: the tagged notebooks' nodes get them, the other keeps none,
    # and Elyra's validator still accepts the file (it checks images only for
    # non-local runtimes, so the strings are checked here).
    status, report, stderr = cli(
        elyra_server,
        "apply-images",
        str(workspace),
        "flows/overlays.pipeline",
        "--image",
        "download-dataset=localhost/project-download-dataset:2",
        "--image",
        "train-model=localhost/project-train-model:2",
    )
    assert status == 0, stderr
    assert [node["label"] for node in report["report"]["changed"]] == [
        "download_dataset",
        "train_model",
    ]
    assert [node["label"] for node in report["report"]["noOverlay"]] == ["preprocess_dataset"]
    applied = json.loads(path.read_text())
    assert [
        node["app_data"]["component_parameters"].get("runtime_image")
        for node in applied["pipelines"][0]["nodes"]
    ] == [
        "localhost/project-download-dataset:2",
        None,
        "localhost/project-train-model:2",
    ]
    answer = validate(elyra_server, path)
    assert [issue for issue in answer["issues"] if issue["severity"] == 1] == []
