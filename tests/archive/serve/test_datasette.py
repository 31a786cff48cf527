"""A real ``datasette serve`` over an archive: full-text search works with no extra config."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from crawler.records import Extracted, Image
from tests.support.datasette_server import running_datasette
from tests.support.factories import archive_with

pytestmark = pytest.mark.slow

BASE = "https://www.ruesselsheim.de/presse/"


def build_archive(path: Path) -> None:
    pages = [
        Extracted(
            url=BASE + "wir.html",
            page_type="press_release",
            title="Integration",
            lead="Neues von der WIR-Koordination",
            body="Die Stadt lädt ein.",
            published="2024-06-10",
        ),
        Extracted(
            url=BASE + "bad.html",
            page_type="press_release",
            title="Hallenbad öffnet wieder",
            body="Nach der Sanierung.",
            published="2024-03-01",
            images=[Image("https://x/1.jpg", alt="Sprungturm im Hallenbad")],
        ),
        Extracted(
            url=BASE + "haushalt.html",
            page_type="topic",
            title="Haushalt",
            body="Zahlen und Fakten.",
            published="2023-01-01",
            credits=["Foto: Erika Mustermann"],
        ),
    ]
    archive_with(path, [("ruesselsheim", page) for page in pages], "2024-06-11T00:00:00+00:00")


@pytest.fixture(scope="module")
def datasette_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("ds") / "archive.db"
    build_archive(path)
    with running_datasette(path) as url:
        yield url


def search_rows(base: str, query: str) -> list[dict]:
    response = httpx.get(
        f"{base}/archive/pages.json", params={"_search": query, "_shape": "array"}, timeout=10.0
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("WIR-Koordination", {BASE + "wir.html"}),
        ("Hallenbad", {BASE + "bad.html"}),
        ("Sprungturm", {BASE + "bad.html"}),  # image alt text, via captions
        ("Mustermann", {BASE + "haushalt.html"}),  # credits
        ("ladt", {BASE + "wir.html"}),  # remove_diacritics
        ("Rüsselsheim", set()),
    ],
)
def test_search_via_datasette(datasette_url: str, query: str, expected: set[str]) -> None:
    rows = search_rows(datasette_url, query)
    assert {row["url"] for row in rows} == expected
    for row in rows:
        assert row["source"] == "ruesselsheim"


def test_pages_table_offers_search_box(datasette_url: str) -> None:
    response = httpx.get(f"{datasette_url}/archive/pages", timeout=10.0)
    assert response.status_code == 200
    assert 'name="_search"' in response.text
