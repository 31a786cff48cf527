"""The body each archived page was last fetched with (``page_payloads``, migration 19).

Many city sites send no validators (no ``ETag``, no ``Last-Modified``), so every re-check
of their pages is a full ``200``. When the answer carries the very bytes of the page's last
fetch, extracting it again can only give the stored page back: the crawl records it as
``unchanged`` without extracting it (what a ``304`` gets) and captures it as a ``revisit``
of the ``response`` record that holds those bytes. This module keeps what that needs, one
row per page: the WARC payload digest of its last body (as the WARC records carry it),
when it was fetched and the ``response`` record with those bytes (the page's own, or
another page's with the same bytes when the page's capture was a revisit of it).

The row is written when a page is saved under the URL it was requested as (no redirect, no
alias): a ``new`` or ``changed`` page, or an ``unchanged`` one whose bytes differ (a
rotating token, a counter: extracted, the same content). It is a cache: a page without a
row is extracted as before.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from archive.store.schema import write_transaction
from crawler.capture.warc import CaptureRef, EarlierCapture, payload_digest, warc_date
from crawler.engine.store import StoredPayload
from crawler.records import FetchResult

_COLUMNS = "digest, fetched_at, warc_file, warc_offset, warc_record_id, warc_uri, warc_date"
#: the row of a live page (a removed page coming back is extracted: it is restored)
_LAST = f"""
SELECT {", ".join(f"pp.{c.strip()}" for c in _COLUMNS.split(","))}
FROM page_payloads AS pp JOIN pages AS p ON p.url = pp.url
WHERE pp.url = ? AND p.removed_at IS NULL
"""


def last_payload(db: sqlite_utils.Database, url: str) -> StoredPayload | None:
    """``Store.last_payload``: the recorded body of the live page ``url``."""
    row = db.conn.execute(_LAST, [url]).fetchone()
    if row is None:
        return None
    digest, _fetched_at, file, offset, record_id, uri, date = row
    if file is None or offset is None or record_id is None or uri is None or date is None:
        return StoredPayload(digest)
    return StoredPayload(digest, EarlierCapture(digest, record_id, uri, date, file, int(offset)))


def _holding(fetch: FetchResult, digest: str, capture: CaptureRef | None) -> tuple[Any, ...]:
    """The columns of the ``response`` record holding ``fetch``'s bytes (``digest``):
    ``capture`` itself, or the record it is a revisit of (NULLs: no capture)."""
    if capture is None:
        return (None,) * 5
    held = capture.refers_to or EarlierCapture(
        digest,
        capture.record_id,
        fetch.final_url or fetch.url,
        warc_date(fetch.fetched_at),
        capture.file,
        capture.offset,
    )
    return held.file, held.offset, held.record_id, held.uri, held.date


#: one statement: a row of the same digest stays as it is (it names the first record of
#: those bytes) unless it names no record and one is known now
_RECORD = f"""
INSERT INTO page_payloads (url, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (url) DO UPDATE SET
  {", ".join(f"{c.strip()} = excluded.{c.strip()}" for c in _COLUMNS.split(","))}
WHERE page_payloads.digest <> excluded.digest
   OR (page_payloads.warc_file IS NULL AND excluded.warc_file IS NOT NULL)
"""


def record_payload(
    db: sqlite_utils.Database,
    url: str,
    fetch: FetchResult,
    fetched_at: str,
    capture: CaptureRef | None,
) -> None:
    """Record ``fetch``'s body as the last one of the page ``url`` (saved from it at
    ``fetched_at``, captured as ``capture``: :data:`_RECORD`)."""
    digest = payload_digest(fetch.body)
    with write_transaction(db, one_statement=True):
        db.conn.execute(_RECORD, (url, digest, fetched_at, *_holding(fetch, digest, capture)))


__all__ = ["last_payload", "record_payload"]
