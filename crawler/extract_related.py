"""Related-link boxes ("Verwandte Themen", "Mehr zum Thema", …), teasers, and listing pages.

A related box is a Sitepark ``SP-Related`` block, a profile's ``related`` match, or any block
whose own heading matches :data:`RELATED_HEADINGS` and which really is a list of links or
teasers. A listing is a page made of teasers with little prose of its own (never an article).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from crawler import dates
from crawler.profiles import SiteProfile, outermost, select
from crawler.records import Link
from crawler.text import (
    LINK_BOX_HEADINGS,
    box_heading,
    classes,
    clean,
    clean_or_none,
    cls,
    element_text,
    first,
    is_chrome,
    is_link_box,
    resolve_url,
    text_content,
)

RELATED_HEADINGS = LINK_BOX_HEADINGS
_KIND_CLASSES = {
    "sp-teaser--press": "press",
    "sp-teaser--topic": "topic",
    "sp-teaser--orgunit": "org",
}
_LINK_PREFIX = re.compile(r"^Link zu\s+")
_LEADING_DATE = re.compile(r"^\s*\(?\d{1,2}\.\d{1,2}\.\d{2,4}\b")
_TEASER = f"descendant-or-self::*[{cls('SP-Teaser')}]"
_MARKED = (f"{cls('SP-Kicker__text')} or {cls('SP-Kicker')} or {cls('SP-Scheduling__date')}"
           f" or {cls('SP-Teaser__abstract')} or self::time")
_DATE_CLASS = ("date", "datum", "time")
#: Jetpack's related-post context line: In „Pressemitteilungen“
_CONTEXT = re.compile(r"^(?:In|Aus|Kategorie:?)\s+[„\"“»]?(.+?)[“\"”«]?$")


def in_box(el: Any, heading: re.Pattern[str]) -> bool:
    for node in el.iterancestors():
        if "sp-related" in classes(node) and heading is RELATED_HEADINGS:
            return True
        text = box_heading(node)
        if text and heading.match(text):
            return True
    return False


def related_boxes(doc: Any, profile: SiteProfile | None = None) -> list[Any]:
    """Related boxes in document order (outermost only)."""
    if profile is not None and profile.related:
        chosen = select(doc, profile.related)
        if chosen:
            return outermost(chosen)
    boxes = list(doc.xpath(f"//*[{cls('SP-Related')}]"))
    for heading in doc.xpath("//h2|//h3|//h4|//h5|//*[contains(@class, 'headline')]"):
        parent = heading.getparent()
        if parent is None or parent in boxes or not RELATED_HEADINGS.match(element_text(heading)):
            continue
        if parent.getparent() is not None and len(parent) == 1:
            parent = parent.getparent()  # heading wrapped alone: the box is one level up
        if parent.tag not in ("body", "html", "main", "article") and is_link_box(parent):
            boxes.append(parent)
    for bold in doc.xpath("//body//b | //body//strong"):
        # old layouts: <p><b>Siehe auch:</b><br>» <a>…</a></p>
        if not RELATED_HEADINGS.match(element_text(bold)):
            continue
        block = next((n for n in bold.iterancestors() if n.tag in ("p", "div", "td")), None)
        if (block is not None and block not in boxes and block.xpath(".//a[@href]")
                and len(element_text(block)) < 1000):
            boxes.append(block)
    unique = [b for b in boxes if not any(a in boxes for a in b.iterancestors())]
    if len(unique) < 2:
        return unique
    order = {el: index for index, el in enumerate(doc.iter())}
    return sorted(set(unique), key=lambda el: order.get(el, 0))


def related(doc: Any, base: str, profile: SiteProfile | None = None) -> list[Link]:
    links: list[Link] = []
    for box in related_boxes(doc, profile):
        items = box.xpath(f".//*[{cls('SP-TeaserList__item')}]") or box.xpath(".//li[.//a]")
        if not items:
            anchors = box.xpath(".//a[@href]")
            items = [_teaser_block(a, box) for a in anchors
                     if not RELATED_HEADINGS.match(element_text(a))]
        for item in items:
            link = teaser(item, base)
            if link is not None:
                links.append(link)
    return links


def _teaser_block(anchor: Any, box: Any) -> Any:
    """The largest element around ``anchor`` inside ``box`` that links nowhere else (a teaser
    ``div`` with headline, date and context), else the anchor itself."""
    href = anchor.get("href")
    block = anchor
    for node in anchor.iterancestors():
        if node is box or any(a.get("href") != href for a in node.iter("a")):
            break
        block = node
    return block


def teaser(item: Any, base: str) -> Link | None:
    """One teaser (list item, article or anchor) as a :class:`Link`."""
    anchor = item if item.tag == "a" else first(item, ".//a[@href]")
    url = resolve_url(base, anchor.get("href") or "") if anchor is not None else None
    if not url:
        return None
    headline = first(item, f".//*[{cls('SP-Teaser__headline')}] | .//h1 | .//h2 | .//h3 | .//h4")
    if headline is not None:
        title = element_text(headline)
    else:
        title = element_text(anchor, skip=lambda el: bool(el.xpath(f"self::*[{_MARKED}]")))
        title = _LINK_PREFIX.sub("", title)  # old CMS: every anchor reads "Link zu <title>"
    kicker = first(item, f".//*[{cls('SP-Kicker__text')}]")
    if kicker is None and item.tag != "a":
        kicker = first(item, ".//*[contains(@class, 'kicker') or contains(@class, 'context') or "
                             "contains(@class, 'categor')]")
    label = clean_or_none(_CONTEXT.sub(r"\1", element_text(kicker))) if kicker is not None else None
    date = _teaser_date(item)
    sitepark_teaser = first(item, _TEASER)
    kind = None
    if sitepark_teaser is not None:
        for token in classes(sitepark_teaser):
            kind = kind or _KIND_CLASSES.get(token)
        kind = kind or "other"  # MARKUP.md: a Sitepark teaser without a known kind modifier
    else:
        text = element_text(item)
        if date is None and ("Pressemitteilung" in text or _LEADING_DATE.match(text)):
            date = dates.parse_german_date(text)  # "22.03.2024 Pressemitteilung …", "28.03.2023 …"
        kind = _guess_kind(url, base, text, date, label)
        if label is None and kind == "press" and "Pressemitteilung" in text:
            label = "Pressemitteilung"
    if kind == "org":
        label = None
    return Link(url=url, title=clean(title), kind=kind, label=label, date=date)


def _teaser_date(item: Any) -> str | None:
    date_el = first(item, f".//*[{cls('SP-Scheduling__date')}] | .//time")
    if date_el is None:
        for el in item.iter():
            if isinstance(el.tag, str) and any(
                part in token for token in classes(el) for part in _DATE_CLASS
            ):
                date_el = el
                break
    if date_el is None:
        return None
    return dates.parse_german_date(element_text(date_el)) or dates.parse_any_date(
        date_el.get("datetime")
    )


#: paths of administrative units (offices, departments)
ORG_PATH = re.compile(r"/(verwaltung|aemter|ämter|amt|fachbereiche?|fachdienste?|dienststellen|"
                      r"behoerden|organisationseinheiten)/", re.I)


def _guess_kind(url: str, base: str, text: str, date: str | None, label: str | None) -> str:
    """Kind of a teaser without Sitepark classes: a dated teaser or a press path is ``press``,
    an office path ``org``, another page of the same site ``topic``, anything else ``other``."""
    parts = urlsplit(url)
    path = parts.path.lower()
    if date or path.startswith("/presse") or "pressemitteilung" in text.lower():
        return "press"
    if ORG_PATH.search(path + "/"):
        return "org"
    if parts.hostname and parts.hostname != urlsplit(base).hostname:
        return "other"
    return "topic"


# --- listings ------------------------------------------------------------------------------------


def is_listing(doc: Any, main: Any, profile: SiteProfile | None = None) -> bool:
    """A profile's ``listing_items`` match (outside related boxes); a Sitepark ``SP-TeaserList``
    outside a related box; otherwise at least three teasers (or five list links) and little
    prose of its own."""
    scope = main if main is not None else doc
    if profile is not None and profile.listing_items:
        found = [i for i in select(doc, profile.listing_items) if not in_box(i, RELATED_HEADINGS)]
        if found:
            return True
    for teaser_list in scope.xpath(f".//*[{cls('SP-TeaserList')}]"):
        if not in_box(teaser_list, RELATED_HEADINGS):
            return True
    items = listing_items(scope)
    if len(items) < 3 or (len(items) < 5 and items[0].tag == "li" and not _has_heading(items[0])):
        return False
    prose = _prose(scope, set(items))
    return prose < 400 * len(items) / 3 and prose < 1500


def _prose(el: Any, skip: set[Any]) -> int:
    """Characters of text in ``el`` outside links, chrome and the ``skip`` elements (teasers),
    wherever it stands: paragraphs, or ``<div>``/``<td>`` text broken by ``<br>`` (old and
    Asian news templates)."""
    total = len(el.text.strip()) if el.text else 0
    for child in el:
        if child.tag != "a" and child not in skip and not is_chrome(child):
            total += _prose(child, skip)
        if child.tail:
            total += len(child.tail.strip())
    return total


#: a teaser is a headline and a short abstract; a longer "teaser" is the article itself
#: (teasers of the sample families: at most 265 characters)
MAX_TEASER_CHARS = 1500


def listing_items(scope: Any, profile: SiteProfile | None = None) -> list[Any]:
    """Teasers of a listing: the profile's ``listing_items``, else Sitepark items, else
    ``article``/``li`` teasers with a heading and a link, else list items that are (almost)
    only a link (old-CMS overviews, "Aktuelles")."""
    if profile is not None and profile.listing_items:
        found = [i for i in select(scope, profile.listing_items)
                 if not in_box(i, RELATED_HEADINGS)]
        if found:
            return outermost(found)
    items = scope.xpath(f".//*[{cls('SP-TeaserList__item')}]")
    if items:
        return [i for i in items if not in_box(i, RELATED_HEADINGS)]
    teasers = [
        el for el in scope.xpath(".//article | .//li | .//div[h2//a or h3//a or h4//a]")
        if el.xpath(".//a[@href]") and _has_heading(el) and not _in_chrome(el, scope)
        and not in_box(el, RELATED_HEADINGS) and len(text_content(el)) <= MAX_TEASER_CHARS
    ]
    if not teasers:
        teasers = [el for el in scope.iter("li") if _is_link_item(el) and not _in_chrome(el, scope)]
    return [t for t in teasers if not any(a in teasers for a in t.iterancestors())]


def _has_heading(el: Any) -> bool:
    return bool(el.xpath(".//h1|.//h2|.//h3|.//h4"))


def _in_chrome(el: Any, scope: Any) -> bool:
    for node in (el, *el.iterancestors()):
        if node is scope:
            return False
        if is_chrome(node):
            return True
    return False


def _is_link_item(li: Any) -> bool:
    anchors = li.xpath(".//a[@href]")
    if len(anchors) != 1 or li.xpath(".//ul|.//ol"):
        return False
    text = element_text(li)
    return len(element_text(anchors[0])) >= 0.6 * len(text) > 0
