"""Sentences and tokens of a release's text, with character offsets into the whole text.

:func:`page_text` joins title, lead and body as the rules read them; :func:`sentences`
splits it (not after abbreviations or ordinal numbers); :func:`tokens` gives the words,
numbers and punctuation of one sentence with their offsets, so an entity's ``position`` is
its offset in the page text and stays the same for the same text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress, repeat
from operator import add, itemgetter, or_
from typing import NamedTuple

from archive.indexes.topics.vocabulary import ABBREVIATIONS

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_](?:[\w-]*[^\W_])?|€|\S")
#: :data:`_TOKEN` in a group: ``split`` gives the tokens (odd items) and the white space
#: around them (even items), so the lengths add up to the offsets
_TOKEN_SPLIT = re.compile(f"({_TOKEN.pattern})")
#: A sentence boundary: punctuation (group 1) and white space before an opening capital or
#: quote, or line breaks. It opens with a class of every first character (the group as a
#: lookbehind), so the regex engine skips to those characters in C instead of trying both
#: branches at every position (5× fewer instructions on the German dev pages).
_BOUNDARY = re.compile(r"[.!?:“\"\n](?:(?<=([.!?:“\"]))\s+(?=[A-ZÄÖÜ„\"])|(?<=\n)\n*)")
_ORDINAL = re.compile(r"(?:^|\s)\d{1,2}\.$")
#: :data:`_ORDINAL` as the whole of the last word (what it matches at the end of a text)
_ORDINAL_WORD = re.compile(r"\d{1,2}\.")
#: the punctuation that may end a sentence before white space (``_BOUNDARY``'s group)
_ENDS = frozenset('.!?:“"')


class Token(NamedTuple):
    """One token: its text and its offsets in the page text, and whether it is a word
    (opens with a letter) and a capitalised one (opens with an upper-case letter)."""

    text: str
    start: int
    end: int
    capitalised: bool
    word: bool


#: The size of the word caches (:func:`_flags` here, the word tests of the rules): bounded,
#: so a long crawl cannot grow them; the least recently seen words go first. About 100
#: bytes an entry; seven caches see every distinct word, so all together hold at most
#: about 15 MB (the 289 pages of the German dev set fill them, with 5 hits a miss).
WORD_CACHE = 20_000


@lru_cache(maxsize=WORD_CACHE)
def _flags(text: str) -> tuple[bool, bool]:
    first = text[:1]
    return first.isupper() and first.isalpha(), first.isalpha()


@dataclass(frozen=True)
class Sentence:
    """One sentence: its text, its offset in the page text and its tokens."""

    text: str
    start: int
    tokens: tuple[Token, ...]


def starts(
    toks: tuple[Token, ...], test: Callable[[str], bool], also: str | None = None
) -> Iterator[int]:
    """The indexes of the tokens whose text passes ``test`` (a word test, cached per word)
    or is ``also``, in order: where a rule can start."""
    found = map(test, map(_TEXT, toks))
    if also is not None:
        found = map(or_, found, map(also.__eq__, map(_TEXT, toks)))
    return compress(range(len(toks)), found)


def capitalised_words(toks: tuple[Token, ...]) -> Iterator[str]:
    """The texts of the capitalised tokens of ``toks``, in order."""
    return compress(map(_TEXT, toks), map(_CAPITALISED, toks))


_TEXT = itemgetter(0)  # Token.text
_CAPITALISED = itemgetter(3)  # Token.capitalised


def page_text(
    title: str | None, lead: str | None, body: str | None, captions: str | None = None
) -> str:
    """The text the rules read: title, lead, body and image captions, one paragraph each."""
    parts = (title, lead, body, captions)
    return "\n".join(part.strip() for part in parts if part and part.strip())


def tokens(text: str, offset: int = 0) -> tuple[Token, ...]:
    """The tokens of ``text``; offsets are ``offset`` plus the position in ``text``."""
    # between two tokens there is only white space (``\S`` takes any other character), so
    # the split alternates white space and tokens, and a token starts where the lengths of
    # the pieces before it add up to; built in C (map, zip), no Python step per token
    pieces = _TOKEN_SPLIT.split(text)
    words = pieces[1::2]
    at = list(accumulate(map(len, pieces), initial=offset))
    spans = zip(words, at[1:-1:2], at[2::2], strict=True)
    return tuple(map(tuple.__new__, repeat(Token), map(add, spans, map(_flags, words))))


def _ends_sentence(text: str, end: int) -> bool:
    """Whether the punctuation ending at ``end`` closes a sentence (no abbreviation, no
    ordinal ``12.``)."""
    # the last 64 characters decide (the whole prefix made this quadratic on long pages):
    # an abbreviation or an ordinal is the last word, and a word cut by the window is
    # longer than both, so the answer is the same
    head = text[max(0, end - 64) : end]
    if not head.endswith("."):
        return True
    # the last word ends with the full stop, so there is one; it is an ordinal if it is
    # all of ``_ORDINAL`` (which starts after white space or at the window's start)
    last = head.rsplit(None, 1)[-1]
    return len(last) > 2 and last not in ABBREVIATIONS and _ORDINAL_WORD.fullmatch(last) is None


def sentences(text: str, offset: int = 0) -> list[Sentence]:
    """The sentences of ``text`` with their offsets (``offset`` plus the position in
    ``text``) and tokens."""
    out: list[Sentence] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match.group(1):
            end = match.end(1)
            if not _ends_sentence(text, end):
                continue
        else:
            end = match.start()
        _add(out, text, start, end, offset)
        start = match.end()
    _add(out, text, start, len(text), offset)
    return out


def _add(out: list[Sentence], text: str, start: int, end: int, offset: int) -> None:
    raw = text[start:end]
    stripped = raw.strip()
    if not stripped:
        return
    begin = offset + start + raw.index(stripped)
    out.append(Sentence(stripped, begin, tokens(stripped, begin)))


#: How many parts (title, lead, body, captions) :func:`part_sentences` keeps split: the
#: parts of the last page or two, so the key phrases and the entities of a page, computed
#: one after the other, split and tokenise its text once.
PART_CACHE = 8


@lru_cache(maxsize=PART_CACHE)
def _part(text: str, offset: int) -> tuple[Sentence, ...]:
    return tuple(sentences(text, offset))


def part_sentences(*parts: str | None) -> list[tuple[Sentence, ...]]:
    """The sentences of each part of :func:`page_text` (``()`` for an empty part), with
    their offsets in the page text. A part's sentences are those :func:`sentences` finds in
    it alone (leading and trailing white space split nothing)."""
    out: list[tuple[Sentence, ...]] = []
    offset = 0
    for part in parts:
        text = part.strip() if part else ""
        if not text:
            out.append(())
            continue
        out.append(_part(text, offset))
        offset += len(text) + 1
    return out


_OPENER = re.compile(r"[A-ZÄÖÜ„\"]")


def page_sentences(
    title: str | None, lead: str | None, body: str | None, captions: str | None = None
) -> list[Sentence]:
    """``sentences(page_text(title, lead, body, captions))``, from :func:`part_sentences`.

    Each part ends a sentence, unless a part ends with a full stop that closes no sentence
    (``… Dr.``) and the next opens like a sentence: then the page text is split as a whole.
    """
    split = part_sentences(title, lead, body, captions)
    texts = [part.strip() for part in (title, lead, body, captions) if part and part.strip()]
    text = "\n".join(texts)
    boundary = -1
    for part in texts[:-1]:
        boundary += len(part) + 1  # the newline after ``part``
        if (
            text[boundary - 1] in _ENDS
            and _OPENER.match(text, boundary + 1)
            and not _ends_sentence(text, boundary)
        ):
            return sentences(text)
    return [s for part in split for s in part]


__all__ = [
    "PART_CACHE", "WORD_CACHE", "Sentence", "Token", "capitalised_words", "page_sentences",
    "page_text",
    "part_sentences", "sentences", "starts", "tokens",
]  # fmt: skip
