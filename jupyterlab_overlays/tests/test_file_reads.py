"""What was read from the index's files, kept on disk (``file_reads.py``)."""

from __future__ import annotations

import sqlite3
import time

from jupyterlab_overlays.file_reads import KEEP_DAYS, MISSING, FileReads, file_key

SHA = "ab" * 32


def test_values_are_kept_by_kind_hash_and_detail(tmp_path):
    path = tmp_path / "cache" / "reads.sqlite3"
    reads = FileReads(path)
    assert reads.get("names", SHA) is MISSING
    reads.put("names", SHA, "", ["a/__init__.py"])
    reads.put("module:1", SHA, "a.b", [["six"], ["a/b.py"], None, None])
    # Another process opens the same file.
    other = FileReads(path)
    assert other.get("names", SHA) == ["a/__init__.py"]
    assert other.get("module:1", SHA, "a.b") == [["six"], ["a/b.py"], None, None]
    assert other.get("module:1", SHA, "a.c") is MISSING
    assert other.get("module:2", SHA, "a.b") is MISSING
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_without_a_hash_or_when_off_nothing_is_kept(tmp_path):
    reads = FileReads(tmp_path / "reads.sqlite3")
    reads.put("names", None, "", ["x"])
    assert reads.get("names", None) is MISSING
    off = FileReads(tmp_path / "off.sqlite3", enabled=False)
    off.put("names", SHA, "", ["x"])
    assert off.get("names", SHA) is MISSING
    assert not (tmp_path / "off.sqlite3").exists()


def test_a_file_that_cannot_be_opened_keeps_nothing_and_fails_nothing(tmp_path):
    (tmp_path / "a-file").write_text("")
    reads = FileReads(tmp_path / "a-file" / "reads.sqlite3")
    reads.put("names", SHA, "", ["x"])
    assert reads.get("names", SHA) is MISSING
    # Not a database: the same.
    (tmp_path / "junk.sqlite3").write_bytes(b"not sqlite" * 100)
    junk = FileReads(tmp_path / "junk.sqlite3")
    junk.put("names", SHA, "", ["x"])
    assert junk.get("names", SHA) is MISSING


def test_entries_not_used_for_long_are_dropped(tmp_path):
    path = tmp_path / "reads.sqlite3"
    FileReads(path).put("names", SHA, "", ["x"])
    with sqlite3.connect(path) as db:
        db.execute("UPDATE reads SET used = ?", (time.time() - (KEEP_DAYS + 1) * 86400,))
    assert FileReads(path).get("names", SHA) is MISSING


def test_file_key_is_the_index_sha256_only_when_well_formed():
    assert file_key({"hashes": {"sha256": SHA}}) == SHA
    assert file_key({"hashes": {"md5": "ab" * 16}}) is None
    assert file_key({"hashes": {"sha256": "../x"}}) is None
    assert file_key({}) is None
