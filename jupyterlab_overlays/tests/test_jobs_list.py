"""``GET overlays/jobs`` in pages and as the sidebar's current view; the store's indexes.

- ``limit`` (1 to 500) and ``before=<job id>`` page the list, newest first; ``next`` is
  the ``before`` of the next page, null on the last. Without ``limit``: every job.
- A ``before`` that is not a job id is 400; a job id that no job has is **404** (as for
  ``GET jobs/<id>``): the cursor names a job, and that job is not there.
- ``view=current``: every active job and, per overlay, the newest job of each kind and the
  newest succeeded build, each once, newest first: bounded whatever the history holds.
- The store answers from indexes (``EXPLAIN QUERY PLAN``), and a database made before the
  indexes gets them when opened.
"""

from __future__ import annotations

import json
import random
import sqlite3

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_overlays import JOBS_SETTING
from jupyterlab_overlays.jobs.base import Job, JobKind, JobState
from jupyterlab_overlays.jobs.store import SCHEMA_VERSION, JobStore

from .jobs_fakes import FakeBackends, make_overlay, wait_until

ACTIVE = (JobState.QUEUED, JobState.RUNNING)
ENDED = (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


@pytest.fixture
def jobs_dir(tmp_path):
    return tmp_path / "jobs"


@pytest.fixture
def jp_server_config(jobs_dir):
    return {
        "ServerApp": {"jpserver_extensions": {"jupyterlab_overlays": True}},
        "OverlaysConfig": {"jobs_dir": str(jobs_dir), "cancel_grace_period": 2.0},
    }


@pytest.fixture
def service(jp_serverapp):
    return jp_serverapp.web_app.settings[JOBS_SETTING]


class Recorder:
    """Adds job records, numbered in the order they are made (the id is the number)."""

    def __init__(self, store: JobStore) -> None:
        self.store = store
        self.count = 0

    def add(self, overlay: str, kind: str = "build", state: JobState = JobState.SUCCEEDED) -> str:
        number = self.count
        self.count += 1
        job_id = f"{number:032x}"
        self.store.add(
            Job(
                id=job_id,
                overlay=overlay,
                kind=JobKind(kind),
                backend="fake",
                state=state,
                created=f"2024-01-01T00:{number // 60 % 60:02d}:{number % 60:02d}.000Z",
                image=f"localhost/x-{overlay}:{number}" if state == JobState.SUCCEEDED else None,
            )
        )
        return job_id


@pytest.fixture
def records(service):
    """Records in the server's own store."""
    return Recorder(service.store)


async def get_jobs(jp_fetch, **params) -> dict:
    return json.loads((await jp_fetch("overlays", "jobs", params=params)).body)


async def error_of(jp_fetch, **params) -> tuple[int, str]:
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("overlays", "jobs", params=params)
    response = error.value.response
    assert response.headers["Content-Type"].startswith("application/json")
    return error.value.code, json.loads(response.body)["message"]


def ids(answer: dict) -> list[str]:
    return [job["id"] for job in answer["jobs"]]


def expected_current(jobs: list[dict]) -> list[str]:
    """What view=current holds, worked out from the whole list (newest first)."""
    keep: list[str] = []
    seen: set = set()
    for job in jobs:
        keys = [("active", job["id"])] if job["state"] in {"queued", "running"} else []
        keys.append(("newest", job["overlay"], job["kind"]))
        if job["kind"] == "build" and job["state"] == "succeeded":
            keys.append(("built", job["overlay"]))
        new = [key for key in keys if key not in seen]
        seen.update(keys)
        if new:
            keep.append(job["id"])
    return keep


# Paging.


async def test_pages_follow_next_newest_first(jp_fetch, records):
    made = [records.add(f"ov-{n % 2}", "build" if n % 3 else "lock") for n in range(25)]
    everything = await get_jobs(jp_fetch)
    assert everything["next"] is None
    assert ids(everything) == made[::-1]

    pages, before = [], None
    while True:
        params = {"limit": "10", **({"before": before} if before else {})}
        page = await get_jobs(jp_fetch, **params)
        pages.append(ids(page))
        before = page["next"]
        if before is None:
            break
        assert before == page["jobs"][-1]["id"]
    assert [len(page) for page in pages] == [10, 10, 5]
    assert [job_id for page in pages for job_id in page] == made[::-1]

    # Exactly a page left: no next, rather than an empty page after it.
    assert (await get_jobs(jp_fetch, limit="5", before=made[5]))["next"] is None
    assert ids(await get_jobs(jp_fetch, limit="5", before=made[5])) == made[4::-1]
    # before alone: everything older, newest first.
    assert ids(await get_jobs(jp_fetch, before=made[3])) == made[2::-1]
    assert await get_jobs(jp_fetch, before=made[0]) == {"jobs": [], "next": None}
    assert ids(await get_jobs(jp_fetch, limit="500")) == made[::-1]
    assert ids(await get_jobs(jp_fetch, limit="1")) == [made[-1]]


async def test_pages_of_one_overlay(jp_fetch, records):
    made = [records.add(f"ov-{n % 3}") for n in range(30)]
    of_one = [job_id for n, job_id in enumerate(made) if n % 3 == 1][::-1]
    first = await get_jobs(jp_fetch, overlay="ov-1", limit="4")
    assert ids(first) == of_one[:4]
    assert first["next"] == of_one[3]
    # The cursor may be any job, of this overlay or not.
    rest = await get_jobs(jp_fetch, overlay="ov-1", before=made[20])
    assert ids(rest) == [job_id for job_id in of_one if job_id < made[20]]
    assert (await get_jobs(jp_fetch, overlay="other", limit="3")) == {"jobs": [], "next": None}


@pytest.mark.parametrize(
    ("params", "status", "needle"),
    [
        ({"limit": "0"}, 400, "limit"),
        ({"limit": "501"}, 400, "limit"),
        ({"limit": "-1"}, 400, "limit"),
        ({"limit": "1.5"}, 400, "limit"),
        ({"limit": "ten"}, 400, "limit"),
        ({"limit": ""}, 400, "limit"),
        ({"limit": "\u0661\u0660"}, 400, "limit"),  # Arabic-Indic 10: isdigit(), not ASCII
        ({"before": "nope"}, 400, "before"),
        ({"before": "F" * 32}, 400, "before"),
        ({"before": "../" + "0" * 29}, 400, "before"),
        ({"before": "e" * 32}, 404, "e" * 32),
        ({"view": "everything"}, 400, "view"),
        ({"view": "current", "limit": "5"}, 400, "view=current"),
        ({"view": "current", "before": "0" * 32}, 400, "view=current"),
        ({"overlay": "../x", "view": "current"}, 400, "overlay name"),
    ],
)
async def test_bad_parameters(jp_fetch, records, params, status, needle):
    records.add("ov-a")
    code, message = await error_of(jp_fetch, **params)
    assert code == status
    assert needle in message


# view=current.


async def test_current_holds_what_the_sidebar_shows(jp_fetch, records):
    r = records
    old_built = r.add("a", "build", JobState.SUCCEEDED)
    r.add("a", "build", JobState.FAILED)
    r.add("a", "lock", JobState.SUCCEEDED)
    newest_lock_a = r.add("a", "lock", JobState.FAILED)
    newest_build_a = r.add("a", "build", JobState.CANCELLED)
    r.add("b", "build", JobState.SUCCEEDED)
    built_b = r.add("b", "build", JobState.SUCCEEDED)  # also its newest build: listed once
    running_b = r.add("b", "lock", JobState.RUNNING)
    # An older build of c still running while a newer one waits (two active builds).
    running_c = r.add("c", "build", JobState.RUNNING)
    queued_c = r.add("c", "build", JobState.QUEUED)

    current = await get_jobs(jp_fetch, view="current")
    assert current["next"] is None
    assert ids(current) == [
        queued_c,
        running_c,
        running_b,
        built_b,
        newest_build_a,
        newest_lock_a,
        old_built,
    ]
    assert ids(current) == expected_current((await get_jobs(jp_fetch))["jobs"])
    # Whole records, as GET jobs/<id> gives them.
    job = json.loads((await jp_fetch("overlays", "jobs", old_built)).body)
    assert current["jobs"][-1] == job

    of_c = await get_jobs(jp_fetch, view="current", overlay="c")
    assert ids(of_c) == [queued_c, running_c]
    assert ids(await get_jobs(jp_fetch, view="current", overlay="a")) == [
        newest_build_a,
        newest_lock_a,
        old_built,
    ]
    assert await get_jobs(jp_fetch, view="current", overlay="zzz") == {
        "jobs": [],
        "next": None,
        "runtime_images": {},
    }
    assert ids(await get_jobs(jp_fetch, view="all")) == ids(await get_jobs(jp_fetch))


async def test_current_is_bounded_by_the_overlays_not_the_history(jp_fetch, records):
    rng = random.Random(4)  # noqa: S311 - test data
    for _ in range(300):
        records.add(rng.choice(["a", "b", "c"]), rng.choice(["build", "lock"]), rng.choice(ENDED))
    active = [records.add("b", "build", JobState.RUNNING), records.add("a", "lock", ACTIVE[0])]
    for _ in range(20):
        records.add(rng.choice(["a", "b", "c"]), rng.choice(["build", "lock"]), JobState.FAILED)

    everything = (await get_jobs(jp_fetch))["jobs"]
    assert len(everything) == 322
    current = await get_jobs(jp_fetch, view="current")
    assert len(current["jobs"]) <= 3 * 3 + len(active)
    assert set(active) <= set(ids(current))
    assert ids(current) == expected_current(everything)
    assert len(set(ids(current))) == len(current["jobs"])


async def test_current_shows_live_jobs_from_memory(jp_fetch, service, jp_root_dir):
    fake = FakeBackends()
    service.backends = {JobKind.BUILD: fake, JobKind.LOCK: fake}
    make_overlay(jp_root_dir, "wait-a")
    response = await jp_fetch(
        "overlays", "jobs", method="POST", body=json.dumps({"overlay": "wait-a", "kind": "build"})
    )
    job = json.loads(response.body)
    await wait_until(lambda: job["id"] in fake.started)
    await wait_until(lambda: service.get(job["id"]).progress == {"step": 1, "steps": 2})
    live = (await get_jobs(jp_fetch, view="current"))["jobs"]
    assert [(item["id"], item["state"], item["progress"]) for item in live] == [
        (job["id"], "running", {"step": 1, "steps": 2})
    ]
    fake.release(job["id"])
    await wait_until(lambda: service.get(job["id"]).state.ended)
    done = (await get_jobs(jp_fetch, view="current"))["jobs"]
    assert [(item["id"], item["state"]) for item in done] == [(job["id"], "succeeded")]


# The store: indexes, query plans, bounded work.


@pytest.fixture
def store(tmp_path):
    store = JobStore(tmp_path / "store")
    yield store
    store.close()


def fill(store: JobStore, count: int, overlays=("a", "b", "c"), seed: int = 1) -> Recorder:
    rng = random.Random(seed)  # noqa: S311 - test data
    recorder = Recorder(store)
    for _ in range(count):
        recorder.add(rng.choice(overlays), rng.choice(["build", "lock"]), rng.choice(ENDED))
    recorder.add(overlays[0], "build", JobState.QUEUED)
    return recorder


def plan_of(store: JobStore, sql_and_params) -> list[str]:
    return store.query_plan(*sql_and_params)


@pytest.mark.parametrize("overlay", [None, "b"])
def test_current_query_uses_the_indexes(store, overlay):
    fill(store, 300)
    plan = plan_of(store, store._current_sql(overlay))
    text = "\n".join(plan)
    # No step reads the whole table (the SCANs left are of the query's own CTEs).
    assert not [line for line in plan if line.startswith("SCAN jobs")], text
    assert "TEMP B-TREE FOR ORDER BY" not in text
    assert "jobs_overlay (overlay=? AND kind=?)" in text  # the newest of each kind
    assert "USING INDEX jobs_built (overlay=?)" in text  # the newest succeeded build
    assert "jobs_state (state=?)" in text  # the active jobs
    if overlay is None:
        # The overlays, by a skip-scan of an index: one seek each.
        assert "COVERING INDEX jobs_overlay_seq (overlay>?)" in text


@pytest.mark.parametrize(
    ("args", "step"),
    [
        (("b", 10, None), "SEARCH jobs USING INDEX jobs_overlay_seq (overlay=?)"),
        (("b", 10, 123), "SEARCH jobs USING INDEX jobs_overlay_seq (overlay=? AND seq<?)"),
        (("b", None, None), "SEARCH jobs USING INDEX jobs_overlay_seq (overlay=?)"),
        ((None, 10, 123), "SEARCH jobs USING INTEGER PRIMARY KEY (rowid<?)"),
        # Every job, newest first: the table in its own order, stopping after the page.
        ((None, 10, None), "SCAN jobs"),
    ],
)
def test_page_queries_use_the_indexes(store, args, step):
    fill(store, 300)
    plan = plan_of(store, store._page_sql(*args))
    assert plan == [step]  # in particular no TEMP B-TREE: no sort


def test_current_reads_as_much_with_ten_times_the_history(tmp_path):
    """The work (SQLite VM steps) for view=current hardly grows with the history."""

    def steps(count: int) -> tuple[int, int]:
        store = JobStore(tmp_path / f"store-{count}")
        try:
            fill(store, count)
            counted = [0]

            def tick() -> int:
                counted[0] += 1
                return 0

            store._db.set_progress_handler(tick, 10)
            answer = store.current()
            store._db.set_progress_handler(None, 10)
            return counted[0], len(answer)
        finally:
            store.close()

    small, small_count = steps(300)
    large, large_count = steps(3000)
    assert small_count <= 3 * 3 + 1 and large_count <= 3 * 3 + 1
    assert large < small * 1.5, (small, large)


def test_page_and_current_in_the_store(store):
    recorder = fill(store, 40)
    newest = [job.id for job in store.list()]
    page, next_id = store.page(limit=15)
    assert [job.id for job in page] == newest[:15] and next_id == newest[14]
    page, next_id = store.page(limit=30, before=next_id)
    assert [job.id for job in page] == newest[15:] and next_id is None
    with pytest.raises(KeyError):
        store.page(before="e" * 32)
    for bad in (0, 501):
        with pytest.raises(ValueError, match="limit"):
            store.page(limit=bad)
    assert recorder.count == 41


def test_a_database_made_before_the_indexes_gets_them(tmp_path):
    folder = tmp_path / "old"
    JobStore(folder).close()
    db = sqlite3.connect(folder / "jobs.sqlite3")
    db.executescript("DROP INDEX jobs_overlay_seq; DROP INDEX jobs_built;")
    db.close()

    store = JobStore(folder)
    try:
        names = {
            row[0]
            for row in store._db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
        assert {"jobs_overlay", "jobs_state", "jobs_overlay_seq", "jobs_built"} <= names
        assert store._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 1
        Recorder(store).add("a")
        assert [job.overlay for job in store.current()] == ["a"]
    finally:
        store.close()
    # Opening again (indexes there already) changes nothing.
    JobStore(folder).close()
