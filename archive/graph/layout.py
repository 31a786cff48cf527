"""Positions for the graph drawing (:mod:`archive.graph.render`), in plain Python.

Each connected component is laid out on its own (a seeded Fruchterman–Reingold layout),
then the components are packed in rows, biggest first, each in a square cell whose side
grows with the square root of its size, rows about 3:2 wide: the big component fills the
middle of the page instead of being squeezed by small ones pushed to the edges.
Deterministic for a seed; positions in [0, 1]².
"""

from __future__ import annotations

import math
import random
from collections import defaultdict

SEED = 7
ASPECT = 1.5  # width / height the packing aims at (the page then fits it to the window)
MARGIN = 0.12  # of a cell's side, kept free around its component


def layout(
    nodes: list[str], edges: list[tuple[str, str]], seed: int = SEED
) -> dict[str, tuple[float, float]]:
    """Positions of ``nodes`` in [0, 1]²: components laid out apart, then packed."""
    parts = components(nodes, edges)
    if len(parts) <= 1:
        return spring(nodes, edges, seed)
    inside: dict[int, list[tuple[str, str]]] = defaultdict(list)
    part_of = {v: i for i, part in enumerate(parts) for v in part}
    for u, v in edges:
        if u in part_of and part_of[u] == part_of.get(v):
            inside[part_of[u]].append((u, v))
    sides = [math.sqrt(len(part)) for part in parts]
    width = max(sides[0], math.sqrt(sum(s * s for s in sides) * ASPECT))
    pos: dict[str, tuple[float, float]] = {}
    x = y = row = 0.0
    for i, part in enumerate(parts):
        side = sides[i]
        if x > 0 and x + side > width + 1e-9:  # next row
            x, y, row = 0.0, y + row, 0.0
        inner = spring(part, inside[i], seed)
        for v, (px, py) in inner.items():
            pos[v] = (x + side * (MARGIN + (1 - 2 * MARGIN) * px),
                      y + side * (MARGIN + (1 - 2 * MARGIN) * py))  # fmt: skip
        x, row = x + side, max(row, side)
    return _normalised(pos)


def components(nodes: list[str], edges: list[tuple[str, str]]) -> list[list[str]]:
    """Connected components (edges taken undirected), biggest first, then by first node;
    each in the order of ``nodes``."""
    parent = {v: v for v in nodes}

    def root(v: str) -> str:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for u, v in edges:
        if u in parent and v in parent:
            parent[root(u)] = root(v)
    groups: dict[str, list[str]] = defaultdict(list)
    for v in nodes:
        groups[root(v)].append(v)
    return sorted(groups.values(), key=lambda part: (-len(part), part[0]))


def spring(
    nodes: list[str], edges: list[tuple[str, str]], seed: int = SEED
) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold positions in [0, 1]² (a single node: the middle)."""
    rng = random.Random(seed)
    n = len(nodes)
    if n <= 1:
        return dict.fromkeys(nodes, (0.5, 0.5))
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
        for v in nodes:  # a little gravity keeps the component together
            disp[v][0] += (0.5 - pos[v][0]) * gravity
            disp[v][1] += (0.5 - pos[v][1]) * gravity
            dx, dy = disp[v]
            d = math.sqrt(dx * dx + dy * dy) or 1e-9
            step = min(d, temp)
            pos[v][0] += dx / d * step
            pos[v][1] += dy / d * step
        temp = max(temp * 0.97, 0.002)
    return _normalised({v: (p[0], p[1]) for v, p in pos.items()})


def _normalised(pos: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    w, h = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    return {v: ((p[0] - min(xs)) / w, (p[1] - min(ys)) / h) for v, p in pos.items()}


__all__ = ["components", "layout", "spring"]
