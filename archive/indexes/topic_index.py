"""The topic index: key phrases and entities of every page, from its text (migration 16).

Three tables, one derived index (:class:`TopicsIndex`, ``pressarchive reindex --index
topics``):

- ``topic_terms``: every key-phrase candidate of a page (:mod:`archive.indexes.topics.phrases`:
  stem key, written form, weighted count). Depends on the page only.
- ``page_entities``: people, organisations, places, amounts and dates of a page's text and
  image captions (:mod:`archive.indexes.topics.entities`), the city from the page's
  ``sources`` row. Depends on the page only.
- ``page_topics``: the best :data:`TOP_PHRASES` candidates of a page by TF-IDF against the
  archive's document frequencies, counted from ``topic_terms`` in SQL.

What is updated when: after a page changes (same transaction) its candidates and entities
are recomputed and its ``page_topics`` are scored with the document frequencies of that
moment; after a successful crawl run every page of that source is scored again (the run
may have added pages that change the frequencies); ``reindex`` recomputes everything. So
the scores of a page of another source may lag behind until that source's next run or a
reindex; the candidates and entities never lag.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from archive.indexes.base import DerivedIndex, Progress
from archive.indexes.topics.entities import entity_key, extract
from archive.indexes.topics.phrases import candidate_terms

if TYPE_CHECKING:
    import sqlite_utils

#: Key phrases kept per page.
TOP_PHRASES = 10
#: Pages read per batch in a rebuild.
_BATCH = 200

_SELECTED = "SELECT value FROM json_each(:urls)"
#: The temporary tables of a scoring, per connection (``WITHOUT ROWID``: one B-tree each,
#: where a rowid table with a primary key is two):
#:
#: - ``topics_sel``: the URLs of the pages to score, read once (from the JSON list or from
#:   ``pages`` by source), where every statement re-read them before;
#: - ``topics_ranked`` and ``topics_first``: the ranking (:data:`_RANK`);
#: - ``topics_top``: the new top phrases of those pages.
_TEMP = (
    "CREATE TEMP TABLE IF NOT EXISTS topics_sel (url TEXT PRIMARY KEY) WITHOUT ROWID",
    "CREATE TEMP TABLE IF NOT EXISTS topics_ranked (seq INTEGER PRIMARY KEY, "
    "page_url TEXT NOT NULL, phrase TEXT NOT NULL, score REAL, key TEXT)",
    "CREATE TEMP TABLE IF NOT EXISTS topics_first (url TEXT PRIMARY KEY, seq INTEGER) "
    "WITHOUT ROWID",
    "CREATE TEMP TABLE IF NOT EXISTS topics_top (page_url TEXT NOT NULL, phrase TEXT NOT "
    "NULL, score REAL, rank INTEGER, key TEXT, PRIMARY KEY (page_url, phrase)) WITHOUT ROWID",
)
_CLEAR = tuple(
    f"DELETE FROM temp.{t}" for t in ("topics_sel", "topics_ranked", "topics_first", "topics_top")
)
#: ``topics_sel`` holds the pages to score: the condition on ``page_url`` of every statement
_IN_SEL = "page_url IN temp.topics_sel"
#: The candidates ranked per page by score (``tf * (ln((N + 1) / (df + 1)) + 1)``, N the
#: archive's page count, df from ``topic_df``, kept as terms come and go: counting them in
#: ``topic_terms`` at every save was O(archive) per page), then key, the first
#: :data:`TOP_PHRASES` kept (``rank`` 1 = best), without a window function
#: (``row_number() OVER (PARTITION BY page_url ...)`` cost more than the sort itself): the
#: candidates go to ``topics_ranked`` in the order of the ranking, so their rowids
#: (``seq``, each the last plus one) number them in that order, a page's rows one after
#: another; a page's rank is then its row's ``seq`` minus the ``seq`` of the page's first
#: row, plus one. A phrase twice in a page under two keys keeps its better ranked row
#: (inserted first; the other rank is not given again).
_RANK = (
    "INSERT INTO temp.topics_ranked (page_url, phrase, score, key) "
    "SELECT t.page_url, t.phrase, "
    "t.tf * (ln(((SELECT count(*) FROM pages) + 1.0) / (df.d + 1.0)) + 1.0) AS score, t.key "
    "FROM topic_terms t JOIN topic_df df ON df.key = t.key "
    f"WHERE t.{_IN_SEL} ORDER BY t.page_url, score DESC, t.key",
    "INSERT OR IGNORE INTO temp.topics_first (url, seq) "
    "SELECT page_url, seq FROM temp.topics_ranked ORDER BY seq",
    "INSERT OR IGNORE INTO temp.topics_top (page_url, phrase, score, rank, key) "
    "SELECT r.page_url, r.phrase, r.score, r.seq - f.seq + 1, r.key "
    "FROM temp.topics_ranked r JOIN temp.topics_first f ON f.url = r.page_url "
    f"WHERE r.seq - f.seq < {TOP_PHRASES} ORDER BY r.seq",
)
#: The new top phrases (:data:`_RANK`) replace the selected pages' rows: rows no longer
#: among them go, the others are updated in place (a page's top phrases mostly stay the
#: same from one scoring to the next: an update touches the table only, where a delete and
#: an insert touch it and its three indexes; ~20 % of the scoring), and only where the
#: score or the rank changed (an update that changes nothing still writes the row). A row
#: whose key changed (the same phrase, another stem key: a new stemmer) is deleted and
#: inserted again.
_REPLACE = (
    f"DELETE FROM page_topics WHERE {_IN_SEL} AND NOT EXISTS (SELECT 1 FROM temp.topics_top "
    "n WHERE n.page_url = page_topics.page_url AND n.phrase = page_topics.phrase "
    "AND n.key IS page_topics.key)",
    "INSERT INTO page_topics (page_url, phrase, score, rank, key) "
    "SELECT page_url, phrase, score, rank, key FROM temp.topics_top WHERE true "
    "ON CONFLICT (page_url, phrase) DO UPDATE SET score = excluded.score, rank = excluded.rank "
    "WHERE score IS NOT excluded.score OR rank IS NOT excluded.rank",
)


@contextmanager
def _selected(db: sqlite_utils.Database, urls: str, params: dict[str, str]) -> Iterator[None]:
    """``topics_sel`` holds the URLs the query ``urls`` gives for the time of the block;
    the temporary tables are created at a connection's first scoring and emptied after
    every one (a failed one too: no rows left for the next)."""
    insert = f"INSERT OR IGNORE INTO temp.topics_sel (url) {urls}"
    try:
        db.execute(insert, params)
    except sqlite3.OperationalError as exc:
        if "no such table" not in str(exc):
            raise
        for statement in _TEMP:
            db.execute(statement)
        db.execute(insert, params)
    try:
        yield
    finally:
        for statement in _CLEAR:
            db.execute(statement)


def _score(db: sqlite_utils.Database, *, fresh: bool = False) -> None:
    """Rank the candidates of the pages of ``topics_sel`` (:func:`_selected`) and make
    those pages' ``page_topics`` rows the new top phrases (``fresh``: they have none yet,
    nothing to delete)."""
    _functions(db)
    for statement in _RANK:
        db.execute(statement)
    for statement in _REPLACE[1:] if fresh else _REPLACE:
        db.execute(statement)


_PAGES = (
    "SELECT p.url, p.title, p.lead, p.body, p.captions, p.published, s.city FROM pages p "
    "LEFT JOIN sources s ON s.name = p.source"
)


def _ln(x: float) -> float:
    return math.log(x)


def _functions(db: sqlite_utils.Database, builtin: bool = True) -> None:
    """``ln`` for :data:`_SCORE`: SQLite's own where it was built with its math functions
    (3.35+, as Debian's and Python's wheels are: no call back into Python for each
    candidate, ~30 % of a batch's scoring), else the same C ``log`` through Python."""
    if builtin:
        try:
            db.conn.execute("SELECT ln(2.0)").fetchone()
            return
        except sqlite3.OperationalError:
            pass
    db.conn.create_function("ln", 1, _ln, deterministic=True)


#: The tables of migration 16 (``archive.store.migrations``, frozen there; a test keeps the
#: two equal), created here when missing.
DDL = (
    'CREATE TABLE IF NOT EXISTS "topic_terms" ( "page_url" TEXT NOT NULL, "key" TEXT NOT NULL, '
    '"phrase" TEXT NOT NULL, "tf" INTEGER NOT NULL, PRIMARY KEY ("page_url", "key") )',
    'CREATE INDEX IF NOT EXISTS "idx_topic_terms_key" ON "topic_terms" ("key")',
    'CREATE TABLE IF NOT EXISTS "page_topics" ( "page_url" TEXT NOT NULL, "phrase" TEXT NOT '
    'NULL, "score" REAL, "rank" INTEGER, "key" TEXT, PRIMARY KEY ("page_url", "phrase") )',
    'CREATE INDEX IF NOT EXISTS "idx_page_topics_key" ON "page_topics" ("key")',
    'CREATE INDEX IF NOT EXISTS "idx_page_topics_phrase" ON "page_topics" ("phrase")',
    'CREATE TABLE IF NOT EXISTS "page_entities" ( "page_url" TEXT NOT NULL, "kind" TEXT NOT '
    'NULL, "text" TEXT, "value" TEXT, "role" TEXT, "sentence" TEXT, "position" INTEGER NOT '
    'NULL, "time" TEXT, "key" TEXT, PRIMARY KEY ("page_url", "kind", "position") )',
    'CREATE INDEX IF NOT EXISTS "idx_page_entities_kind_value" ON "page_entities" '
    '("kind", "value")',
    'CREATE INDEX IF NOT EXISTS "idx_page_entities_kind_key" ON "page_entities" ("kind", "key")',
    'CREATE TABLE IF NOT EXISTS "topic_df" ( "key" TEXT PRIMARY KEY, "d" INTEGER NOT NULL )',
)


def create(db: sqlite_utils.Database) -> None:
    """Create the tables as migration 16 does, if missing."""
    for statement in DDL:
        db.execute(statement)


#: The ``pages`` columns (and the source's ``city``) the analysis reads, in :data:`_PAGES`
#: order after the URL.
_INPUTS = ("title", "lead", "body", "captions", "published", "city")


def analyse(inputs: Sequence[Any]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Key-phrase candidates ``(key, phrase, tf)`` and entities (the ``page_entities``
    columns after ``page_url``) of one page from its :data:`_INPUTS` values: pure, so the
    crawl runs it in worker processes (:meth:`TopicsIndex.prepare`). Key phrases come from
    the text, entities also from the captions."""
    title, lead, body, captions, published, city = inputs
    terms: list[tuple[Any, ...]] = list(candidate_terms(title, lead, body))
    entities: list[tuple[Any, ...]] = [
        (
            e.kind,
            e.text,
            e.value,
            e.role,
            e.sentence,
            e.position,
            e.time,
            entity_key(e.kind, e.value),
        )
        for e in extract(title, lead, body, captions=captions, city=city, published=published)
    ]
    return terms, entities


def _analyse(
    db: sqlite_utils.Database,
    rows: list[tuple[str, ...]],
    prepared: Mapping[str, Any] | None = None,
    gone: Mapping[str, int] | None = None,
) -> None:
    """Write candidates and entities of the pages ``rows`` (url, then :data:`_INPUTS`);
    their old rows must be deleted, ``gone``: how many of them each key had
    (:func:`_delete`). ``prepared``: url → (inputs, :func:`analyse` result), used when the
    inputs are the row's."""
    terms: list[tuple[Any, ...]] = []
    entities: list[tuple[Any, ...]] = []
    for url, *inputs in rows:
        ready = prepared.get(url) if prepared else None
        if ready is not None and tuple(ready[0]) == tuple(inputs):
            found = ready[1]
        else:
            found = analyse(inputs)
        terms.extend((url, *term) for term in found[0])
        entities.extend((url, *entity) for entity in found[1])
    db.conn.executemany("INSERT INTO topic_terms VALUES (?, ?, ?, ?)", terms)
    _count(db, Counter(key for _url, key, _phrase, _tf in terms), gone or {})
    db.conn.executemany(
        "INSERT OR IGNORE INTO page_entities "
        "(page_url, kind, text, value, role, sentence, position, time, key) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        entities,
    )


def _count(db: sqlite_utils.Database, added: Counter[str], gone: Mapping[str, int]) -> None:
    """Keep ``topic_df`` the count of ``topic_terms`` rows per key after a batch's pages
    lost the terms ``gone`` and gained ``added`` (per key): one upsert per key whose count
    changes (a changed page mostly keeps its keys: nothing to write for them), and the
    keys that lost their last page deleted (by key: the rows of the other keys count
    their pages, none is at zero)."""
    delta = added.copy()
    delta.subtract(gone)
    db.conn.executemany(
        "INSERT INTO topic_df (key, d) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET d = d + excluded.d",
        sorted((key, d) for key, d in delta.items() if d),
    )
    db.conn.executemany(
        "DELETE FROM topic_df WHERE key = ? AND d <= 0",
        sorted((key,) for key, d in delta.items() if d < 0),
    )


def _delete(db: sqlite_utils.Database) -> dict[str, int]:
    """Delete the candidates and entities of the pages of ``topics_sel``; return how many
    candidates each key lost (for ``topic_df``, :func:`_count`)."""
    gone = dict(
        db.execute(f"SELECT key, count(*) FROM topic_terms WHERE {_IN_SEL} GROUP BY key").fetchall()
    )
    for table in ("topic_terms", "page_entities"):  # page_topics: by the scoring
        db.execute(f"DELETE FROM {table} WHERE {_IN_SEL}")
    return gone


def score_pages(db: sqlite_utils.Database, urls: Sequence[str], *, new: bool = False) -> None:
    """Score the candidates of ``urls`` again with the current document frequencies
    (``new``: first archived now, they have no ``page_topics`` rows to replace)."""
    with _selected(db, _SELECTED, {"urls": json.dumps(list(urls))}):
        _score(db, fresh=new)


def score_source(db: sqlite_utils.Database, source: str) -> None:
    """Score every page of ``source`` again with the current document frequencies."""
    score_sources(db, [source])


def score_sources(db: sqlite_utils.Database, sources: Sequence[str]) -> None:
    """:func:`score_source` for several sources in one go."""
    params = {"sources": json.dumps(list(dict.fromkeys(sources)))}
    pages = "SELECT url FROM pages WHERE source IN (SELECT value FROM json_each(:sources))"
    with db.atomic(), _selected(db, pages, params):
        _score(db)


def score_all(db: sqlite_utils.Database) -> None:
    """Score every page again (the last step of a rebuild)."""
    with db.atomic():
        db.execute("DELETE FROM page_topics")
        with _selected(db, "SELECT DISTINCT page_url FROM topic_terms", {}):
            _score(db, fresh=True)


def refresh_pages(
    db: sqlite_utils.Database,
    urls: Sequence[str],
    prepared: Mapping[str, Any] | None = None,
    *,
    new: bool = False,
) -> None:
    """Recompute candidates, entities and scores of ``urls`` (gone pages: rows deleted);
    ``prepared`` as for :func:`_analyse`. ``new``: the pages were first archived now, so
    they have no rows here yet (``pages`` rows are never deleted): nothing to delete."""
    if not urls:
        return
    with db.atomic(), _selected(db, _SELECTED, {"urls": json.dumps(list(urls))}):
        gone = None if new else _delete(db)
        rows = db.execute(f"{_PAGES} WHERE p.url IN temp.topics_sel ORDER BY p.url").fetchall()
        _analyse(db, rows, prepared, gone)
        _score(db, fresh=new)


def rebuild(db: sqlite_utils.Database, progress: Progress | None = None) -> int:
    """Recompute every table; return the number of ``page_topics`` rows."""
    _functions(db)
    with db.atomic():
        for table in ("topic_terms", "topic_df", "page_entities", "page_topics"):
            db.execute(f"DELETE FROM {table}")
        cursor = db.execute(_PAGES + " ORDER BY p.url")
        while batch := cursor.fetchmany(_BATCH):
            _analyse(db, batch)
            if progress:
                progress(len(batch))
        score_all(db)
        return int(db.execute("SELECT count(*) FROM page_topics").fetchone()[0])


class TopicsIndex(DerivedIndex):
    """``topic_terms``, ``page_topics`` and ``page_entities`` as a derived index."""

    name = "topics"
    #: Bump when the rules or the vocabulary change: archives then rebuild on open.
    version = "2"  # 2: topic_df
    reads = frozenset({"title", "lead", "body", "captions", "published", "source"})

    def create(self, db: sqlite_utils.Database) -> None:
        create(db)

    def rebuild(self, db: sqlite_utils.Database, progress: Progress | None = None) -> int:
        return rebuild(db, progress)

    def prepare(self, fields: Mapping[str, Any]) -> tuple[tuple[Any, ...], Any]:
        inputs = tuple(fields.get(name) for name in _INPUTS)
        return inputs, analyse(inputs)

    def after_change(
        self,
        db: sqlite_utils.Database,
        urls: Sequence[str],
        new: bool,
        prepared: Mapping[str, Any] | None = None,
    ) -> None:
        refresh_pages(db, urls, prepared, new=new)

    def after_run(self, db: sqlite_utils.Database, source: str, finished_at: str) -> None:
        score_source(db, source)

    def after_runs(self, db: sqlite_utils.Database, runs: Sequence[tuple[str, str]]) -> None:
        score_sources(db, [source for source, _finished in runs])


__all__ = [
    "DDL", "TOP_PHRASES", "TopicsIndex", "analyse", "create", "rebuild", "refresh_pages",
    "score_pages", "score_all", "score_source", "score_sources",
]  # fmt: skip
