"""Raw captures (WARC): storage per 1,000 pages, and what capture costs a crawl.

Run:  python bench/capture.py [--repeat 5]

In one run, against one sample-site server on loopback (edition 1, delay 0):
- first crawl with capture (WARC files next to the archive) and without, alternating;
- recrawl of the unchanged site on each archive, with and without capture (conditional
  requests → 304; with capture each 304 becomes a request + revisit record, fsynced);
- storage: bytes of the WARC folder after the first crawl (every response: pages,
  listings, feed, sitemap, 404s), the bytes of the records page versions point to, and
  what one unchanged recrawl adds — each per 1,000 archived pages; the SQLite file for scale.
Prints a Markdown table (medians of --repeat runs) for BENCHMARKS.md.
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.run.crawl import crawl_source
from archive.store.schema import open_archive
from crawler.capture.reading import folder_usage
from crawler.sample_site import SampleSite
from crawler.sample_site.demo import sample_config


def crawl(site: SampleSite, db_path: Path, capture: bool) -> dict[str, Any]:
    config = sample_config(site.port, delay=0.0, max_delay=0.0)
    db = open_archive(db_path)
    started = time.perf_counter()
    stats = crawl_source(db, config, config.source("sample"), capture=capture)
    seconds = time.perf_counter() - started
    referenced = db.execute("SELECT coalesce(sum(warc_length), 0) FROM revisions").fetchone()[0]
    pages = db.execute("SELECT count(*) FROM pages").fetchone()[0]
    db.close()
    usage = folder_usage(db_path.with_suffix(".warc"))
    return {
        "seconds": seconds,
        "requests": stats.requests,
        "pages": pages,
        "not_modified": stats.not_modified,
        "warc_bytes": usage["bytes"],
        "warc_files": usage["files"],
        "referenced": referenced,
        "db_bytes": db_path.stat().st_size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    runs: dict[str, list[dict[str, Any]]] = {
        k: [] for k in ("first_on", "first_off", "again_on", "again_off")
    }
    with SampleSite(edition=1, crawl_delay="0") as site, tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            for capture in (True, False) if i % 2 == 0 else (False, True):
                suffix = "on" if capture else "off"
                path = Path(tmp) / f"{i}-{suffix}" / "archive.db"
                runs[f"first_{suffix}"].append(crawl(site, path, capture))
                runs[f"again_{suffix}"].append(crawl(site, path, capture))

    def med(kind: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[kind])

    pages = med("first_on", "pages")
    per_k = 1000 / pages
    added = statistics.median(
        b["warc_bytes"] - a["warc_bytes"]
        for a, b in zip(runs["first_on"], runs["again_on"], strict=True)
    )
    system = f"Python {platform.python_version()}, {platform.system()} {platform.machine()}"
    print(f"Sample site edition 1: {pages:.0f} pages; {args.repeat} runs, medians; {system}\n")
    print("| storage | bytes | per 1,000 pages |")
    print("|---|---:|---:|")
    rows = [
        ("WARC folder after first crawl (all responses)", med("first_on", "warc_bytes")),
        ("records that page versions point to", med("first_on", "referenced")),
        ("added by one unchanged recrawl (304 revisits)", added),
        ("SQLite archive after first crawl (for scale)", med("first_on", "db_bytes")),
    ]
    for label, value in rows:
        print(f"| {label} | {value:,.0f} | {value * per_k / 1e6:,.2f} MB |")
    print("\n| crawl | with capture | without capture | capture costs |")
    print("|---|---:|---:|---:|")
    for kind, label in (("first", "first crawl"), ("again", "recrawl, site unchanged")):
        on, off = med(f"{kind}_on", "seconds"), med(f"{kind}_off", "seconds")
        print(f"| {label} | {on:.3f} s | {off:.3f} s | {on - off:+.3f} s ({on / off - 1:+.0%}) |")
    print(f"\nrequests per recrawl: {med('again_on', 'requests'):.0f} "
          f"({med('again_on', 'not_modified'):.0f} answered 304)")  # fmt: skip


if __name__ == "__main__":
    main()
