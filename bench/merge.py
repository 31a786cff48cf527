"""Merge benchmark: two synthetic shard archives joined by ``pressarchive merge``.

Run:  python bench/merge.py [--pages 20000]

Each shard is the synthetic archive of ``bench/graph.py`` (``--pages`` pages, ~10 % with a
second revision, ~6 links per revision; no WARC files), the second with other URLs and
another source name. Times, in one run: both shards into an empty archive (rows copied,
then the derived indexes built once), the same merge again (a no-op), and the second shard
into an archive that holds the first (each page passed to the indexes as a crawl's writer
does). Prints Markdown; "peak MB" is the process's peak RSS so far.
"""

from __future__ import annotations

import argparse
import platform
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from graph import synthesise  # noqa: E402

from archive.run.merge import merge_archives  # noqa: E402
from archive.store.reader import open_reader  # noqa: E402
from archive.store.schema import open_archive  # noqa: E402

URL_TABLES = {"pages": "url", "revisions": "page_url", "revision_links": "page_url",
              "links": "page_url"}  # fmt: skip


def second_shard(first: Path, second: Path) -> None:
    """A copy of ``first`` whose pages are on another host, for the source ``bench2``."""
    second.write_bytes(first.read_bytes())
    conn = sqlite3.connect(second)
    with conn:
        for table, column in URL_TABLES.items():
            conn.execute(
                f"UPDATE {table} SET {column} = replace({column}, '//example.test/', "
                "'//example2.test/')"
            )
        conn.execute("UPDATE revision_links SET url = replace(url, '//example.test/', "
                     "'//example2.test/')")  # fmt: skip
        conn.execute("UPDATE links SET url = replace(url, '//example.test/', '//example2.test/')")
        conn.execute("UPDATE pages SET source = 'bench2'")
        conn.execute("UPDATE crawl_runs SET source = 'bench2'")
    conn.close()
    open_archive(second).close()  # its indexes rebuilt for the new URLs


def timed_merge(out: Path, shards: list[Path]) -> tuple[float, dict[str, object]]:
    inputs = [(str(p), open_reader(p)) for p in shards]
    started = time.perf_counter()
    try:
        summary = merge_archives(str(out), inputs)
    finally:
        for _path, db in inputs:
            db.close()
    return time.perf_counter() - started, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20_000, help="pages per shard")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        first, second = root / "shard1.db", root / "shard2.db"
        synthesise(first, args.pages)
        open_archive(first).close()  # its derived indexes built, as a crawl leaves them
        second_shard(first, second)
        print(f"{args.pages:,} pages per shard; Python {platform.python_version()}\n")
        print("| step | seconds | pages/s | result | peak MB |\n|---|---|---|---|---|")

        def row(step: str, seconds: float, pages: int, result: str) -> None:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            rate = f"{pages / seconds:,.0f}" if pages else "-"
            print(f"| {step} | {seconds:.2f} | {rate} | {result} | {peak:,.0f} |", flush=True)

        out = root / "all.db"
        seconds, summary = timed_merge(out, [first, second])
        added = summary["added"]
        assert isinstance(added, dict)
        row("2 shards into an empty archive", seconds, added["pages"],
            f"{summary['pages']:,} pages, {summary['revisions']:,} revisions")  # fmt: skip
        seconds, summary = timed_merge(out, [first, second])
        row("the same merge again (no-op)", seconds, 0, f"{summary['added']}")
        out2 = root / "each.db"
        timed_merge(out2, [first])
        seconds, summary = timed_merge(out2, [second])
        added = summary["added"]
        assert isinstance(added, dict)
        row("shard 2 into an archive holding shard 1", seconds, added["pages"],
            f"{summary['pages']:,} pages")  # fmt: skip


if __name__ == "__main__":
    main()
