"""``archive.store.rows``: the writer's inserts and upserts store what sqlite-utils'
``insert_all`` / ``upsert`` store (lists as JSON; an upsert keeps the other columns)."""

from __future__ import annotations

import sqlite_utils

from archive.store import rows


def _tables() -> tuple[sqlite_utils.Database, sqlite_utils.Database]:
    dbs = sqlite_utils.Database(memory=True), sqlite_utils.Database(memory=True)
    for db in dbs:
        db.execute('CREATE TABLE t ("id" INTEGER PRIMARY KEY, "a" TEXT, "b" TEXT, "n" INTEGER)')
    return dbs


def test_inserts_and_upserts_store_what_sqlite_utils_stores() -> None:
    ours, theirs = _tables()
    records = [
        {"id": 1, "a": "x", "b": None, "n": 3},
        {"id": 2, "a": ["eins", "zwei"], "b": {"k": "ä"}},  # another column list
        {"id": 3, "a": "y", "b": "z", "n": 0},
    ]
    rows.insert_rows(ours, "t", records)
    theirs["t"].insert_all(records)
    rows.upsert_row(ours, "t", {"id": 1, "a": "neu"}, ("id",))
    theirs["t"].upsert({"id": 1, "a": "neu"}, pk="id")
    rows.upsert_row(ours, "t", {"id": 9, "b": "neu"}, ("id",))
    theirs["t"].upsert({"id": 9, "b": "neu"}, pk="id")
    ordered = "SELECT * FROM t ORDER BY id"
    assert ours.execute(ordered).fetchall() == theirs.execute(ordered).fetchall()
    assert ours.execute("SELECT a, n FROM t WHERE id = 1").fetchone() == ("neu", 3)
    assert ours.execute("SELECT a FROM t WHERE id = 2").fetchone() == ('["eins", "zwei"]',)


def test_nothing_to_insert_writes_nothing() -> None:
    ours, _ = _tables()
    rows.insert_rows(ours, "t", [])
    assert ours.execute("SELECT count(*) FROM t").fetchone() == (0,)
