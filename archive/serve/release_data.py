"""What the release page (:mod:`archive.serve.release`) shows, read from one read-only
connection: the page, its body as paragraphs and subheadings, images and attachments with
their archived copies, related links resolved to archived pages, its versions, and the word
diff (:mod:`archive.diffing`) between two of them.

Reads only (``SELECT``): the store's own readers (:func:`archive.store.revisions.resolve`,
``history``, ``load_revision``, ``state``) run on the connection Datasette hands out,
wrapped in a :class:`sqlite_utils.Database` that changes nothing (no triggers pragma, no
plugins).

Media: when the archive has a ``media`` table (images and attachments fetched by the
crawl), an image or attachment whose URL has a row there with a WARC record
(``warc_file`` not null) is shown from the archive (``/-/media?url=…``); any other is
marked "not archived" with a plain link to the original — the page never loads a picture
from the live site.

Subheadings: a body is stored as blocks joined by a blank line, without marking which
block was a heading (:data:`crawler.records.Page.body`). A block is shown as a subheading
when it is short (:data:`HEADING_MAX` characters), ends without a sentence mark (a question
mark may end a heading), is followed by more text, and neither neighbour looks the same (a
run of such blocks is a list). On the sample site's markup (``h2``/``h3`` and bold-only
paragraphs), this finds 50 of 57 subheadings and marks no other block
(``tests/archive/serve/test_release_data.py``); on the 289 real pages of the German dev set,
precision 0.645 and recall 0.585 against their heading markup (``bench/subheadings.py``,
BENCHMARKS.md).
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import sqlite_utils

from archive import diffing
from archive.store.revisions import history, load_revision, resolve, state
from crawler.errors import NotArchived

HEADING_MAX = 100
#: a block ending so is a sentence, not a heading ("?" not: "Wer kann teilnehmen?" heads)
_SENTENCE_MARK = re.compile(r"[.!:;,…\"“”»«)\]]$")
_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")
#: fields compared as text, with their labels, in display order (images apart)
DIFF_LABELS = {
    "title": "Title",
    "label": "Label",
    "page_type": "Page type",
    "published": "Published",
    "modified": "Modified",
    "lead": "Lead",
    "body": "Body",
    "images": "Image files",
    "related": "Related links",
    "attachments": "Attachments",
    "links": "Links in the text",
}
IMAGE_PARTS = ("src", "alt", "caption", "credit")


class RevisionError(ValueError):
    """A ``from``/``to`` revision the page does not have."""


def reader(conn: sqlite3.Connection) -> sqlite_utils.Database:
    """``conn`` for the store's readers, unchanged (no pragma, no plugin hooks)."""
    return sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)


def has_table(db: sqlite_utils.Database, name: str) -> bool:
    row = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?", [name]
    ).fetchone()
    return row is not None


def _looks_heading(block: str) -> bool:
    return len(block) <= HEADING_MAX and "\n" not in block and not _SENTENCE_MARK.search(block)


def body_blocks(text: str | None) -> list[dict[str, Any]]:
    """The body's blocks: ``{"kind": "h" | "p", "lines": [...]}`` (module docstring)."""
    blocks = [b.strip() for b in _BLANK_LINE.split(text or "") if b.strip()]
    short = [_looks_heading(b) for b in blocks]
    out = []
    for i, block in enumerate(blocks):
        heading = (
            short[i] and i + 1 < len(blocks) and not short[i + 1] and not (i > 0 and short[i - 1])
        )
        out.append({"kind": "h" if heading else "p", "lines": block.split("\n")})
    return out


def archived_media(db: sqlite_utils.Database, urls: list[str]) -> set[str]:
    """Those of ``urls`` the archive holds a capture of (``media`` rows with a WARC record)."""
    if not urls or not has_table(db, "media"):
        return set()
    marks = ", ".join("?" for _ in urls)
    return {
        str(r[0])
        for r in db.execute(
            f"SELECT url FROM media WHERE warc_file IS NOT NULL AND url IN ({marks})", urls
        )
    }


def archived_page(db: sqlite_utils.Database, url: str) -> str | None:
    """The stored page ``url`` leads to, in any form the crawler canonicalises, or None."""
    try:
        return resolve(db, url)
    except NotArchived:
        return None


def _rows(db: sqlite_utils.Database, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    return [dict(r) for r in db.query(sql, params)]


def _links(db: sqlite_utils.Database, page_url: str) -> tuple[list[Any], list[Any]]:
    """Related links (every rel but body and attachment) and attachments of the page."""
    rows = _rows(
        db,
        "SELECT rel, url, title, kind, label, date FROM links WHERE page_url = ? "
        "AND rel != 'body' ORDER BY rel = 'attachment', rel, position",
        [page_url],
    )
    related = [r for r in rows if r["rel"] != "attachment"]
    attachments = [r for r in rows if r["rel"] == "attachment"]
    for link in related:
        link["archived"] = archived_page(db, link["url"])
    stored = archived_media(db, [a["url"] for a in attachments])
    for att in attachments:
        att["archived"] = att["url"] in stored
    return related, attachments


def _images(db: sqlite_utils.Database, page_url: str) -> list[dict[str, Any]]:
    images = _rows(
        db,
        "SELECT position, src, alt, caption, credit FROM images WHERE page_url = ? "
        "ORDER BY position",
        [page_url],
    )
    stored = archived_media(db, [i["src"] for i in images if i["src"]])
    for image in images:
        image["archived"] = image["src"] in stored
    return images


def _pick(numbers: list[int], from_rev: int | None, to_rev: int | None) -> tuple[int, int]:
    """The two revisions to compare (default: the one before the latest, the latest)."""
    latest = max(numbers)
    to_n = latest if to_rev is None else to_rev
    from_n = max(to_n - 1, min(numbers)) if from_rev is None else from_rev
    for n in (to_n, from_n):
        if n not in numbers:
            raise RevisionError(f"no version {n}: this page has versions 1 to {latest}")
    return from_n, to_n


def _image_changes(old: list[Any], new: list[Any]) -> list[dict[str, Any]]:
    """Per image position: the parts (src, alt, caption, credit) that changed, diffed."""
    before = {i["position"]: i for i in old}
    after = {i["position"]: i for i in new}
    out = []
    for position in sorted(set(before) | set(after)):
        a, b = before.get(position, {}), after.get(position, {})
        parts = []
        for name in IMAGE_PARTS:
            segments = diffing.word_diff(a.get(name), b.get(name))
            if diffing.changed(segments):
                parts.append({"name": name, "segments": segments})
        if parts:
            out.append({"number": position + 1, "parts": parts})
    return out


def compare(db: sqlite_utils.Database, page_url: str, from_n: int, to_n: int) -> dict[str, Any]:
    """The word diff of two revisions: changed text fields (as paragraphs of segments, with
    word counts) and the changed parts of each image."""
    before, after = load_revision(db, page_url, from_n), load_revision(db, page_url, to_n)
    old, new = state(before), state(after)
    fields = []
    for field, label in DIFF_LABELS.items():
        if old[field] == new[field]:
            continue
        segments = diffing.word_diff(old[field], new[field])
        if not diffing.changed(segments) and field != "images":
            continue
        fields.append(
            {
                "field": field,
                "label": label,
                "paragraphs": diffing.paragraphs(segments),
                "counts": diffing.counts(segments),
            }
        )
    images = _image_changes(before["images"], after["images"])
    return {"from": from_n, "to": to_n, "fields": fields, "images": images}


def load_release(
    conn: sqlite3.Connection, url: str, from_rev: int | None = None, to_rev: int | None = None
) -> dict[str, Any]:
    """Everything the release page shows for ``url`` (any form the crawler canonicalises).
    Raises :class:`NotArchived` for a URL the archive lacks, :class:`RevisionError` for a
    ``from``/``to`` it has no version of."""
    db = reader(conn)
    page_url = resolve(db, url)
    cur = db.execute("SELECT * FROM pages WHERE url = ?", [page_url])
    page = dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))
    related, attachments = _links(db, page_url)
    versions: list[dict[str, Any]] = []
    aliases: list[dict[str, Any]] = []
    diff = None
    if has_table(db, "revisions"):
        past = history(db, page_url)
        versions, aliases = past["revisions"], past["aliases"]
        numbers = [v["revision"] for v in versions]
        if len(numbers) >= 2 or from_rev is not None or to_rev is not None:
            if not numbers:
                raise RevisionError("this page has no stored versions")
            from_n, to_n = _pick(numbers, from_rev, to_rev)
            diff = compare(db, page_url, from_n, to_n)
    return {
        "page": page,
        "requested": url,
        "blocks": body_blocks(page.get("body")),
        "images": _images(db, page_url),
        "related": related,
        "attachments": attachments,
        "versions": versions,
        "aliases": aliases,
        "diff": diff,
    }


__all__ = [
    "HEADING_MAX",
    "RevisionError",
    "archived_media",
    "archived_page",
    "body_blocks",
    "compare",
    "load_release",
    "reader",
]
