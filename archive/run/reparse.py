"""Pages from stored WARC records, without the network: ``reparse`` and ``import-warc``.

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

:func:`import_warc` reads ``response`` records of WARC files written by other tools
(wget ``--warc-file``, Webrecorder, web archives), copies each into the archive's own
capture files (so the archive stays self-contained) and saves it at its capture time.
Records are taken in file order; a capture not newer than the page's latest revision
is skipped (``older``), so importing the same file twice adds nothing.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import sqlite_utils

from archive.store import save as save
from archive.store.revisions import alias_target
from archive.store.sqlite import SqliteStore
from archive.store.templates import latest_template
from crawler import clock
from crawler.capture.warc import (
    CaptureError,
    CaptureRef,
    WarcWriter,
    http_status,
    iter_warc,
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
    row = db.execute(
        "SELECT hosts, start_urls, scheme FROM sources WHERE name = ?", [name]
    ).fetchone()
    if row is None:
        return None
    hosts = tuple(json.loads(row[0] or "[]"))
    starts = tuple(json.loads(row[1] or "[]"))
    scheme = row[2] or ""
    if not scheme:  # a row migration 10 could not fill: a start URL's, else a page's
        known = starts[0] if starts else None
        if known is None:
            page = db.execute("SELECT url FROM pages WHERE source = ? LIMIT 1", [name]).fetchone()
            known = page[0] if page else None
        scheme = urlsplit(known).scheme if known else ""
    return SourceConfig(name=name, hosts=hosts, start_urls=starts, scheme=scheme)


def _with_template(db: sqlite_utils.Database, src: SourceConfig | None) -> SourceConfig | None:
    """``src`` with its learned template as the profile when the config pins none (and the
    template applies, as in a crawl)."""
    if src is None or src.site_profile is not None:
        return src
    stored = latest_template(db, src.name)
    if stored is None or not stored.applies:
        return src
    return dataclasses.replace(src, site_profile=stored.profile)


def _host_source(
    db: sqlite_utils.Database, host: str, config: Config | None
) -> SourceConfig | None:
    """The source (of the config, else of the archive) whose hosts include ``host``."""
    if config is not None:
        for src in config.sources:
            if host in src.hosts:
                return src
    for (name,) in db.execute(
        "SELECT name FROM sources, json_each(sources.hosts) WHERE json_valid(sources.hosts) "
        "AND lower(json_each.value) = ? ORDER BY added_at, name",
        [host],
    ).fetchall():
        return source_config(db, name, config)
    return None


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
    db: sqlite_utils.Database, *, source: str | None = None, config: Config | None = None
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
    for url, name in pages:
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


# --------------------------------------------------------------------------- import


def _latest_fetch(db: sqlite_utils.Database, url: str) -> str | None:
    target = alias_target(db, url) or url
    row = db.execute(
        "SELECT max(fetched_at) FROM revisions WHERE page_url = ?", [target]
    ).fetchone()
    return row[0] if row else None


def import_warc(
    db: sqlite_utils.Database,
    paths: Sequence[str | Path],
    *,
    source: str | None = None,
    config: Config | None = None,
) -> dict[str, Any]:
    """Ingest the HTML ``response`` records of WARC files as captures at their capture
    time; return counts ``records, new, changed, unchanged, skipped, older, bad_date,
    errors`` (``bad_date``: records without a readable ``WARC-Date``, skipped: their capture
    time is unknown, and taking "now" would make them pass for fresh fetches; ``errors``:
    records whose extraction raised, logged with the traceback)."""
    folder = SqliteStore(db).capture_folder()  # raises rather than import without copies
    writer = WarcWriter(folder) if folder is not None else None
    report: Counter[str] = Counter(
        {
            k: 0
            for k in (
                "records",
                "new",
                "changed",
                "unchanged",
                "skipped",
                "older",
                "bad_date",
                "errors",
            )
        }  # fmt: skip
    )
    src: SourceConfig | None = None
    policy: UrlPolicy | None = None
    stored: set[str] = set()
    try:
        for path in paths:
            for record in iter_warc(path):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                status = http_status(record)
                body = record.content_stream().read()
                report["records"] += 1
                ctype = record.http_headers.get_header("Content-Type") or ""
                if status != 200 or "html" not in ctype.lower():
                    report["skipped"] += 1
                    continue
                if src is None:
                    src = _import_source(db, url, source, config)
                    policy = UrlPolicy(src)
                assert policy is not None
                canon = policy.canonical(url)
                if not canon or not policy.allowed(canon):
                    report["skipped"] += 1
                    continue
                headers = {k.lower(): v for k, v in record.http_headers.headers}
                when = _capture_time(record.rec_headers.get_header("WARC-Date"))
                if when is None:  # never "now": the capture would pass for a fresh fetch
                    log.warning("%s: %s: unreadable WARC-Date, record skipped", path, url)
                    report["bad_date"] += 1
                    continue
                result = _fetch_result(canon, headers, body, when)
                outcome = _import_one(db, src, policy, result, writer, stored)
                report[outcome] += 1
    finally:
        if writer is not None:
            writer.close()
    return dict(report)


def _capture_time(value: str | None) -> str | None:
    """A foreign ``WARC-Date`` as a fetch time, or ``None`` when missing or unreadable."""
    if not value:
        return None
    try:
        return clock.to_iso(value)
    except ValueError:
        return None


def _import_one(
    db: sqlite_utils.Database,
    src: SourceConfig,
    policy: UrlPolicy,
    result: FetchResult,
    writer: WarcWriter | None,
    stored: set[str],
) -> str:
    page = _extract(db, policy, result)
    if page is None:
        return "errors"
    if page.page_type == "listing" or (not page.title and not page.body):
        return "skipped"
    latest = _latest_fetch(db, page.url)
    if latest and latest >= result.fetched_at:
        return "older"
    if src.name not in stored:  # the first page saved stores (or refreshes) its source
        save.save_source(db, src)
        stored.add(src.name)
    ref = writer.write(result) if writer is not None else None
    return save.save_fetched_page(db, src.name, page, result, requested=result.url, capture=ref)


def _import_source(
    db: sqlite_utils.Database, url: str, name: str | None, config: Config | None
) -> SourceConfig:
    """The source imported pages belong to: ``name`` (from the config or the archive; a
    name neither has makes a new source), else the source whose hosts include the first
    page's host, else a new source named after that host. Stored only once a page is
    saved (:func:`import_warc`): an import that adds nothing leaves ``sources`` alone."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    src = source_config(db, name, config) if name else _host_source(db, host, config)
    if src is None:
        name = name or host
        src = SourceConfig(name=name, hosts=(host,), scheme=parts.scheme.lower(), title=name)
    return src


__all__ = ["import_warc", "reparse", "source_config"]
