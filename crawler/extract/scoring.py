"""The body selector: where a page's markup names no article container, the body is found by
scoring the lxml tree (:func:`select`), so the library layer
(:mod:`crawler.extract.fallback`) runs only where this finds no article.

One walk over the page's ``body`` measures every element's text, link text and paragraph text
(a paragraph: a block whose own inline text is at least :data:`MIN_PARAGRAPH` characters,
not mostly links, not inside a link). Left out of the walk: chrome tags (an ``article``'s own
``header`` is read: it holds the intro), hidden elements, and boxes whose class/id holds
boilerplate words (:data:`~crawler.extract.vocabulary.BOILERPLATE_WORDS`: navigation, footers,
sidebars, teasers, comments, banners, captions) and no content words
(:data:`~crawler.extract.vocabulary.CONTENT_WORDS`). Class words are noisy (a page wrapper
"has-sidebar"), so the largest box that holds more text than the article found is read in a
new walk (up to :data:`RESCANS`), unless its words say it never is an article
(:data:`~crawler.extract.vocabulary.NEVER_ARTICLE_WORDS`: cookies, comments, footers).

The article is the container (:data:`_ROOT_TAGS`) whose paragraph text outweighs its other
text the most (the other text weighs :data:`PENALTY` times as much), with the siblings that
score at least :data:`SIBLING_SHARE` of it (an article split into containers): :func:`select`.
Its text blocks and body: :mod:`crawler.extract.article_text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from crawler.extract.text import BLOCK_TAGS, INVISIBLE_TAGS, clean, text_content
from crawler.extract.vocabulary import (
    BOILERPLATE_WORDS,
    CONTENT_WORDS,
    FIELD_BOX_WORDS,
    HIDDEN_TOKENS,
    NEVER_ARTICLE_WORDS,
)

#: subtrees never read (chrome, media, forms)
_SKIP_TAGS = (
    frozenset(
        "aside button dialog figure figcaption footer form header iframe img input nav picture "
        "select svg textarea video audio object embed canvas map label option".split()
    )
    | INVISIBLE_TAGS
)
_SKIP_ROLES = frozenset(
    "navigation banner contentinfo dialog complementary alertdialog menu".split()
)
_BOILERPLATE = re.compile("|".join(BOILERPLATE_WORDS))
#: boxes of the page's other fields: image captions and download blocks (attachments)
_FIELD_BOXES = re.compile("|".join(FIELD_BOX_WORDS))
_CONTENT = re.compile("|".join(CONTENT_WORDS))
_NEVER_ARTICLE = re.compile("|".join(NEVER_ARTICLE_WORDS))
#: class tokens of hidden elements (whole tokens: "field-label-hidden" hides only the label)
_HIDDEN_TOKENS = frozenset(HIDDEN_TOKENS)
#: scans of a page at most (each reading the boxes that held more text than the article)
RESCANS = 4
#: a box inside a rescued one is read too when it holds more than 1/WRAPPED of its text
#: (a nested wrapper holds most of it, a sidebar inside the wrapper does not)
WRAPPED = 2
#: a sibling of the article's container joins it when it scores this share of it
SIBLING_SHARE = 0.1
#: weight of a container's other text (short lines, links, boxes) against its paragraphs
PENALTY = 1.5
#: a paragraph: at least this many characters of its own text
MIN_PARAGRAPH = 25
#: a paragraph's own text is mostly links above this share (a link list's item)
PARAGRAPH_LINKS = 0.5
#: heading tags (a heading is never a paragraph; its blocks are headings of the text)
HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
#: elements that may be the article's root (a paragraph's container, not a paragraph)
_ROOT_TAGS = frozenset("article body center div main section td".split())
#: text elements: their class words say what the text is, not that it is a box
_TEXT_TAGS = frozenset(
    "a b blockquote em font h1 h2 h3 h4 h5 h6 i p pre small span strong u".split()
)


@dataclass(eq=False)
class Stats:
    """What the scan measured of one element."""

    total: int = 0  # characters of text in the subtree
    links: int = 0  # of which inside links
    good: int = 0  # characters of paragraph text in the subtree
    paragraphs: int = 0  # paragraphs in the subtree
    paragraph: bool = False  # the element is a paragraph
    read: int = 0  # paragraphs of the page that end before this element ends


@dataclass(eq=False)
class _Scan:
    stats: dict[Any, Stats] = field(default_factory=dict)
    boxes: list[Any] = field(default_factory=list)  # left out for their class/id words
    allowed: set[Any] = field(default_factory=set)  # read despite them
    path: list[Any] = field(default_factory=list)
    read: int = 0  # paragraphs walked so far
    in_link: int = 0  # links open around the element walked (a teaser's paragraphs are link text)
    #: class/id words -> boilerplate (:func:`boilerplate`), memo of this page's scans
    words: dict[str, bool] = field(default_factory=dict)

    def walk(self, el: Any) -> tuple[str, int, int]:
        """Visit ``el``: its own inline text, its total text length and its link text
        length."""
        stats = self.stats[el] = Stats()
        parts = [el.text or ""]
        total = links = own_links = 0
        self.path.append(el)
        for child in el:
            tag = child.tag
            if isinstance(tag, str):
                if tag == "br":
                    parts.append(" ")
                elif skipped(child):
                    pass
                elif child not in self.allowed and self._boilerplate(child):
                    self.boxes.append(child)
                else:
                    if tag == "a":
                        self.in_link += 1
                    text, sub_total, sub_links = self.walk(child)
                    if tag == "a":
                        self.in_link -= 1
                    if tag in BLOCK_TAGS:
                        total += sub_total
                        links += sub_links
                    else:  # inline: its text is part of this element's own text
                        parts.append(text)
                        total += sub_total - len(text)
                        links += sub_links
                        own_links += sub_links if tag != "a" else len(text)
            tail = child.tail
            if tail:
                parts.append(tail)
        self.path.pop()
        own = clean("".join(parts))
        size = len(own)
        total += size
        if el.tag == "a":
            links = total
        stats.total, stats.links = total, links
        if size >= MIN_PARAGRAPH and el.tag in BLOCK_TAGS and el.tag not in HEADINGS:
            if own_links <= PARAGRAPH_LINKS * size and not self.in_link:
                self.path.append(el)
                self._paragraph(size)
                self.path.pop()
                self.read += 1
                stats.paragraph = True
        stats.read = self.read
        return own, total, links

    def _boilerplate(self, el: Any) -> bool:
        if el.tag in _TEXT_TAGS or not el.keys():
            return False
        words = _words(el)
        known = self.words.get(words)
        if known is None:
            known = self.words[words] = boilerplate(el)
        return known

    def _paragraph(self, size: int) -> None:
        stats = self.stats
        for above in self.path:
            counts = stats[above]
            counts.good += size
            counts.paragraphs += 1


def skipped(el: Any) -> bool:
    """Whether ``el``'s subtree is never read: a chrome tag (a ``header`` only outside an
    ``article``: an article's header holds its intro) or role, or hidden."""
    if el.tag in _SKIP_TAGS:
        if el.tag == "header":
            return not any(above.tag == "article" for above in el.iterancestors())
        return True
    names = el.keys()
    if not names:
        return False
    if "hidden" in names or el.get("aria-hidden") == "true":
        return True
    role = el.get("role")
    if role is not None and role.lower() in _SKIP_ROLES:
        return True
    style = el.get("style")
    if style is not None:
        style = style.replace(" ", "").lower()
        if "display:none" in style or "visibility:hidden" in style:
            return True
    value = el.get("class")
    if value is None:
        return False
    tokens = value.lower().split()  # (Tailwind's "!hidden" is "hidden", important)
    return not _HIDDEN_TOKENS.isdisjoint(tokens) or any(
        t[0] == "!" and t[1:] in _HIDDEN_TOKENS for t in tokens
    )


def boilerplate(el: Any) -> bool:
    """Whether ``el`` is a container whose class/id holds boilerplate words and no content
    words (a paragraph's class is no box: ``p.teaser`` is a lead)."""
    if el.tag in _TEXT_TAGS:
        return False
    words = _words(el)
    if not words:
        return False
    if _FIELD_BOXES.search(words) is not None:  # fields of their own, whatever else the class says
        return True
    return _BOILERPLATE.search(words) is not None and _CONTENT.search(words) is None


def _words(el: Any) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower().strip()


@dataclass
class Selected:
    """The article the scorer found: its root elements (the best container and the siblings
    that joined it), in document order, and the scan behind it."""

    roots: list[Any]
    scan: _Scan


def select(doc: Any) -> Selected | None:
    """The article of the page: the element whose paragraph text outweighs the rest of its
    text the most (:func:`_best`), or None when the page holds no paragraph."""
    body = next(doc.iter("body"), None)
    if body is None:
        return None
    # a box left out for its words that holds more text than the article found is no box
    # (class words are noisy: a page wrapper "has-sidebar", "vw-sidebar-position-right",
    # "single-promotion"): read again with it, and with the boxes found inside it
    allowed: set[Any] = set()
    memo: dict[str, bool] = {}
    for _ in range(RESCANS):
        scan = _Scan(allowed=allowed, words=memo)
        best = _best(scan, body)
        floor = scan.stats[best].good if best is not None else 0
        sizes = [
            (len(text_content(box)), box)
            for box in scan.boxes
            if not _NEVER_ARTICLE.search(_words(box))
        ]
        if not sizes:
            break
        size, box = max(sizes, key=lambda sized: sized[0])
        if size <= floor:
            break
        # the largest box only (a smaller one may be a teaser the article then outweighs), and
        # the boxes inside it that hold most of its text (nested wrappers)
        least = max(floor, size / WRAPPED)
        allowed.update(
            el
            for el in box.iter(etree.Element)
            if el is box or (boilerplate(el) and len(text_content(el)) > least)
        )
    best, scan = _unread_article(body, best, scan, memo)
    if best is None:
        return None
    return Selected(_with_siblings(best, scan), scan)


def _unread_article(body: Any, best: Any, scan: _Scan, memo: dict[str, bool]) -> tuple[Any, _Scan]:
    """``best`` and its scan, or the article found in an ``article``/``main`` element the
    walk left out (markup the parser nests inside a menu or a header: an unclosed element
    before the article) when that one holds more paragraph text; of several such elements
    (up to :data:`RESCANS`, the parser may nest one in another), the best-scoring."""
    floor = scan.stats[best].good if best is not None else 0
    unread = [
        el
        for el in body.iter("article", "main")
        if el not in scan.stats and len(text_content(el)) > floor
    ]
    top = _score(scan.stats[best]) if best is not None else 0.0
    for el in unread[:RESCANS]:
        other = _Scan(words=memo)
        found = _best(other, el)
        if found is not None and other.stats[found].good > floor:
            score = _score(other.stats[found])
            if score > top:
                best, scan, top = found, other, score
    return best, scan


def _score(stats: Stats) -> float:
    return (1 + PENALTY) * stats.good - PENALTY * stats.total


def _with_siblings(best: Any, scan: _Scan) -> list[Any]:
    """``best`` and the siblings that score at least :data:`SIBLING_SHARE` of it (an
    article split into containers: its text, an update, a quote box)."""
    parent = best.getparent()
    if parent is None:
        return [best]
    least = SIBLING_SHARE * _score(scan.stats[best])
    stats = scan.stats
    return [
        el
        for el in parent
        if el is best or (el in stats and stats[el].good and _score(stats[el]) >= least)
    ]


def _best(scan: _Scan, body: Any) -> Any:
    """Walk ``body``; the element with the most paragraph text less its other text (link
    lists, short lines, boxes), or None."""
    try:
        scan.walk(body)
    except RecursionError:
        return None
    best, best_score = None, 0.0
    for el, stats in scan.stats.items():
        if stats.good and el.tag in _ROOT_TAGS:
            score = (1 + PENALTY) * stats.good - PENALTY * stats.total
            if score > best_score:
                best, best_score = el, score
    return best


__all__ = ["HEADINGS", "Selected", "Stats", "boilerplate", "select", "skipped"]
