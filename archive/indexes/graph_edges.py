"""The ``graph_edges`` table: the related-topic graph's edges with first/last seen, in SQL.

One row per (``source``, ``target``, ``rel``) ever seen, with the attributes of the latest
revision containing it and the time semantics of :mod:`archive.graph.model` (``first_seen``,
``last_seen``, ``ended_at``, ``present``). It used to be a view computed from
``revisions`` / ``revision_links`` on every query (12 s to count 736,000 rows at 100,000
pages, beyond Datasette's 1 s limit); migration ``graph_edges_table`` made it a table with
indexes on ``source`` (primary key), ``target`` and ``first_seen``. It is a derived index
(:class:`GraphEdgesIndex`, registered in :mod:`archive.indexes.registry`):

- after a page's rows change (save, removal, reparse; same transaction),
  :func:`refresh_pages` recomputes the rows of that source page from its revisions. A page
  archived for the first time also refreshes the pages with a body link to it: body links
  count only between archived pages;
- after a successful run, :func:`confirm_run` moves ``last_seen`` of the present edges of
  its source to the end of the run;
- :func:`rebuild` recomputes everything (on open when never built, ``pressarchive
  reindex``).

The edge rule (no self-links, no empty labels, body links only to archived pages) exists
twice more: as the views of migration 5 (``graph_edge_spans``, frozen; the former
``graph_edges`` view is what ``_EDGES_SQL`` was derived from, and tests/archive/test_graph.py
checks that both give the same rows) and in Python, :func:`archive.graph.timeline.edge_counts`
used by :mod:`archive.graph.model` and :mod:`archive.graph.render` (edges *at a time*: one
row of first/last seen cannot tell a link removed and added back, so the SQL answers at a
past time, :mod:`archive.graph.sql_at`, take this table's rows as candidates and check the
revision in force then). The Python rule also skips generic labels,
which depend on the time asked about, so this table keeps them;
tests/archive/test_graph.py checks that both keep the same edges.

This module needs no networkx, so the crawler does not import it on every save.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from archive.indexes.base import DerivedIndex, Progress, page_count
from crawler.clock import to_iso

if TYPE_CHECKING:
    import sqlite_utils

#: Node kinds of archived pages by page type; the prefix of label nodes (the graph's
#: vocabulary, here so that the index layer can describe nodes; :mod:`archive.graph.timeline`).
KIND_OF_TYPE = {"press_release": "press", "org_unit": "org", "topic": "topic", "notice": "notice"}
LABEL_PREFIX = "label:"

EDGE_COLUMNS = (
    "source", "target", "rel", "kind", "label", "title", "date", "position", "first_seen",
    "last_seen", "ended_at", "present",
)  # fmt: skip

#: The edges of the pages selected by ``{pages}`` (a condition on ``page_url``), as the
#: former ``graph_edges`` view computed them (migration 5, ``archive.store.migrations``).
#: Times are compared as strings: every timestamp is in the one fixed-width UTC format of
#: ``crawler.clock`` (migration 9 rewrote older rows), so ``min``/``max`` order them.
_EDGES_SQL = """
WITH spans AS (
  SELECT page_url, revision, label, fetched_at AS valid_from,
    coalesce(removed_at, lead(fetched_at) OVER (PARTITION BY page_url ORDER BY revision))
      AS valid_to
  FROM revisions WHERE {pages}
), edge_spans AS (
  SELECT l.page_url AS source, l.url AS target, l.rel, l.kind, l.label, l.title, l.date,
    l.position, l.revision, s.valid_from, s.valid_to
  FROM spans s JOIN revision_links l ON l.page_url = s.page_url AND l.revision = s.revision
  WHERE l.url != l.page_url
    AND (l.rel = 'related' OR (l.rel = 'body' AND l.url IN (SELECT url FROM pages)))
  UNION ALL
  SELECT page_url, 'label:' || label, 'label', NULL, label, NULL, NULL, NULL, revision,
    valid_from, valid_to
  FROM spans WHERE label IS NOT NULL AND label != ''
), confirmed AS (
  SELECT source, max(finished_at) AS t FROM crawl_runs
  WHERE status = 'ok' GROUP BY source
)
SELECT e.source, e.target, e.rel, e.kind, e.label, e.title, e.date, e.position, e.first_seen,
  CASE WHEN e.present THEN max(e.last_fetch, coalesce(c.t, '')) ELSE e.last_fetch END,
  CASE WHEN e.present THEN NULL ELSE e.ended END, e.present
FROM (
  SELECT *, row_number() OVER (PARTITION BY source, target, rel
      ORDER BY revision DESC, position) AS rn,
    min(valid_from) OVER w AS first_seen, max(valid_from) OVER w AS last_fetch,
    max(valid_to IS NULL) OVER w AS present, max(valid_to) OVER w AS ended
  FROM edge_spans WINDOW w AS (PARTITION BY source, target, rel)
) AS e
LEFT JOIN pages p ON p.url = e.source
LEFT JOIN confirmed c ON c.source = p.source
WHERE e.rn = 1
"""
_INSERT = f"INSERT INTO graph_edges ({', '.join(EDGE_COLUMNS)}) "
_SELECTED = "page_url IN (SELECT value FROM json_each(:urls))"


def create(db: sqlite_utils.Database) -> None:
    """Create the table and its indexes if missing (as migration ``graph_edges_table``
    did), plus the indexes that keep ``graph_nodes`` and :func:`refresh_pages` fast."""
    db.table("graph_edges").create(
        {
            "source": str, "target": str, "rel": str, "kind": str, "label": str, "title": str,
            "date": str, "position": int, "first_seen": str, "last_seen": str,
            "ended_at": str, "present": int,
        },
        pk=("source", "target", "rel"),
        if_not_exists=True,
    )  # fmt: skip
    db.table("graph_edges").create_index(["target"], if_not_exists=True)
    db.table("graph_edges").create_index(["first_seen"], if_not_exists=True)
    # graph_nodes: linked URLs (a covering index), labels; refresh_pages: body links to a page
    db.table("revision_links").create_index(["url", "rel", "kind", "title"], if_not_exists=True)
    db.table("pages").create_index(["label", "first_seen"], if_not_exists=True)


def rebuild(db: sqlite_utils.Database) -> int:
    """Recompute every row from ``revisions`` / ``revision_links``; return the row count."""
    with db.atomic():
        db.execute("DELETE FROM graph_edges")
        db.execute(_INSERT + _EDGES_SQL.format(pages="1"))
        forget_cached(db)
        return int(db.execute("SELECT count(*) FROM graph_edges").fetchone()[0])


def refresh_pages(db: sqlite_utils.Database, urls: Iterable[str], *, new: bool = False) -> None:
    """Recompute the rows of the source pages ``urls`` (``new``: they were just archived
    for the first time, so the body links of other pages to them start to count)."""
    wanted = set(urls)
    if new and wanted:  # one statement for them all (one per page was ~0.02 ms a page)
        wanted.update(
            row[0] for row in db.execute(
                "SELECT DISTINCT page_url FROM revision_links WHERE rel = 'body' "
                "AND url IN (SELECT value FROM json_each(?))",
                [json.dumps(sorted(wanted))],
            )
        )  # fmt: skip
    if not wanted:
        return
    params = {"urls": json.dumps(sorted(wanted))}
    with db.atomic():
        db.execute(
            "DELETE FROM graph_edges WHERE source IN (SELECT value FROM json_each(:urls))", params
        )
        db.execute(_INSERT + _EDGES_SQL.format(pages=_SELECTED), params)
        forget_cached(db)


def forget_cached(db: sqlite_utils.Database) -> None:
    """The edges changed: empty ``graph_cache`` (migration 17) and bump the graph version
    (migration 18; :mod:`archive.indexes.graph_store`), two statements per change, not per
    row. An archive older than those migrations lacks the tables: nothing to forget."""
    with contextlib.suppress(sqlite3.OperationalError):
        db.execute("DELETE FROM graph_cache")
    with contextlib.suppress(sqlite3.OperationalError):
        db.execute("UPDATE graph_version SET version = version + 1 WHERE id = 1")


def confirm_run(db: sqlite_utils.Database, source: str, finished_at: str) -> int:
    """A successful run of ``source`` ended at ``finished_at``: it re-checked every known
    page, so the edges still present were seen then. Returns the rows moved."""
    at = to_iso(finished_at)
    with db.atomic():
        cursor = db.execute(
            "UPDATE graph_edges SET last_seen = :at WHERE present AND last_seen < :at AND "
            "source IN (SELECT url FROM pages WHERE source = :source)",
            {"at": at, "source": source},
        )
        return int(cursor.rowcount)


class GraphEdgesIndex(DerivedIndex):
    """The ``graph_edges`` table as a derived index."""

    name = "graph_edges"
    #: Bump when the edge rule (``_EDGES_SQL``) changes: archives then rebuild on open.
    version = "1"

    def create(self, db: sqlite_utils.Database) -> None:
        create(db)

    def rebuild(self, db: sqlite_utils.Database, progress: Progress | None = None) -> int:
        """Recompute every row (one statement: progress jumps to all pages at the end);
        returns the number of edges, not pages."""
        rows = rebuild(db)
        if progress:
            progress(page_count(db))
        return rows

    def after_change(
        self,
        db: sqlite_utils.Database,
        urls: Sequence[str],
        new: bool,
        prepared: Mapping[str, Any] | None = None,
    ) -> None:
        refresh_pages(db, urls, new=new)

    def after_run(self, db: sqlite_utils.Database, source: str, finished_at: str) -> None:
        confirm_run(db, source, finished_at)


__all__ = [
    "EDGE_COLUMNS",
    "KIND_OF_TYPE",
    "LABEL_PREFIX",
    "GraphEdgesIndex",
    "confirm_run",
    "create",
    "forget_cached",
    "rebuild",
    "refresh_pages",
]
