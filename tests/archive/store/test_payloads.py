"""``page_payloads``: what a page's last body was, written by saving it, read by the crawl to
re-check a page without extracting it again (end to end: tests/archive/run/
test_same_bytes_recheck.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from archive.store.payloads import last_payload
from archive.store.save import mark_removed, save_fetched_page
from archive.store.schema import open_archive
from crawler.capture.warc import CaptureRef, EarlierCapture, payload_digest
from crawler.engine.page_capture import same_payload
from crawler.engine.store import StoredPayload
from tests.support.factories import extracted, fetch_result

URL = "https://www.stadt.test/presse/stadtfest"
BODY = b"<html><body><h1>Stadtfest</h1><p>Am Samstag.</p></body></html>"
REF = CaptureRef("pressarchive-a-00001.warc.gz", 120, 900, "<urn:uuid:a>")
HTML = {"content-type": "text/html; charset=utf-8"}


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_archive(tmp_path / "a.db")
    yield database
    database.close()


def save(db: sqlite_utils.Database, body: bytes = BODY, *, title: str = "Stadtfest",
         capture: CaptureRef | None = REF, when: str = "2025-06-01T08:00:00Z",
         **fetch: Any) -> str:  # fmt: skip
    result = fetch_result(URL, body=body, fetched_at=when, headers=dict(HTML), **fetch)
    page = extracted(URL, title=title, body="Am Samstag.")
    return save_fetched_page(db, "stadt", page, result, requested=URL, capture=capture)


def row(db: sqlite_utils.Database) -> dict[str, Any] | None:
    found = list(db.query("SELECT * FROM page_payloads WHERE url = ?", [URL]))
    return found[0] if found else None


def test_a_saved_page_has_its_body_and_response_record(db: sqlite_utils.Database) -> None:
    assert save(db) == "new"
    when = "2025-06-01T08:00:00.000Z"
    assert row(db) == {
        "url": URL, "digest": payload_digest(BODY), "fetched_at": when,
        "warc_file": REF.file, "warc_offset": REF.offset, "warc_record_id": REF.record_id,
        "warc_uri": URL, "warc_date": when,
    }  # fmt: skip
    assert last_payload(db, URL) == StoredPayload(
        payload_digest(BODY),
        EarlierCapture(payload_digest(BODY), REF.record_id, URL, when, REF.file, REF.offset),
    )


def test_the_same_bytes_keep_the_first_record(db: sqlite_utils.Database) -> None:
    save(db)
    later = CaptureRef("pressarchive-b-00001.warc.gz", 40, 900, "<urn:uuid:b>")
    assert save(db, capture=later, when="2025-06-02T08:00:00Z") == "unchanged"
    assert row(db)["warc_record_id"] == REF.record_id  # type: ignore[index]


def test_other_bytes_of_the_same_content_are_recorded(db: sqlite_utils.Database) -> None:
    save(db)
    other = BODY.replace(b"</body>", b"<!-- token 7 --></body>")
    later = CaptureRef("pressarchive-b-00001.warc.gz", 40, 900, "<urn:uuid:b>")
    assert save(db, other, capture=later, when="2025-06-02T08:00:00Z") == "unchanged"
    assert (row(db) or {})["digest"] == payload_digest(other)
    assert (row(db) or {})["warc_record_id"] == later.record_id


def test_a_revisit_names_the_record_it_refers_to(db: sqlite_utils.Database) -> None:
    """The page's bytes were first archived under another URL (a revisit of that record)."""
    other = "https://www.stadt.test/presse/stadtfest-kopie"
    when, file = "2025-05-30T08:00:00.000Z", "pressarchive-o-00001.warc.gz"
    first = EarlierCapture(payload_digest(BODY), "<urn:uuid:o>", other, when, file, 10)
    revisit = CaptureRef("pressarchive-a-00001.warc.gz", 300, 200, "<urn:uuid:r>", first)
    save(db, capture=revisit)
    assert last_payload(db, URL) == StoredPayload(payload_digest(BODY), first)
    assert (row(db) or {})["fetched_at"] == "2025-06-01T08:00:00.000Z"  # the page's fetch


def test_without_a_capture_no_record_is_named_until_one_is(db: sqlite_utils.Database) -> None:
    save(db, capture=None)
    assert last_payload(db, URL) == StoredPayload(payload_digest(BODY))
    save(db, capture=REF, when="2025-06-02T08:00:00Z")  # same bytes, now captured
    assert (row(db) or {})["warc_record_id"] == REF.record_id


def test_no_row_for_a_redirect_or_another_requested_url(db: sqlite_utils.Database) -> None:
    result = fetch_result(URL, body=BODY, final_url=URL + "-neu", headers=dict(HTML))
    page = extracted(URL, title="Stadtfest", body="Am Samstag.")
    save_fetched_page(db, "stadt", page, result, requested=URL, capture=REF)
    assert row(db) is None
    other = URL + "?ref=rss"
    result = fetch_result(other, body=BODY, headers=dict(HTML))
    save_fetched_page(db, "stadt", page, result, requested=other, capture=REF)
    assert list(db.query("SELECT url FROM page_payloads")) == []


def test_a_removed_page_has_no_last_payload(db: sqlite_utils.Database) -> None:
    save(db)
    assert last_payload(db, URL) is not None
    assert mark_removed(db, URL, fetch_result(URL, 404, fetched_at="2025-06-03T08:00:00Z"))
    assert last_payload(db, URL) is None
    assert last_payload(db, URL + "-unbekannt") is None


STORED = StoredPayload(payload_digest(BODY))


@pytest.mark.parametrize(
    "fields, validators, same",
    [
        ({}, (None, None), True),
        ({"body": BODY + b" "}, (None, None), False),  # other bytes
        ({"final_url": URL + "-neu"}, (None, None), False),  # redirected
        ({"headers": {**HTML, "etag": '"2"'}}, ('"1"', None), False),  # a new validator
        ({"headers": {**HTML, "etag": '"1"'}}, ('"1"', None), True),
        ({"headers": {"content-type": "application/pdf"}}, (None, None), False),  # no page
        ({"status": 304}, (None, None), False),
        ({}, None, False),  # not a live stored page
    ],
)
def test_same_payload(fields: dict[str, Any], validators: Any, same: bool) -> None:
    fields = {"body": BODY, "headers": dict(HTML), **fields}
    result = fetch_result(URL, fields.pop("status", 200), **fields)
    assert same_payload(URL, result, validators, STORED) is same
    assert same_payload(URL, result, validators, None) is False
