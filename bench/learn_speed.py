"""CPU cost of learning site templates (``crawler.extract.learn.learn_template``), and every
learned template, on fixed page sets (issue 17: the learning step at the end of a first
crawl cost about as much CPU as the crawl of ``bench/throughput.py hosts``).

Run:
  python bench/learn_speed.py time [--sets bench,sample,real] [--repeat 3] [--profile N]
  python bench/learn_speed.py dump [--sets ...] > templates.jsonl
  python bench/learn_speed.py cachegrind [--sets bench]

Page sets (each a list of groups; one ``learn_template`` call per group, as for one source):

- ``bench``: ``--bench-hosts`` hosts of ``bench/throughput.py`` (its ``page_body``, the URLs
  of its ``sitemap_body``), 20 pages each — what ``throughput.py hosts`` learns 100 times;
- ``sample``: the first 10 pages (edition 1, URL order) of every sample-site family, as
  ``tests/crawler/extract/test_learn.py`` and ``bench/learned.py`` learn them;
- ``real``: the pages of ``/work/shared/benchmarks`` (german-web-dev, the article
  benchmark) grouped by host (most groups are one page: then no candidate is found on two
  pages and only the reference values and targets are computed), and the same pages in
  runs of 10 (in file order) as mixed "sources", so that selectors are scored on real text.

Every mode runs with ``PYTHONHASHSEED`` set (``--seed``, default 0; the script starts itself
again with it): the templates learned depended on the order in which a set of candidate
selectors was iterated, so on string hashing, until ``learn_template`` sorted them (stop 27);
a dump of code from before then compares only with one made under the same seed.

``time`` prints the CPU seconds (``time.process_time``, this process only; the minimum of
``--repeat`` runs) per set; the pages are read and generated before the clock starts.
``--profile N`` prints the top N functions of one run under cProfile instead.
``dump`` prints one JSON line per group: its key, the learned profile and ``stats_json()``,
the pages and the chrome — compare two dumps byte for byte (``cmp``) to prove a change
learns exactly the same templates. ``cachegrind`` runs ``time --repeat 1`` of each set
under ``valgrind --tool=cachegrind`` and prints the instructions executed (deterministic,
unlike CPU seconds on a shared machine; includes the interpreter's start and the page
loading, printed separately as the ``load`` row: the same set with ``--no-learn``).
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import gzip
import json
import os
import pstats
import re
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.throughput import host_name, page_body, sitemap_body
from crawler.extract.learn import Page, learn_template

BENCHMARKS = Path("/work/shared/benchmarks")
SETS = ("bench", "sample", "real")
#: pages of one ``bench`` host (``throughput.py hosts --pages 20``)
BENCH_PAGES = 20
#: pages of one sample-site family learned from (as the tests and ``bench/learned.py``)
SAMPLE_PAGES = 10
#: pages of one mixed group of the real pages
REAL_RUN = 10

Group = tuple[str, list[Page]]


def bench_groups(hosts: int) -> list[Group]:
    groups: list[Group] = []
    for i in range(hosts):
        host = host_name(i)
        urls = re.findall(rb"<loc>([^<]+)</loc>", sitemap_body(host, BENCH_PAGES))
        headers = {"content-type": "text/html; charset=utf-8"}
        pages: list[Page] = [(u.decode(), page_body(host, n), headers) for n, u in enumerate(urls)]
        groups.append((f"bench/{host}", pages))
    return groups


def sample_groups() -> list[Group]:
    from bench.scoring import available_families, sample_cases

    groups: list[Group] = []
    for family in available_families():
        cases = sorted((c for c in sample_cases([family]) if c.edition == 1), key=lambda c: c.url)
        pages: list[Page] = [(c.url, c.body, c.headers) for c in cases[:SAMPLE_PAGES]]
        groups.append((f"sample/{family}", pages))
    return groups


def _real_pages() -> list[tuple[str, Page]]:
    """(name, page) of every page of the public benchmarks present, in file order."""
    out: list[tuple[str, Page]] = []
    german = BENCHMARKS / "german-web-dev"
    if (german / "evaldata.json").exists():
        data = json.loads((german / "evaldata.json").read_text(encoding="utf-8"))
        urls = {Path(item["file"]).name: url for url, item in data.items()}
        for path in sorted((german / "pages").glob("*.html")):
            url = urls.get(path.name, f"https://example.de/{path.stem}")
            out.append((f"german/{path.name}", (url, path.read_bytes(), {})))
    public = BENCHMARKS / "article-extraction-benchmark"
    if (public / "ground-truth.json").exists():
        truth = json.loads((public / "ground-truth.json").read_text(encoding="utf-8"))
        for key, item in sorted(truth.items()):
            body = gzip.decompress((public / "html" / f"{key}.html.gz").read_bytes())
            out.append((f"article/{key}", (item["url"], body, {"content-type": "text/html"})))
    return out


def real_groups() -> list[Group]:
    pages = _real_pages()
    by_host: dict[str, list[Page]] = defaultdict(list)
    for name, page in pages:
        by_host[f"{name.split('/')[0]}/{urlsplit(page[0]).hostname}"].append(page)
    groups: list[Group] = [(f"real/host/{k}", v) for k, v in sorted(by_host.items())]
    for start in range(0, len(pages), REAL_RUN):
        run = pages[start : start + REAL_RUN]
        groups.append((f"real/run/{run[0][0]}", [p for _, p in run]))
    return groups


def load(name: str, bench_hosts: int) -> list[Group]:
    loaders: dict[str, Callable[[], list[Group]]] = {
        "bench": lambda: bench_groups(bench_hosts),
        "sample": sample_groups,
        "real": real_groups,
    }
    return loaders[name]()


def learn_all(groups: list[Group]) -> float:
    """CPU seconds of learning every group (this process)."""
    started = time.process_time()
    for _, pages in groups:
        learn_template(pages)
    return time.process_time() - started


def dump(groups: list[Group]) -> None:
    for key, pages in groups:
        learned = learn_template(pages)
        line = {
            "group": key,
            "profile": dataclasses.asdict(learned.profile),
            "stats": learned.stats_json(),
            "pages": list(learned.pages),
            "chrome": list(learned.chrome),
        }
        print(json.dumps(line, ensure_ascii=False, sort_keys=True))


def profile(groups: list[Group], top: int) -> None:
    prof = cProfile.Profile()
    prof.runcall(learn_all, groups)
    pstats.Stats(prof).sort_stats("tottime").print_stats(top)


def cachegrind(sets: list[str], bench_hosts: int, seed: int) -> None:
    print("| set | instructions (learning) | instructions (load only) |")
    print("|---|---|---|")
    for name in sets:
        counts = [_instructions(name, bench_hosts, seed, extra) for extra in ([], ["--no-learn"])]
        print(f"| {name} | {counts[0] - counts[1]:,} | {counts[1]:,} |")


def _instructions(name: str, bench_hosts: int, seed: int, extra: list[str]) -> int:
    command = [
        "valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
        sys.executable, __file__, "time", "--sets", name, "--repeat", "1",
        "--bench-hosts", str(bench_hosts), "--seed", str(seed), *extra,
    ]  # fmt: skip
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}  # (no new start: valgrind would not follow)
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise SystemExit(done.stderr)
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("mode", choices=("time", "dump", "cachegrind"))
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--bench-hosts", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--no-learn", action="store_true", help="load the pages only")
    parser.add_argument("--seed", type=int, default=0, help="PYTHONHASHSEED (see above)")
    args = parser.parse_args()
    if os.environ.get("PYTHONHASHSEED") != str(args.seed):
        env = {**os.environ, "PYTHONHASHSEED": str(args.seed)}
        os.execve(sys.executable, [sys.executable, __file__, *sys.argv[1:]], env)
    sets = [s for s in args.sets.split(",") if s]
    if args.mode == "cachegrind":
        cachegrind(sets, args.bench_hosts, args.seed)
        return
    for name in sets:
        groups = load(name, args.bench_hosts)
        if args.no_learn:
            continue
        if args.mode == "dump":
            dump(groups)
        elif args.profile:
            profile(groups, args.profile)
        else:
            times = [learn_all(groups) for _ in range(args.repeat)]
            pages = sum(len(p) for _, p in groups)
            runs = " ".join(f"{t:.3f}" for t in times)
            print(
                f"{name}: {len(groups)} groups, {pages} pages: min {min(times):.3f} CPU s ({runs})"
            )


if __name__ == "__main__":
    main()
