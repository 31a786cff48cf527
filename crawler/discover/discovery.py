"""Discovery: listing pages (paginated), RSS/Atom feeds and sitemaps → candidate page URLs.

The parsers (:func:`parse_listing`, :func:`parse_feed`, :func:`parse_sitemap`) are pure
functions of the bytes. :func:`discover` fetches everything a source names, follows
pagination and child sitemaps, and returns canonical, in-scope :class:`Candidate` URLs
with date hints (``teaser`` from listing teasers, ``feed`` from feed items).

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
import gzip
import json
import logging
import re
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.etree
import lxml.html

from crawler.config.settings import SourceConfig
from crawler.dates import parse_german_date, parse_iso_date, parse_rfc822_date
from crawler.extract.profiles import SiteProfile, select
from crawler.extract.related import teaser
from crawler.fetch.urls import UrlPolicy
from crawler.records import Candidate, DateCandidate, FetchResult, Link

if TYPE_CHECKING:
    from crawler.fetch.fetcher import Fetcher

log = logging.getLogger(__name__)

MAX_LISTING_PAGES = 500
MAX_SITEMAPS = 200
MAX_SITEMAP_BYTES = 50_000_000  # uncompressed, per sitemaps.org
PAYLOAD_VERSION = 1

_NEXT_TEXTS = {"weiter", "nächste", "nächste seite", "next", "»", "›", ">", ">>", "vor"}
_KINDS = {"press": "press", "topic": "topic", "orgunit": "org", "org": "org"}


# -- records ----------------------------------------------------------------------------
@dataclass
class Listing:
    items: list[Link] = field(default_factory=list)
    next_pages: list[str] = field(default_factory=list)


@dataclass
class Sitemap:
    pages: list[tuple[str, str | None]] = field(default_factory=list)  # (loc, lastmod as written)
    sitemaps: list[str] = field(default_factory=list)  # child sitemaps of a sitemap index


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


# -- helpers ----------------------------------------------------------------------------
def _cls(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _text(el: Any) -> str:
    return " ".join(el.text_content().split()) if el is not None else ""


def _first(el: Any, xpath: str) -> Any:
    found = el.xpath(xpath)
    return found[0] if found else None


def _charset(headers: Mapping[str, str]) -> str | None:
    ctype = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
    m = re.search(r"charset=[\"']?([\w.:-]+)", ctype, re.I)
    return m.group(1) if m else None


def _html(body: bytes, headers: Mapping[str, str]) -> Any:
    if not body.strip():
        return None
    charset = _charset(headers)
    try:
        if charset:
            try:
                text = body.decode(charset, errors="replace")
                text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
                return lxml.html.document_fromstring(text)
            except LookupError:
                pass
        return lxml.html.document_fromstring(body)
    except (lxml.etree.ParserError, ValueError) as exc:
        log.debug("unparsable HTML: %s", exc)
        return None


def _base(doc: Any, url: str) -> str:
    href = _first(doc, "//base/@href")
    return urljoin(url, str(href).strip()) if href else url


def _abs(base: str, href: str | None) -> str | None:
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    scheme = urlsplit(href).scheme.lower()
    if scheme and scheme not in ("http", "https"):
        return None
    return urljoin(base, href)


def _unique(urls: Iterable[str | None], exclude: str = "") -> list[str]:
    out: list[str] = []
    for u in urls:
        if u and u not in out and u != exclude:
            out.append(u)
    return out


# -- listing pages ----------------------------------------------------------------------
def parse_listing(
    url: str, body: bytes, headers: Mapping[str, str], profile: SiteProfile | None = None
) -> Listing:
    """Teasers and pagination links of a listing page: the profile's ``listing_items`` and
    ``next_page`` selectors when given and matching, else Sitepark IES, else generic rules."""
    doc = _html(body, headers)
    if doc is None:
        return Listing()
    base = _base(doc, url)
    items = _profile_items(doc, base, profile) or _sitepark_items(doc, base)
    items = items or _generic_items(doc, base)
    next_pages = _profile_pages(doc, base, profile) or _sitepark_pages(doc, base)
    next_pages = next_pages or _generic_pages(doc, base)
    return Listing(items=items, next_pages=_unique(next_pages, exclude=url))


def _profile_items(doc: Any, base: str, profile: SiteProfile | None) -> list[Link]:
    if profile is None or not profile.listing_items:
        return []
    items = []
    seen: set[str] = set()
    for block in select(doc, profile.listing_items):
        link = teaser(block, base)
        if link is not None and link.url not in seen:
            seen.add(link.url)
            items.append(link)
    return items


def _profile_pages(doc: Any, base: str, profile: SiteProfile | None) -> list[str]:
    if profile is None or not profile.next_page:
        return []
    hrefs = []
    for el in select(doc, profile.next_page):
        hrefs += [a.get("href") for a in el.xpath("descendant-or-self::a[@href]")]
    return _unique(_abs(base, h) for h in hrefs)


def _sitepark_items(doc: Any, base: str) -> list[Link]:
    item, inner = _cls("SP-TeaserList__item"), _cls("SP-Teaser__inner")
    anchors = doc.xpath(f"//li[{item}]//a[{inner}][@href]")
    main = [a for a in anchors if not a.xpath(f"ancestor::*[{_cls('SP-Related')}]")]
    items = []
    for a in main or anchors:
        href = _abs(base, a.get("href"))
        if not href:
            continue
        teaser = _first(a, f"ancestor::*[{_cls('SP-Teaser')}][1]")
        kind = "other"
        for c in (teaser.get("class", "") if teaser is not None else "").split():
            if c.startswith("SP-Teaser--"):
                kind = _KINDS.get(c.removeprefix("SP-Teaser--"), "other")
        headline = _first(a, f".//*[{_cls('SP-Teaser__headline')}]")
        if headline is None:
            headline = _first(a, ".//h1|.//h2|.//h3|.//h4")
        title = _text(headline) or _text(a)
        label = _text(_first(a, f".//*[{_cls('SP-Kicker__text')}]")) or None
        date_el = _first(a, f".//*[{_cls('SP-Scheduling__date')}]")
        date = parse_german_date(_text(date_el)) if date_el is not None else None
        if date is None:
            date = parse_iso_date(_first(a, ".//time/@datetime"))
        items.append(Link(url=href, title=title, kind=kind, label=label, date=date))
    return items


def _generic_items(doc: Any, base: str) -> list[Link]:
    blocks = doc.xpath(
        f"//article | //*[{_cls('article')}] | //*[{_cls('news-list-item')}]"
        f" | //*[{_cls('teaser')}]"
    )
    items: list[Link] = []
    seen: set[str] = set()
    for block in blocks:
        heading = _first(block, ".//h1|.//h2|.//h3")
        if heading is None:
            continue
        a = _first(heading, ".//a[@href]")
        if a is None:
            a = _first(block, ".//a[@href]")
        href = _abs(base, a.get("href")) if a is not None else None
        if not href or href in seen:
            continue
        seen.add(href)
        time_attr = _first(block, ".//time/@datetime")
        date = parse_iso_date(str(time_attr)) if time_attr else None
        date = date or parse_german_date(_text(block)[:300])
        items.append(Link(url=href, title=_text(heading) or _text(a), date=date))
    return items


def _sitepark_pages(doc: Any, base: str) -> list[str]:
    nav = _first(doc, f"//*[{_cls('SP-Pagination')}]")
    if nav is None:
        return []
    pages = [_abs(base, h) for h in nav.xpath(".//a/@href")]
    raw = nav.get("data-sp-pagination")
    if raw:
        try:
            max_page = int(json.loads(raw).get("max", 0))
        except (ValueError, TypeError, AttributeError):
            max_page = 0
        template = next((p for p in pages if p and "page=" in urlsplit(p).query), None)
        if template and 0 < max_page <= MAX_LISTING_PAGES:
            parts = urlsplit(template)
            query = parse_qsl(parts.query, keep_blank_values=True)
            for n in range(2, max_page + 1):
                q = [(k, str(n) if k == "page" else v) for k, v in query]
                pages.append(urlunsplit(parts._replace(query=urlencode(q, safe=":"))))
    return _unique(pages)


def _generic_pages(doc: Any, base: str) -> list[str]:
    rel_next = "contains(concat(' ', normalize-space(@rel), ' '), ' next ')"
    hrefs = list(doc.xpath(f"//a[{rel_next}]/@href"))
    hrefs += doc.xpath("//link[@rel='next']/@href")
    for a in doc.xpath("//a[@href]"):
        text = _text(a).lower().strip(" .:")
        if text in _NEXT_TEXTS or text.startswith(("nächste seite", "weiter")):
            hrefs.append(a.get("href"))
    for box in doc.xpath(
        "//*[contains(@class, 'pagination') or contains(@class, 'paginator')"
        " or contains(@class, 'pager') or contains(@class, 'page-navigation')]"
    ):
        hrefs += [a.get("href") for a in box.xpath(".//a[@href]") if _text(a).isdigit()]
    return _unique(_abs(base, str(h)) for h in hrefs)


# -- feeds ------------------------------------------------------------------------------
def _xml(body: bytes) -> Any:
    parser = lxml.etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, huge_tree=False
    )
    try:
        return lxml.etree.fromstring(body.strip(), parser=parser)
    except lxml.etree.XMLSyntaxError as exc:
        log.debug("unparsable XML: %s", exc)
        return None


def _child_text(el: Any, *names: str) -> str | None:
    for name in names:
        found = el.xpath(f"./*[local-name()='{name}']")
        if found:
            text = " ".join("".join(found[0].itertext()).split())
            if text:
                return text
    return None


def _feed_date(text: str | None) -> str | None:
    return parse_iso_date(text) or parse_rfc822_date(text) if text else None


def parse_feed(url: str, body: bytes) -> list[Link]:
    """Items of an RSS 2.0 / RSS 1.0 or Atom feed; ``date`` is the local date written."""
    root = _xml(body)
    if root is None:
        return []
    links: list[Link] = []
    for item in root.xpath("//*[local-name()='item']"):
        href = _child_text(item, "link")
        if not href:
            guid = _first(item, "./*[local-name()='guid']")
            if guid is not None and guid.get("isPermaLink", "true") != "false":
                href = _child_text(item, "guid")
        absolute = _abs(url, href)
        if not absolute:
            continue
        date = _feed_date(_child_text(item, "pubDate", "date", "published", "updated"))
        links.append(
            Link(
                url=absolute,
                title=_child_text(item, "title") or "",
                kind="press",
                label=_child_text(item, "category"),
                date=date,
            )
        )
    for entry in root.xpath("//*[local-name()='entry']"):
        href = None
        for link in entry.xpath("./*[local-name()='link']"):
            if link.get("rel", "alternate") == "alternate" and link.get("href"):
                href = link.get("href")
                break
        absolute = _abs(url, href)
        if not absolute:
            continue
        category = _first(entry, "./*[local-name()='category']/@term")
        links.append(
            Link(
                url=absolute,
                title=_child_text(entry, "title") or "",
                kind="press",
                label=str(category) if category else None,
                date=_feed_date(_child_text(entry, "published", "updated")),
            )
        )
    return links


# -- sitemaps ---------------------------------------------------------------------------
def parse_sitemap(url: str, body: bytes) -> Sitemap:
    """``<urlset>`` pages (with ``<lastmod>`` as written) or ``<sitemapindex>`` children;
    gzip-compressed bytes are accepted."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, MAX_SITEMAP_BYTES)
        except (zlib.error, gzip.BadGzipFile) as exc:
            log.warning("sitemap %s: bad gzip data: %s", url, exc)
            return Sitemap()
    root = _xml(body)
    if root is None:
        return Sitemap()
    result = Sitemap()
    for el in root.xpath("//*[local-name()='url']"):
        loc = _abs(url, _child_text(el, "loc"))
        if loc:
            result.pages.append((loc, _child_text(el, "lastmod")))
    for el in root.xpath("//*[local-name()='sitemap']"):
        loc = _abs(url, _child_text(el, "loc"))
        if loc:
            result.sitemaps.append(loc)
    return result


# -- discovery --------------------------------------------------------------------------
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
    "CachedDiscovery",
    "Discovery",
    "DiscoveryCache",
    "Listing",
    "Sitemap",
    "discover",
    "parse_feed",
    "parse_listing",
    "parse_sitemap",
]
