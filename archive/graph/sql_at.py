"""The related-topic graph *at a past time*, as SQL relations that stand in for the
``pages`` and ``graph_edges`` tables in the queries of :mod:`archive.graph.sql_graph` and
:mod:`archive.indexes.graph_ranking` (``graph ... --at DATE`` without building the graph).

The time semantics are those of :func:`archive.graph.timeline.load_timeline` and
:func:`archive.graph.model.graph_at` for a bound ``:at`` (:func:`archive.graph.timeline.at_bound`):

- a page's state at ``:at`` is its latest revision fetched at or before it (the highest
  ``revision`` with ``fetched_at <= :at``): page type, title, label and publication date
  of that revision; the page is present if that revision was not removed by ``:at``
  (``removed_at`` empty or later). A page with no revision by then is not in the
  archive at that time (a link to it makes a "linked" node);
- an edge ``(source, target, rel)`` is present at ``:at`` if the state of its source page
  is present and holds it (the link, or the label); its attributes are those of the first
  such link (lowest position) in that revision. A link removed in a later revision and
  added back is absent in between: one row of first/last seen cannot say that, so the
  relation checks the revision itself. ``graph_edges`` supplies the candidates (every
  edge ever seen: the rule and ``first_seen``, the earliest revision holding it, which is
  the same at any time the edge exists);
- ``last_seen`` of a present page is the later of its state's fetch and the end of the
  latest successful run of its source by ``:at``.

Both relations use correlated lookups on primary keys (``revisions (page_url, revision)``,
``revision_links (page_url, revision, rel, position)``), so a condition on ``url``,
``source`` or ``target`` stays an index lookup; a whole-graph question scans them once.

This module needs no networkx.
"""

from __future__ import annotations

#: The revision of page ``{url}`` in effect at ``:at`` (``NULL``: none by then).
_STATE = (
    "(SELECT max(x.revision) FROM revisions x WHERE x.page_url = {url} AND x.fetched_at <= :at)"
)

#: Columns of ``pages`` the graph queries read, at ``:at``; ``removed_at`` is ``NULL`` while
#: the page is present then; ``fetched_at``: the fetch of its state; ``first_at``: its first.
PAGES_AT = (
    "(SELECT p.url AS url, r.page_type AS page_type, r.title AS title, "
    "coalesce(r.label, '') AS label, p.source AS source, r.published AS published, "
    "CASE WHEN r.removed_at IS NULL OR r.removed_at > :at THEN NULL ELSE r.removed_at END "
    "AS removed_at, r.fetched_at AS fetched_at FROM pages p JOIN revisions r "
    f"ON r.page_url = p.url AND r.revision = {_STATE.format(url='p.url')})"
)

#: Columns of ``graph_edges`` the graph queries read, for the edges present at ``:at``.
EDGES_AT = (
    "(SELECT g.source AS source, g.target AS target, g.rel AS rel, l.kind AS kind, "
    "CASE WHEN g.rel = 'label' THEN g.label ELSE l.label END AS label, l.title AS title, "
    "l.date AS date, l.position AS position, g.first_seen AS first_seen, 1 AS present, "
    "r.fetched_at AS fetched_at "
    "FROM graph_edges g JOIN revisions r ON r.page_url = g.source AND r.revision = "
    f"{_STATE.format(url='g.source')} AND (r.removed_at IS NULL OR r.removed_at > :at) "
    "LEFT JOIN revision_links l ON g.rel != 'label' AND l.page_url = g.source AND "
    "l.revision = r.revision AND l.rel = g.rel AND l.position = (SELECT min(y.position) "
    "FROM revision_links y WHERE y.page_url = g.source AND y.revision = r.revision AND "
    "y.rel = g.rel AND y.url = g.target) "
    "WHERE (g.rel = 'label' AND r.label = g.label) OR l.page_url IS NOT NULL)"
)


def tables(at: str | None) -> tuple[str, str]:
    """The ``pages`` and ``graph_edges`` relations of the graph at ``at`` (a bound from
    :func:`archive.graph.timeline.at_bound`; ``None``: now, the tables themselves)."""
    return ("pages", "graph_edges") if at is None else (PAGES_AT, EDGES_AT)


__all__ = ["EDGES_AT", "PAGES_AT", "tables"]
