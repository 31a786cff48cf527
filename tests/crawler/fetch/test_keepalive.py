"""Idle connections outlive the politeness delay (``transports.keepalive_for``): a crawl
whose requests to a host are further apart than a fixed expiry (httpx's 5 s) would open a
connection, with its handshakes, for every request. Runs on both connection layers
(``conftest.py``); the expiry is scaled down so the test waits fractions of a second."""

from __future__ import annotations

import pytest

from crawler.config.settings import CrawlerConfig, SourceConfig
from crawler.fetch import transports
from crawler.fetch.fetcher import Fetcher
from tests.crawler.fetch.test_aio import RawServer
from tests.support.factories import run_async as run

OK = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"


def test_keepalive_for_is_the_delay_and_a_margin_within_bounds() -> None:
    assert transports.keepalive_for(0) == transports.KEEPALIVE
    assert transports.keepalive_for(8.0) == 8.0 + transports.KEEPALIVE
    assert transports.keepalive_for(3600) == transports.MAX_KEEPALIVE


def _connections(delay: float) -> int:
    """Connections a server accepted for three fetches of one host ``delay`` s apart."""
    server = RawServer(OK)
    src = SourceConfig(
        name="t", hosts=("site.test",), scheme="http",
        connect_to={"site.test": f"127.0.0.1:{server.port}"},
    )  # fmt: skip
    cfg = CrawlerConfig(delay=delay, timeout=5.0, respect_robots=False, contact="t@example.org")

    async def go() -> list[int | None]:
        async with Fetcher(cfg, src) as fetcher:
            return [(await fetcher.fetch(f"http://site.test/{i}")).status for i in range(3)]

    try:
        assert run(go()) == [200, 200, 200]
        return server.connections
    finally:
        server.close()


def test_a_connection_idle_for_the_delay_is_used_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a margin of 0.05 s a fixed expiry would drop the connection during each 0.3 s
    pause; kept for the delay and the margin, one connection serves all three requests."""
    monkeypatch.setattr(transports, "KEEPALIVE", 0.05)
    assert _connections(delay=0.3) == 1


def test_without_a_delay_the_margin_alone_expires_idle_connections(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The control: the same fetches with no delay but an expiry shorter than the time
    between them (the margin 0 s: every idle connection is dropped) connect each time, so
    the test above counts connections that really could have expired."""
    monkeypatch.setattr(transports, "KEEPALIVE", 0.0)
    monkeypatch.setattr(transports, "MAX_KEEPALIVE", 0.0)
    assert _connections(delay=0.0) >= 2
