"""``import-warc`` for media: an image or document response becomes a ``media`` row.

A ``response`` record of type ``image/*`` or of a document type (PDF, office, OpenDocument,
RTF, ZIP; not ``text/*`` or ``application/octet-stream``, which robots.txt files and
anything else may be) is never a page: :func:`import_media` copies it into the archive's
own capture files (a ``revisit`` of the first capture when the archive already holds the
same bytes) and stores it as the media file of its URL (:mod:`archive.store.media`), at
its capture time, unless that URL is archived already.
"""

from __future__ import annotations

import sqlite_utils

from archive.store import media as media
from archive.store import save as save
from crawler.capture.warc import WarcWriter, payload_digest
from crawler.config.settings import SourceConfig
from crawler.engine.media import type_problem
from crawler.engine.store import MediaFetch
from crawler.records import FetchResult


def media_kind(content_type: str) -> str | None:
    """``image`` or ``attachment`` for a media type an import takes, else None."""
    ctype = content_type.split(";")[0].strip().lower()
    if ctype.startswith("text/") or ctype == "application/octet-stream":
        return None
    for kind in ("image", "attachment"):
        if type_problem(kind, ctype) is None:
            return kind
    return None


def import_media(
    db: sqlite_utils.Database,
    src: SourceConfig,
    kind: str,
    result: FetchResult,
    writer: WarcWriter | None,
    *,
    store_source: bool,
) -> str:
    """Store one media response of ``src``; return the count it adds to (``media`` or
    ``skipped`` when its URL is archived already or nothing can hold the copy)."""
    stored = media.stored_media(db, result.url)
    if writer is None or (stored is not None and stored.archived):
        return "skipped"
    digest = payload_digest(result.body)
    earlier = media.media_capture(db, digest)
    if earlier is not None and earlier.warc_file and earlier.warc_offset is not None:
        writer.remember(
            digest,
            earlier.warc_record_id or "",
            earlier.url,
            earlier.fetched_at or "",
            earlier.warc_file,
            earlier.warc_offset,
        )
    ref = writer.write(result)  # the copy before its row
    if store_source:
        save.save_source(db, src)
    media.save_media(
        db,
        MediaFetch(
            url=result.url,
            source=src.name,
            kind=kind,
            page_url=None,
            status=result.status,
            fetched_at=result.fetched_at,
            content_type=result.headers.get("content-type"),
            length=len(result.body),
            digest=digest,
            capture=ref,
            record_type=writer.last_record_type or None,
            etag=result.headers.get("etag"),
            last_modified=result.headers.get("last-modified"),
        ),
    )
    return "media"


__all__ = ["import_media", "media_kind"]
