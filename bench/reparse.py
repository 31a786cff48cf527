"""Reparse and import-warc on every core (issue 17, item 4): one process vs a pool.

Run:  python bench/reparse.py [--pages 2000] [--workers 2]

Writes a WARC file of ``--pages`` HTML responses (the 289 real German pages of
/work/shared/benchmarks/german-web-dev/pages in turn, each under its own URL of one
host), then times in one run: ``import_warc`` of it into two fresh archives with
``workers=1`` and ``workers=N``, and ``reparse`` of the first archive with ``workers=1``
and ``workers=N`` (every stored version re-extracted from its record; nothing changes,
so both runs do the same work). Checks the two imports gave the same pages. Prints
Markdown: seconds, pages/s and the speed-up. The machine's cores are shared with other
work: figures are noisy.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from archive.run.reparse import reparse  # noqa: E402
from archive.run.warc_import import import_warc  # noqa: E402
from archive.store.schema import open_archive  # noqa: E402

PAGES = Path("/work/shared/benchmarks/german-web-dev/pages")


def write_warc(path: Path, n: int) -> None:
    # each page its own: no canonical link or og:url sending copies to one URL
    bodies = [
        re.sub(rb"(?i)og:url|rel=[\"']?canonical", b"x-none", p.read_bytes())
        for p in sorted(PAGES.glob("*.html"))
    ]
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i in range(n):
            body = re.sub(  # a number in the title and headline: every page its own content
                rb"(?i)(<title[^>]*>|<h1[^>]*>)",
                rb"\g<1>" + str(i).encode() + b" ",
                bodies[i % len(bodies)],
            )
            headers = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                f"https://www.stadt-bench.test/presse/{i:06d}.html",
                "response",
                payload=io.BytesIO(body),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": "2026-01-02T03:04:05Z"},
            )
            writer.write_record(record)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        warc = Path(tmp) / "bench.warc.gz"
        write_warc(warc, args.pages)
        pages = {}
        for workers in (1, args.workers):
            db = open_archive(Path(tmp) / f"import{workers}.db")
            t0 = time.perf_counter()
            report = import_warc(db, [warc], source="bench", workers=workers)
            took = time.perf_counter() - t0
            pages[workers] = db.execute(
                "SELECT url, title, body FROM pages ORDER BY url"
            ).fetchall()
            db.close()
            rows.append(("import-warc", workers, took, report["records"]))
            print(f"import-warc workers={workers}: {report}", file=sys.stderr)
        assert pages[1] == pages[args.workers], "the imports differ"
        db = open_archive(Path(tmp) / "import1.db")
        for workers in (1, args.workers):
            t0 = time.perf_counter()
            report = reparse(db, workers=workers)
            took = time.perf_counter() - t0
            rows.append(("reparse", workers, took, report["versions"]))
            print(f"reparse workers={workers}: {report}", file=sys.stderr)
        db.close()
    print(f"\n{args.pages:,} pages; {os.cpu_count()} cores; Python {platform.python_version()}\n")
    print("| command | workers | seconds | pages/s | speed-up |\n|---|---:|---:|---:|---:|")
    base: dict[str, float] = {}
    for what, workers, took, n in rows:
        rate = n / took
        base.setdefault(what, rate)
        print(f"| {what} | {workers} | {took:.1f} | {rate:.0f} | {rate / base[what]:.2f}× |")


if __name__ == "__main__":
    main()
