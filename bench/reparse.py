"""Reparse and import-warc on every core (issue 17, item 4): one process vs a pool.

Run:  python bench/reparse.py [--pages 2000] [--versions 0] [--changed] [--workers 2]
                               [--profile FILE]

Writes a WARC file of ``--pages`` HTML responses (the 289 real German pages of
/work/shared/benchmarks/german-web-dev/pages in turn, each under its own URL of one
host), then times in one run: ``import_warc`` of it into two fresh archives with
``workers=1`` and ``workers=N``, and ``reparse`` of the first archive with ``workers=1``
and ``workers=N`` (every stored version re-extracted from its record; nothing changes,
so both runs do the same work). Checks the two imports gave the same pages. Prints
Markdown: seconds, pages/s and the speed-up. The machine's cores are shared with other
work: figures are noisy.

``--versions N`` (more than ``--pages``): before the reparse runs, the imported archive is
grown to N stored versions without importing them one by one (an import writes ~50
pages/s, so 100,000 would take half an hour): every imported page is copied in SQL (its
``pages`` row, with the full-text index the triggers keep, and its ``revisions`` row) under
``…-cK.html`` in the same folder, pointing at the same WARC record. A copy extracts to the
same content (relative links resolve alike), so the reparse does the same work per version
as for an imported page. ``--changed`` makes every current version stale first (its stored
``content_hash``), so each reparsed page is written as a new revision with its derived
indexes: the case of an extractor that changed, where the writing process does the most.
``--profile FILE`` writes a cProfile of the writing process during the last reparse run.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlite_utils  # noqa: E402
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


def cpu_times(since: tuple[float, float] = (0.0, 0.0)) -> tuple[float, float]:
    """CPU seconds (user + system) of this process and of its ended children (the pool's
    workers, counted once the pool has shut down), minus ``since``."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (
        own.ru_utime + own.ru_stime - since[0],
        kids.ru_utime + kids.ru_stime - since[1],
    )


def grow(db: sqlite_utils.Database, versions: int) -> int:
    """Copy the pages (and their one revision each) until ``versions`` are stored; return
    how many versions there are then."""
    base = db.execute("SELECT count(*) FROM pages").fetchone()[0]
    pcols = ", ".join(f'"{c.name}"' for c in db["pages"].columns if c.name != "url")
    rcols = ", ".join(f'"{c.name}"' for c in db["revisions"].columns if c.name != "page_url")
    copies = -(-versions // base) - 1
    with db.conn:
        for k in range(1, copies + 1):
            limit = min(base, versions - base * k)
            copy = f"replace(url, '.html', '-c{k}.html')"
            db.execute(
                f"INSERT INTO pages (url, {pcols}) SELECT {copy}, {pcols} FROM pages "
                f"WHERE url NOT LIKE '%-c%' ORDER BY url LIMIT {limit}"
            )
            db.execute(
                f"INSERT INTO revisions (page_url, {rcols}) SELECT "
                f"{copy.replace('url', 'page_url', 1)}, {rcols} FROM revisions "
                f"WHERE page_url NOT LIKE '%-c%' ORDER BY page_url LIMIT {limit}"
            )
    return int(db.execute("SELECT count(*) FROM revisions").fetchone()[0])


def stale(db: sqlite_utils.Database) -> None:
    """Every page's current content as if an older extractor had stored it."""
    with db.conn:
        db.execute("UPDATE pages SET content_hash = 'stale-' || content_hash")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--versions", type=int, default=0, help="grow to this many before reparse")
    ap.add_argument("--changed", action="store_true", help="every reparsed page changes")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--profile", default="", help="cProfile of the last reparse run")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        warc = Path(tmp) / "bench.warc.gz"
        write_warc(warc, args.pages)
        pages = {}
        for workers in (1, args.workers):
            db = open_archive(Path(tmp) / f"import{workers}.db")
            t0, c0 = time.perf_counter(), cpu_times()
            report = import_warc(db, [warc], source="bench", workers=workers)
            took, used = time.perf_counter() - t0, cpu_times(c0)
            pages[workers] = db.execute(
                "SELECT url, title, body FROM pages ORDER BY url"
            ).fetchall()
            db.close()
            rows.append(("import-warc", workers, took, report["records"], used))
            print(f"import-warc workers={workers}: {report}", file=sys.stderr)
        assert pages[1] == pages[args.workers], "the imports differ"
        db = open_archive(Path(tmp) / "import1.db")
        versions = grow(db, args.versions) if args.versions > args.pages else args.pages
        if args.changed:
            db.close()
            shutil.copy(Path(tmp) / "import1.db", Path(tmp) / "pristine.db")
        for workers in (1, args.workers):
            if args.changed:
                db.close()
                shutil.copy(Path(tmp) / "pristine.db", Path(tmp) / "import1.db")
                db = open_archive(Path(tmp) / "import1.db")
                stale(db)
            profiler = cProfile.Profile() if args.profile and workers == args.workers else None
            t0, c0 = time.perf_counter(), cpu_times()
            if profiler:
                profiler.enable()
            report = reparse(db, workers=workers)
            took, used = time.perf_counter() - t0, cpu_times(c0)
            if profiler:
                profiler.disable()
                profiler.dump_stats(args.profile)
            rows.append(("reparse", workers, took, report["versions"], used))
            print(f"reparse workers={workers}: {report}", file=sys.stderr)
        db.close()
    print(
        f"\n{args.pages:,} pages imported, {versions:,} versions reparsed"
        f"{' (every one changed)' if args.changed else ''}; {os.cpu_count()} cores; "
        f"Python {platform.python_version()}\n"
    )
    print(
        "| command | workers | seconds | pages/s | speed-up | CPU s: this process, workers |\n"
        "|---|---:|---:|---:|---:|---|"
    )
    base: dict[str, float] = {}
    for what, workers, took, n, (own, pool) in rows:
        rate = n / took
        base.setdefault(what, rate)
        print(
            f"| {what} | {workers} | {took:.1f} | {rate:.0f} | {rate / base[what]:.2f}× "
            f"| {own:.1f}, {pool:.1f} |"
        )


if __name__ == "__main__":
    main()
