"""The writers' fast path for edges given as flat tuples
(:attr:`archive.graph.export_model.Export.rows`, as
:func:`archive.graph.sql_export.export_rows` gives them) writes byte for byte the file the
per-dict path writes for the same edges: on a real SQLite archive (now and at past times,
one source and all) with awkward values written into it, and on hand-made rows with every
kind of value the writers treat apart (escapes, control characters, numbers, ``None``, ends
that are not strings, field names the writers add themselves)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from archive.graph import export_model as F
from archive.graph import model as G
from archive.graph.sql_export import export_rows
from tests.archive.graph import history


def _both(export: F.Export, folder: Path, fmt: str) -> tuple[bytes, bytes]:
    """The file written from the rows and the one written from the same edges as dicts."""
    assert export.rows is not None
    fast, slow = folder / f"fast.{fmt}", folder / f"slow.{fmt}"
    counts = G.export_graph(replace(export, written=[0, 0]), fmt, fast)
    assert G.export_graph(replace(export, rows=None, written=[0, 0]), fmt, slow) == counts
    return fast.read_bytes(), slow.read_bytes()


def _awkward(db: Any) -> None:
    """Titles, labels and dates that need escaping (or hold characters XML drops) on a few
    edges and pages of the history archive."""
    with db.conn:
        db.execute("UPDATE graph_edges SET title = 'A & B <\"x\">\x01 zwei' WHERE rowid % 3 = 0")
        db.execute("UPDATE graph_edges SET kind = 'k\ttab', date = '2025\n' WHERE rowid % 5 = 1")
        db.execute("UPDATE graph_edges SET position = 'p&q' WHERE rowid % 7 = 2")
        db.execute("UPDATE pages SET published = '2024 <b>' WHERE rowid % 4 = 0")


@pytest.mark.parametrize("awkward", [False, True])
def test_sql_rows_write_the_same_bytes_as_dicts(tmp_path: Path, awkward: bool) -> None:
    db = history.build(tmp_path / "history.db")
    if awkward:
        _awkward(db)
    edges = 0
    for at in (None, history.ASK[4], history.ASK[-1]):
        for source in (None, "a"):
            export = export_rows(db, source, at)
            for fmt in G.EXPORT_FORMATS:
                fast, slow = _both(export, tmp_path, fmt)
                assert fast == slow, (fmt, at, source)
            edges += len(list(export.edges()))
    assert edges > 100
    if awkward:  # the rows said clean hold nothing to escape; some are not clean
        export = export_rows(db)
        assert export.rows is not None
        said = [(clean, row) for clean, row in export.rows(True)]
        assert all(F.DIRTY.search(" ".join(map(str, row))) is None for ok, row in said if ok)
        assert any(ok for ok, _row in said) and not all(ok for ok, _row in said)


def _rows(fields: tuple[str, ...], lie: bool = False) -> F.Export:
    """An export of hand-made rows over ``fields`` (the first values vary, the rest are
    plain strings); ``lie``: never said clean (the writer checks every row)."""
    odd: list[Any] = ['a & "b"', "ü <i>", "x\x02y", "", None, 7, 2.5, True, "plain"]
    rows: list[tuple[Any, ...]] = []
    for i, value in enumerate(odd):
        values = [value, *[f"v{i}{j}" for j in range(len(fields) - 1)]]
        rows.append(("n1", f"n{i % 3}", f"k{i}", *values))
        rows.append(("n1", "n2", "k", *reversed(values)))
    rows += [(1, "n2", "k", *(["x"] * len(fields))), ("n1", 2.0, None, *([""] * len(fields)))]
    rows.append(("a&b", "n<2>", 'k"', *(["y"] * len(fields))))
    nodes = [("n0", {"title": "null"}), ("n1", {"title": "eins"}), ("n2", {"kind": "x"})]
    keys = {("category" if f == "label" else f): "string" for f in fields}

    def each(check: bool) -> list[tuple[bool, tuple[Any, ...]]]:
        return [(check and not lie and F.DIRTY.search(" ".join(map(str, row))) is None, row)
                for row in rows]  # fmt: skip

    return F.of_rows({"at": "now"}, {"title": "string", "kind": "string"}, keys,
                     lambda: nodes, each, fields)  # fmt: skip


@pytest.mark.parametrize(
    "fields",
    [
        ("rel", "kind", "label", "title", "position", "first_seen", "last_seen"),
        ("title",),
        ("label", "category"),  # the same name in the export: the per-dict path
        ("status", "first_seen", "last_seen"),  # GEXF: a removed edge's spell ends
        ("source", "rel"),  # JSON: a name the writer adds itself
        ("networkx_key", "first_seen"),
    ],
)
@pytest.mark.parametrize("lie", [False, True])
def test_hand_made_rows_write_the_same_bytes_as_dicts(
    tmp_path: Path, fields: tuple[str, ...], lie: bool
) -> None:
    export = _rows(fields, lie)
    for fmt in G.EXPORT_FORMATS:
        fast, slow = _both(export, tmp_path, fmt)
        assert fast == slow, fmt
        assert fast.count(b"n1") >= 10
