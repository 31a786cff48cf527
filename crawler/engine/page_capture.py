"""The WARC records of the fetched pages that go to extraction: built by the worker.

Building a fetch's records (warcio's headers, the block and payload digests, gzip at
level 9) is about a tenth of the crawling process's CPU, and that process (its one
event loop) is what bounds a large crawl. So when pages are extracted in worker
processes, a fetched page's records are left out at fetch time (:func:`defers`), the
worker builds them with the extraction (``ExtractTask.warc``) and the loop only appends
their bytes (:meth:`~crawler.capture.warc.WarcWriter.write_prebuilt`), before it saves any
row pointing to them (:func:`extract_captured`: the archive's integrity rule,
:mod:`crawler.capture.warc`, holds as before).

Every fetch still gets its records: when the worker did not build them (extraction
raised, the pool fell back to threads, building failed), when the page was cancelled
while being extracted, or when its payload was stored before (a ``revisit``), the loop
writes them itself as for any other fetch. Discovery, media, robots.txt, 304s and errors
never go to extraction: their records are written at fetch time.
"""

from __future__ import annotations

from dataclasses import replace

from crawler.capture.warc import CaptureRef, WarcWriter
from crawler.engine.workers import ExtractOutcome, ExtractPool, ExtractTask, extract_task
from crawler.records import FetchResult

#: content types of pages (a response without one is tried as a page too)
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def is_page(result: FetchResult) -> bool:
    """Whether the crawl hands this fetch on for extraction: a new 2xx answer whose
    content type is HTML or not given."""
    if not result.ok or result.not_modified:
        return False
    ctype = result.content_type
    return not ctype or ctype in HTML_TYPES


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


__all__ = ["HTML_TYPES", "defers", "extract_captured", "is_page"]
