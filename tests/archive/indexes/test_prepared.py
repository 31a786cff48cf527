"""Prepared index work (``DerivedIndex.prepare``, run by the crawl in worker processes) is
used only when the page was saved as it was prepared; otherwise the writer analyses the
row itself. Either way the index holds what a rebuild computes."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from archive.indexes import registry, search_index, topic_index
from archive.store import record, save
from archive.store.schema import open_archive
from crawler.records import Extracted, FetchResult, Image

TEXT = (
    "Oberbürgermeister Patrick Burghardt eröffnet am Montag die neue Kita in der "
    "Marktstraße. Das Land Hessen fördert den Bau mit 600.000 Euro."
)
TABLES = {
    "topic_terms": "SELECT * FROM topic_terms ORDER BY 1, 2",
    "page_entities": "SELECT * FROM page_entities ORDER BY 1, 2, 7",
    "topic_df": "SELECT * FROM topic_df ORDER BY 1",
    "search_terms": "SELECT * FROM search_terms ORDER BY 1",
}


def _page(url: str, published: str | None) -> tuple[Extracted, FetchResult]:
    page = Extracted(
        url=url,
        page_type="press_release",
        title="Neue Kita in der Marktstraße",
        body=TEXT,
        published=published,
        images=[Image(src=url + ".jpg", caption="Die Kita von außen")],
    )
    fetch = FetchResult(url=url, final_url=url, status=200, fetched_at="2026-12-01T10:00:00Z")
    return page, fetch


def _rows(path: Path) -> dict[str, list[Any]]:
    with sqlite3.connect(path) as conn:
        return {name: conn.execute(sql).fetchall() for name, sql in TABLES.items()}


def test_prepared_work_is_used_only_for_the_page_as_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "archive.db"
    db = open_archive(path)
    analysed: list[Any] = []
    real = topic_index.analyse
    compounds: list[Any] = []
    real_terms = search_index._terms

    def counting(inputs: Any) -> Any:
        analysed.append(inputs)
        return real(inputs)

    def counting_terms(values: Any) -> Any:
        compounds.append(values)
        return real_terms(values)

    try:
        same, fetch = _page("https://www.example.test/presse/kita", "2026-11-30")
        prepared = record.prepare_page("s", None, same, fetch)
        assert set(prepared) >= {"topics", "search"}
        # prepared before the date was filled in (from a hint, the stored date): stale
        other, other_fetch = _page("https://www.example.test/presse/kita-2", None)
        stale = record.prepare_page("s", None, other, other_fetch)
        monkeypatch.setattr(topic_index, "analyse", counting)
        monkeypatch.setattr(search_index, "_terms", counting_terms)
        save.save_fetched_page(db, "s", same, fetch, prepared=prepared)
        assert analysed == [] and compounds == []  # the prepared analysis was written
        dated = dataclasses.replace(other, published="2026-11-29")
        save.save_fetched_page(db, "s", dated, other_fetch, prepared=stale)
        assert [inputs[4] for inputs in analysed] == ["2026-11-29"]  # analysed again, dated
        crawled = _rows(path)
        assert crawled["page_entities"] and crawled["topic_terms"] and crawled["search_terms"]
        registry.rebuild(db, registry.get("topics"))
        registry.rebuild(db, registry.get("search"))
    finally:
        db.close()
    assert _rows(path) == crawled


def test_a_page_as_stored_is_not_prepared_again() -> None:
    """A recrawl that fetches an unchanged page whole (no 304) spends no analysis on it."""
    page, fetch = _page("https://www.example.test/presse/kita", "2026-11-30")
    stored = record.content_hash(page)
    assert record.prepare_page("s", None, page, fetch, stored) is None
    edited = dataclasses.replace(page, body=TEXT + " Neu: ein Satz mehr.")
    assert record.prepare_page("s", None, edited, fetch, stored)
    assert record.prepare_page("s", None, page, fetch, None)
