"""archive.search.engine.search(sort=…): relevance, or by publication date over all hits."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils

from archive.search.engine import count, search
from crawler.errors import SearchError
from crawler.records import Extracted
from tests.support.factories import archive_with

BASE = "https://www.ruesselsheim.de/presse/"
DATES = ["2023-05-01", None, "2025-02-10", "2024-07-15", "2021-01-31", "2025-02-10"]


@pytest.fixture
def db(tmp_path: Path) -> sqlite_utils.Database:
    pages = [
        Extracted(
            url=f"{BASE}{i}.html",
            page_type="press_release",
            published=day,
            # the title weighs most: the later pages rank best, whatever their date
            title="Haushalt " * (i % 3) + f"Meldung {i}",
            body="Der Haushalt der Stadt.",
        )  # fmt: skip
        for i, day in enumerate(DATES)
    ]
    path = archive_with(tmp_path / "archive.db", [("ruesselsheim", p) for p in pages])
    return sqlite_utils.Database(path)


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_sorted_by_date_undated_last_then_url(db: sqlite_utils.Database, sort: str) -> None:
    hits = search(db, "Haushalt", sort=sort, limit=100)
    days = sorted({d for d in DATES if d}, reverse=sort == "newest")
    assert [h["published"] for h in hits] == [d for d in days for _ in range(DATES.count(d))] + [
        None
    ]
    same_day = [h["url"] for h in hits if h["published"] == "2025-02-10"]
    assert same_day == sorted(same_day)
    assert {h["url"] for h in hits} == {h["url"] for h in search(db, "Haushalt", limit=100)}
    assert all(h["score"] == 0.0 for h in hits)


def test_sorted_pages_continue(db: sqlite_utils.Database) -> None:
    every = [h["url"] for h in search(db, "Haushalt", sort="oldest", limit=100)]
    paged = [
        h["url"]
        for offset in range(0, len(every), 4)
        for h in search(db, "Haushalt", sort="oldest", limit=4, offset=offset)
    ]
    assert paged == every and len(every) == count(db, "Haushalt")
    assert [h["url"] for h in search(db, "Haushalt", sort="newest", since="2024-01-01")] == [
        f"{BASE}2.html", f"{BASE}5.html", f"{BASE}3.html",
    ]  # fmt: skip


def test_relevance_is_not_by_date_and_bad_sort_is_refused(db: sqlite_utils.Database) -> None:
    relevance = [h["published"] for h in search(db, "Haushalt")]
    assert relevance != [h["published"] for h in search(db, "Haushalt", sort="newest")]
    with pytest.raises(SearchError, match="sort must be one of relevance, newest, oldest"):
        search(db, "Haushalt", sort="date")
