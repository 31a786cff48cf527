"""PageRank and communities of the related-topic graph now, on a compact integer edge list
read straight from ``graph_edges``, computed by igraph, cached in ``graph_cache``.

- :func:`edge_list`: the nodes (ids) and edges (index pairs) of the graph now, by the edge
  rule of :func:`archive.graph.timeline.edge_counts` (present edges of present pages, body
  links only to present pages, no generic label: :func:`generic_labels`), in two queries;
  no networkx graph.
- :func:`compute_ranks` (PageRank, damping 0.85, parallel edges add weight, dangling nodes
  spread evenly, as networkx) and :func:`compute_partition` (igraph's Leiden method by
  modularity on the weighted simple graph: :func:`louvain`) — compiled C.
- ``graph_cache`` (migration 17): results per question (``key``) and graph ``version``
  (:func:`fingerprint`). :mod:`archive.indexes.graph_edges` empties it whenever edge rows
  change; read commands never write the archive, so they use a current entry or compute in
  memory; :class:`GraphRankingIndex` (``pressarchive reindex --index graph_ranking``)
  stores the default questions (whole archive; PageRank; communities with seed 42).

igraph rather than rustworkx: rustworkx (0.18) has no Louvain / modularity communities;
igraph does both in about a second at 100,000 pages (BENCHMARKS.md, "Graph").
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from typing import Any

import sqlite_utils

from archive.indexes.base import DerivedIndex, Progress, page_count
from crawler.clock import now_iso

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


def generic_labels(
    db: sqlite_utils.Database, source: str | None = None, at: str | None = None,
    tables: tuple[str, str] = NOW,
) -> set[str]:  # fmt: skip
    """Labels carried by more than :data:`GENERIC_SHARE` of the present pages (and more
    than ``GENERIC_MIN - 1``): they say what kind of page it is, so they get no node."""
    rows = db.execute(
        f"SELECT label, count(*) FROM {tables[0]} p WHERE 1{_scope('p', source)} GROUP BY label",
        {"source": source, "at": at},
    ).fetchall()
    limit = max(GENERIC_SHARE * sum(n for _l, n in rows), GENERIC_MIN - 1)
    return {str(label) for label, n in rows if label and n > limit}


def edge_list(
    db: sqlite_utils.Database, source: str | None = None, at: str | None = None,
    tables: tuple[str, str] = NOW,
) -> tuple[list[str], list[tuple[int, int]]]:  # fmt: skip
    """The nodes of the graph now (present pages sorted, then the other nodes edges reach)
    and its edges as index pairs (one per edge, parallel edges repeated); ``at`` and
    ``tables``: the graph at that time instead."""
    generic = generic_labels(db, source, at, tables)
    params = {"source": source, "generic": json.dumps(sorted(generic)), "at": at}
    pages, graph_edges = tables
    present = f"SELECT url FROM {pages} s WHERE 1{_scope('s', source)} ORDER BY url"
    nodes = [str(u) for (u,) in db.execute(present, params)]
    index = {u: i for i, u in enumerate(nodes)}
    rows = db.execute(
        f"SELECT e.source, e.target FROM {graph_edges} e JOIN {pages} s ON s.url = e.source"
        f"{_scope('s', source)} LEFT JOIN {pages} t ON t.url = e.target{_scope('t', source)} "
        "WHERE e.present AND (e.rel = 'related' OR (e.rel = 'body' AND t.url IS NOT NULL) OR "
        "(e.rel = 'label' AND e.label NOT IN (SELECT value FROM json_each(:generic))))",
        params,
    )
    edges: list[tuple[int, int]] = []
    for src, target in rows:
        j = index.get(target)
        if j is None:
            j = index[target] = len(nodes)
            nodes.append(target)
        edges.append((index[src], j))
    return nodes, edges


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


def _igraph(n: int, edges: list[tuple[int, int]], directed: bool) -> Any:
    import igraph

    return igraph.Graph(n=n, edges=edges, directed=directed)


Listed = tuple[list[str], list[tuple[int, int]]]


def compute_ranks(
    db: sqlite_utils.Database, source: str | None = None, listed: Listed | None = None
) -> list[list[Any]]:
    """Every node with its PageRank, in- and out-degree, best first: ``[[id, rank, in,
    out], ...]`` (``listed``: the :func:`edge_list` if already read)."""
    nodes, edges = listed or edge_list(db, source)
    if not nodes:
        return []
    values = _igraph(len(nodes), edges, True).pagerank(damping=ALPHA, directed=True)
    ins, outs = Counter(v for _u, v in edges), Counter(u for u, _v in edges)
    order = sorted(range(len(nodes)), key=lambda i: (-round(values[i], 12), nodes[i]))
    return [[nodes[i], values[i], ins[i], outs[i]] for i in order]


def louvain(
    n: int, edges: list[tuple[int, int]], seed: int = SEED, resolution: float = 1.0
) -> tuple[list[list[int]], list[int]]:
    """Communities of nodes ``0..n-1`` linked by ``edges`` (either direction; parallel edges
    add weight, self-links do not count) by modularity, deterministic for a ``seed``; with
    each node's number of distinct neighbours. igraph's Leiden method (Louvain's moves plus a
    refinement that keeps communities connected; two iterations): its multilevel Louvain
    takes seconds on graphs with hubs (3 s at 20,000 pages, a label with 10,000 pages)
    where Leiden takes 0.3 s for a higher modularity."""
    import igraph

    weight: Counter[tuple[int, int]] = Counter((min(u, v), max(u, v)) for u, v in edges if u != v)
    pairs = sorted(weight)
    h = _igraph(n, pairs, False)
    igraph.set_random_number_generator(random.Random(seed))
    try:
        found = h.community_leiden(
            objective_function="modularity", weights=[float(weight[p]) for p in pairs],
            resolution=resolution, n_iterations=2,
        )  # fmt: skip
    finally:
        igraph.set_random_number_generator(random)
    return [list(c) for c in found], list(h.degree())


def compute_partition(
    db: sqlite_utils.Database, source: str | None = None, seed: int = SEED,
    resolution: float = 1.0, listed: Listed | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Communities of the graph now: ``{"members": [[id, ...], ...] (largest first),
    "neighbours": {id: distinct neighbours}, "degree": {id: edges in and out}}``."""
    nodes, edges = listed or edge_list(db, source)
    groups, distinct = louvain(len(nodes), edges, seed, resolution)
    degree = Counter(u for u, _v in edges) + Counter(v for _u, v in edges)
    members = [sorted(nodes[i] for i in c) for c in groups]
    members.sort(key=lambda c: (-len(c), c[0]))
    return {"members": members, "neighbours": {nodes[i]: d for i, d in enumerate(distinct)},
            "degree": {nodes[i]: degree[i] for i in range(len(nodes))}}  # fmt: skip


# --------------------------------------------------------------------------- cache


def rank_key(source: str | None) -> str:
    return f"pagerank|{source or ''}"


def partition_key(source: str | None, seed: int, resolution: float) -> str:
    return f"communities|{source or ''}|{seed}|{float(resolution)}"


def fingerprint(db: sqlite_utils.Database) -> str:
    """The graph version the cached results depend on: the rows of ``graph_edges`` and
    ``pages`` (counts, removals, the newest row)."""
    edges = db.execute("SELECT count(*), max(rowid) FROM graph_edges").fetchone()
    pages = db.execute("SELECT count(*), count(removed_at), max(rowid) FROM pages").fetchone()
    return ":".join(str(x) for x in (*edges, *pages))


def _has_cache(db: sqlite_utils.Database) -> bool:
    return bool(db["graph_cache"].exists())


def read_cached(db: sqlite_utils.Database, key: str) -> Any:
    """The cached result for ``key`` if it was computed on the graph as it is; else ``None``."""
    if not _has_cache(db):
        return None
    row = db.execute(
        "SELECT data FROM graph_cache WHERE key = ? AND version = ?", [key, fingerprint(db)]
    ).fetchone()
    return None if row is None else json.loads(row[0])


def store(db: sqlite_utils.Database, key: str, compute: Any) -> Any:
    """Compute a result, store it for ``key`` and the graph's version, return it."""
    started = time.perf_counter()
    data = compute()
    db.execute(
        "INSERT OR REPLACE INTO graph_cache (key, version, computed_at, seconds, data) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            key,
            fingerprint(db),
            now_iso(),
            round(time.perf_counter() - started, 3),
            json.dumps(data),
        ],  # fmt: skip
    )
    return data


def create(db: sqlite_utils.Database) -> None:
    """The ``graph_cache`` table, as migration 17 creates it."""
    db.execute(
        'CREATE TABLE IF NOT EXISTS "graph_cache" ( "key" TEXT PRIMARY KEY, "version" TEXT '
        'NOT NULL, "computed_at" TEXT NOT NULL, "seconds" REAL, "data" TEXT NOT NULL )'
    )


class GraphRankingIndex(DerivedIndex):
    """``graph_cache`` as a derived index: a rebuild stores PageRank, the communities
    (seed 42) and the label counts of ``graph topics`` (by year and by month) of the whole
    archive's graph now; edge changes empty it
    (:func:`archive.indexes.graph_edges.forget_cached`)."""

    name = "graph_ranking"
    version = "1"

    def create(self, db: sqlite_utils.Database) -> None:
        create(db)

    def rebuild(self, db: sqlite_utils.Database, progress: Progress | None = None) -> int:
        """Store the default questions; returns the number of nodes ranked."""
        db.execute("DELETE FROM graph_cache")
        if db.execute("SELECT 1 FROM pages LIMIT 1").fetchone() is None:
            return 0
        listed = edge_list(db)
        ranked = store(db, rank_key(None), lambda: compute_ranks(db, listed=listed))
        store(db, partition_key(None, SEED, 1.0), lambda: compute_partition(db, listed=listed))
        for by in ("year", "month"):
            store(db, topics_key(None, by), lambda by=by: label_counts(db, by))
        if progress:
            progress(page_count(db))
        return len(ranked)


__all__ = [
    "ALPHA",
    "GraphRankingIndex",
    "compute_partition",
    "compute_ranks",
    "create",
    "edge_list",
    "fingerprint",
    "generic_labels",
    "louvain",
    "partition_key",
    "NOW",
    "label_counts",
    "rank_key",
    "topics_key",
    "read_cached",
    "store",
]
