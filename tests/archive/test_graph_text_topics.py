"""Key phrases and entities in the graph (issue 16, item 3): `--text-topics` on a real crawl
of the sample site, checked against the topic index and `graph neighbors`."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
import sqlite_utils

from archive.graph import model as G
from archive.graph.text_nodes import MIN_PAGES, TOP_PHRASES
from crawler.sample_site import SampleSite
from tests.support.cli import invoke
from tests.support.sample_crawl import crawl_sample

pytestmark = pytest.mark.slow
TEXT_KINDS = {"phrase", "person", "organisation", "place"}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("text-topics") / "archive.db"
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        crawl_sample(path, site)
    return path


def test_text_nodes_come_from_the_topic_index(archive: Path) -> None:
    db = sqlite_utils.Database(archive)
    plain, g = G.build_graph(db), G.build_graph(db, text_topics=True)
    text = {n for n, d in g.nodes(data=True) if d["kind"] in TEXT_KINDS}
    assert text and not text & set(plain.nodes)  # only with the flag
    assert set(plain.nodes) == set(g.nodes) - text
    mentions = [(u, v) for u, v, k in g.edges(keys=True) if k == "mentions"]
    assert {v for _u, v in mentions} == text
    per_node = Counter(v for _u, v in mentions)
    assert min(per_node.values()) >= MIN_PAGES  # a node connects at least two pages
    stored = {
        (page, "topic:" + key)
        for page, key in db.execute(
            "SELECT page_url, key FROM page_topics WHERE rank <= ?", [TOP_PHRASES]
        )  # fmt: skip
    } | {
        (page, f"{kind}:{key}")
        for page, kind, key in db.execute("SELECT page_url, kind, key FROM page_entities")
    }
    assert set(mentions) <= stored  # every mention is one the index holds
    for u, v in mentions:
        edge = g.edges[u, v, "mentions"]
        assert g.nodes[u]["status"] == "archived"
        assert edge["published"] == g.nodes[u]["published"]
        assert edge["first_seen"] == g.nodes[u]["first_seen"]
    # the ids are those graph neighbors takes: its pages include the graph's
    node = max(per_node, key=lambda n: (per_node[n], n))
    got = json.loads(invoke("graph", "neighbors", node, "--db", str(archive), "--json").output)
    listed = {n["id"] for n in got["neighbors"]}
    assert {u for u, v in mentions if v == node} <= listed


def test_every_edge_carries_the_publication_date_of_its_page(archive: Path) -> None:
    g = G.build_graph(sqlite_utils.Database(archive))
    dated = [(u, d) for u, _v, d in g.edges(data=True) if g.nodes[u].get("published")]
    assert dated and all(d["published"] == g.nodes[u]["published"] for u, d in dated)


def test_export_with_text_topics_counts_what_it_writes(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.json"
    args = ["graph", "export", "--format", "json", "--text-topics", "-o", str(out)]
    result = invoke(*args, "--db", str(archive))
    g = nx.node_link_graph(json.loads(out.read_text("utf-8")))
    assert f"{g.number_of_nodes()} nodes, {g.number_of_edges()} edges" in result.output
    kinds = Counter(d["kind"] for _n, d in g.nodes(data=True))
    assert kinds["phrase"] > 0 and kinds["person"] > 0
    plain = tmp_path / "plain.json"
    invoke("graph", "export", "--format", "json", "-o", str(plain), "--db", str(archive))
    assert not TEXT_KINDS & {n["kind"] for n in json.loads(plain.read_text("utf-8"))["nodes"]}


def test_label_topics_also_rise_and_fall(archive: Path) -> None:
    """`graph topics` (labels, the default) lists the labels rising and falling most, by
    the same rule as the text topics: mean pages per period, second half minus first."""
    data = json.loads(invoke("graph", "topics", "--db", str(archive), "--json").output)
    periods, half = data["periods"], len(data["periods"]) // 2
    assert data["rising"] and data["falling"]
    for row in data["rising"] + data["falling"]:
        series = [row["counts"].get(p, 0) for p in periods]
        first, second = series[:half], series[half:]
        expected = sum(second) / len(second) - sum(first) / len(first)
        assert row["change"] == pytest.approx(expected, abs=1e-3)
        assert not row["generic"]
    assert all(r["change"] > 0 for r in data["rising"])
    assert all(r["change"] < 0 for r in data["falling"])
    changes = [r["change"] for r in data["rising"]]
    assert changes == sorted(changes, reverse=True)
