"""Listing pages → teasers (links with the date a teaser shows) and pagination links.

Three rule sets, first match wins: the source's profile (``listing_items`` and
``next_page`` selectors), Sitepark IES teaser lists and pagination, generic rules
(``article``/teaser blocks with a heading link; ``rel=next``, "weiter" links, numbered
pager links)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawler.dates import parse_german_date, parse_iso_date
from crawler.discover.markup import (
    absolute,
    base_url,
    html_document,
    text_of,
    unique,
)
from crawler.extract.profiles import SiteProfile, select
from crawler.extract.teasers import teaser
from crawler.extract.text import cls, first
from crawler.extract.vocabulary import (
    SP_KICKER_TEXT,
    SP_LISTING_KINDS,
    SP_PAGINATION,
    SP_PAGINATION_DATA,
    SP_RELATED,
    SP_SCHEDULING_DATE,
    SP_TEASER,
    SP_TEASER_HEADLINE,
    SP_TEASER_INNER,
    SP_TEASER_LIST_ITEM,
    SP_TEASER_MODIFIER,
)
from crawler.records import Link

MAX_LISTING_PAGES = 500

#: a teaser's "read on" link is no next page ("Weiterlesen …": Contao, TYPO3 EXT:news, Joomla)
_READ_ON = ("weiterlesen", "weiter lesen", "weiterführend")
_NEXT_TEXTS = {"weiter", "nächste", "nächste seite", "next", "»", "›", ">", ">>", "vor"}


@dataclass
class Listing:
    items: list[Link] = field(default_factory=list)
    next_pages: list[str] = field(default_factory=list)
    truncated: bool = False  # items stopped at ``max_items``: the page may name more


def parse_listing(
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    profile: SiteProfile | None = None,
    max_items: int | None = None,
) -> Listing:
    """Teasers and pagination links of a listing page: the profile's ``listing_items`` and
    ``next_page`` selectors when given and matching, else Sitepark IES, else generic rules;
    at most :data:`MAX_LISTING_PAGES` next pages, and at most ``max_items`` teasers."""
    doc = html_document(body, headers)
    if doc is None:
        return Listing()
    base = base_url(doc, url)
    limit = max_items if max_items is not None else -1
    items = _profile_items(doc, base, profile, limit) or _sitepark_items(doc, base, limit)
    items = items or _generic_items(doc, base, limit)
    next_pages = _profile_pages(doc, base, profile) or _sitepark_pages(doc, base)
    next_pages = next_pages or _generic_pages(doc, base)
    # a run follows at most MAX_LISTING_PAGES pages: more pager links are no use
    next_pages = unique(next_pages, exclude=url)[:MAX_LISTING_PAGES]
    return Listing(items=items, next_pages=next_pages, truncated=len(items) == limit)


# -- the source's profile -----------------------------------------------------------------
def _profile_items(doc: Any, base: str, profile: SiteProfile | None, limit: int) -> list[Link]:
    if profile is None or not profile.listing_items:
        return []
    items: list[Link] = []
    seen: set[str] = set()
    for block in select(doc, profile.listing_items):
        if len(items) == limit:
            break
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
    return unique(absolute(base, h) for h in hrefs)


# -- Sitepark IES -------------------------------------------------------------------------
def _sitepark_items(doc: Any, base: str, limit: int) -> list[Link]:
    item, inner = cls(SP_TEASER_LIST_ITEM), cls(SP_TEASER_INNER)
    anchors = doc.xpath(f"//li[{item}]//a[{inner}][@href]")
    main = [a for a in anchors if not a.xpath(f"ancestor::*[{cls(SP_RELATED)}]")]
    items: list[Link] = []
    for a in main or anchors:
        if len(items) == limit:
            break
        href = absolute(base, a.get("href"))
        if not href:
            continue
        teaser = first(a, f"ancestor::*[{cls(SP_TEASER)}][1]")
        kind = "other"
        for c in (teaser.get("class", "") if teaser is not None else "").split():
            if c.startswith(SP_TEASER_MODIFIER):
                kind = SP_LISTING_KINDS.get(c.removeprefix(SP_TEASER_MODIFIER), "other")
        headline = first(a, f".//*[{cls(SP_TEASER_HEADLINE)}]")
        if headline is None:
            headline = first(a, ".//h1|.//h2|.//h3|.//h4")
        title = text_of(headline) or text_of(a)
        label = text_of(first(a, f".//*[{cls(SP_KICKER_TEXT)}]")) or None
        date_el = first(a, f".//*[{cls(SP_SCHEDULING_DATE)}]")
        date = parse_german_date(text_of(date_el)) if date_el is not None else None
        if date is None:
            date = parse_iso_date(first(a, ".//time/@datetime"))
        items.append(Link(url=href, title=title, kind=kind, label=label, date=date))
    return items


def _sitepark_pages(doc: Any, base: str) -> list[str]:
    nav = first(doc, f"//*[{cls(SP_PAGINATION)}]")
    if nav is None:
        return []
    pages = [absolute(base, h) for h in nav.xpath(".//a/@href")]
    raw = nav.get(SP_PAGINATION_DATA)
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
    return unique(pages)


# -- generic ------------------------------------------------------------------------------
def _generic_items(doc: Any, base: str, limit: int) -> list[Link]:
    blocks = doc.xpath(
        f"//article | //*[{cls('article')}] | //*[{cls('news-list-item')}] | //*[{cls('teaser')}]"
    )
    items: list[Link] = []
    seen: set[str] = set()
    for block in blocks:
        if len(items) == limit:
            break
        heading = first(block, ".//h1|.//h2|.//h3")
        if heading is None:
            continue
        a = first(heading, ".//a[@href]")
        if a is None:
            a = first(block, ".//a[@href]")
        href = absolute(base, a.get("href")) if a is not None else None
        if not href or href in seen:
            continue
        seen.add(href)
        time_attr = first(block, ".//time/@datetime")
        date = parse_iso_date(str(time_attr)) if time_attr else None
        date = date or parse_german_date(text_of(block)[:300])
        items.append(Link(url=href, title=text_of(heading) or text_of(a), date=date))
    return items


def _generic_pages(doc: Any, base: str) -> list[str]:
    rel_next = "contains(concat(' ', normalize-space(@rel), ' '), ' next ')"
    hrefs = list(doc.xpath(f"//a[{rel_next}]/@href"))
    hrefs += doc.xpath("//link[@rel='next']/@href")
    for a in doc.xpath("//a[@href]"):
        text = text_of(a).lower().strip(" .:")
        if text in _NEXT_TEXTS or (
            text.startswith(("nächste seite", "weiter")) and not text.startswith(_READ_ON)
        ):
            hrefs.append(a.get("href"))
    for box in doc.xpath(
        "//*[contains(@class, 'pagination') or contains(@class, 'paginator')"
        " or contains(@class, 'pager') or contains(@class, 'page-navigation')]"
    ):
        hrefs += [a.get("href") for a in box.xpath(".//a[@href]") if text_of(a).isdigit()]
    return unique(absolute(base, str(h)) for h in hrefs)


__all__ = ["MAX_LISTING_PAGES", "Listing", "parse_listing"]
