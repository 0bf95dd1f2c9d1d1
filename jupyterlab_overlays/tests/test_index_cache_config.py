"""The index checks of the endpoint keep what they read where ``index_cache`` says."""

from __future__ import annotations

import pytest

from jupyterlab_overlays.handlers import IndexCheckHandler
from jupyterlab_overlays.index_check import IndexChecks


@pytest.fixture
def jp_server_config(jp_server_config, tmp_path):
    return {**jp_server_config, "OverlaysConfig": {"index_cache": str(tmp_path / "reads.sqlite3")}}


async def test_the_endpoint_keeps_what_it_reads_where_the_config_says(
    jp_fetch, monkeypatch, tmp_path
):
    async def fake_files(self, normalized):
        return []

    monkeypatch.setattr(IndexChecks, "_files", fake_files)
    monkeypatch.setattr(IndexCheckHandler, "checks", None)
    monkeypatch.setattr(IndexCheckHandler, "module_checks", None)
    await jp_fetch("overlays", "index-check", params={"name": "six"})
    store = IndexCheckHandler.checks.store
    assert store.path == tmp_path / "reads.sqlite3"
    # One file for both (the module checks' own client and threads share it).
    assert IndexCheckHandler.module_checks.checks.store is store
    store.put("names", "ab" * 32, "", ["six.py"])
    assert (tmp_path / "reads.sqlite3").is_file()
