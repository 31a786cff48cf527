"""What a derived index is: tables computed from the archive's base rows, kept current by hooks.

The archive's base rows (``pages``, ``revisions``, ``revision_links``, ``crawl_runs``…) are
written by :mod:`archive.store.save`. Everything computed from them — the German search
index, the graph edges, the plain FTS table — is a *derived index*: it can be thrown away
and rebuilt from the base rows at any time, and between rebuilds it is kept current by the
same few hooks, called by the writer in the transaction that changes the base rows:

- :meth:`DerivedIndex.before_change` — the base rows of ``urls`` are about to change (a
  contentless FTS5 index must delete with the values it indexed, so it reads them now);
- :meth:`DerivedIndex.after_change` — they changed (``new``: the pages were archived for
  the first time);
- :meth:`DerivedIndex.prepare` — the pure part of indexing one page (text analysis), from
  the ``pages`` columns it will be saved with (and its source's ``city``): the crawl runs
  it in worker processes and hands the result to :meth:`DerivedIndex.after_change` as
  ``prepared``, which uses it only if the row as saved still has those values;
- :meth:`DerivedIndex.after_run` — a crawl run of ``source`` ended successfully at
  ``finished_at`` (every known page was re-checked then);
- :meth:`DerivedIndex.rebuild` — recompute everything, report progress in pages, return
  the rows the index holds (pages; edges for ``graph_edges``);
- :meth:`DerivedIndex.create` — create the index's tables if they are missing.

Each index has a ``name`` (``pressarchive reindex --index NAME``) and a ``version``: the
registry (:mod:`archive.indexes.registry`) records the version that built each index in
``index_state`` and rebuilds an index whose recorded version differs (new analyzer, new
edge rule) or that was never built, when the archive is opened.

The hooks are the only way the writer talks to an index, so adding an index means writing
one class and adding it to :data:`archive.indexes.registry.INDEXES`; the writer does not
change. The extension points are declared once, here, like the hook specifications of a
plugin system; the base class gives every hook a no-op default, so an index implements
only what it needs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils


#: ``progress(n)``: ``n`` more pages were indexed (a rebuild reports every page once).
Progress = Callable[[int], None]


class DerivedIndex:
    """Base class of derived indexes: every hook a no-op; subclasses set ``name`` and
    ``version`` and override what they maintain."""

    #: Unique name (``index_state.name``, ``reindex --index``).
    name: str = ""
    #: The ``pages`` columns the index is computed from (``None``: it also reads other
    #: tables, so every change concerns it); a write that changes none of them skips
    #: the index's change hooks (:func:`archive.indexes.registry.before_change`).
    reads: frozenset[str] | None = None

    @property
    def version(self) -> str:
        """What builds the index (a class attribute in most subclasses); a recorded
        version that differs means a rebuild on open."""
        raise NotImplementedError

    def create(self, db: sqlite_utils.Database) -> None:
        """Create the index's tables if they do not exist (a no-op on a migrated archive:
        the frozen migrations create them with the same DDL)."""

    def rebuild(self, db: sqlite_utils.Database, progress: Progress | None = None) -> int:
        """Recompute the index from the base rows, calling ``progress`` until every page was
        reported once; return the rows the index holds."""
        raise NotImplementedError(f"index {self.name!r} cannot be rebuilt")

    def before_change(self, db: sqlite_utils.Database, urls: Sequence[str]) -> None:
        """The base rows of the pages ``urls`` are about to change (same transaction)."""

    def prepare(self, fields: Mapping[str, Any]) -> Any:
        """The index's pure work for one page whose ``pages`` columns (and ``city``) are
        ``fields``, picklable (``None``: nothing to prepare). No database: it runs in a
        worker process."""
        return None

    def after_change(
        self,
        db: sqlite_utils.Database,
        urls: Sequence[str],
        new: bool,
        prepared: Mapping[str, Any] | None = None,
    ) -> None:
        """The base rows of the pages ``urls`` changed; ``new``: first time archived;
        ``prepared``: url → what :meth:`prepare` returned for some of them."""

    def after_run(self, db: sqlite_utils.Database, source: str, finished_at: str) -> None:
        """A crawl run of ``source`` finished successfully at ``finished_at``."""

    def after_runs(self, db: sqlite_utils.Database, runs: Sequence[tuple[str, str]]) -> None:
        """:meth:`after_run` for several ``(source, finished_at)`` at once (a crawl's runs
        that ended in one batch); an index may do them in one go."""
        for source, finished_at in runs:
            self.after_run(db, source, finished_at)


#: Where the registry records which version built each index (migration 8).
STATE_TABLE = "index_state"


def recorded_version(db: sqlite_utils.Database, name: str) -> str | None:
    """The version recorded for index ``name``; ``None`` if it was never built."""
    row = db.execute(f"SELECT version FROM {STATE_TABLE} WHERE name = ?", [name]).fetchone()
    return None if row is None else str(row[0])


def page_count(db: sqlite_utils.Database) -> int:
    """The number of rows of ``pages`` (what a rebuild reports as its progress total)."""
    return int(db.execute("SELECT count(*) FROM pages").fetchone()[0])


__all__ = ["STATE_TABLE", "DerivedIndex", "Progress", "page_count", "recorded_version"]
