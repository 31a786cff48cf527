"""The small CSS matcher's selectors: site-profile CSS parsed into chains of compounds
(:func:`parse`), matched on a page's index by :class:`crawler.extract.index.PageIndex`; class
tokens as XPath's ``normalize-space`` splits them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.extract.index import PageIndex

_WS = str.maketrans("\t\n\r", "   ")
_IDENT = r"-?[_a-zA-Z][\w-]*"
_PART = re.compile(
    rf"(?P<tag>{_IDENT}|\*)|#(?P<id>{_IDENT})|\.(?P<cls>{_IDENT})"
    rf"|\[\s*(?P<attr>{_IDENT})\s*(?:(?P<op>~?=)\s*(?P<val>{_IDENT}|\"[^\"\\]*\"|'[^'\\]*')\s*)?\]"
)


@dataclass(frozen=True, eq=False)
class Compound:
    """One compound selector: every condition must hold on the same element. Compared and
    hashed by identity (chains are per-page memo keys): :func:`_compound` interns them."""

    tag: str | None
    ident: str | None
    classes: tuple[str, ...]
    attrs: tuple[tuple[str, str | None, str | None], ...]  # (name, op, value)
    #: a lone class / a lone tag or ``*``: every element :meth:`PageIndex._candidates` (for a
    #: class, the elements with that token) or ``iter(tag)`` gives matches
    one_class: bool = field(init=False)
    tag_only: bool = field(init=False)

    def __post_init__(self) -> None:
        bare = self.ident is None and not self.attrs
        object.__setattr__(self, "one_class", bare and self.tag is None
                           and len(self.classes) == 1)  # fmt: skip
        object.__setattr__(self, "tag_only", bare and not self.classes)

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
    if value.isascii() and value.isprintable():  # str.split() splits at spaces alone
        return tuple(value.split())
    return tuple(t for t in value.translate(_WS).split(" ") if t)


def class_tokens(value: str) -> tuple[str, ...]:
    """Class tokens of a ``class`` attribute value, as XPath's ``normalize-space`` splits it
    (what :func:`crawler.extract.text.cls` tests), case kept."""
    return _tokens(value)


def has_class(el: Any, token: str) -> bool:
    """Whether ``el`` has class token ``token`` (case-sensitive, as
    :func:`crawler.extract.text.cls`)."""
    value = el.get("class")
    return value is not None and token in value and token in _tokens(value)


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


@lru_cache(maxsize=512)
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
