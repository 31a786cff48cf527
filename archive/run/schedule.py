"""``pressarchive schedule``: crawl every source on its own schedule, unattended.

One APScheduler 3 ``BlockingScheduler`` job per source, with the source's ``schedule``
(``"every 6h"`` → interval trigger, a crontab expression → cron trigger) and ``jitter``
from ``config.toml``. Every job has ``coalesce=True`` (missed runs become one),
``max_instances=1`` (a source never runs twice at once) and a ``misfire_grace_time`` of
its period (a run more than one period late is skipped: the next one is due anyway).

Next-run state lives in the archive (``schedule_state``: source, next_run_at, period), so
it survives restarts. When the scheduler starts, a source's next run is its stored
``next_run_at``; without one, the last finished run + the schedule; without any run, now.
A next run in the past (overdue), or a source whose last run was interrupted, runs at
once. ``next_run_at`` is written when the scheduler starts and after every run, never while
a run is under way, so a run killed with SIGKILL leaves its source due.

The scheduler holds the archive lock (``archive/store/locking.py``): a second scheduler or crawl
on the same archive refuses to start, naming the holder's pid; on start, runs a dead
process left ``running`` are marked ``interrupted``. SIGTERM and SIGINT set a stop event:
each crawl under way writes the page in hand, takes no further page, and is recorded as
``interrupted``; then the process exits.

Sources run one at a time (one pool thread): SQLite has one writer, and two crawls
writing at once make page transactions fail with "database is locked"; a source due while
another runs starts when that one ends (its missed fires coalesce).

``--once`` (for cron users): run every due source once, one after the other, and exit.

After each run (not an interrupted one) the new matches of the saved searches are delivered
(:mod:`archive.alerts.deliver`; a failure is logged and recorded, never a failed run). Each
run's outcome (``--once --json``) and its INFO log line (``--log-json``) carry the URLs the
run found new, changed and removed and the deliveries.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from archive.alerts.deliver import deliver_safely
from archive.run.crawl import crawl_sources
from archive.run.signals import stop_on_signals
from archive.store.locking import writer
from archive.store.schema import open_archive
from crawler import clock
from crawler.config.settings import Config, SourceConfig

log = logging.getLogger(__name__)

Echo = Callable[[str], None]


@dataclass
class RunOutcome:
    source: str
    status: str  # ok, interrupted, failed
    run_id: int | None
    counts: dict[str, Any]
    next_run_at: str
    #: the URLs the run found new, changed, removed (:attr:`CrawlStats.urls`)
    urls: dict[str, list[str]] = field(default_factory=dict)
    #: what was delivered to the watches' targets after the run (archive/alerts/deliver.py)
    deliveries: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source, "status": self.status, "run_id": self.run_id,
            **self.counts, "next_run_at": self.next_run_at, "urls": self.urls,
            "deliveries": self.deliveries,
        }  # fmt: skip


#: Extra fields of a log record (``log.info(..., extra={...})``) a JSON line carries.
JSON_EXTRAS = ("source", "run_id", "status", "urls", "deliveries")


class JsonLogFormatter(logging.Formatter):
    """One JSON object per log record: time, level, logger, message (and the exception),
    and the :data:`JSON_EXTRAS` the record has (a run's URLs and deliveries)."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": clock.to_iso(datetime.fromtimestamp(record.created, UTC)),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in JSON_EXTRAS:
            if key in record.__dict__:
                data[key] = record.__dict__[key]
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


# --------------------------------------------------------------------------- schedule math


def _aware(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return clock.parse_iso(value)
    except ValueError:
        log.warning("ignoring unreadable time %r in the archive", value)
        return None


def make_trigger(source: SourceConfig) -> BaseTrigger:
    """The APScheduler trigger of ``source``'s ``schedule`` and ``jitter``."""
    parsed = source.parsed_schedule
    jitter = source.jitter or None
    if parsed.interval is not None:
        return IntervalTrigger(seconds=parsed.interval, jitter=jitter)
    assert parsed.cron is not None
    trigger = CronTrigger.from_crontab(parsed.cron)
    trigger.jitter = jitter
    return trigger


def next_after(source: SourceConfig, when: datetime) -> datetime:
    """The scheduled run after ``when`` (without jitter)."""
    parsed = source.parsed_schedule
    if parsed.interval is not None:
        return when + timedelta(seconds=parsed.interval)
    assert parsed.cron is not None
    nxt = CronTrigger.from_crontab(parsed.cron).get_next_fire_time(None, when)
    assert nxt is not None
    return nxt.astimezone(UTC)


def period(source: SourceConfig) -> float:
    """Seconds between two scheduled runs (for cron: the next two fire times)."""
    parsed = source.parsed_schedule
    if parsed.interval is not None:
        return float(parsed.interval)
    first = next_after(source, clock.now())
    return (next_after(source, first) - first).total_seconds()


def next_due(db: sqlite_utils.Database, source: SourceConfig) -> datetime | None:
    """When ``source`` is due: ``None`` for never crawled (due now), else a time (maybe past)."""
    last = db.execute(
        "SELECT status, coalesce(finished_at, started_at) FROM crawl_runs WHERE source = ? "
        "AND status != 'running' ORDER BY id DESC LIMIT 1",
        [source.name],
    ).fetchone()
    row = db.execute(
        "SELECT next_run_at FROM schedule_state WHERE source = ?", [source.name]
    ).fetchone()
    return _due(source, last, row[0] if row else None)


def _due(source: SourceConfig, last: Any, stored_at: str | None) -> datetime | None:
    """:func:`next_due` from the source's last finished run (status, end) and stored next run."""
    if last is None or last[0] == "interrupted":
        return None
    stored = _aware(stored_at)
    if stored is not None:
        return stored
    finished = _aware(last[1])
    return next_after(source, finished) if finished else None


def all_due(db: sqlite_utils.Database, sources: Sequence[SourceConfig]) -> list[datetime | None]:
    """:func:`next_due` of every source, from one grouped query per table (not two queries
    per source, each a scan of ``crawl_runs``: quadratic with 50,000 sources)."""
    last = {
        row[0]: row[1:]
        for row in db.execute(
            "SELECT source, status, coalesce(finished_at, started_at) FROM crawl_runs "
            "WHERE id IN (SELECT max(id) FROM crawl_runs WHERE status != 'running' "
            "GROUP BY source)"
        )
    }
    stored = dict(db.execute("SELECT source, next_run_at FROM schedule_state").fetchall())
    return [_due(src, last.get(src.name), stored.get(src.name)) for src in sources]


def save_state(db: sqlite_utils.Database, source: SourceConfig, next_run_at: datetime) -> str:
    value = clock.to_iso(next_run_at)
    db.table("schedule_state").upsert(
        {"source": source.name, "next_run_at": value, "period": period(source),
         "updated_at": clock.now_iso()},
        pk="source",
    )  # fmt: skip
    return value


# --------------------------------------------------------------------------- the service


class Scheduler:
    """Runs the sources of ``config`` into the archive at ``db_path`` (see the module doc)."""

    def __init__(self, config: Config, db_path: str | Path, *, echo: Echo | None = None) -> None:
        self.config = config
        self.db_path = str(db_path)
        self.echo = echo or (lambda line: None)
        self.stop = threading.Event()
        self._active = 0
        self._idle = threading.Condition()
        self._scheduler: BlockingScheduler | None = None

    # -- one run

    def run_source(self, source: SourceConfig, planned: datetime | None = None) -> RunOutcome:
        """Crawl ``source`` once (own connection: jobs run in pool threads) and store its
        next run: the next scheduled time, or now if the run was interrupted."""
        with self._idle:
            self._active += 1
        try:
            db = open_archive(self.db_path)
            status, run_id, counts = "failed", None, {}
            urls: dict[str, list[str]] = {}
            sent: dict[str, Any] = {}
            try:
                # not crawl_source: a failed run is recorded and reported, never raised
                (stats,) = crawl_sources(db, self.config, [source], stop=self.stop)
                status, run_id, counts = stats.status, stats.run_id, stats.run_counts()
                urls = stats.urls
                if not self.stop.is_set():
                    sent = deliver_safely(db, self.config.alerts)
                log.info(
                    "%s: run %s %s: %d new, %d changed, %d removed URLs", source.name, run_id,
                    status, *(len(urls.get(k, [])) for k in ("new", "changed", "removed")),
                    extra={"source": source.name, "run_id": run_id, "status": status,
                           "urls": urls, "deliveries": sent},
                )  # fmt: skip
            finally:
                now = clock.now()
                interrupted = status == "interrupted"
                nxt = now if interrupted else self._planned_next(source, planned, now)
                value = save_state(db, source, nxt)
                db.close()
                self.echo(f"{source.name}: run {run_id} {status}; next run {value}")
        finally:
            with self._idle:
                self._active -= 1
                self._idle.notify_all()
        return RunOutcome(source.name, status, run_id, counts, value, urls, sent)

    def _planned_next(
        self, source: SourceConfig, planned: datetime | None, now: datetime
    ) -> datetime:
        if self._scheduler is not None:
            job = self._scheduler.get_job(source.name)
            if job is not None and job.next_run_time is not None:
                return job.next_run_time.astimezone(UTC)  # type: ignore[no-any-return]
        nxt = next_after(source, planned or now)
        return nxt if nxt > now else next_after(source, now)

    def _job(self, name: str) -> None:
        if self.stop.is_set():
            return
        self.run_source(self.config.source(name))

    # -- modes

    def due(self, db: sqlite_utils.Database, now: datetime) -> list[tuple[SourceConfig, datetime]]:
        """Every source with its next run (``now`` when it is due or overdue)."""
        whens = all_due(db, self.config.sources)
        return [
            (source, now if when is None or when <= now else when)
            for source, when in zip(self.config.sources, whens, strict=True)
        ]

    def run_once(self) -> list[RunOutcome]:
        """Run every due source once, one after the other (``--once``). A source whose run
        fails (recorded ``failed``, its error logged) does not keep the others from running."""
        with writer(self.db_path, "schedule --once") as db, self._signals(None):
            now = clock.now()
            due = [src for src, when in self.due(db, now) if when <= now]
            if not due:
                self.echo("no source is due")
            outcomes = []
            for source in due:
                if self.stop.is_set():
                    break
                try:
                    outcomes.append(self.run_source(source))
                except Exception as exc:
                    log.error("%s: run failed: %s", source.name, exc, exc_info=True)
                    outcomes.append(RunOutcome(source.name, "failed", None, {}, ""))
            return outcomes

    def serve(self) -> None:
        """Run until SIGTERM or SIGINT (``BlockingScheduler`` in this thread)."""

        def recovered(run_id: int) -> None:
            self.echo(f"run {run_id} was left running by a dead process: interrupted")

        with writer(self.db_path, "schedule", recovered=recovered) as db:
            scheduler = BlockingScheduler(
                # one crawl at a time: SQLite has one writer, and the crawl's read-then-write
                # transactions fail at once ("database is locked") against another writer
                executors={"default": ThreadPoolExecutor(1)},
                timezone=UTC,
            )
            self._scheduler = scheduler
            now = clock.now()
            for source, when in self.due(db, now):
                save_state(db, source, when)
                scheduler.add_job(
                    self._job, make_trigger(source), args=[source.name], id=source.name,
                    name=source.name, next_run_time=when, coalesce=True, max_instances=1,
                    misfire_grace_time=max(1, int(period(source))),
                )  # fmt: skip
                at = "now" if when <= now else clock.to_iso(when)
                self.echo(f"{source.name}: {source.schedule}, next run {at}")
            scheduler.add_listener(self._on_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED)
            with self._signals(scheduler):
                scheduler.start()  # returns after shutdown()
                with self._idle:
                    self._idle.wait_for(lambda: self._active == 0)
            self._scheduler = None
        self.echo("scheduler stopped")

    # -- plumbing

    def _on_event(self, event: JobExecutionEvent) -> None:
        if event.code == EVENT_JOB_MISSED:
            log.warning("%s: run planned for %s missed", event.job_id, event.scheduled_run_time)
        elif event.exception is not None:
            log.error("%s: run failed: %s", event.job_id, event.exception)

    def _signals(self, scheduler: BlockingScheduler | None) -> AbstractContextManager[Any]:
        def shutdown() -> None:
            if scheduler is not None and scheduler.running:
                scheduler.shutdown(wait=False)

        return stop_on_signals(self.stop, self.echo, shutdown)


__all__ = [
    "JsonLogFormatter",
    "RunOutcome",
    "Scheduler",
    "make_trigger",
    "next_after",
    "next_due",
    "save_state",
]
