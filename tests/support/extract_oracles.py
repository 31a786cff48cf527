"""Reference readings (oracles) of the extractor's page-index fast paths: the plain XPath or
tree walk each rule was first written as. Production (``crawler/extract``) keeps only the fast
path; ``tests/crawler/extract/test_extract_shortcuts.py`` checks that both give the same on
every sample-site page and on hand-written edge cases."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from crawler.extract.body import box_heading
from crawler.extract.related import (
    RELATED_HEADINGS,
    _links,
    _sp_related,
    headed_box,
    is_classed_related,
)
from crawler.extract.text import (
    cls,
    compiled,
    element_text,
)
from crawler.extract.titles import _hidden_here
from crawler.extract.vocabulary import (
    CREDIT_HEADINGS,
    DATE_WORDS,
    NOT_RELATED_CLASS,
    RELATED_CLASS,
)

_DATE_RE = re.compile("|".join(map(re.escape, DATE_WORDS)))


def first_with_class(scope: Any, *tokens: str, tag: str | None = None) -> Any:
    """``PageIndex.first_with_class``: ``.//tag[cls(t1) or cls(t2) …][1]``."""
    if scope is None:
        return None
    test = " or ".join(cls(t) for t in tokens)
    found = compiled(f".//{tag or '*'}[{test}]")(scope)
    return found[0] if found else None


def all_with_class(scope: Any, token: str) -> list[Any]:
    """``PageContext.all_with_class``: ``.//*[cls(token)]``."""
    return list(compiled(f".//*[{cls(token)}]")(scope))


def with_attribute(doc: Any, name: str) -> list[Any]:
    """``PageContext.with_attribute``: ``//*[@name]``."""
    return list(compiled(f"//*[@{name}]")(doc))


_MARKED_BODY = etree.XPath(
    "//*[@itemprop='articleBody' or contains(concat(' ', normalize-space(@class), ' '),"
    " ' entry-content ')]"
)


def marked_body(doc: Any) -> Any:
    """``layouts.generic.marked_body``."""
    found = _MARKED_BODY(doc)
    return found[0] if found else None


_CLASSED = etree.XPath("descendant-or-self::*[@class]")


def dated_elements(scope: Any) -> list[Any]:
    """``dates.dated_elements``: classed elements whose lower-cased class holds a date word."""
    return [el for el in _CLASSED(scope) if _DATE_RE.search(el.get("class").lower())]


def caption_cell(img: Any) -> Any:
    """``media.caption_cell``, each answer worked out again (no memo)."""
    from crawler.extract.media import _find_caption_cell

    found = _find_caption_cell(img, element_text)
    return None if found is None else found[0]


def hidden(el: Any) -> bool:
    """``titles.hidden``: every ancestor tested again (no memo)."""
    node = el
    while node is not None:
        if _hidden_here(node):
            return True
        node = node.getparent()
    return False


def in_box(el: Any, heading: re.Pattern[str]) -> bool:
    """``related.in_box``: every ancestor's own heading read."""
    related_box = heading is RELATED_HEADINGS
    for node in el.iterancestors():
        if related_box and (_sp_related(node) or _classed_related(node)):
            return True
        text = box_heading(node)
        if text and heading.match(text):
            return True
    return False


def _classed_related(node: Any) -> bool:
    """``related.classed_related`` membership: a classed related box that does not wrap
    related boxes of its own beside a box of another kind (a file list)."""
    if not is_classed_related(node):
        return False
    below = list(node.iterdescendants(etree.Element))
    wraps = any(
        el.tag not in ("body", "main", "article")
        and RELATED_CLASS.search((el.get("class") or "").lower())
        and not NOT_RELATED_CLASS.search((el.get("class") or "").lower())
        for el in below
    )
    other = any(NOT_RELATED_CLASS.search((el.get("class") or "").lower()) for el in below)
    return not (wraps and other)


#: sections, divs and asides whose first child element is a heading (``box_heading``)
_HEADED_BOX = etree.XPath(
    ".//*[self::section or self::div or self::aside][*[1][self::h1 or self::h2 or self::h3"
    " or self::h4 or self::h5 or self::h6"
    " or contains(translate(@class, 'ABDEHILN', 'abdehiln'), 'headline')]]"
)


def credit_items(scope: Any) -> list[Any]:
    """``media.credit_items`` without a profile."""
    sections = list(compiled(f".//*[{cls('SP-ImageCredits')}]")(scope))
    for node in _HEADED_BOX(scope):
        heading = box_heading(node)
        if heading and CREDIT_HEADINGS.match(heading) and node not in sections:
            sections.append(node)
    sections = [n for n in sections if not any(a in sections for a in n.iterancestors())]
    items: list[Any] = []
    for section in sections:
        items += [n for n in section.iter("li") if n is not section] or [
            n for n in section.iter("p") if n is not section
        ]
    return items


def related_boxes(doc: Any) -> list[Any]:
    """``related.related_boxes`` without a profile: candidates by XPath, sorted by walking the
    whole tree."""
    boxes = list(doc.xpath(f"//*[{cls('SP-Related')}]"))
    boxes += [el for el in doc.iter(etree.Element) if _classed_related(el) and el not in boxes]
    headings = doc.xpath("//h2|//h3|//h4|//h5|//*[contains(@class, 'headline')]")
    for heading in headings:
        parent = heading.getparent()
        if parent is None or parent in boxes or not RELATED_HEADINGS.match(element_text(heading)):
            continue
        box = headed_box(parent)
        if box is not None:
            boxes.append(box)
    body = next(doc.iter("body"), None)
    for bold in body.iter("b", "strong") if body is not None else ():
        if not RELATED_HEADINGS.match(element_text(bold)):
            continue
        block = next((n for n in bold.iterancestors() if n.tag in ("p", "div", "td")), None)
        if (
            block is not None
            and block not in boxes
            and _links(block)
            and len(element_text(block)) < 1000
        ):
            boxes.append(block)
    unique = [b for b in boxes if not any(a in boxes for a in b.iterancestors())]
    order = {el: n for n, el in enumerate(doc.iter())}
    return sorted(set(unique), key=lambda el: order.get(el, 0))


def teaser_list_items(box: Any) -> list[Any]:
    """The ``SP-TeaserList__item`` elements inside a related box (``related.related``)."""
    from crawler.extract.index import has_class

    return [
        el
        for el in box.iter(etree.Element)
        if el is not box and has_class(el, "SP-TeaserList__item")
    ]
