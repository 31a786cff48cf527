"""What a reader of the served archive sees: which tables are internal, and what every
visible table, view and column means.

One place for both. :func:`is_internal` decides which tables Datasette hides (derived
indexes and their FTS5 shadow tables, bookkeeping of migrations, caches, schedules and
learned templates); :func:`table_metadata` builds Datasette's per-table metadata from the
archive's *real* columns, so a description is shown only for a column the table has.
A table added by a later migration must appear in :data:`INTERNAL_TABLES` or
:data:`TABLE_DESCRIPTIONS` (tests/archive/serve/test_catalog.py checks that none is left
out).
"""

from __future__ import annotations

from typing import Any

#: Tables that only the programs read: hidden in Datasette (still queryable by SQL).
INTERNAL_TABLES = frozenset(
    {
        "migrations",  # schema version bookkeeping
        "discovery_cache",  # conditional-GET cache of feeds and sitemaps
        "schedule_state",  # when each source is due (pressarchive schedule)
        "index_state",  # which derived index is built at which version
        "search_terms",  # compound-part vocabulary of the German search
        "learned_templates",  # per-source extraction templates (learn-templates)
        "run_templates",  # template hits per crawl run
        "topic_terms",  # key-phrase candidates per page (document frequencies of topics)
        "topic_df",  # document frequency per key of topic_terms (the TF-IDF of page_topics)
        "graph_cache",  # PageRank and communities of the graph, per graph version
        "graph_version",  # the graph's change counter (what graph_cache entries are valid for)
        "graph_ranks",  # the stored PageRank, one row per node (graph central)
        "graph_communities",  # the stored communities, one row each (graph communities)
        "page_payloads",  # the digest of each page's last body (byte-identical re-checks)
    }
)
#: Internal views: Datasette hides tables only, so these are refused as pages (a
#: ``permission_allowed`` hook in :mod:`archive.serve.search_page`); SQL still reads them.
INTERNAL_VIEWS = frozenset({"graph_revision_spans", "graph_edge_spans"})  # graph_edges helpers
#: Name prefixes of internal tables: FTS5 indexes and their shadow tables, SQLite's own.
INTERNAL_PREFIXES = ("pages_fts", "pages_search", "sqlite_")


def is_internal(name: str) -> bool:
    return name in INTERNAL_TABLES | INTERNAL_VIEWS or name.startswith(INTERNAL_PREFIXES)


#: One sentence for every table and view a reader sees.
TABLE_DESCRIPTIONS = {
    "pages": "Every archived page in its latest version: one row per URL. "
    "German-aware search: /-/search (the search box).",
    "pages_view": "The pages without their long texts, with year and live (1 while the page "
    "is on the site): the place to browse and facet.",
    "revisions": "Every version of every page (one row per change, removal or return), with "
    "the WARC record holding the capture.",
    "images": "The images of each page in its latest version, with alt text, caption and credit.",
    "links": "Links of each page in its latest version: related links, attachments and links "
    "in the body.",
    "revision_images": "The images of each page version (revisions).",
    "revision_links": "The links of each page version (revisions).",
    "sources": "The configured municipalities (sources) and their hosts.",
    "crawl_runs": "One row per crawl of a source: counts of new, changed, removed pages.",
    "fetch_errors": "Pages that could not be fetched, per crawl run.",
    "run_extraction": "Per crawl run: pages without date, title or body (extraction health).",
    "date_conflicts": "Pages whose publication date changed or disagreed between sources: "
    "which date was kept and which rejected.",
    "aliases": "Other URLs under which an archived page was found (redirects, duplicates).",
    "graph_edges": "Links between pages and labels over time (pressarchive graph).",
    "graph_nodes": "Pages, labels and linked outside pages as nodes of the link graph.",
    "media": "Images and attachments of archived pages: one row per file URL, with its "
    "capture in the WARC (served at /-/media?url=…) or why it could not be archived.",
    "watches": "Saved searches (pressarchive watch add): query, source, label; their "
    "targets are not shown here.",
    "deliveries": "Each new match of a watch sent (or to be sent) to one target: status and "
    "attempts; the target itself is not shown here.",
    "page_topics": "Key phrases of each page, found in its text and ranked by TF-IDF against "
    "the whole archive (pressarchive topics).",
    "page_entities": "People with their office, organisations, places, amounts of money with "
    "their purpose and event dates found in each page's text by rules (pressarchive "
    "entities).",
}

#: Column descriptions shared by every table having a column of that name.
COLUMNS = {
    "url": "Original URL",
    "page_url": "URL of the archived page (pages.url)",
    "source": "Source (config name)",
    "page_type": "Page type: press_release, topic, notice, org_unit or other",
    "label": "Category label shown on the page",
    "title": "Headline",
    "lead": "Teaser / lead paragraph",
    "body": "Main text",
    "published": "Publication date (YYYY-MM-DD)",
    "published_source": "Where the date was found",
    "modified": "Last modified date stated on the page",
    "captions": "Image alt texts and captions",
    "credits": "Photo and text credits",
    "credit_list": "Credits as a JSON list",
    "image_count": "Number of images",
    "related_count": "Number of related links",
    "content_hash": "Hash of the extracted content (same hash: same content)",
    "etag": "ETag header of the last fetch",
    "last_modified": "Last-Modified header of the last fetch",
    "http_status": "HTTP status of the last fetch",
    "fetched_url": "URL actually fetched (after redirects)",
    "first_seen": "First archived (UTC)",
    "last_fetched": "Last fetched (UTC)",
    "last_changed": "Content last changed (UTC)",
    "removed_at": "Gone from the site since (UTC); empty while live",
    "version": "Number of content versions",
    "year": "Publication year",
    "live": "1 while the page is on the site",
    "revision": "Revision number of the page (1, 2, …)",
    "event": "What happened: new, changed, removed or restored",
    "fetched_at": "When this version was fetched (UTC)",
    "changed_fields": "Fields that changed against the previous version (JSON list)",
    "warc_file": "WARC file holding the capture",
    "warc_offset": "Byte offset of the record in the WARC file",
    "warc_length": "Byte length of the record in the WARC file",
    "warc_record_id": "WARC-Record-ID of the capture",
    "position": "Order on the page (0 first)",
    "src": "Image URL on the site",
    "alt": "Alt text",
    "caption": "Caption",
    "credit": "Credit (photographer, agency)",
    "rel": "Kind of link: related, attachment or body",
    "kind": "Kind of the target page: press, topic, notice, org or other",
    "date": "Date shown next to the link",
    "name": "Source name (config)",
    "city": "Municipality",
    "hosts": "Host names of the source (JSON list)",
    "start_urls": "Where crawling starts (JSON list)",
    "added_at": "When the source was added (UTC)",
    "scheme": "URL scheme of the source's pages (http or https)",
    "id": "Row id",
    "run_id": "Crawl run (crawl_runs.id)",
    "started_at": "Start (UTC)",
    "finished_at": "End (UTC)",
    "status": "Outcome, or the HTTP status of a failed fetch",
    "fetched": "Pages fetched",
    "new": "New pages",
    "changed": "Changed pages",
    "unchanged": "Unchanged pages",
    "not_modified": "Pages answered 304 Not Modified",
    "removed": "Pages found removed",
    "errors": "Failed fetches",
    "bytes": "Bytes downloaded",
    "requests": "HTTP requests made",
    "duration": "Duration in seconds",
    "error": "Error message",
    "time": "When it happened (UTC)",
    "pages": "Pages extracted in the run",
    "no_date": "Pages without a publication date",
    "no_title": "Pages without a title",
    "no_body": "Pages without a body",
    "outcome": "What was decided",
    "kept": "Date kept",
    "kept_source": "Where the kept date was found",
    "kept_detail": "Detail of the kept date's source",
    "kept_revision": "Revision with the kept date",
    "rejected": "Date rejected",
    "rejected_source": "Where the rejected date was found",
    "rejected_detail": "Detail of the rejected date's source",
    "rejected_revision": "Revision with the rejected date",
    "found_at": "When the conflict was found (UTC)",
    "canonical_url": "The archived page's URL (pages.url)",
    "reason": "Why this URL is an alias",
}
#: Where a column means something else in one table.
TABLE_COLUMNS = {
    "links": {"url": "Link target URL", "title": "Link text", "label": "Label of the target"},
    "revision_links": {"url": "Link target URL", "title": "Link text"},
    "aliases": {"url": "The other URL"},
    "graph_edges": {
        "source": "From: page URL",
        "target": "To: page URL or label:NAME",
        "rel": "related, body or label",
        "title": "Link text",
        "first_seen": "First seen (UTC)",
        "last_seen": "Last seen (UTC)",
        "ended_at": "Gone since (UTC)",
        "present": "1 while the link is on the page",
    },
    "graph_nodes": {
        "id": "Page URL or label:NAME",
        "kind": "press, topic, notice, org, other, label",
        "status": "archived, removed, linked (outside page) or label",
    },
    "crawl_runs": {"id": "Run id", "source": "Source crawled", "status": "Outcome of the run"},
    "fetch_errors": {"url": "URL that failed", "status": "HTTP status (empty: no answer)"},
    "run_extraction": {"run_id": "Crawl run (crawl_runs.id)"},
    "date_conflicts": {"event": "Revision event of the conflict"},
    "media": {
        "url": "File URL on the site (images.src or an attachment's links.url)",
        "page_url": "The archived page the file was first found on",
        "kind": "image or attachment",
        "status": "HTTP status of the fetch (empty: no response)",
        "content_type": "Content-Type of the file",
        "length": "Size in bytes",
        "digest": "WARC payload digest, sha1:BASE32 (empty: not archived)",
        "record_type": "response, or revisit (same bytes as an earlier capture)",
        "fetched_at": "When it was fetched (UTC)",
        "error": "Why it was not archived (type, size cap, robots.txt, HTTP error)",
    },
    "watches": {
        "name": "Name of the saved search",
        "query": "Search query (as pressarchive search)",
        "source": "Only this source (empty: all)",
        "label": "Only this label (empty: all)",
        "webhooks": "Webhook URLs (hidden in serve)",
        "emails": "E-mail addresses (hidden in serve)",
        "backfill": "1: matches existing when the watch was added were sent too",
        "created_at": "When the watch was added (UTC)",
    },
    "page_topics": {
        "phrase": "Key phrase as written (noun, compound or adjective + noun)",
        "score": "TF-IDF: weighted count in the page × rarity in the archive",
        "rank": "1 = the page's best phrase",
        "key": "Stemmed form: the same key is the same topic across pages",
    },
    "page_entities": {
        "kind": "person, organisation, place, amount or date",
        "text": "As written in the page",
        "value": "Normalised: the name, the amount in euros, the ISO date",
        "role": "Office of a person, purpose of an amount, what happens on a date",
        "sentence": "The sentence it was found in",
        "position": "Character offset in title + lead + body",
        "time": "Time of day of a date (HH:MM)",
        "key": "Folded value (organisations and places stemmed): one key, one entity",
    },
    "deliveries": {
        "watch": "Saved search (watches.name)",
        "version": "Version of the page that matched",
        "target": "Webhook or e-mail address (hidden in serve)",
        "status": "baseline (never sent), pending, sent or failed (given up)",
        "attempts": "Failed attempts so far",
        "last_error": "Why the last attempt failed (hidden in serve)",
        "last_attempt_at": "Last attempt (UTC)",
        "delivered_at": "When it was sent (UTC)",
    },
}
#: Columns ``serve`` reads as NULL (an SQLite authorizer on every Datasette connection,
#: :mod:`archive.serve.plugin`): delivery targets may carry tokens, and a hidden table
#: still answers SQL.
SECRET_COLUMNS = frozenset(
    {
        ("watches", "webhooks"),
        ("watches", "emails"),
        ("deliveries", "target"),
        ("deliveries", "last_error"),
    }
)
#: Datasette options of the tables readers start from.
TABLE_OPTIONS: dict[str, dict[str, Any]] = {
    "pages": {
        "facets": ["source", "page_type", "label"],
        "label_column": "title",
        "sort_desc": "published",
    },
    "pages_view": {
        "facets": ["source", "page_type", "year", "label"],
        "label_column": "title",
        "sort_desc": "published",
    },
    "revisions": {"sort_desc": "fetched_at"},
    "page_topics": {"facets": ["phrase"], "sort": "rank"},
    "page_entities": {"facets": ["kind", "value", "role"], "label_column": "value"},
    "crawl_runs": {"sort_desc": "started_at"},
}


def describe(table: str, column: str) -> str | None:
    return TABLE_COLUMNS.get(table, {}).get(column) or COLUMNS.get(column)


def table_metadata(columns: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    """Datasette's ``tables`` metadata from the archive's tables and views and their
    columns (name → column names): internal ones hidden, the others described."""
    tables: dict[str, dict[str, Any]] = {}
    for name, names in sorted(columns.items()):
        if is_internal(name):
            tables[name] = {"hidden": True}
            continue
        described = {c: text for c in names if (text := describe(name, c))}
        entry: dict[str, Any] = {**TABLE_OPTIONS.get(name, {}), "columns": described}
        if name in TABLE_DESCRIPTIONS:
            entry["description"] = TABLE_DESCRIPTIONS[name]
        tables[name] = entry
    return tables


__all__ = [
    "COLUMNS",
    "INTERNAL_TABLES",
    "INTERNAL_VIEWS",
    "SECRET_COLUMNS",
    "TABLE_DESCRIPTIONS",
    "describe",
    "is_internal",
    "table_metadata",
]
