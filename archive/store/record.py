"""A page as the archive stores it, computed without the archive: the ``pages`` columns of an
extracted page (:func:`page_record`), its content hash (:func:`content_hash`) and the
derived indexes' pure work for it (:func:`prepare_page`).

Kept apart from :mod:`archive.store.save` (which writes) so that the crawl's extraction
workers, which run :func:`prepare_page`, import neither sqlite-utils nor what it imports
when present (pandas: ~0.2 s and ~65 MB a process).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from archive.indexes import registry as registry
from crawler.records import Extracted, FetchResult

#: Fields of :class:`Extracted` that make up its content (and so its ``content_hash``).
HASH_FIELDS = (
    "page_type", "label", "title", "lead", "body", "published", "modified", "images",
    "related", "links", "attachments", "credits",
)  # fmt: skip


def flat(item: Any) -> dict[str, Any]:
    """``dataclasses.asdict`` of a flat record (:class:`~crawler.records.Image`, ``Link``,
    ``Attachment``: strings and ``None``), without its recursion and deep copies (~3×
    faster); the same fields (``dataclasses.fields``: no class variables)."""
    kind = type(item)
    names = _NAMES.get(kind)
    if names is None:
        names = _NAMES[kind] = tuple(f.name for f in dataclasses.fields(item))
    return {name: getattr(item, name) for name in names}


#: the field names of each flat record type, as :func:`flat` first met it
_NAMES: dict[type, tuple[str, ...]] = {}


def content_hash(page: Extracted) -> str:
    """sha256 over canonical JSON of the content fields (never raw bytes or fetch time):
    the :data:`HASH_FIELDS` of ``page.to_dict()`` (the same JSON, built without
    ``asdict``'s recursion and copies: the crawl, reparse and import hash every page)."""
    content = {key: getattr(page, key) for key in HASH_FIELDS}
    for key in ("images", "related", "attachments"):
        content[key] = [flat(item) for item in content[key]]
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _joined(values: list[str | None]) -> str | None:
    seen: list[str] = []
    for value in values:
        value = (value or "").strip()
        if value and value not in seen:
            seen.append(value)
    return "\n".join(seen) or None


def prepare_page(
    source: str,
    city: str | None,
    page: Extracted,
    fetch: FetchResult,
    stored_hash: str | None = None,
) -> dict[str, Any] | None:
    """The derived indexes' pure work for a page about to be saved
    (:func:`archive.indexes.registry.prepare`): what the crawl runs in worker processes
    (``SqliteStore.page_preparer``). ``None`` for a page whose content is ``stored_hash``
    (the live stored page's: it will be saved ``unchanged``, its indexes stay)."""
    fields = page_record(source, page, fetch)
    if stored_hash is not None and fields["content_hash"] == stored_hash:
        return None
    fields["city"] = city or None
    return registry.prepare(fields)


def page_record(source: str, page: Extracted, fetch: FetchResult) -> dict[str, Any]:
    """The ``pages`` columns derived from the extraction and the fetch (no bookkeeping)."""
    return {
        "url": page.url,
        "source": source,
        "page_type": page.page_type,
        "label": page.label,
        "title": page.title,
        "lead": page.lead,
        "body": page.body,
        "published": page.published,
        "published_source": page.published_source,
        "modified": page.modified,
        "captions": _joined([t for img in page.images for t in (img.alt, img.caption)]),
        "credits": _joined([*page.credits, *(img.credit for img in page.images)]),
        "image_count": len(page.images),
        "related_count": len(page.related),
        "content_hash": content_hash(page),
        "etag": fetch.headers.get("etag"),
        "last_modified": fetch.headers.get("last-modified"),
        "http_status": fetch.status,
        "fetched_url": fetch.final_url or fetch.url,
    }


__all__ = ["HASH_FIELDS", "content_hash", "flat", "page_record", "prepare_page"]
