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
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
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
def _payload(kind: str, result: FetchResult, profile: SiteProfile | None) -> dict[str, Any]:
    if kind == "listing":
        listing = parse_listing(result.final_url, result.body, result.headers, profile)
        return {"items": [asdict(i) for i in listing.items], "next_pages": listing.next_pages}
    if kind == "feed":
        return {"items": [asdict(i) for i in parse_feed(result.final_url, result.body)]}
    sitemap = parse_sitemap(result.final_url, result.body)
    return {"pages": [list(p) for p in sitemap.pages], "sitemaps": sitemap.sitemaps}


def _load(kind: str, entry: CachedDiscovery) -> dict[str, Any] | None:
    try:
        data = json.loads(entry.payload)
    except (TypeError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("v") != PAYLOAD_VERSION or data.get("kind") != kind:
        return None
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
        self.out = Discovery()

    async def get(self, url: str, kind: str) -> dict[str, Any] | None:
        """Fetch (conditionally if cached) and parse; None when the fetch failed."""
        entry = self.cache.get(url) if self.cache else None
        cached = _load(kind, entry) if entry else None
        if entry is not None and cached is None:
            log.info("%s: cached %s payload unusable, fetching in full", url, kind)
        usable = entry if cached is not None else None
        result = await self.fetcher.fetch(
            url,
            etag=usable.etag if usable else None,
            last_modified=usable.last_modified if usable else None,
        )
        self.out.fetches.append(result)
        if self.progress:
            self.progress(kind, result)
        if result.status == 304 and cached is not None and result.error is None:
            return cached
        if not result.ok:
            log.warning("%s %s failed: %s", kind, url, result.error or f"HTTP {result.status}")
            return None
        data = {"v": PAYLOAD_VERSION, "kind": kind, **_payload(kind, result, self.profile)}
        etag, modified = result.headers.get("etag"), result.headers.get("last-modified")
        if self.cache is not None and (etag or modified):
            self.cache.put(url, CachedDiscovery(etag, modified, json.dumps(data)))
        return data

    def add(self, href: str, found_on: str, hint: DateCandidate | None) -> None:
        url = self.policy.canonical(href)
        if not url or not self.policy.allowed(url):
            return
        cand = self.out.candidates.get(url)
        if cand is None:
            cand = self.out.candidates[url] = Candidate(url=url, found_on=found_on)
        if hint is not None and hint not in cand.hints:
            cand.hints.append(hint)

    def scope(self, urls: Iterable[str]) -> list[str]:
        """Canonical forms of ``urls`` on the source's hosts, in order, without repeats."""
        out = []
        for u in urls:
            c = self.policy.canonical(u)
            if c and self.policy.allowed_host(c) and c not in out:
                out.append(c)
        return out

    async def listings(self, start: Iterable[str], limit: int) -> None:
        queue = self.scope(start)
        seen = set(queue)
        while queue and len(self.out.listing_urls) < limit:
            batch = queue[: limit - len(self.out.listing_urls)]
            queue = queue[len(batch) :]
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
        queue = self.scope(sitemaps)
        seen = set(queue)
        fetched = 0
        while queue and fetched < limit:
            batch = queue[: limit - fetched]
            queue = queue[len(batch) :]
            fetched += len(batch)
            results = await asyncio.gather(*(self.get(u, "sitemap") for u in batch))
            for url, data in zip(batch, results, strict=True):
                if data is None:
                    continue
                for loc, lastmod in data["pages"]:
                    self.add(loc, url, None)
                    canon = self.policy.canonical(loc)
                    if lastmod and canon in self.out.candidates:
                        self.out.lastmod[canon] = lastmod
                for child in self.scope(data["sitemaps"]):
                    if child not in seen:
                        seen.add(child)
                        queue.append(child)
        if queue:
            log.warning("sitemap cap (%d) reached; %d sitemaps not fetched", limit, len(queue))


async def discover(
    fetcher: Fetcher,
    source: SourceConfig,
    policy: UrlPolicy,
    cache: DiscoveryCache | None = None,
    progress: Progress | None = None,
    *,
    max_listing_pages: int = MAX_LISTING_PAGES,
    max_sitemaps: int = MAX_SITEMAPS,
) -> Discovery:
    """Fetch the source's listings (following pagination), feeds and sitemaps (plus the
    ``Sitemap:`` lines of its hosts' robots.txt). Failed fetches are kept in ``fetches``
    and never stop discovery. Listing pages themselves are not candidates."""
    run = _Run(fetcher, policy, cache, progress, source.site_profile)
    await run.listings(source.start_urls, max_listing_pages)
    await run.feeds(source.feeds)
    robots_maps: list[str] = []
    for host in source.hosts:
        robots_maps += await fetcher.robots_sitemaps(host)
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
    "PAYLOAD_VERSION",
    "CachedDiscovery",
    "Discovery",
    "DiscoveryCache",
    "Progress",
    "discover",
]
