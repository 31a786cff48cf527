"""Full-text search the way German readers search.

Two FTS5 indexes over ``pages``:

* ``pages_fts`` (migration 1): the words as written (``unicode61 remove_diacritics 2``),
  kept for Datasette's ``?_search=`` and for ``exact=True`` ("this word only").
* ``pages_search`` (migration 3): per field the folded Snowball stems
  (:func:`archive.german.analyze`), plus the compound candidates ``parts`` and, reversed,
  ``rparts``. :func:`index_page` fills it from the ``pages`` row (``save_page`` calls it).

:func:`to_fts_query` turns any user text into a MATCH expression for ``pages_fts``;
:func:`to_search_query` into one for ``pages_search``. Neither ever produces an FTS
syntax error: words, ``"phrases"`` (also „…“
and »…«; an unbalanced quote is ignored), ``prefix*``, ``OR``, ``NOT``, ``=word`` (this
word and its inflections, no compound parts); a word joined by punctuation
(``WIR-Koordination``) is the phrase of its parts; anything else is dropped.

In ``pages_search`` a plain word ``w`` with stem ``s`` matches ``s`` in any field, or a
compound starting with ``s`` (``parts : "s"*``) or ending with it (``rparts``); the
compound columns weigh little, so pages with the word itself rank first.

:func:`search` ranks with bm25 (title 10, lead 5, label/captions 2, body/credits 1) of
the words themselves (:func:`to_rank_query`; a page found only through a compound part
scores 0, after every page with the word itself: bm25 over a compound prefix would count
every document of every term with that prefix), then newest ``published`` first, then
URL; each hit has a
``snippet`` of about 20 words of the body (or the lead, captions, credits, title —
whichever matched first) with the matched words marked ``[`` like ``this`` ``]``.

Bounded ranking (:data:`RANK_WINDOW`): bm25 ranks at most the :data:`RANK_WINDOW` most
recently archived matching pages (highest ``rowid``; FTS5 walks its index in rowid order
and stops there, so this costs no sort). A query with fewer matches — every selective
one — is ranked exactly over all its matches; a very common word (over 0.2 % of a
1M-page archive) is ranked among its newest matches, which is where recency, the
tie-breaker anyway, would take the reader. Filters apply before the window: it holds the
newest pages that match and pass them. :func:`count`, :func:`facets` and
:func:`matching_urls` (exports) never cap. Snippets are made for the returned rows only.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlite_utils

from archive import german
from crawler.exceptions import SearchError

log = logging.getLogger(__name__)

#: FTS5 refuses expressions deeper than 256; keep far below that.
MAX_TERMS = 32
MAX_PHRASE_WORDS = 32
_PREFIX_END = re.compile(r"[^\W_]\*+$")
_QUOTES = str.maketrans({c: '"' for c in "„“”‟«»″＂"})
_OPERATORS = ("AND", "OR", "NOT")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


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


#: bm25 weights in the column order of ``archive.schema.FTS_COLUMNS``
#: (title, label, lead, body, captions, credits).
BM25_WEIGHTS = (10.0, 2.0, 5.0, 1.0, 2.0, 1.0)
#: Columns of ``pages_search``: the FTS_COLUMNS, then the compound candidates.
SEARCH_COLUMNS = ("title", "label", "lead", "body", "captions", "credits", "parts", "rparts")
SEARCH_WEIGHTS = (*BM25_WEIGHTS, 0.5, 0.5)
TEXT_COLUMNS = SEARCH_COLUMNS[:6]
_MAIN = "{" + " ".join(TEXT_COLUMNS) + "}"
#: What an empty query matches: nothing, without an FTS syntax error.
NOTHING = '""'
SNIPPET_TOKENS = 20
MARK_OPEN, MARK_CLOSE, ELLIPSIS = "[", "]", "…"
#: Order in which a snippet's text is chosen: the first field with a match.
SNIPPET_FIELDS = ("body", "lead", "captions", "credits", "title")
STATUSES = ("all", "live", "removed")


# --------------------------------------------------------------------------- indexing


def search_record(page: dict[str, Any]) -> dict[str, str]:
    """The ``pages_search`` columns for a ``pages`` row (a dict with the text fields)."""
    out: dict[str, str] = {}
    stems: list[str] = []
    for column in TEXT_COLUMNS:
        analyzed = german.analyze(page.get(column))
        out[column] = analyzed
        stems.extend(analyzed.split())
    parts = german.compound_candidates(stems)
    out["parts"] = " ".join(parts)
    out["rparts"] = " ".join(german.reverse(p) for p in parts)
    return out


def index_page(db: sqlite_utils.Database, url: str) -> None:
    """(Re)index the stored page ``url`` in ``pages_search`` (no-op if not stored)."""
    cols = ", ".join(TEXT_COLUMNS)
    row = db.execute(f"SELECT rowid, {cols} FROM pages WHERE url = ?", [url]).fetchone()
    if row is None:
        return
    record = search_record(dict(zip(TEXT_COLUMNS, row[1:], strict=True)))
    db.execute("DELETE FROM pages_search WHERE rowid = ?", [row[0]])
    db.execute(
        f"INSERT INTO pages_search (rowid, {', '.join(SEARCH_COLUMNS)}) "
        f"VALUES (?{', ?' * len(SEARCH_COLUMNS)})",
        [row[0], *(record[c] for c in SEARCH_COLUMNS)],
    )


def create_search_index(db: sqlite_utils.Database) -> None:
    """Create ``pages_search`` (used by migration 3)."""
    db.execute(
        f"CREATE VIRTUAL TABLE pages_search USING fts5({', '.join(SEARCH_COLUMNS)}, "
        "tokenize='unicode61 remove_diacritics 2')"
    )


def reindex(db: sqlite_utils.Database, batch: int = 1000) -> int:
    """Rebuild ``pages_search`` from ``pages``; return the number of pages indexed."""
    cols = ", ".join(TEXT_COLUMNS)
    placeholders = ", ".join("?" * (len(SEARCH_COLUMNS) + 1))
    insert = (
        f"INSERT INTO pages_search (rowid, {', '.join(SEARCH_COLUMNS)}) VALUES ({placeholders})"
    )
    db.execute("DELETE FROM pages_search")
    total = 0
    cursor = db.conn.cursor()
    cursor.execute(f"SELECT rowid, {cols} FROM pages ORDER BY rowid")
    while rows := cursor.fetchmany(batch):
        values = []
        for row in rows:
            record = search_record(dict(zip(TEXT_COLUMNS, row[1:], strict=True)))
            values.append([row[0], *(record[c] for c in SEARCH_COLUMNS)])
        db.conn.executemany(insert, values)
        total += len(rows)
    return total


# --------------------------------------------------------------------------- queries


def _render_term(term: Term, exact: bool) -> str:
    if term.prefix:
        # Prefixes are folded, not stemmed: "Förder*" → "forder"*.
        folded = [german.fold(w) for w in term.words]
        stems = [german.stem(w) for w in term.words[:-1]]
        return f'{_MAIN} : "{" ".join([*stems, folded[-1]])}"*'
    stems = [german.stem(w) for w in term.words]
    phrase = '"' + " ".join(stems) + '"'
    if len(stems) > 1 or exact or term.exact or not german.is_part_candidate(stems[0]):
        return f"{_MAIN} : {phrase}"
    s = stems[0]
    return f'({_MAIN} : {phrase} OR parts : "{s}"* OR rparts : "{german.reverse(s)}"*)'


def to_search_query(text: str, *, compounds: bool = True) -> str:
    """A safe MATCH expression for ``pages_search`` (``""`` if there is nothing to search).

    ``compounds=False`` leaves out compound parts (every word as if written ``=word``).
    """
    out: list[str] = []
    for op, term in parse_query(text):
        if out:
            out.append(op or "AND")  # explicit: FTS5 wants it before a column filter
        out.append(_render_term(term, not compounds))
    return " ".join(out)


def to_rank_query(text: str) -> str:
    """The MATCH expression that scores :func:`search` hits: the query's words themselves
    (no compound parts, no ``NOT`` terms) joined by ``OR`` (:data:`NOTHING` if none).

    Hits found only through a compound part score 0, after every page with the word
    itself: bm25 over a compound prefix (``parts : "s"*``) would count the documents of
    every indexed term with that prefix (its IDF), the main cost of a query at 1M pages."""
    terms = [_render_term(term, True) for op, term in parse_query(text) if op != "NOT"]
    return " OR ".join(terms) or NOTHING


def match_expression(text: str, *, exact: bool = False) -> str:
    """The MATCH expression for the index :func:`search` uses (never empty)."""
    expr = to_fts_query(text) if exact else to_search_query(text)
    return expr or NOTHING


def rank_expression(text: str) -> str:
    """The scoring MATCH expression :func:`search` uses on ``pages_search`` (never empty)."""
    return to_rank_query(text) if to_search_query(text) else NOTHING


# --------------------------------------------------------------------------- snippets


class Highlighter:
    """Decides which words of a text match a query (for snippets)."""

    #: Words remembered per highlighter (a page's words repeat across the hits).
    MEMO_SIZE = 50_000

    def __init__(self, text: str, *, exact: bool = False) -> None:
        self.exact = exact
        self._memo: dict[str, int] = {}
        self.stems: set[str] = set()
        self.parts: set[str] = set()
        self.prefixes: list[str] = []
        for op, term in parse_query(text):
            if op == "NOT":
                continue
            if term.prefix:
                self.prefixes.append(german.fold(term.words[-1]))
                words = term.words[:-1]
            else:
                words = term.words
            for w in words:
                if exact:
                    self.stems.add(german.fold(w))
                    continue
                s = german.stem(w)
                self.stems.add(s)
                if len(term.words) == 1 and not term.exact and german.is_part_candidate(s):
                    self.parts.add(s)

    def __call__(self, word: str) -> int:
        """2 for the word itself (or a prefix match), 1 for a compound part, else 0."""
        hit = self._memo.get(word)
        if hit is None:
            if len(self._memo) >= self.MEMO_SIZE:
                self._memo.clear()
            hit = self._memo[word] = self._score(word)
        return hit

    def _score(self, word: str) -> int:
        folded = german.fold(word)
        if any(folded.startswith(p) for p in self.prefixes):
            return 2
        if self.exact:
            return 2 if folded in self.stems else 0
        s = german.stem(word)
        if s in self.stems:
            return 2
        return int(any(german.matches_part(p, s) for p in self.parts))


def make_snippet(
    highlight: Highlighter, texts: list[str | None], tokens: int = SNIPPET_TOKENS
) -> str:
    """About ``tokens`` words with the matches in ``[…]``, from the text whose best window
    scores highest (the word itself 2, a compound part 1; earlier texts win ties)."""
    best: tuple[int, str, list[tuple[int, int, int]]] | None = None
    for text in texts:
        if not text:
            continue
        spans = [(m.start(), m.end(), highlight(m.group())) for m in german.WORD.finditer(text)]
        if not spans:
            continue
        score = _best_start(spans, tokens)[1]
        if best is None or score > best[0]:
            best = (score, text, spans)
    return _window(best[1], best[2], tokens) if best else ""


def _best_start(spans: list[tuple[int, int, int]], tokens: int) -> tuple[int, int]:
    """Start index and score of the best window of ``tokens`` words."""
    best, best_score = 0, -1
    sums = [0]
    for _s, _e, hit in spans:
        sums.append(sums[-1] + hit)
    for start in range(max(1, len(spans) - tokens + 1)):
        n = sums[min(start + tokens, len(spans))] - sums[start]
        if n > best_score:
            best, best_score = start, n
    return best, best_score


def _window(text: str, spans: list[tuple[int, int, int]], tokens: int) -> str:
    best = _best_start(spans, tokens)[0]
    # Start a little before the first match so it is not the very first word.
    chosen = spans[best : best + tokens]
    first_hit = next((i for i, span in enumerate(chosen) if span[2]), 0)
    shift = max(0, min(first_hit - 3, len(spans) - best - tokens))
    chosen = spans[best + shift : best + shift + tokens]
    out = [ELLIPSIS if chosen[0][0] > 0 else ""]
    pos = chosen[0][0]
    for start, end, hit in chosen:
        out.append(text[pos:start])
        out.append(MARK_OPEN + text[start:end] + MARK_CLOSE if hit else text[start:end])
        pos = end
    if chosen[-1][1] < len(text.rstrip()):
        out.append(ELLIPSIS)
    return " ".join("".join(out).split())


# --------------------------------------------------------------------------- search


def _day(value: str | date | None, name: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()[:10]
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise SearchError(f"{name} must be a date YYYY-MM-DD, got {value!r}")
    return value


def _filters(
    *,
    source: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    page_type: str | None = None,
    label: str | None = None,
    has_images: bool | None = None,
    include_removed: bool = True,
    status: str = "all",
) -> tuple[list[str], dict[str, Any]]:
    clauses: list[str] = []
    params: dict[str, Any] = {}
    for column, value in (("source", source), ("page_type", page_type), ("label", label)):
        if value is not None:
            clauses.append(f"pages.{column} = :{column}")
            params[column] = value
    since_day, until_day = _day(since, "since"), _day(until, "until")
    if since_day:
        clauses.append("pages.published >= :since")
        params["since"] = since_day
    if until_day:
        clauses.append("pages.published <= :until")
        params["until"] = until_day
    if has_images is not None:
        clauses.append(
            "pages.image_count > 0" if has_images else "coalesce(pages.image_count, 0) = 0"
        )
    if status not in STATUSES:
        raise SearchError(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
    if status == "live" or not include_removed:
        clauses.append("pages.removed_at IS NULL")
    elif status == "removed":
        clauses.append("pages.removed_at IS NOT NULL")
    return clauses, params


#: Ranking window: bm25 ranks at most the newest (highest ``rowid``) this many matching
#: pages. A selective query (fewer matches) is ranked exactly over all its matches; a very
#: common one — more matches than this, 0.2 % of a 1M-page archive — is ranked among its
#: newest matches only, so its ranking cost no longer grows with the archive. Chosen by
#: bench/search.py at 1M pages (10,000 / 2,000 / 500; BENCHMARKS.md "Search").
RANK_WINDOW = 2_000


def search_sql(
    table: str,
    match: str,
    where: list[str],
    columns: str,
    *,
    limit: str = "",
    window: int | str | None = RANK_WINDOW,
    rank: str | None = None,
) -> str:
    """The ranked search statement; ``match`` is the SQL for the MATCH expression.

    Three steps: the newest ``window`` matching pages (FTS5 walks its index in ``rowid``
    order and stops there; ``None``: all matches) with their bm25 score; of these the
    best ``limit`` (SQL, e.g. ``"LIMIT 20"``; ``window`` may be SQL too) by score, then
    newest ``published``, then URL; only for those are ``columns`` (snippets!) computed.
    With ``rank`` (SQL for a second MATCH expression, :func:`rank_expression`) the window
    is found without scores and scored by bm25 of ``rank`` (0 where it does not match).
    Shared with the Datasette canned query, so both rank identically."""
    weights = ", ".join(
        str(w) for w in (SEARCH_WEIGHTS if table == "pages_search" else BM25_WEIGHTS)
    )
    conditions = " AND ".join([f"{table} MATCH {match}", *where])
    join = f" JOIN pages ON pages.rowid = {table}.rowid" if where else ""
    newest = f" ORDER BY {table}.rowid DESC LIMIT {window}" if window else ""
    order = "ORDER BY best.score, pages.published DESC NULLS LAST, pages.url"
    if rank is None:
        top = (
            f"top AS (SELECT {table}.rowid AS rid, bm25({table}, {weights}) AS score "
            f"FROM {table}{join} WHERE {conditions}{newest})"
        )
    else:
        top = (
            f"hits AS (SELECT {table}.rowid AS rid FROM {table}{join} WHERE {conditions}"
            f"{newest}), scored AS (SELECT rowid AS rid, bm25({table}, {weights}) AS score "
            f"FROM {table} WHERE {table} MATCH {rank} "
            "AND rowid >= (SELECT min(rid) FROM hits)), "
            "top AS (SELECT hits.rid AS rid, coalesce(scored.score, 0.0) AS score "
            "FROM hits LEFT JOIN scored ON scored.rid = hits.rid)"
        )
    return (
        f"WITH {top}, "
        "best AS (SELECT top.rid AS rid, top.score AS score FROM top "
        f"JOIN pages ON pages.rowid = top.rid {order.replace('best.', 'top.')} {limit}) "
        f"SELECT {columns}, best.score AS bm25_score FROM best "
        f"JOIN pages ON pages.rowid = best.rid {order}"
    )


#: Keys of a :func:`search` hit, in the order of CSV output.
HIT_FIELDS = (
    "url", "title", "published", "source", "page_type", "label", "removed_at", "score",
    "snippet",
)  # fmt: skip
HIT_COLUMNS = (
    "url", "title", "published", "source", "page_type", "label", "removed_at", "body", "lead",
    "captions", "credits",
)  # fmt: skip


def _prepare(query: str, exact: bool) -> str:
    if not isinstance(query, str) or not query.strip():
        raise SearchError("empty query")
    return to_fts_query(query) if exact else to_search_query(query)


def _run(db: sqlite_utils.Database, sql: str, params: dict[str, Any], query: str) -> Any:
    try:
        return db.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            raise SearchError(f"the archive has no search index ({exc})") from exc
        raise SearchError(f"cannot search for {query!r}: {exc}") from exc


def _rank_param(query: str, exact: bool, params: dict[str, Any]) -> str | None:
    """``":rank"`` (set in ``params``) if the query has compound parts, else ``None``:
    without them one step scores the same (bm25 of the same phrases) and is cheaper."""
    if exact or to_search_query(query, compounds=False) == to_search_query(query):
        return None
    params["rank"] = to_rank_query(query)
    return ":rank"


def search(
    db: sqlite_utils.Database,
    query: str,
    *,
    limit: int = 20,
    offset: int = 0,
    exact: bool = False,
    **filters: Any,
) -> list[dict[str, Any]]:
    """Best matches first: dicts with url, title, published, snippet, source, page_type,
    label, removed_at, score (``-bm25``, larger is better).

    Filters: ``source``, ``since``, ``until`` (YYYY-MM-DD), ``page_type``, ``label``,
    ``has_images``, ``status`` (all/live/removed), ``include_removed``. ``exact=True``
    searches the words as written (no stemming, no compound parts).
    """
    fts = _prepare(query, exact)
    if limit < 1:
        raise SearchError(f"limit must be at least 1, got {limit}")
    where, params = _filters(**filters)
    if not fts:
        return []
    table = "pages_fts" if exact else "pages_search"
    columns = ", ".join(f"pages.{c}" for c in HIT_COLUMNS)
    offset = max(0, offset)
    sql = search_sql(
        table, ":fts", where, columns, limit="LIMIT :limit OFFSET :offset",
        window=max(RANK_WINDOW, offset + limit), rank=_rank_param(query, exact, params),
    )  # fmt: skip
    params.update({"fts": fts, "limit": limit, "offset": offset})
    highlight = Highlighter(query, exact=exact)
    results = []
    for row in _run(db, sql, params, query):
        hit = dict(zip((*HIT_COLUMNS, "bm25"), row, strict=True))
        texts = [hit.pop(f) if f != "title" else hit["title"] for f in SNIPPET_FIELDS]
        results.append(
            {
                "url": hit["url"],
                "title": hit["title"],
                "published": hit["published"],
                "snippet": make_snippet(highlight, texts),
                "source": hit["source"],
                "page_type": hit["page_type"],
                "label": hit["label"],
                "removed_at": hit["removed_at"],
                "score": -hit["bm25"],
            }
        )
    return results


def _matching(
    db: sqlite_utils.Database, query: str, exact: bool, filters: dict[str, Any]
) -> tuple[str, dict[str, Any]] | None:
    fts = _prepare(query, exact)
    where, params = _filters(**filters)
    if not fts:
        return None
    table = "pages_fts" if exact else "pages_search"
    conditions = " AND ".join([f"{table} MATCH :fts", *where])
    params["fts"] = fts
    return f"FROM {table} JOIN pages ON pages.rowid = {table}.rowid WHERE {conditions}", params


def count(db: sqlite_utils.Database, query: str, *, exact: bool = False, **filters: Any) -> int:
    """How many pages :func:`search` would find without a limit."""
    matching = _matching(db, query, exact, filters)
    if matching is None:
        return 0
    body, params = matching
    return int(_run(db, f"SELECT count(*) {body}", params, query)[0][0])


#: Facet name → SQL expression over ``pages``.
FACETS = {
    "source": "pages.source",
    "page_type": "pages.page_type",
    "year": "substr(pages.published, 1, 4)",
    "label": "pages.label",
}


def facets(
    db: sqlite_utils.Database, query: str, *, exact: bool = False, **filters: Any
) -> dict[str, list[dict[str, Any]]]:
    """Counts of the matching pages by source, page type, year and label (most first)."""
    matching = _matching(db, query, exact, filters)
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in FACETS}
    if matching is None:
        return out
    body, params = matching
    for name, expr in FACETS.items():
        sql = f"SELECT {expr} AS value, count(*) AS n {body} GROUP BY value ORDER BY n DESC, value"
        out[name] = [{"value": v, "count": n} for v, n in _run(db, sql, params, query)]
    return out


def matching_urls(
    db: sqlite_utils.Database, query: str, *, exact: bool = False, **filters: Any
) -> list[str]:
    """URLs of all matching pages, best first (for exports)."""
    fts = _prepare(query, exact)
    where, params = _filters(**filters)
    if not fts:
        return []
    table = "pages_fts" if exact else "pages_search"
    params["fts"] = fts
    rank = _rank_param(query, exact, params)
    sql = search_sql(table, ":fts", where, "pages.url", window=None, rank=rank)
    return [row[0] for row in _run(db, sql, params, query)]


__all__ = [
    "HIT_FIELDS",
    "RANK_WINDOW",
    "SEARCH_COLUMNS",
    "Highlighter",
    "count",
    "create_search_index",
    "facets",
    "index_page",
    "make_snippet",
    "match_expression",
    "matching_urls",
    "rank_expression",
    "reindex",
    "search",
    "search_record",
    "to_fts_query",
    "to_rank_query",
    "to_search_query",
]
