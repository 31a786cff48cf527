"""End to end: the sample site over real HTTP on 127.0.0.1 → a real SQLite archive.

One module-scoped sequence of crawls (edition 1, the same again, then edition 2) feeds
the tests below; each test checks one promise of the crawl.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from click.testing import CliRunner

from archive.cli.main import cli
from archive.run.crawl import CrawlStats
from crawler.sample_site import SampleSite, edition_changes, ground_truth, removed_urls
from tests.support.sample_crawl import crawl_sample

pytestmark = pytest.mark.slow

SEED = (
    "http://www.ruesselsheim.test/presse/2025/"
    "2025-11-28-euro-fuer-vielfalt-und-teilhabe-land-hessen-staerkt-ruesselsheim-langfristig"
)
FIELDS = (
    "page_type",
    "label",
    "title",
    "lead",
    "body",
    "published",
    "published_source",
    "modified",
)


@dataclass
class Crawls:
    db_path: Path
    snapshots: dict[str, Path]
    stats: dict[str, CrawlStats]
    requests: dict[str, list[Any]]
    changes_in_recrawl: int


_crawl = crawl_sample


@pytest.fixture(scope="module")
def crawls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawls]:
    tmp = tmp_path_factory.mktemp("e2e")
    db_path = tmp / "archive.db"
    out = Crawls(db_path, {}, {}, {}, 0)
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        out.stats["first"] = _crawl(db_path, site)
        out.requests["first"] = list(site.requests)
        out.snapshots["first"] = tmp / "first.db"
        shutil.copy(db_path, out.snapshots["first"])

        before = _page_rows_fingerprint(db_path)
        site.clear_requests()
        out.stats["again"] = _crawl(db_path, site)
        out.requests["again"] = list(site.requests)
        out.changes_in_recrawl = int(before != _page_rows_fingerprint(db_path))

        site.edition = 2
        site.clear_requests()
        out.stats["edition2"] = _crawl(db_path, site)
        out.snapshots["edition2"] = tmp / "edition2.db"
        shutil.copy(db_path, out.snapshots["edition2"])
    yield out


def _page_rows_fingerprint(db_path: Path) -> list[tuple[Any, ...]]:
    db = sqlite_utils.Database(db_path)
    rows = [
        tuple(r.values())
        for table in ("pages", "images", "links")
        for r in db.query(f"select * from {table} order by 1, 2")
    ]
    db.close()
    return rows


def _archived(db_path: Path) -> dict[str, dict[str, Any]]:
    db = sqlite_utils.Database(db_path)
    pages = {row["url"]: row for row in db.query("select * from pages")}
    for page in pages.values():
        page["images"] = [
            {k: img[k] for k in ("src", "alt", "caption", "credit")}
            for img in db.query(
                "select * from images where page_url = ? order by position", [page["url"]]
            )
        ]
        page["related"] = [
            {k: link[k] for k in ("url", "title", "kind", "label", "date")}
            for link in db.query(
                "select * from links where page_url = ? and rel = 'related' order by position",
                [page["url"]],
            )
        ]
    db.close()
    return pages


def test_first_crawl_archives_every_page_once_field_by_field(crawls: Crawls) -> None:
    expected = ground_truth(1)
    archived = _archived(crawls.snapshots["first"])
    assert sorted(archived) == sorted(expected)
    mismatches = []
    for url, truth in expected.items():
        row = archived[url]
        for field in FIELDS:
            if row[field] != truth[field]:
                mismatches.append((url, field, row[field], truth[field]))
        for field in ("images", "related"):
            if row[field] != truth[field]:
                mismatches.append((url, field, row[field], truth[field]))
        stored_credits = (row["credits"] or "").split("\n")
        missing = [c for c in truth["credits"] if c not in stored_credits]
        if missing:
            mismatches.append((url, "credits", stored_credits, truth["credits"]))
    assert mismatches == []
    stats = crawls.stats["first"]
    assert stats.new == len(expected)
    assert stats.errors == 0, stats.error_urls


def test_robots_disallow_is_honoured(crawls: Crawls) -> None:
    paths = [r.path for r in crawls.requests["first"]]
    assert "/robots.txt" in paths
    assert not [p for p in paths if p.startswith("/intern/")]


def test_second_crawl_fetches_no_unchanged_body_and_writes_nothing(crawls: Crawls) -> None:
    stats = crawls.stats["again"]
    assert (stats.new, stats.changed, stats.errors) == (0, 0, 0)
    assert stats.fetched == 0
    assert stats.not_modified >= len(ground_truth(1))
    assert all(r.status == 304 for r in crawls.requests["again"] if r.path != "/robots.txt")
    assert crawls.changes_in_recrawl == 0


def test_edition_two_reports_exactly_new_and_changed_pages(crawls: Crawls) -> None:
    changes = edition_changes(1, 2)
    stats = crawls.stats["edition2"]
    assert stats.new == len(changes["new"])
    assert stats.changed == len(changes["changed"])
    assert stats.removed == len(changes["removed"])
    # crawl --json lists them (issue 15: what a journalist looks at after a run)
    assert {k: set(v) for k, v in stats.urls.items()} == {
        k: set(changes[k]) for k in ("new", "changed", "removed")
    }
    assert crawls.stats["again"].urls == {"new": [], "changed": [], "removed": []}
    archived = _archived(crawls.snapshots["edition2"])
    truth = ground_truth(2)
    for url in changes["new"] | changes["changed"]:
        for field in ("title", "body", "images", "related"):
            assert archived[url][field] == truth[url][field], (url, field)


def test_removed_page_is_kept_and_marked(crawls: Crawls) -> None:
    removed = removed_urls(2)
    assert removed
    archived = _archived(crawls.snapshots["edition2"])
    first = _archived(crawls.snapshots["first"])
    for url in removed:
        assert archived[url]["removed_at"]
        assert archived[url]["body"] == first[url]["body"]
    live = [u for u, row in archived.items() if not row["removed_at"]]
    assert sorted(live) == sorted(ground_truth(2))


def test_runs_are_recorded(crawls: Crawls) -> None:
    db = sqlite_utils.Database(crawls.snapshots["edition2"])
    runs = list(db.query("select * from crawl_runs order by id"))
    assert [r["status"] for r in runs] == ["ok", "ok", "ok"]
    assert runs[1]["new"] == 0 and runs[1]["changed"] == 0


def test_search_lists_seed_first_with_snippet(crawls: Crawls) -> None:
    result = CliRunner().invoke(
        cli, ["search", "Integrationslotsen", "--db", str(crawls.snapshots["first"]), "--json"]
    )
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert hits[0]["url"] == SEED
    assert "Integrationslotsen" in hits[0]["snippet"].replace("[", "").replace("]", "")
    assert set(hits[0]) >= {"url", "title", "published", "snippet"}
    assert hits[0]["published"] == "2025-11-28"


@pytest.mark.parametrize(
    "query", ["WIR-Koordination", '"Vielfalt und', "AND OR", "*", "Rüsselsheim", "(", "NOT"]
)
def test_search_never_raises_on_user_text(crawls: Crawls, query: str) -> None:
    result = CliRunner().invoke(
        cli, ["search", query, "--db", str(crawls.snapshots["first"]), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert isinstance(json.loads(result.output), list)


def test_status_reports_source(crawls: Crawls) -> None:
    result = CliRunner().invoke(
        cli, ["status", "--db", str(crawls.snapshots["edition2"]), "--json"]
    )
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert row["name"] == "sample"
    assert row["removed"] == len(removed_urls(2))
    assert row["pages"] == len(ground_truth(2)) + len(removed_urls(2))


def test_datasette_searches_the_crawled_archive(crawls: Crawls) -> None:
    import httpx

    from tests.support.datasette_server import running_datasette

    with running_datasette(crawls.snapshots["first"]) as base:
        response = httpx.get(
            f"{base}/first/pages.json",
            params={"_search": "Integrationslotsen", "_shape": "array", "_col": "title"},
            timeout=10.0,
        )
    assert response.status_code == 200, response.text
    urls = [row["url"] for row in response.json()]
    assert SEED in urls


def test_search_filters_limit_type_and_dates(crawls: Crawls) -> None:
    db = str(crawls.snapshots["first"])
    args = ["search", "Stadt", "--db", db, "--json", "--limit", "3", "--type", "press_release"]
    result = CliRunner().invoke(cli, [*args, "--since", "2023-01-01", "--until", "2024-12-31"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert 0 < len(hits) <= 3
    assert all("2023-01-01" <= h["published"] <= "2024-12-31" for h in hits)
    assert all(h["page_type"] == "press_release" for h in hits)
    result = CliRunner().invoke(cli, ["search", "Stadt", "--db", db, "--json", "--type", "topic"])
    assert {h["page_type"] for h in json.loads(result.output)} == {"topic"}
