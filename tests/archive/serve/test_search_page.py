"""``/-/search`` on a real ``pressarchive serve`` subprocess: the CLI's hits in the CLI's
order as JSON, CSV and HTML, with filters, sorting, paging and facets; the first search
box of every page a reader opens leads there; Datasette options pass through."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import subprocess
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlencode, urljoin, urlsplit

import httpx
import pytest
from click.testing import CliRunner

from archive.cli.main import cli
from crawler.sample_site import SampleSite
from tests.support.browser import CHROMIUM, chromium_flags
from tests.support.datasette_server import (
    running_serve,
)
from tests.support.sample_crawl import crawl_sample

pytestmark = pytest.mark.slow

QUERIES = ["Förderung", "Foerderung", "Haushalt", "Lotsen", "Kita", '"Vielfalt und Teilhabe"',
           "Kita NOT Gebühren", "Integrationslotsen OR Haushalt"]  # fmt: skip
PAGE_LINK = re.compile(r'<a href="(/-/page\?url=[^"]+)"')


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Editions 1 and 2 of the sample site: new, edited and removed releases."""
    path = tmp_path_factory.mktemp("search-page") / "archive.db"
    for edition in (1, 2):
        with SampleSite(edition=edition, crawl_delay="0.01") as site:
            crawl_sample(path, site)
    return path


@pytest.fixture(scope="module")
def server(archive_path: Path) -> Iterator[str]:
    """``serve`` with Datasette options passed through (settings, metadata, CORS)."""
    meta = archive_path.with_name("user-metadata.json")
    meta.write_text(json.dumps({"title": "Newsroom archive", "license": "CC BY 4.0"}))
    plugins = archive_path.with_name("plugins")
    plugins.mkdir()
    (plugins / "hello.py").write_text(
        "from datasette import hookimpl\nfrom datasette.utils.asgi import Response\n\n"
        "@hookimpl\ndef register_routes():\n"
        "    return [(r'^/-/hello$', lambda: Response.text('hello from plugins-dir'))]\n"
    )
    templates = archive_path.with_name("templates")
    templates.mkdir()
    (templates / "table-archive-sources.html").write_text(
        '{% extends "default:table.html" %}{% block content %}OUR SOURCES PAGE{% endblock %}'
    )
    options = [
        "--setting", "default_page_size", "7", "--cors", "--metadata", str(meta),
        "--plugins-dir", str(plugins), "--template-dir", str(templates),
    ]  # fmt: skip
    with running_serve(archive_path, *options) as url:
        yield url


def cli_json(archive_path: Path, *args: str) -> object:
    result = CliRunner().invoke(
        cli, ["search", *args, "--db", str(archive_path), "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def cli_urls(archive_path: Path, *args: str) -> list[str]:
    hits = cli_json(archive_path, *args, "--limit", "1000")
    assert isinstance(hits, list)
    return [h["url"] for h in hits]


def search_json(base: str, **params: str) -> dict:
    response = httpx.get(f"{base}/-/search.json", params=params, timeout=30.0)
    assert response.status_code == 200, response.text
    return response.json()


def page_urls(html: str) -> list[str]:
    """The archived URLs the hits of an HTML result page link to, in order."""
    return [parse_qs(urlsplit(unescape(href)).query)["url"][0] for href in PAGE_LINK.findall(html)]


@pytest.mark.parametrize("query", QUERIES)
def test_json_is_the_cli(server: str, archive_path: Path, query: str) -> None:
    data = search_json(server, q=query)
    expected = cli_json(archive_path, query)
    assert isinstance(expected, list) and expected
    assert [r["url"] for r in data["results"]] == [h["url"] for h in expected]
    assert [r["snippet"] for r in data["results"]] == [h["snippet"] for h in expected]
    assert data["count"] == cli_json(archive_path, query, "--count")["count"]  # type: ignore[index]
    for r in data["results"]:
        assert {"url", "title", "published", "snippet", "page"} <= set(r)
        assert unquote(r["page"].split("?url=", 1)[1]) == r["url"]
        assert r["page"].startswith("/-/page?url=")


def test_filters_are_the_cli_filters(server: str, archive_path: Path) -> None:
    cases = [
        ({"type": "notice"}, ["--type", "notice"]),
        ({"label": "Pressemitteilung"}, ["--label", "Pressemitteilung"]),
        ({"since": "2025-01-01"}, ["--since", "2025-01-01"]),
        ({"since": "2024-01-01", "until": "2024-12-31"},
         ["--since", "2024-01-01", "--until", "2024-12-31"]),
        ({"source": "sample"}, ["--source", "sample"]),
    ]  # fmt: skip
    narrowed = 0
    for params, options in cases:
        data = search_json(server, q="Haushalt", size="100", **params)
        expected = cli_urls(archive_path, "Haushalt", *options)
        assert [r["url"] for r in data["results"]] == expected, params
        assert data["count"] == len(expected)
        narrowed += len(expected) < search_json(server, q="Haushalt")["count"]
    assert narrowed >= 3  # the filters really filter
    for r in search_json(server, q="Haushalt", type="notice")["results"]:
        assert r["page_type"] == "notice"


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_sorted_by_date(server: str, archive_path: Path, sort: str) -> None:
    data = search_json(server, q="Haushalt", sort=sort, size="100")
    results = data["results"]
    dated = [r["published"] for r in results if r["published"]]
    assert dated == sorted(dated, reverse=sort == "newest") and len(set(dated)) > 2
    assert all(r["published"] for r in results[: len(dated)])  # undated last
    relevance = search_json(server, q="Haushalt", size="100")["results"]
    assert {r["url"] for r in results} == {r["url"] for r in relevance}
    assert [r["url"] for r in results] != [r["url"] for r in relevance]
    assert [r["url"] for r in results] == cli_urls(archive_path, "Haushalt", "--sort", sort)


@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_paging_continues(server: str, sort: str) -> None:
    everything = search_json(server, q="Haushalt", sort=sort, size="100")
    pages, page, seen = [], 1, []
    while True:
        data = search_json(server, q="Haushalt", sort=sort, size="3", page=str(page))
        assert data["count"] == everything["count"]
        pages.append(data)
        seen += [r["url"] for r in data["results"]]
        if not data["next"]:
            break
        assert parse_qs(urlsplit(data["next"]).query)["page"] == [str(page + 1)]
        page += 1
    assert len(pages) == -(-everything["count"] // 3) > 2
    assert seen == [r["url"] for r in everything["results"]]
    assert pages[0]["previous"] is None and pages[1]["previous"]


def test_csv_has_the_same_hits(server: str) -> None:
    response = httpx.get(f"{server}/-/search.csv", params={"q": "Förderung"}, timeout=30.0)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    data = search_json(server, q="Förderung", size="100")
    assert [r["url"] for r in rows] == [r["url"] for r in data["results"]]
    assert rows[0]["page"] == data["results"][0]["page"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [({"sort": "best"}, "sort"), ({"since": "2025-13-01"}, "since"),
     ({"until": "gestern"}, "until"), ({"size": "0"}, "size"), ({"page": "x"}, "page"),
     ({"status": "gone"}, "status")],
)  # fmt: skip
def test_bad_parameters_answer_400(server: str, params: dict, parameter: str) -> None:
    response = httpx.get(f"{server}/-/search.json", params={"q": "Kita", **params})
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
    assert parameter in response.json()["error"]
    html = httpx.get(f"{server}/-/search", params={"q": "Kita", **params})
    assert html.status_code == 400 and parameter in html.text


def test_html_lists_the_cli_hits_marked(server: str, archive_path: Path) -> None:
    html = httpx.get(f"{server}/-/search", params={"q": "Lotsen"}).text
    assert page_urls(html) == cli_urls(archive_path, "Lotsen")[:20]
    assert "<mark>Integrationslotsen</mark>" in html or "<mark>Lotsen</mark>" in html
    assert 'href="/-/search.csv?q=Lotsen"' in html and 'href="/-/search.json?q=Lotsen"' in html
    assert 'type="date" name="since"' in html


def test_facets_count_and_filter(server: str) -> None:
    data = search_json(server, q="Haushalt")
    assert sum(f["count"] for f in data["facets"]["page_type"]) == data["count"]
    html = httpx.get(f"{server}/-/search", params={"q": "Haushalt"}).text
    aside = html[html.index('<aside class="pa-facets">') :]
    links = dict(
        (unescape(v), unescape(h)) for h, v in re.findall(r'<a href="([^"]+)">([^<]+)</a>', aside)
    )
    for value, check in (("notice", "page_type"), ("2024", "published")):
        followed = httpx.get(server + links[value]).text
        urls = page_urls(followed)
        assert urls and len(urls) < data["count"], value
        hits = {r["url"]: r for r in search_json(server, q="Haushalt", size="100")["results"]}
        assert all(str(hits[u][check]).startswith(value) for u in urls), value


def test_table_search_boxes_lead_to_the_search(server: str, archive_path: Path) -> None:
    for table in ("pages", "pages_view"):
        response = httpx.get(f"{server}/archive/{table}", params={"_search": "Foerderung"})
        assert response.status_code == 302, table
        assert response.headers["location"] == "/-/search?q=Foerderung"
        followed = httpx.get(f"{server}/archive/{table}", params={"_search": "Foerderung"},
                             follow_redirects=True)  # fmt: skip
        assert page_urls(followed.text) == cli_urls(archive_path, "Foerderung")[:20]
    # the JSON API of the table stays Datasette's own
    assert (
        httpx.get(f"{server}/archive/pages.json", params={"_search": "Lotsen"}).status_code == 200
    )


@pytest.mark.parametrize("path", ["/", "/archive", "/archive/pages", "/archive/pages_view"])
def test_first_form_is_the_archive_search(server: str, path: str) -> None:
    html = httpx.get(server + path).text
    first = re.search(r"<form[^>]*>", html)
    assert first and 'action="/-/search"' in first.group(0), path
    assert '<a href="/-/search">Search the archive</a>' in html  # in the menu too


def test_datasette_options_pass_through(server: str) -> None:
    assert httpx.get(f"{server}/-/settings.json").json()["default_page_size"] == 7
    rows = httpx.get(f"{server}/archive/pages.json").json()["rows"]
    assert len(rows) == 7
    for path in ("/archive/pages.json", "/-/search.json?q=Kita"):
        assert httpx.get(server + path).headers["access-control-allow-origin"] == "*"
    meta = httpx.get(f"{server}/-/metadata.json").json()
    assert meta["title"] == "Newsroom archive" and meta["license"] == "CC BY 4.0"
    assert meta["databases"]["archive"]["tables"]["pages"]["description"]  # ours kept
    index = httpx.get(server + "/").text
    assert "Newsroom archive" in index and "CC BY 4.0" in index
    assert httpx.get(f"{server}/-/hello").text == "hello from plugins-dir"
    assert "OUR SOURCES PAGE" in httpx.get(f"{server}/archive/sources").text
    assert "OUR SOURCES PAGE" not in httpx.get(f"{server}/archive/pages").text


def test_index_lists_no_internal_table(server: str) -> None:
    tables = httpx.get(f"{server}/archive.json").json()["tables"]
    visible = [t["name"] for t in tables if not t["hidden"]]
    assert "pages" in visible and "revisions" in visible
    assert not {"search_terms", "migrations", "discovery_cache", "index_state"} & set(visible)
    assert not [n for n in visible if n.startswith(("pages_fts", "pages_search", "sqlite_"))]
    index = httpx.get(server + "/").text
    assert "search_terms" not in index
    views = {v["name"] for v in httpx.get(f"{server}/archive.json").json()["views"]}
    assert "pages_view" in views and not views & {"graph_edge_spans", "graph_revision_spans"}
    sql = "select count(*) as n from graph_edge_spans"  # internal, not gone
    rows = httpx.get(f"{server}/archive.json", params={"sql": sql, "_shape": "array"}).json()
    assert rows[0]["n"] > 0


class _Forms(HTMLParser):
    """The forms of a page: action and the inputs (name, type, value) of each."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "inputs": []})
        elif tag == "input" and self.forms:
            self.forms[-1]["inputs"].append(
                (a.get("name"), a.get("type") or "text", a.get("value") or "")
            )


def chromium_dom(url: str, profile: Path) -> str:
    cmd = [*chromium_flags(profile), "--dump-dom", url]
    run = subprocess.run(cmd, capture_output=True, timeout=120)
    html = run.stdout.decode("utf-8", errors="replace")
    assert "</html>" in html, run.stderr.decode(errors="replace")[-2000:]
    return html


@pytest.mark.browser
def test_chromium_first_search_box_gives_the_cli_hits(
    server: str, archive_path: Path, tmp_path: Path
) -> None:
    """A journalist opens the front page, types into the first search box and submits:
    the same URLs in the same order as `pressarchive search QUERY --json`."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium missing (apt-get install -y chromium)")
    parser = _Forms()
    parser.feed(chromium_dom(server + "/", tmp_path / "p0"))
    form = next(
        f for f in parser.forms if any(t in ("text", "search") for _n, t, _v in f["inputs"])
    )
    box = next(n for n, t, _v in form["inputs"] if t in ("text", "search"))
    hidden = {n: v for n, t, v in form["inputs"] if t == "hidden" and n}
    for i, query in enumerate(["Förderung", "Foerderung", "Haushalt", "Lotsen"]):
        url = urljoin(server + "/", form["action"]) + "?" + urlencode({**hidden, box: query})
        html = chromium_dom(url, tmp_path / f"p{i + 1}")
        expected = cli_urls(archive_path, query)[:20]
        assert expected and page_urls(html) == expected, query


def test_removed_pages_are_marked(server: str, archive_path: Path) -> None:
    db = sqlite3.connect(archive_path)
    removed = db.execute(
        "SELECT url, title FROM pages WHERE removed_at IS NOT NULL AND title != '' LIMIT 1"
    ).fetchone()
    db.close()
    assert removed, "edition 2 removes releases"
    url, title = removed
    data = search_json(server, q=f'"{title}"', size="100")
    [hit] = [r for r in data["results"] if r["url"] == url]
    assert hit["removed"] is True and hit["removed_at"]
    only = search_json(server, q=f'"{title}"', status="removed")["results"]
    assert url in [r["url"] for r in only] and all(r["removed"] for r in only)
    assert url not in [
        r["url"] for r in search_json(server, q=f'"{title}"', status="live")["results"]
    ]
    html = httpx.get(f"{server}/-/search", params={"q": f'"{title}"'}).text
    item = html[html.index(quote(url, safe="")) :]
    assert 'class="pa-removed"' in item[: item.index("</li>")]
    link = re.search(r'<a href="([^"]+)">removed</a>', html)
    assert link, "a link to only the removed pages"
    assert page_urls(httpx.get(server + unescape(link.group(1))).text) == [r["url"] for r in only]
