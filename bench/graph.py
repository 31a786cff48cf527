"""Graph benchmark: build the related-topic graph of a large synthetic archive and export it.

Run:  python bench/graph.py [--pages 100000] [--communities] [--no-build] [--db FILE]

Synthesises an archive (schema from ``open_archive``, rows by sqlite-utils ``insert_all``):
press releases, 1 % topic pages and 0.2 % org units; ~50 labels; every page with ~5
related-box links (kinds press/topic/org) and a body link; 10 % of the pages have a second
revision whose related box changed. Then times, in one run: filling the ``graph_edges``
table (as migration ``graph_edges_table`` does; the synthesis bypasses the save hooks),
queries on it and on ``graph_nodes``, the per-save refresh and the end-of-run update,
timeline load, graph at now and at a date, neighbors, PageRank, export (GEXF, GraphML,
JSON) and render (HTML, 400 nodes); ``--communities`` adds community detection. Before
the graph is built: the same questions answered without it (SQL lookups of ``graph_edges``,
igraph on its edge list, cold and cached; ``--at``, topics and the three exports streamed
from SQL). ``--no-build`` leaves out the rows that build the networkx graph (its memory
grows with the archive: ~2 GB at 100,000 pages); ``--db FILE`` keeps the synthetic archive
and reuses it in the next run. Prints Markdown; "step peak MB" is the peak RSS during the
step (Linux: VmHWM reset before it), "peak MB" the process's peak so far.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import logging
import platform
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from discovery import peak_rss_mb  # noqa: E402  (a sibling bench script)

from archive.graph import analysis as A  # noqa: E402
from archive.graph import model as G  # noqa: E402
from archive.graph import ranking  # noqa: E402
from archive.graph import timeline as T  # noqa: E402
from archive.graph.render import render  # noqa: E402
from archive.graph.sql_export import export_rows  # noqa: E402
from archive.graph.sql_graph import SqlGraph  # noqa: E402
from archive.graph.sql_topics import topics as sql_topics  # noqa: E402
from archive.indexes import graph_edges as graph_table  # noqa: E402
from archive.indexes import registry  # noqa: E402
from archive.store.schema import open_archive  # noqa: E402

BATCH = 5000
LABELS = [f"Thema {i:02d}" for i in range(49)] + ["Pressemitteilung"]


def url(i: int, kind: str) -> str:
    return f"https://example.test/{kind}/{i}"


def synthesise(path: Path, n: int, seed: int = 11) -> dict[str, int]:
    rng = random.Random(seed)
    n_topic, n_org = max(n // 100, 5), max(n // 500, 3)
    n_press = n - n_topic - n_org
    kinds = [("press", n_press), ("topic", n_topic), ("org", n_org)]
    ptype = {"press": "press_release", "topic": "topic", "org": "org_unit"}
    db = open_archive(path)
    db.table("crawl_runs").insert(
        {
            "source": "bench",
            "started_at": "2025-12-01T00:00:00Z",
            "finished_at": "2025-12-01T06:00:00Z",
            "status": "ok",
        }  # fmt: skip
    )
    counts = {"pages": 0, "revisions": 0, "links": 0}

    def pages() -> Iterator[tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]]:
        for kind, count in kinds:
            for i in range(count):
                u = url(i, kind)
                label = "Pressemitteilung" if kind == "press" and rng.random() < 0.6 else (
                    LABELS[min(int(rng.paretovariate(1.2)) - 1, 48)])  # fmt: skip
                day = f"20{15 + i % 11}-{1 + i % 12:02d}-{1 + i % 28:02d}"
                page = {
                    "url": u, "source": "bench", "page_type": ptype[kind], "label": label,
                    "title": f"{kind} {i}", "published": day if kind == "press" else None,
                    "first_seen": "2025-11-01T00:00:00Z", "version": 1,
                }  # fmt: skip
                revs = [{"page_url": u, "revision": 1, "version": 1, "event": "new",
                         "fetched_at": f"2025-11-01T{i % 24:02d}:00:00Z", "page_type":
                         ptype[kind], "label": label, "title": page["title"],
                         "published": page["published"]}]  # fmt: skip
                if rng.random() < 0.1:
                    revs.append({**revs[0], "revision": 2, "version": 2, "event": "changed",
                                 "fetched_at": f"2025-11-20T{i % 24:02d}:00:00Z"})  # fmt: skip
                links = []
                for rev in revs:
                    for pos in range(5):
                        tk = rng.choices(["press", "topic", "org"], [70, 25, 5])[0]
                        tcount = dict(kinds)[tk]
                        ti = int(rng.paretovariate(1.1)) % tcount if tk != "press" else (
                            rng.randrange(n_press))  # fmt: skip
                        links.append({
                            "page_url": u, "revision": rev["revision"], "rel": "related",
                            "position": pos, "url": url(ti, tk), "title": f"{tk} {ti}",
                            "kind": tk, "label": LABELS[ti % 50] if tk == "topic" else None,
                            "date": None,
                        })  # fmt: skip
                    links.append({
                        "page_url": u, "revision": rev["revision"], "rel": "body", "position": 0,
                        "url": url(rng.randrange(n_topic), "topic"), "title": None,
                        "kind": None, "label": None, "date": None,
                    })  # fmt: skip
                yield page, revs, links

    batch: list[Any] = []

    def flush() -> None:
        with db.conn:
            db.table("pages").insert_all([b[0] for b in batch], batch_size=1000)
            db.table("revisions").insert_all([r for b in batch for r in b[1]], batch_size=1000)
            db.table("revision_links").insert_all([x for b in batch for x in b[2]], batch_size=2000)
            last = [
                {k: v for k, v in x.items() if k != "revision"}
                for b in batch for x in b[2] if x["revision"] == len(b[1])
            ]  # fmt: skip
            db.table("links").insert_all(last, batch_size=2000)
        counts["pages"] += len(batch)
        counts["revisions"] += sum(len(b[1]) for b in batch)
        counts["links"] += sum(len(b[2]) for b in batch)
        batch.clear()

    for item in pages():
        batch.append(item)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    db.close()
    return counts


def _reset_peak() -> None:
    """Start a new peak RSS (Linux: ``VmHWM`` is reset by writing 5 to clear_refs)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _step_peak() -> float:
    """The peak RSS in MB since :func:`_reset_peak` (the whole run's where unsupported)."""
    return peak_rss_mb()


class Rows(list[tuple[str, float, str]]):
    """Rows of the result table, each printed as soon as it is measured, with the peak RSS
    of its step and of the whole run so far."""

    peak = 0.0  # the run's peak (resetting VmHWM also resets ru_maxrss)

    def append(self, row: tuple[str, float, str]) -> None:
        super().append(row)
        step = _step_peak()
        self.peak = max(self.peak, step)
        print(f"| {row[0]} | {row[1]:.2f} | {row[2]} | {step:,.0f} | {self.peak:,.0f} |",
              flush=True)  # fmt: skip


def _second_reader(db: Any, path: Path) -> str:
    """The peak RSS of the second reader of ``graph_edges``
    (:mod:`archive.indexes.graph_edge_scan`), which the steps' peaks leave out: the later
    half read again by the same command, which reports its own ``VmHWM`` (the parent's
    ``RUSAGE_CHILDREN`` would count this process's memory at the child's start)."""
    import json
    import subprocess

    from archive.indexes import graph_edge_scan as E
    from archive.indexes import graph_ranking as R

    params = {"source": None, "generic": json.dumps(sorted(R.generic_labels(db))), "at": None}
    low, high = E.rowid_bounds(db.conn)
    if high - low + 1 < E.SPLIT_ROWS:
        return "one reader of graph_edges (below its split)"
    middle = (low - 1 + high) // 2  # as E.second_reader splits
    code = E.READER + "; import sys; print(open('/proc/self/status').read(), file=sys.stderr)"
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps([str(path), params, middle, high])],
        capture_output=True, check=True,
    )  # fmt: skip
    status = done.stderr.decode()
    peak = next((line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")), "0")
    return f"second reader of graph_edges {int(peak) / 1024:,.0f} MB"


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    _reset_peak()
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


AT = "2025-11-10"  # every page's first revision in force, none of the second ones


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 24):
            digest.update(chunk)
    return digest.hexdigest()


def sql_at_rows(
    rows: Rows, db: Any, pages: int, folder: Path, at: bool = True, digest: bool = False
) -> None:
    """Questions answered from SQL without building the graph that used to build it:
    ``--at`` (unless ``at`` is false), ``graph export`` streamed row by row (``digest``:
    with the file's SHA-256, taken after the timing)."""
    if at:
        at_rows(rows, db, pages)
    second = SecondProcess()
    for fmt in G.EXPORT_FORMATS:
        out = folder / f"streamed.{fmt}"
        second.said.clear()
        t, (n, m) = timed(functools.partial(G.export_graph, export_rows(db), fmt, out))
        rows.append((f"export {fmt}, streamed from SQL", t,
                     f"{n:,} nodes, {m:,} edges, {m / t:,.0f} edges/s, "
                     f"{out.stat().st_size / 1e6:,.0f} MB" + second.text()
                     + (f", sha256 {sha256(out)}" if digest else "")))  # fmt: skip
        out.unlink()
    second.close()


class SecondProcess(logging.Handler):
    """What ``archive.graph.export_split`` says of an export's second process (its edges,
    time and own peak RSS; or why its part was not used)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.said: list[str] = []
        self.split_log = logging.getLogger("archive.graph.export_split")
        self.level_before = self.split_log.level
        self.split_log.setLevel(logging.DEBUG)
        self.split_log.addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        self.said.append(record.getMessage().removeprefix("graph export: "))

    def text(self) -> str:
        return "".join(f"; {said}" for said in self.said) or "; one process"

    def close(self) -> None:
        self.split_log.removeHandler(self)
        self.split_log.setLevel(self.level_before)
        super().close()


def at_rows(rows: Rows, db: Any, pages: int) -> None:
    topic, press = url(0, "topic"), [url(i, "press") for i in (1, pages // 3)]
    t, found = timed(lambda: SqlGraph(db, None, AT).neighbors(press[0], 1))
    rows.append((f"SQL --at {AT}: neighbors of a press release, depth 1", t,
                 f"{len(found):,} nodes"))  # fmt: skip
    t, found = timed(lambda: SqlGraph(db, None, AT).neighbors(topic, 1))
    rows.append((f"SQL --at {AT}: neighbors of the biggest topic, depth 1", t,
                 f"{len(found):,} nodes"))  # fmt: skip
    t, steps = timed(lambda: SqlGraph(db, None, AT).path(*press))
    rows.append((f"SQL --at {AT}: path between two press releases", t, f"{len(steps)} steps"))
    t, top = timed(lambda: ranking.central(SqlGraph(db, None, AT), 20))
    rows.append((f"igraph --at {AT}: central (PageRank, never cached)", t,
                 f"top: {top[0]['id']}"))  # fmt: skip
    t, found = timed(lambda: sql_topics(db, "year", None, AT))
    what = f"{len(found['topics'])} labels, {len(found['periods'])} periods"
    rows.append((f"SQL --at {AT}: topics --by year (never cached)", t, what))


def topic_rows(rows: Rows, db: Any, how: str) -> None:
    for by in ("year", "month"):
        t, found = timed(lambda: sql_topics(db, by))  # noqa: B023
        what = f"{len(found['topics'])} labels, {len(found['periods'])} periods"
        rows.append((f"SQL: topics --by {by}, {how}", t, what))


def sql_rows(rows: Rows, db: Any, pages: int) -> None:
    """The answers without a graph (archive.graph.sql_graph, archive.graph.ranking), timed
    before the graph is built so that "peak MB" is theirs."""
    sql = SqlGraph(db)
    topic, press = url(0, "topic"), [url(i, "press") for i in (1, pages // 3)]
    t, info = timed(lambda: sql.info(sql.find("topic 0")))
    rows.append(("SQL: find 'topic 0' by title + node details", t, f"degree {info['degree']:,}"))
    deep = [(press[0], 2)] if pages <= 200_000 else []  # 1M: depth 2 reaches ~10⁵ nodes
    for node, depth in ((topic, 1), (press[0], 1), *deep):
        sql = SqlGraph(db)  # nothing remembered from the step before
        t, found = timed(lambda: sql.neighbors(node, depth))  # noqa: B023
        what = "the biggest topic" if node == topic else "a press release"
        rows.append((f"SQL: neighbors of {what}, depth {depth}", t, f"{len(found):,} nodes"))
    t, steps = timed(lambda: SqlGraph(db).path(*press))
    rows.append(("SQL: path between two press releases (bidirectional BFS)", t,
                 f"{len(steps)} steps"))  # fmt: skip
    t, top = timed(lambda: ranking.central(SqlGraph(db), 20))
    rows.append(("igraph: central (PageRank), computed, not cached", t, f"top: {top[0]['id']}"))
    t, comms = timed(lambda: ranking.communities(SqlGraph(db)))
    rows.append(("networkit: communities (Leiden), computed, not cached", t,
                 f"{len(comms):,} communities"))  # fmt: skip
    topic_rows(rows, db, "computed, not cached")
    t, n = timed(lambda: registry.rebuild(db, registry.get("graph_ranking")))
    rows.append(("reindex --index graph_ranking (PageRank, communities, topics; stored)", t,
                 f"{n:,} nodes ranked"))  # fmt: skip
    topic_rows(rows, db, "cached")
    t, top = timed(lambda: ranking.central(SqlGraph(db), 20))
    rows.append(("igraph: central, cached", t, "top 20"))
    t, comms = timed(lambda: ranking.communities(SqlGraph(db)))
    rows.append(("communities, cached", t, f"{len(comms):,} communities"))
    for node in (topic, press[0]):  # degrees and generic labels from the stored ranking
        sql = SqlGraph(db)
        t, found = timed(lambda: sql.neighbors(node, 1))  # noqa: B023
        what = "the biggest topic" if node == topic else "a press release"
        rows.append((f"SQL: neighbors of {what}, depth 1, ranking stored", t,
                     f"{len(found):,} nodes"))  # fmt: skip
    t, steps = timed(lambda: SqlGraph(db).path(*press))
    rows.append(("SQL: path between two press releases, ranking stored", t,
                 f"{len(steps)} steps"))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--communities", action="store_true", help="Also time communities.")
    parser.add_argument(
        "--db", type=Path, help="Keep the synthetic archive in this file; reuse it if it exists "
        "(no synthesis, no graph_edges fill: their rows are left out)."
    )  # fmt: skip
    parser.add_argument(
        "--no-build", action="store_true",
        help="Leave out the rows that build the networkx graph (the old path; memory grows "
        "with the graph: ~2 GB at 100,000 pages).",
    )  # fmt: skip
    parser.add_argument("--no-at", action="store_true", help="Leave out the --at rows.")
    parser.add_argument("--exports-only", action="store_true", help="Only the streamed exports.")
    parser.add_argument(
        "--sha256", action="store_true", help="Print each export file's SHA-256 (not timed)."
    )
    parser.add_argument("--synthesise-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = args.db or folder / "bench.db"
        reuse = path.exists()
        print(f"{platform.python_version()}, {platform.machine()}, {args.pages:,} synthetic "
              "pages\n\n| step | seconds | result | step peak MB | peak MB |\n"
              "|---|---|---|---|---|", flush=True)  # fmt: skip
        rows = Rows()
        if not reuse:
            t_syn, counts = timed(lambda: synthesise(path, args.pages))
            rows.append(("synthesise archive (insert_all)", t_syn,
                         f"{counts['pages']:,} pages, {counts['revisions']:,} revisions, "
                         f"{counts['links']:,} revision links"))  # fmt: skip
        db = open_archive(path)
        if not reuse:
            t, n = timed(lambda: graph_table.rebuild(db))
            rows.append(("fill graph_edges table (full rebuild, as the migration)", t,
                         f"{n:,} rows"))  # fmt: skip
        if args.synthesise_only:
            return
        if args.exports_only:
            sql_at_rows(rows, db, args.pages, folder, at=False, digest=args.sha256)
            return
        for name, sql, params in (
            ("table graph_edges: count(*)", "SELECT count(*) FROM graph_edges", []),
            ("table graph_edges: links to one topic",
             "SELECT * FROM graph_edges WHERE target = ?", [url(0, "topic")]),
            ("table graph_edges: 100 newest (ORDER BY first_seen DESC)",
             "SELECT * FROM graph_edges ORDER BY first_seen DESC LIMIT 100", []),
            ("view graph_nodes: count(*)", "SELECT count(*) FROM graph_nodes", []),
            ("view graph_nodes: one node by id", "SELECT * FROM graph_nodes WHERE id = ?",
             [url(0, "topic")]),
        ):  # fmt: skip
            t, found = timed(lambda: db.execute(sql, params).fetchall())  # noqa: B023
            n = found[0][0] if "count(*)" in sql else len(found)
            rows.append((name, t, f"{n:,} rows"))
        some = [url(i, "press") for i in range(0, args.pages * 98 // 100, args.pages // 500 or 1)]

        def refresh_each() -> None:
            for u in some:
                graph_table.refresh_pages(db, [u])

        t, _ = timed(refresh_each)
        rows.append(("refresh_pages, one page per call (the save hook)", t,
                     f"{len(some)} pages, {1000 * t / len(some):.1f} ms each"))  # fmt: skip
        t, _ = timed(lambda: graph_table.refresh_pages(db, [url(0, "topic")], new=True))
        rows.append(("refresh_pages of a new topic page (+ pages with body links to it)", t, ""))
        t, n = timed(lambda: graph_table.confirm_run(db, "bench", "2025-12-02T06:00:00Z"))
        rows.append(("confirm_run: last_seen of present edges (end of an ok run)", t,
                     f"{n:,} rows"))  # fmt: skip
        sql_rows(rows, db, args.pages)
        sql_at_rows(rows, db, args.pages, folder, at=not args.no_at, digest=args.sha256)
        if args.no_build:
            print(f"\npeak RSS {rows.peak:,.0f} MB; {_second_reader(db, path)}")
            return
        t, tl = timed(lambda: T.load_timeline(db))
        rows.append(("load timeline (revisions + links)", t,
                     f"{len(tl.pages):,} pages, {len(tl.edges):,} edge histories"))  # fmt: skip
        t, g = timed(lambda: G.graph_at(tl))
        rows.append(("graph at now (MultiDiGraph)", t,
                     f"{g.number_of_nodes():,} nodes, {g.number_of_edges():,} edges"))  # fmt: skip
        t, g2 = timed(lambda: G.build_graph(db, at="2025-11-10"))
        rows.append(("build_graph --at 2025-11-10 (load + build)", t,
                     f"{g2.number_of_edges():,} edges"))  # fmt: skip
        del g2
        seed = url(0, "topic")
        t, found = timed(lambda: A.neighbors(g, seed, 1))
        rows.append(("neighbors of the biggest topic, depth 1", t, f"{len(found):,} nodes"))
        t, found_topics = timed(lambda: A.topics(g, "year"))
        rows.append(("topics --by year (on the built graph)", t,
                     f"{len(found_topics['topics'])} labels"))  # fmt: skip
        t, _top = timed(lambda: A.central(g, 20))
        rows.append(("central (PageRank, plain Python)", t, "top 20"))
        press = [url(i, "press") for i in (1, args.pages // 3)]
        t, steps = timed(lambda: A.path(g, *press))
        rows.append(("path between two press releases (networkx)", t, f"{len(steps)} steps"))
        if args.communities:
            t, comms = timed(lambda: A.communities(g))
            rows.append(("communities (Louvain, seed 42)", t, f"{len(comms):,} communities"))
        for fmt in G.EXPORT_FORMATS:
            out = folder / f"graph.{fmt}"
            t, _ = timed(functools.partial(G.export_graph, g, fmt, out))
            rows.append((f"export {fmt}", t, f"{out.stat().st_size / 1e6:,.0f} MB"))
        page = folder / "graph.html"
        t, info = timed(lambda: render(db, page, max_nodes=400))
        rows.append(("render HTML (whole load + 400-node layout)", t,
                     f"{info['nodes']} nodes, {info['edges']} links, "
                     f"{page.stat().st_size / 1e3:,.0f} kB"))  # fmt: skip
        rss = max(rows.peak, _step_peak())
    print(f"\npeak RSS {rss:,.0f} MB")


if __name__ == "__main__":
    main()
