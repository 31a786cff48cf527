"""The related-topic graph: pages, labels and the links between them, at any point in time.

Nodes are archived pages (``kind`` press, topic, org, notice, other — from ``page_type``),
URLs that pages link to but the archive does not hold at that time (``status`` "linked",
``kind`` from the teaser), and labels ("Migration", "Wahlen": id ``label:Migration``,
``kind`` label). Edges (a :class:`networkx.MultiDiGraph`, key = ``rel``):

- ``related``: an entry of a page's related box, with the teaser's ``kind``, ``label``,
  ``title``, ``date`` and ``position``;
- ``body``: a link in the text to another page the archive holds at that time;
- ``label``: a page → its own label. Labels carried by more than :data:`GENERIC_SHARE` of
  the pages (and at least :data:`GENERIC_MIN` of them, e.g. "Pressemitteilung") say what
  kind of page it is, not its topic: they stay a node attribute and get no node.

Time: everything is rebuilt from ``revisions`` / ``revision_links``. An edge is present at
``T`` iff the source page's revision in force at ``T`` (the last one fetched at or before
``T``) contains it and the page was not removed at ``T``. On each edge and page node:

- ``first_seen``: fetch time of the first revision containing it;
- ``last_seen``: fetch time of the last revision containing it; while it is still present,
  the end of the source's latest successful crawl run (every run re-checks every known
  page, so the page was confirmed unchanged then) if that is later;
- ``ended_at`` (history only): when it was first seen gone (next revision without it, or
  the page's removal); empty while present;
- ``published`` (edges): the publication date of the page the edge starts from.

With ``text_topics`` the graph also holds the pages' key phrases and entities and their
``mentions`` edges (:mod:`archive.graph.text_nodes`).

The same semantics in SQL for Datasette: the table ``graph_edges`` (a derived index kept
current on every save and at the end of each successful run,
:mod:`archive.indexes.graph_edges`; a view until migration ``graph_edges_table``) and the
views ``graph_nodes``, ``graph_edge_spans``, ``graph_revision_spans`` (frozen SQL of the
schema migrations ``graph_views`` and ``utc_timestamps``, :mod:`archive.store.migrations`:
the schema owns them, so this module keeps no copy).

The history is loaded by :mod:`archive.graph.timeline`; the queries on a graph (neighbours,
PageRank, communities, paths, topics) are in :mod:`archive.graph.analysis`. Their public
names are importable from here too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import networkx as nx
import sqlite_utils

from archive.graph.analysis import (
    central,
    communities,
    find_node,
    generic_of,
    louvain,
    neighbors,
    node_info,
    pagerank,
    path,
    simple_graph,
    topics,
)
from archive.graph.formats import WRITERS
from archive.graph.text_nodes import add_text_topics
from archive.graph.timeline import (
    LABEL_PREFIX,
    NODE_KINDS,
    GraphError,
    History,
    NodeNotFound,
    Timeline,
    at_bound,
    edge_counts,
    load_timeline,
)
from archive.progress import SILENT, Progress

GENERIC_SHARE = 0.25
GENERIC_MIN = 10
EXPORT_FORMATS = ("graphml", "gexf", "json")


# --------------------------------------------------------------------------- graph


def generic_labels(timeline: Timeline, at: str | None, share: float = GENERIC_SHARE) -> set[str]:
    """Labels carried by more than ``share`` of the pages present at ``at``."""
    present = [h for h in timeline.pages.values() if h.present(at)]
    counts = Counter(h.attrs["label"] for h in present if h.attrs["label"])
    limit = max(share * len(present), GENERIC_MIN - 1)
    return {label for label, n in counts.items() if n > limit}


def graph_at(timeline: Timeline, at: str | None = None, share: float = GENERIC_SHARE) -> Any:
    """The graph as it was at ``at`` (a bound from :func:`at_bound`; ``None``: the horizon)."""
    at = at or timeline.until
    generic = generic_labels(timeline, at, share)
    g = nx.MultiDiGraph(at=at or "now", generic_labels="; ".join(sorted(generic)))
    confirmed = {src: timeline.confirmed_at(src, at) for src in timeline.confirmed}
    for url, hist in timeline.pages.items():
        if hist.present(at):
            last = max(hist.last_at, confirmed.get(hist.attrs["source"], ""))
            g.add_node(url, **hist.attrs, status="archived", url=url,
                       first_seen=hist.first_seen, last_seen=last)  # fmt: skip
    g.add_edges_from(_present_edges(g, timeline, at, generic, confirmed))
    for node, data in g.nodes(data=True):
        if data["kind"] == "label":
            firsts = [d["first_seen"] for _s, _t, d in g.in_edges(node, data=True)]
            data["first_seen"] = min(firsts, default="")
    return g


def _present_edges(
    g: Any, timeline: Timeline, at: str | None, generic: set[str], confirmed: dict[str, str]
) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """The edges of :func:`graph_at` as ``(source, target, rel, attributes)``; adds the
    label and linked nodes they reach to ``g`` on the way. A body link counts only to a
    page present then (not to a removed page that another edge made a node before it, as
    it once did, depending on the order of the edges)."""
    nodes = g.nodes
    pages = set(nodes)  # the present pages, before any label or linked node is added
    for (src, target, rel), hist in timeline.edges.items():
        if src not in pages or not hist.present(at):
            continue
        if not edge_counts(rel, target, hist.attrs.get("label", ""), pages, generic):
            continue
        if rel == "label":
            name = hist.attrs["label"]
            if target not in nodes:
                g.add_node(target, kind="label", status="label", title=name, label=name,
                           url="", page_type="", source="", published="",
                           first_seen=hist.first_seen, last_seen="")  # fmt: skip
        elif target not in nodes:
            _add_linked_node(g, timeline, target, hist.attrs)
        last = max(hist.last_at, confirmed.get(nodes[src]["source"], ""))
        yield src, target, rel, {"rel": rel, **_edge_attrs(hist, rel),
                                 "first_seen": hist.first_seen, "last_seen": last,
                                 "published": nodes[src].get("published", "")}  # fmt: skip


def _edge_attrs(hist: History, rel: str) -> dict[str, Any]:
    if rel != "label":
        return hist.attrs
    return {"kind": "", "label": hist.attrs["label"], "title": "", "date": "", "position": 0}


def _add_linked_node(g: Any, timeline: Timeline, url: str, link: dict[str, Any]) -> None:
    page = timeline.pages.get(url)
    if page is not None:  # archived once, removed (or not yet fetched) at this time
        g.add_node(url, **page.attrs, status="removed", url=url,
                   first_seen=page.first_seen, last_seen=page.last_at)  # fmt: skip
        return
    g.add_node(url, kind=link.get("kind") or "other", status="linked", title=link.get("title")
               or url, label="", url=url, page_type="", source="", published="",
               first_seen="", last_seen="")  # fmt: skip


def build_graph(
    db: sqlite_utils.Database, at: str | None = None, source: str | None = None,
    share: float = GENERIC_SHARE, progress: Progress = SILENT, text_topics: bool = False,
) -> Any:  # fmt: skip
    """The graph of the archive (or one source) as it was at ``at`` (default: now);
    ``text_topics``: with the key phrases and entities of its pages
    (:mod:`archive.graph.text_nodes`). ``progress`` gets three steps (revisions, links, the
    graph)."""
    bound = at_bound(at)
    progress.total(3)
    g = graph_at(load_timeline(db, bound, source, progress), bound, share)
    if text_topics:
        add_text_topics(g, db)
    progress.advance()
    return g


# --------------------------------------------------------------------------- export


def export_graph(
    g: Any, fmt: str, out: str | Path | IO[bytes], *, archive: str | Path | None = None
) -> tuple[int, int]:
    """Write ``g`` as GraphML, GEXF 1.3 (Gephi) or node-link JSON (D3, networkx); no
    attribute is ``None``. In GEXF a node's label is its title; the page label is
    ``category``. Streamed node by node (:mod:`archive.graph.formats`) into a file written
    all or nothing, never over the file ``archive`` (:func:`archive.outfile.check_output`).
    ``g``: a networkx graph or an :class:`archive.graph.export_model.Export` (such as
    :func:`archive.graph.sql_export.export_rows`: no graph built). Returns the nodes and
    edges written."""
    if fmt not in EXPORT_FORMATS:
        raise GraphError(f"unknown format {fmt!r} (one of {', '.join(EXPORT_FORMATS)})")
    return WRITERS[fmt](g, out, archive)


__all__ = [
    "EXPORT_FORMATS",
    "GENERIC_SHARE",
    "GraphError",
    "History",
    "LABEL_PREFIX",
    "NODE_KINDS",
    "NodeNotFound",
    "Timeline",
    "at_bound",
    "build_graph",
    "central",
    "communities",
    "export_graph",
    "find_node",
    "generic_labels",
    "generic_of",
    "graph_at",
    "load_timeline",
    "louvain",
    "neighbors",
    "node_info",
    "pagerank",
    "path",
    "simple_graph",
    "topics",
]
