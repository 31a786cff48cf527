"""What one crawl run did, counted (:class:`CrawlStats`): returned by the engine
(:mod:`crawler.engine.crawl`), stored with the run, printed by the CLI."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from crawler.records import RUN_COUNTERS

#: failed URLs kept in ``CrawlStats.error_urls`` (memory stays flat on a failing site)
MAX_ERROR_URLS = 100
#: the outcomes whose page URLs a run lists (:attr:`CrawlStats.urls`)
URL_OUTCOMES = ("new", "changed", "removed")


@dataclass
class CrawlStats:
    source: str
    run_id: int = 0
    status: str = "ok"
    fetched: int = 0  # responses with a body (pages, listings, feeds, sitemaps)
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    not_modified: int = 0  # 304 answers to conditional requests
    removed: int = 0
    skipped: int = 0  # listing pages reached as pages, pages over max_pages
    errors: int = 0
    requests: int = 0  # HTTP requests sent, retries and robots.txt included
    bytes: int = 0
    duration: float = 0.0
    #: media of the saved pages (``crawler.engine.media``): files archived (revisits of
    #: identical bytes included), their bytes, revisits, failures, files over the budget
    media_fetched: int = 0
    media_bytes: int = 0
    media_revisits: int = 0
    media_errors: int = 0
    media_skipped: int = 0
    #: the first MAX_ERROR_URLS failed URLs (all of them are in ``fetch_errors``)
    error_urls: list[str] = field(default_factory=list)
    #: the stored URLs of the pages this run found new, changed or removed, in that order
    #: of arrival (``crawl --json``: what to look at after a run)
    urls: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in URL_OUTCOMES})

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def run_counts(self) -> dict[str, Any]:
        """The counters (:data:`crawler.records.RUN_COUNTERS`) and ``duration``, as stored."""
        out: dict[str, Any] = {k: getattr(self, k) for k in RUN_COUNTERS}
        out["duration"] = round(self.duration, 3)
        return out


__all__ = ["MAX_ERROR_URLS", "URL_OUTCOMES", "CrawlStats"]
