"""The related-topic graph: pages, labels and the links between them, at any point in time.

Nodes are archived pages (``kind`` press, topic, org, notice, other — from ``page_type``),
URLs that pages link to but the archive does not hold at that time (``status`` "linked",
``kind`` from the teaser), and labels ("Migration", "Wahlen": id ``label:Migration``,
``kind`` label). Edges (a :class:`networkx.MultiDiGraph`, key = ``rel``):

- ``related``: an entry of a page's related box, with the teaser's ``kind``, ``label``,
  ``title``, ``date`` and ``position``;
- ``body``: a link in the text to another page the archive holds at that time;
- ``label``: a page → its own label. Labels carried by more than :data:`GENERIC_SHARE` of
  the pages (and at least :data:`GENERIC_MIN` of them, e.g. "Pressemitteilung") say what
  kind of page it is, not its topic: they stay a node attribute and get no node.

Time: everything is rebuilt from ``revisions`` / ``revision_links``. An edge is present at
``T`` iff the source page's revision in force at ``T`` (the last one fetched at or before
``T``) contains it and the page was not removed at ``T``. On each edge and page node:

- ``first_seen``: fetch time of the first revision containing it;
- ``last_seen``: fetch time of the last revision containing it; while it is still present,
  the end of the source's latest successful crawl run (every run re-checks every known
  page, so the page was confirmed unchanged then) if that is later;
- ``ended_at`` (history only): when it was first seen gone (next revision without it, or
  the page's removal); empty while present.

The same semantics in SQL for Datasette: the table ``graph_edges`` (kept current on every
save and at the end of each successful run, archive/graph_table.py; a view until migration
``graph_edges_table``) and the view ``graph_nodes`` (:data:`VIEWS_SQL`, created by the
schema migration ``graph_views``).
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import networkx as nx
import sqlite_utils

from archive.graph.formats import write_gexf, write_graphml, write_json
from crawler.errors import GraphError, NodeNotFound

#: Node kinds, in legend order; ``kind`` of an archived page comes from its page_type.
NODE_KINDS = ("press", "topic", "org", "notice", "other", "label")
KIND_OF_TYPE = {"press_release": "press", "org_unit": "org", "topic": "topic", "notice": "notice"}
LABEL_PREFIX = "label:"
GENERIC_SHARE = 0.25
GENERIC_MIN = 10
EDGE_RELS = ("related", "body", "label")
EXPORT_FORMATS = ("graphml", "gexf", "json")
_END = "9999-12-31T23:59:59Z"  # "now": later than every stored time


#: Datasette views (migration ``graph_views``): one row per revision of a page with its
#: span, one row per edge per revision containing it, the edges with first/last seen, and
#: the nodes (every label here, generic or not; linked URLs the archive never held).
VIEWS_SQL = (
    """CREATE VIEW graph_revision_spans AS
SELECT page_url, revision, label, replace(fetched_at, '+00:00', 'Z') AS valid_from,
  replace(coalesce(removed_at, lead(fetched_at) OVER (PARTITION BY page_url ORDER BY revision)),
    '+00:00', 'Z') AS valid_to
FROM revisions""",
    """CREATE VIEW graph_edge_spans AS
SELECT l.page_url AS source, l.url AS target, l.rel, l.kind, l.label, l.title, l.date,
  l.position, l.revision, s.valid_from, s.valid_to
FROM revision_links l
JOIN graph_revision_spans s ON s.page_url = l.page_url AND s.revision = l.revision
WHERE l.url != l.page_url
  AND (l.rel = 'related' OR (l.rel = 'body' AND l.url IN (SELECT url FROM pages)))
UNION ALL
SELECT page_url, 'label:' || label, 'label', NULL, label, NULL, NULL, NULL, revision,
  valid_from, valid_to
FROM graph_revision_spans WHERE label IS NOT NULL AND label != ''""",
    """CREATE VIEW graph_edges AS
SELECT source, target, rel, kind, label, title, date, position, first_seen,
  CASE WHEN present THEN max(last_fetch, coalesce((
    SELECT max(replace(c.finished_at, '+00:00', 'Z')) FROM crawl_runs c
    JOIN pages p ON p.source = c.source WHERE p.url = e.source AND c.status = 'ok'), ''))
  ELSE last_fetch END AS last_seen,
  CASE WHEN present THEN NULL ELSE ended END AS ended_at, present
FROM (
  SELECT *, row_number() OVER (PARTITION BY source, target, rel
      ORDER BY revision DESC, position) AS rn,
    min(valid_from) OVER w AS first_seen, max(valid_from) OVER w AS last_fetch,
    max(valid_to IS NULL) OVER w AS present, max(valid_to) OVER w AS ended
  FROM graph_edge_spans WINDOW w AS (PARTITION BY source, target, rel)
) AS e WHERE rn = 1""",
    """CREATE VIEW graph_nodes AS
SELECT url AS id, CASE page_type WHEN 'press_release' THEN 'press' WHEN 'org_unit' THEN 'org'
    WHEN 'topic' THEN 'topic' WHEN 'notice' THEN 'notice' ELSE 'other' END AS kind,
  CASE WHEN removed_at IS NULL THEN 'archived' ELSE 'removed' END AS status, title, label,
  source, published, first_seen, removed_at
FROM pages
UNION ALL
SELECT 'label:' || label, 'label', 'label', label, label, NULL, NULL, min(first_seen), NULL
FROM pages WHERE label IS NOT NULL AND label != '' GROUP BY label
UNION ALL
SELECT url, coalesce(max(kind), 'other'), 'linked', max(title), NULL, NULL, NULL, NULL, NULL
FROM revision_links WHERE rel = 'related' AND url NOT IN (SELECT url FROM pages) GROUP BY url""",
)


def create_views(db: sqlite_utils.Database) -> None:
    """Create the graph views (the schema migration ``graph_views`` calls this)."""
    for sql in VIEWS_SQL:
        db.execute(sql)


# --------------------------------------------------------------------------- time


def at_bound(at: str | None) -> str | None:
    """The latest stored time counted as "at or before ``at``" (``YYYY-MM-DD``: the whole
    day; an ISO time as given); ``None`` stays ``None`` (now)."""
    if at is None or not at.strip():
        return None
    at = at.strip()
    try:
        datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError as exc:
        raise GraphError(f"--at {at!r}: expected YYYY-MM-DD or an ISO time") from exc
    return at + "T23:59:59.999999Z" if len(at) == 10 else at


def _norm_time(value: str | None) -> str | None:
    return value.replace("+00:00", "Z") if value else value


# --------------------------------------------------------------------------- timeline


@dataclass(slots=True)
class History:
    """One page, edge or label membership over time: spans ``[start, end)`` (end ``None``
    = still present at the horizon) and the attributes of its latest revision."""

    attrs: dict[str, Any]
    spans: list[list[str | None]] = field(default_factory=list)
    first_seen: str = ""
    last_at: str = ""  # fetch time of the latest revision containing it
    _last_rev: int = 0

    def add(self, revision: int, start: str, end: str | None, attrs: dict[str, Any]) -> None:
        if self.spans and revision == self._last_rev:
            return  # the same target twice in one revision: keep the first
        if not self.spans:
            self.first_seen = start
        if self.spans and self.spans[-1][1] == start:
            self.spans[-1][1] = end
        else:
            self.spans.append([start, end])
        self.attrs, self.last_at, self._last_rev = attrs, start, revision

    def present(self, at: str | None) -> bool:
        end = self.spans[-1][1] if self.spans else ""
        return end is None or (at is not None and end > at)

    @property
    def ended_at(self) -> str | None:
        return self.spans[-1][1] if self.spans else None


@dataclass
class Timeline:
    """Pages, edges and label memberships of the archive up to ``until`` (``None``: now)."""

    until: str | None
    pages: dict[str, History]
    edges: dict[tuple[str, str, str], History]
    confirmed: dict[str, list[str]]  # source -> finished_at of its successful runs, sorted

    def confirmed_at(self, source: str, at: str | None) -> str:
        times = self.confirmed.get(source, [])
        i = len(times) if at is None else bisect_right(times, at)
        return times[i - 1] if i else ""

    def times(self) -> list[str]:
        """Every moment the graph changed (revision fetches and removals), sorted."""
        found: set[str] = set()
        for hist in [*self.pages.values(), *self.edges.values()]:
            for start, end in hist.spans:
                found.add(str(start))
                if end:
                    found.add(end)
        return sorted(found)


def load_timeline(
    db: sqlite_utils.Database, until: str | None = None, source: str | None = None
) -> Timeline:
    """Read revisions (fetched at or before ``until``) and their links into a timeline."""
    until = at_bound(until)
    horizon = until or _END
    where, params = "r.fetched_at <= :t", {"t": horizon, "source": source}
    if source:
        where += " AND p.source = :source"
    pages: dict[str, History] = {}
    spans: dict[tuple[str, int], tuple[str, str | None]] = {}
    edges: dict[tuple[str, str, str], History] = {}
    shared: dict[str, str] = {}  # one object per distinct URL / title / label (memory)

    def one(text: str | None, default: str = "") -> str:
        text = text or default
        return shared.setdefault(text, text)

    sql = (
        "SELECT r.page_url, r.revision, r.fetched_at, r.removed_at, r.page_type, r.label, "
        "r.title, r.published, p.source, lead(r.fetched_at) OVER "
        "(PARTITION BY r.page_url ORDER BY r.revision) AS next_at FROM revisions r "
        f"JOIN pages p ON p.url = r.page_url WHERE {where} ORDER BY r.page_url, r.revision"
    )
    for url, rev, fetched, removed, ptype, label, title, published, src, next_at in db.execute(
        sql, params
    ):
        url = one(url)
        fetched = str(_norm_time(fetched))
        end = _norm_time(removed) or _norm_time(next_at)
        spans[(url, rev)] = (fetched, end)
        attrs = {
            "kind": KIND_OF_TYPE.get(ptype or "", "other"), "page_type": one(ptype),
            "title": title or "", "label": one(label), "source": one(src),
            "published": published or "",
        }  # fmt: skip
        pages.setdefault(url, History(attrs)).add(rev, fetched, end, attrs)
        if label:
            key = (url, one(LABEL_PREFIX + label), "label")
            edges.setdefault(key, History({})).add(rev, fetched, end, {"label": attrs["label"]})
    link_sql = (
        "SELECT l.page_url, l.revision, l.rel, l.position, l.url, l.title, l.kind, l.label, "
        "l.date FROM revision_links l WHERE l.rel IN ('related', 'body') "
        "ORDER BY l.page_url, l.revision, l.rel, l.position"
    )
    for url, rev, rel, pos, target, title, kind, label, date in db.execute(link_sql):
        span = spans.get((url, rev))
        if span is None or target == url:
            continue
        attrs = {
            "kind": one(kind, "other"), "label": one(label), "title": one(title),
            "date": one(date), "position": int(pos or 0),
        }  # fmt: skip
        key = (one(url), one(target), "related" if rel == "related" else "body")
        hist = edges.get(key)
        if hist is None:
            hist = edges[key] = History(attrs)
        hist.add(rev, span[0], span[1], attrs)
    confirmed: dict[str, list[str]] = defaultdict(list)
    for src, finished in db.execute(
        "SELECT source, finished_at FROM crawl_runs WHERE status = 'ok' AND finished_at IS NOT "
        "NULL ORDER BY finished_at"
    ).fetchall():
        confirmed[src].append(str(_norm_time(finished)))
    return Timeline(until, pages, edges, dict(confirmed))


# --------------------------------------------------------------------------- graph


def generic_labels(timeline: Timeline, at: str | None, share: float = GENERIC_SHARE) -> set[str]:
    """Labels carried by more than ``share`` of the pages present at ``at``."""
    present = [h for h in timeline.pages.values() if h.present(at)]
    counts = Counter(h.attrs["label"] for h in present if h.attrs["label"])
    limit = max(share * len(present), GENERIC_MIN - 1)
    return {label for label, n in counts.items() if n > limit}


def graph_at(timeline: Timeline, at: str | None = None, share: float = GENERIC_SHARE) -> Any:
    """The graph as it was at ``at`` (a bound from :func:`at_bound`; ``None``: the horizon)."""
    at = at or timeline.until
    generic = generic_labels(timeline, at, share)
    g = nx.MultiDiGraph(at=at or "now", generic_labels="; ".join(sorted(generic)))
    confirmed = {src: timeline.confirmed_at(src, at) for src in timeline.confirmed}
    for url, hist in timeline.pages.items():
        if hist.present(at):
            last = max(hist.last_at, confirmed.get(hist.attrs["source"], ""))
            g.add_node(url, **hist.attrs, status="archived", url=url,
                       first_seen=hist.first_seen, last_seen=last)  # fmt: skip
    g.add_edges_from(_present_edges(g, timeline, at, generic, confirmed))
    for node, data in g.nodes(data=True):
        if data["kind"] == "label":
            firsts = [d["first_seen"] for _s, _t, d in g.in_edges(node, data=True)]
            data["first_seen"] = min(firsts, default="")
    return g


def _present_edges(
    g: Any, timeline: Timeline, at: str | None, generic: set[str], confirmed: dict[str, str]
) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """The edges of :func:`graph_at` as ``(source, target, rel, attributes)``; adds the
    label and linked nodes they reach to ``g`` on the way."""
    nodes = g.nodes
    for (src, target, rel), hist in timeline.edges.items():
        if src not in nodes or not hist.present(at):
            continue
        if rel == "body" and target not in nodes:
            continue  # body links count only between pages the archive holds
        if rel == "label":
            name = hist.attrs["label"]
            if name in generic:
                continue
            if target not in nodes:
                g.add_node(target, kind="label", status="label", title=name, label=name,
                           url="", page_type="", source="", published="",
                           first_seen=hist.first_seen, last_seen="")  # fmt: skip
        elif target not in nodes:
            _add_linked_node(g, timeline, target, hist.attrs)
        last = max(hist.last_at, confirmed.get(nodes[src]["source"], ""))
        yield src, target, rel, {"rel": rel, **_edge_attrs(hist, rel),
                                 "first_seen": hist.first_seen, "last_seen": last}  # fmt: skip


def _edge_attrs(hist: History, rel: str) -> dict[str, Any]:
    if rel != "label":
        return hist.attrs
    return {"kind": "", "label": hist.attrs["label"], "title": "", "date": "", "position": 0}


def _add_linked_node(g: Any, timeline: Timeline, url: str, link: dict[str, Any]) -> None:
    page = timeline.pages.get(url)
    if page is not None:  # archived once, removed (or not yet fetched) at this time
        g.add_node(url, **page.attrs, status="removed", url=url,
                   first_seen=page.first_seen, last_seen=page.last_at)  # fmt: skip
        return
    g.add_node(url, kind=link.get("kind") or "other", status="linked", title=link.get("title")
               or url, label="", url=url, page_type="", source="", published="",
               first_seen="", last_seen="")  # fmt: skip


def build_graph(
    db: sqlite_utils.Database, at: str | None = None, source: str | None = None,
    share: float = GENERIC_SHARE,
) -> Any:  # fmt: skip
    """The graph of the archive (or one source) as it was at ``at`` (default: now)."""
    bound = at_bound(at)
    return graph_at(load_timeline(db, bound, source), bound, share)


# --------------------------------------------------------------------------- queries


def find_node(g: Any, query: str, db: sqlite_utils.Database | None = None) -> str:
    """The node for a URL (or an alias of one), ``label:NAME``, a label or a page title
    (exact, else a unique substring; case-insensitive)."""
    q = query.strip()
    if q in g:
        return q
    if db is not None and q.startswith(("http://", "https://")):
        row = db.execute("SELECT canonical_url FROM aliases WHERE url = ?", [q]).fetchone()
        if row and row[0] in g:
            return str(row[0])
    if LABEL_PREFIX + q in g:
        return LABEL_PREFIX + q
    folded = q.casefold()
    for kind_first in (True, False):
        exact = [n for n, d in g.nodes(data=True) if str(d.get("title", "")).casefold() == folded
                 and (d.get("kind") == "label") == kind_first]  # fmt: skip
        if len(exact) == 1:
            return str(exact[0])
    partial = sorted(n for n, d in g.nodes(data=True) if folded in str(d["title"]).casefold())
    if len(partial) == 1:
        return str(partial[0])
    if partial:
        names = "; ".join(f"{g.nodes[n]['title']} <{n}>" for n in partial[:5])
        raise NodeNotFound(f"{query!r} matches {len(partial)} nodes: {names}")
    raise NodeNotFound(f"{query!r}: no page or label in the graph at {g.graph.get('at')}")


def node_info(g: Any, node: str) -> dict[str, Any]:
    data = g.nodes[node]
    keys = ("kind", "status", "title", "label", "source", "published", "first_seen", "last_seen")
    return {"id": node, **{k: data.get(k, "") for k in keys}, "degree": g.degree(node)}


def neighbors(g: Any, node: str, depth: int = 1) -> list[dict[str, Any]]:
    """Nodes within ``depth`` links of ``node`` (either direction), nearest first; each with
    the edge it was reached by (``from``, ``direction`` out/in, ``rel``, teaser ``kind``,
    ``label``, ``date``, ``position``)."""
    seen, frontier, out = {node}, [node], []
    for distance in range(1, depth + 1):
        nxt: list[str] = []
        for here in frontier:
            steps = [(t, "out", d) for _s, t, d in g.out_edges(here, data=True)]
            steps += [(s, "in", d) for s, _t, d in g.in_edges(here, data=True)]
            steps.sort(key=lambda s: (s[1] == "in", EDGE_RELS.index(s[2]["rel"]),
                                      s[2]["position"], s[0]))  # fmt: skip
            for other, direction, data in steps:
                if other in seen:
                    continue
                seen.add(other)
                nxt.append(other)
                info = node_info(g, other)
                out.append({
                    **info, "node_kind": info.pop("kind"), "node_label": info.pop("label"),
                    "distance": distance, "from": here, "direction": direction,
                    "rel": data["rel"], "kind": data["kind"], "label": data["label"],
                    "teaser_title": data["title"], "date": data["date"],
                    "position": data["position"],
                })  # fmt: skip
        frontier = nxt
    return out


def pagerank(g: Any, alpha: float = 0.85, tol: float = 1.0e-10, max_iter: int = 200) -> dict:
    """PageRank by power iteration in plain Python (networkx's default needs scipy);
    parallel edges add weight; dangling nodes spread evenly, as in networkx."""
    n = g.number_of_nodes()
    if n == 0:
        return {}
    weights: dict[Any, dict[Any, float]] = defaultdict(lambda: defaultdict(float))
    for u, v in g.edges():
        weights[u][v] += 1.0
    out_sum = {u: sum(ws.values()) for u, ws in weights.items()}
    rank = dict.fromkeys(g, 1.0 / n)
    dangling = [u for u in g if u not in out_sum]
    for _ in range(max_iter):
        last = rank
        spread = alpha * sum(last[u] for u in dangling) / n
        rank = dict.fromkeys(g, spread + (1.0 - alpha) / n)
        for u, targets in weights.items():
            share = alpha * last[u] / out_sum[u]
            for v, w in targets.items():
                rank[v] += share * w
        if sum(abs(rank[u] - last[u]) for u in g) < n * tol:
            break
    return rank


def central(g: Any, top: int = 20) -> list[dict[str, Any]]:
    """The ``top`` nodes by PageRank, with in-, out- and total degree."""
    ranks = pagerank(g)
    best = sorted(ranks, key=lambda u: (-ranks[u], str(u)))[:top]
    return [
        {
            **node_info(g, u),
            "pagerank": round(ranks[u], 6),
            "in_degree": g.in_degree(u),
            "out_degree": g.out_degree(u),
        }  # fmt: skip
        for u in best
    ]


def simple_graph(g: Any) -> Any:
    """Undirected simple graph of ``g``; ``weight`` = number of links between two nodes."""
    h = nx.Graph()
    h.add_nodes_from(g.nodes(data=True))
    for u, v in g.edges():
        if u != v:
            w = h[u][v]["weight"] + 1 if h.has_edge(u, v) else 1
            h.add_edge(u, v, weight=w)
    return h


#: Louvain local moving: at most this many passes over the nodes per level, and a level
#: ends once a pass moves fewer than this share of them (networkx's Louvain loops until
#: no node moves: 125 passes a level at 20,000 pages, over 15 minutes at 100,000).
LOUVAIN_PASSES = 10
LOUVAIN_SETTLED = 0.001


def louvain(h: Any, seed: int = 42, resolution: float = 1.0) -> list[set[Any]]:
    """Louvain communities of the weighted undirected graph ``h`` (edge ``weight``),
    deterministic for a seed, with bounded passes (:data:`LOUVAIN_PASSES`)."""
    rng = random.Random(seed)
    nodes = sorted(h, key=str)
    index = {u: i for i, u in enumerate(nodes)}
    adj: list[dict[int, float]] = [{} for _ in nodes]
    for u, v, w in h.edges(data="weight", default=1.0):
        i, j = index[u], index[v]
        if i != j:
            adj[i][j] = adj[i].get(j, 0.0) + w
            adj[j][i] = adj[j].get(i, 0.0) + w
    k = [sum(a.values()) for a in adj]  # degrees; an aggregate keeps its members' sum
    m2 = sum(k)
    members: list[list[Any]] = [[u] for u in nodes]
    if m2 == 0:
        return [set(c) for c in members]
    while True:
        n = len(adj)
        com, tot = list(range(n)), k[:]
        order = list(range(n))
        rng.shuffle(order)
        moved_any = False
        for _ in range(LOUVAIN_PASSES):
            moves = 0
            for i in order:
                here, ki = com[i], k[i]
                weights: dict[int, float] = {}
                for j, w in adj[i].items():
                    weights[com[j]] = weights.get(com[j], 0.0) + w
                tot[here] -= ki
                scale = resolution * ki / m2
                best, best_gain = here, weights.get(here, 0.0) - tot[here] * scale
                for c, w in weights.items():
                    gain = w - tot[c] * scale
                    if gain > best_gain:
                        best, best_gain = c, gain
                tot[best] += ki
                if best != here:
                    com[i] = best
                    moves += 1
            moved_any = moved_any or moves > 0
            if moves <= LOUVAIN_SETTLED * n:
                break
        if not moved_any:
            break
        renum = {c: x for x, c in enumerate(dict.fromkeys(com))}
        new_adj: list[dict[int, float]] = [{} for _ in renum]
        new_k = [0.0] * len(renum)
        new_members: list[list[Any]] = [[] for _ in renum]
        for i in range(n):
            ci = renum[com[i]]
            new_k[ci] += k[i]
            new_members[ci] += members[i]
            row = new_adj[ci]
            for j, w in adj[i].items():
                cj = renum[com[j]]
                if cj != ci:
                    row[cj] = row.get(cj, 0.0) + w
        if len(renum) == n:
            break
        adj, k, members = new_adj, new_k, new_members
    return [set(c) for c in members]


def communities(g: Any, seed: int = 42, resolution: float = 1.0) -> list[dict[str, Any]]:
    """Clusters of topics and releases (Louvain, fixed seed, see :func:`louvain`), largest
    first; each with its most linked members, its labels and its kinds."""
    h = simple_graph(g)
    generic = tuple(generic_of(g))
    found = louvain(h, seed=seed, resolution=resolution)
    out = []
    for members in sorted(found, key=lambda c: (-len(c), min(map(str, c)))):
        ranked = sorted(members, key=lambda u: (-h.degree(u), str(u)))
        labels = Counter(
            h.nodes[u]["label"] for u in members if h.nodes[u]["label"] not in ("", *generic)
        )
        kinds = Counter(h.nodes[u]["kind"] for u in members)
        out.append({
            "size": len(members), "kinds": dict(kinds.most_common()),
            "labels": [name for name, _n in labels.most_common(5)],
            "top": [node_info(g, u) for u in ranked[:5]], "members": sorted(members),
        })  # fmt: skip
    for i, item in enumerate(out, 1):
        item["id"] = i
    return out


def path(g: Any, a: str, b: str) -> list[dict[str, Any]]:
    """A shortest chain of links between two nodes (either direction); one dict per step."""
    h = simple_graph(g)
    try:
        nodes = nx.shortest_path(h, a, b)
    except nx.NetworkXNoPath as exc:
        raise NodeNotFound(f"no path between {a} and {b}") from exc
    steps = [{**node_info(g, nodes[0]), "direction": "", "rel": "", "link_kind": "",
              "link_label": ""}]  # fmt: skip
    for u, v in zip(nodes, nodes[1:], strict=False):
        data = g.get_edge_data(u, v)
        direction = "out"
        if not data:
            data, direction = g.get_edge_data(v, u), "in"
        edge = min(data.values(), key=lambda d: EDGE_RELS.index(d["rel"]))
        steps.append({**node_info(g, v), "direction": direction, "rel": edge["rel"],
                      "link_kind": edge["kind"], "link_label": edge["label"]})  # fmt: skip
    return steps


def generic_of(g: Any) -> set[str]:
    """The generic labels (no node of their own) of a graph from :func:`graph_at`."""
    return {x for x in str(g.graph.get("generic_labels", "")).split("; ") if x}


def topics(g: Any, by: str = "year") -> dict[str, Any]:
    """Pages per label and period (``year``/``month`` of publication; undated: "undated"):
    a page counts for its own label and the labels of the topic teasers in its related box."""
    cut = 4 if by == "year" else 7
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for node, data in g.nodes(data=True):
        if data["status"] != "archived":
            continue
        period = data["published"][:cut] if data["published"] else "undated"
        names = {data["label"]} if data["label"] else set()
        for _s, _t, edge in g.out_edges(node, data=True):
            if edge["rel"] == "related" and edge["kind"] == "topic" and edge["label"]:
                names.add(edge["label"])
        for name in names:
            counts[name][period] += 1
    periods = sorted({p for c in counts.values() for p in c})
    generic = generic_of(g)
    rows: list[dict[str, Any]] = [
        {
            "label": name,
            "total": sum(c.values()),
            "generic": name in generic,
            "counts": {p: c[p] for p in periods if c[p]},
        }  # fmt: skip
        for name, c in counts.items()
    ]
    rows.sort(key=lambda r: (-int(r["total"]), str(r["label"])))
    return {"by": by, "periods": periods, "topics": rows}


# --------------------------------------------------------------------------- export


def export_graph(g: Any, fmt: str, out: str | Path | IO[bytes]) -> None:
    """Write ``g`` as GraphML, GEXF 1.3 (Gephi) or node-link JSON (D3, networkx); no
    attribute is ``None``. In GEXF a node's label is its title; the page label is
    ``category``. Streamed node by node (archive/graph_export.py)."""
    if fmt not in EXPORT_FORMATS:
        raise GraphError(f"unknown format {fmt!r} (one of {', '.join(EXPORT_FORMATS)})")
    writer = {"graphml": write_graphml, "gexf": write_gexf, "json": write_json}[fmt]
    writer(g, out)


def clean_copy(g: Any) -> Any:
    """A copy of ``g`` with ``None`` attributes replaced by ``""``."""
    h = g.copy()
    h.graph = {k: ("" if v is None else v) for k, v in g.graph.items()}
    for _n, data in h.nodes(data=True):
        for k, v in data.items():
            if v is None:
                data[k] = ""
    for *_e, data in h.edges(data=True):
        for k, v in data.items():
            if v is None:
                data[k] = ""
    return h


__all__ = [
    "EXPORT_FORMATS",
    "GENERIC_SHARE",
    "GraphError",
    "History",
    "NODE_KINDS",
    "NodeNotFound",
    "VIEWS_SQL",
    "Timeline",
    "at_bound",
    "build_graph",
    "central",
    "communities",
    "create_views",
    "export_graph",
    "find_node",
    "generic_labels",
    "generic_of",
    "graph_at",
    "load_timeline",
    "neighbors",
    "pagerank",
    "path",
    "simple_graph",
    "topics",
]
