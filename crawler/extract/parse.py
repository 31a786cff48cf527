"""The one HTML parse every part of the crawler uses, without loss on deeply nested pages.

libxml2's HTML parser stops at 256 levels of nesting and drops everything after the deep
part silently: a page of 300 paragraphs that each open an unclosed ``<font>`` kept 127 of
them. A page it stops on (its last error is a resource limit: nothing else makes it stop)
is parsed again with ``huge_tree`` (``XML_PARSE_HUGE``: depth cap 2048, no 10 MB cap on one
text node); past 2048 levels the markup is flattened first (:func:`flatten`). The tree is
then flattened below :data:`TREE_DEPTH` (:func:`flatten_tree`: blocks stay blocks, inline
elements fold into their text), so the extractor's recursive walks, written for trees
libxml2's default keeps, see nothing deeper. Pages within the default limits (every page of
the dev sets) are parsed once, as before, at the same speed.

Used by the extractor (:mod:`crawler.extract.core`, plain ``etree`` elements), its last
layer (:mod:`crawler.extract.fallback`, ``lxml.html`` elements for trafilatura and htmldate)
and discovery (:mod:`crawler.discover.markup`, listing pages).
"""

from __future__ import annotations

import re
import threading
from typing import Any

import lxml.html
from lxml import etree

from crawler.extract.text import BLOCK_TAGS, INVISIBLE_TAGS

#: depth at which :func:`flatten` starts dropping tags (below libxml2's huge cap of 2048,
#: with room for the elements the parser adds itself)
FLATTEN_DEPTH = 1000
#: deepest element a parsed tree keeps (:func:`flatten_tree`): libxml2's own default cap
TREE_DEPTH = 256
#: elements that never hold others: they do not open a level
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)\b[^>]*?(/?)>")
_LOCAL = threading.local()


def _parsers() -> dict[str, Any]:
    """This thread's parsers (lxml parsers are not shared between threads): the default ones
    and their ``huge_tree`` twins, for the rare page that needs them."""
    found: dict[str, Any] | None = getattr(_LOCAL, "parsers", None)
    if found is None:
        found = _LOCAL.parsers = {}
        for huge in (False, True):
            end = "-huge" if huge else ""
            # (no id hash table: nothing looks elements up by XPath ``id()``; 5-10% of the parse)
            found["lean" + end] = etree.HTMLParser(collect_ids=False, huge_tree=huge)
            found["lean-utf-8" + end] = etree.HTMLParser(
                collect_ids=False, encoding="utf-8", huge_tree=huge
            )
            found["html" + end] = lxml.html.HTMLParser(huge_tree=huge)
    return found


def _stopped(parser: Any) -> bool:
    """Whether libxml2 stopped the last parse at one of its limits (nesting depth, size of
    one text node): it stops there, so that is its last error."""
    last = parser.error_log.last_error
    return last is not None and (
        last.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT or "XML_PARSE_HUGE" in last.message
    )


def parse_html(source: str | bytes, *, kind: str = "lean") -> Any:
    """The root element of ``source`` (a str, or UTF-8 bytes with ``kind="lean-utf-8"``), or
    None for a document without one. ``kind``: ``lean`` (plain ``etree`` elements) or
    ``html`` (``lxml.html`` elements). No element is deeper than :data:`TREE_DEPTH`
    (:func:`flatten_tree`). Raises what lxml raises on unparseable input.

    A page within libxml2's default limits (all but a few) is parsed once, at full speed;
    one it stops on is parsed again with ``huge_tree`` (and, past that cap, flattened
    first) and its tree flattened below :data:`TREE_DEPTH`."""
    parsers = _parsers()
    root = etree.fromstring(source, parsers[kind])
    if not _stopped(parsers[kind]):
        return root
    huge = parsers[kind + "-huge"]
    root = etree.fromstring(source, huge)
    if _stopped(huge):
        text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
        kind = "html" if kind == "html" else "lean"
        root = etree.fromstring(flatten(text), parsers[kind + "-huge"])
    if root is not None:
        flatten_tree(root)
    return root


def flatten_tree(root: Any, limit: int = TREE_DEPTH) -> None:
    """Below each element at depth ``limit``, keep the blocks (:data:`BLOCK_TAGS`: ``p``,
    ``li``, ``div``, headings …) as a flat run of children, each with its tag and attributes,
    and fold every inline element (``font``, ``a``, ``span``) into the text around it: no
    visible text is lost or reordered, paragraphs stay paragraphs, invisible elements
    (``script``, ``style``) and comments go, and the extractor's recursive walks stay far
    inside Python's recursion limit."""
    for top in root.xpath("/" + "/".join(["*"] * limit)):
        flat: list[Any] = []
        # slot 0: top's text; block k: slot 2k+1 its text, 2k+2 its tail
        slots: list[list[str]] = [[top.text or ""]]
        sink = 0  # the slot text goes to now
        hidden = 0  # depth inside an invisible element or a comment
        walk = etree.iterwalk(top, events=("start", "end"))
        next(walk)  # ``top`` itself
        for event, el in walk:
            if el is top:
                break
            tag = el.tag if isinstance(el.tag, str) else None
            if event == "start":
                if hidden or tag is None or tag in INVISIBLE_TAGS:
                    hidden += 1
                elif tag in BLOCK_TAGS:
                    flat.append(top.makeelement(tag, dict(el.attrib)))
                    slots += [[el.text or ""], []]
                    sink = len(slots) - 2
                else:
                    slots[sink].append(" " if tag == "br" else el.text or "")
                continue
            if hidden:
                hidden -= 1
                if hidden:
                    continue
            elif tag in BLOCK_TAGS:
                sink = len(slots) - 1  # after a block: the tail of the last one
            slots[sink].append(el.tail or "")
        for child in list(top):
            top.remove(child)
        texts = ["".join(p) or None for p in slots]
        top.text = texts[0]
        for k, copy in enumerate(flat):
            copy.text, copy.tail = texts[2 * k + 1], texts[2 * k + 2]
        top.extend(flat)


def flatten(markup: str, limit: int = FLATTEN_DEPTH) -> str:
    """``markup`` without the start and end tags nested deeper than ``limit`` (counting every
    start tag but void ones and ``<x/>``, an end tag closing one level): their text stays,
    in the element at the limit. Unclosed tags (``<p>``, ``<li>``) count as open, so on a
    page full of them tags are dropped earlier than needed; only used for pages libxml2
    cannot parse whole."""
    depth = 0
    out: list[str] = []
    last = 0
    for match in _TAG.finditer(markup):
        closing, name, selfclosing = match.group(1), match.group(2).lower(), match.group(3)
        if name in VOID or selfclosing:
            continue
        if closing:
            drop = depth > limit
            depth = max(0, depth - 1)
        else:
            depth += 1
            drop = depth > limit
        if drop:
            out.append(markup[last : match.start()])
            last = match.end()
    out.append(markup[last:])
    return "".join(out)


__all__ = ["FLATTEN_DEPTH", "TREE_DEPTH", "flatten", "flatten_tree", "parse_html"]
