"""The SQLite archive: opening it and keeping its schema current.

:func:`open_archive` opens (or creates) the file, switches it to WAL, sets a busy timeout
and turns foreign keys on, then :func:`ensure_schema` applies any pending migration.

Migrations are numbered and recorded in the ``migrations`` table (``id``, ``name``,
``applied_at``). They are frozen SQL (:mod:`archive.store.migrations`): a later schema
change appends one; never edit one that has shipped. Every migration runs inside one
``BEGIN IMMEDIATE`` transaction, so two processes opening a fresh archive at once cannot
both apply it. In the same transaction, after the migrations, the derived indexes
(:mod:`archive.indexes.registry`) that were never built or were built by another version
are rebuilt.

A file that is not SQLite, or a non-empty SQLite database without our ``migrations``
table (any table, view or index of some other program) or with a ``migrations`` table
that is not ours (:func:`recorded_migrations`: other columns, other names), raises
:class:`~crawler.errors.ArchiveError` naming the path before anything is written to it:
only an empty database becomes an archive.

Timestamps (:data:`TIMESTAMP_COLUMNS`) are written in the one format of
:mod:`crawler.clock` (``2026-12-04T05:40:40.123Z``), so SQL compares them as strings;
migration 9 (``utc_timestamps``) rewrote rows of older archives.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from archive.indexes import registry as registry
from archive.indexes.fts import TEXT_COLUMNS
from archive.store.migrations import MIGRATIONS, Migration
from crawler.clock import now_iso
from crawler.errors import ArchiveError
from crawler.records import RUN_COUNTERS

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000

FTS_TOKENIZE = "unicode61 remove_diacritics 2"

#: Columns of ``revisions`` (migration 2): one row per version of a page, with every
#: extracted field, the fetch and the WARC record it was extracted from.
REVISION_COLUMNS: tuple[str, ...] = (
    "page_url", "revision", "version", "event", "fetched_at", "page_type", "label", "title",
    "lead", "body", "published", "published_source", "modified", "captions", "credits",
    "credit_list", "image_count", "related_count", "content_hash", "http_status",
    "fetched_url", "changed_fields", "removed_at", "warc_file", "warc_offset", "warc_length",
    "warc_record_id",
)  # fmt: skip
#: Where a link of a page was found (``links.rel``, ``revision_links.rel``), and what
#: each place means (``archive.store.save`` writes them).
LINK_REL_MEANINGS = {
    "related": 'a teaser in the page\'s related box ("Verwandte Themen", "Mehr zum Thema")',
    "body": "a link inside the body text",
    "attachment": "a document attached to the page (PDF, office file)",
}
LINK_RELS = tuple(LINK_REL_MEANINGS)
REVISION_LINK_COLUMNS = (
    "page_url", "revision", "rel", "position", "url", "title", "kind", "label", "date",
)  # fmt: skip

#: Columns of ``crawl_runs``: the counters are :data:`crawler.records.RUN_COUNTERS`, each
#: added by a migration (tests/archive/store/test_archive.py checks the two agree).
CRAWL_RUN_COLUMNS = (
    "id",
    "source",
    "started_at",
    "finished_at",
    "status",
    *RUN_COUNTERS,
    "duration",
)
#: What status and health report of a run: every ``crawl_runs`` column but ``source``.
RUN_REPORT_COLUMNS = tuple(c for c in CRAWL_RUN_COLUMNS if c != "source")

#: Columns every table must have once all migrations ran (checked after migrating, so
#: a foreign database with a same-named table is refused instead of half-used).
EXPECTED_COLUMNS: dict[str, tuple[str, ...]] = {
    "sources": ("name", "title", "city", "hosts", "start_urls", "added_at", "scheme"),
    "pages": (
        "url",
        "source",
        "page_type",
        "label",
        "title",
        "lead",
        "body",
        "published",
        "published_source",
        "modified",
        "captions",
        "credits",
        "image_count",
        "related_count",
        "content_hash",
        "etag",
        "last_modified",
        "http_status",
        "fetched_url",
        "first_seen",
        "last_fetched",
        "last_changed",
        "removed_at",
        "version",
    ),
    "images": ("page_url", "position", "src", "alt", "caption", "credit"),
    "links": ("page_url", "rel", "position", "url", "title", "kind", "label", "date"),
    "crawl_runs": CRAWL_RUN_COLUMNS,
    "fetch_errors": ("id", "run_id", "source", "url", "status", "error", "time", "kind"),
    "discovery_cache": ("url", "etag", "last_modified", "payload", "fetched_at"),
    "pages_fts": TEXT_COLUMNS,
    # migrations 7 and 8: German-aware search index (archive/indexes/search_index.py)
    "pages_search": (*TEXT_COLUMNS, "filters"),
    "search_terms": ("term", "rterm"),
    # migration 8: the version that built each derived index (archive/indexes/registry.py)
    "index_state": ("name", "version", "built_at"),
    # migration 2: every version of a page (archive/store/revisions.py), aliases of moved pages
    "revisions": REVISION_COLUMNS,
    "revision_images": ("page_url", "revision", "position", "src", "alt", "caption", "credit"),
    "revision_links": REVISION_LINK_COLUMNS,
    "aliases": ("url", "canonical_url", "reason", "first_seen"),
    # migration 4: unattended runs (archive/run/schedule.py, archive/health.py)
    "schedule_state": ("source", "next_run_at", "period", "updated_at"),
    "run_extraction": ("run_id", "source", "pages", "no_date", "no_title", "no_body"),
    # migration 11: learned site templates, template misses per run (archive/store/templates.py)
    "learned_templates": ("source", "version", "profile", "learned_at", "pages", "stats"),
    "run_templates": ("run_id", "source", "version", "pages", "misses"),
    # migration 12: dates a re-extraction would have made worse (archive/store/dates.py)
    "date_conflicts": (
        "id",
        "page_url",
        "outcome",
        "kept",
        "kept_source",
        "kept_detail",
        "kept_revision",
        "rejected",
        "rejected_source",
        "rejected_detail",
        "rejected_revision",
        "event",
        "fetched_at",
        "found_at",
    ),  # fmt: skip
    # migration 14: archived images and attachments (archive/store/media.py)
    "media": (
        "url",
        "source",
        "kind",
        "status",
        "content_type",
        "length",
        "digest",
        "warc_file",
        "warc_offset",
        "fetched_at",
        "error",
        "page_url",
        "record_type",
        "warc_record_id",
        "etag",
        "last_modified",
    ),  # fmt: skip
    # migration 15: saved searches and the deliveries of their matches (archive/alerts/)
    "watches": (
        "name",
        "query",
        "source",
        "label",
        "webhooks",
        "emails",
        "backfill",
        "created_at",
    ),  # fmt: skip
    "deliveries": (
        "id",
        "watch",
        "page_url",
        "version",
        "target",
        "status",
        "attempts",
        "last_error",
        "last_attempt_at",
        "delivered_at",
    ),  # fmt: skip
    # migration 19: each page's last body (archive/store/payloads.py)
    "page_payloads": (
        "url",
        "digest",
        "fetched_at",
        "warc_file",
        "warc_offset",
        "warc_record_id",
        "warc_uri",
        "warc_date",
    ),  # fmt: skip
}
MIGRATIONS_COLUMNS = ("id", "name", "applied_at")


#: Every timestamp column (a time pressarchive did something), by table: each holds
#: ``crawler.clock`` format only (``2026-12-04T05:40:40.123Z``), so they compare as
#: strings. Release dates (``published``, ``modified``, links' ``date``) and HTTP
#: ``last_modified`` values are content, not timestamps (see ``crawler.clock``).
#: migration 9 rewrote these columns; a new one must be added here *and* normalised by
#: its writer (tests/archive/store/test_timestamps.py checks every column of a demo archive).
TIMESTAMP_COLUMNS: dict[str, tuple[str, ...]] = {
    "sources": ("added_at",),
    "pages": ("first_seen", "last_fetched", "last_changed", "removed_at"),
    "crawl_runs": ("started_at", "finished_at"),
    "fetch_errors": ("time",),
    "discovery_cache": ("fetched_at",),
    "revisions": ("fetched_at", "removed_at"),
    "aliases": ("first_seen",),
    "schedule_state": ("next_run_at", "updated_at"),
    "graph_edges": ("first_seen", "last_seen", "ended_at"),
    "migrations": ("applied_at",),
    "index_state": ("built_at",),
    "learned_templates": ("learned_at",),
    "date_conflicts": ("fetched_at", "found_at"),
    "media": ("fetched_at",),
    "watches": ("created_at",),
    "deliveries": ("last_attempt_at", "delivered_at"),
    "page_payloads": ("fetched_at", "warc_date"),
}


def db_path(db: sqlite_utils.Database) -> str:
    """The file behind ``db`` (``":memory:"`` for an in-memory database)."""
    try:
        for _seq, name, file in db.conn.execute("PRAGMA database_list").fetchall():
            if name == "main":
                return file or ":memory:"
    except sqlite3.Error as exc:
        log.debug("PRAGMA database_list failed: %s", exc)
    return "<unknown>"


# --------------------------------------------------------------------------- opening


@contextlib.contextmanager
def write_transaction(
    db: sqlite_utils.Database, *, one_statement: bool = False
) -> Iterator[sqlite_utils.Database]:
    """One write transaction, started with ``BEGIN IMMEDIATE`` so a second writer waits for the
    busy timeout instead of failing with "database is locked" when its read would have to be
    upgraded; nested inside an open transaction it is a savepoint (``db.atomic()``).

    ``one_statement``: the block writes with one statement, which SQLite applies whole or
    not at all, so nested it needs no savepoint (two statements and a random name each:
    ~40 µs, paid thousands of times when a crawl of thousands of sources opens and closes
    its runs in one batch)."""
    if db.conn.in_transaction:
        if one_statement:
            yield db
        else:
            with db.atomic():
                yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


def _enable_wal(db: sqlite_utils.Database) -> None:
    """Switch to WAL. Two processes opening a brand-new file at once can make the switch
    fail with "database is locked" at once, without the busy timeout (SQLite refuses a
    lock upgrade that could deadlock): retry it until the busy timeout has passed."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            db.enable_wal()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            log.debug("%s: WAL switch busy, retrying", db_path(db))
            time.sleep(0.01)


#: the page cache of a connection opened by :func:`open_archive` (KiB; BENCHMARKS.md, "Issue
#: 17 at the end of stop 24"; ``bench/page_cache.py``)
CACHE_KIB = 16 * 1024


def open_archive(path: str | Path) -> sqlite_utils.Database:
    """Open or create the archive at ``path`` and bring its schema up to date."""
    p = Path(path)
    if p.is_dir():
        raise ArchiveError(f"{p}: is a directory, not an archive file")
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite_utils.Database(p)
    except (OSError, sqlite3.Error) as exc:
        raise ArchiveError(f"{p}: cannot open archive: {exc}") from exc
    try:
        db.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _refuse_foreign(db, str(p))  # before the WAL switch, which rewrites the file header
        _enable_wal(db)
        # WAL + NORMAL: a commit appends to the WAL without an fsync (the WAL is synced at
        # checkpoints), ~0.03 ms instead of ~3 ms a commit on this machine's disk, paid in
        # the crawl's event-loop thread. A killed process loses nothing committed; a power
        # loss may roll back the last commits but never corrupts the file, and the WARC
        # record a row points to is fsynced before the row is written
        # (crawler.capture.warc), so a lost row leaves at worst an unreferenced record
        # and a page the next run fetches again.
        db.conn.execute("PRAGMA synchronous = NORMAL")
        db.conn.execute("PRAGMA foreign_keys = ON")
        # a writing batch dirties many index pages (terms, entities, full text): with
        # SQLite's default 2 MB cache the crawl read back ~215 KB a page it had just
        # written; 16 MB: 2.5 times fewer reads, a quarter fewer writes, 1-7 % less CPU
        # in the crawling process (bench/page_cache.py)
        db.conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        ensure_schema(db)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise ArchiveError(f"{p}: cannot open archive: {exc}") from exc
    except BaseException:
        db.close()
        raise
    return db


def _table_columns(db: sqlite_utils.Database, table: str) -> set[str]:
    rows = db.conn.execute(f"PRAGMA table_xinfo({sqlite_utils.db.quote_identifier(table)})")
    return {row[1] for row in rows.fetchall()}


def _existing_tables(db: sqlite_utils.Database) -> set[str]:
    rows = db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {row[0] for row in rows}


def ensure_schema(db: sqlite_utils.Database) -> list[int]:
    """Apply pending migrations (idempotent); return the ids applied by this call."""
    path = db_path(db)
    try:
        tables = _existing_tables(db)
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"{path}: not an SQLite database: {exc}") from exc

    if db.conn.in_transaction:
        raise ArchiveError(f"{path}: ensure_schema() cannot run inside an open transaction")
    applied_now: list[int] = []
    with write_transaction(db):  # not nested: checked above
        tables = _existing_tables(db)  # again, now that we hold the write lock
        applied = _applied_migrations(db, tables, path)
        for mid, name, fn in sorted(MIGRATIONS, key=lambda m: m[0]):
            if mid in applied:
                continue
            log.info("%s: applying migration %04d_%s", path, mid, name)
            fn(db)
            db.conn.execute(
                "INSERT INTO migrations (id, name, applied_at) VALUES (?, ?, ?)",
                (mid, name, now_iso()),
            )
            applied_now.append(mid)
        check_columns(db, path)
        registry.ensure_current(db)
    return applied_now


def _schema_objects(db: sqlite_utils.Database) -> list[str]:
    """Names of everything in ``sqlite_master`` (tables, views, indexes, triggers)."""
    rows = db.conn.execute(
        "SELECT name FROM sqlite_master ORDER BY type != 'table', name"
    ).fetchall()
    return [str(row[0]) for row in rows]


def _refuse_foreign(db: sqlite_utils.Database, path: str) -> None:
    """Raise :class:`ArchiveError` if the database has anything but no migrations table,
    or a migrations table that is not ours (checked again under the write lock by
    :func:`ensure_schema`)."""
    if "migrations" not in _existing_tables(db):
        _refuse_non_empty(db, path)
    else:
        recorded_migrations(db.conn, path)


def recorded_migrations(conn: sqlite3.Connection, path: str) -> set[int]:
    """The ids in the ``migrations`` table of ``conn`` (which has one), read only.

    :class:`ArchiveError` if the table is not ours (other columns, or an id recorded
    under another name than pressarchive's migration of that id: another program's
    migrations table) or records migrations unknown to this version."""
    columns = {row[1] for row in conn.execute("PRAGMA table_xinfo(migrations)").fetchall()}
    if not set(MIGRATIONS_COLUMNS) <= columns:
        raise ArchiveError(f"{path}: not a pressarchive archive (foreign 'migrations' table)")
    names = {mid: name for mid, name, _apply in MIGRATIONS}
    recorded = {row[0]: row[1] for row in conn.execute("SELECT id, name FROM migrations")}
    for mid, name in sorted(recorded.items(), key=lambda item: str(item[0])):
        if mid in names and name != names[mid]:
            raise ArchiveError(
                f"{path}: not a pressarchive archive (its 'migrations' table records "
                f"{mid} {name!r}, pressarchive's migration {mid} is {names[mid]!r})"
            )
    unknown = set(recorded) - set(names)
    if unknown:
        raise ArchiveError(
            f"{path}: archive has migration(s) {sorted(unknown, key=str)} unknown to this "
            "version of pressarchive; upgrade it"
        )
    return set(recorded)


def _refuse_non_empty(db: sqlite_utils.Database, path: str) -> None:
    # Only an empty database becomes an archive: anything else without our migrations
    # table belongs to some other program and is left untouched.
    found = _schema_objects(db)
    if found:
        shown = ", ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
        raise ArchiveError(
            f"{path}: not a pressarchive archive (it has {shown} but no migrations table); "
            "use --db with a new file or an existing archive"
        )


def _applied_migrations(db: sqlite_utils.Database, tables: set[str], path: str) -> set[int]:
    if "migrations" not in tables:
        _refuse_non_empty(db, path)
        db.conn.execute(
            "CREATE TABLE migrations (id INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)"
        )
        return set()
    return recorded_migrations(db.conn, path)


def check_columns(db: sqlite_utils.Database, path: str) -> None:
    tables = _existing_tables(db)
    for table, columns in EXPECTED_COLUMNS.items():
        if table not in tables:
            raise ArchiveError(f"{path}: archive is missing table '{table}'")
        have = _table_columns(db, table)
        missing = [c for c in columns if c not in have]
        if missing:
            raise ArchiveError(
                f"{path}: table '{table}' lacks column(s) {', '.join(missing)}; "
                "not a pressarchive archive?"
            )


__all__ = [
    "EXPECTED_COLUMNS",
    "LINK_RELS",
    "LINK_REL_MEANINGS",
    "MIGRATIONS",
    "TIMESTAMP_COLUMNS",
    "Migration",
    "db_path",
    "check_columns",
    "ensure_schema",
    "open_archive",
    "recorded_migrations",
]
