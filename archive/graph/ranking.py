"""``graph central`` and ``graph communities`` now, without building the graph: the
results of :mod:`archive.indexes.graph_ranking` (igraph and networkit on the edge list of
``graph_edges``; stored per graph version by ``pressarchive reindex --index
graph_ranking``, else computed in memory: a read command never writes the archive), with
node details read live from SQL (:class:`archive.graph.sql_graph.SqlGraph`) for the nodes
shown. A stored answer reads only what it shows: the top rows of the ranking, one row per
community (:mod:`archive.indexes.graph_store`).

The answers are those of :func:`archive.graph.analysis.central` and
:func:`archive.graph.analysis.communities` on the graph now: the same PageRank; Louvain
communities of similar modularity (the Leiden method's moves differ from ours; tests/archive/
test_graph_sql.py checks both on the sample site and on a synthetic graph).
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from typing import Any

import sqlite_utils

from archive.graph.sql_graph import SqlGraph
from archive.graph.timeline import KIND_OF_TYPE, LABEL_PREFIX
from archive.indexes import graph_edge_scan as E
from archive.indexes import graph_ranking as R
from archive.indexes import graph_store as S
from archive.indexes.graph_communities import PageKinds
from archive.store.reader import connect_readonly
from crawler.errors import ArchiveError

log = logging.getLogger(__name__)


def _listed(sql: SqlGraph) -> R.Listed | None:
    """The edge list of the graph at a past time (``None``: now, which the cache serves)."""
    if sql.bound is None:
        return None
    return R.edge_list(sql.db, sql.source, sql.bound, sql.tables)


def ranks(sql: SqlGraph, top: int | None = None) -> list[list[Any]]:
    """Every node (the first ``top``) with its PageRank and in- and out-degree, best first
    (at a past time: computed, never cached)."""
    if sql.bound is not None:
        return R.compute_ranks(sql.db, sql.source, listed=_listed(sql), top=top)
    found = S.read_ranks(sql.db, R.rank_key(sql.source), top)
    return list(found if found is not None else R.compute_ranks(sql.db, sql.source, top=top))


def central(sql: SqlGraph, top: int = 20) -> list[dict[str, Any]]:
    """:func:`archive.graph.analysis.central` on the graph now (or at ``sql.at``)."""
    out = []
    for node, rank, ins, outs in ranks(sql, top):
        out.append({**sql.info(node, ins + outs), "pagerank": round(rank, 6),
                    "in_degree": ins, "out_degree": outs})  # fmt: skip
    return out


def partition(sql: SqlGraph, seed: int = R.SEED, resolution: float = 1.0) -> dict[str, Any]:
    """Members of each community (largest first) and each node's distinct neighbours and
    degree, computed (:func:`archive.indexes.graph_ranking.compute_partition`)."""
    return R.compute_partition(sql.db, sql.source, seed, resolution, _listed(sql))


def summaries(sql: SqlGraph, seed: int = R.SEED, resolution: float = 1.0) -> list[dict[str, Any]]:
    """Each community's summary (:func:`archive.indexes.graph_ranking.summarise`): stored
    for the graph now if current, else computed."""
    if sql.bound is None:
        found = S.read_communities(sql.db, R.partition_key(sql.source, seed, resolution))
        if found is not None:
            return list(found)
    kinds = PageKinds()
    nodes, edges = R.edge_list(sql.db, sql.source, sql.bound, sql.tables, kinds=kinds)
    with _labels_meanwhile(sql, nodes[len(kinds.codes) :]):  # the nodes beyond the pages
        return R.community_summaries(
            sql.db, sql.source, seed, resolution, (nodes, edges, kinds), _other(sql), sql.generic
        )


@contextlib.contextmanager
def _labels_meanwhile(sql: SqlGraph, others: list[str]) -> Iterator[None]:
    """The label nodes' details looked up on a second connection while the communities
    are computed (networkit releases the GIL), for ``sql`` to show the top nodes of a cold
    answer: a label's first seen is the minimum over its edges (~100,000 each at 1M pages,
    1.4-1.9 s for the labels among the top nodes one after the other; all labels' edges are
    at most one a page, a few seconds where Leiden takes 13). Waited for at the end;
    nothing is looked up this way at a past time, in memory, inside a transaction, or if
    the second connection sees another graph version."""
    labels = [u for u in others if u.startswith(LABEL_PREFIX)]
    path = E.database_file(sql.db.conn)
    if sql.bound is not None or not labels or not path or sql.db.conn.in_transaction:
        yield
        return
    version = S.version(sql.db)
    found: dict[str, dict[str, Any] | None] = {}

    def look() -> None:
        try:
            conn, _mode = connect_readonly(path)
        except ArchiveError as exc:
            log.debug("label details: no second connection (%s)", exc)
            return
        try:
            conn.execute("BEGIN")  # one snapshot, the version's
            if S.version(conn) != version:
                return
            other = SqlGraph(sqlite_utils.Database(conn), sql.source)
            for node in labels:
                found[node] = other.node(node)
        except sqlite3.Error as exc:  # looked up here instead
            log.debug("label details: %s", exc)
        finally:
            conn.close()

    thread = threading.Thread(target=look, name="label-details", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()
        sql.remember(found)


def communities(sql: SqlGraph, seed: int = R.SEED, resolution: float = 1.0) -> list[dict[str, Any]]:
    """:func:`archive.graph.analysis.communities` on the graph now (or at ``sql.at``)."""
    return [
        {"size": c["size"], "kinds": c["kinds"], "labels": c["labels"],
         "top": [sql.info(u, degree) for u, degree in c["top"]], "members": c["members"],
         "id": i}
        for i, c in enumerate(summaries(sql, seed, resolution), 1)
    ]  # fmt: skip


def _other(sql: SqlGraph) -> Callable[[str], tuple[str, str]]:
    """node → (kind, label) of a node that is no present page (as :func:`_kinds_labels`;
    a label node's label is its name: its edges' target is ``label:`` and their label)."""

    def attrs(node: str) -> tuple[str, str]:
        if node.startswith(LABEL_PREFIX):
            return "label", node[len(LABEL_PREFIX) :]
        data = sql.node(node) or {}
        return str(data.get("kind", "")), str(data.get("label", ""))

    return attrs


def _kinds_labels(sql: SqlGraph) -> Callable[[str], tuple[str, str]]:
    """A function: node → (kind, label); the present pages read in one query (the way of
    :func:`archive.indexes.graph_ranking.summarise`, kept as the reference the tests
    compare :func:`summaries` with)."""
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


__all__ = ["central", "communities", "partition", "ranks", "summaries"]
