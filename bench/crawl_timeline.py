"""A timeline of one crawl (``bench/throughput.py many --timeline``): where a run of many
sources loses time against the politeness bound.

:func:`install` wraps, in this process only, the methods that mark a source's life:

- ``Fetcher._wait_turn`` (the politeness wait): when a worker asked for its turn, when the
  turn was due (the host's ``next_start``: previous request start + delay) and when the
  request left; ``Fetcher._request``: when its response ended;
- ``SourceRun.run`` (a source's run, after the ``parallel_sources`` gate) and ``SourceRun._hand_on``
  (a fetched page waiting for an extraction slot);
- every public ``SqliteStore`` method (calls and seconds: the one writer's work) and
  ``Fetcher.__init__`` (client set-up per source);
- ``learn_templates`` (the crawl's last step) and the event loop's lateness over time.

:func:`summary` turns that into figures: the phases of the run (set-up before the loop, the
loop, what follows it), when the sources' first requests leave, how much later than the
delay each host's next request left and why (the worker was not ready: its previous page
still in flight or waiting for an extraction slot; or the loop ran late), and the tail.
"""

from __future__ import annotations

import cProfile
import functools
import io
import pstats
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import archive.run.crawl as archive_crawl
from archive.store.sqlite import SqliteStore
from crawler.engine import workers
from crawler.engine.source_run import SourceRun
from crawler.fetch.fetcher import Fetcher

#: a turn granted later than due by more than this counts as late (timer resolution)
SLACK = 0.005
#: seconds per bucket of the over-time rows
BUCKET = 5.0
#: store methods profiled (cProfile, their own calls only): the writer's largest shares
PROFILED = ("finish_run", "commit_batch")


class Timeline:
    def __init__(self) -> None:
        self.t0 = time.monotonic()
        #: host -> [(asked, due, left, ended)] per request
        self.requests: dict[str, list[list[float]]] = defaultdict(list)
        self.runs: dict[str, list[float]] = {}  # source -> [start, end]
        self.slot_waits: list[float] = []
        self.extract: list[tuple[float, float]] = []  # (sent, back in the loop)
        self.store_calls: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
        self.marks: dict[str, float] = {}
        self.fetcher_init = [0, 0.0]
        self.lag: list[tuple[float, float]] = []  # (when, late)
        self.profiles = {name: cProfile.Profile() for name in PROFILED}

    def now(self) -> float:
        return time.monotonic() - self.t0


def install(timeline: Timeline) -> None:
    """Wrap the methods named in the module docstring (for this process's life)."""
    tl = timeline

    wait_turn = Fetcher._wait_turn

    async def _wait_turn(self: Fetcher, host: str, state: Any) -> None:
        asked = tl.now()
        await wait_turn(self, host, state)
        left = tl.now()
        done = tl.requests[host]
        # due: the previous request's start + the delay (as the fetcher's next_start)
        due = done[-1][2] + self.host_delay(host) if done else asked
        done.append([asked, due, left, float("nan")])

    request = Fetcher._request

    async def _request(self: Fetcher, url: str, *args: Any, **kwargs: Any) -> Any:
        out = await request(self, url, *args, **kwargs)
        host = url.split("/")[2].split(":")[0].lower()
        if tl.requests[host]:
            tl.requests[host][-1][3] = tl.now()
        return out

    init = Fetcher.__init__

    def __init__(self: Fetcher, *args: Any, **kwargs: Any) -> None:
        began = time.perf_counter()
        init(self, *args, **kwargs)
        tl.fetcher_init[0] += 1
        tl.fetcher_init[1] += time.perf_counter() - began

    run = SourceRun.run

    async def _run(self: Any, transport: Any) -> None:
        entry = tl.runs[self.source.name] = [tl.now(), float("nan")]
        try:
            await run(self, transport)
        finally:
            entry[1] = tl.now()

    hand_on = SourceRun._hand_on

    async def _hand_on(self: Any, *args: Any) -> bool:
        began = tl.now()
        out = await hand_on(self, *args)
        tl.slot_waits.append(tl.now() - began)
        return out

    pool_run = workers.ExtractPool.run

    async def _pool_run(self: Any, task: Any) -> Any:
        sent = tl.now()
        out = await pool_run(self, task)
        tl.extract.append((sent, tl.now()))
        return out

    workers.ExtractPool.run = _pool_run  # type: ignore[method-assign]
    Fetcher._wait_turn = _wait_turn  # type: ignore[method-assign]
    Fetcher._request = _request  # type: ignore[method-assign]
    Fetcher.__init__ = __init__  # type: ignore[method-assign]
    SourceRun.run = _run  # type: ignore[method-assign]
    SourceRun._hand_on = _hand_on  # type: ignore[method-assign]

    for name in dir(SqliteStore):
        method = getattr(SqliteStore, name)
        if name.startswith("_") or not callable(method):
            continue

        def timed(*args: Any, __m: Any = method, __n: str = name, **kwargs: Any) -> Any:
            began = time.perf_counter()
            profile = tl.profiles.get(__n)
            try:
                if profile is not None:
                    return profile.runcall(__m, *args, **kwargs)
                return __m(*args, **kwargs)
            finally:
                entry = tl.store_calls[__n]
                entry[0] += 1
                entry[1] += time.perf_counter() - began

        setattr(SqliteStore, name, functools.wraps(method)(timed))

    learn = archive_crawl.learn_templates

    def learn_templates(*args: Any, **kwargs: Any) -> None:
        tl.marks["learn_start"] = tl.now()
        learn(*args, **kwargs)
        tl.marks["learn_end"] = tl.now()

    archive_crawl.learn_templates = learn_templates


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * (len(values) - 1) + 0.5))]


def _dist(values: list[float]) -> dict[str, float]:
    values = [v for v in values if v == v]  # not NaN: a request whose end was not seen
    return {
        "p50": _pct(values, 0.5),
        "p90": _pct(values, 0.9),
        "max": _pct(values, 1.0),
        "sum": sum(values),
    }


def summary(tl: Timeline, delay: float, ended: float) -> dict[str, Any]:
    """Figures of the timeline (seconds from the crawl's call; ``ended``: its return)."""
    starts = [r[0] for r in tl.runs.values()]
    ends = [r[1] for r in tl.runs.values()]
    loop_start, loop_end = min(starts), max(ends)
    first, span, worker_late, loop_late, after_last, in_flight = [], [], [], [], [], []
    over_time: dict[int, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for host, reqs in tl.requests.items():
        first.append(reqs[0][2] - loop_start)
        span.append(reqs[-1][2] - reqs[0][2])
        for _asked, _due, left, end in reqs:
            over_time[int(left // BUCKET)][0] += 1
            in_flight.append(end - left)
        for asked, due, left, _end in reqs[1:]:
            # late against the turn: the worker asked after it was due, or the loop woke late
            worker_late.append(max(0.0, asked - due))
            loop_late.append(max(0.0, left - max(asked, due)))
        source = host.split(".")[0]
        if source in tl.runs:
            after_last.append(tl.runs[source][1] - reqs[-1][3])
    for when, late in tl.lag:
        bucket = over_time[int(when // BUCKET)]
        bucket[1] = max(bucket[1], late)
        bucket[2] += late if late > SLACK else 0.0
    ideal_span = delay * (max(len(r) for r in tl.requests.values()) - 1)
    return {
        "setup_s": loop_start,
        "loop_s": loop_end - loop_start,
        "after_loop_s": ended - loop_end,
        "learn_s": tl.marks.get("learn_end", 0.0) - tl.marks.get("learn_start", 0.0),
        "ideal_span_s": ideal_span,
        "run_start_s": _dist([x - loop_start for x in starts]),
        "first_request_s": _dist(first),
        "span_s": _dist(span),
        "worker_late_s": _dist(worker_late),
        "turns_worker_late": sum(x > SLACK for x in worker_late),
        "loop_late_s": _dist(loop_late),
        "turns_loop_late": sum(x > SLACK for x in loop_late),
        "turns": len(worker_late),
        "in_flight_s": _dist(in_flight),
        "after_last_response_s": _dist(after_last),
        "run_s": _dist([e - s for s, e in tl.runs.values()]),
        "slot_wait_s": _dist(tl.slot_waits),
        "extract_s": _dist([b - a for a, b in tl.extract]),
        "extracted": len(tl.extract),
        "extract_rate": len(tl.extract)
        / max(1e-9, max(b for _a, b in tl.extract) - min(a for a, _b in tl.extract))
        if tl.extract
        else 0.0,
        "fetcher_init": {"count": tl.fetcher_init[0], "s": tl.fetcher_init[1]},
        "store": {
            k: {"calls": int(v[0]), "s": round(v[1], 3)}
            for k, v in sorted(tl.store_calls.items(), key=lambda kv: -kv[1][1])
        },
        "profiles": {name: _top(p) for name, p in tl.profiles.items()},
        "over_time": [
            [int(k * BUCKET), int(v[0]), round(v[1], 2), round(v[2], 2)]
            for k, v in sorted(over_time.items())
        ],
    }


def _top(profile: cProfile.Profile, count: int = 6) -> str:
    """The functions with the most own time in ``profile``, one line."""
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:count]  # type: ignore[attr-defined]
    return ", ".join(
        f"{func[2]} ({Path(func[0]).name}:{func[1]}) {tt:.2f} s"
        for func, (_cc, _nc, tt, _ct, _callers) in rows
    )


def describe(s: dict[str, Any]) -> str:
    """Markdown lines of :func:`summary` for BENCHMARKS.md."""

    def d(key: str) -> str:
        v = s[key]
        return f"p50 {v['p50']:.2f}, p90 {v['p90']:.2f}, max {v['max']:.2f}, sum {v['sum']:,.0f}"

    lines = [
        f"- phases: set-up before the loop {s['setup_s']:.1f} s; loop (first run start → "
        f"last run end) {s['loop_s']:.1f} s; after the loop {s['after_loop_s']:.1f} s, of "
        f"which learn_templates {s['learn_s']:.1f} s",
        f"- a source's run starts after the loop's first (s): {d('run_start_s')}",
        f"- first request of a source after the loop started (s): {d('first_request_s')}",
        f"- a host's first → last request start (ideal {s['ideal_span_s']:.0f} s): {d('span_s')}",
        f"- next request later than due because the worker asked late: {s['turns_worker_late']:,}"
        f" of {s['turns']:,} turns; s: {d('worker_late_s')}",
        f"- … because the loop woke late: {s['turns_loop_late']:,} turns; s: {d('loop_late_s')}",
        f"- request in flight (s): {d('in_flight_s')}; waiting for an extraction slot (s): "
        f"{d('slot_wait_s')}",
        f"- a page sent to extraction → back in the loop (s): {d('extract_s')}; "
        f"{s['extracted']:,} pages at {s['extract_rate']:.0f}/s from first sent to last back",
        f"- last response → run end (s): {d('after_last_response_s')}; run (s): {d('run_s')}",
        f"- Fetcher set-up: {s['fetcher_init']['count']:,} × "
        f"{1000 * s['fetcher_init']['s'] / max(1, s['fetcher_init']['count']):.2f} ms",
        "- store (calls, s): "
        + ", ".join(f"{k} {v['calls']:,} {v['s']:.2f}" for k, v in list(s["store"].items())[:8]),
        *(f"- profile of {k} (own time): {v}" for k, v in s["profiles"].items()),
        "- over time (s from start: requests left, loop late max s, loop late sum s): "
        + "; ".join(f"{t}: {n} {m} {z}" for t, n, m, z in s["over_time"]),
    ]
    return "\n".join(lines)
