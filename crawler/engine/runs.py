"""Around a crawl's runs: the source as crawled (its learned template as the profile), its
last batch of writes and the end of its captures (either failing fails the runs)."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence

from crawler.capture.warc import WarcWriter
from crawler.config.settings import SourceConfig
from crawler.engine.batch import WriteBatch
from crawler.engine.stats import CrawlStats
from crawler.engine.store import Store
from crawler.errors import CaptureError

log = logging.getLogger(__name__)


def finish_batch(
    batch: WriteBatch, runs: Sequence[CrawlStats], failures: list[BaseException]
) -> None:
    """Commit the crawl's last batch. A failed commit (the captures could not be synced:
    a full disk, ``CaptureError`` naming the file; the batch was rolled back) or one that
    failed earlier fails every run that would have been ``ok``; the error is logged in one
    line and kept for ``raise_failure``."""
    problem: BaseException | None = batch.failure
    try:
        batch.commit()
    except CaptureError as exc:
        problem = exc
    if problem is None:
        return
    log.error("%s", problem)
    failures.append(problem)
    for stats in runs:
        if stats.status == "ok":
            stats.status = "failed"


def close_captures(
    writer: WarcWriter | None, runs: Sequence[CrawlStats], failures: list[BaseException]
) -> None:
    """Close the WARC file; when that fails (a full disk: ``CaptureError`` naming the file)
    every run that would have been ``ok`` is ``failed`` (its last records may be unsynced;
    the archive stays sound: rows point only to records synced when written), the error is
    logged in one line and kept for ``raise_failure``."""
    if writer is None:
        return
    try:
        writer.close()
    except CaptureError as exc:
        log.error("%s", exc)
        failures.append(exc)
        for stats in runs:
            if stats.status == "ok":
                stats.status = "failed"


def with_template(store: Store, source: SourceConfig) -> SourceConfig:
    """``source`` with its learned template as the profile when the config pins none (and
    the template applies: it reads no field worse than the generic layer)."""
    learned = store.learned_template(source.name)
    if learned is None or not learned.applies or source.site_profile is not None:
        return source
    return dataclasses.replace(source, site_profile=learned.profile)


__all__ = ["close_captures", "finish_batch", "with_template"]
