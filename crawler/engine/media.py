"""The media of archived pages: their images and attachments, fetched after the pages.

A page saved by the crawl (new, changed or unchanged) hands its images and attachments to
:class:`MediaQueue` (:meth:`MediaQueue.add`); once every page of the run is done, the queue
adds what the source's other live pages still lack (:meth:`MediaQueue.add_missing`: pages
that answered 304, files an earlier run could not get) and fetches them with the run's own
:class:`~crawler.fetch.fetcher.Fetcher` (the same host rules, robots.txt, per-host delay
and retries), so media never delay a page. Each file is

* skipped when the archive already holds it (a row with status 200, a digest and a
  capture: a file is archived once, never fetched again), when an earlier try failed for
  good (an HTTP 4xx, a wrong type, over the cap: tried again only with a new or changed
  page; no response or a 5xx is tried again on every run), when it is off the source's
  hosts (:meth:`~crawler.fetch.urls.UrlPolicy.allowed_host`), or when the run's budget
  is spent (``media_max_files`` fetches, ``media_max_source_bytes`` bytes per source;
  reserved while a fetch is in flight): left, without a row, for the next run;
* fetched with a size cap (``media_max_file_bytes``, or what is left of the source's
  budget: a file over the latter is left for the next run too) and checked: an image
  must come as ``image/*``, an attachment as a document type (:data:`ATTACHMENT_TYPES`;
  never HTML);
* captured in the WARC: a ``response`` record, or a ``revisit`` (profile
  identical-payload-digest) naming the first capture of the same bytes, in this run or an
  earlier one (:meth:`~crawler.capture.warc.WarcWriter.remember`);
* stored through :meth:`~crawler.engine.store.Store.save_media`. A failure (no response,
  an HTTP error, the size cap, a wrong content type) is a ``media`` row with the error and
  a ``fetch_errors`` row of kind ``media``: never a failed page, and not counted in the
  run's ``errors`` (its error rate is about pages).

``[crawler] media = false`` or a source's ``media = false`` switches all of it off.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from crawler.capture.warc import CaptureRef, WarcWriter, payload_digest
from crawler.config.settings import CrawlerConfig, SourceConfig
from crawler.engine.batch import WriteBatch, writing
from crawler.engine.stats import CrawlStats
from crawler.engine.store import MediaFetch, Store, StoredMedia
from crawler.fetch.fetcher import Fetcher
from crawler.fetch.urls import UrlPolicy
from crawler.records import Extracted, FetchResult

log = logging.getLogger(__name__)

#: awaits work unless the run is stopped (then None): ``SourceRun._unless_stopped``
Guard = Callable[[Awaitable[FetchResult]], Awaitable[FetchResult | None]]
#: content types an attachment may come as (besides :data:`ATTACHMENT_PREFIXES`)
ATTACHMENT_TYPES = frozenset(
    {
        "application/pdf",
        "application/x-pdf",
        "application/msword",
        "application/rtf",
        "text/rtf",
        "application/zip",
        "application/x-zip-compressed",
        "application/octet-stream",
        "text/csv",
        "text/plain",
    }
)
ATTACHMENT_PREFIXES = (
    "application/vnd.openxmlformats-officedocument.",
    "application/vnd.ms-",
    "application/vnd.oasis.opendocument.",
)


@dataclass(frozen=True)
class MediaJob:
    url: str  # canonical
    kind: str  # "image" | "attachment"
    page_url: str


def type_problem(kind: str, ctype: str) -> str | None:
    """Why a response of type ``ctype`` is not an acceptable ``kind`` file, or None."""
    if kind == "image":
        if ctype.startswith("image/"):
            return None
        return f"not an image: content type {ctype or 'missing'}"
    if ctype in ATTACHMENT_TYPES or ctype.startswith(ATTACHMENT_PREFIXES):
        return None
    return f"not a document: content type {ctype or 'missing'}"


def media_enabled(crawler: CrawlerConfig, source: SourceConfig) -> bool:
    return crawler.media and source.media


class MediaQueue:
    """The media of one run of one source, fetched after its pages (:meth:`run`)."""

    def __init__(
        self,
        store: Store,
        crawler: CrawlerConfig,
        source: SourceConfig,
        stats: CrawlStats,
        writer: WarcWriter | None,
    ) -> None:
        self.store = store
        self.crawler = crawler
        self.source = source
        self.stats = stats
        self.writer = writer
        self.policy = UrlPolicy(source)
        #: the crawl's open batch of writes (:mod:`crawler.engine.batch`; None: none)
        self.batch: WriteBatch | None = None
        self.jobs: list[MediaJob] = []
        self._seen: set[str] = set()
        self._files = 0
        self._bytes = 0

    def add(self, page: Extracted, outcome: str) -> None:
        """Queue the images and attachments of a page saved with ``outcome`` (each URL once
        per run): not those archived, nor failures for good unless the page is ``new`` or
        ``changed`` (its files may have been fixed with it)."""
        retry = outcome in ("new", "changed")
        found = [(i.src, "image") for i in page.images]
        found += [(a.url, "attachment") for a in page.attachments]
        for url, kind in found:
            self._queue(url, kind, page.url, retry=retry)

    def _queue(self, url: str, kind: str, page_url: str, *, retry: bool) -> None:
        if not url or url in self._seen:
            return
        self._seen.add(url)
        if not self.policy.allowed_host(url):
            log.debug("%s: media off the source's hosts, not archived", url)
            return
        stored = self.store.stored_media(url)
        if stored is not None and (stored.archived or (stored.failed_for_good and not retry)):
            return
        self.jobs.append(MediaJob(url, kind, page_url))

    def add_missing(self) -> None:
        """Queue what the source's live pages still lack (pages answered 304 this run,
        files an earlier run could not get, archives from before media were archived)."""
        for url, kind, page_url in self.store.missing_media(self.source.name):
            self._queue(url, kind, page_url, retry=False)

    async def run(
        self, fetcher: Fetcher, guard: Guard, workers: int, halted: Callable[[], bool]
    ) -> None:
        """Fetch the queued media with ``workers`` tasks, each fetch through ``guard`` (which
        cancels it when the run is stopped); no file is taken once ``halted()``."""
        self.add_missing()
        if not self.jobs:
            return
        queue: asyncio.Queue[MediaJob] = asyncio.Queue()
        for job in self.jobs:
            queue.put_nowait(job)
        self.jobs = []

        async def worker() -> None:
            while not halted():
                try:
                    job = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                if not await self._one(fetcher, guard, job):
                    return  # stopped

        await asyncio.gather(*(worker() for _ in range(max(1, workers))))

    def _budget(self) -> int | None:
        """Bytes the next file may have, or None when the run's media budget is spent."""
        limit = self.crawler.media_max_files
        if limit and self._files >= limit:
            return None
        left = self.crawler.media_max_source_bytes - self._bytes
        if left <= 0:
            return None
        return min(self.crawler.media_max_file_bytes, left)

    async def _one(self, fetcher: Fetcher, guard: Guard, job: MediaJob) -> bool:
        cap = self._budget()
        if cap is None:
            self.stats.media_skipped += 1
            return True
        self._files += 1
        self._bytes += cap  # reserved while in flight: parallel fetches share the budget
        result = await guard(fetcher.fetch(job.url, max_bytes=cap))
        self._bytes -= cap - (len(result.body) if result is not None else 0)
        if result is None:
            return False
        problem = result.error
        if problem is None and not result.ok:
            problem = f"HTTP {result.status}"
        if problem is None:
            problem = type_problem(job.kind, result.content_type)
        if problem is not None:
            if cap < self.crawler.media_max_file_bytes and "response exceeds" in problem:
                # over what was left of the run's budget, not over the file cap: no row, so
                # the next run tries it again (as the files not taken at all)
                log.info("%s: over the source's media budget for this run", job.url)
                self.stats.media_skipped += 1
                return True
            self._failed(job, result, problem)
            return True
        digest = payload_digest(result.body)
        ref, record_type = self._capture(result, digest)
        row = self._row(
            job,
            result,
            length=len(result.body),
            digest=digest,
            capture=ref,
            record_type=record_type,
            etag=result.headers.get("etag"),
            last_modified=result.headers.get("last-modified"),
        )
        with writing(self.batch):
            self.store.save_media(row)
        self.stats.media_fetched += 1
        self.stats.media_bytes += len(result.body)
        self.stats.media_revisits += record_type == "revisit"
        return True

    def _capture(self, result: FetchResult, digest: str) -> tuple[CaptureRef | None, str | None]:
        """Write the records of a media file; a payload archived in an earlier run becomes
        a revisit of that capture."""
        if self.writer is None:
            return None, None
        remember_capture(self.writer, digest, self.store.media_capture(digest))
        ref = self.writer.write(result)
        return ref, self.writer.last_record_type or None

    def _row(self, job: MediaJob, result: FetchResult, **outcome: Any) -> MediaFetch:
        """The ``media`` row of ``job`` fetched as ``result``, with its ``outcome``."""
        return MediaFetch(
            url=job.url,
            source=self.source.name,
            kind=job.kind,
            page_url=job.page_url,
            status=result.status,
            fetched_at=result.fetched_at,
            content_type=result.headers.get("content-type"),
            **outcome,
        )

    def _failed(self, job: MediaJob, result: FetchResult, problem: str) -> None:
        self.stats.media_errors += 1
        log.warning("%s: media not archived: %s", job.url, problem)
        with writing(self.batch):
            self.store.save_media(self._row(job, result, error=problem))
            self.store.record_error(
                self.stats.run_id, self.source.name, job.url, result.status, problem, "media"
            )


def remember_capture(writer: WarcWriter, digest: str, earlier: StoredMedia | None) -> None:
    """Let ``writer`` write the next copy of ``digest``'s bytes as a ``revisit`` of
    ``earlier``, the archived capture of the same payload (if there is one)."""
    if earlier is not None and earlier.warc_file and earlier.warc_offset is not None:
        writer.remember(
            digest,
            earlier.warc_record_id or "",
            earlier.url,
            earlier.fetched_at or "",
            earlier.warc_file,
            earlier.warc_offset,
        )


__all__ = [
    "remember_capture",
    "ATTACHMENT_TYPES",
    "MediaJob",
    "MediaQueue",
    "media_enabled",
    "type_problem",
]
