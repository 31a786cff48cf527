"""Writing a crawl's sources and runs into the archive: the ``sources`` row of each
configured source, a run's start and finish (status, counters, duration), its failed URLs
(``fetch_errors``) and its extraction counts (``run_extraction``). The pages a run saves go
through :mod:`archive.store.save`; the crawl engine calls both through
:class:`archive.store.sqlite.SqliteStore`.

A run that finishes ``ok`` re-checked every known page of its source: the derived indexes
hear of it (``registry.after_run``, or with the open batch's other runs when it ends).
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from typing import Any

import sqlite_utils

from archive.indexes import registry as registry
from archive.store import rows as rows
from archive.store.schema import write_transaction
from crawler.clock import now_iso, parse_iso
from crawler.config.settings import SourceConfig
from crawler.engine.store import ERROR_KINDS, ExtractionCounts
from crawler.records import RUN_COUNTERS

log = logging.getLogger(__name__)

RUN_STATUSES = ("running", "ok", "interrupted", "failed")


def save_source(db: sqlite_utils.Database, source: SourceConfig) -> None:
    """Insert or update the ``sources`` row for ``source`` (``added_at`` is kept)."""
    record: dict[str, Any] = {
        "name": source.name,
        "title": source.title or None,
        "city": source.city or None,
        "hosts": json.dumps(list(source.hosts)),
        "start_urls": json.dumps(list(source.start_urls)),
        # what UrlPolicy canonicalises to: a source rebuilt from this row keeps its URLs
        "scheme": source.canonical_scheme,
    }
    if db.execute("SELECT 1 FROM sources WHERE name = ?", [source.name]).fetchone() is None:
        record["added_at"] = now_iso()
    with write_transaction(db, one_statement=True):
        rows.upsert_row(db, "sources", record, ("name",))


def start_run(db: sqlite_utils.Database, source: str) -> int:
    """Record the start of a crawl of ``source``; return the run id."""
    with write_transaction(db, one_statement=True):
        cursor = db.conn.execute(
            "INSERT INTO crawl_runs (source, started_at, status) VALUES (?, ?, ?)",
            [source, now_iso(), "running"],
        )
    run_id = cursor.lastrowid
    assert isinstance(run_id, int)
    return run_id


def finish_run(
    db: sqlite_utils.Database,
    run_id: int,
    stats: dict[str, Any],
    status: str,
    batch: registry.PendingChanges | None = None,
) -> None:
    """Close run ``run_id`` with ``status`` and the counts in ``stats`` (with ``batch``,
    the open batch's pending changes, the derived indexes hear of an ``ok`` run when the
    batch ends, with the other runs that ended in it).

    Known keys are those of :data:`crawler.records.RUN_COUNTERS` plus ``duration`` (seconds;
    computed from ``started_at`` if absent). ``errors`` defaults to the number of
    ``fetch_errors`` rows of the run. Other keys are ignored.
    """
    if status not in RUN_STATUSES:
        raise ValueError(f"run status must be one of {', '.join(RUN_STATUSES)}, got {status!r}")
    row = db.execute("SELECT started_at, source FROM crawl_runs WHERE id = ?", [run_id]).fetchone()
    if row is None:
        raise ValueError(f"no crawl run with id {run_id}")
    finished = now_iso()
    update: dict[str, Any] = {"finished_at": finished, "status": status}
    for key in RUN_COUNTERS:
        if stats.get(key) is not None:
            update[key] = int(stats[key])
    if "errors" not in update:
        errors = db.execute("SELECT count(*) FROM fetch_errors WHERE run_id = ?", [run_id])
        update["errors"] = errors.fetchone()[0]
    if stats.get("duration") is not None:
        update["duration"] = float(stats["duration"])
    elif row[0]:
        delta = parse_iso(finished) - parse_iso(row[0])
        update["duration"] = delta.total_seconds()
    ignored = set(stats) - set(RUN_COUNTERS) - {"duration"}
    if ignored:
        log.debug("finish_run(%s): ignoring stats %s", run_id, sorted(ignored))
    assignments = ", ".join(f'"{column}" = ?' for column in update)
    with write_transaction(db, one_statement=True):
        db.conn.execute(
            f"UPDATE crawl_runs SET {assignments} WHERE id = ?", [*update.values(), run_id]
        )
    if status == "ok":  # every known page was re-checked then (graph edges: last seen)
        source = row[1]
        if batch is not None:
            batch.runs.append((source, finished))
        else:
            registry.after_run(db, source, finished)


def record_extraction(
    db: sqlite_utils.Database, run_id: int, source: str, counts: ExtractionCounts
) -> None:
    """Store the extraction counts of run ``run_id`` (replacing earlier ones)."""
    with write_transaction(db, one_statement=True):
        rows.upsert_row(
            db,
            "run_extraction",
            {"run_id": run_id, "source": source, **asdict(counts)},
            ("run_id",),
        )


def record_error(
    db: sqlite_utils.Database,
    run_id: int | None,
    source: str,
    url: str,
    status: int | None,
    error: str | None,
    kind: str,
) -> int:
    """Store one failed URL of a run (``kind``: one of
    :data:`crawler.engine.store.ERROR_KINDS`); return the row id."""
    if kind not in ERROR_KINDS:
        raise ValueError(f"error kind must be one of {', '.join(ERROR_KINDS)}, got {kind!r}")
    with write_transaction(db, one_statement=True):
        cursor = db.conn.execute(
            "INSERT INTO fetch_errors (run_id, source, url, status, error, time, kind) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [run_id, source, url, status, error, now_iso(), kind],
        )
    row_id = cursor.lastrowid
    assert isinstance(row_id, int)
    return row_id


__all__ = [
    "RUN_STATUSES", "finish_run", "record_error", "record_extraction", "save_source", "start_run",
]  # fmt: skip
