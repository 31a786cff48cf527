"""The crawl engine: runs of sources side by side, discover → fetch (conditional) → extract
→ store (one run: :class:`~crawler.engine.source_run.SourceRun`).

``crawl_sources`` is the only place where the stages meet; it writes through a
:class:`~crawler.engine.store.Store` and never touches a database itself. Fetching never raises for
network or HTTP trouble; each failed URL becomes a ``fetch_errors`` row, and every other
page is still archived. An exception from extraction (an extractor bug) becomes such a row too,
``extraction failed: TypeError: …``, distinct from ``nothing extracted: …`` (a page without
title and text), and counts in ``errors``. A page that answers 404/410 keeps its row and gets
``removed_at``.

Extraction (with the learned-template check and the store's own per-page analysis) runs off
the event loop (:mod:`crawler.engine.workers`): in worker processes on every core for a
large crawl, else in threads, so a page of several megabytes (bounded by
``crawler.max_bytes``; about 7 s and 160 MB for a 9 MB listing on the bench machine,
``bench/big_page.py``) never stalls the fetches of other sources. Every write happens on
the event-loop thread, in batches (:mod:`crawler.engine.batch`): one writer.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Sequence

import httpx

from crawler.capture.warc import WarcWriter
from crawler.config.settings import Config, SourceConfig
from crawler.engine.batch import WriteBatch
from crawler.engine.collector import crawl_collector
from crawler.engine.runs import close_captures, close_runs, finish_batch, with_template
from crawler.engine.source_run import STOP_POLL, Progress, SourceRun
from crawler.engine.stats import MAX_ERROR_URLS, CrawlStats
from crawler.engine.store import Store
from crawler.engine.workers import ExtractPool

log = logging.getLogger(__name__)


def crawl_source(
    store: Store,
    config: Config,
    source: SourceConfig,
    *,
    progress: Progress | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    capture: bool = True,
    stop: threading.Event | None = None,
) -> CrawlStats:
    """Crawl one source into ``store`` and return its statistics (also stored in ``crawl_runs``).

    With ``capture`` every response (and every 304) is written to the WARC files next to
    the archive (``crawler/capture/warc.py``) before any row referring to it.

    ``stop`` (set from another thread, e.g. a signal handler) ends the run cooperatively:
    requests in flight are cancelled (within :data:`STOP_POLL`), pages already fetched are
    extracted and written, no new candidate is taken, and the run is recorded as
    ``interrupted`` (also when its queue had just emptied: never ``ok`` once stopped).
    Per run, the extraction counts of the pages it saved
    (``crawler.engine.store.ExtractionCounts``) go to ``run_extraction``.

    An unexpected error fails the run (recorded as ``failed``) and is raised.
    """
    (stats,) = crawl_sources(
        store,
        config,
        (source,),
        progress=progress,
        transport=transport,
        capture=capture,
        stop=stop,
        raise_failure=True,
    )
    return stats


def crawl_sources(
    store: Store,
    config: Config,
    sources: Sequence[SourceConfig],
    *,
    progress: Progress | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    capture: bool = True,
    stop: threading.Event | None = None,
    parallel: int = 8,
    raise_failure: bool = False,
) -> list[CrawlStats]:
    """Crawl several sources at once (up to ``parallel`` of them) in one event loop.

    Politeness is per host inside each source, so different cities proceed side by side;
    every write happens in this thread, so there is one writer for the archive. A source
    whose run fails is recorded as ``failed`` (its error logged) and the others go on;
    with ``raise_failure`` the first failure is raised after every run is recorded.
    """
    folder = store.capture_folder() if capture else None
    writer = WarcWriter(folder, sync_each=False) if folder is not None else None
    batch = WriteBatch(store, writer)
    crawls = []
    preload: set[str] = set()
    store.begin_batch()  # the sources and their runs: one transaction
    for source in sources:
        store.save_source(source)
        stats = CrawlStats(source=source.name, run_id=store.start_run(source.name))
        profiled = with_template(store, source)
        crawl = SourceRun(store, config, profiled, stats, progress, writer, stop)
        crawl.batch = batch
        if crawl.media is not None:
            crawl.media.batch = batch
        if crawl.prepare is not None:
            preload.add(getattr(crawl.prepare, "func", crawl.prepare).__module__)
        crawls.append(crawl)
    store.commit_batch()
    pool = ExtractPool(config.crawler.extract_processes, tuple(sorted(preload)))
    if len(crawls) > 1:  # a crawl of several sources: likely to want worker processes
        pool.warm()
    for crawl in crawls:
        crawl.pool = pool
    failures: list[BaseException] = []

    async def run_one(crawl: SourceRun, gate: asyncio.Semaphore) -> None:
        async with gate:
            started = time.monotonic()
            try:
                await crawl.run(transport)
            except Exception as exc:  # recorded as a failed run, then raised
                crawl.stats.status = "failed"
                log.error("%s: crawl failed: %s", crawl.source.name, exc)
                failures.append(exc)
            finally:
                crawl.stats.duration = time.monotonic() - started
                if crawl.stats.status == "ok" and stop is not None and stop.is_set():
                    # stopped while under way: pages may be left unchecked (not ``ok``)
                    crawl.stats.status = "interrupted"
                crawl.finished = True

    async def run_all() -> None:
        gate = asyncio.Semaphore(max(1, parallel))
        committer = asyncio.create_task(batch.keep_committing())
        try:
            await asyncio.gather(*(run_one(crawl, gate) for crawl in crawls))
        finally:
            committer.cancel()
            await batch.settle()  # a commit in steps under way ends before the last one

    try:
        with crawl_collector():  # few full collections while the heap grows
            asyncio.run(run_all())
    except BaseException as exc:
        # a run still under way did not check every page: never recorded ``ok``
        stopped = isinstance(exc, (KeyboardInterrupt, SystemExit, asyncio.CancelledError))
        for crawl in crawls:
            if not crawl.finished:
                crawl.stats.status = "interrupted" if stopped else "failed"
        raise
    finally:
        try:
            pool.shutdown()
        finally:
            runs = [crawl.stats for crawl in crawls]
            finish_batch(batch, runs, failures)  # the captures synced first, then the rows
            close_captures(writer, runs, failures)
            close_runs(store, [(c.stats, c.template, c.extraction) for c in crawls])
    if failures and raise_failure:
        raise failures[0]
    return [crawl.stats for crawl in crawls]


__all__ = [
    "MAX_ERROR_URLS", "STOP_POLL", "CrawlStats", "Progress", "crawl_source", "crawl_sources",
]  # fmt: skip
