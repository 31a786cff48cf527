"""``pressarchive serve`` as a real subprocess over HTTP: canned queries give the same
hits as ``pressarchive search``; a headless Chromium renders the search page."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from archive.cli.main import cli
from archive.serve.server import metadata, write_plugin_shim
from archive.store.schema import open_archive
from crawler.sample_site import SampleSite
from tests.support.browser import CHROMIUM, chromium_flags
from tests.support.datasette_server import (
    running_datasette,
    running_serve,
)
from tests.support.sample_crawl import crawl_sample

pytestmark = pytest.mark.slow

QUERIES = [
    "Lotsen",
    "ruesselsheim",
    "Foerderung",
    "Haushalt",
    "WIR-Koordination",
    '"Vielfalt und Teilhabe',
    "AND OR",
    "=Lotsen",
    "Kita NOT Gebühren",
]


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "archive.db"
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        crawl_sample(path, site)
    return path


@pytest.fixture(scope="module")
def server(archive_path: Path) -> Iterator[str]:
    with running_serve(archive_path) as url:
        yield url


def cli_hits(archive_path: Path, query: str) -> list[str]:
    result = CliRunner().invoke(
        cli, ["search", query, "--db", str(archive_path), "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return [h["url"] for h in json.loads(result.output)]


def canned(base: str, name: str, **params: str) -> list[dict]:
    response = httpx.get(
        f"{base}/archive/{name}.json", params={**params, "_shape": "array"}, timeout=20.0
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("query", QUERIES)
def test_search_query_matches_cli(server: str, archive_path: Path, query: str) -> None:
    rows = canned(server, "search", q=query)
    assert [r["url"] for r in rows] == cli_hits(archive_path, query)
    for row in rows:
        assert {"url", "title", "published", "snippet"} <= set(row)


def test_search_snippets_match_cli(server: str, archive_path: Path) -> None:
    result = CliRunner().invoke(cli, ["search", "Lotsen", "--db", str(archive_path), "--json"])
    expected = [h["snippet"] for h in json.loads(result.output)]
    assert [r["snippet"] for r in canned(server, "search", q="Lotsen")] == expected
    assert any("[Lotsen]" in s for s in expected)


def test_search_query_filters(server: str) -> None:
    rows = canned(server, "search", q="Haushalt", type="notice")
    assert rows and {r["page_type"] for r in rows} == {"notice"}
    rows = canned(server, "search", q="Haushalt", since="2025-01-01", limit="2")
    assert len(rows) <= 2 and all(r["published"] >= "2025-01-01" for r in rows)
    assert canned(server, "search", q="") == []


def test_page_query_has_images_and_links(server: str) -> None:
    url = "http://www.ruesselsheim.test/bildung-und-familie/kinderbetreuung/kitas"
    [row] = canned(server, "page", url=url)
    images = json.loads(row["images"])
    links = json.loads(row["links"])
    assert images[0]["alt"] == "Kinder spielen im Sandkasten"
    assert any(link["title"] == "Haushalt" for link in links)


def test_latest_releases_per_source(server: str) -> None:
    rows = canned(server, "latest_releases", per_source="3")
    assert len(rows) == 3
    assert [r["published"] for r in rows] == sorted((r["published"] for r in rows), reverse=True)


def test_versions_query_only_with_revisions_table(server: str, archive_path: Path) -> None:
    queries = metadata(archive_path)["databases"]["archive"]["queries"]
    has_revisions = open_archive(archive_path).table("revisions").exists()
    assert ("page_versions" in queries) == has_revisions
    assert not set(queries) & {"pages", "revisions", "images", "links"}  # no table hidden
    if has_revisions:
        url = canned(server, "search", q="Lotsen")[0]["url"]
        assert canned(server, "page_versions", url=url)
        # the table itself answers, filtered by page (the row page's "rows from" link)
        rows = canned(server, "revisions", page_url=url)
        assert rows and all(r["page_url"] == url for r in rows)


def test_builtin_search_facets_and_metadata(server: str) -> None:
    rows = httpx.get(
        f"{server}/archive/pages.json", params={"_search": "Lotsen", "_shape": "array"}
    ).json()
    assert rows
    data = httpx.get(f"{server}/archive/pages_view.json", params={"_size": "1"}).json()
    assert set(data["facet_results"]) >= {"source", "page_type", "year", "label"}
    meta = httpx.get(f"{server}/-/metadata.json").json()
    assert meta["title"] == "pressarchive"
    tables = httpx.get(f"{server}/archive.json").json()["tables"]
    hidden = {t["name"] for t in tables if t["hidden"]}
    assert "pages_search" in hidden


def test_plain_datasette_with_plugins_dir(archive_path: Path, tmp_path: Path) -> None:
    """`datasette serve --plugins-dir` with the shim gives the same functions."""
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    write_plugin_shim(plugins)
    with running_datasette(archive_path, "--plugins-dir", str(plugins)) as url:
        sql = "select pressarchive_query(:q) as expr"
        response = httpx.get(
            f"{url}/archive.json", params={"sql": sql, "q": "Lotsen", "_shape": "array"}
        )
        assert response.status_code == 200, response.text
        # Compound parts come from the archive's own vocabulary (search_terms).
        assert '"integrationslots"' in response.json()[0]["expr"]


@pytest.mark.browser
def test_headless_chromium_renders_search(server: str, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium missing (apt-get install -y chromium)")
    url = f"{server}/archive/search?q=Integrationslotsen"
    shot = tmp_path / "search.png"
    run = subprocess.run(
        [*chromium_flags(tmp_path / "profile1"), f"--screenshot={shot}",
         "--window-size=1280,900", url],
        capture_output=True, timeout=120,
    )  # fmt: skip
    assert shot.exists(), run.stderr.decode(errors="replace")[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20_000
    dom = subprocess.run(
        [*chromium_flags(tmp_path / "profile2"), "--dump-dom", url],
        capture_output=True, timeout=120,
    )  # fmt: skip
    html = dom.stdout.decode("utf-8", errors="replace")
    assert "600.000 Euro für Vielfalt und Teilhabe" in html, dom.stderr.decode()[-2000:]
    assert "[Integrationslotsen]" in html


def test_live_facet_filters(server: str, archive_path: Path) -> None:
    """Clicking the `live` facet's "1" filters with the text '1': the view's column has
    INTEGER affinity (migration 13), so it matches every live page."""
    live = (
        sqlite3.connect(archive_path)
        .execute("SELECT count(*) FROM pages WHERE removed_at IS NULL")
        .fetchone()[0]
    )
    response = httpx.get(
        f"{server}/archive/pages_view.json",
        params={"live": "1", "_facet": "live", "_size": "0"},
        timeout=20.0,
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert live > 0 and data["filtered_table_rows_count"] == live
