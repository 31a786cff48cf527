"""Related-link boxes ("Verwandte Themen", "Mehr zum Thema", …) and listing pages (each item
read by :mod:`crawler.extract.teasers`).

A related box is a profile's ``related`` match, a block whose class names it
(:data:`RELATED_CLASS`: Sitepark ``SP-Related``, Plone ``relatedItems``, Joomla
``mod-relateditems``; not a file list, tags or navigation: :data:`NOT_RELATED_CLASS`), or any
block whose own heading matches :data:`RELATED_HEADINGS` ("Verwandte Inhalte", "Das könnte Sie
auch interessieren", "Weitere Informationen"); either way it must really be a list of links or
teasers. The latest items of a site or sender ("Weitere Meldungen", "Neueste Beiträge"),
prev/next links, tags and breadcrumbs are not related. A related link to a file (an
attachment URL) is of kind ``other``. A listing is a page made of teasers with little prose of
its own (never an article).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from crawler.extract.article_text import holds_article
from crawler.extract.body import is_chrome, is_link_box
from crawler.extract.context import PageContext
from crawler.extract.index import is_under, may_start_with
from crawler.extract.profiles import SiteProfile, outermost
from crawler.extract.teasers import _teaser
from crawler.extract.text import (
    element_text,
    text_content,
)
from crawler.extract.vocabulary import (
    NOT_RELATED_CLASS,
    NOT_RELATED_PATH,
    RELATED_CLASS,
    RELATED_HEADINGS,
    RELATED_INITIALS,
    SP_RELATED,
    SP_TEASER_LIST,
    SP_TEASER_LIST_ITEM,
)
from crawler.records import Link


def in_box(page: PageContext, el: Any, heading: re.Pattern[str], initials: str = "") -> bool:
    """Whether an ancestor of ``el`` is a box headed by ``heading`` (or, for related boxes, a
    Sitepark ``SP-Related`` block); ``initials``: see ``PageIndex.headed_matching``."""
    related_box = heading is RELATED_HEADINGS
    # the page's boxes with such a heading, found once
    boxes = page.index.headed_matching(heading, RELATED_INITIALS if related_box else initials)
    classed = classed_related(page) if related_box else ()
    for node in el.iterancestors():
        if node in boxes or (related_box and (node in classed or _sp_related(node))):
            return True
    return False


_RELATED_HEADING_TAGS = frozenset(("h2", "h3", "h4", "h5"))
_SP_RELATED_TOKEN = SP_RELATED.lower()
#: elements never taken for a related box as a whole
_NOT_BOX_TAGS = frozenset(("body", "html", "main", "article"))


def _sp_related(node: Any) -> bool:
    """``"sp-related" in classes(node)``"""
    value = node.get("class")
    if value is None or _SP_RELATED_TOKEN not in value.lower():
        return False
    return _SP_RELATED_TOKEN in value.lower().split()


def is_classed_related(node: Any) -> bool:
    """A box its class names a related box (:func:`_named_related`) that is a list of links or
    teasers, not the page's body, ``main`` or ``article``, and not in the page's chrome."""
    return _named_related(node) and is_link_box(node) and not in_page_chrome(node)


def _named_related(node: Any) -> bool:
    """Whether ``node``'s class names a related box (:data:`RELATED_CLASS`, not
    :data:`NOT_RELATED_CLASS`) and it may be a box (not ``body``, ``main``, ``article``)."""
    value = node.get("class")
    if value is None or node.tag in _NOT_BOX_TAGS:
        return False
    lowered = value.lower()
    return RELATED_CLASS.search(lowered) is not None and NOT_RELATED_CLASS.search(lowered) is None


#: landmark roles of the page's frame (its footer, navigation)
_FRAME_ROLES = frozenset(("contentinfo", "navigation"))
_NAV_WORDS = re.compile(r"breadcrumb")
_FOOTER_WORDS = re.compile(r"footer|site-info|colophon")
_CONTENT_WORDS = re.compile(r"article|entry|post|story|content")


def in_page_chrome(node: Any) -> bool:
    """Whether ``node`` is or lies inside the page's footer or navigation: ``nav``, role
    navigation/contentinfo, a breadcrumb class, or a footer (a ``footer`` element, a footer
    class or id) outside the ``article``/``main`` that is not the article's own (no
    article/entry/post/story/content word: SZ's ``footer.endofarticle`` holds "Mehr zum
    Thema"); a "Weitere Informationen" list of Impressum and Datenschutz there is no related
    box."""
    chain = [node, *node.iterancestors()]
    in_content = any(el.tag in ("article", "main") for el in chain)
    for el in chain:
        if el.tag == "nav":
            return True
        words = f"{el.get('class') or ''} {el.get('id') or ''}".lower() if el.keys() else ""
        if (
            not in_content
            and (el.tag == "footer" or _FOOTER_WORDS.search(words))
            and not _CONTENT_WORDS.search(words)
        ):
            return True
        if words and ((el.get("role") or "").lower() in _FRAME_ROLES or _NAV_WORDS.search(words)):
            return True
    return False


#: non-link text a box one level above a heading may hold (an empty box's heading, Jetpack's
#: before its script fills it, must not make the article around it a related box)
MAX_BOX_PROSE = 1000


def headed_box(parent: Any) -> Any:
    """The related box of a heading whose parent is ``parent`` (the heading matched
    :data:`RELATED_HEADINGS`), or None: ``parent``, or, when the heading is wrapped alone,
    the element above it unless that is chrome or holds prose; a list of links or teasers."""
    above = parent.getparent()
    if above is not None and len(parent) == 1:  # heading wrapped alone: one level up
        if is_chrome(above) or _prose(above, set()) > MAX_BOX_PROSE:
            return None
        parent = above
    if parent.tag in _NOT_BOX_TAGS or not is_link_box(parent) or in_page_chrome(parent):
        return None
    return parent


def classed_related(page: PageContext) -> frozenset[Any]:
    """The page's :func:`is_classed_related` boxes that lie in no other one (found once per
    page; a box inside one of them adds nothing to :func:`in_box` or :func:`related_boxes`).
    A box that only wraps related boxes of its own next to a box of another kind (EXT:news
    ``news-related-wrap`` holds ``news-related-news`` and ``news-related-files``) is none:
    there the inner related boxes are the related boxes, and the file list stays a file list."""
    found = page.related_classed
    if found is None:
        named = [el for el in page.index.with_class_matching(RELATED_CLASS) if _named_related(el)]
        names = set(named)
        kept: set[Any] = set()
        for el in named:  # document order: a box before the elements inside it
            if any(a in kept for a in el.iterancestors()):
                continue
            if (
                is_link_box(el)
                and not in_page_chrome(el)
                and not (
                    any(d in names for d in el.iterdescendants(etree.Element))
                    and _holds_other_kind(el)
                )
            ):
                kept.add(el)
        found = page.related_classed = frozenset(kept)
    return found


def _holds_other_kind(box: Any) -> bool:
    return any(
        el is not box
        and (value := el.get("class")) is not None
        and NOT_RELATED_CLASS.search(value.lower()) is not None
        for el in box.iterdescendants(etree.Element)
    )


def related_boxes(page: PageContext, profile: SiteProfile | None = None) -> list[Any]:
    """Related boxes in document order (outermost only); memoised per page and profile
    (attachments and the related links both ask)."""
    key = id(profile)
    found = page.related_boxes.get(key)
    if found is None:
        found = page.related_boxes[key] = _related_boxes(page, profile)
    return found


def _related_boxes(page: PageContext, profile: SiteProfile | None) -> list[Any]:
    doc = page.doc
    if profile is not None and profile.related:
        chosen = page.select(doc, profile.related)
        if chosen:
            return chosen if len(chosen) == 1 else outermost(chosen)
    index = page.index
    # (neither the order of the candidates nor one met twice changes the result: a box found
    # again is the same box, a box inside another is dropped below)
    boxes = list(index.with_class(SP_RELATED))
    boxes += [box for box in classed_related(page) if box not in boxes]
    headings = index.heads()  # the page's headings, found once (a superset: filtered below)
    text_of = index.text
    for heading in headings:
        if heading.tag not in _RELATED_HEADING_TAGS and "headline" not in (
            heading.get("class") or ""
        ):  # from ``index.heads()``: an h1 or h6, or "headline" not in this case
            continue
        parent = heading.getparent()
        if (
            parent is None
            or parent in boxes
            or not may_start_with(heading, RELATED_INITIALS)
            or not RELATED_HEADINGS.match(text_of(heading))
        ):
            continue
        box = headed_box(parent)
        if box is not None:
            boxes.append(box)
    body = None  # looked for once a bold text matches
    for bold in doc.iter("b", "strong"):
        # old layouts: <p><b>Siehe auch:</b><br>» <a>…</a></p>
        if not may_start_with(bold, RELATED_INITIALS) or not RELATED_HEADINGS.match(text_of(bold)):
            continue
        # the bold elements of ``body.iter("b", "strong")`` for the first ``body``, in the
        # same order (a page without matching bold texts never looks for its body)
        if body is None:
            body = next(doc.iter("body"), None)
            if body is None:
                break
        if not is_under(bold, body):
            continue
        block = next((n for n in bold.iterancestors() if n.tag in ("p", "div", "td")), None)
        if (
            block is not None
            and block not in boxes
            and _links(block)
            and len(element_text(block)) < 1000
        ):
            boxes.append(block)
    if len(boxes) < 2:  # (no box is inside another)
        return boxes
    unique = [b for b in boxes if not any(a in boxes for a in b.iterancestors())]
    if len(unique) < 2:
        return unique
    return index.sort(unique)


def _links(el: Any) -> list[Any]:
    """``.//a[@href]``: the links inside ``el``, in document order."""
    return [a for a in el.iter("a") if a is not el and a.get("href") is not None]


def related(page: PageContext, profile: SiteProfile | None = None) -> list[Link]:
    links: list[Link] = []
    index = page.index
    text_of = index.text
    for box in related_boxes(page, profile):
        items = index.with_class(SP_TEASER_LIST_ITEM, box)
        if not items:  # .//li[.//a]
            items = [
                li
                for li in box.iter("li")
                if li is not box and next(li.iter("a"), None) is not None
            ]
        if not items:
            anchors: list[Any] = []
            mixed = _mixed_links(box, anchors)
            items = list(  # (one teaser block per teaser, however many links it holds)
                dict.fromkeys(
                    _teaser_block(a, box, mixed)
                    for a in anchors
                    if not RELATED_HEADINGS.match(element_text(a))
                )
            )
        for item in items:
            link = _teaser(item, page.base, text_of, page.resolve)
            if link is not None and not NOT_RELATED_PATH.search(urlsplit(link.url).path):
                links.append(link)
    titled = {link.url for link in links if link.title}
    # an untitled link (an image) to a page also linked with its title is that teaser again
    return [link for link in links if link.title or link.url not in titled]


def _teaser_block(anchor: Any, box: Any, mixed: set[Any]) -> Any:
    """The largest element around ``anchor`` inside ``box`` that links nowhere else (a teaser
    ``div`` with headline, date and context), else the anchor itself; ``mixed``:
    :func:`_mixed_links` of ``box``."""
    block = anchor
    for node in anchor.iterancestors():
        if node is box or node in mixed:
            break
        block = node
    return block


def _mixed_links(box: Any, links: list[Any] | None = None) -> set[Any]:
    """The elements inside ``box`` that are or hold ``a`` elements with different ``href``
    values (a missing one included), from one walk up from each anchor; ``links``: a list
    that gets :func:`_links` of ``box`` (the anchors with an ``href``, in document order)."""
    first: dict[Any, str | None] = {}
    mixed: set[Any] = set()
    for anchor in box.iter("a"):
        href = anchor.get("href")
        if links is not None and href is not None and anchor is not box:
            links.append(anchor)
        node = anchor
        while node is not None and node is not box and node not in mixed:
            if node not in first:
                first[node] = href
            elif first[node] != href:
                mixed.add(node)  # and so is every element above it
            node = node.getparent()
    return mixed


# --- listings ------------------------------------------------------------------------------------


def is_listing(page: PageContext, main: Any, profile: SiteProfile | None = None) -> bool:
    """A profile's ``listing_items`` match (outside related boxes); a Sitepark ``SP-TeaserList``
    outside a related box; otherwise at least three teasers (or five list links), little
    prose of its own, and no article among them (:func:`crawler.extract.article_text.holds_article`:
    link lists such as menus taken for teasers beside an article)."""
    doc = page.doc
    scope = main if main is not None else doc
    if profile is not None and profile.listing_items:
        found = [
            i
            for i in page.select(doc, profile.listing_items)
            if not in_box(page, i, RELATED_HEADINGS)
        ]
        if found:
            return True
    for teaser_list in page.all_with_class(scope, SP_TEASER_LIST):
        if not in_box(page, teaser_list, RELATED_HEADINGS):
            return True
    items = listing_items(page, scope)
    if len(items) < 3 or (len(items) < 5 and items[0].tag == "li" and not _has_heading(items[0])):
        return False
    prose = _prose(scope, set(items))
    return prose < 400 * len(items) / 3 and prose < 1500 and not holds_article(doc, items)


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


def listing_items(page: PageContext, scope: Any, profile: SiteProfile | None = None) -> list[Any]:
    """Teasers of a listing: the profile's ``listing_items``, else Sitepark items, else
    ``article``/``li`` teasers with a heading and a link, else list items that are (almost)
    only a link (old-CMS overviews, "Aktuelles")."""
    if profile is not None and profile.listing_items:
        found = [
            i
            for i in page.select(scope, profile.listing_items)
            if not in_box(page, i, RELATED_HEADINGS)
        ]
        if found:
            return outermost(found)
    items = page.all_with_class(scope, SP_TEASER_LIST_ITEM)
    if items:
        return [i for i in items if not in_box(page, i, RELATED_HEADINGS)]
    # .//article | .//li | .//div[h2//a or h3//a or h4//a]
    candidates = [
        el
        for el in scope.iter("article", "li", "div")
        if el is not scope
        and (
            el.tag != "div"
            or any(
                child.tag in ("h2", "h3", "h4") and next(child.iter("a"), None) is not None
                for child in el
            )
        )
    ]
    teasers = [
        el
        for el in candidates
        if _links(el)
        and _has_heading(el)
        and not _in_chrome(el, scope)
        and not in_box(page, el, RELATED_HEADINGS)
        and len(text_content(el)) <= MAX_TEASER_CHARS
    ]
    if not teasers:
        teasers = [el for el in scope.iter("li") if _is_link_item(el) and not _in_chrome(el, scope)]
    chosen = set(teasers)  # (a list here made long listings quadratic: 4 MB took 90 s)
    return [t for t in teasers if not any(a in chosen for a in t.iterancestors())]


def _has_heading(el: Any) -> bool:
    """``.//h1|.//h2|.//h3|.//h4``"""
    return any(h is not el for h in el.iter("h1", "h2", "h3", "h4"))


def _in_chrome(el: Any, scope: Any) -> bool:
    for node in (el, *el.iterancestors()):
        if node is scope:
            return False
        if is_chrome(node):
            return True
    return False


def _is_link_item(li: Any) -> bool:
    anchors = _links(li)
    if len(anchors) != 1 or any(n is not li for n in li.iter("ul", "ol")):
        return False
    text = element_text(li)
    return len(element_text(anchors[0])) >= 0.6 * len(text) > 0
