"""``python bench/throughput.py many``: thousands of sources of one host each crawled side
by side, as a config of thousands of towns (what it measures and prints: the docstring of
``bench/throughput.py``). The crawl runs in a child process (``throughput.py many --child``),
so its CPU time and peak memory are its own; the servers are other processes.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any

from archive.run.crawl import crawl_sources
from archive.store.schema import open_archive
from bench import crawl_timeline
from bench.throughput import bench_config, cpu, machine_cpu, servers
from crawler.engine import collector, workers

#: the script the crawl's child process runs (``many --child``)
SCRIPT = Path(__file__).with_name("throughput.py")


def raise_nofile(need: int) -> str:
    """Soft RLIMIT_NOFILE up to the hard limit; a note when that is below ``need``."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    top = max(soft, hard) if hard != resource.RLIM_INFINITY else need
    if top < need:
        return f"open files limited to {top:,} (< {need:,} wanted): raise `ulimit -Hn`"
    return f"open files: {max(soft, hard if hard != resource.RLIM_INFINITY else soft):,}"


class RetryCount(logging.Handler):
    """Counts the fetcher's retries by reason (its ``retry n/m`` log lines)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.reasons: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if "; retry " in text:
            why = text.split(": ", 1)[-1].split("; retry ")[0]
            self.reasons[why.split(" fetching ")[0].split(" (http")[0][:60]] += 1


class LagProbe(asyncio.DefaultEventLoopPolicy):
    """Event loops that note how late a 0.1 s timer fires: how long the crawl's one thread
    keeps the loop from its sockets and timers (a late loop turns into timeouts)."""

    TICK = 0.1

    def __init__(self, timeline: crawl_timeline.Timeline | None = None) -> None:
        super().__init__()
        self.late: list[float] = []
        self.timeline = timeline

    def new_event_loop(self) -> asyncio.AbstractEventLoop:
        loop = super().new_event_loop()

        def tick(due: float) -> None:
            self.late.append(loop.time() - due)
            if self.timeline is not None:
                self.timeline.lag.append((self.timeline.now(), loop.time() - due))
            loop.call_later(self.TICK, tick, loop.time() + self.TICK)

        loop.call_soon(tick, loop.time())
        return loop

    def summary(self) -> dict[str, float]:
        late = sorted(self.late) or [0.0]
        return {
            "lag_max_s": late[-1],
            "lag_p99_s": late[int(0.99 * (len(late) - 1))],
            "lag_over_1s": sum(x for x in late if x > 1.0),
        }


class TracedPeak(threading.Thread):
    """tracemalloc in this process, a snapshot every 5 s: the one with the most memory
    traced is summed up (top lines, top files) when stopped."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.done = threading.Event()
        self.best: tracemalloc.Snapshot | None = None
        self.best_mb = 0.0
        tracemalloc.start()
        self.start()

    def run(self) -> None:
        while not self.done.wait(5.0):
            traced = tracemalloc.get_traced_memory()[0] / 1e6
            if traced > self.best_mb:
                self.best_mb, self.best = traced, tracemalloc.take_snapshot()

    def stop(self, top: int = 15) -> dict[str, Any]:
        self.done.set()
        self.join()
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        out: dict[str, Any] = {"peak_mb": peak, "snapshot_mb": self.best_mb}
        if self.best is not None:
            for key in ("lineno", "filename"):
                stats = self.best.statistics(key)[:top]
                out[key] = [(str(s.traceback[0]), s.size / 1e6, s.count) for s in stats]
        return out


def many_child(
    ports: list[int],
    hosts: int,
    pages: int,
    delay: float,
    timeline: bool = False,
    in_flight: int = 0,
    trace: bool = False,
    gc_thresholds: tuple[int, int, int] | None = None,
) -> dict[str, Any]:
    config = bench_config(ports, hosts, delay, per_host=True, parallel_sources=hosts)
    memory = TracedPeak() if trace else None
    if in_flight:
        workers.IN_FLIGHT_PER_WORKER = in_flight
    if gc_thresholds:
        collector.CRAWL_THRESHOLDS = gc_thresholds
    collecting = CollectorTime()
    line = crawl_timeline.Timeline() if timeline else None
    if line is not None:
        crawl_timeline.install(line)
    retries = RetryCount()
    fetch_log = logging.getLogger("crawler.fetch.fetcher")
    fetch_log.setLevel(logging.INFO)
    fetch_log.addHandler(retries)
    probe = LagProbe(line)
    asyncio.set_event_loop_policy(probe)
    started, c0, m0, q0 = time.perf_counter(), cpu(), machine_cpu(), run_queue_wait()
    if line is not None:
        line.t0 = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        db = open_archive(Path(tmp) / "archive.db")
        try:
            runs = crawl_sources(
                db, config, config.sources, parallel=config.crawler.parallel_sources
            )
        finally:
            db.close()
    seconds = time.perf_counter() - started
    machine = machine_cpu() - m0
    queued = run_queue_wait() - q0
    extra = {} if line is None else {"timeline": crawl_timeline.summary(line, delay, line.now())}
    if memory is not None:
        extra["traced"] = memory.stop()
    bad = [s.source for s in runs if s.errors or s.status != "ok"]
    return {
        "gc": collecting.stop(),
        "pages": sum(s.new for s in runs),
        "requests": sum(s.requests for s in runs),
        "failed_sources": len(bad),
        "seconds": seconds,
        "cpu": cpu() - c0,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "machine_cpu": machine,
        "run_queue_s": queued,
        "retries": dict(retries.reasons.most_common(5)),
        **probe.summary(),
        **extra,
    }


class CollectorTime:
    """CPU seconds of the cyclic garbage collector's runs, by generation (``gc.callbacks``;
    the CPU time of the thread it ran in)."""

    def __init__(self) -> None:
        self.seconds = [0.0, 0.0, 0.0]
        self.runs = [0, 0, 0]
        self._started = 0.0
        gc.callbacks.append(self._note)

    def _note(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.thread_time()
            return
        self.seconds[info["generation"]] += time.thread_time() - self._started
        self.runs[info["generation"]] += 1

    def stop(self) -> dict[str, Any]:
        gc.callbacks.remove(self._note)
        return {"seconds": self.seconds, "runs": self.runs}


def run_queue_wait() -> float:
    """Seconds this process's threads have waited, runnable, for a core (Linux
    ``/proc/self/task/*/schedstat``, second field): time the loop was late because other
    processes had the cores, not because of its own work."""
    total = 0
    for task in Path("/proc/self/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total / 1e9


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a live process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class TreeMemory(threading.Thread):
    """Samples (every 0.2 s) the memory of a process and of all its descendants (the
    crawl's extraction workers, its fork server; proportional set size, so pages they
    share count once): the peak of their sum is the crawl's memory in all (``ru_maxrss``
    sees one process)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.done = threading.Event()
        self.peak_mb = 0.0
        self.each: dict[int, float] = {}  # pid -> its own peak
        self.page = os.sysconf("SC_PAGE_SIZE")

    def tree(self) -> list[int]:
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                parents[int(entry.name)] = int(stat[1])
        found, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(child for child, parent in parents.items() if parent == pid)
        return found

    def pss_mb(self, pid: int) -> float:
        """The process's proportional set size (pages shared with its fork server or
        siblings counted in shares, so the sum is the memory the processes use), else
        its RSS."""
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1e3
        except OSError:
            pass
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * self.page / 1e6

    def rss_mb(self, pids: list[int]) -> float:
        total = 0.0
        for pid in pids:
            try:
                mb = self.pss_mb(pid)
            except (OSError, IndexError, ValueError):
                continue
            self.each[pid] = max(self.each.get(pid, 0.0), mb)
            total += mb
        return total

    def run(self) -> None:
        while not self.done.wait(0.2):
            self.peak_mb = max(self.peak_mb, self.rss_mb(self.tree()))

    def others(self) -> str:
        """The peak of each process but the crawling one, largest first."""
        rest = sorted((mb for pid, mb in self.each.items() if pid != self.pid), reverse=True)
        return ", ".join(f"{mb:.0f}" for mb in rest) or "none"


def _thresholds(text: str | None) -> tuple[int, int, int] | None:
    """``--gc-thresholds 700,10,10`` as a tuple (``None``: the crawl's own)."""
    if not text:
        return None
    young, middle, old = (int(part) for part in text.split(","))
    return young, middle, old


def many_bench(args: argparse.Namespace) -> None:
    note = raise_nofile(3 * args.hosts)
    if args.child:
        ports = [int(p) for p in args.child.split(",")]
        r = many_child(
            ports,
            args.hosts,
            args.pages,
            args.delay,
            args.timeline,
            args.in_flight,
            args.tracemalloc,
            _thresholds(args.gc_thresholds),
        )
        print(json.dumps(r))
        return
    pids: list[int] = []
    with servers(args.servers, args.pages, pids) as ports:
        server_cpu = sum(map(proc_cpu, pids))
        cmd = [sys.executable, str(SCRIPT), "many", "--child", ",".join(map(str, ports))]
        for key in ("hosts", "pages", "delay"):
            cmd += [f"--{key}", str(getattr(args, key))]
        if args.timeline:
            cmd.append("--timeline")
        if args.in_flight:
            cmd += ["--in-flight", str(args.in_flight)]
        if args.tracemalloc:
            cmd.append("--tracemalloc")
        if args.gc_thresholds:
            cmd += ["--gc-thresholds", args.gc_thresholds]
        with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) as child:
            sampler = TreeMemory(child.pid)
            sampler.start()
            out, _ = child.communicate()
            sampler.done.set()
            sampler.join()
        if child.returncode:
            raise subprocess.CalledProcessError(child.returncode, cmd)
        server_cpu = sum(map(proc_cpu, pids)) - server_cpu
    r = json.loads(out.strip().splitlines()[-1])
    bound = args.hosts / args.delay
    ideal = (args.pages + 1) * args.delay
    total = args.hosts * args.pages
    print(
        f"{platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, "
        f"{args.hosts:,} sources of one host × {args.pages} pages, delay {args.delay} s per "
        f"host, parallel_sources = {args.hosts:,}, {args.servers} server processes; {note}"
    )
    print()
    print(
        "| run | pages | requests | seconds | pages/s | requests/s | % of bound "
        "| CPU ms/request | peak MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| politeness bound: {args.hosts:,} hosts / {args.delay} s "
        f"| {total:,} | {args.hosts * (args.pages + 2):,} | {ideal:.1f} "
        f"| {total / ideal:,.0f} | {bound:,.0f} | 100 % | | |"
    )
    print(
        f"| crawl_sources, {args.hosts:,} sources side by side (as `pressarchive crawl`) "
        f"| {r['pages']:,} | {r['requests']:,} | {r['seconds']:.1f} "
        f"| {r['pages'] / r['seconds']:,.0f} | {r['requests'] / r['seconds']:,.0f} "
        f"| {100 * ideal / r['seconds']:.0f} % | {1000 * r['cpu'] / r['requests']:.2f} "
        f"| {r['maxrss_mb']:.0f} |"
    )
    print()
    print(
        f"Failed sources: {r['failed_sources']}. Server processes: {server_cpu:.1f} CPU s "
        f"in all ({1000 * server_cpu / max(1, r['requests']):.2f} ms/request, "
        f"{100 * server_cpu / args.servers / r['seconds']:.0f} % of a core each). "
        f"Retried requests: {sum(r['retries'].values()):,} {r['retries'] or ''}. "
        f"Event loop late (a 0.1 s timer): at most {r['lag_max_s']:.1f} s, p99 "
        f"{r['lag_p99_s']:.2f} s; ~{r['lag_over_1s']:.0f} s of the run in stretches late "
        "by more than 1 s. "
        f"Machine CPU (every process, ours and others'): {r['machine_cpu']:.0f} s of "
        f"{os.cpu_count() or 1} × {r['seconds']:.0f} s; the crawling process's threads "
        f"waited {r['run_queue_s']:.0f} s for a core (runnable, other processes running). "
        f"Garbage collector (thresholds {_thresholds(args.gc_thresholds) or 'of the crawl'}): "
        f"{sum(r['gc']['seconds']):.1f} CPU s of the crawling process's "
        f"{r['cpu']:.1f}; runs by generation {r['gc']['runs']}, s "
        f"{[round(x, 2) for x in r['gc']['seconds']]}. "
        "Peak memory (PSS: shared pages counted once) of the crawl's "
        "processes together (the crawling process, its workers and fork server; sampled "
        f"every 0.2 s): {sampler.peak_mb:.0f} MB; the crawling process "
        f"{sampler.each.get(sampler.pid, 0.0):.0f} MB, the others (MB each): "
        f"{sampler.others()}."
    )
    if "timeline" in r:
        print()
        print(crawl_timeline.describe(r["timeline"]))
    if "traced" in r:
        t = r["traced"]
        print()
        print(
            f"tracemalloc (the crawling process; slows it): peak {t['peak_mb']:.0f} MB traced; "
            f"largest snapshot {t['snapshot_mb']:.0f} MB, by file and by line:"
        )
        for key in ("filename", "lineno"):
            for where, mb, count in t.get(key, []):
                print(f"- {where}: {mb:.1f} MB in {count:,} blocks")


__all__ = ["many_bench"]
