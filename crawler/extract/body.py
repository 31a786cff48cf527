"""Body blocks: the text of an article's content root, one block per paragraph, heading, list
item (:func:`body_blocks`), without chrome (:func:`is_chrome`: navigation, boxes, media, banners,
author/date lines), and trimmed of a template's opening meta line and closing back link
(:func:`trim_blocks`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lxml import etree

from crawler.extract.text import BLOCK_TAGS, INVISIBLE_TAGS, clean, element_text
from crawler.extract.vocabulary import BACK_LINK_BLOCK as _BACK_LINK_BLOCK
from crawler.extract.vocabulary import CHROME_IDS as _CHROME_IDS
from crawler.extract.vocabulary import END_HEADINGS as _END_HEADINGS
from crawler.extract.vocabulary import LINK_BOX_HEADINGS
from crawler.extract.vocabulary import META_CLASS_TOKENS as _META_CLASS_TOKENS
from crawler.extract.vocabulary import META_LINE as _META_LINE
from crawler.extract.vocabulary import MORE_LINK as _MORE_LINK
from crawler.extract.vocabulary import ORIGIN_LINE as _ORIGIN_LINE
from crawler.extract.vocabulary import SHARE_LINE as _SHARE_LINE
from crawler.extract.vocabulary import SKIP_CLASS_PARTS as _SKIP_CLASS_PARTS
from crawler.extract.vocabulary import SKIP_HEADINGS as _SKIP_HEADINGS
from crawler.extract.vocabulary import SKIP_ROLES as _SKIP_ROLES

#: never body content (chrome, media, forms)
_SKIP_TAGS = (
    frozenset(
        "aside button dialog figure figcaption footer form header iframe img input nav picture "
        "select svg textarea video audio object embed canvas map".split()
    )
    | INVISIBLE_TAGS
)
#: the same fragments as one pattern over the lower-cased class attribute (no fragment holds
#: whitespace, so "a token contains it" and "the attribute contains it" agree)
_SKIP_CLASS_RE = re.compile("|".join(map(re.escape, _SKIP_CLASS_PARTS)))
_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def box_heading(el: Any) -> str:
    """Text of a box's own heading: its first child element when that is a heading."""
    for child in el:
        if not isinstance(child.tag, str):
            continue
        if child.tag in _HEADING_TAGS or "headline" in (child.get("class") or "").lower():
            return element_text(child)
        return ""
    return ""


def is_chrome(el: Any) -> bool:
    """True for an element that is never article content (navigation, boxes, media, banners)."""
    tag = el.tag
    if not isinstance(tag, str) or tag in _SKIP_TAGS:
        return True
    names = el.keys()  # (one call; most body elements have no attributes)
    if names:
        role = el.get("role") if "role" in names else None
        if role is not None and role.lower() in _SKIP_ROLES:
            return True
        ident = el.get("id") if "id" in names else None
        if ident is not None and ident.lower() in _CHROME_IDS:
            return True
        value = el.get("class") if "class" in names else None
        if value:
            value = value.lower()
            if _SKIP_CLASS_RE.search(value) or not _META_CLASS_TOKENS.isdisjoint(value.split()):
                return True
    if tag in ("div", "section") and len(el):
        heading = box_heading(el)
        if heading and _SKIP_HEADINGS.match(heading):
            return True
        if heading and LINK_BOX_HEADINGS.match(heading) and is_link_box(el):
            return True
    return False


def is_link_box(el: Any) -> bool:
    """A box made of teasers or a list of links (not prose that happens to hold a link):
    links in list items, Sitepark teasers, or linked headings (``.//li//a[@href] |
    .//*[contains(@class, 'Teaser')] | .//h2//a[@href] | … | .//h5//a[@href]``). The links are
    looked at first: lxml finds them in C, and they decide most boxes."""
    for anchor in el.iter("a"):
        if anchor is el or anchor.get("href") is None:
            continue
        for above in anchor.iterancestors():
            if above is el:
                break
            if above.tag in _LINK_BOX_PARENTS:
                return True
    for node in el.iter(etree.Element):
        if node is not el and "Teaser" in (node.get("class") or ""):
            return True
    return False


_LINK_BOX_PARENTS = frozenset(("li", "h2", "h3", "h4", "h5"))


class _Walker:
    """Collects text blocks (and link targets) from a content root, flushing at block tags."""

    def __init__(self, skip_ids: set[int], resolve: Callable[[str], str | None]):
        self.blocks: list[str] = []
        self.links: list[str] = []
        self._seen: set[str] = set()
        self._buf: list[str] = []
        self._skip_ids = skip_ids
        self._resolve = resolve

    def flush(self) -> None:
        if not self._buf:
            return
        text = clean("".join(self._buf))
        self._buf.clear()
        if text:
            self.blocks.append(text)

    def walk(self, el: Any) -> None:
        buf = self._buf  # (flush() empties it in place; lxml builds a new string per read)
        text = el.text
        if text:
            buf.append(text)
        skip_ids = self._skip_ids
        for child in el:
            tag = child.tag
            if tag == "br":
                buf.append(" ")
            elif isinstance(tag, str) and id(child) not in skip_ids:
                if not is_chrome(child):
                    self._visit(child)
            tail = child.tail
            if tail:
                buf.append(tail)

    def _visit(self, el: Any) -> None:
        tag = el.tag
        if tag == "a":
            url = self._resolve(el.get("href") or "")
            if url and url not in self._seen:
                self._seen.add(url)
                self.links.append(url)
        if tag in BLOCK_TAGS:
            self.flush()
            self.walk(el)
            self.flush()
        else:
            self.walk(el)


def body_blocks(
    root: Any, skip_ids: set[int], resolve: Callable[[str], str | None]
) -> tuple[list[str], list[str]]:
    """Body text blocks of ``root`` (one per paragraph, heading, list item, FAQ question/answer)
    and the link targets found among them (``resolve``: an href to an absolute URL or None),
    in order, deduplicated."""
    walker = _Walker(skip_ids, resolve)
    walker.walk(root)
    walker.flush()
    return walker.blocks, walker.links


def trim_blocks(blocks: list[str]) -> list[str]:
    """A body's ``blocks`` without an opening date/author meta line (a template's
    "25.09.2025 10:00 von Pressestelle" above the text), a closing back link ("Zurück"; found
    on hand-made Contao pages), short lines that only offer sharing, printing or rating
    (:data:`~crawler.extract.vocabulary.SHARE_LINE`) and teasers' "Weiterlesen" links
    (:data:`~crawler.extract.vocabulary.MORE_LINK`), and whatever follows a short line that
    ends an article's text (:data:`~crawler.extract.vocabulary.END_HEADINGS`: "Ähnliche
    Beiträge", "Über den Autor", "Kommentare"; a syndicated text's origin line,
    :data:`~crawler.extract.vocabulary.ORIGIN_LINE`) once half of the text is read (before that it
    is a bar above the article). Other blocks are never touched."""
    start, end = 0, len(blocks)
    if end > 1 and len(blocks[0]) <= 90 and _META_LINE.fullmatch(blocks[0]):
        start = 1
    if end - start > 1 and len(blocks[-1]) <= 40 and _BACK_LINK_BLOCK.fullmatch(blocks[-1]):
        end -= 1
    kept = blocks[start:end] if start or end != len(blocks) else blocks
    if not any(len(b) <= _ORIGIN_LINE_MAX for b in kept):
        return kept
    half, read, out = sum(map(len, kept)) / 2, 0, []
    for block in kept:
        size = len(block)
        if size <= _END_LINE:
            if _SHARE_LINE.match(block) or _MORE_LINK.fullmatch(block):
                continue
            if read >= half and _END_HEADINGS.match(block):
                break
        elif size <= _ORIGIN_LINE_MAX and read >= half and _ORIGIN_LINE.match(block):
            break
        out.append(block)
        read += len(block)
    return out


#: a sharing line or an end line is at most this long
_END_LINE = 60
#: a line naming a syndicated text's origin is at most this long
_ORIGIN_LINE_MAX = 160
