"""Site profiles: per-source CSS selectors that override the generic extraction layer.

A :class:`SiteProfile` names, for one CMS family or one site, where a field lives. Every
selector is optional; a field without one (or whose selector matches nothing on a page) is
extracted generically. Selectors are CSS (cssselect, HTML mode), compiled once and cached.

Field meanings (all selectors are evaluated on the whole document):

``title``, ``label``, ``lead``
    first visible match; its text (a label inside the title is left out of the title).
``body``
    every match that is not inside another match: the body text is read from these roots.
``date``
    first match; ``datetime``/``content`` attribute (source ``metadata``) or its text (``text``).
    A profile date decides ``published`` when it is found.
``images``
    ``img`` elements (or elements holding them) of the article.
``captions``
    caption elements; an image takes the caption in its nearest ancestor that holds one.
``credits``
    credit items (e.g. "Bildnachweise" entries, ``.copyright`` spans); full text of each goes to
    ``credits``; an item linking to an image file gives that image its credit.
``related``
    related boxes; their teasers become ``related``.
``listing_items``
    teasers of a listing page (each holding a link); a page where they match is a listing.
``next_page``
    pagination links of a listing page (``a[href]`` or elements holding one).

Configuration (``config.toml``): ``[profiles.NAME]`` tables with these keys and optional
``extends = "sitepark"`` (a built-in or another user profile); a source picks one with
``profile = "NAME"``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cssselect import HTMLTranslator, SelectorError
from lxml import etree

from crawler.extract.index import PageIndex
from crawler.extract.selector import parse
from crawler.extract.vocabulary import SP_PROFILE_SELECTORS

_TRANSLATOR = HTMLTranslator()


@dataclass(frozen=True)
class SiteProfile:
    """Optional CSS selectors, one per field (see the module docstring)."""

    title: str | None = None
    label: str | None = None
    lead: str | None = None
    body: str | None = None
    date: str | None = None
    images: str | None = None
    captions: str | None = None
    credits: str | None = None
    related: str | None = None
    listing_items: str | None = None
    next_page: str | None = None

    def merged(self, override: SiteProfile) -> SiteProfile:
        """This profile with every selector ``override`` sets replaced."""
        changes = {k: v for k, v in dataclasses.asdict(override).items() if v is not None}
        return dataclasses.replace(self, **changes)


FIELDS = tuple(f.name for f in dataclasses.fields(SiteProfile))

#: Sitepark IES (ruesselsheim.de, offenbach.de, mainz.de, …): see crawler/sample_site/MARKUP.md
#: (the selectors are Sitepark vocabulary: ``crawler.extract.vocabulary.SP_PROFILE_SELECTORS``)
SITEPARK = SiteProfile(**SP_PROFILE_SELECTORS)

#: TYPO3 with EXT:news (tx_news) default templates (Darmstadt, Kreis Groß-Gerau, …)
TYPO3 = SiteProfile(
    title=".news-single .header [itemprop=headline], .news-single .header h1, "
    ".news-single .header h2, .news-single .header h3",
    label=".news-single .header .news-kicker, .news-single .news-list-category",
    lead=".news-single .teaser-text",
    body=".news-single .news-text-wrap",
    date=".news-single .news-list-date time, .news-single .news-list-date",
    images=".news-single .news-img-wrap img",
    captions=".news-single .news-img-wrap figcaption, .news-single .news-img-caption",
    credits=".news-single .news-img-copyright",
    related=".news-single .news-related-news, .news-single .news-related-links",
    listing_items=".news-list-view .article",
    next_page=".f3-widget-paginator .next a, .news-list-browse .next a, "
    ".page-navigation .next a, .pagination .next a",
)

BUILTIN_PROFILES: dict[str, SiteProfile] = {"sitepark": SITEPARK, "typo3": TYPO3}


def selector_error(selector: str) -> str | None:
    """Why ``selector`` is not a usable CSS selector, or None if it is."""
    try:
        _compile(selector)
    except (SelectorError, etree.XPathError) as exc:
        return f"bad CSS selector {selector!r}: {exc}"
    return None


@lru_cache(maxsize=512)
def _compile(selector: str) -> etree.XPath:
    return etree.XPath(_TRANSLATOR.css_to_xpath(selector))


def select(root: Any, selector: str | None, index: PageIndex | None = None) -> list[Any]:
    """Elements under ``root`` matching ``selector`` in document order; [] for no selector or a
    broken one (config loading rejects broken selectors before a crawl starts). ``index``: the
    page's index when ``root`` is its root (the selectors the small matcher supports run on
    it; the others, and every selector without an index, by cssselect's XPath)."""
    if not selector or root is None:
        return []
    if index is not None and index.root is root:
        chains = parse(selector)
        if chains is not None:
            return index.select(chains)
    try:
        found = _compile(selector)(root)
    except (SelectorError, etree.XPathError):
        return []
    return [el for el in found if isinstance(getattr(el, "tag", None), str)] if found else []


def outermost(elements: list[Any]) -> list[Any]:
    """``elements`` without those nested inside another of them."""
    chosen = set(elements)
    return [el for el in elements if not any(a in chosen for a in el.iterancestors())]


__all__ = [
    "BUILTIN_PROFILES",
    "FIELDS",
    "SITEPARK",
    "TYPO3",
    "SiteProfile",
    "outermost",
    "select",
    "selector_error",
]
