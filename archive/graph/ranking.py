"""``graph central`` and ``graph communities`` now, without building the graph: the
results of :mod:`archive.indexes.graph_ranking` (igraph on the edge list of
``graph_edges``; cached in ``graph_cache`` while the graph is unchanged, else computed in
memory: a read command never writes the archive), with node details read live from SQL
(:class:`archive.graph.sql_graph.SqlGraph`) for the nodes shown.

The answers are those of :func:`archive.graph.analysis.central` and
:func:`archive.graph.analysis.communities` on the graph now: the same PageRank; Louvain
communities of similar modularity (igraph's moves differ from ours; tests/archive/
test_graph_sql.py checks both on the sample site and on a synthetic graph).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from archive.graph.sql_graph import SqlGraph
from archive.graph.timeline import KIND_OF_TYPE
from archive.indexes import graph_ranking as R


def _listed(sql: SqlGraph) -> R.Listed | None:
    """The edge list of the graph at a past time (``None``: now, which the cache serves)."""
    if sql.bound is None:
        return None
    return R.edge_list(sql.db, sql.source, sql.bound, sql.tables)


def ranks(sql: SqlGraph) -> list[list[Any]]:
    """Every node with its PageRank and in- and out-degree, best first (at a past time:
    computed, never cached)."""
    if sql.bound is not None:
        return R.compute_ranks(sql.db, sql.source, listed=_listed(sql))
    found = R.read_cached(sql.db, R.rank_key(sql.source))
    return list(found if found is not None else R.compute_ranks(sql.db, sql.source))


def central(sql: SqlGraph, top: int = 20) -> list[dict[str, Any]]:
    """:func:`archive.graph.analysis.central` on the graph now (or at ``sql.at``)."""
    out = []
    for node, rank, ins, outs in ranks(sql)[:top]:
        out.append({**sql.info(node, ins + outs), "pagerank": round(rank, 6),
                    "in_degree": ins, "out_degree": outs})  # fmt: skip
    return out


def partition(sql: SqlGraph, seed: int = R.SEED, resolution: float = 1.0) -> dict[str, Any]:
    """Members of each community (largest first) and each node's distinct neighbours."""
    found = None
    if sql.bound is None:
        found = R.read_cached(sql.db, R.partition_key(sql.source, seed, resolution))
    if found is None:
        found = R.compute_partition(sql.db, sql.source, seed, resolution, _listed(sql))
    return dict(found)


def communities(sql: SqlGraph, seed: int = R.SEED, resolution: float = 1.0) -> list[dict[str, Any]]:
    """:func:`archive.graph.analysis.communities` on the graph now (or at ``sql.at``)."""
    found = partition(sql, seed, resolution)
    neighbours: dict[str, int] = found["neighbours"]
    degree: dict[str, int] = found["degree"]
    attrs = _kinds_labels(sql)
    generic = ("", *sql.generic)
    out = []
    for i, members in enumerate(found["members"], 1):
        ranked = sorted(members, key=lambda u: (-neighbours[u], u))
        labels = Counter(attrs(u)[1] for u in members if attrs(u)[1] not in generic)
        kinds = Counter(attrs(u)[0] for u in members)
        out.append({
            "size": len(members), "kinds": dict(kinds.most_common()),
            "labels": [name for name, _n in labels.most_common(5)],
            "top": [sql.info(u, degree[u]) for u in ranked[:5]], "members": members, "id": i,
        })  # fmt: skip
    return out


def _kinds_labels(sql: SqlGraph) -> Callable[[str], tuple[str, str]]:
    """A function: node → (kind, label); the present pages read in one query."""
    scope = " AND removed_at IS NULL" + (" AND source = :source" if sql.source else "")
    pages = {
        str(u): (KIND_OF_TYPE.get(t or "", "other"), str(label or ""))
        for u, t, label in sql.db.execute(
            f"SELECT url, page_type, label FROM {sql.tables[0]} WHERE 1{scope}",
            {"source": sql.source, "at": sql.bound},
        )
    }  # fmt: skip

    def attrs(node: str) -> tuple[str, str]:
        found = pages.get(node)
        if found is None:
            data = sql.node(node) or {}
            found = pages[node] = (str(data.get("kind", "")), str(data.get("label", "")))
        return found

    return attrs


__all__ = ["central", "communities", "partition", "ranks"]
