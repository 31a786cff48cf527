"""``graph export`` streamed from SQL: the nodes and edges of the graph now (or at a past
time, :mod:`archive.graph.sql_at`) read row by row from ``pages`` and ``graph_edges`` and
handed to the writers of :mod:`archive.graph.formats`, without building the graph; memory
stays flat however large the archive.

The content is that of :func:`archive.graph.model.build_graph` (the same nodes, edges and
attributes; tests/archive/graph/test_graph_sql_export.py reads both exports with networkx
and compares them); only the order of nodes and edges in the file may differ. Three
queries for the nodes (the present pages; the labels; the other URLs counted edges reach:
removed pages and linked URLs) and one for the edges.

This module needs no networkx.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlite_utils

from archive.graph.formats import Export
from archive.graph.sql_graph import SqlGraph

#: Attribute names and XML types in the export vocabulary (``label`` is ``category``):
#: every attribute a node or edge of the graph can carry; one that no node or edge has is
#: declared but never written (readers add no value for it).
NODE_KEYS = {key: "string" for key in (
    "kind", "page_type", "status", "title", "category", "source", "published", "url",
    "first_seen", "last_seen",
)}  # fmt: skip
EDGE_KEYS = {
    **{key: "string" for key in ("rel", "kind", "category", "title", "date")},
    "position": "long", "first_seen": "string", "last_seen": "string", "published": "string",
}  # fmt: skip


def export_rows(
    db: sqlite_utils.Database, source: str | None = None, at: str | None = None
) -> Export:
    """The graph of ``db`` (or one ``source``) now or at ``at``, as an :class:`Export`
    whose nodes and edges are read from SQL while they are written."""
    sql = SqlGraph(db, source, at)
    graph = {"at": sql.at, "generic_labels": "; ".join(sorted(sql.generic))}
    return Export(graph, dict(NODE_KEYS), dict(EDGE_KEYS), lambda: _nodes(sql),
                  lambda: _edges(sql))  # fmt: skip


def _nodes(sql: SqlGraph) -> Iterator[tuple[str, dict[str, Any]]]:
    params = sql.params
    pages, edges = sql.tables
    for row in sql.db.execute(f"{sql.page_sql} WHERE 1{sql.present_scope}", params):
        yield str(row[0]), {**sql.page_attrs(row, True), "url": str(row[0])}
    for node, name, first in sql.db.execute(
        f"SELECT e.target, min(e.label), min(e.first_seen) FROM {edges} e WHERE e.target >= "
        f"'label:' AND e.target < 'label;' AND e.rel = 'label' AND {sql.counted} "
        "GROUP BY e.target", params,
    ):  # fmt: skip
        yield str(node), {"kind": "label", "status": "label", "title": name, "label": name,
                          "url": "", "page_type": "", "source": "", "published": "",
                          "first_seen": first or "", "last_seen": ""}  # fmt: skip
    present = sql.present_scope.replace("p.", "t.")
    for node, _first, kind, title in sql.db.execute(
        f"SELECT e.target, min(e.source), e.kind, e.title FROM {edges} e WHERE e.target IN "
        "(SELECT x.target FROM (SELECT DISTINCT target FROM graph_edges) x WHERE "
        f"substr(x.target, 1, 6) != 'label:' AND NOT EXISTS (SELECT 1 FROM {pages} t WHERE "
        f"t.url = x.target{present})) AND e.rel != 'label' AND {sql.counted} "
        "GROUP BY e.target", params,
    ):  # fmt: skip
        removed = sql.page(str(node), present=False)
        if removed is not None:  # archived once, removed (or another source's page)
            yield str(node), {**removed, "url": str(node)}
            continue
        yield str(node), {"kind": kind or "other", "status": "linked", "title": title or node,
                          "label": "", "url": str(node), "page_type": "", "source": "",
                          "published": "", "first_seen": "", "last_seen": ""}  # fmt: skip


def _edges(sql: SqlGraph) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    pages, edges = sql.tables
    last = "e.last_seen" if sql.bound is None else "e.fetched_at"
    rows = sql.db.execute(
        f"SELECT e.source, e.target, e.rel, e.kind, e.label, e.title, e.date, e.position, "
        f"e.first_seen, {last}, s.source, s.published FROM {edges} e JOIN {pages} s ON "
        f"s.url = e.source WHERE {sql.counted}", sql.params,
    )  # fmt: skip
    for src, target, rel, kind, label, title, date, position, first, seen, site, published in rows:
        if rel == "label":
            kind, title, date, position = "", "", "", 0
        else:
            kind = kind or "other"
        yield str(src), str(target), str(rel), {
            "rel": rel, "kind": kind, "label": label or "", "title": title or "",
            "date": date or "", "position": int(position or 0), "first_seen": first or "",
            "last_seen": max(str(seen or ""), sql.confirmed(str(site))),
            "published": published or "",
        }  # fmt: skip


__all__ = ["EDGE_KEYS", "NODE_KEYS", "export_rows"]
