"""``pages_fts``: the words as written, an FTS5 table kept current by SQLite itself.

Migration 1 created it with sqlite-utils (``enable_fts``, external content ``pages``, with
insert/update/delete triggers), so Datasette finds it for ``?_search=`` and
``search(exact=True)`` uses it. The triggers keep it current inside every write of
``pages``: its hooks have nothing to do. It is registered anyway so that ``pressarchive
reindex`` rebuilds it like the others (FTS5's ``'rebuild'`` command re-reads ``pages``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from archive.indexes.base import DerivedIndex, Progress, page_count

if TYPE_CHECKING:
    import sqlite_utils

TABLE = "pages_fts"
#: Text columns of ``pages`` that both full-text indexes hold, in this order (bm25 weights
#: follow it); ``pages_search`` (:mod:`archive.indexes.search_index`) indexes their stems.
TEXT_COLUMNS = ("title", "label", "lead", "body", "captions", "credits")


class PlainTextIndex(DerivedIndex):
    """``pages_fts`` (external content, trigger-maintained)."""

    name = "fts"
    version = "1"

    def rebuild(self, db: sqlite_utils.Database, progress: Progress | None = None) -> int:
        db.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('rebuild')")
        pages = page_count(db)
        if progress:
            progress(pages)
        return pages


__all__ = ["TABLE", "TEXT_COLUMNS", "PlainTextIndex"]
