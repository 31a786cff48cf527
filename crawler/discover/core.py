"""Discovery: listing pages (paginated), RSS/Atom feeds and sitemaps → candidate page URLs.

The parsers are pure functions of the bytes, one module each (:mod:`.listings`,
:mod:`.feeds`, :mod:`.sitemaps`). :func:`discover` fetches everything a source names,
follows pagination and child sitemaps, and returns canonical, in-scope :class:`Candidate`
URLs with date hints (``teaser`` from listing teasers, ``feed`` from feed items).

Discovery cache protocol (implemented by the archive against SQLite)::

    cache.get(url) -> CachedDiscovery | None
    cache.put(url, CachedDiscovery(etag, last_modified, payload))

``url`` is the canonical URL of a listing page, feed or sitemap; ``etag`` and
``last_modified`` are the response's validators (either may be None; an entry is only
stored when at least one is present); ``payload`` is an opaque JSON string (the parse
result). An unchanged resource is fetched conditionally and a 304 reuses the payload.

Bounded, because one ``Sitemap:`` line in a site's robots.txt can name a million URLs: a run
collects at most :func:`candidate_budget` candidates (``max_pages`` × :data:`CANDIDATES_PER_PAGE`,
at least :data:`MIN_CANDIDATES`, at most :data:`MAX_CANDIDATES`, which is also the budget
when ``max_pages`` is 0). Once it is reached no further listing page or sitemap is fetched;
a listing page's teasers are read up to the budget; sitemaps are parsed as a stream that
stops at the budget (only in-scope pages count) and at the child-sitemap cap, and are
fetched one after the other so only one is in memory. A listing or sitemap payload cut
short by the budget is not cached (the next run reads it again); a complete sitemap
payload is cached with a key of the URL rules it was filtered by (hosts, aliases, include,
exclude), and a cached one with another key is not reused.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

from crawler.config.settings import SourceConfig
from crawler.discover.feeds import parse_feed
from crawler.discover.listings import MAX_LISTING_PAGES, parse_listing
from crawler.discover.sitemaps import MAX_SITEMAPS, parse_sitemap
from crawler.extract.profiles import SiteProfile
from crawler.fetch.urls import UrlPolicy
from crawler.records import Candidate, DateCandidate, FetchResult

if TYPE_CHECKING:
    from crawler.fetch.fetcher import Fetcher

log = logging.getLogger(__name__)

PAYLOAD_VERSION = 1

#: candidates per page a run may fetch (``max_pages``): room for listing pages, files and
#: pages outside the crawl that are dropped after discovery
CANDIDATES_PER_PAGE = 10
MIN_CANDIDATES = 1_000
MAX_CANDIDATES = 100_000  # also the budget without a page limit


def candidate_budget(max_pages: int) -> int:
    """How many candidate URLs one discovery run collects for a crawl of ``max_pages``
    pages (0 = no limit)."""
    if max_pages <= 0:
        return MAX_CANDIDATES
    return min(MAX_CANDIDATES, max(MIN_CANDIDATES, max_pages * CANDIDATES_PER_PAGE))


@dataclass
class Discovery:
    candidates: dict[str, Candidate] = field(default_factory=dict)  # canonical URL → candidate
    fetches: list[FetchResult] = field(default_factory=list)  # every listing/feed/sitemap fetch
    listing_urls: set[str] = field(default_factory=set)  # canonical listing page URLs
    lastmod: dict[str, str] = field(default_factory=dict)  # canonical URL → sitemap <lastmod>


@dataclass(frozen=True)
class CachedDiscovery:
    etag: str | None
    last_modified: str | None
    payload: str  # JSON written and read by this module only


class DiscoveryCache(Protocol):
    def get(self, url: str) -> CachedDiscovery | None: ...

    def put(self, url: str, entry: CachedDiscovery) -> None: ...


#: progress(kind, result) after each fetch; kind is "listing", "feed" or "sitemap"
Progress = Callable[[str, FetchResult], None]


# -- cached payloads ----------------------------------------------------------------------
def _scope_key(policy: UrlPolicy) -> str:
    """Names the URL rules a sitemap payload was filtered by."""
    src = policy.source
    rules = (src.hosts, src.canonical_scheme, src.url_aliases, src.include, src.exclude)
    return hashlib.sha256(repr(rules).encode()).hexdigest()[:16]


def _load(kind: str, entry: CachedDiscovery, scope: str) -> dict[str, Any] | None:
    try:
        data = json.loads(entry.payload)
    except (TypeError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("v") != PAYLOAD_VERSION or data.get("kind") != kind:
        return None
    if kind == "sitemap" and data.get("scope") != scope:
        return None  # filtered by other rules (or an unfiltered payload of old)
    return data


# -- one discovery run ---------------------------------------------------------------------
class _Run:
    def __init__(
        self,
        fetcher: Fetcher,
        policy: UrlPolicy,
        cache: DiscoveryCache | None,
        progress: Progress | None,
        profile: SiteProfile | None = None,
    ):
        self.profile = profile
        self.fetcher = fetcher
        self.policy = policy
        self.cache = cache
        self.progress = progress
        self.keep_bodies = True  # False: ``fetches`` hold no bodies (progress took them)
        self.out = Discovery()
        self.budget = MAX_CANDIDATES
        self.sitemap_slots = 0  # child sitemaps that may still be queued
        self.scope_key = _scope_key(policy)

    def full(self) -> bool:
        return len(self.out.candidates) >= self.budget

    async def get(self, url: str, kind: str) -> dict[str, Any] | None:
        """Fetch (conditionally if cached) and parse; None when the fetch failed."""
        entry = self.cache.get(url) if self.cache else None
        cached = _load(kind, entry, self.scope_key) if entry else None
        if entry is not None and cached is None:
            log.info("%s: cached %s payload unusable, fetching in full", url, kind)
        usable = entry if cached is not None else None
        result = await self.fetcher.fetch(
            url,
            etag=usable.etag if usable else None,
            last_modified=usable.last_modified if usable else None,
        )
        self.out.fetches.append(result if self.keep_bodies else replace(result, body=b""))
        if self.progress:
            self.progress(kind, result)
        if result.status == 304 and cached is not None and result.error is None:
            return cached
        if not result.ok:
            log.warning("%s %s failed: %s", kind, url, result.error or f"HTTP {result.status}")
            return None
        data = {"v": PAYLOAD_VERSION, "kind": kind, **self.payload(kind, result)}
        etag, modified = result.headers.get("etag"), result.headers.get("last-modified")
        if data.pop("truncated", False):
            log.info("%s: %s read up to the budget, not cached", url, kind)
        elif self.cache is not None and (etag or modified):
            self.cache.put(url, CachedDiscovery(etag, modified, json.dumps(data)))
        return data

    def payload(self, kind: str, result: FetchResult) -> dict[str, Any]:
        """The parse result of a fetched listing page, feed or sitemap."""
        room = max(1, self.budget - len(self.out.candidates))
        if kind == "listing":
            listing = parse_listing(
                result.final_url, result.body, result.headers, self.profile, max_items=room
            )
            return {
                "items": [asdict(i) for i in listing.items],
                "next_pages": listing.next_pages,
                "truncated": listing.truncated,
            }
        if kind == "feed":
            return {"items": [asdict(i) for i in parse_feed(result.final_url, result.body)]}
        sitemap = parse_sitemap(
            result.final_url,
            result.body,
            keep_page=self.in_scope,
            keep_sitemap=self.on_hosts,
            max_pages=room,
            max_sitemaps=self.sitemap_slots,
        )
        return {
            "pages": [list(p) for p in sitemap.pages],
            "sitemaps": sitemap.sitemaps,
            "scope": self.scope_key,
            "truncated": sitemap.truncated,
        }

    def in_scope(self, href: str) -> bool:
        url = self.policy.canonical(href)
        return self.policy.allowed(url) if url else False

    def on_hosts(self, href: str) -> bool:
        url = self.policy.canonical(href)
        return self.policy.allowed_host(url) if url else False

    def add(self, href: str, found_on: str, hint: DateCandidate | None) -> str | None:
        """Record a candidate (a hint for a known one); its canonical URL, or None when
        out of scope or over the budget."""
        url = self.policy.canonical(href)
        if not url or not self.policy.allowed(url):
            return None
        cand = self.out.candidates.get(url)
        if cand is None:
            if self.full():
                return None
            cand = self.out.candidates[url] = Candidate(url=url, found_on=found_on)
        if hint is not None and hint not in cand.hints:
            cand.hints.append(hint)
        return url

    def scope(self, urls: Iterable[str]) -> list[str]:
        """Canonical forms of ``urls`` on the source's hosts, in order, without repeats."""
        out: dict[str, None] = {}
        for u in urls:
            c = self.policy.canonical(u)
            if c and c not in out and self.policy.allowed_host(c):
                out[c] = None
        return list(out)

    async def listings(self, start: Iterable[str], limit: int) -> None:
        """Listing pages breadth first, as many at a time as the fetcher may send to the
        source's hosts, until ``limit`` pages are fetched or the candidate budget is full."""
        queue = deque(self.scope(start))
        seen = set(queue)
        step = max(1, self.fetcher.crawler.concurrency_per_host * len(self.policy.hosts))
        while queue and len(self.out.listing_urls) < limit and not self.full():
            n = min(step, limit - len(self.out.listing_urls), len(queue))
            batch = [queue.popleft() for _ in range(n)]
            self.out.listing_urls.update(batch)
            results = await asyncio.gather(*(self.get(u, "listing") for u in batch))
            for url, data in zip(batch, results, strict=True):
                if data is None:
                    continue
                for item in data["items"]:
                    hint = None
                    if item.get("date"):
                        hint = DateCandidate(item["date"], "teaser", f"listing {url}")
                    self.add(item["url"], url, hint)
                for nxt in self.scope(data["next_pages"]):
                    if nxt not in seen:
                        seen.add(nxt)
                        queue.append(nxt)
        if queue:
            log.warning("listing page cap (%d) reached; %d pages not fetched", limit, len(queue))

    async def feeds(self, feeds: Iterable[str]) -> None:
        urls = self.scope(feeds)
        results = await asyncio.gather(*(self.get(u, "feed") for u in urls))
        for url, data in zip(urls, results, strict=True):
            for item in data["items"] if data else []:
                hint = DateCandidate(item["date"], "feed", f"feed {url}") if item["date"] else None
                self.add(item["url"], url, hint)

    async def sitemaps(self, sitemaps: Iterable[str], limit: int) -> None:
        """Sitemaps one at a time (one body parsed at once), children in order, until
        ``limit`` sitemaps are fetched or the candidate budget is reached."""
        queue = deque(self.scope(sitemaps)[:limit])
        seen = set(queue)
        fetched = 0
        while queue and fetched < limit and not self.full():
            url = queue.popleft()
            fetched += 1
            self.sitemap_slots = limit - fetched - len(queue)
            data = await self.get(url, "sitemap")
            if data is None:
                continue
            for loc, lastmod in data["pages"]:
                canon = self.add(loc, url, None)
                if lastmod and canon:
                    self.out.lastmod[canon] = lastmod
            for child in self.scope(data["sitemaps"]):
                if child not in seen and fetched + len(queue) < limit:
                    seen.add(child)
                    queue.append(child)
        if queue:
            why = "candidate budget" if self.full() else f"sitemap cap ({limit})"
            log.warning("%s reached; %d sitemaps not fetched", why, len(queue))


def _robots_origins(hosts: Iterable[str], ports: frozenset[int | None] | None) -> list[str]:
    """``host`` or ``host:port`` for each of the source's hosts on each port its URLs name
    (a source on ``127.0.0.1:8080`` has its robots.txt there, not on port 80)."""
    named = sorted(p for p in ports or () if p is not None)
    out: list[str] = []
    for host in hosts:
        host = f"[{host}]" if ":" in host and not host.startswith("[") else host
        if ports is None or None in ports:
            out.append(host)
        out += [f"{host}:{port}" for port in named]
    return out


async def discover(
    fetcher: Fetcher,
    source: SourceConfig,
    policy: UrlPolicy,
    cache: DiscoveryCache | None = None,
    progress: Progress | None = None,
    *,
    max_listing_pages: int = MAX_LISTING_PAGES,
    max_sitemaps: int = MAX_SITEMAPS,
    max_candidates: int | None = None,
    keep_bodies: bool = True,
) -> Discovery:
    """Fetch the source's listings (following pagination), feeds and sitemaps (plus the
    ``Sitemap:`` lines of its hosts' robots.txt). Failed fetches are kept in ``fetches``
    and never stop discovery. Listing pages themselves are not candidates. At most
    ``max_candidates`` candidates are collected (default: :func:`candidate_budget` of the
    fetcher's ``max_pages``). Without ``keep_bodies`` the fetches in ``fetches`` have no
    body: a caller whose ``progress`` stores each one (the crawl writes it to WARC) does not
    hold every listing and sitemap in memory until discovery ends."""
    run = _Run(fetcher, policy, cache, progress, source.site_profile)
    run.keep_bodies = keep_bodies
    if max_candidates is None:
        max_candidates = candidate_budget(fetcher.crawler.max_pages)
    run.budget = max_candidates
    await run.listings(source.start_urls, max_listing_pages)
    await run.feeds(source.feeds)
    robots_maps: list[str] = []
    for origin in _robots_origins(source.hosts, policy.ports):
        robots_maps += await fetcher.robots_sitemaps(origin)
    await run.sitemaps([*source.sitemaps, *robots_maps], max_sitemaps)
    for url in run.out.listing_urls:
        run.out.candidates.pop(url, None)
        run.out.lastmod.pop(url, None)
    log.info(
        "%s: %d candidates from %d listing pages, %d fetches",
        source.name,
        len(run.out.candidates),
        len(run.out.listing_urls),
        len(run.out.fetches),
    )
    return run.out


__all__ = [
    "CANDIDATES_PER_PAGE",
    "MAX_CANDIDATES",
    "MIN_CANDIDATES",
    "PAYLOAD_VERSION",
    "candidate_budget",
    "CachedDiscovery",
    "Discovery",
    "DiscoveryCache",
    "Progress",
    "discover",
]
