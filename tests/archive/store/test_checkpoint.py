"""WAL checkpoints in a thread while a crawl writes (``archive.store.checkpoint``): the
crawl's connection stops checkpointing, a second connection does it, committed rows
reach the database file itself, and the setting comes back afterwards."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from archive.run import crawl as run_crawl
from archive.store import checkpoint
from archive.store.checkpoint import BackgroundCheckpoints
from archive.store.schema import open_archive
from crawler.sample_site import SampleSite
from tests.support.sample_crawl import crawl_sample


def _autocheckpoint(db: sqlite_utils.Database) -> int:
    return int(db.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])


def test_commits_reach_the_database_file_by_the_thread(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "a.db")
    try:
        before = _autocheckpoint(db)
        assert before > 0
        db.execute("CREATE TABLE scratch (n INTEGER)")
        with BackgroundCheckpoints(db, wal_bytes=1, poll=0.01) as found:
            assert _autocheckpoint(db) == 0  # the crawl's connection no longer does it
            with db.conn:
                db.conn.executemany("INSERT INTO scratch VALUES (?)", [(i,) for i in range(500)])
            assert found.checkpointed.wait(10)
            assert found.last is not None and found.last[2] > 0
            # the database file alone (no WAL beside it) holds the committed rows
            shutil.copy(tmp_path / "a.db", tmp_path / "copy.db")
            copy = sqlite3.connect(tmp_path / "copy.db")
            try:
                assert copy.execute("SELECT count(*) FROM scratch").fetchone()[0] == 500
            finally:
                copy.close()
        assert _autocheckpoint(db) == before
        assert found.runs >= 1
    finally:
        db.close()


def test_a_database_in_memory_is_left_alone() -> None:
    db = sqlite_utils.Database(memory=True)
    with BackgroundCheckpoints(db, wal_bytes=1, poll=0.01) as found:
        db.execute("CREATE TABLE scratch (n INTEGER)")
    assert found.runs == 0 and not found.checkpointed.is_set()


def test_a_crawl_is_checkpointed_by_the_thread_and_stays_sound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[BackgroundCheckpoints] = []

    class Recorded(BackgroundCheckpoints):
        def __init__(self, db: sqlite_utils.Database, *args: Any, **kwargs: Any) -> None:
            super().__init__(db, *args, **kwargs)
            made.append(self)

    monkeypatch.setattr(checkpoint, "WAL_BYTES", 1)
    monkeypatch.setattr(checkpoint, "POLL_SECONDS", 0.005)
    monkeypatch.setattr(run_crawl, "BackgroundCheckpoints", Recorded)
    with SampleSite() as site:
        stats = crawl_sample(tmp_path / "archive.db", site)
    assert stats.status == "ok" and stats.new > 0
    assert len(made) == 1 and made[0].runs >= 1
    db = sqlite_utils.Database(tmp_path / "archive.db")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM pages").fetchone()[0] == stats.new
    finally:
        db.close()
