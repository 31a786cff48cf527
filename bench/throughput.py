"""Crawl throughput across many hosts with politeness on, and memory of a large crawl.

Run:
  python bench/throughput.py hosts  [--hosts 100] [--pages 20] [--delay 0.2] [--servers 2]
                                    [--real DIR] [--recheck]
  python bench/throughput.py memory [--hosts 100] [--pages 500] [--tracemalloc]
  python bench/throughput.py many   [--hosts 2000] [--pages 5] [--delay 8] [--servers 4]
                                    [--timeline] [--tracemalloc] [--in-flight N]
                                    [--gc-thresholds Y,M,O]

``hosts``: ``--hosts`` host names ``h000.bench.test`` … are mapped by ``connect_to`` to
``--servers`` threaded HTTP servers on 127.0.0.1 (each in its own process, so the CPU time
reported is the client's). Every host serves robots.txt, a sitemap (its listing) and
``--pages`` small press pages (~2 KB of generated German nouns; ``--real DIR``: the HTML
files of DIR instead, in turn, e.g. the 289 real German pages of the extraction dev set,
~120 KB each, with the crawl's media off). In one run, against the same servers, it
measures:

- the politeness bound: hosts / delay requests per second at best;
- baseline: one plain ``httpx.AsyncClient``, 32 requests in flight, no politeness;
- ``Fetcher`` (one shared AsyncClient, politeness on), every page URL at once;
- one ``Fetcher`` (so one small AsyncClient) per host, politeness on;
- ``crawl_source``: one source with all hosts (discover, fetch, extract, SQLite, WARC);
- with ``--recheck``: the same crawl again over the archive it made (the servers answer
  every page with the same bytes and no validators, as many CMS pages: each page is
  ``unchanged``, recognised by its bytes without being extracted again).

``memory``: one ``crawl_source`` of hosts × pages generated pages (no delay) in a child
process; reports ru_maxrss (and the tracemalloc peak with ``--tracemalloc``, which slows
the crawl about 2×).

``many``: ``--hosts`` sources of one host each (as a config of thousands of towns) crawled
side by side by ``crawl_sources`` with ``crawler.parallel_sources`` = hosts, the setting
``pressarchive crawl`` reads, in a child process (so its CPU time and peak RSS are the
crawl's own; the servers are other processes). Each source fetches robots.txt, its sitemap
and ``--pages`` pages: ``pages + 2`` requests per host, so the politeness bound is
``(pages + 1) × delay`` seconds for the run (the first request of a host waits for none),
i.e. hosts / delay requests per second. The default delay of 8 s sets that bound at 250
requests/s for 2,000 hosts, within this machine's reach: the fetch layer alone costs 1–2 ms
CPU a request (the ``hosts`` rows), so 250 requests/s is a quarter to half of one of the 2
cores, and at the issue's target of ≤ 1.5 ms a request for the whole crawl under half a
core; the server processes cost ~0.3 ms a request (printed; their connections are kept
between a host's requests), a thirteenth of a core at the bound, so they are not the limit.
(When the bench was written the crawl cost ~8–9 ms a request; in stop 27 ~1.8–2.1 ms, 85–86 %
of this bound: BENCHMARKS.md.) 2,000 hosts means up to 2,000
keep-alive connections at once, each a server thread and two file descriptors on this
machine: the bench raises RLIMIT_NOFILE to the hard limit (and says so when that is below
3 × hosts); each server's listen backlog is 1,024 (the kernel's ``somaxconn`` here: 4,096).
The retries the fetcher made are counted by reason, and a 0.1 s timer on the crawl's event
loop shows how late the loop runs: a loop kept busy for seconds by the crawl's own work
makes connects time out (httpx's timeouts are timers on the same loop). Also printed: the
seconds the crawling process waited, runnable, for a core (``schedstat``: the share of
the lateness other processes on the machine cause) and the peak memory (PSS) of the
crawl's processes together (the crawling process, its extraction workers and their fork
server, sampled every 0.2 s; ``peak MB`` in the table is the crawling process's RSS).
``--timeline`` adds where the run loses time against the bound
(``bench/crawl_timeline.py``: phases, first requests, each host's turns taken late and
why, waits for an extraction slot, the tail, the writer's work, lateness over time);
``--tracemalloc`` what holds the crawling process's memory at its largest (top files and
lines; slows the crawl); ``--in-flight N`` sets the pages handed on for extraction per
worker (``crawler.engine.workers.IN_FLIGHT_PER_WORKER``) for an experiment,
``--gc-thresholds Y,M,O`` the garbage collector's thresholds during the crawl
(``crawler.engine.collector``; ``700,10,10`` are Python's own); the collector's CPU time
in the crawling process is printed. (The ``many`` runs' code: ``bench/many_hosts.py``.)

Prints Markdown tables for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# The crawl's extraction workers run this script again on start, as ``__mp_main__``
# (multiprocessing's forkserver method, as for spawn; Python 3.11's fork server cannot
# preload a script): they need none of the project, and importing it there (sqlite-utils,
# which imports pandas when installed) would cost each worker ~0.4 s and ~70 MB that a
# worker of ``pressarchive crawl``, whose main module is the small console script, does
# not pay.
if __name__ != "__mp_main__":
    from archive.run.crawl import crawl_source, crawl_sources, learn_templates
    from archive.store.schema import open_archive
    from archive.store.sqlite import SqliteStore
    from crawler.config.settings import Config, SourceConfig, loads_config
    from crawler.engine import crawl as engine
    from crawler.fetch.fetcher import ConnectToTransport, Fetcher

DOMAIN = "bench.test"
WORDS = (
    "Stadt Rathaus Bürgermeister Sitzung Stadtverordnete Haushalt Baustelle Straße Schule "
    "Kindergarten Feuerwehr Bürger Verwaltung Förderung Veranstaltung Ausstellung Museum "
    "Bibliothek Verkehr Umleitung Sanierung Spielplatz Klimaschutz Radweg Friedhof"
).split()


def host_name(i: int) -> str:
    return f"h{i:03d}.{DOMAIN}"


def page_body(host: str, n: int) -> bytes:
    """A small press release (~1.6 KB), different for every host and number."""
    seed = sum(map(ord, host)) * 7919 + n
    words = [WORDS[(seed * (k + 3) + k * k) % len(WORDS)] for k in range(180)]
    paras = "".join(f"<p>{' '.join(words[k : k + 45])}.</p>" for k in range(0, 180, 45))
    title = f"Meldung {n} von {host}: {words[0]} und {words[1]}"
    day = 1 + n % 28
    return (
        f"<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'><title>{title}</title>"
        f"<meta name='date' content='2024-03-{day:02d}'></head><body><main><article>"
        f"<h1>{title}</h1>{paras}</article></main></body></html>"
    ).encode()


def sitemap_body(host: str, pages: int) -> bytes:
    locs = "".join(f"<url><loc>http://{host}/presse/p{i}.html</loc></url>" for i in range(pages))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
    ).encode()


def real_pages(folder: Path | None) -> list[bytes]:
    """The HTML files of ``folder`` (``--real``), sorted by name; none without one."""
    if folder is None:
        return []
    found = [path.read_bytes() for path in sorted(folder.glob("*.html"))]
    if not found:
        raise SystemExit(f"--real {folder}: no *.html files there")
    return found


def real_body(real: list[bytes], host: str, n: int, pages: int) -> bytes:
    """Page ``n`` of ``host`` with ``--real``: the real pages in turn, host after host (a
    host never serves one twice while it has fewer pages than there are real ones)."""
    index = int(host.split(".")[0][1:])
    return real[(index * pages + n) % len(real)]


def _serve(pages: int, ready: Any, real_folder: Path | None = None) -> None:
    """One threaded HTTP/1.1 server (keep-alive) answering for every bench host name (with
    ``real_folder``, its HTML files as the pages, sent as ``text/html`` without a charset,
    as the German dev set's extraction benchmark reads them)."""
    real = real_pages(real_folder)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms stalls

        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_GET(self) -> None:
            host = self.headers.get("Host", "").split(":")[0]
            path = self.path
            ctype = "text/html; charset=utf-8"
            if path == "/robots.txt":
                body, ctype = b"User-agent: *\nAllow: /\n", "text/plain"
            elif path == "/sitemap.xml":
                body, ctype = sitemap_body(host, pages), "application/xml"
            elif path.startswith("/presse/p") and path.endswith(".html"):
                n = int(path[len("/presse/p") : -len(".html")])
                if real:
                    body, ctype = real_body(real, host, n, pages), "text/html"
                else:
                    body = page_body(host, n)
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class Server(ThreadingHTTPServer):
        request_queue_size = 1024  # the default 5 drops SYNs of a burst: 1 s retransmits
        daemon_threads = True

    httpd = Server(("127.0.0.1", 0), Handler)
    ready.put(httpd.server_address[1])
    httpd.serve_forever(poll_interval=0.1)


@contextmanager
def servers(
    count: int, pages: int, pids: list[int] | None = None, real: Path | None = None
) -> Iterator[list[int]]:
    ctx = mp.get_context("fork")
    ready = ctx.Queue()
    procs = [
        ctx.Process(target=_serve, args=(pages, ready, real), daemon=True) for _ in range(count)
    ]
    for proc in procs:
        proc.start()
        if pids is not None and proc.pid is not None:
            pids.append(proc.pid)
    try:
        yield [ready.get(timeout=10) for _ in procs]
    finally:
        for proc in procs:
            proc.terminate()
            proc.join(5)


def bench_config(
    ports: list[int], hosts: int, delay: float, *, per_host: bool = False, **crawler: Any
) -> Config:
    """One source ``bench`` over all hosts (for the Fetcher runs: a source's hosts are
    aliases of one site, so its crawl would store every page under the first host), or
    with ``per_host`` one source per host, as a real config of many towns has."""
    names = [host_name(i) for i in range(hosts)]
    target = {h: f"127.0.0.1:{ports[i % len(ports)]}" for i, h in enumerate(names)}
    extra = "".join(f"{k} = {json.dumps(v)}\n" for k, v in crawler.items())
    text = f"""
[crawler]
contact = "bench@pressarchive.invalid"
delay = {delay}
max_delay = {delay}
timeout = 30.0
follow_related = false
{extra}"""
    groups = [[h] for h in names] if per_host else [names]
    for group in groups:
        name = group[0].split(".")[0] if per_host else "bench"
        sitemaps = ", ".join(f'"http://{h}/sitemap.xml"' for h in group)
        mapping = "\n".join(f'"{h}" = "{target[h]}"' for h in group)
        text += f"""
[sources.{name}]
sitemaps = [{sitemaps}]
hosts = [{", ".join(f'"{h}"' for h in group)}]
[sources.{name}.connect_to]
{mapping}
"""
    return loads_config(text, "<bench config>")


def page_urls(hosts: int, pages: int) -> list[str]:
    return [f"http://{host_name(h)}/presse/p{i}.html" for h in range(hosts) for i in range(pages)]


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def machine_cpu() -> float:
    """CPU seconds every process of the machine has used (``/proc/stat``; busy time of all
    cores): the crawl's worker processes and the servers too (and anything else running)."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    busy = sum(fields) - fields[3] - (fields[4] if len(fields) > 4 else 0)  # - idle, iowait
    return busy / os.sysconf("SC_CLK_TCK")


def measure(fn: Callable[[], int]) -> dict[str, Any]:
    """Run ``fn`` (returns the number of requests); wall seconds, this process's CPU
    seconds and the whole machine's."""
    wall, c0, m0 = time.perf_counter(), cpu(), machine_cpu()
    requests = fn()
    return {
        "requests": requests,
        "seconds": time.perf_counter() - wall,
        "cpu": cpu() - c0,
        "machine": machine_cpu() - m0,
    }


# -- the runs ---------------------------------------------------------------------------
def run_baseline(config: Config, urls: list[str], in_flight: int = 32) -> int:
    source = config.sources[0]

    async def go() -> int:
        mapped = ConnectToTransport(httpx.AsyncHTTPTransport(retries=0), source.connect_to)
        async with httpx.AsyncClient(transport=mapped, trust_env=False) as client:
            todo = iter(urls)

            async def worker() -> None:
                for url in todo:
                    (await client.get(url)).raise_for_status()

            await asyncio.gather(*(worker() for _ in range(in_flight)))
        return len(urls)

    return asyncio.run(go())


def run_fetcher(config: Config, urls: list[str]) -> int:
    async def go() -> int:
        async with Fetcher(config.crawler, config.sources[0]) as fetcher:
            results = await asyncio.gather(*(fetcher.fetch(u) for u in urls))
            assert all(r.ok for r in results), [r.error for r in results if not r.ok][:3]
            return fetcher.requests

    return asyncio.run(go())


def run_fetcher_per_host(config: Config, urls: list[str]) -> int:
    source = config.sources[0]
    by_host: dict[str, list[str]] = {}
    for url in urls:
        by_host.setdefault(url.split("/")[2], []).append(url)

    async def one(host: str, host_urls: list[str]) -> int:
        src = SourceConfig(
            name=host,
            sitemaps=(f"http://{host}/sitemap.xml",),
            hosts=(host,),
            scheme="http",
            connect_to={host: source.connect_to[host]},
        )
        async with Fetcher(config.crawler, src) as fetcher:
            results = await asyncio.gather(*(fetcher.fetch(u) for u in host_urls))
            assert all(r.ok for r in results)
            return fetcher.requests

    async def go() -> int:
        return sum(await asyncio.gather(*(one(h, u) for h, u in by_host.items())))

    return asyncio.run(go())


def run_crawl(config: Config, folder: Path, together: bool) -> tuple[int, int]:
    """Every source into one archive: ``crawl_sources`` side by side in one event loop (what
    ``pressarchive crawl`` does), or ``crawl_source`` one source after another."""
    db = open_archive(folder / "archive.db")
    try:
        if together:
            runs = crawl_sources(db, config, config.sources, parallel=len(config.sources))
        else:
            runs = [crawl_source(db, config, source) for source in config.sources]
    finally:
        db.close()
    errors = [s.source for s in runs if s.errors or s.status != "ok"]
    if errors:
        raise RuntimeError(f"runs with errors: {errors}")
    return sum(s.requests for s in runs), sum(s.new for s in runs)


def warc_bytes(folder: Path) -> int:
    """The size of the WARC files in ``folder``."""
    return sum(path.stat().st_size for path in folder.glob("*.warc.gz"))


def run_crawl_phases(
    config: Config, folder: Path, recheck: bool = False
) -> tuple[tuple[int, int], dict[str, Any], dict[str, Any], dict[str, Any] | None]:
    """``pressarchive crawl`` of every source side by side in its two phases, measured
    apart: the crawl (the engine: discover, fetch, extract, analyse, write) and, after a
    source's first crawl only, learning its site template (``archive.run.learn``); with
    ``recheck`` a second crawl too (every page asked again: the same bytes, no
    validators), its measure with ``unchanged``, the pages it found unchanged."""
    db = open_archive(folder / "archive.db")
    found: list[Any] = []
    again: list[Any] = []
    try:

        def crawl(into: list[Any] = found) -> int:
            store = SqliteStore(db)
            into.extend(
                engine.crawl_sources(store, config, config.sources, parallel=len(config.sources))
            )
            return sum(s.requests for s in into)

        crawled = measure(crawl)

        def learn() -> int:
            learn_templates(db, config, found)  # what `pressarchive crawl` does last
            return 0

        learned = measure(learn)
        first_warc = warc_bytes(folder / "archive.warc")
        rechecked = measure(lambda: crawl(again)) if recheck else None
        if rechecked is not None:
            rechecked["warc"] = (first_warc, warc_bytes(folder / "archive.warc") - first_warc)
    finally:
        db.close()
    errors = [s.source for s in found + again if s.errors or s.status != "ok"]
    if errors:
        raise RuntimeError(f"runs with errors: {errors}")
    if rechecked is not None:
        rechecked["unchanged"] = sum(s.unchanged for s in again)
    counts = (sum(s.requests for s in found), sum(s.new for s in found))
    return counts, crawled, learned, rechecked


def hosts_bench(args: argparse.Namespace) -> None:
    urls = page_urls(args.hosts, args.pages)
    rows: list[tuple[str, int, dict[str, Any]]] = []
    # real pages link images on their own sites (or on the bench host, which has none):
    # their crawls fetch no media, so the rows measure the pages' work alone
    crawls: dict[str, Any] = {"media": False} if args.real else {}
    with servers(args.servers, args.pages, real=args.real) as ports:
        config = bench_config(ports, args.hosts, args.delay)
        nodelay = bench_config(ports, args.hosts, 0.0)
        run_baseline(nodelay, urls[:200])  # warm-up
        rows.append(
            (
                "baseline: one httpx.AsyncClient, 32 in flight, no politeness",
                len(urls),
                measure(lambda: run_baseline(nodelay, urls)),
            )
        )
        rows.append(
            (
                "Fetcher, one shared AsyncClient, politeness on (fetch only)",
                len(urls),
                measure(lambda: run_fetcher(config, urls)),
            )
        )
        rows.append(
            (
                "one Fetcher (own AsyncClient) per host, politeness on (fetch only)",
                len(urls),
                measure(lambda: run_fetcher_per_host(config, urls)),
            )
        )
        sequential = bench_config(ports, args.sequential_hosts, args.delay, per_host=True, **crawls)
        with tempfile.TemporaryDirectory() as tmp:
            saved: list[int] = []

            def one_after_another(tmp: str = tmp) -> int:
                requests, new = run_crawl(sequential, Path(tmp), False)
                saved.append(new)
                return requests

            result = measure(one_after_another)
            rows.append(
                (
                    f"crawl_source per source, one after another ({args.sequential_hosts} sources)",
                    saved[0],
                    result,
                )
            )
        parallel = bench_config(ports, args.hosts, args.delay, per_host=True, **crawls)
        with tempfile.TemporaryDirectory() as tmp:
            (requests, new), crawled, learned, rechecked = run_crawl_phases(
                parallel, Path(tmp), args.recheck
            )
        rows.append(
            (
                f"crawl: {args.hosts} sources side by side, one archive "
                "(`pressarchive crawl`, first crawl, without its last step)",
                new,
                crawled,
            )
        )
        learned["requests"] = 0
        rows.append(
            (
                f"… its last step: site templates learned for the {args.hosts} new sources "
                "(once per source, after its first crawl)",
                new,
                learned,
            )
        )
        total = {
            "requests": requests,
            **{k: crawled[k] + learned[k] for k in ("seconds", "cpu", "machine")},
        }
        rows.append(("`pressarchive crawl` in total (both)", new, total))
        if rechecked is not None:
            rows.append(
                (
                    f"a second crawl: every page again, the same bytes, no validators "
                    f"({rechecked['unchanged']:,} unchanged)",
                    new,
                    rechecked,
                )
            )
    bound = args.hosts / args.delay
    served = ""
    if args.real:
        sizes = [path.stat().st_size for path in args.real.glob("*.html")]
        served = (
            f"; the pages: the {len(sizes)} real pages of {args.real} in turn "
            f"({sum(sizes) / len(sizes) / 1024:.0f} KB on average), media off"
        )
    print(
        f"{platform.python_version()}, {platform.machine()}, {args.hosts} hosts × "
        f"{args.pages} pages, delay {args.delay} s per host, {args.servers} server "
        f"processes{served}"
    )
    print()
    print(
        "| run | pages | requests | seconds | pages/s | % of bound | requests/s | CPU s "
        "| CPU ms/request | machine CPU s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| politeness bound: {args.hosts} hosts / {args.delay} s | {len(urls)} | | "
        f"{len(urls) / bound:.2f} | {bound:,.0f} | 100 % | {bound:,.0f} | | | |"
    )
    for name, pages, r in rows:
        per_request = f"{1000 * r['cpu'] / r['requests']:.2f}" if r["requests"] else ""
        print(
            f"| {name} | {pages:,} | {r['requests']:,} | {r['seconds']:.2f} | "
            f"{pages / r['seconds']:,.0f} | {100 * pages / r['seconds'] / bound:.0f} % | "
            f"{r['requests'] / r['seconds']:,.0f} | {r['cpu']:.2f} | {per_request} | "
            f"{r['machine']:.2f} |"
        )
    schedule = (args.pages + 1) * args.delay
    if rechecked is not None:
        first, second = rechecked["warc"]
        print()
        print(
            f"WARC written: {first / new / 1024:.1f} KB a page by the first crawl (the same "
            f"bytes twice are a revisit), {second / new / 1024:.2f} KB a page by the second "
            "(robots.txt and sitemaps included)."
        )
    print()
    print(
        f"A crawl's own politeness schedule is longer than the bound's {len(urls) / bound:.2f} s: "
        f"each source asks for its robots.txt and its sitemap too, {args.pages + 2} requests "
        f"a host with the delay between two, at least {schedule:.2f} s "
        f"({100 * len(urls) / schedule / bound:.0f} % of the bound) before any page is "
        "extracted, analysed and written."
    )


# -- memory -----------------------------------------------------------------------------
def memory_child(ports: list[int], hosts: int, pages: int, trace: bool) -> dict[str, Any]:
    config = bench_config(ports, hosts, 0.0)
    if trace:
        tracemalloc.start()
    started, c0 = time.perf_counter(), cpu()
    with tempfile.TemporaryDirectory() as tmp:
        db = open_archive(Path(tmp) / "archive.db")
        stats = crawl_source(db, config, config.sources[0])
        db.close()
        warc = sum(p.stat().st_size for p in (Path(tmp) / "archive.warc").glob("*"))
        dbsize = (Path(tmp) / "archive.db").stat().st_size
    out = {
        "pages": stats.new,
        "errors": stats.errors,
        "requests": stats.requests,
        "seconds": time.perf_counter() - started,
        "cpu": cpu() - c0,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "db_mb": dbsize / 1e6,
        "warc_mb": warc / 1e6,
    }
    if trace:
        out["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
    return out


def memory_bench(args: argparse.Namespace) -> None:
    if args.child:
        ports = [int(p) for p in args.child.split(",")]
        print(json.dumps(memory_child(ports, args.hosts, args.pages, args.tracemalloc)))
        return
    with servers(args.servers, args.pages) as ports:
        cmd = [
            sys.executable,
            __file__,
            "memory",
            "--hosts",
            str(args.hosts),
            "--pages",
            str(args.pages),
            "--child",
            ",".join(map(str, ports)),
        ]
        if args.tracemalloc:
            cmd.append("--tracemalloc")
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    r = json.loads(done.stdout.strip().splitlines()[-1])
    traced = f"{r['traced_peak_mb']:.1f}" if "traced_peak_mb" in r else "–"
    print(
        f"| {args.hosts} × {args.pages} | {r['pages']:,} | {r['requests']:,} | "
        f"{r['seconds']:.0f} | {r['pages'] / r['seconds']:.0f} | {r['cpu']:.0f} | "
        f"{r['maxrss_mb']:.0f} | {traced} | {r['db_mb']:.0f} | {r['warc_mb']:.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("hosts", "memory", "many"))
    parser.add_argument("--hosts", type=int, default=None, help="100; many: 2000")
    parser.add_argument("--pages", type=int, default=None, help="pages per host")
    parser.add_argument("--delay", type=float, default=None, help="0.2 s; many: 8 s")
    parser.add_argument("--servers", type=int, default=None, help="2; many: 4")
    parser.add_argument(
        "--sequential-hosts",
        type=int,
        default=5,
        help="sources crawled one after another in the sequential run",
    )
    parser.add_argument(
        "--real",
        type=Path,
        default=None,
        metavar="DIR",
        help="hosts: serve the HTML files of DIR as the pages, in turn (e.g. "
        "/work/shared/benchmarks/german-web-dev/pages: real German pages)",
    )
    parser.add_argument(
        "--recheck",
        action="store_true",
        help="hosts: a last row, the crawl of every page again (the same bytes, no "
        "validators: what a daily re-check of a site without validators costs)",
    )
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument(
        "--timeline",
        action="store_true",
        help="many: where the run loses time (bench/crawl_timeline.py)",
    )
    parser.add_argument(
        "--in-flight",
        type=int,
        default=0,
        help="many: pages in flight per extraction worker "
        "(crawler.engine.workers.IN_FLIGHT_PER_WORKER; 0: the engine's)",
    )
    parser.add_argument(
        "--gc-thresholds",
        default="",
        metavar="Y,M,O",
        help="many: the garbage collector's thresholds during the crawl "
        "(crawler.engine.collector.CRAWL_THRESHOLDS; e.g. 700,10,10, Python's own)",
    )
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    many = args.mode == "many"
    if args.real and args.mode != "hosts":
        parser.error("--real: only the hosts runs serve real pages")
    if args.recheck and args.mode != "hosts":
        parser.error("--recheck: only the hosts runs crawl twice")
    if args.real and not (args.real.is_dir() and any(args.real.glob("*.html"))):
        parser.error(f"--real {args.real}: not a folder of *.html files")
    args.delay = args.delay if args.delay is not None else (8.0 if many else 0.2)
    args.servers = args.servers or (4 if many else 2)
    args.hosts = args.hosts or (2000 if many else 100)
    if many:
        from bench.many_hosts import many_bench  # after the parse: the workers never load it

        args.pages = args.pages or 5
        many_bench(args)
    elif args.mode == "hosts":
        args.pages = args.pages or 20
        hosts_bench(args)
    else:
        args.pages = args.pages or 500
        memory_bench(args)


if __name__ == "__main__":
    main()
