"""Token F1 of two texts for learned site templates (:mod:`crawler.extract.learn_select`):
how far a selector's body agrees with the generic layer's.

Learning scores every candidate selector against the same reference texts (one a page), so
a text's word counts are worked out once (:class:`Words`, kept per page by the learner's
``Doc``) and :func:`words_f1` compares two of them without building a third counter.
:func:`token_f1` is the plain computation; :func:`words_f1` gives exactly its float (the
same integers, divided the same way: ``tests/crawler/extract/test_learn_words.py``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import filterfalse

_WORD = re.compile(r"\w+")


def _split(text: str) -> tuple[list[str], list[str]]:
    """``text``'s chunks between whitespace, and those that are not all alphanumeric. No
    whitespace character is a word character, so no match of ``\\w+`` crosses the
    whitespace ``str.split()`` splits at, and a chunk whose characters are all alphanumeric
    is one match (``\\w`` is ``str.isalnum()`` or ``_``; both checked for every code point
    in tests/crawler/extract/test_learn_words.py): only the other chunks (punctuation,
    ``_``) need the regex."""
    chunks = text.split()
    return chunks, list(filterfalse(str.isalnum, chunks))


def _runs(text: str) -> list[str]:
    """The matches of ``\\w+`` in ``text``, not in order (:func:`_split`; the regex reads
    the odd chunks joined by spaces)."""
    chunks, odd = _split(text)
    if not odd:
        return chunks
    return list(filter(str.isalnum, chunks)) + _WORD.findall(" ".join(odd))


def word_count(text: str) -> int:
    """How many words ``text`` has as written (``len(re.findall(r"\\w+", text))``; not
    lower-cased: a few characters lower-case to two, ``İ`` to ``i`` and a combining dot,
    which splits a word)."""
    chunks, odd = _split(text)
    return len(chunks) - len(odd) + len(_WORD.findall(" ".join(odd))) if odd else len(chunks)


def tokens(text: str | None) -> Counter[str]:
    """The lower-cased words of ``text`` and how often each occurs (the plain computation;
    :func:`words` gives the same counts)."""
    return Counter(_WORD.findall((text or "").lower()))


def token_f1(want: str | None, got: str | None) -> float:
    """Token F1 of ``got`` against ``want`` (0 when either has no word): the plain
    computation, as :func:`words_f1` must give it."""
    a, b = tokens(want), tokens(got)
    if not a or not b:
        return 0.0
    common = sum((a & b).values())
    return 2 * common / (sum(a.values()) + sum(b.values()))


@dataclass(frozen=True, slots=True)
class Words:
    """A text's lower-cased word counts (every count positive) and their sum."""

    counts: dict[str, int]
    total: int


def words(text: str | None) -> Words:
    """:func:`tokens` of ``text`` as :class:`Words`."""
    found = _runs((text or "").lower())
    return Words(Counter(found), len(found))


def words_f1(a: Words, b: Words) -> float:
    """:func:`token_f1` of the texts of ``a`` and ``b``: the words in common (the smaller
    count of each word both have, summed over the smaller of the two) over the totals."""
    if not a.total or not b.total:
        return 0.0
    small, large = (a.counts, b.counts) if len(a.counts) <= len(b.counts) else (b.counts, a.counts)
    common = 0
    for word, n in small.items():
        m = large.get(word)
        if m is not None:
            common += n if n < m else m
    return 2 * common / (a.total + b.total)


__all__ = ["Words", "token_f1", "tokens", "word_count", "words", "words_f1"]
