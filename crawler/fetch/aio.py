"""An httpx transport on aiohttp's connection pool: the crawl's HTTP/1.1 client.

httpx builds the requests and reads the responses (the :class:`~crawler.fetch.fetcher.Fetcher`
keeps its whole API: headers, timeouts, decoding, the exceptions it handles); the bytes go
through aiohttp, whose C HTTP parser and plain asyncio protocol cost a fraction of
httpcore's h11 and anyio streams per request (``bench/transports.py``; issue 17, with
encode/httpx#3215). Keep-alive per host name, as httpx's pool.

Where connections go is decided as by :class:`~crawler.fetch.transports.CheckedNetworkBackend`:
:class:`CheckedResolver` resolves every host *name* itself, refuses it when any address is
not globally routable (:class:`~crawler.fetch.transports.AddressRefused`) and gives aiohttp
the checked addresses to connect to, in order (so a second DNS answer cannot swap in a
private address); a ``connect_to`` mapping (``name → ip:port``) answers for its names, and
the URL, ``Host`` header and TLS name keep the name. IP literals are never resolved (the
URL policy decides about them, as before).

aiohttp's failures are raised as the httpx exceptions httpx's own transport raises for the
same failure (:func:`_as_httpx`), so the fetcher's retries and messages stay the same.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp
import httpx
from aiohttp.abc import AbstractResolver, ResolveResult

from crawler.fetch.transports import (
    AddressRefused,
    Resolve,
    shared_ssl_context,
    system_resolve,
)
from crawler.fetch.urls import non_public_address

#: the longest response header line / field aiohttp accepts (its default, 8 KB, refuses
#: real sites' long cookies and Content-Security-Policy headers; h11 allows 100 KB in all)
MAX_HEADER_BYTES = 64 * 1024
#: bytes a chunk of the response body at most
CHUNK = 64 * 1024
#: seconds an idle keep-alive connection stays open (httpx's pool: 5)
KEEPALIVE = 5.0


class CheckedResolver(AbstractResolver):
    """aiohttp resolver: ``connect_to`` names to their ``ip:port``; other names resolved
    by ``resolve`` and refused when any address is not public."""

    def __init__(self, resolve: Resolve, connect_to: dict[str, str] | None = None) -> None:
        self.resolve_names = resolve
        self.mapping: dict[str, tuple[str, int]] = {}
        for name, target in (connect_to or {}).items():
            ip, _, port = target.rpartition(":")
            self.mapping[name.lower().rstrip(".")] = (ip.strip("[]"), int(port))

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        mapped = self.mapping.get(host.lower().rstrip("."))
        if mapped is not None:
            return [_result(host, *mapped)]
        try:
            addresses = await self.resolve_names(host, port)
        except (OSError, UnicodeError) as exc:
            # a ConnectError caused by the gaierror: the fetcher does not retry it
            raise httpx.ConnectError(f"cannot resolve {host}: {exc}") from exc
        if not addresses:
            raise httpx.ConnectError(f"cannot resolve {host}: no addresses")
        for address in addresses:
            why = non_public_address(address)
            if why:
                raise AddressRefused(f"refused {host}: it resolves to {why}")
        return [_result(host, address, port) for address in addresses]

    async def close(self) -> None:
        return None


def _result(name: str, address: str, port: int) -> ResolveResult:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    return ResolveResult(hostname=name, host=address, port=port, family=family, proto=0, flags=0)


class AiohttpTransport(httpx.AsyncBaseTransport):
    """httpx transport over one ``aiohttp.ClientSession`` (made on first use, in the
    running loop): no redirects, no decoding (httpx decodes), no cookies (httpx's client
    keeps them), the shared TLS context, at most ``max_connections`` connections."""

    def __init__(
        self,
        resolve: Resolve = system_resolve,
        connect_to: dict[str, str] | None = None,
        max_connections: int = 100,
    ) -> None:
        self.resolver = CheckedResolver(resolve, connect_to)
        self.max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(
                ssl=shared_ssl_context(),
                resolver=self.resolver,
                use_dns_cache=False,  # every connection resolves and checks, as before
                limit=self.max_connections,
                keepalive_timeout=KEEPALIVE,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,
                trust_env=False,
                max_line_size=MAX_HEADER_BYTES,
                max_field_size=MAX_HEADER_BYTES,
            )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeout = request.extensions.get("timeout", {})
        content = request.content or None  # GETs: no body
        with _as_httpx(request, "connect"):
            response = await self._open().request(
                request.method,
                str(request.url),
                headers=[
                    (k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw
                ],
                data=content,
                allow_redirects=False,
                compress=None,
                skip_auto_headers=("User-Agent", "Accept-Encoding", "Accept"),
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=timeout.get("pool"),
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                ),
            )
        version = response.version
        http_version = f"HTTP/{version.major}.{version.minor}" if version else "HTTP/1.1"
        return httpx.Response(
            status_code=response.status,
            headers=list(response.raw_headers),
            stream=_Body(response, request),
            extensions={
                "http_version": http_version.encode(),
                "reason_phrase": (response.reason or "").encode("latin-1", "replace"),
            },
            request=request,
        )

    async def aclose(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()


class _Body(httpx.AsyncByteStream):
    """The response body as it came (httpx counts and decodes it); closing it gives the
    connection back to the pool when the body was read to its end, else closes it."""

    def __init__(self, response: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self.response = response
        self.request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _as_httpx(self.request, "read"):
            async for chunk in self.response.content.iter_chunked(CHUNK):
                yield chunk

    async def aclose(self) -> None:
        if self.response.content.at_eof():
            self.response.release()
        else:
            self.response.close()


@contextmanager
def _as_httpx(request: httpx.Request, phase: str) -> Iterator[None]:
    """aiohttp's exceptions as the httpx ones its own transport raises (``phase``:
    ``"connect"`` while sending, ``"read"`` while reading the body)."""
    try:
        yield
    except (httpx.HTTPError, asyncio.CancelledError):
        raise
    except aiohttp.ConnectionTimeoutError as exc:
        raise httpx.ConnectTimeout(str(exc) or "connect timed out", request=request) from exc
    except (TimeoutError, aiohttp.ServerTimeoutError) as exc:
        cls: Any = httpx.ConnectTimeout if phase == "connect" and _no_response(exc) else None
        raise (cls or httpx.ReadTimeout)(str(exc) or "read timed out", request=request) from exc
    except aiohttp.ClientConnectorError as exc:
        raise httpx.ConnectError(str(exc), request=request) from exc
    except aiohttp.ServerDisconnectedError as exc:
        message = "Server disconnected without sending a response."
        raise httpx.RemoteProtocolError(message, request=request) from exc
    except (aiohttp.ClientPayloadError, aiohttp.ClientResponseError) as exc:
        raise httpx.RemoteProtocolError(str(exc), request=request) from exc
    except aiohttp.InvalidURL as exc:
        raise httpx.UnsupportedProtocol(str(exc), request=request) from exc
    except (aiohttp.ClientOSError, OSError) as exc:
        cls = httpx.ConnectError if phase == "connect" else httpx.ReadError
        raise cls(str(exc) or type(exc).__name__, request=request) from exc
    except aiohttp.ClientError as exc:
        raise httpx.RemoteProtocolError(str(exc) or type(exc).__name__, request=request) from exc


def _no_response(exc: BaseException) -> bool:
    return not isinstance(exc, aiohttp.SocketTimeoutError)


__all__ = ["AiohttpTransport", "CheckedResolver"]
