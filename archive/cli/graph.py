"""``pressarchive graph ...``: the related-topic graph. Neighbours, paths, topics and
exports (now or --at a date) are read from SQL without building the graph; central (igraph)
and communities (networkit) run on an edge list read from SQL; networkx loads only for `graph
render` and `--text-topics` exports, which build the graph in memory."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import click

from archive.cli.options import (
    at_option,
    db_option,
    open_db,
    since_option,
    source_option,
    until_option,
)
from archive.cli.output import Output, output_options
from archive.cli.progress import terminal_progress

NEIGHBOR_FIELDS = ("distance", "direction", "rel", "id", "title", "node_kind", "kind", "label")
CENTRAL_FIELDS = ("id", "title", "kind", "pagerank", "in_degree", "out_degree")
PATH_FIELDS = ("id", "title", "kind", "direction", "rel", "link_kind", "link_label")
#: ``graph export --format``: ``archive.graph.model.EXPORT_FORMATS``, copied so that
#: ``--help`` does not import networkx (tests/archive/test_cli.py keeps them equal).
GRAPH_FORMATS = ("graphml", "gexf", "json")
#: ``graph topics --of``: labels (the link graph) or text topics
#: (``archive.graph.text_topics``): key phrases, all entities, one entity kind.
TOPIC_SOURCES = (
    "labels",
    "phrases",
    "entities",
    "person",
    "organisation",
    "place",
    "amount",
    "date",
)


@click.group()
def graph() -> None:
    """The related-topic graph: pages, labels and their links, at any date.

    \b
    Examples:
        pressarchive graph neighbors Migration --depth 2
        pressarchive graph export --format gexf -o archive.gexf   # open in Gephi
        pressarchive graph render --out graph.html
    """


def _load_graph(
    db_path: str, at: str | None, source: str | None, text_topics: bool = False
) -> tuple[Any, Any]:
    from archive.graph.model import build_graph

    db = open_db(db_path, source=source)
    with terminal_progress("building the graph") as progress:
        return db, build_graph(db, at, source, progress=progress, text_topics=text_topics)


text_topics_option = click.option(
    "--text-topics", is_flag=True,
    help="Also the key phrases (topic:KEY) and people, organisations and places "
    "(person:KEY, …) found in the text, as nodes linked by 'mentions' edges: topics that "
    "connect releases of every city, also where a site draws no related box.",
)  # fmt: skip


@graph.command("neighbors")
@click.argument("node")
@click.option("--depth", default=1, show_default=True, type=click.IntRange(1, 10))
@at_option
@source_option()
@db_option
@output_options(csv=True, csv_help="Print CSV: one line per neighbour.")
def graph_neighbors(
    node: str, depth: int, at: str | None, source: str | None, db_path: str, out: Output
) -> None:
    """What a release, topic or label (URL, label or title) is linked to and from; for
    a key phrase or an entity found in the text (topic:Kita, person:Katrin Albers,
    place:Haßloch, organisation:Jugendamt) the releases mentioning it and, with --depth 2,
    the phrases and entities they share.

    \b
    Examples:
        pressarchive graph neighbors Migration --depth 2 --at 2025-12-01
        pressarchive graph neighbors topic:Kita
        pressarchive graph neighbors "person:Patrick Burghardt" --depth 2 --json
    """
    from archive.graph import text_topics

    if text_topics.is_text_node(node):  # topic:Kita, person:Katrin Albers: SQL, no networkx
        if at:
            raise click.UsageError("--at applies to the link graph, not to topic:/entity nodes")
        found_text = text_topics.neighbors(open_db(db_path, source=source), node, depth, source)
        out.emit(
            found_text, text=_text_neighbor_lines, rows=lambda d: d["neighbors"],
            fields=NEIGHBOR_FIELDS,
        )  # fmt: skip
        return
    from archive.graph.sql_graph import SqlGraph  # indexed SQL lookups, no graph built

    sql = SqlGraph(open_db(db_path, source=source), source, at)
    found = sql.find(node)
    info = sql.info(found)
    data = {"node": info, "at": sql.at, "neighbors": sql.neighbors(found, depth)}

    def lines(data: dict[str, Any]) -> Iterator[str]:
        yield f"{info['title']} <{found}> [{info['kind']}]"
        for item in data["neighbors"]:
            arrow = "→" if item["direction"] == "out" else "←"
            indent = "  " * item["distance"]
            extra = ", ".join(str(item[k]) for k in ("kind", "label", "date") if item.get(k))
            yield (
                f"{indent}{arrow} {item['rel']}{f' ({extra})' if extra else ''}: {item['title']} "
                f"<{item['id']}> [{item['node_kind']}]"
            )

    out.emit(data, text=lines, rows=lambda d: d["neighbors"], fields=NEIGHBOR_FIELDS)


def _text_neighbor_lines(data: dict[str, Any]) -> Iterator[str]:
    node = data["node"]
    yield f"{node['title']} <{node['id']}> [{node['kind']}]"
    for item in data["neighbors"]:
        if item["distance"] == 1:
            yield f"  ← mentions: {item['title']} ({item['date'] or 'undated'}) <{item['id']}>"
        else:
            yield f"    ~ shares {item['shared']}: {item['title']} <{item['id']}>"


def _trend_lines(data: dict[str, Any]) -> Iterator[str]:
    periods = data["periods"]
    head = "change total  " + " ".join(f"{p:>7}" for p in periods) + "  topic"
    for name in ("rising", "falling"):
        yield f"{name.capitalize()} ({data['of']}, by {data['by']}):"
        yield head
        for row in data[name]:
            cells = " ".join(f"{row['counts'].get(p, ''):>7}" for p in periods)
            yield f"{row['change']:>+6.2f} {row['total']:>5}  {cells}  {row['topic']}"


def _trend_rows(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for name in ("rising", "falling"):
        for row in data[name]:
            yield {"trend": name, "topic": row["topic"], "key": row["key"],
                   "change": row["change"], "total": row["total"], **row["counts"]}  # fmt: skip


def _topic_lines(data: dict[str, Any]) -> Iterator[str]:
    periods = data["periods"]
    yield "total  " + " ".join(f"{p:>7}" for p in periods) + "  label"
    for row in data["topics"]:
        cells = " ".join(f"{row['counts'].get(p, ''):>7}" for p in periods)
        generic = " (generic)" if row["generic"] else ""
        yield f"{row['total']:>5}  {cells}  {row['label']}{generic}"
    for name in ("rising", "falling"):
        if data.get(name):
            yield f"{name.capitalize()} (from the first half of the periods to the second):"
            yield from (f"  {r['change']:>+6.2f}  {r['label']}" for r in data[name])


def _topic_rows(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for row in data["topics"]:
        yield {"label": row["label"], "generic": row["generic"], "total": row["total"],
               **row["counts"]}  # fmt: skip


@graph.command("topics")
@click.option("--by", type=click.Choice(["year", "month"]), default="year", show_default=True)
@click.option(
    "--of", "of", type=click.Choice(TOPIC_SOURCES), default="labels", show_default=True,
    help="Labels and topic boxes of the pages, or what the text says: key phrases, all "
    "entities or one kind of them (rising and falling).",
)  # fmt: skip
@click.option("--top", default=20, show_default=True, type=click.IntRange(1, 10_000))
@at_option
@source_option()
@since_option
@until_option
@db_option
@output_options(csv=True, csv_help="Print CSV: label, generic, total and one column a period.")
def graph_topics(
    by: str,
    of: str,
    top: int,
    at: str | None,
    source: str | None,
    since: str | None,
    until: str | None,
    db_path: str,
    out: Output,
) -> None:
    """Pages per topic and year or month of publication: the labels and topic boxes of
    the pages, or (--of phrases, entities, person, …) the topics found in the text, as
    the ones rising and falling most from the first half of the periods to the second.

    \b
    Examples:
        pressarchive graph topics --by month --source ruesselsheim
        pressarchive graph topics --of phrases --since 2024-01-01 --until 2025-12-31
        pressarchive graph topics --of person --by month --json
    """
    if of != "labels":
        from archive.graph.text_topics import trends

        if at:
            raise click.UsageError("--at applies to --of labels only")
        db = open_db(db_path, source=source)
        found = trends(db, of=of, by=by, source=source, since=since, until=until, top=top)
        fields = ("trend", "topic", "key", "change", "total", *found["periods"])
        out.emit(found, text=_trend_lines, rows=_trend_rows, fields=fields)
        return
    from archive.graph.sql_topics import topics  # SQL aggregates, no graph built

    data = topics(open_db(db_path, source=source), by, source, at)
    if since or until:
        cut = 4 if by == "year" else 7
        low, high = (since or "")[:cut], (until or "9999")[:cut]
        data["periods"] = [p for p in data["periods"] if low <= p <= high]
        for row in data["topics"]:
            row["counts"] = {p: n for p, n in row["counts"].items() if low <= p <= high}
            row["total"] = sum(row["counts"].values())
        data["topics"] = [r for r in data["topics"] if r["total"]]
    from archive.graph.text_topics import rising_falling

    specific = [dict(r) for r in data["topics"] if not r["generic"]]
    data["rising"], data["falling"] = rising_falling(specific, data["periods"], "label", top)
    fields = ("label", "generic", "total", *data["periods"])
    out.emit(data, text=_topic_lines, rows=_topic_rows, fields=fields)


def _central_lines(rows: list[dict[str, Any]]) -> Iterator[str]:
    yield "pagerank   in  out  kind    title"
    for r in rows:
        yield (
            f"{r['pagerank']:.5f} {r['in_degree']:>4} {r['out_degree']:>4}  {r['kind']:<7} "
            f"{r['title']} <{r['id']}>"
        )


@graph.command("central")
@click.option("--top", default=20, show_default=True, type=click.IntRange(1, 100_000))
@at_option
@source_option()
@db_option
@output_options(csv=True, csv_help="Print CSV: one line per node.")
def graph_central(top: int, at: str | None, source: str | None, db_path: str, out: Output) -> None:
    """The most central pages and labels: PageRank and degree.

    \b
    Example:
        pressarchive graph central --top 10 --at 2025-06-30
    """
    from archive.graph import ranking  # igraph on the edge list of graph_edges
    from archive.graph.sql_graph import SqlGraph

    found = ranking.central(SqlGraph(open_db(db_path, source=source), source, at), top)
    out.emit(found, text=_central_lines, fields=CENTRAL_FIELDS)


def _community_lines(found: list[dict[str, Any]]) -> Iterator[str]:
    for c in found:
        kinds = ", ".join(f"{n} {k}" for k, n in c["kinds"].items())
        yield f"{c['id']}. {c['size']} nodes ({kinds}); labels: {', '.join(c['labels'])}"
        for item in c["top"][:3]:
            yield f"     {item['title']} <{item['id']}>"


COMMUNITY_FIELDS = ("id", "size", "kinds", "labels", "top")


def _community_rows(found: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for c in found:
        yield {"id": c["id"], "size": c["size"],
               "kinds": [f"{n} {k}" for k, n in c["kinds"].items()], "labels": c["labels"],
               "top": [item["id"] for item in c["top"]]}  # fmt: skip


@graph.command("communities")
@click.option("--seed", default=42, show_default=True, help="Seed of the community method.")
@click.option("--resolution", default=1.0, show_default=True, help="Higher: smaller clusters.")
@at_option
@source_option()
@db_option
@output_options(csv=True, csv_help="Print CSV: one line per cluster (its top nodes' ids).")
def graph_communities(
    seed: int, resolution: float, at: str | None, source: str | None, db_path: str,
    out: Output,
) -> None:  # fmt: skip
    """Clusters of topics and releases (modularity communities: networkit's Leiden method;
    for the graph now cached by `pressarchive reindex --index graph_ranking`).

    \b
    Example:
        pressarchive graph communities --json
    """
    from archive.graph import ranking  # networkit on the edge list of graph_edges
    from archive.graph.sql_graph import SqlGraph

    sql = SqlGraph(open_db(db_path, source=source), source, at)
    found = ranking.communities(sql, seed=seed, resolution=resolution)
    out.emit(found, text=_community_lines, rows=_community_rows, fields=COMMUNITY_FIELDS)


def _path_lines(steps: list[dict[str, Any]]) -> Iterator[str]:
    for i, step in enumerate(steps):
        if i:
            arrow = "→" if step["direction"] == "out" else "←"
            extra = ", ".join(x for x in (step["link_kind"], step["link_label"]) if x)
            yield f"  {arrow} {step['rel']}{f' ({extra})' if extra else ''}"
        yield f"{step['title']} <{step['id']}> [{step['kind']}]"


@graph.command("path")
@click.argument("a")
@click.argument("b")
@at_option
@source_option()
@db_option
@output_options(csv=True, csv_help="Print CSV: one line per step.")
def graph_path(
    a: str, b: str, at: str | None, source: str | None, db_path: str, out: Output
) -> None:
    """How two releases, topics or labels are connected (a shortest chain of links).

    \b
    Example:
        pressarchive graph path Migration Wahlen
    """
    from archive.graph.sql_graph import SqlGraph  # a bidirectional BFS over SQL lookups

    sql = SqlGraph(open_db(db_path, source=source), source, at)
    steps = sql.path(sql.find(a), sql.find(b))
    out.emit(steps, text=_path_lines, fields=PATH_FIELDS)


@graph.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(GRAPH_FORMATS), default="gexf", show_default=True,
)  # fmt: skip
@click.option("-o", "--output", "--out", type=click.Path(dir_okay=False), help="File [stdout].")
@text_topics_option
@at_option
@source_option()
@db_option
def graph_export(
    fmt: str, output: str | None, text_topics: bool, at: str | None, source: str | None,
    db_path: str,
) -> None:  # fmt: skip
    """Write the graph as GEXF 1.3 / GraphML (Gephi) or node-link JSON (D3, networkx).

    One vocabulary in every format: kind, status, title, category (the page's label),
    source, page_type, published, url, first_seen, last_seen on nodes; rel, kind,
    category, title, date, position, first_seen, last_seen, published on edges; a missing
    value is absent. GEXF is dynamic (Gephi's timeline plays first_seen spells); the JSON reads
    with networkx.node_link_graph(data) as it is ("edges" key). Streamed from the archive
    row by row (memory stays flat); with --text-topics the graph is built in memory.

    \b
    Example:
        pressarchive graph export --format gexf --at 2025-12-01 -o archive.gexf
        pressarchive graph export --format json --text-topics -o topics.json
    """
    from archive.graph.model import export_graph
    from archive.outfile import check_output
    from crawler.errors import GraphError

    if output is not None:  # before the archive is opened: never over it, nor into nowhere
        check_output(output, GraphError, archive=db_path)
    if text_topics:  # the text's topics join the graph built in memory
        _db, g = _load_graph(db_path, at, source, text_topics)
    else:  # streamed from SQL row by row, no graph built
        from archive.graph.sql_export import export_rows

        g = export_rows(open_db(db_path, source=source), source, at)
    n, m = export_graph(g, fmt, output or sys.stdout.buffer, archive=db_path)
    if output:
        click.echo(f"{n} nodes, {m} edges written to {output}", err=True)


@graph.command("render")
@click.option(
    "--out", "output", default="graph.html", show_default=True,
    type=click.Path(dir_okay=False), help="FILE.html (interactive) or FILE.png.",
)  # fmt: skip
@click.option("--max-nodes", default=400, show_default=True, type=click.IntRange(10, 20_000))
@click.option(
    "--serve-url", default="http://127.0.0.1:8001", show_default=True, metavar="URL",
    help="Where `pressarchive serve` runs: a click on a node opens URL/-/page?url=<page>.",
)  # fmt: skip
@text_topics_option
@at_option
@source_option()
@db_option
def graph_render(
    output: str, max_nodes: int, serve_url: str, text_topics: bool, at: str | None,
    source: str | None, db_path: str,
) -> None:  # fmt: skip
    """Draw the graph: a self-contained HTML page (no network) or a PNG.

    The same graph `graph export` writes for the same --at and --source, with the same
    counts (over --max-nodes the best-connected nodes are kept: "N of M"). The page fills
    the window; the most important nodes (degree, then PageRank) are labelled; a search
    box finds a node by title or URL; checkboxes filter kinds and sources; the slider
    walks publication dates (a node without one, such as a label or a linked page,
    appears with the earliest dated page it is linked with); an edge shows only while
    both its ends do. A click opens the archived page on `pressarchive serve`
    (--serve-url).

    \b
    Example:
        pressarchive graph render --out graph.html && xdg-open graph.html
        pressarchive serve --db archive.db --port 8001   # for the clicks
    """
    from archive.graph.render import check_serve_url, check_target, render

    check_target(output, archive=db_path)  # before the archive is opened
    check_serve_url(serve_url)
    db = open_db(db_path, source=source)
    info = render(
        db, output, at=at, source=source, max_nodes=max_nodes, serve_url=serve_url,
        text_topics=text_topics,
    )  # fmt: skip
    nodes, edges = f"{info['nodes']} nodes", f"{info['edges']} edges"
    if (info["nodes"], info["edges"]) != (info["total_nodes"], info["total_edges"]):
        nodes = f"{info['nodes']} of {info['total_nodes']} nodes"
        edges = f"{info['edges']} of {info['total_edges']} edges"
    click.echo(f"{nodes}, {edges} drawn to {output}", err=True)


__all__ = ["GRAPH_FORMATS", "graph"]
