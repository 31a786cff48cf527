"""Graph answers from SQL (:mod:`archive.graph.sql_graph`) and the compiled-library ranking
(:mod:`archive.graph.ranking`) against the networkx graph of :mod:`archive.graph.model`, on
the sample site's archive (both editions crawled) and on a synthetic graph."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archive.graph import analysis as A
from archive.graph import model as G
from archive.graph import ranking
from archive.graph.sql_graph import SqlGraph
from archive.indexes import graph_edges, graph_ranking, graph_store, registry
from archive.indexes.graph_edges import refresh_pages
from archive.store.schema import open_archive
from tests.archive.test_graph import SEED, Archive, archive  # noqa: F401 - the fixture

pytestmark = pytest.mark.slow


def test_every_node_and_its_neighbours_match_the_built_graph(archive: Archive) -> None:  # noqa: F811
    db = open_archive(archive.path)
    for source in (None, "sample"):
        g = G.build_graph(db, source=source)
        assert g.number_of_nodes() > 50
        sql = SqlGraph(db, source)
        assert sql.generic == G.generic_of(g)
        for node in g:
            assert sql.info(node) == A.node_info(g, node), node
        for node in list(g)[::7]:
            assert sql.neighbors(node, 2) == A.neighbors(g, node, 2), node
        assert sql.node("https://nowhere.test/x") is None


def test_removed_and_linked_nodes_match_the_built_graph(
    archive: Archive,  # noqa: F811
    tmp_path: Path,
) -> None:
    """A page removed (still linked to) and teasers to URLs the archive does not hold."""
    copy = tmp_path / "copy.db"
    shutil.copy(archive.path, copy)
    db = open_archive(copy)
    g = G.build_graph(db)
    gone = next(v for u, v, d in g.edges(data=True) if d["rel"] == "related" and u != v)
    last = db.execute("SELECT max(fetched_at) FROM revisions").fetchone()[0]
    db.execute("UPDATE pages SET removed_at = ? WHERE url = ?", [last, gone])
    db.execute(
        "UPDATE revisions SET removed_at = ? WHERE page_url = ? AND revision = "
        "(SELECT max(revision) FROM revisions WHERE page_url = ?)", [last, gone, gone]
    )  # fmt: skip
    rev = db.execute("SELECT max(revision) FROM revisions WHERE page_url = ?", [SEED]).fetchone()
    for i, target in enumerate(("https://else.test/a", "https://else.test/b")):
        db["revision_links"].insert({
            "page_url": SEED, "revision": rev[0], "rel": "related", "position": 90 + i,
            "url": target, "title": f"Anderswo {i}", "kind": "topic" if i else None,
        })  # fmt: skip
    graph_edges.rebuild(db)
    g, sql = G.build_graph(db), SqlGraph(db)
    assert {d["status"] for _n, d in g.nodes(data=True)} == {
        "archived",
        "label",
        "linked",
        "removed",
    }
    for node in g:
        assert sql.info(node) == A.node_info(g, node), node
    for node in (SEED, gone, "https://else.test/a"):
        assert sql.neighbors(node, 2) == A.neighbors(g, node, 2)
    for query in ("Anderswo 0", g.nodes[gone]["title"], "https://else.test/b"):
        assert sql.find(query) == A.find_node(g, query, db)
    with pytest.raises(G.NodeNotFound) as old:
        A.find_node(g, "anderswo", db)
    with pytest.raises(G.NodeNotFound) as new:
        sql.find("anderswo")
    assert str(new.value) == str(old.value)  # both candidates named


def test_find_node_and_path_match_the_built_graph(archive: Archive) -> None:  # noqa: F811
    db = open_archive(archive.path)
    g, sql = G.build_graph(db), SqlGraph(db)
    titles = [str(d["title"]) for _n, d in sorted(g.nodes(data=True))][::4]
    assert {d["status"] for _n, d in g.nodes(data=True)} == {"archived", "label"}
    for query in (SEED, "Migration", "label:Migration", "stadtbücherei", "lesesommer", *titles):
        try:
            expected = A.find_node(g, query, db)
        except G.NodeNotFound as exc:
            with pytest.raises(G.NodeNotFound, match="matches|no page"):
                sql.find(query)
            assert str(exc).split(" matches ")[0] in str(exc)
            continue
        assert sql.find(query) == expected
    nodes = sorted(g)
    for a, b in zip(nodes[::5], nodes[3::5], strict=False):
        try:
            old = A.path(g, a, b)
        except G.NodeNotFound:
            with pytest.raises(G.NodeNotFound):
                sql.path(a, b)
            continue
        new = sql.path(a, b)
        assert len(new) == len(old) and new[0] == old[0] and new[-1] == old[-1]


def _modularity(g: object, groups: list[set[str]]) -> float:
    import networkx as nx

    return float(nx.community.modularity(g, groups, weight="weight"))


def test_central_matches_networkx_pagerank_and_is_cached(archive: Archive) -> None:  # noqa: F811
    from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

    db = open_archive(archive.path)
    g, sql = G.build_graph(db), SqlGraph(db)
    theirs = _pagerank_python(g, alpha=0.85, tol=1e-12, max_iter=500)  # parallel edges: weight
    best = sorted(theirs, key=lambda u: (-round(theirs[u], 9), u))[:15]
    new = ranking.central(sql, 15)
    assert [r["id"] for r in new] == best
    assert [r["id"] for r in new] == [r["id"] for r in A.central(g, 15)]
    for row in new:
        assert abs(row["pagerank"] - theirs[row["id"]]) < 1e-5
        assert row["in_degree"] == g.in_degree(row["id"]) and row["degree"] == g.degree(row["id"])
    assert db.execute("SELECT count(*) FROM graph_cache").fetchone()[0] == 0  # reads only
    registry.rebuild(db, registry.get("graph_ranking"))  # reindex: stores the answers
    # + communities, topics by year and month, generic labels, label nodes
    assert db.execute("SELECT count(*) FROM graph_cache").fetchone()[0] == 6
    assert ranking.ranks(sql)[0][0] == best[0]
    db.execute("UPDATE graph_ranks SET node = 'x' WHERE position = 0")
    assert ranking.ranks(sql, 1)[0][0] == "x"  # answered from the stored rows
    refresh_pages(db, [SEED])  # edges rewritten: the cache is forgotten
    assert db.execute("SELECT count(*) FROM graph_cache").fetchone()[0] == 0
    assert ranking.ranks(sql)[0][0] == best[0]


def test_stored_answers_equal_fresh_ones_until_the_graph_version_moves(
    archive: Archive,  # noqa: F811
    tmp_path: Path,
) -> None:
    """The reindex stores the ranking and the communities as rows under the graph version
    (migration 18): reading them gives what a fresh computation gives; a bump of the
    version (what every edge change does) makes them stale, even when the rows stay."""
    path = tmp_path / "copy.db"
    shutil.copy(archive.path, path)
    db = open_archive(path)
    sql = SqlGraph(db)
    fresh_ranks, fresh_comms = ranking.ranks(sql), ranking.communities(sql)
    fresh_central = ranking.central(sql, 10)
    fresh_neighbours = {u: sql.neighbors(u, 1) for u, *_r in fresh_ranks[:8]}
    assert db.execute("SELECT count(*) FROM graph_ranks").fetchone()[0] == 0  # reads only
    version = db.execute("SELECT version FROM graph_version").fetchone()[0]
    registry.rebuild(db, registry.get("graph_ranking"))
    assert db.execute("SELECT count(*) FROM graph_ranks").fetchone()[0] == len(fresh_ranks)
    stored = SqlGraph(db)
    assert graph_store.read_ranks(db, graph_ranking.rank_key(None)) == fresh_ranks
    assert ranking.ranks(stored) == fresh_ranks and ranking.central(stored, 10) == fresh_central
    assert ranking.communities(stored) == fresh_comms
    assert stored.generic == sql.generic and stored._labels
    for node in stored._labels:  # label nodes from the stored list, as the edges say
        assert stored.info(node) == SqlGraph(db, at="2999-12-31").info(node)
    for u, rows in fresh_neighbours.items():  # degrees from the stored ranking
        assert SqlGraph(db).neighbors(u, 1) == rows
    db.execute("UPDATE graph_ranks SET pagerank = 0.5 WHERE position = 0")
    assert ranking.ranks(SqlGraph(db))[0][1] == 0.5  # the stored rows answer
    graph_edges.forget_cached(db)  # what refresh_pages / rebuild run on every change
    assert db.execute("SELECT version FROM graph_version").fetchone()[0] == version + 1
    assert ranking.ranks(SqlGraph(db)) == fresh_ranks  # stale: computed again
    assert graph_store.read_communities(db, graph_ranking.partition_key(None, 42, 1.0)) is None
    registry.rebuild(db, registry.get("graph_ranking"))
    graph_store.bump(db)  # a version moved by itself: stale although graph_cache keeps rows
    assert db.execute("SELECT count(*) FROM graph_cache").fetchone()[0] == 6
    assert graph_store.read_ranks(db, graph_ranking.rank_key(None)) is None


def test_communities_as_good_as_the_python_louvain(archive: Archive) -> None:  # noqa: F811
    db = open_archive(archive.path)
    g, sql = G.build_graph(db), SqlGraph(db)
    h = A.simple_graph(g)
    old = A.communities(g)
    new = ranking.communities(sql)
    assert sorted(m for c in new for m in c["members"]) == sorted(g)
    assert list(new[0]) == list(old[0])  # the same keys, in the same order
    for community in new:
        assert all(top == A.node_info(g, top["id"]) for top in community["top"])
        degrees = [h.degree(top["id"]) for top in community["top"]]
        assert degrees == sorted(degrees, reverse=True)
    ratio = _modularity(h, [set(c["members"]) for c in new]) / _modularity(
        h, [set(c["members"]) for c in old]
    )
    assert ratio >= 0.95, ratio
    registry.rebuild(db, registry.get("graph_ranking"))
    assert ranking.communities(sql) == new  # from the cache: the same answer


def test_igraph_louvain_on_a_synthetic_graph() -> None:
    import networkx as nx

    g = nx.random_partition_graph([40] * 8, 0.25, 0.01, seed=3)
    edges = list(g.edges())
    groups, degree = graph_ranking.louvain(g.number_of_nodes(), edges, seed=7)
    assert groups == graph_ranking.louvain(g.number_of_nodes(), edges, seed=7)[0]
    assert degree == [g.degree(u) for u in range(g.number_of_nodes())]
    h = nx.Graph()
    h.add_weighted_edges_from((u, v, 1.0) for u, v in edges)
    ours = _modularity(h, [set(c) for c in groups])
    old = _modularity(h, A.louvain(h, seed=7))
    assert ours >= 0.95 * old and len(groups) >= 6


def test_cli_answers_now_equal_the_built_graph_at_a_later_date(archive: Archive) -> None:  # noqa: F811
    """Without --at the commands read the tables; with an --at after every fetch the
    revisions in force then (archive.graph.sql_at): the same edges, so the same answers."""
    import json

    from tests.support.cli import invoke

    db, later = str(archive.path), "2999-12-31"
    for args in (
        ["neighbors", SEED, "--depth", "2"],
        ["neighbors", "Migration"],
        ["path", SEED, "Migration"],
        ["central", "--top", "10"],
    ):
        now = json.loads(invoke("graph", *args, "--db", db, "--json").output)
        built = json.loads(invoke("graph", *args, "--at", later, "--db", db, "--json").output)
        if isinstance(now, dict):
            assert now.pop("at") == "now" and built.pop("at") != "now"
        assert now == built, args
