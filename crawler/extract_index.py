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

:func:`indexed` makes a page's index current for one extraction (thread-local), so
:func:`crawler.profiles.select` on that page's root uses it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from lxml import etree

_LOCAL = threading.local()
_WS = str.maketrans("\t\n\r", "   ")
_IDENT = r"-?[_a-zA-Z][\w-]*"
_PART = re.compile(
    rf"(?P<tag>{_IDENT}|\*)|#(?P<id>{_IDENT})|\.(?P<cls>{_IDENT})"
    rf"|\[\s*(?P<attr>{_IDENT})\s*(?:(?P<op>~?=)\s*(?P<val>{_IDENT}|\"[^\"\\]*\"|'[^'\\]*')\s*)?\]"
)


@dataclass(frozen=True)
class Compound:
    """One compound selector: every condition must hold on the same element."""

    tag: str | None
    ident: str | None
    classes: tuple[str, ...]
    attrs: tuple[tuple[str, str | None, str | None], ...]  # (name, op, value)

    def matches(self, el: Any, index: PageIndex) -> bool:
        if self.tag is not None and el.tag != self.tag:
            return False
        if self.ident is not None and el.get("id") != self.ident:
            return False
        if self.classes:
            tokens = index.class_tokens(el)
            if not all(c in tokens for c in self.classes):
                return False
        for name, op, value in self.attrs:
            raw = el.get(name)
            if raw is None:
                return False
            if op == "=" and raw != value:
                return False
            if op == "~=" and value not in _tokens(raw):
                return False
        return True


#: a complex selector, left to right: (compound, combinator from the one before it)
Chain = tuple[tuple[Compound, str], ...]


def _tokens(value: str) -> tuple[str, ...]:
    """Tokens as XPath's ``normalize-space`` splits them (space, tab, CR, LF)."""
    if value.isascii():  # control characters other than those are gone (text.prepare_markup)
        return tuple(value.split())
    return tuple(t for t in value.translate(_WS).split(" ") if t)


@lru_cache(maxsize=512)
def parse(selector: str) -> tuple[Chain, ...] | None:
    """The selector's groups as left-to-right chains, or None when it uses more than this
    matcher supports (the caller then uses cssselect)."""
    chains: list[Chain] = []
    for group in selector.split(","):
        parts = re.sub(r"\s*>\s*", " > ", group.strip()).split()
        if not parts or parts[0] == ">" or parts[-1] == ">":
            return None
        chain: list[tuple[Compound, str]] = []
        combinator = " "
        for part in parts:
            if part == ">":
                if combinator == ">":
                    return None
                combinator = ">"
                continue
            compound = _compound(part)
            if compound is None:
                return None
            chain.append((compound, combinator))
            combinator = " "
        chains.append(tuple(chain))
    return tuple(chains)


def _compound(text: str) -> Compound | None:
    tag = ident = None
    found_classes: list[str] = []
    attrs: list[tuple[str, str | None, str | None]] = []
    pos = 0
    while pos < len(text):
        match = _PART.match(text, pos)
        if match is None or (match.group("tag") and pos):
            return None
        pos = match.end()
        if match.group("tag"):
            tag = None if match.group("tag") == "*" else match.group("tag").lower()
        elif match.group("id"):
            if ident is not None:
                return None
            ident = match.group("id")
        elif match.group("cls"):
            found_classes.append(match.group("cls"))
        else:
            value = match.group("val")
            if value is not None and value[:1] in ("'", '"'):
                value = value[1:-1]
            if match.group("op") == "~=" and (not value or value.split() != [value]):
                return None
            attrs.append((match.group("attr").lower(), match.group("op"), value))
    return Compound(tag, ident, tuple(found_classes), tuple(attrs))


_CLASSED = etree.XPath("//*[@class]")
_WITH_ID = etree.XPath("//*[@id]")


class PageIndex:
    """Elements of one page by class token and id (tags: ``iter(tag)``, which lxml filters in
    C), and their document positions when a selector group needs them."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.by_class: dict[str, list[Any]] = {}
        self.by_id: dict[str, list[Any]] = {}
        self._tokens: dict[Any, tuple[str, ...]] = {}
        self._position: dict[Any, int] | None = None
        by_class = self.by_class
        for el in _CLASSED(root):
            value = el.get("class")
            tokens = self._tokens[el] = tuple(value.split()) if value.isascii() else _tokens(value)
            for token in tokens:
                same = by_class.get(token)
                if same is None:
                    by_class[token] = [el]
                else:
                    same.append(el)
        for el in _WITH_ID(root):
            self.by_id.setdefault(el.get("id"), []).append(el)

    def class_tokens(self, el: Any) -> tuple[str, ...]:
        tokens = self._tokens.get(el)
        if tokens is None:
            tokens = _tokens(el.get("class") or "")
        return tokens

    def select(self, chains: tuple[Chain, ...]) -> list[Any]:
        """Elements matching any chain, in document order, without duplicates."""
        groups = [found for found in map(self._chain, chains) if found]
        if len(groups) < 2:  # each group's matches are in document order already
            return groups[0] if groups else []
        if self._position is None:
            self._position = {el: n for n, el in enumerate(self.root.iter(etree.Element))}
        found = {el for group in groups for el in group}
        return sorted(found, key=self._position.__getitem__)

    def _chain(self, chain: Chain) -> list[Any]:
        """Left to right: the matches of each compound under (or, for ``>``, right below) the
        matches of the one before it, in document order."""
        compound = chain[0][0]
        current = [el for el in self._candidates(compound) if compound.matches(el, self)]
        for compound, combinator in chain[1:]:
            if not current:
                return []
            chosen = set(current)
            if combinator == ">":
                current = [
                    el
                    for el in self._candidates(compound)
                    if el.getparent() in chosen and compound.matches(el, self)
                ]
            elif compound.ident is not None or compound.classes:
                current = [
                    el
                    for el in self._candidates(compound)
                    if compound.matches(el, self) and _under(el, chosen)
                ]
            else:  # a bare tag (or ``*``): the descendants of the outermost matches so far
                tag = compound.tag or etree.Element
                roots = [el for el in current if not _under(el, chosen)]
                current = [
                    el
                    for root in roots
                    for el in root.iter(tag)
                    if el is not root and compound.matches(el, self)
                ]
        return current

    def _candidates(self, compound: Compound) -> list[Any]:
        if compound.ident is not None:
            return self.by_id.get(compound.ident, [])
        if compound.classes:
            return self.by_class.get(compound.classes[0], [])
        return list(self.root.iter(compound.tag or etree.Element))


def _under(el: Any, ancestors: set[Any]) -> bool:
    """Whether an ancestor of ``el`` is in ``ancestors``."""
    parent = el.getparent()
    while parent is not None:
        if parent in ancestors:
            return True
        parent = parent.getparent()
    return False


def current(root: Any) -> PageIndex | None:
    """The index of ``root``'s page when :func:`indexed` made ``root`` current (built on first
    use: a page no profile selector runs on is never indexed), else None."""
    state: list[Any] | None = getattr(_LOCAL, "state", None)
    if state is None or state[0] is not root:
        return None
    if state[1] is None:
        state[1] = PageIndex(root)
    index: PageIndex = state[1]
    return index


@contextmanager
def indexed(root: Any) -> Iterator[None]:
    """Make ``root``'s page current in this thread while the block runs (see :func:`current`)."""
    previous = getattr(_LOCAL, "state", None)
    _LOCAL.state = [root, None]
    try:
        yield
    finally:
        _LOCAL.state = previous


__all__ = ["Compound", "PageIndex", "current", "indexed", "parse"]
