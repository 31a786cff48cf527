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

from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

from archive.indexes.german import stem
from archive.indexes.topics.text import (
    WORD_CACHE,
    capitalised_words,
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
    return " ".join(stem(w) for w in words)


def phrase_key(phrase: str) -> str:
    """The stem key of a phrase as a reader writes it: ``Kitas`` → ``kita``,
    ``interkulturelle Öffnung`` → ``interkulturell offnung`` (what ``page_topics.key``
    holds)."""
    return _key([t.text for t in tokens(phrase) if t.word])


def candidates(title: str | None, lead: str | None, body: str | None) -> list[Candidate]:
    """The key-phrase candidates of one release, most frequent first."""
    counts: dict[str, int] = {}
    forms: dict[str, dict[str, int]] = {}
    # each part split alone (as the entities of the page read it: split once, cached)
    parts = list(zip(part_sentences(title, lead, body), (TITLE_WEIGHT, 1, 1), strict=True))
    inner_nouns = {w for split, _ in parts for s in split for w in capitalised_words(s.tokens[1:])}
    for split, weight in parts:
        for s in split:
            toks = s.tokens
            for i in starts(toks, _noun_start):
                t = toks[i]
                # a sentence opener is a noun only if the page also writes it capitalised
                # inside a sentence (``Trotzdem``, ``Besonders`` open sentences only)
                if i == 0 and t.text not in inner_nouns:
                    continue
                found = [(stem(t.text), t.text)]
                if i > 0 and _adjective_word(toks[i - 1].text):
                    pair = toks[i - 1].text
                    found.append((f"{stem(pair)} {found[0][0]}", f"{pair} {t.text}"))
                for key, phrase in found:
                    counts[key] = counts.get(key, 0) + weight
                    written = forms.setdefault(key, {})
                    written[phrase] = written.get(phrase, 0) + 1
    # the first most frequent written form (what Counter.most_common(1) answers)
    return [
        Candidate(key, max(forms[key].items(), key=itemgetter(1))[0], tf)
        for key, tf in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


__all__ = ["TITLE_WEIGHT", "Candidate", "candidates", "phrase_key"]
