"""The payload of ``GET overlays/environment``: what a kernelspec's Python can import.

The kernelspec's interpreter (its ``argv[0]``; the rest of argv is never used) runs the
probe in ``_probe.py`` with an argument list and a timeout. No kernel is started. Results
are cached per kernelspec until asked to refresh or until the kernelspec's command changes.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from importlib.resources import files
from string import Template

from jupyter_client.kernelspec import NoSuchKernel
from jupyter_core.utils import ensure_async

from .config import OverlaysConfig
from .errors import RequestError

# The program the kernelspec's Python runs with ``-c``.
PROBE = files(__package__).joinpath("_probe.py").read_text(encoding="utf-8")

# jupyter_client's rule for kernelspec names (folder names under kernels/).
_KERNEL_NAME_RE = re.compile(r"^[a-z0-9._\-]+$", re.IGNORECASE)
_PYTHON_LANGUAGE_RE = re.compile(r"^python[0-9.]*$", re.IGNORECASE)

# Like jupyter_client, run a bare ``python``/``python3``/``python3.11`` as the server's
# own interpreter: that is what a kernel started from this kernelspec would run.
_SERVER_PYTHON_NAMES = frozenset(
    {"python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info[:2])}
)

_STDERR_LINES = 10
_STDERR_CHARS = 2000


def interpreter_of(name: str, spec) -> str:
    """The Python of kernelspec ``name``: its ``argv[0]``, as jupyter_client would run it."""
    language = (spec.language or "").strip()
    if not _PYTHON_LANGUAGE_RE.match(language):
        raise RequestError(
            400,
            f"Kernelspec {name!r} is not a Python kernel "
            f"(its language is {language or 'not set'}).",
        )
    argv = list(spec.argv or [])
    if not argv or not argv[0]:
        raise RequestError(502, f"Kernelspec {name!r} has no command (empty argv).")
    return sys.executable if argv[0] in _SERVER_PYTHON_NAMES else argv[0]


def kernel_env(spec, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a kernel of ``spec`` would get: ours plus the spec's ``env``.

    ``${VAR}`` in the spec's values is replaced from ours, as jupyter_client does.
    """
    env = dict(os.environ if base is None else base)
    extra = spec.env or {}
    env.update({key: Template(str(value)).safe_substitute(env) for key, value in extra.items()})
    return env


def stderr_tail(stderr: str) -> str:
    """The last lines of a failed interpreter's stderr, short enough for a message."""
    lines = [line.rstrip() for line in stderr.strip().splitlines() if line.strip()]
    tail = "\n".join(lines[-_STDERR_LINES:])
    if len(tail) > _STDERR_CHARS:
        tail = "…" + tail[-_STDERR_CHARS:]
    return tail


def parse_probe_output(stdout: str) -> dict:
    """The probe's JSON (its last non-empty line of output), checked; ValueError if not."""
    lines = [line for line in stdout.splitlines() if line.strip()]
    if not lines:
        raise ValueError("it printed nothing")
    try:
        payload = json.loads(lines[-1])
    except ValueError:
        raise ValueError(f"it did not print JSON: {lines[-1][:200]!r}") from None
    if not isinstance(payload, dict):
        raise ValueError("it printed JSON that is not an object")

    version = payload.get("python_version")
    stdlib = payload.get("stdlib")
    packages = payload.get("packages")
    warnings = payload.get("warnings", [])
    if not isinstance(version, str) or not version:
        raise ValueError("its answer has no python_version")
    if stdlib is not None and not (
        isinstance(stdlib, list) and all(isinstance(item, str) for item in stdlib)
    ):
        raise ValueError("its stdlib is not a list of names")
    if not isinstance(packages, dict) or not all(
        isinstance(entries, list)
        and all(
            isinstance(entry, dict) and isinstance(entry.get("distribution"), str)
            for entry in entries
        )
        for entries in packages.values()
    ):
        raise ValueError("its packages are not a map of import names to distributions")
    if not isinstance(warnings, list):
        raise ValueError("its warnings are not a list")
    executable = payload.get("executable")
    return {
        "python_version": version,
        "executable": executable if isinstance(executable, str) else None,
        "stdlib": stdlib,
        "packages": {
            str(name): [
                {"distribution": entry["distribution"], "version": entry.get("version")}
                for entry in entries
            ]
            for name, entries in packages.items()
        },
        "warnings": [str(warning) for warning in warnings],
    }


async def probe_python(
    python: str, env: dict[str, str], timeout: float, *, name: str | None = None
) -> dict:
    """Run the probe with ``python``; RequestError(502) when it fails."""
    who = f"The Python of kernelspec {name!r} ({python})" if name else f"The Python {python}"
    try:
        proc = await asyncio.create_subprocess_exec(
            python,
            "-c",
            PROBE,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
        )
    except OSError as error:
        raise RequestError(502, f"{who} cannot be run: {error}") from error
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except asyncio.TimeoutError:
        proc.kill()
        await proc.wait()
        raise RequestError(502, f"{who} did not answer within {timeout:g} s.") from None

    stderr = stderr_tail(err.decode(errors="replace"))
    if proc.returncode != 0:
        message = f"{who} failed with exit code {proc.returncode}"
        raise RequestError(502, f"{message}:\n{stderr}" if stderr else f"{message}.")
    try:
        return parse_probe_output(out.decode(errors="replace"))
    except ValueError as error:
        message = f"{who} gave no usable answer: {error}"
        raise RequestError(502, f"{message}\n{stderr}" if stderr else message) from None


class EnvironmentService:
    """Probe kernelspecs' Pythons, one at a time per kernelspec, and remember the answers."""

    def __init__(self, kernel_spec_manager, config: OverlaysConfig) -> None:
        self._kernel_specs = kernel_spec_manager
        self._config = config
        self._cache: dict[str, tuple[tuple, dict]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def _spec(self, name: str):
        if not _KERNEL_NAME_RE.match(name):
            raise RequestError(
                400,
                f"{name!r} is not a kernelspec name (letters, digits, '.', '_' and '-' only).",
            )
        try:
            return await ensure_async(self._kernel_specs.get_kernel_spec(name))
        except NoSuchKernel:
            raise RequestError(404, f"No kernelspec named {name!r}.") from None
        except (OSError, ValueError) as error:
            raise RequestError(502, f"Kernelspec {name!r} cannot be read: {error}") from None

    async def environment(self, name: str, refresh: bool = False) -> dict:
        """The environment of kernelspec ``name``, from the cache unless ``refresh``."""
        spec = await self._spec(name)
        python = interpreter_of(name, spec)
        # What identifies the probed interpreter: a changed kernelspec is probed again.
        command = (python, tuple(sorted((spec.env or {}).items())))
        key = name.lower()
        async with self._locks.setdefault(key, asyncio.Lock()):
            cached = self._cache.get(key)
            if cached is not None and cached[0] == command and not refresh:
                return {**cached[1], "kernel": name, "cached": True}
            result = await probe_python(
                python, kernel_env(spec), self._config.environment_timeout, name=name
            )
            self._cache[key] = (command, result)
        return {**result, "kernel": name, "cached": False}
