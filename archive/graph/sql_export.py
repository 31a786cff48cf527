"""``graph export`` streamed from SQL: the nodes and edges of the graph now (or at a past
time, :mod:`archive.graph.sql_at`) read row by row from ``pages`` and ``graph_edges`` and
handed to the writers of :mod:`archive.graph.formats`, without building the graph; memory
stays flat however large the archive.

The content is that of :func:`archive.graph.model.build_graph` (the same nodes, edges and
attributes; tests/archive/graph/test_graph_sql_export.py reads both exports with networkx
and compares them); only the order of nodes and edges in the file may differ. Three
queries for the nodes (the present pages; the labels; the other URLs counted edges reach:
removed pages and linked URLs) and one for the edges. The edges of a large graph now are
formatted in two parts, the later one by a second process meanwhile
(:mod:`archive.graph.export_split`; the rows of a range: :mod:`archive.graph.sql_edges_now`).

This module needs no networkx.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlite_utils

from archive.graph import export_split
from archive.graph.export_model import Export, of_rows
from archive.graph.format_out import Later
from archive.graph.sql_edges_now import rows_now
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
    export = of_rows(graph, dict(NODE_KEYS), dict(EDGE_KEYS), lambda: _nodes(sql),
                     lambda check: _edges(sql, check), EDGE_FIELDS)  # fmt: skip
    if sql.bound is None:  # the later edges by a second process (a large graph now)

        def later(fmt: str, folder: Path | None) -> Later | None:
            return export_split.start(db, source, sql.params, export, fmt, folder)

        export.later = later
    return export


def _nodes(sql: SqlGraph) -> Iterator[tuple[str, dict[str, Any]]]:
    params = sql.params
    pages, edges = sql.tables
    attrs = sql.page_attrs
    for row in sql.db.execute(f"{sql.page_sql} WHERE 1{sql.present_scope}", params):
        data = attrs(row, True)
        data["url"] = url = str(row[0])  # last, as {**data, "url": ...}
        yield url, data
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


#: The attributes of an edge, in the order of the columns of :data:`_EDGES` after the ends.
EDGE_FIELDS = ("rel", "kind", "label", "title", "date", "position", "first_seen", "last_seen",
               "published")  # fmt: skip
_EDGES = """
SELECT e.source, e.target, e.rel,
  CASE WHEN e.rel = 'label' THEN '' ELSE coalesce(nullif(e.kind, ''), 'other') END,
  coalesce(e.label, ''),
  CASE WHEN e.rel = 'label' THEN '' ELSE coalesce(e.title, '') END,
  CASE WHEN e.rel = 'label' THEN '' ELSE coalesce(e.date, '') END,
  CASE WHEN e.rel = 'label' THEN 0 ELSE coalesce(e.position, 0) END,
  coalesce(e.first_seen, ''), max(coalesce({last}, ''), coalesce(c.t, '')),
  coalesce(s.published, '')
FROM {edges} e JOIN {pages} s ON s.url = e.source
LEFT JOIN (SELECT source, max(finished_at) AS t FROM crawl_runs WHERE status = 'ok' AND
  (:at IS NULL OR finished_at <= :at) GROUP BY source) c ON c.source = s.source
WHERE {counted}
"""


def _edges(sql: SqlGraph, check: bool) -> Iterator[tuple[bool, tuple[Any, ...]]]:
    """The counted edges as ``(clean, (source, target, key, *values))``
    (:attr:`archive.graph.export_model.Export.rows`), the values in the order of
    :data:`EDGE_FIELDS`, as :func:`archive.graph.model.graph_at` sets them (``last_seen``:
    moved to the end of the source's latest successful run while the edge is present);
    ``check``: whether to say which rows are clean (else none is said to be)."""
    if sql.bound is None:
        yield from _edges_now(sql, check)
        return
    pages, edges = sql.tables
    query = _EDGES.format(last="e.fetched_at", edges=edges, pages=pages, counted=sql.counted)
    for row in sql.db.execute(query, sql.params):
        yield False, (row[0], row[1], row[2], *row[2:])


def _edges_now(sql: SqlGraph, check: bool) -> Iterator[tuple[bool, tuple[Any, ...]]]:
    """:func:`_edges` of the graph now (:func:`rows_now`)."""
    return rows_now(sql.db, sql.source, sql.params, check)


__all__ = ["EDGE_FIELDS", "EDGE_KEYS", "NODE_KEYS", "export_rows"]
