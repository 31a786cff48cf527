"""The archived images and attachments (``media``, migration 14): one row per URL.

The crawl engine (:mod:`crawler.engine.media`) fetches the media of the pages it saved and
writes each outcome here through :class:`archive.store.sqlite.SqliteStore`: an archived file
(``status`` 200, its payload ``digest`` and the WARC record holding it: a ``response``, or
a ``revisit`` naming the first capture of the same bytes), or a failed fetch (its
``status``, ``error``; the failure is also a ``fetch_errors`` row of kind ``media``).
``serve`` answers ``/-/media?url=`` from the record (:mod:`archive.serve.media`), and
``status`` counts files and bytes per source (:func:`media_counts`).
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from crawler.clock import to_iso
from crawler.engine.store import RETRY_LATER, MediaFetch, StoredMedia
from crawler.records import ROBOTS_DISALLOW

MEDIA_KINDS = ("image", "attachment")
_STORED = "url, status, digest, warc_file, warc_offset, warc_record_id, fetched_at, record_type"


def _stored(row: Any) -> StoredMedia | None:
    return StoredMedia(*row) if row is not None else None


def stored_media(db: sqlite_utils.Database, url: str) -> StoredMedia | None:
    """The row of a media URL, if the archive has one."""
    sql = f"SELECT {_STORED} FROM media WHERE url = ?"
    return _stored(db.execute(sql, [url]).fetchone())


def media_capture(db: sqlite_utils.Database, digest: str) -> StoredMedia | None:
    """The earliest archived ``response`` record with payload ``digest``."""
    sql = (
        f"SELECT {_STORED} FROM media WHERE digest = ? AND status = 200 "
        "AND record_type = 'response' AND warc_file IS NOT NULL "
        "ORDER BY fetched_at, url LIMIT 1"
    )
    return _stored(db.execute(sql, [digest]).fetchone())


def save_media(db: sqlite_utils.Database, fetch: MediaFetch) -> None:
    """Replace the row of ``fetch.url`` with this fetch's outcome."""
    if fetch.kind not in MEDIA_KINDS:
        raise ValueError(f"media kind must be one of {', '.join(MEDIA_KINDS)}: {fetch.kind!r}")
    capture = fetch.capture
    row = {
        "url": fetch.url,
        "source": fetch.source,
        "kind": fetch.kind,
        "status": fetch.status,
        "content_type": fetch.content_type,
        "length": fetch.length,
        "digest": fetch.digest,
        "warc_file": capture.file if capture else None,
        "warc_offset": capture.offset if capture else None,
        "fetched_at": to_iso(fetch.fetched_at),
        "error": fetch.error,
        "page_url": fetch.page_url,
        "record_type": fetch.record_type if capture else None,
        "warc_record_id": capture.record_id if capture else None,
        "etag": fetch.etag,
        "last_modified": fetch.last_modified,
    }
    db.table("media").upsert(row, pk="url")


_RETRY = ", ".join(str(s) for s in sorted(RETRY_LATER))
_MISSING_SQL = f"""
    SELECT url, kind, page_url FROM (
        SELECT i.src AS url, 'image' AS kind, i.page_url, 0 AS k, i.position AS n
        FROM images AS i JOIN pages AS p ON p.url = i.page_url
        WHERE p.source = :source AND p.removed_at IS NULL
        UNION ALL
        SELECT l.url, 'attachment', l.page_url, 1, l.position
        FROM links AS l JOIN pages AS p ON p.url = l.page_url
        WHERE p.source = :source AND p.removed_at IS NULL AND l.rel = 'attachment'
    ) AS wanted
    WHERE NOT EXISTS (
        SELECT 1 FROM media AS m WHERE m.url = wanted.url AND (
            m.warc_file IS NOT NULL OR (m.status IS NOT NULL AND m.status NOT IN ({_RETRY}))
            OR (m.status IS NULL AND m.error LIKE '{ROBOTS_DISALLOW}%')))
    ORDER BY page_url, k, n
"""


def missing_media(db: sqlite_utils.Database, source: str) -> list[tuple[str, str, str]]:
    """The media of ``source``'s live pages still to fetch (``Store.missing_media``)."""
    seen: set[str] = set()
    out = []
    for url, kind, page_url in db.execute(_MISSING_SQL, {"source": source}).fetchall():
        if url not in seen:
            seen.add(url)
            out.append((url, kind, page_url))
    return out


def media_counts(db: sqlite_utils.Database) -> dict[str, dict[str, int]]:
    """Per source: archived images and attachments (``images``, ``attachments``), their
    bytes (``media_bytes``, every URL counted once, revisits included), files stored once
    more as a revisit of identical bytes (``media_revisits``) and failed ones
    (``media_errors``)."""
    sql = """
        SELECT source,
               sum(kind = 'image' AND status = 200 AND warc_file IS NOT NULL),
               sum(kind = 'attachment' AND status = 200 AND warc_file IS NOT NULL),
               coalesce(sum(CASE WHEN status = 200 AND warc_file IS NOT NULL
                                 THEN length END), 0),
               sum(record_type = 'revisit'),
               sum(warc_file IS NULL)
        FROM media GROUP BY source
    """
    out: dict[str, dict[str, int]] = {}
    for source, images, attachments, size, revisits, errors in db.execute(sql).fetchall():
        out[source] = {
            "images": images or 0,
            "attachments": attachments or 0,
            "media_bytes": size or 0,
            "media_revisits": revisits or 0,
            "media_errors": errors or 0,
        }
    return out


def media_row(db: sqlite_utils.Database, url: str) -> dict[str, Any] | None:
    """Every column of the row of ``url`` (the serve route), or None."""
    cursor = db.execute("SELECT * FROM media WHERE url = ?", [url])
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([c[0] for c in cursor.description], row, strict=True))


__all__ = [
    "MEDIA_KINDS",
    "media_capture",
    "media_counts",
    "media_row",
    "save_media",
    "stored_media",
]
