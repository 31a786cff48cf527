"""Reading the topic index (archive/indexes/topic_index.py): a page's key phrases and
entities, and the top phrases and entities of a selection of pages with their counts.

Selections filter on the pages: ``source``, ``since``/``until`` (publication day,
``YYYY-MM-DD``, inclusive). Entity kinds are the table's (``person``, ``organisation``,
``place``, ``amount``, ``date``: :data:`archive.indexes.topics.entities.KINDS`), the
``type`` of ``pressarchive entities URL --json``.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from archive.indexes.topics.entities import KINDS
from archive.store.lookup import url_forms
from crawler.errors import NotArchived


def _page(db: sqlite_utils.Database, url: str) -> str:
    for form in url_forms(db, url):
        if db.execute("SELECT 1 FROM pages WHERE url = ?", [form]).fetchone():
            return form
    raise NotArchived(f"no page {url!r} in the archive")


def page_topics(db: sqlite_utils.Database, url: str) -> list[dict[str, Any]]:
    """The key phrases of the page ``url``, best first: ``{"phrase", "score"}``."""
    rows = db.execute(
        "SELECT phrase, score FROM page_topics WHERE page_url = ? ORDER BY rank", [_page(db, url)]
    ).fetchall()
    return [{"phrase": p, "score": round(s, 4)} for p, s in rows]


def page_entities(
    db: sqlite_utils.Database, url: str, kind: str | None = None
) -> list[dict[str, Any]]:
    """The entities of the page ``url`` in text order: ``{"type", "text", "value",
    "role", "sentence", "time"}`` (``role``: office, purpose, event; else None)."""
    sql = "SELECT kind, text, value, role, sentence, time FROM page_entities WHERE page_url = ?"
    params: list[Any] = [_page(db, url)]
    if kind:
        sql += " AND kind = ?"
        params.append(kind)
    out = []
    for k, text, value, role, sentence, time in db.execute(sql + " ORDER BY position", params):
        out.append(
            {
                "type": k, "text": text, "value": value, "role": role,
                "sentence": sentence, "time": time,
            }
        )  # fmt: skip
    return out


def _where(source: str | None, since: str | None, until: str | None) -> tuple[str, list[Any]]:
    clauses, params = ["1"], []
    if source:
        clauses.append("p.source = ?")
        params.append(source)
    if since:
        clauses.append("substr(p.published, 1, 10) >= ?")
        params.append(since[:10])
    if until:
        clauses.append("substr(p.published, 1, 10) <= ?")
        params.append(until[:10])
    return " AND ".join(clauses), params


def top_phrases(
    db: sqlite_utils.Database,
    *,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 20,
) -> list[dict[str, Any]]:
    """The key phrases on most pages of the selection: ``{"phrase", "key", "pages",
    "score"}`` (``score``: the sum over those pages), most pages first."""
    where, params = _where(source, since, until)
    rows = db.execute(
        f"""SELECT t.key, t.phrase, count(DISTINCT t.page_url) AS n, sum(t.score) AS total,
              max(t.score) FROM page_topics t JOIN pages p ON p.url = t.page_url
            WHERE {where} GROUP BY t.key ORDER BY n DESC, total DESC, t.key LIMIT ?""",
        [*params, limit],
    ).fetchall()
    return [
        {"phrase": phrase, "key": key, "pages": n, "score": round(total, 3)}
        for key, phrase, n, total, _ in rows
    ]


def top_entities(
    db: sqlite_utils.Database,
    *,
    kind: str | None = None,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 20,
) -> list[dict[str, Any]]:
    """The entities on most pages of the selection, counted by ``key`` (inflections of one
    name together): ``{"kind", "value", "key", "pages", "mentions", "role"}`` (``value``,
    ``role``: the most frequent ones), most pages first."""
    where, params = _where(source, since, until)
    if kind:
        where += " AND e.kind = ?"
        params.append(kind)
    rows = db.execute(
        f"""SELECT e.kind, e.key, count(DISTINCT e.page_url) AS n, count(*) AS m,
              (SELECT value FROM page_entities v WHERE v.kind = e.kind AND v.key = e.key
                 GROUP BY value ORDER BY count(*) DESC, value LIMIT 1),
              (SELECT role FROM page_entities r WHERE r.kind = e.kind AND r.key = e.key
                 AND r.role IS NOT NULL GROUP BY role ORDER BY count(*) DESC, role LIMIT 1)
            FROM page_entities e JOIN pages p ON p.url = e.page_url
            WHERE {where} GROUP BY e.kind, e.key ORDER BY n DESC, m DESC, e.key LIMIT ?""",
        [*params, limit],
    ).fetchall()
    return [
        {"kind": k, "value": value, "key": key, "pages": n, "mentions": m, "role": role}
        for k, key, n, m, value, role in rows
    ]


__all__ = ["KINDS", "page_entities", "page_topics", "top_entities", "top_phrases"]
