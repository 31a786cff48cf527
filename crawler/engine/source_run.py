"""One run of one source: discover → fetch (conditional) → extract → store.

:class:`SourceRun` holds a run's queue of candidates and its counters; its workers fetch
pages (politely, through a :class:`~crawler.fetch.fetcher.Fetcher`), hand the pages on
for extraction (:mod:`crawler.engine.workers`) and save them through the
:class:`~crawler.engine.store.Store`. :func:`crawler.engine.crawl.crawl_sources` runs many
of them side by side in one event loop and owns what they share (the pool, the WARC
writer, the batch of writes). A re-check answered with the bytes of the page's last fetch
is ``unchanged`` without extraction (:func:`~crawler.engine.page_capture.same_payload`).
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections.abc import Awaitable, Callable
from typing import TypeVar
from urllib.parse import urlsplit

import httpx

from crawler.capture.warc import CaptureError, CaptureRef, EarlierCapture, WarcWriter
from crawler.config.settings import Config, SourceConfig
from crawler.discover.core import discover
from crawler.engine.batch import WriteBatch, writing
from crawler.engine.media import MediaQueue, media_enabled
from crawler.engine.page_capture import (
    HTML_TYPES,
    DeferredCaptures,
    defers,
    extract_captured,
    same_payload,
)
from crawler.engine.pages import date_from_hints
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


class SourceRun:
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
        payload = self.store.last_payload(cand.url) if stored is not None else None
        result = await self._unless_stopped(
            fetcher.fetch(cand.url, etag=etag, last_modified=last_modified)
        )
        if result is None:
            self._stopping()
            return "interrupted"
        same = payload is not None and same_payload(cand.url, result, stored, payload)
        if same and payload is not None:  # the last fetch's bytes: a revisit, not extracted
            ref = self._capture(result, payload.capture)
        else:
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
        if same:
            self.stats.unchanged += 1
            return "unchanged"
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

    def _capture(
        self, result: FetchResult, earlier: EarlierCapture | None = None
    ) -> CaptureRef | None:
        """Write the WARC records of one fetch (flushed and fsynced) before any row;
        ``earlier``: the record of the same bytes it is a revisit of."""
        if self.writer is None:
            return None
        return self.writer.write(result, earlier=earlier)

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


__all__ = ["NOT_A_PAGE", "STOP_POLL", "Progress", "SourceRun"]
