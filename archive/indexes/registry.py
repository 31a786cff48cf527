"""The derived indexes of the archive, declared once, and the calls that fan out to them.

:data:`INDEXES` is the one list of indexes (:class:`archive.indexes.base.DerivedIndex`),
in the order their hooks run. The writer (:mod:`archive.store.save`) calls
:func:`before_change`, :func:`after_change` and :func:`after_run` and knows no index by
name; :func:`ensure_current` (called by ``ensure_schema`` on every open) rebuilds each
index that was never built or was built by another version, and :func:`rebuild` is what
``pressarchive reindex`` runs.

Order: ``fts`` and ``search`` read only ``pages``; ``graph_edges`` reads the revisions, which
the writer has written before it calls :func:`after_change`; ``topics`` reads ``pages`` and
the city of its ``sources`` row; ``graph_ranking`` (PageRank, communities) is emptied by
``graph_edges`` when edges change and stored again by a rebuild.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from archive.indexes.base import STATE_TABLE, DerivedIndex, Progress, recorded_version
from archive.indexes.fts import PlainTextIndex
from archive.indexes.graph_edges import GraphEdgesIndex
from archive.indexes.graph_ranking import GraphRankingIndex
from archive.indexes.search_index import SearchIndex
from archive.indexes.topic_index import TopicsIndex
from crawler.clock import now_iso

if TYPE_CHECKING:
    import sqlite_utils

log = logging.getLogger(__name__)

#: Every derived index, in hook order.
INDEXES: tuple[DerivedIndex, ...] = (
    PlainTextIndex(),
    SearchIndex(),
    GraphEdgesIndex(),
    TopicsIndex(),
    GraphRankingIndex(),
)


def names() -> list[str]:
    """The names of the registered indexes, in order."""
    return [index.name for index in INDEXES]


def get(name: str) -> DerivedIndex:
    """The index called ``name``; ``KeyError`` naming the known ones otherwise."""
    for index in INDEXES:
        if index.name == name:
            return index
    raise KeyError(f"no index {name!r}; known: {', '.join(names())}")


def _concerned(columns: Collection[str] | None) -> list[DerivedIndex]:
    """The indexes a change of the ``pages`` columns ``columns`` (``None``: any) concerns."""
    if columns is None:
        return list(INDEXES)
    return [i for i in INDEXES if i.reads is None or not i.reads.isdisjoint(columns)]


def before_change(
    db: sqlite_utils.Database, urls: Sequence[str], *, columns: Collection[str] | None = None
) -> None:
    """The base rows of ``urls`` are about to change (call inside the write); ``columns``:
    the only ``pages`` columns that change, when the writer knows (``None``: any)."""
    for index in _concerned(columns):
        index.before_change(db, urls)


def after_change(
    db: sqlite_utils.Database,
    urls: Sequence[str],
    *,
    new: bool = False,
    columns: Collection[str] | None = None,
    prepared: Mapping[str, Mapping[str, Any]] | None = None,
) -> None:
    """The base rows of ``urls`` changed (``new``: first archived now), same transaction;
    ``columns`` as for :func:`before_change`; ``prepared``: url → :func:`prepare`'s result
    for some of them."""
    for index in _concerned(columns):
        mine = None
        if prepared:
            mine = {u: p[index.name] for u, p in prepared.items() if p and index.name in p}
        index.after_change(db, urls, new, mine)


def prepare(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Every index's pure work for one page (:meth:`DerivedIndex.prepare`) by index name,
    from the ``pages`` columns it will be saved with and its source's ``city``: what the
    crawl computes in worker processes."""
    out = {}
    for index in INDEXES:
        ready = index.prepare(fields)
        if ready is not None:
            out[index.name] = ready
    return out


class PendingChanges:
    """:func:`after_change` calls held back until the end of a batch of writes (one call
    per kind instead of one per page; the indexes read the rows as they are then).

    :func:`before_change` is still called at every write: an index that must take old
    values out (``search``) does so while they are there; a page written twice in a batch
    is indexed once, from its last state. Runs that ended in the batch (:func:`after_run`)
    come after its pages, together."""

    def __init__(self) -> None:
        self.new: dict[str, None] = {}
        self.changed: dict[str, None] = {}
        self.prepared: dict[str, Mapping[str, Any]] = {}
        self.runs: list[tuple[str, str]] = []

    def __len__(self) -> int:
        return len(self.new) + len(self.changed) + len(self.runs)

    def add(self, url: str, *, new: bool, prepared: Mapping[str, Any] | None = None) -> None:
        if new or url in self.new:
            self.new[url] = None
            self.changed.pop(url, None)
        else:
            self.changed[url] = None
        if prepared:
            self.prepared[url] = prepared
        else:
            self.prepared.pop(url, None)

    def flush(self, db: sqlite_utils.Database, limit: int | None = None) -> None:
        """Call :func:`after_change` for every page held, or for ``limit`` of them (the
        rest stay held), inside the batch's transaction."""
        new = list(self.new)[:limit]
        changed = list(self.changed)[: None if limit is None else max(0, limit - len(new))]
        prepared = {url: self.prepared.pop(url) for url in new + changed if url in self.prepared}
        for url in new:
            del self.new[url]
        for url in changed:
            del self.changed[url]
        if new:
            after_change(db, new, new=True, prepared=prepared)
        if changed:
            after_change(db, changed, prepared=prepared)
        if self.runs and not self.new and not self.changed:
            runs, self.runs = self.runs, []
            after_runs(db, runs)


def after_run(db: sqlite_utils.Database, source: str, finished_at: str) -> None:
    """A crawl run of ``source`` ended successfully at ``finished_at``."""
    for index in INDEXES:
        index.after_run(db, source, finished_at)


def after_runs(db: sqlite_utils.Database, runs: Sequence[tuple[str, str]]) -> None:
    """:func:`after_run` for several ``(source, finished_at)`` (each index at once)."""
    for index in INDEXES:
        index.after_runs(db, runs)


def rebuild(
    db: sqlite_utils.Database, index: DerivedIndex, progress: Progress | None = None
) -> int:
    """Create ``index`` if missing, rebuild it and record its version; return its rows.
    Atomic (a savepoint inside the caller's transaction)."""
    started = time.monotonic()
    with db.atomic():
        index.create(db)
        rows = index.rebuild(db, progress)
        db.execute(
            f"INSERT OR REPLACE INTO {STATE_TABLE} (name, version, built_at) VALUES (?, ?, ?)",
            [index.name, index.version, now_iso()],
        )
    log.debug("index %s rebuilt: %d rows in %.2f s", index.name, rows, time.monotonic() - started)
    return rows


def stale(db: sqlite_utils.Database) -> list[DerivedIndex]:
    """The indexes never built or built by another version than the current one."""
    return [index for index in INDEXES if recorded_version(db, index.name) != index.version]


def ensure_current(db: sqlite_utils.Database) -> dict[str, int]:
    """Rebuild every stale index (logged); return ``{name: rows}`` of those rebuilt.

    Nothing to do before migration 8 (no ``index_state`` yet: a test that stops the
    migrations early, or an archive being migrated)."""
    row = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [STATE_TABLE]
    ).fetchone()
    if row is None:
        return {}
    rebuilt = {}
    for index in stale(db):
        was = recorded_version(db, index.name)
        log.info(
            "index %s %s, now %s: rebuilding",
            index.name, f"built by {was}" if was else "never built", index.version,
        )  # fmt: skip
        rebuilt[index.name] = rebuild(db, index)
        log.info("index %s rebuilt: %d rows", index.name, rebuilt[index.name])
    return rebuilt


__all__ = [
    "INDEXES",
    "PendingChanges",
    "after_change",
    "after_run",
    "after_runs",
    "before_change",
    "prepare",
    "ensure_current",
    "get",
    "names",
    "rebuild",
    "stale",
]
