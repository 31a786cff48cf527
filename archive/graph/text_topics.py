"""Topics from the text as a graph over time, in SQL on the topic index (``page_topics``,
``page_entities``; archive/indexes/topic_index.py) — no networkx.

- :func:`trends`: pages per key phrase (or entity) and period of publication, with the
  change from the first to the second half of the periods: rising and falling topics.
- :func:`neighbors`: the releases mentioning a topic (``topic:Kita``: any page with that
  key-phrase candidate) or an entity (``person:Katrin Albers``, ``place:Haßloch``), and at
  depth 2 the key phrases and entities sharing those releases, with how many they share.

Topics are matched by their stem key (:func:`archive.indexes.topics.phrases.phrase_key`):
``topic:Kitas`` finds pages whose phrase is ``Kita``; entities by their key
(:func:`archive.indexes.topics.entities.entity_key`: case-folded, organisations and places
stemmed).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlite_utils

from archive.indexes.topics.entities import entity_key
from archive.indexes.topics.phrases import phrase_key
from crawler.errors import NodeNotFound

#: Node prefixes of text topics: ``topic:`` (a key phrase) and the entity kinds.
PREFIXES = ("topic", "person", "organisation", "place", "amount", "date")


def is_text_node(node: str) -> bool:
    """Whether ``node`` names a key phrase or an entity (``topic:Kita``)."""
    prefix, sep, rest = node.partition(":")
    return bool(sep) and prefix in PREFIXES and bool(rest.strip())


def _where(source: str | None, since: str | None, until: str | None) -> tuple[str, list[Any]]:
    clauses, params = ["p.published IS NOT NULL"], []
    for clause, value in (
        ("p.source = ?", source),
        ("substr(p.published, 1, 10) >= ?", since[:10] if since else None),
        ("substr(p.published, 1, 10) <= ?", until[:10] if until else None),
    ):
        if value:
            clauses.append(clause)
            params.append(value)
    return " AND ".join(clauses), params


def _items_sql(of: str, where: str) -> str:
    if of == "phrases":
        return (
            "SELECT t.key AS item, t.phrase AS name, t.page_url, p.published FROM page_topics t "
            f"JOIN pages p ON p.url = t.page_url WHERE {where}"
        )
    kind = "" if of == "entities" else f" AND e.kind = '{of}'"
    return (
        "SELECT e.kind || ':' || e.key AS item, e.kind || ':' || e.value AS name, "
        f"e.page_url, p.published FROM page_entities e JOIN pages p ON p.url = e.page_url "
        f"WHERE {where}{kind}"
    )


def change(series: list[int]) -> float:
    """Mean of the second half of ``series`` (pages per period) minus mean of the first."""
    half = len(series) // 2
    first, second = series[:half] or [0], series[half:] or [0]
    return round(sum(second) / len(second) - sum(first) / len(first), 3)


def rising_falling(
    rows: list[dict[str, Any]], periods: list[str], key: str, top: int = 20
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The ``top`` rows (with ``counts`` per period and ``total``) whose pages per period
    grew most and shrank most (:func:`change`, set on each row), ties by total and ``key``."""
    for row in rows:
        row["change"] = change([row["counts"].get(p, 0) for p in periods])
    ordered = sorted(rows, key=lambda r: (-r["change"], -r["total"], r[key]))
    rising = [r for r in ordered if r["change"] > 0][:top]
    falling = [r for r in reversed(ordered) if r["change"] < 0][:top]
    return rising, falling


def trends(
    db: sqlite_utils.Database,
    *,
    of: str = "phrases",
    by: str = "year",
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    top: int = 20,
) -> dict[str, Any]:
    """Pages per topic and period; ``rising`` and ``falling``: the ``top`` topics whose
    pages per period grew or shrank most from the first half of the periods to the second
    (``change``: mean of the second half minus mean of the first)."""
    cut = 4 if by == "year" else 7
    where, params = _where(source, since, until)
    counts: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    names: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    sql = _items_sql(of, where)
    for item, name, url, published in db.execute(sql, params):
        counts[item][published[:cut]].add(url)
        names[item][name] += 1
    periods = sorted({p for c in counts.values() for p in c})
    rows: list[dict[str, Any]] = []
    for item, per in counts.items():
        rows.append(
            {
                "topic": max(names[item].items(), key=lambda kv: (kv[1], kv[0]))[0],
                "key": item, "total": len({u for urls in per.values() for u in urls}),
                "counts": {p: len(per[p]) for p in periods if per.get(p)},
            }
        )  # fmt: skip
    rising, falling = rising_falling(rows, periods, "key", top)
    return {"of": of, "by": by, "periods": periods, "rising": rising, "falling": falling}


def _pages_of(db: sqlite_utils.Database, node: str) -> tuple[str, list[str]]:
    prefix, _, rest = node.partition(":")
    rest = rest.strip()
    if prefix == "topic":
        key = phrase_key(rest)
        # every page holding the phrase (topic_terms), not only those ranking it top
        urls = [r[0] for r in db.execute("SELECT page_url FROM topic_terms WHERE key = ?", [key])]
        return f"topic:{key}", urls
    key = entity_key(prefix, rest)
    rows = db.execute(
        "SELECT DISTINCT page_url FROM page_entities WHERE kind = ? AND key = ?", [prefix, key]
    ).fetchall()
    return f"{prefix}:{key}", [r[0] for r in rows]


def neighbors(
    db: sqlite_utils.Database, node: str, depth: int = 1, source: str | None = None
) -> dict[str, Any]:
    """The releases mentioning ``node`` (distance 1), and at ``depth`` ≥ 2 the topics and
    entities of those releases with the number of them they share (distance 2)."""
    ident, urls = _pages_of(db, node)
    if source:
        mine = {r[0] for r in db.execute("SELECT url FROM pages WHERE source = ?", [source])}
        urls = [u for u in urls if u in mine]
    if not urls:
        raise NodeNotFound(f"no release mentions {node!r} (pressarchive topics lists them)")
    pages = db.execute(
        "SELECT url, title, page_type, published, source FROM pages WHERE url IN "
        f"({','.join('?' * len(urls))}) ORDER BY published DESC, url",
        urls,
    ).fetchall()
    out: list[dict[str, Any]] = [
        {
            "distance": 1, "direction": "in", "rel": "mentions", "id": url, "title": title,
            "node_kind": page_type, "kind": None, "label": None, "date": published,
            "source": src,
        }
        for url, title, page_type, published, src in pages
    ]  # fmt: skip
    if depth >= 2:
        marks = ",".join("?" * len(urls))
        shared = db.execute(
            f"""SELECT 'topic:' || key, min(phrase), count(DISTINCT page_url) AS n
                FROM page_topics WHERE page_url IN ({marks}) GROUP BY key
                UNION ALL
                SELECT kind || ':' || key, min(value), count(DISTINCT page_url)
                FROM page_entities WHERE page_url IN ({marks}) GROUP BY kind, key
                ORDER BY 3 DESC, 1""",
            [*urls, *urls],
        ).fetchall()
        for item, name, n in shared:
            if item.casefold() == ident.casefold():
                continue
            out.append(
                {
                    "distance": 2, "direction": "in", "rel": "shares", "id": item,
                    "title": name, "node_kind": item.partition(":")[0], "kind": None,
                    "label": None, "date": None, "shared": n,
                }
            )  # fmt: skip
    info = {"id": ident, "title": node.partition(":")[2].strip(), "kind": node.partition(":")[0]}
    return {"node": info, "at": None, "neighbors": out}


__all__ = ["PREFIXES", "is_text_node", "neighbors", "trends"]
