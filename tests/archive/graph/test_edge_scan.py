"""The edge list of the graph now read by two processes (:mod:`archive.indexes.graph_edge_scan`)
against one scan: the same nodes in the same order and the same pairs, on a synthetic archive
in real SQLite whose later rows reach nodes the earlier ones met (linked URLs the archive does
not hold, labels) and new ones; when the second process fails its half is read by the first;
an archive in memory is read in one scan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sqlite_utils

from archive.indexes import graph_edge_scan as E
from archive.indexes import graph_edges
from archive.indexes import graph_ranking as R
from tests.archive.graph.test_graph_communities import _archive


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> sqlite_utils.Database:
    return _archive(tmp_path_factory.mktemp("edge_scan") / "archive.db", n=3000, seed=9)


def _read(
    db: sqlite_utils.Database, source: str | None, split_rows: int, halves: bool = False
) -> tuple[list[str], Any]:
    """The nodes and pairs now; ``halves``: read in two processes (or in one: asserted)."""
    generic = R.generic_labels(db, source)
    params = {"source": source, "generic": json.dumps(sorted(generic)), "at": None}
    with E.second_reader(db.conn, params, split_rows) as split:
        assert (split is not None) == halves
        nodes = [str(u) for (u,) in db.execute(E.present_sql(source), params)]
        index = {u: i for i, u in enumerate(nodes)}
        flat = E.now_pairs(db.conn, params, index, nodes, split)
    assert index == {u: i for i, u in enumerate(nodes)}
    return nodes, flat.reshape(-1, 2)


#: A second process that fails as it starts.
FAILING = "import sys; sys.exit('no second reader here')"


@pytest.mark.parametrize("source", [None, "a"])
def test_two_processes_give_the_nodes_and_pairs_of_one_scan(
    db: sqlite_utils.Database, source: str | None
) -> None:
    nodes, pairs = _read(db, source, split_rows=10**9)
    listed = R.edge_list(db, source)
    assert listed[0] == nodes and np.array_equal(listed[1], pairs)
    split_nodes, split_pairs = _read(db, source, split_rows=1, halves=True)
    assert split_nodes == nodes and np.array_equal(split_pairs, pairs)
    # what makes the merge worth testing: both halves reach nodes that are no present page,
    # some in both (numbered where the earlier half met them), some only in the later half
    low, high = db.execute("SELECT min(rowid), max(rowid) FROM graph_edges").fetchone()
    middle = (low - 1 + high) // 2
    present = db.execute(f"SELECT count(*) FROM ({E.present_sql(source)})", {"source": source})
    other = set(nodes[present.fetchone()[0] :])
    halves: list[set[str]] = [set(), set()]
    for rowid, target in db.execute("SELECT rowid, target FROM graph_edges WHERE present"):
        if target in other:
            halves[rowid > middle].add(target)
    assert halves[0] & halves[1] and halves[1] - halves[0]


def test_a_failed_second_reader_leaves_its_half_to_the_first(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    nodes, pairs = _read(db, None, split_rows=10**9)
    monkeypatch.setattr(E, "READER", FAILING)
    found = _read(db, None, split_rows=1, halves=True)
    assert found[0] == nodes and np.array_equal(found[1], pairs)
    assert "the second reader failed (exit code 1: no second reader here)" in caplog.text


def test_an_archive_in_memory_is_read_in_one_scan(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    memory = sqlite_utils.Database(memory=True)
    db.conn.backup(memory.conn)
    nodes, pairs = _read(db, None, split_rows=10**9)
    monkeypatch.setattr(E, "READER", FAILING)  # not asked: no file to read
    found = _read(memory, None, split_rows=1)
    assert found[0] == nodes and np.array_equal(found[1], pairs)
    assert "second reader" not in caplog.text


def test_the_second_reader_is_ended_when_the_first_fails(db: sqlite_utils.Database) -> None:
    params = {"source": None, "generic": "[]", "at": None}
    with pytest.raises(RuntimeError), E.second_reader(db.conn, params, 1) as split:
        assert split is not None and split.proc is not None
        raise RuntimeError("the present pages could not be read")
    assert split.proc.returncode is not None  # ended and waited for, not left running


def test_an_archive_whose_name_a_uri_would_misread_is_read_in_halves(
    db: sqlite_utils.Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    odd = sqlite_utils.Database(tmp_path / "Presse #2 ?ü 100%.db")
    db.conn.backup(odd.conn)
    nodes, pairs = _read(db, None, split_rows=10**9)
    found = _read(odd, None, split_rows=1, halves=True)
    assert found[0] == nodes and np.array_equal(found[1], pairs)
    assert "second reader" not in caplog.text  # read by it, not left to this process


def test_a_change_the_second_reader_cannot_see_leaves_it_to_this_process(
    db: sqlite_utils.Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Edges changed in a transaction not committed yet (the graph version bumped with
    them, as every change of graph_edges does): another process would read the table as
    it was, so its half is read here; a transaction that leaves the graph alone (the
    reindex of the ranking writes other tables first) is read in halves."""
    own = sqlite_utils.Database(tmp_path / "own.db")
    db.conn.backup(own.conn)
    before = _read(own, None, split_rows=10**9)
    own.execute("BEGIN")
    own.execute("DELETE FROM graph_cache")  # what a rebuild of the ranking writes first
    assert np.array_equal(_read(own, None, split_rows=1, halves=True)[1], before[1])
    assert "second reader" not in caplog.text
    own.execute("DELETE FROM graph_edges WHERE rowid % 3 = 0")
    graph_edges.forget_cached(own)  # the version bump of every change
    alone = _read(own, None, split_rows=10**9)
    inside = _read(own, None, split_rows=1, halves=True)
    assert inside[0] == alone[0] and np.array_equal(inside[1], alone[1])
    assert len(alone[1]) < len(before[1])
    assert "the second reader failed (exit code 1: ValueError: graph version" in caplog.text
    own.execute("ROLLBACK")
