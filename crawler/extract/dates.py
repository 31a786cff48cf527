"""Dates of an article page: visible date lines and datelines, ``<time datetime>``, the URL,
a profile's date, htmldate as the last resort; then ``published`` by the rule of
:mod:`crawler.dates` (:func:`fill_dates`)."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from crawler import dates
from crawler.extract import fallback as extract_fallback
from crawler.extract.context import PageContext
from crawler.extract.index import is_under
from crawler.extract.related import RELATED_HEADINGS, in_box
from crawler.extract.structured import Structured, time_dates
from crawler.extract.text import element_text
from crawler.extract.vocabulary import (
    DATE_WORDS as _DATE_WORDS,
)
from crawler.extract.vocabulary import MODIFIED_WORDS
from crawler.records import DateCandidate, Extracted

# the same words as a pattern over a lower-cased class attribute (no word holds whitespace, so
# "a token contains it" and "the attribute contains it" agree)
_DATE_RE = re.compile("|".join(map(re.escape, _DATE_WORDS)))
_MODIFIED_RE = re.compile("|".join(map(re.escape, MODIFIED_WORDS)))
#: the longest text of a "last changed" line or of one of its parts
_MODIFIED_CHARS = 80


def text_dates(
    page: PageContext, result: Extracted, scope: Any, text_dates: list[DateCandidate]
) -> None:
    """Visible date lines (an element of the article classed ``date``/``datum`` holding only a
    date) and datelines ("Offenbach am Main, 4. Juni 2025 – …")."""
    if not text_dates:
        value = _date_line_memo(page, scope)[1]
        if value:
            text_dates.append(DateCandidate(value, "text", "date line"))
    for line in (result.lead, *(result.body or "").split("\n\n", 3)[:3]):
        dateline = dates.dateline_date(line)
        if dateline:
            text_dates.append(DateCandidate(dateline, "text", "dateline"))
            break


def date_line(page: PageContext, scope: Any) -> Any:
    """The article's visible date line: an element classed ``date``/``datum`` holding a short
    text with a date (not in a teaser or related box); None if there is none."""
    return _date_line_memo(page, scope)[0]


def _date_line_memo(page: PageContext, scope: Any) -> tuple[Any, str | None]:
    """:func:`_date_line` of ``scope``, once per page."""
    found = page.date_lines.get(scope)
    if found is None:
        found = page.date_lines[scope] = _date_line(page, scope)
    return found


def dated_elements(page: PageContext, scope: Any) -> list[Any]:
    """``descendant-or-self::*[@class]`` of ``scope`` whose lower-cased class holds a date word
    (:data:`_DATE_RE`), in document order, from the page's index."""
    return [
        el for el in page.index.with_class_matching(_DATE_RE) if el is scope or is_under(el, scope)
    ]


def _date_line(page: PageContext, scope: Any) -> tuple[Any, str | None]:
    """The date line of ``scope`` and its date (``parse_german_date`` of its text), or
    ``(None, None)``."""
    found = dated_elements(page, scope)
    for el in found:  # in document order, as scope.iter()
        if el.tag == "time" and el.get("datetime"):
            continue
        classed = _in_teaser_class(el, scope)  # (decided before the text is read)
        if classed:
            continue
        text = element_text(el)
        if len(text) > 60:
            continue
        value = dates.parse_german_date(text)
        if value and not (classed is None and in_box(page, el, RELATED_HEADINGS)):
            return el, value
    return None, None


def _in_teaser(page: PageContext, el: Any, scope: Any) -> bool:
    """Whether ``el`` is in a teaser or related box: an ancestor below ``scope`` classed as one,
    else (when ``scope`` is not above ``el``) a box headed like a related box."""
    classed = _in_teaser_class(el, scope)
    return classed if classed is not None else in_box(page, el, RELATED_HEADINGS)


def _in_teaser_class(el: Any, scope: Any) -> bool | None:
    """The ancestor walk of :func:`_in_teaser`: True for an ancestor below ``scope`` whose class
    holds "teaser" or "related", False on reaching ``scope``, None when ``scope`` is not above
    ``el`` (the related-box headings then decide)."""
    for node in el.iterancestors():
        if node is scope:
            return False
        token = (node.get("class") or "").lower()  # (the words hold no whitespace)
        if "teaser" in token or "related" in token:
            return True
    return None


def _profile_date(page: PageContext) -> DateCandidate | None:
    """The profile's date: a machine-readable ``datetime``/``content`` attribute on (or inside)
    a match is ``metadata``, else the first match's visible date is ``text``."""
    profile = page.profile
    matches = page.select(page.doc, profile.date if profile else None)
    for el in matches:
        for node in el.iter(etree.Element):  # descendant-or-self::*[@datetime or @content]
            if node.get("datetime") is None and node.get("content") is None:
                continue
            value = dates.parse_any_date(node.get("datetime") or node.get("content"))
            if value:
                return DateCandidate(value, "metadata", "profile date")
    for el in matches:
        value = dates.parse_german_date(element_text(el))
        if value:
            return DateCandidate(value, "text", "profile date")
    return None


def fill_dates(
    page: PageContext,
    result: Extracted,
    scope: Any,
    meta: Structured,
    text_dates: list[DateCandidate],
) -> None:
    found = list(meta.published)
    found += time_dates(scope, lambda el: _in_teaser(page, el, scope))
    for source_url, detail in ((result.url, "url path"), (result.canonical, "canonical url")):
        if detail == "canonical url" and source_url == result.url:
            break  # the same URL again
        value = dates.date_from_url(source_url)
        if value:
            found.append(DateCandidate(value, "url", detail))
            break
    found.extend(text_dates)
    pinned = _profile_date(page)
    if pinned is not None:
        found.insert(0, pinned)
    if not found and result.page_type == "press_release":
        # measured on the sample site: on topic pages htmldate only ever found dates of
        # related teasers and links (4 of 12 undated pages got a wrong date, none a right one)
        value = extract_fallback.find_date(page.markup, result.url)
        if value:
            found.append(DateCandidate(value, "text", "htmldate"))
    result.date_candidates = found
    best, result.date_conflict = dates.choose(found)
    if pinned is not None:
        best = pinned
    if best is not None:
        result.published, result.published_source = best.value, best.source
    result.modified = meta.modified[0] if meta.modified else _modified_line(page, scope)


def _modified_line(page: PageContext, scope: Any) -> str | None:
    """The date of the article's visible "last changed" line (an element classed
    :data:`~crawler.extract.vocabulary.MODIFIED_WORDS`, not in a teaser): its own or a part's
    ``datetime``, else the first short part whose text is a date ("zuletzt verändert:" and the
    stamp in a span of its own)."""
    if scope is None:
        return None
    for el in page.index.with_class_matching(_MODIFIED_RE):
        if not is_under(el, scope) or _in_teaser_class(el, scope):
            continue
        for node in el.iter(etree.Element):  # descendant-or-self, document order
            value = dates.parse_any_date(node.get("datetime"))
            if value:
                return value
            text = element_text(node)
            if text and len(text) <= _MODIFIED_CHARS:
                value = dates.parse_german_date(text)
                if value:
                    return value
    return None


__all__ = ["date_line", "fill_dates", "text_dates"]
