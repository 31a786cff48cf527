"""The WARC records of the fetched pages that go to extraction: built by the worker.

Building a fetch's records (warcio's headers, the block and payload digests, gzip) is
about a tenth of the crawling process's CPU, and that process (its one
event loop) is what bounds a large crawl. So when pages are extracted in worker
processes, a fetched page's records are left out at fetch time (:func:`defers`), the
worker builds them with the extraction (``ExtractTask.warc``) and the loop only appends
their bytes (:meth:`~crawler.capture.warc.WarcWriter.write_prebuilt`), before it saves any
row pointing to them (:func:`extract_captured`: the archive's integrity rule,
:mod:`crawler.capture.warc`, holds as before).

The fetches of discovery (listings, feeds, sitemaps: no row points to their records) go
to the worker processes for their records alone (:class:`DeferredCaptures`): a listing
page of a city site is as big as a press release, and its records cost the loop as much.

Every fetch still gets its records: when the worker did not build them (extraction
raised, the pool fell back to threads, building failed), when the page was cancelled
while being extracted, or when its payload was stored before (a ``revisit``), the loop
writes them itself as for any other fetch. Media, robots.txt, 304s and errors never go to
the workers: their records are written at fetch time.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

from crawler.capture.warc import CaptureRef, WarcWriter, payload_digest
from crawler.engine.store import StoredPayload
from crawler.engine.workers import ExtractOutcome, ExtractPool, ExtractTask, extract_task
from crawler.records import FetchResult

log = logging.getLogger(__name__)

#: content types of pages (a response without one is tried as a page too)
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def is_page(result: FetchResult) -> bool:
    """Whether the crawl hands this fetch on for extraction: a new 2xx answer whose
    content type is HTML or not given."""
    if not result.ok or result.not_modified:
        return False
    ctype = result.content_type
    return not ctype or ctype in HTML_TYPES


def same_payload(
    url: str,
    result: FetchResult,
    validators: tuple[str | None, str | None] | None,
    payload: StoredPayload | None,
) -> bool:
    """Whether ``result`` (the re-check of the stored page ``url``) brought back the bytes
    of the page's last fetch (``payload``, :meth:`~crawler.engine.store.Store.last_payload`)
    under the same validators and without a redirect: then extracting it again could only
    give the stored page back, so the crawl counts it ``unchanged`` without doing so (as a
    ``304``; to re-extract stored pages with a newer extractor: ``pressarchive reparse``)."""
    if payload is None or validators is None or not is_page(result):
        return False
    if (result.final_url or result.url) != url:
        return False
    if (result.headers.get("etag"), result.headers.get("last-modified")) != validators:
        return False
    return payload_digest(result.body) == payload.digest


def defers(writer: WarcWriter | None, pool: ExtractPool | None, result: FetchResult) -> bool:
    """Whether the records of ``result`` are left to its extraction (not written now):
    a page to extract, with a writer, while extraction runs in worker processes."""
    return writer is not None and pool is not None and pool.uses_processes and is_page(result)


async def extract_captured(
    pool: ExtractPool | None, writer: WarcWriter | None, task: ExtractTask, ref: CaptureRef | None
) -> tuple[ExtractOutcome, CaptureRef | None]:
    """Extract ``task``'s page (in ``pool``; in this thread without one) and then, when its
    records were deferred (``ref`` is ``None`` with a ``writer``: :func:`defers`), write
    them: the worker's, else built here. Where the page's response record is.

    An extraction that raises (or is cancelled) raises after the records are written; a
    failure to write them (:class:`~crawler.errors.CaptureError`) raises instead."""
    if writer is None or ref is not None:
        done = extract_task(task) if pool is None else await pool.run(task)
        return done, ref
    asked = replace(task, warc=True) if pool is not None else task
    try:
        done = extract_task(asked) if pool is None else await pool.run(asked)
    except BaseException:
        writer.write(task.result)
        raise
    if done.records is not None:
        return done, writer.write_prebuilt(task.result, done.records)
    return done, writer.write(task.result)


class DeferredCaptures:
    """The records of a run's discovery fetches, built by the worker processes while
    they run (:meth:`add`), written by the loop when they come back; :meth:`wait` before
    the run ends. A fetch whose records could not be built there (no worker process, a
    failure) is written here; one still waiting when the run is cancelled too."""

    def __init__(self, pool: ExtractPool | None, writer: WarcWriter | None) -> None:
        self.pool = pool
        self.writer = writer
        self.pending: set[asyncio.Task[CaptureRef | None]] = set()

    def add(self, result: FetchResult) -> bool:
        """Leave ``result``'s records to a worker process (``True``): a new 2xx answer,
        with a writer, while worker processes run; else ``False`` (write them now)."""
        pool, writer = self.pool, self.writer
        if writer is None or pool is None or not pool.uses_processes:
            return False
        if not result.ok or result.not_modified:
            return False
        task = asyncio.create_task(self._capture(pool, writer, result))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)
        return True

    @staticmethod
    async def _capture(
        pool: ExtractPool, writer: WarcWriter, result: FetchResult
    ) -> CaptureRef | None:
        try:
            built = await pool.records(result)
        except Exception:  # the records are not lost: built here instead
            log.warning("%s: building the WARC records failed", result.url, exc_info=True)
            built = None
        except BaseException:  # cancelled: written before the run ends
            writer.write(result)
            raise
        if built is not None:
            return writer.write_prebuilt(result, built)
        return writer.write(result)

    async def wait(self) -> None:
        """Until every deferred capture is written (a failure to write one, e.g. a full
        disk's :class:`~crawler.errors.CaptureError`, raises)."""
        while self.pending:
            await asyncio.gather(*list(self.pending))

    async def cancel(self) -> None:
        """End the captures still waiting for a worker: their records written here (a
        failure to write one is logged: the run is ending on an error of its own)."""
        for task in self.pending:
            task.cancel()
        for outcome in await asyncio.gather(*list(self.pending), return_exceptions=True):
            if isinstance(outcome, Exception):
                log.error("a discovery fetch's records were not written: %s", outcome)


__all__ = [
    "HTML_TYPES", "DeferredCaptures", "defers", "extract_captured", "is_page", "same_payload",
]  # fmt: skip
