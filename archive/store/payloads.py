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


def holding_record(fetch: FetchResult, capture: CaptureRef | None) -> EarlierCapture | None:
    """The ``response`` record holding ``fetch``'s bytes: ``capture`` itself, or the
    record it is a revisit of (``None``: no capture)."""
    if capture is None:
        return None
    if capture.refers_to is not None:
        return capture.refers_to
    uri = fetch.final_url or fetch.url
    digest = payload_digest(fetch.body)
    return EarlierCapture(
        digest, capture.record_id, uri, warc_date(fetch.fetched_at), capture.file, capture.offset
    )


def record_payload(
    db: sqlite_utils.Database,
    url: str,
    fetch: FetchResult,
    fetched_at: str,
    capture: CaptureRef | None,
) -> None:
    """Record ``fetch``'s body as the last one of the page ``url`` (saved from it at
    ``fetched_at``, captured as ``capture``). A row of the same digest stays as it is (it
    names the first record of those bytes), unless it knows no record and one is known now."""
    digest = payload_digest(fetch.body)
    held = holding_record(fetch, capture)
    row = db.conn.execute(
        "SELECT digest, warc_file FROM page_payloads WHERE url = ?", [url]
    ).fetchone()
    if row is not None and row[0] == digest and (row[1] is not None or held is None):
        return
    where = (None,) * 5 if held is None else (
        held.file, held.offset, held.record_id, held.uri, held.date
    )  # fmt: skip
    with write_transaction(db, one_statement=True):
        db.conn.execute(
            f"INSERT OR REPLACE INTO page_payloads (url, {_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (url, digest, fetched_at, *where),
        )


__all__ = ["holding_record", "last_payload", "record_payload"]
