"""Writing crawl results into the archive: pages with their images, links and revisions,
removals, and the look-ups a crawl needs (validators, known URLs, stored dates, the
discovery cache); sources and runs are :mod:`archive.store.runs`'. The crawl engine calls
them through :class:`archive.store.sqlite.SqliteStore`; reparse and WARC import
(:mod:`archive.run.reparse`, :mod:`archive.run.warc_import`) call them directly.

The central rule of :func:`save_page`: a page whose extracted content did not change
writes *nothing* (not even ``last_fetched``), so a re-crawl of an unchanged site leaves
the file untouched. Only two exceptions: a page that had been marked removed and is
back gets ``removed_at`` cleared (and counts as ``"changed"``), and new HTTP validators
(ETag / Last-Modified) are stored so the next request can be conditional.

New and changed pages are written in one transaction (``write_transaction``, which nests as a
savepoint if the caller already opened one): the page row, its images and links, a
bumped ``version`` and ``last_changed``. A stored published date is never replaced by one
from a weaker source (:mod:`archive.store.dates`): the page keeps it, and the conflict is
recorded in the same transaction (or alone, once, when nothing else changed).

Derived indexes (search, graph edges, :mod:`archive.indexes.registry`) are never written
here by name: every write of a page's rows is wrapped in ``registry.before_change`` (the
old rows are still there) and ``registry.after_change`` (the new ones are), in the same
transaction (a successful run ends with ``registry.after_run``: :mod:`archive.store.runs`).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from typing import Any

import sqlite_utils

from archive.indexes import registry as registry
from archive.store import dates as dates
from archive.store import payloads
from archive.store import revisions as revisions
from archive.store import rows as rows
from archive.store.record import HASH_FIELDS, content_hash, flat, page_record
from archive.store.schema import write_transaction
from crawler.clock import now_iso, to_iso
from crawler.discover.core import CachedDiscovery
from crawler.records import Extracted, FetchResult

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------- pages


def fetch_time(fetch: FetchResult) -> str:
    """When ``fetch`` happened, in the one timestamp format (``crawler.clock``); now if it
    does not say. The fetcher and ``warc_date`` already give that format; a result made
    elsewhere (tests, callers of the library) is normalised here, the last step before the
    timestamp columns. An unreadable time raises :class:`ValueError`."""
    return to_iso(fetch.fetched_at) if fetch.fetched_at else now_iso()


def _child_rows(page: Extracted) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    images = [
        {"page_url": page.url, "position": i, **flat(img)} for i, img in enumerate(page.images)
    ]
    links: list[dict[str, Any]] = [
        {"page_url": page.url, "rel": "related", "position": i, **flat(link)}
        for i, link in enumerate(page.related)
    ]
    links += [
        {"page_url": page.url, "rel": "body", "position": i, "url": url}
        for i, url in enumerate(page.links)
    ]
    links += [
        {"page_url": page.url, "rel": "attachment", "position": i, **flat(att)}
        for i, att in enumerate(page.attachments)
    ]
    return images, links


def save_page(
    db: sqlite_utils.Database,
    source: str,
    page: Extracted,
    fetch: FetchResult,
    *,
    capture: Any = None,
    event: str | None = None,
    batch: registry.PendingChanges | None = None,
    prepared: Mapping[str, Any] | None = None,
) -> str:
    """Store one extracted page; return ``"new"``, ``"changed"`` or ``"unchanged"``.

    Every new state is also a row of ``revisions`` (``archive/store/revisions.py``) pointing at
    ``capture`` (a ``crawler.capture.warc.CaptureRef`` written *before* this call, or ``None``).
    ``event="reparse"`` (re-extraction of a stored record) keeps ``removed_at`` and
    ``last_fetched`` and never restores a removed page. With ``batch`` (the open batch's
    pending changes) the derived indexes are updated when the batch ends; ``prepared``: the page's
    :func:`archive.indexes.registry.prepare` result (:func:`archive.store.record.prepare_page`).
    """
    if not page.url:
        raise ValueError("save_page: the extracted page has no URL")
    return _save_page(
        db, source, page, fetch, _stored_row(db, page.url), fetch_time(fetch),
        capture=capture, event=event, batch=batch, prepared=prepared,
    )  # fmt: skip


#: what :func:`_save_page` needs of the stored row of the page it saves
_STORED_ROW = (
    "SELECT content_hash, removed_at, etag, last_modified, first_seen, version, "
    "published, published_source FROM pages WHERE url = ?"
)


def _stored_row(db: sqlite_utils.Database, url: str) -> tuple[Any, ...] | None:
    row = db.execute(_STORED_ROW, [url]).fetchone()
    return None if row is None else tuple(row)


def _nothing_to_replace(cur: tuple[Any, ...] | None) -> bool:
    """Whether a page whose stored row is ``cur`` has no rows to replace (the fast path
    of a new page; the tests check that it writes what the full path writes)."""
    return cur is None


def _save_page(
    db: sqlite_utils.Database,
    source: str,
    page: Extracted,
    fetch: FetchResult,
    cur: tuple[Any, ...] | None,
    now: str,
    *,
    capture: Any,
    event: str | None,
    batch: registry.PendingChanges | None,
    prepared: Mapping[str, Any] | None,
) -> str:
    """:func:`save_page` given ``cur``, the page's :data:`_STORED_ROW` read in the same
    transaction with nothing written to the page since (``None``: not stored); ``now``:
    :func:`fetch_time` of ``fetch``."""
    if not page.url:
        raise ValueError("save_page: the extracted page has no URL")
    # the stored date stays when the new one comes from a weaker source (archive/store/dates.py)
    page, conflict = dates.settle(db, page, None if cur is None else (cur[6], cur[7]))
    record = page_record(source, page, fetch)

    if cur is not None and cur[0] == record["content_hash"]:
        old_hash, removed_at, etag, last_modified, _first_seen, version = cur[:6]
        if removed_at is not None and event != "reparse":
            # Back after having been gone: same content, live again (a new revision).
            images, links = _child_rows(page)
            with write_transaction(db):
                registry.before_change(db, [page.url], columns=_LIVENESS)
                number = revisions.save_revision(
                    db, record, images, links, version=version or 1, event="restored",
                    fetched_at=now, capture=capture, credit_list=page.credits,
                )  # fmt: skip
                if conflict:
                    dates.record(db, conflict, revision=number, event="restored", fetched_at=now)
                db.table("pages").update(
                    page.url,
                    {
                        "removed_at": None,
                        "http_status": record["http_status"],
                        "fetched_url": record["fetched_url"],
                        "etag": record["etag"],
                        "last_modified": record["last_modified"],
                        "last_fetched": now,
                        "last_changed": now,
                    },
                )
                registry.after_change(db, [page.url], columns=_LIVENESS)
            log.info("restored %s", page.url)
            return "changed"
        if conflict:  # written once: a recrawl finding it again writes nothing
            revision = dates.latest_revision(db, page.url)
            dates.record(
                db, conflict, revision=revision, event=event or "unchanged", fetched_at=now
            )
        if event != "reparse" and (etag, last_modified) != (
            record["etag"],
            record["last_modified"],
        ):
            db.table("pages").update(
                page.url, {"etag": record["etag"], "last_modified": record["last_modified"]}
            )
        return "unchanged"

    result = "new" if cur is None else "changed"
    record.update(
        {
            "first_seen": now if cur is None else cur[4],
            "last_fetched": now,
            "last_changed": now,
            "removed_at": None,
            "version": 1 if cur is None else (cur[5] or 0) + 1,
        }
    )
    if event == "reparse" and cur is not None:
        record["removed_at"] = cur[1]
        record.pop("last_fetched")
    images, links = _child_rows(page)
    # a page not stored yet has no rows to take out of any index, nor images, links or
    # revisions (they come with the ``pages`` row, which is never deleted)
    fresh = _nothing_to_replace(cur)
    with write_transaction(db):
        if not fresh:
            registry.before_change(db, [page.url])
        rows.upsert_row(db, "pages", record, ("url",))
        if not fresh:
            db.execute("DELETE FROM images WHERE page_url = ?", [page.url])
            db.execute("DELETE FROM links WHERE page_url = ?", [page.url])
        rows.insert_rows(db, "images", images)
        rows.insert_rows(db, "links", links)
        number = revisions.save_revision(
            db, record, images, links, version=record["version"], event=event or result,
            fetched_at=now, capture=capture, credit_list=page.credits, first=fresh,
        )  # fmt: skip
        if conflict:
            dates.record(db, conflict, revision=number, event=event or result, fetched_at=now)
        if record["removed_at"]:
            revisions.mark_revision_removed(db, page.url, record["removed_at"])
        if batch is not None:
            batch.add(page.url, new=cur is None, prepared=prepared)
        else:
            ready = {page.url: prepared} if prepared else None
            registry.after_change(db, [page.url], new=cur is None, prepared=ready)
    log.debug("%s %s (version %s)", result, page.url, record["version"])
    return result


def save_fetched_page(
    db: sqlite_utils.Database,
    source: str,
    page: Extracted,
    fetch: FetchResult,
    *,
    requested: str | None = None,
    capture: Any = None,
    batch: registry.PendingChanges | None = None,
    prepared: Mapping[str, Any] | None = None,
) -> str:
    """:func:`save_page` for a page fetched as ``requested``, one article per release.

    The article keeps the URL it was first archived under; another URL serving it becomes
    an alias (``archive.store.revisions.save_alias``): the other end of a redirect, or a new URL
    with the same title, date and body (``"duplicate"``). Content fetched through an alias
    is saved to the article only if it differs (so two URLs never make a re-crawl write).
    """
    requested = requested or page.url
    when = fetch_time(fetch)
    # one look-up for each URL (the usual page was requested under its own URL), and the
    # page's stored row read once: what "is it stored?" asks and what save_page needs
    target = revisions.alias_target(db, page.url)
    if target is None and requested != page.url:
        target = revisions.alias_target(db, requested)
    cur = _stored_row(db, page.url)
    pending: tuple[str, str, str] | None = None
    if target is None and requested != page.url:
        requested_stored = is_stored(db, requested)
        if requested_stored and cur is None:
            target, pending = requested, (page.url, requested, "redirect")
        elif not requested_stored:
            pending = (requested, page.url, "redirect")
    if target is None and cur is None:
        dup = revisions.find_duplicate(db, source, page.url, page.title, page.published, page.body)
        if dup:
            target, pending = dup, (page.url, dup, "duplicate")
    if target is not None and target != page.url:
        page = dataclasses.replace(page, url=target)
        cur = _stored_row(db, target)
        if cur is not None and cur[0] == content_hash(page):
            if pending:
                revisions.save_alias(db, *pending, when)
            return "unchanged"
    outcome = _save_page(
        db, source, page, fetch, cur, when,
        capture=capture, event=None, batch=batch, prepared=prepared,
    )  # fmt: skip
    if pending:
        revisions.save_alias(db, *pending, when)
    elif target is None and requested == page.url == (fetch.final_url or fetch.url):
        payloads.record_payload(db, page.url, fetch, when, capture)
    return outcome


def validators(db: sqlite_utils.Database, url: str) -> tuple[str | None, str | None] | None:
    """``(etag, last_modified)`` of a live stored page, or ``None`` if unknown or removed."""
    row = _one(
        db, "SELECT etag, last_modified FROM pages WHERE url = ? AND removed_at IS NULL", url
    )
    return None if row is None else (row[0], row[1])


def known_urls(db: sqlite_utils.Database, source: str) -> list[str]:
    """URLs of the live (not removed) pages of ``source``, sorted."""
    rows = db.execute(
        "SELECT url FROM pages WHERE source = ? AND removed_at IS NULL ORDER BY url", [source]
    ).fetchall()
    return [row[0] for row in rows]


def stored_hash(db: sqlite_utils.Database, url: str) -> str | None:
    """The content hash of the live stored page ``url`` (``None``: unknown or removed)."""
    row = _one(db, "SELECT content_hash FROM pages WHERE url = ? AND removed_at IS NULL", url)
    return None if row is None else row[0]


def is_stored(db: sqlite_utils.Database, url: str) -> bool:
    """Whether the archive holds ``url`` at all (live or removed)."""
    return _one(db, "SELECT 1 FROM pages WHERE url = ?", url) is not None


def stored_date(db: sqlite_utils.Database, url: str) -> tuple[str, str] | None:
    """``(published, published_source)`` of a stored page, if it has a date."""
    row = _one(db, "SELECT published, published_source FROM pages WHERE url = ?", url)
    if row is None or not row[0]:
        return None
    return row[0], row[1]


#: What a removal or a return changes of a ``pages`` row, as far as derived indexes care
#: (fetch validators and times are nobody's input): the text stays, so the search index
#: is left alone; graph edges end or start again.
_LIVENESS = ("removed_at", "http_status")


def mark_removed(db: sqlite_utils.Database, url: str, fetch: FetchResult) -> bool:
    """Mark a live page as gone (content kept); ``True`` if it was live before."""
    row = _one(db, "SELECT removed_at FROM pages WHERE url = ?", url)
    if row is None or row[0] is not None:
        return False
    removed_at = fetch_time(fetch)
    with write_transaction(db):
        registry.before_change(db, [url], columns=_LIVENESS)
        db.table("pages").update(url, {"removed_at": removed_at, "http_status": fetch.status})
        revisions.mark_revision_removed(db, url, removed_at)
        registry.after_change(db, [url], columns=_LIVENESS)
    log.info("removed %s (HTTP %s)", url, fetch.status)
    return True


# --------------------------------------------------------------------------- discovery cache


class SqliteDiscoveryCache:
    """Discovery cache (listing / feed / sitemap responses) in ``discovery_cache``.

    ``get(url)`` returns an object with ``etag``, ``last_modified`` and ``payload``
    (a ``crawler.discover.core.CachedDiscovery``) or ``None``;
    ``put(url, entry)`` stores any object with those attributes.
    """

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def get(self, url: str) -> Any | None:
        row = _one(
            self.db, "SELECT etag, last_modified, payload FROM discovery_cache WHERE url = ?", url
        )
        if row is None:
            return None
        return CachedDiscovery(etag=row[0], last_modified=row[1], payload=row[2])

    def put(self, url: str, entry: Any) -> None:
        self.db.table("discovery_cache").upsert(
            {
                "url": url,
                "etag": entry.etag,
                "last_modified": entry.last_modified,
                "payload": entry.payload,
                "fetched_at": now_iso(),
            },
            pk="url",
        )


def _one(db: sqlite_utils.Database, sql: str, *params: Any) -> Any:
    return db.execute(sql, list(params)).fetchone()


__all__ = [
    "HASH_FIELDS",
    "SqliteDiscoveryCache",
    "content_hash",
    "fetch_time",
    "known_urls",
    "mark_removed",
    "page_record",
    "save_fetched_page",
    "save_page",
    "validators",
]
