"""Questions asked of a graph from :func:`archive.graph.model.graph_at`: finding a node, its
neighbours, the most central nodes (PageRank), communities (Louvain), a path between two
nodes and the pages per label and period.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from typing import Any

import networkx as nx
import sqlite_utils

from archive.graph.timeline import EDGE_RELS, LABEL_PREFIX, NodeNotFound
from archive.store.lookup import url_forms


def find_node(g: Any, query: str, db: sqlite_utils.Database | None = None) -> str:
    """The node for a URL (or an alias of one), ``label:NAME``, a label or a page title
    (exact, else a unique substring; case-insensitive)."""
    q = query.strip()
    if q in g:
        return q
    if db is not None and q.lower().startswith(("http://", "https://")):
        for form in url_forms(db, q):  # any form the crawler canonicalises, or an alias
            row = db.execute("SELECT canonical_url FROM aliases WHERE url = ?", [form]).fetchone()
            for node in (form, row[0] if row else None):
                if node in g:
                    return str(node)
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


def neighbor_row(
    info: dict[str, Any], distance: int, here: str, direction: str, data: dict[str, Any]
) -> dict[str, Any]:
    """One row of ``graph neighbors``: the node ``info`` reached at ``distance`` from
    ``here`` over an edge with ``data`` in ``direction`` (also for the SQL answer)."""
    info = dict(info)
    return {
        **info, "node_kind": info.pop("kind"), "node_label": info.pop("label"),
        "distance": distance, "from": here, "direction": direction,
        "rel": data["rel"], "kind": data["kind"], "label": data["label"],
        "teaser_title": data["title"], "date": data["date"], "position": data["position"],
    }  # fmt: skip


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
                out.append(neighbor_row(node_info(g, other), distance, here, direction, data))
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


__all__ = [
    "LOUVAIN_PASSES",
    "LOUVAIN_SETTLED",
    "central",
    "neighbor_row",
    "communities",
    "find_node",
    "generic_of",
    "louvain",
    "neighbors",
    "node_info",
    "pagerank",
    "path",
    "simple_graph",
    "topics",
]
