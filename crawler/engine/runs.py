"""Around a crawl's runs: the source as crawled (its learned template as the profile), its
last batch of writes and the end of its captures (either failing fails the runs), and the
runs' closing rows."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence

from crawler.capture.warc import WarcWriter
from crawler.config.settings import SourceConfig
from crawler.engine.batch import WriteBatch
from crawler.engine.stats import CrawlStats
from crawler.engine.store import ExtractionCounts, Store, TemplateCounts
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
    except Exception as exc:  # CaptureError, or the database: rolled back either way
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


#: what closes one run: its counters and status, its template checks, its extraction counts
RunClosing = tuple[CrawlStats, TemplateCounts | None, ExtractionCounts]


def _close(store: Store, stats: CrawlStats, template: TemplateCounts | None,
           extraction: ExtractionCounts) -> None:  # fmt: skip
    if template is not None and template.pages:
        store.record_template_run(stats.run_id, stats.source, template)
    store.finish_run(stats.run_id, stats.source, stats.run_counts(), stats.status, extraction)


def close_runs(store: Store, runs: Sequence[RunClosing]) -> None:
    """Record every run's template checks, counters and status in one transaction (the
    derived indexes hear of the ``ok`` runs together, at its commit); if that fails, run
    by run, each in a transaction of its own (the error logged), so one run's trouble
    does not cost the others their rows."""
    store.begin_batch()
    try:
        for closing in runs:
            _close(store, *closing)
        store.commit_batch()
    except Exception as exc:
        store.rollback_batch()
        log.error("closing the runs together failed (%s): closing them one by one", exc)
        for closing in runs:
            _close(store, *closing)
    except BaseException:
        store.rollback_batch()
        raise


def with_template(store: Store, source: SourceConfig) -> SourceConfig:
    """``source`` with its learned template as the profile when the config pins none (and
    the template applies: it reads no field worse than the generic layer)."""
    learned = store.learned_template(source.name)
    if learned is None or not learned.applies or source.site_profile is not None:
        return source
    return dataclasses.replace(source, site_profile=learned.profile)


__all__ = ["RunClosing", "close_captures", "close_runs", "finish_batch", "with_template"]
