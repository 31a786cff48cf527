"""The SQLite archive: opening it and keeping its schema current.

:func:`open_archive` opens (or creates) the file, switches it to WAL, sets a busy timeout
and turns foreign keys on, then :func:`ensure_schema` applies any pending migration.

Migrations are numbered and recorded in the ``migrations`` table (``id``, ``name``,
``applied_at``). A later schema change appends a function to :data:`MIGRATIONS`; never
edit one that has shipped. Every migration runs inside one ``BEGIN IMMEDIATE``
transaction, so two processes opening a fresh archive at once cannot both apply it.

Timestamps (:data:`TIMESTAMP_COLUMNS`) are written in the one format of
:mod:`crawler.clock` (``2026-12-04T05:40:40.123Z``), so SQL compares them as strings;
migration 10 (``utc_timestamps``) rewrote rows of older archives. Ids 8 and 9 are
reserved for another branch: migrations apply in id order, whichever ids are missing.

A file that is not SQLite, or an SQLite file whose tables clash with ours (a ``pages``
table from some other program, say), raises :class:`~crawler.errors.ArchiveError`
naming the path.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import sqlite_utils

from crawler.clock import now_iso
from crawler.errors import ArchiveError

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000

#: FTS5 columns of ``pages_fts``, in order; search.py's bm25 weights follow this order.
FTS_COLUMNS = ("title", "label", "lead", "body", "captions", "credits")
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
REVISION_LINK_COLUMNS = (
    "page_url", "revision", "rel", "position", "url", "title", "kind", "label", "date",
)  # fmt: skip
_INT_REVISION_COLUMNS = {
    "revision", "version", "image_count", "related_count", "http_status", "warc_offset",
    "warc_length",
}  # fmt: skip

#: Columns every table must have once all migrations ran (checked after migrating, so
#: a foreign database with a same-named table is refused instead of half-used).
EXPECTED_COLUMNS: dict[str, tuple[str, ...]] = {
    "sources": ("name", "title", "city", "hosts", "start_urls", "added_at"),
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
    "crawl_runs": (
        "id",
        "source",
        "started_at",
        "finished_at",
        "status",
        "fetched",
        "new",
        "changed",
        "unchanged",
        "not_modified",
        "removed",
        "errors",
        "bytes",
        "requests",
        "duration",
    ),
    "fetch_errors": ("id", "run_id", "source", "url", "status", "error", "time"),
    "discovery_cache": ("url", "etag", "last_modified", "payload", "fetched_at"),
    "pages_fts": FTS_COLUMNS,
    # migrations 3 and 7: German-aware search index (archive/search.py, compounds.py)
    "pages_search": (*FTS_COLUMNS, "filters"),
    "search_terms": ("term", "rterm"),
    "search_state": ("key", "value"),
    # migration 2: every version of a page (archive/revisions.py), aliases of moved pages
    "revisions": REVISION_COLUMNS,
    "revision_images": ("page_url", "revision", "position", "src", "alt", "caption", "credit"),
    "revision_links": REVISION_LINK_COLUMNS,
    "aliases": ("url", "canonical_url", "reason", "first_seen"),
    # migration 4: unattended runs (crawler/schedule.py, archive/health.py)
    "schedule_state": ("source", "next_run_at", "period", "updated_at"),
    "run_extraction": ("run_id", "source", "pages", "no_date", "no_title", "no_body"),
}
MIGRATIONS_COLUMNS = ("id", "name", "applied_at")

RUN_COUNTS = (
    "fetched", "new", "changed", "unchanged", "not_modified", "removed", "errors", "bytes",
    "requests",
)  # fmt: skip


#: Every timestamp column (a time pressarchive did something), by table: each holds
#: ``crawler.clock`` format only (``2026-12-04T05:40:40.123Z``), so they compare as
#: strings. Release dates (``published``, ``modified``, links' ``date``) and HTTP
#: ``last_modified`` values are content, not timestamps (see ``crawler.clock``).
#: Migration 10 rewrote these columns; a new one must be added here *and* normalised by
#: its writer (tests/test_timestamps.py checks every column of a demo archive).
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


# --------------------------------------------------------------------------- migrations


def _m0001_initial(db: sqlite_utils.Database) -> None:
    db.table("sources").create(
        {
            "name": str, "title": str, "city": str, "hosts": str, "start_urls": str,
            "added_at": str,
        },
        pk="name",
    )  # fmt: skip
    db.table("pages").create(
        {
            "url": str,
            "source": str,
            "page_type": str,
            "label": str,
            "title": str,
            "lead": str,
            "body": str,
            "published": str,
            "published_source": str,
            "modified": str,
            "captions": str,
            "credits": str,
            "image_count": int,
            "related_count": int,
            "content_hash": str,
            "etag": str,
            "last_modified": str,
            "http_status": int,
            "fetched_url": str,
            "first_seen": str,
            "last_fetched": str,
            "last_changed": str,
            "removed_at": str,
            "version": int,
        },
        pk="url",
        not_null={"source"},
    )
    db.table("images").create(
        {
            "page_url": str, "position": int, "src": str, "alt": str, "caption": str,
            "credit": str,
        },
        pk=("page_url", "position"),
        foreign_keys=[("page_url", "pages", "url")],
    )  # fmt: skip
    db.table("links").create(
        {
            "page_url": str, "rel": str, "position": int, "url": str, "title": str,
            "kind": str, "label": str, "date": str,
        },
        pk=("page_url", "rel", "position"),
        foreign_keys=[("page_url", "pages", "url")],
    )  # fmt: skip
    counts: dict[str, type] = {name: int for name in RUN_COUNTS}
    db.table("crawl_runs").create(
        {
            "id": int, "source": str, "started_at": str, "finished_at": str, "status": str,
            **counts, "duration": float,
        },
        pk="id",
        defaults={name: 0 for name in RUN_COUNTS},
    )  # fmt: skip
    db.table("fetch_errors").create(
        {
            "id": int, "run_id": int, "source": str, "url": str, "status": int, "error": str,
            "time": str,
        },
        pk="id",
        foreign_keys=[("run_id", "crawl_runs", "id")],
    )  # fmt: skip
    db.table("discovery_cache").create(
        {"url": str, "etag": str, "last_modified": str, "payload": str, "fetched_at": str},
        pk="url",
    )
    db.table("pages").create_index(["source"])
    db.table("pages").create_index(["published"])
    db.table("fetch_errors").create_index(["run_id"])
    db.table("links").create_index(["url"])
    db.table("pages").enable_fts(list(FTS_COLUMNS), create_triggers=True, tokenize=FTS_TOKENIZE)


def _m0002_revisions(db: sqlite_utils.Database) -> None:
    """Revisions (every version of a page), their images and links, and URL aliases.

    Existing pages become their revision 1 (no WARC record: they were fetched before
    captures existed); their images and links are copied to the revision tables.
    """
    columns: dict[str, type] = {
        c: (int if c in _INT_REVISION_COLUMNS else str) for c in REVISION_COLUMNS
    }
    db.table("revisions").create(
        columns, pk=("page_url", "revision"), foreign_keys=[("page_url", "pages", "url")]
    )
    db.table("revision_images").create(
        {
            "page_url": str, "revision": int, "position": int, "src": str, "alt": str,
            "caption": str, "credit": str,
        },
        pk=("page_url", "revision", "position"),
        foreign_keys=[("page_url", "pages", "url")],
    )  # fmt: skip
    db.table("revision_links").create(
        {
            "page_url": str, "revision": int, "rel": str, "position": int, "url": str,
            "title": str, "kind": str, "label": str, "date": str,
        },
        pk=("page_url", "revision", "rel", "position"),
        foreign_keys=[("page_url", "pages", "url")],
    )  # fmt: skip
    db.table("aliases").create(
        {"url": str, "canonical_url": str, "reason": str, "first_seen": str},
        pk="url",
        foreign_keys=[("canonical_url", "pages", "url")],
    )
    db.table("revisions").create_index(["warc_file"])
    db.table("aliases").create_index(["canonical_url"])
    db.table("pages").create_index(["source", "title"])
    shared = ", ".join(c for c in REVISION_COLUMNS if c in EXPECTED_COLUMNS["pages"])
    db.execute(
        f"INSERT INTO revisions (page_url, revision, version, event, fetched_at, {shared})"
        f" SELECT url, 1, coalesce(version, 1), 'new', coalesce(last_changed, first_seen), "
        f"{shared} FROM pages"
    )
    db.execute(
        "INSERT INTO revision_images SELECT page_url, 1, position, src, alt, caption, credit "
        "FROM images"
    )
    db.execute(
        "INSERT INTO revision_links SELECT page_url, 1, rel, position, url, title, kind, label, "
        "date FROM links"
    )


def _m0003_german_search(db: sqlite_utils.Database) -> None:
    """``pages_search``: German-aware FTS5 index (archive/search.py; filled and reshaped by
    migration 7); ``pages_view``: pages with ``year`` and ``live`` for Datasette facets."""
    # As shipped: stems plus two compound columns, filled here; migration 7 replaces it.
    db.execute(
        "CREATE VIRTUAL TABLE pages_search USING fts5(title, label, lead, body, captions, "
        "credits, parts, rparts, tokenize='unicode61 remove_diacritics 2')"
    )
    db.execute(
        "CREATE VIEW pages_view AS SELECT url, source, page_type, label, title, published, "
        "substr(published, 1, 4) AS year, lead, image_count, related_count, "
        "removed_at IS NULL AS live, removed_at, first_seen, last_changed, version FROM pages"
    )


def _m0004_schedule_health(db: sqlite_utils.Database) -> None:
    """``schedule_state``: the scheduler's next run per source (survives restarts);
    ``run_extraction``: per run, how many saved (new/changed) pages came out of extraction
    without a date of their own, a title or a body (extraction drift, archive/health.py)."""
    db.table("schedule_state").create(
        {"source": str, "next_run_at": str, "period": float, "updated_at": str}, pk="source"
    )
    db.table("run_extraction").create(
        {
            "run_id": int, "source": str, "pages": int, "no_date": int, "no_title": int,
            "no_body": int,
        },
        pk="run_id",
        foreign_keys=[("run_id", "crawl_runs", "id")],
    )  # fmt: skip
    db.table("run_extraction").create_index(["source"])


def _m0005_graph_views(db: sqlite_utils.Database) -> None:
    """Views of the related-topic graph over time (archive/graph.py): ``graph_nodes``,
    ``graph_edges`` (first/last seen), ``graph_edge_spans``, ``graph_revision_spans``."""
    from archive.graph.model import create_views  # noqa: PLC0415 - keep schema light

    create_views(db)


def _m0006_graph_edges_table(db: sqlite_utils.Database) -> None:
    """``graph_edges`` becomes a table (archive/graph_table.py) kept current on every save
    and at the end of each successful run: the view took 12 s to count 736,000 edges at
    100,000 pages. Filled here from the revisions (about 15 s at that size, once)."""
    from archive.indexes import graph_edges as graph_table  # noqa: PLC0415 - keep schema light

    db.execute("DROP VIEW IF EXISTS graph_edges")
    graph_table.create(db)
    graph_table.rebuild(db)


def _m0007_compound_vocabulary(db: sqlite_utils.Database) -> None:
    """``pages_search`` becomes contentless (its stored stems took more room than the
    plain index) and loses its compound columns (``parts``, ``rparts``: FTS5 prefix
    queries over them merged every matching doclist, 176 ms p95 at 1M pages); the query
    now expands compounds from the ``search_terms`` vocabulary (archive/compounds.py);
    ``search_state`` records the analyzer. Rebuilt from ``pages``."""
    from archive.search.engine import create_search_index, reindex  # noqa: PLC0415 - keep schema light

    db.execute("DROP TABLE IF EXISTS pages_search")
    create_search_index(db)
    pages = reindex(db)  # records the analyzer in search_state
    if pages:
        log.info("search index rebuilt: %d pages", pages)


#: Migration 10 as shipped (frozen: never generated from :data:`TIMESTAMP_COLUMNS`, which
#: may grow). SQLite's ``strftime`` reads ``Z``, ``+HH:MM`` offsets (converted to UTC),
#: fractions and naive times (taken as UTC), like ``crawler.clock.to_iso``; a value it
#: cannot read gives NULL and is kept as it was (``coalesce``); NULLs stay NULL. A row is
#: written only if one of its values changes (one UPDATE per table, so the ``pages_fts``
#: triggers reindex a page once). ``graph_edges`` holds copies of revision and run times,
#: so rewriting its values equals recomputing them. The view ``graph_revision_spans``
#: (migration 5) loses its ``replace(…, '+00:00', 'Z')``: the values are uniform now.
M0010_UTC_TIMESTAMPS_SQL = """
UPDATE sources SET
  added_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', added_at), added_at)
WHERE added_at <> strftime('%Y-%m-%dT%H:%M:%fZ', added_at);
UPDATE pages SET
  first_seen = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', first_seen), first_seen),
  last_fetched = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', last_fetched), last_fetched),
  last_changed = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', last_changed), last_changed),
  removed_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', removed_at), removed_at)
WHERE first_seen <> strftime('%Y-%m-%dT%H:%M:%fZ', first_seen)
  OR last_fetched <> strftime('%Y-%m-%dT%H:%M:%fZ', last_fetched)
  OR last_changed <> strftime('%Y-%m-%dT%H:%M:%fZ', last_changed)
  OR removed_at <> strftime('%Y-%m-%dT%H:%M:%fZ', removed_at);
UPDATE crawl_runs SET
  started_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', started_at), started_at),
  finished_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', finished_at), finished_at)
WHERE started_at <> strftime('%Y-%m-%dT%H:%M:%fZ', started_at)
  OR finished_at <> strftime('%Y-%m-%dT%H:%M:%fZ', finished_at);
UPDATE fetch_errors SET
  time = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', time), time)
WHERE time <> strftime('%Y-%m-%dT%H:%M:%fZ', time);
UPDATE discovery_cache SET
  fetched_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', fetched_at), fetched_at)
WHERE fetched_at <> strftime('%Y-%m-%dT%H:%M:%fZ', fetched_at);
UPDATE revisions SET
  fetched_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', fetched_at), fetched_at),
  removed_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', removed_at), removed_at)
WHERE fetched_at <> strftime('%Y-%m-%dT%H:%M:%fZ', fetched_at)
  OR removed_at <> strftime('%Y-%m-%dT%H:%M:%fZ', removed_at);
UPDATE aliases SET
  first_seen = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', first_seen), first_seen)
WHERE first_seen <> strftime('%Y-%m-%dT%H:%M:%fZ', first_seen);
UPDATE schedule_state SET
  next_run_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', next_run_at), next_run_at),
  updated_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', updated_at), updated_at)
WHERE next_run_at <> strftime('%Y-%m-%dT%H:%M:%fZ', next_run_at)
  OR updated_at <> strftime('%Y-%m-%dT%H:%M:%fZ', updated_at);
UPDATE graph_edges SET
  first_seen = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', first_seen), first_seen),
  last_seen = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', last_seen), last_seen),
  ended_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', ended_at), ended_at)
WHERE first_seen <> strftime('%Y-%m-%dT%H:%M:%fZ', first_seen)
  OR last_seen <> strftime('%Y-%m-%dT%H:%M:%fZ', last_seen)
  OR ended_at <> strftime('%Y-%m-%dT%H:%M:%fZ', ended_at);
UPDATE migrations SET
  applied_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', applied_at), applied_at)
WHERE applied_at <> strftime('%Y-%m-%dT%H:%M:%fZ', applied_at);
DROP VIEW IF EXISTS graph_revision_spans;
CREATE VIEW graph_revision_spans AS
SELECT page_url, revision, label, fetched_at AS valid_from,
  coalesce(removed_at, lead(fetched_at) OVER (PARTITION BY page_url ORDER BY revision))
    AS valid_to
FROM revisions;
"""


def _execute_script(db: sqlite_utils.Database, script: str) -> None:
    """Run the ``;``-terminated statements of ``script`` one by one, inside the migration's
    transaction (``executescript`` would commit it first)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.conn.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement in migration: {statement!r}")


def _m0010_utc_timestamps(db: sqlite_utils.Database) -> None:
    """Every timestamp column rewritten to the one format of ``crawler.clock``
    (``2026-12-04T05:40:40.123Z``); archives mixed ``…:57.079Z`` (fetch times), ``…:13Z``
    and ``…:56+00:00`` (run and bookkeeping times), even within ``graph_edges``."""
    _execute_script(db, M0010_UTC_TIMESTAMPS_SQL)


#: (id, name, function) — append only.
MIGRATIONS: list[tuple[int, str, Callable[[sqlite_utils.Database], None]]] = [
    (1, "initial", _m0001_initial),
    (2, "revisions", _m0002_revisions),
    (3, "german_search", _m0003_german_search),
    (4, "schedule_health", _m0004_schedule_health),
    (5, "graph_views", _m0005_graph_views),
    (6, "graph_edges_table", _m0006_graph_edges_table),
    (7, "compound_vocabulary", _m0007_compound_vocabulary),
    # 8 and 9 are reserved (frozen SQL of the earlier migrations, another branch)
    (10, "utc_timestamps", _m0010_utc_timestamps),
]


# --------------------------------------------------------------------------- opening


@contextlib.contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction, started with ``BEGIN IMMEDIATE`` so a second writer waits for the
    busy timeout instead of failing with "database is locked" when its read would have to be
    upgraded; nested inside an open transaction it is a savepoint (``db.atomic()``)."""
    if db.conn.in_transaction:
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
        _enable_wal(db)
        db.conn.execute("PRAGMA foreign_keys = ON")
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
        known = {mid for mid, _name, _fn in MIGRATIONS}
        if applied - known:
            raise ArchiveError(
                f"{path}: archive has migration(s) {sorted(applied - known)} unknown to this "
                "version of pressarchive; upgrade it"
            )
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
        _check_columns(db, path)
        _check_search_analyzer(db)
    return applied_now


def _check_search_analyzer(db: sqlite_utils.Database) -> None:
    from archive.search.engine import STATE_TABLE, check_analyzer  # noqa: PLC0415 - keep schema light

    if STATE_TABLE in _existing_tables(db):  # not before migration 7 (tests stop earlier)
        check_analyzer(db)


def _applied_migrations(db: sqlite_utils.Database, tables: set[str], path: str) -> set[int]:
    if "migrations" not in tables:
        clash = sorted(tables & set(EXPECTED_COLUMNS))
        if clash:
            raise ArchiveError(
                f"{path}: not a pressarchive archive (it has table(s) {', '.join(clash)} "
                "but no migrations table)"
            )
        db.conn.execute(
            "CREATE TABLE migrations (id INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)"
        )
        return set()
    if not set(MIGRATIONS_COLUMNS) <= _table_columns(db, "migrations"):
        raise ArchiveError(f"{path}: not a pressarchive archive (foreign 'migrations' table)")
    return {row[0] for row in db.conn.execute("SELECT id FROM migrations").fetchall()}


def _check_columns(db: sqlite_utils.Database, path: str) -> None:
    tables = _existing_tables(db)
    for table, columns in EXPECTED_COLUMNS.items():
        if table not in tables:
            raise ArchiveError(f"{path}: archive is missing table '{table}'")
        missing = [c for c in columns if c not in _table_columns(db, table)]
        if missing:
            raise ArchiveError(
                f"{path}: table '{table}' lacks column(s) {', '.join(missing)}; "
                "not a pressarchive archive?"
            )


__all__ = [
    "EXPECTED_COLUMNS",
    "FTS_COLUMNS",
    "MIGRATIONS",
    "TIMESTAMP_COLUMNS",
    "db_path",
    "ensure_schema",
    "now_iso",
    "open_archive",
]
