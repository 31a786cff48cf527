"""Teasers: one list item, article or anchor of a related box or a listing page as a
:class:`crawler.records.Link` (URL, title, kind, label, date), read in one walk over it
(:class:`_TeaserParts`); the kind from Sitepark's modifier classes, else from the link
(:func:`_guess_kind`: a file is ``other``, a dated teaser or a press path ``press``, an office
``org``, the same site ``topic``). Used by :mod:`crawler.extract.related` (boxes, listings)
and by discovery's listing pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from crawler import dates
from crawler.extract.context import PageContext
from crawler.extract.index import class_tokens
from crawler.extract.text import (
    classes,
    clean,
    clean_or_none,
    element_text,
    is_attachment_url,
    resolve_url,
)
from crawler.extract.vocabulary import (
    CONTEXT as _CONTEXT,
)
from crawler.extract.vocabulary import (
    LINK_PREFIX as _LINK_PREFIX,
)
from crawler.extract.vocabulary import (
    ORG_PATH,
    PRESS_PATH,
    SP_KICKER_TEXT,
    SP_PREFIX,
    SP_SCHEDULING_DATE,
    SP_TEASER,
    SP_TEASER_HEADLINE,
    SP_TEASER_KINDS,
    SP_TEASER_MARKED,
)
from crawler.records import Link

_LEADING_DATE = re.compile(r"^\s*\(?\d{1,2}\.\d{1,2}\.\d{2,4}\b")


def teaser(item: Any, base: str) -> Link | None:
    """One teaser (list item, article or anchor) as a :class:`Link` (outside an extraction:
    the crawler's discovery reads listing teasers with it)."""
    return _teaser(item, base, element_text, lambda href: resolve_url(base, href))


def page_teaser(page: PageContext, item: Any) -> Link | None:
    """:func:`teaser` of an element of the page being extracted."""
    return _teaser(item, page.base, element_text, page.resolve)


def _teaser(
    item: Any,
    base: str,
    text_of: Callable[[Any], str],
    resolve: Callable[[str | None], str | None],
) -> Link | None:
    """:func:`teaser`; ``text_of``: :func:`crawler.extract.text.element_text` or the page index's
    memo of it (a related box's headings were read when it was found); ``resolve``: an href to
    an absolute URL against ``base``."""
    parts = _TeaserParts(item)
    anchor = item if item.tag == "a" else parts.anchor
    url = resolve(anchor.get("href") or "") if anchor is not None else None
    if not url:
        return None
    if parts.headline is not None:
        title = text_of(parts.headline)
    else:
        title = element_text(anchor, skip=_marked)
        if title.startswith("Link zu"):  # (what the pattern starts with)
            title = _LINK_PREFIX.sub("", title)  # old CMS: every anchor reads "Link zu <title>"
        if not title and item.tag != "a":  # an image link: the teaser's linked text
            title = next((t for a in item.iter("a") if (t := element_text(a, skip=_marked))), "")
        if not title and anchor is not None:  # an image link alone: the image's alt text
            title = next((alt for img in anchor.iter("img") if (alt := img.get("alt"))), "")
    kicker = parts.kicker
    if kicker is None and item.tag != "a":
        kicker = parts.context
    label = clean_or_none(_context(element_text(kicker))) if kicker is not None else None
    date = _teaser_date(parts)
    sitepark_teaser = parts.sitepark
    kind = None
    if sitepark_teaser is not None:
        for token in classes(sitepark_teaser):
            kind = kind or SP_TEASER_KINDS.get(token)
        kind = kind or "other"  # MARKUP.md: a Sitepark teaser without a known kind modifier
    elif date:  # what the branch below makes of a dated teaser, without a ``_Text``
        # (:func:`_guess_kind` calls it press; the ``urlsplit(url)`` it does first cannot
        # fail: resolve_url() returns only URLs it made from a split base or split itself)
        kind = "press"
        if label is None and "Pressemitteilung" in element_text(item):
            label = "Pressemitteilung"
    else:
        text = _Text(item)  # the teaser's whole text, read only if needed
        if date is None and ("Pressemitteilung" in text() or _LEADING_DATE.match(text())):
            # "22.03.2024 Pressemitteilung …", "28.03.2023 …"
            date = dates.parse_german_date(text())
        kind = _guess_kind(url, base, text, date)
        if label is None and kind == "press" and "Pressemitteilung" in text():
            label = "Pressemitteilung"
    if kind == "org":
        label = None
    return Link(url=url, title=clean(title), kind=kind, label=label, date=date)


def _context(text: str) -> str:
    """``_CONTEXT.sub(r"\\1", text)`` (an anchored pattern: one match at most) without the
    template expansion; a text that does not start like the pattern is returned as it is."""
    if not text.startswith(("In", "Aus", "Kategorie")):
        return text
    match = _CONTEXT.match(text)
    return text if match is None else match.group(1) + text[match.end() :]


class _TeaserParts:
    """The parts of a teaser, found in one walk over it (first match of each, in document
    order): ``anchor`` ``.//a[@href]``; ``headline`` a ``SP-Teaser__headline`` or
    ``h1``-``h4``; ``kicker`` a ``SP-Kicker__text``; ``context`` a class holding "kicker",
    "context" or "categor"; ``date`` a ``SP-Scheduling__date`` or ``time``; ``dated`` the
    teaser or an element in it with a class token holding "date", "datum" or "time";
    ``sitepark`` the teaser or an element in it classed ``SP-Teaser``."""

    __slots__ = ("anchor", "context", "date", "dated", "headline", "kicker", "sitepark")

    def __init__(self, item: Any) -> None:
        anchor = headline = kicker = context = date = dated = sitepark = None
        # the teaser itself can only be ``sitepark`` and ``dated``
        value = item.get("class")
        if value is not None:
            if SP_PREFIX in value and SP_TEASER in class_tokens(value):
                sitepark = item
            lowered = value.lower()
            if "date" in lowered or "datum" in lowered or "time" in lowered:
                dated = item
        elements = item.iter(etree.Element)
        next(elements)  # (iter() starts with the teaser itself)
        for el in elements:
            value = el.get("class")
            if value is not None:
                # the Sitepark tokens below all hold SP_PREFIX; a date word holds no
                # whitespace, so it is in a token iff it is in the attribute
                if SP_PREFIX in value:
                    tokens = class_tokens(value)
                    if sitepark is None and SP_TEASER in tokens:
                        sitepark = el
                    if headline is None and SP_TEASER_HEADLINE in tokens:
                        headline = el
                    if kicker is None and SP_KICKER_TEXT in tokens:
                        kicker = el
                    if date is None and SP_SCHEDULING_DATE in tokens:
                        date = el
                if dated is None:
                    lowered = value.lower()
                    if "date" in lowered or "datum" in lowered or "time" in lowered:
                        dated = el
                if context is None and (
                    "kicker" in value or "context" in value or "categor" in value
                ):
                    context = el
            tag = el.tag
            if tag == "a":
                if anchor is None and el.get("href") is not None:
                    anchor = el
            elif tag in _HEADLINE_TAGS:
                if headline is None:
                    headline = el
            elif tag == "time" and date is None:
                date = el
        self.anchor, self.headline, self.kicker, self.context = anchor, headline, kicker, context
        self.date, self.dated, self.sitepark = date, dated, sitepark


_HEADLINE_TAGS = frozenset(("h1", "h2", "h3", "h4"))


def _marked(el: Any) -> bool:
    """A kicker, date or abstract inside a teaser's anchor (left out of its title)."""
    if el.tag == "time":
        return True
    value = el.get("class")
    return value is not None and not SP_TEASER_MARKED.isdisjoint(class_tokens(value))


def _teaser_date(parts: _TeaserParts) -> str | None:
    date_el = parts.date if parts.date is not None else parts.dated
    if date_el is None:
        return None
    return dates.parse_german_date(element_text(date_el)) or dates.parse_any_date(
        date_el.get("datetime")
    )


class _Text:
    """:func:`crawler.extract.text.element_text` of an element, read on the first call."""

    __slots__ = ("_el", "_text")

    def __init__(self, el: Any) -> None:
        self._el = el
        self._text: str | None = None

    def __call__(self) -> str:
        if self._text is None:
            self._text = element_text(self._el)
        return self._text


def _guess_kind(url: str, base: str, text: Callable[[], str], date: str | None) -> str:
    """Kind of a teaser without Sitepark classes (``text()``: the teaser's text): a file
    (:func:`crawler.urls.is_attachment_url`) is ``other``, a dated teaser or a press path
    (:data:`PRESS_PATH`) ``press``, an office path ``org``, another page of the same site
    ``topic``, anything else ``other``."""
    if is_attachment_url(url):
        return "other"
    parts = urlsplit(url)
    path = parts.path.lower()
    if date or PRESS_PATH.search(path) or "pressemitteilung" in text().lower():
        return "press"
    if ORG_PATH.search(path + "/"):
        return "org"
    if parts.hostname and parts.hostname != urlsplit(base).hostname:
        return "other"
    return "topic"


__all__ = ["page_teaser", "teaser"]
