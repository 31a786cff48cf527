"""Frozen migrations: archives written by every past schema version open with this code.

The fixtures (tests/support/fixtures/schema_versions/, made once by make.py there) are archives
written by the commits that shipped each schema version, with the demo's seed release and
the pages about Lotsen and Haushalt. ``v7_adc0fd5`` could not be opened before migration 8
("table 'pages_search' lacks column(s) filters").
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from archive.cli.main import cli
from archive.indexes import registry as registry
from archive.search.engine import search
from archive.store.locking import ArchiveLock
from archive.store.migrations import MIGRATIONS, SqlSteps
from archive.store.schema import open_archive
from tests.support import FIXTURES as SUPPORT_FIXTURES

FIXTURES = SUPPORT_FIXTURES / "schema_versions"
SEED = "2025-11-28-euro-fuer-vielfalt-und-teilhabe"
#: fixture → (migrations it holds, the ``pages_search`` it was written with)
VERSIONS = {
    "v1": (1, None),
    "v3": (3, "parts, rparts"),
    "v5": (5, "parts, rparts"),
    "v6": (6, "parts, rparts"),
    "v7_adc0fd5": (7, "credits, tokenize"),
    "v7_ff7397b": (7, "credits, content=''"),
    "v7_4d1afe0": (7, "filters, content=''"),
}
#: sha256 of each shipped migration's statements: a shipped migration never changes.
SHIPPED = {
    1: "56ad9e02f40224e2d55ef40671cd7a12",
    2: "6aca617b475860e33c89a225d5ad032d",
    3: "e677cf43606957b0ece54b6c94c33b05",
    4: "0e858a8833698f956089797be49518e2",
    5: "1a96247fc6ab99743924cd924cdcc4f6",
    6: "275d776fcd647a745620cfa5e6c00600",
    7: "e6c4c4ea6cd6fcd60e514420e4d5c8cc",
    8: "88613ed390a93db7632376e9107aa92a",
    9: "1c57eab223d33dc7de36ea4e0cd40442",
    10: "29e20687eefe3b588238d82659fb1870",
    11: "4b1b8100d4f32b21da1cf715356910d1",
    12: "9b489f75125489497748dea3d6639ebe",
    13: "95f57a7b0531366b00fb837360c4c722",
    14: "0601826162a18bd5fa718058fc110726",
    15: "aa0f9d1811164c45c6cf73d6b672799f",
    16: "34f277829b6b908a61438961799ac5dc",
    17: "82c64da69bdfca778da166544a9b3c89",
    18: "4bcb94bce5ab92899f177dde50618a3f",
    19: "161dac951a9ff2967c9a06ce3638f1ec",
}


def _unpack(name: str, tmp_path: Path) -> Path:
    path = tmp_path / f"{name}.db"
    with gzip.open(FIXTURES / f"{name}.db.gz", "rb") as f, path.open("wb") as out:
        shutil.copyfileobj(f, out)
    return path


def _schema(path: Path) -> set[tuple[str, str, str | None]]:
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    conn.close()
    return {(t, n, s) for t, n, s in rows}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fresh") / "fresh.db"
    open_archive(path).close()
    return path


@pytest.mark.parametrize("name", sorted(VERSIONS))
def test_fixture_is_the_old_schema(name: str, tmp_path: Path) -> None:
    last, search_ddl = VERSIONS[name]
    conn = sqlite3.connect(_unpack(name, tmp_path))
    ids = [r[0] for r in conn.execute("SELECT id FROM migrations ORDER BY id")]
    ddl = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'pages_search'").fetchone()
    conn.close()
    assert ids == list(range(1, last + 1))
    assert (ddl is None) if search_ddl is None else (search_ddl in ddl[0])


@pytest.mark.parametrize("name", sorted(VERSIONS))
def test_old_archive_opens_with_the_current_schema_and_searches(
    name: str, tmp_path: Path, fresh: Path
) -> None:
    path = _unpack(name, tmp_path)
    db = open_archive(path)
    try:
        ids = [r[0] for r in db.execute("SELECT id FROM migrations ORDER BY id")]
        assert ids == [m.id for m in MIGRATIONS]
        hits = search(db, "Integrationslotsen")
        assert hits and SEED in hits[0]["url"]
        assert any("haushalt" in h["url"] for h in search(db, "Haushalt"))
        assert any("lotsen" in h["url"] for h in search(db, "Lotsen"))  # a compound part
        assert search(db, "Integrationslotsen", exact=True)
        assert db.execute("SELECT count(*) FROM graph_edges").fetchone()[0] > 0
        versions = dict(db.execute("SELECT name, version FROM index_state").fetchall())
        assert versions == {index.name: index.version for index in registry.INDEXES}
    finally:
        db.close()
    assert _schema(path) == _schema(fresh)


def test_archive_of_adc0fd5_through_the_cli(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A read command on an archive of an older version upgrades it once, under the
    writer lock, and answers from it (the only write a read command ever makes)."""
    path = _unpack("v7_adc0fd5", tmp_path)
    runner = CliRunner()
    found = runner.invoke(cli, ["search", "Integrationslotsen", "--db", str(path)])
    assert found.exit_code == 0, found.output
    assert found.output.startswith("1. ") and SEED in found.output.splitlines()[1]
    assert "upgraded to this version" in caplog.text
    caplog.clear()
    ids = sqlite3.connect(path).execute("SELECT id FROM migrations ORDER BY id").fetchall()
    assert [i for (i,) in ids] == [m.id for m in MIGRATIONS]
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    status = runner.invoke(cli, ["status", "--db", str(path)])
    assert status.exit_code == 0, status.output
    assert "pages" in status.output
    assert "upgraded" not in caplog.text
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # once only


def test_an_old_archive_a_writer_holds_is_refused_unchanged(tmp_path: Path) -> None:
    """Where the upgrade cannot run (another writer holds the archive), the read command
    exits 3 naming why and the command that upgrades it, and leaves the file as it was."""
    path = _unpack("v7_adc0fd5", tmp_path)
    before = hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns
    runner = CliRunner()
    with ArchiveLock(path, "crawl"):
        for args in (["search", "Lotsen"], ["status"], ["graph", "central"]):
            refused = runner.invoke(cli, [*args, "--db", str(path)])
            assert refused.exit_code == 3, refused.output
            assert "older pressarchive" in refused.output
            assert "crawl" in refused.output  # the holder, from the lock
            assert f"pressarchive reindex --db {path}" in refused.output
    assert (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == [path.name]


def test_migrations_are_frozen_sql_numbered_in_order() -> None:
    ids = [m.id for m in MIGRATIONS]
    assert ids == list(range(1, len(MIGRATIONS) + 1))
    for migration in MIGRATIONS:
        assert isinstance(migration.apply, SqlSteps), migration.name
        assert migration.apply.statements, migration.name


def test_shipped_migrations_never_change() -> None:
    digests = {
        m.id: hashlib.sha256("\n;\n".join(m.apply.statements).encode()).hexdigest()[:32]
        for m in MIGRATIONS
        if isinstance(m.apply, SqlSteps)
    }
    assert {i: digests[i] for i in SHIPPED} == SHIPPED


@pytest.mark.parametrize("name", registry.names())
def test_create_makes_what_the_migrations_made(name: str, fresh: Path, tmp_path: Path) -> None:
    """An index's ``create`` (used when it is missing) and the frozen DDL agree."""
    path = tmp_path / "a.db"
    shutil.copy(fresh, path)
    conn = sqlite3.connect(path)
    owned = {
        "fts": [],
        "search": ["DROP TABLE pages_search", "DROP TABLE search_terms"],
        "graph_edges": [
            "DROP TABLE graph_edges",
            "DROP INDEX idx_revision_links_url_rel_kind_title",
            "DROP INDEX idx_pages_label_first_seen",
        ],
        "topics": [
            "DROP TABLE topic_terms",
            "DROP TABLE page_topics",
            "DROP TABLE page_entities",
            "DROP TABLE topic_df",
        ],
        "graph_ranking": [
            "DROP TABLE graph_cache",
            "DROP TABLE graph_version",
            "DROP TABLE graph_ranks",
            "DROP TABLE graph_communities",
            "DROP INDEX idx_pages_label_removed",
        ],
    }[name]
    for statement in owned:
        conn.execute(statement)
    conn.commit()
    conn.close()
    db = sqlite_utils.Database(path)
    registry.get(name).create(db)
    db.close()
    assert _schema(path) == _schema(fresh)


@pytest.mark.parametrize("name", ["v1", "v7_adc0fd5"])
def test_migration_10_classifies_errors_and_stores_source_schemes(
    name: str, tmp_path: Path
) -> None:
    path = _unpack(name, tmp_path)
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO fetch_errors (source, url, status, error) VALUES ('sample', ?, ?, ?)",
            [
                ("u1", 200, "extraction failed: TypeError: unsupported operand"),
                ("u2", 200, "nothing extracted: no title and no text (text/html, 0 bytes)"),
                ("u3", 404, "HTTP 404"),
                ("u4", 429, "HTTP 429 (gave up after 2 attempts)"),
                ("u5", None, "timed out (ReadTimeout) fetching u5"),
                ("u6", 302, "redirect loop"),
            ],
        )
        conn.execute(  # a source import-warc made: no start URLs, its pages say https
            "INSERT INTO sources (name, hosts, start_urls) VALUES ('imp', '[\"a.test\"]', '[]')"
        )
        conn.execute("INSERT INTO pages (url, source) VALUES ('https://a.test/p', 'imp')")
        conn.execute("INSERT INTO sources (name, hosts, start_urls) VALUES ('none', '[]', '[]')")
    conn.close()
    db = open_archive(path)
    try:
        kinds = dict(db.execute("SELECT url, kind FROM fetch_errors").fetchall())
        assert kinds == {
            "u1": "extraction", "u2": "nothing_extracted", "u3": "http", "u4": "http",
            "u5": "fetch", "u6": "fetch",
        }  # fmt: skip
        schemes = dict(db.execute("SELECT name, scheme FROM sources").fetchall())
        assert schemes.pop("sample", "http") == "http"  # from its start URL (v1: no row)
        assert schemes == {"imp": "https", "none": None}
    finally:
        db.close()
