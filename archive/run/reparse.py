"""Pages from stored WARC records, without the network: ``reparse`` (and ``import-warc``).

Both turn a WARC record into a :class:`~crawler.records.FetchResult` and send it through
the crawl's own path (with the source's learned template as its profile when the config
pins none, as in a crawl): :func:`crawler.engine.crawl.extract_page` (extraction, canonical URLs,
dates) and :func:`archive.store.save.save_fetched_page` / :func:`archive.store.save.save_page`
(revisions, aliases).

:func:`reparse` re-extracts every stored version from its record. The *current* state
of a page is updated where today's extraction differs, as a new revision (event
``reparse``) pointing at the same record; older revisions are history and stay as they
were recorded (their differences are only counted, ``old_versions_differ``). A page whose
latest revision has no record (archived before captures existed) is left alone. Running
it twice changes nothing the second time.

:func:`archive.run.warc_import.import_warc` reads WARC files of other tools the same way.

Every record is verified before it is used (:func:`crawler.capture.warc.read_capture`: read
to its ``Content-Length``, ``WARC-Block-Digest`` / ``WARC-Payload-Digest`` checked). A
record cut short, damaged or no longer at its offset counts in ``errors``, with a warning
naming the URL, the revision, the WARC file and the offset, and its page is left exactly as
it was: never part of a page (the cookie banner of a body cut off) as a new revision.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from typing import Any

import sqlite_utils

from archive.progress import SILENT, Progress
from archive.store import save as save
from archive.store.lookup import stored_source
from archive.store.sqlite import SqliteStore
from archive.store.templates import latest_template
from crawler.capture.warc import (
    CaptureError,
    CaptureRef,
    read_capture,
    warc_date,
)
from crawler.config.settings import Config, SourceConfig
from crawler.engine.crawl import extract_page
from crawler.fetch.urls import UrlPolicy
from crawler.records import Candidate, Extracted, FetchResult

log = logging.getLogger(__name__)

_DECODED = {"content-encoding", "transfer-encoding", "content-length"}


def source_config(
    db: sqlite_utils.Database, name: str, config: Config | None = None
) -> SourceConfig | None:
    """The source ``name`` from ``config`` if it has it, else rebuilt from ``sources``
    (hosts, start URLs and the canonical ``scheme`` stored with it, migration 10)."""
    if config is not None:
        for src in config.sources:
            if src.name == name:
                return src
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
    try:
        return extract_page(SqliteStore(db), policy, Candidate(url=result.url), result)
    except Exception as exc:
        log.error(
            "%s: extraction failed: %s: %s", result.url, type(exc).__name__, exc, exc_info=True
        )
        return None


def _fetch_result(url: str, headers: dict[str, str], body: bytes, when: str) -> FetchResult:
    kept = {k: v for k, v in headers.items() if k not in _DECODED}
    return FetchResult(url=url, final_url=url, status=200, headers=kept, body=body, fetched_at=when)


# --------------------------------------------------------------------------- reparse


def reparse(
    db: sqlite_utils.Database,
    *,
    source: str | None = None,
    config: Config | None = None,
    progress: Progress = SILENT,
) -> dict[str, Any]:
    """Re-extract every stored version from its WARC record; return the counts
    ``pages, versions, changed, unchanged, missing, old_versions_differ, errors``.

    ``errors`` counts records that cannot be read back and versions whose extraction
    raised (an extractor bug: logged with its traceback, the other pages go on)."""
    folder = SqliteStore(db).capture_folder()  # raises rather than silently skip every page
    report: Counter[str] = Counter(
        {k: 0 for k in ("pages", "versions", "changed", "unchanged", "missing", "errors")}
    )
    report["old_versions_differ"] = 0
    sql = "SELECT url, source FROM pages" + (" WHERE source = ?" if source else "")
    pages = db.execute(sql + " ORDER BY url", [source] if source else []).fetchall()
    policies: dict[str, UrlPolicy | None] = {}
    progress.total(len(pages))
    for url, name in pages:
        progress.advance()
        if name not in policies:
            src = _with_template(db, source_config(db, name, config))
            policies[name] = UrlPolicy(src) if src else None
        policy = policies[name]
        revs = list(
            db.query(
                "SELECT revision, content_hash, warc_file, warc_offset, warc_length, "
                "warc_record_id FROM revisions WHERE page_url = ? ORDER BY revision",
                [url],
            )
        )
        report["pages"] += 1
        if folder is None or policy is None or not revs or not revs[-1]["warc_file"]:
            report["missing"] += len(revs) or 1
            continue
        for i, rev in enumerate(revs):
            if not rev["warc_file"]:
                report["missing"] += 1
                continue
            ref = CaptureRef(
                rev["warc_file"], rev["warc_offset"], rev["warc_length"], rev["warc_record_id"]
            )
            try:
                capture = read_capture(folder, ref)
            except CaptureError as exc:
                log.warning("%s revision %s: %s", url, rev["revision"], exc)
                report["errors"] += 1
                continue
            report["versions"] += 1
            result = _fetch_result(
                url, capture.headers, capture.body, warc_date(capture.capture_time)
            )
            page = _extract(db, policy, result)
            if page is None:
                report["errors"] += 1
                continue
            page.url = url
            if i < len(revs) - 1:
                report["old_versions_differ"] += save.content_hash(page) != rev["content_hash"]
                continue
            outcome = save.save_page(db, name, page, result, capture=ref, event="reparse")
            report["changed" if outcome == "changed" else "unchanged"] += 1
    return dict(report)


__all__ = ["reparse", "source_config"]
