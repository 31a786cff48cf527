"""The body each archived page was last fetched with (``page_payloads``, migration 19).

Many city sites send no validators (no ``ETag``, no ``Last-Modified``), so every re-check
of their pages is a full ``200``. When the answer carries the very bytes of the page's last
fetch, extracting it again can only give the stored page back: the crawl records it as
``unchanged`` without extracting it (what a ``304`` gets) and captures it as a ``revisit``
of the ``response`` record that holds those bytes. This module keeps what that needs, one
row per page: the WARC payload digest of its last body (as the WARC records carry it),
when it was fetched and where a ``response`` record with those bytes is.

The row is written when a page is saved under the URL it was requested as (no redirect, no
alias): a ``new`` or ``changed`` page, or an ``unchanged`` one whose bytes differ (a
rotating token, a counter: extracted, the same content). It is a cache: a page without a
row is extracted as before.
"""

from __future__ import annotations

import sqlite_utils

from archive.store.schema import write_transaction
from crawler.capture.warc import CaptureRef, EarlierCapture, payload_digest
from crawler.engine.store import StoredPayload
from crawler.records import FetchResult

#: the row of a live page (a removed page coming back is extracted: it is restored)
_LAST = """
SELECT pp.digest, pp.fetched_at, pp.warc_file, pp.warc_offset, pp.warc_record_id
FROM page_payloads AS pp JOIN pages AS p ON p.url = pp.url
WHERE pp.url = ? AND p.removed_at IS NULL
"""


def last_payload(db: sqlite_utils.Database, url: str) -> StoredPayload | None:
    """``Store.last_payload``: the recorded body of the live page ``url``."""
    row = db.conn.execute(_LAST, [url]).fetchone()
    if row is None:
        return None
    digest, fetched_at, file, offset, record_id = row
    if file is None or offset is None:
        return StoredPayload(digest)
    return StoredPayload(
        digest, EarlierCapture(digest, record_id or "", url, fetched_at, file, int(offset))
    )


def record_payload(
    db: sqlite_utils.Database,
    url: str,
    fetch: FetchResult,
    fetched_at: str,
    capture: CaptureRef | None,
) -> None:
    """Record ``fetch``'s body as the last one of the page ``url`` (saved from it at
    ``fetched_at``), with ``capture`` when that is a ``response`` record. A row of the
    same digest stays as it is (it names the first record of those bytes), unless it knows
    no record and ``capture`` is one."""
    digest = payload_digest(fetch.body)
    response = capture if capture is not None and not capture.revisit else None
    row = db.conn.execute(
        "SELECT digest, warc_file FROM page_payloads WHERE url = ?", [url]
    ).fetchone()
    if row is not None and row[0] == digest and (row[1] is not None or response is None):
        return
    where = (None, None, None) if response is None else (
        response.file, response.offset, response.record_id
    )  # fmt: skip
    with write_transaction(db, one_statement=True):
        db.conn.execute(
            "INSERT OR REPLACE INTO page_payloads "
            "(url, digest, fetched_at, warc_file, warc_offset, warc_record_id) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (url, digest, fetched_at, *where),
        )


__all__ = ["last_payload", "record_payload"]
