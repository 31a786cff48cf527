"""The German search index: ``pages_search`` and the ``search_terms`` vocabulary, kept current.

``pages_search`` (migration 8's DDL) is a *contentless* FTS5 table: per text field the
folded Snowball stems of the page (:func:`archive.indexes.german.analyze`) and a
``filters`` column of filter tokens (:mod:`archive.indexes.filter_tokens`). Next to it
``search_terms`` holds the long stems through which a query word also finds the
compounds that start or end with it (:mod:`archive.indexes.compounds`). Queries are
answered by :mod:`archive.search` (which only reads these tables).

Contentless means FTS5 keeps no copy of the stems, so deleting a page's entry needs the
values it was indexed with: :meth:`SearchIndex.before_change` recomputes them from the
``pages`` row *before* the writer changes it. That is exact as long as every text change
goes through the hooks and the analyzer is the one that built the index: the version
(analyzer and filter tokens) is recorded in ``index_state``, the registry rebuilds the
index on open when it differs, and a writer whose analyzer differs from the recorded one
(another process rebuilt the index with a newer stemmer) refuses to delete rather than
corrupt the index silently.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from archive.indexes import compounds as compounds
from archive.indexes import filter_tokens as filter_tokens
from archive.indexes import german as german
from archive.indexes.base import DerivedIndex, Progress, recorded_version
from archive.indexes.fts import TEXT_COLUMNS
from crawler.errors import SearchError

if TYPE_CHECKING:
    import sqlite_utils

TABLE = "pages_search"
#: The text fields of ``pages`` that are searched, in ``pages_search`` column order
#: (the same as ``pages_fts``; the bm25 weights of archive.search follow it).
#: Columns of ``pages_search``: the stems of each text field, then the filter tokens.
INDEX_COLUMNS = (*TEXT_COLUMNS, filter_tokens.COLUMN)
#: The ``pages`` columns a ``pages_search`` row is computed from.
SOURCE_COLUMNS = (*TEXT_COLUMNS, "source", "page_type", "label", "published", "image_count")
#: The DDL of ``pages_search`` as migration 8 created it (a test compares the two).
CREATE_SQL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5({', '.join(INDEX_COLUMNS)}, "
    "content='', tokenize='unicode61 remove_diacritics 2')"
)

_INSERT = (
    f"INSERT INTO {TABLE} (rowid, {', '.join(INDEX_COLUMNS)}) "
    f"VALUES (?{', ?' * len(INDEX_COLUMNS)})"
)
_DELETE = (
    f"INSERT INTO {TABLE} ({TABLE}, rowid, {', '.join(INDEX_COLUMNS)}) "
    f"VALUES ('delete', ?{', ?' * len(INDEX_COLUMNS)})"
)
_PAGE = f"SELECT rowid, {', '.join(SOURCE_COLUMNS)} FROM pages WHERE url = ?"
#: :data:`_PAGE` for the URLs of a JSON list, each row led by its URL
_PAGES = (
    f"SELECT url, rowid, {', '.join(SOURCE_COLUMNS)} FROM pages "
    "WHERE url IN (SELECT value FROM json_each(?))"
)
#: which rowids of a JSON list are in the index (a contentless FTS5 table keeps one
#: docsize row per indexed document)
_INDEXED = f"SELECT id FROM {TABLE}_docsize WHERE id IN (SELECT value FROM json_each(?))"


def search_record(page: dict[str, Any]) -> dict[str, str]:
    """The ``pages_search`` columns for a ``pages`` row (a dict with its columns)."""
    record = {column: german.analyze(page.get(column)) for column in TEXT_COLUMNS}
    record[filter_tokens.COLUMN] = filter_tokens.tokens(page)
    return record


def compound_terms(record: dict[str, str]) -> list[str]:
    """The compound candidates of a :func:`search_record` (for ``search_terms``)."""
    return german.compound_candidates(" ".join(map(record.__getitem__, TEXT_COLUMNS)).split())


def index_version() -> str:
    """What builds ``pages_search``: the analyzer and the filter tokens (read at call time,
    so a new stemmer release is noticed)."""
    return f"{german.ANALYZER}; {filter_tokens.VERSION}"


def _row(values: Sequence[Any]) -> list[Any]:
    record = search_record(dict(zip(SOURCE_COLUMNS, values[1:], strict=True)))
    return [values[0], *(record[c] for c in INDEX_COLUMNS)]


def _indexed(db: sqlite_utils.Database, rowid: int) -> bool:
    # A contentless FTS5 table keeps one docsize row per indexed document.
    row = db.execute(f"SELECT 1 FROM {TABLE}_docsize WHERE id = ?", [rowid]).fetchone()
    return row is not None


class SearchIndex(DerivedIndex):
    """``pages_search`` + ``search_terms``, maintained page by page."""

    name = "search"
    reads = frozenset(SOURCE_COLUMNS)

    @property
    def version(self) -> str:
        """Read at every call: a new stemmer release is noticed by a running process."""
        return index_version()

    def create(self, db: sqlite_utils.Database) -> None:
        db.execute(CREATE_SQL)
        compounds.create(db.conn)

    def rebuild(self, db: sqlite_utils.Database, progress: Progress | None = None) -> int:
        """Empty both tables and index every page, ``batch`` rows at a time."""
        batch = 1000
        db.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('delete-all')")
        db.execute(f"DELETE FROM {compounds.TABLE}")
        total = 0
        cursor = db.conn.cursor()
        cursor.execute(f"SELECT rowid, {', '.join(SOURCE_COLUMNS)} FROM pages ORDER BY rowid")
        while rows := cursor.fetchmany(batch):
            values = [_row(row) for row in rows]
            db.conn.executemany(_INSERT, values)
            terms = [t for v in values for t in _terms(v)]
            compounds.add(db.conn, dict.fromkeys(terms))
            total += len(rows)
            if progress:
                progress(len(rows))
        return total

    def before_change(self, db: sqlite_utils.Database, urls: Sequence[str]) -> None:
        """Take the stored pages out of ``pages_search`` while their old text is there."""
        for url in urls:
            row = db.execute(_PAGE, [url]).fetchone()
            if row is None or not _indexed(db, row[0]):
                continue
            built = recorded_version(db, self.name)
            if built != index_version():
                # Deleting with other stems than were indexed would corrupt the index.
                raise SearchError(
                    f"the search index was built by {built or 'an unknown analyzer'}, "
                    f"this is {index_version()}: open the archive again to rebuild it"
                )
            db.execute(_DELETE, _row(row))

    def prepare(self, fields: Mapping[str, Any]) -> tuple[tuple[Any, ...], list[Any], list[str]]:
        """The values a page's analysis is computed from, its analysed columns (German
        stems, filter tokens) and its compound candidates."""
        values = tuple(fields.get(column) for column in SOURCE_COLUMNS)
        row = _row((None, *values))
        return values, row[1:], _terms(row)

    def after_change(
        self,
        db: sqlite_utils.Database,
        urls: Sequence[str],
        new: bool,
        prepared: Mapping[str, Any] | None = None,
    ) -> None:
        """Index the stored pages and record their compound stems (a page still in the
        index was not taken out by :meth:`before_change`: refused, never doubled)."""
        rows, terms = [], []
        # two statements for all the pages, not two a page (~0.03 ms a page)
        found = {
            row[0]: row[1:] for row in db.execute(_PAGES, [json.dumps(list(dict.fromkeys(urls)))])
        }
        indexed = {
            row[0] for row in db.execute(_INDEXED, [json.dumps([r[0] for r in found.values()])])
        }
        for url in urls:
            row = found.get(url)
            if row is None:
                continue
            if row[0] in indexed:
                raise SearchError(f"{url} is still in the search index: call before_change first")
            ready = prepared.get(url) if prepared else None
            if ready is not None and ready[0] == tuple(row[1:]):
                values = [row[0], *ready[1]]
                terms.extend(ready[2])
            else:
                values = _row(row)
                terms.extend(_terms(values))
            rows.append(values)
        db.conn.executemany(_INSERT, rows)
        compounds.add(db.conn, dict.fromkeys(terms))


def _terms(values: list[Any]) -> list[str]:
    """The compound candidates of an ``_INSERT`` parameter row."""
    return compound_terms(dict(zip(INDEX_COLUMNS, values[1:], strict=True)))


__all__ = [
    "CREATE_SQL",
    "INDEX_COLUMNS",
    "SOURCE_COLUMNS",
    "TABLE",
    "TEXT_COLUMNS",
    "SearchIndex",
    "compound_terms",
    "index_version",
    "search_record",
]
