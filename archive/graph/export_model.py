"""What the graph writers (:mod:`archive.graph.formats`) write: an :class:`Export` (the
graph's attributes, the attribute names and XML types of nodes and edges, the nodes and the
edges read once), made of a networkx graph (:func:`of_graph`) or of flat rows streamed from
SQL (:func:`of_rows`, :mod:`archive.graph.sql_export`), in one attribute vocabulary
(:func:`exported`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.graph.format_out import Later

#: The characters a value's text is searched for before it is written as it is (escaped
#: or dropped in XML; in JSON the encoder escapes what it needs itself).
DIRTY = re.compile('[&<>"\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]')
_TYPES = ((bool, "boolean"), (int, "long"), (float, "double"))


def exported(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` in the export vocabulary: ``label`` → ``category``; no missing values."""
    return {
        ("category" if key == "label" else key): value
        for key, value in data.items()
        if value is not None and value != ""
    }


@dataclass
class Export:
    """What a writer writes: the graph's attributes, the attribute names and XML types of
    nodes and edges (in the export vocabulary), and the nodes ``(id, attributes)`` and
    edges ``(source, target, key, attributes)`` as iterables read once, in that order;
    ``written``: the nodes and edges written. :func:`of_graph` makes one of a networkx
    graph; :mod:`archive.graph.sql_export` one streamed from SQL."""

    graph: dict[str, Any]
    node_keys: dict[str, str]
    edge_keys: dict[str, str]
    nodes: Callable[[], Iterable[tuple[Any, dict[str, Any]]]]
    edges: Callable[[], Iterable[tuple[Any, Any, Any, dict[str, Any]]]]
    written: list[int] = field(default_factory=lambda: [0, 0])
    #: The edges as ``(clean, (source, target, key, *values))``, the values in the order of
    #: ``fields`` (``None`` or ``""``: absent), if the source has them that way: the writers
    #: then format each edge from the tuple (:func:`_per_dict`), no dict built. Called
    #: with ``check``: true asks the source to say which rows are ``clean`` (no value, as
    #: text, has a character of :data:`DIRTY`); a row not said clean the writer checks.
    rows: Callable[[bool], Iterable[tuple[bool, tuple[Any, ...]]]] | None = None
    fields: tuple[str, ...] = ()
    #: Given the format and the output's folder (``None``: a stream), the later part of
    #: :attr:`rows` formatted by another process while this one writes (``None``: no such
    #: part; :mod:`archive.graph.export_split`).
    later: Callable[[str, Path | None], Later | None] | None = None

    def each_node(self) -> Iterator[tuple[Any, dict[str, Any]]]:
        for item in self.nodes():
            self.written[0] += 1
            yield item

    def each_edge(self) -> Iterator[tuple[Any, Any, Any, dict[str, Any]]]:
        for item in self.edges():
            self.written[1] += 1
            yield item


def of_rows(
    graph: dict[str, Any], node_keys: dict[str, str], edge_keys: dict[str, str],
    nodes: Callable[[], Iterable[tuple[Any, dict[str, Any]]]],
    rows: Callable[[bool], Iterable[tuple[bool, tuple[Any, ...]]]], fields: tuple[str, ...],
) -> Export:  # fmt: skip
    """An :class:`Export` whose edges come as flat tuples (:attr:`Export.rows`); its
    ``edges`` are the same edges with their values as dicts."""

    def edges() -> Iterator[tuple[Any, Any, Any, dict[str, Any]]]:
        for _clean, row in rows(False):
            yield row[0], row[1], row[2], dict(zip(fields, row[3:], strict=True))

    return Export(graph, node_keys, edge_keys, nodes, edges, rows=rows, fields=fields)


def of_graph(g: Any) -> Export:
    """The :class:`Export` of a networkx MultiDiGraph (types from its values)."""
    if isinstance(g, Export):
        return g
    return Export(
        dict(g.graph), schema(exported(d) for _n, d in g.nodes(data=True)),
        schema(exported(d) for *_e, d in g.edges(data=True)),
        lambda: g.nodes(data=True), lambda: g.edges(keys=True, data=True),
    )  # fmt: skip


def _type_name(value: Any) -> str:
    for kind, name in _TYPES:
        if type(value) is kind:
            return name
    return "string"


def schema(items: Iterator[dict[str, Any]]) -> dict[str, str]:
    """Attribute name -> XML type over dicts (``None`` aside; mixed types: string)."""
    found: dict[str, str | None] = {}
    for data in items:
        for key, value in data.items():
            if value is None:
                found.setdefault(key, None)
                continue
            name = _type_name(value)
            if found.get(key) not in (None, name):
                name = "string"
            found[key] = name
    return {key: name or "string" for key, name in found.items()}


__all__ = ["DIRTY", "Export", "exported", "of_graph", "of_rows", "schema"]
