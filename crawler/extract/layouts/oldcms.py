"""The old Rüsselsheim CMS (``div.news-single-item``): section label, ``h1``, a date line
(``news-single-rightbox``) and the text (``news-text``); every such page is a press release."""

from __future__ import annotations

from typing import Any

from crawler import dates
from crawler.extract.content import fill_content
from crawler.extract.context import PageContext
from crawler.extract.text import clean_or_none, element_text
from crawler.extract.titles import visible_h1
from crawler.records import DateCandidate, Extracted


def find_item(page: PageContext) -> Any:
    """The page's ``div.news-single-item``, or None."""
    return page.first_with_class(page.doc, "news-single-item", tag="div")


def fill_old_cms(
    page: PageContext,
    result: Extracted,
    item: Any,
    text_dates: list[DateCandidate],
    profile_body: bool,
) -> None:
    section = page.first_with_class(item, "section")
    result.label = clean_or_none(element_text(section)) if section is not None else None
    h1 = visible_h1(page, item)
    result.title = clean_or_none(element_text(h1))
    date_line = page.first_with_class(item, "news-single-rightbox")
    if date_line is not None:
        value = dates.parse_german_date(element_text(date_line))
        if value:
            text_dates.append(DateCandidate(value, "text", "date line"))
    text = page.first_with_class(item, "news-text")
    root = text if text is not None else item
    fill_content(page, result, item, root, (h1, section, date_line), not profile_body)
    result.page_type = "press_release"


__all__ = ["fill_old_cms", "find_item"]
