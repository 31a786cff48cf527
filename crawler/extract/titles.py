"""Titles: the visible ``h1`` a reader sees (not hidden, not in chrome or teasers), else a
visible heading marked ``itemprop="headline"`` (schema.org microdata: TYPO3 EXT:news's stock
``div.header > h3``), a ``<title>`` without its site suffix, and the page's canonical link."""

from __future__ import annotations

import re
from typing import Any

from crawler.extract.context import PageContext
from crawler.extract.index import is_under
from crawler.extract.text import clean_or_none, element_text
from crawler.extract.vocabulary import HIDDEN_CLASS, NOT_TITLE_CLASS

_TITLE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,80}$")


def visible_h1(page: PageContext, scope: Any) -> Any:
    """The first ``h1`` under ``scope`` a reader sees (not hidden, not in chrome or teasers)."""
    if scope is None:
        return None
    for h1 in scope.iter("h1"):
        if not _hidden_or_chrome(page, h1) and element_text(h1):
            return h1
    return None


_HEADLINE_TAGS = frozenset(("h1", "h2", "h3", "h4"))


def visible_headline(page: PageContext, scope: Any) -> Any:
    """The first heading (``h1``-``h4``) under ``scope`` marked ``itemprop="headline"`` that a
    reader sees (a page whose only ``h1`` is the site's name in chrome)."""
    if scope is None:
        return None
    for el in page.with_attribute("itemprop"):
        if (
            el.tag in _HEADLINE_TAGS
            and el.get("itemprop") == "headline"
            and is_under(el, scope)
            and not _hidden_or_chrome(page, el)
            and element_text(el)
        ):
            return el
    return None


def hidden(page: PageContext, el: Any) -> bool:
    """Whether ``el`` or an ancestor is hidden (``hidden``, ``aria-hidden``, an inline style,
    a class such as ``sr-only``); answers for ancestors are kept for the page."""
    seen = page.hidden
    chain = []
    node = el
    answer = False
    while node is not None:
        known = seen.get(node)
        if known is not None:
            answer = known
            break
        if _hidden_here(node):
            answer = True
            break
        chain.append(node)
        node = node.getparent()
    for below in chain:  # the nodes below the answer share it
        seen[below] = answer
    return answer


def _hidden_here(node: Any) -> bool:
    names = node.keys()  # (one call instead of a get() for each attribute below)
    if not names:
        return False
    if "hidden" in names or ("aria-hidden" in names and node.get("aria-hidden") == "true"):
        return True
    if "style" in names:
        style = node.get("style").replace(" ", "").lower()
        if "display:none" in style or "visibility:hidden" in style:
            return True
    if "class" not in names:
        return False
    value = node.get("class").lower()
    for word in HIDDEN_CLASS:  # (a loop: any() with a generator costs twice as much)
        if word in value:
            return True
    return False


def _hidden_or_chrome(page: PageContext, el: Any) -> bool:
    if hidden(page, el):
        return True
    for node in (el, *el.iterancestors()):
        value = node.get("class")
        if value:
            value = value.lower()
            for word in NOT_TITLE_CLASS:
                if word in value:
                    return True
        if node.tag in ("nav", "footer", "aside") or node.get("id") in ("header", "navigation"):
            return True
        if node.tag == "header" and not any(
            a.tag in ("article", "main") for a in node.iterancestors()
        ):
            return True
    return False


def strip_suffix(title: str | None) -> str | None:
    """``"Sommerfest | Stadt Hanau"`` → ``"Sommerfest"``."""
    if not title:
        return None
    return clean_or_none(_TITLE_SUFFIX.sub("", title)) or clean_or_none(title)


def canonical(page: PageContext) -> str | None:
    """The page's ``<link rel="canonical">``, resolved."""
    for link in page.doc.iter("link"):
        if link.get("href") is None:
            continue
        if "canonical" in (link.get("rel") or "").lower().split():
            return page.resolve(link.get("href"))
    return None


__all__ = ["canonical", "hidden", "strip_suffix", "visible_h1", "visible_headline"]
