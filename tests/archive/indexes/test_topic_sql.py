"""The topic index's statements against a plain model of what they must store, on random
archives where pages come, change and go, phrases are shared by keys and scores tie.

The model (:class:`Model`) is the module docstring's contract in Python: candidates and
entities as given, ``topic_df`` the count of candidate rows per key, and a scored page's
``page_topics`` its candidates by ``tf * (ln((N + 1) / (df + 1)) + 1)`` (N the ``pages``
count at that moment), best first, ties by key, the first :data:`TOP_PHRASES` kept, a
phrase twice under two keys kept once (the better ranked). Pages not scored keep their
rows. The ranking is also checked against the window function it replaced."""

from __future__ import annotations

import math
import random
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from archive.indexes import topic_index
from archive.indexes.topic_index import TOP_PHRASES
from archive.store.schema import open_archive

ORDER = {
    "topic_terms": "page_url, key",
    "topic_df": "key",
    "page_entities": "page_url, kind, position",
    "page_topics": "page_url, phrase",
}
Row = tuple[Any, ...]


class Model:
    """What the four tables must hold, kept in Python."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}  # url → source
        self.terms: dict[str, list[Row]] = {}  # url → (key, phrase, tf)
        self.entities: dict[str, list[Row]] = {}
        self.topics: dict[str, list[Row]] = {}  # url → page_topics rows

    def df(self) -> Counter[str]:
        return Counter(key for rows in self.terms.values() for key, _p, _tf in rows)

    def score(self, urls: list[str]) -> None:
        df, n = self.df(), len(self.pages)
        for url in urls:
            scored = sorted(
                ((tf * (math.log((n + 1.0) / (df[key] + 1.0)) + 1.0), key, phrase)
                 for key, phrase, tf in self.terms.get(url, [])),
                key=lambda s: (-s[0], s[1]),
            )  # fmt: skip
            rows: dict[str, Row] = {}
            for rank, (score, key, phrase) in enumerate(scored[:TOP_PHRASES], 1):
                rows.setdefault(phrase, (url, phrase, score, rank, key))
            self.topics[url] = list(rows.values())
            if not self.topics[url]:
                del self.topics[url]

    def tables(self) -> dict[str, list[Row]]:
        df = self.df()
        return {
            "topic_terms": sorted((u, *t) for u, rows in self.terms.items() for t in rows),
            "topic_df": sorted(df.items()),
            "page_entities": sorted(
                ((u, *e) for u, rows in self.entities.items() for e in rows),
                key=lambda r: (r[0], r[1], r[6]),
            ),
            "page_topics": sorted(r for rows in self.topics.values() for r in rows),
        }


def _tables(db: Any) -> dict[str, list[Row]]:
    return {
        t: [tuple(r) for r in db.execute(f"SELECT * FROM {t} ORDER BY {o}").fetchall()]
        for t, o in ORDER.items()
    }


class Random:
    """Random pages: few keys (scores tie), phrases shared by keys, tf 1-3."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.keys = [f"k{i:02d}" for i in range(30)]

    def terms(self) -> list[Row]:
        keys = self.rng.sample(self.keys, self.rng.randrange(0, 16))
        return [(k, f"P{int(k[1:]) % 17}", self.rng.choice((1, 1, 2, 3))) for k in keys]

    def entities(self, url: str) -> list[Row]:
        out = []
        for position in self.rng.sample(range(50), self.rng.randrange(0, 5)):
            kind = self.rng.choice(("person", "place", "amount"))
            value = f"v{self.rng.randrange(8)}"
            sentence = f"{url} {value} sentence"
            out.append((kind, value, value, None, sentence, position, None, value.upper()))
        return out


def _write(db: Any, model: Model, gen: Random, urls: list[str], sources: list[str]) -> dict:
    """New states of ``urls`` (a few removed from ``pages``) in the archive and the model;
    the prepared analyses ``refresh_pages`` takes."""
    prepared = {}
    for url in urls:
        if url in model.pages and gen.rng.random() < 0.1:  # gone (rows of pages deleted)
            db.execute("DELETE FROM pages WHERE url = ?", [url])
            del model.pages[url]
            model.terms.pop(url, None)
            model.entities.pop(url, None)
            continue
        source = model.pages.get(url) or gen.rng.choice(sources)
        title = f"{url} {gen.rng.random()}"
        db.execute(
            "INSERT INTO pages (url, source, title) VALUES (?, ?, ?) "
            "ON CONFLICT (url) DO UPDATE SET title = excluded.title",
            [url, source, title],
        )
        terms, entities = gen.terms(), gen.entities(url)
        model.pages[url], model.terms[url], model.entities[url] = source, terms, entities
        prepared[url] = ((title, None, None, None, None, None), (terms, entities))
    return prepared


@pytest.mark.parametrize("seed", range(6))
def test_refreshes_and_scorings_store_the_models_rows(tmp_path: Path, seed: int) -> None:
    """Batches of new, changed and gone pages (``refresh_pages``), scorings of sources and
    of everything (``score_sources``, ``rebuild``'s ``score_all``): after every step the
    four tables are the model's, row for row."""
    gen, model = Random(seed), Model()
    db = open_archive(tmp_path / "archive.db")
    sources = ["a", "b", "c"]
    db.conn.executemany("INSERT INTO sources (name) VALUES (?)", [(s,) for s in sources])
    urls = [f"u{i:03d}" for i in range(120)]
    try:
        for step in range(14):
            if step % 5 == 4:
                chosen = gen.rng.sample(sources, gen.rng.randrange(1, 3))
                topic_index.score_sources(db, chosen)
                model.score([u for u, s in model.pages.items() if s in chosen])
            else:
                batch = gen.rng.sample(urls, gen.rng.randrange(1, 30))
                new = [u for u in batch if u not in model.pages and u not in model.terms]
                if step % 2 and new:  # the crawl's call for first archived pages
                    batch = new
                with db.atomic():
                    prepared = _write(db, model, gen, batch, sources)
                    topic_index.refresh_pages(db, batch, prepared, new=batch is new)
                model.score(batch)
            assert _tables(db) == model.tables(), f"step {step}"
        topic_index.score_sources(db, sources)  # twice: the second changes nothing
        topic_index.score_sources(db, sources)
        model.score(list(model.pages))
        assert _tables(db) == model.tables()
        topic_index.score_all(db)
        model.topics.clear()
        model.score(list(model.terms))
        assert _tables(db) == model.tables()
    finally:
        db.close()


#: The ranking as it was (``_SCORE`` of before), with a window function: the reference of
#: :data:`topic_index._RANK`.
_WINDOW = f"""
SELECT page_url, phrase, score, rank, key FROM (
  SELECT t.page_url, t.phrase, t.key,
    t.tf * (ln((n.c + 1.0) / (df.d + 1.0)) + 1.0) AS score,
    row_number() OVER (PARTITION BY t.page_url
      ORDER BY t.tf * (ln((n.c + 1.0) / (df.d + 1.0)) + 1.0) DESC, t.key) AS rank
  FROM topic_terms t
  JOIN topic_df df ON df.key = t.key
  CROSS JOIN (SELECT count(*) AS c FROM pages) n
  WHERE t.page_url IN temp.topics_sel
) WHERE rank <= {TOP_PHRASES}
"""


@pytest.mark.parametrize("seed", range(4))
def test_the_ranking_is_the_window_functions(seed: int) -> None:
    """The ranks numbered by rowid are ``row_number()`` over the page's candidates by
    score and key (ties: many equal frequencies and tfs), the duplicate phrases dropped as
    ``INSERT OR IGNORE`` drops them from the window's rows in their order."""
    rng = random.Random(seed)
    db = sqlite_utils.Database(sqlite3.connect(":memory:"))
    topic_index._functions(db)
    conn = db.conn
    conn.execute("CREATE TABLE pages (url TEXT PRIMARY KEY)")
    for statement in (*topic_index.DDL, *topic_index._TEMP):
        conn.execute(statement)
    rows = []
    for page in range(200):
        for key in rng.sample(range(40), rng.randrange(0, 25)):
            rows.append((f"u{page:03d}", f"k{key:02d}", f"P{key % 13}", rng.randrange(1, 4)))
    conn.executemany("INSERT INTO pages VALUES (?)", [(f"u{p:03d}",) for p in range(230)])
    conn.executemany("INSERT INTO topic_terms VALUES (?, ?, ?, ?)", rows)
    conn.executemany(
        "INSERT INTO topic_df VALUES (?, ?)",
        [(f"k{k:02d}", rng.choice((3, 40, 41))) for k in range(40)],
    )
    conn.executemany(
        "INSERT INTO temp.topics_sel VALUES (?)", [(f"u{p:03d}",) for p in range(0, 200, 3)]
    )
    conn.execute(
        "CREATE TEMP TABLE reference (page_url TEXT, phrase TEXT, score REAL, rank INTEGER, "
        "key TEXT, PRIMARY KEY (page_url, phrase))"
    )
    conn.execute(f"INSERT OR IGNORE INTO temp.reference {_WINDOW}")
    for statement in topic_index._RANK:
        conn.execute(statement)
    order = " ORDER BY page_url, phrase"
    expected = conn.execute("SELECT * FROM temp.reference" + order).fetchall()
    got = conn.execute("SELECT * FROM temp.topics_top" + order).fetchall()
    assert len(expected) > 300 and got == expected
    assert any(rank == TOP_PHRASES for *_, rank, _key in got)


def test_a_failed_scoring_leaves_no_rows_for_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The temporary tables are emptied after a scoring that failed half-way (the caller
    went on in the same transaction): the next scoring ranks its own pages only."""
    gen, model = Random(7), Model()
    db = open_archive(tmp_path / "archive.db")
    db.execute("INSERT INTO sources (name) VALUES ('a')")
    urls = [f"u{i:03d}" for i in range(40)]
    try:
        with db.atomic():
            prepared = _write(db, model, gen, urls, ["a"])
            topic_index.refresh_pages(db, urls, prepared, new=True)
        model.score(urls)
        with monkeypatch.context() as patch:
            patch.setattr(topic_index, "_REPLACE", ("SELECT no_such_column FROM page_topics",))
            with pytest.raises(sqlite3.OperationalError):
                topic_index.score_pages(db, urls[:20])
        for table in ("topics_sel", "topics_ranked", "topics_first", "topics_top"):
            assert db.execute(f"SELECT count(*) FROM temp.{table}").fetchone()[0] == 0
        topic_index.score_pages(db, urls[20:])
        db.conn.commit()
        model.score(urls[20:])
        assert _tables(db) == model.tables()
    finally:
        db.close()


def test_a_batchs_statements_seek_its_pages_and_scan_no_table(tmp_path: Path) -> None:
    """A batch of 16 pages must not cost O(archive): every statement on the archive's
    tables seeks the selected pages through an index (``page_url IN temp.topics_sel``
    drives the loop), with and without ``ANALYZE``'s statistics."""
    db = open_archive(tmp_path / "archive.db")
    try:
        for statement in topic_index._TEMP:
            db.execute(statement)
        statements = [
            *topic_index._RANK[:1],
            *topic_index._REPLACE,
            f"SELECT key, count(*) FROM topic_terms WHERE {topic_index._IN_SEL} GROUP BY key",
            f"DELETE FROM topic_terms WHERE {topic_index._IN_SEL}",
            f"DELETE FROM page_entities WHERE {topic_index._IN_SEL}",
            f"{topic_index._PAGES} WHERE p.url IN temp.topics_sel ORDER BY p.url",
        ]
        for analysed in (False, True):
            if analysed:
                db.execute("ANALYZE")
            for statement in statements:
                plan = [r[3] for r in db.execute(f"EXPLAIN QUERY PLAN {statement}")]
                scans = [
                    step for step in plan
                    if step.startswith("SCAN") and "pages USING COVERING INDEX" not in step
                    and "temp." not in step
                ]  # fmt: skip
                assert not scans, (statement, plan)
                if "topics_sel" in statement:
                    assert any("FOR IN-OPERATOR" in step for step in plan), (statement, plan)
    finally:
        db.close()
