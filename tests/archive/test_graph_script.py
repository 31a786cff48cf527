"""The graph page (``graph render``): its embedded JSON survives any title, it draws the
graph ``graph export`` writes with the same counts, its slider walks publication dates,
clicks lead to the archived page on ``serve``, it fetches nothing, and in a headless
Chromium its script draws labels and writes the counts.

The archive is built from records (real SQLite, no crawl): four pages of two sources
saved at one time, then one page saved again later without one of its related links, so
the history holds an edge the graph "now" no longer has (the cause of the former
103 / 102 mismatch between the command and the page)."""

from __future__ import annotations

import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import sqlite_utils
from click.testing import CliRunner

from archive.cli.main import cli
from archive.graph.model import build_graph, load_timeline
from archive.graph.render import DEFAULT_SERVE_URL, history_graph, render
from archive.store.save import save_page
from archive.store.schema import open_archive
from crawler.records import Link
from tests.support.browser import CHROMIUM, chromium_flags
from tests.support.cli import invoke
from tests.support.factories import archive_with, extracted, fetch_result

BASE = "https://www.stadt.test/presse/"
TITLES = [
    "<!--<script>",
    "</script><script>alert(1)</script>",
    "Haushalt & Finanzen > 2024 <b>fett</b>",
    "Zeile\u2028Absatz\u2029Ende",
]
A, B, C, D = (f"{BASE}{name}.html" for name in ("a", "b", "c", "d"))
X = "https://www.stadt.test/extern/x.html"  # linked, never archived
PUBLISHED = {A: "2024-03-01", C: "2024-05-10", D: "2023-01-15"}  # B: a topic page, undated
LATER = "2024-07-01T00:00:00Z"


class _Scripts(HTMLParser):
    """Each <script> element's attributes and text, as an HTML parser splits them."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open = dict(attrs)
            self.scripts.append((self._open, ""))

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open = None


def embedded(page: str) -> tuple[str, dict[str, Any]]:
    """The page's ``graph-data`` element text and its JSON."""
    parser = _Scripts()
    parser.feed(page)
    parser.close()
    data_scripts = [text for attrs, text in parser.scripts if attrs.get("id") == "graph-data"]
    assert len(data_scripts) == 1 and len(parser.scripts) == 2  # the data, then the code
    return data_scripts[0], json.loads(data_scripts[0])


def test_titles_cannot_break_the_embedded_json(tmp_path: Path) -> None:
    pages = [
        extracted(f"{BASE}{i}.html", title=title, label="Finanzen", body="Text",
                  related=[], published="2025-02-01")
        for i, title in enumerate(TITLES)
    ]  # fmt: skip
    path = archive_with(tmp_path / "a.db", [("stadt", p) for p in pages])
    out = tmp_path / "graph.html"
    db = sqlite_utils.Database(path)
    try:
        render(db, out)
    finally:
        db.close()
    page = out.read_text("utf-8")
    text, data = embedded(page)
    # nothing in the element can change how an HTML parser reads it
    assert not {"<", ">", "&", "\u2028", "\u2029"} & set(text)
    start = page.index('id="graph-data">') + len('id="graph-data">')
    assert page[start : start + len(text) + len("</script>")] == text + "</script>"
    titles = {node["title"] for node in data["nodes"]}
    assert set(TITLES) <= titles


def _page(url: str, **fields: Any) -> Any:
    fields.setdefault("published", PUBLISHED.get(url))
    return extracted(url, title=f"Titel {url[-6:]}", body="Text", **fields)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    to_b, to_x = Link(B, "Thema B", kind="topic"), Link(X, "Extern X", kind="other")
    path = archive_with(tmp_path / "a.db", [
        ("nord", _page(A, label="Kultur", related=[to_b, to_x])),
        ("nord", _page(B, label="Kultur", page_type="topic")),
        ("sued", _page(C, label="Migration", related=[to_b])),
        ("sued", _page(D, related=[to_x])),
    ])  # fmt: skip
    db = open_archive(path)
    try:  # later, A's related box lost X: an edge of the history, not of the graph now
        page = _page(A, label="Kultur", related=[to_b])
        save_page(db, "nord", page, fetch_result(A, fetched_at=LATER))
    finally:
        db.close()
    return path


def _counts(output: str) -> tuple[int, int]:
    found = re.search(r"(\d+) nodes, (\d+) edges (drawn|written)", output)
    assert found, output
    return int(found[1]), int(found[2])


def test_page_counts_equal_the_command_and_the_export(archive: Path, tmp_path: Path) -> None:
    db = open_archive(archive)
    history = history_graph(load_timeline(db), None)
    g = build_graph(db)
    db.close()
    assert len(history["edges"]) > g.number_of_edges()  # the history holds a gone edge
    out, export = tmp_path / "g.html", tmp_path / "g.json"
    drawn = _counts(invoke("graph", "render", "--out", str(out), "--db", str(archive)).output)
    written = _counts(invoke("graph", "export", "--format", "json", "--out", str(export),
                             "--db", str(archive)).output)  # fmt: skip
    exported = json.loads(export.read_text("utf-8"))
    assert drawn == written == (len(exported["nodes"]), len(exported["edges"]))
    page = out.read_text("utf-8")
    _text, data = embedded(page)
    assert (len(data["nodes"]), len(data["edges"])) == drawn
    assert {n["id"] for n in data["nodes"]} == {n["id"] for n in exported["nodes"]}
    shown = re.search(r'<span id="counts" data-nodes="(\d+)" data-edges="(\d+)">([^<]*)<', page)
    assert shown and (int(shown[1]), int(shown[2])) == drawn
    assert shown[3] == f"{drawn[0]} nodes, {drawn[1]} edges"
    for source in ("nord", "sued"):  # the same for one source
        args = ("--source", source, "--db", str(archive))
        one = _counts(invoke("graph", "render", "--out", str(out), *args).output)
        assert one == _counts(invoke("graph", "export", "--format", "json", "--out",
                                     str(export), *args).output)  # fmt: skip
        assert one[0] < drawn[0]


def test_cut_to_max_nodes_says_of_how_many(archive: Path, tmp_path: Path) -> None:
    db = open_archive(archive)
    try:
        g = build_graph(db)
        info = render(db, tmp_path / "g.html", max_nodes=3)
    finally:
        db.close()
    assert info["nodes"] == 3 and info["total_nodes"] == g.number_of_nodes() > 3
    assert info["total_edges"] == g.number_of_edges() > info["edges"]
    _text, data = embedded((tmp_path / "g.html").read_text("utf-8"))
    assert len(data["nodes"]) == 3 and len(data["edges"]) == info["edges"]
    assert data["more"] == f" (of {info['total_nodes']} nodes, {info['total_edges']} edges)"


def test_the_slider_walks_publication_dates(archive: Path, tmp_path: Path) -> None:
    """Releases by their own date; undated nodes with the earliest dated node they are
    linked with; the slider's steps are exactly those days."""
    invoke("graph", "render", "--out", str(tmp_path / "g.html"), "--db", str(archive))
    _text, data = embedded((tmp_path / "g.html").read_text("utf-8"))
    nodes = {n["id"]: n for n in data["nodes"]}
    for url, day in PUBLISHED.items():
        assert nodes[url]["published"] == nodes[url]["from"] == day
    assert nodes[B]["published"] == "" and nodes[B]["from"] == min(PUBLISHED[A], PUBLISHED[C])
    assert nodes[X]["from"] == PUBLISHED[D]  # A no longer links X
    assert nodes["label:Kultur"]["from"] == PUBLISHED[A]
    assert nodes["label:Migration"]["from"] == PUBLISHED[C]
    assert data["dates"] == sorted(set(PUBLISHED.values()))
    assert nodes["label:Kultur"]["src"] == ["nord"] and nodes[X]["src"] == ["sued"]
    assert data["sources"] == ["nord", "sued"] and {"press", "topic", "label"} <= set(data["kinds"])


def test_clicks_open_the_archived_page_on_serve(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.html"
    for serve, prefix in (
        (None, DEFAULT_SERVE_URL),
        ("https://archiv.test:9/pa/", "https://archiv.test:9/pa"),
    ):
        extra = ["--serve-url", serve] if serve else []
        invoke("graph", "render", "--out", str(out), "--db", str(archive), *extra)
        _text, data = embedded(out.read_text("utf-8"))
        links = {n["id"]: n["href"] for n in data["nodes"]}
        for url in (A, B, C, D):
            assert links[url] == f"{prefix}/-/page?url={quote(url, safe='')}"
        assert links[X] is None and links["label:Kultur"] is None  # no archived page
    bad = CliRunner().invoke(cli, ["graph", "render", "--out", str(out), "--serve-url",
                                   "javascript:alert(1)", "--db", str(archive)])  # fmt: skip
    assert bad.exit_code == 2 and "--serve-url" in bad.output


def test_the_page_requests_nothing(archive: Path, tmp_path: Path) -> None:
    """No src/href/url()/@import anywhere in the file; the only addresses are in the
    data: the pages' own URLs (text) and the links to ``serve`` the script makes."""
    out = tmp_path / "g.html"
    invoke("graph", "render", "--out", str(out), "--db", str(archive))
    page = out.read_text("utf-8")
    text, data = embedded(page)
    outside = page.replace(text, "").replace('"http://www.w3.org/2000/svg"', "")  # a name
    assert not re.search(r"https?:|[\"'(=]\s*//", outside, re.I)
    assert not re.search(r"\b(src|href|action|srcset)\s*=|url\(|@import", page, re.I)
    assert all(n["href"] is None or n["href"].startswith(f"{DEFAULT_SERVE_URL}/-/page?url=")
               for n in data["nodes"])  # fmt: skip


def _chromium(tmp_path: Path, url: str, *args: str) -> str:
    flags = [
        *chromium_flags(tmp_path / "profile"), "--virtual-time-budget=5000",
        "--window-size=1200,800",
    ]  # fmt: skip
    run = subprocess.run([*flags, *args, url], capture_output=True, timeout=120)
    assert run.returncode == 0, run.stderr.decode(errors="replace")[-2000:]
    return run.stdout.decode("utf-8", errors="replace")


@pytest.mark.browser
@pytest.mark.slow
def test_headless_chromium_draws_labels_and_counts(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.html"
    drawn = _counts(invoke("graph", "render", "--out", str(out), "--db", str(archive)).output)
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium missing (apt-get install -y chromium)")
    dom = _chromium(tmp_path, out.as_uri(), "--dump-dom")
    counts = re.search(r'<span id="counts"[^>]*data-drawn="yes"[^>]*>([^<]*)<', dom)
    assert counts and counts[1] == f"{drawn[0]} nodes, {drawn[1]} edges"
    assert f'data-shown-nodes="{drawn[0]}"' in dom and f'data-shown-edges="{drawn[1]}"' in dom
    assert dom.count("<circle") == drawn[0] and dom.count("<line") == drawn[1]
    labels = re.findall(r'<text [^>]*class="lbl"[^>]*>([^<]*)<', dom)
    placed = re.search(r'<g id="labels" data-count="(\d+)"', dom)
    assert placed and len(labels) == int(placed[1]) == drawn[0]  # a small graph: all fit
    assert f'href="{DEFAULT_SERVE_URL}/-/page?url={quote(A, safe="")}"' in dom
    found = _chromium(tmp_path, out.as_uri() + "#find=Migration", "--dump-dom")
    assert re.search(r'<span id="found">1 of 1</span>', found)
    assert found.count('class="found"') == 1
    _text, data = embedded(out.read_text("utf-8"))
    until = data["dates"][1]
    for hide in ("label", "nord", ""):  # the page's filters == the documented rule
        nodes = [n["kind"] != hide and (not n["src"] or bool(set(n["src"]) - {hide}))
                 and (n["from"] is None or n["from"] <= until) for n in data["nodes"]]  # fmt: skip
        edges = [e for e in data["edges"] if nodes[e["s"]] and nodes[e["t"]]]
        dom = _chromium(tmp_path, f"{out.as_uri()}#until={until}&hide={hide}", "--dump-dom")
        counts = re.search(r'<span id="counts"[^>]*data-drawn="yes"[^>]*>([^<]*)<', dom)
        n, m = len(data["nodes"]), len(data["edges"])
        assert counts and counts[1] == f"{sum(nodes)} of {n} nodes, {len(edges)} of {m} edges shown"
        assert f"published up to {until}" in dom
        assert 0 < sum(nodes) < len(nodes)
    for width in (1200, 700):  # the canvas takes the window's width
        dom = _chromium(tmp_path, out.as_uri(), f"--window-size={width},600", "--dump-dom")
        assert f'<svg id="graph" width="{width}" height="' in dom
    shot = tmp_path / "shot.png"
    _chromium(tmp_path, out.as_uri(), f"--screenshot={shot}")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_layout_packs_components_apart_deterministically() -> None:
    """Each component in its own cell: their bounding boxes do not meet; the biggest comes
    first (top left) and is the largest; the same input gives the same positions."""
    from archive.graph.layout import components, layout

    nodes = [f"n{i}" for i in range(30)]
    edges = [(f"n{i}", f"n{j}") for i in range(12) for j in range(i + 1, 12) if (i + j) % 3]
    edges += [("n12", "n13"), ("n13", "n14"), ("n15", "n16")]
    parts = components(nodes, edges)
    assert [len(p) for p in parts[:3]] == [12, 3, 2] and len(parts) == 3 + 13
    pos = layout(nodes, edges)
    assert pos == layout(nodes, edges) and len(pos) == 30
    assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in pos.values())

    def box(part: list[str]) -> tuple[float, float, float, float]:
        xs, ys = [pos[v][0] for v in part], [pos[v][1] for v in part]
        return min(xs), min(ys), max(xs), max(ys)

    boxes = [box(p) for p in parts]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]
    big = boxes[0]
    assert (big[2] - big[0]) * (big[3] - big[1]) > 0.15 and big[0] < 0.2 and big[1] < 0.2


@pytest.mark.slow
def test_every_click_lands_on_the_archived_page_on_serve(archive: Path, tmp_path: Path) -> None:
    """``pressarchive serve`` on loopback answers every node link of the page with the
    release page of that node's URL."""

    import httpx

    from tests.support.datasette_server import free_port, running_serve

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    out = tmp_path / "g.html"
    invoke("graph", "render", "--out", str(out), "--serve-url", url, "--db", str(archive))
    _text, data = embedded(out.read_text("utf-8"))
    with running_serve(archive, port=port):
        linked = [n for n in data["nodes"] if n["href"]]
        assert {n["id"] for n in linked} == {A, B, C, D}
        for node in linked:
            answer = httpx.get(node["href"], timeout=30)
            assert answer.status_code == 200 and node["title"] in answer.text
