"""Private and loopback addresses at the fetcher: literal addresses refused before any
request, names resolved by the crawler and refused when any address is not public, and the
``connect_to`` and loopback exceptions. The crawl through every fault of
``tests/support/faultserver.py`` (into an archive) is ``tests/archive/run/test_hostile_archive.py``.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import httpx
import pytest

from crawler.config.settings import CrawlerConfig, SourceConfig
from crawler.fetch.fetcher import Fetcher
from crawler.fetch.transports import system_resolve
from crawler.fetch.urls import UrlPolicy
from tests.support.factories import run_async as _run
from tests.support.httpserver import Response, TestServer

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
        to = f"http://intranet.test:{server.port}/x"
        server.route("/go", Response(302, headers={"Location": to}))
        names = {
            "site.test": ["127.0.0.1"],
            "intranet.test": ["10.0.0.7"],
            "metadata.test": ["169.254.169.254"],
            "mixed.test": ["127.0.0.1", "192.168.1.9"],
            "six.test": ["fd00::5"],
        }
        hosts = (*names, "gone.test")
        start = f"http://site.test:{server.port}/"  # the port is part of the site's origin
        src = SourceConfig(name="t", start_urls=(start,), hosts=hosts)
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
    assert hop.final_url == to and hop.status is None
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
        src = SourceConfig(name="t", start_urls=(f"http://a.test:{server.port}/",), hosts=hosts)
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


def test_credentials_in_redirects_are_dropped() -> None:
    """A redirect to ``user:password@`` on the site: followed without them; they appear in
    no URL of the result (which is stored) and in no request."""
    src = SourceConfig(name="t", start_urls=("http://site.test/",), hosts=("site.test",))
    cfg = CrawlerConfig(delay=0.0, respect_robots=False)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/go":
            return httpx.Response(302, headers={"Location": "http://admin:geheim@site.test/x"})
        return httpx.Response(200, text="ok")

    async def go() -> Any:
        async with Fetcher(cfg, src, transport=httpx.MockTransport(handler)) as f:
            return await f.fetch("http://site.test/go")

    res = _run(go())
    assert res.ok and res.final_url == "http://site.test/x"
    assert [str(r.url) for r in seen] == ["http://site.test/go", "http://site.test/x"]
    assert not [r for r in seen if "authorization" in r.headers]
    assert UrlPolicy(src).canonical("http://admin:geheim@site.test/y") == "https://site.test/y"
