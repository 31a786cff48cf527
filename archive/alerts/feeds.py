"""Atom 1.0 feeds of the archive: pure functions from an open archive to XML text.

* :func:`watch_feed` — the releases a saved search matches, newest first;
* :func:`new_feed` — releases as they were first archived, newest first;
* :func:`edits_feed` — edits of archived releases (revisions with event ``changed``), with
  the changed fields and a word count of what was inserted and deleted ("+12 −3 words in
  body; title changed");
* :func:`removed_feed` — releases gone from their site (404/410), latest first.

Each takes an optional ``source`` and lists at most :data:`LIMIT` entries. An entry's
``id`` is a tag URI fixed by the page and its version (edits: its revision; removals: the
removal time), so a reader shows an entry once and a new version as a new entry. Its
``alternate`` link is the archived release page (``<base>/-/page?url=…`` of
``pressarchive serve``), its ``via`` link the original URL. ``base`` is where the archive
is served (``[alerts] base_url``; ``pressarchive serve`` uses the request's own address).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import sqlite_utils

from archive.alerts.watches import Watch, matches, page_entries
from archive.diffing import counts, word_diff
from crawler.clock import now_iso

ATOM_NS = "http://www.w3.org/2005/Atom"
LIMIT = 50
#: Entry ids: ``tag:`` URIs (RFC 4151) under this authority and date.
TAG_PREFIX = "tag:pressarchive.invalid,2026:"
#: Fields whose edits are counted in words; the others are named only.
WORD_FIELDS = ("title", "lead", "body")


@dataclass
class Entry:
    id: str
    title: str
    updated: str
    url: str
    base: str
    published: str | None = None
    summary: str = ""
    author: str = ""
    categories: list[str] = field(default_factory=list)


def page_link(base: str, url: str) -> str:
    """The release page of ``url`` on the served archive at ``base``."""
    return f"{base.rstrip('/')}/-/page?{urlencode({'url': url})}"


def entry_id(url: str, suffix: str) -> str:
    return f"{TAG_PREFIX}{quote(url, safe=':/')}#{suffix}"


def _time(value: str | None) -> str | None:
    """An RFC 3339 time: a release date (YYYY-MM-DD) becomes midnight UTC."""
    if not value:
        return None
    return f"{value}T00:00:00Z" if len(value) == 10 else value


def atom(
    *, feed_id: str, title: str, self_url: str, base: str, entries: list[Entry],
    subtitle: str = "",
) -> str:  # fmt: skip
    """The Atom document (UTF-8 text with its XML declaration)."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    root = ET.Element(f"{{{ATOM_NS}}}feed")
    sub(root, "id", feed_id)
    sub(root, "title", title)
    if subtitle:
        sub(root, "subtitle", subtitle)
    updated = max((e.updated for e in entries), default=None) or now_iso()
    sub(root, "updated", updated)
    sub(root, "link", rel="self", type="application/atom+xml", href=self_url)
    sub(root, "link", rel="alternate", type="text/html", href=base.rstrip("/") + "/")
    author = sub(root, "author")
    sub(author, "name", "pressarchive")
    sub(root, "generator", "pressarchive")
    for e in entries:
        el = sub(root, "entry")
        sub(el, "id", e.id)
        sub(el, "title", e.title or e.url)
        sub(el, "updated", e.updated)
        if e.published:
            sub(el, "published", e.published)
        sub(el, "link", rel="alternate", type="text/html", href=page_link(e.base, e.url))
        sub(el, "link", rel="via", href=e.url)
        if e.author:
            sub(sub(el, "author"), "name", e.author)
        for term in e.categories:
            sub(el, "category", term=term)
        sub(el, "summary", e.summary or e.title or e.url, type="text")
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"


def _authors(db: sqlite_utils.Database) -> dict[str, str]:
    return {
        name: title or city or name
        for name, title, city in db.execute("SELECT name, title, city FROM sources")
    }


def _page_entry(
    row: dict[str, Any], base: str, authors: dict[str, str], *, updated: str | None = None
) -> Entry:
    return Entry(
        id=entry_id(row["url"], f"v{row['version']}"),
        title=row["title"] or row["url"],
        updated=updated or row["last_changed"] or row["first_seen"],
        published=_time(row["published"]),  # undated pages (topics) have none
        url=row["url"],
        base=base,
        summary=row.get("snippet") or row.get("lead") or "",
        author=authors.get(row["source"], row["source"] or ""),
        categories=[row["label"]] if row.get("label") else [],
    )


def _scope(source: str | None) -> tuple[str, list[Any]]:
    return ("AND source = ?", [source]) if source else ("", [])


def watch_feed(db: sqlite_utils.Database, watch: Watch, *, base: str, self_url: str) -> str:
    """The releases ``watch`` matches, newest first (published, then first archived)."""
    rows = page_entries(db, matches(db, watch), query=watch.query)[:LIMIT]
    authors = _authors(db)
    narrowed = "".join(
        f", {key} {value}" for key, value in (("source", watch.source), ("label", watch.label))
        if value
    )  # fmt: skip
    return atom(
        feed_id=f"{TAG_PREFIX}watch/{quote(watch.name)}",
        title=f"pressarchive: {watch.name}",
        subtitle=f"Releases matching {watch.query!r}{narrowed}",
        self_url=self_url,
        base=base,
        entries=[_page_entry(r, base, authors) for r in rows],
    )


def new_feed(
    db: sqlite_utils.Database, *, base: str, self_url: str, source: str | None = None
) -> str:
    """Releases by the time they were first archived, newest first."""
    where, params = _scope(source)
    urls = [
        r[0]
        for r in db.execute(
            f"SELECT url FROM pages WHERE 1 {where} ORDER BY first_seen DESC, url LIMIT {LIMIT}",
            params,
        )
    ]
    rows = sorted(page_entries(db, urls), key=lambda r: (r["first_seen"], r["url"]), reverse=True)
    authors = _authors(db)
    entries = [_page_entry(r, base, authors, updated=r["first_seen"]) for r in rows]
    for entry in entries:
        entry.id = entry.id.rsplit("#", 1)[0] + "#new"
    return atom(
        feed_id=f"{TAG_PREFIX}feeds/new" + (f"/{quote(source)}" if source else ""),
        title="pressarchive: new releases" + (f" of {source}" if source else ""),
        self_url=self_url,
        base=base,
        entries=entries,
    )


def word_changes(before: str | None, after: str | None) -> tuple[int, int]:
    """Words inserted and deleted from ``before`` to ``after`` (the release page's diff)."""
    found = counts(word_diff(before, after))
    return found["inserted"], found["deleted"]


def edit_summary(before: dict[str, Any], after: dict[str, Any], changed: list[str]) -> str:
    """ "+12 −3 words in body; title changed; published changed" for one edit."""
    parts = []
    for name in changed:
        if name in ("lead", "body"):
            plus, minus = word_changes(before.get(name), after.get(name))
            parts.append(f"+{plus} −{minus} words in {name}")
        elif name == "title":
            parts.append(f"title changed (was: {before.get('title') or '—'})")
        else:
            parts.append(f"{name} changed")
    return "; ".join(parts) or "re-archived"


def edits_feed(
    db: sqlite_utils.Database, *, base: str, self_url: str, source: str | None = None
) -> str:
    """Edits of archived releases (revisions with event ``changed``), newest first."""
    where, params = _scope(source)
    rows = list(
        db.query(
            "SELECT r.page_url AS url, r.revision, r.version, r.fetched_at, r.title, r.lead, "
            "r.body, r.changed_fields, r.label, pages.source AS source, pages.published, "
            "prev.title AS old_title, prev.lead AS old_lead, prev.body AS old_body "
            "FROM revisions AS r JOIN pages ON pages.url = r.page_url "
            "JOIN revisions AS prev ON prev.page_url = r.page_url "
            "AND prev.revision = r.revision - 1 "
            f"WHERE r.event = 'changed' {where.replace('source', 'pages.source')} "
            f"ORDER BY r.fetched_at DESC, r.page_url LIMIT {LIMIT}",
            params,
        )
    )
    authors = _authors(db)
    entries = []
    for row in rows:
        changed = json.loads(row["changed_fields"] or "[]")
        before = {"title": row["old_title"], "lead": row["old_lead"], "body": row["old_body"]}
        summary = edit_summary(before, row, changed)
        entries.append(
            Entry(
                id=entry_id(row["url"], f"r{row['revision']}"),
                title=f"Edited: {row['title'] or row['url']}",
                updated=row["fetched_at"],
                published=_time(row["published"]),
                url=row["url"],
                base=base,
                summary=f"Version {row['version']}: {summary}",
                author=authors.get(row["source"], row["source"] or ""),
                categories=changed,
            )
        )
    return atom(
        feed_id=f"{TAG_PREFIX}feeds/edits" + (f"/{quote(source)}" if source else ""),
        title="pressarchive: edited releases" + (f" of {source}" if source else ""),
        self_url=self_url,
        base=base,
        entries=entries,
    )


def removed_feed(
    db: sqlite_utils.Database, *, base: str, self_url: str, source: str | None = None
) -> str:
    """Releases gone from their site (404/410), latest removal first."""
    where, params = _scope(source)
    rows = list(
        db.query(
            "SELECT url, coalesce(version, 1) AS version, title, lead, published, source, "
            "label, removed_at FROM pages WHERE removed_at IS NOT NULL "
            f"{where} ORDER BY removed_at DESC, url LIMIT {LIMIT}",
            params,
        )
    )
    authors = _authors(db)
    entries = [
        Entry(
            id=entry_id(row["url"], f"removed-{row['removed_at']}"),
            title=f"Removed: {row['title'] or row['url']}",
            updated=row["removed_at"],
            published=_time(row["published"]),
            url=row["url"],
            base=base,
            summary=f"Gone from the site since {row['removed_at']}; archived version "
            f"{row['version']}. {row['lead'] or ''}".strip(),
            author=authors.get(row["source"], row["source"] or ""),
            categories=[row["label"]] if row["label"] else [],
        )
        for row in rows
    ]
    return atom(
        feed_id=f"{TAG_PREFIX}feeds/removed" + (f"/{quote(source)}" if source else ""),
        title="pressarchive: removed releases" + (f" of {source}" if source else ""),
        self_url=self_url,
        base=base,
        entries=entries,
    )


#: Built-in feeds by name (``/-/feeds/NAME.atom``).
BUILTIN_FEEDS = {"new": new_feed, "edits": edits_feed, "removed": removed_feed}

__all__ = [
    "BUILTIN_FEEDS",
    "LIMIT",
    "atom",
    "edit_summary",
    "edits_feed",
    "entry_id",
    "new_feed",
    "page_link",
    "removed_feed",
    "watch_feed",
    "word_changes",
]
