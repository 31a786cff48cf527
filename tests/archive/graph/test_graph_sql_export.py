"""``graph export`` streamed from SQL (:mod:`archive.graph.sql_export`) against the export
of the built graph (:func:`archive.graph.model.build_graph`): both files read with
networkx hold the same nodes, edges and attributes; the counts reported are those written."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import sqlite_utils

from archive.graph import model as G
from archive.graph.sql_export import export_rows
from archive.store.schema import open_archive
from tests.archive.graph import history
from tests.archive.test_graph import Archive, archive  # noqa: F401 - the fixture
from tests.support.cli import invoke


def _read(path: Path, fmt: str) -> Any:
    if fmt == "gexf":
        return nx.read_gexf(path)
    if fmt == "graphml":
        return nx.read_graphml(path)
    return nx.node_link_graph(json.loads(path.read_text(encoding="utf-8")))


def _content(g: Any) -> tuple[Any, ...]:
    """Nodes and edges with their attributes, order aside (GEXF: without the edge ids,
    which number edges in the order written)."""
    nodes = {str(n): dict(d) for n, d in g.nodes(data=True)}
    edges = Counter(
        json.dumps([str(u), str(v), str(k), {a: x for a, x in d.items() if a != "id"}],
                   sort_keys=True)
        for u, v, k, d in g.edges(keys=True, data=True)
    )  # fmt: skip
    return nodes, edges, dict(g.graph)


def same_exports(
    db: sqlite_utils.Database, folder: Path, at: str | None, source: str | None
) -> int:
    """Assert the streamed and the built exports read alike in every format; return the
    number of edges."""
    built = G.build_graph(db, at=at, source=source)
    for fmt in G.EXPORT_FORMATS:
        old, new = folder / f"old.{fmt}", folder / f"new.{fmt}"
        assert G.export_graph(built, fmt, old) == (built.number_of_nodes(),
                                                   built.number_of_edges())  # fmt: skip
        counts = G.export_graph(export_rows(db, source, at), fmt, new)
        a, b = _read(old, fmt), _read(new, fmt)
        assert _content(b) == _content(a), (fmt, at, source)
        assert counts == (a.number_of_nodes(), a.number_of_edges())
    return int(built.number_of_edges())


def test_streamed_exports_of_a_history_equal_the_built_ones(tmp_path: Path) -> None:
    db = history.build(tmp_path / "history.db")
    sizes = [same_exports(db, tmp_path, at, source)
             for at in (*history.ASK[1::2], None) for source in (None, "a")]  # fmt: skip
    assert len(set(sizes)) >= 3


@pytest.mark.slow
def test_streamed_exports_of_the_sample_archive_equal_the_built_ones(
    archive: Archive,  # noqa: F811
    tmp_path: Path,
) -> None:
    db = open_archive(archive.path)
    for at in (None, archive.before):
        assert same_exports(db, tmp_path, at, None) > 50
    out = tmp_path / "cli.gexf"
    result = invoke("graph", "export", "-o", str(out), "--db", str(archive.path))
    g = nx.read_gexf(out)
    assert f"{g.number_of_nodes()} nodes, {g.number_of_edges()} edges written" in result.stderr
