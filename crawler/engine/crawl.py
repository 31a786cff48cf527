"""The crawl engine: one run of one source, discover → fetch (conditional) → extract → store.

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
import re
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar
from urllib.parse import urlsplit

import httpx

from crawler.capture.warc import CaptureError, CaptureRef, WarcWriter
from crawler.config.settings import Config, SourceConfig
from crawler.discover.core import discover
from crawler.engine.batch import WriteBatch, writing
from crawler.engine.collector import crawl_collector
from crawler.engine.media import MediaQueue, media_enabled
from crawler.engine.page_capture import HTML_TYPES, DeferredCaptures, defers, extract_captured
from crawler.engine.pages import date_from_hints
from crawler.engine.runs import close_captures, close_runs, finish_batch, with_template
from crawler.engine.stats import MAX_ERROR_URLS, CrawlStats
from crawler.engine.store import ExtractionCounts, Store, TemplateCounts
from crawler.engine.workers import ExtractPool, ExtractTask
from crawler.fetch.fetcher import Fetcher
from crawler.fetch.urls import UrlPolicy
from crawler.records import Candidate, DateCandidate, Extracted, FetchResult

log = logging.getLogger(__name__)

#: called with (event, url, outcome); events: "discovered" (url="", outcome=count), "page"
Progress = Callable[[str, str, str], None]

#: URL paths that are files linked from pages, never pages to archive
NOT_A_PAGE = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|ico|pdf|docx?|xlsx?|pptx?|odt|ods|zip|mp[34]|css|js)$", re.I
)
#: seconds between two looks at the stop event (how soon a stalled request is cancelled)
STOP_POLL = 0.05
T = TypeVar("T")


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
        crawl = _Crawl(store, config, with_template(store, source), stats, progress, writer, stop)
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

    async def run_one(crawl: _Crawl, gate: asyncio.Semaphore) -> None:
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


class _Crawl:
    """State of one run: the queue of candidates and the counters."""

    def __init__(
        self,
        store: Store,
        config: Config,
        source: SourceConfig,
        stats: CrawlStats,
        progress: Progress | None,
        writer: WarcWriter | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.store = store
        self.stop = stop
        self.pool: ExtractPool | None = None  # where pages are extracted (None: in the loop)
        self.batch: WriteBatch | None = None  # the crawl's open batch of writes (None: none)
        self.finishing: set[asyncio.Task[None]] = set()  # pages being extracted and saved
        self.deferred = DeferredCaptures(None, writer)  # discovery's records (set in run)
        #: the store's per-page work, run with the extraction
        self.prepare = store.page_preparer(source)
        self.extraction = ExtractionCounts()
        self.failure: BaseException | None = None  # a worker's unexpected error ends the run
        self.writer = writer
        self.config = config
        self.source = source
        self.stats = stats
        self.progress = progress or (lambda event, url, outcome: None)
        self.policy = UrlPolicy(source)
        self.seen: set[str] = set()
        self.queue: asyncio.Queue[Candidate] = asyncio.Queue()
        self.pages_done = 0
        self.finished = False
        self.stopped = asyncio.Event()  # ``stop``, for the loop (:meth:`_watch_stop`)
        #: the source's learned template, checked on every page extracted (a pinned profile
        #: is used instead of it, but a redesign still shows as template misses)
        learned = store.learned_template(source.name)
        self.learned = learned.profile if learned else None
        self.template = TemplateCounts(learned.version) if learned else None
        #: images and attachments of the saved pages, fetched after the pages
        on = media_enabled(config.crawler, source)
        self.media = MediaQueue(store, config.crawler, source, stats, writer) if on else None

    async def run(self, transport: httpx.AsyncBaseTransport | None) -> None:
        crawler = self.config.crawler
        self.deferred = DeferredCaptures(self.pool, self.writer)
        async with Fetcher(crawler, self.source, transport=transport) as fetcher:
            watcher = asyncio.create_task(self._watch_stop())
            try:
                cache = self.store.discovery_cache()
                found = await self._unless_stopped(
                    discover(
                        fetcher,
                        self.source,
                        self.policy,
                        cache=cache,
                        progress=self._discovery_fetch,
                        keep_bodies=False,
                    )  # fmt: skip
                )
                if found is None:
                    self._stopping()
                    return
                candidates = list(found.candidates.values())
                for url in self.source.extra_urls:
                    canon = self.policy.canonical(url)
                    if canon:
                        candidates.append(Candidate(url=canon))
                # known pages are re-checked (conditionally) so removals are noticed
                for url in self.store.known_urls(self.source.name):
                    candidates.append(Candidate(url=url))
                for cand in candidates:
                    self._enqueue(cand)
                if self.pool is not None:
                    self.pool.expect(self.queue.qsize())
                if self._stopping():
                    return
                self.progress("discovered", "", str(self.queue.qsize()))
                workers = max(1, crawler.concurrency_per_host * len(self.source.hosts))
                tasks = [asyncio.create_task(self._worker(fetcher)) for _ in range(workers)]
                await self.queue.join()
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                await self.deferred.wait()
                if self.failure is not None:
                    raise self.failure
                if self.media is not None and not self._stopping():
                    await self.media.run(fetcher, self._unless_stopped, workers, self._stopping)
            finally:
                watcher.cancel()
                await self.deferred.cancel()
                self.stats.requests = fetcher.requests
                self.stats.bytes = fetcher.bytes_received

    async def _watch_stop(self) -> None:
        """Mirror the thread-safe ``stop`` in :attr:`stopped`, which the loop can await
        (polled: a signal handler may set ``stop`` from outside the loop)."""
        if self.stop is None:
            return
        while not self.stop.is_set():
            await asyncio.sleep(STOP_POLL)
        self.stopped.set()

    async def _unless_stopped(self, work: Awaitable[T]) -> T | None:
        """The result of ``work``, or None when ``stop`` is set first: a request in flight
        (a server that stalls, retries, a long Crawl-delay) is cancelled, nothing of it
        written; the page then counts as not checked."""
        task = asyncio.ensure_future(work)
        if self.stop is None:
            return await task
        halt = asyncio.ensure_future(self.stopped.wait())
        try:
            await asyncio.wait({task, halt}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            halt.cancel()
        if task.done():
            return task.result()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return None

    def _stopping(self) -> bool:
        if self.stop is None or not self.stop.is_set():
            return False
        self.stats.status = "interrupted"
        return True

    def _enqueue(self, cand: Candidate) -> None:
        if cand.url in self.seen or not self.policy.allowed(cand.url):
            return
        if NOT_A_PAGE.search(urlsplit(cand.url).path):
            return  # images, documents, archives: linked from pages, not pages themselves
        self.seen.add(cand.url)
        self.queue.put_nowait(cand)

    async def _worker(self, fetcher: Fetcher) -> None:
        """Take candidates and fetch them; a page to extract is handed on
        (:meth:`_hand_on`) so this worker fetches the next one meanwhile."""
        while True:
            cand = await self.queue.get()
            if self._stopping() or self.failure is not None:
                self.queue.task_done()  # drained, not processed: the run is interrupted
                continue
            handed_on = False
            try:
                fetched = await self._fetch(fetcher, cand)
                if isinstance(fetched, str):
                    self.progress("page", cand.url, fetched)
                else:
                    handed_on = await self._hand_on(cand, *fetched)
            except Exception as exc:  # re-raised by run(): the run fails
                # a dead worker would leave queue.join() waiting forever
                self.failure = exc
            finally:
                if not handed_on:
                    self.queue.task_done()

    async def _hand_on(self, cand: Candidate, result: FetchResult, ref: CaptureRef | None) -> bool:
        """Extract and save a fetched page: in a task of its own when extraction runs in
        :attr:`pool` (which bounds the pages waiting for it: a fetch waits for a slot), so
        ``True``: that task marks the candidate done."""
        pool = self.pool
        if pool is None:
            self.progress("page", cand.url, await self._finish(cand, result, ref))
            return False
        size = len(result.body)
        await pool.slots.acquire(size)

        async def finish() -> None:
            try:
                self.progress("page", cand.url, await self._finish(cand, result, ref))
            except Exception as exc:  # re-raised by run(): the run fails
                self.failure = exc
            finally:
                pool.slots.release(size)
                self.queue.task_done()

        task = asyncio.create_task(finish())
        self.finishing.add(task)
        task.add_done_callback(self.finishing.discard)
        return True

    async def _fetch(
        self, fetcher: Fetcher, cand: Candidate
    ) -> str | tuple[FetchResult, CaptureRef | None]:
        """Fetch ``cand`` (conditionally) and capture it: the outcome when that is all there
        is to do, else the page to extract and its capture."""
        limit = self.config.crawler.max_pages
        if limit and self.pages_done >= limit:
            self.stats.skipped += 1
            return "skipped"
        self.pages_done += 1
        stored = self.store.validators(cand.url)
        etag, last_modified = stored if stored else (None, None)
        result = await self._unless_stopped(
            fetcher.fetch(cand.url, etag=etag, last_modified=last_modified)
        )
        if result is None:
            self._stopping()
            return "interrupted"
        ref = None if defers(self.writer, self.pool, result) else self._capture(result)
        if result.not_modified:
            self.stats.not_modified += 1
            return "not_modified"
        if result.gone and self.store.is_stored(cand.url):
            with writing(self.batch):
                removed = self.store.mark_removed(cand.url, result)
            if removed:
                self.stats.removed += 1
                self.stats.urls["removed"].append(cand.url)
                return "removed"
            return "unchanged"
        if not result.ok:
            self._record_error(result)
            return "error"
        self.stats.fetched += 1
        ctype = result.content_type
        if ctype and ctype not in HTML_TYPES:
            self.stats.skipped += 1
            log.info("%s: not a page (%s), skipped", cand.url, ctype)
            return "skipped"
        return result, ref

    async def _finish(self, cand: Candidate, result: FetchResult, ref: CaptureRef | None) -> str:
        """Extract a fetched page (its records written, if deferred) and save it; the outcome."""
        try:
            page, own_date, fits, prepared, ref = await self._extract(cand, result, ref)
        except CaptureError:  # the disk, not the page: the run fails
            raise
        except Exception as exc:  # an extractor bug: recorded, the crawl goes on
            # not "nothing extracted": the row names the exception, the log has the traceback
            log.error("%s: extraction failed", cand.url, exc_info=True)
            message = f"extraction failed: {type(exc).__name__}: {exc}"
            self._record_error(result, message, kind="extraction")
            return "error"
        if page.page_type == "listing" or urlsplit(page.url).path in ("", "/"):
            self.stats.skipped += 1
            return "listing"
        if not page.title and not page.body:
            ctype = result.headers.get("content-type", "no content type")
            self._record_error(
                result,
                f"nothing extracted: no title and no text ({ctype}, {len(result.body)} bytes)",
                kind="nothing_extracted",
            )
            return "error"
        self._check_template(fits)
        with writing(self.batch):
            outcome = self.store.save_page(
                self.source.name, page, result, requested=cand.url, capture=ref, prepared=prepared
            )
        setattr(self.stats, outcome, getattr(self.stats, outcome) + 1)
        if self.media is not None:
            self.media.add(page, outcome)
        if outcome in ("new", "changed"):
            self.stats.urls[outcome].append(page.url)
            self.extraction.add(page, own_date=own_date)
        if cand.depth == 0 and self.config.crawler.follow_related:
            for link in page.related:
                hint = [DateCandidate(link.date, "teaser", cand.url)] if link.date else []
                self._enqueue(Candidate(url=link.url, hints=hint, found_on=cand.url, depth=1))
        return outcome

    async def _extract(
        self, cand: Candidate, result: FetchResult, ref: CaptureRef | None
    ) -> tuple[Extracted, bool, bool | None, object, CaptureRef | None]:
        """The page, whether it carried a date of its own (before hints and the stored date
        fill one in: what extraction-drift detection counts), whether the learned template
        fits it (None: no template, or no verdict), the store's prepared work for it and its
        capture. Extraction runs in :attr:`pool` (with the records if deferred,
        :mod:`crawler.engine.page_capture`); the hints (which read the store) here."""
        learned = self.learned if self.template is not None else None
        stored = self.store.stored_hash(cand.url) if self.prepare is not None else None
        task = ExtractTask(self.source, cand.url, result, learned, self.prepare, stored)
        done, ref = await extract_captured(self.pool, self.writer, task, ref)
        page = done.page
        own_date = bool(page.published)
        if not own_date:
            date_from_hints(self.store, page, cand)
        return page, own_date, done.fits, done.prepared, ref

    def _check_template(self, fits: bool | None) -> None:
        """Count a page the learned template misses (drift; its fields came generically)."""
        if self.template is None:
            return
        if fits is not None:
            self.template.pages += 1
            self.template.misses += not fits

    def _capture(self, result: FetchResult) -> CaptureRef | None:
        """Write the WARC records of one fetch (flushed and fsynced) before any row."""
        if self.writer is None:
            return None
        return self.writer.write(result)

    def _discovery_fetch(self, _kind: str, result: FetchResult) -> None:
        """A listing, feed or sitemap fetched by discovery: counted at once, captured at
        once or by a worker process (:class:`DeferredCaptures`; discovery keeps no body)."""
        if not self.deferred.add(result):
            self._capture(result)
        self._count_fetch(result)

    def _count_fetch(self, result: FetchResult) -> None:
        if result.not_modified:
            self.stats.not_modified += 1
        elif result.ok:
            self.stats.fetched += 1
        else:
            self._record_error(result)

    def _record_error(
        self, result: FetchResult, message: str | None = None, *, kind: str | None = None
    ) -> None:
        """One failed URL; ``kind`` (:data:`~crawler.engine.store.ERROR_KINDS`) defaults to
        ``http`` for an HTTP error status (4xx, 5xx) and ``fetch`` for any other failure
        (no response, a refused or looping redirect, a body over the size cap)."""
        self.stats.errors += 1
        if len(self.stats.error_urls) < MAX_ERROR_URLS:
            self.stats.error_urls.append(result.url)
        if kind is None:
            kind = "http" if result.status is not None and result.status >= 400 else "fetch"
        message = message or result.error or f"HTTP {result.status}"
        log.warning("%s: %s", result.url, message)
        with writing(self.batch):
            self.store.record_error(
                self.stats.run_id, self.source.name, result.url, result.status, message, kind
            )
