"""The rows of ``graph_edges`` now as index pairs of nodes, for
:func:`archive.indexes.graph_ranking.edge_list`; a large table is read by two processes.

The nodes are the present pages in URL order, then the other nodes the edges reach in the
order of the rows. :func:`pairs` turns rows into pairs, adding each new node where it
first appears. A table of :data:`SPLIT_ROWS` rows or more in a database file is read in
two halves by rowid: the later half by a second process (:func:`read_half`, which finds
its own present pages and numbers the nodes new to it after them), the earlier half here
at the same time; the second half's new nodes are then numbered after the first's, in their
order, those already met keep their number. Nodes and pairs come out exactly as one scan
gives them (``tests/archive/graph/test_edge_scan.py``).

At 1,000,000 pages (6.8M rows) one scan takes ~13 s, half of it SQLite's and half the
lookup of each target in a dict of a million URLs; two halves side by side take ~8 s
(BENCHMARKS.md, stop 28). A second process that cannot start, fails, or finds the graph at
another version than this connection (writes not committed yet, or committed since) leaves
its half to this one (logged).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import pickle
import sqlite3
import subprocess
import sys
import urllib.parse
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from archive.indexes import graph_store as S
from archive.indexes import second_process

logger = logging.getLogger(__name__)

#: From this many rows of ``graph_edges`` (by rowid) on, two processes read them.
SPLIT_ROWS = 2_000_000

#: The present edges now; generic labels get no node (``:generic``, a JSON list).
NOW_ROWS = (
    "SELECT source, target, rel FROM graph_edges WHERE present AND (rel != 'label' OR "
    "label NOT IN (SELECT value FROM json_each(:generic)))"
)
_RANGE = " AND rowid > :low AND rowid <= :high"


def present_sql(source: str | None, columns: str = "url", pages: str = "pages") -> str:
    """The present pages (of ``source``: the ``:source`` parameter) in URL order;
    ``pages``: the relation (:data:`archive.indexes.graph_ranking.NOW`'s or a past
    time's)."""
    scope = " AND s.removed_at IS NULL" + (" AND s.source = :source" if source else "")
    return f"SELECT {columns} FROM {pages} s WHERE 1{scope} ORDER BY url"


def pairs(
    rows: Iterable[tuple[Any, Any, Any]], index: dict[str, int], nodes: list[str],
    n_present: int,
) -> array:  # fmt: skip
    """The index pairs of ``rows`` (source, target, rel), flat: edges from present pages
    (the first ``n_present`` of ``nodes``) only, body links only between present pages; a
    target first met is appended to ``nodes`` and ``index``."""
    get = index.get
    flat = array("i")
    add = flat.append
    last, i = None, n_present
    for src, target, rel in rows:
        if src != last:  # a page's rows mostly come together
            last, i = src, get(src, n_present)
        if i >= n_present:  # the source is no present page (of the source)
            continue
        j = get(target)
        if j is None:
            if rel == "body":  # body links count only between present pages
                continue
            j = index[target] = len(nodes)
            nodes.append(target)
        elif rel == "body" and j >= n_present:
            continue
        add(i)
        add(j)
    return flat


def read_half(
    path: str, params: dict[str, Any], low: int, high: int, version: str | None = None
) -> tuple[bytes, list[str]]:
    """The pairs of the rows with ``low < rowid <= high`` (flat int32 bytes) and the nodes
    new to them, numbered from the number of present pages on (what the second process
    does: :func:`serve_half`), in one read transaction; ``version``: the graph version the
    first process reads (``ValueError`` if this one reads another: a change not committed
    there, or committed since)."""
    conn = sqlite3.connect(f"file:{urllib.parse.quote(path)}?mode=ro", uri=True)  # '#', '?', '%'
    try:
        conn.execute("BEGIN")
        here = S.version(conn)
        if version is not None and here != version:
            raise ValueError(f"graph version {here} here, {version} there")
        nodes = [str(u) for (u,) in conn.execute(present_sql(params.get("source")), params)]
        index = {u: i for i, u in enumerate(nodes)}
        rows = conn.execute(NOW_ROWS + _RANGE, {**params, "low": low, "high": high})
        flat = pairs(rows, index, nodes, n_present := len(index))
        return flat.tobytes(), nodes[n_present:]
    finally:
        conn.close()


def serve_half() -> None:
    """The second process: :func:`read_half` of the arguments given as JSON (``argv[1]``),
    the answer pickled to stdout."""
    pickle.dump(read_half(*json.loads(sys.argv[1])), sys.stdout.buffer)


#: The second process: a new interpreter (not multiprocessing: that would import the
#: caller's main script again, which scripts without a ``__main__`` guard do not survive).
READER = "from archive.indexes.graph_edge_scan import serve_half; serve_half()"


def _start(
    path: str, params: dict[str, Any], low: int, high: int, version: str | None
) -> subprocess.Popen[bytes]:
    return second_process.start(READER, [json.dumps([path, params, low, high, version])])


def database_file(conn: sqlite3.Connection) -> str:
    """The file of the main database ('' in memory)."""
    for _seq, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return str(file or "")
    return ""


def rowid_bounds(conn: sqlite3.Connection) -> tuple[int, int]:
    """The smallest and the largest rowid of ``graph_edges`` (``(1, 0)``: empty), in two
    queries: one asking for both reads the whole table (0.9 s at 1M pages)."""
    (low,) = conn.execute("SELECT min(rowid) FROM graph_edges").fetchone()
    (high,) = conn.execute("SELECT max(rowid) FROM graph_edges").fetchone()
    return (1, 0) if low is None else (int(low), int(high))


@dataclass
class Split:
    """The rowids of the two halves, ``(low, middle]`` read here and ``(middle, high]`` by
    the second process ``proc`` (``None``: it could not start)."""

    low: int
    middle: int
    high: int
    proc: subprocess.Popen[bytes] | None

    def answer(self) -> tuple[bytes, list[str]]:
        """The second process's :func:`read_half` (``OSError`` if it failed)."""
        if self.proc is None:
            raise OSError("not started")
        raw, new = pickle.loads(second_process.output(self.proc))
        return raw, new


@contextlib.contextmanager
def second_reader(
    conn: sqlite3.Connection, params: dict[str, Any], split_rows: int = SPLIT_ROWS
) -> Iterator[Split | None]:
    """The later half of ``graph_edges`` from ``split_rows`` rows on, read by a second
    process from now on (``None``: one scan; in memory, or one core), started before this
    process reads the present pages, so that both read them at once; the process is ended
    on the way out if :func:`now_pairs` did not wait for it. It reads only if it finds the
    graph version this connection sees (a change not committed here yet, or committed
    since, leaves its half to this process); without a version (before migration 18), a
    connection inside a transaction reads alone."""
    low, high = rowid_bounds(conn)
    path = database_file(conn)
    version = S.version(conn)
    if (
        high - low + 1 < split_rows or not path or (os.cpu_count() or 1) < 2
        or (version is None and conn.in_transaction)  # writes the other could not see
    ):  # fmt: skip
        yield None
        return
    middle = (low - 1 + high) // 2
    try:
        proc: subprocess.Popen[bytes] | None = _start(path, params, middle, high, version)
    except OSError as exc:
        logger.warning("graph_edges: no second reader (%s); reading in one", exc)
        proc = None
    try:
        yield Split(low - 1, middle, high, proc)
    finally:
        if proc is not None:
            second_process.stop(proc)


def now_pairs(
    conn: sqlite3.Connection, params: dict[str, Any], index: dict[str, int], nodes: list[str],
    split: Split | None,
) -> Any:  # fmt: skip
    """The pairs of the present edges now (:func:`pairs` of :data:`NOW_ROWS`) as a flat
    int32 array, ``nodes`` and ``index`` holding the present pages on the way in and every
    node on the way out; ``params``: ``generic`` and ``source``; ``split``: the
    :func:`second_reader` of the later half, if any."""
    n_present = len(nodes)
    if split is None:
        return _array(pairs(conn.execute(NOW_ROWS, params), index, nodes, n_present))
    first = {**params, "low": split.low, "high": split.middle}
    flat = _array(pairs(conn.execute(NOW_ROWS + _RANGE, first), index, nodes, n_present))
    try:
        raw, new = split.answer()
    except Exception as exc:  # the half is read here instead
        if split.proc is not None:
            logger.warning("graph_edges: the second reader failed (%s); reading on in one", exc)
        rest = {**params, "low": split.middle, "high": split.high}
        rows = conn.execute(NOW_ROWS + _RANGE, rest)
        return np.concatenate([flat, _array(pairs(rows, index, nodes, n_present))])
    number = np.empty(len(new), dtype=np.int32)  # the later half's new nodes, numbered here
    for k, u in enumerate(new):
        j = index.get(u)
        if j is None:
            j = index[u] = len(nodes)
            nodes.append(u)
        number[k] = j
    half = np.frombuffer(raw, dtype=np.int32).copy()
    new_at = half >= n_present
    half[new_at] = number[half[new_at] - n_present]
    return np.concatenate([flat, half])


def _array(flat: array) -> Any:
    return np.frombuffer(flat, dtype=np.int32)


__all__ = [
    "NOW_ROWS", "READER", "SPLIT_ROWS", "Split", "database_file", "now_pairs",
    "pairs", "present_sql", "read_half", "rowid_bounds", "second_reader", "serve_half",
]  # fmt: skip
