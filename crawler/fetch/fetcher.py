"""Polite asynchronous HTTP fetching for one source.

:class:`Fetcher` wraps an ``httpx.AsyncClient`` and turns every exchange into a
:class:`~crawler.records.FetchResult`; it never raises for network or HTTP trouble.
It keeps per-host politeness (concurrency limit, minimum delay between request starts,
robots.txt incl. ``Crawl-delay``), retries transient failures with exponential backoff
honouring ``Retry-After``, follows redirects itself (only within the source's hosts and
ports: :attr:`UrlPolicy.ports`), caps response sizes and supports conditional GET.

Literal IP hosts that are not globally routable (private, link-local, multicast, …; see
:func:`crawler.fetch.addresses.non_public_address`) are refused in URLs and redirect targets before
any connection, unless ``connect_to`` maps that host; loopback passes (the host scope check
still applies). Host *names* are resolved by the crawler itself and refused the same way
if any of their addresses is not public; the connection then goes to the address that
was checked. The connections are aiohttp's (:class:`crawler.fetch.aio.AiohttpTransport`,
``crawler.http_client = "aiohttp"``, the default: less CPU a request) or httpx's own
(:class:`crawler.fetch.transports.CheckedHTTPTransport`, ``"httpx"``); httpx builds the
requests and reads the responses either way.

``connect_to`` (like curl's ``--connect-to``) sends requests for a host name to another
``ip:port`` while URL and ``Host`` header keep the name: the aiohttp transport's resolver
answers for those names; on httpx's, :class:`crawler.fetch.transports.ConnectToTransport`.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from crawler import clock
from crawler.config.settings import CrawlerConfig, SourceConfig
from crawler.fetch.aio import AiohttpTransport
from crawler.fetch.robots import Robots
from crawler.fetch.transports import (
    AddressRefused,
    CheckedHTTPTransport,
    ConnectToTransport,
    Resolve,
    keepalive_for,
    system_resolve,
)
from crawler.fetch.urls import UrlPolicy, non_public_address, without_userinfo
from crawler.records import ROBOTS_DISALLOW, FetchResult

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: A whole attempt (connect, headers, body) may take this many times ``crawler.timeout``;
#: protects against servers that trickle bytes just fast enough to dodge the read timeout.
TOTAL_TIMEOUT_FACTOR = 3.0

Sleep = Callable[[float], Awaitable[None]]


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or clock.now())).total_seconds())


@dataclass
class _Outcome:
    """One HTTP request's result (before redirects are followed)."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None
    retryable: bool = False
    attempts: int = 1
    fetched_at: str = ""
    request_headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _HostState:
    sem: asyncio.Semaphore
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = 0.0
    last_start: float = 0.0
    crawl_delay: float | None = None


class _TooLarge(Exception):
    pass


def request_headers(user_agent: str) -> httpx.Headers:
    """The headers of every request, in the order an ``httpx.AsyncClient`` with our
    ``User-Agent`` and ``Accept-Encoding: gzip`` sends them (its defaults, ours last)."""
    return httpx.Headers(
        [
            ("Accept", "*/*"),
            ("Connection", "keep-alive"),
            ("User-Agent", user_agent),
            ("Accept-Encoding", "gzip"),
        ]
    )


class Fetcher:
    """``async with Fetcher(crawler, source) as f: result = await f.fetch(url)``.

    ``transport`` replaces the network (tests: ``httpx.MockTransport``); ``sleep`` is
    used for retry backoff only (politeness waits always use real time); ``resolve``
    replaces DNS for the real transport (default: the system resolver).
    Counters: ``requests`` (HTTP requests sent, incl. retries and robots.txt) and
    ``bytes_received`` (bytes on the wire, i.e. before gzip decoding).
    """

    def __init__(
        self,
        crawler: CrawlerConfig,
        source: SourceConfig,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        resolve: Resolve | None = None,
    ):
        self.crawler = crawler
        self.source = source
        self.policy = UrlPolicy(source)
        self._sleep = sleep
        self._mapped = frozenset(h.lower().rstrip(".") for h in source.connect_to)
        # Host names are resolved and checked where connections are opened.
        inner: httpx.AsyncBaseTransport
        # Idle connections outlive the delay between two requests to their host.
        keepalive = keepalive_for(crawler.delay)
        if transport is None and crawler.http_client == "aiohttp":
            inner = AiohttpTransport(
                resolve or system_resolve, source.connect_to, keepalive=keepalive
            )
        else:
            inner = transport or CheckedHTTPTransport(resolve or system_resolve, keepalive)
            if source.connect_to:
                inner = ConnectToTransport(inner, source.connect_to)
        # Requests go straight to the transport: the client would parse every Location
        # header (to offer ``next_request``) and fail on ones like "mailto:…". They are
        # built as ``httpx.AsyncClient.build_request`` builds them (the same headers in the
        # same order, the timeouts as an extension), without a client.
        self._transport = inner
        self._headers = request_headers(crawler.full_user_agent)
        self._timeouts = {"timeout": httpx.Timeout(crawler.timeout).as_dict()}
        self._hosts: dict[str, _HostState] = {}
        self._robots: dict[str, Robots] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self.requests = 0
        self.bytes_received = 0

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._transport.aclose()

    # -- politeness ---------------------------------------------------------------------
    def _state(self, host: str) -> _HostState:
        state = self._hosts.get(host)
        if state is None:
            state = _HostState(asyncio.Semaphore(max(1, self.crawler.concurrency_per_host)))
            self._hosts[host] = state
        return state

    def host_delay(self, host: str) -> float:
        """Seconds between two request starts to ``host``: our delay or robots Crawl-delay
        (capped at ``max_delay``), whichever is larger."""
        delay = self.crawler.delay
        crawl_delay = self._state(host.lower()).crawl_delay
        if crawl_delay is not None:
            delay = max(delay, min(crawl_delay, self.crawler.max_delay))
        return delay

    async def _wait_turn(self, host: str, state: _HostState) -> None:
        async with state.lock:
            wait = state.next_start - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            state.last_start = time.monotonic()
            state.next_start = state.last_start + self.host_delay(host)

    # -- robots.txt ---------------------------------------------------------------------
    async def robots_for(self, url: str) -> Robots:
        """The (cached) robots.txt rules of ``url``'s origin; fetched once per origin."""
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        cached = self._robots.get(origin)
        if cached is not None:
            return cached
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            cached = self._robots.get(origin)
            if cached is not None:
                return cached
            robots = await self._load_robots(origin + "/robots.txt")
            self._robots[origin] = robots
            host = (parts.hostname or "").lower()
            if robots.crawl_delay is not None:
                state = self._state(host)
                state.crawl_delay = robots.crawl_delay
                # the robots.txt request itself was spaced with our own delay only
                state.next_start = max(state.next_start, state.last_start + self.host_delay(host))
            return robots

    async def _load_robots(self, url: str) -> Robots:
        result = await self._fetch_chain(url, None, None, check_robots=False)
        if result.status is not None and 200 <= result.status < 300 and result.error is None:
            text = result.body.decode("utf-8", errors="replace")
            return Robots.parse(text, self.crawler.user_agent)
        if result.status is not None and 400 <= result.status < 500:
            log.debug("%s: HTTP %s, allowing everything", url, result.status)
            return Robots.allow_all()
        why = result.error or f"HTTP {result.status}"
        log.warning("robots.txt unavailable at %s (%s); crawling with our own delay", url, why)
        return Robots.allow_all()

    async def robots_sitemaps(self, host: str, scheme: str | None = None) -> list[str]:
        """``Sitemap:`` URLs from ``host``'s robots.txt ([] if robots are not respected)."""
        if not self.crawler.respect_robots:
            return []
        scheme = scheme or self.source.canonical_scheme
        robots = await self.robots_for(f"{scheme}://{host}/")
        return list(robots.sitemaps)

    # -- fetching -----------------------------------------------------------------------
    def address_refused(self, host: str) -> str | None:
        """Why ``host`` (a literal non-public IP not mapped by ``connect_to``) must not be
        contacted, or None."""
        if host.lower().rstrip(".") in self._mapped:
            return None
        return non_public_address(host)

    async def fetch(
        self,
        url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        *,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """GET ``url`` politely; errors come back as data in the :class:`FetchResult`.
        ``max_bytes`` caps this response (default ``crawler.max_bytes``: media files have
        their own cap)."""
        return await self._fetch_chain(
            url, etag, last_modified, check_robots=True, max_bytes=max_bytes
        )

    async def _fetch_chain(
        self,
        url: str,
        etag: str | None,
        last_modified: str | None,
        *,
        check_robots: bool,
        max_bytes: int | None = None,
    ) -> FetchResult:
        started = time.monotonic()
        attempts = 0
        current = without_userinfo(url)  # credentials are never sent, stored or logged

        def result(outcome: _Outcome | None, error: str | None = None) -> FetchResult:
            if outcome is None:
                return FetchResult(
                    url=url,
                    final_url=current,
                    status=None,
                    error=error,
                    elapsed=time.monotonic() - started,
                    attempts=attempts,
                    fetched_at=clock.now_iso(),
                )
            return FetchResult(
                url=url,
                final_url=current,
                status=outcome.status,
                headers=outcome.headers,
                body=outcome.body,
                error=error or outcome.error,
                elapsed=time.monotonic() - started,
                attempts=attempts,
                fetched_at=outcome.fetched_at,
                request_headers=outcome.request_headers,
            )

        try:
            parts = urlsplit(url)
            scheme, host = parts.scheme.lower(), parts.hostname
        except ValueError as exc:
            return result(None, f"invalid URL {url!r}: {exc}")
        if scheme not in ("http", "https") or not host:
            return result(None, f"unsupported URL (http and https only): {url}")
        refused = self.address_refused(host)
        if refused:
            return result(None, f"refused {refused} (not mapped by connect_to): {url}")
        if not self.policy.allowed_host(url):
            return result(None, f"host not allowed for source {self.source.name}: {host}")

        headers: dict[str, str] = {}
        # a validator the server sent with bytes beyond ASCII (kept as latin-1 text) cannot
        # go back in a header httpx builds: without it the fetch is an unconditional one
        if etag and etag.isascii():
            headers["If-None-Match"] = etag
        if last_modified and last_modified.isascii():
            headers["If-Modified-Since"] = last_modified
        seen = {current}
        hops = 0
        while True:
            if check_robots and self.crawler.respect_robots:
                robots = await self.robots_for(current)
                cur = urlsplit(current)
                target = (cur.path or "/") + (f"?{cur.query}" if cur.query else "")
                if not robots.allowed(target):
                    rule = robots.disallowing_rule(target)
                    return result(None, f"{ROBOTS_DISALLOW}: {current} (Disallow: {rule})")
            outcome = await self._with_retries(current, headers, max_bytes)
            attempts += outcome.attempts
            location = outcome.headers.get("location")
            if outcome.status not in REDIRECT_STATUSES or not location or outcome.error:
                return result(outcome)
            joined = urlsplit(urljoin(current, location.strip()))
            target_url = without_userinfo(urlunsplit(joined._replace(fragment="")))
            try:
                t = urlsplit(target_url)
                t_host = t.hostname or ""
            except ValueError:
                t, t_host = None, ""
            if t is None or t.scheme.lower() not in ("http", "https"):
                return result(outcome, f"redirect to non-http(s) URL {target_url} from {current}")
            refused = self.address_refused(t_host)
            if refused:
                return result(
                    outcome, f"redirect to {refused} refused ({target_url}) from {current}"
                )
            if not self.policy.allowed_host(target_url):
                return result(
                    outcome, f"redirect to disallowed host {t_host} ({target_url}) from {current}"
                )
            if target_url in seen:
                return result(outcome, f"redirect loop: {current} -> {target_url} (from {url})")
            hops += 1
            if hops > self.crawler.max_redirects:
                return result(
                    outcome,
                    f"too many redirects (more than {self.crawler.max_redirects}) from {url}, "
                    f"last {current} -> {target_url}",
                )
            seen.add(target_url)
            current = target_url

    async def _with_retries(
        self, url: str, headers: dict[str, str], max_bytes: int | None = None
    ) -> _Outcome:
        outcome = _Outcome()
        tries = self.crawler.retries + 1
        for attempt in range(tries):
            outcome = await self._request(url, headers, max_bytes)
            outcome.attempts = attempt + 1
            if not outcome.retryable or attempt + 1 >= tries:
                break
            wait = self.crawler.backoff * (2**attempt)
            retry_after = parse_retry_after(outcome.headers.get("retry-after"))
            if retry_after is not None:
                wait = min(retry_after, self.crawler.max_retry_after)
            why = outcome.error or f"HTTP {outcome.status}"
            log.info("%s: %s; retry %d/%d in %.2fs", url, why, attempt + 1, tries - 1, wait)
            await self._sleep(wait)
        if outcome.retryable:
            why = outcome.error or f"HTTP {outcome.status}"
            n = outcome.attempts
            outcome.error = f"{why} (gave up after {n} attempts)" if n > 1 else why
        return outcome

    async def _request(
        self, url: str, headers: dict[str, str], max_bytes: int | None = None
    ) -> _Outcome:
        host = (urlsplit(url).hostname or "").lower()
        state = self._state(host)
        async with state.sem:
            await self._wait_turn(host, state)
            self.requests += 1
            try:
                async with asyncio.timeout(self.crawler.timeout * TOTAL_TIMEOUT_FACTOR):
                    return await self._send(url, headers, max_bytes)
            except httpx.TimeoutException as exc:
                kind = type(exc).__name__
                return _Outcome(error=f"timed out ({kind}) fetching {url}", retryable=True)
            except TimeoutError:
                total = self.crawler.timeout * TOTAL_TIMEOUT_FACTOR
                return _Outcome(
                    error=f"timed out (total {total:g}s) fetching {url}", retryable=True
                )
            except AddressRefused as exc:
                return _Outcome(error=f"{exc} ({url})")
            except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                msg = str(exc) or type(exc).__name__
                # a name that does not resolve will not resolve a second later either
                retry = not _name_not_resolved(exc)
                return _Outcome(error=f"{type(exc).__name__}: {msg} ({url})", retryable=retry)
            except httpx.HTTPError as exc:
                msg = str(exc) or type(exc).__name__
                return _Outcome(error=f"{type(exc).__name__}: {msg} ({url})")
            except httpx.InvalidURL as exc:
                return _Outcome(error=f"invalid URL {url!r}: {exc}")

    async def _send(
        self, url: str, headers: dict[str, str], max_bytes: int | None = None
    ) -> _Outcome:
        merged = httpx.Headers(self._headers)
        merged.update(headers)
        request = httpx.Request("GET", url, headers=merged, extensions=dict(self._timeouts))
        sent = dict(request.headers.items())
        response = await self._transport.handle_async_request(request)
        fetched_at = clock.now_iso()
        status = response.status_code
        out_headers = dict(response.headers.items())
        limit = self.crawler.max_bytes if max_bytes is None else max_bytes
        body = bytearray()
        try:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise _TooLarge
            if status not in REDIRECT_STATUSES and status != 304:
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > limit:
                        raise _TooLarge
        except _TooLarge:
            return _Outcome(
                status=status,
                headers=out_headers,
                error=f"response exceeds {limit} bytes ({url})",
                fetched_at=fetched_at,
                request_headers=sent,
            )
        finally:
            await response.aclose()
            self.bytes_received += response.num_bytes_downloaded
        return _Outcome(
            status=status,
            headers=out_headers,
            body=bytes(body),
            retryable=status in RETRY_STATUSES,
            fetched_at=fetched_at,
            request_headers=sent,
        )


def _name_not_resolved(exc: BaseException) -> bool:
    """Whether a connection failed because the host name did not resolve (DNS)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, socket.gaierror):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


__all__ = [
    "ConnectToTransport",
    "Fetcher",
    "RETRY_STATUSES",
    "parse_retry_after",
]
