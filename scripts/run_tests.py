"""Run every test layer, report each, and end with one line `N passed, N failed`.

Called by `make test` once everything is installed. Layers:

  lint      prettier + ESLint + tsc (TypeScript, benchmarks too), ruff check + ruff format
  jest      TypeScript units
  pytest    server units and a real Jupyter server (jp_fetch)
  package   `pip install` of a wheel built from a clean copy, in a fresh venv (both
            parts load; the package data is there)
  galata    JupyterLab in Debian's chromium (ui-tests/)

`python scripts/run_tests.py jest pytest` runs only the layers named.
Exit status: 0 when every layer ran and nothing failed, 1 otherwise.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET  # our own pytest report, not untrusted
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / ".test-results"
VENV_BIN = Path(sys.executable).parent


@dataclass
class Outcome:
    passed: int = 0
    failed: int = 0
    note: str = ""


def run(argv: list[str], cwd: Path = ROOT, env: dict | None = None) -> int:
    """Run a command with its output going straight to ours."""
    print(f"$ {' '.join(argv)}", flush=True)
    return subprocess.call(argv, cwd=cwd, env=env)


def lint() -> Outcome:
    checks = {
        "prettier": ["jlpm", "prettier:check"],
        "eslint": ["jlpm", "eslint:check"],
        # The extension's sources and the TypeScript benchmarks (which jest never compiles).
        "tsc": ["jlpm", "typecheck"],
        "ruff check": [str(VENV_BIN / "ruff"), "check", "."],
        "ruff format": [str(VENV_BIN / "ruff"), "format", "--check", "."],
    }
    outcome = Outcome()
    failed = []
    for name, argv in checks.items():
        if run(argv) == 0:
            outcome.passed += 1
        else:
            outcome.failed += 1
            failed.append(name)
    outcome.note = f"failed: {', '.join(failed)}" if failed else ""
    return outcome


def jest() -> Outcome:
    report = RESULTS / "jest.json"
    report.unlink(missing_ok=True)
    run(["jlpm", "jest", "--ci", "--json", f"--outputFile={report}"])
    if not report.exists():
        return Outcome(failed=1, note="jest wrote no report")
    data = json.loads(report.read_text())
    # A suite that fails to compile has no tests but must count as a failure.
    broken = data.get("numRuntimeErrorTestSuites", 0)
    return Outcome(data["numPassedTests"], data["numFailedTests"] + broken)


def pytest() -> Outcome:
    report = RESULTS / "pytest.xml"
    report.unlink(missing_ok=True)
    code = run([sys.executable, "-m", "pytest", "-q", f"--junitxml={report}"])
    if not report.exists():
        return Outcome(failed=1, note=f"pytest exited {code} with no report")
    suites = ET.parse(report).getroot()  # noqa: S314 - written by pytest just now
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for suite in suites.iter("testsuite"):
        for key in totals:
            totals[key] += int(suite.get(key, 0))
    failed = totals["failures"] + totals["errors"]
    outcome = Outcome(totals["tests"] - failed - totals["skipped"], failed)
    if code not in (0, 1):  # 1 = some tests failed; anything else is an error
        outcome.failed += 1
        outcome.note = f"pytest exited {code}"
    return outcome


def package() -> Outcome:
    """Build a wheel from the files git knows (as a clean clone has them) and
    install it into a fresh venv, then ask Jupyter whether both parts load."""
    outcome = Outcome()
    with tempfile.TemporaryDirectory(prefix="overlays-package-") as tmp:
        source = Path(tmp) / "source"
        files = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        ).stdout.split(b"\0")
        for name in filter(None, files):
            path = ROOT / os.fsdecode(name)
            if path.is_file():
                target = source / os.fsdecode(name)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)

        wheels = Path(tmp) / "wheels"
        venv = Path(tmp) / "venv"
        steps = [
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(wheels), str(source)],
            [sys.executable, "-m", "venv", str(venv)],
        ]
        for argv in steps:
            if run(argv) != 0:
                return Outcome(failed=1, note=f"failed: {' '.join(argv[:4])}")
        wheel = next(wheels.glob("jupyterlab_overlays-*.whl"))
        if run([str(venv / "bin" / "pip"), "install", "-q", f"{wheel}[lab]"]) != 0:
            return Outcome(failed=1, note="pip install of the wheel failed")

        env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
        env.pop("JUPYTER_PATH", None)
        env.pop("JUPYTER_CONFIG_DIR", None)
        # Each listing must show the extension enabled and validated OK.
        expectations = {
            "labextension": (
                ["jupyter", "labextension", "list"],
                [r"jupyterlab-overlays v[\d.]+\S* enabled\s+OK"],
            ),
            "server extension": (
                ["jupyter", "server", "extension", "list"],
                [r"jupyterlab_overlays enabled", r"jupyterlab_overlays [\d.]+\S* OK"],
            ),
            # The package data the server reads (the long-tail import table).
            "package data": (
                [
                    str(venv / "bin" / "python"),
                    "-c",
                    "from jupyterlab_overlays import providers; "
                    "print(providers.lookup(['sksurv']), providers.provider_of('sklearn'))",
                ],
                [r"scikit-survival", r"scikit-learn"],
            ),
        }
        failed = []
        for name, (argv, patterns) in expectations.items():
            result = subprocess.run(argv, env=env, capture_output=True, text=True)
            text = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)
            print(text)
            if result.returncode == 0 and all(re.search(p, text) for p in patterns):
                outcome.passed += 1
            else:
                outcome.failed += 1
                failed.append(name)
        outcome.note = f"not enabled and OK: {', '.join(failed)}" if failed else ""
    return outcome


def galata() -> Outcome:
    ui = ROOT / "ui-tests"
    report = ui / "test-results" / "results.json"
    report.unlink(missing_ok=True)
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}", "CI": "true"}
    code = run(["jlpm", "playwright", "test"], cwd=ui, env=env)
    if not report.exists():
        return Outcome(failed=1, note=f"playwright exited {code} with no report")
    stats = json.loads(report.read_text())["stats"]
    outcome = Outcome(stats.get("expected", 0), stats.get("unexpected", 0) + stats.get("flaky", 0))
    if stats.get("skipped"):
        outcome.note = f"{stats['skipped']} skipped"
    if code != 0 and outcome.failed == 0:
        outcome.failed = 1
        outcome.note = f"playwright exited {code}"
    return outcome


LAYERS = {"lint": lint, "jest": jest, "pytest": pytest, "package": package, "galata": galata}


def main(names: list[str]) -> int:
    unknown = [name for name in names if name not in LAYERS]
    if unknown:
        print(f"unknown layer(s): {', '.join(unknown)}; known: {', '.join(LAYERS)}")
        return 2
    RESULTS.mkdir(exist_ok=True)
    results: dict[str, tuple[Outcome, float]] = {}
    for name in names or list(LAYERS):
        print(f"\n===== {name} =====", flush=True)
        start = time.monotonic()
        try:
            outcome = LAYERS[name]()
        except Exception as error:  # a broken layer is a failure, not a crash
            outcome = Outcome(failed=1, note=f"{type(error).__name__}: {error}")
        results[name] = (outcome, time.monotonic() - start)

    print("\n===== summary =====")
    for name, (outcome, seconds) in results.items():
        note = f"  ({outcome.note})" if outcome.note else ""
        counts = f"{outcome.passed:4} passed {outcome.failed:3} failed"
        print(f"{name:8} {counts} {seconds:7.1f} s{note}")
    passed = sum(outcome.passed for outcome, _ in results.values())
    failed = sum(outcome.failed for outcome, _ in results.values())
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
