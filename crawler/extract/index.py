"""One pass over a parsed page that indexes its elements by tag, class token and id, and a small
matcher for the simple CSS that site profiles use.

Evaluating a compiled cssselect XPath scans the whole document once per call (and descendant
combinators make libxml2 build and sort intermediate node sets); a profile runs ten or more
selectors per page. With the index, a selector starts from the elements its first compound names
(``#SP-Content``, ``.news-single``) and narrows down compound by compound: class and id lookups
kept if they lie under the previous matches, bare tags by ``iter(tag)`` under them.

Supported: groups (``a, b``), descendant and child (``>``) combinators, compounds of a tag or
``*``, ``#id``, ``.class`` and ``[attr]``, ``[attr=value]``, ``[attr~=value]``. Anything else
(pseudo-classes, sibling combinators, other attribute operators) is left to cssselect
(:func:`parse` returns None) with the same results: matching follows cssselect's HTML translation
(tag and attribute names lower-cased, class and id case-sensitive, document order, no
duplicates).

The selectors are parsed by :mod:`crawler.extract.selector`. A page's index belongs to its
:class:`crawler.extract.context.PageContext` (built on first use), which hands it to
:func:`crawler.extract.profiles.select` for selectors run on the page's root.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from lxml import etree

from crawler.extract.selector import (
    Chain,
    Compound,
    class_tokens,
    has_class,
    parse,
)
from crawler.extract.selector import class_tokens as _tokens
from crawler.extract.text import clean, element_text, raw_texts

_CLASS_VALUES = etree.XPath("//@class")
_ID_VALUES = etree.XPath("//@id")


class PageIndex:
    """Elements of one page by class token and id (tags: ``iter(tag)``, which lxml filters in
    C), their document positions, and the page's headed boxes, each built on first use."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.by_class: dict[str, list[Any]]  # class token -> elements (.get() for a token
        # that may be missing)
        self._by_id: dict[str, list[Any]] | None = None
        self._class_order: dict[Any, int]  # classed elements in document order
        self._position: dict[Any, int] | None = None
        self._heads: list[Any] | None = None
        self._chains: dict[Chain, list[Any]] = {}
        self._outermost: dict[Chain, list[Any]] = {}  # a chain's matches not inside another
        self._text: dict[Any, str] = {}
        self._all_read = False  # every element's text is in ``_text`` (texts)
        self._lowered: tuple[str, str | None] | None = None
        self._headed_matching: dict[re.Pattern[str], dict[Any, str]] = {}
        self._matching: dict[re.Pattern[str], list[Any]] = {}
        self._attributes: dict[str, list[Any]] = {}
        by_class: dict[str, list[Any]] = {}
        add = by_class.get
        # the attribute values with their elements (lxml "smart strings"): one scan in C, no
        # element tested in Python
        values = _CLASS_VALUES(root)
        elements = [value.getparent() for value in values]
        self._class_order = dict(zip(elements, range(len(elements)), strict=True))
        joined = "".join(values)  # (plain ASCII: str.split() is _tokens() for every value)
        plain_page = joined.isascii() and joined.isprintable()
        for el, value in zip(elements, values, strict=True):
            for token in value.split() if plain_page else _tokens(value):
                same = add(token)
                if same is None:
                    by_class[token] = [el]
                else:
                    same.append(el)
        self.by_class = by_class

    @property
    def by_id(self) -> dict[str, list[Any]]:
        if self._by_id is None:
            self._by_id = {}
            for value in _ID_VALUES(self.root):
                self._by_id.setdefault(str(value), []).append(value.getparent())
        return self._by_id

    @property
    def position(self) -> dict[Any, int]:
        """Element -> its place in document order."""
        if self._position is None:
            self._position = {el: n for n, el in enumerate(self.root.iter(etree.Element))}
        return self._position

    def class_tokens(self, el: Any) -> tuple[str, ...]:
        return _tokens(el.get("class") or "")

    def with_class(self, token: str, scope: Any = None) -> list[Any]:
        """Elements with class token ``token`` (as XPath's ``normalize-space`` splits the
        attribute) in document order; with ``scope``, only those strictly inside it."""
        found = self.by_class.get(token, [])
        if scope is None or scope is self.root or not found:
            return [el for el in found if el is not scope] if scope is not None else found
        return [el for el in found if is_under(el, scope)]

    def with_class_part(self, part: str, lower: bool = False) -> list[Any]:
        """Elements whose class attribute contains ``part`` (no whitespace in it; lower-cased
        attribute with ``lower``), in document order."""
        text, low = self._lines()
        hay = (low if lower else text) or ""
        if lower and low is None:
            keys = [k for k in self.by_class if part in k.lower()]
        else:
            keys = _lines_holding(text, hay, lambda start: hay.find(part, start))
        return self._union(keys)

    def _lines(self) -> tuple[str, str | None]:
        """The page's class tokens one a line (no token holds a newline), and that text
        lower-cased when every token keeps its place in it (ASCII), else None: a part is then
        looked for in one string instead of token by token."""
        if self._lowered is None:
            text = "\n".join(self.by_class)
            self._lowered = (text, text.lower() if text.isascii() else None)
        return self._lowered

    def _union(self, keys: list[str]) -> list[Any]:
        """The elements with any of the class tokens ``keys``, in document order."""
        if not keys:
            return []
        if len(keys) == 1:
            return list(self.by_class[keys[0]])
        found = {el for k in keys for el in self.by_class[k]}
        return sorted(found, key=self._class_order.__getitem__)

    def heads(self) -> list[Any]:
        """The page's ``h1``-``h6`` (document order), then its elements with a class holding
        "headline" (case-insensitively; document order): every element that
        :func:`crawler.extract.body.box_heading` may read as a box's heading."""
        if self._heads is None:
            heads = list(self.root.iter("h1", "h2", "h3", "h4", "h5", "h6"))
            heads += self.with_class_part("headline", lower=True)
            self._heads = heads
        return self._heads

    def text(self, el: Any) -> str:
        """:func:`crawler.extract.text.element_text` of ``el`` (no ``skip``), read once per page."""
        text = self._text.get(el)
        if text is None:
            text = self._text[el] = element_text(el)
        return text

    def texts(self) -> dict[Any, str]:
        """:meth:`text` of every element of the page (comments and processing instructions
        aside), for a caller about to ask for most of them: read in one walk
        (:func:`crawler.extract.text.raw_texts`), where each element's own walk reads its
        subtree again for every element above it."""
        if not self._all_read:
            known = self._text
            for el, raw in raw_texts(self.root).items():
                if el not in known:
                    known[el] = clean(raw)
            self._all_read = True
        return self._text

    def headed_matching(self, pattern: re.Pattern[str], initials: str = "") -> dict[Any, str]:
        """Box -> heading text, for the page's elements whose own heading
        (:func:`crawler.extract.body.box_heading`: a first child element among
        :meth:`heads`) ``pattern``
        matches (``pattern.match``, a non-empty text); memoised per pattern. ``initials``:
        lower-case ASCII letters every text ``pattern`` matches starts with (case-insensitively),
        so that a heading :func:`may_start_with` rules out is never read, nor its place in its
        box looked at."""
        found = self._headed_matching.get(pattern)
        if found is not None:
            return found
        found = self._headed_matching[pattern] = {}
        for head in self.heads():
            if initials and not may_start_with(head, initials):
                continue
            parent = head.getparent()
            if parent is None or parent in found:
                continue
            prev = head.getprevious()  # (cheaper than a children iterator)
            while prev is not None and not isinstance(prev.tag, str):
                prev = prev.getprevious()  # comments and processing instructions
            if prev is not None:  # not its parent's first child element
                continue
            text = self.text(head)
            if text and pattern.match(text):
                found[parent] = text
        return found

    def with_class_matching(self, pattern: re.Pattern[str]) -> list[Any]:
        """Elements whose lower-cased class attribute ``pattern`` finds (a pattern of words
        without whitespace: found in the attribute iff found in one of its tokens), in
        document order; memoised per pattern."""
        found = self._matching.get(pattern)
        if found is None:
            text, low = self._lines()
            if low is None:
                keys = [k for k in self.by_class if pattern.search(k.lower())]
            else:  # (the pattern never matches a newline)
                keys = _lines_holding(text, low, lambda start: _start(pattern.search(low, start)))
            found = self._matching[pattern] = self._union(keys)
        return found

    def with_attribute(self, name: str) -> list[Any]:
        """Elements with attribute ``name``, in document order; memoised per name."""
        found = self._attributes.get(name)
        if found is None:
            found = self._attributes[name] = [
                value.getparent() for value in _compiled(f"//@{name}")(self.root)
            ]
        return found

    def sort(self, elements: Any) -> list[Any]:
        """``elements`` (of this page) in document order, without duplicates."""
        return self._in_order(set(elements))

    def _in_order(self, unique: set[Any]) -> list[Any]:
        """A set of this page's elements in document order; elements that all have a class
        are ordered without numbering the whole page."""
        if len(unique) < 2:
            return list(unique)
        order = self._class_order
        if all(el in order for el in unique):
            return sorted(unique, key=order.__getitem__)
        if self._position is None and len(unique) <= 16:  # cheaper than numbering the page
            return sorted(unique, key=_path)
        return sorted(unique, key=self.position.__getitem__)

    def first_with_class(self, scope: Any, *tokens: str, tag: str | None = None) -> Any:
        """The first element strictly inside ``scope`` (document order) with one of the class
        tokens (case-sensitive, as :func:`crawler.extract.text.cls`) and, if given, tag
        ``tag``; None."""
        if scope is None:
            return None
        whole = scope is self.root
        firsts = []
        for token in tokens:
            for el in self.by_class.get(token, ()):
                if (
                    (tag is None or el.tag == tag)
                    and el is not scope
                    and (whole or is_under(el, scope))
                ):
                    firsts.append(el)
                    break
        if len(firsts) < 2:
            return firsts[0] if firsts else None
        return min(firsts, key=self._class_order.__getitem__)

    def select(self, chains: tuple[Chain, ...]) -> list[Any]:
        """Elements matching any chain, in document order, without duplicates (a new list)."""
        if len(chains) == 1:
            return list(self._chain(chains[0]))
        groups = [found for found in map(self._chain, chains) if found]
        if len(groups) < 2:  # each group's matches are in document order already
            return list(groups[0]) if groups else []
        return self._in_order({el for group in groups for el in group})

    def _chain(self, chain: Chain) -> list[Any]:
        """Left to right: the matches of each compound under (or, for ``>``, right below) the
        matches of the one before it, in document order. Every prefix is kept for the page
        (profiles repeat them: ``.news-single .header h1, .news-single .header h2``)."""
        found = self._chains.get(chain)
        if found is None:
            found = self._chains[chain] = self._last_step(chain)
        return found

    def _last_step(self, chain: Chain) -> list[Any]:
        compound, combinator = chain[-1]
        if len(chain) == 1:
            if compound.one_class:
                return list(self._candidates(compound))
            return [el for el in self._candidates(compound) if compound.matches(el, self)]
        current = self._chain(chain[:-1])
        if not current:
            return []
        chosen = set(current)
        if combinator == ">":
            return [
                el
                for el in self._candidates(compound)
                if el.getparent() in chosen and compound.matches(el, self)
            ]
        if compound.ident is not None or compound.classes:
            if compound.one_class:  # every candidate matches
                return [el for el in self._candidates(compound) if _under(el, chosen)]
            return [
                el
                for el in self._candidates(compound)
                if compound.matches(el, self) and _under(el, chosen)
            ]
        # a bare tag (or ``*``): the descendants of the outermost matches so far
        tag = compound.tag or etree.Element
        roots = self._outermost.get(chain[:-1])
        if roots is None:  # (profiles repeat the prefix: ``.header h1, .header h2``)
            roots = self._outermost[chain[:-1]] = [el for el in current if not _under(el, chosen)]
        if compound.tag_only:  # iter(tag) gives only matches
            return [el for root in roots for el in root.iter(tag) if el is not root]
        return [
            el
            for root in roots
            for el in root.iter(tag)
            if el is not root and compound.matches(el, self)
        ]

    def _candidates(self, compound: Compound) -> list[Any]:
        if compound.ident is not None:
            return self.by_id.get(compound.ident, [])
        if compound.classes:
            return self.by_class.get(compound.classes[0], [])
        return list(self.root.iter(compound.tag or etree.Element))


def _start(match: re.Match[str] | None) -> int:
    return -1 if match is None else match.start()


def _lines_holding(text: str, hay: str, find: Callable[[int], int]) -> list[str]:
    """The lines of ``text`` whose counterpart in ``hay`` (``text`` or the same lines
    lower-cased, each as long) holds what ``find`` looks for, in order: ``find(start)`` is the
    first place at or after ``start`` where it is in ``hay`` (-1: nowhere) and never a newline."""
    found: list[str] = []
    start = 0
    while True:
        pos = find(start)
        if pos == -1:
            return found
        begin = hay.rfind("\n", 0, pos) + 1
        end = hay.find("\n", pos)
        if end == -1:
            found.append(text[begin:])
            return found
        found.append(text[begin:end])
        start = end + 1


def _path(el: Any) -> list[int]:
    """The places of ``el`` and its ancestors among their siblings, from the root down: paths
    sort in document order."""
    path = []
    parent = el.getparent()
    while parent is not None:
        path.append(parent.index(el))
        el, parent = parent, parent.getparent()
    path.reverse()
    return path


def is_under(el: Any, scope: Any) -> bool:
    """Whether ``scope`` is a proper ancestor of ``el``."""
    parent = el.getparent()
    while parent is not None:
        if parent is scope:
            return True
        parent = parent.getparent()
    return False


def may_start_with(el: Any, initials: str) -> bool:
    """False when :func:`crawler.extract.text.element_text` of ``el`` cannot start with one of
    ``initials`` (lower-case ASCII letters, compared case-insensitively), decided from ``el``'s
    own leading text alone (True when it holds nothing but whitespace: the text starts further
    down). ``element_text`` is :func:`crawler.extract.text.clean` of a string starting with
    ``el.text``; ``clean`` drops only whitespace (what ``str.lstrip()`` strips) and invisible
    characters (all non-ASCII), so when the first other character is ASCII the text starts
    with it, and a non-ASCII one gives True."""
    text = el.text
    first = text.lstrip()[:1] if text else ""
    return not first or not first.isascii() or first.lower() in initials


@lru_cache(maxsize=64)
def _compiled(xpath: str) -> etree.XPath:
    """``xpath`` compiled once (a constant of this module: no page state)."""
    return etree.XPath(xpath)


def _under(el: Any, ancestors: set[Any]) -> bool:
    """Whether an ancestor of ``el`` is in ``ancestors``."""
    parent = el.getparent()
    while parent is not None:
        if parent in ancestors:
            return True
        parent = parent.getparent()
    return False


__all__ = [
    "Compound",
    "PageIndex",
    "class_tokens",
    "has_class",
    "is_under",
    "may_start_with",
    "parse",
]
