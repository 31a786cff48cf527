"""``graph export`` of a large graph by two processes: the later part of the edges is
formatted by a second interpreter while this one writes the nodes and the first part.

From :data:`SPLIT_EDGES` rows of ``graph_edges`` on (an archive in a file, the graph now,
two cores or more), :func:`start` splits the rows by rowid: this process formats
``(low, middle]`` after the nodes, the second one ``(middle, high]`` into a file beside
the output (the temporary folder for a stream), which is then copied after the first
part (:class:`archive.graph.format_out.Later`). The file has the bytes one pass writes:
the second process formats with the writers' own code
(:func:`archive.graph.formats.write_edge_part`), in the same row order, and first counts
the first part's edges in SQL when the format needs them
(:func:`archive.graph.sql_edges_now.count_now`: GEXF numbers its edges, JSON puts a comma
between two).

The second process reads in one read transaction and answers only what it read at the
state this process saw when it started (the graph version and the successful runs: the
edges and their ``last_seen``); if it read another state, failed, or counted another
number of first edges than were written here, its file is dropped and the later rows are
formatted here (logged). At 1,000,000 pages (6.2M edges): BENCHMARKS.md, stop 29.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from archive.graph.export_model import Export
from archive.graph.formats import write_edge_part
from archive.graph.sql_edges_now import count_now, rows_now
from archive.indexes import graph_store as S
from archive.indexes import second_process
from archive.indexes.graph_edge_scan import database_file, rowid_bounds
from archive.store.reader import connect_readonly

logger = logging.getLogger(__name__)

#: From this many rows of ``graph_edges`` (by rowid) on, two processes format the edges.
SPLIT_EDGES = 2_000_000
#: The share of the rows this process formats, by format: it writes the nodes too (about a
#: fifth of an export's time at 1M pages), and for GEXF the other first counts this part.
FIRST_SHARE = {"graphml": 0.3, "gexf": 0.38, "json": 0.3}

#: The second process: a new interpreter (not multiprocessing: that would import the
#: caller's main script again), its request as JSON on stdin, its answer on stdout.
SERVE = "from archive.graph.export_split import serve; serve()"


def state(conn: Any) -> list[Any]:
    """What both processes must read alike: the graph version and the successful runs
    (their count and latest end: the edges' ``last_seen``)."""
    runs = conn.execute(
        "SELECT count(*), max(finished_at) FROM crawl_runs WHERE status = 'ok'"
    ).fetchone()
    return [S.version(conn), *runs]


@dataclass
class Part:
    """The two parts of an export's edges (:class:`archive.graph.format_out.Later`): rows
    ``(low, middle]`` here, ``(middle, high]`` by the process ``proc`` into ``path``."""

    db: sqlite_utils.Database
    source: str | None
    params: dict[str, Any]
    fmt: str
    low: int
    middle: int
    high: int
    path: Path
    seen: list[Any]
    proc: subprocess.Popen[bytes] | None = None
    closed: bool = False

    def rows(self, check: bool) -> Iterable[tuple[bool, tuple[Any, ...]]]:
        return rows_now(self.db, self.source, self.params, check, self.low, self.middle)

    def rest(self, check: bool) -> Iterable[tuple[bool, tuple[Any, ...]]]:
        return rows_now(self.db, self.source, self.params, check, self.middle, self.high)

    def finish(self, written: int) -> tuple[Path, int] | None:
        try:
            edges = self._answer(written)
        except Exception as exc:  # the later rows are formatted here instead
            logger.warning("graph export: the second process's part is not used (%s); "
                           "writing it here", exc)  # fmt: skip
            return None
        return self.path, edges

    def _answer(self, written: int) -> int:
        if self.proc is None:
            raise OSError("it did not start")
        waited = time.monotonic()
        answer = json.loads(second_process.output(self.proc))
        waited = time.monotonic() - waited
        if answer["state"] != self.seen:
            raise ValueError(f"it read {answer['state']}, this process {self.seen}")
        first = answer["first"]
        if first is not None and (first != written if self.fmt == "gexf" else
                                  (first > 0) != (written > 0)):  # fmt: skip
            raise ValueError(f"it counted {first} edges before its part, {written} written")
        logger.debug("graph export: %s edges by the second process in %.1f s, its peak "
                     "%s MB (waited %.1f s)", answer["edges"], answer["seconds"],
                     answer.get("peak_mb"), waited)  # fmt: skip
        return int(answer["edges"])

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.proc is not None:
            second_process.stop(self.proc)
        self.path.unlink(missing_ok=True)


def start(
    db: sqlite_utils.Database, source: str | None, params: dict[str, Any], g: Export,
    fmt: str, folder: Path | None, split_edges: int | None = None,
) -> Part | None:  # fmt: skip
    """The second process formatting the later part of the edges of ``g`` (the graph now
    of ``source``; ``params``: :attr:`archive.graph.sql_graph.SqlGraph.params`), started
    now; ``None``: one pass (fewer rows than ``split_edges``, default
    :data:`SPLIT_EDGES`; in memory; one core; uncommitted writes without a graph version).
    ``folder``: where its file goes (``None``: the temporary folder)."""
    conn = db.conn
    low, high = rowid_bounds(conn)
    limit = SPLIT_EDGES if split_edges is None else split_edges
    path = database_file(conn)
    seen = state(conn)
    if (
        high - low + 1 < limit or not path or (os.cpu_count() or 1) < 2
        or (seen[0] is None and conn.in_transaction)  # writes the other could not see
    ):  # fmt: skip
        return None
    middle = low - 1 + int((high - low + 1) * FIRST_SHARE[fmt])
    try:
        handle, name = tempfile.mkstemp(prefix=".pressarchive-edges-", suffix=".part",
                                        dir=folder)  # fmt: skip
    except OSError as exc:  # the writer names the output's own trouble, if any
        logger.warning("graph export: no file for a second process (%s); writing in one", exc)
        return None
    os.close(handle)
    part = Part(db, source, params, fmt, low - 1, middle, high, Path(name), seen)
    request = {
        "db": path, "source": source, "params": params, "fmt": fmt, "low": middle,
        "high": high, "first": [low - 1, middle], "out": name, "state": seen,
        "graph": g.graph, "node_keys": g.node_keys, "edge_keys": g.edge_keys,
        "fields": list(g.fields),
    }  # fmt: skip
    try:
        part.proc = second_process.start(SERVE, request=json.dumps(request).encode())
    except OSError as exc:
        logger.warning("graph export: no second process (%s); writing in one", exc)
    return part


def serve() -> None:
    """The second process: the request (JSON on stdin) answered as JSON on stdout, its
    part written to the request's file."""
    started = time.monotonic()
    answer = write_part(json.loads(sys.stdin.buffer.read()))
    seconds = time.monotonic() - started
    json.dump({**answer, "seconds": seconds, "peak_mb": _peak_mb()}, sys.stdout)


def _peak_mb() -> int | None:
    """This process's own peak RSS (Linux ``VmHWM``; ``ru_maxrss`` would count the memory
    of the process it was forked from)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def write_part(request: dict[str, Any]) -> dict[str, Any]:
    """The later part of an export's edges (:func:`start`'s request) written to its file in
    one read transaction: the state read, the first part's edges counted (GEXF: all; JSON:
    whether any; GraphML: not asked) and the part's edges."""
    conn, _mode = connect_readonly(request["db"])  # busy timeout, the name quoted
    db = sqlite_utils.Database(conn)
    try:
        db.conn.execute("BEGIN")
        here = state(db.conn)
        if here != request["state"]:
            return {"state": here, "first": None, "edges": 0}
        source, params, fmt = request["source"], request["params"], request["fmt"]
        low, middle = request["first"]
        first: int | None = None
        if fmt in ("gexf", "json"):  # JSON: whether there is any
            first = count_now(db, source, params, low, middle, None if fmt == "gexf" else 1)
        g = Export(
            request["graph"], request["node_keys"], request["edge_keys"], tuple, tuple,
            rows=lambda check: rows_now(db, source, params, check, request["low"],
                                        request["high"]),
            fields=tuple(request["fields"]),
        )  # fmt: skip
        with open(request["out"], "wb") as fh:
            edges = write_edge_part(fmt, g, fh, first or 0)
        return {"state": here, "first": first, "edges": edges}
    finally:
        db.conn.close()


__all__ = ["FIRST_SHARE", "SERVE", "SPLIT_EDGES", "Part", "serve", "start", "state", "write_part"]
