"""Sitepark IES (``article#SP-Content``): header (kicker, ``h1``, intro) and content; the page
type from the kicker and the path. Markup contract: ``crawler/sample_site/MARKUP.md``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from crawler.extract.content import fill_content
from crawler.extract.context import PageContext
from crawler.extract.text import clean_or_none, element_text
from crawler.extract.titles import visible_h1
from crawler.extract.vocabulary import (
    SP_ARTICLE_CONTENT,
    SP_ARTICLE_HEADER,
    SP_ARTICLE_ID,
    SP_INTRO,
    SP_KICKER,
    SP_KICKER_TEXT,
)
from crawler.records import Extracted


def find_article(doc: Any) -> Any:
    """The page's ``article#SP-Content``, or None."""
    return next((a for a in doc.iter("article") if a.get("id") == SP_ARTICLE_ID), None)


def fill_sitepark(
    page: PageContext, result: Extracted, article: Any, found: dict[str, Any]
) -> None:
    """Sitepark's header and content; a field the profile found (``found``, it overrides this
    layer in :func:`crawler.extract.layouts.profiled.apply_profile`) is not read twice."""
    header = page.first_with_class(article, SP_ARTICLE_HEADER, tag="header")
    head = header if header is not None else article
    kicker = page.first_with_class(head, SP_KICKER_TEXT)
    if kicker is None:
        kicker = page.first_with_class(head, SP_KICKER)
    result.label = clean_or_none(element_text(kicker)) if kicker is not None else None
    if "title" not in found:
        h1 = visible_h1(page, head)
        result.title = clean_or_none(
            element_text(h1 if h1 is not None else visible_h1(page, article))
        )
    if "lead" not in found:
        intro = page.first_with_class(head, SP_INTRO)
        result.lead = clean_or_none(element_text(intro)) if intro is not None else None
    content = page.first_with_class(article, SP_ARTICLE_CONTENT)
    root = content if content is not None else article
    fill_content(page, result, article, root, (), "body" not in found)
    result.page_type = sitepark_type(result.label, result.url)


def sitepark_type(label: str | None, url: str) -> str:
    path = urlsplit(url).path.lower()
    lowered = (label or "").lower()
    if lowered.startswith("pressemitteilung"):
        return "press_release"
    if "bekanntmachung" in lowered:
        return "notice"
    if path.startswith("/presse/"):
        return "press_release"
    if "/oeffentliche-bekanntmachungen/" in path:
        return "notice"
    if path.startswith("/rathaus/verwaltung/"):
        return "org_unit"
    return "topic"


def in_sitepark(el: Any) -> bool:
    """``ancestor-or-self::article[@id='SP-Content']`` of ``el`` exists (without XPath)."""
    while el is not None:
        if el.tag == "article" and el.get("id") == SP_ARTICLE_ID:
            return True
        el = el.getparent()
    return False


__all__ = ["fill_sitepark", "find_article", "in_sitepark", "sitepark_type"]
