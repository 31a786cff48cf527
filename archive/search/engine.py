"""Full-text search the way German readers search.

Two FTS5 indexes over ``pages``:

* ``pages_fts`` (migration 1): the words as written (``unicode61 remove_diacritics 2``),
  kept for Datasette's ``?_search=`` and for ``exact=True`` ("this word only").
* ``pages_search`` (migrations 7 and 8): per field the folded Snowball stems
  (:func:`archive.indexes.german.analyze`); next to it the ``search_terms`` vocabulary of long
  stems (:mod:`archive.indexes.compounds`) through which a query word also finds the compounds
  that start or end with it. Both are a derived index kept current by the writer's hooks
  (:mod:`archive.indexes.search_index`); this module only reads them.

Queries are parsed by :mod:`archive.search.query` (never an FTS syntax error); snippets are made
by :mod:`archive.search.snippets`.

:func:`search` ranks with bm25 (title 10, lead 5, label/captions 2, body/credits 1) of
the words themselves (:func:`to_rank_query`; a page found only through a compound part
scores 0, after every page with the word itself), then newest ``published`` first, then
URL; each hit has a ``snippet`` of about 20 words of the body (or the lead, captions,
credits, title — whichever matched first) with the matched words marked ``[`` like
``this`` ``]``.

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

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlite_utils

from archive.indexes import compounds as compounds
from archive.indexes import filter_tokens as filter_tokens
from archive.indexes.fts import TEXT_COLUMNS
from archive.indexes.search_index import INDEX_COLUMNS
from archive.search.query import (
    NOTHING,
    Expand,
    Term,
    match_expression,
    parse_query,
    rank_expression,
    to_fts_query,
    to_rank_query,
    to_search_query,
)
from archive.search.snippets import Highlighter, make_snippet
from archive.store.checks import require_day
from crawler.errors import SearchError

#: bm25 weight of each text column (``pages_fts`` and ``pages_search`` hold the same ones).
COLUMN_WEIGHTS = {"title": 10.0, "lead": 5.0, "label": 2.0, "captions": 2.0, "body": 1.0,
                  "credits": 1.0}  # fmt: skip
#: bm25 weights of ``pages_fts``, in the column order of :data:`TEXT_COLUMNS`.
BM25_WEIGHTS = tuple(COLUMN_WEIGHTS[column] for column in TEXT_COLUMNS)
#: bm25 weights of the ``pages_search`` columns (:data:`INDEX_COLUMNS`): filters weigh 0.
SEARCH_WEIGHTS = tuple({**COLUMN_WEIGHTS, filter_tokens.COLUMN: 0.0}[c] for c in INDEX_COLUMNS)
#: Order in which a snippet's text is chosen: the first field with a match.
SNIPPET_FIELDS = ("body", "lead", "captions", "credits", "title")
STATUSES = ("all", "live", "removed")
#: Orders of :func:`search`: best matches first, or by ``published`` (undated pages last).
SORTS = {
    "relevance": "",
    "newest": "ORDER BY pages.published DESC NULLS LAST, pages.url",
    "oldest": "ORDER BY pages.published ASC NULLS LAST, pages.url",
}


# --------------------------------------------------------------------------- search


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
    since_day, until_day = require_day("--since", since), require_day("--until", until)
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


def page_filters(**filters: Any) -> tuple[list[str], dict[str, Any]]:
    """The ``WHERE`` clauses on ``pages`` (and their named parameters) for the filters
    search takes: ``source``, ``since``, ``until``, ``page_type``, ``label``,
    ``has_images``, ``status``; for exports that select pages without a query."""
    return _filters(**filters)


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


def _prepare(db: sqlite_utils.Database, query: str, exact: bool) -> str:
    if not isinstance(query, str) or not query.strip():
        raise SearchError("empty query")
    if exact:
        return to_fts_query(query)
    try:
        return to_search_query(query, compounds.Expander(db.conn))
    except sqlite3.OperationalError as exc:
        raise SearchError(f"cannot search for {query!r}: {exc}") from exc


def _run(db: sqlite_utils.Database, sql: str, params: dict[str, Any], query: str) -> Any:
    try:
        return db.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            raise SearchError(f"the archive has no search index ({exc})") from exc
        raise SearchError(f"cannot search for {query!r}: {exc}") from exc


#: Filter tokens narrow the FTS walk (archive/indexes/filter_tokens.py); off only to compare.
NARROW = True


@dataclass(frozen=True)
class _Plan:
    """How to run one search: table, SQL filters and parameters (``fts``, maybe ``rank``)."""

    table: str
    where: list[str]
    params: dict[str, Any]
    rank: str | None


def _years(db: sqlite_utils.Database) -> tuple[int, int] | None:
    """The first and last year of ``published`` in the archive (two index lookups)."""
    ends = []
    for order in ("ASC", "DESC"):
        row = db.execute(
            f"SELECT substr(published, 1, 4) FROM pages WHERE published IS NOT NULL "
            f"ORDER BY published {order} LIMIT 1"
        ).fetchone()
        if row is None or not str(row[0]).isdigit():
            return None
        ends.append(int(row[0]))
    return ends[0], ends[1]


def _plan(
    db: sqlite_utils.Database, query: str, exact: bool, filters: dict[str, Any]
) -> _Plan | None:
    """``None`` if the query has nothing to search. A query with compound parts is scored
    by its words alone (``rank``, :func:`to_rank_query`); without them one step scores
    the same phrases, cheaper. The filters also narrow both MATCH expressions
    (weight 0 in bm25: the scores do not change)."""
    fts = _prepare(db, query, exact)
    where, params = _filters(**filters)
    if not fts:
        return None
    rank = None
    if not exact:
        if fts != to_search_query(query):
            rank = to_rank_query(query)
        dated = params.get("since") or params.get("until")
        narrow = NARROW and filter_tokens.narrowing(
            source=params.get("source"), page_type=params.get("page_type"),
            label=params.get("label"), has_images=filters.get("has_images"),
            since=params.get("since"), until=params.get("until"),
            years=_years(db) if dated else None,
        )  # fmt: skip
        if narrow:
            fts = f"({fts}) AND {narrow}"
            rank = rank and f"({rank}) AND {narrow}"
        if rank:
            params["rank"] = rank
    params["fts"] = fts
    table = "pages_fts" if exact else "pages_search"
    return _Plan(table, where, params, ":rank" if rank else None)


def search(
    db: sqlite_utils.Database,
    query: str,
    *,
    limit: int = 20,
    offset: int = 0,
    exact: bool = False,
    sort: str = "relevance",
    **filters: Any,
) -> list[dict[str, Any]]:
    """Best matches first: dicts with url, title, published, snippet, source, page_type,
    label, removed_at, score (``-bm25``, larger is better; 0 when sorted by date).

    ``sort`` (:data:`SORTS`): ``relevance``, or ``newest``/``oldest`` by ``published``
    (undated pages last, then by URL) over all matches, unranked.

    Filters: ``source``, ``since``, ``until`` (YYYY-MM-DD), ``page_type``, ``label``,
    ``has_images``, ``status`` (all/live/removed), ``include_removed``. ``exact=True``
    searches the words as written (no stemming, no compound parts).
    """
    if limit < 1:
        raise SearchError(f"limit must be at least 1, got {limit}")
    if sort not in SORTS:
        raise SearchError(f"sort must be one of {', '.join(SORTS)}, got {sort!r}")
    plan = _plan(db, query, exact, filters)
    if plan is None:
        return []
    columns = ", ".join(f"pages.{c}" for c in HIT_COLUMNS)
    offset = max(0, offset)
    if SORTS[sort]:
        conditions = " AND ".join([f"{plan.table} MATCH :fts", *plan.where])
        sql = (
            f"SELECT {columns}, 0.0 FROM {plan.table} JOIN pages ON pages.rowid = "
            f"{plan.table}.rowid WHERE {conditions} {SORTS[sort]} LIMIT :limit OFFSET :offset"
        )
    else:
        sql = search_sql(
            plan.table, ":fts", plan.where, columns, limit="LIMIT :limit OFFSET :offset",
            window=max(RANK_WINDOW, offset + limit), rank=plan.rank,
        )  # fmt: skip
    params = {**plan.params, "limit": limit, "offset": offset}
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
                "score": 0.0 - hit["bm25"],  # never -0.0
            }
        )
    return results


def _matching(
    db: sqlite_utils.Database, query: str, exact: bool, filters: dict[str, Any]
) -> tuple[str, dict[str, Any]] | None:
    plan = _plan(db, query, exact, filters)
    if plan is None:
        return None
    table = plan.table
    conditions = " AND ".join([f"{table} MATCH :fts", *plan.where])
    params = {k: v for k, v in plan.params.items() if k != "rank"}
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
    plan = _plan(db, query, exact, filters)
    if plan is None:
        return []
    sql = search_sql(plan.table, ":fts", plan.where, "pages.url", window=None, rank=plan.rank)
    return [row[0] for row in _run(db, sql, plan.params, query)]


__all__ = [
    "BM25_WEIGHTS",
    "COLUMN_WEIGHTS",
    "INDEX_COLUMNS",
    "HIT_FIELDS",
    "NOTHING",
    "RANK_WINDOW",
    "SORTS",
    "TEXT_COLUMNS",
    "Expand",
    "Highlighter",
    "Term",
    "count",
    "facets",
    "make_snippet",
    "match_expression",
    "matching_urls",
    "page_filters",
    "parse_query",
    "rank_expression",
    "search",
    "to_fts_query",
    "to_rank_query",
    "to_search_query",
]
