"""``import-warc``: pages from WARC files written by other tools, without the network.

:func:`import_warc` reads ``response`` records of WARC files (wget ``--warc-file``,
Webrecorder, web archives, the archive's own captures), copies each into the archive's
own capture files (so the archive stays self-contained) and saves it at its capture time
through the crawl's path (:mod:`archive.run.reparse`: extraction, canonical URLs, dates,
revisions, aliases). Records are taken in file order; a capture not newer than the page's
latest revision is skipped (``older``), so importing the same file twice adds nothing.

What is trusted: every file must begin with a WARC record, checked for all files before
anything is written (otherwise :class:`~crawler.errors.CaptureError`, exit 3, one line,
nothing imported). Every record is verified (:func:`crawler.capture.verify.scan_warc`:
read to its ``Content-Length``, digests checked); one cut short, damaged, bytes that are no
record (zero padding, garbage) and a response without an http(s) ``WARC-Target-URI`` are
skipped and counted (``unreadable``) with a warning naming the file and the offset, and
reading goes on with the next readable record.

Transaction boundary: one record. Its capture copy is written (and synced) first, then its
source, page, revision and alias rows in one transaction; a bad record never leaves part of
its rows, and the records before it stay imported.

Which source a page joins (:class:`_Sources`):

1. a page already in the archive (its URL or an alias of it) keeps its source, always,
   ``--source`` or not: an import never moves pages between sources;
2. else ``--source`` when given (one of the config or the archive, or a new name, stored
   with its first page);
3. else the source whose hosts include the URL's host (the config's first, then the
   archive's);
4. else the *default import source* of that host: a new source named after the host
   (``hosts = [host]``, the URL's scheme), stored with its first page.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import sqlite_utils

from archive.progress import SILENT, Progress
from archive.run.media_import import import_media, media_kind, media_revisit
from archive.run.pool import Extraction, extract_fetched, extract_result, fetch_result, ordered_map
from archive.run.reparse import finished, source_config
from archive.store import runs as runs
from archive.store import save as save
from archive.store.lookup import sources_with_host
from archive.store.revisions import alias_target
from archive.store.schema import write_transaction
from archive.store.sqlite import SqliteStore
from crawler import clock
from crawler.capture.reading import http_status
from crawler.capture.verify import BadRecord, WarcRecord, check_warc_file, scan_warc
from crawler.capture.warc import WarcWriter
from crawler.config.settings import Config, CrawlerConfig, SourceConfig
from crawler.fetch.urls import UrlPolicy
from crawler.records import Extracted, FetchResult

log = logging.getLogger(__name__)

COUNTS = (
    "records",
    "new",
    "changed",
    "unchanged",
    "skipped",
    "older",
    "media",
    "bad_date",
    "unreadable",
    "errors",
)


def import_warc(
    db: sqlite_utils.Database,
    paths: Sequence[str | Path],
    *,
    source: str | None = None,
    config: Config | None = None,
    progress: Progress = SILENT,
    workers: int = 1,
) -> dict[str, Any]:
    """Ingest the HTML ``response`` records of WARC files as captures at their capture
    time; return counts ``records, new, changed, unchanged, skipped, older, media, bad_date,
    unreadable, errors``.

    ``media``: image and document responses stored as media files
    (:mod:`archive.run.media_import`), never as pages.
    ``records``: responses read. ``bad_date``: records without a readable ``WARC-Date``,
    skipped (their capture time is unknown, and taking "now" would make them pass for fresh
    fetches). ``unreadable``: records that fail verification and responses without an
    http(s) ``WARC-Target-URI``, skipped with a warning (module docstring). ``errors``:
    records whose extraction raised, logged with the traceback. ``workers``: processes that
    extract (:mod:`archive.run.pool`; 1: this process); records are written here, in order."""
    folder = SqliteStore(db).capture_folder()  # raises rather than import without copies
    for path in paths:  # a file that is not a WARC stops the import before any write
        check_warc_file(path)
    writer = WarcWriter(folder) if folder is not None else None
    report: Counter[str] = Counter({k: 0 for k in COUNTS})
    sources = _Sources(db, source, config)
    max_bytes = (config.crawler if config is not None else CrawlerConfig()).max_bytes
    sizes = [Path(p).stat().st_size for p in paths]
    progress.total(sum(sizes))  # bytes: records are streamed
    starts = {str(p): sum(sizes[:i]) for i, p in enumerate(paths)}
    shown = 0
    tasks = _record_tasks(db, paths, max_bytes, sources)
    try:
        for (path, item, planned), done in ordered_map(extract_fetched, tasks, workers):
            at = starts[path] + item.offset
            progress.advance(max(at - shown, 0))
            shown = max(at, shown)
            outcome = _import_record(db, path, item, sources, writer, planned, done)
            if outcome is not None:
                report[outcome] += 1
                report["records"] += outcome != "unreadable"
        progress.advance(max(sum(sizes) - shown, 0))
    finally:
        if writer is not None:
            writer.close()
    return dict(report)


@dataclass
class _Job:
    """A record to save as a page (``kind`` None) or media file, with its source."""

    src: SourceConfig
    policy: UrlPolicy
    result: FetchResult
    kind: str | None


#: a page's source and response, and the stored content hash its index work is prepared
#: against (``""``: none; :func:`archive.run.pool.extract_result`)
_Planned = tuple[SourceConfig, FetchResult, str] | None


def _record_tasks(
    db: sqlite_utils.Database, paths: Sequence[str | Path], max_bytes: int, sources: _Sources
) -> Iterator[tuple[tuple[str, WarcRecord | BadRecord, _Planned], _Planned]]:
    """Every record of ``paths`` with the extraction to run ahead for it (a page's source
    as the archive has it now; the writer checks it again when the record's turn comes),
    the derived indexes' work for the page included: the writer uses it only where the
    row it saves still has the values it was prepared from (``archive.indexes.base``), so
    a plan gone stale costs time, never a different archive."""
    for path in paths:
        for item in scan_warc(path, max_bytes):
            job = _plan(str(path), item, sources, warn=False)
            planned = None
            if isinstance(job, _Job) and not job.kind:
                stored = save.stored_hash(db, job.result.url) or ""
                planned = (job.src, job.result, stored)
            yield (str(path), item, planned), planned


def _import_record(
    db: sqlite_utils.Database,
    path: str,
    item: WarcRecord | BadRecord,
    sources: _Sources,
    writer: WarcWriter | None,
    planned: _Planned = None,
    done: Extraction | None = None,
) -> str | None:
    """The count one record adds to (``None``: not a response, not counted). ``done``: the
    extraction of ``planned``, used when the record still plans the same."""
    job = _plan(path, item, sources)
    if not isinstance(job, _Job):
        return job
    src, result = job.src, job.result
    if job.kind is not None:  # an image or a document: never a page
        stored = src.name in sources.stored
        outcome = import_media(db, src, job.kind, result, writer, store_source=not stored)
        sources.stored.add(src.name)
        return outcome
    if done is None or planned is None or planned[0] != src or planned[1].url != result.url:
        done = extract_result(src, result)
    page = finished(db, done)
    return _import_one(db, sources, src, page, result, writer, done.prepared)


def _plan(
    path: str, item: WarcRecord | BadRecord, sources: _Sources, *, warn: bool = True
) -> str | None | _Job:
    """What to do with one record: its count when it is not saved, else the job."""
    if isinstance(item, BadRecord):
        if warn:
            log.warning("%s; skipped", item)
        return "unreadable"
    if item.rec_type == "revisit":  # a media file stored once for two URLs: its bytes
        resolved = media_revisit(path, item)  # from the record it names (None: not one)
        if resolved is None:
            return None
        item = resolved
    if item.rec_type != "response":
        return None
    parts = urlsplit(item.url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        what = f"WARC-Target-URI {item.url!r} is not an http(s) URL" if item.url else ""
        if warn:
            log.warning(
                "%s: offset %d: response %s; skipped",
                path,
                item.offset,
                what or "without a WARC-Target-URI",
            )
        return "unreadable"
    if item.http_headers is None:  # not an HTTP response (e.g. a DNS or FTP record)
        return None
    ctype = item.http_headers.get_header("Content-Type") or ""
    kind = media_kind(ctype)
    if http_status(item) != 200 or ("html" not in ctype.lower() and kind is None):
        return "skipped"
    src, policy = sources.for_url(item.url)
    canon = policy.canonical(item.url)
    if not canon or not (policy.allowed_host(canon) if kind else policy.allowed(canon)):
        return "skipped"
    when = _capture_time(item.date)
    if when is None:  # never "now": the capture would pass for a fresh fetch
        if warn:
            log.warning(
                "%s: offset %d (%s): unreadable WARC-Date; skipped", path, item.offset, canon
            )
        return "bad_date"
    headers = {k.lower(): v for k, v in item.http_headers.headers}
    return _Job(src, policy, fetch_result(canon, headers, item.body, when), kind)


def _capture_time(value: str | None) -> str | None:
    """A foreign ``WARC-Date`` as a fetch time, or ``None`` when missing or unreadable."""
    if not value:
        return None
    try:
        return clock.to_iso(value)
    except ValueError:
        return None


def _latest_fetch(db: sqlite_utils.Database, url: str) -> str | None:
    target = alias_target(db, url) or url
    row = db.execute(
        "SELECT max(fetched_at) FROM revisions WHERE page_url = ?", [target]
    ).fetchone()
    return row[0] if row else None


def _import_one(
    db: sqlite_utils.Database,
    sources: _Sources,
    src: SourceConfig,
    page: Extracted | None,
    result: FetchResult,
    writer: WarcWriter | None,
    prepared: dict[str, Any] | None = None,
) -> str:
    """Save one extracted page (``prepared``: its indexes' work done by a worker)."""
    if page is None:
        return "errors"
    if page.page_type == "listing" or (not page.title and not page.body):
        return "skipped"
    latest = _latest_fetch(db, page.url)
    if latest and latest >= result.fetched_at:
        return "older"
    owner = sources.owner(page.url)  # the page (its canonical URL) may be archived already
    if owner is not None:
        src = owner[0]
    ref = writer.write(result) if writer is not None else None  # the copy before its rows
    with write_transaction(db):
        if src.name not in sources.stored:  # the first page saved stores its source
            runs.save_source(db, src)
        outcome = save.save_fetched_page(
            db, src.name, page, result, requested=result.url, capture=ref, prepared=prepared
        )
    sources.stored.add(src.name)
    return outcome


def _host_source(
    db: sqlite_utils.Database, host: str, config: Config | None
) -> SourceConfig | None:
    """The source (of the config, else of the archive) whose hosts include ``host``."""
    if config is not None and host in config.by_host:
        return config.by_host[host]
    for name in sources_with_host(db, host):
        return source_config(db, name, config)
    return None


class _Sources:
    """The source of each imported page, by the rule of the module docstring; the
    :class:`~crawler.fetch.urls.UrlPolicy` of each, made once."""

    def __init__(self, db: sqlite_utils.Database, name: str | None, config: Config | None):
        self.db, self.name, self.config = db, name, config
        self.policies: dict[str, tuple[SourceConfig, UrlPolicy]] = {}
        self.by_host: dict[str, str] = {}
        self.stored: set[str] = set()  # sources saved (or refreshed) by this import

    def _entry(self, src: SourceConfig) -> tuple[SourceConfig, UrlPolicy]:
        if src.name not in self.policies:
            self.policies[src.name] = (src, UrlPolicy(src))
        return self.policies[src.name]

    def _new(self, url: str) -> tuple[SourceConfig, UrlPolicy]:
        """Rules 2 to 4: ``--source``, else the host's source, else the host's default."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        key = "" if self.name else host
        if key not in self.by_host:
            if self.name:
                found = source_config(self.db, self.name, self.config)
            else:
                found = _host_source(self.db, host, self.config)
            if found is None:
                name = self.name or host
                scheme = parts.scheme.lower()
                found = SourceConfig(name=name, hosts=(host,), scheme=scheme, title=name)
            self.by_host[key] = found.name
            self._entry(found)
        return self.policies[self.by_host[key]]

    def owner(self, url: str) -> tuple[SourceConfig, UrlPolicy] | None:
        """Rule 1: the source of the archived page ``url`` (or the page it is an alias of)."""
        target = alias_target(self.db, url) or url
        row = self.db.execute("SELECT source FROM pages WHERE url = ?", [target]).fetchone()
        if row is None:
            return None
        if row[0] in self.policies:
            return self.policies[row[0]]
        src = source_config(self.db, row[0], self.config)
        return self._entry(src) if src is not None else None

    def for_url(self, url: str) -> tuple[SourceConfig, UrlPolicy]:
        src, policy = self._new(url)
        canon = policy.canonical(url)
        return self.owner(canon or url) or self.owner(url) or (src, policy)


__all__ = ["COUNTS", "import_warc"]
