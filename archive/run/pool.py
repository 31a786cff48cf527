"""Extraction on every core for ``reparse`` and ``import-warc`` (issue 17, item 4).

The parent process reads the archive and decides what to extract; the workers of a
:class:`concurrent.futures.ProcessPoolExecutor` read the WARC record (``reparse``) and
extract it (:func:`crawler.extract.core.extract`, then canonical URLs) and prepare the
derived indexes' text work for a page to be saved (``archive.store.record.prepare_page``:
the German analysis, key phrases, entities; both commands); the parent takes
the results back **in submission order** and writes them, so the archive ends up exactly
as after the sequential run. What reads the archive stays in the parent: the learned
template (chosen before a task is sent), the date hints of a page without a date
(:func:`crawler.engine.pages.date_from_hints`, applied when its result is taken, after
every earlier write), saving.

``workers=1`` runs every task in the calling process, no pool (the library default; the
CLI's ``--workers`` defaults to ``os.cpu_count()``). Tasks go to the workers in chunks of
:data:`CHUNK` (a call of the pool costs more than its transport), at most ``workers * 2``
chunks in flight, so memory stays bounded whatever the archive's size.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from archive.store.record import prepare_page
from crawler.capture.reading import read_capture
from crawler.capture.warc import CaptureError, CaptureRef, warc_date
from crawler.config.settings import SourceConfig
from crawler.engine.pages import finish_page
from crawler.engine.workers import NO_STORE, RemoteTraceback, outcomes, policy_for
from crawler.extract.core import extract
from crawler.records import Candidate, Extracted, FetchResult

T = TypeVar("T")
R = TypeVar("R")
M = TypeVar("M")

_DECODED = {"content-encoding", "transfer-encoding", "content-length"}


#: tasks sent to a worker in one call by :func:`ordered_map` (BENCHMARKS.md, "Issue 17 at
#: the end of stop 24")
CHUNK = 8


def default_workers() -> int:
    return os.cpu_count() or 1


def fetch_result(url: str, headers: dict[str, str], body: bytes, when: str) -> FetchResult:
    """A stored response as the crawl's :class:`FetchResult` (status 200, headers of the
    decoded body)."""
    kept = {k: v for k, v in headers.items() if k not in _DECODED}
    return FetchResult(url=url, final_url=url, status=200, headers=kept, body=body, fetched_at=when)


@dataclass
class Extraction:
    """What a worker hands back: the page (``None`` when extraction raised: ``failure``
    holds the traceback) or a ``capture_error`` (the record could not be read)."""

    result: FetchResult | None = None
    page: Extracted | None = None
    failure: str = ""
    capture_error: str = ""
    #: the derived indexes' prepared work for the page (``archive.store.record.prepare_page``)
    prepared: Any = None


def extract_result(
    src: SourceConfig, result: FetchResult, prepare_against: str | None = None
) -> Extraction:
    """Extract ``result`` with ``src``'s profile and put its URLs in canonical form (no
    hints: they read the archive, the parent adds them). With ``prepare_against`` (the
    stored content hash, ``""`` for none) the indexes' work for the page is prepared too,
    unless the page is unchanged."""
    policy = policy_for(src)
    try:
        raw = extract(result.final_url or result.url, result.body, result.headers, src.site_profile)
        page = finish_page(NO_STORE, policy, Candidate(url=result.url), result, raw, hints=False)
    except Exception as exc:
        return Extraction(result, None, f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
    prepared = None
    if prepare_against is not None:
        stored = prepare_against or None
        prepared = prepare_page(src.name, src.city or None, page, result, stored)
    return Extraction(result, page, prepared=prepared)


def extract_capture(task: tuple[SourceConfig, Path, CaptureRef, str, str | None]) -> Extraction:
    """Read the record ``ref`` of ``folder`` (verified) and extract it as ``url``; the last
    element as ``prepare_against`` of :func:`extract_result`."""
    src, folder, ref, url, prepare_against = task
    try:
        capture = read_capture(folder, ref)
    except CaptureError as exc:
        return Extraction(capture_error=str(exc))
    result = fetch_result(url, capture.headers, capture.body, warc_date(capture.capture_time))
    return _without_body(extract_result(src, result, prepare_against))


def extract_fetched(task: tuple[SourceConfig, FetchResult, str]) -> Extraction:
    """``import-warc``'s task: :func:`extract_result` of a stored response, with the
    derived indexes' work prepared against the stored content hash (``""``: none) for a
    page the import saves (not a listing, not empty), so the writer only writes."""
    src, result, against = task
    done = extract_result(src, result)
    page = done.page
    if page is not None and page.page_type != "listing" and (page.title or page.body):
        done.prepared = prepare_page(src.name, src.city or None, page, result, against or None)
    return _without_body(done)


def _without_body(done: Extraction) -> Extraction:
    """``done`` with its response's body left behind: the writer needs the status, headers,
    URLs and time, never the bytes (the record has them), and a worker's result travels
    through a pipe (~130 KB a real page, 13 GB for 100,000 versions)."""
    if done.result is not None and done.result.body:
        done.result = dataclasses.replace(done.result, body=b"")
    return done


#: a task's result from a worker: ``(True, value)``, or ``(False, (exception, traceback))``
_Done = tuple[bool, Any]


def _each(fn: Callable[[T], R], tasks: list[T | None]) -> list[_Done]:
    """``fn`` of each task of a chunk, in one call of a worker (``None``: nothing to do;
    :func:`crawler.engine.workers.outcomes`: a task that raises fails itself only)."""
    return outcomes(lambda task: None if task is None else fn(task), tasks)


def ordered_map(
    fn: Callable[[T], R], tasks: Iterable[tuple[M, T | None]], workers: int, *, ahead: int = 2,
    chunk: int = CHUNK,
) -> Iterator[tuple[M, R | None]]:  # fmt: skip
    """``(meta, fn(task))`` for each ``(meta, task)`` of ``tasks``, in their order: in this
    process when ``workers`` is 1, else in a pool of ``workers`` processes, ``chunk`` tasks
    a call, with at most ``workers * ahead`` calls in flight (``workers * ahead * chunk``
    tasks: import-warc's carry their response, at most ``crawler.max_bytes`` each); a task
    ``None`` gives ``None`` (nothing to do); a task that raised raises at its turn, after
    every earlier result. ``tasks`` is consumed lazily (it may read the archive as results
    are written); ``meta`` stays in this process. A call's own cost in the pool (the
    future, the queues, pickling, waking the threads and a worker: 0.09–0.15 ms of CPU
    across the processes here, 0.013 ms a task in chunks of 8) is paid once a chunk. Left
    early (an error, Ctrl-C, a consumer that stops), the chunks not started are cancelled."""
    if workers <= 1 or multiprocessing.current_process().daemon:
        # a daemonic process (a Dask worker's) may not start processes: all in this one
        for meta, task in tasks:
            yield meta, None if task is None else fn(task)
        return
    pending: deque[tuple[list[M], Future[list[_Done]]]] = deque()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        try:
            metas: list[M] = []
            todo: list[T | None] = []
            for meta, task in tasks:
                metas.append(meta)
                todo.append(task)
                if len(todo) < chunk:
                    continue
                pending.append((metas, _submit(pool, fn, todo)))
                metas, todo = [], []
                if len(pending) >= workers * ahead:
                    yield from _taken(*pending.popleft())
            if todo:
                pending.append((metas, _submit(pool, fn, todo)))
            while pending:
                yield from _taken(*pending.popleft())
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _submit(
    pool: ProcessPoolExecutor, fn: Callable[[T], R], todo: list[T | None]
) -> Future[list[_Done]]:
    """The chunk ``todo`` sent to a worker; one with nothing to do is answered here."""
    if any(task is not None for task in todo):
        return pool.submit(_each, fn, todo)
    nothing: Future[list[_Done]] = Future()
    nothing.set_result([(True, None)] * len(todo))
    return nothing


def _taken(metas: list[M], future: Future[list[_Done]]) -> Iterator[tuple[M, Any]]:
    for meta, (ok, value) in zip(metas, future.result(), strict=True):
        if not ok:
            exc, text = value
            raise exc from RemoteTraceback(text)
        yield meta, value


__all__ = [
    "Extraction",
    "default_workers",
    "extract_capture",
    "extract_fetched",
    "extract_result",
    "fetch_result",
    "ordered_map",
]
