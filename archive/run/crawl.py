"""Crawl runs into an archive file: the engine (:mod:`crawler.engine.crawl`) over a
:class:`~archive.store.sqlite.SqliteStore`.

The CLI, the scheduler and the tests start crawls here with a database; everything about
*how* a source is crawled lives in the engine. After the runs, a source that finished ``ok``
with at least ``crawler.learn_after`` stored pages and no learned template gets one
(:mod:`archive.run.learn`). While the runs write, WAL checkpoints happen in a thread of
their own (:mod:`archive.store.checkpoint`), not in the crawl's event loop.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

import httpx
import sqlite_utils

from archive.run.learn import learn_missing
from archive.run.pool import default_workers
from archive.store.checkpoint import BackgroundCheckpoints
from archive.store.sqlite import SqliteStore
from crawler.config.settings import Config, SourceConfig
from crawler.engine import crawl as engine
from crawler.engine.crawl import MAX_ERROR_URLS, CrawlStats, Progress

log = logging.getLogger(__name__)

#: sources learning templates after a crawl from which worker processes do it
LEARN_POOL_MIN = 4

__all__ = [
    "MAX_ERROR_URLS", "CrawlStats", "Progress", "crawl_source", "crawl_sources", "learn_templates",
]  # fmt: skip


def crawl_source(
    db: sqlite_utils.Database,
    config: Config,
    source: SourceConfig,
    *,
    progress: Progress | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    capture: bool = True,
    stop: threading.Event | None = None,
) -> CrawlStats:
    """Crawl one source into ``db``; see :func:`crawler.engine.crawl.crawl_source` (an
    unexpected error fails the run and is raised)."""
    (stats,) = crawl_sources(
        db, config, (source,), progress=progress, transport=transport, capture=capture,
        stop=stop, raise_failure=True,
    )  # fmt: skip
    return stats


def crawl_sources(
    db: sqlite_utils.Database,
    config: Config,
    sources: Sequence[SourceConfig],
    *,
    progress: Progress | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    capture: bool = True,
    stop: threading.Event | None = None,
    parallel: int = 8,
    raise_failure: bool = False,
) -> list[CrawlStats]:
    """Crawl several sources into ``db``; see :func:`crawler.engine.crawl.crawl_sources`."""
    with BackgroundCheckpoints(db):
        runs = engine.crawl_sources(
            SqliteStore(db),
            config,
            sources,
            progress=progress,
            transport=transport,
            capture=capture,
            stop=stop,
            parallel=parallel,
            raise_failure=raise_failure,
        )
    learn_templates(db, config, runs)
    return runs


def learn_templates(db: sqlite_utils.Database, config: Config, runs: Sequence[CrawlStats]) -> None:
    """Learn the templates sources that ran ``ok`` lack (``crawler.learn_after`` pages), in
    worker processes when there are several (``crawler.extract_processes``): the last step
    of a crawl."""
    done = [stats.source for stats in runs if stats.status == "ok"]
    setting = config.crawler.extract_processes
    workers = (default_workers() if setting == 0 else setting) if len(done) >= LEARN_POOL_MIN else 1
    try:
        learn_missing(db, done, config.crawler.learn_after, workers=workers)
    except Exception:  # a learner bug must not fail runs already recorded: logged, go on
        log.error("learning site templates failed for %s", ", ".join(done), exc_info=True)
