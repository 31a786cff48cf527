"""One timestamp format everywhere (``crawler.clock``): the clock functions, every timestamp
column of a real archive (demo runs through the CLI), and migration 9 rewriting an
archive whose rows mixed ``…Z``, ``….079Z``, ``+00:00`` and other offsets."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from archive.cli.main import cli
from archive.graph.model import at_bound
from archive.run.schedule import save_state
from archive.store import revisions
from archive.store.locking import ArchiveLock, lock_path
from archive.store.migrations import SqlSteps
from archive.store.runs import record_error
from archive.store.save import save_fetched_page
from archive.store.schema import MIGRATIONS, TIMESTAMP_COLUMNS, open_archive
from crawler import clock
from crawler.config.settings import SourceConfig
from crawler.errors import InvalidValue
from crawler.records import Extracted, FetchResult
from tests.support.receivers import WebhookReceiver

#: Any value that reads as a date with a time of day (``T`` or a space), in any format.
LOOKS_LIKE_A_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")

# --------------------------------------------------------------------------- the clock


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-11-28T10:00:57.079Z", "2025-11-28T10:00:57.079Z"),
        ("2025-11-28T10:49:13Z", "2025-11-28T10:49:13.000Z"),
        ("2025-11-28T10:48:56+00:00", "2025-11-28T10:48:56.000Z"),
        ("2025-11-28T11:48:56.5+01:00", "2025-11-28T10:48:56.500Z"),
        ("2025-11-28T05:48:56-05:00", "2025-11-28T10:48:56.000Z"),
        ("2025-11-28T10:48:56.123456", "2025-11-28T10:48:56.123Z"),  # naive = UTC
        ("2025-11-28 10:48:56", "2025-11-28T10:48:56.000Z"),
        ("2025-11-28T10:48Z", "2025-11-28T10:48:00.000Z"),
        ("2025-11-28", "2025-11-28T00:00:00.000Z"),
        (datetime(2025, 11, 28, 10, 48, 56, 999999), "2025-11-28T10:48:57.000Z"),
        (datetime(2025, 11, 28, 12, 0, tzinfo=timezone(timedelta(hours=2))),
         "2025-11-28T10:00:00.000Z"),
    ],
)  # fmt: skip
def test_to_iso_gives_the_one_format(value: str | datetime, expected: str) -> None:
    assert clock.to_iso(value) == expected
    assert clock.is_iso(expected)
    assert clock.parse_iso(expected) == clock.parse_iso(clock.to_iso(value))


@pytest.mark.parametrize(
    "value",
    [
        "2026-12-04T05:40:40.1234Z", "2026-12-04T05:40:40.1235Z", "2026-12-04T05:40:40.12349Z",
        "2026-12-04T05:40:40.0005Z", "2026-12-04T05:40:40.0025Z", "2026-12-04T05:40:40.2225",
        "2026-12-04T05:40:40.9995Z", "2026-12-04T05:40:59.9995Z", "2026-12-31T23:59:59.9999Z",
        "2026-12-04T05:40:40.1234996Z", "2026-12-04T07:40:40.5555+02:00",
        "2026-12-04T05:40:40.999999+00:00", "2026-12-04T05:40:40.123456",
    ],
)  # fmt: skip
def test_to_iso_rounds_like_sqlite_strftime(value: str) -> None:
    """Migration 9 rewrote old rows with SQLite's strftime: to_iso gives the same string."""
    import sqlite3

    conn = sqlite3.connect(":memory:")
    (expected,) = conn.execute("SELECT strftime(?, ?)", [clock.SQLITE_FORMAT, value]).fetchone()
    conn.close()
    assert clock.to_iso(value) == expected


def test_parse_stored_reads_or_gives_none() -> None:
    assert clock.parse_stored("2025-11-28T10:00:00.000Z") == datetime(2025, 11, 28, 10, tzinfo=UTC)
    assert clock.parse_stored(None) is None
    assert clock.parse_stored("") is None
    assert clock.parse_stored("soon") is None


def test_now_parse_and_bounds() -> None:
    before = clock.now()
    stamp = clock.now_iso()
    assert clock.is_iso(stamp) and len(stamp) == 24
    assert clock.now().tzinfo is UTC
    assert before - timedelta(milliseconds=1) <= clock.parse_iso(stamp) <= clock.now()
    assert clock.parse_iso("2025-11-28T11:00:00+01:00") == datetime(2025, 11, 28, 10, tzinfo=UTC)
    assert clock.end_of_day("2025-11-28") == "2025-11-28T23:59:59.999Z"
    for bad in ("yesterday", "", "2025-13-01T00:00:00Z"):
        with pytest.raises(ValueError):
            clock.to_iso(bad)
    with pytest.raises(ValueError):
        clock.end_of_day("2025-11-28T10:00")


def test_days_and_upper_bounds_are_read_in_one_place() -> None:
    assert clock.parse_day(" 2026-12-04 ") == date(2026, 12, 4)
    assert clock.upper_bound("2026-12-04") == "2026-12-04T23:59:59.999Z"  # the whole day
    assert clock.upper_bound("2026-12-04T05:40") == "2026-12-04T05:40:00.000Z"
    assert clock.upper_bound("2026-12-04T05:40:40.5+01:00") == "2026-12-04T04:40:40.500Z"
    assert clock.upper_bound("2026-12-04T05:40:40.123Z") == "2026-12-04T05:40:40.123Z"
    # compact and week forms fromisoformat also reads: refused, not taken as midnight
    for bad in ("20261204", "2026-W49-5", "2026-12-04T0540", "2025-02-30", "gestern", ""):
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            clock.parse_day(bad)
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            clock.upper_bound(bad)
    for bad in ("2026-12-04T05:40:00", "2026-12-04 05:40"):
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            clock.parse_day(bad)
    with pytest.raises(ValueError):
        clock.upper_bound("2026-12-04 05:40")  # a full ISO time has its T
    with pytest.raises(ValueError):
        clock.end_of_day("20261204")


def test_uniform_strings_sort_like_times() -> None:
    """The promise that lets SQL compare stored times as strings."""
    mixed = [
        "2025-11-28T10:48:56+00:00", "2025-11-28T10:48:56.5Z", "2025-11-28T11:48:56.2+01:00",
        "2025-11-28T10:48:57Z", "2025-11-28T09:00:00-02:00", "2025-11-27T23:59:59.999Z",
    ]  # fmt: skip
    by_time = sorted(mixed, key=clock.parse_iso)
    assert sorted(mixed) != by_time  # raw strings do not sort by time ...
    assert sorted(map(clock.to_iso, mixed)) == [clock.to_iso(v) for v in by_time]  # these do


# --------------------------------------------------------------------------- an archive


def _columns(db: sqlite_utils.Database, name: str) -> list[str]:
    return [row[1] for row in db.execute(f"PRAGMA table_xinfo([{name}])").fetchall()]


def _values(db: sqlite_utils.Database, name: str, column: str) -> list[object]:
    sql = f"SELECT [{column}] FROM [{name}] WHERE [{column}] IS NOT NULL"
    return [row[0] for row in db.execute(sql).fetchall()]


@pytest.mark.slow
def test_every_timestamp_column_of_a_demo_archive_has_the_one_format(tmp_path: Path) -> None:
    db_path = str(tmp_path / "demo.db")
    with WebhookReceiver() as hook:
        for extra in ([], [], ["--edition", "2"]):
            if extra:  # a watch whose new matches edition 2 delivers (archive/alerts/)
                watch = ["watch", "add", "kita", "Kita", "--webhook", hook.url(), "--db", db_path]
                assert CliRunner().invoke(cli, watch).exit_code == 0
            result = CliRunner().invoke(cli, ["demo", "--db", db_path, "--json", *extra])
            assert result.exit_code == 0, result.output
        assert hook.bodies()
    db = open_archive(db_path)
    # the writers the demo does not reach, with a fetch time in another offset
    run_id = db.execute("SELECT max(id) FROM crawl_runs").fetchone()[0]
    record_error(db, run_id, "sample", "https://example.org/broken", 500, "HTTP 500", "http")
    save_state(db, SourceConfig(name="sample"), datetime(2030, 1, 1, 12, tzinfo=UTC))
    url = db.execute("SELECT url FROM pages WHERE removed_at IS NULL LIMIT 1").fetchone()[0]
    moved = FetchResult(
        url=url + "-alt", final_url=url, status=200, fetched_at="2030-01-01T13:00:00+01:00"
    )
    # a teaser's date is weaker than any the demo stored: a date conflict is recorded
    page = Extracted(
        url=url, title="Umgezogen", body="Neuer Text.", published="2030-01-01",
        published_source="teaser",
    )  # fmt: skip
    save_fetched_page(db, "sample", page, moved, requested=url + "-alt")
    assert db.execute("SELECT first_seen FROM aliases").fetchone()[0] == "2030-01-01T12:00:00.000Z"
    assert db.execute("SELECT fetched_at FROM date_conflicts").fetchall() == [
        ("2030-01-01T12:00:00.000Z",)
    ]

    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    assert set(TIMESTAMP_COLUMNS) <= set(tables)
    for table in tables:
        for column in _columns(db, table):
            values = _values(db, table, column)
            if column in TIMESTAMP_COLUMNS.get(table, ()):
                assert values, f"{table}.{column}: empty, so this test checks nothing"
                wrong = [v for v in values if not clock.is_iso(v)]
                assert not wrong, f"{table}.{column}: {wrong[:3]}"
            else:  # no timestamp column left out of the list
                times = [v for v in values if isinstance(v, str) and LOOKS_LIKE_A_TIME.match(v)]
                assert not times, (
                    f"{table}.{column} holds times not in TIMESTAMP_COLUMNS: {times[:3]}"
                )
    # views show the stored values: whatever time they show has the one format too
    for (view,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'view'").fetchall():
        for column in _columns(db, view):
            times = [
                v for v in _values(db, view, column)
                if isinstance(v, str) and LOOKS_LIKE_A_TIME.match(v)
            ]  # fmt: skip
            assert all(map(clock.is_iso, times)), f"view {view}.{column}: {times[:3]}"
    with ArchiveLock(db_path, "test"):
        since = lock_path(db_path).read_text(encoding="utf-8").split("since=")[1].strip()
        assert clock.is_iso(since)
    db.close()


# --------------------------------------------------------------------------- migration 9

#: (stored by an older version, what migration 9 makes of it); unreadable values are kept.
MIXED = [
    ("2025-11-28T10:00:57.079Z", "2025-11-28T10:00:57.079Z"),
    ("2025-11-28T10:49:13Z", "2025-11-28T10:49:13.000Z"),
    ("2025-11-28T10:48:56+00:00", "2025-11-28T10:48:56.000Z"),
    ("2025-11-28T11:48:56.25+01:00", "2025-11-28T10:48:56.250Z"),
    ("2025-11-28T10:48:56.123456+00:00", "2025-11-28T10:48:56.123Z"),
    ("2025-11-28 10:48:56", "2025-11-28T10:48:56.000Z"),
    ("2024-02-01", "2024-02-01T00:00:00.000Z"),
    ("not a time", "not a time"),
]


#: tables created by a migration after 9: their writers used the one format from the start
AFTER_9 = ("learned_templates", "date_conflicts", "media", "watches", "deliveries", "page_payloads")


def _old_archive(path: Path) -> None:
    """An archive as a version with migrations 1-7 only left it (their frozen SQL), every
    timestamp column filled with the formats such versions wrote (plus content dates to
    leave alone)."""
    old = sqlite_utils.Database(path)
    old.execute("CREATE TABLE migrations (id INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)")
    for migration in MIGRATIONS:
        if migration.id <= 7:
            migration.apply(old)
            old.execute(
                "INSERT INTO migrations VALUES (?, ?, ?)",
                [migration.id, migration.name, "2025-11-28T10:48:56+00:00"],
            )
    for i, (value, _expected) in enumerate(MIXED):
        url = f"https://example.org/p{i}"
        row = {"page_url": url, "url": url, "source": f"s{i}", "name": f"s{i}", "id": i + 1,
               "revision": 1, "target": f"https://example.org/t{i}", "rel": "related",
               "canonical_url": url, "run_id": i + 1, "published": "2025-11-28",
               "modified": "2025-11-28T11:00:00+01:00", "date": "2025-11-27",
               "last_modified": "Fri, 28 Nov 2025 10:00:00 GMT"}  # fmt: skip
        for table, columns in TIMESTAMP_COLUMNS.items():
            if table in ("migrations", "index_state", *AFTER_9):  # index_state: from 8 on
                continue
            wanted = set(_columns(old, table))
            record = {k: v for k, v in row.items() if k in wanted}
            record.update({column: value for column in columns})
            old.table(table).insert(record)
    old.execute("UPDATE migrations SET applied_at = ? WHERE id = 1", [MIXED[2][0]])
    old.conn.commit()
    old.close()


def test_migration_9_rewrites_every_timestamp_column(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _old_archive(path)
    db = open_archive(path)
    assert db.execute("SELECT name FROM migrations WHERE id = 9").fetchone() == ("utc_timestamps",)
    # graph_edges is a derived index: rebuilt from the revisions when the archive opens
    # (migration 8 left it unbuilt), so its rows here are recomputed, not rewritten
    for table, columns in TIMESTAMP_COLUMNS.items():
        if table in ("migrations", "index_state", "graph_edges", *AFTER_9):
            continue
        for column in columns:
            got = [r[0] for r in db.execute(f"SELECT [{column}] FROM [{table}] ORDER BY rowid")]
            assert got == [expected for _value, expected in MIXED], f"{table}.{column}"
    # SQLite's reading equals the clock's (for every value an older version could write)
    for value, expected in MIXED[:-1]:
        assert clock.to_iso(value) == expected
    assert (
        db.execute("SELECT applied_at FROM migrations WHERE id = 1").fetchone()[0] == (MIXED[2][1])
    )
    # content dates and HTTP validators are not timestamps: untouched
    assert db.execute(
        "SELECT DISTINCT published, modified, last_modified FROM pages"
    ).fetchall() == [("2025-11-28", "2025-11-28T11:00:00+01:00", "Fri, 28 Nov 2025 10:00:00 GMT")]
    # the graph view reads the uniform values directly now
    views = " ".join(r[0] for r in db.execute("SELECT sql FROM sqlite_master WHERE type = 'view'"))
    assert "+00:00" not in views
    assert "2025-11-28T10:48:56.000Z" in {
        r[0] for r in db.execute("SELECT valid_from FROM graph_revision_spans")
    }
    # a bound given with an offset is that moment in the stored format; junk is refused
    assert clock.upper_bound("2025-11-28T11:48:56+01:00") == "2025-11-28T10:48:56.000Z"
    assert at_bound("2025-11-28T11:48:56+01:00") == "2025-11-28T10:48:56.000Z"
    assert at_bound("2025-11-28") == clock.upper_bound("2025-11-28") == "2025-11-28T23:59:59.999Z"
    with pytest.raises(InvalidValue, match="--at 'yesterday'"):
        revisions.show(db, "https://x.example/", "yesterday")
    db.close()


def test_migration_9_is_frozen_sql_covering_every_timestamp_column() -> None:
    """Its SQL is a constant (no live Python), and names every column of the list (a column
    added to the list later needs its own migration for older rows)."""
    (utc,) = [m for m in MIGRATIONS if m.name == "utc_timestamps"]
    assert isinstance(utc.apply, SqlSteps)
    sql = ";\n".join(utc.apply.statements) + ";"
    for table, columns in TIMESTAMP_COLUMNS.items():
        if table in AFTER_9:
            continue
        for column in columns:
            assert (
                f"  {column} = coalesce(strftime('{clock.SQLITE_FORMAT}', {column})"
                in (sql.split(f"UPDATE {table} SET")[1].split(";")[0])
            ), f"{table}.{column}"
    assert dict((m[0], m[1]) for m in MIGRATIONS)[9] == "utc_timestamps"
