"""The related-topic graph against the sample site's ground truth, crawled over real HTTP.

One module-scoped archive: edition 1 crawled, then edition 2 (which swaps one related box
entry on the Lesesommer release: topic "Stadtbücherei" → org "Stadtbücherei Rüsselsheim").
Times for ``--at`` come from the archive itself (revisions' fetched_at), so no sleeps.
"""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import sqlite_utils
from click.testing import CliRunner

from archive.cli.main import cli
from archive.graph import model as G
from archive.graph.analysis import louvain, pagerank
from archive.store.migrations import MIGRATIONS, SqlSteps
from archive.store.schema import open_archive
from crawler.sample_site import SampleSite, ground_truth
from tests.support.browser import CHROMIUM, chromium_flags
from tests.support.cli import invoke as _run
from tests.support.sample_crawl import crawl_sample

#: Migration 5 (graph_views): the former ``graph_edges`` view, frozen.
_GRAPH_VIEWS = MIGRATIONS[4].apply
assert isinstance(_GRAPH_VIEWS, SqlSteps) and MIGRATIONS[4].name == "graph_views"

BASE = "http://www.ruesselsheim.test"
SEED = (
    f"{BASE}/presse/2025/"
    "2025-11-28-euro-fuer-vielfalt-und-teilhabe-land-hessen-staerkt-ruesselsheim-langfristig"
)
CHANGED = f"{BASE}/presse/2025/2025-03-19_stadtbuecherei-startet-lesesommer-anmeldung"
OLD_TARGET = f"{BASE}/kultur/stadtbuecherei"
NEW_TARGET = f"{BASE}/rathaus/verwaltung/stadtbuecherei"


@dataclass
class Archive:
    path: Path
    edition1: str  # the last fetch of the first crawl: edition 1 in force
    before: str  # the last moment before the changed related box was fetched
    after: str  # the fetch of the changed related box


_crawl = crawl_sample


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    path = tmp_path_factory.mktemp("graph") / "archive.db"
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        _crawl(path, site)
        db = sqlite_utils.Database(path)
        edition1 = db.execute("SELECT max(fetched_at) FROM revisions").fetchone()[0]
        db.close()
        site.edition = 2
        _crawl(path, site)
    db = sqlite_utils.Database(path)
    after = db.execute(
        "SELECT fetched_at FROM revisions WHERE page_url = ? AND revision = 2", [CHANGED]
    ).fetchone()[0]
    before = db.execute(
        "SELECT max(t) FROM (SELECT fetched_at AS t FROM revisions UNION ALL "
        "SELECT removed_at FROM revisions) WHERE t < ?",
        [after],
    ).fetchone()[0]
    db.close()
    yield Archive(path, edition1, before, after)


def _related(g: Any) -> set[tuple[str, str, str, str, str]]:
    return {
        (u, v, d["kind"], d["label"], d["date"])
        for u, v, d in g.edges(data=True)
        if d["rel"] == "related"
    }


def _truth(edition: int) -> set[tuple[str, str, str, str, str]]:
    return {
        (url, r["url"], r["kind"], r["label"] or "", r["date"] or "")
        for url, page in ground_truth(edition).items()
        for r in page["related"]
    }


def _edge_keys(g: Any) -> set[tuple[str, str, str]]:
    return {(u, v, d["rel"]) for u, v, d in g.edges(data=True)}


@pytest.mark.slow
def test_related_edges_are_the_related_boxes_of_each_edition(archive: Archive) -> None:
    db = open_archive(archive.path)
    first = G.build_graph(db, at=archive.edition1)
    assert _related(first) == _truth(1)
    assert _related(G.build_graph(db)) == _truth(2)
    titles = {(u, v): d["title"] for u, v, d in first.edges(data=True) if d["rel"] == "related"}
    for url, page in ground_truth(1).items():
        for r in page["related"]:
            assert titles[(url, r["url"])] == r["title"]


@pytest.mark.slow
def test_the_edition_2_related_box_change_shows_before_and_after(archive: Archive) -> None:
    db = open_archive(archive.path)
    before = G.build_graph(db, at=archive.before)
    after = G.build_graph(db, at=archive.after)
    assert _edge_keys(before) - _edge_keys(after) == {(CHANGED, OLD_TARGET, "related")}
    assert _edge_keys(after) - _edge_keys(before) == {(CHANGED, NEW_TARGET, "related")}
    new = after.get_edge_data(CHANGED, NEW_TARGET, key="related")
    assert (new["kind"], new["title"]) == ("org", "Stadtbücherei Rüsselsheim am Main")
    assert new["first_seen"] == archive.after
    old = before.get_edge_data(CHANGED, OLD_TARGET, key="related")
    assert (old["kind"], old["label"], old["title"]) == ("topic", "Kultur", "Stadtbücherei")
    # the body link to the topic page stays: only the related box changed
    assert after.has_edge(CHANGED, OLD_TARGET, key="body")


@pytest.mark.slow
def test_graph_edges_view_has_first_and_last_seen(archive: Archive) -> None:
    db = open_archive(archive.path)
    rows = {
        (r["target"], r["rel"]): r
        for r in db.query("SELECT * FROM graph_edges WHERE source = ?", [CHANGED])
    }
    old, new = rows[(OLD_TARGET, "related")], rows[(NEW_TARGET, "related")]
    assert old["present"] == 0 and old["ended_at"] == archive.after
    assert old["first_seen"] <= archive.edition1 == max(old["last_seen"], archive.edition1)
    assert new["present"] == 1 and new["ended_at"] is None
    assert new["first_seen"] == archive.after <= new["last_seen"]
    kinds = {r["kind"] for r in db.query("SELECT kind FROM graph_nodes")}
    assert {"press", "topic", "org", "notice", "label"} <= kinds
    n_view = db.execute(
        "SELECT count(*) FROM graph_edges WHERE present AND rel = 'related'"
    ).fetchone()[0]
    assert n_view == len(_truth(2))


@pytest.mark.slow
def test_graph_edges_table_kept_by_saves_equals_a_rebuild_and_the_old_view(
    archive: Archive, tmp_path: Path
) -> None:
    import shutil

    from archive.indexes import graph_edges as graph_table

    copy = tmp_path / "copy.db"
    shutil.copy(archive.path, copy)
    db = open_archive(copy)  # a copy: the module's archive stays as the crawls left it
    cols = ", ".join(graph_table.EDGE_COLUMNS)
    order = f"SELECT {cols} FROM {{}} ORDER BY source, target, rel"
    kept = db.execute(order.format("graph_edges")).fetchall()
    (view,) = [s for s in _GRAPH_VIEWS.statements if s.startswith("CREATE VIEW graph_edges ")]
    db.execute(view.replace("VIEW graph_edges", "TEMP VIEW old_graph_edges"))
    assert db.execute(order.format("old_graph_edges")).fetchall() == kept
    assert graph_table.rebuild(db) == len(kept)
    assert db.execute(order.format("graph_edges")).fetchall() == kept
    plan = " ".join(r[3] for r in db.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM graph_edges WHERE target = ?", [SEED]))  # fmt: skip
    assert "USING INDEX" in plan
    db.close()


@pytest.mark.slow
def test_neighbors_of_the_seed_list_topic_releases_and_org_units(archive: Archive) -> None:
    out = json.loads(_run("graph", "neighbors", SEED, "--db", str(archive.path), "--json").output)
    assert out["node"]["kind"] == "press"
    found = {(n["id"], n["kind"], n["label"]) for n in out["neighbors"] if n["direction"] == "out"}
    expected = {(r["url"], r["kind"], r["label"] or "") for r in ground_truth(2)[SEED]["related"]}
    assert expected <= found
    by_kind = {n["kind"]: n for n in out["neighbors"] if n["direction"] == "out"}
    assert by_kind["topic"]["title"].startswith("Landesprogramm WIR")
    assert by_kind["topic"]["label"] == "Migration"
    assert {n["kind"] for n in out["neighbors"] if n["direction"] == "out"} >= {"press", "org"}
    text = _run("graph", "neighbors", SEED, "--db", str(archive.path)).output
    assert "Landesprogramm WIR" in text and "(topic, Migration)" in text and "[org]" in text
    by_label = json.loads(
        _run("graph", "neighbors", "Migration", "--depth", "2", "--db", str(archive.path),
             "--json").output
    )  # fmt: skip
    assert SEED in {n["id"] for n in by_label["neighbors"]}


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_export_loads_in_networkx_and_at_differs_by_the_change(
    archive: Archive, tmp_path: Path, fmt: str
) -> None:
    db = open_archive(archive.path)
    loaded = {}
    for name, at in (("before", archive.before), ("after", archive.after)):
        out = tmp_path / f"{name}.{fmt}"
        _run("graph", "export", "--format", fmt, "--at", at, "-o", str(out),
             "--db", str(archive.path))  # fmt: skip
        g = nx.read_gexf(out) if fmt == "gexf" else nx.read_graphml(out)
        expected = G.build_graph(db, at=at)
        assert g.number_of_nodes() == expected.number_of_nodes()
        assert g.number_of_edges() == expected.number_of_edges()
        loaded[name] = g
    keys = {n: {(u, v, d["rel"]) for u, v, d in g.edges(data=True)} for n, g in loaded.items()}
    assert keys["before"] - keys["after"] == {(CHANGED, OLD_TARGET, "related")}
    assert keys["after"] - keys["before"] == {(CHANGED, NEW_TARGET, "related")}
    node = loaded["after"].nodes[SEED]
    assert node["kind"] == "press"
    if fmt == "gexf":
        assert node["label"].startswith("600.000 Euro")  # Gephi shows the title
        assert b'version="1.3"' in (tmp_path / "after.gexf").read_bytes()[:400]


@pytest.mark.slow
def test_export_json_is_node_link(archive: Archive) -> None:
    data = json.loads(_run("graph", "export", "--format", "json", "--db", str(archive.path)).output)
    g = nx.node_link_graph(data)  # networkx's defaults: the "edges" key
    built = G.build_graph(open_archive(archive.path))
    assert (g.number_of_nodes(), g.number_of_edges()) == (
        built.number_of_nodes(), built.number_of_edges())  # fmt: skip
    values = [v for item in data["nodes"] + data["edges"] for v in item.values()]
    assert all(v is not None and v != "" for v in values)
    assert not any("label" in item for item in data["nodes"] + data["edges"])
    assert g.nodes[SEED]["category"] == built.nodes[SEED]["label"]


@pytest.mark.slow
def test_topics_central_communities_path(archive: Archive) -> None:
    db = str(archive.path)
    topics = json.loads(_run("graph", "topics", "--by", "month", "--db", db, "--json").output)
    rows = {r["label"]: r for r in topics["topics"]}
    assert rows["Migration"]["total"] >= 2 and rows["Pressemitteilung"]["generic"]
    assert all(len(p) == 7 or p == "undated" for p in topics["periods"])
    central = json.loads(_run("graph", "central", "--top", "5", "--db", db, "--json").output)
    assert len(central) == 5 and central[0]["pagerank"] >= central[-1]["pagerank"]
    found = json.loads(_run("graph", "communities", "--db", db, "--json").output)
    assert sum(c["size"] for c in found) == G.build_graph(open_archive(db)).number_of_nodes()
    steps = json.loads(_run("graph", "path", SEED, "Migration", "--db", db, "--json").output)
    assert steps[0]["id"] == SEED and steps[-1]["id"] == "label:Migration"
    assert len(steps) == 3  # seed → topic page → its label


def test_pagerank_matches_networkx() -> None:
    from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

    g = nx.MultiDiGraph([(1, 2), (2, 3), (3, 1), (3, 4), (5, 1), (5, 4)])
    ours, theirs = pagerank(g), _pagerank_python(nx.DiGraph(g))
    assert all(abs(ours[k] - theirs[k]) < 1e-6 for k in theirs) and ours.keys() == theirs.keys()
    g.add_edge(3, 1)  # a second link counts twice
    assert pagerank(g)[1] > ours[1] and abs(sum(pagerank(g).values()) - 1) < 1e-9


@pytest.mark.slow
def test_errors_are_one_line_with_exit_codes(archive: Archive) -> None:
    db = str(archive.path)
    bad = CliRunner().invoke(cli, ["graph", "central", "--at", "soon", "--db", db])
    assert bad.exit_code == 2 and "--at 'soon'" in bad.output
    missing = CliRunner().invoke(cli, ["graph", "neighbors", "Nichtvorhanden", "--db", db])
    assert missing.exit_code == 7 and "Nichtvorhanden" in missing.output


@pytest.mark.browser
@pytest.mark.slow
def test_render_html_shows_in_a_headless_browser(archive: Archive, tmp_path: Path) -> None:
    """After edition 2 the history holds an edge the graph now lacks (the Lesesommer
    release's swapped related entry): the command, the export and the page still agree."""
    page, export = tmp_path / "graph.html", tmp_path / "graph.json"
    drawn = _run("graph", "render", "--out", str(page), "--db", str(archive.path)).output
    written = _run("graph", "export", "--format", "json", "--out", str(export),
                   "--db", str(archive.path)).output  # fmt: skip
    counts = drawn.split(" drawn")[0]
    assert counts == written.split(" written")[0] and " of " not in counts
    data = json.loads(export.read_text("utf-8"))
    assert counts == f"{len(data['nodes'])} nodes, {len(data['edges'])} edges"
    text = page.read_text("utf-8")
    assert f">{counts}</span>" in text and "http" not in text.split("<body>")[0]
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed")
    flags = [
        *chromium_flags(tmp_path / "profile"), "--window-size=1200,800",
        "--virtual-time-budget=5000",
    ]  # fmt: skip
    shot = tmp_path / "shot.png"
    subprocess.run([*flags, f"--screenshot={shot}", page.as_uri()], check=True,
                   capture_output=True, timeout=120)  # fmt: skip
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    dom = subprocess.run([*flags, "--dump-dom", page.as_uri()], check=True,
                         capture_output=True, timeout=120, text=True).stdout  # fmt: skip
    assert f'data-drawn="yes">{counts}</span>' in dom  # the script ran and counted
    assert dom.count("<circle") == int(counts.split()[0]) > 50
    assert dom.count('class="lbl"') >= 10  # the important nodes are labelled


@pytest.mark.slow
def test_render_png_needs_matplotlib(archive: Archive, tmp_path: Path) -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        result = CliRunner().invoke(
            cli, ["graph", "render", "--out", str(tmp_path / "g.png"), "--db", str(archive.path)]
        )
        assert result.exit_code == 9 and "matplotlib" in result.output
    else:
        _run("graph", "render", "--out", str(tmp_path / "g.png"), "--db", str(archive.path))
        assert (tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"


def test_louvain_finds_planted_clusters_deterministically() -> None:
    h = nx.Graph()
    for base in (0, 10, 20):
        h.add_edges_from((base + i, base + j) for i in range(6) for j in range(i + 1, 6))
    h.add_edges_from([(0, 10), (10, 20)])
    found = louvain(h, seed=1)
    assert sorted(map(sorted, found)) == [list(range(b, b + 6)) for b in (0, 10, 20)]
    karate = nx.karate_club_graph()
    ours = louvain(karate, seed=42)
    assert ours == louvain(karate, seed=42)
    assert nx.community.modularity(karate, ours) > 0.37  # networkx's Louvain: about 0.44


def test_streamed_exports_round_trip_awkward_values(tmp_path: Path) -> None:
    g = nx.MultiDiGraph(at="now", generic_labels="")
    g.add_node("a", kind="press", title='A & B <"x">\nzwei\x01', label=None, status="archived")
    g.add_node("b", kind="topic", title="Ü", label="Kultur", status="archived")
    g.add_edge("a", "b", key="related", rel="related", label="L & M", position=3, title=None)
    g.add_edge("a", "b", key="body", rel="body", label="", position=0, title="t")
    g.add_edge("a", 'c & <"d">', key="re<l>", rel="related")  # ends and key escaped too
    for fmt in ("gexf", "graphml"):
        G.export_graph(g, fmt, tmp_path / f"g.{fmt}")
        back = nx.read_gexf(tmp_path / "g.gexf") if fmt == "gexf" else nx.read_graphml(
            tmp_path / "g.graphml")  # fmt: skip
        assert sorted(back.edges(keys=True)) == [
            ("a", "b", "body"), ("a", "b", "related"), ("a", 'c & <"d">', "re<l>"),
        ]  # fmt: skip
        title = back.nodes["a"]["label" if fmt == "gexf" else "title"]
        assert title == 'A & B <"x">\nzwei'
        assert back.edges["a", "b", "related"]["position"] == 3
        assert back.edges["a", "b", "related"]["category"] == "L & M"  # one vocabulary
        assert "category" not in back.nodes["a"]  # None: absent, not ""
        assert "category" not in back.edges["a", "b", "body"]  # "": absent


def test_gexf_is_dynamic_with_spells(tmp_path: Path) -> None:
    """Gephi's timeline: every node and edge has a spell from first_seen; a removed page's
    spell ends at its last_seen; a node without first_seen has none."""
    g = nx.MultiDiGraph(at="now", generic_labels="")
    g.add_node("a", title="A", status="archived", first_seen="2025-01-02T10:00:00Z",
               last_seen="2025-03-01T10:00:00Z")  # fmt: skip
    g.add_node("b", title="B", status="removed", first_seen="2025-01-05T10:00:00Z",
               last_seen="2025-02-01T10:00:00Z")  # fmt: skip
    g.add_node("c", title="C", status="linked", first_seen="", last_seen="")
    g.add_edge("a", "b", key="related", rel="related", first_seen="2025-01-06T10:00:00Z")
    G.export_graph(g, "gexf", tmp_path / "g.gexf")
    text = (tmp_path / "g.gexf").read_text()
    assert 'mode="dynamic"' in text and 'timeformat="date"' in text
    back = nx.read_gexf(tmp_path / "g.gexf")
    assert back.graph["mode"] == "dynamic"
    assert back.nodes["b"]["spells"] == [("2025-01-05T10:00:00Z", "2025-02-01T10:00:00Z")]
    assert "spells" not in back.nodes["c"]
    ns = {"g": "http://gexf.net/1.3"}
    root = ET.parse(tmp_path / "g.gexf").getroot()

    def spells(tag: str) -> list[list[dict[str, str]]]:
        return [[dict(s.attrib) for s in el.iterfind("g:spells/g:spell", ns)]
                for el in root.iterfind(f".//g:{tag}", ns)]  # fmt: skip

    assert spells("node") == [
        [{"start": "2025-01-02T10:00:00Z"}],  # present: open-ended
        [{"start": "2025-01-05T10:00:00Z", "end": "2025-02-01T10:00:00Z"}],  # removed
        [],  # never archived: no time known
    ]
    assert spells("edge") == [[{"start": "2025-01-06T10:00:00Z"}]]


@pytest.mark.slow
def test_graph_edges_sql_follows_the_python_edge_rule(archive: Archive) -> None:
    """``archive.indexes.graph_edges`` states :func:`edge_counts` in SQL (without the generic
    label skip): over the whole history both keep the same edges."""
    from archive.graph.render import history_graph
    from archive.graph.timeline import load_timeline

    db = open_archive(archive.path)
    timeline = load_timeline(db)
    generic = G.generic_labels(timeline, None)
    rows = db.execute("SELECT source, target, rel, label FROM graph_edges").fetchall()
    sql = {(s, t, rel) for s, t, rel, label in rows if rel != "label" or label not in generic}
    python = {(e["source"], e["target"], e["rel"]) for e in history_graph(timeline, None)["edges"]}
    assert {rel for _s, _t, rel in python} == {"related", "body", "label"}
    assert sql == python
    db.close()
