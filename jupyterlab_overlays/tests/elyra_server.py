"""A real Elyra: a Jupyter server run from .venv-elyra (scripts/elyra-venv.sh).

Elyra 4.1.1 installs cleanly beside JupyterLab 4.6 but brings jupyter-ai,
jupyterlab-git, jupyterlab-lsp and more, so it has a venv of its own; this
extension is loaded in it from the source tree. OVERLAYS_ELYRA_VENV may name
another such venv.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from .jobs_fakes import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def elyra_venv() -> Path:
    """The venv with Elyra, made once."""
    given = os.environ.get("OVERLAYS_ELYRA_VENV")
    if given:
        return Path(given)
    subprocess.run([str(ROOT / "scripts" / "elyra-venv.sh")], check=True, timeout=1200)  # noqa: S603
    return ROOT / ".venv-elyra"


@dataclass
class ElyraServer:
    url: str
    token: str
    root: Path
    metadata: Path
    log: Path

    def request(self, method: str, path: str, body: object | None = None) -> tuple[int, object]:
        """Answer status and JSON of a request to the server."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310 - a local http URL
            f"{self.url}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
                text = answer.read()
                return answer.status, json.loads(text) if text else None
        except urllib.error.HTTPError as error:
            text = error.read()
            try:
                return error.code, json.loads(text)
            except ValueError:
                return error.code, text.decode(errors="replace")


@pytest.fixture(scope="module")
def elyra_server(elyra_venv: Path, tmp_path_factory) -> ElyraServer:
    """A Jupyter server with Elyra and this extension, on its own folders."""
    base = tmp_path_factory.mktemp("elyra")
    root, metadata, home = base / "root", base / "metadata", base / "home"
    for folder in (root, metadata, home):
        folder.mkdir()
    port, token = free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "ELYRA_METADATA_PATH": str(metadata),
    }
    log = base / "server.log"
    command = [
        str(elyra_venv / "bin" / "jupyter"),
        "server",
        "--no-browser",
        "--allow-root",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--OverlaysConfig.jobs_dir={base / 'jobs'}",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
    server = ElyraServer(f"http://127.0.0.1:{port}/", token, root, metadata, log)
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(f"The Elyra server stopped:\n{log.read_text()[-4000:]}")
            try:
                status, _ = server.request("GET", "elyra/metadata/runtime-images")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"The Elyra server did not start:\n{log.read_text()[-4000:]}")
            time.sleep(0.5)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
