"""Query parsing for the archive's search: any user text becomes a safe FTS5 MATCH.

:func:`to_fts_query` turns any user text into a MATCH expression for ``pages_fts`` (the
words as written); :func:`to_search_query` into one for ``pages_search`` (folded Snowball
stems, :mod:`archive.indexes.german`). Neither ever produces an FTS syntax error: words,
``"phrases"`` (also „…“ and »…«; an unbalanced quote is ignored), ``prefix*``, ``OR``,
``NOT``, ``=word`` (this word and its inflections, no compound parts); a word joined by
punctuation (``WIR-Koordination``) is the phrase of its parts; anything else is dropped.

In ``pages_search`` a plain word ``w`` with stem ``s`` matches ``s`` in any field, or,
given an ``expand`` callable (:class:`archive.indexes.compounds.Expander`), any indexed compound
stem that starts or ends with ``s``: ``{columns} : (s OR integrationslots OR …)``.
:func:`to_rank_query` is the same query without compound parts and ``NOT`` terms: what
bm25 scores, so pages with the word itself rank before pages found through a compound.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from archive.indexes import german as german
from archive.indexes.fts import TEXT_COLUMNS

log = logging.getLogger(__name__)

#: FTS5 refuses expressions deeper than 256; keep far below that.
MAX_TERMS = 32
MAX_PHRASE_WORDS = 32
_PREFIX_END = re.compile(r"[^\W_]\*+$")
_QUOTES = str.maketrans({c: '"' for c in "„“”‟«»″＂"})
_OPERATORS = ("AND", "OR", "NOT")
#: Column filter over the text columns of ``pages_search`` (all but ``filters``).
_MAIN = "{" + " ".join(TEXT_COLUMNS) + "}"
#: What an empty query matches: nothing, without an FTS syntax error.
NOTHING = '""'
#: ``expand(stem)`` → compound stems to search besides ``stem`` itself.
Expand = Callable[[str], list[str]]

# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class Term:
    """One search term: a word or a phrase (``words``), maybe a prefix, maybe ``=exact``."""

    words: tuple[str, ...]
    prefix: bool = False
    exact: bool = False


def _term(words: list[str], prefix: bool, exact: bool = False) -> Term | None:
    return Term(tuple(words[:MAX_PHRASE_WORDS]), prefix, exact) if words else None


def _items(text: str) -> list[tuple[str, Term | str]]:
    """Split ``text`` into ``("term", Term)`` and ``("op", "AND"|"OR"|"NOT")`` items."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    if text.count('"') % 2:
        cut = text.rfind('"')
        text = text[:cut] + " " + text[cut + 1 :]
    items: list[tuple[str, Term | str]] = []
    pieces = text.split('"')
    for index, piece in enumerate(pieces):
        if index % 2:  # inside a balanced pair of quotes
            after = pieces[index + 1] if index + 1 < len(pieces) else ""
            term = _term(german.WORD.findall(piece), after.startswith("*"))
            if term:
                items.append(("term", term))
            continue
        for chunk in piece.split():
            if chunk in _OPERATORS:
                items.append(("op", chunk))
                continue
            exact = chunk.startswith("=")
            term = _term(german.WORD.findall(chunk), bool(_PREFIX_END.search(chunk)), exact)
            if term:
                items.append(("term", term))
    return items


def parse_query(text: str) -> list[tuple[str | None, Term]]:
    """``(operator, term)`` pairs; the operator (``OR``/``NOT``/``None`` for AND) joins
    the term to what precedes it. Operators that cannot apply are dropped; a query of
    nothing but operator words searches for those words."""
    items = _items(text)
    if not any(kind == "term" for kind, _ in items):
        return [(None, Term((str(value),))) for _kind, value in items[:MAX_TERMS]]
    out: list[tuple[str | None, Term]] = []
    pending: str | None = None
    for _kind, value in items:
        if isinstance(value, str):
            if value != "AND" and out and pending is None:
                pending = value
            continue
        if len(out) >= MAX_TERMS:
            log.debug("query truncated to %d terms: %r", MAX_TERMS, text)
            break
        out.append((pending, value))
        pending = None
    return out


def to_fts_query(text: str) -> str:
    """A safe ``pages_fts`` MATCH expression for any user ``text`` (``""`` if nothing)."""
    out: list[str] = []
    for op, term in parse_query(text):
        if op:
            out.append(op)
        out.append('"' + " ".join(term.words) + '"' + ("*" if term.prefix else ""))
    return " ".join(out)


# --------------------------------------------------------------------------- rendering


def _render_term(term: Term, expand: Expand | None) -> str:
    if term.prefix:
        # Prefixes are folded, not stemmed: "Förder*" → "forder"*.
        stems = [german.stem(w) for w in term.words[:-1]]
        return f'{_MAIN} : "{" ".join([*stems, german.prefix(term.words[-1])])}"*'
    stems = [german.stem(w) for w in term.words]
    phrase = '"' + " ".join(stems) + '"'
    if len(stems) > 1 or expand is None or term.exact:
        return f"{_MAIN} : {phrase}"
    parts = expand(stems[0])
    if not parts:
        return f"{_MAIN} : {phrase}"
    alternatives = " OR ".join([phrase, *('"' + p + '"' for p in parts)])
    return f"{_MAIN} : ({alternatives})"


def to_search_query(text: str, expand: Expand | None = None) -> str:
    """A safe MATCH expression for ``pages_search`` (``""`` if there is nothing to search).

    With ``expand`` (:class:`archive.indexes.compounds.Expander`) a single word also matches the
    compounds that start or end with it; without, every word is as if written ``=word``.
    """
    out: list[str] = []
    for op, term in parse_query(text):
        if out:
            out.append(op or "AND")  # explicit: FTS5 wants it before a column filter
        out.append(_render_term(term, expand))
    return " ".join(out)


def to_rank_query(text: str) -> str:
    """The MATCH expression that scores search hits: the query's words themselves (no
    compound parts, no ``NOT`` terms) joined by ``OR`` (:data:`NOTHING` if none).

    Hits found only through a compound part score 0, after every page with the word
    itself (bm25 over the compound stems would let a long compound outrank the word)."""
    terms = [_render_term(term, None) for op, term in parse_query(text) if op != "NOT"]
    return " OR ".join(terms) or NOTHING


def match_expression(text: str, *, exact: bool = False, expand: Expand | None = None) -> str:
    """The MATCH expression for the index search uses (never empty): ``pages_fts`` if
    ``exact``, else ``pages_search`` with compound parts from ``expand``."""
    expr = to_fts_query(text) if exact else to_search_query(text, expand)
    return expr or NOTHING


def rank_expression(text: str) -> str:
    """The scoring MATCH expression search uses on ``pages_search`` (never empty)."""
    return to_rank_query(text) if to_search_query(text) else NOTHING


__all__ = [
    "MAX_TERMS",
    "NOTHING",
    "Expand",
    "Term",
    "match_expression",
    "parse_query",
    "rank_expression",
    "to_fts_query",
    "to_rank_query",
    "to_search_query",
]
