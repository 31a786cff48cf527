"""archive.search.engine: query sanitising (fuzzed against a real FTS5 table) and ranking."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from archive.search.engine import count, search, to_fts_query
from archive.store.save import mark_removed, save_page
from archive.store.schema import FTS_TOKENIZE, open_archive
from crawler.errors import InvalidValue, SearchError
from crawler.records import Extracted, Image
from tests.support.factories import fetch_result as fetch

BASE = "https://www.ruesselsheim.de/presse/"

NASTY = [
    "WIR-Koordination",
    '"unbalanced',
    'unbalanced"',
    'a "b c',
    "AND OR",
    "AND",
    "OR",
    "NOT",
    "NOT NOT",
    "OR OR OR",
    "*",
    "**",
    "a**",
    "*a",
    "Rüsselsheim",
    "RÜSSELSHEIM",
    "(",
    ")",
    "()",
    "(a OR b",
    "^",
    "^start",
    ":",
    "col:word",
    "title:Stadt",
    "😀",
    "Fest 😀 🎉",
    "'",
    "''",
    '""',
    '"""',
    '"" ""',
    "-",
    "--",
    "-a",
    "a-",
    "+a",
    "a + b",
    "NEAR(a b)",
    "NEAR",
    "a NEAR b",
    "a OR",
    "OR a",
    "NOT a",
    "a NOT",
    "a AND",
    "a AND NOT OR b",
    "\\",
    "\x00",
    "a\x00b",
    "\ud800",
    "%",
    "_",
    "a_b",
    "ß",
    "Straße",
    "ﬁ",
    "İstanbul",
    "e\u0301",
    "日本語",
    "مرحبا",
    "\t\n",
    "{a b}",
    "[a]",
    "a:b:c",
    "x" * 5000,
    " ".join(["Wort"] * 500),
    " OR ".join(["a"] * 400),
    "a " + "NOT b " * 300,
    '"' + "a " * 1000 + '"',
    "„Stadt Rüsselsheim“",
    "»Fest«",
    "2024-06-01",
    "1.000,50 €",
    "a*b*c",
    '"a b"*',
    "word*",
    "ü*",
    "O'Brien",
    "rank",
    "bm25(pages_fts)",
    "; DROP TABLE",
]

ALPHABET = [
    *"abcÄäöüß\"*()^:-+,.;'\\{}[]_½",
    " ",
    " ",
    " ",
    "😀",
    "\x00",
    "\u0301",
    " AND ",
    " OR ",
    " NOT ",
    "NEAR",
    "AND",
    "OR",
    "NOT",
]


def random_queries(n: int, seed: int = 1234) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        length = rng.randint(1, 25)
        out.append("".join(rng.choice(ALPHABET) for _ in range(length)))
        words = rng.choices(
            [
                "AND",
                "OR",
                "NOT",
                "NEAR",
                '"',
                "*",
                "Stadt",
                "fest*",
                "a-b",
                "(",
                ")",
                "^x",
                "col:",
                "Rüsselsheim",
                "😀",
                "-",
                ":",
            ],
            k=rng.randint(1, 8),
        )
        out.append(rng.choice([" ", "", '"']).join(words))
    return out


@pytest.fixture(scope="module")
def fts_conn() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE t USING fts5(a, b, tokenize='{FTS_TOKENIZE}')")
    conn.executemany(
        "INSERT INTO t VALUES (?, ?)",
        [
            ("WIR-Koordination in Rüsselsheim", "and or not near"),
            ("Stadtfest am Samstag", "Straße 2024-06-01"),
        ],
    )
    return conn


def check_match(conn: sqlite3.Connection, text: str) -> None:
    expr = to_fts_query(text)
    assert isinstance(expr, str)
    if expr:
        try:
            conn.execute("SELECT count(*) FROM t WHERE t MATCH ?", [expr]).fetchone()
        except sqlite3.Error as exc:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{text!r} -> {expr!r}: {exc}")


@pytest.mark.parametrize("text", NASTY)
def test_to_fts_query_nasty_strings(fts_conn: sqlite3.Connection, text: str) -> None:
    check_match(fts_conn, text)


def test_to_fts_query_fuzzed(fts_conn: sqlite3.Connection) -> None:
    for text in random_queries(3000):
        check_match(fts_conn, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("WIR-Koordination", '"WIR Koordination"'),
        ('"unbalanced', '"unbalanced"'),
        ("AND OR", '"AND" "OR"'),
        ("*", ""),
        ("Rüsselsheim", '"Rüsselsheim"'),
        ("NOT", '"NOT"'),
        ("(", ""),
        ("col:word", '"col word"'),
        ("😀", ""),
        ("stadt fest", '"stadt" "fest"'),
        ("stadt AND fest", '"stadt" "fest"'),
        ("stadt OR fest", '"stadt" OR "fest"'),
        ("stadt NOT fest", '"stadt" NOT "fest"'),
        ("stadt or fest", '"stadt" "or" "fest"'),
        ("NOT stadt", '"stadt"'),
        ("stadt OR", '"stadt"'),
        ("a OR NOT b", '"a" OR "b"'),
        ('"Stadt Rüsselsheim" fest', '"Stadt Rüsselsheim" "fest"'),
        ("„Stadt Rüsselsheim“", '"Stadt Rüsselsheim"'),
        ('"a b" "c', '"a b" "c"'),
        ("fest*", '"fest"*'),
        ('"stadt fe"*', '"stadt fe"*'),
        ("WIR-Ko*", '"WIR Ko"*'),
        ("(a OR b)", '"a" OR "b"'),
    ],
)
def test_to_fts_query_examples(text: str, expected: str) -> None:
    assert to_fts_query(text) == expected


def test_long_queries_are_bounded(fts_conn: sqlite3.Connection) -> None:
    expr = to_fts_query(" OR ".join(f"w{i}" for i in range(1000)))
    assert expr.count('"') <= 2 * 32
    fts_conn.execute("SELECT count(*) FROM t WHERE t MATCH ?", [expr]).fetchone()


# --------------------------------------------------------------------------- search()


def page(slug: str, title: str, body: str, published: str | None, **kw: object) -> Extracted:
    return Extracted(
        url=BASE + slug,
        page_type=kw.pop("page_type", "press_release"),
        title=title,
        body=body,
        published=published,
        **kw,
    )


@pytest.fixture()
def db(tmp_path: Path) -> sqlite_utils.Database:
    database = open_archive(tmp_path / "archive.db")
    pages = [
        page(
            "body.html",
            "Haushalt 2024",
            "Im Text geht es auch um das Hallenbad der Stadt, "
            "das saniert wird. " + "Weitere Worte zum Haushalt. " * 5,
            "2024-05-01",
        ),
        page(
            "title.html", "Hallenbad öffnet wieder", "Nach der Sanierung öffnet es.", "2024-03-01"
        ),
        page(
            "wir.html",
            "Integration",
            "Die WIR-Koordination lädt ein.",
            "2024-06-10",
            lead="Neues Programm der WIR-Koordination",
            label="Migration",
        ),
        page(
            "other.html", "Hallenbad in Raunheim", "Hallenbad Text", "2023-01-01", page_type="topic"
        ),
        page(
            "img.html",
            "Neues Foto",
            "Text ohne Treffer.",
            None,
            images=[Image("https://x/1.jpg", alt="Mainufer bei Sonnenuntergang")],
            credits=["Foto: Erika Mustermann"],
        ),
    ]
    for p in pages:
        src = "raunheim" if "Raunheim" in (p.title or "") else "ruesselsheim"
        save_page(database, src, p, fetch(p.url))
    yield database
    database.close()


def test_title_match_ranks_above_body_match(db: sqlite_utils.Database) -> None:
    hits = search(db, "Hallenbad", source="ruesselsheim")
    assert [h["url"] for h in hits] == [BASE + "title.html", BASE + "body.html"]
    assert hits[0]["score"] > hits[1]["score"]
    assert set(hits[0]) == {
        "url",
        "title",
        "published",
        "snippet",
        "source",
        "page_type",
        "label",
        "removed_at",
        "score",
    }
    assert "[Hallenbad]" in hits[1]["snippet"]


def test_snippet_falls_back_to_lead(db: sqlite_utils.Database) -> None:
    [hit] = search(db, "Programm")
    assert hit["url"] == BASE + "wir.html"
    assert "[Programm]" in hit["snippet"]
    assert hit["label"] == "Migration"


def test_search_filters(db: sqlite_utils.Database) -> None:
    assert count(db, "Hallenbad") == 3
    assert {h["source"] for h in search(db, "Hallenbad")} == {"ruesselsheim", "raunheim"}
    assert [h["url"] for h in search(db, "Hallenbad", page_type="topic")] == [BASE + "other.html"]
    assert [h["url"] for h in search(db, "Hallenbad", since="2024-03-01", until="2024-03-01")] == [
        BASE + "title.html"
    ]
    assert count(db, "Hallenbad", since="2024-01-01") == 2
    assert count(db, "Hallenbad", until="2023-12-31") == 1
    assert len(search(db, "Hallenbad", limit=1)) == 1
    with pytest.raises(InvalidValue, match="--since 'gestern'"):  # a bad request: exit 2
        search(db, "Hallenbad", since="gestern")
    with pytest.raises(InvalidValue, match="--until '20231231'"):
        count(db, "Hallenbad", until="20231231")
    with pytest.raises(SearchError):
        search(db, "Hallenbad", limit=0)


def test_search_hyphen_umlaut_captions_credits(db: sqlite_utils.Database) -> None:
    assert [h["url"] for h in search(db, "WIR-Koordination")] == [BASE + "wir.html"]
    assert count(db, "ladt") == 1  # remove_diacritics: "lädt"
    assert count(db, "öffnet") == 1
    assert [h["url"] for h in search(db, "Sonnenuntergang")] == [BASE + "img.html"]
    assert [h["url"] for h in search(db, "Mustermann")] == [BASE + "img.html"]
    assert count(db, "Hallen*") == 3
    assert count(db, '"öffnet wieder"') == 1
    assert count(db, "Hallenbad NOT Raunheim") == 2
    assert count(db, "Raunheim OR Integration") == 2


def test_tie_break_newest_first(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "tie.db")
    for slug, day in [
        ("a.html", "2020-01-01"),
        ("b.html", "2024-01-01"),
        ("c.html", None),
        ("d.html", "2022-01-01"),
    ]:
        save_page(db, "s", page(slug, "Gleich", "Gleicher Text", day), fetch(BASE + slug))
    assert [h["published"] for h in search(db, "Gleich")] == [
        "2024-01-01",
        "2022-01-01",
        "2020-01-01",
        None,
    ]
    db.close()


def test_removed_pages(db: sqlite_utils.Database) -> None:
    mark_removed(db, BASE + "title.html", fetch(BASE + "title.html", 404))
    hits = search(db, "Hallenbad", source="ruesselsheim")
    assert hits[0]["removed_at"] is not None
    assert [
        h["url"] for h in search(db, "Hallenbad", source="ruesselsheim", include_removed=False)
    ] == [BASE + "body.html"]
    assert count(db, "Hallenbad", include_removed=False) == 2


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_query_raises(db: sqlite_utils.Database, text: str) -> None:
    with pytest.raises(SearchError, match="empty query"):
        search(db, text)
    with pytest.raises(SearchError, match="empty query"):
        count(db, text)


def test_search_never_raises_on_nasty_input(db: sqlite_utils.Database) -> None:
    for text in NASTY + random_queries(300, seed=99):
        if not text.strip():
            continue
        assert isinstance(search(db, text), list), text
        assert count(db, text) >= 0, text
