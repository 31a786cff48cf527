"""Saved searches (``watches``, migration 15) and the releases they match.

A watch is a query with the CLI search's meaning (:mod:`archive.search.engine`: German
stems, compound parts, ``Kita`` finds ``Kitas``), optionally narrowed to one source and
one label. Its matches are the live pages the search finds.

**Baseline.** What a watch matches when it is added is not news: ``watch add`` records
those pages as ``baseline`` rows in ``deliveries`` (target ``""``), and they are never
delivered. ``--backfill`` records no baseline, so the next delivery sends every current
match. After that, a page is a *new match* of a watch when it matches and is not in the
baseline: a release archived later, or an older one edited so that it now matches. Each
new match is delivered once per target (:mod:`archive.alerts.deliver`); later edits of a
delivered page are not sent again (the ``edits`` feed lists them).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from archive.search.engine import Highlighter, make_snippet, matching_urls
from archive.store.checks import require_label, require_source
from crawler.clock import now_iso
from crawler.config.alerts import address_problem, webhook_problem
from crawler.errors import InvalidValue, NotArchived

#: ``deliveries.target`` of the rows recording a watch's baseline.
BASELINE = ""
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


@dataclass(frozen=True)
class Watch:
    name: str
    query: str
    source: str | None = None
    label: str | None = None
    webhooks: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    backfill: bool = False
    created_at: str = ""
    counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "query": self.query, "source": self.source,
            "label": self.label, "webhooks": list(self.webhooks), "emails": list(self.emails),
            "backfill": self.backfill, "created_at": self.created_at,
            "deliveries": dict(self.counts),
        }  # fmt: skip

    def filters(self) -> dict[str, Any]:
        return {"source": self.source, "label": self.label, "status": "live"}


def _watch(row: dict[str, Any]) -> Watch:
    return Watch(
        name=row["name"],
        query=row["query"],
        source=row["source"],
        label=row["label"],
        webhooks=tuple(json.loads(row["webhooks"] or "[]")),
        emails=tuple(json.loads(row["emails"] or "[]")),
        backfill=bool(row["backfill"]),
        created_at=row["created_at"],
    )


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise InvalidValue(
            f"watch name {name!r}: use 1 to 64 letters, digits, '.', '-' or '_' "
            "(it is part of the feed's URL)"
        )
    return name


def get_watch(db: sqlite_utils.Database, name: str) -> Watch:
    """The watch ``name``; :class:`NotArchived` (exit 7) naming the known ones if none."""
    rows = list(db.query("SELECT * FROM watches WHERE name = ?", [name]))
    if not rows:
        known = [r[0] for r in db.execute("SELECT name FROM watches ORDER BY name")]
        listing = ", ".join(known) if known else "none"
        raise NotArchived(f"no watch named {name!r} (known: {listing})")
    return _watch(rows[0])


def list_watches(db: sqlite_utils.Database) -> list[Watch]:
    """Every watch by name, with its delivery counts by status."""
    counts: dict[str, dict[str, int]] = {}
    for watch, status, n in db.execute(
        "SELECT watch, status, count(*) FROM deliveries GROUP BY watch, status"
    ):
        counts.setdefault(watch, {})[status] = n
    out = []
    for row in db.query("SELECT * FROM watches ORDER BY name"):
        w = _watch(row)
        out.append(Watch(**{**w.__dict__, "counts": counts.get(w.name, {})}))
    return out


def matches(db: sqlite_utils.Database, watch: Watch) -> list[str]:
    """URLs of the live pages ``watch`` matches, best first (the CLI search's order)."""
    return matching_urls(db, watch.query, **watch.filters())


def add_watch(
    db: sqlite_utils.Database,
    name: str,
    query: str,
    *,
    source: str | None = None,
    label: str | None = None,
    webhooks: tuple[str, ...] = (),
    emails: tuple[str, ...] = (),
    backfill: bool = False,
) -> Watch:
    """Store a new watch (:class:`InvalidValue` if the name is taken or a value is bad;
    the query is run once, so one that cannot be run fails here) and its baseline."""
    check_name(name)
    require_source(db, source)
    require_label(db, label)
    for url in webhooks:
        problem = webhook_problem(url)
        if problem:
            raise InvalidValue(f"--webhook: {problem}")
    for address in emails:
        problem = address_problem(address)
        if problem:
            raise InvalidValue(f"--email: {problem}")
    if db.execute("SELECT 1 FROM watches WHERE name = ?", [name]).fetchone():
        raise InvalidValue(f"a watch named {name!r} exists: remove it first or pick another")
    watch = Watch(name, query, source, label, tuple(webhooks), tuple(emails), backfill, now_iso())
    current = [] if backfill else matches(db, watch)
    with db.conn:
        db.conn.execute(
            "INSERT INTO watches (name, query, source, label, webhooks, emails, backfill, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [name, query, source, label, json.dumps(list(webhooks)), json.dumps(list(emails)),
             int(backfill), watch.created_at],
        )  # fmt: skip
        db.conn.executemany(
            "INSERT INTO deliveries (watch, page_url, version, target, status) "
            "SELECT ?, url, coalesce(version, 1), ?, 'baseline' FROM pages WHERE url = ?",
            [(name, BASELINE, url) for url in current],
        )
    return watch


def remove_watch(db: sqlite_utils.Database, name: str) -> Watch:
    """Delete a watch and its delivery records; :class:`NotArchived` if there is none."""
    watch = get_watch(db, name)
    with db.conn:
        db.conn.execute("DELETE FROM deliveries WHERE watch = ?", [name])
        db.conn.execute("DELETE FROM watches WHERE name = ?", [name])
    return watch


def new_matches(db: sqlite_utils.Database, watch: Watch) -> list[dict[str, Any]]:
    """The watch's matches outside its baseline, newest first, each with url, version,
    title, published, first_seen, source, label and a snippet."""
    urls = matches(db, watch)
    if not urls:
        return []
    baseline = {
        r[0]
        for r in db.execute(
            "SELECT page_url FROM deliveries WHERE watch = ? AND target = ?",
            [watch.name, BASELINE],
        )
    }
    fresh = [u for u in urls if u not in baseline]
    return page_entries(db, fresh, query=watch.query)


def page_entries(
    db: sqlite_utils.Database, urls: list[str], *, query: str | None = None
) -> list[dict[str, Any]]:
    """The pages ``urls`` as dicts (url, version, title, published, first_seen, source,
    label, lead, snippet), newest first (published, then first archived)."""
    highlight = Highlighter(query or "")  # no query: the text's first words
    out = []
    for start in range(0, len(urls), 500):
        chunk = urls[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for row in db.query(
            "SELECT url, coalesce(version, 1) AS version, title, published, first_seen, "
            "last_changed, source, label, lead, body, captions, credits FROM pages "
            f"WHERE url IN ({marks})",
            chunk,
        ):
            texts = [row.pop("body"), row["lead"], row.pop("captions"), row.pop("credits")]
            row["snippet"] = make_snippet(highlight, [*texts, row["title"]])
            out.append(row)
    out.sort(key=lambda r: (r["published"] or "", r["first_seen"] or "", r["url"]), reverse=True)
    return out


__all__ = [
    "BASELINE",
    "Watch",
    "add_watch",
    "check_name",
    "get_watch",
    "list_watches",
    "matches",
    "new_matches",
    "page_entries",
    "remove_watch",
]
