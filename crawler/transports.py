"""Where requests connect: ``connect_to`` mappings and checked, pinned name resolution.

Two httpx transports wrap the real one (the :class:`~crawler.fetch.Fetcher` stacks
them: ``ConnectToTransport(ResolvingTransport(HTTPTransport))``):

* :class:`ConnectToTransport` sends requests for a mapped host name to another
  ``ip:port`` (like curl's ``--connect-to``); URL and ``Host`` header keep the name.
* :class:`ResolvingTransport` resolves every other host *name* itself, refuses it if any
  of its addresses is not globally routable (private, link-local such as the cloud
  metadata address, …: :func:`crawler.urls.non_public_address`; loopback passes like a
  literal does), and connects to the address it checked (the name stays in ``Host``
  and as TLS SNI name), so a second DNS answer cannot swap in a private address
  between check and connection. If an address refuses the connection, the next one is
  tried (``localhost`` may answer ``::1`` first for a server on ``127.0.0.1``).
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable

import httpx

from crawler.urls import ip_literal, non_public_address

log = logging.getLogger(__name__)

#: ``resolve(host, port)`` → the host's addresses, in the order to try them.
Resolve = Callable[[str, int], Awaitable[list[str]]]


class AddressRefused(httpx.TransportError):
    """A host name resolved to an address the crawler must not contact."""


async def system_resolve(host: str, port: int) -> list[str]:
    """The addresses ``getaddrinfo`` gives for ``host`` (raises ``socket.gaierror``)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _pin(request: httpx.Request, ip: str, port: int | None = None) -> None:
    name = request.url.host
    request.url = request.url.copy_with(host=ip, port=port or request.url.port)
    request.extensions = {**request.extensions, "sni_hostname": name}


class ConnectToTransport(httpx.AsyncBaseTransport):
    """Send requests for ``host`` to ``mapping[host]`` (``"ip:port"``), keeping the URL's
    host name in the ``Host`` header (and as TLS SNI name)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, mapping: dict[str, str]):
        self.inner = inner
        self.mapping = {k.lower(): v for k, v in mapping.items()}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        target = self.mapping.get(request.url.host.lower())
        if target:
            ip, _, port = target.rpartition(":")
            _pin(request, ip.strip("[]"), int(port))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


class ResolvingTransport(httpx.AsyncBaseTransport):
    """Resolve host names, refuse non-public addresses, connect to the checked one."""

    def __init__(self, inner: httpx.AsyncBaseTransport, resolve: Resolve = system_resolve):
        self.inner = inner
        self.resolve = resolve

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if ip_literal(host) is None:
            port = request.url.port or (443 if request.url.scheme == "https" else 80)
            try:
                addresses = await self.resolve(host, port)
            except OSError as exc:
                # ConnectError caused by a gaierror: the fetcher does not retry it.
                raise httpx.ConnectError(f"cannot resolve {host}: {exc}") from exc
            if not addresses:
                raise httpx.ConnectError(f"cannot resolve {host}: no addresses")
            for address in addresses:
                why = non_public_address(address)
                if why:
                    raise AddressRefused(f"refused {host}: it resolves to {why}")
            log.debug("%s resolved to %s", host, addresses)
            for address in addresses[:-1]:  # the next address if one refuses the connection
                _pin(request, address)
                try:
                    return await self.inner.handle_async_request(request)
                except httpx.ConnectError as exc:
                    log.debug("%s at %s: %s; trying the next address", host, address, exc)
                request.url = request.url.copy_with(host=host)
            _pin(request, addresses[-1])
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


__all__ = [
    "AddressRefused",
    "ConnectToTransport",
    "Resolve",
    "ResolvingTransport",
    "system_resolve",
]
