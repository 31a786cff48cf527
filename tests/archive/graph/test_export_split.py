"""``graph export`` by two processes (:mod:`archive.graph.export_split`): the file has the
bytes of one pass in every format, whatever the share of the first part (none, some, all),
for a file and for a stream, of the whole graph and of one source; a second process that
fails, reads another state or cannot start leaves its part to this one (same bytes); no
file of the second process is left behind."""

from __future__ import annotations

import io
import json
import logging
import subprocess
from pathlib import Path

import pytest
import sqlite_utils

from archive.graph import export_split
from archive.graph import model as G
from archive.graph.sql_edges_now import count_now, rows_now
from archive.graph.sql_export import export_rows
from archive.graph.sql_graph import SqlGraph
from archive.indexes import second_process
from crawler.errors import GraphError
from tests.archive.graph import history


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> sqlite_utils.Database:
    return history.build(tmp_path_factory.mktemp("split") / "history.db")


def _one_pass(db: sqlite_utils.Database, fmt: str, source: str | None) -> bytes:
    out = io.BytesIO()
    G.export_graph(export_rows(db, source), fmt, out)
    return out.getvalue()


#: every format of the whole graph and of one source, split inside; and with nothing (0.0) or
#: everything (1.0) left to this process, the whole graph
SPLITS = [
    *((fmt, source, 0.4) for fmt in G.EXPORT_FORMATS for source in (None, "a")),
    *(pytest.param(fmt, None, share, marks=pytest.mark.slow)
      for fmt in G.EXPORT_FORMATS for share in (0.0, 1.0)),
]  # fmt: skip


@pytest.mark.parametrize(("fmt", "source", "share"), SPLITS)
def test_two_processes_write_the_bytes_of_one_pass(
    db: sqlite_utils.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture, fmt: str, source: str | None, share: float,
) -> None:  # fmt: skip
    one = _one_pass(db, fmt, source)
    monkeypatch.setattr(export_split, "SPLIT_EDGES", 1)
    monkeypatch.setitem(export_split.FIRST_SHARE, fmt, share)
    started: list[export_split.Part] = []
    real_start = export_split.start

    def start(*args: object, **kwargs: object) -> export_split.Part | None:
        part = real_start(*args, **kwargs)  # type: ignore[arg-type]
        assert part is not None and part.proc is not None
        started.append(part)
        return part

    monkeypatch.setattr(export_split, "start", start)
    out = tmp_path / f"graph.{fmt}"
    with caplog.at_level(logging.WARNING, logger="archive.graph.export_split"):
        counts = G.export_graph(export_rows(db, source), fmt, out)
        stream = io.BytesIO()
        G.export_graph(export_rows(db, source), fmt, stream)
    assert len(started) == 2
    assert out.read_bytes() == one == stream.getvalue()
    assert not caplog.records  # both second processes' parts were used
    edges = len(json.loads(one)["edges"]) if fmt == "json" else one.count(b"<edge ")
    assert counts[1] == edges > 0
    assert not list(tmp_path.glob(".pressarchive-edges-*"))
    assert all(not part.path.exists() for part in started)


def test_one_pass_below_the_threshold_and_in_memory(db: sqlite_utils.Database) -> None:
    export = export_rows(db)
    assert export.later is not None and export.later("json", None) is None  # 63 rows
    memory = sqlite_utils.Database(memory=True)
    db.conn.backup(memory.conn)
    assert export_split.start(memory, None, {}, export, "json", None, split_edges=1) is None


@pytest.mark.parametrize("fmt", G.EXPORT_FORMATS)
def test_a_failed_second_process_leaves_its_part_here(
    db: sqlite_utils.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture, fmt: str,
) -> None:  # fmt: skip
    one = _one_pass(db, fmt, None)
    monkeypatch.setattr(export_split, "SPLIT_EDGES", 1)
    monkeypatch.setattr(export_split, "SERVE", "import sys; sys.exit('broken on purpose')")
    out = tmp_path / f"graph.{fmt}"
    with caplog.at_level(logging.WARNING, logger="archive.graph.export_split"):
        G.export_graph(export_rows(db), fmt, out)
    assert out.read_bytes() == one
    assert "broken on purpose" in caplog.text
    assert not list(tmp_path.glob(".pressarchive-edges-*"))


def test_a_second_process_that_cannot_start_leaves_its_part_here(
    db: sqlite_utils.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    one = _one_pass(db, "gexf", None)
    monkeypatch.setattr(export_split, "SPLIT_EDGES", 1)

    def refuse(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        raise OSError("no processes left")

    monkeypatch.setattr(second_process, "start", refuse)
    out = tmp_path / "graph.gexf"
    with caplog.at_level(logging.WARNING, logger="archive.graph.export_split"):
        G.export_graph(export_rows(db), "gexf", out)
    assert out.read_bytes() == one
    assert "no processes left" in caplog.text


@pytest.mark.parametrize("fmt", ["gexf", "json"])
def test_a_change_committed_meanwhile_leaves_the_part_here(
    db: sqlite_utils.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture, fmt: str,
) -> None:  # fmt: skip
    """The second process reads a state this one did not see (a run ended meanwhile): its
    part is dropped, this one formats the rows as it reads them."""
    monkeypatch.setattr(export_split, "SPLIT_EDGES", 1)
    real_state = export_split.state
    monkeypatch.setattr(export_split, "state", lambda conn: [*real_state(conn)[:2], "earlier"])
    out = tmp_path / f"graph.{fmt}"
    with caplog.at_level(logging.WARNING, logger="archive.graph.export_split"):
        G.export_graph(export_rows(db), fmt, out)
    assert out.read_bytes() == _one_pass(db, fmt, None)
    assert "it read" in caplog.text


def test_a_first_part_counted_otherwise_is_not_used(
    db: sqlite_utils.Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """GEXF numbers its edges: a second process that counted another number of first
    edges than were written (the rows changed between the two reads) is not used."""
    monkeypatch.setattr(export_split, "SPLIT_EDGES", 1)
    finish = export_split.Part.finish
    monkeypatch.setattr(export_split.Part, "finish", lambda self, n: finish(self, n + 1))
    out = tmp_path / "graph.gexf"
    with caplog.at_level(logging.WARNING, logger="archive.graph.export_split"):
        G.export_graph(export_rows(db), "gexf", out)
    assert out.read_bytes() == _one_pass(db, "gexf", None)
    assert "edges before its part" in caplog.text


@pytest.mark.parametrize("source", [None, "a"])
def test_the_first_part_counted_in_sql_is_the_number_of_its_rows(
    db: sqlite_utils.Database, source: str | None
) -> None:
    export = export_rows(db, source)
    params = SqlGraph(db, source).params
    low, high = db.execute("SELECT min(rowid) - 1, max(rowid) FROM graph_edges").fetchone()
    for middle in range(low, high + 1, 7):
        rows = sum(1 for _ in rows_now(db, source, params, False, low, middle))
        assert count_now(db, source, params, low, middle) == rows
        assert count_now(db, source, params, low, middle, 1) == min(rows, 1)
    assert export.rows is not None
    assert count_now(db, source, params, low, high) == sum(1 for _ in export.rows(False))


def test_an_output_folder_that_is_missing_is_named_as_without_the_split(
    db: sqlite_utils.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_split, "SPLIT_EDGES", 1)
    out = tmp_path / "missing" / "graph.gexf"
    with pytest.raises(GraphError) as raised:
        G.export_graph(export_rows(db), "gexf", out)
    assert "missing" in str(raised.value)


@pytest.mark.parametrize("fmt", G.EXPORT_FORMATS)
def test_an_export_written_twice_writes_the_same_bytes_and_counts(
    db: sqlite_utils.Database, fmt: str
) -> None:
    """The writers count from zero each time (GEXF numbers edges and JSON puts commas by
    the count of edges written)."""
    export = export_rows(db)
    first, again = io.BytesIO(), io.BytesIO()
    counts = G.export_graph(export, fmt, first)
    assert G.export_graph(export, fmt, again) == counts
    assert again.getvalue() == first.getvalue() == _one_pass(db, fmt, None)
