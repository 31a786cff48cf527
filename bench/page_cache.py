"""The archive connection's page cache against a crawl's reads and writes (stop 24).

Run:  python bench/page_cache.py [--cache-kib 2000 16384] [--repeat 3] [--hosts 100] [--pages 20]

Crawls ``--hosts`` generated sources of ``--pages`` pages each (``bench/throughput.py``'s
servers and config, no politeness delay) into a fresh archive once per page-cache size
and repeat, alternating, with ``PRAGMA cache_size = -KiB`` set on the connection after
``open_archive``; prints the crawl's CPU in this process and the bytes it read and wrote
(``/proc/self/io``: ``rchar`` / ``wchar``, page-cache hits included).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

if __name__ != "__mp_main__":  # as bench/throughput.py: the workers run this again
    from bench import throughput


def io_bytes() -> dict[str, int]:
    lines = Path("/proc/self/io").read_text().splitlines()
    return {k: int(v) for k, v in (line.split(": ") for line in lines)}


def one(ports: list[int], hosts: int, pages: int, kib: int) -> dict[str, Any]:
    original = throughput.open_archive

    def opened(path: Any) -> Any:
        db = original(path)
        db.conn.execute(f"PRAGMA cache_size = -{kib}")
        return db

    throughput.open_archive = opened
    try:
        config = throughput.bench_config(ports, hosts, 0.0, per_host=True)
        with tempfile.TemporaryDirectory() as tmp:
            before = io_bytes()
            (requests, _new), crawled, _learned = throughput.run_crawl_phases(config, Path(tmp))
            after = io_bytes()
    finally:
        throughput.open_archive = original
    return {
        "cpu": crawled["cpu"],
        "ms": 1000 * crawled["cpu"] / requests,
        "read": (after["rchar"] - before["rchar"]) / 2**20,
        "written": (after["wchar"] - before["wchar"]) / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache-kib", type=int, nargs="+", default=[2000, 16384])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--pages", type=int, default=20)
    args = parser.parse_args()
    print(f"{args.hosts} sources × {args.pages} pages, no delay; CPU of the crawl (this process)")
    print()
    print("| cache | run | CPU s | CPU ms/request | read MB | written MB |")
    print("|---|---|---|---|---|---|")
    with throughput.servers(2, args.pages) as ports:
        for run in range(1, args.repeat + 1):
            for kib in args.cache_kib:
                r = one(ports, args.hosts, args.pages, kib)
                print(
                    f"| {kib:,} KiB | {run} | {r['cpu']:.2f} | {r['ms']:.2f} | "
                    f"{r['read']:,.0f} | {r['written']:,.0f} |"
                )


if __name__ == "__main__":
    main()
