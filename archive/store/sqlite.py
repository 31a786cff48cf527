"""``SqliteStore``: the crawl engine's :class:`~crawler.engine.store.Store` over the archive.

Each method is one of :mod:`archive.store.save`'s (or :mod:`archive.store.record`'s)
functions bound to one database; the engine sees only the protocol, so ``crawler/`` never
imports ``sqlite3`` or this package.
"""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path
from typing import Any

import sqlite_utils

from archive.indexes import registry
from archive.store import media, payloads, record, runs, save, templates
from archive.store.schema import db_path
from crawler.capture.warc import CaptureRef, capture_folder
from crawler.config.settings import SourceConfig
from crawler.engine.store import (
    ExtractionCounts,
    LearnedTemplate,
    MediaFetch,
    Prepare,
    StoredMedia,
    StoredPayload,
    TemplateCounts,
)
from crawler.errors import ArchiveError
from crawler.records import Extracted, FetchResult


class SqliteStore:
    """The archive file behind ``db`` as the crawl engine's store."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        #: the open batch's derived-index work (None: no batch open)
        self.batch: registry.PendingChanges | None = None

    def begin_batch(self) -> None:
        if self.batch is not None:
            return
        if not self.db.conn.in_transaction:
            self.db.conn.execute("BEGIN IMMEDIATE")
        self.batch = registry.PendingChanges()

    def flush_batch(self, pages: int) -> bool:
        batch = self.batch
        if batch is None:
            return False
        try:
            batch.flush(self.db, pages)
        except BaseException:
            self.rollback_batch()
            raise
        return len(batch) > 0

    def commit_batch(self) -> None:
        """Update the derived indexes for the batch's pages, then commit; if that fails
        the whole batch is rolled back (its pages are fetched again next run)."""
        batch, self.batch = self.batch, None
        if batch is None:
            return
        try:
            batch.flush(self.db)
            if self.db.conn.in_transaction:
                self.db.conn.execute("COMMIT")
        except BaseException:
            if self.db.conn.in_transaction:
                self.db.conn.execute("ROLLBACK")
            raise

    def rollback_batch(self) -> None:
        if self.batch is None:
            return
        self.batch = None
        if self.db.conn.in_transaction:
            self.db.conn.execute("ROLLBACK")

    def page_preparer(self, source: SourceConfig) -> Prepare:
        return functools.partial(record.prepare_page, source.name, source.city or None)

    def stored_hash(self, url: str) -> str | None:
        return save.stored_hash(self.db, url)

    def capture_folder(self) -> Path | None:
        path = db_path(self.db)
        if path == ":memory:":
            return None
        folder = capture_folder(path)
        if folder is None:  # the file could not be found: never switch capture off silently
            raise ArchiveError(f"cannot tell where the archive file is ({path}): no WARC folder")
        return folder

    def discovery_cache(self) -> save.SqliteDiscoveryCache:
        return save.SqliteDiscoveryCache(self.db)

    def save_source(self, source: SourceConfig) -> None:
        runs.save_source(self.db, source)

    def start_run(self, source: str) -> int:
        return runs.start_run(self.db, source)

    def finish_run(
        self,
        run_id: int,
        source: str,
        counts: dict[str, int | float],
        status: str,
        extraction: ExtractionCounts,
    ) -> None:
        # in a batch, its rollback undoes both (``close_runs``); else one transaction
        with contextlib.nullcontext() if self.batch is not None else self.db.atomic():
            runs.record_extraction(self.db, run_id, source, extraction)
            runs.finish_run(self.db, run_id, dict(counts), status, self.batch)

    def learned_template(self, source: str) -> LearnedTemplate | None:
        found = templates.latest_template(self.db, source)
        return LearnedTemplate(found.version, found.profile, found.applies) if found else None

    def record_template_run(self, run_id: int, source: str, counts: TemplateCounts) -> None:
        templates.record_template_run(
            self.db, run_id, source, counts.version, counts.pages, counts.misses
        )

    def known_urls(self, source: str) -> list[str]:
        return save.known_urls(self.db, source)

    def last_payload(self, url: str) -> StoredPayload | None:
        return payloads.last_payload(self.db, url)

    def validators(self, url: str) -> tuple[str | None, str | None] | None:
        return save.validators(self.db, url)

    def is_stored(self, url: str) -> bool:
        return save.is_stored(self.db, url)

    def stored_date(self, url: str) -> tuple[str, str] | None:
        return save.stored_date(self.db, url)

    def mark_removed(self, url: str, fetch: FetchResult) -> bool:
        return save.mark_removed(self.db, url, fetch)

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
        return save.save_fetched_page(
            self.db,
            source,
            page,
            fetch,
            requested=requested,
            capture=capture,
            batch=self.batch,
            prepared=prepared,
        )

    def record_error(
        self, run_id: int, source: str, url: str, status: int | None, error: str, kind: str
    ) -> None:
        runs.record_error(self.db, run_id, source, url, status, error, kind)

    def stored_media(self, url: str) -> StoredMedia | None:
        return media.stored_media(self.db, url)

    def media_capture(self, digest: str) -> StoredMedia | None:
        return media.media_capture(self.db, digest)

    def save_media(self, fetch: MediaFetch) -> None:
        media.save_media(self.db, fetch)

    def missing_media(self, source: str) -> list[tuple[str, str, str]]:
        return media.missing_media(self.db, source)
