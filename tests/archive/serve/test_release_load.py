"""archive.serve.release_data.load_release on a written archive, read through a read-only
connection (no server); ``pressarchive diff --words`` on the same versions."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from archive.diffing import DELETE, INSERT
from archive.serve.release_data import RevisionError, load_release
from archive.store.save import mark_removed, save_page
from crawler.errors import NotArchived
from crawler.records import Extracted, FetchResult, Image, Link
from tests.support.cli import invoke
from tests.support.factories import extracted, fetch_result

URL = "https://www.ruesselsheim.de/presse/2025/stadtfest"
OTHER = "https://www.ruesselsheim.de/kultur"
BODY = "Das Stadtfest beginnt am Freitag.\n\nProgramm\n\nMehr im Rathaus am Markt."
ADDED = " Der Eintritt ist frei."


def page(url: str = URL, **kw: object) -> Extracted:
    values: dict[str, object] = {
        "url": url, "title": "Stadtfest", "body": BODY, "published": "2025-06-01",
        "images": [Image("https://www.ruesselsheim.de/a.jpg", "Alt", "Bühne am Markt", "Foto: A")],
        "related": [Link(OTHER, "Kultur", "topic"), Link("https://x.test/y", "Y", "other")],
    }  # fmt: skip
    values.update(kw)
    return extracted(**values)  # type: ignore[arg-type]


def fetch(when: str, url: str = URL, status: int = 200) -> FetchResult:
    return fetch_result(url, status, fetched_at=when)


@pytest.fixture()
def archive(db: sqlite_utils.Database, tmp_path: Path) -> Path:
    other = page(OTHER, title="Kultur", related=[])
    save_page(db, "s", other, fetch("2025-06-01T07:00:00Z", OTHER))
    save_page(db, "s", page(), fetch("2025-06-01T08:00:00Z"))
    image = Image("https://www.ruesselsheim.de/a.jpg", "Alt", "Große Bühne am Markt", "Foto: A")
    edited = page(body=BODY.replace("Freitag.", "Freitag." + ADDED), images=[image])
    save_page(db, "s", edited, fetch("2025-06-03T08:00:00Z"))
    return tmp_path / "archive.db"


@pytest.fixture()
def conn(archive: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"file:{archive}?mode=ro", uri=True)
    yield connection
    connection.close()


def test_two_versions_and_their_word_diff(conn: sqlite3.Connection) -> None:
    data = load_release(conn, URL)
    assert [v["revision"] for v in data["versions"]] == [1, 2]
    assert [b["kind"] for b in data["blocks"]] == ["p", "h", "p"]
    diff = data["diff"]
    assert (diff["from"], diff["to"]) == (1, 2)
    [body] = [f for f in diff["fields"] if f["field"] == "body"]
    changes = [(op, t) for para in body["paragraphs"] for op, t in para if op != "equal"]
    assert changes == [(INSERT, ADDED)]
    assert body["counts"] == {"inserted": 4, "deleted": 0}
    [image] = diff["images"]
    [caption] = image["parts"]
    assert caption["name"] == "caption"
    assert [(op, t) for op, t in caption["segments"] if op != "equal"] == [(INSERT, "Große ")]
    assert conn.total_changes == 0


def test_related_links_resolve_and_media_without_table(conn: sqlite3.Connection) -> None:
    data = load_release(conn, URL)
    assert [(r["url"], r["archived"]) for r in data["related"]] == [
        (OTHER, OTHER),
        ("https://x.test/y", None),
    ]
    assert [i["archived"] for i in data["images"]] == [False]  # no media table: not archived


def test_picked_versions_and_bad_ones(conn: sqlite3.Connection) -> None:
    back = load_release(conn, URL, 2, 1)["diff"]
    [body] = [f for f in back["fields"] if f["field"] == "body"]
    assert [(op, t) for p in body["paragraphs"] for op, t in p if op != "equal"] == [
        (DELETE, ADDED)
    ]
    assert load_release(conn, OTHER)["diff"] is None  # one version: nothing to compare
    with pytest.raises(RevisionError, match="no version 3"):
        load_release(conn, URL, None, 3)
    with pytest.raises(RevisionError, match="no version 2"):
        load_release(conn, OTHER, 1, 2)
    with pytest.raises(NotArchived):
        load_release(conn, "https://www.ruesselsheim.de/gibt-es-nicht")


def test_removed_page_keeps_its_removal(db: sqlite_utils.Database, archive: Path) -> None:
    assert mark_removed(db, URL, fetch("2025-06-05T08:00:00Z", status=404))
    ro = sqlite3.connect(f"file:{archive}?mode=ro", uri=True)
    try:
        data = load_release(ro, URL)
    finally:
        ro.close()
    assert data["page"]["removed_at"].startswith("2025-06-05")
    assert data["versions"][-1]["removed_at"].startswith("2025-06-05")


def test_cli_diff_words(archive: Path) -> None:
    out = invoke("diff", URL, "--words", "--db", str(archive)).output
    assert "{+" + ADDED + "+}" in out and "{+Große +}Bühne" in out
    changes = json.loads(invoke("diff", URL, "--words", "--json", "--db", str(archive)).output)
    [body] = [c for c in changes if c["field"] == "body"]
    assert [INSERT, ADDED] in body["words"]
    plain = json.loads(invoke("diff", URL, "--json", "--db", str(archive)).output)
    assert all("words" not in c for c in plain)
