"""Crawl throughput on the bundled sample site over loopback: first crawl and recrawl.

Run:  python bench/crawl.py [--repeat 3] [--delay 0.0]

Measures, in one run and against one sample-site server:
- baseline: every page URL of the site fetched once with a plain sequential httpx.Client
  (no robots.txt, no politeness, no extraction, no archive) — the floor for this machine;
- first crawl: `crawl_source` into a new archive (discovery, politeness, extraction, SQLite);
- recrawl: the same again on that archive (conditional requests → 304, nothing written).
Prints a Markdown table (median of --repeat runs) for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.run.crawl import crawl_source
from archive.store.schema import open_archive
from crawler.sample_site import SampleSite, ground_truth
from crawler.sample_site.demo import sample_config


def baseline(site: SampleSite, urls: list[str]) -> dict[str, Any]:
    started = time.perf_counter()
    nbytes = 0
    with httpx.Client(base_url=site.base_url) as client:
        for url in urls:
            path = url.split("ruesselsheim.test", 1)[1]
            response = client.get(path, headers={"Host": "www.ruesselsheim.test"})
            nbytes += len(response.content)
    seconds = time.perf_counter() - started
    return {"pages": len(urls), "requests": len(urls), "seconds": seconds, "bytes": nbytes}


def crawl_once(site: SampleSite, db_path: Path, delay: float) -> dict[str, Any]:
    config = sample_config(site.port, delay=delay, max_delay=delay)
    db = open_archive(db_path)
    started = time.perf_counter()
    stats = crawl_source(db, config, config.source("sample"))
    seconds = time.perf_counter() - started
    db.close()
    pages = stats.new + stats.changed + stats.unchanged + stats.not_modified
    return {
        "pages": pages,
        "requests": stats.requests,
        "seconds": seconds,
        "bytes": stats.bytes,
        "new": stats.new,
        "not_modified": stats.not_modified,
        "fetched": stats.fetched,
    }


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    best = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
    return dict(best, seconds=statistics.median(r["seconds"] for r in runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--delay", type=float, default=0.0, help="politeness delay per host (s)")
    args = parser.parse_args()
    urls = sorted(ground_truth(1))
    rows: dict[str, list[dict[str, Any]]] = {"baseline": [], "first": [], "recrawl": []}
    with SampleSite(edition=1, crawl_delay=str(args.delay)) as site:
        for _ in range(args.repeat):
            rows["baseline"].append(baseline(site, urls))
            with tempfile.TemporaryDirectory() as tmp:
                db_path = Path(tmp) / "bench.db"
                rows["first"].append(crawl_once(site, db_path, args.delay))
                rows["recrawl"].append(crawl_once(site, db_path, args.delay))
    print(f"python bench/crawl.py --repeat {args.repeat} --delay {args.delay}")
    print(
        f"{platform.python_version()}, {platform.machine()}, sample site edition 1, "
        f"{len(urls)} article pages, median of {args.repeat}\n"
    )
    print("| run | pages | requests | 200 bodies | 304 | bytes | seconds | pages/s |")
    print("|---|---|---|---|---|---|---|---|")
    for name, label in (
        ("baseline", "baseline: sequential httpx GET of each page URL"),
        ("first", "first crawl (discover, fetch, extract, archive)"),
        ("recrawl", "recrawl of the unchanged site"),
    ):
        r = median_run(rows[name])
        print(
            f"| {label} | {r['pages']} | {r['requests']} | {r.get('fetched', r['pages'])} | "
            f"{r.get('not_modified', 0)} | {r['bytes']:,} | {r['seconds']:.2f} | "
            f"{r['pages'] / r['seconds']:.0f} |"
        )


if __name__ == "__main__":
    main()
