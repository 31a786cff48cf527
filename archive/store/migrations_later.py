"""Frozen SQL of the schema migrations from 10 on (:mod:`archive.store.migrations` holds
the earlier ones, the rules and the list): literal statements, never edited once shipped.

This module imports nothing from the application, on purpose.
"""

# ruff: noqa: E501 - the frozen SQL is kept verbatim, long lines included

from __future__ import annotations

# fmt: off
#: 10 error_kind_source_scheme: ``fetch_errors.kind`` says what failed, as a column rather
#: than a message prefix: ``fetch`` (no usable response: network, timeout, redirect,
#: size cap), ``http`` (an HTTP error status), ``extraction`` (the extractor raised),
#: ``nothing_extracted`` (no title and no text). Existing rows are classified by the
#: messages the crawl wrote. ``sources.scheme`` is the canonical scheme of a source's
#: URL policy, so a source rebuilt from the archive (reparse, import-warc without a
#: config) keeps its URLs: filled from the first start URL, else from a stored page.
M10 = (
    """ALTER TABLE fetch_errors ADD COLUMN kind TEXT""",
    """UPDATE fetch_errors SET kind = CASE
  WHEN error LIKE 'extraction failed: %' THEN 'extraction'
  WHEN error LIKE 'nothing extracted: %' THEN 'nothing_extracted'
  WHEN status >= 400 THEN 'http'
  ELSE 'fetch'
END""",
    """ALTER TABLE sources ADD COLUMN scheme TEXT""",
    """UPDATE sources SET scheme = coalesce(
  (SELECT lower(substr(u.value, 1, instr(u.value, '://') - 1))
     FROM json_each(CASE WHEN json_valid(sources.start_urls) THEN sources.start_urls ELSE '[]' END) AS u
    WHERE instr(u.value, '://') > 0 ORDER BY u.key LIMIT 1),
  (SELECT lower(substr(p.url, 1, instr(p.url, '://') - 1))
     FROM pages AS p WHERE p.source = sources.name AND instr(p.url, '://') > 0
    ORDER BY p.first_seen, p.url LIMIT 1)
)""",
)
#: 11 learned_templates: site templates learned from a source's pages
#: (``crawler.extract.learn``): per source and version the profile (JSON of selectors), when
#: it was learned, the pages (JSON list of URLs) and the per-field agreement (JSON).
#: ``run_templates``: per run, how many extracted pages the source's template was checked on
#: and how many it missed (its title or its body selector found nothing): drift.
M11 = (
    """CREATE TABLE "learned_templates" (
   "source" TEXT NOT NULL,
   "version" INTEGER NOT NULL,
   "profile" TEXT NOT NULL,
   "learned_at" TEXT NOT NULL,
   "pages" TEXT NOT NULL,
   "stats" TEXT,
   PRIMARY KEY ("source", "version")
)""",
    """CREATE TABLE "run_templates" (
   "run_id" INTEGER PRIMARY KEY REFERENCES "crawl_runs"("id"),
   "source" TEXT,
   "version" INTEGER,
   "pages" INTEGER,
   "misses" INTEGER
)""",
    """CREATE INDEX "idx_run_templates_source"
    ON "run_templates" ("source")""",
)


#: 12 date_conflicts: a re-extraction (recrawl, reparse, import-warc) whose published date
#: comes from a weaker source than the stored one keeps the stored date; both candidates
#: are recorded here with their provenance (``outcome`` ``kept``), as is a stronger source
#: replacing a weaker one (``replaced``). ``kept_*`` is the date the page holds, ``rejected_*``
#: the other; ``*_revision`` the revision each was extracted with (archive/store/dates.py).
M12 = (
    """CREATE TABLE "date_conflicts" (
   "id" INTEGER PRIMARY KEY,
   "page_url" TEXT NOT NULL,
   "outcome" TEXT NOT NULL,
   "kept" TEXT NOT NULL,
   "kept_source" TEXT,
   "kept_detail" TEXT,
   "kept_revision" INTEGER,
   "rejected" TEXT NOT NULL,
   "rejected_source" TEXT,
   "rejected_detail" TEXT,
   "rejected_revision" INTEGER,
   "event" TEXT,
   "fetched_at" TEXT,
   "found_at" TEXT NOT NULL
)""",
    """CREATE INDEX "idx_date_conflicts_page_url" ON "date_conflicts" ("page_url")""",
)
#: 13 live_is_integer: ``pages_view.live`` as ``CAST(... AS INTEGER)``, which has INTEGER
#: affinity: Datasette filters with text parameters (``live = '1'``), which a bare
#: ``removed_at IS NULL`` (no affinity) never equals, so its facet linked to 0 rows.
M13 = (
    """DROP VIEW pages_view""",
    """CREATE VIEW pages_view AS SELECT url, source, page_type, label, title, published, substr(published, 1, 4) AS year, lead, image_count, related_count, CAST(removed_at IS NULL AS INTEGER) AS live, removed_at, first_seen, last_changed, version FROM pages""",
)
#: 14 media: the images and attachments of archived pages, fetched after their page
#: (``crawler/engine/media.py``): one row per URL, ``kind`` ``image`` or ``attachment``,
#: the HTTP ``status`` (NULL: no response), the capture (``warc_file``/``warc_offset``/
#: ``warc_record_id``: a ``response`` record, or a ``revisit`` of the first capture with the
#: same payload ``digest``, as ``record_type`` says), ``error`` for a fetch that failed.
M14 = (
    """CREATE TABLE "media" (
   "url" TEXT PRIMARY KEY,
   "source" TEXT,
   "kind" TEXT,
   "status" INTEGER,
   "content_type" TEXT,
   "length" INTEGER,
   "digest" TEXT,
   "warc_file" TEXT,
   "warc_offset" INTEGER,
   "fetched_at" TEXT,
   "error" TEXT,
   "page_url" TEXT,
   "record_type" TEXT,
   "warc_record_id" TEXT,
   "etag" TEXT,
   "last_modified" TEXT
)""",
    """CREATE INDEX "idx_media_source" ON "media" ("source")""",
    """CREATE INDEX "idx_media_digest" ON "media" ("digest")""",
)

#: Every migration, in order. Append only (the next one is 15).
#: 15 watches_deliveries: saved searches (``watches``: name, query, optional source and
#: label filters, the watch's own webhook URLs and e-mail addresses as JSON lists, when it
#: was added) and every delivery of a match to a target (``deliveries``: one row per
#: watch, target, page and version; ``status`` ``sent``, ``pending`` (failed, retried on
#: the next run), ``failed`` (given up after ``[alerts] max_attempts``) or ``baseline``
#: (matched when the watch was added: never sent); archive/alerts/). Numbered 15: 14 is
#: taken by media capture on a parallel branch.
M15 = (
    """CREATE TABLE "watches" (
   "name" TEXT PRIMARY KEY,
   "query" TEXT NOT NULL,
   "source" TEXT,
   "label" TEXT,
   "webhooks" TEXT NOT NULL DEFAULT '[]',
   "emails" TEXT NOT NULL DEFAULT '[]',
   "backfill" INTEGER NOT NULL DEFAULT 0,
   "created_at" TEXT NOT NULL
)""",
    """CREATE TABLE "deliveries" (
   "id" INTEGER PRIMARY KEY,
   "watch" TEXT NOT NULL REFERENCES "watches"("name") ON DELETE CASCADE,
   "page_url" TEXT NOT NULL,
   "version" INTEGER NOT NULL,
   "target" TEXT NOT NULL,
   "status" TEXT NOT NULL,
   "attempts" INTEGER NOT NULL DEFAULT 0,
   "last_error" TEXT,
   "last_attempt_at" TEXT,
   "delivered_at" TEXT,
   UNIQUE ("watch", "target", "page_url", "version")
)""",
    """CREATE INDEX "idx_deliveries_watch_page_url" ON "deliveries" ("watch", "page_url")""",
)
#: 16 topics_entities: the text-derived topic index (archive/indexes/topic_index.py):
#: ``topic_terms`` (every key-phrase candidate of a page: stem key, written form, weighted
#: count; the archive's document frequencies are counted from it), ``page_topics`` (the
#: best phrases per page by TF-IDF, ``rank`` 1 = best) and ``page_entities`` (people,
#: organisations, places, amounts, dates found by rules, with the sentence they came from;
#: ``key``: the value folded, organisations and places stemmed, to count them together);
#: ``topic_df``: the document frequency of every key in ``topic_terms``, kept with it.
M16 = (
    """CREATE TABLE "topic_terms" ( "page_url" TEXT NOT NULL, "key" TEXT NOT NULL, "phrase" TEXT NOT NULL, "tf" INTEGER NOT NULL, PRIMARY KEY ("page_url", "key") )""",
    """CREATE INDEX "idx_topic_terms_key" ON "topic_terms" ("key")""",
    """CREATE TABLE "page_topics" ( "page_url" TEXT NOT NULL, "phrase" TEXT NOT NULL, "score" REAL, "rank" INTEGER, "key" TEXT, PRIMARY KEY ("page_url", "phrase") )""",
    """CREATE INDEX "idx_page_topics_key" ON "page_topics" ("key")""",
    """CREATE INDEX "idx_page_topics_phrase" ON "page_topics" ("phrase")""",
    """CREATE TABLE "page_entities" ( "page_url" TEXT NOT NULL, "kind" TEXT NOT NULL, "text" TEXT, "value" TEXT, "role" TEXT, "sentence" TEXT, "position" INTEGER NOT NULL, "time" TEXT, "key" TEXT, PRIMARY KEY ("page_url", "kind", "position") )""",
    """CREATE INDEX "idx_page_entities_kind_value" ON "page_entities" ("kind", "value")""",
    """CREATE INDEX "idx_page_entities_kind_key" ON "page_entities" ("kind", "key")""",
    """CREATE TABLE "topic_df" ( "key" TEXT PRIMARY KEY, "d" INTEGER NOT NULL )""",
)
#: 17 graph_cache: results of the whole-graph computations (PageRank, communities;
#: :mod:`archive.graph.ranking`) per ``key`` (what was asked: computation, source, seed, …)
#: and ``version`` (a fingerprint of ``graph_edges`` and ``pages`` when computed); ``data``
#: is JSON. Emptied whenever ``graph_edges`` rows change (:mod:`archive.indexes.graph_edges`).
M17 = (
    """CREATE TABLE "graph_cache" ( "key" TEXT PRIMARY KEY, "version" TEXT NOT NULL, "computed_at" TEXT NOT NULL, "seconds" REAL, "data" TEXT NOT NULL )""",
)
#: 18 graph_version_ranks: ``graph_version`` (one row) counts the changes of the graph's
#: edges (bumped where :func:`archive.indexes.graph_edges.forget_cached` runs): a cached
#: result is current when stored under this number, without counting 7M rows. The stored
#: ranking (``graph_ranks``: one row per node, best first) and communities
#: (``graph_communities``: one row per community with its summary and members) are rows so
#: that a cached answer reads only what it shows; a ``graph_cache`` row of the same key and
#: version says they are current. The index counts the labels of present pages (the
#: generic labels) without reading the pages (a partial index ``WHERE removed_at IS NULL``
#: did too, but the planner then scanned ``pages`` through it for every present-pages query).
M18 = (
    """CREATE TABLE "graph_version" ( "id" INTEGER PRIMARY KEY CHECK ("id" = 1), "version" INTEGER NOT NULL )""",
    """INSERT INTO "graph_version" ("id", "version") VALUES (1, 0)""",
    """CREATE TABLE "graph_ranks" ( "key" TEXT NOT NULL, "position" INTEGER NOT NULL, "node" TEXT NOT NULL, "pagerank" REAL NOT NULL, "in_degree" INTEGER NOT NULL, "out_degree" INTEGER NOT NULL, PRIMARY KEY ("key", "position") )""",
    """CREATE INDEX "idx_graph_ranks_node" ON "graph_ranks" ("node", "key")""",
    """CREATE TABLE "graph_communities" ( "key" TEXT NOT NULL, "id" INTEGER NOT NULL, "size" INTEGER NOT NULL, "kinds" TEXT NOT NULL, "labels" TEXT NOT NULL, "top" TEXT NOT NULL, "members" TEXT NOT NULL, PRIMARY KEY ("key", "id") )""",
    """CREATE INDEX "idx_pages_label_removed" ON "pages" ("label", "removed_at")""",
)
#: 19 page_payloads: per archived page, the WARC payload digest of the last body fetched
#: for it (``sha1:`` + base32, as the WARC records carry it), when, and the ``response``
#: record with those bytes (file, offset, id, its URI and date, which may be another
#: page's with the same bytes; NULL: none known). A re-check whose answer has
#: the same bytes (same validators, no redirect, the page live) is then recorded as
#: ``unchanged`` without extracting the page again, and captured as a ``revisit`` of that
#: record (:mod:`crawler.engine.crawl`). A cache: a page without a row is extracted.
M19 = (
    """CREATE TABLE "page_payloads" ( "url" TEXT PRIMARY KEY REFERENCES "pages"("url"), "digest" TEXT NOT NULL, "fetched_at" TEXT NOT NULL, "warc_file" TEXT, "warc_offset" INTEGER, "warc_record_id" TEXT, "warc_uri" TEXT, "warc_date" TEXT ) WITHOUT ROWID""",
)
# fmt: on
