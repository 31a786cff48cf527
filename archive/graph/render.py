"""A picture of the related-topic graph: one self-contained HTML page (or a PNG).

The page needs no network: positions are computed here (a seeded Fruchterman–Reingold
layout in plain Python, so no numpy), drawn as inline SVG, and a few lines of inline
JavaScript add a time slider (every moment the graph changed; nodes and links appear and
vanish as their spans say), hover details and wheel zoom. Without JavaScript the page still
shows the graph as of ``--at`` (or now), with native tooltips.

Nodes are coloured by kind and sized by degree; the layout covers every node and link
up to ``at``, so positions stay put while the slider moves. Over ``max_nodes`` the
best-connected nodes are kept.
"""

from __future__ import annotations

import html
import json
import math
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

import sqlite_utils

from archive.graph.model import generic_labels
from archive.graph.timeline import (
    LABEL_PREFIX,
    NODE_KINDS,
    GraphError,
    Timeline,
    at_bound,
    edge_counts,
    load_timeline,
)
from archive.outfile import check_output, replaced_on_success
from archive.store.schema import db_path
from crawler.errors import MissingDependency

COLOURS = {
    "press": "#4e79a7", "topic": "#f28e2b", "org": "#59a14f", "notice": "#e15759",
    "other": "#9c9c9c", "label": "#b07aa1",
}  # fmt: skip
WIDTH, HEIGHT = 1100.0, 720.0
SEED = 7


def history_graph(timeline: Timeline, at: str | None) -> dict[str, Any]:
    """Every node and link up to ``at`` with their spans: ``{"nodes": {id: {...}},
    "edges": [{source, target, rel, kind, label, spans}]}``."""
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


def layout(
    nodes: list[str], edges: list[tuple[str, str]], seed: int = SEED
) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold positions in [0, 1]², deterministic for a seed."""
    rng = random.Random(seed)
    n = len(nodes)
    if n == 0:
        return {}
    pos = {v: [rng.random(), rng.random()] for v in nodes}
    k = 1.0 / math.sqrt(n)
    iterations = max(30, min(200, 3_000_000 // max(n * n, 1)))
    temp = 0.1
    gravity = 0.08
    links = [(u, v) for u, v in edges if u != v and u in pos and v in pos]
    for _ in range(iterations):
        disp = {v: [0.0, 0.0] for v in nodes}
        for i, u in enumerate(nodes):
            pu, du = pos[u], disp[u]
            for v in nodes[i + 1 :]:
                pv = pos[v]
                dx, dy = pu[0] - pv[0], pu[1] - pv[1]
                d2 = dx * dx + dy * dy or 1e-9
                f = k * k / d2
                du[0] += dx * f
                du[1] += dy * f
                disp[v][0] -= dx * f
                disp[v][1] -= dy * f
        for u, v in links:
            pu, pv = pos[u], pos[v]
            dx, dy = pu[0] - pv[0], pu[1] - pv[1]
            d = math.sqrt(dx * dx + dy * dy) or 1e-9
            f = d / k
            disp[u][0] -= dx * f
            disp[u][1] -= dy * f
            disp[v][0] += dx * f
            disp[v][1] += dy * f
        for v in nodes:  # a little gravity keeps small components near the middle
            disp[v][0] += (0.5 - pos[v][0]) * gravity
            disp[v][1] += (0.5 - pos[v][1]) * gravity
            dx, dy = disp[v]
            d = math.sqrt(dx * dx + dy * dy) or 1e-9
            step = min(d, temp)
            pos[v][0] += dx / d * step
            pos[v][1] += dy / d * step
        temp = max(temp * 0.97, 0.002)
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    w, h = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    return {v: ((p[0] - min(xs)) / w, (p[1] - min(ys)) / h) for v, p in pos.items()}


def _visible(spans: list[list[str | None]] | None, t: str) -> bool:
    return any(str(s) <= t and (e is None or e > t) for s, e in spans or [])


def check_target(out: str | Path, archive: str | Path | None = None) -> Path:
    """``out`` if a drawing can be written there (``.html`` or ``.png``, a writable place,
    not the archive: :func:`archive.outfile.check_output`); else :class:`GraphError`."""
    out = check_output(out, GraphError, archive=archive)
    if out.suffix.lower() not in (".html", ".htm", ".png"):
        raise GraphError(f"{out}: --out must end in .html or .png")
    return out


def render(
    db: sqlite_utils.Database, out: str | Path, *, at: str | None = None,
    source: str | None = None, max_nodes: int = 400,
) -> dict[str, Any]:  # fmt: skip
    """Draw the graph up to ``at`` into ``out`` (``.html`` or ``.png``), written all or
    nothing and never over the archive (:func:`archive.outfile.check_output`)."""
    out = Path(out)
    suffix = out.suffix.lower()
    archive = db_path(db)
    check_target(out, archive)
    bound = at_bound(at)
    timeline = load_timeline(db, bound, source)
    data = history_graph(timeline, bound)
    degree: dict[str, int] = defaultdict(int)
    for e in data["edges"]:
        degree[e["source"]] += 1
        degree[e["target"]] += 1
    keep = sorted(data["nodes"], key=lambda v: (-degree[v], v))[:max_nodes]
    kept = set(keep)
    edges = [e for e in data["edges"] if e["source"] in kept and e["target"] in kept]
    pos = layout(sorted(kept), [(e["source"], e["target"]) for e in edges])
    times = timeline.times()
    now = times[-1] if times else ""
    with replaced_on_success(out, GraphError, archive=archive) as part:
        if suffix == ".png":
            _png(part, data["nodes"], edges, pos, degree, now)
        else:
            part.write_text(_html(data["nodes"], edges, pos, degree, times, now, bound), "utf-8")
    return {"nodes": len(kept), "edges": len(edges), "path": str(out), "times": len(times)}


def _radius(deg: int) -> float:
    return round(3.0 + 1.6 * math.sqrt(deg), 1)


def _html(
    nodes: dict[str, dict[str, Any]], edges: list[dict[str, Any]],
    pos: dict[str, tuple[float, float]], degree: dict[str, int], times: list[str], now: str,
    at: str | None,
) -> str:  # fmt: skip
    pad = 30.0
    xy = {v: (round(pad + x * (WIDTH - 2 * pad), 1), round(pad + y * (HEIGHT - 2 * pad), 1))
          for v, (x, y) in pos.items()}  # fmt: skip
    index = {v: i for i, v in enumerate(sorted(pos))}
    node_vis: dict[str, bool] = {}
    lines = []
    for i, e in enumerate(edges):
        vis = _visible(e["spans"], now)
        for end in (e["source"], e["target"]):
            node_vis[end] = node_vis.get(end, False) or vis
        (x1, y1), (x2, y2) = xy[e["source"]], xy[e["target"]]
        style = "" if vis else ' style="display:none"'
        dash = ' stroke-dasharray="3 3"' if e["rel"] == "body" else ""
        lines.append(f'<line id="e{i}" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"{dash}{style}/>')
    circles = []
    records = []
    for v in sorted(pos):
        n = nodes[v]
        vis = _visible(n["spans"], now) if n["spans"] is not None else node_vis.get(v, False)
        x, y = xy[v]
        tip = html.escape(f"{n['title']} [{n['kind']}]" + (f" · {n['label']}" if n["label"]
                                                             else ""))  # fmt: skip
        style = "" if vis else ' style="display:none"'
        circles.append(
            f'<circle id="n{index[v]}" cx="{x}" cy="{y}" r="{_radius(degree[v])}" '
            f'fill="{COLOURS.get(n["kind"], COLOURS["other"])}"{style}><title>{tip}</title>'
            "</circle>"
        )
        records.append({
            "id": v, "title": n["title"], "kind": n["kind"], "label": n["label"],
            "published": n["published"], "degree": degree[v], "spans": n["spans"],
        })  # fmt: skip
    payload = {
        "times": times, "now": now,
        "nodes": records,
        "edges": [{"s": index[e["source"]], "t": index[e["target"]], "rel": e["rel"],
                   "kind": e["kind"], "label": e["label"], "spans": e["spans"]} for e in edges],
    }  # fmt: skip
    legend = "".join(f'<span><i style="background:{COLOURS[k]}"></i>{k}</span>' for k in NODE_KINDS)
    data = script_json(payload)
    return _PAGE.format(
        width=int(WIDTH), height=int(HEIGHT), lines="\n".join(lines),
        circles="\n".join(circles), legend=legend, data=data, at=html.escape(at or "now"),
        last=max(len(times) - 1, 0), now=html.escape(now),
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


def _png(
    out: Path, nodes: dict[str, dict[str, Any]], edges: list[dict[str, Any]],
    pos: dict[str, tuple[float, float]], degree: dict[str, int], now: str,
) -> None:  # fmt: skip
    try:
        import matplotlib  # here: optional and slow to import, only for PNG

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise MissingDependency(
            "PNG needs matplotlib (pip install matplotlib); --out FILE.html needs nothing"
        ) from exc
    fig, ax = plt.subplots(figsize=(12, 8), dpi=100)
    for e in edges:
        if _visible(e["spans"], now):
            (x1, y1), (x2, y2) = pos[e["source"]], pos[e["target"]]
            ax.plot([x1, x2], [1 - y1, 1 - y2], color="#bbbbbb", linewidth=0.6, zorder=1)
    for v, (x, y) in pos.items():
        n = nodes[v]
        ax.scatter([x], [1 - y], s=(_radius(degree[v]) * 2) ** 2,
                   color=COLOURS.get(n["kind"], COLOURS["other"]), zorder=2)  # fmt: skip
    ax.set_axis_off()
    fig.savefig(out, format="png", bbox_inches="tight")
    plt.close(fig)


_PAGE = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8">
<title>pressarchive: related-topic graph</title>
<style>
body {{ font: 14px system-ui, sans-serif; margin: 0; background: #fafafa; color: #222; }}
header {{ padding: 8px 14px; display: flex; gap: 18px; align-items: center; flex-wrap: wrap; }}
header input[type=range] {{ width: 360px; }}
#legend span {{ margin-right: 10px; }}
#legend i {{ display: inline-block; width: 11px; height: 11px; border-radius: 50%;
  margin-right: 4px; vertical-align: -1px; }}
svg {{ background: #fff; border-top: 1px solid #ddd; display: block; }}
line {{ stroke: #b9b9b9; stroke-width: 1; }}
circle {{ stroke: #fff; stroke-width: 1; cursor: pointer; }}
circle.hot {{ stroke: #000; stroke-width: 2; }}
#info {{ position: fixed; right: 12px; bottom: 12px; max-width: 420px; background: #fff;
  border: 1px solid #ccc; padding: 8px 10px; display: none; }}
</style></head>
<body>
<header>
<strong>Related-topic graph</strong>
<label>as of <input id="slider" type="range" min="0" max="{last}" value="{last}">
<output id="when">{now}</output></label>
<span id="counts"></span>
<span id="legend">{legend}</span>
</header>
<svg id="graph" width="{width}" height="{height}" viewBox="0 0 {width} {height}"
 xmlns="http://www.w3.org/2000/svg" data-at="{at}">
<g id="edges">
{lines}
</g>
<g id="nodes">
{circles}
</g>
</svg>
<div id="info"></div>
<script type="application/json" id="graph-data">{data}</script>
<script>
(function () {{
  const data = JSON.parse(document.getElementById("graph-data").textContent);
  const slider = document.getElementById("slider"), when = document.getElementById("when");
  const counts = document.getElementById("counts"), info = document.getElementById("info");
  const svg = document.getElementById("graph");
  const on = (spans, t) => (spans || []).some(([s, e]) => s <= t && (e === null || e > t));
  if (data.times.length) {{
    let start = data.times.length - 1;
    const at = svg.dataset.at;
    if (at !== "now") {{ while (start > 0 && data.times[start] > at) start--; }}
    slider.value = start;
  }}
  function show() {{
    const t = data.times[+slider.value] || data.now;
    when.textContent = t;
    const lit = new Array(data.nodes.length).fill(false);
    let ne = 0, nn = 0;
    data.edges.forEach((e, i) => {{
      const v = on(e.spans, t);
      document.getElementById("e" + i).style.display = v ? "" : "none";
      if (v) {{ lit[e.s] = lit[e.t] = true; ne++; }}
    }});
    data.nodes.forEach((n, i) => {{
      const v = n.spans ? on(n.spans, t) : lit[i];
      document.getElementById("n" + i).style.display = v ? "" : "none";
      if (v) nn++;
    }});
    counts.textContent = nn + " nodes, " + ne + " links";
  }}
  slider.addEventListener("input", show);
  data.nodes.forEach((n, i) => {{
    const c = document.getElementById("n" + i);
    c.addEventListener("mouseenter", () => {{
      c.classList.add("hot");
      const links = data.edges.filter(e => e.s === i || e.t === i).length;
      info.textContent = n.title + " — " + n.kind + (n.label ? " · " + n.label : "") +
        (n.published ? " · " + n.published : "") + " · " + links + " links · " + n.id;
      info.style.display = "block";
    }});
    c.addEventListener("mouseleave", () => {{ c.classList.remove("hot");
      info.style.display = "none"; }});
    c.addEventListener("click", () => {{ if (n.id.startsWith("http")) window.open(n.id); }});
  }});
  let box = [0, 0, {width}, {height}];
  svg.addEventListener("wheel", ev => {{
    ev.preventDefault();
    const f = ev.deltaY > 0 ? 1.15 : 1 / 1.15, r = svg.getBoundingClientRect();
    const mx = box[0] + (ev.clientX - r.left) / r.width * box[2];
    const my = box[1] + (ev.clientY - r.top) / r.height * box[3];
    box = [mx - (mx - box[0]) * f, my - (my - box[1]) * f, box[2] * f, box[3] * f];
    svg.setAttribute("viewBox", box.join(" "));
  }}, {{ passive: false }});
  show();
}})();
</script>
</body></html>
"""


__all__ = ["COLOURS", "check_target", "history_graph", "layout", "render"]
