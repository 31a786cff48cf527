"""An in-memory :class:`crawler.engine.store.Store`: dicts and lists, no database.

It shows the crawl engine runs with any store (it imports nothing from ``archive``), and
lets engine tests read what was written without SQL::

    store = MemoryStore()
    crawl_sources(store, config, [source], capture=False)
    store.pages[url].page.title      # the last extraction saved for url
    store.runs[run_id].counts        # what finish_run recorded
    store.errors                     # every record_error call, in order

The rules are the archive's, simplified: a page is ``new`` the first time its URL is saved,
``changed`` when its content fields differ (or it comes back after being removed),
``unchanged`` otherwise; validators and the last body (``last_payload``) come from the
latest save; no aliases, no duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.capture.warc import CaptureRef, EarlierCapture, payload_digest
from crawler.config.settings import SourceConfig
from crawler.discover.core import CachedDiscovery
from crawler.engine.store import (
    ExtractionCounts,
    LearnedTemplate,
    MediaFetch,
    StoredMedia,
    StoredPayload,
    TemplateCounts,
)
from crawler.records import Extracted, FetchResult

#: the fields whose change makes a page ``changed`` (as the archive's content hash)
CONTENT_FIELDS = (
    "page_type", "label", "title", "lead", "body", "published", "modified", "images",
    "related", "links", "attachments", "credits",
)  # fmt: skip


def content(page: Extracted) -> dict[str, Any]:
    data = page.to_dict()
    return {key: data[key] for key in CONTENT_FIELDS}


@dataclass
class StoredPage:
    source: str
    page: Extracted
    fetch: FetchResult
    requested: str
    capture: CaptureRef | None
    etag: str | None
    last_modified: str | None
    removed_at: str | None = None
    saves: int = 1  # save_page calls for this URL (any outcome)


@dataclass
class StoredRun:
    source: str
    status: str = "running"
    counts: dict[str, int | float] = field(default_factory=dict)
    extraction: ExtractionCounts | None = None


@dataclass(frozen=True)
class StoredError:
    run_id: int
    source: str
    url: str
    status: int | None
    error: str
    kind: str


class MemoryDiscoveryCache:
    """The discovery cache as a dict (``crawler.discover.core.DiscoveryCache``)."""

    def __init__(self) -> None:
        self.entries: dict[str, CachedDiscovery] = {}

    def get(self, url: str) -> CachedDiscovery | None:
        return self.entries.get(url)

    def put(self, url: str, entry: CachedDiscovery) -> None:
        self.entries[url] = entry


class MemoryStore:
    """Every method of the ``Store`` protocol over plain containers (one writer, no locks)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.sources: dict[str, SourceConfig] = {}
        self.runs: dict[int, StoredRun] = {}
        self.pages: dict[str, StoredPage] = {}
        self.errors: list[StoredError] = []
        self.cache = MemoryDiscoveryCache()
        #: (method, url) of every read the engine made, in order
        self.reads: list[tuple[str, str]] = []
        #: source → its learned template; run id → the run's template checks
        self.templates: dict[str, LearnedTemplate] = {}
        self.template_runs: dict[int, TemplateCounts] = {}
        #: media URL → its last fetch (``save_media``)
        self.media: dict[str, MediaFetch] = {}
        #: batches begun, and whether one is open now
        self.batches = 0
        self.batch_open = False

    # -- the protocol ---------------------------------------------------------------------
    def capture_folder(self) -> Path | None:
        return self.folder

    def discovery_cache(self) -> MemoryDiscoveryCache:
        return self.cache

    def save_source(self, source: SourceConfig) -> None:
        self.sources[source.name] = source

    def start_run(self, source: str) -> int:
        run_id = len(self.runs) + 1
        self.runs[run_id] = StoredRun(source)
        return run_id

    def finish_run(
        self,
        run_id: int,
        source: str,
        counts: dict[str, int | float],
        status: str,
        extraction: ExtractionCounts,
    ) -> None:
        run = self.runs[run_id]
        assert run.source == source and run.status == "running", (run_id, run)
        run.counts, run.status, run.extraction = dict(counts), status, extraction

    def learned_template(self, source: str) -> LearnedTemplate | None:
        return self.templates.get(source)

    def record_template_run(self, run_id: int, source: str, counts: TemplateCounts) -> None:
        self.template_runs[run_id] = counts

    def known_urls(self, source: str) -> list[str]:
        return sorted(
            url for url, p in self.pages.items() if p.source == source and p.removed_at is None
        )

    def validators(self, url: str) -> tuple[str | None, str | None] | None:
        self.reads.append(("validators", url))
        stored = self.pages.get(url)
        if stored is None or stored.removed_at is not None:
            return None
        return stored.etag, stored.last_modified

    def last_payload(self, url: str) -> StoredPayload | None:
        self.reads.append(("last_payload", url))
        stored = self.pages.get(url)
        if stored is None or stored.removed_at is not None or stored.requested != url:
            return None
        if (stored.fetch.final_url or stored.fetch.url) != url:
            return None
        digest = payload_digest(stored.fetch.body)
        ref = stored.capture
        if ref is None:
            return StoredPayload(digest)
        when = stored.fetch.fetched_at
        held = ref.refers_to or EarlierCapture(
            digest, ref.record_id, url, when, ref.file, ref.offset
        )
        return StoredPayload(digest, held)

    def is_stored(self, url: str) -> bool:
        return url in self.pages

    def stored_date(self, url: str) -> tuple[str, str] | None:
        stored = self.pages.get(url)
        if stored is None or not stored.page.published:
            return None
        return stored.page.published, stored.page.published_source or ""

    def mark_removed(self, url: str, fetch: FetchResult) -> bool:
        stored = self.pages.get(url)
        if stored is None or stored.removed_at is not None:
            return False
        stored.removed_at = fetch.fetched_at or "removed"
        return True

    def begin_batch(self) -> None:
        self.batches += 0 if self.batch_open else 1
        self.batch_open = True

    def flush_batch(self, pages: int) -> bool:
        return False  # no derived indexes in memory

    def commit_batch(self) -> None:
        self.batch_open = False

    def rollback_batch(self) -> None:  # nothing to undo in memory: the batch just ends
        self.batch_open = False

    def page_preparer(self, source: SourceConfig) -> None:
        return None

    def stored_hash(self, url: str) -> str | None:
        return None

    def save_page(
        self,
        source: str,
        page: Extracted,
        fetch: FetchResult,
        *,
        requested: str,
        capture: CaptureRef | None,
        prepared: object = None,
    ) -> str:
        old = self.pages.get(page.url)
        if old is None:
            outcome = "new"
        elif old.removed_at is not None or content(old.page) != content(page):
            outcome = "changed"
        else:
            outcome = "unchanged"
        self.pages[page.url] = StoredPage(
            source,
            page,
            fetch,
            requested,
            capture,
            etag=fetch.headers.get("etag"),
            last_modified=fetch.headers.get("last-modified"),
            saves=1 if old is None else old.saves + 1,
        )
        return outcome

    def record_error(
        self, run_id: int, source: str, url: str, status: int | None, error: str, kind: str
    ) -> None:
        self.errors.append(StoredError(run_id, source, url, status, error, kind))

    def stored_media(self, url: str) -> StoredMedia | None:
        fetch = self.media.get(url)
        return _as_stored(fetch) if fetch is not None else None

    def media_capture(self, digest: str) -> StoredMedia | None:
        for fetch in self.media.values():
            if fetch.digest == digest and fetch.capture and fetch.record_type == "response":
                return _as_stored(fetch)
        return None

    def save_media(self, fetch: MediaFetch) -> None:
        self.media[fetch.url] = fetch

    def missing_media(self, source: str) -> list[tuple[str, str, str]]:
        out: dict[str, tuple[str, str, str]] = {}
        for url in self.known_urls(source):
            page = self.pages[url].page
            found = [(i.src, "image") for i in page.images]
            found += [(a.url, "attachment") for a in page.attachments]
            for src, kind in found:
                stored = self.stored_media(src)
                if stored is None or not (stored.archived or stored.failed_for_good):
                    out.setdefault(src, (src, kind, url))
        return list(out.values())

    # -- for the tests ----------------------------------------------------------------------
    def live(self, source: str) -> dict[str, Extracted]:
        """URL → page of the pages of ``source`` not marked removed."""
        return {url: self.pages[url].page for url in self.known_urls(source)}

    def removed(self, source: str) -> set[str]:
        return {u for u, p in self.pages.items() if p.source == source and p.removed_at}


def _as_stored(fetch: MediaFetch) -> StoredMedia:
    ref = fetch.capture
    return StoredMedia(
        fetch.url,
        fetch.status,
        fetch.digest,
        ref.file if ref else None,
        ref.offset if ref else None,
        ref.record_id if ref else None,
        fetch.fetched_at,
        fetch.record_type,
        fetch.error,
    )


__all__ = ["MemoryDiscoveryCache", "MemoryStore", "StoredError", "StoredPage", "StoredRun"]
