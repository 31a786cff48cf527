"""What the entity rules share: the :class:`Entity` record, spans of a sentence, and the
word tests several rules use (offices, common nouns, place-name endings, articles)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from archive.indexes.topics import vocabulary as v
from archive.indexes.topics.text import WORD_CACHE, Sentence, Token


@dataclass(frozen=True)
class Entity:
    """One mention: kind, text as written, normalised value, role, sentence, offset."""

    kind: str
    text: str
    value: str
    role: str | None
    sentence: str
    position: int
    #: a date's time of day (``18:00``), else None
    time: str | None = None


@lru_cache(maxsize=WORD_CACHE)
def is_office(word: str) -> bool:
    if word in v.OFFICE_WORDS:
        return True
    if not word[:1].isupper():
        return False
    low = word.casefold()
    low = low[:-2] if low.endswith("in") and not low.endswith(("rätin", "kämmerin")) else low
    return low.endswith(v.OFFICE_HEADS)


def nounish(word: str) -> bool:
    return word.casefold().endswith(v.NOUN_SUFFIXES) and len(word) > 5


def span(s: Sentence, first: Token, last: Token) -> str:
    return s.text[first.start - s.start : last.end - s.start]


def entity(
    kind: str, s: Sentence, first: Token, last: Token, value: str, role: str | None
) -> Entity:
    return Entity(kind, span(s, first, last), value, role, s.text, first.start)


ADJECTIVE_END = ("e", "en", "es", "er", "em")
ARTICLES = frozenset(
    "der die das den dem des ein eine einer eines einem einen im am zum zur".split()
)


@lru_cache(maxsize=WORD_CACHE)
def place_suffix(word: str) -> bool:
    low = word.casefold()
    return (
        word[:1].isupper()
        and low.endswith(v.PLACE_SUFFIXES)
        and word not in v.NOT_PLACES
        and (not nounish(word) or low.endswith("siedlung"))
        and "-" not in word
    )


__all__ = [
    "ADJECTIVE_END", "ARTICLES", "Entity", "entity", "is_office", "nounish", "place_suffix",
    "span",
]  # fmt: skip
