"""Health of each source for monitoring: failing, overdue, drifting.

Per source, :func:`source_health` reports the last run (outcome, counts), the next
scheduled run (``schedule_state``, written by ``archive/run/schedule.py``), the error rate
and *extraction drift*, and lists the problems that make ``pressarchive status --check``
exit non-zero.

The rules (constants below; every share is a fraction 0…1):

failing
    the last finished run ended ``failed``, or its error rate — errors / (pages fetched +
    304s + removed + errors) — is at least :data:`FAILING_ERROR_RATE` with at least
    :data:`FAILING_MIN_ERRORS` errors.
overdue
    the scheduler's next run for the source lies more than the grace period in the past,
    and no run is under way: grace = max(:data:`OVERDUE_MIN_GRACE`, the schedule's period).
    Sources never scheduled are never overdue.
drifting (a site redesign the profile no longer matches)
    the crawl counts, per run, the pages it saved as new or changed and how many of them
    came out of extraction without a date of their own (hints from feeds/teasers or the
    stored date do not count), without a title or without a body (``run_extraction``).
    Take the latest run that saved at least :data:`DRIFT_MIN_PAGES` pages; for each of
    date, title and body, its share of pages lacking the field is compared with the
    source's history (all earlier runs pooled). The source drifts when, for some field, the
    latest share is at least :data:`DRIFT_MIN_SHARE` *and* exceeds the historical share by
    at least :data:`DRIFT_MIN_RISE`. Without history (one saving run only) there is no drift.
    The flag stays until a later run saves enough pages that are fine again.
date conflicts (:func:`date_conflicts`)
    a re-extraction found a page's published date in a weaker source than the stored one
    (``archive/store/dates.py``: the page kept the stronger date; both are in
    ``date_conflicts``). Each conflict recorded since the start of the source's last finished
    run is a problem, named with the page URL and both dates and sources (at most
    :data:`DATE_CONFLICTS_SHOWN`, then a count); the next run clears it, and ``status --json``
    keeps listing every conflict still in force.
template drift (a site redesign the learned template no longer matches)
    every run checks the source's learned template (``learned_templates``, migration 11) on
    the pages it extracts; a miss is a page where its title or its body selector finds nothing
    (``run_templates``). Take the latest run of the current template version that checked at
    least :data:`DRIFT_MIN_PAGES` pages: the template drifts when it missed at least
    :data:`DRIFT_MIN_PAGES` of them *and* its share of misses exceeds the share of its own
    learning pages it missed by at least :data:`DRIFT_MIN_RISE` (a template matches the
    pages it was learned from by construction, so a redesign of some templates of a site —
    press releases but not topic pages — is drift too). Learning it again (``pressarchive
    profile learn``) starts a new version and clears the flag.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlite_utils

from archive.store.locking import writer_alive
from archive.store.schema import RUN_REPORT_COLUMNS, db_path
from crawler import clock

FAILING_ERROR_RATE = 0.5
FAILING_MIN_ERRORS = 3
OVERDUE_MIN_GRACE = 600.0  # seconds
DRIFT_MIN_PAGES = 3
DRIFT_MIN_SHARE = 0.5
DRIFT_MIN_RISE = 0.3
DRIFT_FIELDS = ("date", "title", "body")
DATE_CONFLICTS_SHOWN = 10


def _error_rate(run: dict[str, Any]) -> float:
    errors = run.get("errors") or 0
    attempts = errors + sum(run.get(k) or 0 for k in ("fetched", "not_modified", "removed"))
    return errors / attempts if attempts else 0.0


def drift(db: sqlite_utils.Database, source: str) -> dict[str, Any] | None:
    """Extraction drift of ``source`` (see the module docstring), or ``None`` if the
    archive holds too few runs to tell. Keys: run_id, pages, latest and baseline (shares
    per field), fields (those drifting), drifting."""
    rows = db.execute(_EXTRACTION_SQL.format(where="source = ? AND"), [source]).fetchall()
    return _drift(rows)


_EXTRACTION_SQL = (
    "SELECT run_id, pages, no_date, no_title, no_body, source FROM run_extraction "
    "WHERE {where} pages > 0 ORDER BY run_id"
)


def _drift(rows: list[tuple[Any, ...]]) -> dict[str, Any] | None:
    latest_index = next(
        (i for i in range(len(rows) - 1, -1, -1) if rows[i][1] >= DRIFT_MIN_PAGES), None
    )
    if latest_index is None or latest_index == 0:
        return None
    run_id, pages, *missing = rows[latest_index][:5]
    history = rows[:latest_index]
    total = sum(r[1] for r in history)
    latest = {f: missing[i] / pages for i, f in enumerate(DRIFT_FIELDS)}
    baseline = {f: sum(r[2 + i] for r in history) / total for i, f in enumerate(DRIFT_FIELDS)}
    fields = [
        f
        for f in DRIFT_FIELDS
        if latest[f] >= DRIFT_MIN_SHARE and latest[f] - baseline[f] >= DRIFT_MIN_RISE
    ]
    return {
        "run_id": run_id,
        "pages": pages,
        "latest": {f: round(v, 3) for f, v in latest.items()},
        "baseline": {f: round(v, 3) for f, v in baseline.items()},
        "fields": fields,
        "drifting": bool(fields),
    }


def date_conflicts(db: sqlite_utils.Database, source: str) -> list[dict[str, Any]]:
    """The date conflicts of ``source``'s pages still in force (the page holds the kept date),
    newest first. Keys: url, outcome (``kept``: a weaker date was refused; ``replaced``: a
    stronger one took over), kept, kept_source, kept_revision, rejected, rejected_source,
    rejected_detail, rejected_revision, event, found_at, new (recorded since the start of the
    source's last finished run: a problem when ``kept``)."""
    since = db.execute(
        "SELECT max(started_at) FROM crawl_runs WHERE source = ? AND status != 'running'",
        [source],
    ).fetchone()[0]
    rows = db.execute(_CONFLICTS_SQL.format(where="p.source = ? AND"), [source]).fetchall()
    return _conflicts(since, rows)


_CONFLICTS_SQL = (
    "SELECT c.page_url, c.outcome, c.kept, c.kept_source, c.kept_revision, c.rejected, "
    "c.rejected_source, c.rejected_detail, c.rejected_revision, c.event, c.found_at, p.source "
    "FROM date_conflicts AS c JOIN pages AS p ON p.url = c.page_url "
    "WHERE {where} p.published = c.kept AND p.published_source IS c.kept_source "
    "ORDER BY c.found_at DESC, c.id DESC"
)
_CONFLICT_KEYS = (
    "url", "outcome", "kept", "kept_source", "kept_revision", "rejected", "rejected_source",
    "rejected_detail", "rejected_revision", "event", "found_at",
)  # fmt: skip


def _conflicts(since: str | None, rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    found = [dict(zip(_CONFLICT_KEYS, row[:-1], strict=True)) for row in rows]
    for conflict in found:
        conflict["new"] = since is None or conflict["found_at"] >= since
    return found


def _date_conflict_problems(conflicts: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The problems :func:`date_conflicts` makes: each new ``kept`` conflict, named."""
    new = [c for c in conflicts if c["new"] and c["outcome"] == "kept"]
    problems = [
        {
            "kind": "date_conflict",
            "message": f"{c['url']}: kept {c['kept']} ({c['kept_source']}, revision "
            f"{c['kept_revision']}), rejected {c['rejected']} ({c['rejected_source']}"
            + (f", {c['rejected_detail']}" if c["rejected_detail"] else "")
            + f", revision {c['rejected_revision']}): a weaker source disagrees — a redesign?",
        }
        for c in new[:DATE_CONFLICTS_SHOWN]
    ]
    if len(new) > DATE_CONFLICTS_SHOWN:
        problems.append({
            "kind": "date_conflict",
            "message": f"and {len(new) - DATE_CONFLICTS_SHOWN} more pages: status --json",
        })  # fmt: skip
    return problems


def template_drift(db: sqlite_utils.Database, source: str) -> dict[str, Any] | None:
    """Template drift of ``source`` (see the module docstring), or ``None`` without a
    template or a run that checked it on enough pages. Keys: version, learned_at, run_id,
    pages, misses, share, baseline, drifting, message."""
    template = db.execute(
        "SELECT version, learned_at, stats FROM learned_templates WHERE source = ? "
        "ORDER BY version DESC LIMIT 1",
        [source],
    ).fetchone()
    if template is None:
        return None
    version, learned_at, stats = template
    row = db.execute(
        "SELECT run_id, pages, misses FROM run_templates WHERE source = ? AND version = ? "
        "AND pages >= ? ORDER BY run_id DESC LIMIT 1",
        [source, version, DRIFT_MIN_PAGES],
    ).fetchone()
    if row is None:
        return None
    run_id, pages, misses = row
    try:
        matched = float(json.loads(stats or "{}").get("matched", 1.0))
    except (ValueError, TypeError, AttributeError):
        matched = 1.0
    share, baseline = misses / pages, 1.0 - matched
    drifting = misses >= DRIFT_MIN_PAGES and share - baseline >= DRIFT_MIN_RISE
    message = (
        f"run {run_id}: the learned template (version {version}, learned {learned_at}) found "
        f"no title or no body on {misses} of {pages} pages ({share:.0%}; "
        f"{baseline:.0%} of the pages it was learned from) — a redesign? those pages were "
        f"extracted without it; re-learn: pressarchive profile learn --source {source}"
    )
    return {
        "version": version,
        "learned_at": learned_at,
        "run_id": run_id,
        "pages": pages,
        "misses": misses,
        "share": round(share, 3),
        "baseline": round(baseline, 3),
        "drifting": drifting,
        "message": message,
    }


def source_health(
    db: sqlite_utils.Database, sources: list[str] | None = None, now: datetime | None = None
) -> list[dict[str, Any]]:
    """One dict per source (those given, else every source known to the archive), sorted.

    Keys: name, last_run (dict or None), running (a run under way), next_run_at, period,
    error_rate (last finished run), drift (see :func:`drift`), date_conflicts (see
    :func:`date_conflicts`), problems (list of ``{"kind": failing|interrupted|overdue|
    drifting|date_conflict, "message": ...}``), ok.
    """
    now = now or clock.now()
    names = set(sources or ())
    if sources is None:
        for table, column in (("sources", "name"), ("crawl_runs", "source"),
                              ("schedule_state", "source")):  # fmt: skip
            names |= {r[0] for r in db.execute(f"SELECT DISTINCT {column} FROM {table}")}
    facts = _Facts(db)
    out = [_one_source(db, name, now, facts) for name in sorted(names)]
    if any(entry["running"] for entry in out) and not writer_alive(db_path(db)):
        for entry in out:
            if entry["running"]:
                entry["problems"].insert(0, {
                    "kind": "interrupted",
                    "message": f"a run started at {entry['running']} is marked running, but no "
                    "pressarchive process holds the archive (killed?): the next crawl or "
                    "schedule marks it interrupted and runs the source again",
                })  # fmt: skip
                entry["ok"] = False
    return out


class _Facts:
    """What :func:`_one_source` needs of every source, read in one grouped query per table
    (not a query per source: with 50,000 sources those scans made ``status`` quadratic)."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        columns = ", ".join(RUN_REPORT_COLUMNS)
        last = "SELECT max(id) FROM crawl_runs WHERE status {} 'running' GROUP BY source"
        done, under_way = last.format("!="), last.format("=")
        self.finished = {
            row[0]: dict(zip(RUN_REPORT_COLUMNS, row[1:], strict=True))
            for row in db.execute(f"SELECT source, {columns} FROM crawl_runs WHERE id IN ({done})")
        }
        self.running = dict(
            db.execute(
                f"SELECT source, started_at FROM crawl_runs WHERE id IN ({under_way})"
            ).fetchall()
        )
        self.since = dict(
            db.execute(
                "SELECT source, max(started_at) FROM crawl_runs WHERE status != 'running' "
                "GROUP BY source"
            ).fetchall()
        )
        self.state = {
            row[0]: (row[1], row[2])
            for row in db.execute("SELECT source, next_run_at, period FROM schedule_state")
        }
        self.extraction: dict[str, list[tuple[Any, ...]]] = {}
        for row in db.execute(_EXTRACTION_SQL.format(where="")).fetchall():
            self.extraction.setdefault(row[-1], []).append(row)
        self.conflicts: dict[str, list[tuple[Any, ...]]] = {}
        for row in db.execute(_CONFLICTS_SQL.format(where="")).fetchall():
            self.conflicts.setdefault(row[-1], []).append(row)


def _one_source(
    db: sqlite_utils.Database, name: str, now: datetime, facts: _Facts
) -> dict[str, Any]:
    last_run = facts.finished.get(name)
    running = (facts.running[name],) if name in facts.running else None
    next_run_at, period = facts.state.get(name, (None, None))
    problems: list[dict[str, str]] = []
    rate = _error_rate(last_run) if last_run else 0.0
    if last_run and last_run["status"] == "failed":
        problems.append({"kind": "failing", "message": f"last run {last_run['id']} failed"})
    elif last_run and last_run["status"] == "interrupted" and running is None:
        problems.append({
            "kind": "interrupted",
            "message": f"last run {last_run['id']} was interrupted (SIGINT/SIGTERM, or its "
            "process died): pages it did not reach are unchecked; the scheduler runs it again",
        })  # fmt: skip
    elif last_run and rate >= FAILING_ERROR_RATE and last_run["errors"] >= FAILING_MIN_ERRORS:
        problems.append({
            "kind": "failing",
            "message": f"last run {last_run['id']}: {last_run['errors']} errors "
            f"({rate:.0%} of requests for pages)",
        })  # fmt: skip
    due = clock.parse_stored(next_run_at)
    if due is not None and running is None:
        grace = max(OVERDUE_MIN_GRACE, float(period or 0))
        late = (now - due).total_seconds()
        if late > grace:
            problems.append({
                "kind": "overdue",
                "message": f"next run was due at {next_run_at} ({late / 3600:.1f} h ago; "
                f"grace {grace:.0f} s): is the scheduler running?",
            })  # fmt: skip
    found = _drift(facts.extraction.get(name, []))
    if found and found["drifting"]:
        parts = ", ".join(
            f"{f}: {found['latest'][f]:.0%} missing (history {found['baseline'][f]:.0%})"
            for f in found["fields"]
        )
        problems.append({
            "kind": "drifting",
            "message": f"run {found['run_id']}: of {found['pages']} new/changed pages, {parts}"
            " — a redesign? check the site profile",
        })  # fmt: skip
    conflicts = _conflicts(facts.since.get(name), facts.conflicts.get(name, []))
    problems += _date_conflict_problems(conflicts)
    template = template_drift(db, name)
    if template and template["drifting"]:
        problems.append({"kind": "template_drift", "message": template["message"]})
    return {
        "name": name,
        "last_run": last_run,
        "running": running[0] if running else None,
        "next_run_at": next_run_at,
        "period": period,
        "error_rate": round(rate, 3),
        "drift": found,
        "date_conflicts": conflicts,
        "template": template,
        "problems": problems,
        "ok": not problems,
    }


__all__ = [
    "DRIFT_MIN_PAGES",
    "DRIFT_MIN_RISE",
    "DRIFT_MIN_SHARE",
    "DATE_CONFLICTS_SHOWN",
    "FAILING_ERROR_RATE",
    "date_conflicts",
    "drift",
    "source_health",
    "template_drift",
]
