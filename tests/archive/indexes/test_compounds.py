"""Compound parts: the ``search_terms`` vocabulary, its expansion, and migration 7."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from archive.indexes import compounds as compounds
from archive.indexes import german as german
from archive.indexes import registry as registry
from archive.indexes.fts import TEXT_COLUMNS
from archive.search.engine import search, to_search_query
from archive.store.schema import open_archive
from crawler.errors import SearchError

PAGES = {
    "https://example.test/lotsen": "Die Integrationslotsen und Gesundheitslotsen helfen.",
    "https://example.test/haushalt": "Das Haushaltssicherungskonzept liegt vor.",
    "https://example.test/plain": "Der Haushalt wurde beschlossen. Lotsen gesucht.",
    "https://example.test/other": "Ein Wort ohne Bezug: Stadtverordnetenversammlung.",
}


SEARCH = registry.get("search")


def index_page(db: sqlite_utils.Database, url: str) -> None:
    SEARCH.after_change(db, [url], True)


def unindex_page(db: sqlite_utils.Database, url: str) -> None:
    SEARCH.before_change(db, [url])


def _archive(path: Path) -> sqlite_utils.Database:
    db = open_archive(path)
    for url, body in PAGES.items():
        db.table("pages").insert({"url": url, "source": "t", "title": "Meldung", "body": body})
        index_page(db, url)
    db.conn.commit()
    return db


@pytest.fixture()
def db(tmp_path: Path) -> sqlite_utils.Database:
    return _archive(tmp_path / "a.db")


def test_vocabulary_holds_long_stems_both_ways(db: sqlite_utils.Database) -> None:
    rows = dict(db.execute("SELECT term, rterm FROM search_terms").fetchall())
    assert rows["integrationslots"] == "stolsnoitargetni"
    assert "haushaltssicherungskonzept" in rows
    assert "lots" not in rows  # shorter than a compound can be


def test_expansion_finds_heads_and_modifiers_not_the_word(db: sqlite_utils.Database) -> None:
    expand = compounds.Expander(db.conn)
    assert expand("lots") == ["gesundheitslots", "integrationslots"]
    assert expand("haushalt") == ["haushaltssicherungskonzept"]
    assert expand("stadtverordnetenversammlung") == []  # the word itself is not a part
    assert expand("ein") == []  # too short to be a part
    expr = to_search_query("Lotsen", expand)
    assert expr == (
        '{title label lead body captions credits} : ("lots" OR "gesundheitslots" OR '
        '"integrationslots")'
    )


def test_search_finds_compounds_word_first(db: sqlite_utils.Database) -> None:
    hits = [h["url"].rsplit("/", 1)[1] for h in search(db, "Lotsen")]
    assert hits == ["plain", "lotsen"]
    assert [h["url"].rsplit("/", 1)[1] for h in search(db, "=Lotsen")] == ["plain"]


def test_expansion_is_capped_shortest_first(
    db: sqlite_utils.Database, caplog: pytest.LogCaptureFixture
) -> None:
    compounds.add(db.conn, [f"lotsenverein{'x' * n}" for n in range(1, 6)])
    with caplog.at_level(logging.INFO, logger="archive.indexes.compounds"):
        assert compounds.Expander(db.conn, limit=3)("lots") == [
            "lotsenvereinx", "lotsenvereinxx", "gesundheitslots",
        ]  # fmt: skip
    assert "'lots': 7 stems, the 3 shortest searched" in caplog.text


def test_stale_vocabulary_matches_nothing_extra(db: sqlite_utils.Database) -> None:
    compounds.add(db.conn, ["lotsenboot"])  # no page has it (any more)
    assert "lotsenboot" in compounds.Expander(db.conn)("lots")
    assert len(search(db, "Lotsen")) == 2


def test_database_without_vocabulary_expands_nothing(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "other.db")
    assert compounds.Expander(conn)("lots") == []


def test_migrations_7_and_8_rebuild_an_old_search_index(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _archive(path).close()
    # Back to what migration 6 left: compound columns in the index, no vocabulary.
    conn = sqlite3.connect(path)
    conn.executescript(
        "DROP TABLE pages_search; DROP TABLE search_terms; DROP TABLE index_state; "
        "CREATE VIRTUAL TABLE pages_search USING fts5(title, label, lead, body, captions, "
        "credits, parts, rparts); DELETE FROM migrations WHERE id IN (7, 8);"
    )
    conn.close()
    db = open_archive(path)
    columns = [r[1] for r in db.execute("PRAGMA table_info(pages_search)").fetchall()]
    assert tuple(columns) == (*TEXT_COLUMNS, "filters")
    assert db.execute("SELECT count(*) FROM pages_search").fetchone()[0] == len(PAGES)
    assert [h["url"].rsplit("/", 1)[1] for h in search(db, "Haushalt")] == ["plain", "haushalt"]


def test_changed_text_leaves_no_trace_in_the_contentless_index(db: sqlite_utils.Database) -> None:
    url = "https://example.test/plain"
    unindex_page(db, url)
    db.table("pages").update(url, {"body": "Neuer Text über Radwege."})
    index_page(db, url)
    assert [h["url"] for h in search(db, "Radweg")] == [url]
    assert all(h["url"] != url for h in search(db, "Haushalt"))
    assert db.execute("SELECT count(*) FROM pages_search_docsize").fetchone()[0] == len(PAGES)
    # Indexing an indexed page again without taking it out first is refused, not doubled.
    with pytest.raises(SearchError, match="still in the search index"):
        index_page(db, url)


def test_new_analyzer_rebuilds_the_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.db"
    _archive(path).close()
    monkeypatch.setattr(german, "ANALYZER", "some other stemmer")
    db = open_archive(path)
    state = db.execute("SELECT version FROM index_state WHERE name = 'search'").fetchone()
    assert state[0].startswith("some other stemmer;")
    assert len(search(db, "Lotsen")) == 2


def test_index_built_by_another_analyzer_is_not_written_to(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another process (a newer stemmer) rebuilt the index while this one kept running.
    monkeypatch.setattr(german, "ANALYZER", "some other stemmer")
    with pytest.raises(SearchError, match="open the archive again to rebuild it"):
        unindex_page(db, "https://example.test/plain")
