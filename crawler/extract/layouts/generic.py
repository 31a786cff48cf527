"""The generic layer: a page with a visible ``h1`` (inside ``main``/``article`` first). The
article is the smallest ``article`` around the title, else ``main``, else the title's nearest
ancestor holding paragraphs; a container the markup names as the body (:func:`marked_body`) is
read instead when there is one. The page type comes from the label, the path and structured
data (:func:`page_type`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from crawler.extract.content import fill_content
from crawler.extract.context import PageContext
from crawler.extract.dates import date_line
from crawler.extract.structured import Structured
from crawler.extract.text import clean_or_none, compiled, element_text, text_content
from crawler.extract.titles import visible_h1, visible_headline
from crawler.extract.vocabulary import (
    CATEGORY_CLASS,
    KICKER_CLASS,
    LEAD_CLASSES,
    ORG_PATH,
    PRESS_LABELS,
    PRESS_PATH,
)
from crawler.records import Extracted

#: HTML5 sectioning elements or a ``h1``: a page built after 2008, not an old table layout
_MODERN = ("h1", "article", "main", "section", "header", "nav", "footer", "aside")


def fill_generic(
    page: PageContext,
    result: Extracted,
    main: Any,
    meta: Structured,
    found: dict[str, Any],
    marked: Any,
) -> Any:
    doc = page.doc
    h1 = found.get("title")
    if h1 is None:
        h1 = visible_h1(page, main) if main is not None else None
    if h1 is None and main is not None:  # a microdata headline under the page's main
        h1 = visible_headline(page, main)
    if h1 is None:
        h1 = visible_h1(page, doc)
    if h1 is None:
        return None
    result.title = clean_or_none(page.text(h1))
    root = generic_root(h1, main)
    label_el = label_before(h1)
    result.label = clean_or_none(element_text(label_el)) if label_el is not None else None
    read_body = "body" not in found
    # a lead the profile found replaces this one (apply_profile); without a body to read
    # here, the lead and the date line are not needed to leave them out of it
    lead_el = (
        None if "lead" in found and not read_body else page.first_with_class(root, *LEAD_CLASSES)
    )
    result.lead = clean_or_none(element_text(lead_el)) if lead_el is not None else None
    exclude = (h1, lead_el, label_el, date_line(page, root)) if read_body else ()
    body_root = marked if marked is not None else root
    # a profile body replaces this one; the page type is then decided again (apply_profile)
    fill_content(page, result, root, body_root, exclude, read_body)
    result.page_type = page_type(result, meta)
    return root


def marked_body(page: PageContext) -> Any:
    """The first container the markup names as the article body, or None: schema.org
    microdata (``itemprop="articleBody"``) or WordPress's ``entry-content`` (every theme's post
    body; of several, the one holding the most text); of several sibling ``articleBody``
    elements (each paragraph marked), their parent."""
    index = page.index
    bodies = [el for el in index.with_attribute("itemprop") if el.get("itemprop") == "articleBody"]
    candidates = [_marked_container(bodies)] if len(bodies) > 1 else bodies
    entries = index.by_class.get("entry-content", [])
    if len(entries) > 1:  # a theme's second "entry-content" (an author line above the post's):
        # the one holding the most text is the post's
        entries = [max(entries, key=lambda el: len(text_content(el)))]
    candidates += entries
    if len(candidates) < 2:
        return candidates[0] if candidates else None
    return min(candidates, key=index.position.__getitem__)


def _marked_container(els: list[Any]) -> Any:
    """The parent of ``els`` when they are siblings (paragraphs each marked as the article
    body: their container is the body), else the first (bodies marked in several places:
    the first is the article's)."""
    parent = els[0].getparent()
    if parent is not None and all(el.getparent() is parent for el in els):
        return parent
    return els[0]


def trusted(doc: Any, article: Any, old: Any, profile: Any, marked: Any) -> bool:
    """Whether the structural layer's body is trusted over the selected one (stage 7: the
    block scorer's, trafilatura's where it finds no article; measured, see
    BENCHMARKS.md): a site profile (someone looked at the source's templates; a page its body
    selector misses is still one of those templates), a known CMS (Sitepark, the old
    Rüsselsheim CMS), a container the markup names as the article body, or an old table
    layout (no ``h1``, no HTML5 sectioning), where trafilatura drops the ``<font>``/``<br>``
    prose. Elsewhere the
    structural body comes from heuristics (the title's ``article``/``main``/ancestor), and
    the selected body is better on real pages."""
    if article is not None or old is not None or profile is not None:
        return True
    return marked is not None or next(doc.iter(*_MODERN), None) is None


def page_type(result: Extracted, meta: Structured, undated: bool = False) -> str:
    """Type of a page outside Sitepark: the label ("Pressemitteilung", "Öffentliche
    Bekanntmachung"), then the URL path (notices, offices), then structured data (an
    Article/NewsArticle) or a press path; else ``topic`` when it has a body. ``undated``: the
    page has no date at all, and a generic ``Article`` type alone does not make it a press
    release (Joomla types every content page ``schema.org/Article``)."""
    label = (result.label or "").lower()
    path = urlsplit(result.url).path.lower()
    if label.startswith(PRESS_LABELS):
        return "press_release"
    if "bekanntmachung" in label or "/oeffentliche-bekanntmachungen/" in path:
        return "notice"
    if ORG_PATH.search(path + "/"):
        return "org_unit"
    if meta.is_press or (meta.is_article and not undated) or PRESS_PATH.search(path):
        return "press_release" if result.body or meta.is_press else "other"
    return "topic" if result.body else "other"


def generic_root(h1: Any, main: Any) -> Any:
    """The smallest ``article`` around the title, else ``main``, else the title's parent chain
    up to the first ancestor that holds paragraphs."""
    for node in h1.iterancestors():
        if node.tag == "article":
            return node
    if main is not None:
        return main
    for node in h1.iterancestors():
        if node.tag in ("body", "html") or len(compiled(".//p")(node)) >= 2:
            return node
    return h1.getparent()


def label_before(h1: Any) -> Any:
    """A kicker right before the title (a short element with a kicker/label class, or
    ``h1 > span.kicker``), else the category link of a category line right before or right
    after it."""
    if len(h1):  # .//*[contains(@class, 'icker')]: the kicker is part of the h1 text
        for el in h1.iter(etree.Element):
            if el is not h1 and "icker" in (el.get("class") or ""):
                return None  # leave the title whole
    prev = h1.getprevious()
    if prev is not None and isinstance(prev.tag, str):
        token = (prev.get("class") or "").lower()  # (the words hold no whitespace)
        for word in KICKER_CLASS:
            if word in token:
                return prev
    # WordPress-style category line above the title (classic themes' entry-meta), else the
    # post-meta line right after it (block themes: Twenty Twenty-Four's date, author and
    # ``div.taxonomy-category.wp-block-post-terms``): its first category link
    after = h1.getnext()
    for near in (prev, after):
        if near is None or not isinstance(near.tag, str):
            continue
        if near is after and not _meta_line(near):
            continue
        category = _category_line(near)
        if category is not None and element_text(category):
            for anchor in category.iter("a"):  # .//a[@href]
                if anchor is not category and anchor.get("href") is not None:
                    return anchor
            return category
    return None


#: the longest text of a post-meta line after the title (date, author, categories)
_META_LINE_CHARS = 200


def _meta_line(el: Any) -> bool:
    """Whether ``el`` (after the title) is a short line of post metadata: no heading, no
    list item (a listing's teasers carry category classes too), little text."""
    if next(el.iter("h2", "h3", "h4", "li"), None) is not None:
        return False
    return len(element_text(el)) <= _META_LINE_CHARS


def _category_line(el: Any) -> Any:
    """The first element inside ``el`` whose class holds one of
    :data:`crawler.extract.vocabulary.CATEGORY_CLASS` ("cat-links", "categor", "rubrik")."""
    for node in el.iter(etree.Element):
        value = node.get("class")
        if value is not None and node is not el:
            for word in CATEGORY_CLASS:
                if word in value:
                    return node
    return None


__all__ = ["fill_generic", "generic_root", "label_before", "marked_body", "page_type", "trusted"]
