"""``graph topics`` (pages per label and period) from SQL aggregates, without building the
graph: :func:`archive.graph.analysis.topics` on the graph now or at a past time
(:mod:`archive.graph.sql_at`), the same rows in the same order
(tests/archive/graph/test_graph_sql_topics.py compares both).

A present page (of ``source``, if given) counts once for each of its label and the labels
of the topic teasers in its related box (``related`` edges of kind ``topic``) in the year
or month of its publication date ("undated" without one): the counts of
:func:`archive.indexes.graph_ranking.label_counts`, which ``pressarchive reindex --index
graph_ranking`` stores for the whole archive now (read while the graph is unchanged, as
``graph central`` does). This module needs no networkx.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlite_utils

from archive.graph.sql_at import tables
from archive.graph.timeline import at_bound
from archive.indexes import graph_ranking as R
from archive.indexes import graph_store as S


def topics(
    db: sqlite_utils.Database, by: str = "year", source: str | None = None,
    at: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Pages per label and period: ``{"by", "periods", "topics": [{"label", "total",
    "generic", "counts": {period: pages}}]}``, most pages first."""
    bound = at_bound(at)
    relations = tables(bound)
    found = None if bound else S.read_cached(db, R.topics_key(source, by))
    if found is None:
        found = R.label_counts(db, by, source, bound, relations)
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for name, period, n in found:
        counts[str(name)][str(period)] = int(n)
    periods = sorted({p for c in counts.values() for p in c})
    generic = R.generic_labels(db, source, bound, relations)
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
