"""Key-phrase candidates of a release: German nouns, compounds and adjective + noun phrases.

:func:`candidates` finds, per release, every noun (a capitalised word that is no stopword,
no function word opening a sentence) and every attributive adjective + noun pair
(``interkulturelle Öffnung``), keyed by their stems (:func:`archive.indexes.german.stem`, the
search index's analyzer: ``Kitas`` and ``Kita`` are one key, ``Förderung`` and
``Foerderung`` too). Each key keeps its count in the release (title mentions count
:data:`TITLE_WEIGHT` times) and its most frequent written form.

Ranking is a TF-IDF against the archive's own document frequencies and happens in SQL
(:mod:`archive.indexes.topic_index`): score = ``tf × (ln((N + 1) / (df + 1)) + 1)`` with ``N``
the pages of the archive and ``df`` those holding the key.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, compress
from operator import itemgetter

from archive.indexes.german import stem
from archive.indexes.topics.text import (
    WORD_CACHE,
    Sentence,
    part_sentences,
    starts,
    tokens,
)
from archive.indexes.topics.vocabulary import NOT_NAMES, STOP_FOLDED

#: How often a word of the title counts.
TITLE_WEIGHT = 2
#: Shortest noun that can be a key phrase.
MIN_LENGTH = 3
_ADJECTIVE_END = ("e", "en", "er", "es", "em")


@dataclass(frozen=True)
class Candidate:
    """One key-phrase candidate of a release: stem key, written form, weighted count."""

    key: str
    phrase: str
    tf: int


def _noun_word(text: str) -> bool:
    """Whether the capitalised word ``text`` can be a noun (long enough, no stopword)."""
    if len(text) < MIN_LENGTH or text.isupper() and len(text) < 3:
        return False
    return text.casefold() not in STOP_FOLDED and text not in NOT_NAMES


@lru_cache(maxsize=WORD_CACHE)
def _noun_start(text: str) -> bool:
    """Whether ``text`` is a capitalised word that can be a noun."""
    return text[:1].isupper() and text[:1].isalpha() and _noun_word(text)


@lru_cache(maxsize=WORD_CACHE)
def _adjective_word(text: str) -> bool:
    return (
        text[:1].islower()
        and text.isalpha()
        and len(text) > 4
        and text.endswith(_ADJECTIVE_END)
        and text.casefold() not in STOP_FOLDED
    )


def _key(words: list[str]) -> str:
    return " ".join(map(stem, words))


def phrase_key(phrase: str) -> str:
    """The stem key of a phrase as a reader writes it: ``Kitas`` → ``kita``,
    ``interkulturelle Öffnung`` → ``interkulturell offnung`` (what ``page_topics.key``
    holds)."""
    return _key([t.text for t in tokens(phrase) if t.word])


def candidates(title: str | None, lead: str | None, body: str | None) -> list[Candidate]:
    """The key-phrase candidates of one release, most frequent first."""
    return [Candidate(*term) for term in candidate_terms(title, lead, body)]


def candidate_terms(
    title: str | None, lead: str | None, body: str | None
) -> list[tuple[str, str, int]]:
    """:func:`candidates` as ``(key, phrase, tf)`` tuples (what the topic index stores;
    one object less per candidate)."""
    # each part split alone (as the entities of the page read it: split once, cached)
    split = part_sentences(title, lead, body)
    inner_toks = list(chain.from_iterable([s.tokens[1:] for part in split for s in part]))
    inner_nouns = set(compress(map(_TEXT, inner_toks), map(_CAPITALISED, inner_toks)))
    # the nouns and the pairs as written, in text order, the title's first
    nouns: list[str] = []
    pairs: list[str] = []
    for part in split[:1]:
        _collect(part, inner_nouns, nouns, pairs)
    title_ends = len(nouns), len(pairs)
    for part in split[1:]:
        _collect(part, inner_nouns, nouns, pairs)
    # each written form with its count, in the order first written; its key follows from
    # its words (a noun's key has one word, a pair's two: no form of one kind shares a
    # key with a form of the other)
    written = Counter(nouns)
    key_of = dict(zip(written, map(stem, written), strict=True))
    written_pairs = Counter(pairs)
    key_of.update(zip(written_pairs, map(_pair_key, written_pairs), strict=True))
    written.update(written_pairs)
    # tf: every mention once, the title's TITLE_WEIGHT times
    tf = Counter(map(key_of.__getitem__, nouns))
    tf.update(map(key_of.__getitem__, pairs))
    for _ in range(TITLE_WEIGHT - 1):
        tf.update(map(key_of.__getitem__, nouns[: title_ends[0]]))
        tf.update(map(key_of.__getitem__, pairs[: title_ends[1]]))
    form = _most_written(written, key_of)
    # keys by count, then alphabetically (a stable sort keeps the alphabetical order among
    # equal counts, also in reverse)
    ranked = sorted(sorted(tf.items()), key=itemgetter(1), reverse=True)
    return [(key, form[key], n) for key, n in ranked]


def _most_written(written: Counter[str], key_of: dict[str, str]) -> dict[str, str]:
    """Key → its most written form, the first written of those (what
    ``Counter.most_common(1)`` answers): the forms from least to most written, and among
    as often written ones from last to first written, so the one kept comes last."""
    order = list(written.items())
    order.reverse()
    order.sort(key=itemgetter(1))
    forms = list(map(itemgetter(0), order))
    return dict(zip(map(key_of.__getitem__, forms), forms, strict=True))


def _pair_key(pair: str) -> str:
    """The key of an adjective + noun pair as :func:`_collect` writes it."""
    return _key(pair.split(" "))


def _collect(
    part: tuple[Sentence, ...], inner_nouns: set[str], nouns: list[str], pairs: list[str]
) -> None:
    """Append the nouns and the adjective + noun pairs of ``part`` as written, in text
    order. A sentence opener is a noun only if the page also writes it capitalised inside a
    sentence (``Trotzdem``, ``Besonders`` open sentences only)."""
    for s in part:
        toks = s.tokens
        for i in starts(toks, _noun_start):
            word = toks[i].text
            if i == 0:
                if word in inner_nouns:
                    nouns.append(word)
                continue
            nouns.append(word)
            before = toks[i - 1].text
            if _adjective_word(before):
                pairs.append(f"{before} {word}")


_TEXT = itemgetter(0)  # Token.text
_CAPITALISED = itemgetter(3)  # Token.capitalised


__all__ = ["TITLE_WEIGHT", "Candidate", "candidate_terms", "candidates", "phrase_key"]
