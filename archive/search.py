"""Full-text search over ``pages_fts`` (FTS5, ``unicode61 remove_diacritics 2``).

:func:`to_fts_query` turns any user text into a MATCH expression FTS5 accepts:

* words are runs of letters and digits (``Rüsselsheim`` stays one word), each quoted;
* ``"exact phrases"`` are kept when the quotes balance (German „…“ and »…« count as
  quotes); an unbalanced quote is ignored;
* ``word*`` and ``"a phrase"*`` are prefix searches;
* upper-case ``OR`` and ``NOT`` between two terms are operators; ``AND`` is dropped (terms
  are ANDed anyway); operators at the start or end, or doubled, are dropped; a query of
  nothing but operator words searches for those words;
* a word joined by punctuation (``WIR-Koordination``, ``col:word``) becomes the phrase of
  its parts;
* everything else (``(``, ``^``, ``:``, emoji …) is dropped. Text with no word at all
  gives ``""``, which :func:`search` answers with no rows.

:func:`search` ranks with bm25 (title weighs most), newest ``published`` first on ties,
and returns a ``snippet`` of about 20 tokens from the body (or the lead, if only the lead
matches) with matches marked ``[`` like ``this`` ``]``: ``"… die [Stadt] lädt …"``.
``score`` is ``-bm25``: larger is better.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import unicodedata
from datetime import date
from typing import Any

import sqlite_utils

from crawler.exceptions import SearchError

log = logging.getLogger(__name__)

#: bm25 weights in the column order of ``archive.schema.FTS_COLUMNS``
#: (title, label, lead, body, captions, credits).
BM25_WEIGHTS = (10.0, 2.0, 5.0, 1.0, 2.0, 1.0)
SNIPPET_TOKENS = 20
MARK_OPEN, MARK_CLOSE, ELLIPSIS = "[", "]", "…"
#: FTS5 refuses expressions deeper than 256; keep far below that.
MAX_TERMS = 32
MAX_PHRASE_WORDS = 32

_WORD = re.compile(r"[^\W_]+")
_PREFIX_END = re.compile(r"[^\W_]\*+$")
_QUOTES = str.maketrans({c: '"' for c in "„“”‟«»″＂"})
_OPERATORS = ("AND", "OR", "NOT")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Private sentinels for snippet(): lets us see whether a column matched at all.
_S_OPEN, _S_CLOSE = "\x01", "\x02"


def _phrase(words: list[str], prefix: bool) -> str | None:
    if not words:
        return None
    return '"' + " ".join(words[:MAX_PHRASE_WORDS]) + '"' + ("*" if prefix else "")


def _items(text: str) -> list[tuple[str, str]]:
    """Split ``text`` into ``("term", expr)`` and ``("op", "AND"|"OR"|"NOT")`` items."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    if text.count('"') % 2:
        cut = text.rfind('"')
        text = text[:cut] + " " + text[cut + 1 :]
    items: list[tuple[str, str]] = []
    pieces = text.split('"')
    for index, piece in enumerate(pieces):
        if index % 2:  # inside a balanced pair of quotes
            after = pieces[index + 1] if index + 1 < len(pieces) else ""
            term = _phrase(_WORD.findall(piece), after.startswith("*"))
            if term:
                items.append(("term", term))
            continue
        for chunk in piece.split():
            if chunk in _OPERATORS:
                items.append(("op", chunk))
                continue
            term = _phrase(_WORD.findall(chunk), bool(_PREFIX_END.search(chunk)))
            if term:
                items.append(("term", term))
    return items


def to_fts_query(text: str) -> str:
    """A safe FTS5 MATCH expression for any user ``text`` (``""`` if nothing to search)."""
    items = _items(text)
    if not any(kind == "term" for kind, _ in items):
        # Nothing but operator words ("AND OR"): search for them as words.
        return " ".join(f'"{value}"' for _kind, value in items[:MAX_TERMS])
    out: list[str] = []
    pending: str | None = None
    terms = 0
    for kind, value in items:
        if kind == "op":
            if value != "AND" and out and pending is None:
                pending = value
            continue
        if terms >= MAX_TERMS:
            log.debug("query truncated to %d terms: %r", MAX_TERMS, text)
            break
        if pending:
            out.append(pending)
            pending = None
        out.append(value)
        terms += 1
    return " ".join(out)


# --------------------------------------------------------------------------- search


def _day(value: str | date | None, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()[:10]
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise SearchError(f"{name} must be a date YYYY-MM-DD, got {value!r}")
    return value


def _where(
    fts: str,
    source: str | None,
    since: str | date | None,
    until: str | date | None,
    page_type: str | None,
    include_removed: bool,
) -> tuple[str, dict[str, Any]]:
    clauses = ["pages_fts MATCH :fts"]
    params: dict[str, Any] = {"fts": fts}
    if source is not None:
        clauses.append("pages.source = :source")
        params["source"] = source
    if page_type is not None:
        clauses.append("pages.page_type = :page_type")
        params["page_type"] = page_type
    since_day, until_day = _day(since, "since"), _day(until, "until")
    if since_day:
        clauses.append("pages.published >= :since")
        params["since"] = since_day
    if until_day:
        clauses.append("pages.published <= :until")
        params["until"] = until_day
    if not include_removed:
        clauses.append("pages.removed_at IS NULL")
    return " AND ".join(clauses), params


def _prepare(query: str) -> str:
    if not isinstance(query, str) or not query.strip():
        raise SearchError("empty query")
    return to_fts_query(query)


def _run(db: sqlite_utils.Database, sql: str, params: dict[str, Any], query: str) -> Any:
    try:
        return db.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            raise SearchError(f"the archive has no search index ({exc})") from exc
        raise SearchError(f"cannot search for {query!r}: {exc}") from exc


def search(
    db: sqlite_utils.Database,
    query: str,
    *,
    source: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    page_type: str | None = None,
    limit: int = 20,
    include_removed: bool = True,
) -> list[dict[str, Any]]:
    """Best matches first: dicts with url, title, published, snippet, source, page_type,
    label, removed_at, score (``-bm25``, larger is better)."""
    fts = _prepare(query)
    if limit < 1:
        raise SearchError(f"limit must be at least 1, got {limit}")
    where, params = _where(fts, source, since, until, page_type, include_removed)
    if not fts:
        return []
    weights = ", ".join(str(w) for w in BM25_WEIGHTS)
    snip = "snippet(pages_fts, {col}, char(1), char(2), '" + ELLIPSIS + "', :tokens)"
    sql = f"""
        SELECT pages.url, pages.title, pages.published, pages.source, pages.page_type,
               pages.label, pages.removed_at, bm25(pages_fts, {weights}) AS rank,
               {snip.format(col=3)} AS body_snippet, {snip.format(col=2)} AS lead_snippet,
               {snip.format(col=-1)} AS any_snippet
        FROM pages_fts JOIN pages ON pages.rowid = pages_fts.rowid
        WHERE {where}
        ORDER BY rank, pages.published DESC NULLS LAST, pages.url
        LIMIT :limit
    """
    params.update({"tokens": SNIPPET_TOKENS, "limit": limit})
    results = []
    for row in _run(db, sql, params, query):
        url, title, published, src, ptype, label, removed_at, rank, body_s, lead_s, any_s = row
        results.append(
            {
                "url": url,
                "title": title,
                "published": published,
                "snippet": _best_snippet(body_s, lead_s, any_s),
                "source": src,
                "page_type": ptype,
                "label": label,
                "removed_at": removed_at,
                "score": -rank,
            }
        )
    return results


def _best_snippet(body: str | None, lead: str | None, best: str | None) -> str:
    """The body snippet if the body matched, else the lead's, else that of the column that
    matched (captions, credits...), else whichever has text."""
    choice = next((s for s in (body, lead, best) if s and _S_OPEN in s), None)
    if choice is None:
        choice = body or lead or ""
    return choice.replace(_S_OPEN, MARK_OPEN).replace(_S_CLOSE, MARK_CLOSE)


def count(
    db: sqlite_utils.Database,
    query: str,
    *,
    source: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    page_type: str | None = None,
    include_removed: bool = True,
) -> int:
    """How many pages :func:`search` would find without a limit."""
    fts = _prepare(query)
    where, params = _where(fts, source, since, until, page_type, include_removed)
    if not fts:
        return 0
    sql = f"""
        SELECT count(*) FROM pages_fts JOIN pages ON pages.rowid = pages_fts.rowid
        WHERE {where}
    """
    return int(_run(db, sql, params, query)[0][0])


__all__ = ["count", "search", "to_fts_query"]
