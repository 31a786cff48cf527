"""The crawl's per-page work in an extraction worker,
:func:`crawler.engine.workers.extract_task` (extraction, the SQLite store's prepared index
work, WARC records), over the pages of ``bench/throughput.py`` (``page_body``), the real
German pages and the sample site: its CPU time, or its whole output for a comparison.

    python bench/extract_task.py time [--set bench|real|sample] [--pages 400] [--passes 5]
    python bench/extract_task.py passes [--set ...] [--pages N] [--passes P]
    python bench/extract_task.py dump FILE

``time``: one warm-up pass, then ``--passes`` passes, CPU ms a page (``process_time``) of
each. ``passes``: the same without timing, for ``valgrind --tool=cachegrind``: the
instructions a page are the difference between two runs with different ``--passes``
divided by the pages (the imports and the warm-up cancel out). ``dump``: every page's
prepared work, finished page and template verdict (``repr``) and its WARC payload digest
(the records' ids and dates differ on every run), for ``cmp`` between two trees. Run it
with ``ROOT=/other/tree`` to measure another checkout with this copy of the script.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(os.environ.get("ROOT") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

GERMAN_DIR = Path("/work/shared/benchmarks/german-web-dev")
CITY = "Rüsselsheim am Main"
HTML = {"content-type": "text/html; charset=utf-8"}


def tasks(which: str, most: int) -> list[Any]:
    """``ExtractTask`` s of the set ``which`` (bench: one source per host, WARC records
    built; real and sample: one source with a city, no records), at most ``most``."""
    import throughput as t  # bench/throughput.py

    from crawler.engine.workers import ExtractTask
    from crawler.fetch.fetcher import FetchResult

    config = t.bench_config([1, 2], 100, 0.2, per_host=True)
    store = t.SqliteStore(t.open_archive(Path(tempfile.mkdtemp()) / "a.db"))
    out: list[Any] = []
    if which == "bench":
        for n in range(20):
            for h, source in enumerate(config.sources):
                url = f"http://{t.host_name(h)}/presse/p{n}.html"
                body = t.page_body(t.host_name(h), n)
                fetched = FetchResult(url=url, final_url=url, status=200, headers=HTML, body=body)
                out.append(ExtractTask(source, url, fetched, None, store.page_preparer(source),
                                       None, True))  # fmt: skip
        return out[:most]
    source = dataclasses.replace(config.sources[0], city=CITY)
    for url, headers, body in pages(which):
        fetched = FetchResult(url=url, final_url=url, status=200, headers=headers, body=body)
        out.append(ExtractTask(source, url, fetched, None, store.page_preparer(source)))
    return out[:most]


def pages(which: str) -> list[tuple[str, dict[str, str], bytes]]:
    if which == "real":
        from bench.german import HEADERS, load

        return [(p.url, dict(HEADERS), p.html) for p in load(GERMAN_DIR)]
    from crawler import sample_site

    return [
        (sample_site.CANONICAL_BASE + path, {"content-type": r.content_type}, r.body)
        for path, r in sorted(sample_site.render_site(1).items())
        if "html" in (getattr(r, "content_type", "") or "text/html")
    ]


def main() -> None:
    from crawler.engine.workers import extract_task

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=("time", "passes", "dump"))
    parser.add_argument("file", nargs="?", type=Path)
    parser.add_argument("--set", default="bench", choices=("bench", "real", "sample"))
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--passes", type=int, default=5)
    args = parser.parse_args()
    if args.mode == "dump":
        with args.file.open("w", encoding="utf-8") as out:
            for which in ("bench", "real", "sample"):
                for task in tasks(which, 10**9):
                    o = extract_task(task)
                    out.write(f"{which} {task.url} {o.prepared!r} {o.page!r} {o.fits!r}\n")
                    if o.records is not None:
                        out.write(f"  records {o.records.digest}\n")
        return
    todo = tasks(args.set, args.pages)
    for task in todo:  # warm-up: imports, caches
        extract_task(task)
    times = []
    for _ in range(args.passes):
        started = time.process_time()
        for task in todo:
            extract_task(task)
        times.append(1000 * (time.process_time() - started) / len(todo))
    if args.mode == "time":
        print(f"{ROOT} {args.set} ({len(todo)} pages): best {min(times):.3f} ms/page; "
              + " ".join(f"{t:.3f}" for t in times))  # fmt: skip


if __name__ == "__main__":
    main()
