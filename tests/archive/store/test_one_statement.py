"""``write_transaction(one_statement=True)``: no savepoint inside an open transaction (a
crawl of thousands of sources opens and closes its runs in one batch), the same rows and
the same all-or-nothing behaviour as before, on a real SQLite file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from archive.store.runs import finish_run, record_error, save_source, start_run
from archive.store.schema import open_archive, write_transaction
from archive.store.sqlite import SqliteStore
from crawler.config.settings import loads_config
from crawler.engine.store import ExtractionCounts

CONFIG = """
[crawler]
contact = "t@example.invalid"
[sources.a]
start_urls = ["http://a.example/"]
[sources.b]
start_urls = ["http://b.example/"]
"""


def _statements(db: object) -> list[str]:
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)  # type: ignore[attr-defined]
    return seen


def test_one_statement_nested_takes_no_savepoint_and_a_block_does(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "a.db")
    seen = _statements(db)
    db.conn.execute("BEGIN IMMEDIATE")
    with write_transaction(db, one_statement=True):
        db.conn.execute("INSERT INTO sources (name) VALUES ('one')")
    with write_transaction(db):
        db.conn.execute("INSERT INTO sources (name) VALUES ('two')")
    db.conn.execute("COMMIT")
    savepoints = [s for s in seen if s.startswith("SAVEPOINT")]
    assert len(savepoints) == 1  # the plain block's only
    assert [r[0] for r in db.execute("SELECT name FROM sources ORDER BY name")] == ["one", "two"]


def test_one_statement_alone_is_its_own_transaction(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    db = open_archive(path)
    seen = _statements(db)
    with write_transaction(db, one_statement=True):
        db.conn.execute("INSERT INTO sources (name) VALUES ('alone')")
    assert "BEGIN IMMEDIATE" in seen and "COMMIT" in seen
    other = sqlite3.connect(path)  # committed: another connection sees it
    assert other.execute("SELECT name FROM sources").fetchall() == [("alone",)]


def test_a_failing_statement_inside_a_batch_leaves_the_batch_whole(tmp_path: Path) -> None:
    """SQLite undoes a failing statement by itself: the batch's earlier rows stay, and the
    batch can go on and commit."""
    db = open_archive(tmp_path / "a.db")
    db.conn.execute("BEGIN IMMEDIATE")
    db.conn.execute("INSERT INTO sources (name) VALUES ('kept')")
    with pytest.raises(sqlite3.IntegrityError):
        with write_transaction(db, one_statement=True):
            db.conn.execute("INSERT INTO sources (name) VALUES ('kept')")  # primary key
    assert db.conn.in_transaction
    db.conn.execute("COMMIT")
    assert [r[0] for r in db.execute("SELECT name FROM sources")] == ["kept"]


def test_runs_opened_and_closed_in_a_batch_equal_those_outside(tmp_path: Path) -> None:
    """The rows of sources, runs, errors and extraction counts written in one batch (no
    savepoints) equal those written call by call, each in its own transaction."""
    config = loads_config(CONFIG, "<test>")
    tables = ("sources", "crawl_runs", "fetch_errors", "run_extraction")
    found = []
    for batched in (False, True):
        db = open_archive(tmp_path / f"{batched}.db")
        store = SqliteStore(db)
        if batched:
            store.begin_batch()
        for source in config.sources:
            store.save_source(source)
            run = store.start_run(source.name)
            url = f"http://{source.name}.example/x"
            record_error(db, run, source.name, url, 404, "HTTP 404", "http")
            counts = ExtractionCounts()
            store.finish_run(run, source.name, {"fetched": 3, "duration": 1.5}, "ok", counts)
        if batched:
            store.commit_batch()
        rows = {}
        for table in tables:
            cursor = db.execute(f"SELECT * FROM {table} ORDER BY rowid")
            names = [d[0] for d in cursor.description]
            rows[table] = [
                {k: v for k, v in zip(names, row, strict=True) if k not in _CLOCK} for row in cursor
            ]
        found.append(rows)
        db.close()
    assert found[0] == found[1]
    assert [r["status"] for r in found[1]["crawl_runs"]] == ["ok", "ok"]
    assert [r["errors"] for r in found[1]["crawl_runs"]] == [1, 1]


_CLOCK = {"added_at", "started_at", "finished_at", "time", "duration"}


def test_save_source_start_run_finish_run_work_without_a_batch(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "a.db")
    source = loads_config(CONFIG, "<test>").sources[0]
    save_source(db, source)
    run = start_run(db, source.name)
    finish_run(db, run, {"fetched": 2}, "failed")
    assert not db.conn.in_transaction
    row = db.execute("SELECT source, status, fetched FROM crawl_runs").fetchone()
    assert row == ("a", "failed", 2)
