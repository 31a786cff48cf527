"""Every version of a page: writing revisions, and reading them back (history, diff, show).

A *revision* is one row of ``revisions`` per stored state of a page, version 1 included:
every extracted field, the fetch time, the HTTP status and the WARC record (``warc_file``,
``warc_offset``, ``warc_length``, ``warc_record_id``) it was extracted from.
``archive.store.save.save_page`` calls :func:`save_revision` inside the transaction that
writes the page, so ``pages`` always equals the page's latest revision.

Images and links of a revision are rows of ``revision_images`` / ``revision_links``, the
same shape as ``images`` / ``links`` plus the revision number. Chosen over a JSON column
because any past state is rebuilt with the very rows the live tables had (``show``), and
SQL / Datasette can ask across versions ("which revisions used this picture?") without
parsing JSON. The cost is a few rows per *changed* version only.

``revision`` numbers every state (1, 2, ...); ``version`` is the page's content version
(``pages.version``). They differ only after a page came back from removal with the same
content: that is a new revision (event ``restored``) of the same version.
Events: ``new``, ``changed``, ``restored``, ``reparse`` (re-extraction from the stored
record). ``removed_at`` on a revision says when the page answered 404/410 after it.

Aliases (``aliases``): a URL that serves an article stored under another URL, after a
redirect (``reason = "redirect"``) or as an identical release (same title, date and body:
``"duplicate"``). The article keeps the URL it was first archived under.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

import sqlite_utils

from archive.store import rows as rows
from archive.store.checks import require_bound
from archive.store.lookup import url_forms
from archive.store.schema import REVISION_COLUMNS
from crawler.errors import NotArchived

#: Fields compared between revisions, in display order.
DIFF_FIELDS = (
    "page_type", "title", "label", "lead", "body", "published", "modified", "captions",
    "credits", "images", "related", "links", "attachments",
)  # fmt: skip
#: What made a revision (``revisions.event``), and what each event means.
EVENT_MEANINGS = {
    "new": "the first version of the page the crawler found",
    "changed": "the page's content changed since the revision before",
    "restored": "the page came back after it had been removed (404/410)",
    "reparse": "a re-extraction of a stored capture (pressarchive reparse): the site did "
    "not change, the extractor did",
}
EVENTS = tuple(EVENT_MEANINGS)
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[„\"'(\[]?[A-ZÄÖÜ0-9])")
_IMAGE_FIELDS = ("src", "alt", "caption", "credit")
_LINK_FIELDS = ("url", "title", "kind", "label", "date")


# --------------------------------------------------------------------------- writing


def save_revision(
    db: sqlite_utils.Database,
    record: dict[str, Any],
    images: list[dict[str, Any]],
    links: list[dict[str, Any]],
    *,
    version: int,
    event: str,
    fetched_at: str,
    capture: Any = None,
    credit_list: list[str] | None = None,
    first: bool = False,
) -> int:
    """Append the next revision of ``record["url"]`` (a ``pages`` record with its image and
    link rows); return its number. Call it inside the transaction writing the page.
    ``first``: the page was not stored (revisions come with their ``pages`` row, which is
    never deleted): this is revision 1, no need to look."""
    url = record["url"]
    number = 1
    if not first:
        row = db.execute("SELECT max(revision) FROM revisions WHERE page_url = ?", [url]).fetchone()
        number = (row[0] or 0) + 1
    changed: list[str] = []
    if number > 1:
        before = state(load_revision(db, url, number - 1))
        after = state({**record, "images": images, "links": links})
        changed = [f for f in DIFF_FIELDS if before[f] != after[f]]
    rev: dict[str, Any] = {c: record.get(c) for c in REVISION_COLUMNS if c in record}
    rev.update(
        page_url=url,
        revision=number,
        version=version,
        event=event,
        fetched_at=fetched_at,
        credit_list=json.dumps(credit_list, ensure_ascii=False) if credit_list else None,
        changed_fields=json.dumps(changed),
        removed_at=None,
        warc_file=getattr(capture, "file", None),
        warc_offset=getattr(capture, "offset", None),
        warc_length=getattr(capture, "length", None),
        warc_record_id=getattr(capture, "record_id", None),
    )
    rev.pop("url", None)
    rows.insert_rows(db, "revisions", [rev])
    rows.insert_rows(db, "revision_images", [{**img, "revision": number} for img in images])
    rows.insert_rows(db, "revision_links", [{**link, "revision": number} for link in links])
    return number


def mark_revision_removed(db: sqlite_utils.Database, url: str, removed_at: str) -> None:
    """Note on the latest revision of ``url`` that the page answered 404/410 afterwards."""
    db.execute(
        "UPDATE revisions SET removed_at = ? WHERE page_url = ? AND revision = "
        "(SELECT max(revision) FROM revisions WHERE page_url = ?)",
        [removed_at, url, url],
    )


def alias_target(db: sqlite_utils.Database, url: str) -> str | None:
    """The stored article ``url`` is an alias of, if it is one."""
    row = db.execute("SELECT canonical_url FROM aliases WHERE url = ?", [url]).fetchone()
    return row[0] if row else None


def find_duplicate(
    db: sqlite_utils.Database, source: str, url: str, title: str | None,
    published: str | None, body: str | None,
) -> str | None:  # fmt: skip
    """Another stored page of ``source`` with the same title, date and (non-empty) body."""
    if not body or not title:
        return None
    row = db.execute(
        "SELECT url FROM pages WHERE source = ? AND title = ? AND body = ? "
        "AND published IS ? AND url != ? ORDER BY first_seen, url LIMIT 1",
        [source, title, body, published, url],
    ).fetchone()
    return row[0] if row else None


def save_alias(
    db: sqlite_utils.Database, url: str, canonical_url: str, reason: str, first_seen: str
) -> bool:
    """Record ``url`` as an alias of the stored page ``canonical_url`` (kept if known);
    ``True`` if a row was written. A URL that is itself a stored page is never an alias."""
    if url == canonical_url or alias_target(db, url) is not None:
        return False
    if db.execute("SELECT 1 FROM pages WHERE url = ?", [url]).fetchone():
        return False
    db.table("aliases").insert(
        {"url": url, "canonical_url": canonical_url, "reason": reason, "first_seen": first_seen},
        pk="url",
    )
    return True


# --------------------------------------------------------------------------- reading


def resolve(db: sqlite_utils.Database, url: str) -> str:
    """The stored page URL for ``url`` (itself, or the page it is an alias of), also from
    any form the crawler canonicalises (:func:`archive.store.lookup.url_forms`: scheme,
    host alias, tracking parameters, trailing slash)."""
    for form in url_forms(db, url):
        if db.execute("SELECT 1 FROM pages WHERE url = ?", [form]).fetchone():
            return form
        target = alias_target(db, form)
        if target:
            return target
    raise NotArchived(f"{url}: not in the archive")


def load_revision(db: sqlite_utils.Database, url: str, revision: int) -> dict[str, Any]:
    """One revision as a dict: its columns, ``images`` and ``links`` (rows as stored)."""
    cur = db.execute("SELECT * FROM revisions WHERE page_url = ? AND revision = ?", [url, revision])
    values = cur.fetchone()
    if values is None:
        raise NotArchived(f"{url}: no revision {revision}")
    row = dict(zip([d[0] for d in cur.description], values, strict=True))
    row["images"] = [
        dict(r)
        for r in db.query(
            "SELECT page_url, position, src, alt, caption, credit FROM revision_images "
            "WHERE page_url = ? AND revision = ? ORDER BY position",
            [url, revision],
        )
    ]
    row["links"] = [
        dict(r)
        for r in db.query(
            "SELECT page_url, rel, position, url, title, kind, label, date FROM revision_links "
            "WHERE page_url = ? AND revision = ? ORDER BY rel, position",
            [url, revision],
        )
    ]
    return row


def state(row: dict[str, Any]) -> dict[str, str | None]:
    """The comparable text of each :data:`DIFF_FIELDS` field of a revision or page record
    (with ``images`` and ``links`` rows)."""
    out: dict[str, str | None] = {
        f: row.get(f)
        for f in ("page_type", "title", "label", "lead", "body", "published", "modified")
    }
    out["captions"] = row.get("captions")
    out["credits"] = row.get("credits")
    images = sorted(row.get("images") or [], key=lambda r: r["position"])
    out["images"] = "\n".join(str(i["src"]) for i in images) or None
    by_rel: dict[str, list[str]] = {"related": [], "body": [], "attachment": []}
    for link in sorted(row.get("links") or [], key=lambda r: (r["rel"], r["position"])):
        if link["rel"] == "related":
            extra = ", ".join(str(link[k]) for k in ("kind", "label", "date") if link.get(k))
            text = f"{link.get('title')} <{link['url']}>" + (f" ({extra})" if extra else "")
        elif link["rel"] == "attachment":
            text = f"{link.get('title')} <{link['url']}>"
        else:
            text = str(link["url"])
        by_rel.setdefault(link["rel"], []).append(text)
    out["related"] = "\n".join(by_rel["related"]) or None
    out["links"] = "\n".join(by_rel["body"]) or None
    out["attachments"] = "\n".join(by_rel["attachment"]) or None
    return out


def _count(db: sqlite_utils.Database, url: str) -> int:
    row = db.execute("SELECT max(revision) FROM revisions WHERE page_url = ?", [url]).fetchone()
    return int(row[0] or 0)


def _capture(row: dict[str, Any]) -> dict[str, Any] | None:
    if not row.get("warc_file"):
        return None
    return {
        "file": row["warc_file"],
        "offset": row["warc_offset"],
        "length": row["warc_length"],
        "record_id": row["warc_record_id"],
    }


def history(db: sqlite_utils.Database, url: str) -> dict[str, Any]:
    """``{"url", "aliases", "removed_at", "revisions": [...]}``; each revision has
    revision, version, event, fetched_at, title, changed_fields, removed_at, capture."""
    page_url = resolve(db, url)
    revisions = []
    for row in db.query("SELECT * FROM revisions WHERE page_url = ? ORDER BY revision", [page_url]):
        revisions.append(
            {
                "revision": row["revision"],
                "version": row["version"],
                "event": row["event"],
                "fetched_at": row["fetched_at"],
                "title": row["title"],
                "changed_fields": json.loads(row["changed_fields"] or "[]"),
                "removed_at": row["removed_at"],
                "capture": _capture(row),
            }
        )
    page = db.execute("SELECT removed_at FROM pages WHERE url = ?", [page_url]).fetchone()
    aliases = [
        dict(r)
        for r in db.query(
            "SELECT url, reason, first_seen FROM aliases WHERE canonical_url = ? ORDER BY url",
            [page_url],
        )
    ]
    return {"url": page_url, "removed_at": page[0], "aliases": aliases, "revisions": revisions}


def _lines(field: str, text: str | None) -> list[str]:
    if not text:
        return []
    if field not in ("body", "lead"):
        return text.split("\n")
    lines: list[str] = []
    for paragraph in text.split("\n\n"):
        if lines:
            lines.append("")
        lines.extend(_SENTENCE_END.split(paragraph.strip()))
    return lines


def diff(
    db: sqlite_utils.Database, url: str, from_rev: int | None = None, to_rev: int | None = None
) -> dict[str, Any]:
    """Field-level changes between two revisions (default: the previous and the latest).

    Returns ``{"url", "from", "to", "changes": [{field, from, to, diff}]}``; ``diff`` is a
    unified diff of the field's lines (body and lead: one sentence per line).
    """
    page_url = resolve(db, url)
    latest = _count(db, page_url)
    to_n = latest if to_rev is None else to_rev
    from_n = max(to_n - 1, 1) if from_rev is None else from_rev
    for n in (from_n, to_n):
        if not 1 <= n <= latest:
            raise NotArchived(f"{page_url}: no revision {n} (it has 1 to {latest})")
    before, after = load_revision(db, page_url, from_n), load_revision(db, page_url, to_n)
    old, new = state(before), state(after)
    changes = []
    for field in DIFF_FIELDS:
        if old[field] == new[field]:
            continue
        lines = difflib.unified_diff(
            _lines(field, old[field]),
            _lines(field, new[field]),
            fromfile=f"{field} (revision {from_n})",
            tofile=f"{field} (revision {to_n})",
            lineterm="",
            n=1,
        )
        changes.append(
            {"field": field, "from": old[field], "to": new[field], "diff": "\n".join(lines)}
        )
    return {"url": page_url, "from": from_n, "to": to_n, "changes": changes}


def show(db: sqlite_utils.Database, url: str, at: str | None = None) -> dict[str, Any]:
    """The page as it was at ``at`` (``YYYY-MM-DD`` or ISO time; default: now): the fields
    of the revision then current, its ``images``, ``related``, ``links``, ``attachments``,
    and ``removed`` (whether the page was gone at that time)."""
    bound = require_bound("--at", at)
    page_url = resolve(db, url)
    if bound:
        row = db.execute(
            "SELECT max(revision) FROM revisions WHERE page_url = ? AND fetched_at <= ?",
            [page_url, bound],
        ).fetchone()
    else:
        row = db.execute(
            "SELECT max(revision) FROM revisions WHERE page_url = ?", [page_url]
        ).fetchone()
    if row[0] is None:
        raise NotArchived(f"{page_url}: not archived yet at {at}")
    rev = load_revision(db, page_url, int(row[0]))
    removed_at = rev.get("removed_at")
    gone = bool(removed_at) and (bound is None or str(removed_at) <= bound)
    links = rev.pop("links")
    out = {k: v for k, v in rev.items() if k not in ("page_url", "images")}
    out["url"] = page_url
    out["credit_list"] = json.loads(rev["credit_list"]) if rev.get("credit_list") else None
    out["changed_fields"] = json.loads(rev.get("changed_fields") or "[]")
    out["images"] = [{k: i[k] for k in _IMAGE_FIELDS} for i in rev["images"]]
    for rel, key in (("related", "related"), ("body", "links"), ("attachment", "attachments")):
        chosen = [link for link in links if link["rel"] == rel]
        if rel == "body":
            out[key] = [link["url"] for link in chosen]
        else:
            out[key] = [{k: link[k] for k in _LINK_FIELDS if link.get(k)} for link in chosen]
    out["removed"] = gone
    out["capture"] = _capture(rev)
    return out


__all__ = [
    "DIFF_FIELDS",
    "EVENTS",
    "EVENT_MEANINGS",
    "NotArchived",
    "alias_target",
    "diff",
    "find_duplicate",
    "history",
    "load_revision",
    "mark_revision_removed",
    "resolve",
    "save_alias",
    "save_revision",
    "show",
    "state",
]
