"""German text analysis for search: folding, Snowball stemming and compound parts.

* :func:`fold` lower-cases (``casefold``: ``ß`` → ``ss``), strips diacritics and writes
  ``ae``/``oe``/``ue`` as ``a``/``o``/``u`` like the stemmer does: ``Förder`` and ``Foerder``
  both give ``forder``. Used for prefixes (``Förder*``), which must not be stemmed.
* :func:`stem` is the Snowball German stemmer (PyStemmer) on the case-folded word, with
  the same folding: ``Förderung``, ``Foerderung`` → ``forder``; ``Rüsselsheimer``,
  ``ruesselsheim`` → ``russelsheim``; ``Straße``, ``Strasse`` → ``strass``.
* :func:`fold_plural_s` completes the stemmer for the plural (and genitive) ``-s`` of words
  that end in a vowel, which Snowball keeps (it drops ``-s`` only after a consonant:
  ``Teams`` → ``team`` but ``Kitas`` → ``kitas``): ``Kitas``, ``Autos``, ``Fotos``, ``Infos``,
  ``Babys``, ``Cafés`` → ``kita``, ``auto``, ``foto``, ``info``, ``baby``, ``cafe``. Not folded:
  ``-us`` (Latin singulars: ``Bonus``, ``Campus``, ``Virus`` would meet ``Bon``, ``Camp``),
  diphthongs (``Haus``, ``Preis``, ``Mais`` must not meet ``Hau``, ``Prei``, ``Mai``),
  ``-nis`` (``Zeugnis``), ``-eas``/``-ias`` names (``Andreas``, ``Matthias``), stems under 3
  letters (``das``, ``was``, ``Gas``) and a few singulars (:data:`_S_SINGULARS`).
* :func:`analyze` turns text into its stems, space-separated, one per word in order, so
  phrases still match on the stemmed text.
* Compound parts: every distinct stem of at least :data:`COMPOUND_MIN_LEN` letters is a
  compound candidate (:func:`compound_candidates`), kept in the archive's vocabulary
  (:mod:`archive.indexes.compounds`). A query word then also matches compounds that *start* with
  it (``Haushalt`` finds ``Haushaltssicherungskonzept``) or *end* with it (``Lotsen``
  finds ``Integrationslotsen``; German compounds put the head last). No lexicon is
  needed and the result does not depend on the order in which pages were archived.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import Stemmer

#: Stems at least this long are also indexed as compound candidates.
COMPOUND_MIN_LEN = 7
#: A query stem must be at least this long to match inside compounds.
PART_MIN_LEN = 4

#: What built a search index: stems must be recomputed exactly to delete them from a
#: contentless index, so a change here (or a new stemmer release) means a rebuild
#: (``index_state``, :mod:`archive.indexes.registry`).
ANALYZER = f"pystemmer {Stemmer.version()} german; fold 1; words 1; plural-s 1"

WORD = re.compile(r"[^\W_]+")
# As the Snowball prelude does: ae/oe → a/o; ue → u unless after q or a vowel ("steuer").
_UMLAUT_PAIRS = re.compile(r"([ao])e|(?<![aeiouyq])(u)e")
_local = threading.local()
#: Snowball stems ending in vowel + ``s`` that lose the ``s`` (:func:`fold_plural_s`): a single
#: ``a``, ``o``, ``i``, ``y`` or ``é`` before it, not one of the pairs in :data:`_S_KEEP`.
_PLURAL_S = re.compile(r"(?<=[^\W\d_]{2})[aioyé]s$")
#: Endings that keep their ``s``: diphthongs and vowel pairs of singulars (``Haus``, ``Preis``,
#: ``Mais``, ``Zeus``, ``Andreas``, ``Matthias``) and ``-nis`` (``Zeugnis``, ``Ergebnis``).
_S_KEEP = ("aus", "äus", "eus", "eis", "ais", "ois", "ous", "eas", "ias", "nis")
#: Singulars in vowel + ``s`` (Snowball stems) whose ``s``-less form is a word or a name of
#: its own or which are common in municipal news; searched as written.
_S_SINGULARS = frozenset(
    "alias ananas atlas basis chaos dosis epos ethos iris jonas kosmos krisis kurbis lukas "
    "mythos pathos paris praxis tennis thomas tunis".split()
)


def _stemmer() -> Stemmer.Stemmer:
    # Stemmer objects are not thread-safe; Datasette calls us from several threads.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("german")
    return stemmer


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Case- and umlaut-folded ``word`` (no stemming): ``Fördermittel`` → ``fordermittel``."""
    return _UMLAUT_PAIRS.sub(lambda m: m.group(1) or m.group(2), _strip_marks(word.casefold()))


def fold_plural_s(snowball_stem: str) -> str:
    """``snowball_stem`` without the ``-s`` of a vowel-final word: ``kitas`` → ``kita``,
    ``autos`` → ``auto``; ``haus``, ``bonus``, ``zeugnis``, ``das`` unchanged."""
    if (
        _PLURAL_S.search(snowball_stem) is None
        or snowball_stem.endswith(_S_KEEP)
        or snowball_stem in _S_SINGULARS
    ):
        return snowball_stem
    return snowball_stem[:-1]


def prefix(word: str) -> str:
    """The indexed form a prefix query ``word*`` starts with: folded, not stemmed, but
    without the plural ``-s`` the index drops (``Kitas*`` → ``kita``, as ``Kitas`` is
    indexed ``kita``; ``Förder*`` → ``forder``)."""
    return fold_plural_s(fold(word))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Folded Snowball stem of one word: ``Integrationslotsen`` → ``integrationslots``,
    ``Kitas`` → ``kita`` (:func:`fold_plural_s`)."""
    lowered = unicodedata.normalize("NFC", word.casefold())
    return _strip_marks(fold_plural_s(_stemmer().stemWord(lowered)))


def words(text: str | None) -> list[str]:
    """The words of ``text``: runs of letters and digits (``WIR-Koordination`` is two)."""
    if not text:
        return []
    return WORD.findall(unicodedata.normalize("NFC", text))


def analyze(text: str | None) -> str:
    """Space-separated stems of ``text`` (``""`` for no text)."""
    return " ".join(map(stem, words(text)))


def compound_candidates(stems: list[str]) -> list[str]:
    """Distinct stems long enough to be compounds, in first-seen order."""
    # distinct first (in C): a page repeats its stems, each is tested once
    return [s for s in dict.fromkeys(stems) if len(s) >= COMPOUND_MIN_LEN and not s.isdigit()]


def reverse(word: str) -> str:
    return word[::-1]


def is_part_candidate(query_stem: str) -> bool:
    """Whether a query stem may match inside compounds (long enough, not a number)."""
    return len(query_stem) >= PART_MIN_LEN and not query_stem.isdigit()


def matches_part(query_stem: str, doc_stem: str) -> bool:
    """``doc_stem`` is a compound that starts or ends with ``query_stem``."""
    return len(doc_stem) >= COMPOUND_MIN_LEN and (
        doc_stem.startswith(query_stem) or doc_stem.endswith(query_stem)
    )


__all__ = [
    "ANALYZER",
    "COMPOUND_MIN_LEN",
    "PART_MIN_LEN",
    "analyze",
    "compound_candidates",
    "fold",
    "is_part_candidate",
    "matches_part",
    "prefix",
    "reverse",
    "stem",
    "words",
]
