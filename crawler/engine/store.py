"""The seam between the crawl engine and the archive: a small storage protocol.

The engine (:mod:`crawler.engine.crawl`) never touches a database; it asks a
:class:`Store` the few questions a polite, conditional crawl needs (what is known about a
URL) and hands it what it found (runs, pages, errors). ``archive.store.sqlite.SqliteStore``
is the SQLite implementation; a test or another backend can provide its own, the way
httpx's transports sit behind ``BaseTransport``.

Every method is called from the thread that runs the crawl's event loop, so a store has
one writer and needs no locking of its own. The crawl writes in batches: it opens one with
:meth:`Store.begin_batch`, and :meth:`Store.commit_batch` makes every write since durable
at once (a few hundred pages or half a second of work, ``crawler.engine.batch``); a crash
loses at most the open batch, whose pages the next run fetches again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from crawler.capture.warc import CaptureRef, EarlierCapture
from crawler.config.settings import SourceConfig
from crawler.discover.core import DiscoveryCache
from crawler.extract.profiles import SiteProfile
from crawler.records import ROBOTS_DISALLOW, Extracted, FetchResult

#: ``fetch_errors.kind``: what failed. ``fetch``: no usable response (network, timeout,
#: a refused or looping redirect, the size cap); ``http``: an HTTP error status (4xx, 5xx);
#: ``extraction``: the extractor raised (a bug); ``nothing_extracted``: a page without
#: title and text.
#: ``media``: an image or attachment of an archived page that could not be archived
#: (``crawler.engine.media``; never a failed page).
ERROR_KINDS = ("fetch", "http", "extraction", "nothing_extracted", "media")


@dataclass(frozen=True)
class StoredMedia:
    """What the archive holds of one media URL (a ``media`` row): its last ``status`` and,
    once archived, the payload ``digest`` and the capture (``record_type`` ``response``, or
    ``revisit`` of an earlier capture with the same payload)."""

    url: str
    status: int | None = None
    digest: str | None = None
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_record_id: str | None = None
    fetched_at: str | None = None
    record_type: str | None = None
    error: str | None = None

    @property
    def archived(self) -> bool:
        return self.status == 200 and bool(self.digest) and bool(self.warc_file)

    @property
    def failed_for_good(self) -> bool:
        """A failure another try of the same page would repeat: an answer that was not a
        server's passing trouble (4xx, a wrong type, over the size cap, robots.txt)."""
        if self.archived:
            return False
        if self.status is None:
            return (self.error or "").startswith(ROBOTS_DISALLOW)
        return self.status not in RETRY_LATER


#: statuses of a media fetch worth another try on the next run (no status: no response)
RETRY_LATER = frozenset({408, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class MediaFetch:
    """One media fetch as the archive stores it (``save_media``): an image or attachment
    (``kind``) found on ``page_url``; ``capture`` is its WARC record (``None`` when it
    failed: then ``error`` says why)."""

    url: str
    source: str
    kind: str
    page_url: str | None  # None: imported from a WARC (``import-warc``), no page known
    status: int | None
    fetched_at: str
    content_type: str | None = None
    length: int | None = None
    digest: str | None = None
    capture: CaptureRef | None = None
    record_type: str | None = None
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class StoredPayload:
    """The body a live page was last fetched with (:meth:`Store.last_payload`): its WARC
    payload digest and the ``response`` record holding those bytes (``None``: none known,
    e.g. captured as a revisit or not at all)."""

    digest: str
    capture: EarlierCapture | None = None


@dataclass
class ExtractionCounts:
    """Pages saved (new or changed) by one run and how many lacked each field."""

    pages: int = 0
    no_date: int = 0
    no_title: int = 0
    no_body: int = 0

    def add(self, page: Extracted, *, own_date: bool) -> None:
        self.pages += 1
        self.no_date += not own_date
        self.no_title += not page.title
        self.no_body += not page.body


@dataclass(frozen=True)
class LearnedTemplate:
    """A source's learned template (``crawler.extract.learn``) as the crawl sees it: its
    version, the profile, and whether it may be used as the profile (``applies``: it reads
    no field worse than the generic layer on the pages it was learned from); either way
    every extracted page is checked against it (drift)."""

    version: int
    profile: SiteProfile
    applies: bool = True


@dataclass
class TemplateCounts:
    """One run's checks of the source's learned template (``version``): pages extracted
    and how many of them it missed (its title or its body selector found nothing)."""

    version: int
    pages: int = 0
    misses: int = 0


#: a store's per-page work: (page, fetch, stored hash) → what ``save_page`` takes as
#: ``prepared`` (:meth:`Store.page_preparer`)
Prepare = Callable[[Extracted, FetchResult, str | None], Any]


class Store(Protocol):
    """What the crawl engine reads from and writes to the archive."""

    def capture_folder(self) -> Path | None:
        """Where this archive keeps its WARC captures (``None``: an in-memory archive)."""
        ...

    def discovery_cache(self) -> DiscoveryCache:
        """The cache of listing, feed and sitemap responses (conditional discovery)."""
        ...

    def save_source(self, source: SourceConfig) -> None: ...

    def start_run(self, source: str) -> int:
        """Record a run as ``running``; return its id."""
        ...

    def finish_run(
        self,
        run_id: int,
        source: str,
        counts: dict[str, int | float],
        status: str,
        extraction: ExtractionCounts,
    ) -> None:
        """Record a run's counters, status and extraction counts in one transaction."""
        ...

    def learned_template(self, source: str) -> LearnedTemplate | None:
        """The source's learned template, if it has one."""
        ...

    def record_template_run(self, run_id: int, source: str, counts: TemplateCounts) -> None:
        """Record a run's template checks (before :meth:`finish_run`)."""
        ...

    def known_urls(self, source: str) -> list[str]:
        """Pages of ``source`` still live, re-checked every run so removals are noticed."""
        ...

    def validators(self, url: str) -> tuple[str | None, str | None] | None:
        """The stored ``(etag, last_modified)`` of a page, for a conditional request."""
        ...

    def last_payload(self, url: str) -> StoredPayload | None:
        """The body the live page at ``url`` was last fetched with, as :meth:`save_page`
        recorded it (``None``: not recorded, or the page is removed). A re-check that gets
        the same bytes back (no redirect, the same validators) is ``unchanged`` without
        extracting the page again."""
        ...

    def is_stored(self, url: str) -> bool: ...

    def stored_date(self, url: str) -> tuple[str, str] | None:
        """The ``(published, published_source)`` a page was first archived with."""
        ...

    def mark_removed(self, url: str, fetch: FetchResult) -> bool:
        """Mark a live page removed (404/410); False when it already was."""
        ...

    def begin_batch(self) -> None:
        """Start a batch of writes (one transaction); a no-op while one is open."""
        ...

    def flush_batch(self, pages: int) -> bool:
        """Do the derived-index work of up to ``pages`` pages of the open batch (a commit in
        steps, the crawl's event loop running between them); whether work remains. A
        failure rolls the batch back and is raised."""
        ...

    def commit_batch(self) -> None:
        """Finish the open batch (its derived-index work included) and make it durable; a
        no-op without one. The caller has made the captures its rows point to durable."""
        ...

    def rollback_batch(self) -> None:
        """Undo every write of the open batch and close it (its captures could not be made
        durable); a no-op without one."""
        ...

    def page_preparer(self, source: SourceConfig) -> Prepare | None:
        """A picklable function the crawl may run on each extracted page in a worker
        process (the store's pure per-page work, e.g. text analysis), given the page, its
        fetch and the page's :meth:`stored_hash`; its result goes to :meth:`save_page` as
        ``prepared``. ``None``: nothing to prepare."""
        ...

    def stored_hash(self, url: str) -> str | None:
        """The content hash of the live stored page at ``url`` (``None``: none), so a
        preparer can skip a page that did not change."""
        ...

    def save_page(
        self,
        source: str,
        page: Extracted,
        fetch: FetchResult,
        *,
        requested: str,
        capture: CaptureRef | None,
        prepared: Any = None,
    ) -> str:
        """Store one extracted page; return ``new``, ``changed`` or ``unchanged``.
        ``prepared``: what :meth:`page_preparer`'s function returned for it (used only if
        the page was saved as it was prepared). A page saved under the URL it was requested
        as, without a redirect, also gets its body recorded (:meth:`last_payload`)."""
        ...

    def record_error(
        self, run_id: int, source: str, url: str, status: int | None, error: str, kind: str
    ) -> None:
        """One ``fetch_errors`` row: a URL that failed, with its status, error and ``kind``
        (one of :data:`ERROR_KINDS`)."""
        ...

    def stored_media(self, url: str) -> StoredMedia | None:
        """The archive's row of a media URL, if it has one."""
        ...

    def media_capture(self, digest: str) -> StoredMedia | None:
        """The first archived ``response`` record of a media payload with this digest (what
        a ``revisit`` record of the same bytes refers to), if any."""
        ...

    def save_media(self, fetch: MediaFetch) -> None:
        """Store (replace) the row of one media URL after a fetch, archived or failed."""
        ...

    def missing_media(self, source: str) -> list[tuple[str, str, str]]:
        """``(url, kind, page_url)`` of the images and attachments of ``source``'s live
        pages that are not archived yet, leaving out failures for good
        (:attr:`StoredMedia.failed_for_good`): what an earlier run left (or an archive
        from before media were archived)."""
        ...
