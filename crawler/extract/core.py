"""Extraction: one HTML page (URL, bytes, headers[, profile]) → :class:`crawler.records.Extracted`.

``extract`` is a pure function. Bad input (unparseable bytes, an empty document) gives an
``Extracted`` with nothing in it; an exception it raises is a bug of the extractor (the crawl
engine records it as an extraction error). The cascade, each stage filling what the ones before
left empty:

1. parse (:func:`_parse`) and make the page's :class:`~crawler.extract.context.PageContext`
   (tree, profile, base URL, index and memos: all per-page state, passed explicitly);
2. structured data (:mod:`crawler.extract.structured`): JSON-LD, OpenGraph/``article:*``
   metas, microdata, Sitepark's application-name JSON — dates first;
3. listing pages (:func:`crawler.extract.related.is_listing`; not where the block scorer finds
   an article beside the "teasers": :func:`crawler.extract.article_text.holds_article`): title and
   teasers, done;
4. layout (:mod:`crawler.extract.layouts`): Sitepark IES (``article#SP-Content``), the old
   Rüsselsheim CMS (``div.news-single-item``), else the generic visible ``h1`` inside
   ``main``/``article``; body and media (:mod:`crawler.extract.content`);
5. site profile (:mod:`crawler.extract.layouts.profiled`): the profile's CSS selectors override
   the layout field by field;
6. no title yet: old table layouts (:mod:`crawler.extract.layouts.tables`);
7. selected body where no markup says where the article is: the block scorer's
   (:mod:`crawler.extract.scoring`), trafilatura's (:mod:`crawler.extract.fallback`) only
   where the scorer finds no article;
8. related links (:mod:`crawler.extract.related`) and dates (:mod:`crawler.extract.dates`, the
   rule that picks ``published`` in :mod:`crawler.dates`; htmldate when nothing else dates a
   press release); a generic page found to have no date at all is no press release by its
   ``Article`` type alone (:func:`crawler.extract.layouts.generic.page_type`).

Vocabulary (class words, headings, caption and credit forms): :mod:`crawler.extract.vocabulary`.
"""

from __future__ import annotations

import logging
from codecs import BOM_UTF8
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from crawler.extract import fallback as extract_fallback
from crawler.extract.article_text import pick_body, scored_body
from crawler.extract.context import PageContext
from crawler.extract.dates import date_line, fill_dates, text_dates
from crawler.extract.index import PageIndex
from crawler.extract.layouts.generic import fill_generic, marked_body, page_type, trusted
from crawler.extract.layouts.oldcms import fill_old_cms, find_item
from crawler.extract.layouts.profiled import apply_profile, profile_fields
from crawler.extract.layouts.sitepark import fill_sitepark, find_article
from crawler.extract.layouts.tables import fallback_scope
from crawler.extract.media import CREDIT_HEADINGS, credit_lines, split_caption
from crawler.extract.parse import parse_html
from crawler.extract.profiles import SiteProfile
from crawler.extract.related import RELATED_HEADINGS, is_listing, listing_items
from crawler.extract.related import related as related_links
from crawler.extract.structured import read_structured
from crawler.extract.teasers import page_teaser
from crawler.extract.text import (
    clean_or_none,
    decode_html_as,
    element_text,
    is_prepared,
    prepare_markup,
)
from crawler.extract.titles import canonical, strip_suffix, visible_h1
from crawler.records import DateCandidate, Extracted

logger = logging.getLogger(__name__)
#: lxml parsers, one pair per thread (lxml parsers must not be shared across threads); they
#: hold no page state

__all__ = [
    "CREDIT_HEADINGS",
    "RELATED_HEADINGS",
    "extract",
    "extract_parsed",
    "parse_markup",
    "split_caption",
]


def extract(
    url: str, body: bytes, headers: Mapping[str, str], profile: SiteProfile | None = None
) -> Extracted:
    """Extract one page. Malformed input gives an ``Extracted`` with ``page_type="other"``;
    an exception is an extractor bug (never swallowed here).

    ``profile`` (optional) holds CSS selectors that override the generic layer for one source.
    """
    try:  # stage 1
        parsed = _parse(body, headers or {})
    except (etree.LxmlError, ValueError) as exc:
        logger.debug("unparseable page %s: %s", url, exc)
        return Extracted(url=url)
    if parsed is None:
        return Extracted(url=url)
    return extract_parsed(url, *parsed, profile)


def extract_parsed(
    url: str,
    markup: str,
    doc: Any,
    profile: SiteProfile | None = None,
    index: PageIndex | None = None,
) -> Extracted:
    """:func:`extract` of a page already parsed by :func:`parse_markup` (its markup and
    tree). Extraction never changes the tree, so one tree serves several extractions (the
    template learner extracts each page generically and again with the learned profile),
    and so does its ``index`` (a :class:`PageIndex` of ``doc``: memos of pure lookups)."""
    href = next((b.get("href") for b in doc.iter("base") if b.get("href") is not None), None)
    try:
        base = urljoin(url, (href or "").strip()) or url
    except ValueError:  # a malformed <base href> ("http://[x"): the page's own URL
        base = url
    page = PageContext(url=url, doc=doc, markup=markup, profile=profile, base=base, _index=index)
    return _extract(page)


def parse_markup(body: bytes, headers: Mapping[str, str]) -> tuple[str, Any] | None:
    """The decoded markup and lxml tree of a page as :func:`extract` parses it, or None
    (empty or unparseable bytes)."""
    try:
        return _parse(body, headers or {})
    except (etree.LxmlError, ValueError):
        return None


def _parse(body: bytes, headers: Mapping[str, str]) -> tuple[str, Any] | None:
    """The decoded markup and its lxml tree (plain ``etree`` elements: no ``lxml.html``
    element-class lookup in Python for every node touched), or None for an empty page."""
    if not body or body.isspace():  # (the whitespace strip() removes, without the copy)
        return None
    text, codec = decode_html_as(body, headers)
    source: str | bytes
    if codec == "utf-8" and not body.startswith(BOM_UTF8) and is_prepared(text, body):
        # the body is the markup in UTF-8: lxml parses the bytes (a str it encodes first)
        markup, source, kind = text, body, "lean-utf-8"
    else:
        markup = prepare_markup(text)
        source, kind = markup, "lean"
    if not markup or markup.isspace():
        return None
    doc = parse_html(source, kind=kind)
    return None if doc is None else (markup, doc)


def _main(page: PageContext) -> Any:
    """The page's ``main`` element, else its first ``[role=main]``."""
    main = next(page.doc.iter("main"), None)
    if main is None:
        main = next((el for el in page.with_attribute("role") if el.get("role") == "main"), None)
    return main


def _extract(page: PageContext) -> Extracted:
    doc, profile = page.doc, page.profile
    result = Extracted(url=page.url, canonical=canonical(page))
    meta = read_structured(page)  # stage 2
    article = find_article(doc)
    old = find_item(page)
    main = _main(page)
    dated: list[DateCandidate] = []
    found = profile_fields(page)
    marked = marked_body(page) if article is None and old is None else None

    if (  # stage 3
        article is None
        and old is None
        and not found
        and not meta.is_article
        and is_listing(page, main, profile)
    ):
        scope = main if main is not None else doc
        result.page_type = "listing"
        h1 = visible_h1(page, scope)
        result.title = clean_or_none(element_text(h1 if h1 is not None else visible_h1(page, doc)))
        result.related = [
            link
            for link in (page_teaser(page, item) for item in listing_items(page, scope, profile))
            if link
        ]
        return result
    if article is not None:  # stage 4
        scope = article
        fill_sitepark(page, result, article, found)
    elif old is not None:
        scope = old
        fill_old_cms(page, result, old, dated, "body" in found)
    else:
        scope = fill_generic(page, result, main, meta, found, marked)
    if found:  # stage 5
        scope = apply_profile(page, result, scope, found, meta)
    if scope is None:  # stage 6
        scope = fallback_scope(page, result, main, meta, marked)
        if scope is None:
            return result
    if result.title is None:
        result.title = meta.headline or strip_suffix(meta.og_title)
    if not result.body or not trusted(doc, article, old, profile, marked):  # stage 7
        # no markup says where the article is: the scorer's body is measurably better than
        # the title's container's; the library's where the scorer finds none (BENCHMARKS.md)
        _select_body(page, result, scope)
        if result.body and result.page_type == "other":
            result.page_type = "press_release" if meta.is_press else "topic"

    result.related = related_links(page, profile)  # stage 8
    text_dates(page, result, scope, dated)
    fill_dates(page, result, scope, meta, dated)
    if article is None and old is None and result.page_type == "press_release":
        if result.published is None and not result.date_candidates:
            result.page_type = page_type(result, meta, undated=True)
    return result


def _select_body(page: PageContext, result: Extracted, scope: Any) -> None:
    """Stage 7: the body where no markup says where the article is: the block scorer's
    (:mod:`crawler.extract.scoring`); where it finds no article, trafilatura's
    (:mod:`crawler.extract.fallback`), the structural body when that finds nothing either
    (:func:`crawler.extract.article_text.pick_body`). Known fields (title, label, lead, the
    date line, captions and credits) are no body blocks."""
    line = date_line(page, scope)  # the visible date line and the image captions are
    # fields of their own (trafilatura may put them into the body; BENCHMARKS.md)
    fields = [
        result.title,
        result.label,
        result.lead,
        element_text(line) if line is not None else None,
    ]
    for image in result.images:
        fields += (image.caption, image.credit)
    fields += [element_text(el) for el in credit_lines(page, scope)]  # "Bildnachweis: …"
    known = {f for f in fields if f}
    scored = scored_body(page.doc, known)
    result.body = pick_body(
        result.body, scored, lambda: extract_fallback.body_text(page.markup, page.url), fields
    )
