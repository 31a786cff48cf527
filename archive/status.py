"""What is in the archive, per source: page counts, the last crawl run, errors."""

from __future__ import annotations

import logging
from typing import Any

import sqlite_utils

from archive.health import source_health
from archive.store.media import media_counts
from archive.store.schema import RUN_REPORT_COLUMNS, db_path
from crawler.capture.reading import folder_usage
from crawler.capture.warc import capture_folder

log = logging.getLogger(__name__)

_PAGES_SQL = """
    SELECT source,
           count(*) AS pages,
           sum(removed_at IS NULL) AS live,
           sum(removed_at IS NOT NULL) AS removed,
           sum(removed_at IS NULL AND page_type = 'press_release') AS press_releases,
           max(CASE WHEN removed_at IS NULL THEN published END) AS newest_published
    FROM pages GROUP BY source
"""
_RUNS_SQL = """
    SELECT source, count(*) AS runs, max(id) AS last_id FROM crawl_runs GROUP BY source
"""
_ERRORS_SQL = "SELECT source, count(*) FROM fetch_errors GROUP BY source"
# every source's last run and its errors in one query each (not per source: 50,000 sources)
_LAST_IDS = "SELECT max(id) FROM crawl_runs GROUP BY source"
_LAST_RUNS_SQL = "SELECT {} FROM crawl_runs WHERE id IN (" + _LAST_IDS + ")"
_LAST_ERRORS_SQL = (
    "SELECT run_id, count(*) FROM fetch_errors WHERE run_id IN (" + _LAST_IDS + ") GROUP BY run_id"
)
_CAPTURES_SQL = """
    SELECT pages.source, count(*) AS revisions, count(DISTINCT revisions.warc_file),
           coalesce(sum(revisions.warc_length), 0)
    FROM revisions JOIN pages ON pages.url = revisions.page_url GROUP BY pages.source
"""


def source_status(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """One dict per source (configured, crawled or with pages), sorted by name.

    Keys: name, title, city, pages, live, removed, press_releases (live ones),
    newest_published (of live pages), runs, last_run (``None`` or a dict with id,
    started_at, finished_at, status, duration and the counts), errors_last_run,
    errors_total; revisions (stored versions of its pages), capture_files and
    capture_bytes (WARC files its versions point to, and the bytes of those records),
    capture_folder_files / capture_folder_bytes (everything in the archive's WARC folder,
    304 revisits and listings included; the same for every source); images, attachments,
    media_bytes, media_revisits, media_errors (the archived media of its pages:
    ``archive.store.media.media_counts``); health
    (``archive.health.source_health``: next_run_at, error_rate, drift, problems, ok).
    """
    sources: dict[str, dict[str, Any]] = {}

    def entry(name: str) -> dict[str, Any]:
        if name not in sources:
            sources[name] = {
                "name": name, "title": None, "city": None, "pages": 0, "live": 0,
                "removed": 0, "press_releases": 0, "newest_published": None, "runs": 0,
                "last_run": None, "errors_last_run": 0, "errors_total": 0,
                "revisions": 0, "capture_files": 0, "capture_bytes": 0,
                "capture_folder_files": 0, "capture_folder_bytes": 0,
                "images": 0, "attachments": 0, "media_bytes": 0, "media_revisits": 0,
                "media_errors": 0,
            }  # fmt: skip
        return sources[name]

    for name, title, city in db.execute("SELECT name, title, city FROM sources").fetchall():
        entry(name).update(title=title, city=city)
    for name, pages, live, removed, press, newest in db.execute(_PAGES_SQL).fetchall():
        entry(name).update(
            pages=pages,
            live=live or 0,
            removed=removed or 0,
            press_releases=press or 0,
            newest_published=newest,
        )
    for name, total in db.execute(_ERRORS_SQL).fetchall():
        entry(name)["errors_total"] = total
    last_errors = dict(db.execute(_LAST_ERRORS_SQL).fetchall())
    last_runs = {
        row[0]: dict(zip(RUN_REPORT_COLUMNS, row, strict=True))
        for row in db.execute(_LAST_RUNS_SQL.format(", ".join(RUN_REPORT_COLUMNS))).fetchall()
    }
    for name, runs, last_id in db.execute(_RUNS_SQL).fetchall():
        item = entry(name)
        item["runs"] = runs
        item["last_run"] = last_runs[last_id]
        item["errors_last_run"] = last_errors.get(last_id, 0)
    for name, revisions, files, size in db.execute(_CAPTURES_SQL).fetchall():
        entry(name).update(revisions=revisions, capture_files=files, capture_bytes=size)
    has_media = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'media'").fetchone()
    for name, counts in (media_counts(db) if has_media else {}).items():
        entry(name).update(counts)
    usage = folder_usage(capture_folder(db_path(db)))
    for item in sources.values():
        item.update(capture_folder_files=usage["files"], capture_folder_bytes=usage["bytes"])
    for (name,) in db.execute("SELECT source FROM schedule_state").fetchall():
        entry(name)  # scheduled, not crawled yet
    for health in source_health(db, list(sources)):
        sources[health["name"]]["health"] = health
    return [sources[name] for name in sorted(sources)]


__all__ = ["source_status"]
