"""A crawl extracting in worker processes (``crawler.engine.workers``, with the indexes'
text analysis prepared there and written per batch) archives exactly what a crawl
extracting in threads does: every source of the sample site, compared table by table,
search and learned templates included; and its derived indexes are what a rebuild from
the base rows (``pressarchive reindex``, no prepared work, no batches) computes."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any

import pytest

from archive.indexes import registry
from archive.run.crawl import crawl_sources
from archive.search.engine import search
from archive.store.schema import open_archive
from crawler.config.settings import Config, loads_config
from crawler.sample_site import SampleSite
from crawler.sample_site.demo import all_families_config_text
from tests.support.processes import query

pytestmark = pytest.mark.slow

#: what two crawls of the same site must agree on (no fetch times)
QUERIES = {
    "pages": "SELECT url, source, title, lead, body, published, label, captions, content_hash, "
    "version FROM pages ORDER BY url",
    "revisions": "SELECT page_url, revision, version, event, changed_fields, title "
    "FROM revisions ORDER BY 1, 2",
    "images": "SELECT * FROM images ORDER BY 1, 2",
    "links": "SELECT * FROM links ORDER BY 1, 2, 3",
    "topic_terms": "SELECT * FROM topic_terms ORDER BY 1, 2",
    "topic_df": "SELECT * FROM topic_df ORDER BY 1",
    "page_topics": "SELECT page_url, phrase, rank, round(score, 9) FROM page_topics ORDER BY 1, 3",
    "page_entities": "SELECT * FROM page_entities ORDER BY 1, 2, 7",
    "graph_edges": "SELECT source, target, rel, kind FROM graph_edges ORDER BY 1, 2, 3",
    "search_terms": "SELECT * FROM search_terms ORDER BY 1",
    "templates": "SELECT source, version, profile FROM learned_templates ORDER BY 1, 2",
}


def _crawl(db_path: Path, config: Config, processes: int) -> None:
    crawler = dataclasses.replace(config.crawler, extract_processes=processes)
    db = open_archive(db_path)
    try:
        runs = crawl_sources(db, dataclasses.replace(config, crawler=crawler), config.sources)
    finally:
        db.close()
    assert {r.status for r in runs} == {"ok"}, [(r.source, r.status) for r in runs]


def _content(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    return {name: query(db_path, sql) for name, sql in QUERIES.items()}


def test_worker_processes_archive_what_threads_do(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        config = loads_config(all_families_config_text(site.port, delay=0.0, max_delay=0.01))
        with caplog.at_level(logging.DEBUG, logger="crawler.engine.workers"):
            _crawl(tmp_path / "processes.db", config, 2)
        assert "extracting in 2 worker processes" in caplog.text
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="crawler.engine.workers"):
            _crawl(tmp_path / "threads.db", config, 1)
        assert "worker processes" not in caplog.text
    threads, processes = _content(tmp_path / "threads.db"), _content(tmp_path / "processes.db")
    assert len(threads["pages"]) > 100 and len(threads["page_entities"]) > 100
    assert len(threads["templates"]) >= 4  # learned in worker processes by the second crawl
    for name in QUERIES:
        assert processes[name] == threads[name], name
    found = []
    for path in (tmp_path / "threads.db", tmp_path / "processes.db"):
        db = open_archive(path)
        try:
            found.append([(h["url"], round(h["score"], 9)) for h in search(db, "Kita")])
        finally:
            db.close()
    assert found[0] and found[0] == found[1]


def _found(path: Path, words: str) -> list[tuple[str, float]]:
    db = open_archive(path)
    try:
        return [(h["url"], round(h["score"], 9)) for h in search(db, words)]
    finally:
        db.close()


#: the derived tables a rebuild recomputes as the crawl left them (``page_topics`` is
#: left out: a page of another source keeps the scores of its own run until a rebuild)
DERIVED = ("topic_terms", "topic_df", "page_entities", "graph_edges", "search_terms")


def test_the_indexes_a_batched_crawl_leaves_are_what_a_rebuild_computes(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        config = loads_config(all_families_config_text(site.port, delay=0.0, max_delay=0.01))
        _crawl(path, config, 2)
        site.edition = 2  # changed and removed pages, in batches with new ones
        _crawl(path, config, 2)
    words = ("Kita", "Haushalt", "Förderung", "Baustelle")
    crawled = {name: query(path, QUERIES[name]) for name in DERIVED}
    searches = [_found(path, w) for w in words]
    assert all(crawled.values()) and all(searches)
    db = open_archive(path)
    try:
        for index in registry.INDEXES:
            registry.rebuild(db, index)
    finally:
        db.close()
    assert {name: query(path, QUERIES[name]) for name in DERIVED} == crawled
    assert [_found(path, w) for w in words] == searches
