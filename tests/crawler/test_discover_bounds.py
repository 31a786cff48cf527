"""Discovery is bounded: a sitemap of 100k URLs, an index of 100k children or a listing of
100k links costs time linear in its size and memory of the candidate budget, not of the
document (the review: 810 MB for a 1M-URL sitemap at ``max_pages = 50``, 42 s for the
children of one index, 80 s to deduplicate one listing's links)."""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import time
from typing import Any

import pytest

from crawler.config.settings import CrawlerConfig, SourceConfig
from crawler.discover.core import (
    MAX_CANDIDATES,
    MIN_CANDIDATES,
    CachedDiscovery,
    Discovery,
    candidate_budget,
    discover,
)
from crawler.discover.listings import MAX_LISTING_PAGES, parse_listing
from crawler.discover.markup import unique
from crawler.discover.sitemaps import MAX_SITEMAP_BYTES, MAX_SITEMAPS, parse_sitemap
from crawler.fetch.fetcher import Fetcher
from crawler.fetch.urls import UrlPolicy
from tests.support.factories import server_source
from tests.support.httpserver import Response, TestServer
from tests.support.memory_store import MemoryDiscoveryCache

H = "http://stadt.test"
NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def urlset(paths: list[str]) -> bytes:
    entries = "".join(f"<url><loc>{H}{p}</loc><lastmod>2025-01-02</lastmod></url>" for p in paths)
    return f'<?xml version="1.0"?>\n<urlset xmlns="{NS}">{entries}</urlset>'.encode()


def index(children: list[str]) -> bytes:
    entries = "".join(f"<sitemap><loc>{H}{c}</loc></sitemap>" for c in children)
    return f'<?xml version="1.0"?>\n<sitemapindex xmlns="{NS}">{entries}</sitemapindex>'.encode()


def run_discover(
    src: SourceConfig, max_pages: int = 0, cache: object = None, max_sitemaps: int = MAX_SITEMAPS
) -> Discovery:
    cfg = CrawlerConfig(delay=0.0, retries=0, max_pages=max_pages)

    async def go() -> Discovery:
        async with Fetcher(cfg, src) as f:
            policy = UrlPolicy(src)
            return await discover(f, src, policy, cache=cache, max_sitemaps=max_sitemaps)  # type: ignore[arg-type]

    return asyncio.run(go())


# -- linear deduplication -----------------------------------------------------------------
def test_unique_is_linear() -> None:
    urls = [f"{H}/presse?page={i}" for i in range(100_000)]
    start = time.perf_counter()
    out = unique([*urls, None, *urls[:10]], exclude=urls[5])
    assert time.perf_counter() - start < 1.0
    assert out == urls[:5] + urls[6:]


@pytest.mark.slow
def test_listing_of_100k_links_and_pager_links_is_read_in_linear_time() -> None:
    """One listing page with 100,000 pager links: deduplicated (and put in scope by the
    run) in one pass; only MAX_LISTING_PAGES of them are kept as next pages."""
    pager = "".join(f'<a href="/presse?page={i}">{i}</a>' for i in range(2, 100_002))
    body = f'<html><body><nav class="pagination">{pager}{pager[:5000]}</nav></body></html>'
    start = time.perf_counter()
    listing = parse_listing(f"{H}/presse", body.encode(), {})
    assert time.perf_counter() - start < 10.0  # linear: ~2 s on a busy machine (80 s before)
    assert listing.next_pages == [f"{H}/presse?page={i}" for i in range(2, MAX_LISTING_PAGES + 2)]


@pytest.mark.slow
def test_listing_links_reach_the_budget_and_scope_is_linear() -> None:
    """A source whose start URLs repeat 100,000 times (the run's scope() once compared
    every URL with every other) and whose listing names 5,000 teasers: the run keeps the
    budget of a five-page crawl."""
    teasers = "".join(
        f'<div class="article"><h3><a href="/presse/m-{i}">Meldung {i}</a></h3></div>'
        for i in range(5_000)
    )
    with TestServer() as srv:
        srv.route("/presse", Response(200, body=f"<html><body>{teasers}</body></html>".encode()))
        starts = tuple(f"{H}/presse?n={i}" for i in range(100_000))
        src = server_source(srv, "stadt.test", start_urls=(f"{H}/presse", *starts))
        start = time.perf_counter()
        found = run_discover(src, max_pages=5)
        elapsed = time.perf_counter() - start
    assert len(found.candidates) == candidate_budget(5) == MIN_CANDIDATES
    assert list(found.candidates)[:2] == [f"{H}/presse/m-0", f"{H}/presse/m-1"]
    # the budget is full after the first round (as many pages as may be in flight): the
    # other 99,999 start URLs are not fetched
    round_size = CrawlerConfig().concurrency_per_host
    fetched = sorted(r.url for r in found.fetches)  # in the order they completed
    assert fetched == sorted([f"{H}/presse", *starts[: round_size - 1]])
    assert elapsed < 20.0  # 100k canonical forms (~3 s on a busy machine; minutes before)


# -- sitemaps: streamed, budgeted -------------------------------------------------------
def test_big_sitemap_is_read_only_up_to_the_budget() -> None:
    """A gzipped sitemap of 100,000 URLs (plus 20,000 out of scope first) and a crawl of
    20 pages: 1,000 candidates, the first in-scope ones, and the payload is not cached."""
    paths = [f"/intern/{i}" for i in range(20_000)] + [f"/presse/{i}" for i in range(100_000)]
    cache = MemoryDiscoveryCache()
    with TestServer() as srv:
        body = gzip.compress(urlset(paths), 1)
        srv.route("/sitemap.xml.gz", Response(200, body=body, headers={"ETag": '"s1"'}))
        src = server_source(
            srv,
            "stadt.test",
            start_urls=(),
            sitemaps=(f"{H}/sitemap.xml.gz",),
            exclude=("^/intern/",),
        )
        start = time.perf_counter()
        found = run_discover(src, max_pages=20, cache=cache)
        elapsed = time.perf_counter() - start
    assert list(found.candidates) == [f"{H}/presse/{i}" for i in range(candidate_budget(20))]
    assert found.lastmod[f"{H}/presse/999"] == "2025-01-02"
    assert cache.entries == {}  # cut short: the next run reads it again
    assert elapsed < 5.0


def test_index_children_are_followed_until_the_budget_is_full() -> None:
    """An index of 4 children of 25,000 URLs each: a 50-page crawl fetches the index and
    one child, and stops."""
    with TestServer() as srv:
        srv.route("/index.xml", Response(200, body=index([f"/s{n}.xml.gz" for n in range(4)])))
        for n in range(4):
            child = urlset([f"/presse/{n}-{i}" for i in range(25_000)])
            srv.route(f"/s{n}.xml.gz", Response(200, body=gzip.compress(child, 1)))
        src = server_source(srv, "stadt.test", start_urls=(), sitemaps=(f"{H}/index.xml",))
        found = run_discover(src, max_pages=50)
        paths = srv.paths()
    assert len(found.candidates) == candidate_budget(50) == MIN_CANDIDATES
    assert [p for p in paths if p != "/robots.txt"] == ["/index.xml", "/s0.xml.gz"]


def test_index_of_100k_children_follows_only_the_cap() -> None:
    """A gzipped index naming 100,000 children (the review: never finished at 300,000):
    read up to the child cap (10 here), which is all that is fetched."""
    with TestServer() as srv:
        body = gzip.compress(index([f"/s{n}.xml" for n in range(100_000)]), 1)
        srv.route("/index.xml.gz", Response(200, body=body))
        srv.route("/s0.xml", Response(200, body=urlset(["/presse/a", "/presse/b"])))
        src = server_source(srv, "stadt.test", start_urls=(), sitemaps=(f"{H}/index.xml.gz",))
        start = time.perf_counter()
        found = run_discover(src, max_sitemaps=10)
        elapsed = time.perf_counter() - start
        paths = [p for p in srv.paths() if p != "/robots.txt"]
    assert set(found.candidates) == {f"{H}/presse/a", f"{H}/presse/b"}
    assert paths == ["/index.xml.gz"] + [f"/s{n}.xml" for n in range(9)]  # s1… are 404
    assert elapsed < 5.0


def test_complete_sitemap_is_cached_with_its_scope_and_reused_only_under_it() -> None:
    cache = MemoryDiscoveryCache()
    with TestServer() as srv:
        body = urlset(["/presse/a", "/intern/b"])

        def sitemap(req: object) -> Response:
            if getattr(req, "headers", {}).get("if-none-match") == '"v1"':
                return Response(304, headers={"ETag": '"v1"'})
            return Response(200, body=body, headers={"ETag": '"v1"'})

        srv.route("/sitemap.xml", sitemap)
        src = server_source(
            srv, "stadt.test", start_urls=(), sitemaps=(f"{H}/sitemap.xml",), exclude=("^/intern/",)
        )
        first = run_discover(src, cache=cache)
        stored = json.loads(cache.entries[f"{H}/sitemap.xml"].payload)
        assert stored["pages"] == [[f"{H}/presse/a", "2025-01-02"]]  # filtered when parsed
        again = run_discover(src, cache=cache)
        assert [r.status for r in again.fetches if r.url.endswith("sitemap.xml")] == [304]
        # other URL rules: the filtered payload is not reused, the sitemap is read again
        wider = server_source(srv, "stadt.test", start_urls=(), sitemaps=(f"{H}/sitemap.xml",))
        widened = run_discover(wider, cache=cache)
        # a payload of old (unfiltered, without scope) is not reused either
        cache.entries[f"{H}/sitemap.xml"] = CachedDiscovery(
            '"v1"', None, json.dumps({"v": 1, "kind": "sitemap", "pages": [], "sitemaps": []})
        )
        old = run_discover(src, cache=cache)
    assert set(first.candidates) == set(again.candidates) == {f"{H}/presse/a"}
    assert set(widened.candidates) == {f"{H}/presse/a", f"{H}/intern/b"}
    assert set(old.candidates) == {f"{H}/presse/a"}


def test_gzip_bomb_stops_at_the_unzipped_cap(caplog: pytest.LogCaptureFixture) -> None:
    """60 MB of entries gzipped to a few hundred KB: read as a stream, stopped at the
    page limit (or at MAX_SITEMAP_BYTES unzipped without one)."""
    entry = b"<url><loc>http://stadt.test/presse/x</loc></url>"
    bomb = gzip.compress(b"<urlset>" + entry * (60_000_000 // len(entry)), 1)
    assert len(bomb) < 1_000_000
    start = time.perf_counter()
    limited = parse_sitemap(f"{H}/bomb.xml.gz", bomb, max_pages=100)
    assert time.perf_counter() - start < 1.0
    assert len(limited.pages) == 100 and limited.truncated
    junk = gzip.compress(b"<urlset>" + b" " * 60_000_000, 1)
    with caplog.at_level(logging.WARNING, logger="crawler.discover.sitemaps"):
        empty = parse_sitemap(f"{H}/junk.xml.gz", junk)
    assert empty.pages == [] and f"over {MAX_SITEMAP_BYTES} bytes unzipped" in caplog.text


def test_budget_follows_max_pages() -> None:
    assert candidate_budget(0) == MAX_CANDIDATES
    assert candidate_budget(5) == MIN_CANDIDATES
    assert candidate_budget(500) == 5_000
    assert candidate_budget(10**9) == MAX_CANDIDATES


def test_listing_teasers_are_read_up_to_the_budget_and_not_cached() -> None:
    teasers = "".join(
        f'<div class="article"><h3><a href="/presse/m-{i}">Meldung {i}</a></h3></div>'
        for i in range(30_000)
    )
    body = f"<html><body>{teasers}</body></html>".encode()
    start = time.perf_counter()
    listing = parse_listing(f"{H}/presse", body, {}, max_items=10)
    assert time.perf_counter() - start < 3.0  # the parse of 2 MB; the teasers stop at 10
    assert [i.url for i in listing.items] == [f"{H}/presse/m-{i}" for i in range(10)]
    assert listing.truncated
    cache = MemoryDiscoveryCache()
    with TestServer() as srv:
        srv.route("/presse", Response(200, body=body[:300_000], headers={"ETag": '"l1"'}))
        src = server_source(srv, "stadt.test", start_urls=(f"{H}/presse",))
        found = run_discover(src, max_pages=5, cache=cache)
    assert len(found.candidates) == MIN_CANDIDATES
    assert cache.entries == {}  # cut short: not cached


def test_without_keep_bodies_fetches_hold_no_body_but_progress_saw_each() -> None:
    """The crawl stores each discovery fetch as it comes (``progress``) and asks discovery
    to keep no bodies, so listings and sitemaps are not all held until discovery ends."""
    with TestServer() as srv:
        urlset = (
            (
                f'<urlset xmlns="{NS}">'
                + "".join(f"<loc>http://site.test/presse/{i}</loc>" for i in range(50))
                + "</urlset>"
            )
            .replace("<loc>", "<url><loc>")
            .replace("</loc>", "</loc></url>")
        )
        srv.route("/sitemap.xml", Response(200, body=urlset.encode()))
        srv.route("/", Response(200, body=b"<html><body><p>Start</p></body></html>"))
        src = server_source(srv, sitemaps=("http://site.test/sitemap.xml",))
        seen: dict[str, int] = {}

        def note(_kind: str, result: Any) -> None:
            seen[result.url] = len(result.body)

        async def go() -> Any:
            async with Fetcher(CrawlerConfig(delay=0.0, retries=0), src) as f:
                return await discover(f, src, UrlPolicy(src), progress=note, keep_bodies=False)

        found = asyncio.run(go())
    assert len(found.candidates) == 50
    assert seen["http://site.test/sitemap.xml"] == len(urlset.encode())
    assert {r.url for r in found.fetches} == set(seen)
    assert all(r.body == b"" for r in found.fetches)
