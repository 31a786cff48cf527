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
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp
import httpx
import yarl
from aiohttp.abc import AbstractResolver, ResolveResult

from crawler.fetch.transports import (
    CheckedHTTPTransport,
    ConnectToTransport,
    Resolve,
    checked_addresses,
    connect_targets,
    host_key,
    keepalive_for,
    shared_ssl_context,
    system_resolve,
)
from crawler.fetch.urls import ip_literal

log = logging.getLogger(__name__)

#: the longest response header line / field aiohttp accepts (its default, 8 KB, refuses
#: real sites' long cookies and Content-Security-Policy headers; h11 allows 100 KB in all)
MAX_HEADER_BYTES = 64 * 1024
#: response header lines aiohttp accepts (its default: 128)
MAX_HEADERS = 256
#: bytes a chunk of the response body at most
CHUNK = 64 * 1024


class CheckedResolver(AbstractResolver):
    """aiohttp resolver: ``connect_to`` names to their ``ip:port``; other names resolved
    by ``resolve`` and refused when any address is not public."""

    def __init__(self, resolve: Resolve, connect_to: dict[str, str] | None = None) -> None:
        self.resolve_names = resolve
        #: host (:func:`~crawler.fetch.transports.host_key`) → (ip, port)
        self.mapping = connect_targets(connect_to or {})

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        mapped = self.mapping.get(host_key(host))
        if mapped is not None:
            return [_result(host, *mapped)]
        addresses = await checked_addresses(self.resolve_names, host, port, httpx.ConnectError)
        return [_result(host, address, port) for address in addresses]

    async def close(self) -> None:
        return None


def _result(name: str, address: str, port: int) -> ResolveResult:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    return ResolveResult(hostname=name, host=address, port=port, family=family, proto=0, flags=0)


class AiohttpTransport(httpx.AsyncBaseTransport):
    """httpx transport over one ``aiohttp.ClientSession`` (made on first use, in the
    running loop): no redirects, no decoding (httpx decodes), no cookies (httpx's client
    keeps them), the shared TLS context, at most ``max_connections`` connections.

    The URL goes out as httpx wrote it (aiohttp would requote it: ``%7E`` → ``~``,
    ``%2F`` in a query decoded), so the request line is the WARC request record's. A host
    that is an IP literal is never resolved, so its ``connect_to`` target is put in the
    URL here (the ``Host`` header and the TLS name keep the literal). aiohttp's parser is
    stricter than h11 (it refuses, for one, a ``Content-Length`` sent twice, as some old
    servers do): an answer it refuses is asked again, once, of httpx's own transport,
    which then serves that host for the rest of the transport's life (logged)."""

    def __init__(
        self,
        resolve: Resolve = system_resolve,
        connect_to: dict[str, str] | None = None,
        max_connections: int = 100,
        keepalive: float | None = None,
    ) -> None:
        self.resolver = CheckedResolver(resolve, connect_to)
        self.max_connections = max_connections
        #: seconds an idle connection stays open (default: :func:`keepalive_for` no delay)
        self.keepalive = keepalive_for(0) if keepalive is None else keepalive
        self.connect_to = dict(connect_to or {})
        self._session: aiohttp.ClientSession | None = None
        self._lenient_hosts: set[str] = set()
        self._lenient: httpx.AsyncBaseTransport | None = None
        self._closed = False

    def _open(self) -> aiohttp.ClientSession:
        if self._closed:
            raise RuntimeError("the transport is closed")
        if self._session is None:
            connector = aiohttp.TCPConnector(
                ssl=shared_ssl_context(),
                resolver=self.resolver,
                use_dns_cache=False,  # every connection resolves and checks, as before
                limit=self.max_connections,
                keepalive_timeout=self.keepalive,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,
                trust_env=False,
                max_line_size=MAX_HEADER_BYTES,
                max_field_size=MAX_HEADER_BYTES,
                max_headers=MAX_HEADERS,
            )
        return self._session

    def _httpx(self) -> httpx.AsyncBaseTransport:
        """httpx's own transport, for hosts whose answers aiohttp refuses."""
        if self._lenient is None:
            inner: httpx.AsyncBaseTransport = CheckedHTTPTransport(
                self.resolver.resolve_names, self.keepalive
            )
            if self.connect_to:
                inner = ConnectToTransport(inner, self.connect_to)
            self._lenient = inner
        return self._lenient

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = host_key(request.url.host)
        if host in self._lenient_hosts:
            return await self._httpx().handle_async_request(request)
        try:
            return await self._send(request, host)
        except _Refused as refused:
            log.info(
                "%s: aiohttp refused the answer (%s): asking again with httpx's transport, "
                "which serves this host from now on",
                request.url,
                refused.args[0],
            )
            self._lenient_hosts.add(host)
            return await self._httpx().handle_async_request(request)

    async def _send(self, request: httpx.Request, host: str) -> httpx.Response:
        timeout = request.extensions.get("timeout", {})
        url = yarl.URL(str(request.url), encoded=True)
        extra: dict[str, Any] = {}
        target = self.resolver.mapping.get(host)  # a mapped name goes through the resolver
        if target is not None and ip_literal(host) is not None:
            url = url.with_host(target[0]).with_port(target[1])
            extra["server_hostname"] = host
        with _as_httpx(request, "connect"):
            try:
                response = await self._open().request(
                    request.method,
                    url,
                    headers=[
                        (k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw
                    ],
                    data=request.content or None,  # GETs: no body
                    allow_redirects=False,
                    compress=None,
                    skip_auto_headers=("User-Agent", "Accept-Encoding", "Accept"),
                    timeout=aiohttp.ClientTimeout(
                        total=None,
                        connect=timeout.get("pool"),
                        sock_connect=timeout.get("connect"),
                        sock_read=timeout.get("read"),
                    ),
                    **extra,
                )
            except aiohttp.ClientResponseError as exc:  # the parser refused the answer
                raise _Refused(_message(exc)) from exc
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
        self._closed = True
        session, self._session = self._session, None
        lenient, self._lenient = self._lenient, None
        if session is not None:
            await session.close()
        if lenient is not None:
            await lenient.aclose()


class _Refused(Exception):
    """aiohttp's parser refused an answer (the words why)."""


def _message(exc: aiohttp.ClientResponseError) -> str:
    """aiohttp's words without its ``400, message=…, url=…`` wrapping (not an HTTP
    status: the server's answer could not be read), on one line."""
    return " ".join(str(exc.message or type(exc).__name__).split())


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
    except aiohttp.ClientResponseError as exc:
        raise httpx.RemoteProtocolError(_message(exc), request=request) from exc
    except aiohttp.ClientPayloadError as exc:
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
