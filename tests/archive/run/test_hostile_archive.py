"""Hostile servers through a real crawl: every fault of ``tests/support/faultserver.py`` at once.

The sample site is crawled into an archive first; then a source whose ``extra_urls`` are
the fault routes (``hostile.test`` → the fault server via ``connect_to``) is crawled into
the same archive, under ``tracemalloc``. The run must finish, record every fault with its
URL in ``fetch_errors``, keep its delay between request starts (server's log), stay far
below the 50 MB page in memory, connect to nothing but loopback, and leave the sample
pages untouched. The fetcher's address checks without a crawl are in
``tests/crawler/fetch/test_hostile.py``; engine errors without an archive in
``tests/crawler/engine/test_engine_errors.py``.
"""

from __future__ import annotations

import ipaddress
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import sqlite_utils

from archive.run.crawl import CrawlStats, crawl_source
from archive.store.schema import open_archive
from crawler.config.settings import loads_config
from crawler.sample_site import SampleSite, ground_truth
from crawler.sample_site.demo import sample_config
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
        "SELECT url, status, error, kind FROM fetch_errors WHERE run_id = ?",
        [hostile.stats.run_id],
    ).fetchall()
    errors = {url: (status, error, kind) for url, status, error, kind in rows}
    assert set(errors) == {f"http://{HOST}{p}" for p in EXPECTED_ERRORS}
    for path, (status, words) in EXPECTED_ERRORS.items():
        got_status, message, kind = errors[f"http://{HOST}{path}"]
        assert got_status == status, (path, message)
        assert words in message, (path, message)
        # the kind column, not the message, tells what failed
        expected = (
            "nothing_extracted" if path == "/binary"
            else "http" if status is not None and status >= 400
            else "fetch"
        )  # fmt: skip
        assert kind == expected, (path, message, kind)
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
