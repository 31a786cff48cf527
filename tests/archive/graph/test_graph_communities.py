"""Community summaries on arrays (:mod:`archive.indexes.graph_communities`) against the
way of before (:func:`archive.indexes.graph_ranking.summarise` of
:func:`archive.indexes.graph_ranking.compute_partition`, node details from dicts): the same
answer, community for community, on a synthetic archive of a few thousand nodes in real
SQLite (hubs, a generic label, linked URLs the archive does not hold, removed pages, two
sources, a second revision), now and at a past time, for several seeds and resolutions."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sqlite_utils

from archive.graph import ranking
from archive.graph.sql_graph import SqlGraph
from archive.indexes import graph_communities as C
from archive.indexes import graph_edges
from archive.indexes import graph_ranking as R
from archive.store.schema import open_archive

LABELS = ["Pressemitteilung", *(f"Thema {i}" for i in range(12))]
TYPES = ["press_release", "topic", "org_unit", "notice"]
T1, T2 = "2025-03-01T10:00:00.000Z", "2025-04-01T10:00:00.000Z"


def _archive(path: Path, n: int = 2500, seed: int = 5) -> sqlite_utils.Database:
    rng = random.Random(seed)
    db = open_archive(path)
    pages, revisions, links = [], [], []
    for i in range(n):
        url = f"https://{'ab'[i % 7 == 0]}.test/p/{i}"
        label = LABELS[0] if rng.random() < 0.5 else rng.choice(LABELS)
        ptype = TYPES[min(int(rng.paretovariate(1.5)) - 1, 3)]
        revs = [T1, T2] if i % 10 == 0 else [T1]
        removed = T2 if i % 97 == 5 else None
        pages.append({"url": url, "source": "ab"[i % 7 == 0], "page_type": ptype,
                      "label": label, "title": f"Seite {i}", "published": "2025-01-01",
                      "first_seen": T1, "version": len(revs), "removed_at": removed})  # fmt: skip
        for r, at in enumerate(revs, 1):
            revisions.append({"page_url": url, "revision": r, "version": r, "event": "new",
                              "fetched_at": at, "page_type": ptype, "label": label,
                              "title": f"Seite {i}", "published": "2025-01-01",
                              "removed_at": removed if r == len(revs) else None})  # fmt: skip
            for pos in range(4):
                hub = int(rng.paretovariate(1.1)) % 40  # a few pages most link to
                j = hub if rng.random() < 0.4 else rng.randrange(n)
                target = f"https://{'ab'[j % 7 == 0]}.test/p/{j}"
                if rng.random() < 0.05:  # a URL the archive does not hold
                    target = f"https://else.test/{rng.randrange(60)}"
                links.append({"page_url": url, "revision": r, "rel": "related", "position": pos,
                              "url": target, "title": f"zu {j}", "kind": "press",
                              "label": rng.choice(LABELS[1:]), "date": None})  # fmt: skip
            links.append({"page_url": url, "revision": r, "rel": "body", "position": 0,
                          "url": f"https://ab.test/p/{rng.randrange(n)}", "title": None,
                          "kind": None, "label": None, "date": None})  # fmt: skip
    db["pages"].insert_all(pages)
    db["revisions"].insert_all(revisions)
    db["revision_links"].insert_all(links)
    for source in ("a", "b"):
        db["crawl_runs"].insert({"source": source, "started_at": T2, "finished_at": T2,
                                 "status": "ok"})  # fmt: skip
    graph_edges.rebuild(db)
    return db


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> sqlite_utils.Database:
    return _archive(tmp_path_factory.mktemp("communities") / "archive.db")


def _before(db: sqlite_utils.Database, source: str | None, seed: int, res: float) -> Any:
    generic = R.generic_labels(db, source)
    partition = R.compute_partition(db, source, seed, res)
    return R.summarise(partition, R.node_attrs(db, source), generic)


@pytest.mark.parametrize(("seed", "res"), [(42, 1.0), (7, 1.0), (42, 2.0)])
def test_summaries_on_arrays_equal_the_summaries_of_before(
    db: sqlite_utils.Database, seed: int, res: float
) -> None:
    for source in (None, "a"):
        before = _before(db, source, seed, res)
        assert R.community_summaries(db, source, seed, res) == before
        assert len(before) >= 3 and sum(c["size"] for c in before) > 2000
        assert any(c["labels"] for c in before) and any(len(c["kinds"]) > 1 for c in before)


def test_ranking_summaries_equal_those_of_before_now_and_at_a_past_time(
    db: sqlite_utils.Database,
) -> None:
    for at in (None, "2025-03-15"):
        sql = SqlGraph(db, None, at)
        before = R.summarise(ranking.partition(sql), ranking._kinds_labels(sql), sql.generic)
        assert ranking.summaries(SqlGraph(db, None, at)) == before
        others = [u for c in before for u in c["members"] if "else.test" in u]
        assert others  # linked URLs: their kind from the edges


def test_weighted_pairs_and_groups_equal_numpy_unique_and_igraph() -> None:
    import igraph

    rng = np.random.default_rng(3)
    n = 500
    edges = rng.integers(0, n, size=(4000, 2)).astype(np.int32)
    pairs = edges.astype(np.int64)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    keys, weights = np.unique(pairs.min(axis=1) * n + pairs.max(axis=1), return_counts=True)
    found = C.weighted_pairs(n, edges)
    assert np.array_equal(found[0], keys) and np.array_equal(found[1], weights)
    assert len(keys) < len(pairs)  # some pairs repeat: weights above 1
    membership, distinct = C.leiden(n, edges, seed=1)
    h = igraph.Graph(n=n, edges=np.column_stack((keys // n, keys % n)).tolist())
    assert distinct.tolist() == h.degree()
    clustering = igraph.VertexClustering(h, membership.tolist())
    assert C.groups(membership) == [list(c) for c in clustering]
    assert C.weighted_pairs(3, [])[0].tolist() == [] and C.groups([]) == []


def test_leiden_gives_the_same_communities_in_every_call_whatever_the_threads() -> None:
    """networkit builds its graph with all threads by default, and the order of each
    node's neighbours then varies from call to call (so did the communities: 7 different
    answers in 8 calls on this graph before leiden built it on one thread)."""
    import networkit as nk

    rng = np.random.default_rng(3)
    n = 2000
    edges = rng.integers(0, n, size=(8000, 2)).astype(np.int32)
    threads = nk.getMaxNumberOfThreads()
    found = []
    try:
        for count in (2, 1, 2, 2, 1, 2):
            nk.setNumberOfThreads(count)
            found.append(C.leiden(n, edges, seed=42)[0].tolist())
            assert nk.getMaxNumberOfThreads() == count  # left as it was
    finally:
        nk.setNumberOfThreads(threads)
    assert all(membership == found[0] for membership in found)
    assert len(set(found[0])) > 5 and C.leiden(n, edges, seed=7)[0].tolist() != found[0]
    groups = C.groups(found[0])  # numbered by their smallest node, in that order
    assert [g[0] for g in groups] == sorted(g[0] for g in groups)


def test_label_details_are_looked_up_while_the_communities_are_computed(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The top nodes' details of a cold answer: the label nodes' come from a second
    connection, read while Leiden runs (none looked up here after it); the same answer as
    without it; inside a transaction (another connection might see other edges) all are
    looked up here as before."""
    import contextlib
    import threading

    here: list[str] = []
    find = SqlGraph._find

    def counting(self: SqlGraph, node: str) -> Any:
        if node.startswith("label:") and threading.current_thread() is threading.main_thread():
            here.append(node)
        return find(self, node)

    monkeypatch.setattr(SqlGraph, "_find", counting)
    meanwhile = ranking.communities(SqlGraph(db))
    assert here == [] and any(t["id"].startswith("label:") for c in meanwhile for t in c["top"])
    with monkeypatch.context() as m:
        m.setattr(ranking, "_labels_meanwhile", lambda *_a: contextlib.nullcontext())
        assert ranking.communities(SqlGraph(db)) == meanwhile
    assert here  # looked up here without it
    here.clear()
    db.execute("BEGIN")
    try:
        assert ranking.communities(SqlGraph(db)) == meanwhile
    finally:
        db.execute("ROLLBACK")
    assert here
