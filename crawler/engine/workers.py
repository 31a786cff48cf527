"""Where the crawl extracts pages: worker processes on every core, or threads.

For each fetched page, :func:`extract_task` does the work that needs no archive, in this
order:

1. extraction (:func:`crawler.extract.core.extract`, with the source's profile);
2. every URL of the page in canonical form (:func:`crawler.engine.pages.finish_page`
   without hints: date hints read the archive, the crawl adds them afterwards);
3. the check of the source's learned template (drift), when it has one;
4. the store's own pure work for a page it will save (``Store.page_preparer``: for the
   SQLite archive, the German analysis of the search index and the key phrases and
   entities of the topic index), so the one writer only writes;
5. in a worker process, when the crawl asks for it, the page's WARC records
   (:func:`crawler.capture.warc.build_records`), which the crawl then only appends.

:class:`ExtractPool` runs it in a :class:`~concurrent.futures.ProcessPoolExecutor` (the
``forkserver`` context: workers never inherit the crawl's threads, sockets or database
connection; the modules a task needs are imported once, in the fork server) when the
crawl has at least :data:`PROCESS_MIN_PAGES` pages to check and ``crawler.extract_processes``
allows it; else, and after a worker process dies, in :data:`EXTRACT_THREADS` threads.
The worker processes run at a lower CPU priority (:data:`WORKER_NICE`) than the crawl.
The results go back to the crawl's event loop, which writes them.
"""

from __future__ import annotations

import asyncio
import collections
import functools
import logging
import multiprocessing
import multiprocessing.forkserver
import os
import pickle
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from crawler.capture.warc import PrebuiltRecords, build_records
from crawler.config.settings import SourceConfig
from crawler.engine.pages import finish_page
from crawler.engine.store import Prepare, Store
from crawler.extract.core import extract
from crawler.extract.learn import template_matches
from crawler.extract.profiles import SiteProfile
from crawler.fetch.urls import UrlPolicy
from crawler.records import Candidate, Extracted, FetchResult

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")

#: threads extracting pages when no worker processes run (CPU-bound under the GIL: more
#: would only hold more pages in memory at once)
EXTRACT_THREADS = 2
#: pages to check (after discovery, every source of the crawl together) from which worker
#: processes are started in the automatic mode: below it, starting them costs more than
#: they save (about 0.1 s of CPU for each worker, once per crawl)
PROCESS_MIN_PAGES = 200

#: seconds a page for the worker processes waits for others to go with it: one hand-off
#: (and one wake-up of the pool's threads) carries the pages of that time
GATHER_SECONDS = 0.01

#: pages handed on (waiting for or in extraction, or for their write) per worker (process
#: or thread) at most: enough that a fetch rarely waits for the writer (8 a worker held the
#: 100-host bench at ~260 pages/s: each page keeps its slot ~60 ms, BENCHMARKS.md)
IN_FLIGHT_PER_WORKER = 32
#: bytes of the bodies of the pages handed on together at most (the memory bound when
#: pages are big; a bigger page passes when it is the only one)
IN_FLIGHT_BYTES = 64 * 1024 * 1024

#: how much lower the worker processes' CPU priority is than the crawl's (``nice``
#: increment): when the cores are busy the event loop, which starts requests on time and
#: serves the sockets, runs first and the extraction takes the rest. Two cores at 2,000
#: hosts: the loop waited ~4 s for a core instead of 7-8 s (BENCHMARKS.md, stop 26)
WORKER_NICE = 10


def lower_priority() -> None:
    """Run this worker process at :data:`WORKER_NICE` below its parent (where the platform
    has ``os.nice``; a failure leaves the priority as it is)."""
    try:
        os.nice(WORKER_NICE)
    except (AttributeError, OSError) as exc:
        log.debug("worker priority left as it is: %s", exc)


@dataclass(frozen=True)
class ExtractTask:
    """One fetched page to extract: requested as ``url``; ``learned``: the source's learned
    template to check (``None``: none); ``prepare``: the store's per-page work, given
    ``stored_hash`` (the stored page's, to skip an unchanged one); ``warc``: build the
    fetch's WARC records too (only worth it in a worker process)."""

    source: SourceConfig
    url: str
    result: FetchResult
    learned: SiteProfile | None = None
    prepare: Prepare | None = None
    stored_hash: str | None = None
    warc: bool = False


@dataclass(frozen=True)
class ExtractOutcome:
    """The page (canonical URLs, no hints yet), whether the learned template fits it
    (``None``: no verdict), the store's prepared work (``None``: none) and the fetch's
    WARC records (``None``: not asked for, or not built: the crawl writes them)."""

    page: Extracted
    fits: bool | None = None
    prepared: Any = None
    records: PrebuiltRecords | None = None


def saved_kind(page: Extracted) -> bool:
    """Whether the crawl will save ``page`` (not a listing, not a site's front page, not
    empty): only those are prepared."""
    if page.page_type == "listing" or urlsplit(page.url).path in ("", "/"):
        return False
    return bool(page.title or page.body)


def extract_task(task: ExtractTask) -> ExtractOutcome:
    """Steps 1–5 of the module docstring for one page (an extractor bug raises)."""
    result = task.result
    raw = extract(
        result.final_url or task.url, result.body, result.headers, task.source.site_profile
    )
    page = finish_page(
        NO_STORE, policy_for(task.source), Candidate(url=task.url), result, raw, hints=False
    )
    fits = template_matches(task.learned, result.body, result.headers) if task.learned else None
    prepared = None
    if task.prepare is not None and saved_kind(page):
        try:
            prepared = task.prepare(page, result, task.stored_hash)
        except Exception:  # the writer does the same work again and meets the bug there
            log.warning("%s: preparing the page failed", page.url, exc_info=True)
    records = None
    if task.warc:
        try:
            records = build_records(result)
        except Exception:  # the crawl writes them itself (and meets the bug there)
            log.warning("%s: building the WARC records failed", page.url, exc_info=True)
    return ExtractOutcome(page, fits, prepared, records)


def outcomes(fn: Callable[[T], R], tasks: Sequence[T]) -> list[tuple[bool, Any]]:
    """``fn`` of each task in one call of a worker process: ``(True, result)`` or
    ``(False, (exception, its traceback))`` for each, in order (a task that raises fails
    itself only); an exception that could not travel back (or a ``StopIteration``, which a
    Future refuses) comes as a ``RuntimeError`` with the same words."""
    done: list[tuple[bool, Any]] = []
    for task in tasks:
        try:
            done.append((True, fn(task)))
        except Exception as exc:
            text = traceback.format_exc()
            try:  # it must travel back (and a Future refuses StopIteration)
                if isinstance(exc, StopIteration):
                    raise TypeError
                pickle.loads(pickle.dumps(exc))
            except Exception:  # as a plain error with the same words
                exc = RuntimeError(f"{type(exc).__name__}: {exc}")
            done.append((False, (exc, text)))
    return done


#: what a worker process is handed: a page to extract, or a fetch whose WARC records to
#: build (a listing, feed or sitemap of discovery: :meth:`ExtractPool.records`)
Work = ExtractTask | FetchResult


def work(item: Work) -> ExtractOutcome | PrebuiltRecords | None:
    """:func:`extract_task` of a page, :func:`build_records` of a fetch."""
    if isinstance(item, ExtractTask):
        return extract_task(item)
    return build_records(item)


def extract_tasks(tasks: list[Work]) -> list[tuple[bool, Any]]:
    """:func:`work` for several items in one call of a worker process (:func:`outcomes`:
    an extractor bug fails its own page only)."""
    return outcomes(work, tasks)


def _in_thread(task: ExtractTask) -> ExtractOutcome:
    """:func:`extract_task` for a thread: a StopIteration cannot be set on the asyncio
    future (run_in_executor would leave it pending forever). No WARC records: built in
    a thread, they would cost the crawl's process as much as writing them."""
    try:
        return extract_task(replace(task, warc=False) if task.warc else task)
    except StopIteration as exc:
        raise RuntimeError(f"StopIteration: {exc}") from exc


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker process (set as its cause)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class _PoolFailed(Exception):
    """The worker processes failed (not the page): extract it in a thread."""


_policies: dict[str, tuple[SourceConfig, UrlPolicy]] = {}


def policy_for(source: SourceConfig) -> UrlPolicy:
    """One :class:`UrlPolicy` per source and process (its regexes compiled once)."""
    cached = _policies.get(source.name)
    if cached is None or cached[0] != source:
        cached = _policies[source.name] = (source, UrlPolicy(source))
    return cached[1]


class _NoStore:
    """``finish_page`` without hints never reads the store (:data:`NO_STORE`: where pages
    are finished away from the archive)."""

    def __getattr__(self, name: str) -> object:  # pragma: no cover - a programming error
        raise AssertionError(f"the store is not read while extracting ({name})")


NO_STORE = cast(Store, _NoStore())


class InFlight:
    """The pages handed on and not saved yet: at most ``pages`` of them and ``size`` bytes
    of bodies together (one page of any size when none is in flight); waiters are served
    first come, first served. For the one event loop of a crawl."""

    def __init__(self, pages: int, size: int) -> None:
        self.max_pages = max(1, pages)
        self.max_bytes = size
        self.pages = 0
        self.bytes = 0
        self._waiters: collections.deque[tuple[int, asyncio.Future[None]]] = collections.deque()

    def _fits(self, size: int) -> bool:
        if self.pages == 0:
            return True
        return self.pages < self.max_pages and self.bytes + size <= self.max_bytes

    def _take(self, size: int) -> None:
        self.pages += 1
        self.bytes += size

    async def acquire(self, size: int) -> None:
        """Wait until a page of ``size`` bytes fits, then count it in."""
        if not self._waiters and self._fits(size):
            self._take(size)
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append((size, waiter))
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release(size)  # granted, then cancelled before it ran: give it back
            raise

    def release(self, size: int) -> None:
        """Count a page of ``size`` bytes out (saved, failed or dropped)."""
        self.pages -= 1
        self.bytes -= size
        while self._waiters:
            want, waiter = self._waiters[0]
            if waiter.done():  # cancelled while waiting
                self._waiters.popleft()
                continue
            if not self._fits(want):
                break
            self._waiters.popleft()
            self._take(want)
            waiter.set_result(None)


class ExtractPool:
    """Runs :func:`extract_task` for a crawl: threads first; worker processes (``processes``
    of them; 0: one per core, started once :meth:`expect` has counted
    :data:`PROCESS_MIN_PAGES` pages; 1: never) when they pay."""

    def __init__(self, processes: int = 0, preload: tuple[str, ...] = ()) -> None:
        cores = os.cpu_count() or 1
        self.auto = processes == 0
        self.size = cores if self.auto else processes
        self.preload = preload
        self.expected = 0
        #: pages handed on for extraction and not saved yet, at most (a crawl's fetches
        #: wait for a slot: memory stays bounded when extraction or writing is slower)
        self.slots = InFlight(
            IN_FLIGHT_PER_WORKER * max(self.size, EXTRACT_THREADS), IN_FLIGHT_BYTES
        )
        self._threads: ThreadPoolExecutor | None = None
        self._processes: ProcessPoolExecutor | None = None
        self._broken = False
        #: pages waiting (:data:`GATHER_SECONDS` at most) to go to the processes together
        self._gathered: list[tuple[Work, asyncio.Future[Any]]] = []
        self._send_at: asyncio.TimerHandle | None = None
        self._send_loop: asyncio.AbstractEventLoop | None = None
        if not self.auto and self.size > 1:
            self._start_processes()

    @property
    def uses_processes(self) -> bool:
        return self._processes is not None

    def expect(self, pages: int) -> None:
        """``pages`` more pages are queued; in the automatic mode, worker processes start
        once the crawl has :data:`PROCESS_MIN_PAGES` of them (with more than one core)."""
        self.expected += pages
        if self.auto and self.size > 1 and self.expected >= PROCESS_MIN_PAGES:
            self._start_processes()

    def warm(self) -> None:
        """Start the fork server now, in the background, when worker processes may start
        later (the automatic mode or several processes, more than one core): its imports
        (~1 s) then overlap discovery instead of keeping the first fetched pages waiting;
        one fork server serves every crawl of this process."""
        if self._processes is not None or self._broken or self.size < 2:
            return
        if multiprocessing.current_process().daemon:
            return
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["crawler.engine.workers", *self.preload])
        try:
            multiprocessing.forkserver.ensure_running()
        except OSError as exc:  # it starts again (or fails, logged) with the processes
            log.debug("fork server not started ahead: %s", exc)

    def _start_processes(self) -> None:
        if self._processes is not None or self._broken:
            return
        if multiprocessing.current_process().daemon:  # a Dask worker's: no children allowed
            log.debug("in a daemonic process: extracting in threads")
            self._broken = True
            return
        context = multiprocessing.get_context("forkserver")
        modules = ["crawler.engine.workers", *self.preload]
        context.set_forkserver_preload(modules)  # used when the fork server starts
        self._processes = ProcessPoolExecutor(
            self.size, mp_context=context, initializer=lower_priority
        )
        log.debug("extracting in %d worker processes", self.size)

    def _executor(self) -> Executor:
        if self._processes is not None:
            return self._processes
        if self._threads is None:
            self._threads = ThreadPoolExecutor(EXTRACT_THREADS, thread_name_prefix="extract")
        return self._threads

    async def run(self, task: ExtractTask) -> ExtractOutcome:
        """:func:`extract_task` off the event loop. Worker processes that cannot start (a
        script without the ``if __name__ == "__main__"`` guard, no process left) or that
        died (killed, out of memory) end the processes: logged once, this page and every
        later one in threads. Pages for the processes are gathered for
        :data:`GATHER_SECONDS` and handed over together (:meth:`_send`)."""
        loop = asyncio.get_running_loop()
        if self._processes is not None:
            try:
                return cast(ExtractOutcome, await self._gather(task))
            except _PoolFailed:
                pass
        return await loop.run_in_executor(self._executor(), _in_thread, task)

    async def records(self, result: FetchResult) -> PrebuiltRecords | None:
        """The WARC records of a fetch that goes to no extraction (a listing, feed or
        sitemap of discovery), built in a worker process, handed over with the pages;
        ``None`` when no worker process runs (the crawl writes them itself, as it would
        in a thread). A failure to build them raises here."""
        if self._processes is None:
            return None
        try:
            return cast(PrebuiltRecords | None, await self._gather(result))
        except _PoolFailed:
            return None

    def _gather(self, item: Work) -> asyncio.Future[Any]:
        """``item``'s place among the items gathered for the processes: its result."""
        loop = asyncio.get_running_loop()
        if self._send_at is not None and self._send_loop is not loop:  # an ended loop's
            self._send_at.cancel()
            self._send_at = None
            self._gathered = [(t, w) for t, w in self._gathered if not w.done()]
        waiter: asyncio.Future[Any] = loop.create_future()
        self._gathered.append((item, waiter))
        if self._send_at is None:
            self._send_at = loop.call_later(GATHER_SECONDS, self._send)
            self._send_loop = loop
        return waiter

    def _send(self) -> None:
        """Hand the gathered pages to the processes: one call of :func:`extract_tasks` per
        process, the pages shared out in turn."""
        self._send_at = None
        gathered, self._gathered = self._gathered, []
        executor = self._processes
        if executor is None:  # they failed meanwhile
            self._release(gathered, _PoolFailed())
            return
        for k in range(min(self.size, len(gathered))):
            chunk = gathered[k :: self.size]
            try:
                sent = executor.submit(extract_tasks, [task for task, _waiter in chunk])
            except (BrokenProcessPool, RuntimeError) as exc:
                self._fail(exc)
                self._release(chunk, _PoolFailed())
                continue
            asyncio.wrap_future(sent).add_done_callback(functools.partial(self._deliver, chunk))

    def _deliver(
        self,
        chunk: list[tuple[Work, asyncio.Future[Any]]],
        sent: asyncio.Future[list[tuple[bool, Any]]],
    ) -> None:
        """The results of one hand-off to their pages (on the event loop)."""
        error = asyncio.CancelledError() if sent.cancelled() else sent.exception()
        if error is not None:
            if isinstance(error, (BrokenProcessPool, RuntimeError, OSError)) or isinstance(
                error, asyncio.CancelledError
            ):
                self._fail(error)
                error = _PoolFailed()
            self._release(chunk, error)
            return
        results = sent.result()
        if len(results) != len(chunk):  # never: but a waiter left unresolved hangs the crawl
            self._release(chunk, RuntimeError(f"{len(results)} results for {len(chunk)} pages"))
            return
        for (_task, waiter), (ok, value) in zip(chunk, results, strict=True):
            if waiter.done():  # its crawl was cancelled
                continue
            try:
                if ok:
                    waiter.set_result(value)
                else:
                    exc, text = value
                    exc.__cause__ = RemoteTraceback(text)
                    waiter.set_exception(exc)
            except Exception as error:  # e.g. StopIteration: never leave a page unresolved
                waiter.set_exception(RuntimeError(f"{type(error).__name__}: {error}"))

    @staticmethod
    def _release(chunk: list[tuple[Work, asyncio.Future[Any]]], error: BaseException) -> None:
        for _task, waiter in chunk:
            if not waiter.done() and not waiter.get_loop().is_closed():
                waiter.set_exception(error)

    def _fail(self, exc: BaseException) -> None:
        """The processes failed: logged once, closed; later pages go to threads."""
        executor, self._processes = self._processes, None
        if executor is None:
            return
        log.error("extraction worker processes failed (%s): extracting in threads", exc)
        self._broken = True
        executor.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        if self._send_at is not None:
            self._send_at.cancel()
            self._send_at = None
        self._release(self._gathered, _PoolFailed())
        self._gathered = []
        for executor in (self._threads, self._processes):
            if executor is not None:
                executor.shutdown(wait=True, cancel_futures=True)
        self._threads = self._processes = None


__all__ = [
    "EXTRACT_THREADS", "IN_FLIGHT_BYTES", "IN_FLIGHT_PER_WORKER", "InFlight", "PROCESS_MIN_PAGES",
    "ExtractOutcome", "ExtractPool", "ExtractTask", "WORKER_NICE", "Work", "lower_priority",
    "NO_STORE", "RemoteTraceback", "extract_task", "extract_tasks", "outcomes", "policy_for",
    "saved_kind", "work",
]  # fmt: skip
