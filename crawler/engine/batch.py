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

On the event loop a commit goes in steps (:meth:`WriteBatch.commit_in_steps`): the
derived-index work of :data:`FLUSH_PAGES` pages at a time (``Store.flush_batch``), the
loop serving sockets and timers between the steps, then the WARC sync and the commit at
once. Writes made between the steps join the batch (their records were written before
them, so the sync covers them); no write can come between the sync and the commit.
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
#: pages whose derived-index work one step of a commit does (~10 ms of the event loop)
FLUSH_PAGES = 16


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
        #: a commit on the event loop that failed (raised by the next write)
        self.failure: Exception | None = None
        #: the commit in steps under way, if any
        self.stepping: asyncio.Task[None] | None = None

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
        if self.stepping is None and (self.writes >= self.pages or self._old()):
            try:
                asyncio.get_running_loop()
            except RuntimeError:  # no event loop: at once
                self.commit()
            else:
                self.stepping = asyncio.create_task(self.commit_in_steps())

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

    async def commit_in_steps(self) -> None:
        """:meth:`commit` on the event loop: the derived-index work in steps of
        :data:`FLUSH_PAGES` pages, the loop running between them, then the sync and the
        commit. A failure is kept in :attr:`failure` (the next write raises it)."""
        try:
            # the steps cover the writes due now and, up to as many steps again, the writes
            # made meanwhile; what is left is flushed by the commit itself (so a loop writing
            # FLUSH_PAGES pages between two steps cannot keep the batch open for ever, and
            # the commit, one block of the loop, rarely has more than a step's pages to do)
            for _ in range(2 * -(-self.writes // FLUSH_PAGES)):
                if not self.store.flush_batch(FLUSH_PAGES):
                    break
                await asyncio.sleep(0)
            self.commit()
        except Exception as exc:
            self.failure = exc
            self.started, self.writes = None, 0  # the store rolled the batch back
        finally:
            if self.stepping is asyncio.current_task():
                self.stepping = None

    async def settle(self) -> None:
        """Wait for the commit in steps under way, if any (before the crawl's last commit)."""
        if self.stepping is not None:
            await asyncio.shield(self.stepping)

    async def keep_committing(self) -> None:
        """Commit a batch left open :data:`BATCH_SECONDS` (run as a task; cancel it at the
        end, :meth:`settle` and :meth:`commit` once more). A failed commit is kept in
        :attr:`failure` (the next write raises it) and ends the task."""
        while self.failure is None:
            await asyncio.sleep(self.seconds / 2)
            if self._old() and self.stepping is None:
                self.stepping = asyncio.create_task(self.commit_in_steps())
                await asyncio.shield(self.stepping)


def writing(batch: WriteBatch | None) -> contextlib.AbstractContextManager[None]:
    """Around one write: into ``batch`` when there is one (:meth:`WriteBatch.write`)."""
    return batch.write() if batch is not None else contextlib.nullcontext()


__all__ = ["BATCH_PAGES", "BATCH_SECONDS", "FLUSH_PAGES", "WriteBatch", "writing"]
