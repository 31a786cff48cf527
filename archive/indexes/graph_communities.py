"""Communities of the graph now on arrays: networkit's Leiden method on the weighted simple
graph of an integer edge list (:func:`leiden`), and each community's summary as ``graph
communities`` shows it (:func:`summaries`) from the membership array, the nodes' kind and
label as small integer codes (:class:`PageKinds`) and numpy — no dict or Python object
per node beyond the member lists themselves.

The answers are those of :func:`archive.indexes.graph_ranking.summarise` on
:func:`archive.indexes.graph_ranking.compute_partition` (tests/archive/
test_graph_communities.py compares both): the same communities in the same order, the
same counts with ties in the order of first appearance (as ``Counter.most_common``), the
same top nodes (most distinct neighbours, ties by id). At 1,000,000 pages the summaries
took ~7 s and two dicts of a million entries that way, well under a second this way.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from archive.indexes.graph_edges import KIND_OF_TYPE

#: node → (kind, label), for the nodes that are no present page.
Attrs = Callable[[str], tuple[str, str]]


class PageKinds:
    """The (kind, label) of the present pages in node order, as codes into :attr:`values`;
    :meth:`add` is called once per page by :func:`archive.indexes.graph_ranking.edge_list`
    while it reads them."""

    def __init__(self) -> None:
        self.codes = array("i")
        self.values: list[tuple[str, str]] = []
        self._code: dict[tuple[Any, Any], int] = {}

    def add(self, page_type: Any, label: Any) -> None:
        code = self._code.get((page_type, label))
        if code is None:
            code = self._code[(page_type, label)] = len(self.values)
            self.values.append((KIND_OF_TYPE.get(page_type or "", "other"), str(label or "")))
        self.codes.append(code)


def weighted_pairs(n: int, edges: Any) -> tuple[Any, Any]:
    """The weighted simple graph of ``edges`` (index pairs of nodes ``0..n-1``, either
    direction; self-links left out): its pairs ``(min, max)`` as keys ``min * n + max``,
    sorted, and each pair's number of edges (what ``numpy.unique(..., return_counts=True)``
    gives, by one sort in place)."""
    pairs = np.asarray(edges)
    if pairs.dtype.kind not in "iu":  # e.g. an empty list
        pairs = pairs.astype(np.int64)
    pairs = pairs.reshape(-1, 2)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    keys = np.minimum(pairs[:, 0], pairs[:, 1]).astype(np.int64)
    keys *= n
    keys += np.maximum(pairs[:, 0], pairs[:, 1])
    del pairs
    keys.sort()
    if not len(keys):
        return keys, np.zeros(0, dtype=np.int64)
    first = np.empty(len(keys), dtype=bool)
    first[0] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    del first
    weights = np.diff(np.append(starts, len(keys)))
    return keys[starts], weights


#: Iterations of the Leiden method: at 1,000,000 pages (``bench/graph.py``) one gives
#: modularity 0.223, two 0.247, three 0.252 (igraph's two: 0.253) for 5, 9 and 13 CPU s.
ITERATIONS = 3


def leiden(n: int, edges: Any, seed: int, resolution: float = 1.0) -> tuple[Any, Any]:
    """``(membership, distinct)``: each node's community (numbered by the smallest node
    of each, in the order of those) and its number of distinct neighbours, by networkit's
    Leiden method (modularity at ``resolution``, :data:`ITERATIONS`) on the weighted simple
    graph (:func:`weighted_pairs`). One thread and a seed: the same graph and seed give the
    same communities in every run (two threads do not: they take the nodes in another
    order each time). igraph's Leiden took 35 CPU s for what this takes in 13 at
    1,000,000 pages, for modularity within 0.5 % (BENCHMARKS.md)."""
    import networkit as nk
    import scipy.sparse

    keys, weights = weighted_pairs(n, edges)
    first, second = np.divmod(keys, max(n, 1))
    del keys
    distinct = np.bincount(first, minlength=n) + np.bincount(second, minlength=n)
    if not n:
        return np.zeros(0, dtype=np.int64), distinct
    # each pair once, as the upper triangle of a CSR matrix: 2-4 times faster to take in
    # than networkit's coordinate lists (the same graph, the same communities)
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(first, minlength=n), out=starts[1:])
    matrix = scipy.sparse.csr_matrix((weights.astype(np.float64), second, starts), shape=(n, n))
    del first, second, weights, starts
    threads = nk.getMaxNumberOfThreads()
    nk.setNumberOfThreads(1)  # the graph too: built by two threads, its order varies
    try:
        g = nk.graph.GraphFromCsr(matrix, directed=False, weighted=True)
        del matrix
        nk.setSeed(seed, False)
        method = nk.community.ParallelLeiden(g, randomize=True, iterations=ITERATIONS,
                                             gamma=resolution)  # fmt: skip
        method.run()
        found = np.asarray(method.getPartition().getVector(), dtype=np.int64)
    finally:
        nk.setNumberOfThreads(threads)
    _ids, firsts, membership = np.unique(found, return_index=True, return_inverse=True)
    renumber = np.empty(len(firsts), dtype=np.int64)
    renumber[np.argsort(firsts, kind="stable")] = np.arange(len(firsts))
    return renumber[membership.reshape(-1)], distinct


def groups(membership: Any) -> list[list[int]]:
    """The members of each community ``0..k-1``, in increasing order (as igraph lists a
    clustering)."""
    membership = np.asarray(membership)
    if not len(membership):
        return []
    order = np.argsort(membership, kind="stable")
    ends = np.cumsum(np.bincount(membership))
    return [part.tolist() for part in np.split(order, ends[:-1])]


def _ranked(codes: Any, skip: Any = None) -> list[tuple[int, int]]:
    """``[(code, count), ...]`` most first, ties in the order of first appearance (as
    ``Counter(codes).most_common()``); ``skip``: codes not counted."""
    if skip is not None and len(skip):
        codes = codes[~np.isin(codes, skip)]
    if not len(codes):
        return []
    found, first, counts = np.unique(codes, return_index=True, return_counts=True)
    order = np.lexsort((first, -counts))
    return [(int(found[i]), int(counts[i])) for i in order]


def summaries(
    nodes: list[str], edges: Any, membership: Any, distinct: Any, kinds: PageKinds,
    other: Attrs, generic: Iterable[str],
) -> list[dict[str, Any]]:  # fmt: skip
    """Each community as :func:`archive.indexes.graph_ranking.summarise` gives it
    (largest first, ties by the first member's id): ``{"size", "kinds", "labels", "top",
    "members"}``. ``nodes``: the present pages first (sorted, their kind and label in
    ``kinds``), then the other nodes (``other`` gives theirs); ``edges``: the edge list
    (degrees in and out); ``membership`` and ``distinct`` from :func:`leiden`."""
    n = len(nodes)
    if not n:
        return []
    membership = np.asarray(membership, dtype=np.int64)
    degree = np.bincount(edges[:, 0], minlength=n) + np.bincount(edges[:, 1], minlength=n)
    values = list(kinds.values)
    code_of = {value: i for i, value in enumerate(values)}
    codes = np.empty(n, dtype=np.int64)
    present = len(kinds.codes)
    codes[:present] = np.frombuffer(kinds.codes, dtype=np.int32)
    for i in range(present, n):
        value = other(nodes[i])
        code = code_of.get(value)
        if code is None:
            code = code_of[value] = len(values)
            values.append(value)
        codes[i] = code
    rank = np.empty(n, dtype=np.int64)  # each node's place in id order
    rank[sorted(range(n), key=nodes.__getitem__)] = np.arange(n)
    order = np.lexsort((rank, membership))  # by community, then id
    del rank
    kind_names = sorted({kind for kind, _label in values})
    kind_code = np.array([kind_names.index(kind) for kind, _label in values], dtype=np.int64)
    label_names = sorted({label for _kind, label in values})
    label_code = np.array([label_names.index(label) for _k, label in values], dtype=np.int64)
    skip = {"", *generic}
    skipped = np.array([i for i, label in enumerate(label_names) if label in skip], dtype=np.int64)
    parts = np.split(order, np.cumsum(np.bincount(membership))[:-1])
    found: list[dict[str, Any]] = []
    for part in parts:
        members = [nodes[i] for i in part.tolist()]
        node_codes = codes[part]
        top = part[np.lexsort((np.arange(len(part)), -distinct[part]))[:5]]
        found.append({
            "size": len(members),
            "kinds": {kind_names[k]: c for k, c in _ranked(kind_code[node_codes])},
            "labels": [label_names[k] for k, _c in _ranked(label_code[node_codes], skipped)[:5]],
            "top": [[nodes[i], int(degree[i])] for i in top.tolist()],
            "members": members,
        })  # fmt: skip
    found.sort(key=lambda c: (-c["size"], c["members"][0]))
    return found


__all__ = ["ITERATIONS", "Attrs", "PageKinds", "groups", "leiden", "summaries", "weighted_pairs"]
