"""The history of the related-topic graph, read from the archive: every page, edge and
label membership with the spans ``[start, end)`` it was present (see :mod:`archive.graph.model`
for the graph and the time semantics), and the vocabulary the graph modules share.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Container
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from archive.indexes.graph_edges import KIND_OF_TYPE, LABEL_PREFIX
from archive.progress import SILENT, Progress
from archive.store.checks import require_bound
from crawler.errors import GraphError, NodeNotFound

#: Node kinds, in legend order; ``kind`` of an archived page comes from its page_type.
NODE_KINDS = ("press", "topic", "org", "notice", "other", "label")
EDGE_RELS = ("related", "body", "label")
_END = "9999-12-31T23:59:59.999Z"  # "now": later than every stored time


# --------------------------------------------------------------------------- edge rule


def edge_counts(
    rel: str, target: str, label: str, pages: Container[str], generic: Container[str]
) -> bool:
    """The edge rule of the graph, for an edge of :func:`load_timeline` (which already drops
    links of a page to itself and empty labels): a ``body`` link counts only if its target is
    in ``pages`` (pages the archive holds), a ``label`` edge only if ``label`` is not generic
    (:func:`archive.graph.model.generic_labels`: it stays a node attribute), ``related``
    always. ``archive.indexes.graph_edges`` states the same rule in SQL, without the generic
    skip (tests/archive/test_graph.py checks that the two agree)."""
    if rel == "body":
        return target in pages
    if rel == "label":
        return label not in generic
    return True


# --------------------------------------------------------------------------- time


def at_bound(at: str | None) -> str | None:
    """The latest stored time counted as "at or before ``at``", in the one timestamp format
    of :mod:`crawler.clock` so it compares as a string with the stored times
    (``YYYY-MM-DD``: the whole day, up to its last millisecond; an ISO time with any
    offset: that moment in UTC); ``None`` stays ``None`` (now). Anything else is an
    :class:`~crawler.errors.InvalidValue` (see :func:`crawler.clock.upper_bound`)."""
    return require_bound("--at", at)


# --------------------------------------------------------------------------- timeline


@dataclass(slots=True)
class History:
    """One page, edge or label membership over time: spans ``[start, end)`` (end ``None``
    = still present at the horizon) and the attributes of its latest revision."""

    attrs: dict[str, Any]
    spans: list[list[str | None]] = field(default_factory=list)
    first_seen: str = ""
    last_at: str = ""  # fetch time of the latest revision containing it
    _last_rev: int = 0

    def add(self, revision: int, start: str, end: str | None, attrs: dict[str, Any]) -> None:
        if self.spans and revision == self._last_rev:
            return  # the same target twice in one revision: keep the first
        if not self.spans:
            self.first_seen = start
        if self.spans and self.spans[-1][1] == start:
            self.spans[-1][1] = end
        else:
            self.spans.append([start, end])
        self.attrs, self.last_at, self._last_rev = attrs, start, revision

    def present(self, at: str | None) -> bool:
        end = self.spans[-1][1] if self.spans else ""
        return end is None or (at is not None and end > at)

    @property
    def ended_at(self) -> str | None:
        return self.spans[-1][1] if self.spans else None


@dataclass
class Timeline:
    """Pages, edges and label memberships of the archive up to ``until`` (``None``: now)."""

    until: str | None
    pages: dict[str, History]
    edges: dict[tuple[str, str, str], History]
    confirmed: dict[str, list[str]]  # source -> finished_at of its successful runs, sorted

    def confirmed_at(self, source: str, at: str | None) -> str:
        times = self.confirmed.get(source, [])
        i = len(times) if at is None else bisect_right(times, at)
        return times[i - 1] if i else ""

    def times(self) -> list[str]:
        """Every moment the graph changed (revision fetches and removals), sorted."""
        found: set[str] = set()
        for hist in [*self.pages.values(), *self.edges.values()]:
            for start, end in hist.spans:
                found.add(str(start))
                if end:
                    found.add(end)
        return sorted(found)


def load_timeline(
    db: sqlite_utils.Database,
    until: str | None = None,
    source: str | None = None,
    progress: Progress = SILENT,
) -> Timeline:
    """Read revisions (fetched at or before ``until``) and their links into a timeline
    (``progress`` advances by one after the revisions and one after the links)."""
    until = at_bound(until)
    horizon = until or _END
    where, params = "r.fetched_at <= :t", {"t": horizon, "source": source}
    if source:
        where += " AND p.source = :source"
    pages: dict[str, History] = {}
    spans: dict[tuple[str, int], tuple[str, str | None]] = {}
    edges: dict[tuple[str, str, str], History] = {}
    shared: dict[str, str] = {}  # one object per distinct URL / title / label (memory)

    def one(text: str | None, default: str = "") -> str:
        text = text or default
        return shared.setdefault(text, text)

    sql = (
        "SELECT r.page_url, r.revision, r.fetched_at, r.removed_at, r.page_type, r.label, "
        "r.title, r.published, p.source, lead(r.fetched_at) OVER "
        "(PARTITION BY r.page_url ORDER BY r.revision) AS next_at FROM revisions r "
        f"JOIN pages p ON p.url = r.page_url WHERE {where} ORDER BY r.page_url, r.revision"
    )
    for url, rev, fetched, removed, ptype, label, title, published, src, next_at in db.execute(
        sql, params
    ):
        url = one(url)
        fetched = str(fetched)
        end = removed or next_at
        spans[(url, rev)] = (fetched, end)
        attrs = {
            "kind": KIND_OF_TYPE.get(ptype or "", "other"), "page_type": one(ptype),
            "title": title or "", "label": one(label), "source": one(src),
            "published": published or "",
        }  # fmt: skip
        pages.setdefault(url, History(attrs)).add(rev, fetched, end, attrs)
        if label:
            key = (url, one(LABEL_PREFIX + label), "label")
            edges.setdefault(key, History({})).add(rev, fetched, end, {"label": attrs["label"]})
    progress.advance()
    link_sql = (
        "SELECT l.page_url, l.revision, l.rel, l.position, l.url, l.title, l.kind, l.label, "
        "l.date FROM revision_links l WHERE l.rel IN ('related', 'body') "
        "ORDER BY l.page_url, l.revision, l.rel, l.position"
    )
    for url, rev, rel, pos, target, title, kind, label, date in db.execute(link_sql):
        span = spans.get((url, rev))
        if span is None or target == url:
            continue
        attrs = {
            "kind": one(kind, "other"), "label": one(label), "title": one(title),
            "date": one(date), "position": int(pos or 0),
        }  # fmt: skip
        key = (one(url), one(target), "related" if rel == "related" else "body")
        hist = edges.get(key)
        if hist is None:
            hist = edges[key] = History(attrs)
        hist.add(rev, span[0], span[1], attrs)
    progress.advance()
    confirmed: dict[str, list[str]] = defaultdict(list)
    for src, finished in db.execute(
        "SELECT source, finished_at FROM crawl_runs WHERE status = 'ok' AND finished_at IS NOT "
        "NULL ORDER BY finished_at"
    ).fetchall():
        confirmed[src].append(str(finished))
    return Timeline(until, pages, edges, dict(confirmed))


__all__ = [
    "EDGE_RELS",
    "KIND_OF_TYPE",
    "LABEL_PREFIX",
    "NODE_KINDS",
    "GraphError",
    "History",
    "NodeNotFound",
    "Timeline",
    "at_bound",
    "edge_counts",
    "load_timeline",
]
