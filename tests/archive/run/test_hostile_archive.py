"""Hostile servers through a real crawl: every fault of ``tests/support/faultserver.py`` at once.

The sample site is crawled into an archive first; then a source whose ``extra_urls`` are
the fault routes (``hostile.test`` → the fault server via ``connect_to``) is crawled into
the same archive, under ``tracemalloc``. The run must finish, record every fault with its
URL in ``fetch_errors``, keep its delay between request starts (server's log), stay far
below the 50 MB page in memory, connect to nothing but loopback, and leave the sample
pages untouched.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlite_utils

from archive.run.crawl import CrawlStats, crawl_source
from archive.store.schema import open_archive
from crawler.config.settings import CrawlerConfig, SourceConfig, loads_config
from crawler.fetch.fetcher import Fetcher
from crawler.fetch.transports import system_resolve
from crawler.sample_site import SampleSite, ground_truth
from crawler.sample_site.demo import sample_config
from tests.support.factories import run_async as _run
from tests.support.faultserver import PRIVATE_REDIRECTS, UMLAUT_TITLE, FaultServer
from tests.support.httpserver import Response, TestServer

HOST = "hostile.test"
DELAY = 0.1
TIMEOUT = 0.3
MAX_BYTES = 2_000_000
HUGE = 50 * 1024 * 1024
#: request starts measured on the server may be a little closer than on the client
#: (accept and parse jitter of the threaded server)
JITTER = 0.02

FAULT_PATHS = [
    "/ok/1", "/ok/2", "/burst", "/burst-forever", "/retry-after", "/too-many", "/stall",
    "/drip", "/truncated-hang", "/truncated-close", "/huge", "/huge-stream", "/loop-a",
    "/chain/0", "/to-foreign", *PRIVATE_REDIRECTS, "/binary", "/cp1252-as-utf8",
    "/utf8-as-latin1", "/utf8-meta-latin1",
]  # fmt: skip
#: URL path → (status in fetch_errors, words the error message must contain)
EXPECTED_ERRORS: dict[str, tuple[int | None, str]] = {
    "/burst-forever": (502, "HTTP 502 (gave up after 2 attempts)"),
    "/too-many": (429, "HTTP 429 (gave up after 2 attempts)"),
    "/stall": (None, "timed out (ReadTimeout)"),
    "/drip": (None, f"timed out (total {TIMEOUT * 3:g}s)"),
    "/truncated-hang": (None, "timed out"),
    "/truncated-close": (None, "RemoteProtocolError"),
    "/huge": (200, f"response exceeds {MAX_BYTES} bytes"),
    "/huge-stream": (200, f"response exceeds {MAX_BYTES} bytes"),
    "/loop-a": (302, "redirect loop"),
    "/chain/0": (302, "too many redirects"),
    "/to-foreign": (302, "redirect to disallowed host 127.0.0.2"),
    "/to-private": (302, "redirect to private address 10.0.0.1 refused"),
    "/to-metadata": (302, "redirect to link-local address 169.254.169.254 refused"),
    "/to-private6": (302, "redirect to private address fd00::1 refused"),
    "/to-decimal": (302, "redirect to private address 10.0.0.1 refused"),
    "/binary": (200, "nothing extracted"),
}
SAVED = ["/ok/1", "/ok/2", "/burst", "/retry-after", "/cp1252-as-utf8", "/utf8-as-latin1",
         "/utf8-meta-latin1"]  # fmt: skip


class LoopbackOnly(httpx.AsyncBaseTransport):
    """The network, for loopback only: any other destination fails the test unsent."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport(retries=0)
        self.refused: list[str] = []
        #: (Host header, time.monotonic()) of every request as the crawler sends it
        self.sent: list[tuple[str, float]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            self.refused.append(str(request.url))
            raise AssertionError(f"request to a non-loopback address reached the network: {host}")
        self.sent.append((request.headers.get("host", ""), time.monotonic()))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def _hostile_config(port: int) -> str:
    urls = ", ".join(f'"http://{HOST}{p}"' for p in FAULT_PATHS)
    return f"""
[crawler]
contact = "test@example.org"
delay = {DELAY}
concurrency_per_host = 2
timeout = {TIMEOUT}
retries = 1
backoff = 0.05
max_retry_after = 5.0
max_bytes = {MAX_BYTES}
max_redirects = 3

[sources.hostile]
extra_urls = [{urls}]
# literal private addresses in scope (a careless config): only the address check stops them
hosts = ["{HOST}", "10.0.0.1", "169.254.169.254", "167772161"]
[sources.hostile.connect_to]
"{HOST}" = "127.0.0.1:{port}"
"""


@dataclass
class HostileRun:
    stats: CrawlStats
    db: sqlite_utils.Database
    server: FaultServer
    foreign: TestServer
    guard: LoopbackOnly
    before: dict[str, str]  # sample pages: url -> content_hash, before the hostile crawl
    peak: int  # tracemalloc peak during the hostile crawl


def _hashes(db: sqlite_utils.Database, source: str) -> dict[str, str]:
    rows = db.execute("SELECT url, content_hash FROM pages WHERE source = ?", [source])
    return dict(rows.fetchall())


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileRun]:
    db = open_archive(tmp_path_factory.mktemp("hostile") / "archive.db")
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        config = sample_config(site.port, delay=0.0, max_delay=0.01)
        crawl_source(db, config, config.source("sample"))
    before = _hashes(db, "sample")
    with (
        TestServer(host="127.0.0.2") as foreign,
        FaultServer(burst=1, foreign_url=foreign.url("/"), huge_bytes=HUGE) as server,
    ):
        foreign.route("/", Response(200, body=b"<html><h1>elsewhere</h1></html>"))
        config = loads_config(_hostile_config(server.port), "<hostile>")
        guard = LoopbackOnly()
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            stats = crawl_source(db, config, config.source("hostile"), transport=guard)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        yield HostileRun(stats, db, server, foreign, guard, before, peak)


@pytest.mark.slow
def test_every_fault_is_recorded_with_its_url(hostile: HostileRun) -> None:
    assert hostile.stats.status == "ok"
    rows = hostile.db.execute(
        "SELECT url, status, error FROM fetch_errors WHERE run_id = ?", [hostile.stats.run_id]
    ).fetchall()
    errors = {url: (status, error) for url, status, error in rows}
    assert set(errors) == {f"http://{HOST}{p}" for p in EXPECTED_ERRORS}
    for path, (status, words) in EXPECTED_ERRORS.items():
        got_status, message = errors[f"http://{HOST}{path}"]
        assert got_status == status, (path, message)
        assert words in message, (path, message)
    assert hostile.stats.errors == len(EXPECTED_ERRORS)


@pytest.mark.slow
def test_pages_between_the_faults_are_archived(hostile: HostileRun) -> None:
    saved = _hashes(hostile.db, "hostile")
    assert set(saved) == {f"http://{HOST}{p}" for p in SAVED}


@pytest.mark.slow
def test_retries_and_retry_after(hostile: HostileRun) -> None:
    srv = hostile.server
    assert srv.counts["/burst"] == 2  # one 503, then the page
    assert srv.counts["/burst-forever"] == 2  # retries = 1
    for path in ("/retry-after", "/too-many"):
        starts = sorted(r.started for r in srv.log if r.path == path)
        assert len(starts) == 2
        assert starts[1] - starts[0] >= srv.retry_after - JITTER, path


@pytest.mark.slow
def test_politeness_holds_towards_the_hostile_host(hostile: HostileRun) -> None:
    # As the crawler sends them (the politeness it enforces) ...
    sent = [t for host, t in hostile.guard.sent if host.split(":")[0] == HOST]
    assert len(sent) == hostile.stats.requests
    gaps = [b - a for a, b in zip(sent, sent[1:], strict=False)]
    assert min(gaps) >= DELAY - JITTER, sorted(gaps)[:3]
    # ... and as the server saw them (its threads may read a request line late under load,
    # so one gap can look shorter; on average they are spaced as sent).
    starts = hostile.server.starts(HOST)
    assert len(starts) == hostile.stats.requests
    assert (starts[-1] - starts[0]) / (len(starts) - 1) >= DELAY - JITTER


@pytest.mark.slow
def test_drip_and_huge_bodies_are_cut(hostile: HostileRun) -> None:
    srv = hostile.server
    # the total deadline cut each drip attempt after ~3 × timeout, i.e. ~9 bytes
    assert srv.counts["/drip"] == 2
    # the declared 50 MB page was refused from its header; the undeclared one read to the cap
    assert srv.counts["/huge"] == 1 and srv.counts["/huge-stream"] == 1


@pytest.mark.slow
def test_memory_stays_bounded(hostile: HostileRun) -> None:
    # the 50 MB page passes through at most max_bytes (2 MB) of buffer
    assert hostile.peak < HUGE / 5, f"peak {hostile.peak / 1e6:.1f} MB"


@pytest.mark.slow
def test_nothing_but_loopback_was_contacted(hostile: HostileRun) -> None:
    assert hostile.guard.refused == []
    assert hostile.foreign.requests == []


@pytest.mark.slow
def test_sample_archive_is_untouched(hostile: HostileRun) -> None:
    after = _hashes(hostile.db, "sample")
    assert after == hostile.before
    assert set(after) == set(ground_truth(1))
    assert hostile.db.execute("SELECT count(*) FROM pages").fetchone()[0] == len(after) + len(SAVED)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "n"),
    [
        ("/cp1252-as-utf8", 1),
        ("/utf8-meta-latin1", 3),
        ("/utf8-as-latin1", 2),
    ],
)
def test_wrong_charset_still_reads(hostile: HostileRun, path: str, n: int) -> None:
    row = hostile.db.execute(
        "SELECT title, body FROM pages WHERE url = ?", [f"http://{HOST}{path}"]
    ).fetchone()
    title, body = row
    assert title == f"{UMLAUT_TITLE} ({n})"
    assert "Grünflächenamt der Stadt Rüsselsheim" in body and "Ã" not in body


# -- literal private addresses: refused before any request (no network at all) ------------
PRIVATE_HOSTS = ["10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "224.0.0.1",
                 "0.0.0.0", "[fd00::1]", "[fe80::1]", "[::ffff:10.0.0.1]", "167772161",
                 "0x0a000001", "10.1"]  # fmt: skip


def _mock(seen: list[str]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        try:
            addr = ipaddress.ip_address(request.url.host)
            bad = (addr.is_multicast or not addr.is_global) and not addr.is_loopback
        except ValueError:
            bad = False  # a name
        if bad:
            pytest.fail(f"request to a private address reached the transport: {request.url}")
        if request.url.path.startswith("/go/"):
            target = request.url.path.removeprefix("/go/")
            return httpx.Response(302, headers={"Location": f"http://{target}/x"})
        return httpx.Response(200, text="ok")

    return httpx.MockTransport(handler)


def test_private_literals_refused_in_urls_and_redirects() -> None:
    bare = [h.strip("[]") for h in PRIVATE_HOSTS]
    src = SourceConfig(name="t", start_urls=("http://site.test/",), hosts=("site.test", *bare))
    cfg = CrawlerConfig(delay=0.0, respect_robots=False)
    seen: list[str] = []

    async def go() -> list[Any]:
        async with Fetcher(cfg, src, transport=_mock(seen)) as f:
            direct = [await f.fetch(f"http://{h}/x") for h in PRIVATE_HOSTS]
            hops = [await f.fetch(f"http://site.test/go/{h}") for h in PRIVATE_HOSTS]
            return direct + hops

    results = _run(go())
    assert all(not r.ok for r in results)
    for res in results[: len(PRIVATE_HOSTS)]:
        assert res.status is None and "(not mapped by connect_to)" in (res.error or ""), res.error
    for res in results[len(PRIVATE_HOSTS) :]:
        assert res.status == 302 and " refused (" in (res.error or ""), res.error
    assert seen == [f"http://site.test/go/{h}" for h in PRIVATE_HOSTS]


def test_private_literal_mapped_by_connect_to_and_configured_loopback_pass() -> None:
    src = SourceConfig(
        name="t",
        start_urls=("http://10.0.0.1/",),
        hosts=("10.0.0.1", "127.0.0.2", "site.test"),
        connect_to={"10.0.0.1": "127.0.0.1:8080"},
    )
    cfg = CrawlerConfig(delay=0.0, respect_robots=False)
    seen: list[str] = []

    async def go() -> list[Any]:
        async with Fetcher(cfg, src, transport=_mock(seen)) as f:
            return [
                await f.fetch("http://10.0.0.1/a"),
                await f.fetch("http://127.0.0.2/b"),
                await f.fetch("http://site.test/go/10.0.0.1"),
            ]

    mapped, loopback, hop = _run(go())
    assert mapped.ok and loopback.ok and hop.ok, (mapped.error, loopback.error, hop.error)
    assert seen == [
        "http://127.0.0.1:8080/a",
        "http://127.0.0.2/b",
        "http://site.test/go/10.0.0.1",
        "http://127.0.0.1:8080/x",
    ]


def test_error_urls_kept_in_memory_are_capped(tmp_path: Path) -> None:
    from archive.run.crawl import MAX_ERROR_URLS

    n = MAX_ERROR_URLS + 20
    urls = ", ".join(f'"http://down.test/p{i}"' for i in range(n))
    config = loads_config(
        "[crawler]\ndelay = 0.0\nretries = 0\nrespect_robots = false\n"
        f"[sources.down]\nextra_urls = [{urls}]\n"
    )
    transport = httpx.MockTransport(lambda request: httpx.Response(500))
    db = open_archive(tmp_path / "archive.db")
    stats = crawl_source(db, config, config.source("down"), transport=transport, capture=False)
    assert stats.errors == n and len(stats.error_urls) == MAX_ERROR_URLS
    assert db.execute("SELECT count(*) FROM fetch_errors").fetchone()[0] == n


# -- host names: resolved by the crawler, refused if any address is not public ------------
def _resolver(table: dict[str, list[str]]) -> Any:
    async def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return table[host]

    return resolve


def test_names_resolving_to_private_addresses_are_refused() -> None:
    """The crawler resolves names itself: a fake resolver sends ``site.test`` to a real
    server on 127.0.0.1 and the other names to private addresses, which are refused
    before any connection is attempted."""
    with TestServer() as server:
        server.route("/ok", Response(body=b"ok"))
        server.route("/go", Response(302, headers={"Location": "http://intranet.test/x"}))
        names = {
            "site.test": ["127.0.0.1"],
            "intranet.test": ["10.0.0.7"],
            "metadata.test": ["169.254.169.254"],
            "mixed.test": ["127.0.0.1", "192.168.1.9"],
            "six.test": ["fd00::5"],
        }
        hosts = (*names, "gone.test")
        src = SourceConfig(name="t", start_urls=("http://site.test/",), hosts=hosts)
        cfg = CrawlerConfig(delay=0.0, respect_robots=False, retries=2)
        base = f":{server.port}"

        async def go() -> list[Any]:
            async with Fetcher(cfg, src, resolve=_resolver(names)) as f:
                bad = ["intranet.test", "metadata.test", "mixed.test", "six.test"]
                return [
                    await f.fetch(f"http://site.test{base}/ok"),
                    *[await f.fetch(f"http://{h}{base}/x") for h in bad],
                    await f.fetch(f"http://site.test{base}/go"),
                    await f.fetch(f"http://gone.test{base}/x"),
                ]

        ok, *refused, hop, gone = _run(go())
        # Connected to the checked address; the name stays in the Host header.
        assert ok.ok and ok.body == b"ok", ok.error
        assert server.requests[0].headers["host"] == f"site.test{base}"
        # Nothing but the two site.test requests reached the server.
        assert server.paths() == ["/ok", "/go"]
    for res, why in zip(
        refused,
        ["private address 10.0.0.7", "link-local address 169.254.169.254",
         "private address 192.168.1.9", "private address fd00::5"],
        strict=True,
    ):  # fmt: skip
        assert res.status is None and f"resolves to {why}" in (res.error or ""), res.error
        assert res.attempts == 1  # not retried
    # A redirect to such a name is followed to the connection, which is refused.
    assert hop.final_url == "http://intranet.test/x" and hop.status is None
    assert "resolves to private address 10.0.0.7" in (hop.error or "")
    assert gone.status is None and "cannot resolve gone.test" in (gone.error or "")
    assert gone.attempts == 1


def test_real_resolver_loopback_name_with_fallback() -> None:
    """``localhost`` through the system resolver reaches a server on 127.0.0.1 with
    ``Host: localhost`` (trying the next address when ``::1`` comes first and refuses)."""
    resolved: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        resolved.append(host)
        return ["::1", *await system_resolve(host, port)]  # ::1 first, as some hosts do

    with TestServer() as server:
        server.route("/page", Response(body=b"hello"))
        url = f"http://localhost:{server.port}/page"
        src = SourceConfig(name="t", start_urls=(url,), hosts=("localhost",))
        cfg = CrawlerConfig(delay=0.0, respect_robots=False)

        async def go() -> Any:
            async with Fetcher(cfg, src, resolve=resolve) as f:
                return await f.fetch(url)

        res = _run(go())
        assert res.ok and res.body == b"hello", res.error
        assert resolved == ["localhost"]
        assert server.requests[0].headers["host"] == f"localhost:{server.port}"


def test_names_are_resolved_in_their_ascii_form() -> None:
    """``straße.test`` is resolved as the Host header spells it (IDNA 2008, not the
    older ``strasse.test``); each name is resolved and connected for itself."""
    asked: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    with TestServer() as server:
        server.route("/x", Response(body=b"x"))
        hosts = ("straße.test", "a.test", "b.test")
        src = SourceConfig(name="t", start_urls=("http://a.test/",), hosts=hosts)
        cfg = CrawlerConfig(delay=0.0, respect_robots=False)

        async def go() -> list[Any]:
            async with Fetcher(cfg, src, resolve=resolve) as f:
                return [await f.fetch(f"http://{h}:{server.port}/x") for h in hosts]

        results = _run(go())
    assert all(r.ok for r in results), [r.error for r in results]
    assert asked == ["xn--strae-oqa.test", "a.test", "b.test"]
    assert [r.headers["host"].split(":")[0] for r in server.requests] == [
        "xn--strae-oqa.test", "a.test", "b.test",
    ]  # fmt: skip


def test_an_extractor_bug_is_recorded_as_an_extraction_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """An exception from ``extract`` (a bug, not a page without content) is a ``fetch_errors``
    row naming its type, counted in ``errors``, logged with its traceback; the crawl goes on."""
    import crawler.engine.crawl as engine

    page = "<html><head><title>T</title></head><body><h1>Titel</h1><p>Text.</p></body></html>"
    calls: list[str] = []

    def broken(url: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(url)
        if url.endswith("/bug"):
            raise TypeError("unsupported operand")
        return real(url, *args, **kwargs)

    real = engine.extract
    monkeypatch.setattr(engine, "extract", broken)
    config = loads_config(
        "[crawler]\ndelay = 0.0\nretries = 0\nrespect_robots = false\n"
        '[sources.s]\nextra_urls = ["http://s.test/bug", "http://s.test/ok"]\n'
    )
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, text=page, headers={"content-type": "text/html"})
    )
    db = open_archive(tmp_path / "archive.db")
    with caplog.at_level("ERROR", logger="crawler.engine.crawl"):
        stats = crawl_source(db, config, config.source("s"), transport=transport, capture=False)
    assert sorted(calls) == ["http://s.test/bug", "http://s.test/ok"]
    assert stats.errors == 1 and stats.error_urls == ["http://s.test/bug"]
    rows = list(db.execute("SELECT url, error FROM fetch_errors").fetchall())
    assert rows == [("http://s.test/bug", "extraction failed: TypeError: unsupported operand")]
    assert [r[0] for r in db.execute("SELECT url FROM pages").fetchall()] == ["http://s.test/ok"]
    assert any(r.exc_info and r.exc_info[0] is TypeError for r in caplog.records)
