"""Where requests connect: ``connect_to`` mappings and checked name resolution.

* :class:`ConnectToTransport` (an httpx transport) sends requests for a mapped host name
  to another ``ip:port`` (like curl's ``--connect-to``); URL and ``Host`` header keep
  the name.
* :class:`CheckedHTTPTransport` is httpx's own transport whose connections are opened
  by :class:`CheckedNetworkBackend`: it resolves every host *name* itself, refuses it if
  any of its addresses is not globally routable (private, link-local such as the cloud
  metadata address, …: :func:`crawler.fetch.addresses.non_public_address`; loopback passes like a
  literal does), and connects to the addresses it checked, in order, moving to the next
  one when a connection is refused or times out. So a second DNS answer cannot swap in
  a private address between check and connection. Everything else stays httpx's: the
  connection pool is keyed by host name, TLS checks the certificate against the name,
  and the name is resolved in its ASCII (IDNA 2008) form, as the ``Host`` header has it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable

import httpcore
import httpx

from crawler.fetch.urls import ip_literal, non_public_address

log = logging.getLogger(__name__)

#: ``resolve(host, port)`` → the host's addresses, in the order to try them.
Resolve = Callable[[str, int], Awaitable[list[str]]]


class AddressRefused(httpx.TransportError):
    """A host name resolved to an address the crawler must not contact."""


async def system_resolve(host: str, port: int) -> list[str]:
    """The addresses ``getaddrinfo`` gives for ``host`` (raises ``socket.gaierror``)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@functools.lru_cache(maxsize=4096)  # asked at every request: a crawl has few hosts
def host_key(host: str) -> str:
    """A host as ``connect_to`` mappings key it: lower case, one form for a Unicode name
    and its IDNA 2008 spelling (httpx's), no trailing dot, an IPv6 address without
    brackets."""
    host = host.strip().rstrip(".").strip("[]")
    try:
        return httpx.URL(f"http://[{host}]/" if ":" in host else f"http://{host}/").host.lower()
    except (httpx.InvalidURL, UnicodeError):
        return host.lower()


def connect_targets(mapping: dict[str, str]) -> dict[str, tuple[str, int]]:
    """A ``connect_to`` mapping (``name → "ip:port"``, ``"[v6]:port"``) as
    :func:`host_key` → ``(ip, port)``."""
    targets: dict[str, tuple[str, int]] = {}
    for name, target in mapping.items():
        ip, _, port = target.rpartition(":")
        targets[host_key(name)] = (ip.strip("[]"), int(port))
    return targets


async def checked_addresses(
    resolve: Resolve, host: str, port: int, error: type[Exception]
) -> list[str]:
    """``host``'s addresses by ``resolve``, every one public (else :class:`AddressRefused`);
    a name that does not resolve raises ``error`` (the transport's ``ConnectError``)
    caused by the resolver's exception: the fetcher does not retry it."""
    try:
        addresses = await resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise error(f"cannot resolve {host}: {exc}") from exc
    if not addresses:
        raise error(f"cannot resolve {host}: no addresses")
    for address in addresses:
        why = non_public_address(address)
        if why:
            raise AddressRefused(f"refused {host}: it resolves to {why}")
    log.debug("%s resolved to %s", host, addresses)
    return addresses


class CheckedNetworkBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend: resolve, refuse non-public addresses, connect to the
    checked ones."""

    def __init__(
        self, resolve: Resolve = system_resolve, inner: httpcore.AsyncNetworkBackend | None = None
    ) -> None:
        self.resolve = resolve
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = [host] if ip_literal(host) is not None else await self._checked(host, port)
        last: Exception | None = None
        for address in addresses:
            try:
                return await self.inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address,
                    socket_options=socket_options,
                )  # fmt: skip
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                log.debug("%s at %s: %s", host, address, exc)
                last = exc
        assert last is not None  # addresses is never empty
        raise last

    async def _checked(self, host: str, port: int) -> list[str]:
        return await checked_addresses(self.resolve, host, port, httpcore.ConnectError)

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


@functools.cache
def shared_ssl_context() -> ssl.SSLContext:
    """One TLS context for every transport of the process: building one loads the CA
    bundle (about 20 ms of CPU), and a crawl makes a transport per source."""
    return httpx.create_ssl_context()


#: seconds an idle keep-alive connection stays open beyond the politeness delay (httpx's
#: pool keeps one 5 s in all)
KEEPALIVE = 5.0
#: seconds an idle connection stays open at most, however long the delay
MAX_KEEPALIVE = 60.0


def keepalive_for(delay: float) -> float:
    """Seconds an idle connection stays open when requests to its host are ``delay`` s
    apart: the delay and :data:`KEEPALIVE` more, at most :data:`MAX_KEEPALIVE`. A pool
    that closed it sooner (httpx's 5 s) would open a connection for every request once the
    delay is longer: a TCP (and TLS) handshake more on both sides each time. The server
    may still close it first; the next request then opens another."""
    return min(MAX_KEEPALIVE, max(0.0, delay) + KEEPALIVE)


class CheckedHTTPTransport(httpx.AsyncHTTPTransport):
    """httpx's transport (no retries, default limits) over :class:`CheckedNetworkBackend`;
    idle connections kept ``keepalive`` seconds (default: :func:`keepalive_for` no delay).

    httpx 0.28 takes no network backend, so the pool it builds is replaced by the same
    pool with ours (pyproject pins httpx below 0.29 for this)."""

    def __init__(self, resolve: Resolve = system_resolve, keepalive: float | None = None) -> None:
        super().__init__(retries=0, verify=shared_ssl_context())
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=shared_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=keepalive_for(0) if keepalive is None else keepalive,
            network_backend=CheckedNetworkBackend(resolve),
        )


class ConnectToTransport(httpx.AsyncBaseTransport):
    """Send requests for ``host`` to ``mapping[host]`` (``"ip:port"``), keeping the URL's
    host name in the ``Host`` header (and as TLS SNI name)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, mapping: dict[str, str]):
        self.inner = inner
        self.mapping = connect_targets(mapping)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        target = self.mapping.get(host_key(request.url.host))
        if target:
            ip, port = target
            name = request.url.host
            request.url = request.url.copy_with(host=ip, port=port)
            request.extensions = {**request.extensions, "sni_hostname": name}
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


__all__ = [
    "KEEPALIVE",
    "MAX_KEEPALIVE",
    "keepalive_for",
    "checked_addresses",
    "connect_targets",
    "host_key",
    "AddressRefused",
    "CheckedHTTPTransport",
    "CheckedNetworkBackend",
    "ConnectToTransport",
    "Resolve",
    "system_resolve",
]
