"""``graph topics`` (pages per label and period) from SQL aggregates, without building the
graph: :func:`archive.graph.analysis.topics` on the graph now or at a past time
(:mod:`archive.graph.sql_at`), the same rows in the same order
(tests/archive/graph/test_graph_sql_topics.py compares both).

A present page (of ``source``, if given) counts once for each of its label and the labels
of the topic teasers in its related box (``related`` edges of kind ``topic``) in the year
or month of its publication date ("undated" without one). This module needs no networkx.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlite_utils

from archive.graph.sql_at import tables
from archive.graph.timeline import at_bound
from archive.indexes.graph_ranking import generic_labels

_COUNTS = """
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
) GROUP BY name, period
"""


def topics(
    db: sqlite_utils.Database, by: str = "year", source: str | None = None,
    at: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Pages per label and period: ``{"by", "periods", "topics": [{"label", "total",
    "generic", "counts": {period: pages}}]}``, most pages first."""
    bound = at_bound(at)
    pages, edges = tables(bound)
    scope = " AND p.source = :source" if source else ""
    sql = _COUNTS.format(pages=pages, edges=edges, scope=scope)
    params = {"cut": 4 if by == "year" else 7, "source": source, "at": bound}
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for name, period, n in db.execute(sql, params):
        counts[str(name)][str(period)] = int(n)
    periods = sorted({p for c in counts.values() for p in c})
    generic = generic_labels(db, source, bound, (pages, edges))
    rows: list[dict[str, Any]] = [
        {
            "label": name,
            "total": sum(c.values()),
            "generic": name in generic,
            "counts": {p: c[p] for p in periods if c.get(p)},
        }  # fmt: skip
        for name, c in counts.items()
    ]
    rows.sort(key=lambda r: (-int(r["total"]), str(r["label"])))
    return {"by": by, "periods": periods, "topics": rows}


__all__ = ["topics"]
