"""The topic index on a real crawl of the sample site: the tables fill while pages are
archived, a rebuild gives the same rows, and ``pressarchive topics`` / ``entities`` read
them (one crawl per module)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from archive.cli.main import cli
from archive.cli.topics import KINDS as CLI_KINDS
from archive.indexes import registry, topic_index
from archive.indexes.topic_index import DDL, TOP_PHRASES
from archive.search.topics import KINDS
from archive.store.migrations import MIGRATIONS, SqlSteps
from archive.store.schema import open_archive
from crawler.sample_site import SampleSite
from tests.support.cli import invoke
from tests.support.sample_crawl import crawl_sample

SEED = "/presse/2025/2025-11-28-euro-fuer-vielfalt-und-teilhabe-land-hessen-staerkt"
TABLES = ("topic_terms", "page_topics", "page_entities", "topic_df")
ORDER = {  # TABLES by their primary keys
    "topic_terms": "page_url, key",
    "page_topics": "page_url, phrase",
    "page_entities": "page_url, kind, position",
    "topic_df": "key",
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, site: SampleSite) -> Path:
    path = tmp_path_factory.mktemp("topics") / "archive.db"
    crawl_sample(path, site)
    return path


def _seed_url(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        (url,) = conn.execute("SELECT url FROM pages WHERE url LIKE ?", [f"%{SEED}%"]).fetchone()
    return str(url)


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as conn:
        return {
            t: conn.execute(f"SELECT * FROM {t} ORDER BY {ORDER[t]}").fetchall() for t in TABLES
        }


def test_crawl_fills_entities_and_ranked_topics(archive: Path) -> None:
    url = _seed_url(archive)
    with sqlite3.connect(archive) as conn:
        entities = conn.execute(
            "SELECT kind, value, role FROM page_entities WHERE page_url = ?", [url]
        ).fetchall()
        topics = conn.execute(
            "SELECT rank, score FROM page_topics WHERE page_url = ? ORDER BY rank", [url]
        ).fetchall()
        pages, with_topics = conn.execute(
            "SELECT (SELECT count(*) FROM pages), (SELECT count(DISTINCT page_url) FROM "
            "page_topics)"
        ).fetchone()
    assert ("person", "Patrick Burghardt", "Oberbürgermeister") in entities
    assert any(kind == "amount" and value == "600000" for kind, value, _ in entities)
    assert ("place", "Rüsselsheim am Main", None) in entities  # the city of the source
    assert [rank for rank, _ in topics] == list(range(1, len(topics) + 1))
    assert 3 <= len(topics) <= TOP_PHRASES
    assert [s for _, s in topics] == sorted((s for _, s in topics), reverse=True)
    assert with_topics >= pages * 0.9


def test_document_frequencies_follow_edits_and_removals(tmp_path: Path) -> None:
    """topic_df is kept as pages change and go (editions 1 and 2: new, edited, removed
    pages): always the count of topic_terms per key."""
    path = tmp_path / "archive.db"
    for edition in (1, 2):
        with SampleSite(edition=edition, crawl_delay="0.01") as edited:
            crawl_sample(path, edited)
    with sqlite3.connect(path) as conn:
        kept = conn.execute("SELECT key, d FROM topic_df ORDER BY key").fetchall()
        counted = conn.execute(
            "SELECT key, count(*) FROM topic_terms GROUP BY key ORDER BY key"
        ).fetchall()
        removed = conn.execute("SELECT count(*) FROM pages WHERE removed_at IS NOT NULL")
        assert removed.fetchone()[0] > 0
    assert kept == counted and kept


def test_rebuild_gives_the_rows_the_crawl_wrote(archive: Path, tmp_path: Path) -> None:
    before = _rows(archive)
    copy = tmp_path / "copy.db"
    with sqlite3.connect(archive) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    db = open_archive(copy)
    try:
        for table in TABLES:
            db.execute(f"DELETE FROM {table}")
        registry.rebuild(db, registry.get("topics"))
        db.conn.commit()
    finally:
        db.close()
    after = _rows(copy)
    assert after["topic_df"] == before["topic_df"]  # kept page by page = counted anew
    assert after["page_entities"] == before["page_entities"]
    assert after["topic_terms"] == before["topic_terms"]
    # scores written page by page used the frequencies of their moment; after the run
    # every page of the source was scored again, so a rebuild agrees
    assert [r[:2] + r[3:] for r in after["page_topics"]] == [
        r[:2] + r[3:] for r in before["page_topics"]
    ]


def test_cli_page_topics_and_entities_follow_the_contract(archive: Path) -> None:
    url = _seed_url(archive)
    phrases = json.loads(invoke("topics", url, "--db", str(archive), "--json").output)
    assert phrases and set(phrases[0]) == {"phrase", "score"}
    assert [p["score"] for p in phrases] == sorted((p["score"] for p in phrases), reverse=True)
    found = json.loads(invoke("entities", url, "--db", str(archive), "--json").output)
    assert {"type", "text", "role", "sentence"} <= set(found[0])
    amounts = [e for e in found if e["type"] == "amount"]
    assert any(e["text"] == "600.000 Euro" for e in amounts)
    people = [e for e in found if e["type"] == "person"]
    assert {"Oberbürgermeister"} == {e["role"] for e in people}


def test_cli_counts_over_the_archive(archive: Path) -> None:
    people = json.loads(
        invoke("entities", "--kind", "person", "--db", str(archive), "--json").output
    )
    assert people and all(p["kind"] == "person" for p in people)
    assert [p["pages"] for p in people] == sorted((p["pages"] for p in people), reverse=True)
    burghardt = next(p for p in people if p["value"] == "Patrick Burghardt")
    assert burghardt["pages"] >= 2 and burghardt["role"] == "Oberbürgermeister"
    overview = json.loads(invoke("topics", "--db", str(archive), "--json").output)
    assert set(overview["entities"]) == set(KINDS)
    assert overview["phrases"][0]["pages"] >= overview["phrases"][-1]["pages"]
    dated = json.loads(
        invoke("topics", "--since", "2099-01-01", "--db", str(archive), "--json").output
    )
    assert dated["phrases"] == []
    text = invoke("topics", "--db", str(archive), "--limit", "3").output
    assert "Key phrases" in text and "person" in text


def test_cli_refuses_unknown_sources_and_kinds(archive: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["topics", "--source", "nowhere", "--db", str(archive)])
    assert result.exit_code != 0 and "nowhere" in result.output
    result = runner.invoke(cli, ["entities", "--kind", "animal", "--db", str(archive)])
    assert result.exit_code == 2
    missing = "http://www.ruesselsheim.test/presse/nirgends"
    result = runner.invoke(cli, ["entities", missing, "--db", str(archive)])
    assert result.exit_code not in (0, 70) and "nirgends" in result.output


def test_migration_16_and_the_index_create_the_same_tables() -> None:
    (migration,) = [m for m in MIGRATIONS if m.name == "topics_entities"]
    assert migration.id == 16 and isinstance(migration.apply, SqlSteps)
    frozen, current = sqlite3.connect(":memory:"), sqlite3.connect(":memory:")
    for statement in migration.apply.statements:
        frozen.execute(statement)
    for statement in DDL:
        current.execute(statement)
    query = "SELECT type, name, tbl_name FROM sqlite_master ORDER BY name"
    assert frozen.execute(query).fetchall() == current.execute(query).fetchall()
    for table in TABLES:
        info = f"PRAGMA table_info({table})"
        assert frozen.execute(info).fetchall() == current.execute(info).fetchall()


def test_cli_kinds_are_the_tables() -> None:
    assert CLI_KINDS == KINDS


def test_graph_neighbors_of_a_key_phrase_and_a_person(archive: Path) -> None:
    url = _seed_url(archive)
    phrases = json.loads(invoke("topics", url, "--db", str(archive), "--json").output)
    phrase = phrases[0]["phrase"]
    found = json.loads(
        invoke("graph", "neighbors", f"topic:{phrase}", "--db", str(archive), "--json").output
    )
    assert url in [n["id"] for n in found["neighbors"] if n["distance"] == 1]
    person = json.loads(
        invoke(
            "graph", "neighbors", "person:Patrick Burghardt", "--depth", "2",
            "--db", str(archive), "--json",
        ).output
    )  # fmt: skip
    pages = [n for n in person["neighbors"] if n["distance"] == 1]
    shared = [n for n in person["neighbors"] if n["distance"] == 2]
    assert len(pages) >= 2 and url in [n["id"] for n in pages]
    assert shared and all(1 <= n["shared"] <= len(pages) for n in shared)
    assert person["node"]["id"] == "person:patrick burghardt"
    assert person["node"]["id"] not in [n["id"] for n in shared]
    result = CliRunner().invoke(
        cli, ["graph", "neighbors", "topic:Zzyzxwort", "--db", str(archive)]
    )
    assert result.exit_code != 0 and "Zzyzxwort" in result.output


def test_graph_topics_rising_and_falling_from_the_text(archive: Path) -> None:
    data = json.loads(
        invoke("graph", "topics", "--of", "phrases", "--db", str(archive), "--json").output
    )
    assert data["periods"] == sorted(data["periods"]) and len(data["periods"]) >= 2
    assert data["rising"] and all(r["change"] > 0 for r in data["rising"])
    assert all(r["change"] < 0 for r in data["falling"])
    changes = [r["change"] for r in data["rising"]]
    assert changes == sorted(changes, reverse=True)
    since = json.loads(
        invoke(
            "graph", "topics", "--of", "person", "--since", "2025-01-01", "--db", str(archive),
            "--json",
        ).output
    )  # fmt: skip
    assert all(p >= "2025" for p in since["periods"])
    assert all(r["key"].startswith("person:") for r in since["rising"] + since["falling"])
    labels = json.loads(
        invoke("graph", "topics", "--until", "2019-12-31", "--db", str(archive), "--json").output
    )
    assert labels["periods"] and all(p <= "2019" for p in labels["periods"])


def _copy_without_page_topics(archive: Path, copy: Path) -> Any:
    """The archive copied to ``copy`` and opened, its ``page_topics`` emptied (committed)."""
    with sqlite3.connect(archive) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    db = open_archive(copy)
    db.execute("DELETE FROM page_topics")
    db.conn.commit()
    return db


def test_scores_are_the_same_with_sqlites_ln_and_pythons(archive: Path, tmp_path: Path) -> None:
    """The scoring uses SQLite's built-in ``ln`` where it has one, Python's ``math.log``
    (the same C ``log``) where it does not: the stored rows are identical."""
    rows = {}
    for builtin in (True, False):
        copy = tmp_path / f"copy-{builtin}.db"
        db = _copy_without_page_topics(archive, copy)
        calls: list[float] = []
        try:
            if not builtin:  # Python's, over the built-in one (as where SQLite lacks it)

                def counted(x: float, calls: list[float] = calls) -> float:
                    calls.append(x)
                    return topic_index._ln(x)

                db.conn.create_function("ln", 1, counted, deterministic=True)
            topic_index.score_all(db)
            db.conn.commit()
        finally:
            db.close()
        assert bool(calls) is not builtin
        rows[builtin] = _rows(copy)["page_topics"]
    assert rows[True] and rows[True] == rows[False]


def test_runs_scored_together_equal_runs_scored_one_by_one(archive: Path, tmp_path: Path) -> None:
    """A crawl's runs that end in one batch are scored in one statement
    (``TopicsIndex.after_runs``): the same rows as one ``score_source`` per source."""
    rows = {}
    for together in (True, False):
        copy = tmp_path / f"copy-{together}.db"
        db = _copy_without_page_topics(archive, copy)
        try:
            sources = [r[0] for r in db.execute("SELECT name FROM sources ORDER BY name")]
            if together:
                topic_index.score_sources(db, sources)
            else:
                for source in sources:
                    topic_index.score_source(db, source)
            db.conn.commit()
        finally:
            db.close()
        rows[together] = _rows(copy)["page_topics"]
    assert rows[True] and rows[True] == rows[False]


def test_scoring_again_mends_rows_in_place_and_replaces_stale_keys(
    archive: Path, tmp_path: Path
) -> None:
    """Scoring replaces a page's rows in place: a row that is no longer a top phrase goes,
    one whose stored key differs from its candidate's (a stemmer changed) is written anew,
    and the rows are those of before."""
    copy = tmp_path / "copy.db"
    with sqlite3.connect(archive) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    url = _seed_url(copy)
    before = _rows(copy)["page_topics"]
    db = open_archive(copy)
    try:
        with db.atomic():
            db.execute(
                "UPDATE page_topics SET key = 'stale' WHERE page_url = ? AND rank = 1", [url]
            )
            db.execute(
                "INSERT INTO page_topics VALUES (?, 'no longer a topic', 9.9, 11, 'gone')", [url]
            )
        topic_index.score_source(db, "sample")
    finally:
        db.close()
    assert _rows(copy)["page_topics"] == before
