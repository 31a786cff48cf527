"""Derived indexes: ``pressarchive reindex`` and the rebuild of stale indexes on open.

The archive is the sample site crawled twice (edition 1, then edition 2: new, changed and
removed pages), so the graph has history. Before every rebuild the index is emptied, so a
rebuild that did nothing would fail the comparison. The two crawls take seconds: the
tests that read them are ``slow``; the ones that need no crawl stay in the fast lane.
"""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from archive.cli.main import cli
from archive.indexes import registry as registry
from archive.indexes.graph_edges import EDGE_COLUMNS
from archive.search.engine import search
from archive.store.schema import open_archive
from crawler.errors import ArchiveError
from crawler.sample_site import SampleSite
from tests.support.sample_crawl import crawl_sample

QUERIES = ("Integrationslotsen", "Haushalt", "Lotsen", "Feuerwehr", "Stadtverordnetenversammlung")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reindex") / "archive.db"
    for edition in (1, 2):
        with SampleSite(edition=edition, crawl_delay="0.01") as site:
            crawl_sample(path, site)
    return path


@pytest.fixture()
def archive(crawled: Path, tmp_path: Path) -> Iterator[Path]:
    copy = tmp_path / "archive.db"
    shutil.copy(crawled, copy)
    yield copy


def _observed(path: Path) -> dict[str, Any]:
    """What the indexes answer: search hits in order, all graph edges, graph central."""
    db = open_archive(path)
    try:
        hits = {q: [h["url"] for h in search(db, q, limit=50)] for q in QUERIES}
        exact = {q: [h["url"] for h in search(db, q, exact=True)] for q in QUERIES}
        cols = ", ".join(EDGE_COLUMNS)
        edges = db.execute(f"SELECT {cols} FROM graph_edges ORDER BY source, target, rel")
        edge_rows = [tuple(r) for r in edges.fetchall()]
        terms = db.execute("SELECT count(*) FROM search_terms").fetchone()[0]
    finally:
        db.close()
    central = CliRunner().invoke(cli, ["graph", "central", "--db", str(path), "--json"])
    assert central.exit_code == 0, central.output
    return {
        "hits": hits,
        "exact": exact,
        "edges": edge_rows,
        "terms": terms,
        "central": json.loads(central.output),
    }


def _empty_indexes(path: Path, *names: str) -> None:
    """Empty the named indexes behind the registry's back (their state still says built)."""
    conn = sqlite3.connect(path)
    statements = {
        "fts": "INSERT INTO pages_fts (pages_fts) VALUES ('delete-all')",
        "search": "INSERT INTO pages_search (pages_search) VALUES ('delete-all'); "
        "DELETE FROM search_terms",
        "graph_edges": "DELETE FROM graph_edges",
    }
    conn.executescript("; ".join(statements[n] for n in names))
    conn.close()


def _reindex(path: Path, *args: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["reindex", "--db", str(path), "--json", *args])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.mark.slow
def test_observed_answers_are_not_trivial(archive: Path) -> None:
    seen = _observed(archive)
    assert all(seen["hits"][q] for q in ("Integrationslotsen", "Haushalt", "Lotsen"))
    assert "2025-11-28-euro-fuer-vielfalt-und-teilhabe" in seen["hits"]["Integrationslotsen"][0]
    assert len(seen["edges"]) > 50 and any(not e[-1] for e in seen["edges"])  # some ended
    assert seen["central"] and seen["terms"] > 0


@pytest.mark.slow
def test_reindex_all_restores_every_answer(archive: Path) -> None:
    before = _observed(archive)
    _empty_indexes(archive, "fts", "search", "graph_edges")
    emptied = _observed(archive)
    assert emptied["hits"] != before["hits"] and emptied["edges"] == []
    out = _reindex(archive)
    assert list(out["indexes"]) == registry.names()
    pages = sqlite3.connect(archive).execute("SELECT count(*) FROM pages").fetchone()[0]
    assert out["indexes"]["search"]["rows"] == out["indexes"]["fts"]["rows"] == pages
    assert out["indexes"]["graph_edges"]["rows"] == len(before["edges"])
    assert all(info["seconds"] >= 0 for info in out["indexes"].values())
    assert _observed(archive) == before


@pytest.mark.slow
def test_reindex_one_index_leaves_the_others(archive: Path) -> None:
    before = _observed(archive)
    _empty_indexes(archive, "search", "graph_edges")
    out = _reindex(archive, "--index", "graph_edges")
    assert list(out["indexes"]) == ["graph_edges"]
    after = _observed(archive)
    assert after["edges"] == before["edges"] and after["central"] == before["central"]
    assert after["hits"]["Lotsen"] == []  # search was not rebuilt
    _reindex(archive, "--index", "search")
    assert _observed(archive) == before


@pytest.mark.slow
def test_reindex_text_output_and_no_progress_off_a_terminal(archive: Path) -> None:
    """The bar is for terminals only (tests/archive/test_progress.py runs it on one)."""
    result = CliRunner().invoke(cli, ["reindex", "--db", str(archive), "--index", "fts"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("fts: ") and "rows in" in result.stdout
    assert "reindexing" not in result.stderr.lower()


def test_unknown_index_is_a_usage_error_naming_the_known_ones(tmp_path: Path) -> None:
    archive = tmp_path / "archive.db"
    open_archive(archive).close()  # an empty archive: no crawl needed to refuse the name
    result = CliRunner().invoke(cli, ["reindex", "--db", str(archive), "--index", "nope"])
    assert result.exit_code == 2
    assert "'nope'" in result.output
    assert all(name in result.output for name in registry.names())


def test_reindex_without_an_archive_creates_none(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["reindex", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == ArchiveError.exit_code and str(tmp_path / "none.db") in result.output
    assert not (tmp_path / "none.db").exists()


@pytest.mark.slow
@pytest.mark.parametrize("state", ["old version", "never built"])
def test_stale_index_is_rebuilt_on_open(
    archive: Path, state: str, caplog: pytest.LogCaptureFixture
) -> None:
    before = _observed(archive)
    _empty_indexes(archive, "graph_edges")
    conn = sqlite3.connect(archive)
    if state == "old version":
        conn.execute("UPDATE index_state SET version = '0' WHERE name = 'graph_edges'")
    else:
        conn.execute("DELETE FROM index_state WHERE name = 'graph_edges'")
    conn.commit()
    conn.close()
    with caplog.at_level(logging.INFO, logger="archive.indexes.registry"):
        open_archive(archive).close()
    assert "index graph_edges" in caplog.text and "rebuilding" in caplog.text
    assert "index search" not in caplog.text  # current indexes are left alone
    assert _observed(archive) == before
    conn = sqlite3.connect(archive)
    versions = dict(conn.execute("SELECT name, version FROM index_state").fetchall())
    conn.close()
    assert versions == {index.name: index.version for index in registry.INDEXES}


@pytest.mark.slow
def test_saves_keep_every_index_equal_to_a_rebuild(archive: Path) -> None:
    """The hooks (save_page, mark_removed, finish_run) left the indexes as a rebuild
    makes them: the crawls above went through the hooks only."""
    before = _observed(archive)
    _reindex(archive)
    assert _observed(archive) == before


def test_the_cli_names_every_registered_index() -> None:
    """``reindex --index`` lists the names without importing the registry (start-up time)."""
    from archive.cli.reindex import INDEX_NAMES

    assert list(INDEX_NAMES) == registry.names()
