"""Many sources: config load, schedule state and ``status`` with 50,000 sources (issue 17).

Run:  python bench/sources.py [--sources 50000] [--runs 3] [--profile]

Writes a config.toml with N ``[sources.X]`` tables (a host each, a start URL, a feed, a
sitemap for every third, an interval or crontab schedule, a few with include/exclude
rules), then synthesises an archive that knows every source (schema from
``open_archive``, rows by sqlite-utils ``insert_all``): its ``sources`` row, ``--runs``
finished crawl runs (the last one failed for 1 %), a fetch error for every tenth run, two
pages with a revision each, and its ``schedule_state``. Times, in one run: TOML parse,
``load_config`` (settings.py + checks.py), the scheduler's plan (``Scheduler.due``: every
source's next run), ``source_health``, ``source_status``, and the ``status`` and
``status --json`` commands (each a process of its own, its peak RSS shown). ``--profile``
prints the top cProfile entries of each step. Prints Markdown; "peak RSS" is the
process's peak RSS (the config, the archive's status rows and the plan all held).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import platform
import pstats
import resource
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.health import source_health  # noqa: E402
from archive.run.schedule import Scheduler  # noqa: E402
from archive.status import source_status  # noqa: E402
from archive.store.schema import open_archive  # noqa: E402
from crawler import clock  # noqa: E402
from crawler.config.settings import load_config  # noqa: E402

BATCH = 5000


def name(i: int) -> str:
    return f"gemeinde-{i:05d}"


def host(i: int) -> str:
    return f"www.gemeinde-{i:05d}.test"


def write_config(path: Path, n: int) -> None:
    lines = ['[crawler]\ncontact = "bench@example.org"\ndelay = 1.0\n']
    for i in range(n):
        h = host(i)
        lines.append(
            f'[sources.{name(i)}]\ntitle = "Gemeinde {i}"\ncity = "Gemeinde {i}"\n'
            f'hosts = ["{h}"]\nstart_urls = ["https://{h}/presse/"]\n'
            f'feeds = ["https://{h}/presse/rss.xml"]\n'
        )
        if i % 3 == 0:
            lines.append(f'sitemaps = ["https://{h}/sitemap.xml"]\n')
        if i % 10 == 0:
            lines.append('include = ["/presse/"]\nexclude = ["\\\\?print=1"]\n')
        lines.append('schedule = "0 */6 * * *"\n' if i % 50 == 0 else 'schedule = "every 6h"\n')
    path.write_text("\n".join(lines), encoding="utf-8")


def synthesise(path: Path, n: int, runs: int) -> dict[str, int]:
    db = open_archive(path)
    counts = {"sources": 0, "runs": 0, "errors": 0, "pages": 0}

    def rows() -> Iterator[tuple[str, list[dict[str, Any]]]]:
        run_id = 0
        for i in range(n):
            h, src = host(i), name(i)
            yield "sources", [{
                "name": src, "title": f"Gemeinde {i}", "city": f"Gemeinde {i}",
                "hosts": json.dumps([h]), "start_urls": json.dumps([f"https://{h}/presse/"]),
                "added_at": "2025-01-01T00:00:00Z",
            }]  # fmt: skip
            for r in range(runs):
                run_id += 1
                failed = r == runs - 1 and i % 100 == 0
                day = f"2026-11-{1 + r:02d}"
                yield "crawl_runs", [{
                    "id": run_id, "source": src, "started_at": f"{day}T00:00:00Z",
                    "finished_at": f"{day}T00:05:00Z", "status": "failed" if failed else "ok",
                    "fetched": 20, "new": 2 if r == 0 else 0, "unchanged": 18, "errors": 1,
                    "requests": 22, "duration": 300.0,
                }]  # fmt: skip
                if run_id % 10 == 0:
                    yield "fetch_errors", [{
                        "run_id": run_id, "source": src, "url": f"https://{h}/x",
                        "status": 500, "error": "HTTP 500", "time": f"{day}T00:01:00Z",
                    }]  # fmt: skip
            for p in range(2):
                url = f"https://{h}/presse/{p}"
                yield "pages", [{
                    "url": url, "source": src, "page_type": "press_release",
                    "title": f"Meldung {p}", "published": "2026-10-01",
                    "first_seen": "2026-11-01T00:00:00Z", "version": 1,
                }]  # fmt: skip
            yield "schedule_state", [{
                "source": src, "period": 21600.0,
                "next_run_at": f"2026-11-03T{1 if i % 4 == 0 else 6:02d}:05:00Z",
                "updated_at": "2026-11-03T00:05:00Z",
            }]  # fmt: skip

    order = ("sources", "crawl_runs", "fetch_errors", "pages", "schedule_state")
    batch: dict[str, list[dict[str, Any]]] = {t: [] for t in order}

    def flush() -> None:  # in this order: fetch_errors refer to crawl_runs
        for table in order:
            db.table(table).insert_all(batch[table], batch_size=1000)
            batch[table] = []

    for table, items in rows():
        batch[table].extend(items)
        if len(batch["crawl_runs"]) >= BATCH:
            flush()
    flush()
    for table, key in (("sources", "sources"), ("crawl_runs", "runs"), ("fetch_errors", "errors"),
                       ("pages", "pages")):  # fmt: skip
        counts[key] = db.table(table).count
    db.close()
    return counts


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, fn: Callable[[], Any], profile: bool) -> tuple[float, Any]:
    prof = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    if prof:
        prof.enable()
    out = fn()
    if prof:
        prof.disable()
    took = time.perf_counter() - t0
    print(f"{label}: {took:.2f} s, peak {peak_mb():.0f} MB", file=sys.stderr)
    if prof:
        text = io.StringIO()
        pstats.Stats(prof, stream=text).sort_stats("cumulative").print_stats(18)
        print(f"<!-- profile: {label} -->\n{text.getvalue()}", file=sys.stderr)
    return took, out


def cli_status(db: Path, *args: str) -> tuple[int, float]:
    """``pressarchive status`` in a process of its own, output to a pipe: (bytes written,
    the process's peak RSS in MB)."""
    code = (
        "import sys; from archive.cli.main import cli\n"
        "try:\n    cli(sys.argv[1:])\nexcept SystemExit as exc:\n    assert not exc.code\n"
        # VmHWM, not ru_maxrss: that one keeps the forking parent's peak across exec
        "hwm = [x for x in open('/proc/self/status') if x.startswith('VmHWM')][0]\n"
        "print(hwm.split()[1], file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "status", "--db", str(db), *args],
        capture_output=True, check=True, cwd=ROOT,
    )  # fmt: skip
    return len(done.stdout), int(done.stderr.decode().split()[-1]) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources", type=int, default=50000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--profile", action="store_true", help="cProfile every step (stderr)")
    args = ap.parse_args()
    n, prof = args.sources, args.profile
    rows: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        cfg, db_path = Path(tmp) / "config.toml", Path(tmp) / "archive.db"
        t, _ = timed("write", lambda: write_config(cfg, n), False)
        rows.append((f"write config.toml ({cfg.stat().st_size / 1e6:.1f} MB)", t, ""))
        t, _ = timed("toml", lambda: tomllib.loads(cfg.read_text(encoding="utf-8")), prof)
        rows.append(("TOML parse (tomllib)", t, ""))
        t, config = timed("load_config", lambda: load_config(cfg), prof)
        rows.append(("load_config (parse + checks)", t, f"{len(config.sources)} sources"))
        t, counts = timed("synthesise", lambda: synthesise(db_path, n, args.runs), False)
        rows.append(("synthesise archive (insert_all)", t, json.dumps(counts)))
        db = open_archive(db_path)
        now = clock.parse_iso("2026-11-03T03:00:00Z")
        t, due = timed("due", lambda: Scheduler(config, db_path).due(db, now), prof)
        overdue = sum(1 for _, when in due if when <= now)
        rows.append(("schedule plan (Scheduler.due)", t, f"{overdue} due now"))
        t, health = timed("health", lambda: source_health(db), prof)
        rows.append(("source_health (all sources)", t, f"{len(health)} sources"))
        t, status = timed("source_status", lambda: source_status(db), prof)
        rows.append(("source_status", t, f"{len(status)} rows"))
        db.close()
        for flags, what in (((), "text"), (("--json",), "JSON")):
            t, (size, mb) = timed(f"status {flags}", lambda a=flags: cli_status(db_path, *a), False)
            rows.append((
                f"`pressarchive status {' '.join(flags)}`".replace(" `", "`"), t,
                f"{size / 1e6:.1f} MB of {what}; its process's peak RSS {mb:.0f} MB",
            ))  # fmt: skip
    print(f"\n{n:,} sources, {args.runs} runs each; Python {platform.python_version()}\n")
    print("| step | seconds | notes |\n|---|---:|---|")
    for label, secs, note in rows:
        print(f"| {label} | {secs:.2f} | {note} |")
    print(f"\npeak RSS: {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
