"""The edges of the graph now as ``graph export`` writes them, read in one scan of
``graph_edges`` (or of a range of its rows) with the rule checked in Python
(:func:`rows_now`), and how many a range gives, counted in SQL (:func:`count_now`): what
:mod:`archive.graph.sql_export` and the second process of
:mod:`archive.graph.export_split` read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlite_utils

from archive.graph.export_model import DIRTY


def rows_now(
    db: sqlite_utils.Database, source: str | None, params: dict[str, Any], check: bool,
    low: int | None = None, high: int | None = None,
) -> Iterator[tuple[bool, tuple[Any, ...]]]:  # fmt: skip
    """The counted edges of the graph now (of ``source``; ``params``: those of
    :attr:`archive.graph.sql_graph.SqlGraph.params`) as ``graph export`` writes them
    (:attr:`archive.graph.export_model.Export.rows`), of the rows with ``low < rowid <= high``
    if given: one scan of ``graph_edges`` (in row order, as the query's plan read it) with
    the rule checked against the present pages in a dict (a query looking up each row's
    source and body target in the index of ``pages`` took about half the export's time at
    1M pages). The same values as ``archive.graph.sql_export._EDGES`` computes (the same
    expressions; label edges of generic labels left out by the query); ``clean``:
    one search over each page's own values (its URL, publication date and run end) when
    it is read, one over the rest of each row's values."""
    scope = " AND source = :source" if source else ""
    runs = dict(db.execute(
        "SELECT source, max(finished_at) FROM crawl_runs WHERE status = 'ok' GROUP BY source"
    ).fetchall())  # fmt: skip
    search = DIRTY.search
    present: dict[str, tuple[str, str, bool]] = {}
    for url, page_source, published in db.execute(
        f"SELECT url, source, published FROM pages WHERE removed_at IS NULL{scope}", params
    ):
        day, run = published or "", runs.get(page_source) or ""
        present[str(url)] = (day, run, search(f"{url} {day} {run}") is None)
    query, bounds = _ROWS_NOW, {}
    if low is not None and high is not None:
        query, bounds = _ROWS_NOW + _RANGE, {"low": low, "high": high}
    get, src_before, page = present.get, None, None
    for src, target, rel, kind, label, title, date, position, first, last in db.execute(
        query, {**params, **bounds}
    ):
        if src != src_before:  # a page's rows mostly come together
            src_before, page = src, get(src)
        if page is None or (rel == "body" and target not in present):
            continue
        run = page[1]  # last_seen: max(last, run), as the query
        row = (src, target, rel, rel, kind, label, title, date, position, first,
               last if last > run else run, page[0])  # fmt: skip
        if check:
            text = f"{target} {rel} {kind} {label} {title} {date} {position} {first} {last}"
            yield page[2] and search(text) is None, row
        else:
            yield False, row


#: The edges of the graph now with the values of ``sql_export._EDGES`` (but ``last_seen`` not yet
#: moved to the end of the run, and ``published``), in row order; the rule's page checks
#: are made in Python.
_ROWS_NOW = """
SELECT source, target, rel,
  CASE WHEN rel = 'label' THEN '' ELSE coalesce(nullif(kind, ''), 'other') END,
  coalesce(label, ''),
  CASE WHEN rel = 'label' THEN '' ELSE coalesce(title, '') END,
  CASE WHEN rel = 'label' THEN '' ELSE coalesce(date, '') END,
  CASE WHEN rel = 'label' THEN 0 ELSE coalesce(position, 0) END,
  coalesce(first_seen, ''), coalesce(last_seen, '')
FROM graph_edges
WHERE present AND (rel != 'label' OR (label IS NOT NULL AND
  label NOT IN (SELECT value FROM json_each(:generic))))
"""
_RANGE = " AND rowid > :low AND rowid <= :high"


def count_now(
    db: sqlite_utils.Database, source: str | None, params: dict[str, Any], low: int, high: int,
    limit: int | None = None,
) -> int:  # fmt: skip
    """How many edges :func:`rows_now` gives of the rows ``low < rowid <= high`` (at most
    ``limit``), counted in SQL (the rule's page checks as lookups in the index of
    ``pages``): a third of the time of reading them."""
    scope = " AND {a}.removed_at IS NULL" + (" AND {a}.source = :source" if source else "")
    query = (
        "SELECT 1 FROM graph_edges e WHERE e.present AND (e.rel != 'label' OR "
        "(e.label IS NOT NULL AND e.label NOT IN (SELECT value FROM json_each(:generic)))) "
        "AND e.rowid > :low AND e.rowid <= :high AND EXISTS (SELECT 1 FROM pages s WHERE "
        f"s.url = e.source{scope.format(a='s')}) AND (e.rel != 'body' OR EXISTS (SELECT 1 "
        f"FROM pages t WHERE t.url = e.target{scope.format(a='t')}))"
    )
    if limit is not None:
        query += f" LIMIT {int(limit)}"
    row = db.execute(f"SELECT count(*) FROM ({query})", {**params, "low": low, "high": high})
    return int(row.fetchone()[0])


__all__ = ["count_now", "rows_now"]
