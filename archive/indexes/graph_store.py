"""Where the results of :mod:`archive.indexes.graph_ranking` are kept, per graph version.

- ``graph_version`` (migration 18, one row): a counter of the changes of the graph's edges,
  bumped by :func:`archive.indexes.graph_edges.forget_cached` (once per refresh or rebuild
  statement, not per row). A result is current when it was stored under the number the
  counter has now; the number is read *before* computing, so a result computed while the
  edges changed is stored as stale. (Until migration 18 the version was a fingerprint:
  ``count(*)`` of ``graph_edges`` and ``pages``, 1.6 s at 1M pages for every cached answer.)
- ``graph_cache`` (migration 17): one row per question (``key``) and version; small results
  (topics, the generic labels, label nodes) as JSON in ``data``; for the ranking and the
  communities the row only says that their rows are current:
- ``graph_ranks``: every node with its PageRank and degrees, ``position`` 0 = best, so that
  the top 20 and a node's degree are index lookups;
- ``graph_communities``: one row per community (its summary and members as JSON).

Read commands never write; a stale or missing entry means "compute in memory". The rows
of ``graph_ranks`` / ``graph_communities`` are left when the edges change (deleting a
million rows inside the first save after a reindex would stall the crawl); the next
rebuild replaces them.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from crawler.clock import now_iso

if TYPE_CHECKING:
    import sqlite_utils

T = TypeVar("T")

#: As migrations 17 and 18 create them (the index's ``create`` for older archives).
TABLES = (
    'CREATE TABLE IF NOT EXISTS "graph_cache" ( "key" TEXT PRIMARY KEY, "version" TEXT '
    'NOT NULL, "computed_at" TEXT NOT NULL, "seconds" REAL, "data" TEXT NOT NULL )',
    'CREATE TABLE IF NOT EXISTS "graph_version" ( "id" INTEGER PRIMARY KEY CHECK ("id" = 1), '
    '"version" INTEGER NOT NULL )',
    'INSERT OR IGNORE INTO "graph_version" ("id", "version") VALUES (1, 0)',
    'CREATE TABLE IF NOT EXISTS "graph_ranks" ( "key" TEXT NOT NULL, "position" INTEGER NOT '
    'NULL, "node" TEXT NOT NULL, "pagerank" REAL NOT NULL, "in_degree" INTEGER NOT NULL, '
    '"out_degree" INTEGER NOT NULL, PRIMARY KEY ("key", "position") )',
    'CREATE INDEX IF NOT EXISTS "idx_graph_ranks_node" ON "graph_ranks" ("node", "key")',
    'CREATE TABLE IF NOT EXISTS "graph_communities" ( "key" TEXT NOT NULL, "id" INTEGER NOT '
    'NULL, "size" INTEGER NOT NULL, "kinds" TEXT NOT NULL, "labels" TEXT NOT NULL, "top" TEXT '
    'NOT NULL, "members" TEXT NOT NULL, PRIMARY KEY ("key", "id") )',
    'CREATE INDEX IF NOT EXISTS "idx_pages_label_removed" ON "pages" ("label", "removed_at")',
)


def create(db: sqlite_utils.Database) -> None:
    """The tables of migrations 17 and 18 (and the index of labels of present pages)."""
    for statement in TABLES:
        db.execute(statement)


def version(db: sqlite_utils.Database | sqlite3.Connection) -> str | None:
    """The graph version now (``None``: an archive before migration 18, opened read-only)."""
    try:
        row = db.execute("SELECT version FROM graph_version WHERE id = 1").fetchone()
    except sqlite3.OperationalError:
        return None
    return None if row is None else str(row[0])


def bump(db: sqlite_utils.Database) -> None:
    """The edges changed: every stored result is stale (one statement)."""
    db.execute("UPDATE graph_version SET version = version + 1 WHERE id = 1")


def read_cached(db: sqlite_utils.Database, key: str) -> Any:
    """The stored result for ``key`` if it was computed on the graph as it is; else ``None``."""
    now = version(db)
    if now is None:
        return None
    row = db.execute(
        "SELECT data FROM graph_cache WHERE key = ? AND version = ?", [key, now]
    ).fetchone()
    return None if row is None else json.loads(row[0])


def _mark(db: sqlite_utils.Database, key: str, ver: str, seconds: float, data: Any) -> None:
    db.execute(
        "INSERT OR REPLACE INTO graph_cache (key, version, computed_at, seconds, data) "
        "VALUES (?, ?, ?, ?, ?)",
        [key, ver, now_iso(), round(seconds, 3), json.dumps(data)],
    )


def store(db: sqlite_utils.Database, key: str, compute: Callable[[], Any]) -> Any:
    """Compute a result, store it for ``key`` and the graph's version, return it."""
    ver, started = version(db) or "0", time.perf_counter()
    data = compute()
    _mark(db, key, ver, time.perf_counter() - started, data)
    return data


# --------------------------------------------------------------------------- ranking rows


def store_ranks(db: sqlite_utils.Database, key: str, compute: Callable[[], list[list[Any]]]) -> int:
    """Compute the ranking (``[[id, rank, in, out], ...]``, best first) and store it as
    rows of ``graph_ranks``; returns the number of nodes (the rows are not kept)."""
    ranked = _store_rows(
        db, key, "graph_ranks (key, position, node, pagerank, in_degree, out_degree)", compute,
        lambda found: ((i, *row) for i, row in enumerate(found)), "nodes",
    )  # fmt: skip
    return len(ranked)


def _store_rows(
    db: sqlite_utils.Database, key: str, table: str, compute: Callable[[], list[T]],
    rows: Callable[[list[T]], Iterable[tuple[Any, ...]]], counted: str,
) -> list[T]:  # fmt: skip
    """Compute a result and replace ``key``'s rows of ``table`` (``"name (key, col, …)"``)
    with ``rows`` of it (each without the key); marked current under the graph version
    read before computing, with its length as ``counted``."""
    ver, started = version(db) or "0", time.perf_counter()
    found = compute()
    name, columns = table.split(" ", 1)
    db.execute(f"DELETE FROM {name} WHERE key = ?", [key])
    marks = ", ".join("?" * len(columns.split(",")))
    db.conn.executemany(
        f"INSERT INTO {table} VALUES ({marks})", ((key, *row) for row in rows(found))
    )
    _mark(db, key, ver, time.perf_counter() - started, {counted: len(found)})
    return found


def read_ranks(db: sqlite_utils.Database, key: str, top: int | None = None) -> Any:
    """The stored ranking's first ``top`` rows (all: ``None``) if current; else ``None``."""
    if read_cached(db, key) is None:
        return None
    return [
        [str(node), float(rank), int(ins), int(outs)]
        for node, rank, ins, outs in db.execute(
            "SELECT node, pagerank, in_degree, out_degree FROM graph_ranks WHERE key = ? "
            "ORDER BY position LIMIT ?",
            [key, -1 if top is None else top],
        )
    ]


def read_degrees(db: sqlite_utils.Database, key: str, nodes: Iterable[str]) -> Any:
    """``{node: edges in and out}`` of the ``nodes`` from the stored ranking if current
    (nodes outside the graph: 0); else ``None``."""
    if read_cached(db, key) is None:
        return None
    todo = list(nodes)
    found = dict.fromkeys(todo, 0)
    for node, degree in db.execute(
        "SELECT node, in_degree + out_degree FROM graph_ranks WHERE key = :key AND node IN "
        "(SELECT value FROM json_each(:nodes))",
        {"key": key, "nodes": json.dumps(todo)},
    ):
        found[str(node)] = int(degree)
    return found


# --------------------------------------------------------------------------- communities


def store_communities(
    db: sqlite_utils.Database, key: str, compute: Callable[[], list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """Compute the community summaries (:func:`archive.indexes.graph_ranking.summarise`) and
    store them as rows of ``graph_communities`` (``id`` from 1, largest first)."""
    return _store_rows(
        db, key, "graph_communities (key, id, size, kinds, labels, top, members)", compute,
        lambda found: (
            (i, c["size"], json.dumps(c["kinds"]), json.dumps(c["labels"]),
             json.dumps(c["top"]), json.dumps(c["members"]))
            for i, c in enumerate(found, 1)
        ),
        "communities",
    )  # fmt: skip


def read_communities(db: sqlite_utils.Database, key: str) -> Any:
    """The stored community summaries if current; else ``None``."""
    if read_cached(db, key) is None:
        return None
    return [
        {"size": int(size), "kinds": json.loads(kinds), "labels": json.loads(labels),
         "top": json.loads(top), "members": json.loads(members)}
        for size, kinds, labels, top, members in db.execute(
            "SELECT size, kinds, labels, top, members FROM graph_communities WHERE key = ? "
            "ORDER BY id", [key],
        )
    ]  # fmt: skip


def clear(db: sqlite_utils.Database) -> None:
    """Delete every stored result (a rebuild starts here)."""
    for table in ("graph_cache", "graph_ranks", "graph_communities"):
        db.execute(f"DELETE FROM {table}")


__all__ = [
    "TABLES",
    "bump",
    "clear",
    "create",
    "read_cached",
    "read_communities",
    "read_degrees",
    "read_ranks",
    "store",
    "store_communities",
    "store_ranks",
    "version",
]
