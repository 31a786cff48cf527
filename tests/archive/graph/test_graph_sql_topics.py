"""``graph topics`` from SQL aggregates (:mod:`archive.graph.sql_topics`) against
:func:`archive.graph.analysis.topics` on the built graph, now and at past times."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.graph import analysis as A
from archive.graph import model as G
from archive.graph.sql_topics import topics
from archive.indexes import graph_edges, graph_ranking, registry
from archive.store.schema import open_archive
from tests.archive.graph import history
from tests.archive.test_graph import Archive, archive  # noqa: F401 - the fixture
from tests.support.cli import invoke


def test_topics_of_a_history_equal_the_built_graph(tmp_path: Path) -> None:
    db = history.build(tmp_path / "history.db")
    seen = []
    for at in [*history.ASK, None]:
        for source in (None, "a", "b"):
            g = G.build_graph(db, at=at, source=source)
            for by in ("year", "month"):
                found = topics(db, by, source, at)
                assert found == A.topics(g, by), (at, source, by)
                seen.append(json.dumps(found, sort_keys=True))
    assert len(set(seen)) >= 8  # the counts change over the history
    assert any('"generic": true' in s for s in seen)


def test_topics_now_are_cached_by_the_reindex(tmp_path: Path) -> None:
    db = history.build(tmp_path / "history.db")
    expected = {by: topics(db, by) for by in ("year", "month")}
    registry.rebuild(db, registry.get("graph_ranking"))
    assert {by: topics(db, by) for by in ("year", "month")} == expected
    db.execute("UPDATE graph_cache SET data = '[[\"Cached\", \"2024\", 7]]' WHERE key = ?",
               [graph_ranking.topics_key(None, "year")])  # fmt: skip
    assert [r["label"] for r in topics(db, "year")["topics"]] == ["Cached"]  # read, not counted
    assert topics(db, "year", "a") == A.topics(G.build_graph(db, source="a"), "year")
    graph_edges.refresh_pages(db, [history.page(0)])  # edges rewritten: the cache is forgotten
    assert topics(db, "year") == expected["year"]


@pytest.mark.slow
def test_topics_of_the_sample_archive_equal_the_built_graph(archive: Archive) -> None:  # noqa: F811
    db = open_archive(archive.path)
    for at in (None, archive.before, archive.after):
        for by in ("year", "month"):
            assert topics(db, by, None, at) == A.topics(G.build_graph(db, at=at), by)
    out = invoke("graph", "topics", "--by", "month", "--db", str(archive.path), "--json")
    data = json.loads(out.output)
    assert [r["label"] for r in data["topics"]] == [
        r["label"] for r in A.topics(G.build_graph(db), "month")["topics"]]  # fmt: skip
