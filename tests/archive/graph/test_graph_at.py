"""``graph ... --at DATE`` from SQL (:mod:`archive.graph.sql_at`) against the graph built
for that time (:func:`archive.graph.model.build_graph`): every node's details, neighbours,
the edge list, PageRank, communities, finding nodes and paths, on an archive with an
awkward history (``history.py``) at many times, and on the sample site's archive."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import sqlite_utils

from archive.graph import analysis as A
from archive.graph import model as G
from archive.graph import ranking
from archive.graph.sql_graph import SqlGraph
from archive.indexes import graph_ranking
from archive.store.schema import open_archive
from tests.archive.graph import history
from tests.archive.test_graph import CHANGED, NEW_TARGET, OLD_TARGET, SEED, Archive, archive  # noqa: F401
from tests.support.cli import invoke


def compare(db: sqlite_utils.Database, at: str | None, source: str | None) -> int:
    """Assert SQL answers equal the built graph's at ``at``; return its number of edges."""
    g = G.build_graph(db, at=at, source=source)
    sql = SqlGraph(db, source, at)
    assert sql.at == g.graph["at"]
    assert sql.generic == A.generic_of(g)
    for node in g:
        assert sql.info(node) == A.node_info(g, node), (at, node)
        assert sql.neighbors(node, 2) == A.neighbors(g, node, 2), (at, node)
    nodes, edges = graph_ranking.edge_list(db, source, sql.bound, sql.tables)
    assert sorted(nodes) == sorted(g)
    assert Counter((nodes[u], nodes[v]) for u, v in edges) == Counter(g.edges())
    ranks = A.pagerank(g)
    for row in ranking.central(sql, 1000):
        assert abs(row["pagerank"] - ranks[row["id"]]) < 1e-5
        assert (row["in_degree"], row["out_degree"]) == (g.in_degree(row["id"]),
                                                         g.out_degree(row["id"]))  # fmt: skip
    found = ranking.communities(sql)
    assert sorted(m for c in found for m in c["members"]) == sorted(g)
    for c in found:
        assert all(top == A.node_info(g, top["id"]) for top in c["top"])
    titles = sorted({str(d["title"]) for _n, d in g.nodes(data=True)})
    for query in [*titles[::3], "Seite", "nowhere"]:
        try:
            expected = A.find_node(g, query, db)
        except G.NodeNotFound as exc:
            with pytest.raises(G.NodeNotFound) as new:
                sql.find(query)
            assert str(new.value) == str(exc)
            continue
        assert sql.find(query) == expected
    ids = sorted(g)
    for a, b in zip(ids[::4], ids[3::4], strict=False):
        try:
            old = A.path(g, a, b)
        except G.NodeNotFound:
            with pytest.raises(G.NodeNotFound):
                sql.path(a, b)
            continue
        new = sql.path(a, b)
        assert len(new) == len(old) and new[0] == old[0]  # shortest paths may differ
        assert new[-1]["id"] == old[-1]["id"] and new[-1]["title"] == old[-1]["title"]
    return int(g.number_of_edges())


def test_answers_at_every_time_of_a_history_equal_the_built_graph(tmp_path: Path) -> None:
    db = history.build(tmp_path / "history.db")
    counts = [compare(db, at, source) for at in history.ASK for source in (None, "a")]
    assert counts[0] == 0 and len(set(counts)) >= 5  # the graph changes over the history
    g = G.build_graph(db, at=history.T[3])
    assert g.nodes[history.page(5)]["status"] == "archived"
    assert G.build_graph(db, at=history.T[1]).nodes[history.page(5)]["status"] == "removed"
    gap = (history.page(0), history.page(1))
    assert [gap in G.build_graph(db, at=t).edges() for t in history.T[:5]] == [
        True, True, False, False, True]  # fmt: skip


@pytest.mark.slow
def test_answers_at_the_sample_archive_times_equal_the_built_graph(archive: Archive) -> None:  # noqa: F811
    db = open_archive(archive.path)
    for at in (archive.edition1, archive.before, archive.after):
        assert compare(db, at, None) > 50
    assert compare(db, archive.before, "sample") > 50


@pytest.mark.slow
def test_cli_at_answers_from_sql_see_the_change(archive: Archive) -> None:  # noqa: F811
    import json

    db = str(archive.path)
    seen = {}
    for name, at in (("before", archive.before), ("after", archive.after)):
        out = invoke("graph", "neighbors", CHANGED, "--at", at, "--db", db, "--json").output
        data = json.loads(out)
        assert data["at"].startswith(at[:10])
        seen[name] = {row["id"] for row in data["neighbors"]
                      if (row["direction"], row["rel"]) == ("out", "related")}  # fmt: skip
    assert seen["before"] - seen["after"] == {OLD_TARGET}
    assert seen["after"] - seen["before"] == {NEW_TARGET}
    steps = invoke("graph", "path", SEED, CHANGED, "--at", archive.after, "--db", db, "--json")
    assert json.loads(steps.output)[-1]["id"] == CHANGED
