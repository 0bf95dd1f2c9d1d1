"""The REST API under random, hostile input (seeded, bounded): no answer is a 5xx, no
file outside ``overlays/`` and the two YAML files changes, and no request stalls.

About 600 requests a run over every endpoint, with names, paths, queries and bodies
drawn from what broke servers before: traversal, encodings, control characters,
numbers where strings go, huge values, wrong types. Jobs run with the fake backend.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_overlays import JOBS_SETTING
from jupyterlab_overlays.handlers import IndexCheckHandler
from jupyterlab_overlays.index_check import IndexChecks
from jupyterlab_overlays.jobs.base import JobKind

from .jobs_fakes import FakeBackends, make_overlay

NAMES = [
    "", ".", "..", "../x", "a/b", "a\\b", "%2e%2e", "..%2f", "tiny\n", "a\x00b", "ünï",
    "train_", "a_-b", "x" * 64, "x" * 5000, " ", "fail-a", "fail-b", "Fail-A", "wait",
    "overlays", ".thoth.yaml", "-x", "0", "null",
]  # fmt: skip
VALUES = [None, 0, -1, 1.5, True, [], {}, "", "x" * 100_000, ["fail-a"], {"a": 1}]
QUERY = ["", "0", "-1", "²", "٣", "9" * 40, "1e3", "%00", "500", "501", "abc", "x" * 300]


def pick(rng: random.Random, items):
    return items[rng.randrange(len(items))]


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the workspace but those the extension may write."""
    files = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] == "overlays" or str(relative) in (".thoth.yaml", ".aicoe-ci.yaml"):
            continue
        if path.is_file() and not path.is_symlink():
            files[str(relative)] = path.read_bytes()
    return files


def request(rng: random.Random, job_ids: list[str]):
    """One random request: (method, path parts, query params, body)."""
    name, value = pick(rng, NAMES), pick(rng, VALUES)
    job = pick(rng, job_ids) if job_ids and rng.random() < 0.5 else pick(rng, NAMES)
    config_file = pick(rng, [".thoth.yaml", ".aicoe-ci.yaml", name])
    content = json.dumps({"content": pick(rng, VALUES + NAMES)})
    submit = json.dumps({"overlay": pick(rng, [name, value]), "kind": pick(rng, [*NAMES, value])})
    junk = pick(rng, ["{", "[]", "null", '"x"', json.dumps(value)])
    query = {pick(rng, ["overlay", "limit", "before", "view"]): pick(rng, QUERY + NAMES)}
    renamed = json.dumps(
        {"overlay": name, "new_name": pick(rng, [*NAMES, None]), "runtime_image": value}
    )
    choices = [
        ("GET", ("overlays", "info"), {}, None),
        ("GET", ("overlays", "environment"), {"kernel": name}, None),
        ("GET", ("overlays", "config-files", name), {}, None),
        ("PUT", ("overlays", "config-files", config_file), {}, content),
        ("PUT", ("overlays", "config-files", ".aicoe-ci.yaml"), {}, json.dumps(value)),
        ("POST", ("overlays", "jobs"), {}, submit),
        ("POST", ("overlays", "jobs"), {}, junk),
        ("GET", ("overlays", "jobs"), query, None),
        ("GET", ("overlays", "jobs", job), {}, None),
        ("GET", ("overlays", "jobs", job, "log"), {"offset": pick(rng, QUERY)}, None),
        ("DELETE", ("overlays", "jobs", job), {}, None),
        ("GET", ("overlays", "overlay-status"), {"overlay": name}, None),
        ("POST", ("overlays", "overlay-renamed"), {}, renamed),
        ("GET", ("overlays", "runtime-images"), {}, None),
        ("GET", ("overlays", "index-check"), {"name": name, "python": pick(rng, QUERY)}, None),
    ]
    return pick(rng, choices)


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_random_requests_never_5xx_nor_touch_other_files(
    jp_fetch, jp_serverapp, jp_root_dir, seed, monkeypatch, tmp_path
):
    monkeypatch.setenv("ELYRA_METADATA_PATH", str(tmp_path / "elyra"))
    # No index: every check answers "unknown" at once, without the network.
    monkeypatch.setattr(IndexCheckHandler, "checks", IndexChecks("http://127.0.0.1:9/", timeout=1))
    service = jp_serverapp.web_app.settings[JOBS_SETTING]
    fake = FakeBackends()
    service.backends = {JobKind.BUILD: fake, JobKind.LOCK: fake}
    for name in ("fail-a", "fail-b"):
        make_overlay(jp_root_dir, name)
    (jp_root_dir / "notebooks").mkdir()
    (jp_root_dir / "notebooks" / "pipeline_utils.py").write_text("def helper(): ...\n")
    (jp_root_dir / "notebook.ipynb").write_text("{}")
    before = snapshot(jp_root_dir)
    rng = random.Random(seed)  # noqa: S311 - reproducible test input
    job_ids: list[str] = []
    statuses: dict[int, int] = {}
    slowest = 0.0
    for _ in range(200):
        method, parts, params, body = request(rng, job_ids)
        started = time.monotonic()
        try:
            response = await jp_fetch(*parts, method=method, params=params, body=body)
            code, text = response.code, response.body
        except HTTPClientError as error:
            code, text = error.code, error.response.body if error.response else b""
        except ValueError:  # the client itself refuses the URL (e.g. a NUL byte)
            continue
        slowest = max(slowest, time.monotonic() - started)
        statuses[code] = statuses.get(code, 0) + 1
        assert code < 500, f"{method} {parts} {params} {str(body)[:200]}: {code} {text[:300]!r}"
        if method == "POST" and parts[-1] == "jobs" and code == 202:
            job_ids.append(json.loads(text)["id"])
    assert snapshot(jp_root_dir) == before
    assert slowest < 2.0, f"a request took {slowest:.2f} s"
    assert sum(statuses.values()) > 150 and any(400 <= code < 500 for code in statuses)
