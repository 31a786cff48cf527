"""``import-warc`` for media: an image or document response becomes a ``media`` row.

A ``response`` record of type ``image/*`` or of a document type (PDF, office, OpenDocument,
RTF, ZIP; not ``text/*`` or ``application/octet-stream``, which robots.txt files and
anything else may be) is never a page: :func:`import_media` copies it into the archive's
own capture files (a ``revisit`` of the first capture when the archive already holds the
same bytes) and stores it as the media file of its URL (:mod:`archive.store.media`), at
its capture time, unless that URL is archived already. A ``revisit`` record of identical
bytes that names the file and offset of its original (as pressarchive writes them for media
served under two URLs) is read as the response it stands for (:func:`media_revisit`).
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import sqlite_utils

from archive.store import media as media
from archive.store import runs as runs
from crawler.capture.verify import WarcRecord, read_record_at
from crawler.capture.warc import WarcWriter, payload_digest
from crawler.config.settings import SourceConfig
from crawler.engine.media import remember_capture, type_problem
from crawler.engine.store import MediaFetch
from crawler.errors import CaptureError
from crawler.records import FetchResult

log = logging.getLogger(__name__)
IDENTICAL_PAYLOAD = "identical-payload-digest"


def media_kind(content_type: str) -> str | None:
    """``image`` or ``attachment`` for a media type an import takes, else None."""
    ctype = content_type.split(";")[0].strip().lower()
    if ctype.startswith("text/") or ctype == "application/octet-stream":
        return None
    for kind in ("image", "attachment"):
        if type_problem(kind, ctype) is None:
            return kind
    return None


def media_revisit(path: str, item: WarcRecord) -> WarcRecord | None:
    """The media response an identical-payload ``revisit`` in ``path`` stands for (its
    headers, the body of the record it names in the same folder), or None when it is not
    such a record (a 304 revisit, a page, another tool's without a file and offset)."""
    headers = item.rec_headers
    target = headers.get_header("WARC-Refers-To-Filename")
    offset = headers.get_header("WARC-Refers-To-Offset")
    ctype = item.http_headers.get_header("Content-Type") if item.http_headers else None
    profile = headers.get_header("WARC-Profile") or ""
    if not (target and offset and offset.isdigit() and profile.endswith(IDENTICAL_PAYLOAD)):
        return None
    if not ctype or media_kind(ctype) is None or Path(target).name != target:
        return None
    try:  # the original itself, never another revisit (a chain, or one naming itself)
        original = read_record_at(Path(path).parent / target, int(offset))
    except (CaptureError, OSError) as exc:
        # its original is in a file not imported with it (or damaged: reported there)
        log.info("%s: offset %d: revisit of %s: %s; skipped", path, item.offset, target, exc)
        return None
    digest = headers.get_header("WARC-Payload-Digest")
    if original.rec_type != "response" or (digest and payload_digest(original.body) != digest):
        log.info(
            "%s: offset %d: revisit of %s: not its payload; skipped", path, item.offset, target
        )
        return None
    return dataclasses.replace(item, rec_type="response", body=original.body)


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
    remember_capture(writer, digest, media.media_capture(db, digest))
    ref = writer.write(result)  # the copy before its row
    if store_source:
        runs.save_source(db, src)
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


__all__ = ["import_media", "media_kind", "media_revisit"]
