"""Streaming writers for the graph: GraphML, GEXF 1.3 and node-link JSON, line by line.

networkx's writers build the whole document in memory first (an ElementTree of the
graph, or the node-link dict plus its JSON text) from a cleaned copy of the graph: 73 s
and gigabytes for a 437 MB GEXF at 100,000 pages. These write each node and edge as they
go, in the shape the tools read with their defaults (``nx.read_graphml``,
``nx.read_gexf``, ``nx.node_link_graph(data)``, Gephi).

One attribute vocabulary in all three formats (:func:`exported`): the page's category
label is ``category`` (GEXF reserves ``label`` for the text Gephi shows: the title), and a
missing value (``None`` or ``""``) is absent, never written as ``""``. GEXF is
``mode="dynamic"``: every node and edge carries a spell from its ``first_seen`` (open
while present; a removed page's spell ends at its ``last_seen``), so Gephi's timeline
plays the archive's history (``timeformat="date"`` with ISO 8601 UTC times in the spells:
Gephi parses those as date-times, and ``nx.read_gexf`` reads no other non-numeric
format). Characters XML 1.0 cannot carry (control characters) are
dropped.

What they write is an :class:`~archive.graph.export_model.Export`. Edges given as flat
tuples (its ``rows``, as :mod:`archive.graph.sql_export` gives them) are formatted straight
from the tuple when nothing in them needs escaping (no dict per edge: 20–25 % less CPU for
an export at 100,000 pages; tests/archive/graph/test_export_rows.py checks the bytes are
those of the per-dict path).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from archive.graph.export_model import DIRTY, Export, exported, of_graph, schema
from archive.graph.format_out import Later, edge_rows, sink
from crawler import clock

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ATTR_ENTITIES = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#09;"}
_GEXF_NS = (
    'xmlns="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3"'
)
_GRAPHML_NS = (
    'xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"'
)


def _text(value: Any) -> str:
    """``value`` as XML character data."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    if not DIRTY.search(text):  # most values: nothing to escape or drop
        return text
    return escape(_NOT_XML.sub("", text) if _NOT_XML.search(text) else text)


def _attr(value: Any) -> str:
    """``value`` inside a double-quoted XML attribute."""
    if type(value) is str:
        text = value
    elif value is None or isinstance(value, bool):
        return "" if value is None else ("true" if value else "false")
    else:
        text = str(value)
    if not DIRTY.search(text):  # most values: nothing to escape or drop
        return text
    if _NOT_XML.search(text):
        text = _NOT_XML.sub("", text)
    return escape(text, _ATTR_ENTITIES)


def _per_dict(g: Export, reserved: Iterable[str] = ()) -> bool:
    """Whether the rows of ``g`` must all go the per-dict way: field names the fast
    formatting does not handle (repeated, or ones the writer adds itself: ``reserved``).

    Otherwise a row is written the fast way when it is *plain*: its three ends are strings
    and no value (as text) has a character to escape or drop (the source says so —
    ``clean`` in :attr:`Export.rows` — or one search of :data:`DIRTY`), so each string is
    written as it is: the same text as the per-dict path, which, without such characters,
    writes every string unchanged and converts the rest the same way."""
    return len(set(g.fields)) < len(g.fields) or bool(set(g.fields) & set(reserved))


def _as_dict(row: tuple[Any, ...], fields: tuple[str, ...]) -> tuple[Any, Any, Any, dict[str, Any]]:
    return row[0], row[1], row[2], dict(zip(fields, row[3:], strict=True))


def _openings(key_ids: dict[str, str], template: str) -> dict[str, str]:
    """The text before each attribute's value (``template`` with ``{id}``), by the name in
    the graph's data (``label`` is written as ``category``, see :func:`exported`)."""
    found = {name: template.format(id=key_id) for name, key_id in key_ids.items()}
    if "category" in found:
        found["label"] = found["category"]
    return found


def _values(data: dict[str, Any], opening: dict[str, str], close: str, conv: Any) -> str:
    """The attributes of ``data`` present in the export (:func:`exported`), one a line.
    Most values need no escaping: one search over all the strings of ``data`` decides,
    instead of one ``conv`` call per value (a third of GEXF's writing time at 1M edges)."""
    items = [(key, value) for key, value in data.items() if value is not None and value != ""]
    if DIRTY.search(" ".join([value for _k, value in items if type(value) is str])):
        return "".join([opening[key] + conv(value) + close for key, value in items])
    return "".join([
        opening[key] + (value if type(value) is str else conv(value)) + close
        for key, value in items
    ])  # fmt: skip


def _ends(u: Any, v: Any, key: Any) -> tuple[str, str, str]:
    """An edge's source, target and key as XML attribute values (one search when all three
    are plain strings, as nearly all are)."""
    if type(u) is str and type(v) is str and type(key) is str:
        if not DIRTY.search(f"{u} {v} {key}"):
            return u, v, key
    return _attr(u), _attr(v), _attr(key)


@contextmanager
def _later(g: Export, fmt: str, out: str | Path | IO[bytes]) -> Iterator[Later | None]:
    """The later part of ``g``'s edges, started before the nodes are written, closed on the
    way out."""
    if g.later is None or g.rows is None:
        yield None
        return
    later = g.later(fmt, Path(out).parent if isinstance(out, str | Path) else None)
    try:
        yield later
    finally:
        if later is not None:
            later.close()


def _graphml_ids(g: Export) -> dict[tuple[str, str], str]:
    """The GraphML key id of each (scope, attribute name), in the order declared."""
    ids: dict[tuple[str, str], str] = {}
    graph_keys = schema(iter([exported(g.graph)]))
    for scope, keys in (("graph", graph_keys), ("node", g.node_keys), ("edge", g.edge_keys)):
        for name in keys:
            ids[(scope, name)] = f"d{len(ids)}"
    return ids


def write_graphml(
    g: Any, out: str | Path | IO[bytes], archive: str | Path | None = None
) -> tuple[int, int]:
    """GraphML as ``nx.write_graphml`` writes a MultiDiGraph (edge id = key) of ``g`` (a
    graph or an :class:`Export`); returns the nodes and edges written."""
    g = of_graph(g)
    g.written[:] = [0, 0]  # counts (and GEXF's edge numbers, JSON's commas) from here
    graph_keys = schema(iter([exported(g.graph)]))
    ids = _graphml_ids(g)
    with sink(out, archive) as out_, _later(g, "graphml", out) as later:
        write = out_.write
        write(f"<?xml version='1.0' encoding='utf-8'?>\n<graphml {_GRAPHML_NS}>\n")
        for scope, keys in (("graph", graph_keys), ("node", g.node_keys),
                            ("edge", g.edge_keys)):  # fmt: skip
            for name, xml_type in keys.items():
                write(f'<key id="{ids[(scope, name)]}" for="{scope}" '
                      f'attr.name="{_attr(name)}" attr.type="{xml_type}"/>\n')  # fmt: skip
        write('<graph edgedefault="directed">\n')
        for name, value in exported(g.graph).items():
            write(f'<data key="{ids[("graph", name)]}">{_text(value)}</data>\n')
        template, close = '  <data key="{id}">', "</data>\n"
        node_open = _openings({n: ids[("node", n)] for n in g.node_keys}, template)
        for node, data in g.each_node():
            values = _values(data, node_open, close, _text)
            write(f'<node id="{_attr(node)}">\n{values}</node>\n')
        edge, check, fmt_rows = _graphml_edges(g, write)
        if g.rows is None:
            for u, v, key, data in g.each_edge():
                write(edge(u, v, key, data))
        else:
            edge_rows(g.rows, g.written, later, out_, check, fmt_rows)
        write("</graph></graphml>\n")
    return g.written[0], g.written[1]


def _graphml_edges(g: Export, write: Callable[[str], Any]) -> tuple[Callable[..., str], bool, Any]:
    """GraphML edges of ``g``: one from its dict, whether rows are to be checked, and the
    writer of :attr:`Export.rows`."""
    ids = _graphml_ids(g)
    template, close = '  <data key="{id}">', "</data>\n"
    edge_open = _openings({n: ids[("edge", n)] for n in g.edge_keys}, template)

    def edge(u: Any, v: Any, key: Any, data: dict[str, Any]) -> str:
        values = _values(data, edge_open, close, _text)
        source, target, ident = _ends(u, v, key)
        return f'<edge source="{source}" target="{target}" id="{ident}">\n{values}</edge>\n'

    def fmt_rows(rows: Iterable[tuple[bool, tuple[Any, ...]]]) -> None:
        opens, fields, per_dict = [edge_open[f] for f in g.fields], g.fields, _per_dict(g)
        search, written = DIRTY.search, g.written
        for clean, row in rows:
            written[1] += 1
            if per_dict or not (
                type(row[0]) is str and type(row[1]) is str and type(row[2]) is str
                and (clean or search(" ".join(map(str, row))) is None)
            ):  # fmt: skip
                write(edge(*_as_dict(row, fields)))
                continue
            values = "".join([
                o + (x if type(x) is str else _text(x)) + close
                for o, x in zip(opens, row[3:], strict=True) if x is not None and x != ""
            ])  # fmt: skip
            write(f'<edge source="{row[0]}" target="{row[1]}" id="{row[2]}">\n'
                  f"{values}</edge>\n")  # fmt: skip

    return edge, True, fmt_rows


def _spell(data: dict[str, Any]) -> str:
    """The GEXF spell of a node or edge: from ``first_seen``, open while present."""
    start = data.get("first_seen")
    if not start:
        return ""
    end = data.get("last_seen") if data.get("status") == "removed" else None
    bound = f' end="{_attr(end)}"' if end else ""
    return f'        <spells><spell start="{_attr(start)}"{bound} /></spells>\n'


def _gexf_ids(g: Export) -> tuple[dict[str, str], dict[str, str]]:
    """The GEXF attribute ids of the nodes' and the edges' attributes."""
    edge_keys = {**g.edge_keys, "networkx_key": "string"}
    node_ids = {name: str(i) for i, name in enumerate(g.node_keys)}
    return node_ids, {name: str(i + len(node_ids)) for i, name in enumerate(edge_keys)}


def write_gexf(
    g: Any, out: str | Path | IO[bytes], archive: str | Path | None = None
) -> tuple[int, int]:
    """GEXF 1.3, dynamic, for Gephi: a node's label is its title; spells from
    ``first_seen``; the edge key is ``networkx_key``, as ``nx.write_gexf`` does. Returns
    the nodes and edges written."""
    g = of_graph(g)
    g.written[:] = [0, 0]  # counts (and GEXF's edge numbers, JSON's commas) from here
    node_keys, edge_keys = g.node_keys, {**g.edge_keys, "networkx_key": "string"}
    node_ids, edge_ids = _gexf_ids(g)
    with sink(out, archive) as out_, _later(g, "gexf", out) as later:
        write = out_.write
        write(f"<?xml version='1.0' encoding='utf-8'?>\n<gexf {_GEXF_NS}>\n"
              f'  <meta lastmodifieddate="{clock.now().date().isoformat()}">\n'
              "    <creator>pressarchive</creator>\n  </meta>\n"
              '  <graph defaultedgetype="directed" mode="dynamic" timeformat="date" '
              'timerepresentation="interval" name="">\n')  # fmt: skip
        for scope, keys, key_ids in (("edge", edge_keys, edge_ids),
                                     ("node", node_keys, node_ids)):  # fmt: skip
            write(f'    <attributes mode="static" class="{scope}">\n')
            for name, xml_type in keys.items():
                write(f'      <attribute id="{key_ids[name]}" title="{_attr(name)}" '
                      f'type="{xml_type}" />\n')  # fmt: skip
            write("    </attributes>\n")
        template, close = '          <attvalue for="{id}" value="', '" />\n'
        node_open = _openings(node_ids, template)
        write("    <nodes>\n")
        for node, data in g.each_node():
            values = _values(data, node_open, close, _attr)
            write(f'      <node id="{_attr(node)}" '
                  f'label="{_attr(data.get("title") or node)}">\n'
                  f"        <attvalues>\n{values}        </attvalues>\n{_spell(data)}"
                  "      </node>\n")  # fmt: skip
        write("    </nodes>\n    <edges>\n")
        edge, check, fmt_rows = _gexf_edges(g, write)
        if g.rows is None:
            for i, (u, v, key, data) in enumerate(g.each_edge()):
                write(edge(i, u, v, key, data))
        else:
            edge_rows(g.rows, g.written, later, out_, check, fmt_rows)
        write("    </edges>\n  </graph>\n</gexf>\n")
    return g.written[0], g.written[1]


def _gexf_edges(g: Export, write: Callable[[str], Any]) -> tuple[Callable[..., str], bool, Any]:
    """GEXF edges of ``g``: one from its number and dict, whether rows are to be checked,
    and the writer of :attr:`Export.rows` (numbered on from the edges written)."""
    template, close = '          <attvalue for="{id}" value="', '" />\n'
    edge_open = _openings(_gexf_ids(g)[1], template)
    key_open = edge_open["networkx_key"]

    def edge(i: int, u: Any, v: Any, key: Any, data: dict[str, Any]) -> str:
        values = _values(data, edge_open, close, _attr)
        source, target, ident = _ends(u, v, key)
        return (f'      <edge source="{source}" target="{target}" id="{i}">\n'
                f"        <attvalues>\n{values}{key_open}{ident}{close}"
                f"        </attvalues>\n{_spell(data)}      </edge>\n")  # fmt: skip

    def fmt_rows(rows: Iterable[tuple[bool, tuple[Any, ...]]]) -> None:
        opens = [edge_open[name] for name in g.fields]
        _gexf_rows(g, rows, write, edge, opens, key_open, close)

    return edge, True, fmt_rows


def _gexf_rows(
    g: Export, rows: Iterable[tuple[bool, tuple[Any, ...]]], write: Callable[[str], Any],
    edge: Callable[..., str], opens: list[str], key_open: str, close: str,
) -> None:  # fmt: skip
    """``rows`` of :attr:`Export.rows` in GEXF, numbered on from the edges written
    (``edge``: one edge from its dict): the values as :func:`_values` writes them, the
    spell as :func:`_spell` (no ``status`` field: an edge's spell is open)."""
    fields = g.fields
    first = 3 + fields.index("first_seen") if "first_seen" in fields else -1
    per_dict, search = _per_dict(g, ("status", "networkx_key")), DIRTY.search
    written = g.written
    for clean, row in rows:
        i = written[1]
        written[1] = i + 1
        if per_dict or not (
            type(row[0]) is str and type(row[1]) is str and type(row[2]) is str
            and (clean or search(" ".join(map(str, row))) is None)
        ):  # fmt: skip
            write(edge(i, *_as_dict(row, fields)))
            continue
        values = "".join([
            o + (x if type(x) is str else _attr(x)) + close
            for o, x in zip(opens, row[3:], strict=True) if x is not None and x != ""
        ])  # fmt: skip
        start = row[first] if first >= 0 else None
        spell = (f'        <spells><spell start="{start if type(start) is str else _attr(start)}"'
                 " /></spells>\n") if start else ""  # fmt: skip
        write(f'      <edge source="{row[0]}" target="{row[1]}" id="{i}">\n'
              f"        <attvalues>\n{values}{key_open}{row[2]}{close}"
              f"        </attvalues>\n{spell}      </edge>\n")  # fmt: skip


def _json_rows(
    g: Export, rows: Iterable[tuple[bool, tuple[Any, ...]]], write: Callable[[str], Any],
    edge: Callable[..., str],
) -> None:  # fmt: skip
    """``rows`` of :attr:`Export.rows` as node-link JSON objects after the edges written,
    each the text ``json.JSONEncoder(ensure_ascii=False).encode`` gives the dict of the
    per-dict path (the values of the export vocabulary, then ``source``, ``target``,
    ``key``): strings by the encoder's own ``encode_basestring`` (it escapes what JSON
    needs: no check first), integers by ``int.__repr__``, the rest by the encoder."""
    fields = g.fields
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    enc = json.encoder.encode_basestring
    names = [enc("category" if name == "label" else name) + ": " for name in fields]
    exported_names = {"category" if name == "label" else name for name in fields}
    per_dict = len(exported_names) < len(fields) or bool(
        exported_names & {"source", "target", "key"}
    )

    def value(x: Any) -> str:
        return enc(x) if type(x) is str else (int.__repr__(x) if type(x) is int else dumps(x))

    written = g.written
    sep = ",\n" if written[1] else "\n"
    for _clean, row in rows:
        written[1] += 1
        if per_dict or type(row[0]) is not str or type(row[1]) is not str:
            write(sep + edge(*_as_dict(row, fields)))
            sep = ",\n"
            continue
        text = "".join([
            n + (enc(x) if type(x) is str else value(x)) + ", "
            for n, x in zip(names, row[3:], strict=True) if x is not None and x != ""
        ])  # fmt: skip
        write(f'{sep}{{{text}"source": {enc(row[0])}, "target": {enc(row[1])}, '
              f'"key": {value(row[2])}}}')  # fmt: skip
        sep = ",\n"


def _json_edges(g: Export, write: Callable[[str], Any]) -> tuple[Callable[..., str], bool, Any]:
    """JSON edges of ``g``: one from its dict, whether rows are to be checked (no: the
    encoder escapes), and the writer of :attr:`Export.rows`."""
    dumps = json.JSONEncoder(ensure_ascii=False).encode

    def edge(u: Any, v: Any, key: Any, data: dict[str, Any]) -> str:
        return dumps({**exported(data), "source": u, "target": v, "key": key})

    def fmt_rows(rows: Iterable[tuple[bool, tuple[Any, ...]]]) -> None:
        _json_rows(g, rows, write, edge)

    return edge, False, fmt_rows


def write_json(
    g: Any, out: str | Path | IO[bytes], archive: str | Path | None = None
) -> tuple[int, int]:
    """Node-link JSON as ``nx.node_link_data(g)`` writes a MultiDiGraph (``edges`` key,
    networkx 3.4+ defaults), in the export vocabulary; one node / edge a line. Returns the
    nodes and edges written."""
    g = of_graph(g)
    g.written[:] = [0, 0]  # counts (and GEXF's edge numbers, JSON's commas) from here
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    with sink(out, archive) as out_, _later(g, "json", out) as later:
        write = out_.write
        head = {"directed": True, "multigraph": True, "graph": exported(g.graph)}
        write(dumps(head)[:-1] + ',\n"nodes": [')
        sep = "\n"
        for node, data in g.each_node():
            write(sep + dumps({**exported(data), "id": node}))
            sep = ",\n"
        write('\n],\n"edges": [')
        edge, check, fmt_rows = _json_edges(g, write)
        if g.rows is None:
            sep = "\n"
            for u, v, key, data in g.each_edge():
                write(sep + edge(u, v, key, data))
                sep = ",\n"
        else:
            edge_rows(g.rows, g.written, later, out_, check, fmt_rows)
        write("\n]}\n")
    return g.written[0], g.written[1]


#: The edge part of each format (:func:`write_edge_part`).
_EDGE_PARTS = {"graphml": _graphml_edges, "gexf": _gexf_edges, "json": _json_edges}


def write_edge_part(fmt: str, g: Export, out: IO[bytes], written: int) -> int:
    """The edges of :attr:`Export.rows` of ``g`` in ``fmt`` into ``out``, as the format's
    writer writes them after ``written`` edges (GEXF numbers them on, JSON puts a comma
    first if any): what the other process of :class:`Later` writes. Returns the edges
    written."""
    assert g.rows is not None
    g.written[1] = written
    with sink(out) as out_:
        _edge, check, fmt_rows = _EDGE_PARTS[fmt](g, out_.write)
        fmt_rows(g.rows(check))
    return g.written[1] - written


#: ``graph export --format``: the writer of each format.
WRITERS = {"graphml": write_graphml, "gexf": write_gexf, "json": write_json}


__all__ = ["WRITERS", "write_edge_part", "write_gexf", "write_graphml", "write_json"]
