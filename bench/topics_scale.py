"""Cost of scoring key phrases (archive/indexes/topic_index.py) at archive scale, on
synthetic candidates: PAGES pages in two sources, 25 candidates each drawn from a Zipf-like
vocabulary of 50,000 keys (about 22 distinct per page).

    .venv/bin/python bench/topics_scale.py [PAGES]

Prints the time to score a saved page (2 and 50 pages at once, as ``after_change``), one
source after a run (``after_run``: half the pages) and the whole archive (``reindex``).
"""

from __future__ import annotations

import bisect
import itertools
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.indexes import topic_index
from archive.store.schema import open_archive


def main() -> None:
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    db = open_archive(Path(tempfile.mkdtemp()) / "archive.db")
    rng = random.Random(1)
    keys = [f"k{i}" for i in range(50_000)]
    cum = list(itertools.accumulate(1 / (i + 1) for i in range(len(keys))))
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO pages (url, source) VALUES (?, ?)",
            [(f"u{i}", "s" if i % 2 else "t") for i in range(pages)],
        )
        rows = []
        for i in range(pages):
            drawn = {keys[min(bisect.bisect(cum, rng.random() * cum[-1]), len(keys) - 1)]
                     for _ in range(25)}  # fmt: skip
            rows.extend((f"u{i}", k, k, 1 + rng.randrange(4)) for k in drawn)
        db.conn.executemany("INSERT INTO topic_terms VALUES (?, ?, ?, ?)", rows)
    print(f"{pages:,} pages, {len(rows):,} candidates")
    for label, call in (
        ("score 2 saved pages", lambda: topic_index.score_pages(db, ["u5", "u7"])),
        ("score 50 saved pages",
         lambda: topic_index.score_pages(db, [f"u{i}" for i in range(1000, 1050)])),
        ("score one source after a run", lambda: topic_index.score_source(db, "s")),
    ):  # fmt: skip
        started = time.monotonic()
        call()
        print(f"{label:<32}{time.monotonic() - started:>8.3f} s")
    started = time.monotonic()
    topic_index.score_all(db)
    print(f"{'score every page (reindex)':<32}{time.monotonic() - started:>8.3f} s")
    db.close()


if __name__ == "__main__":
    main()
