"""The archive's schema migrations, frozen: each one is the SQL it ran when it shipped.

A migration never calls live code (``archive.search``, ``archive.graph``, an index's
``create``): live code changes, and a migration that called it produced another schema
for every later version of pressarchive (migrations 5 to 7 did: an archive written at
commit adc0fd5 could no longer be opened once ``pages_search`` gained its ``filters``
column without a migration). So every statement below is a literal, copied from the
``sqlite_master`` of an archive created by the commit that shipped it (873cfc1: 1;
606b30d: 2-3; d7db1c5: 4-5; 606135b: 6; adc0fd5: 7), and a shipped migration is never
edited; a later change appends a new one. ``tests/archive/store/test_migrations.py`` opens
archives written by those commits (``tests/support/fixtures/schema_versions/v*.db.gz``) with
the current code.

Steps that filled a derived index when they shipped (3 and 7 rebuilt ``pages_search``,
6 filled ``graph_edges``) only create its tables here: migration 8 starts
``index_state`` empty, and an index without a row there is rebuilt by
:mod:`archive.indexes.registry` when the archive is opened. Data the archive does not
derive (migration 2 copying pages into ``revisions``) is still moved by frozen SQL.

This module imports nothing from the application, on purpose.
"""

# ruff: noqa: E501 - the frozen SQL is kept verbatim, long lines included

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import sqlite_utils

from archive.store.migrations_later import M10, M11, M12, M13, M14, M15, M16, M17, M18, M19


class Migration(NamedTuple):
    """One schema step: ``id`` (recorded in ``migrations``), ``name`` and ``apply``."""

    id: int
    name: str
    apply: Callable[[sqlite_utils.Database], None]


@dataclass(frozen=True)
class SqlSteps:
    """A migration's frozen statements, run in order (one ``execute`` each: triggers hold
    semicolons, and ``executescript`` would commit the caller's transaction)."""

    statements: tuple[str, ...]

    def __call__(self, db: sqlite_utils.Database) -> None:
        for statement in self.statements:
            db.conn.execute(statement)


def _sql(*statements: str) -> SqlSteps:
    return SqlSteps(statements)


# fmt: off
#: 1 initial (873cfc1): sources, pages (with ``pages_fts`` and its sqlite-utils
#: triggers), images, links, crawl runs, fetch errors, the discovery cache.
_M1 = (
    """CREATE TABLE "sources" (
   "name" TEXT PRIMARY KEY,
   "title" TEXT,
   "city" TEXT,
   "hosts" TEXT,
   "start_urls" TEXT,
   "added_at" TEXT
)""",
    """CREATE TABLE "pages" (
   "url" TEXT PRIMARY KEY,
   "source" TEXT NOT NULL,
   "page_type" TEXT,
   "label" TEXT,
   "title" TEXT,
   "lead" TEXT,
   "body" TEXT,
   "published" TEXT,
   "published_source" TEXT,
   "modified" TEXT,
   "captions" TEXT,
   "credits" TEXT,
   "image_count" INTEGER,
   "related_count" INTEGER,
   "content_hash" TEXT,
   "etag" TEXT,
   "last_modified" TEXT,
   "http_status" INTEGER,
   "fetched_url" TEXT,
   "first_seen" TEXT,
   "last_fetched" TEXT,
   "last_changed" TEXT,
   "removed_at" TEXT,
   "version" INTEGER
)""",
    """CREATE TABLE "images" (
   "page_url" TEXT REFERENCES "pages"("url"),
   "position" INTEGER,
   "src" TEXT,
   "alt" TEXT,
   "caption" TEXT,
   "credit" TEXT,
   PRIMARY KEY ("page_url", "position")
)""",
    """CREATE TABLE "links" (
   "page_url" TEXT REFERENCES "pages"("url"),
   "rel" TEXT,
   "position" INTEGER,
   "url" TEXT,
   "title" TEXT,
   "kind" TEXT,
   "label" TEXT,
   "date" TEXT,
   PRIMARY KEY ("page_url", "rel", "position")
)""",
    """CREATE TABLE "crawl_runs" (
   "id" INTEGER PRIMARY KEY,
   "source" TEXT,
   "started_at" TEXT,
   "finished_at" TEXT,
   "status" TEXT,
   "fetched" INTEGER DEFAULT 0,
   "new" INTEGER DEFAULT 0,
   "changed" INTEGER DEFAULT 0,
   "unchanged" INTEGER DEFAULT 0,
   "not_modified" INTEGER DEFAULT 0,
   "removed" INTEGER DEFAULT 0,
   "errors" INTEGER DEFAULT 0,
   "bytes" INTEGER DEFAULT 0,
   "requests" INTEGER DEFAULT 0,
   "duration" REAL
)""",
    """CREATE TABLE "fetch_errors" (
   "id" INTEGER PRIMARY KEY,
   "run_id" INTEGER REFERENCES "crawl_runs"("id"),
   "source" TEXT,
   "url" TEXT,
   "status" INTEGER,
   "error" TEXT,
   "time" TEXT
)""",
    """CREATE TABLE "discovery_cache" (
   "url" TEXT PRIMARY KEY,
   "etag" TEXT,
   "last_modified" TEXT,
   "payload" TEXT,
   "fetched_at" TEXT
)""",
    """CREATE INDEX "idx_pages_source"
    ON "pages" ("source")""",
    """CREATE INDEX "idx_pages_published"
    ON "pages" ("published")""",
    """CREATE INDEX "idx_fetch_errors_run_id"
    ON "fetch_errors" ("run_id")""",
    """CREATE INDEX "idx_links_url"
    ON "links" ("url")""",
    """CREATE VIRTUAL TABLE "pages_fts" USING FTS5 (
    "title", "label", "lead", "body", "captions", "credits",
    tokenize='unicode61 remove_diacritics 2',
    content="pages"
)""",
    """CREATE TRIGGER "pages_ai" AFTER INSERT ON "pages" BEGIN
  INSERT INTO "pages_fts" (rowid, "title", "label", "lead", "body", "captions", "credits") VALUES (new.rowid, new."title", new."label", new."lead", new."body", new."captions", new."credits");
END""",
    """CREATE TRIGGER "pages_ad" AFTER DELETE ON "pages" BEGIN
  INSERT INTO "pages_fts" ("pages_fts", rowid, "title", "label", "lead", "body", "captions", "credits") VALUES('delete', old.rowid, old."title", old."label", old."lead", old."body", old."captions", old."credits");
END""",
    """CREATE TRIGGER "pages_au" AFTER UPDATE ON "pages" BEGIN
  INSERT INTO "pages_fts" ("pages_fts", rowid, "title", "label", "lead", "body", "captions", "credits") VALUES('delete', old.rowid, old."title", old."label", old."lead", old."body", old."captions", old."credits");
  INSERT INTO "pages_fts" (rowid, "title", "label", "lead", "body", "captions", "credits") VALUES (new.rowid, new."title", new."label", new."lead", new."body", new."captions", new."credits");
END""",
)
#: 2 revisions (606b30d): every version of a page, its images and links, aliases.
#: Existing pages become their revision 1 (the shipped copy, its doubled ``version``
#: column included: SQLite keeps the first).
_M2 = (
    """CREATE TABLE "revisions" (
   "page_url" TEXT REFERENCES "pages"("url"),
   "revision" INTEGER,
   "version" INTEGER,
   "event" TEXT,
   "fetched_at" TEXT,
   "page_type" TEXT,
   "label" TEXT,
   "title" TEXT,
   "lead" TEXT,
   "body" TEXT,
   "published" TEXT,
   "published_source" TEXT,
   "modified" TEXT,
   "captions" TEXT,
   "credits" TEXT,
   "credit_list" TEXT,
   "image_count" INTEGER,
   "related_count" INTEGER,
   "content_hash" TEXT,
   "http_status" INTEGER,
   "fetched_url" TEXT,
   "changed_fields" TEXT,
   "removed_at" TEXT,
   "warc_file" TEXT,
   "warc_offset" INTEGER,
   "warc_length" INTEGER,
   "warc_record_id" TEXT,
   PRIMARY KEY ("page_url", "revision")
)""",
    """CREATE TABLE "revision_images" (
   "page_url" TEXT REFERENCES "pages"("url"),
   "revision" INTEGER,
   "position" INTEGER,
   "src" TEXT,
   "alt" TEXT,
   "caption" TEXT,
   "credit" TEXT,
   PRIMARY KEY ("page_url", "revision", "position")
)""",
    """CREATE TABLE "revision_links" (
   "page_url" TEXT REFERENCES "pages"("url"),
   "revision" INTEGER,
   "rel" TEXT,
   "position" INTEGER,
   "url" TEXT,
   "title" TEXT,
   "kind" TEXT,
   "label" TEXT,
   "date" TEXT,
   PRIMARY KEY ("page_url", "revision", "rel", "position")
)""",
    """CREATE TABLE "aliases" (
   "url" TEXT PRIMARY KEY,
   "canonical_url" TEXT REFERENCES "pages"("url"),
   "reason" TEXT,
   "first_seen" TEXT
)""",
    """CREATE INDEX "idx_revisions_warc_file"
    ON "revisions" ("warc_file")""",
    """CREATE INDEX "idx_aliases_canonical_url"
    ON "aliases" ("canonical_url")""",
    """CREATE INDEX "idx_pages_source_title"
    ON "pages" ("source", "title")""",
    "INSERT INTO revisions (page_url, revision, version, event, fetched_at, version, "
    "page_type, label, title, lead, body, published, published_source, modified, captions, "
    "credits, image_count, related_count, content_hash, http_status, fetched_url, removed_at) "
    "SELECT url, 1, coalesce(version, 1), 'new', coalesce(last_changed, first_seen), version, "
    "page_type, label, title, lead, body, published, published_source, modified, captions, "
    "credits, image_count, related_count, content_hash, http_status, fetched_url, removed_at "
    "FROM pages",
    "INSERT INTO revision_images SELECT page_url, 1, position, src, alt, caption, credit "
    "FROM images",
    "INSERT INTO revision_links SELECT page_url, 1, rel, position, url, title, kind, label, "
    "date FROM links",
)
#: 3 german_search (606b30d): the first ``pages_search`` (stems plus compound columns;
#: it was filled here) and ``pages_view`` for Datasette facets.
_M3 = (
    """CREATE VIRTUAL TABLE pages_search USING fts5(title, label, lead, body, captions, credits, parts, rparts, tokenize='unicode61 remove_diacritics 2')""",
    """CREATE VIEW pages_view AS SELECT url, source, page_type, label, title, published, substr(published, 1, 4) AS year, lead, image_count, related_count, removed_at IS NULL AS live, removed_at, first_seen, last_changed, version FROM pages""",
)
#: 4 schedule_health (d7db1c5): the scheduler's next runs, extraction counts per run.
_M4 = (
    """CREATE TABLE "schedule_state" (
   "source" TEXT PRIMARY KEY,
   "next_run_at" TEXT,
   "period" REAL,
   "updated_at" TEXT
)""",
    """CREATE TABLE "run_extraction" (
   "run_id" INTEGER PRIMARY KEY REFERENCES "crawl_runs"("id"),
   "source" TEXT,
   "pages" INTEGER,
   "no_date" INTEGER,
   "no_title" INTEGER,
   "no_body" INTEGER
)""",
    """CREATE INDEX "idx_run_extraction_source"
    ON "run_extraction" ("source")""",
)
#: 5 graph_views (d7db1c5): the related-topic graph as views over the revisions.
_M5 = (
    """CREATE VIEW graph_revision_spans AS
SELECT page_url, revision, label, replace(fetched_at, '+00:00', 'Z') AS valid_from,
  replace(coalesce(removed_at, lead(fetched_at) OVER (PARTITION BY page_url ORDER BY revision)),
    '+00:00', 'Z') AS valid_to
FROM revisions""",
    """CREATE VIEW graph_edge_spans AS
SELECT l.page_url AS source, l.url AS target, l.rel, l.kind, l.label, l.title, l.date,
  l.position, l.revision, s.valid_from, s.valid_to
FROM revision_links l
JOIN graph_revision_spans s ON s.page_url = l.page_url AND s.revision = l.revision
WHERE l.url != l.page_url
  AND (l.rel = 'related' OR (l.rel = 'body' AND l.url IN (SELECT url FROM pages)))
UNION ALL
SELECT page_url, 'label:' || label, 'label', NULL, label, NULL, NULL, NULL, revision,
  valid_from, valid_to
FROM graph_revision_spans WHERE label IS NOT NULL AND label != ''""",
    """CREATE VIEW graph_edges AS
SELECT source, target, rel, kind, label, title, date, position, first_seen,
  CASE WHEN present THEN max(last_fetch, coalesce((
    SELECT max(replace(c.finished_at, '+00:00', 'Z')) FROM crawl_runs c
    JOIN pages p ON p.source = c.source WHERE p.url = e.source AND c.status = 'ok'), ''))
  ELSE last_fetch END AS last_seen,
  CASE WHEN present THEN NULL ELSE ended END AS ended_at, present
FROM (
  SELECT *, row_number() OVER (PARTITION BY source, target, rel
      ORDER BY revision DESC, position) AS rn,
    min(valid_from) OVER w AS first_seen, max(valid_from) OVER w AS last_fetch,
    max(valid_to IS NULL) OVER w AS present, max(valid_to) OVER w AS ended
  FROM graph_edge_spans WINDOW w AS (PARTITION BY source, target, rel)
) AS e WHERE rn = 1""",
    """CREATE VIEW graph_nodes AS
SELECT url AS id, CASE page_type WHEN 'press_release' THEN 'press' WHEN 'org_unit' THEN 'org'
    WHEN 'topic' THEN 'topic' WHEN 'notice' THEN 'notice' ELSE 'other' END AS kind,
  CASE WHEN removed_at IS NULL THEN 'archived' ELSE 'removed' END AS status, title, label,
  source, published, first_seen, removed_at
FROM pages
UNION ALL
SELECT 'label:' || label, 'label', 'label', label, label, NULL, NULL, min(first_seen), NULL
FROM pages WHERE label IS NOT NULL AND label != '' GROUP BY label
UNION ALL
SELECT url, coalesce(max(kind), 'other'), 'linked', max(title), NULL, NULL, NULL, NULL, NULL
FROM revision_links WHERE rel = 'related' AND url NOT IN (SELECT url FROM pages) GROUP BY url""",
)
#: 6 graph_edges_table (606135b): ``graph_edges`` becomes a table (it was filled here).
_M6 = (
    'DROP VIEW IF EXISTS graph_edges',
    """CREATE TABLE "graph_edges" (
   "source" TEXT,
   "target" TEXT,
   "rel" TEXT,
   "kind" TEXT,
   "label" TEXT,
   "title" TEXT,
   "date" TEXT,
   "position" INTEGER,
   "first_seen" TEXT,
   "last_seen" TEXT,
   "ended_at" TEXT,
   "present" INTEGER,
   PRIMARY KEY ("source", "target", "rel")
)""",
    """CREATE INDEX "idx_graph_edges_target"
    ON "graph_edges" ("target")""",
    """CREATE INDEX "idx_graph_edges_first_seen"
    ON "graph_edges" ("first_seen")""",
    """CREATE INDEX "idx_revision_links_url_rel_kind_title"
    ON "revision_links" ("url", "rel", "kind", "title")""",
    """CREATE INDEX "idx_pages_label_first_seen"
    ON "pages" ("label", "first_seen")""",
)
#: 7 compound_vocabulary (adc0fd5): ``pages_search`` without compound columns plus the
#: ``search_terms`` vocabulary (both were filled here). Archives written from ff7397b on
#: ran a later, edited copy (contentless, ``search_state``; 4d1afe0: ``filters``):
#: migration 8 brings all three variants to one schema.
_M7 = (
    'DROP TABLE IF EXISTS pages_search',
    """CREATE VIRTUAL TABLE pages_search USING fts5(title, label, lead, body, captions, credits, tokenize='unicode61 remove_diacritics 2')""",
    'CREATE TABLE search_terms (term TEXT PRIMARY KEY, rterm TEXT NOT NULL) WITHOUT ROWID',
    'CREATE INDEX search_terms_rterm ON search_terms (rterm)',
)

#: 8 index_state: one schema for every archive written since migration 7 shipped.
#: ``pages_search`` is created as the current code indexes it (contentless, with the
#: ``filters`` column of 4d1afe0, which no migration added before); ``index_state``
#: replaces ``search_state`` and records, per derived index, the version that built it.
#: It starts empty, so every index is rebuilt once when the archive is next opened.
_M8 = (
    "DROP TABLE IF EXISTS pages_search",
    "CREATE VIRTUAL TABLE pages_search USING fts5(title, label, lead, body, captions, "
    "credits, filters, content='', tokenize='unicode61 remove_diacritics 2')",
    "DROP TABLE IF EXISTS search_state",
    "CREATE TABLE index_state (name TEXT PRIMARY KEY, version TEXT NOT NULL, "
    "built_at TEXT NOT NULL)",
)
#: 9 utc_timestamps: every timestamp column in the one format of ``crawler.clock``
#: (``2026-12-04T05:40:40.123Z``); archives mixed ``…:57.079Z``, ``…:13Z`` and
#: ``…:56+00:00``. Frozen: never generated from ``TIMESTAMP_COLUMNS``, which may grow. SQLite's ``strftime`` reads ``Z``, ``+HH:MM`` offsets (converted to UTC),
#: fractions and naive times (taken as UTC), like ``crawler.clock.to_iso``; a value it
#: cannot read gives NULL and is kept as it was (``coalesce``); NULLs stay NULL. A row is
#: written only if one of its values changes (one UPDATE per table, so the ``pages_fts``
#: triggers reindex a page once). ``graph_edges`` holds copies of revision and run times,
#: so rewriting its values equals recomputing them. The view ``graph_revision_spans``
#: (migration 5) loses its ``replace(…, '+00:00', 'Z')``: the values are uniform now.
_M9 = (
    """UPDATE sources SET
  added_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', added_at), added_at)
WHERE added_at <> strftime('%Y-%m-%dT%H:%M:%fZ', added_at)""",
    """UPDATE pages SET
  first_seen = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', first_seen), first_seen),
  last_fetched = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', last_fetched), last_fetched),
  last_changed = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', last_changed), last_changed),
  removed_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', removed_at), removed_at)
WHERE first_seen <> strftime('%Y-%m-%dT%H:%M:%fZ', first_seen)
  OR last_fetched <> strftime('%Y-%m-%dT%H:%M:%fZ', last_fetched)
  OR last_changed <> strftime('%Y-%m-%dT%H:%M:%fZ', last_changed)
  OR removed_at <> strftime('%Y-%m-%dT%H:%M:%fZ', removed_at)""",
    """UPDATE crawl_runs SET
  started_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', started_at), started_at),
  finished_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', finished_at), finished_at)
WHERE started_at <> strftime('%Y-%m-%dT%H:%M:%fZ', started_at)
  OR finished_at <> strftime('%Y-%m-%dT%H:%M:%fZ', finished_at)""",
    """UPDATE fetch_errors SET
  time = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', time), time)
WHERE time <> strftime('%Y-%m-%dT%H:%M:%fZ', time)""",
    """UPDATE discovery_cache SET
  fetched_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', fetched_at), fetched_at)
WHERE fetched_at <> strftime('%Y-%m-%dT%H:%M:%fZ', fetched_at)""",
    """UPDATE revisions SET
  fetched_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', fetched_at), fetched_at),
  removed_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', removed_at), removed_at)
WHERE fetched_at <> strftime('%Y-%m-%dT%H:%M:%fZ', fetched_at)
  OR removed_at <> strftime('%Y-%m-%dT%H:%M:%fZ', removed_at)""",
    """UPDATE aliases SET
  first_seen = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', first_seen), first_seen)
WHERE first_seen <> strftime('%Y-%m-%dT%H:%M:%fZ', first_seen)""",
    """UPDATE schedule_state SET
  next_run_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', next_run_at), next_run_at),
  updated_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', updated_at), updated_at)
WHERE next_run_at <> strftime('%Y-%m-%dT%H:%M:%fZ', next_run_at)
  OR updated_at <> strftime('%Y-%m-%dT%H:%M:%fZ', updated_at)""",
    """UPDATE graph_edges SET
  first_seen = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', first_seen), first_seen),
  last_seen = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', last_seen), last_seen),
  ended_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', ended_at), ended_at)
WHERE first_seen <> strftime('%Y-%m-%dT%H:%M:%fZ', first_seen)
  OR last_seen <> strftime('%Y-%m-%dT%H:%M:%fZ', last_seen)
  OR ended_at <> strftime('%Y-%m-%dT%H:%M:%fZ', ended_at)""",
    """UPDATE migrations SET
  applied_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', applied_at), applied_at)
WHERE applied_at <> strftime('%Y-%m-%dT%H:%M:%fZ', applied_at)""",
    """UPDATE index_state SET
  built_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', built_at), built_at)
WHERE built_at <> strftime('%Y-%m-%dT%H:%M:%fZ', built_at)""",
    """DROP VIEW IF EXISTS graph_revision_spans""",
    """CREATE VIEW graph_revision_spans AS
SELECT page_url, revision, label, fetched_at AS valid_from,
  coalesce(removed_at, lead(fetched_at) OVER (PARTITION BY page_url ORDER BY revision))
    AS valid_to
FROM revisions""",
)
# fmt: on

#: Every migration, in order. Append only: the next one is 20 (its SQL in
#: :mod:`archive.store.migrations_later`).
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial", _sql(*_M1)),
    Migration(2, "revisions", _sql(*_M2)),
    Migration(3, "german_search", _sql(*_M3)),
    Migration(4, "schedule_health", _sql(*_M4)),
    Migration(5, "graph_views", _sql(*_M5)),
    Migration(6, "graph_edges_table", _sql(*_M6)),
    Migration(7, "compound_vocabulary", _sql(*_M7)),
    Migration(8, "index_state", _sql(*_M8)),
    Migration(9, "utc_timestamps", _sql(*_M9)),
    Migration(10, "error_kind_source_scheme", _sql(*M10)),
    Migration(11, "learned_templates", _sql(*M11)),
    Migration(12, "date_conflicts", _sql(*M12)),
    Migration(13, "live_is_integer", _sql(*M13)),
    Migration(14, "media", _sql(*M14)),
    Migration(15, "watches_deliveries", _sql(*M15)),
    Migration(16, "topics_entities", _sql(*M16)),
    Migration(17, "graph_cache", _sql(*M17)),
    Migration(18, "graph_version_ranks", _sql(*M18)),
    Migration(19, "page_payloads", _sql(*M19)),
)

__all__ = ["MIGRATIONS", "Migration", "SqlSteps"]
