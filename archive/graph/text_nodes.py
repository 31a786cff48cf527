"""Key phrases and entities as nodes of the related-topic graph (``--text-topics``).

:func:`add_text_topics` joins the topic index (``page_topics``, ``page_entities``;
archive/indexes/topic_index.py) to a graph built by :func:`archive.graph.model.graph_at`:

- a node per key phrase (id ``topic:KEY``, ``kind`` ``phrase``) among a page's best
  :data:`TOP_PHRASES`, and per person, organisation or place, mentioned by at least
  :data:`MIN_PAGES` pages of the graph (id ``person:KEY`` …, ``kind``
  the entity's kind), with the ids ``graph neighbors`` takes (the key is the stem or folded
  form, so ``Kita`` and ``Kitas`` are one node);
- an edge ``mentions`` from each archived page of the graph to them (``position``: the
  phrase's rank), with the page's ``first_seen``, ``last_seen`` and ``published``.

The topic index holds each page's *latest* version, so at an earlier ``--at`` a page's
mentions are those of its latest text (the page itself is there only if it was then). A
phrase or entity shared by releases of several sources connects them across cities.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlite_utils

#: Key phrases per page that become nodes (best first).
TOP_PHRASES = 5
#: Entity kinds that become nodes (amounts and dates connect little but noise).
ENTITY_KINDS = ("person", "organisation", "place")
#: A phrase or entity becomes a node only when this many pages of the graph mention it:
#: one that a single page mentions connects nothing.
MIN_PAGES = 2


def _tables(db: sqlite_utils.Database) -> set[str]:
    return set(db.table_names())


def _mentions(db: sqlite_utils.Database) -> list[tuple[str, str, str, str, int]]:
    """(page_url, node id, kind, title, position) of every mention in the topic index."""
    rows: list[tuple[str, str, str, str, int]] = []
    if "page_topics" in _tables(db):
        rows += db.execute(
            "SELECT page_url, 'topic:' || coalesce(key, phrase), 'phrase', phrase, rank "
            "FROM page_topics WHERE rank <= ? ORDER BY page_url, rank",
            [TOP_PHRASES],
        ).fetchall()
    if "page_entities" in _tables(db):
        marks = ", ".join("?" for _ in ENTITY_KINDS)
        rows += db.execute(
            f"SELECT page_url, kind || ':' || coalesce(key, value), kind, value, "
            f"min(position) FROM page_entities WHERE kind IN ({marks}) "
            "GROUP BY page_url, kind, coalesce(key, value) ORDER BY page_url, kind",
            list(ENTITY_KINDS),
        ).fetchall()
    return rows


def add_text_topics(g: Any, db: sqlite_utils.Database) -> int:
    """Add the key-phrase and entity nodes and their ``mentions`` edges to ``g`` (for the
    archived pages it holds); return the number of edges added."""
    present = [m for m in _mentions(db) if g.nodes.get(m[0], {}).get("status") == "archived"]
    pages = Counter(node for _page, node, *_rest in present)
    added = 0
    for page, node, kind, title, position in present:
        if pages[node] < MIN_PAGES:
            continue
        data = g.nodes[page]
        first, last = data.get("first_seen", ""), data.get("last_seen", "")
        if node not in g.nodes:
            g.add_node(node, kind=kind, status="text", title=title, label="", url="",
                       page_type="", source="", published="", first_seen=first,
                       last_seen="")  # fmt: skip
        elif first and (not g.nodes[node]["first_seen"] or first < g.nodes[node]["first_seen"]):
            g.nodes[node]["first_seen"] = first
        g.add_edge(page, node, key="mentions", rel="mentions", kind=kind, label="",
                   title=title, date="", position=int(position or 0), first_seen=first,
                   last_seen=last, published=data.get("published", ""))  # fmt: skip
        added += 1
    return added


__all__ = ["ENTITY_KINDS", "MIN_PAGES", "TOP_PHRASES", "add_text_topics"]
