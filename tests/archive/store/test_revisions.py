"""archive.store.revisions: revisions written by save_page, aliases, diff/show, migration 2."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import sqlite_utils

from archive.store import revisions as revisions
from archive.store.save import mark_removed, save_fetched_page, save_page
from archive.store.schema import MIGRATIONS, open_archive
from crawler.capture.warc import CaptureRef
from crawler.records import Extracted, FetchResult, Image, Link
from tests.support.factories import extracted, fetch_result

URL = "https://www.ruesselsheim.de/presse/2025/stadtfest"
BODY = "Das Stadtfest beginnt am Freitag. Es endet am Sonntag.\n\nMehr im Rathaus."


def page(**kw: object) -> Extracted:
    values: dict[str, object] = {
        "url": URL, "title": "Stadtfest", "body": BODY,
        "published": "2025-06-01", "images": [Image("https://x/a.jpg", "Alt", "Bühne", "Foto: A")],
        "related": [Link("https://www.ruesselsheim.de/kultur", "Kultur", "topic")],
        "credits": ["Foto: A"],
    }  # fmt: skip
    values.update(kw)
    return extracted(**values)  # type: ignore[arg-type]


def fetch(when: str, url: str = URL, status: int = 200) -> FetchResult:
    return fetch_result(url, status, fetched_at=when)


def test_every_state_is_a_revision_with_its_capture(db: sqlite_utils.Database) -> None:
    ref = CaptureRef("pressarchive-x-00001.warc.gz", 10, 20, "<urn:uuid:1>")
    assert save_page(db, "s", page(), fetch("2025-06-01T08:00:00Z"), capture=ref) == "new"
    assert save_page(db, "s", page(), fetch("2025-06-02T08:00:00Z")) == "unchanged"
    edited = page(body=BODY.replace("Sonntag.", "Sonntag. Der Eintritt ist frei."))
    assert save_page(db, "s", edited, fetch("2025-06-03T08:00:00Z")) == "changed"
    assert mark_removed(db, URL, fetch("2025-06-04T08:00:00Z", status=404))
    assert save_page(db, "s", edited, fetch("2025-06-05T08:00:00Z")) == "changed"

    hist = revisions.history(db, URL)
    assert [r["event"] for r in hist["revisions"]] == ["new", "changed", "restored"]
    assert [r["version"] for r in hist["revisions"]] == [1, 2, 2]
    where = {key: value for key, value in dataclasses.asdict(ref).items() if key != "refers_to"}
    assert hist["revisions"][0]["capture"] == where
    assert hist["revisions"][1]["changed_fields"] == ["body"]
    assert hist["revisions"][1]["removed_at"] == "2025-06-04T08:00:00.000Z"
    assert db.execute("SELECT count(*) FROM revision_images").fetchone()[0] == 3

    change = revisions.diff(db, URL, 1, 2)["changes"]
    assert [c["field"] for c in change] == ["body"]
    assert "+Der Eintritt ist frei." in change[0]["diff"].splitlines()
    assert revisions.diff(db, URL)["changes"] == []  # restored: same content

    assert revisions.show(db, URL, "2025-06-01")["body"] == BODY
    gone = revisions.show(db, URL, "2025-06-04")
    assert gone["removed"] is True and gone["revision"] == 2
    assert revisions.show(db, URL)["images"] == [
        {"src": "https://x/a.jpg", "alt": "Alt", "caption": "Bühne", "credit": "Foto: A"}
    ]
    with pytest.raises(revisions.NotArchived):
        revisions.diff(db, URL, 1, 9)


def test_redirect_and_duplicate_become_aliases(db: sqlite_utils.Database) -> None:
    assert save_page(db, "s", page(), fetch("2025-06-01T08:00:00Z")) == "new"
    moved = URL + "-neu"
    # the old URL now redirects to a new one: the article stays where its history is
    result = FetchResult(url=URL, final_url=moved, status=200, fetched_at="2025-06-02T08:00Z")
    assert save_fetched_page(db, "s", page(url=moved), result, requested=URL) == "unchanged"
    assert revisions.alias_target(db, moved) == URL
    # an identical release under yet another URL is an alias too, not a second article
    copy = URL + "-kopie"
    assert save_fetched_page(db, "s", page(url=copy), fetch("2025-06-03", copy)) == "unchanged"
    assert db.execute("SELECT count(*) FROM pages").fetchone()[0] == 1
    aliases = revisions.history(db, copy)["aliases"]
    assert [(a["url"], a["reason"]) for a in aliases] == [(copy, "duplicate"), (moved, "redirect")]
    # a change seen through an alias is a new revision of the article
    edited = page(url=copy, lead="Neu")
    assert save_fetched_page(db, "s", edited, fetch("2025-06-04", copy)) == "changed"
    assert revisions.history(db, URL)["revisions"][-1]["changed_fields"] == ["lead"]
    # a first crawl meeting a redirect stores the target and aliases the old URL
    other = "https://www.ruesselsheim.de/presse/alt"
    target = other + "-neu"
    result = FetchResult(url=other, final_url=target, status=200, fetched_at="2025-06-05")
    fresh = page(url=target, title="Anderes", body="Anders.")
    assert save_fetched_page(db, "s", fresh, result, requested=other) == "new"
    assert revisions.resolve(db, other) == target


def test_migration_two_backfills_revision_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import archive.store.schema as schema

    path = tmp_path / "old.db"
    monkeypatch.setattr(schema, "MIGRATIONS", MIGRATIONS[:1])
    later = {("sources", "scheme"), ("fetch_errors", "kind")}  # migration 10
    monkeypatch.setattr(
        schema, "EXPECTED_COLUMNS",
        {k: tuple(c for c in v if (k, c) not in later)
         for k, v in schema.EXPECTED_COLUMNS.items()
         if k in ("sources", "pages", "images", "links", "crawl_runs", "fetch_errors",
                  "discovery_cache", "pages_fts")},
    )  # fmt: skip
    old = open_archive(path)
    old.table("pages").insert(
        {"url": URL, "source": "s", "title": "Alt", "body": "Text.", "version": 2,
         "first_seen": "2024-01-01", "last_changed": "2024-02-01"}
    )  # fmt: skip
    old.table("images").insert({"page_url": URL, "position": 0, "src": "https://x/b.jpg"})
    old.close()
    monkeypatch.undo()
    db = open_archive(path)
    (rev,) = db.query("SELECT * FROM revisions")
    # last_changed copied by migration 2, as a timestamp in the one format by migration 9
    assert (rev["revision"], rev["version"], rev["fetched_at"]) == (
        1, 2, "2024-02-01T00:00:00.000Z",
    )  # fmt: skip
    assert rev["title"] == "Alt" and rev["warc_file"] is None
    assert revisions.show(db, URL)["images"][0]["src"] == "https://x/b.jpg"
