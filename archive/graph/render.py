"""A picture of the related-topic graph: one self-contained HTML page (or a PNG).

The page draws exactly the graph ``graph export`` writes for the same ``--at`` and
``--source`` (:func:`archive.graph.model.build_graph`: the pages present at that time, the
labels and linked pages they reach, the edges present), so the counts the command prints,
the page shows and the export holds are the same; over ``--max-nodes`` the best-connected
nodes are kept and all three say "N of M".

It needs no network: positions are computed here (:mod:`archive.graph.layout`, plain
Python), the script (``render.js``, read as package data) and the styles
are inline, and the data is JSON in a ``<script type="application/json">`` element
(:func:`script_json`). The canvas fills the window; the most important nodes (degree,
then PageRank) are labelled where a label fits without overlapping another; hover shows a
box kept inside the canvas; a search box finds a node by title or URL, highlights and
centres it; checkboxes filter by kind and source; a slider walks publication dates.

Publication dates: a release's own ``published`` day. A node without one (a label, a
linked page, a topic or org page) appears with the earliest dated node it is linked with
(a label with its first release, a linked page with the first release linking to it); a
node with no dated neighbour is always shown. A node without a source (labels, linked
pages) is shown while any source of its neighbours is ticked. An edge is drawn only while
both its ends are shown. A click on a node opens its archived page on ``pressarchive
serve`` (``--serve-url``, default :data:`DEFAULT_SERVE_URL`):
``/-/page?url=<percent-encoded URL>``; labels and never-archived linked pages have no page.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import defaultdict
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlite_utils

from archive.graph.analysis import pagerank
from archive.graph.layout import layout
from archive.graph.model import build_graph, generic_labels
from archive.graph.timeline import LABEL_PREFIX, NODE_KINDS, GraphError, Timeline, edge_counts
from archive.outfile import check_output, replaced_on_success
from archive.store.schema import db_path
from crawler.errors import InvalidValue, MissingDependency

COLOURS = {
    "press": "#4e79a7", "topic": "#f28e2b", "org": "#59a14f", "notice": "#e15759",
    "other": "#9c9c9c", "label": "#b07aa1", "phrase": "#edc948", "person": "#76b7b2",
    "organisation": "#ff9da7", "place": "#9c755f",
}  # fmt: skip
DEFAULT_SERVE_URL = "http://127.0.0.1:8001"
LABEL_CHARS = 40  # a label longer than this is cut, with "…"
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def history_graph(timeline: Timeline, at: str | None) -> dict[str, Any]:
    """Every node and link up to ``at`` with their spans: ``{"nodes": {id: {...}},
    "edges": [{source, target, rel, kind, label, spans}]}`` (the whole history, for the
    check that ``archive.indexes.graph_edges`` states the same edge rule)."""
    generic = generic_labels(timeline, at)
    nodes: dict[str, dict[str, Any]] = {}
    for url, hist in timeline.pages.items():
        a = hist.attrs
        nodes[url] = {"kind": a["kind"], "title": a["title"] or url, "label": a["label"],
                      "published": a["published"], "spans": hist.spans}  # fmt: skip
    edges = []
    for (src, target, rel), hist in timeline.edges.items():
        if not edge_counts(rel, target, hist.attrs.get("label", ""), timeline.pages, generic):
            continue
        if rel == "label":
            nodes.setdefault(target, {"kind": "label", "title": target[len(LABEL_PREFIX) :],
                                      "label": "", "published": "", "spans": None})  # fmt: skip
        elif target not in nodes:
            a = hist.attrs
            nodes[target] = {"kind": a["kind"], "title": a["title"] or target,
                             "label": a["label"], "published": "", "spans": None}  # fmt: skip
        edges.append({
            "source": src, "target": target, "rel": rel, "kind": hist.attrs.get("kind", ""),
            "label": hist.attrs.get("label", ""), "spans": hist.spans,
        })  # fmt: skip
    return {"nodes": nodes, "edges": edges}


def check_target(out: str | Path, archive: str | Path | None = None) -> Path:
    """``out`` if a drawing can be written there (``.html`` or ``.png``, a writable place,
    not the archive: :func:`archive.outfile.check_output`); else :class:`GraphError`."""
    out = check_output(out, GraphError, archive=archive)
    if out.suffix.lower() not in (".html", ".htm", ".png"):
        raise GraphError(f"{out}: --out must end in .html or .png")
    return out


def check_serve_url(url: str) -> str:
    """``url`` without a trailing slash if it is an http(s) address (where ``pressarchive
    serve`` runs); else :class:`~crawler.errors.InvalidValue`."""
    if not re.fullmatch(r"https?://[^\s/?#\"'<>]+(/[^\s?#\"'<>]*)?", url):
        raise InvalidValue(f"--serve-url {url!r}: an http(s) address such as {DEFAULT_SERVE_URL}")
    return url.rstrip("/")


def page_link(serve_url: str, url: str) -> str:
    """The archived release page of ``url`` on ``pressarchive serve`` at ``serve_url``."""
    return f"{serve_url}/-/page?url={quote(url, safe='')}"


def render(
    db: sqlite_utils.Database, out: str | Path, *, at: str | None = None,
    source: str | None = None, max_nodes: int = 400, serve_url: str = DEFAULT_SERVE_URL,
    text_topics: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """Draw the graph as of ``at`` into ``out`` (``.html`` or ``.png``), written all or
    nothing and never over the archive (:func:`archive.outfile.check_output`). Returns
    the counts drawn (``nodes``, ``edges``) and of the whole graph (``total_nodes``,
    ``total_edges``: those of ``graph export``), ``path`` and ``dates`` (slider steps)."""
    out = Path(out)
    archive = db_path(db)
    check_target(out, archive)
    serve_url = check_serve_url(serve_url)
    g = build_graph(db, at, source, text_topics=text_topics)
    drawing = drawing_data(g, max_nodes, serve_url)
    with replaced_on_success(out, GraphError, archive=archive) as part:
        if out.suffix.lower() == ".png":
            _png(part, drawing)
        else:
            part.write_text(page_html(drawing, at), "utf-8")
    return {"nodes": len(drawing["nodes"]), "edges": len(drawing["edges"]),
            "total_nodes": g.number_of_nodes(), "total_edges": g.number_of_edges(),
            "path": str(out), "dates": len(drawing["dates"])}  # fmt: skip


def _day(value: Any) -> str | None:
    text = str(value or "")[:10]
    return text if _DAY.fullmatch(text) else None


def _short(title: str) -> str:
    title = " ".join(title.split())
    return title if len(title) <= LABEL_CHARS else title[: LABEL_CHARS - 1].rstrip() + "…"


def drawing_data(g: Any, max_nodes: int, serve_url: str) -> dict[str, Any]:
    """What the page embeds: the kept nodes (layout position, kind, sources, dates,
    importance, archived-page link) and edges of ``g`` (a :func:`build_graph` graph)."""
    degree = dict(g.degree())
    rank = pagerank(g)
    keep = sorted(g, key=lambda v: (-degree[v], -rank.get(v, 0.0), v))[:max_nodes]
    index = {v: i for i, v in enumerate(sorted(keep))}
    edges = [(u, v, key) for u, v, key in g.edges(keys=True) if u in index and v in index]
    near: dict[str, set[str]] = defaultdict(set)
    for u, v, _key in edges:
        near[u].add(v)
        near[v].add(u)
    days = {v: _day(g.nodes[v].get("published")) for v in index}
    pos = layout(list(index), [(u, v) for u, v, _k in edges])
    nodes = []
    for v in index:
        a = g.nodes[v]
        src = [a["source"]] if a.get("source") else sorted(
            {g.nodes[u]["source"] for u in near[v] if g.nodes[u].get("source")})  # fmt: skip
        shown_from = days[v] or min((d for u in near[v] if (d := days[u])), default=None)
        archived = a.get("status") in ("archived", "removed") and a.get("url")
        x, y = pos[v]
        nodes.append({
            "id": v, "title": a.get("title") or v, "short": _short(a.get("title") or v),
            "kind": a.get("kind") or "other", "status": a.get("status", ""),
            "label": a.get("label", ""), "source": a.get("source", ""), "src": src,
            "published": days[v] or "", "from": shown_from, "x": round(x, 4), "y": round(y, 4),
            "r": round(3.0 + 1.6 * math.sqrt(degree[v]), 1), "degree": degree[v],
            "href": page_link(serve_url, v) if archived else None,
        })  # fmt: skip
    kinds = {n["kind"] for n in nodes}
    return {
        "nodes": nodes,
        "edges": [{"s": index[u], "t": index[v], "rel": key} for u, v, key in edges],
        "order": [index[v] for v in keep],  # most important first
        "kinds": [k for k in NODE_KINDS if k in kinds] + sorted(kinds - set(NODE_KINDS)),
        "sources": sorted({s for n in nodes for s in n["src"]}),
        "dates": sorted({n["from"] for n in nodes if n["from"]}),
        "colours": COLOURS,
        "total": [g.number_of_nodes(), g.number_of_edges()],
        "serve": serve_url,
    }


def _counts_text(drawing: dict[str, Any]) -> tuple[str, str]:
    """The page's counts ("N nodes, M edges") and what follows them when cut to
    ``--max-nodes`` (" of the graph's T nodes, U edges")."""
    n, m = len(drawing["nodes"]), len(drawing["edges"])
    total_n, total_m = drawing["total"]
    more = "" if (n, m) == (total_n, total_m) else f" (of {total_n} nodes, {total_m} edges)"
    return f"{n} nodes, {m} edges", more


def page_html(drawing: dict[str, Any], at: str | None) -> str:
    """The self-contained page for :func:`drawing_data`."""
    counts, more = _counts_text(drawing)
    script = files("archive.graph").joinpath("render.js").read_text("utf-8")
    if "</" in script or "<!--" in script:  # would end or re-mode the inline element
        raise GraphError("render.js must not contain '</' or '<!--'")
    return _PAGE.format(
        at=html.escape(at or "now"), counts=html.escape(counts + more),
        nodes=len(drawing["nodes"]), edges=len(drawing["edges"]),
        data=script_json({**drawing, "more": more}), script=script,
    )  # fmt: skip


#: Characters that could end or re-mode an inline ``<script>`` (``</script>``, ``<!--``,
#: ``<script``), or that some parsers take as line ends, written as JSON escapes instead.
_SCRIPT_UNSAFE = str.maketrans({c: f"\\u{ord(c):04x}" for c in "<>&\u2028\u2029"})


def script_json(value: Any) -> str:
    """``value`` as JSON to embed in a ``<script>`` element: no ``<``, ``>`` or ``&`` in
    it (each written as a ``\\u00XX`` escape, which ``JSON.parse`` reads back), so no
    title such as ``</script>`` or ``<!--<script>`` can end or change the element."""
    text = json.dumps(value, ensure_ascii=False)
    return text.translate(_SCRIPT_UNSAFE)


def _png(out: Path, drawing: dict[str, Any]) -> None:
    try:
        import matplotlib  # here: optional and slow to import, only for PNG

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise MissingDependency(
            "PNG needs matplotlib (pip install matplotlib); --out FILE.html needs nothing"
        ) from exc
    nodes = drawing["nodes"]
    fig, ax = plt.subplots(figsize=(14, 9), dpi=100)
    for e in drawing["edges"]:
        a, b = nodes[e["s"]], nodes[e["t"]]
        ax.plot([a["x"], b["x"]], [1 - a["y"], 1 - b["y"]], color="#bbbbbb", linewidth=0.6,
                zorder=1)  # fmt: skip
    for n in nodes:
        ax.scatter([n["x"]], [1 - n["y"]], s=(n["r"] * 1.3) ** 2, zorder=2,
                   color=COLOURS.get(n["kind"], COLOURS["other"]))  # fmt: skip
    taken: list[tuple[float, float, float, float]] = []
    for i in drawing["order"]:  # the most important first, none over another (estimated size)
        n = nodes[i]
        x, y, w, h = n["x"] + 0.006, 1 - n["y"] - 0.008, len(n["short"]) * 0.0042, 0.016
        if len(taken) >= 30 or any(x < a + c and a < x + w and y < b + d and b < y + h
                                   for a, b, c, d in taken):  # fmt: skip
            continue
        taken.append((x, y, w, h))
        ax.annotate(n["short"], (n["x"], 1 - n["y"]), xytext=(4, -3), fontsize=7, zorder=3,
                    textcoords="offset points")  # fmt: skip
    ax.set_axis_off()
    fig.savefig(out, format="png", bbox_inches="tight")
    plt.close(fig)


_PAGE = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pressarchive: related-topic graph</title>
<style>
html, body {{ height: 100%; }}
body {{ font: 14px system-ui, sans-serif; margin: 0; background: #fafafa; color: #222;
  display: flex; flex-direction: column; }}
header {{ padding: 6px 12px; display: flex; gap: 6px 16px; align-items: center;
  flex-wrap: wrap; flex: none; border-bottom: 1px solid #ddd; }}
header input[type=range] {{ width: 260px; vertical-align: middle; }}
header fieldset {{ border: 0; margin: 0; padding: 0; display: inline; }}
header label {{ margin-right: 8px; white-space: nowrap; }}
header i {{ display: inline-block; width: 11px; height: 11px; border-radius: 50%;
  margin: 0 4px 0 2px; vertical-align: -1px; }}
#found {{ color: #666; }}
#stage {{ position: relative; flex: 1; min-height: 240px; overflow: hidden; background: #fff; }}
#graph {{ position: absolute; left: 0; top: 0; width: 100%; height: 100%; }}
line {{ stroke: #bdbdbd; stroke-width: 1; }}
line.body {{ stroke-dasharray: 3 3; }}
circle {{ stroke: #fff; stroke-width: 1; cursor: pointer; }}
circle:hover, circle.found {{ stroke: #000; stroke-width: 2.5; }}
text.lbl {{ font: 12px system-ui, sans-serif; fill: #222; stroke: #fff; stroke-width: 3px;
  paint-order: stroke; pointer-events: none; }}
#tip {{ position: absolute; display: none; max-width: min(380px, 70%); background: #fff;
  border: 1px solid #bbb; border-radius: 4px; padding: 6px 8px; font-size: 13px;
  box-shadow: 0 2px 6px rgba(0, 0, 0, .15); overflow-wrap: anywhere; pointer-events: none; }}
#tip div {{ color: #555; margin-top: 2px; }}
</style></head>
<body>
<header>
<strong>Related-topic graph</strong> <span>as of {at}</span>
<span id="counts" data-nodes="{nodes}" data-edges="{edges}">{counts}</span>
<label>Find <input id="search" type="search" placeholder="title or URL"
 autocomplete="off"></label><span id="found"></span>
<label><input id="slider" type="range" min="0" max="0" value="0">
<output id="when"></output></label>
<button id="fit" type="button">Fit</button>
<fieldset id="kinds"><legend hidden>Kinds</legend></fieldset>
<fieldset id="sources"><legend hidden>Sources</legend></fieldset>
</header>
<div id="stage">
<svg id="graph" width="800" height="600" role="img" aria-label="related-topic graph">
<g id="edges"></g><g id="nodes"></g><g id="labels"></g>
</svg>
<div id="tip"></div>
<noscript><p>The drawing needs JavaScript; pressarchive graph export writes the same
graph for Gephi or networkx.</p></noscript>
</div>
<script type="application/json" id="graph-data">{data}</script>
<script>
{script}
</script>
</body></html>
"""


__all__ = [
    "COLOURS",
    "DEFAULT_SERVE_URL",
    "check_serve_url",
    "check_target",
    "drawing_data",
    "history_graph",
    "layout",
    "page_link",
    "render",
]
