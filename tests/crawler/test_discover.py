from __future__ import annotations

import asyncio
import gzip
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

from crawler.config.settings import CrawlerConfig, SourceConfig, UrlAlias
from crawler.discover.core import CachedDiscovery, Discovery, discover
from crawler.discover.feeds import parse_feed
from crawler.discover.listings import parse_listing
from crawler.discover.sitemaps import parse_sitemap
from crawler.fetch.fetcher import Fetcher
from crawler.fetch.urls import UrlPolicy
from crawler.records import DateCandidate, FetchResult, Link
from tests.support.factories import server_source
from tests.support.httpserver import Request, Response, TestServer
from tests.support.memory_store import MemoryDiscoveryCache

H = "http://www.ruesselsheim.test"

SITEPARK_LISTING = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">
<title>Pressemitteilungen | Stadt Rüsselsheim am Main</title></head><body>
<header class="SP-Header"><nav class="SP-MainNav">
<ul><li><a href="/rathaus">Rathaus</a></li></ul></nav></header>
<main class="SP-Main"><h1 class="SP-Headline">Pressemitteilungen</h1>
<ul class="SP-TeaserList">
  <li class="SP-TeaserList__item"><article class="SP-Teaser SP-Teaser--press">
    <a class="SP-Teaser__inner" href="/presse/2025/2025-11-28-euro-fuer-vielfalt">
      <span class="SP-Kicker__text">Pressemitteilung</span>
      <span class="SP-Scheduling__date">28.11.2025</span>
      <h1 class="SP-Teaser__headline">600.000 Euro für Vielfalt und Teilhabe</h1>
      <div class="SP-Teaser__abstract">Land Hessen stärkt …</div></a></article></li>
  <li class="SP-TeaserList__item"><article class="SP-Teaser SP-Teaser--press">
    <a class="SP-Teaser__inner" href="http://ruesselsheim.test/presse/2024/kita/index.php?utm_source=x">
      <span class="SP-Kicker__text">Pressemitteilung</span>
      <span class="SP-Scheduling__date">02.05.24</span>
      <h1 class="SP-Teaser__headline">Neue Kita  eröffnet</h1></a></article></li>
  <li class="SP-TeaserList__item"><article class="SP-Teaser SP-Teaser--topic">
    <a class="SP-Teaser__inner" href="/soziales/migration">
      <span class="SP-Kicker__text">Migration</span>
      <h3 class="SP-Teaser__headline">Migration</h3></a></article></li>
</ul>
<nav class="SP-Pagination" data-sp-pagination='{"max":4}'>
  <a class="SP-Pagination__link" href="/presse?page=1">1</a>
  <a class="SP-Pagination__link" href="/presse?page=2">2</a>
  <a class="SP-Pagination__next" rel="next" href="/presse?page=2">Weiter</a>
</nav></main>
<footer><a href="javascript:linkTo_UnCryptMailto('x')">presse(at)ruesselsheim(dot)de</a></footer>
</body></html>"""

GENERIC_LISTING = """<html><head><meta charset="iso-8859-1"></head><body>
<div class="news-list-view">
  <div class="article"><h3><a href="/aktuelles/news-123">Straßenfest am Sonntag</a></h3>
    <time datetime="2024-06-01T10:00:00+02:00">1. Juni 2024</time></div>
  <div class="article"><span>04.06.2024</span><h3>Neue Bänke</h3>
    <a href="news-124?tx_news_pi1[news]=124&amp;cHash=abc">mehr</a></div>
</div>
<ul class="f3-widget-paginator"><li><a href="?page=2">2</a></li>
<li><a href="?page=3">3</a></li><li><a href="?page=2">nächste Seite »</a></li></ul>
</body></html>"""

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>Pressemitteilungen</title><link>http://www.ruesselsheim.test/presse</link>
<item><title>Stadtfest &amp; Markt</title><link>http://www.ruesselsheim.test/presse/2024/stadtfest</link>
  <pubDate>Fri, 26 Jul 2024 23:30:04 +0200</pubDate><category>Kultur</category></item>
<item><title>Relativ</title><link>/presse/relativ</link><pubDate>kaputt</pubDate></item>
<item><title>Nur GUID</title><guid>http://www.ruesselsheim.test/presse/guid</guid>
  <dc:date>2024-07-01T08:00:00+02:00</dc:date></item>
<item><title>Ohne Link</title></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>News</title>
<entry><title>Eintrag eins</title><link rel="alternate" href="https://a.test/n/1"/>
  <link rel="enclosure" href="https://a.test/n/1.mp3"/>
  <published>2025-01-31T23:59:00-05:00</published><updated>2025-02-02T10:00:00Z</updated>
  <category term="Verkehr"/></entry>
<entry><title>Eintrag zwei</title><link href="/n/2"/><updated>2025-02-03T10:00:00Z</updated></entry>
</feed>"""

URLSET = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>http://www.ruesselsheim.test/presse/2025/2025-03-19_baum</loc><lastmod>2025-03-20</lastmod></url>
<url><loc> http://www.ruesselsheim.test/soziales/migration </loc></url>
</urlset>"""

INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>http://www.ruesselsheim.test/sitemap-presse.xml</loc><lastmod>2025-12-01</lastmod></sitemap>
<sitemap><loc>/sitemap-themen.xml</loc></sitemap>
</sitemapindex>"""


# -- parsers ----------------------------------------------------------------------------
def test_parse_sitepark_listing() -> None:
    listing = parse_listing(f"{H}/presse", SITEPARK_LISTING.encode(), {})
    assert listing.items == [
        Link(
            f"{H}/presse/2025/2025-11-28-euro-fuer-vielfalt",
            "600.000 Euro für Vielfalt und Teilhabe",
            "press",
            "Pressemitteilung",
            "2025-11-28",
        ),
        Link(
            "http://ruesselsheim.test/presse/2024/kita/index.php?utm_source=x",
            "Neue Kita eröffnet",
            "press",
            "Pressemitteilung",
            "2024-05-02",
        ),
        Link(f"{H}/soziales/migration", "Migration", "topic", "Migration", None),
    ]
    assert listing.next_pages == [
        f"{H}/presse?page=1",
        f"{H}/presse?page=2",
        f"{H}/presse?page=3",
        f"{H}/presse?page=4",
    ]


def test_parse_generic_listing_with_charset_header() -> None:
    body = GENERIC_LISTING.encode("iso-8859-1")
    url = "https://kreis.test/aktuelles/"
    listing = parse_listing(url, body, {"Content-Type": "text/html; charset=ISO-8859-1"})
    assert [(i.url, i.title, i.date) for i in listing.items] == [
        ("https://kreis.test/aktuelles/news-123", "Straßenfest am Sonntag", "2024-06-01"),
        (
            "https://kreis.test/aktuelles/news-124?tx_news_pi1[news]=124&cHash=abc",
            "Neue Bänke",
            "2024-06-04",
        ),
    ]
    assert listing.next_pages == [
        "https://kreis.test/aktuelles/?page=2",
        "https://kreis.test/aktuelles/?page=3",
    ]


def test_parse_listing_rel_next_and_empty() -> None:
    html = b'<html><head><link rel="next" href="/p/3"></head><body><a rel="next" href="/p/2">x</a>'
    assert parse_listing("http://a.test/p/1", html, {}).next_pages == [
        "http://a.test/p/2",
        "http://a.test/p/3",
    ]
    assert parse_listing("http://a.test/", b"", {}).items == []
    assert parse_listing("http://a.test/", b"\x00\xff", {}).items == []


def test_read_on_links_are_no_next_pages() -> None:
    """Contao's and EXT:news's teaser link "Weiterlesen …" is no pagination; "weiter »" is."""
    html = (
        b'<html><head><base href="http://a.test/"></head><body><div class="layout_latest">'
        b'<h2><a href="aktuelles/a.html">A</a></h2><p class="more"><a href="aktuelles/a.html">'
        b'Weiterlesen \xe2\x80\xa6</a></p></div><p><a href="aktuelles.html?page_n12=2">'
        b"weiter \xc2\xbb</a></p></body></html>"
    )
    listing = parse_listing("http://a.test/aktuelles.html", html, {})
    assert listing.next_pages == ["http://a.test/aktuelles.html?page_n12=2"]


def test_read_more_links_are_not_next_pages() -> None:
    # Joomla's category blog: every teaser ends in "Weiterlesen …"; the next page is "Weiter"
    html = (
        '<div class="blog-item"><h2><a href="/a/1-x">X</a></h2><p class="readmore"><a href='
        '"/a/1-x">Weiterlesen …</a></p></div><a href="/a?start=4">Weiter »</a>'
    ).encode()
    assert parse_listing("http://a.test/a", html, {}).next_pages == ["http://a.test/a?start=4"]


def test_parse_rss() -> None:
    links = parse_feed(f"{H}/presse?sp:out=rss", RSS.encode())
    assert links == [
        Link(f"{H}/presse/2024/stadtfest", "Stadtfest & Markt", "press", "Kultur", "2024-07-26"),
        Link(f"{H}/presse/relativ", "Relativ", "press", None, None),
        Link(f"{H}/presse/guid", "Nur GUID", "press", None, "2024-07-01"),
    ]


def test_parse_atom() -> None:
    links = parse_feed("https://a.test/feed.atom", ATOM.encode())
    assert links == [
        Link("https://a.test/n/1", "Eintrag eins", "press", "Verkehr", "2025-01-31"),
        Link("https://a.test/n/2", "Eintrag zwei", "press", None, "2025-02-03"),
    ]
    assert parse_feed("https://a.test/x", b"<html>not a feed") == []
    assert parse_feed("https://a.test/x", b"") == []


def test_parse_sitemaps() -> None:
    urlset = parse_sitemap(f"{H}/sitemap-presse.xml", URLSET.encode())
    assert urlset.pages == [
        (f"{H}/presse/2025/2025-03-19_baum", "2025-03-20"),
        (f"{H}/soziales/migration", None),
    ]
    assert urlset.sitemaps == []
    index = parse_sitemap(f"{H}/sitemap.xml", gzip.compress(INDEX.encode()))
    assert index.pages == []
    assert index.sitemaps == [f"{H}/sitemap-presse.xml", f"{H}/sitemap-themen.xml"]
    assert parse_sitemap(f"{H}/x.xml.gz", b"\x1f\x8bgarbage").pages == []


# -- a small local site -----------------------------------------------------------------
def teaser(href: str, title: str, date: str | None = None) -> str:
    d = f'<span class="SP-Scheduling__date">{date}</span>' if date else ""
    return (
        '<li class="SP-TeaserList__item"><article class="SP-Teaser SP-Teaser--press">'
        f'<a class="SP-Teaser__inner" href="{href}">{d}'
        f'<h1 class="SP-Teaser__headline">{title}</h1></a></article></li>'
    )


def listing_page(base: str, page: int, pages: int, items: list[tuple[str, str | None]]) -> str:
    nav = "".join(
        f'<a class="SP-Pagination__link" href="{base}?page={n}">{n}</a>'
        for n in range(1, pages + 1)
    )
    if page < pages:
        nav += f'<a class="SP-Pagination__next" rel="next" href="{base}?page={page + 1}">Weiter</a>'
    lis = "".join(teaser(h, f"Titel {h}", d) for h, d in items)
    return (
        f'<html><body><ul class="SP-TeaserList">{lis}</ul>'
        f'<nav class="SP-Pagination">{nav}</nav></body></html>'
    )


PAGES: dict[int, list[tuple[str, str | None]]] = {
    1: [
        ("/presse/2025/2025-11-28-a", "28.11.2025"),
        ("http://ruesselsheim.test/presse/2025/b/index.php#top", "27.11.2025"),
        ("/presse/2025/c?utm_source=nl&utm_medium=mail", "26.11.2025"),
    ],
    2: [
        ("/presseinformation-anzeige/pressemeldungen/4711.html", "01.02.2023"),
        ("/intern/entwurf", "01.01.2023"),
        ("https://www.hessen.test/presse/fremd", "01.01.2023"),
    ],
    3: [("/presse/2024/d", None), ("/presse/2025/2025-11-28-a", "28.11.2025")],
}
ALL = {
    f"{H}/presse/2025/2025-11-28-a",
    f"{H}/presse/2025/b",
    f"{H}/presse/2025/c",
    f"{H}/presseinformationen/pressemeldungen/4711.html",
    f"{H}/presse/2024/d",
    f"{H}/presse/2024/feed-only",
    f"{H}/presse/2023/sitemap-only",
    f"{H}/soziales/migration",
}
FEED = f"""<rss version="2.0"><channel>
<item><title>A</title><link>{H}/presse/2025/2025-11-28-a</link>
<pubDate>Fri, 28 Nov 2025 09:30:00 +0100</pubDate></item>
<item><title>F</title><link>/presse/2024/feed-only</link>
<pubDate>Mon, 01 Jan 2024 00:30:00 +0100</pubDate></item></channel></rss>"""
CHILD = f"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{H}/presse/2023/sitemap-only</loc><lastmod>2023-05-05</lastmod></url>
<url><loc>http://ruesselsheim.test/soziales/migration/index.php</loc></url>
<url><loc>{H}/presse</loc></url></urlset>"""
ROBOTS = f"User-agent: *\nDisallow: /intern/\nSitemap: {H}/sitemap.xml\n"


def make_site(srv: TestServer) -> None:
    def presse(req: Request) -> Response:
        q = parse_qs(urlsplit(req.path).query)
        page = int(q.get("page", ["1"])[0])
        if page not in PAGES:
            return Response(404)
        if q.get("sp:out") == ["rss"]:
            return Response(200, body=FEED.encode(), headers={"ETag": '"feed1"'})
        etag = f'"list{page}"'
        if req.headers.get("if-none-match") == etag:
            return Response(304, headers={"ETag": etag})
        body = listing_page("/presse", page, 3, PAGES[page]).encode()
        return Response(200, body=body, headers={"ETag": etag})

    index = INDEX.replace("sitemap-themen.xml", "sitemap-fehlt.xml")
    srv.route("/presse", presse)
    srv.route("/robots.txt", Response(200, body=ROBOTS.encode()))
    srv.route("/sitemap.xml", Response(200, body=index.encode()))
    srv.route("/sitemap-presse.xml", Response(200, body=gzip.compress(CHILD.encode())))
    srv.route("/kaputt", Response(500))


def site_source(srv: TestServer) -> SourceConfig:
    return server_source(
        srv,
        "www.ruesselsheim.test",
        "ruesselsheim.test",
        name="ruesselsheim",
        start_urls=(f"{H}/presse", f"{H}/kaputt"),
        feeds=(f"{H}/presse?sp:out=rss",),
        exclude=(r"^/intern/",),
        url_aliases=(
            UrlAlias(
                r"^/presseinformation(?:-anzeige|en-daten)/pressemeldungen/(\d+)\.html$",
                r"/presseinformationen/pressemeldungen/\1.html",
            ),
        ),
    )


def run_discover(
    src: SourceConfig, cache: Any = None, cfg: CrawlerConfig | None = None
) -> tuple[Discovery, list[tuple[str, FetchResult]]]:
    seen: list[tuple[str, FetchResult]] = []

    async def go() -> Discovery:
        async with Fetcher(cfg or CrawlerConfig(delay=0.0, retries=0), src) as f:
            return await discover(
                f, src, UrlPolicy(src), cache=cache, progress=lambda k, r: seen.append((k, r))
            )

    return asyncio.run(go()), seen


def test_discover_end_to_end() -> None:
    with TestServer() as srv:
        make_site(srv)
        found, progress = run_discover(site_source(srv))
    assert set(found.candidates) == ALL
    assert found.listing_urls == {
        f"{H}/presse",
        f"{H}/presse?page=1",
        f"{H}/presse?page=2",
        f"{H}/presse?page=3",
        f"{H}/kaputt",
    }
    a = found.candidates[f"{H}/presse/2025/2025-11-28-a"]
    assert a.found_on == f"{H}/presse"
    assert DateCandidate("2025-11-28", "teaser", f"listing {H}/presse") in a.hints
    assert DateCandidate("2025-11-28", "feed", f"feed {H}/presse?sp:out=rss") in a.hints
    assert len({h.source for h in a.hints}) == 2
    feed_only = found.candidates[f"{H}/presse/2024/feed-only"]
    assert feed_only.hints == [DateCandidate("2024-01-01", "feed", f"feed {H}/presse?sp:out=rss")]
    assert found.candidates[f"{H}/presse/2024/d"].hints == []
    assert found.lastmod == {f"{H}/presse/2023/sitemap-only": "2023-05-05"}
    # failures are data, and did not stop discovery
    failed = {r.url: r for r in found.fetches if not r.ok}
    assert failed[f"{H}/kaputt"].status == 500
    assert failed[f"{H}/sitemap-fehlt.xml"].status == 404
    assert [k for k, _ in progress].count("feed") == 1
    assert len(progress) == len(found.fetches)
    # each listing page fetched once; both hosts' robots.txt asked for sitemaps
    listing_paths = [r.path for r in srv.requests if r.path.startswith("/presse?page")]
    assert sorted(listing_paths) == ["/presse?page=1", "/presse?page=2", "/presse?page=3"]
    robots_hosts = sorted(r.host for r in srv.requests if r.path == "/robots.txt")
    assert robots_hosts == ["ruesselsheim.test", "www.ruesselsheim.test"]
    assert srv.paths().count("/sitemap.xml") == 1


def test_discover_cache_conditional_304() -> None:
    cache = MemoryDiscoveryCache()
    with TestServer() as srv:
        make_site(srv)
        src = site_source(srv)
        first, _ = run_discover(src, cache)
        stored = cache.entries[f"{H}/presse?page=2"]
        assert stored.etag == '"list2"' and json.loads(stored.payload)["kind"] == "listing"
        assert f"{H}/sitemap.xml" not in cache.entries  # no validators, nothing to store
        n = len(srv.requests)
        second, _ = run_discover(src, cache)
        again = srv.requests[n:]
    assert set(second.candidates) == set(first.candidates) == ALL
    assert second.candidates[f"{H}/presse/2024/d"].found_on == f"{H}/presse?page=3"
    listing_requests = [r for r in again if r.path.startswith("/presse") and "sp:out" not in r.path]
    assert listing_requests and all(r.headers.get("if-none-match") for r in listing_requests)
    statuses = {r.url: r.status for r in second.fetches}
    assert statuses[f"{H}/presse?page=2"] == 304


def test_discover_cache_with_unusable_payload_refetches_in_full() -> None:
    cache = MemoryDiscoveryCache()
    cache.put(f"{H}/presse", CachedDiscovery('"list1"', None, "{not json"))
    with TestServer() as srv:
        make_site(srv)
        found, _ = run_discover(site_source(srv), cache)
        first = next(r for r in srv.requests if r.path == "/presse")
    assert "if-none-match" not in first.headers
    assert set(found.candidates) == ALL
    assert json.loads(cache.entries[f"{H}/presse"].payload)["v"] == 1


def test_discover_listing_cap() -> None:
    with TestServer() as srv:
        make_site(srv)
        src = site_source(srv)

        async def go() -> Discovery:
            async with Fetcher(CrawlerConfig(delay=0.0, retries=0), src) as f:
                return await discover(f, src, UrlPolicy(src), max_listing_pages=2)

        found = asyncio.run(go())
    assert len(found.listing_urls) == 2


# -- the bundled sample site ------------------------------------------------------------
def test_discover_finds_every_sample_site_press_release() -> None:
    from crawler import sample_site as sample

    with sample.SampleSite(edition=1, crawl_delay="0.01") as site:
        src = SourceConfig(
            name="ruesselsheim",
            start_urls=(f"{H}/presse",),
            feeds=(f"{H}/presse?sp:out=rss",),
            sitemaps=(f"{H}/sitemap.xml",),
            hosts=("www.ruesselsheim.test", "ruesselsheim.test"),
            scheme="http",
            url_aliases=(
                UrlAlias(
                    r"^/presseinformation(?:-anzeige|en-daten)/pressemeldungen/(\d+)\.html$",
                    r"/presseinformationen/pressemeldungen/\1.html",
                ),
            ),
            connect_to=site.connect_to(),
        )
        found, _ = run_discover(src, cfg=CrawlerConfig(delay=0.0, concurrency_per_host=4))
    truth = sample.ground_truth(1)
    pages = truth.values() if isinstance(truth, dict) else truth
    wanted: set[str] = set()
    for page in pages:
        get = page.get if isinstance(page, dict) else lambda k, p=page: getattr(p, k, None)
        if get("page_type") == "press_release":
            wanted.add(str(get("url")))
    assert wanted, "ground truth lists no press releases"
    missing = sorted(wanted - set(found.candidates))
    assert not missing, missing


def test_robots_sitemaps_are_read_on_the_port_the_source_names() -> None:
    """A source at ``127.0.0.1:PORT`` has its robots.txt there: its ``Sitemap:`` line is
    followed (asking port 80 instead would find nothing; the port is part of the site)."""
    with TestServer() as srv:
        base = srv.url("")
        srv.route("/robots.txt", Response(200, body=f"Sitemap: {base}/sm.xml\n".encode()))
        urlset = (
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{base}/presse/nur-im-sitemap</loc></url></urlset>"
        )
        srv.route("/sm.xml", Response(200, body=urlset.encode()))
        srv.route("/", Response(200, body=b"<html><body><p>Start</p></body></html>"))
        src = SourceConfig(name="t", hosts=("127.0.0.1",), scheme="http", start_urls=(f"{base}/",))
        found, _ = run_discover(src)
    assert f"{base}/presse/nur-im-sitemap" in found.candidates
