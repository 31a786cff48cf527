"""Pages from stored WARC records, without the network: ``reparse`` (and ``import-warc``).

Both turn a WARC record into a :class:`~crawler.records.FetchResult` and send it through
the crawl's own path (with the source's learned template as its profile when the config
pins none, as in a crawl): :func:`archive.run.pool.extract_result` (extraction,
canonical URLs; dates from hints added by the writer) and
:func:`archive.store.save.save_fetched_page` / :func:`archive.store.save.save_page`
(revisions, aliases).

:func:`reparse` re-extracts every stored version from its record. The *current* state
of a page is updated where today's extraction differs, as a new revision (event
``reparse``) pointing at the same record; older revisions are history and stay as they
were recorded (their differences are only counted, ``old_versions_differ``). A page whose
latest revision has no record (archived before captures existed) is left alone. Running
it twice changes nothing the second time.

:func:`archive.run.warc_import.import_warc` reads WARC files of other tools the same way.
Both extract in a pool of worker processes when given ``workers`` > 1
(:mod:`archive.run.pool`): the records are read and extracted there, the date hints added
and every row written here, in order, so the archive is the same as with one process.

Every record is verified before it is used (:func:`crawler.capture.reading.read_capture`: read
to its ``Content-Length``, ``WARC-Block-Digest`` / ``WARC-Payload-Digest`` checked). A
record cut short, damaged or no longer at its offset counts in ``errors``, with a warning
naming the URL, the revision, the WARC file and the offset, and its page is left exactly as
it was: never part of a page (the cookie banner of a body cut off) as a new revision.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlite_utils

from archive.progress import SILENT, Progress
from archive.run.pool import (
    Extraction,
    extract_capture,
    extract_result,
    ordered_map,
)
from archive.store import record as record
from archive.store import save as save
from archive.store.lookup import stored_source
from archive.store.sqlite import SqliteStore
from archive.store.templates import latest_template
from crawler.capture.warc import (
    CaptureRef,
)
from crawler.config.settings import Config, SourceConfig
from crawler.engine.pages import date_from_hints
from crawler.fetch.urls import UrlPolicy
from crawler.records import Candidate, Extracted, FetchResult

log = logging.getLogger(__name__)


def source_config(
    db: sqlite_utils.Database, name: str, config: Config | None = None
) -> SourceConfig | None:
    """The source ``name`` from ``config`` if it has it, else rebuilt from ``sources``
    (hosts, start URLs and the canonical ``scheme`` stored with it, migration 10)."""
    if config is not None and name in config.by_name:
        return config.by_name[name]
    return stored_source(db, name)


def _with_template(db: sqlite_utils.Database, src: SourceConfig | None) -> SourceConfig | None:
    """``src`` with its learned template as the profile when the config pins none (and the
    template applies, as in a crawl)."""
    if src is None or src.site_profile is not None:
        return src
    stored = latest_template(db, src.name)
    if stored is None or not stored.applies:
        return src
    return dataclasses.replace(src, site_profile=stored.profile)


def _extract(db: sqlite_utils.Database, policy: UrlPolicy, result: FetchResult) -> Extracted | None:
    """The extracted page, or ``None`` when extraction raised (an extractor bug): logged
    with its traceback and counted by the caller, as the crawl does; the others go on."""
    return finished(db, extract_result(policy.source, result))


def finished(db: sqlite_utils.Database, done: Extraction) -> Extracted | None:
    """A worker's page with a missing date from hints (they read the archive, so here, in
    the writing process, in order); ``None`` (logged) when its extraction raised."""
    if done.page is None:
        url = done.result.url if done.result else "?"
        log.error("%s: extraction failed: %s", url, done.failure)
        return None
    page = done.page
    if not page.published:
        assert done.result is not None
        date_from_hints(SqliteStore(db), page, Candidate(url=done.result.url))
    return page


# --------------------------------------------------------------------------- reparse


def reparse(
    db: sqlite_utils.Database,
    *,
    source: str | None = None,
    config: Config | None = None,
    progress: Progress = SILENT,
    workers: int = 1,
) -> dict[str, Any]:
    """Re-extract every stored version from its WARC record; return the counts
    ``pages, versions, changed, unchanged, missing, old_versions_differ, errors``.

    ``errors`` counts records that cannot be read back and versions whose extraction
    raised (an extractor bug: logged with its traceback, the other pages go on).
    ``workers``: processes that read and extract the records (:mod:`archive.run.pool`;
    1: this process); the results are written here, in order, as by one."""
    folder = SqliteStore(db).capture_folder()  # raises rather than silently skip every page
    report: Counter[str] = Counter(
        {k: 0 for k in ("pages", "versions", "changed", "unchanged", "missing", "errors")}
    )
    report["old_versions_differ"] = 0
    sql = "SELECT url, source FROM pages" + (" WHERE source = ?" if source else "")
    pages = db.execute(sql + " ORDER BY url", [source] if source else []).fetchall()
    progress.total(len(pages))
    tasks = _version_tasks(db, pages, folder, config, report, progress)
    for (name, url, rev, last), done in ordered_map(extract_capture, tasks, workers):
        if last:
            progress.advance()
        assert done is not None  # every version has a task
        if done.capture_error:
            log.warning("%s revision %s: %s", url, rev["revision"], done.capture_error)
            report["errors"] += 1
            continue
        report["versions"] += 1
        page = finished(db, done)
        if page is None:
            report["errors"] += 1
            continue
        assert done.result is not None
        page.url = url
        if not last:
            report["old_versions_differ"] += record.content_hash(page) != rev["content_hash"]
            continue
        ref = CaptureRef(
            rev["warc_file"], rev["warc_offset"], rev["warc_length"], rev["warc_record_id"]
        )
        outcome = save.save_page(
            db, name, page, done.result, capture=ref, event="reparse", prepared=done.prepared
        )
        report["changed" if outcome == "changed" else "unchanged"] += 1
    return dict(report)


_Task = tuple[SourceConfig, Path, CaptureRef, str, str | None]
_Meta = tuple[str, str, dict[str, Any], bool]


def _version_tasks(
    db: sqlite_utils.Database,
    pages: list[tuple[str, str]],
    folder: Path | None,
    config: Config | None,
    report: Counter[str],
    progress: Progress,
) -> Iterator[tuple[_Meta, _Task]]:
    """Every stored version to re-extract, page by page, oldest first; pages without
    records counted (``missing``) here."""
    sources: dict[str, SourceConfig | None] = {}
    for url, name in pages:
        if name not in sources:
            sources[name] = _with_template(db, source_config(db, name, config))
        src = sources[name]
        revs = list(
            db.query(
                "SELECT revision, content_hash, warc_file, warc_offset, warc_length, "
                "warc_record_id FROM revisions WHERE page_url = ? ORDER BY revision",
                [url],
            )
        )
        report["pages"] += 1
        if folder is None or src is None or not revs or not revs[-1]["warc_file"]:
            report["missing"] += len(revs) or 1
            progress.advance()
            continue
        for i, rev in enumerate(revs):
            if not rev["warc_file"]:
                report["missing"] += 1
                continue
            ref = CaptureRef(
                rev["warc_file"], rev["warc_offset"], rev["warc_length"], rev["warc_record_id"]
            )
            last = i == len(revs) - 1  # the one saved: its index work prepared
            against = (rev["content_hash"] or "") if last else None
            yield (name, url, rev, last), (src, folder, ref, url, against)


__all__ = ["reparse", "source_config"]
