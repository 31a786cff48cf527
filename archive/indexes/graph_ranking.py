"""PageRank and communities of the related-topic graph now, on a compact integer edge list
read straight from ``graph_edges``, computed by igraph (PageRank) and networkit
(communities), cached in ``graph_cache``.

- :func:`edge_list`: the nodes (ids) and edges (an integer array of index pairs) of the
  graph now, by the edge rule of :func:`archive.graph.timeline.edge_counts` (present edges
  of present pages, body links only to present pages, no generic label:
  :func:`generic_labels`), in two queries; no networkx graph.
- :func:`compute_ranks` (PageRank, damping 0.85, parallel edges add weight, dangling nodes
  spread evenly, as networkx) and :func:`compute_partition` (the Leiden method by
  modularity on the weighted simple graph, networkit's: :func:`louvain`) — compiled C.
- results are stored per question and graph version (:mod:`archive.indexes.graph_store`:
  ``graph_cache``, the ranking and the communities as rows); edge changes make them stale
  (:mod:`archive.indexes.graph_edges` bumps the version); read commands never write the
  archive, so they use a current entry or compute in memory; :class:`GraphRankingIndex`
  (``pressarchive reindex --index graph_ranking``) stores the default questions (whole
  archive; PageRank; communities with seed 42; topics; the generic labels).

igraph rather than rustworkx: rustworkx (0.18) has no Louvain / modularity communities;
igraph does both in about a second at 100,000 pages (BENCHMARKS.md, "Graph"). networkit's
Leiden replaced igraph's for communities: 2.5 times faster at 1,000,000 pages for the same
modularity (BENCHMARKS.md, stop 28).
"""

from __future__ import annotations

import functools
import heapq
import json
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from archive.indexes import graph_communities as C
from archive.indexes import graph_edge_scan as E
from archive.indexes import graph_store as S
from archive.indexes.base import DerivedIndex, Progress, page_count
from archive.indexes.graph_communities import Attrs, PageKinds
from archive.indexes.graph_edges import KIND_OF_TYPE, LABEL_PREFIX

if TYPE_CHECKING:
    import sqlite_utils

ALPHA = 0.85
GENERIC_SHARE = 0.25  # as archive.graph.model.GENERIC_SHARE / GENERIC_MIN
GENERIC_MIN = 10
SEED = 42


def _scope(alias: str, source: str | None) -> str:
    return f" AND {alias}.removed_at IS NULL" + (f" AND {alias}.source = :source" if source else "")


#: The ``pages`` and ``graph_edges`` relations of the graph now (the tables); for a past
#: time, :func:`archive.graph.sql_at.tables` gives relations with the same columns that
#: read ``:at`` from the query parameters.
NOW = ("pages", "graph_edges")
#: Nodes (ids) and edges (an ``(m, 2)`` numpy array of index pairs into the nodes).
Listed = tuple[list[str], Any]


def generic_labels(
    db: sqlite_utils.Database, source: str | None = None, at: str | None = None,
    tables: tuple[str, str] = NOW,
) -> set[str]:  # fmt: skip
    """Labels carried by more than :data:`GENERIC_SHARE` of the present pages (and more
    than ``GENERIC_MIN - 1``): they say what kind of page it is, so they get no node. Now:
    stored by the reindex while the graph is unchanged, else counted (a covering index
    of the pages' labels and removal, migration 18)."""
    if at is None and tables == NOW:
        stored = S.read_cached(db, generic_key(source))
        if stored is not None:
            return {str(label) for label in stored}
    rows = db.execute(
        f"SELECT label, count(*) FROM {tables[0]} p WHERE 1{_scope('p', source)} GROUP BY label",
        {"source": source, "at": at},
    ).fetchall()
    limit = max(GENERIC_SHARE * sum(n for _l, n in rows), GENERIC_MIN - 1)
    return {str(label) for label, n in rows if label and n > limit}


def _present(
    db: sqlite_utils.Database, sql: str, params: dict[str, Any], kinds: PageKinds | None
) -> tuple[list[str], dict[str, int]]:
    """The present pages (``sql``: their URL, with their type and label if ``kinds``
    collects those) in URL order, and each one's place."""
    if kinds is None:
        nodes = [str(u) for (u,) in db.execute(sql, params)]
    else:
        nodes, add_kind = [], kinds.add
        for u, page_type, label in db.execute(sql, params):
            nodes.append(str(u))
            add_kind(page_type, label)
    return nodes, {u: i for i, u in enumerate(nodes)}


def edge_list(
    db: sqlite_utils.Database, source: str | None = None, at: str | None = None,
    tables: tuple[str, str] = NOW, kinds: PageKinds | None = None,
) -> Listed:  # fmt: skip
    """The nodes of the graph now (present pages sorted, then the other nodes edges reach,
    in the order of the ``graph_edges`` rows) and its edges as an ``(m, 2)`` array of index
    pairs (one per edge, parallel edges repeated); ``at`` and ``tables``: the graph at that
    time instead.

    Now, the rows of ``graph_edges`` are read in one scan (two processes for a large
    table: :mod:`archive.indexes.graph_edge_scan`) and the rule is checked against the
    present pages in a dict (a join looked each row's two ends up in the index of
    ``pages``: 40 s at 1M pages, this way ~13 s, ~8 s in two); the pairs go into a flat
    integer array (8 bytes an edge instead of a tuple's ~100). ``kinds``: also collect
    the present pages' kind and label, in node order (for :func:`community_summaries`)."""
    generic = generic_labels(db, source, at, tables)
    params = {"source": source, "generic": json.dumps(sorted(generic)), "at": at}
    columns = "url" if kinds is None else "url, page_type, label"
    if tables == NOW:
        with E.second_reader(db.conn, params) as split:
            nodes, index = _present(db, E.present_sql(source, columns), params, kinds)
            return nodes, E.now_pairs(db.conn, params, index, nodes, split).reshape(-1, 2)
    pages, graph_edges = tables
    nodes, index = _present(db, E.present_sql(source, columns, pages), params, kinds)
    rows = db.execute(
        f"SELECT e.source, e.target, e.rel FROM {graph_edges} e JOIN {pages} s ON "
        f"s.url = e.source{_scope('s', source)} LEFT JOIN {pages} t ON t.url = e.target"
        f"{_scope('t', source)} WHERE e.present AND (e.rel = 'related' OR (e.rel = 'body' "
        "AND t.url IS NOT NULL) OR (e.rel = 'label' AND e.label NOT IN (SELECT value FROM "
        "json_each(:generic))))", params,
    )  # fmt: skip
    flat = E.pairs(rows, index, nodes, len(nodes))
    return nodes, np.frombuffer(flat, dtype=np.int32).reshape(-1, 2)


_LABEL_COUNTS = """
WITH pg AS (
  SELECT p.url AS url, coalesce(p.label, '') AS label,
    CASE WHEN coalesce(p.published, '') != '' THEN substr(p.published, 1, :cut)
      ELSE 'undated' END AS period
  FROM {pages} p WHERE p.removed_at IS NULL{scope}
)
SELECT name, period, count(*) FROM (
  SELECT url, label AS name, period FROM pg WHERE label != ''
  UNION
  SELECT pg.url, e.label, pg.period FROM pg JOIN {edges} e ON e.source = pg.url
  WHERE e.present AND e.rel = 'related' AND e.kind = 'topic' AND coalesce(e.label, '') != ''
) GROUP BY name, period ORDER BY name, period
"""


def label_counts(
    db: sqlite_utils.Database, by: str = "year", source: str | None = None,
    at: str | None = None, tables: tuple[str, str] = NOW,
) -> list[list[Any]]:  # fmt: skip
    """``[[label, period, pages], ...]``: the present pages per label and year or month of
    publication ("undated" without a date); a page counts for its own label and the labels
    of the topic teasers in its related box (``graph topics``, :mod:`archive.graph.sql_topics`)."""
    scope = " AND p.source = :source" if source else ""
    sql = _LABEL_COUNTS.format(pages=tables[0], edges=tables[1], scope=scope)
    params = {"cut": 4 if by == "year" else 7, "source": source, "at": at}
    return [[str(name), str(period), int(n)] for name, period, n in db.execute(sql, params)]


def topics_key(source: str | None, by: str) -> str:
    return f"topics|{source or ''}|{by}"


def _igraph(n: int, edges: Any, directed: bool) -> Any:
    """An igraph graph of ``n`` nodes and the ``edges`` (an ``(m, 2)`` array), in order;
    ``add_edges`` takes the array 2-4 times faster than the constructor's ``edges``."""
    import igraph

    g = igraph.Graph(n=n, directed=directed)
    g.add_edges(edges)
    return g


def compute_ranks(
    db: sqlite_utils.Database, source: str | None = None, listed: Listed | None = None,
    top: int | None = None,
) -> list[list[Any]]:  # fmt: skip
    """Every node (the best ``top``) with its PageRank, in- and out-degree, best first:
    ``[[id, rank, in, out], ...]`` (``listed``: the :func:`edge_list` if already read)."""
    nodes, edges = listed or edge_list(db, source)
    if not nodes:
        return []
    n = len(nodes)
    values = _igraph(n, edges, True).pagerank(damping=ALPHA, directed=True)
    ins = np.bincount(edges[:, 1], minlength=n)
    outs = np.bincount(edges[:, 0], minlength=n)
    keys = [-round(v, 12) for v in values]
    if top is None:
        order = sorted(range(n), key=lambda i: (keys[i], nodes[i]))
    else:  # the same first rows, without sorting a million
        order = heapq.nsmallest(top, range(n), key=lambda i: (keys[i], nodes[i]))
    return [[nodes[i], values[i], int(ins[i]), int(outs[i])] for i in order]


def louvain(
    n: int, edges: Any, seed: int = SEED, resolution: float = 1.0
) -> tuple[list[list[int]], list[int]]:
    """Communities of nodes ``0..n-1`` linked by ``edges`` (index pairs; either direction;
    parallel edges add weight, self-links do not count) by modularity, deterministic for a
    ``seed``; with each node's number of distinct neighbours. The Leiden method
    (Louvain's moves plus a refinement that keeps communities connected; networkit's, three
    iterations: :func:`archive.indexes.graph_communities.leiden`): igraph's multilevel
    Louvain takes seconds on graphs with hubs (3 s at 20,000 pages, a label with 10,000
    pages) where Leiden takes 0.3 s for a higher modularity."""
    membership, distinct = C.leiden(n, edges, seed, resolution)
    return C.groups(membership), distinct.tolist()


def compute_partition(
    db: sqlite_utils.Database, source: str | None = None, seed: int = SEED,
    resolution: float = 1.0, listed: Listed | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Communities of the graph now: ``{"members": [[id, ...], ...] (largest first),
    "neighbours": {id: distinct neighbours}, "degree": {id: edges in and out}}``."""
    nodes, edges = listed or edge_list(db, source)
    n = len(nodes)
    groups, distinct = louvain(n, edges, seed, resolution)
    degree = np.bincount(edges[:, 0], minlength=n) + np.bincount(edges[:, 1], minlength=n)
    members = [sorted(nodes[i] for i in c) for c in groups]
    members.sort(key=lambda c: (-len(c), c[0]))
    return {"members": members, "neighbours": dict(zip(nodes, distinct, strict=True)),
            "degree": dict(zip(nodes, degree.tolist(), strict=True))}  # fmt: skip


def summarise(
    partition: dict[str, Any], attrs: Attrs, generic: Iterable[str]
) -> list[dict[str, Any]]:
    """Each community of a :func:`compute_partition` as ``graph communities`` shows it, but
    for the top nodes' details: ``{"size", "kinds": {kind: n} (most first), "labels": [5
    most common non-generic labels], "top": [[id, degree], ...] (5 with the most distinct
    neighbours), "members"}``; ``attrs``: node → (kind, label)."""
    neighbours: dict[str, int] = partition["neighbours"]
    degree: dict[str, int] = partition["degree"]
    skip = {"", *generic}
    out = []
    for members in partition["members"]:
        ranked = heapq.nsmallest(5, members, key=lambda u: (-neighbours[u], u))
        pairs = [attrs(u) for u in members]
        labels = Counter(label for _k, label in pairs if label not in skip)
        kinds = Counter(kind for kind, _l in pairs)
        out.append({"size": len(members), "kinds": dict(kinds.most_common()),
                    "labels": [name for name, _n in labels.most_common(5)],
                    "top": [[u, degree[u]] for u in ranked], "members": members})  # fmt: skip
    return out


def community_summaries(
    db: sqlite_utils.Database, source: str | None = None, seed: int = SEED,
    resolution: float = 1.0, listed: tuple[list[str], Any, PageKinds] | None = None,
    other: Attrs | None = None, generic: Iterable[str] | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """:func:`summarise` of :func:`compute_partition` (the same answer) on arrays
    (:mod:`archive.indexes.graph_communities`): ``listed``, the :func:`edge_list` read with
    ``kinds`` if already read; ``other``: node → (kind, label) of the nodes that are no
    present page (default: as :func:`node_attrs`); ``generic``: the generic labels."""
    if listed is None:
        kinds = PageKinds()
        nodes, edges = edge_list(db, source, kinds=kinds)
    else:
        nodes, edges, kinds = listed
    membership, distinct = C.leiden(len(nodes), edges, seed, resolution)
    if other is None:
        other = functools.partial(_other_attrs, db, source)
    if generic is None:
        generic = generic_labels(db, source)
    return C.summaries(nodes, edges, membership, distinct, kinds, other, generic)


def node_attrs(db: sqlite_utils.Database, source: str | None = None) -> Attrs:
    """node → (kind, label) in the graph now, as :class:`archive.graph.sql_graph.SqlGraph`
    describes nodes: present pages read in one query; a label node is ("label", name); a
    removed page its page type's kind and label; a linked URL the kind of its first related
    link (by source)."""
    scope = " AND p.source = :source" if source else ""
    pages = {
        str(u): (KIND_OF_TYPE.get(t or "", "other"), str(label or ""))
        for u, t, label in db.execute(
            f"SELECT url, page_type, label FROM pages p WHERE removed_at IS NULL{scope}",
            {"source": source},
        )
    }  # fmt: skip

    def attrs(node: str) -> tuple[str, str]:
        found = pages.get(node)
        if found is None:
            found = pages[node] = _other_attrs(db, source, node)
        return found

    return attrs


def _other_attrs(db: sqlite_utils.Database, source: str | None, node: str) -> tuple[str, str]:
    if node.startswith(LABEL_PREFIX):
        return "label", node[len(LABEL_PREFIX) :]
    scope = " AND p.source = :source" if source else ""
    params = {"node": node, "source": source}
    row = db.execute(
        f"SELECT p.page_type, p.label FROM pages p WHERE p.url = :node{scope} AND EXISTS "
        "(SELECT 1 FROM revisions WHERE page_url = p.url)", params,
    ).fetchone()  # fmt: skip
    if row is not None:
        return KIND_OF_TYPE.get(row[0] or "", "other"), str(row[1] or "")
    row = db.execute(
        "SELECT e.kind FROM graph_edges e JOIN pages s ON s.url = e.source AND s.removed_at "
        f"IS NULL{scope.replace('p.', 's.')} WHERE e.target = :node AND e.rel = 'related' "
        "AND e.present ORDER BY e.source LIMIT 1", params,
    ).fetchone()  # fmt: skip
    return (str(row[0] or "other") if row else "other"), ""


def label_nodes(
    db: sqlite_utils.Database, source: str | None = None, generic: Iterable[str] = ()
) -> dict[str, str]:
    """``{label node: first seen}``: the label nodes of the graph now (the non-generic
    labels of present pages) with the first time one of their counted edges was seen."""
    scope = " AND s.source = :source" if source else ""
    return {
        str(node): str(first or "")
        for node, first in db.execute(
            "SELECT e.target, min(e.first_seen) FROM graph_edges e JOIN pages s ON s.url = "
            f"e.source AND s.removed_at IS NULL{scope} WHERE e.present AND e.rel = 'label' "
            "AND e.label NOT IN (SELECT value FROM json_each(:generic)) GROUP BY e.target",
            {"source": source, "generic": json.dumps(sorted(generic))},
        )
    }  # fmt: skip


# --------------------------------------------------------------------------- cache


def rank_key(source: str | None) -> str:
    return f"pagerank|{source or ''}"


def partition_key(source: str | None, seed: int, resolution: float) -> str:
    return f"communities|{source or ''}|{seed}|{float(resolution)}"


def generic_key(source: str | None) -> str:
    return f"generic|{source or ''}"


def label_nodes_key(source: str | None) -> str:
    return f"labels|{source or ''}"


def create(db: sqlite_utils.Database) -> None:
    """The tables of the stored results, as migrations 17 and 18 create them."""
    S.create(db)


class GraphRankingIndex(DerivedIndex):
    """The stored results (:mod:`archive.indexes.graph_store`) as a derived index: a rebuild
    stores the generic labels, the label nodes, PageRank, the communities (seed 42) and the
    label counts of ``graph topics`` (by year and by month) of the whole archive's graph
    now; edge changes make them stale (:func:`archive.indexes.graph_edges.forget_cached`)."""

    name = "graph_ranking"
    version = "1"

    def create(self, db: sqlite_utils.Database) -> None:
        create(db)

    def rebuild(self, db: sqlite_utils.Database, progress: Progress | None = None) -> int:
        """Store the default questions; returns the number of nodes ranked."""
        S.clear(db)
        if db.execute("SELECT 1 FROM pages LIMIT 1").fetchone() is None:
            return 0
        generic = S.store(db, generic_key(None), lambda: sorted(generic_labels(db)))
        S.store(db, label_nodes_key(None), lambda: label_nodes(db, None, generic))
        kinds = C.PageKinds()
        nodes, edges = edge_list(db, kinds=kinds)
        ranked = S.store_ranks(db, rank_key(None), lambda: compute_ranks(db, listed=(nodes, edges)))
        S.store_communities(
            db, partition_key(None, SEED, 1.0),
            lambda: community_summaries(db, listed=(nodes, edges, kinds), generic=generic),
        )  # fmt: skip
        for by in ("year", "month"):
            S.store(db, topics_key(None, by), functools.partial(label_counts, db, by))
        if progress:
            progress(page_count(db))
        return ranked


__all__ = [
    "ALPHA",
    "GraphRankingIndex",
    "NOW",
    "community_summaries",
    "compute_partition",
    "compute_ranks",
    "create",
    "edge_list",
    "generic_key",
    "generic_labels",
    "label_counts",
    "label_nodes",
    "label_nodes_key",
    "louvain",
    "node_attrs",
    "partition_key",
    "rank_key",
    "summarise",
    "topics_key",
]
