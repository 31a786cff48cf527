"""The related-topic graph *now*, answered from SQL without building it: node details,
neighbours (bounded BFS) and paths (bounded bidirectional BFS) over indexed lookups of the
``graph_edges`` table (:mod:`archive.indexes.graph_edges`) and ``pages``.

The answers are those of :mod:`archive.graph.analysis` on :func:`archive.graph.model.graph_at`
with ``at`` = now (tests/archive/test_graph_sql.py compares both on every node of the
sample site): the nodes are the present pages (of ``source``, if given), the labels and
linked URLs their counted edges reach; an edge counts by the rule of
:func:`archive.graph.timeline.edge_counts` (present, its page present, a body link only to a
present page, no generic label). With ``at`` the same questions are asked of the graph at
that time: :mod:`archive.graph.sql_at` supplies relations with the columns of ``pages`` and
``graph_edges`` that read the revision in force then (tests/archive/graph/test_graph_at.py
compares every node with :func:`archive.graph.model.build_graph` at many times).

This module needs no networkx.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cached_property
from typing import Any

import sqlite_utils

from archive.graph.analysis import neighbor_row
from archive.graph.sql_at import PAGES_AT, tables
from archive.graph.timeline import EDGE_RELS, KIND_OF_TYPE, LABEL_PREFIX, NodeNotFound, at_bound
from archive.indexes import graph_store
from archive.indexes.graph_ranking import generic_labels, label_nodes_key, rank_key
from archive.store.lookup import url_forms

_PAGE = (
    "SELECT p.url, p.page_type, p.title, p.label, p.source, p.published, "
    "(SELECT min(fetched_at) FROM revisions WHERE page_url = p.url), "
    "(SELECT max(fetched_at) FROM revisions WHERE page_url = p.url) FROM pages p "
)
_PAGE_AT = (
    "SELECT p.url, p.page_type, p.title, p.label, p.source, p.published, "
    "(SELECT min(fetched_at) FROM revisions WHERE page_url = p.url), p.fetched_at "
    f"FROM {PAGES_AT} p "
)
NODE_KEYS = ("kind", "status", "title", "label", "source", "published", "first_seen", "last_seen")
_EDGE = "e.source, e.target, e.rel, e.kind, e.label, e.title, e.date, e.position, e.first_seen"


class SqlGraph:
    """The graph of ``db`` (or one ``source``) now, read on demand from SQL."""

    def __init__(
        self, db: sqlite_utils.Database, source: str | None = None, at: str | None = None
    ) -> None:
        self.db, self.source, self.bound = db, source, at_bound(at)
        self.tables = tables(self.bound)
        pages, self._graph_edges = self.tables
        self._nodes: dict[str, dict[str, Any] | None] = {}
        self._degree: dict[str, int] = {}
        self._runs: dict[str, str] = {}
        scope = " AND {a}.removed_at IS NULL" + (" AND {a}.source = :source" if source else "")
        self._params: dict[str, Any] = {"source": source, "at": self.bound}
        self._pages = pages
        self._counted = (
            f"e.present AND EXISTS (SELECT 1 FROM {pages} s WHERE s.url = e.source"
            f"{scope.format(a='s')}) AND (e.rel = 'related' OR (e.rel = 'body' AND EXISTS "
            f"(SELECT 1 FROM {pages} t WHERE t.url = e.target{scope.format(a='t')})) OR "
            "(e.rel = 'label' AND e.label NOT IN (SELECT value FROM json_each(:generic))))"
        )
        self._scope = scope.format(a="p")
        self._PAGE = _PAGE if self.bound is None else _PAGE_AT

    @property
    def params(self) -> dict[str, Any]:
        """The parameters of the queries below (``:source``, ``:at``, ``:generic``)."""
        self.generic  # noqa: B018 - sets the :generic parameter
        return self._params

    @property
    def page_sql(self) -> str:
        """``SELECT`` of a page's row for :meth:`page_attrs` (alias ``p``), to be followed by
        ``WHERE``."""
        return self._PAGE

    @property
    def present_scope(self) -> str:
        """The condition (`` AND ...``) that page ``p`` is present (and of the source)."""
        return self._scope

    @property
    def counted(self) -> str:
        """The condition that edge ``e`` counts (the rule of ``edge_counts``)."""
        return self._counted

    @property
    def at(self) -> str:
        """The time asked about, as ``graph_at`` names it: the bound, or "now"."""
        return self.bound or "now"

    # ------------------------------------------------------------------ pages and labels

    @cached_property
    def generic(self) -> set[str]:
        """Labels carried by more than a quarter of the present pages (no node)."""
        found = generic_labels(self.db, self.source, self.bound, self.tables)
        self._params["generic"] = json.dumps(sorted(found))
        return found

    def confirmed(self, source: str) -> str:
        """The end of the latest successful run of ``source`` (by the time asked about)."""
        if source not in self._runs:
            self._runs[source] = self._run_end(source)
        return self._runs[source]

    def _run_end(self, source: str) -> str:
        row = self.db.execute(
            "SELECT max(finished_at) FROM crawl_runs WHERE status = 'ok' AND source = :s AND "
            "(:at IS NULL OR finished_at <= :at)", {"s": source, "at": self.bound},
        ).fetchone()  # fmt: skip
        return str(row[0] or "")

    def page_attrs(self, row: Any, present: bool) -> dict[str, Any]:
        _url, ptype, title, label, source, published, first, last = row
        last = str(last)
        if present:
            last = max(last, self.confirmed(source))
        return {"kind": KIND_OF_TYPE.get(ptype or "", "other"), "page_type": ptype or "",
                "status": "archived" if present else "removed", "title": title or "",
                "label": label or "", "source": source or "", "published": published or "",
                "first_seen": str(first), "last_seen": last}  # fmt: skip

    def page(self, url: str, present: bool) -> dict[str, Any] | None:
        cond = self._scope if present else (" AND p.source = :source" if self.source else "")
        row = self.db.execute(
            f"{self._PAGE} WHERE p.url = :url{cond}", {**self._params, "url": url}
        ).fetchone()
        if row is None or row[6] is None:
            return None
        return self.page_attrs(row, present)

    def prefetch(self, nodes: list[str]) -> None:
        """Read the present pages among ``nodes`` and every node's degree in three queries
        (a BFS level at once, instead of a few queries per node)."""
        todo = [u for u in nodes if u not in self._nodes]
        params = {**self._params, "nodes": json.dumps(todo)}
        pick = "IN (SELECT value FROM json_each(:nodes))"
        for row in self.db.execute(f"{self._PAGE} WHERE p.url {pick}{self._scope}", params):
            if row[6] is not None:
                self._nodes[str(row[0])] = self.page_attrs(row, True)
        todo = [u for u in nodes if u not in self._degree]
        if not todo:
            return
        if self.bound is None:  # the stored ranking's degrees, if current
            stored = graph_store.read_degrees(self.db, rank_key(self.source), todo)
            if stored is not None:
                self._degree.update(stored)
                return
        self.generic  # noqa: B018 - sets the :generic parameter
        params = {**self._params, "nodes": json.dumps(todo)}
        found: dict[str, int] = dict.fromkeys(todo, 0)
        for column in ("source", "target"):
            for node, n in self.db.execute(
                f"SELECT e.{column}, count(*) FROM {self._graph_edges} e WHERE e.{column} "
                f"{pick} AND {self._counted} GROUP BY e.{column}", params,
            ):  # fmt: skip
                found[node] += n
        self._degree.update(found)

    def node(self, node: str) -> dict[str, Any] | None:
        """The attributes of ``node`` (as :func:`archive.graph.model.graph_at` sets them),
        ``None`` if it is not in the graph."""
        if node not in self._nodes:
            self._nodes[node] = self._find(node)
        return self._nodes[node]

    def remember(self, found: dict[str, dict[str, Any] | None]) -> None:
        """Take the attributes of nodes looked up elsewhere (:meth:`node` of another
        :class:`SqlGraph` of the same graph), for those not looked up here yet."""
        for node, data in found.items():
            self._nodes.setdefault(node, data)

    def _find(self, node: str) -> dict[str, Any] | None:
        page = self.page(node, present=True)
        if page is not None:
            return page
        if node.startswith(LABEL_PREFIX):  # only label edges lead there
            if self._labels is not None:
                if node not in self._labels:
                    return None
                name = node[len(LABEL_PREFIX) :]
                return {"kind": "label", "status": "label", "title": name, "label": name,
                        "url": "", "page_type": "", "source": "", "published": "",
                        "last_seen": "", "first_seen": self._labels[node]}  # fmt: skip
            self.generic  # noqa: B018 - sets the :generic parameter
            name, first = self.db.execute(
                f"SELECT min(e.label), min(e.first_seen) FROM {self._graph_edges} e WHERE "
                f"e.target = :node AND {self._counted}", {**self._params, "node": node},
            ).fetchone()  # fmt: skip
            if name is None:
                return None
            return {"kind": "label", "status": "label", "title": name, "label": name, "url": "",
                    "page_type": "", "source": "", "published": "", "last_seen": "",
                    "first_seen": first or ""}  # fmt: skip
        ins = self.edges_in(node)
        if not ins:
            return None
        removed = self.page(node, present=False)
        if removed is not None:
            return removed
        first = min((e for e in ins if e["rel"] == "related"), key=lambda e: e["from"])
        return {"kind": first["kind"] or "other", "status": "linked", "label": "",
                "title": first["title"] or node, "page_type": "", "source": "", "published": "",
                "first_seen": "", "last_seen": ""}  # fmt: skip

    # ------------------------------------------------------------------ edges

    def _edges(self, where: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        self.generic  # noqa: B018 - sets the :generic parameter
        rows = self.db.execute(
            f"SELECT {_EDGE} FROM {self._graph_edges} e WHERE {where} AND {self._counted}",
            {**self._params, **params},
        ).fetchall()
        out = []
        for src, target, rel, kind, label, title, date, position, first in rows:
            if rel == "label":
                kind, title, date, position = "", "", "", 0
            out.append({"from": src, "to": target, "rel": rel,
                        "kind": "" if rel == "label" else kind or "other", "label": label or "",
                        "title": title or "", "date": date or "", "position": int(position or 0),
                        "first_seen": first or ""})  # fmt: skip
        return out

    def edges_out(self, node: str) -> list[dict[str, Any]]:
        return self._edges("e.source = :node", {"node": node})

    def edges_in(self, node: str) -> list[dict[str, Any]]:
        return self._edges("e.target = :node", {"node": node})

    def count(self, node: str, direction: str) -> int:
        """The number of edges from (``out``) or to (``in``) ``node``."""
        self.generic  # noqa: B018 - sets the :generic parameter
        column = "source" if direction == "out" else "target"
        row = self.db.execute(
            f"SELECT count(*) FROM {self._graph_edges} e WHERE e.{column} = :node AND "
            f"{self._counted}",
            {**self._params, "node": node},
        ).fetchone()
        return int(row[0])

    @cached_property
    def _labels(self) -> dict[str, str] | None:
        """The label nodes with their first seen, stored by the reindex (``None``: at a
        past time, or not stored for the graph as it is)."""
        if self.bound is not None:
            return None
        found = graph_store.read_cached(self.db, label_nodes_key(self.source))
        return None if found is None else {str(k): str(v) for k, v in found.items()}

    def degree(self, node: str) -> int:
        if node not in self._degree:
            self.prefetch([node])  # the stored degree, or the counts of its edges
        return self._degree[node]

    def info(self, node: str, degree: int | None = None) -> dict[str, Any]:
        """:func:`archive.graph.analysis.node_info` of ``node`` (``degree`` if known)."""
        data = self.node(node)
        if data is None:
            raise NodeNotFound(f"{node!r}: not in the graph at {self.at}")
        if degree is None:
            degree = self.degree(node)
        return {"id": node, **{k: data.get(k, "") for k in NODE_KEYS}, "degree": degree}

    # ------------------------------------------------------------------ finding a node

    def _titles(self, folded: str) -> Iterable[tuple[str, str, bool]]:
        """The nodes whose title contains ``folded`` (case-folded), as (id, title, is a
        label): present and removed pages, labels (not the generic ones), linked URLs;
        the test runs inside SQLite, so only candidates reach Python."""
        self.db.conn.create_function(
            "pa_contains", 2, lambda text, q: q in str(text or "").casefold(), deterministic=True
        )
        params = {**self._params, "q": folded}
        scope = " AND p.source = :source" if self.source else ""
        for url, title, removed in self.db.execute(
            f"SELECT url, title, removed_at FROM {self._pages} p WHERE pa_contains(title, :q)"
            f"{scope}",
            params,
        ).fetchall():  # fmt: skip
            if removed is None or self.node(str(url)) is not None:
                yield str(url), str(title or ""), False
        generic = self.generic
        for (label,) in self.db.execute(
            f"SELECT DISTINCT label FROM {self._pages} p WHERE label != '' AND "
            "pa_contains(label, :q)"
            f"{self._scope}", params,
        ).fetchall():  # fmt: skip
            if label not in generic:
                yield LABEL_PREFIX + str(label), str(label), True
        present = self._scope.replace("p.", "t.")
        others = [str(t) for (t,) in self.db.execute(
            "SELECT e.target FROM (SELECT DISTINCT target FROM graph_edges) e WHERE NOT "
            f"EXISTS (SELECT 1 FROM {self._pages} t WHERE t.url = e.target{present})", params,
        ) if not str(t).startswith(LABEL_PREFIX)]  # fmt: skip
        for (target,) in self.db.execute(
            f"SELECT DISTINCT e.target FROM {self._graph_edges} e WHERE e.target IN (SELECT "
            "value FROM json_each(:urls)) AND e.rel = 'related' AND e.present AND "
            "pa_contains(coalesce(nullif(e.title, ''), e.target), :q)",
            {**params, "urls": json.dumps(others)},
        ).fetchall():  # fmt: skip
            data = self.node(str(target))
            if data and data["status"] == "linked" and folded in str(data["title"]).casefold():
                yield str(target), str(data["title"]), False

    def find(self, query: str) -> str:
        """:func:`archive.graph.analysis.find_node` on the graph now."""
        q = query.strip()
        if self.node(q) is not None:
            return q
        if q.lower().startswith(("http://", "https://")):
            for form in url_forms(self.db, q):
                row = self.db.execute(
                    "SELECT canonical_url FROM aliases WHERE url = ?", [form]
                ).fetchone()
                for node in (form, row[0] if row else None):
                    if node is not None and self.node(node) is not None:
                        return str(node)
        if self.node(LABEL_PREFIX + q) is not None:
            return LABEL_PREFIX + q
        folded = q.casefold()
        titles = list(self._titles(folded))
        for kind_first in (True, False):
            exact = [n for n, t, is_label in titles
                     if t.casefold() == folded and is_label == kind_first]  # fmt: skip
            if len(exact) == 1:
                return exact[0]
        partial = sorted((n, t) for n, t, _l in titles if folded in t.casefold())
        if len(partial) == 1:
            return partial[0][0]
        if partial:
            names = "; ".join(f"{t} <{n}>" for n, t in partial[:5])
            raise NodeNotFound(f"{query!r} matches {len(partial)} nodes: {names}")
        raise NodeNotFound(f"{query!r}: no page or label in the graph at {self.at}")

    # ------------------------------------------------------------------ questions

    def _steps(self, here: str) -> list[tuple[str, str, dict[str, Any]]]:
        steps = [(e["to"], "out", e) for e in self.edges_out(here)]
        steps += [(e["from"], "in", e) for e in self.edges_in(here)]
        steps.sort(key=lambda s: (s[1] == "in", EDGE_RELS.index(s[2]["rel"]),
                                  s[2]["position"], s[0]))  # fmt: skip
        return steps

    def neighbors(self, node: str, depth: int = 1) -> list[dict[str, Any]]:
        """:func:`archive.graph.analysis.neighbors`: a BFS of ``depth`` levels."""
        seen, frontier, out = {node}, [node], []
        for distance in range(1, depth + 1):
            nxt: list[str] = []
            for here in frontier:
                steps = []
                for other, direction, data in self._steps(here):
                    if other not in seen:
                        seen.add(other)
                        steps.append((other, direction, data))
                self.prefetch([other for other, _d, _e in steps])
                for other, direction, data in steps:
                    nxt.append(other)
                    out.append(neighbor_row(self.info(other), distance, here, direction, data))
            frontier = nxt
        return out

    def _adjacent(self, nodes: list[str]) -> list[tuple[str, str]]:
        """Every (node, neighbour) pair of the ``nodes`` (either direction), in one query
        each way, sorted."""
        self.generic  # noqa: B018 - sets the :generic parameter
        params = {**self._params, "nodes": json.dumps(nodes)}
        pick = "IN (SELECT value FROM json_each(:nodes))"
        pairs: set[tuple[str, str]] = set()
        for mine, other in (("source", "target"), ("target", "source")):
            pairs.update(self.db.execute(  # only the ends: no edge attributes
                f"SELECT e.{mine}, e.{other} FROM {self._graph_edges} e WHERE e.{mine} {pick} "
                f"AND {self._counted}", params,
            ).fetchall())  # fmt: skip
        return sorted((u, w) for u, w in pairs if u != w)

    def path(self, a: str, b: str, limit: int = 50) -> list[dict[str, Any]]:
        """:func:`archive.graph.analysis.path`: a shortest chain of links (either
        direction), by a bidirectional BFS of at most ``limit`` links."""
        nodes = self._shortest(a, b, limit)
        if nodes is None:
            raise NodeNotFound(f"no path between {a} and {b}")
        steps = [{**self.info(nodes[0]), "direction": "", "rel": "", "link_kind": "",
                  "link_label": ""}]  # fmt: skip
        pair = "e.source = :u AND e.target = :v"  # not every edge of a hub on the way
        for u, v in zip(nodes, nodes[1:], strict=False):
            edges, direction = self._edges(pair, {"u": u, "v": v}), "out"
            if not edges:
                edges, direction = self._edges(pair, {"u": v, "v": u}), "in"
            edge = min(edges, key=lambda d: EDGE_RELS.index(d["rel"]))
            steps.append({**self.info(v), "direction": direction, "rel": edge["rel"],
                          "link_kind": edge["kind"], "link_label": edge["label"]})  # fmt: skip
        return steps

    def _shortest(self, a: str, b: str, limit: int) -> list[str] | None:
        if a == b:
            return [a]
        pred: dict[str, str | None] = {a: None}
        succ: dict[str, str | None] = {b: None}
        front_a, front_b = [a], [b]
        for _ in range(limit):
            if not front_a or not front_b:
                return None
            forward = len(front_a) <= len(front_b)
            front, mine, other = (front_a, pred, succ) if forward else (front_b, succ, pred)
            nxt: list[str] = []
            for here, w in self._adjacent(front):
                if w in mine:
                    continue
                mine[w] = here
                nxt.append(w)
                if w in other:
                    return _join(w, pred, succ)
            if forward:
                front_a = nxt
            else:
                front_b = nxt
        return None


def _join(meet: str, pred: dict[str, str | None], succ: dict[str, str | None]) -> list[str]:
    left: list[str] = []
    node: str | None = meet
    while node is not None:
        left.append(node)
        node = pred[node]
    left.reverse()
    node = succ[meet]
    while node is not None:
        left.append(node)
        node = succ[node]
    return left


__all__ = ["SqlGraph"]
