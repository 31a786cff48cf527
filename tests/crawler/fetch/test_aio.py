"""The aiohttp connection layer (``crawler.fetch.aio``) on its own: the resolver's checks
and ``connect_to``, headers longer than aiohttp's default limit, keep-alive, and its
failures raised as httpx's. The fetcher's behaviour on both layers: ``test_fetch.py`` and
``test_hostile.py`` (run on each, ``conftest.py``)."""

from __future__ import annotations

import socket
import threading

import httpx
import pytest

from crawler.fetch.aio import AiohttpTransport, CheckedResolver
from crawler.fetch.transports import AddressRefused
from tests.support.factories import run_async as run
from tests.support.httpserver import Response, TestServer


async def _table(host: str, port: int) -> list[str]:
    table = {"pub.test": ["127.0.0.1"], "lan.test": ["127.0.0.1", "192.168.7.7"]}
    if host not in table:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return table[host]


class RawServer:
    """HTTP/1.1 on 127.0.0.1 from a socket: each connection answers ``reply`` to every
    request it reads (keep-alive), counting the connections it accepted."""

    def __init__(self, reply: bytes) -> None:
        self.reply = reply
        self.connections = 0
        self.heads: list[bytes] = []  # each request's head as it arrived
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while True:
                try:
                    chunk = conn.recv(65536)
                except OSError:
                    return
                if not chunk:
                    return
                data += chunk
                while b"\r\n\r\n" in data:
                    head, data = data.split(b"\r\n\r\n", 1)
                    self.heads.append(head)
                    conn.sendall(self.reply)

    def close(self) -> None:
        self.sock.close()


def test_resolver_maps_checks_and_refuses() -> None:
    resolver = CheckedResolver(_table, {"Site.Test": "127.0.0.9:8081", "v6.test": "[::1]:81"})

    async def go() -> list[object]:
        out: list[object] = [
            await resolver.resolve("site.test.", 80),
            await resolver.resolve("v6.test", 80),
            await resolver.resolve("pub.test", 8080),
        ]
        for name in ("lan.test", "nowhere.test"):
            try:
                await resolver.resolve(name, 80)
            except httpx.TransportError as exc:
                out.append(exc)
        return out

    site, six, pub, lan, nowhere = run(go())
    assert [(r["host"], r["port"], r["hostname"]) for r in site] == [  # type: ignore[attr-defined]
        ("127.0.0.9", 8081, "site.test.")
    ]
    assert [(r["host"], r["port"], r["family"]) for r in six] == [  # type: ignore[attr-defined]
        ("::1", 81, socket.AF_INET6)
    ]
    assert [(r["host"], r["port"]) for r in pub] == [("127.0.0.1", 8080)]  # type: ignore[attr-defined]
    assert isinstance(lan, AddressRefused) and "private address 192.168.7.7" in str(lan)
    assert isinstance(nowhere, httpx.ConnectError) and "cannot resolve nowhere.test" in str(nowhere)
    assert isinstance(nowhere.__cause__, socket.gaierror)  # the fetcher does not retry it


def _get(transport: AiohttpTransport, url: str, timeout: float = 5.0) -> httpx.Response:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, timeout=timeout) as client:
            response = await client.get(url)
            await response.aread()
            return response

    return run(go())


def _contents(transport: AiohttpTransport, url: str, times: int) -> list[bytes]:
    """The bodies of ``times`` GETs of ``url`` through one client."""

    async def go() -> list[bytes]:
        async with httpx.AsyncClient(transport=transport) as client:
            return [(await client.get(url)).content for _ in range(times)]

    return run(go())


def test_long_headers_keep_alive_and_the_name_in_host() -> None:
    """A 20 KB header (real sites send long cookies and policies; aiohttp's default limit
    is 8 KB) passes; ``Host`` keeps the mapped name; two requests to a name share one
    connection."""
    with TestServer() as server:
        server.route("/a", Response(body=b"a" * 3000, headers={"X-Policy": "p" * 20_000}))
        transport = AiohttpTransport(_table, {"site.test": f"127.0.0.1:{server.port}"})
        first = _get(transport, "http://site.test/a")
        assert first.status_code == 200 and first.content == b"a" * 3000
        assert first.headers["x-policy"] == "p" * 20_000
        assert [r.headers["host"] for r in server.requests] == ["site.test"]
    raw = RawServer(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    try:
        transport = AiohttpTransport(_table, {"site.test": f"127.0.0.1:{raw.port}"})
        assert _contents(transport, "http://site.test/", 3) == [b"ok"] * 3
        assert raw.connections == 1
    finally:
        raw.close()


def test_gzip_is_decoded_by_httpx_and_counted_as_sent() -> None:
    import gzip

    body = gzip.compress(b"<p>hallo</p>" * 100)
    with TestServer() as server:
        server.route("/z", Response(body=body, headers={"Content-Encoding": "gzip"}))
        response = _get(AiohttpTransport(), server.url("/z"))
    assert response.content == b"<p>hallo</p>" * 100
    assert response.num_bytes_downloaded == len(body)


@pytest.mark.parametrize(
    ("route", "error"),
    [
        (Response(stall=True), httpx.ReadTimeout),
    ],
)
def test_failures_are_httpx_exceptions(route: Response, error: type[Exception]) -> None:
    with TestServer() as server:
        server.route("/f", route)
        with pytest.raises(error):
            _get(AiohttpTransport(), server.url("/f"), timeout=0.3)
        server.release()


def test_garbage_answer_is_a_protocol_error() -> None:
    raw = RawServer(b"SPAM SPAM SPAM\r\n\r\n")
    try:
        with pytest.raises(httpx.RemoteProtocolError):
            _get(AiohttpTransport(), f"http://127.0.0.1:{raw.port}/")
    finally:
        raw.close()


def test_refused_connection_is_connect_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed when the block ends: nothing listens there
    with pytest.raises(httpx.ConnectError):
        _get(AiohttpTransport(), f"http://127.0.0.1:{port}/")


def test_closing_an_unread_response_closes_its_connection() -> None:
    body = b"y" * 500_000
    raw = RawServer(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
    try:
        transport = AiohttpTransport()
        url = f"http://127.0.0.1:{raw.port}/"

        async def go() -> list[int]:
            async with httpx.AsyncClient(transport=transport) as client:
                async with client.stream("GET", url) as response:
                    async for _chunk in response.aiter_raw():
                        break  # one chunk read, the rest left
                return [len((await client.get(url)).content) for _ in range(2)]

        assert run(go()) == [500_000, 500_000]
        assert raw.connections == 2  # a new one after the unread response; then reused
    finally:
        raw.close()


def test_a_mapped_ip_literal_goes_to_its_target() -> None:
    """aiohttp never resolves an IP literal, so the transport puts the ``connect_to``
    target of one in the URL itself: nothing listens on 127.0.0.3 at that port, the mapped
    server answers, and ``Host`` keeps the literal."""
    raw = RawServer(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nmapped")
    try:
        transport = AiohttpTransport(_table, {"127.0.0.3": f"127.0.0.1:{raw.port}"})
        response = _get(transport, f"http://127.0.0.3:{_closed_port()}/x")
        assert response.content == b"mapped"
        assert b"Host: 127.0.0.3:" in raw.heads[0]
    finally:
        raw.close()


def test_the_url_goes_out_as_httpx_wrote_it() -> None:
    """No requoting on the way (aiohttp's URL parsing would decode ``%41``, ``%7e`` and a
    query's ``%2F``): the request line is the one in the WARC request record."""
    raw = RawServer(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    try:
        path = "/ab%41/x?k=%2F%3A%7e&z=%C3%A4"
        _get(AiohttpTransport(), f"http://127.0.0.1:{raw.port}{path}")
        assert raw.heads[0].split(b"\r\n")[0] == f"GET {path} HTTP/1.1".encode()
    finally:
        raw.close()


def test_an_answer_aiohttp_refuses_is_asked_of_httpx_and_its_host_stays_there(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A ``Content-Length`` sent twice (old servers do; h11 reads it): the page arrives,
    through httpx's transport, which then serves that host (logged once)."""
    raw = RawServer(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok")
    try:
        transport = AiohttpTransport(_table, {"site.test": f"127.0.0.1:{raw.port}"})
        with caplog.at_level("INFO", logger="crawler.fetch.aio"):
            assert _contents(transport, "http://site.test/p", 2) == [b"ok", b"ok"]
        assert len(raw.heads) == 3  # refused once, then httpx twice
        assert [r.message.count("httpx's transport") for r in caplog.records] == [1]
    finally:
        raw.close()


def test_a_closed_transport_refuses_to_send() -> None:
    transport = AiohttpTransport()
    run(transport.aclose())
    with pytest.raises(RuntimeError, match="closed"):
        _get(transport, "http://127.0.0.1:9/")


def test_a_validator_with_bytes_beyond_ascii_makes_an_unconditional_fetch() -> None:
    """An ETag sent with a latin-1 byte is stored as text that cannot go back in a header:
    the next fetch goes without it instead of raising."""
    from crawler.config.settings import CrawlerConfig, SourceConfig
    from crawler.fetch.fetcher import Fetcher

    raw = RawServer(b'HTTP/1.1 200 OK\r\nETag: "caf\xe9"\r\nContent-Length: 2\r\n\r\nok')
    try:
        src = SourceConfig(
            name="t", start_urls=("http://site.test/",), hosts=("site.test",),
            connect_to={"site.test": f"127.0.0.1:{raw.port}"},
        )  # fmt: skip

        async def go() -> list[object]:
            async with Fetcher(CrawlerConfig(delay=0.0, respect_robots=False), src) as f:
                first = await f.fetch("http://site.test/")
                return [first, await f.fetch("http://site.test/", etag=first.headers["etag"])]

        first, second = run(go())
        assert first.headers["etag"] == '"caf\xe9"'  # type: ignore[attr-defined]
        assert second.status == 200 and second.body == b"ok"  # type: ignore[attr-defined]
        assert b"if-none-match" not in raw.heads[1].lower()
    finally:
        raw.close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
