"""Search benchmark: German-aware ``pages_search`` beside plain FTS5 ``unicode61``.

Run:  python bench/search.py [--pages 1000000] [--queries 40] [--trigram] [--dir DIR]
      [--reuse DIR/german.db] [--build-only] [--window 10000 2000 ...]

In one run, on the same synthetic German pages (title 8, lead 25, body 250 words from a
Zipf-distributed vocabulary of inflected words and noun compounds such as
"Integrationslotsen", 5 sources, 2015-2025 dates):

- insert rate (pages/s, 5,000 pages per transaction, WAL) of plain FTS5 (sqlite-utils
  triggers, ``unicode61 remove_diacritics 2``) and of plain + ``pages_search``;
- index sizes: FTS segment data (``*_data``) and, for pages_search, its stored stems;
- p50/p95 latency, top-20 ranked with snippets, of: single term, compound part, phrase,
  filtered (source + since) — plain via ``snippet()``, German via ``archive.search.engine.search``;
- ``--trigram``: also a trigram index over the folded text (size and build rate only);
- recall/precision on the labelled query set of tests/archive/search/test_german_search.py over the
  sample site's ground truth, for: plain, stems only, stems + compound parts, trigram.

Prints Markdown for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlite_utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.indexes import compounds as compounds  # noqa: E402
from archive.indexes import german as german  # noqa: E402
from archive.indexes.search_index import (  # noqa: E402
    INDEX_COLUMNS,
    SearchIndex,
    compound_terms,
    search_record,
)
from archive.search import engine as search_module  # noqa: E402
from archive.search.engine import (  # noqa: E402
    BM25_WEIGHTS,
    RANK_WINDOW,
    TEXT_COLUMNS,
    count,
    search,
    to_fts_query,
    to_search_query,
)

BATCH = 5000
TEXT = ("title", "label", "lead", "body", "captions", "credits")
HEADS = (
    "lotsen", "förderung", "haushalt", "konzept", "satzung", "straße", "programm", "beirat",
    "schule", "verwaltung", "gebühren", "wahl", "bad", "zentrum", "platz", "bericht",
    "planung", "steuer", "sanierung", "verkehr", "kita", "bücherei", "feuerwehr", "garten",
)  # fmt: skip
MODIFIERS = (
    "integrations", "gesundheits", "vereins", "kultur", "sport", "stadt", "bürger",
    "haushalts", "sicherungs", "kinder", "senioren", "jugend", "rad", "wasser", "klima",
    "umwelt", "ausländer", "bau", "grund", "gewerbe", "schul", "wirtschafts",
)  # fmt: skip
COMMON = (
    "die der und in zu den das nicht von sie ist des sich mit dem dass er es ein ich auf so "
    "eine auch als an nach wie im für man aber aus durch wenn nur war noch werden bei hat wir "
    "was wird sein einen welche sind oder zur um haben einer mir über ihm diese einem ihr uns "
    "da zum kann doch vor dieser mich ihn du hatte seine mehr am denn nun unter sehr selbst "
    "schon hier bis habe ihre dann ihnen seiner alle wieder meine Zeit gegen vom ganz einzelnen "
    "Stadt Rüsselsheim Main Magistrat Bürgerinnen Bürger Oberbürgermeister Jahr Jahren neue "
    "neuen Projekt Angebot Termin Anmeldung Eltern Kinder Menschen Verein Vereine Stadtteil "
    "Innenstadt Rathaus Sitzung Stadtverordnetenversammlung beschlossen öffnet lädt informiert"
).split()


def vocabulary(rng: random.Random, size: int = 40_000) -> tuple[list[str], list[float]]:
    """Common words, compounds of MODIFIERS+HEADS, and pseudo-words; Zipf weights."""
    syll = ["ber", "gan", "tel", "mun", "sor", "kin", "da", "lo", "rei", "schaft", "ung"]
    words = list(COMMON)
    words += [h.capitalize() for h in HEADS]
    while len(words) < 2000:
        words.append("".join(rng.choice(syll) for _ in range(rng.randint(2, 4))).capitalize())
    compounds = [(m + h).capitalize() for m in MODIFIERS for h in HEADS]
    rng.shuffle(compounds)
    words += compounds  # ranks 2,000-2,528: each in roughly 1-3 % of pages
    while len(words) < size:
        words.append("".join(rng.choice(syll) for _ in range(rng.randint(2, 4))).capitalize())
    total, cum = 0.0, []
    for rank in range(len(words)):
        total += 1.0 / (rank + 1) ** 1.05
        cum.append(total)
    return words, cum  # cumulative weights: random.choices(cum_weights=...) is O(log n)


def pages(n: int, seed: int = 7) -> Any:
    rng = random.Random(seed)
    words, weights = vocabulary(rng)
    sources = ["ruesselsheim", "raunheim", "kelsterbach", "ginsheim", "bischofsheim"]
    labels = ["Pressemitteilung", "Finanzen", "Soziales", "Bauen", None]
    for i in range(n):
        title, lead, body = (
            " ".join(rng.choices(words, cum_weights=weights, k=k)) for k in (8, 25, 250)
        )
        yield {
            "url": f"https://example.test/{i}",
            "source": sources[i % len(sources)],
            "page_type": "press_release",
            "label": labels[i % len(labels)],
            "title": title,
            "lead": lead,
            "body": body,
            "captions": None,
            "credits": None,
            "published": f"{2015 + i % 11}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "image_count": i % 3,
            "removed_at": None,
        }


def create_plain(db: sqlite_utils.Database) -> None:
    db.enable_wal()
    db.table("pages").create(
        {
            "url": str, "source": str, "page_type": str, "label": str, "title": str, "lead": str,
            "body": str, "captions": str, "credits": str, "published": str, "image_count": int,
            "removed_at": str,
        },
        pk="url",
    )  # fmt: skip
    db.table("pages").create_index(["source"])
    db.table("pages").create_index(["published"])
    db.table("pages").enable_fts(
        list(TEXT), create_triggers=True, tokenize="unicode61 remove_diacritics 2"
    )


def build(path: Path, n: int, german_index: bool, trigram: bool = False) -> tuple[float, float]:
    """Fill an archive; return pages/s of the plain part (pages + ``pages_fts`` triggers)
    and of the whole insert (plain + ``pages_search``), timed in the same transactions."""
    db = sqlite_utils.Database(path)
    create_plain(db)
    if german_index:
        SearchIndex().create(db)
    if trigram:
        db.execute("CREATE VIRTUAL TABLE pages_tri USING fts5(text, tokenize='trigram')")
    insert_search = (
        f"INSERT INTO pages_search (rowid, {', '.join(INDEX_COLUMNS)}) "
        f"VALUES ({', '.join('?' * (len(INDEX_COLUMNS) + 1))})"
    )
    spent = {"plain": 0.0, "extra": 0.0}
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        with db.conn:
            started = time.perf_counter()
            db.table("pages").insert_all(batch, batch_size=1000)
            first = db.execute("SELECT max(rowid) FROM pages").fetchone()[0] - len(batch) + 1
            middle = time.perf_counter()
            if german_index:
                rows, terms = [], []
                for offset, page in enumerate(batch):
                    rec = search_record(page)
                    rows.append([first + offset, *(rec[c] for c in INDEX_COLUMNS)])
                    terms.extend(compound_terms(rec))
                db.conn.executemany(insert_search, rows)
                compounds.add(db.conn, dict.fromkeys(terms))  # as SearchIndex.rebuild
            if trigram:
                db.conn.executemany(
                    "INSERT INTO pages_tri (rowid, text) VALUES (?, ?)",
                    [
                        (first + o, " ".join(german.fold(w) for w in german.words(p["body"])))
                        for o, p in enumerate(batch)
                    ],
                )
            ended = time.perf_counter()
        ended = max(ended, time.perf_counter())  # include the commit in the extra part
        spent["plain"] += middle - started
        spent["extra"] += ended - middle
        batch.clear()

    for page in pages(n):
        batch.append(page)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    db.close()
    return n / spent["plain"], n / (spent["plain"] + spent["extra"])


def table_bytes(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        total = 0
        for (blob,) in conn.execute(f"SELECT block FROM {table}_data"):
            total += len(blob or b"")
        return total
    finally:
        conn.close()


def vocabulary_bytes(path: Path) -> int:
    """Pages of the ``search_terms`` vocabulary and its ``rterm`` index (``dbstat``)."""
    conn = sqlite3.connect(path)
    try:
        row = conn.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name IN (?, ?)",
            [compounds.TABLE, f"{compounds.TABLE}_rterm"],
        ).fetchone()
        return int(row[0] or 0)
    finally:
        conn.close()


def content_bytes(path: Path, table: str, columns: tuple[str, ...]) -> int:
    conn = sqlite3.connect(path)
    try:
        expr = " + ".join(f"coalesce(length(CAST(c{i} AS BLOB)), 0)" for i in range(len(columns)))
        exists = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = ?", [f"{table}_content"]
        ).fetchone()
        if not exists:  # contentless: no stored copy
            return 0
        return int(conn.execute(f"SELECT sum({expr}) FROM {table}_content").fetchone()[0] or 0)
    finally:
        conn.close()


def timed_ms(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> float:
    started = time.perf_counter()
    fn(*args, **kwargs)
    return (time.perf_counter() - started) * 1000


def plain_search(db: sqlite_utils.Database, query: str, where: str = "", **params: Any) -> Any:
    weights = ", ".join(str(w) for w in BM25_WEIGHTS)
    sql = (
        f"SELECT pages.url, snippet(pages_fts, 3, '[', ']', '…', 20), bm25(pages_fts, {weights}) "
        "AS s FROM pages_fts JOIN pages ON pages.rowid = pages_fts.rowid "
        f"WHERE pages_fts MATCH :q {where} ORDER BY s, pages.published DESC LIMIT 20"
    )
    return db.execute(sql, {"q": to_fts_query(query), **params}).fetchall()


FILTER = "AND pages.source = :src AND pages.published >= :since"
FILTER_PARAMS = {"src": "raunheim", "since": "2023-01-01"}


def latency(
    path: Path, n_queries: int, rng: random.Random, windows: tuple[int, ...] = (RANK_WINDOW,)
) -> dict[str, dict[str, list[float]]]:
    """Per query kind: ``plain`` and, per ranking window, ``German <window>`` latencies."""
    db = sqlite_utils.Database(path)
    _words, _w = vocabulary(random.Random(7))
    mid = [w for w in _words[200:3000] if len(w) > 4]
    kinds: dict[str, list[str]] = {
        "single term": rng.sample(mid, n_queries),
        "compound part": [rng.choice(HEADS).capitalize() for _ in range(n_queries)],
        "phrase": ['"' + " ".join(rng.sample(COMMON[-30:], 2)) + '"' for _ in range(n_queries)],
        "filtered (source + since)": rng.sample(mid, n_queries),
    }
    out: dict[str, dict[str, list[float]]] = {}
    for kind, queries in kinds.items():
        filtered = kind.startswith("filtered")
        german_filters: dict[str, Any] = (
            {"source": "raunheim", "since": "2023-01-01"} if filtered else {}
        )
        times: dict[str, list[float]] = {"plain": []}
        for q in queries:
            times["plain"].append(timed_ms(plain_search, db, q, *((FILTER,) if filtered else ()),
                                           **(FILTER_PARAMS if filtered else {})))  # fmt: skip
            for window in windows:
                search_module.RANK_WINDOW = window
                times.setdefault(f"German {window}", []).append(
                    timed_ms(search, db, q, **german_filters)
                )
        out[kind] = times
    search_module.RANK_WINDOW = RANK_WINDOW
    db.close()
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


# --------------------------------------------------------------------------- recall


def recall_table() -> list[tuple[str, float, float]]:
    """Macro recall / precision over the labelled set, per method."""
    # here: only the recall table writes pages and needs the labelled test set
    from archive.store.save import save_page
    from archive.store.schema import open_archive
    from crawler.records import Extracted, FetchResult, Image
    from tests.archive.search.test_german_search import LABELLED, tail

    content = json.loads((ROOT / "crawler/sample_site/content.json").read_text())
    tmp = Path(tempfile.mkdtemp(prefix="bench-recall-"))
    db = open_archive(tmp / "gt.db")
    for page in content["ground_truth"]["1"].values():
        extracted = Extracted(
            url=page["url"], page_type=page["page_type"], label=page["label"],
            title=page["title"], lead=page["lead"], body=page["body"],
            published=page["published"], credits=page["credits"],
            images=[Image(**img) for img in page["images"]],
        )  # fmt: skip
        save_page(
            db, "sample", extracted, FetchResult(url=page["url"], final_url=page["url"], status=200)
        )
    db.execute("CREATE VIRTUAL TABLE tri USING fts5(text, tokenize='trigram')")
    for rowid, *fields in db.execute(f"SELECT rowid, {', '.join(TEXT)} FROM pages").fetchall():
        text = " ".join(german.fold(w) for f in fields for w in german.words(f))
        db.execute("INSERT INTO tri (rowid, text) VALUES (?, ?)", [rowid, text])

    def run(sql: str, expr: str) -> set[str]:
        if not expr:
            return set()
        return {tail(r[0]) for r in db.execute(sql, [expr]).fetchall()}

    def trigram_expr(q: str) -> str:
        words = [german.fold(w) for w in german.words(q.lstrip("="))]
        return " AND ".join(
            f'"{w}"' for w in words if len(w) >= 3 and w not in {"and", "or", "not"}
        )

    methods: dict[str, Callable[[str], set[str]]] = {
        "plain unicode61 (pages_fts)": lambda q: run(
            "SELECT url FROM pages JOIN pages_fts ON pages.rowid = pages_fts.rowid "
            "WHERE pages_fts MATCH ?",
            to_fts_query(q),
        ),  # fmt: skip
        "stems + folding, no compounds": lambda q: run(
            "SELECT url FROM pages JOIN pages_search ON pages.rowid = pages_search.rowid "
            "WHERE pages_search MATCH ?",
            to_search_query(q),  # no expander: no compound parts
        ),  # fmt: skip
        "stems + folding + compound parts (chosen)": lambda q: {
            tail(h["url"]) for h in search(db, q, limit=1000)
        },
        "trigram on folded text (substring)": lambda q: run(
            "SELECT url FROM pages JOIN tri ON pages.rowid = tri.rowid WHERE tri MATCH ?",
            trigram_expr(q),
        ),
    }
    rows = []
    for name, method in methods.items():
        recalls, precisions = [], []
        for query, expected, excluded in LABELLED:
            if "NOT" in query or query.startswith("="):
                continue  # operator semantics, not matching quality
            found = method(query)
            recalls.append(len(expected & found) / len(expected))
            precisions.append(1.0 - (len(excluded & found) / len(excluded) if excluded else 0.0))
        rows.append((name, statistics.mean(recalls), statistics.mean(precisions)))
    assert count(db, "Lotsen") > 0
    db.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--trigram", action="store_true", help="Also build a trigram index.")
    parser.add_argument("--dir", type=Path, help="Where to build (default: a temp dir).")
    parser.add_argument(
        "--reuse", type=Path, help="Query this already built german.db instead of building."
    )
    parser.add_argument("--build-only", action="store_true", help="Build, print sizes, stop.")
    parser.add_argument(
        "--window", type=int, nargs="+", default=[RANK_WINDOW],
        help=f"Ranking windows to time (archive.search.engine.RANK_WINDOW, default {RANK_WINDOW}).",
    )  # fmt: skip
    args = parser.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="bench-search-"))
    work.mkdir(parents=True, exist_ok=True)
    german_path = args.reuse or work / "german.db"

    print(f"# {args.pages:,} synthetic pages; Python {platform.python_version()}, "
          f"SQLite {sqlite3.sqlite_version}; {german_path}", flush=True)  # fmt: skip
    if args.reuse is None:
        for p in (german_path, work / "tri.db"):
            p.unlink(missing_ok=True)
        # One build: pages + pages_fts (the plain baseline) and pages_search, each timed.
        rate_plain, rate_german = build(german_path, args.pages, german_index=True)
        print(f"insert pages/s: plain {rate_plain:,.0f}, plain + German {rate_german:,.0f}")
    plain_idx = table_bytes(german_path, "pages_fts")
    german_idx = table_bytes(german_path, "pages_search")
    german_content = content_bytes(german_path, "pages_search", TEXT_COLUMNS)
    vocab = vocabulary_bytes(german_path)
    terms = sqlite3.connect(german_path).execute(f"SELECT count(*) FROM {compounds.TABLE}")
    print(f"compound vocabulary: {terms.fetchone()[0]:,} stems, {vocab / 1e6:,.1f} MB")
    print("\n| index | FTS index (`*_data`) + vocabulary | stored stems "
          "| ratio to plain (index / + stems) |")  # fmt: skip
    print("|---|---|---|---|")
    print(f"| plain FTS5 unicode61 (`pages_fts`) | {plain_idx / 1e6:,.0f} MB | – | 1.00 |")
    german_idx += vocab
    print(f"| German (`pages_search` + `search_terms`) | {german_idx / 1e6:,.0f} MB | "
          f"{german_content / 1e6:,.0f} MB | {german_idx / plain_idx:.2f}× / "
          f"{(german_idx + german_content) / plain_idx:.2f}× |")  # fmt: skip
    print(f"file: {german_path.stat().st_size / 1e6:,.0f} MB", flush=True)
    if args.trigram:
        _r, rate_tri = build(work / "tri.db", args.pages, german_index=False, trigram=True)
        tri_idx = table_bytes(work / "tri.db", "pages_tri")
        print(f"| plain + trigram (body) | {tri_idx / 1e6:,.0f} MB "
              f"({tri_idx / plain_idx:.2f}× plain), {rate_tri:,.0f} pages/s | – | – |")  # fmt: skip
    if args.build_only:
        return

    rng = random.Random(11)
    windows = tuple(args.window)
    latency(german_path, 5, random.Random(5), windows)  # warm-up
    lat = latency(german_path, args.queries, rng, windows)
    columns = ["plain", *(f"German {w}" for w in windows)]
    heads = " | ".join(
        "plain FTS5" if c == "plain" else f"German, window {int(c.split()[1]):,}" for c in columns
    )
    print(f"\n| query ({args.queries} each, top 20 + snippets), p50 / p95 ms | {heads} |")
    print("|---" * (len(columns) + 1) + "|")
    for kind, values in lat.items():
        cells = " | ".join(
            f"{pct(values[c], 0.5):.1f} / {pct(values[c], 0.95):.1f}" for c in columns
        )
        print(f"| {kind} | {cells} |", flush=True)

    print("\n| method (labelled set, sample site) | recall | precision (excluded pages) |")
    print("|---|---|---|")
    for name, rec, prec in recall_table():
        print(f"| {name} | {rec:.2f} | {prec:.2f} |")


if __name__ == "__main__":
    main()
