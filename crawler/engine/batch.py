"""Writes in batches: one transaction for many pages, committed by one writer.

A crawl at the politeness bound saves hundreds of pages a second; a transaction (and a
WARC fsync) per page would cost more than the page. So the crawl's writes go into the
store's open batch (``Store.begin_batch``), begun at the first write after a commit, and
:class:`WriteBatch` commits it when it holds :data:`BATCH_PAGES` writes or is
:data:`BATCH_SECONDS` old (checked at every write and by :meth:`WriteBatch.keep_committing`
on the event loop, so a quiet crawl never holds the archive's write lock long), and at the
end of the crawl. Before each commit the WARC records the batch's rows point to are made
durable (``WarcWriter.sync``): a crash (power, SIGKILL) loses at most the open batch,
whose pages the next run fetches again, and never leaves a row without its record.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterator

from crawler.capture.warc import WarcWriter
from crawler.engine.store import Store

log = logging.getLogger(__name__)

#: writes (saved pages, errors, removals, media rows) per transaction at most
BATCH_PAGES = 200
#: seconds a batch stays open at most (the write lock is held that long)
BATCH_SECONDS = 0.5


class WriteBatch:
    """The open batch of one crawl's writes (the crawl's single writer thread only)."""

    def __init__(
        self,
        store: Store,
        writer: WarcWriter | None,
        *,
        pages: int = BATCH_PAGES,
        seconds: float = BATCH_SECONDS,
    ) -> None:
        self.store = store
        self.writer = writer
        self.pages = pages
        self.seconds = seconds
        self.started: float | None = None  # monotonic time the open batch began
        self.writes = 0
        self.commits = 0
        #: a commit of :meth:`keep_committing` that failed (raised by the next write)
        self.failure: Exception | None = None

    @contextlib.contextmanager
    def write(self) -> Iterator[None]:
        """Around one write: begins a batch if none is open, commits it when it is due. A
        commit that failed in :meth:`keep_committing` is raised here (the run fails)."""
        if self.failure is not None:
            raise self.failure
        if self.started is None:
            self.store.begin_batch()
            self.started = time.monotonic()
        yield
        self.writes += 1
        if self.writes >= self.pages or self._old():
            self.commit()

    def _old(self) -> bool:
        return self.started is not None and time.monotonic() - self.started >= self.seconds

    def commit(self) -> None:
        """Make the captures durable, then commit the open batch (a no-op without one). If
        the captures cannot be synced (a full disk: ``CaptureError``), the batch is rolled
        back, since its rows would point to records that may be lost, and the error raised:
        its pages are fetched again by the next run."""
        if self.started is None:
            return
        self.started, self.writes = None, 0
        try:
            if self.writer is not None:
                self.writer.sync()
        except BaseException:
            self.store.rollback_batch()
            raise
        self.store.commit_batch()
        self.commits += 1

    async def keep_committing(self) -> None:
        """Commit a batch left open :data:`BATCH_SECONDS` (run as a task; cancel it at the
        end and :meth:`commit` once more). A failed commit is kept in :attr:`failure` (the
        next write raises it) and ends the task."""
        while True:
            await asyncio.sleep(self.seconds / 2)
            if self._old():
                try:
                    self.commit()
                except Exception as exc:
                    self.failure = exc
                    return


def writing(batch: WriteBatch | None) -> contextlib.AbstractContextManager[None]:
    """Around one write: into ``batch`` when there is one (:meth:`WriteBatch.write`)."""
    return batch.write() if batch is not None else contextlib.nullcontext()


__all__ = ["BATCH_PAGES", "BATCH_SECONDS", "WriteBatch", "writing"]
