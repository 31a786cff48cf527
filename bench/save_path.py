"""The crawl's event-loop write path for N bench pages, in process and deterministic: each
page of ``bench/throughput.py``'s ``page_body`` is extracted and prepared as the crawl does
(``crawler.engine.workers.extract_task``, done before the clock starts), then saved through
``SqliteStore`` as ``crawl_sources`` saves it (``validators``, ``stored_hash``,
``stored_date`` when undated, ``save_page`` in an open batch) and committed as
``WriteBatch.commit_in_steps`` commits (``flush_batch`` in steps of ``FLUSH_PAGES``, then
``commit_batch``) every ``BATCH_PAGES`` pages.

    python bench/save_path.py --hosts 100 --pages 5            # CPU ms a page
    python bench/save_path.py --hosts 100 --pages 5 --trace    # SQL statements a page
    valgrind --tool=cachegrind --cache-sim=no python bench/save_path.py --hosts 100 --pages 5
    valgrind --tool=cachegrind --cache-sim=no python bench/save_path.py ... --no-save
    (the difference of the two: the saves' instructions)

``--dump FILE`` writes every table of the archive (rows sorted, wall-clock columns left
out) to compare two versions of the writer.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.store.schema import open_archive
from archive.store.sqlite import SqliteStore
from bench.throughput import page_body
from crawler.config.settings import SourceConfig
from crawler.engine.batch import BATCH_PAGES, FLUSH_PAGES
from crawler.engine.workers import ExtractTask, extract_task, policy_for
from crawler.records import FetchResult

#: columns holding the wall clock (not the fetch time): left out of ``--dump``
WALL_CLOCK = {
    "sources": {"added_at"},
    "crawl_runs": {"started_at", "finished_at", "duration"},
    "index_state": {"built_at"},
    "migrations": {"applied_at"},
}


def _pages(hosts: int, pages: int) -> list[tuple[str, Any]]:
    out = []
    for h in range(hosts):
        host = f"stadt{h:04d}.example"
        source = SourceConfig(name=host, hosts=(host,), start_urls=(f"http://{host}/",))
        for n in range(pages):
            # as the crawl asks for it: the sitemap's URL in the source's canonical form
            url = policy_for(source).canonical(f"http://{host}/presse/p{n}.html") or ""
            result = FetchResult(
                url=url,
                final_url=url,
                status=200,
                headers={"content-type": "text/html; charset=utf-8", "etag": f'"{h}-{n}"'},
                body=page_body(host, n),
                fetched_at=f"2026-12-05T03:{h % 60:02d}:{n % 60:02d}.000Z",
            )
            out.append((source, url, result))
    return out


def run(
    hosts: int, pages: int, trace: bool, dump: str | None, rounds: int, save: bool = True
) -> None:
    fetched = _pages(hosts, pages)
    with tempfile.TemporaryDirectory() as tmp:
        db = open_archive(Path(tmp) / "archive.db")
        store = SqliteStore(db)
        for source in {s.name: s for s, _, _ in fetched}.values():
            store.save_source(source)
        prepare = {s.name: store.page_preparer(s) for s, _, _ in fetched}
        work = []
        for source, url, result in fetched:
            stored = store.stored_hash(url)
            done = extract_task(
                ExtractTask(source, url, result, None, prepare[source.name], stored)
            )
            work.append((source, url, result, done))
        counts: collections.Counter[str] = collections.Counter()
        if trace:
            db.conn.set_trace_callback(lambda sql: counts.update([_shape(sql)]))
        outcomes: collections.Counter[str] = collections.Counter()
        cpu = time.process_time()
        for _ in range(rounds if save else 0):  # a second round: every page unchanged
            for i, (source, url, result, done) in enumerate(work):
                if store.batch is None:
                    store.begin_batch()
                store.validators(url)
                store.stored_hash(url)
                page = done.page
                if not page.published:
                    store.stored_date(page.url)
                outcome = store.save_page(
                    source.name, page, result, requested=url, capture=None, prepared=done.prepared
                )
                outcomes[outcome] += 1
                if (i + 1) % BATCH_PAGES == 0 or i + 1 == len(work):
                    while store.flush_batch(FLUSH_PAGES):
                        pass
                    store.commit_batch()
        cpu = time.process_time() - cpu
        db.conn.set_trace_callback(None)
        n = max(1, len(work) * rounds if save else 0)
        print(f"{n} saves {dict(outcomes)}: {cpu * 1000 / n:.3f} ms CPU a page")
        if trace:
            total = sum(counts.values())
            print(f"{total} statements, {total / n:.2f} a page")
            for sql, k in counts.most_common():
                print(f"{k:7d}  {sql}")
        if dump:
            _dump(db, dump)


def _shape(sql: str) -> str:
    """A traced statement without its values (the trace shows them bound)."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", " ".join(sql.split()))
    return re.sub(r"\b\d+(\.\d+)?\b", "?", sql)[:160]


def _dump(db: Any, path: str) -> None:
    out = {}
    listed = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    tables = [r[0] for r in listed.fetchall()]
    for table in tables:
        cols = [r[1] for r in db.execute(f'PRAGMA table_info("{table}")').fetchall()]
        keep = [c for c in cols if c not in WALL_CLOCK.get(table, set())]
        if not keep:
            continue
        quoted = ", ".join(f'"{c}"' for c in keep)
        try:
            rows = db.execute(f'SELECT {quoted} FROM "{table}" ORDER BY {quoted}').fetchall()
        except Exception as exc:  # a virtual table that cannot be read column-wise
            rows = [[f"unreadable: {exc}"]]
        out[table] = [keep, [list(map(str, r)) for r in rows]]
    Path(path).write_text(json.dumps(out, ensure_ascii=False, indent=0), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--dump")
    parser.add_argument(
        "--no-save",
        action="store_true",
        help="everything but the saves (what an instruction count subtracts)",
    )
    args = parser.parse_args()
    run(args.hosts, args.pages, args.trace, args.dump, args.rounds, not args.no_save)


if __name__ == "__main__":
    main()
