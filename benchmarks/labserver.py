"""A `jupyter server` of this venv on 127.0.0.1 with this extension, for the benchmarks.

Its own config, data and runtime folders under ``tmp``; a token; ``OverlaysConfig``
settings as given. ``request`` sends one JSON request (urllib), ``get`` reuses one
keep-alive connection (http.client) so a measurement is not a TCP handshake.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`jupyter server` of this venv on 127.0.0.1, with this extension."""

    def __init__(self, workspace: Path, tmp: Path, overlays_config: dict) -> None:
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.base = f"http://127.0.0.1:{self.port}/"
        settings = {
            "ServerApp": {
                "ip": "127.0.0.1",
                "port": self.port,
                "port_retries": 0,
                "open_browser": False,
                "allow_root": True,
                "root_dir": str(workspace),
                "jpserver_extensions": {"jupyterlab_overlays": True},
                "log_level": "WARN",
            },
            "IdentityProvider": {"token": self.token},
            "OverlaysConfig": overlays_config,
        }
        config_file = tmp / "jupyter_server_config.json"
        config_file.write_text(json.dumps(settings))
        env = dict(os.environ)
        env.update(
            JUPYTER_CONFIG_DIR=str(tmp / "jupyter-config"),
            JUPYTER_DATA_DIR=str(tmp / "jupyter-data"),
            JUPYTER_RUNTIME_DIR=str(tmp / "jupyter-runtime"),
        )
        self.log_file = tmp / "server.log"
        self.output = open(self.log_file, "wb")  # noqa: SIM115 - closed in stop()
        jupyter = Path(sys.executable).parent / "jupyter"
        self.process = subprocess.Popen(  # noqa: S603 - our own arguments
            [str(jupyter), "server", f"--config={config_file}"],
            cwd=workspace,
            env=env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: dict | None = None) -> dict:
        """One JSON request; its JSON answer."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
            self.base + path,
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.loads(response.read() or b"{}")

    def get(self, path: str) -> tuple[int, bytes]:
        """GET over one kept-alive connection: status and body."""
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        self.connection.request("GET", "/" + path, headers={"Authorization": f"token {self.token}"})
        response = self.connection.getresponse()
        return response.status, response.read()

    def wait_ready(self, seconds: float = 60) -> float:
        """Wait until the extension answers; how long that took."""
        start = time.monotonic()
        while time.monotonic() - start < seconds:
            if self.process.poll() is not None:
                raise SystemExit(f"jupyter server ended:\n{self.log_file.read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                self.request("GET", "overlays/info")
                return time.monotonic() - start
            time.sleep(0.2)
        raise SystemExit(f"jupyter server not ready:\n{self.log_file.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.connection is not None:
            self.connection.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.output.close()
