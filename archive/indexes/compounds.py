"""Compound parts for German search: the archive's vocabulary of long stems.

German glues words together: a reader searching ``Lotsen`` wants ``Integrationslotsen``,
one searching ``Haushalt`` wants ``Haushaltssicherungskonzept``. Every distinct stem of
at least :data:`archive.indexes.german.COMPOUND_MIN_LEN` letters that the search index holds is
also a row of ``search_terms`` (``term``, and ``rterm`` = the term reversed, both
indexed). At query time :class:`Expander` turns a query stem ``s`` into the indexed
stems that start with ``s`` or end with it (German puts the head last, so
``rterm LIKE reverse(s) || '%'`` is the precise direction), and the query becomes
``{columns} : (s OR integrationslots OR …)``: plain terms, which FTS5 merges lazily in
rowid order.

Why not a prefix query in the index (``parts : "s"*``), as before migration 7: FTS5
answers a prefix by first merging the doclists of *every* term with that prefix into one
list, which at 1,000,000 pages dominated the latency of every single-word query (176 ms
p95, BENCHMARKS.md "Search"). The exact terms cost a B-tree range scan here, and the
word's own doclist is no longer read twice.

The vocabulary only grows: a stem whose last page was deleted stays a row (a term
without documents costs the query one index lookup); a rebuild of the search index
(:mod:`archive.indexes.search_index`, ``pressarchive reindex``) refills it.
:data:`MAX_EXPANSION` caps one query word's expansion: the shortest stems (closest to the
word itself) are kept, and the rest are logged as left out.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable

from archive.indexes import german as german

log = logging.getLogger(__name__)

TABLE = "search_terms"
#: At most this many compound stems per query word (shortest first).
MAX_EXPANSION = 1_000
#: Sorts after every character SQLite can store in a TEXT term (BINARY collation).
_TOP = "\U0010ffff"


def create(db: sqlite3.Connection) -> None:
    """Create the ``search_terms`` vocabulary if missing (as migration 7 did)."""
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} (term TEXT PRIMARY KEY, rterm TEXT NOT NULL) "
        "WITHOUT ROWID"
    )
    db.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_rterm ON {TABLE} (rterm)")


def add(db: sqlite3.Connection, stems: Iterable[str]) -> None:
    """Record compound candidates (already filtered by
    :func:`archive.indexes.german.compound_candidates`); known ones are skipped."""
    db.executemany(
        f"INSERT OR IGNORE INTO {TABLE} (term, rterm) VALUES (?, ?)",
        [(s, german.reverse(s)) for s in stems],
    )


class Expander:
    """``expander(stem)`` → the indexed compound stems that start or end with ``stem``
    (never ``stem`` itself), shortest first, at most :data:`MAX_EXPANSION`.

    An archive without the vocabulary (a database that is not an archive, opened by
    Datasette next to one) expands nothing."""

    def __init__(self, conn: sqlite3.Connection, limit: int = MAX_EXPANSION) -> None:
        self.conn = conn
        self.limit = limit
        self._present: bool | None = None

    def _has_table(self) -> bool:
        if not self._present:  # looked up again until found (a migration may add it)
            row = self.conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [TABLE]
            ).fetchone()
            self._present = row is not None
        return bool(self._present)

    def __call__(self, stem: str) -> list[str]:
        if not german.is_part_candidate(stem) or not self._has_table():
            return []
        rstem = german.reverse(stem)
        rows = self.conn.execute(
            f"SELECT term FROM {TABLE} WHERE term > :s AND term < :s || :top "
            f"UNION SELECT term FROM {TABLE} WHERE rterm > :r AND rterm < :r || :top",
            {"s": stem, "r": rstem, "top": _TOP},
        ).fetchall()
        terms = sorted((row[0] for row in rows), key=lambda t: (len(t), t))
        if len(terms) > self.limit:
            log.info(
                "compound parts of %r: %d stems, the %d shortest searched",
                stem, len(terms), self.limit,
            )  # fmt: skip
            del terms[self.limit :]
        return terms


__all__ = ["MAX_EXPANSION", "TABLE", "Expander", "add", "create"]
