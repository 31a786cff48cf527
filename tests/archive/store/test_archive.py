"""archive.store.schema, archive.store.save and archive.status against real SQLite files."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlite_utils

from archive.status import source_status
from archive.store.runs import finish_run, record_error, save_source, start_run
from archive.store.save import (
    HASH_FIELDS,
    SqliteDiscoveryCache,
    content_hash,
    known_urls,
    mark_removed,
    save_page,
    validators,
)
from archive.store.schema import CRAWL_RUN_COLUMNS, MIGRATIONS, ensure_schema, open_archive
from crawler.config.settings import SourceConfig
from crawler.engine.crawl import CrawlStats
from crawler.errors import ArchiveError
from crawler.records import RUN_COUNTERS, Attachment, Extracted, FetchResult, Image, Link
from tests.support.factories import extracted, fetch_result

ROOT = Path(__file__).resolve().parents[3]

URL = "https://www.ruesselsheim.de/presse/stadtfest-2024.html"


def make_page(url: str = URL, **changes: object) -> Extracted:
    page = extracted(
        url,
        label="Pressemitteilung",
        title="Stadtfest in Rüsselsheim",
        lead="Die Stadt lädt zum Stadtfest ein.",
        body="Am Samstag beginnt das Fest.\n\nDie WIR-Koordination hilft mit.",
        published="2024-06-01",
        published_source="metadata",
        images=[
            Image(
                "https://www.ruesselsheim.de/a.jpg",
                alt="Festplatz",
                caption="Der Platz",
                credit="Foto: Stadt",
            ),
            Image("https://www.ruesselsheim.de/b.jpg", alt="Bühne"),
        ],
        related=[
            Link(
                "https://www.ruesselsheim.de/presse/x.html",
                "Verwandt",
                kind="press",
                label="Kultur",
                date="2024-05-01",
            )
        ],
        links=["https://example.org/a", "https://example.org/b"],
        attachments=[Attachment("https://www.ruesselsheim.de/p.pdf", "Programm (PDF)")],
        credits=["Foto: Stadt", "Grafik: Amt"],
    )
    return dataclasses.replace(page, **changes)


def make_fetch(
    url: str = URL,
    status: int = 200,
    etag: str | None = '"v1"',
    fetched_at: str = "2024-06-02T10:00:00+00:00",
) -> FetchResult:
    headers = {"etag": etag} if etag else {}
    return fetch_result(url, status, headers=headers, body=b"<html>", fetched_at=fetched_at)


# --------------------------------------------------------------------------- schema


def test_open_creates_schema_wal_and_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "dir" / "a.db"
    db = open_archive(path)
    assert path.exists()
    assert db.journal_mode == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL: no fsync a commit
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert db.execute("PRAGMA cache_size").fetchone()[0] == -16 * 1024  # KiB: 16 MB
    tables = set(db.table_names())
    assert {
        "sources",
        "pages",
        "images",
        "links",
        "crawl_runs",
        "fetch_errors",
        "discovery_cache",
        "pages_fts",
        "migrations",
    } <= tables
    assert db.table("pages").detect_fts() == "pages_fts"
    index_cols = {
        tuple(i.columns) for t in ("pages", "fetch_errors", "links") for i in db.table(t).indexes
    }
    assert {("source",), ("published",), ("run_id",), ("url",)} <= index_cols
    applied = db.execute("SELECT id FROM migrations").fetchall()
    assert [r[0] for r in applied] == [m[0] for m in MIGRATIONS]
    assert ensure_schema(db) == []
    db.close()
    db = open_archive(path)  # reopening applies nothing
    assert db.execute("SELECT count(*) FROM migrations").fetchone()[0] == len(MIGRATIONS)
    db.close()


def test_not_sqlite_file_raises_archive_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("this is definitely not an SQLite database\n" * 50)
    with pytest.raises(ArchiveError, match="notes.db.*not a database"):
        open_archive(path)


def test_foreign_sqlite_file_raises_archive_error(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE pages (id INTEGER PRIMARY KEY, html TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(ArchiveError, match="other.db"):
        open_archive(path)
    # nothing was added to the foreign file
    conn = sqlite3.connect(path)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert names == {"pages"}


@pytest.mark.parametrize(
    "ddl",
    [
        ["CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)"],
        ["CREATE VIEW answer AS SELECT 42 AS n"],
        ["CREATE TABLE t (x)", "CREATE INDEX t_x ON t (x)"],
    ],
    ids=["table", "view", "index"],
)
def test_any_non_empty_database_without_migrations_is_refused_untouched(
    tmp_path: Path, ddl: list[str]
) -> None:
    path = tmp_path / "foreign.db"
    conn = sqlite3.connect(path)
    for statement in ddl:
        conn.execute(statement)
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(ArchiveError, match="foreign.db.*not a pressarchive archive"):
        open_archive(path)
    assert path.read_bytes() == before  # not even switched to WAL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["foreign.db"]


def test_an_empty_sqlite_file_becomes_an_archive(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    sqlite3.connect(path).close()
    db = open_archive(path)
    assert "migrations" in db.table_names()
    db.close()


def test_unknown_future_migration_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    open_archive(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO migrations (id, name, applied_at) VALUES (999, 'future', 'x')")
    conn.commit()
    conn.close()
    with pytest.raises(ArchiveError, match="999"):
        open_archive(path)


def test_directory_path_raises(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match=str(tmp_path)):
        open_archive(tmp_path)


def test_concurrent_open_of_fresh_archive(tmp_path: Path) -> None:
    path = tmp_path / "race.db"
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            open_archive(path).close()
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db = open_archive(path)
    assert db.execute("SELECT count(*) FROM migrations").fetchone()[0] == len(MIGRATIONS)
    db.close()


# --------------------------------------------------------------------------- save_page


def test_save_page_new_writes_page_images_links(db: sqlite_utils.Database) -> None:
    assert save_page(db, "ruesselsheim", make_page(), make_fetch()) == "new"
    row = db.table("pages").get(URL)
    assert row["version"] == 1
    assert row["source"] == "ruesselsheim"
    assert row["etag"] == '"v1"'
    assert row["http_status"] == 200
    assert row["first_seen"] == row["last_fetched"] == row["last_changed"]
    assert row["image_count"] == 2 and row["related_count"] == 1
    assert "Festplatz" in row["captions"] and "Der Platz" in row["captions"]
    assert row["credits"].split("\n") == ["Foto: Stadt", "Grafik: Amt"]
    assert row["removed_at"] is None
    images = list(db.table("images").rows_where("page_url = ?", [URL], order_by="position"))
    assert [i["src"] for i in images] == [
        "https://www.ruesselsheim.de/a.jpg",
        "https://www.ruesselsheim.de/b.jpg",
    ]
    links = list(db.table("links").rows_where("page_url = ?", [URL], order_by="rel, position"))
    assert [(li["rel"], li["url"]) for li in links] == [
        ("attachment", "https://www.ruesselsheim.de/p.pdf"),
        ("body", "https://example.org/a"),
        ("body", "https://example.org/b"),
        ("related", "https://www.ruesselsheim.de/presse/x.html"),
    ]
    assert links[-1]["label"] == "Kultur" and links[-1]["date"] == "2024-05-01"


def test_save_page_unchanged_writes_nothing(db: sqlite_utils.Database) -> None:
    save_page(db, "ruesselsheim", make_page(), make_fetch())
    before_row = db.table("pages").get(URL)
    before = db.conn.total_changes
    later = make_fetch(fetched_at="2024-07-01T10:00:00+00:00")
    assert save_page(db, "ruesselsheim", make_page(), later) == "unchanged"
    assert db.conn.total_changes == before
    assert db.table("pages").get(URL) == before_row


def test_hash_ignores_fetch_and_extraction_metadata() -> None:
    page = make_page()
    assert content_hash(page) == content_hash(make_page(published_source="url"))
    assert content_hash(page) == content_hash(make_page(date_candidates=[]))
    assert content_hash(page) != content_hash(make_page(title="Anders"))
    assert content_hash(page) != content_hash(make_page(images=[]))


def test_save_page_unchanged_updates_only_validators(db: sqlite_utils.Database) -> None:
    save_page(db, "ruesselsheim", make_page(), make_fetch())
    before_row = db.table("pages").get(URL)
    result = save_page(
        db,
        "ruesselsheim",
        make_page(),
        make_fetch(etag='"v2"', fetched_at="2024-07-01T00:00:00+00:00"),
    )
    assert result == "unchanged"
    after = db.table("pages").get(URL)
    assert after["etag"] == '"v2"'
    assert {k: v for k, v in after.items() if k != "etag"} == {
        k: v for k, v in before_row.items() if k != "etag"
    }
    assert validators(db, URL) == ('"v2"', None)


def test_save_page_changed_bumps_version_and_replaces_children(
    db: sqlite_utils.Database,
) -> None:
    save_page(db, "ruesselsheim", make_page(), make_fetch())
    first = db.table("pages").get(URL)
    changed = make_page(
        title="Stadtfest abgesagt", images=[Image("https://x/c.jpg")], links=[], attachments=[]
    )
    result = save_page(
        db, "ruesselsheim", changed, make_fetch(fetched_at="2024-06-05T00:00:00+00:00")
    )
    assert result == "changed"
    row = db.table("pages").get(URL)
    assert row["version"] == 2
    assert row["title"] == "Stadtfest abgesagt"
    assert row["first_seen"] == first["first_seen"]
    assert row["last_changed"] == "2024-06-05T00:00:00.000Z"  # the fetch time, normalised
    assert row["content_hash"] != first["content_hash"]
    assert db.table("images").count_where("page_url = ?", [URL]) == 1
    assert [r["rel"] for r in db.table("links").rows_where("page_url = ?", [URL])] == ["related"]
    # the FTS index follows
    hits = db.execute("SELECT rowid FROM pages_fts WHERE pages_fts MATCH 'abgesagt'").fetchall()
    assert len(hits) == 1
    assert not db.execute("SELECT 1 FROM pages_fts WHERE pages_fts MATCH 'Rüsselsheim'").fetchall()


def test_save_page_is_atomic(db: sqlite_utils.Database) -> None:
    save_page(db, "ruesselsheim", make_page(), make_fetch())
    db.execute(
        "CREATE TRIGGER no_links BEFORE INSERT ON links BEGIN SELECT RAISE(ABORT, 'boom'); END"
    )
    with pytest.raises(sqlite3.IntegrityError):
        save_page(db, "ruesselsheim", make_page(title="Neu"), make_fetch())
    row = db.table("pages").get(URL)
    assert row["title"] == "Stadtfest in Rüsselsheim" and row["version"] == 1
    assert db.table("images").count_where("page_url = ?", [URL]) == 2
    assert not db.conn.in_transaction


def test_mark_removed_and_restore(db: sqlite_utils.Database) -> None:
    save_page(db, "ruesselsheim", make_page(), make_fetch())
    other = URL.replace("stadtfest", "andere")
    save_page(db, "ruesselsheim", make_page(url=other), make_fetch(url=other))
    assert known_urls(db, "ruesselsheim") == sorted([URL, other])

    gone = make_fetch(status=410, etag=None, fetched_at="2024-08-01T00:00:00+00:00")
    assert mark_removed(db, URL, gone) is True
    row = db.table("pages").get(URL)
    assert row["removed_at"] == "2024-08-01T00:00:00.000Z"
    assert row["http_status"] == 410
    assert row["title"] == "Stadtfest in Rüsselsheim"  # content kept
    assert known_urls(db, "ruesselsheim") == [other]
    assert validators(db, URL) is None
    before = db.conn.total_changes
    assert mark_removed(db, URL, gone) is False  # already removed: no write
    assert mark_removed(db, "https://nowhere/x", gone) is False
    assert db.conn.total_changes == before

    back = make_fetch(fetched_at="2024-09-01T00:00:00+00:00")
    assert save_page(db, "ruesselsheim", make_page(), back) == "changed"
    row = db.table("pages").get(URL)
    assert row["removed_at"] is None and row["http_status"] == 200
    assert row["last_changed"] == "2024-09-01T00:00:00.000Z"
    assert row["version"] == 1  # same content: same version
    assert URL in known_urls(db, "ruesselsheim")
    assert save_page(db, "ruesselsheim", make_page(), back) == "unchanged"


def test_validators_and_known_urls_empty(db: sqlite_utils.Database) -> None:
    assert validators(db, URL) is None
    assert known_urls(db, "ruesselsheim") == []


# --------------------------------------------------------------------------- runs, sources


def test_run_counters_are_crawl_runs_columns_and_stats(db: sqlite_utils.Database) -> None:
    """A counter added to RUN_COUNTERS needs a migration adding its column."""
    columns = list(db.table("crawl_runs").columns_dict)
    assert [c for c in columns if c in RUN_COUNTERS] == list(RUN_COUNTERS)
    assert columns == list(CRAWL_RUN_COLUMNS)
    assert list(CrawlStats("s").run_counts()) == [*RUN_COUNTERS, "duration"]


def test_runs_errors_sources_and_status(db: sqlite_utils.Database) -> None:
    src = SourceConfig(
        name="ruesselsheim",
        start_urls=("https://www.ruesselsheim.de/presse",),
        hosts=("www.ruesselsheim.de",),
        title="Stadt Rüsselsheim",
        city="Rüsselsheim am Main",
    )
    save_source(db, src)
    added = db.table("sources").get("ruesselsheim")["added_at"]
    save_source(db, dataclasses.replace(src, title="Rüsselsheim"))
    row = db.table("sources").get("ruesselsheim")
    assert row["added_at"] == added and row["title"] == "Rüsselsheim"
    assert row["hosts"] == '["www.ruesselsheim.de"]'

    run1 = start_run(db, "ruesselsheim")
    record_error(db, run1, "ruesselsheim", "https://www.ruesselsheim.de/x", 500, "HTTP 500", "http")
    finish_run(db, run1, {"fetched": 3, "new": 2}, "failed")
    run2 = start_run(db, "ruesselsheim")
    assert run2 > run1
    assert db.table("crawl_runs").get(run2)["status"] == "running"
    save_page(db, "ruesselsheim", make_page(), make_fetch())
    save_page(
        db,
        "ruesselsheim",
        make_page(url=URL + "?2", published="2024-07-01", page_type="topic"),
        make_fetch(url=URL + "?2"),
    )
    mark_removed(db, URL + "?2", make_fetch(status=404))
    record_error(
        db, run2, "ruesselsheim", "https://www.ruesselsheim.de/y", None, "timeout", "fetch"
    )
    record_error(db, run2, "ruesselsheim", "https://www.ruesselsheim.de/z", 404, "gone", "http")
    finish_run(db, run2, {"fetched": 2, "new": 2, "bytes": 1234, "duration": 1.5, "bogus": 1}, "ok")
    run = db.table("crawl_runs").get(run2)
    assert run["errors"] == 2 and run["bytes"] == 1234 and run["duration"] == 1.5
    assert run["unchanged"] == 0 and run["finished_at"]
    with pytest.raises(ValueError):
        finish_run(db, run2, {}, "weird")

    start_run(db, "other")  # a source with runs but no config row and no pages
    status = {s["name"]: s for s in source_status(db)}
    assert set(status) == {"ruesselsheim", "other"}
    s = status["ruesselsheim"]
    assert (s["pages"], s["live"], s["removed"], s["press_releases"]) == (2, 1, 1, 1)
    assert s["newest_published"] == "2024-06-01"
    assert s["runs"] == 2 and s["errors_last_run"] == 2 and s["errors_total"] == 3
    assert s["last_run"]["id"] == run2 and s["last_run"]["status"] == "ok"
    assert s["last_run"]["new"] == 2
    assert s["title"] == "Rüsselsheim"
    assert status["other"]["pages"] == 0 and status["other"]["last_run"]["status"] == "running"


def test_status_of_empty_archive(db: sqlite_utils.Database) -> None:
    assert source_status(db) == []


# --------------------------------------------------------------------------- discovery cache


@dataclasses.dataclass(frozen=True)
class Entry:
    etag: str | None
    last_modified: str | None
    payload: str


def test_discovery_cache_roundtrip(db: sqlite_utils.Database) -> None:
    cache = SqliteDiscoveryCache(db)
    assert cache.get("https://x/feed") is None
    cache.put("https://x/feed", Entry('"e"', "Mon, 01 Jan 2024 00:00:00 GMT", '["a","b"]'))
    got = cache.get("https://x/feed")
    assert (got.etag, got.last_modified, got.payload) == (
        '"e"',
        "Mon, 01 Jan 2024 00:00:00 GMT",
        '["a","b"]',
    )
    cache.put("https://x/feed", Entry(None, None, "[]"))
    got = cache.get("https://x/feed")
    assert (got.etag, got.payload) == (None, "[]")
    assert db.table("discovery_cache").count == 1


def test_appended_migration_runs_once_and_failures_roll_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import archive.store.schema as schema

    path = tmp_path / "m.db"
    open_archive(path).close()

    def add_column(db: sqlite_utils.Database) -> None:
        db.table("pages").add_column("language", str)

    def broken(db: sqlite_utils.Database) -> None:
        db.table("pages").add_column("half_done", str)
        raise RuntimeError("migration bug")

    nxt = max(m[0] for m in MIGRATIONS) + 1  # later migrations are appended to MIGRATIONS
    monkeypatch.setattr(schema, "MIGRATIONS", [*MIGRATIONS, (nxt, "language", add_column)])
    db = open_archive(path)
    assert "language" in db.table("pages").columns_dict
    assert ensure_schema(db) == []
    db.close()

    monkeypatch.setattr(
        schema,
        "MIGRATIONS",
        [*MIGRATIONS, (nxt, "language", add_column), (nxt + 1, "broken", broken)],
    )
    with pytest.raises(RuntimeError, match="migration bug"):
        open_archive(path)
    monkeypatch.setattr(schema, "MIGRATIONS", [*MIGRATIONS, (nxt, "language", add_column)])
    db = open_archive(path)
    assert "half_done" not in db.table("pages").columns_dict
    ids = [m[0] for m in MIGRATIONS] + [nxt]
    assert [r[0] for r in db.execute("SELECT id FROM migrations ORDER BY id")] == ids
    db.close()


def test_two_writers_wait_for_each_other_instead_of_failing(tmp_path: Path) -> None:
    """Two connections saving pages at once: BEGIN IMMEDIATE makes one wait (busy timeout)
    where a deferred transaction that reads first would fail with "database is locked"."""
    open_archive(tmp_path / "archive.db").close()
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def writer(n: int) -> None:
        db = open_archive(tmp_path / "archive.db")
        try:
            start.wait()
            for i in range(40):
                url = f"https://x.example/{n}/{i}"
                page = Extracted(url=url, page_type="press_release", title=f"T {n} {i}", body="b")
                fetch = FetchResult(url=url, final_url=url, status=200, fetched_at="2025-01-01")
                save_page(db, "x", page, fetch)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db = open_archive(tmp_path / "archive.db")
    assert db.execute("SELECT count(*) FROM pages").fetchone()[0] == 80
    assert db.execute("SELECT count(*) FROM revisions").fetchone()[0] == 80


def test_a_commit_survives_the_killing_of_its_process(tmp_path: Path) -> None:
    """``synchronous = NORMAL`` skips the fsync of a commit, not the write: what a process
    committed is there after it is killed (SIGKILL, no close, no checkpoint)."""
    path = tmp_path / "a.db"
    open_archive(path).close()
    code = (
        "import os, signal, sys\n"
        "from archive.store.schema import open_archive, write_transaction\n"
        "db = open_archive(sys.argv[1])\n"
        "with write_transaction(db):\n"
        "    db.execute(\"INSERT INTO sources (name) VALUES ('killed')\")\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, check=False)
    assert done.returncode == -signal.SIGKILL
    db = open_archive(path)
    assert [r[0] for r in db.execute("SELECT name FROM sources")] == ["killed"]


def _reference_hash(page: Extracted) -> str:
    """The content hash as first defined: ``asdict`` of the page, its HASH_FIELDS."""
    data = dataclasses.asdict(page)
    content = {key: data[key] for key in HASH_FIELDS}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.mark.slow
def test_content_hash_is_the_asdict_hash_on_every_sample_page() -> None:
    """The fast hash (no ``asdict``) gives the stored hashes' exact value: every HTML page
    of the sample site (all editions, every CMS family) extracted and hashed both ways."""
    from crawler.extract.core import extract
    from crawler.sample_site import families
    from crawler.sample_site.render import EDITION_STAMP
    from crawler.sample_site.sites import render_site

    sites = [render_site(edition) for edition in EDITION_STAMP]
    sites += [families.render_family(name) for name in families.FAMILY_NAMES]
    checked = with_parts = 0
    for site in sites:
        for path, response in site.items():
            if "html" not in response.content_type:
                continue
            page = extract(f"https://www.ruesselsheim.de{path}", response.body, {})
            assert content_hash(page) == _reference_hash(page), path
            checked += 1
            with_parts += bool(page.images and page.related)
    assert checked > 100 and with_parts > 10
    page = make_page()
    assert content_hash(page) == _reference_hash(page)
