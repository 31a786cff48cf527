from __future__ import annotations

import asyncio
import gzip
import logging
import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any, TypeVar

import httpx
import pytest

from crawler.config.settings import CrawlerConfig, SourceConfig
from crawler.fetch.fetcher import Fetcher, parse_retry_after
from crawler.fetch.robots import Robots
from tests.support.factories import run_async as run
from tests.support.factories import server_source as source
from tests.support.httpserver import Request, Response, TestServer

T = TypeVar("T")
FAST = CrawlerConfig(delay=0.0, backoff=0.01, timeout=5.0, contact="test@example.org")


class Sleeps:
    """Injected backoff sleep: records the waits, does not wait."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


async def fetch_one(cfg: CrawlerConfig, src: SourceConfig, url: str, **kw: Any) -> Any:
    async with Fetcher(cfg, src, **kw) as f:
        return await f.fetch(url), f


# -- robots.txt parser ------------------------------------------------------------------
ROBOTS = """
# comment
User-agent: *
Disallow: /intern/
Disallow: /*.pdf$
Allow: /intern/oeffentlich
Crawl-delay: 0.5

User-agent: Googlebot
User-agent: PressArchive
Disallow: /suche
Allow: /suche/hilfe
Crawl-delay: 2.5

Sitemap: http://www.ruesselsheim.test/sitemap.xml
Sitemap: http://www.ruesselsheim.test/sitemap-news.xml
"""


def test_robots_star_group() -> None:
    r = Robots.parse(ROBOTS, "otherbot/1.0")
    assert not r.allowed("/intern/x")
    assert r.allowed("/intern/oeffentlich/a")
    assert not r.allowed("/medien/satzung.pdf")
    assert r.allowed("/medien/satzung.pdf?x=1")
    assert r.allowed("/suche")
    assert r.allowed("/robots.txt")
    assert r.crawl_delay == 0.5
    assert r.sitemaps == [
        "http://www.ruesselsheim.test/sitemap.xml",
        "http://www.ruesselsheim.test/sitemap-news.xml",
    ]
    assert r.disallowing_rule("/intern/x") == "/intern/"


def test_robots_named_group_and_longest_match() -> None:
    r = Robots.parse(ROBOTS, "pressarchive/0.1 (+https://example.org)")
    assert r.allowed("/intern/x")  # only the named group applies
    assert not r.allowed("/suche?q=kita")
    assert r.allowed("/suche/hilfe")
    assert r.crawl_delay == 2.5
    tie = Robots.parse("User-agent: *\nDisallow: /a\nAllow: /a\n")
    assert tie.allowed("/a")  # equal length: Allow wins
    empty = Robots.parse("User-agent: *\nDisallow:\n")
    assert empty.allowed("/anything")
    assert Robots.parse("User-agent: *\nDisallow: /\n").allowed("/x") is False
    assert Robots.parse("garbage\nCrawl-delay: abc\n").allowed("/x")
    assert Robots.parse("User-agent: *\nDisallow: /%7Ea\n").allowed("/~a") is False


def test_parse_retry_after() -> None:
    now = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("1.5") == 1.5
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


# -- basic exchange, connect_to ---------------------------------------------------------
def test_fetch_basic_connect_to_and_headers() -> None:
    with TestServer() as srv:
        srv.route("/robots.txt", Response(404))
        srv.route(
            "/presse",
            Response(
                200,
                body=gzip.compress(b"<html>hallo</html>"),
                headers={"Content-Encoding": "gzip", "ETag": '"v1"', "X-Thing": "A"},
            ),
        )
        src = source(srv, "www.ruesselsheim.test", "ruesselsheim.test")
        res, f = run(fetch_one(FAST, src, "http://ruesselsheim.test/presse"))
    assert res.ok and res.status == 200 and res.error is None
    assert res.body == b"<html>hallo</html>"
    assert res.url == res.final_url == "http://ruesselsheim.test/presse"
    assert res.headers["etag"] == '"v1"' and res.headers["x-thing"] == "A"
    assert all(k == k.lower() for k in res.headers)
    assert res.fetched_at.endswith("Z") and res.fetched_at.startswith("20")
    assert res.attempts == 1 and res.elapsed > 0
    req = srv.requests[-1]
    assert req.path == "/presse"
    assert req.headers["host"] == "ruesselsheim.test"
    assert req.headers["user-agent"] == FAST.full_user_agent
    assert req.headers["accept-encoding"] == "gzip"
    assert srv.paths() == ["/robots.txt", "/presse"]
    assert f.requests == 2
    assert f.bytes_received >= len(gzip.compress(b"<html>hallo</html>"))


def test_fetch_direct_loopback_without_connect_to() -> None:
    with TestServer() as srv:
        srv.route("/a", Response(200, body=b"ok"))
        src = SourceConfig(name="t", start_urls=(srv.url("/"),), hosts=("127.0.0.1",))
        res, _ = run(fetch_one(CrawlerConfig(delay=0, respect_robots=False), src, srv.url("/a")))
    assert res.ok and res.body == b"ok"


def test_refuses_foreign_host_and_other_schemes() -> None:
    with TestServer() as srv:
        src = source(srv)

        async def go() -> list[Any]:
            async with Fetcher(FAST, src) as f:
                return [
                    await f.fetch("http://127.0.0.2/x"),
                    await f.fetch("ftp://site.test/x"),
                    await f.fetch("mailto:a@site.test"),
                ]

        foreign, ftp, mail = run(go())
        assert srv.requests == []
    assert foreign.status is None and "host not allowed" in (foreign.error or "")
    assert "http and https only" in (ftp.error or "")
    assert "http and https only" in (mail.error or "")


# -- politeness -------------------------------------------------------------------------
def test_concurrency_limit_per_host() -> None:
    cfg = CrawlerConfig(delay=0.0, concurrency_per_host=2, respect_robots=False)
    with TestServer() as srv:
        srv.route("/p", Response(200, body=b"x", hold_for_peers=3, hold_timeout=0.15))
        src = source(srv, "a.test", "b.test")

        async def go() -> None:
            async with Fetcher(cfg, src) as f:
                urls = [f"http://a.test/p?i={i}" for i in range(6)]
                urls += [f"http://b.test/p?i={i}" for i in range(6)]
                results = await asyncio.gather(*(f.fetch(u) for u in urls))
                assert all(r.ok for r in results)

        run(go())
    assert srv.max_in_flight_by_host == {"a.test": 2, "b.test": 2}
    assert srv.max_in_flight == 4  # hosts are limited separately


class _Sent(httpx.AsyncBaseTransport):
    """The fetcher's real transport, noting when each request leaves (the loop's clock)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.times: list[float] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.times.append(asyncio.get_running_loop().time())
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def test_delay_between_request_starts() -> None:
    """Requests to one host start ``delay`` apart however many are allowed in flight: the
    gaps are taken where the requests leave the fetcher (the server's arrival times add its
    threads' scheduling on a loaded machine), and all four reach the server."""
    from crawler.fetch.transports import CheckedHTTPTransport, system_resolve

    cfg = CrawlerConfig(delay=0.1, concurrency_per_host=3, respect_robots=False)
    sent = _Sent(CheckedHTTPTransport(system_resolve))
    with TestServer() as srv:
        srv.route("/p", Response(200, body=b"x"))
        src = source(srv)

        async def go() -> None:
            async with Fetcher(cfg, src, transport=sent) as f:
                await asyncio.gather(*(f.fetch(f"http://site.test/p?i={i}") for i in range(4)))

        run(go())
    gaps = [b - a for a, b in zip(sent.times, sent.times[1:], strict=False)]
    assert len(gaps) == 3
    assert min(gaps) >= 0.1 - 0.005, gaps  # the fetcher's clock and the loop's: ~µs apart
    assert sorted(r.path for r in srv.requests) == [f"/p?i={i}" for i in range(4)]


def test_robots_disallow_and_crawl_delay() -> None:
    cfg = CrawlerConfig(delay=0.01, max_delay=5.0, concurrency_per_host=4)
    robots = (
        "User-agent: *\nDisallow: /intern/\nCrawl-delay: 0.15\nSitemap: http://site.test/s.xml\n"
    )
    with TestServer() as srv:
        srv.route("/robots.txt", Response(200, body=robots.encode()))
        srv.route("/p", Response(200, body=b"x"))
        srv.route("/intern/geheim", Response(200, body=b"secret"))
        src = source(srv)

        async def go() -> tuple[Any, list[Any], list[str], float]:
            async with Fetcher(cfg, src) as f:
                blocked = await f.fetch("http://site.test/intern/geheim")
                pages = await asyncio.gather(
                    *(f.fetch(f"http://site.test/p?i={i}") for i in range(3))
                )
                sitemaps = await f.robots_sitemaps("site.test")
                return blocked, pages, sitemaps, f.host_delay("site.test")

        blocked, pages, sitemaps, delay = run(go())
    assert blocked.status is None
    assert blocked.error.startswith("disallowed by robots.txt: http://site.test/intern/geheim")
    assert "/intern/geheim" not in srv.paths()
    assert srv.paths().count("/robots.txt") == 1
    assert all(p.ok for p in pages)
    assert sitemaps == ["http://site.test/s.xml"]
    assert delay == 0.15
    starts = [r.started for r in srv.requests]  # robots.txt + 3 pages
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    # as the server sees them: an arrival (a new connection's accept included) can be late
    # by a loaded machine's scheduling delay, which shortens the gap after it; without the
    # Crawl-delay the gaps would be our own 0.01 s
    assert min(gaps) >= 0.12, gaps


def test_crawl_delay_capped_and_robots_per_user_agent() -> None:
    cfg = CrawlerConfig(delay=0.0, max_delay=0.05, user_agent="PressArchive/9")
    robots = (
        "User-agent: *\nDisallow: /\n\nUser-agent: pressarchive\nDisallow: /x\nCrawl-delay: 60\n"
    )
    with TestServer() as srv:
        srv.route("/robots.txt", Response(200, body=robots.encode()))
        srv.route("/ok", Response(200, body=b"ok"))

        async def go() -> tuple[Any, Any, float]:
            async with Fetcher(cfg, source(srv)) as f:
                a = await f.fetch("http://site.test/ok")
                b = await f.fetch("http://site.test/x/1")
                return a, b, f.host_delay("site.test")

        ok, blocked, delay = run(go())
    assert ok.ok and blocked.error and "Disallow: /x" in blocked.error
    assert delay == 0.05


@pytest.mark.parametrize(("status", "warns"), [(404, False), (410, False), (500, True)])
def test_robots_unavailable_allows_all(
    status: int, warns: bool, caplog: pytest.LogCaptureFixture
) -> None:
    cfg = CrawlerConfig(delay=0.0, retries=0)
    with TestServer() as srv:
        srv.route("/robots.txt", Response(status))
        srv.route("/intern/a", Response(200, body=b"a"))
        with caplog.at_level(logging.WARNING, logger="crawler.fetch.fetcher"):
            res, _ = run(fetch_one(cfg, source(srv), "http://site.test/intern/a"))
    assert res.ok
    assert ("robots.txt unavailable" in caplog.text) is warns


def test_robots_unreachable_allows_all(caplog: pytest.LogCaptureFixture) -> None:
    cfg = CrawlerConfig(delay=0.0, retries=0, timeout=2)
    port = _closed_port()
    src = SourceConfig(
        name="t",
        start_urls=("http://dead.test/",),
        hosts=("dead.test",),
        connect_to={"dead.test": f"127.0.0.1:{port}"},
    )
    with caplog.at_level(logging.WARNING, logger="crawler.fetch.fetcher"):
        res, f = run(fetch_one(cfg, src, "http://dead.test/a"))
    assert "robots.txt unavailable" in caplog.text
    assert res.status is None and "ConnectError" in (res.error or "")
    assert f.requests == 2


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- retries ----------------------------------------------------------------------------
def test_retry_after_on_503_then_success() -> None:
    cfg = CrawlerConfig(delay=0.0, retries=3, backoff=0.5, respect_robots=False)
    with TestServer() as srv:
        srv.route(
            "/p",
            [
                Response(503, headers={"Retry-After": "2"}),
                Response(503, headers={"Retry-After": "2"}),
                Response(200, body=b"finally"),
            ],
        )
        sleeps = Sleeps()
        res, f = run(fetch_one(cfg, source(srv), "http://site.test/p", sleep=sleeps))
    assert res.ok and res.body == b"finally"
    assert res.attempts == 3 and f.requests == 3
    assert sleeps.waits == [2.0, 2.0]


def test_retry_after_http_date_on_429_is_capped() -> None:
    cfg = CrawlerConfig(delay=0.0, retries=2, max_retry_after=3.0, respect_robots=False)
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=3600), usegmt=True)
    with TestServer() as srv:
        srv.route("/p", [Response(429, headers={"Retry-After": later}), Response(200, body=b"y")])
        sleeps = Sleeps()
        res, _ = run(fetch_one(cfg, source(srv), "http://site.test/p", sleep=sleeps))
    assert res.ok and sleeps.waits == [3.0]


def test_backoff_doubles_and_gives_up() -> None:
    cfg = CrawlerConfig(delay=0.0, retries=3, backoff=0.5, respect_robots=False)
    with TestServer() as srv:
        srv.route("/p", Response(502, body=b"bad gateway"))
        srv.route("/missing", Response(404))
        sleeps = Sleeps()

        async def go() -> tuple[Any, Any]:
            async with Fetcher(cfg, source(srv), sleep=sleeps) as f:
                return await f.fetch("http://site.test/p"), await f.fetch(
                    "http://site.test/missing"
                )

        res, missing = run(go())
    assert sleeps.waits == [0.5, 1.0, 2.0]
    assert res.status == 502 and res.attempts == 4 and not res.ok
    assert "HTTP 502 (gave up after 4 attempts)" == res.error
    assert missing.status == 404 and missing.gone and missing.attempts == 1
    assert missing.error is None


def test_timeout_on_stalled_server_is_retried() -> None:
    cfg = CrawlerConfig(delay=0.0, retries=1, timeout=0.2, respect_robots=False)
    with TestServer() as srv:
        srv.route("/stall", Response(stall=True))
        sleeps = Sleeps()
        res, f = run(fetch_one(cfg, source(srv), "http://site.test/stall", sleep=sleeps))
    assert res.status is None and res.attempts == 2 and f.requests == 2
    assert "timed out (ReadTimeout)" in (res.error or "") and "gave up after 2 attempts" in (
        res.error or ""
    )
    assert len(sleeps.waits) == 1


def test_truncated_body_times_out() -> None:
    cfg = CrawlerConfig(delay=0.0, retries=0, timeout=0.2, respect_robots=False)
    with TestServer() as srv:
        srv.route("/half", Response(200, body=b"x" * 100, content_length=1000))
        res, _ = run(fetch_one(cfg, source(srv), "http://site.test/half"))
    assert res.status is None and "timed out" in (res.error or "")


def test_connection_refused_is_data() -> None:
    cfg = CrawlerConfig(delay=0.0, retries=2, respect_robots=False)
    src = SourceConfig(
        name="t",
        start_urls=("http://dead.test/",),
        hosts=("dead.test",),
        connect_to={"dead.test": f"127.0.0.1:{_closed_port()}"},
    )
    sleeps = Sleeps()
    res, _ = run(fetch_one(cfg, src, "http://dead.test/a", sleep=sleeps))
    assert res.status is None and res.attempts == 3 and "ConnectError" in (res.error or "")


def test_mock_transport_read_error_mid_body() -> None:
    """A connection reset after the headers: a fault our test server can't easily produce."""

    class Broken(httpx.AsyncByteStream):
        async def __aiter__(self):  # type: ignore[override]
            yield b"partial"
            raise httpx.ReadError("connection reset by peer")

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=Broken())

    cfg = CrawlerConfig(delay=0.0, retries=1, respect_robots=False)
    src = SourceConfig(name="t", start_urls=("http://m.test/",), hosts=("m.test",))
    sleeps = Sleeps()
    res, _ = run(
        fetch_one(cfg, src, "http://m.test/a", transport=httpx.MockTransport(handler), sleep=sleeps)
    )
    assert res.status is None and res.attempts == 2 and "ReadError" in (res.error or "")


def test_unresolvable_name_is_not_retried() -> None:
    """DNS failure (a fault a loopback server can't produce): one attempt, the cause named."""
    import socket

    def handler(request: httpx.Request) -> httpx.Response:
        try:
            raise socket.gaierror(-2, "Name or service not known")
        except socket.gaierror as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc

    cfg = CrawlerConfig(delay=0.0, retries=3, respect_robots=False)
    src = SourceConfig(name="t", start_urls=("http://m.test/",), hosts=("m.test",))
    res, _ = run(
        fetch_one(
            cfg, src, "http://m.test/a", transport=httpx.MockTransport(handler), sleep=Sleeps()
        )
    )
    assert res.status is None and res.attempts == 1
    assert "Name or service not known" in (res.error or "")


# -- conditional GET, size cap ----------------------------------------------------------
def test_conditional_get_304() -> None:
    lm = "Wed, 21 Oct 2015 07:28:00 GMT"

    def handler(req: Request) -> Response:
        if req.headers.get("if-none-match") == '"v1"' or req.headers.get("if-modified-since") == lm:
            return Response(304, headers={"ETag": '"v1"'})
        return Response(200, body=b"full", headers={"ETag": '"v1"', "Last-Modified": lm})

    with TestServer() as srv:
        srv.route("/p", handler)
        src = source(srv)

        async def go() -> list[Any]:
            async with Fetcher(FAST, src) as f:
                return [
                    await f.fetch("http://site.test/p"),
                    await f.fetch("http://site.test/p", etag='"v1"'),
                    await f.fetch("http://site.test/p", last_modified=lm),
                ]

        full, by_etag, by_date = run(go())
    assert full.status == 200 and full.body == b"full"
    for res in (by_etag, by_date):
        assert res.status == 304 and res.not_modified and res.body == b"" and res.error is None
    assert srv.requests[-2].headers["if-none-match"] == '"v1"'
    assert srv.requests[-1].headers["if-modified-since"] == lm


@pytest.mark.parametrize("declared", [None, -1])
def test_size_cap(declared: int | None) -> None:
    cfg = CrawlerConfig(delay=0.0, max_bytes=1000, respect_robots=False)
    with TestServer() as srv:
        srv.route("/big", Response(200, body=b"x" * 5000, content_length=declared))
        srv.route("/small", Response(200, body=b"x" * 1000))
        src = source(srv)

        async def go() -> tuple[Any, Any]:
            async with Fetcher(cfg, src) as f:
                return await f.fetch("http://site.test/big"), await f.fetch(
                    "http://site.test/small"
                )

        big, small = run(go())
    assert big.status == 200 and not big.ok and big.body == b""
    assert big.error == "response exceeds 1000 bytes (http://site.test/big)"
    assert small.ok and len(small.body) == 1000


def test_size_cap_applies_to_decompressed_body() -> None:
    cfg = CrawlerConfig(delay=0.0, max_bytes=10_000, respect_robots=False)
    bomb = gzip.compress(b"\0" * 1_000_000)
    with TestServer() as srv:
        srv.route("/bomb", Response(200, body=bomb, headers={"Content-Encoding": "gzip"}))
        res, _ = run(fetch_one(cfg, source(srv), "http://site.test/bomb"))
    assert res.status == 200 and "exceeds 10000 bytes" in (res.error or "")


# -- redirects --------------------------------------------------------------------------
def test_redirect_within_hosts() -> None:
    with TestServer() as srv:
        srv.route("/old", Response(301, headers={"Location": "http://www.site.test/new#frag"}))
        srv.route("/new", Response(302, headers={"Location": "/newer"}))
        srv.route("/newer", Response(200, body=b"here"))
        src = source(srv, "site.test", "www.site.test")
        res, _ = run(fetch_one(FAST, src, "http://site.test/old"))
    assert res.ok and res.body == b"here"
    assert res.url == "http://site.test/old"
    assert res.final_url == "http://www.site.test/newer"
    assert [r.host for r in srv.requests if r.path != "/robots.txt"] == [
        "site.test",
        "www.site.test",
        "www.site.test",
    ]


def test_redirect_loop_and_too_many() -> None:
    cfg = CrawlerConfig(delay=0.0, max_redirects=3, respect_robots=False)
    with TestServer() as srv:
        srv.route("/a", Response(302, headers={"Location": "/b"}))
        srv.route("/b", Response(302, headers={"Location": "/a"}))
        for i in range(10):
            srv.route(f"/r{i}", Response(302, headers={"Location": f"/r{i + 1}"}))
        src = source(srv)

        async def go() -> tuple[Any, Any]:
            async with Fetcher(cfg, src) as f:
                return await f.fetch("http://site.test/a"), await f.fetch("http://site.test/r0")

        loop, many = run(go())
    assert loop.status == 302 and not loop.ok
    assert (
        loop.error
        == "redirect loop: http://site.test/b -> http://site.test/a (from http://site.test/a)"
    )
    assert many.status == 302 and "too many redirects (more than 3)" in (many.error or "")
    assert "http://site.test/r0" in (many.error or "")
    assert many.attempts == 4


def test_redirect_to_foreign_host_is_not_followed() -> None:
    with TestServer() as srv, TestServer(host="127.0.0.2") as foreign:
        foreign.route("/", Response(200, body=b"elsewhere"))
        srv.route("/away", Response(302, headers={"Location": foreign.url("/")}))
        srv.route("/mail", Response(302, headers={"Location": "mailto:x@site.test"}))
        src = source(srv)

        async def go() -> tuple[Any, Any]:
            async with Fetcher(FAST, src) as f:
                return await f.fetch("http://site.test/away"), await f.fetch(
                    "http://site.test/mail"
                )

        away, mail = run(go())
        assert foreign.requests == []
    assert away.status == 302 and away.final_url == "http://site.test/away"
    assert away.error == (
        f"redirect to disallowed host 127.0.0.2 ({foreign.url('/')}) from http://site.test/away"
    )
    assert "non-http(s)" in (mail.error or "")


def test_redirect_hop_checks_robots() -> None:
    with TestServer() as srv:
        srv.route("/robots.txt", Response(200, body=b"User-agent: *\nDisallow: /intern/\n"))
        srv.route("/go", Response(302, headers={"Location": "/intern/x"}))
        res, _ = run(fetch_one(FAST, source(srv), "http://site.test/go"))
    assert res.status is None and "disallowed by robots.txt" in (res.error or "")
    assert "/intern/x" not in srv.paths()


def test_transports_share_one_verifying_tls_context() -> None:
    """A crawl makes a transport per source; the CA bundle is loaded once per process, and
    certificates are still checked."""
    import ssl

    from crawler.fetch.transports import CheckedHTTPTransport

    first, second = CheckedHTTPTransport(), CheckedHTTPTransport()
    contexts = {id(t._pool._ssl_context) for t in (first, second)}
    assert len(contexts) == 1
    context = first._pool._ssl_context
    assert context is not None and context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
