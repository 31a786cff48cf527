"""Learning a source's site template from the archive (``pressarchive profile learn`` and
the end of every crawl run).

The pages are the latest stored captures (WARC records) of the source's live pages, newest
first (up to :data:`MAX_PAGES`); :func:`crawler.extract.learn.learn_template` learns from
them and :mod:`archive.store.templates` stores the result as the source's next version.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path

import sqlite_utils

from archive.run.pool import ordered_map
from archive.store.sqlite import SqliteStore
from archive.store.templates import StoredTemplate, latest_template, save_template
from crawler.capture.reading import read_capture
from crawler.capture.warc import CaptureError, CaptureRef
from crawler.errors import NotArchived
from crawler.extract.learn import Learned, Page, learn_template

log = logging.getLogger(__name__)

#: captures a template is learned from at most (the newest pages)
MAX_PAGES = 20


#: the latest revision of each live page of a source that has a capture
_CAPTURED = (
    "FROM pages p JOIN revisions r ON r.page_url = p.url AND r.revision = "
    "(SELECT max(revision) FROM revisions WHERE page_url = p.url) "
    "WHERE p.source = ? AND p.removed_at IS NULL AND r.warc_file IS NOT NULL"
)


def captured_count(db: sqlite_utils.Database, source: str) -> int:
    """How many live pages of ``source`` have a stored capture."""
    return int(db.execute("SELECT count(*) " + _CAPTURED, [source]).fetchone()[0])


def stored_refs(
    db: sqlite_utils.Database, source: str, limit: int = MAX_PAGES
) -> list[tuple[str, CaptureRef]]:
    """(url, capture) of the latest capture of up to ``limit`` live pages of ``source``,
    the most recently changed first."""
    rows = db.execute(
        "SELECT r.page_url, r.warc_file, r.warc_offset, r.warc_length, r.warc_record_id "
        + _CAPTURED
        + " ORDER BY p.last_changed DESC, p.url LIMIT ?",
        [source, limit],
    ).fetchall()
    return [(url, CaptureRef(*ref)) for url, *ref in rows]


def read_pages(folder: Path, refs: Sequence[tuple[str, CaptureRef]]) -> list[Page]:
    """(url, bytes, headers) of each capture that reads (verified); one that does not is
    logged and left out."""
    pages: list[Page] = []
    for url, ref in refs:
        try:
            capture = read_capture(folder, ref)
        except CaptureError as exc:
            log.warning("%s: %s", url, exc)
            continue
        pages.append((url, capture.body, capture.headers))
    return pages


def stored_pages(db: sqlite_utils.Database, source: str, limit: int = MAX_PAGES) -> list[Page]:
    """(url, bytes, headers) of the latest capture of up to ``limit`` live pages of
    ``source``, the most recently changed first."""
    folder = SqliteStore(db).capture_folder()
    if folder is None:
        return []
    return read_pages(folder, stored_refs(db, source, limit))


def learn_captures(task: tuple[Path, list[tuple[str, CaptureRef]]]) -> Learned | None:
    """Read the captures (in a worker process: verifying them is work too) and learn a
    template from them; ``None`` when none reads."""
    pages = read_pages(*task)
    return learn_template(pages) if pages else None


def learn_source(db: sqlite_utils.Database, source: str, *, min_pages: int = 1) -> StoredTemplate:
    """Learn ``source``'s template from its stored captures (the newest :data:`MAX_PAGES`)
    and store it as a new version. Raises :class:`~crawler.errors.NotArchived` when the
    source has fewer than ``min_pages`` captured pages (or none can be read)."""
    count = captured_count(db, source)
    pages = stored_pages(db, source) if count >= max(1, min_pages) else []
    if not pages:
        raise NotArchived(
            f"source {source!r} has {count} stored page capture(s); "
            f"a template needs at least {max(1, min_pages)}"
        )
    learned = learn_template(pages)
    return save_template(db, source, learned)


def learn_missing(
    db: sqlite_utils.Database, sources: Sequence[str], min_pages: int, *, workers: int = 1
) -> list[StoredTemplate]:
    """Learn a template for each of ``sources`` that has none yet and at least
    ``min_pages`` stored pages (0: never). With ``workers`` > 1 the learning (CPU: every
    page parsed and extracted several times) runs in that many processes
    (:func:`archive.run.pool.ordered_map`), reading the captures too; the templates are
    stored here, in the order of ``sources``."""
    learned: list[StoredTemplate] = []
    if min_pages <= 0:
        return learned
    todo = [s for s in sources if latest_template(db, s) is None]
    folder = SqliteStore(db).capture_folder()
    if folder is None:
        return learned

    def tasks() -> Iterator[tuple[str, tuple[Path, list[tuple[str, CaptureRef]]] | None]]:
        for source in todo:
            count = captured_count(db, source)
            if count < max(1, min_pages):  # too few pages yet
                log.debug("source %r has %d stored page capture(s)", source, count)
                yield source, None
                continue
            yield source, (folder, stored_refs(db, source))

    for source, found in ordered_map(
        learn_captures, tasks(), min(workers, len(todo)), ahead=4, chunk=1
    ):
        if found is None:
            continue
        stored = save_template(db, source, found)
        log.info(
            "%s: learned site template version %d from %d pages%s",
            source, stored.version, len(stored.pages),
            "" if stored.applies else " (not applied: it reads some field worse)",
        )  # fmt: skip
        learned.append(stored)
    return learned


__all__ = [
    "MAX_PAGES", "captured_count", "learn_captures", "learn_missing", "learn_source",
    "read_pages", "stored_pages", "stored_refs",
]  # fmt: skip
