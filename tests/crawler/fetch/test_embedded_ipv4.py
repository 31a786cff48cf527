"""IPv6 addresses that carry an IPv4 address (NAT64, 6to4, Teredo, IPv4-compatible,
IPv4-mapped and -translated) are judged by that IPv4 address: as literal hosts, as
redirect targets, as DNS answers and through ``pressarchive extract``. No test connects
to such an address: the transport is a mock, or every connection attempt is caught."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import httpcore
import httpx
import pytest
from click.testing import CliRunner

from archive.cli.main import cli
from crawler.config.settings import CrawlerConfig, SourceConfig
from crawler.fetch.fetcher import Fetcher
from crawler.fetch.urls import non_public_address
from tests.support.factories import run_async

# (IPv6 literal, the IPv4 address inside it, what that IPv4 address is)
EMBEDDING = [
    ("64:ff9b::a00:1", "10.0.0.1", "private"),  # NAT64 well-known prefix
    ("64:ff9b::a9fe:a9fe", "169.254.169.254", "link-local"),  # NAT64 to cloud metadata
    ("64:ff9b::7f00:1", "127.0.0.1", "loopback"),  # NAT64 to the translator's loopback
    ("64:ff9b:1::c0a8:101", "192.168.1.1", "private"),  # RFC 8215 local use, /96 layout
    ("64:ff9b:1:a00:0:100::", "10.0.0.1", "private"),  # RFC 8215 local use, /48 layout
    ("2002:a00:1::1", "10.0.0.1", "private"),  # 6to4
    ("2002:a9fe:a9fe::", "169.254.169.254", "link-local"),  # 6to4
    ("::a00:1", "10.0.0.1", "private"),  # IPv4-compatible
    ("::ac10:504", "172.16.5.4", "private"),  # IPv4-compatible
    ("::ffff:0:a00:1", "10.0.0.1", "private"),  # IPv4-translated (SIIT)
    # Teredo: the client address 10.0.0.1 is stored inverted (f5ff:fffe)
    ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "10.0.0.1", "private"),
]
# The same forms around public IPv4 addresses pass (a NAT64 network reaches the web so).
PUBLIC = ["64:ff9b::808:808", "64:ff9b:1::808:808", "2002:808:808::", "::808:808", "::1"]


@pytest.mark.parametrize(("v6", "v4", "kind"), EMBEDDING)
def test_embedded_ipv4_is_judged(v6: str, v4: str, kind: str) -> None:
    why = non_public_address(f"[{v6}]")
    assert why == f"{kind} address {v4} (embedded in {ipaddress.ip_address(v6)})"


def test_embedded_public_ipv4_passes() -> None:
    assert [non_public_address(h) for h in PUBLIC] == [None] * len(PUBLIC)


def _mock(seen: list[str]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path.startswith("/go/"):
            target = request.url.path.removeprefix("/go/")
            return httpx.Response(302, headers={"Location": f"http://[{target}]/x"})
        return httpx.Response(200, text="ok")

    return httpx.MockTransport(handler)


def test_embedding_literals_refused_in_urls_and_redirects() -> None:
    hosts = [v6 for v6, _v4, _kind in EMBEDDING]
    src = SourceConfig(name="t", start_urls=("http://site.test/",), hosts=("site.test", *hosts))
    cfg = CrawlerConfig(delay=0.0, respect_robots=False)
    seen: list[str] = []

    async def go() -> list[Any]:
        async with Fetcher(cfg, src, transport=_mock(seen)) as f:
            direct = [await f.fetch(f"http://[{h}]/x") for h in hosts]
            hops = [await f.fetch(f"http://site.test/go/{h}") for h in hosts]
            return direct + hops

    results = run_async(go())
    for res, (_v6, v4, _kind) in zip(results, EMBEDDING + EMBEDDING, strict=True):
        assert not res.ok and f"address {v4} (embedded in " in (res.error or ""), res.error
    assert seen == [f"http://site.test/go/{h}" for h in hosts]  # no request to them


def test_names_resolving_to_embedding_addresses_are_refused() -> None:
    """A DNS64 answer for an internal name: refused before any connection."""
    connected: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        return {"nat64.test": ["64:ff9b::a9fe:a9fe"], "sixtofour.test": ["2002:a00:1::"]}[host]

    async def no_connect(self: Any, host: str, port: int, **kwargs: Any) -> Any:
        connected.append(host)
        raise httpcore.ConnectError("test: no connections")

    src = SourceConfig(
        name="t", start_urls=("http://nat64.test/",), hosts=("nat64.test", "sixtofour.test")
    )
    cfg = CrawlerConfig(delay=0.0, respect_robots=False)
    mp = pytest.MonkeyPatch()
    mp.setattr(httpcore.AnyIOBackend, "connect_tcp", no_connect)
    try:

        async def go() -> list[Any]:
            async with Fetcher(cfg, src, resolve=resolve) as f:
                return [
                    await f.fetch("http://nat64.test/x"),
                    await f.fetch("http://sixtofour.test/"),
                ]

        nat64, sixtofour = run_async(go())
    finally:
        mp.undo()
    assert connected == []
    assert "resolves to link-local address 169.254.169.254 (embedded in" in (nat64.error or "")
    assert "resolves to private address 10.0.0.1 (embedded in" in (sixtofour.error or "")


def test_extract_refuses_nat64_url_before_connecting(monkeypatch: pytest.MonkeyPatch) -> None:
    """``pressarchive extract http://[64:ff9b::a00:1]/``: one line, exit 1 (the work
    failed, as for http://10.0.0.1/), and no connection attempted."""
    connected: list[str] = []

    async def no_connect(self: Any, host: str, port: int, **kwargs: Any) -> Any:
        connected.append(host)
        raise httpcore.ConnectError("test: no connections")

    monkeypatch.setattr(httpcore.AnyIOBackend, "connect_tcp", no_connect)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: pytest.fail("connect"))
    results = [
        CliRunner().invoke(cli, ["extract", url])
        for url in ("http://10.0.0.1/", "http://[64:ff9b::a00:1]/")
    ]
    assert connected == []
    for result in results:
        assert result.exit_code == 1, result.output
        assert len(result.output.strip().splitlines()) == 1, result.output
    assert "refused private address 10.0.0.1 (embedded in 64:ff9b::a00:1)" in results[1].output
