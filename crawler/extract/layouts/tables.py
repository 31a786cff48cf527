"""Pages without a visible ``h1`` (old table layouts: ``<font size=4><b>``): the title is the
part of ``<title>`` (or the JSON-LD/OpenGraph headline) that stands alone in the page, the
article the nearest block around it holding paragraphs, read like an article."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from crawler.extract.body import is_chrome
from crawler.extract.content import fill_content
from crawler.extract.context import PageContext
from crawler.extract.layouts.generic import page_type
from crawler.extract.media import caption_cell
from crawler.extract.structured import Structured
from crawler.extract.text import (
    clean,
    clean_or_none,
    compiled,
    element_text,
    first,
    has_invisible,
    raw_texts,
    text_content,
)
from crawler.extract.titles import hidden, strip_suffix
from crawler.records import Extracted

_CONTAINERS = ("td", "div", "article", "section", "main", "body")
_TITLE_SPLIT = re.compile(r"\s+[|–—-]\s+")


_HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))


def fallback_scope(
    page: PageContext,
    result: Extracted,
    main: Any,
    meta: Structured,
    marked: Any,
) -> Any:
    """No visible ``h1``: the title is the part of ``<title>`` (or the JSON-LD/OpenGraph
    headline) that stands alone in the page (old table layouts: ``<font size=4><b>``); the
    article is the nearest block around it holding paragraphs, read like an article. Without
    such an element the page is still read when it names itself, its body by the library
    layer."""
    doc = page.doc
    head_title = element_text(_page_title(doc))
    parts = [meta.headline, strip_suffix(meta.og_title)]
    parts += [p for p in _TITLE_SPLIT.split(head_title) if len(p) > 3]
    wanted = {clean_or_none(p) for p in parts} - {None}
    body: Any = next(doc.iter("body"), None)
    title_el = heading_el = None
    texts: dict[Any, str] = {}
    if body is not None and wanted:
        texts = raw_texts(body)
        # clean(raw) can only be a wanted text if raw holds its first word (unless clean()
        # removes invisible characters from the middle of it)
        probes = tuple({str(w).split()[0] for w in wanted})
        for el in body.iter(etree.Element):
            raw = texts[el]
            for probe in probes:
                if probe in raw:
                    break
            else:
                if not has_invisible(raw):
                    continue
            if (
                el.tag not in ("a", "title")
                and len(text_content(el)) < 300
                and clean(raw) in wanted
                and not hidden(page, el)
            ):
                title_el = el
                if (
                    heading_el is None
                    and el.tag in _HEADING_TAGS
                    and not any(is_chrome(a) for a in el.iterancestors())
                ):
                    heading_el = el
        # the innermost match wins: iteration ends on the deepest (last) element; but a
        # heading outside chrome (``header``, ``nav``, ``footer``, boxes) holding the title
        # beats a later teaser of the same text (a "latest news" box repeating the headline)
        if heading_el is not None:
            title_el = heading_el
    if title_el is not None:
        result.title = element_text(title_el)
        root = next(
            (
                n
                for n in title_el.iterancestors()
                if n.tag in _CONTAINERS and len(text_content(n)) > 4 * len(result.title) + 200
            ),
            body,
        )
        block = _block_of(title_el, texts)
        label_el = _label_above(title_el, block)
        if label_el is not None:
            result.label = clean_or_none(element_text(label_el))
        captions = tuple(caption_cell(page, img) for img in root.iter("img"))
        exclude = (title_el, label_el, *block, *captions)
        body_root = marked if marked is not None else root
        fill_content(page, result, root, body_root, exclude)
        result.page_type = page_type(result, meta)
        return root
    title = meta.headline or strip_suffix(meta.og_title) or strip_suffix(head_title)
    if not title:
        return None
    result.title = title
    return main if main is not None else body


def _page_title(doc: Any) -> Any:
    """The page's ``title`` element: the head's, else the first outside ``svg`` (a parser
    moves a title that follows body content, a script's text, into the body)."""
    found = first(doc, "//head/title")
    if found is not None:
        return found
    return next(
        (t for t in doc.iter("title") if not any(a.tag == "svg" for a in t.iterancestors())),
        None,
    )


def _block_of(el: Any, texts: dict[Any, str]) -> tuple[Any, ...]:
    """Wrappers that hold nothing but ``el`` (``<font><b>title</b></font>``); ``texts``: the
    page's :func:`crawler.extract.text.raw_texts`."""
    out = []
    own = clean(texts[el])
    for node in el.iterancestors():
        if (clean(texts[node]) if node in texts else element_text(node)) != own:
            break
        out.append(node)
    return tuple(out)


def _label_above(title_el: Any, block: tuple[Any, ...]) -> Any:
    """A short text element right before the title (skipping ``<br>``), not a link; ``block``:
    the title's wrappers (:func:`_block_of`)."""
    top = (block or (title_el,))[-1]
    prev = top.getprevious()
    while prev is not None and (not isinstance(prev.tag, str) or prev.tag == "br"):
        prev = prev.getprevious()
    if prev is None or prev.tag in ("a", "img", "table") or compiled(".//a|.//img")(prev):
        return None
    text = element_text(prev)
    return prev if 0 < len(text) <= 40 else None


__all__ = ["fallback_scope"]
