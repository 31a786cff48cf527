"""German-aware search over the crawled sample site: a labelled query set and the CLI.

The sample site (edition 1) is crawled once for the module over real HTTP on loopback.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from archive.cli.main import cli
from archive.indexes import german as german
from archive.indexes import registry
from archive.indexes.compounds import Expander
from archive.search import engine as search_module
from archive.search.engine import count, facets, matching_urls, search, to_search_query
from archive.store.save import mark_removed
from archive.store.schema import open_archive
from crawler.records import FetchResult
from crawler.sample_site import SampleSite
from tests.support.cli import invoke
from tests.support.sample_crawl import crawl_sample

LOTSEN = {
    "2024-03-22-stadt-sucht-ehrenamtliche-lotsinnen-und-lotsen",
    "2025-07-23-mohammad-ghassan-arksousi-in-wiesbaden-geehrt",
    "2025-11-28-euro-fuer-vielfalt-und-teilhabe-land-hessen-staerkt-ruesselsheim-langfristig",
    "landesprogramm-wir",
    "migration",
}
HAUSHALT = {
    "2023-07-25-gewerbesteuer-einnahmen-bleiben-hinter-den-erwartungen-zurueck",
    "haushalt",
    "haushaltssatzung-2025",
    "haushaltssicherungskonzept-vorgelegt",
    "2025-04-04-haushaltsentwurf-2025-eingebracht",
    "5188.html",
}
FOERDERUNG = {
    "2024-08-05-vereinsfoerderung-antraege-fuer-das-kommende-jahr-stellen",
    "2025-11-28-euro-fuer-vielfalt-und-teilhabe-land-hessen-staerkt-ruesselsheim-langfristig",
    "landesprogramm-wir",
    "stabsstelle-kultur-und-vielfalt",
}
WIR = {
    "2025-11-28-euro-fuer-vielfalt-und-teilhabe-land-hessen-staerkt-ruesselsheim-langfristig",
    "interkulturelles-buero",
    "landesprogramm-wir",
}
#: Pages that say "Kita" or "Kitas" (or a compound of it); the Gewerbesteuer release says
#: only "Kitas" (Snowball keeps the -s of vowel-final plurals: german.fold_plural_s).
KITA = {
    "2023-07-25-gewerbesteuer-einnahmen-bleiben-hinter-den-erwartungen-zurueck",
    "2023-11-11_neue-kita-in-hassloch-oeffnet-nach-den-sommerferien",
    "2024-03-22-stadt-sucht-ehrenamtliche-lotsinnen-und-lotsen",
    "2025-01-10-fachkraefte-gesucht-stadt-wirbt-um-erzieherinnen-und-erzieher",
    "2025-09-21-mehr-betreuungsplaetze-fuer-kinder-unter-drei-jahren",
    "2025-10-12_kita-gebuehren-magistrat-legt-neue-staffelung-vor",
    "3429.html",
    "kitas",
}

#: query → pages that must be found (by the last URL segment) and pages that must not.
LABELLED: list[tuple[str, set[str], set[str]]] = [
    ("Lotsen", LOTSEN, set()),
    ("lotse", LOTSEN - {"migration"}, set()),
    (
        "Integrationslotsen",
        {"2025-11-28-euro-fuer-vielfalt-und-teilhabe-land-hessen-staerkt-ruesselsheim-langfristig"},
        set(),
    ),
    ("Haushalt", HAUSHALT, set()),
    ("Haushaltssicherungskonzept", {"haushaltssicherungskonzept-vorgelegt"}, set()),
    ("Foerderung", FOERDERUNG, set()),
    ("Förderung", FOERDERUNG, set()),
    ("WIR-Koordination", WIR, set()),
    ("ruesselsheim", {"kitas", "2024-11-04-ruesselsheimer-stadtlauf-mit-teilnehmerrekord"}, set()),
    ("RÜSSELSHEIMER", {"kitas", "2024-11-04-ruesselsheimer-stadtlauf-mit-teilnehmerrekord"}, set()),
    ("Strasse", {"2023-09-04-vollsperrung-der-waldstrasse-in-den-herbstferien"}, set()),
    ('"Vielfalt und Teilhabe"', {"landesprogramm-wir", "migration"}, {"haushalt"}),
    (
        "Kita NOT Gebühren",
        {"2023-11-11_neue-kita-in-hassloch-oeffnet-nach-den-sommerferien"},
        {"kitas"},
    ),
    ("Sandkasten", {"kitas"}, set()),  # image caption
    ("Kita", KITA, set()),
    ("Kitas", KITA, set()),
    ("Autos", {"2023-10-23_baustelle-an-der-mainzer-strasse-umleitung-fuer-busse"}, set()),
    ("Lotsen OR Haushalt", LOTSEN | HAUSHALT, set()),
    ("=Lotsen", LOTSEN - {"migration"}, {"migration"}),  # word only: no Lotsenprogramm
]


def tail(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("german") / "archive.db"
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        crawl_sample(path, site)
    yield path


@pytest.fixture(scope="module")
def db(archive_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_archive(archive_path)
    yield database
    database.close()


# --------------------------------------------------------------------------- analysis


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Förderung", "Foerderung"),
        ("Rüsselsheim", "ruesselsheim"),
        ("Rüsselsheimer", "RUESSELSHEIM"),
        ("Straße", "Strasse"),
        ("Gebühren", "Gebuehren"),
        ("Lotsen", "Lotse"),
        ("Haushalts", "Haushalt"),
        ("Steuern", "Steuer"),
    ],
)
def test_same_stem(a: str, b: str) -> None:
    assert german.stem(a) == german.stem(b)


def test_fold_matches_stemmer_spelling() -> None:
    assert german.fold("Foerder") == german.fold("Förder") == "forder"
    assert german.fold("Steuer") == "steuer"  # "ue" after a vowel is not an umlaut
    assert german.fold("Quelle") == "quelle"


def test_compound_parts_indexed_both_ways() -> None:
    stems = german.analyze("Die Integrationslotsen und der Haushalt").split()
    assert stems == ["die", "integrationslots", "und", "der", "haushalt"]
    assert german.compound_candidates(stems) == ["integrationslots", "haushalt"]
    assert german.matches_part("lots", "integrationslots")
    assert german.matches_part("haushalt", "haushaltssicherungskonzept")
    assert not german.matches_part("lots", "lots")


# --------------------------------------------------------------------------- labelled set


@pytest.mark.slow
@pytest.mark.parametrize(("query", "expected", "excluded"), LABELLED, ids=[q for q, *_ in LABELLED])
def test_labelled_queries(
    db: sqlite_utils.Database, query: str, expected: set[str], excluded: set[str]
) -> None:
    found = {tail(h["url"]) for h in search(db, query, limit=200)}
    assert expected <= found, f"{query!r} missed {expected - found}"
    assert not excluded & found, f"{query!r} found {excluded & found}"
    assert count(db, query) == len(found)


@pytest.mark.slow
def test_spelling_variants_give_the_same_hits(db: sqlite_utils.Database) -> None:
    for a, b in [
        ("Förderung", "Foerderung"),
        ("Rüsselsheim", "ruesselsheim"),
        ("Straße", "STRASSE"),
    ]:
        assert [h["url"] for h in search(db, a, limit=200)] == [
            h["url"] for h in search(db, b, limit=200)
        ]


@pytest.mark.slow
def test_exact_word_beats_compound_part_in_ranking(db: sqlite_utils.Database) -> None:
    hits = search(db, "Lotsen")
    assert tail(hits[0]["url"]) == "2024-03-22-stadt-sucht-ehrenamtliche-lotsinnen-und-lotsen"
    assert tail(hits[-1]["url"]) == "migration"  # only "Lotsenprogramm", in the body
    assert "[Lotsen" in hits[0]["snippet"] or "Lotsen]" in hits[0]["snippet"]


@pytest.mark.slow
def test_compound_only_hits_score_zero_after_the_word_itself(
    db: sqlite_utils.Database,
) -> None:
    # Scores come from the words themselves (search.to_rank_query): a page found only
    # through a compound part scores 0, after every page with the word itself.
    assert search_module.to_rank_query("Lotsen NOT Haushalt") == (
        '{title label lead body captions credits} : "lots"'
    )
    hits = search(db, "Lotsen", limit=50)
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > 0 and scores[-1] == 0
    assert [h["url"] for h in hits] == matching_urls(db, "Lotsen")


@pytest.mark.slow
def test_exact_option_matches_words_as_written(db: sqlite_utils.Database) -> None:
    assert count(db, "Foerderung", exact=True) == 0
    assert count(db, "Förderung", exact=True) >= 1
    assert count(db, "Integrationslotsen", exact=True) == 1
    assert count(db, "Lotsen", exact=True) < count(db, "Lotsen")


@pytest.mark.slow
@pytest.mark.parametrize(
    "query", ['"Vielfalt und Teilhabe', "AND OR", "NOT", "(", "Lotsen OR", "„Haushalt"]
)
def test_odd_queries_give_sensible_results(db: sqlite_utils.Database, query: str) -> None:
    hits = search(db, query, limit=200)
    assert isinstance(hits, list)
    if query in ('"Vielfalt und Teilhabe', "Lotsen OR", "„Haushalt"):
        assert hits


@pytest.mark.slow
def test_snippets_mark_compounds(db: sqlite_utils.Database) -> None:
    hits = search(db, "Haushaltssicherungskonzept")
    assert hits and all("[Haushaltssicherungskonzept" in h["snippet"] for h in hits)
    hits = search(db, "Haushalt")
    assert any(
        "[Haushaltssicherungskonzept" in h["snippet"] or "[Haushalt" in h["snippet"] for h in hits
    )
    assert all("[" in h["snippet"] for h in hits)


@pytest.mark.slow
def test_filters(db: sqlite_utils.Database) -> None:
    assert {h["page_type"] for h in search(db, "Haushalt", page_type="notice")} == {"notice"}
    assert {h["label"] for h in search(db, "Haushalt", label="Pressemitteilung")} == {
        "Pressemitteilung"
    }
    with_images = search(db, "Kita", has_images=True, limit=100)
    assert with_images
    urls = [h["url"] for h in with_images]
    rows = db.execute(
        "SELECT count(*) FROM pages WHERE image_count > 0 "
        f"AND url IN ({','.join('?' * len(urls))})",
        urls,
    ).fetchone()
    assert rows[0] == len(urls)
    assert count(db, "Kita", has_images=True) + count(db, "Kita", has_images=False) == count(
        db, "Kita"
    )
    assert all(h["published"] >= "2025-01-01" for h in search(db, "Haushalt", since="2025-01-01"))


@pytest.mark.slow
def test_facets(db: sqlite_utils.Database) -> None:
    found = facets(db, "Haushalt")
    assert set(found) == {"source", "page_type", "year", "label"}
    assert sum(f["count"] for f in found["source"]) == count(db, "Haushalt")
    assert {"2024", "2025"} <= {f["value"] for f in found["year"]}


@pytest.mark.slow
def test_reindex_is_idempotent(archive_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    shutil.copy(archive_path, copy)
    db = open_archive(copy)
    before = [h["url"] for h in search(db, "Lotsen")]
    n = registry.rebuild(db, registry.get("search"))
    assert n == db.execute("SELECT count(*) FROM pages").fetchone()[0]
    assert [h["url"] for h in search(db, "Lotsen")] == before
    db.close()


def _newest_matches(db: sqlite_utils.Database, query: str) -> list[str]:
    """URLs of all matches of ``query``, highest rowid (most recently archived) first."""
    return [
        r[0]
        for r in db.execute(
            "SELECT pages.url FROM pages_search JOIN pages ON pages.rowid = pages_search.rowid "
            "WHERE pages_search MATCH ? ORDER BY pages_search.rowid DESC",
            [to_search_query(query, Expander(db.conn))],
        ).fetchall()
    ]


@pytest.mark.slow
def test_selective_query_is_ranked_over_all_matches(db: sqlite_utils.Database) -> None:
    # Fewer matches than the ranking window: exact bm25 order over every match, the same
    # order as the uncapped ranking used for exports.
    assert count(db, "Haushalt") < search_module.RANK_WINDOW
    assert [h["url"] for h in search(db, "Haushalt", limit=100)] == matching_urls(db, "Haushalt")


@pytest.mark.slow
def test_common_query_is_ranked_among_its_newest_matches(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    newest = _newest_matches(db, "Haushalt")
    assert len(newest) > 4
    monkeypatch.setattr(search_module, "RANK_WINDOW", 3)
    hits = search(db, "Haushalt", limit=2)
    # Only the 3 most recently archived matches were ranked; the best 2 of them by bm25.
    assert len(hits) == 2 and {h["url"] for h in hits} <= set(newest[:3])
    window = [h for h in search(db, "Haushalt", limit=100) if h["url"] in newest[:3]]
    assert [h["url"] for h in hits] == [h["url"] for h in window[:2]]
    # The window always covers the requested page: limit/offset beyond it still work.
    assert len(search(db, "Haushalt", limit=len(newest))) == len(newest)
    assert len(search(db, "Haushalt", limit=2, offset=3)) == 2
    # count, facets and exports never cap.
    assert count(db, "Haushalt") == len(newest) == len(matching_urls(db, "Haushalt"))
    # With filters, the window is the newest pages that match *and* pass the filters.
    notices = search(db, "Haushalt", page_type="notice", limit=1)
    assert notices and notices[0]["page_type"] == "notice"


@pytest.mark.slow
def test_snippets_only_for_the_returned_rows(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    original = search_module.make_snippet

    def counting(*args: object, **kwargs: object) -> str:
        calls.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(search_module, "make_snippet", counting)
    assert len(search(db, "Haushalt", limit=2)) == 2
    assert len(calls) == 2


def test_query_expression_is_bounded() -> None:
    expr = to_search_query(" ".join(f"Wort{i}" for i in range(500)))
    assert expr.count(" AND ") == 31


# --------------------------------------------------------------------------- CLI


def run(*args: str) -> str:
    return invoke(*args).output


@pytest.mark.slow
def test_cli_json_keeps_keys(archive_path: Path) -> None:
    hits = json.loads(run("search", "Lotsen", "--db", str(archive_path), "--json"))
    assert {tail(h["url"]) for h in hits} == LOTSEN
    assert {"url", "title", "published", "snippet"} <= set(hits[0])


@pytest.mark.slow
def test_cli_csv_count_facets(archive_path: Path) -> None:
    db = str(archive_path)
    rows = list(csv.DictReader(io.StringIO(run("search", "Haushalt", "--db", db, "--csv"))))
    assert {tail(r["url"]) for r in rows} >= HAUSHALT
    assert list(rows[0])[:4] == ["url", "title", "published", "source"]
    assert int(run("search", "Haushalt", "--db", db, "--count")) == len(rows)
    assert json.loads(run("search", "Haushalt", "--db", db, "--count", "--json")) == {
        "count": len(rows)
    }
    found = json.loads(run("search", "Haushalt", "--db", db, "--facets", "--json"))
    assert set(found) == {"source", "page_type", "year", "label"}
    assert "page_type:" in run("search", "Haushalt", "--db", db, "--facets")


@pytest.mark.slow
def test_cli_filters_and_exact(archive_path: Path) -> None:
    db = str(archive_path)
    out = json.loads(run("search", "Kita", "--db", db, "--has-images", "--json"))
    assert out
    out = json.loads(
        run("search", "Haushalt", "--db", db, "--label", "Öffentliche Bekanntmachung", "--json")
    )
    assert [tail(h["url"]) for h in out] == ["haushaltssatzung-2025"]
    assert int(run("search", "Foerderung", "--db", db, "--exact", "--count")) == 0
    assert "No pages match" in run("search", "AND OR", "--db", db)
    result = CliRunner().invoke(cli, ["search", "x", "--db", db, "--live-only", "--removed"])
    assert result.exit_code == 2


@pytest.mark.slow
def test_cli_live_and_removed(archive_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "removed.db"
    shutil.copy(archive_path, copy)
    db = open_archive(copy)
    url = next(h["url"] for h in search(db, "Lotsen") if tail(h["url"]) == "migration")
    mark_removed(
        db,
        url,
        FetchResult(url=url, final_url=url, status=404, fetched_at="2026-01-01T00:00:00+00:00"),
    )
    db.close()
    removed = json.loads(run("search", "Lotsen", "--db", str(copy), "--removed", "--json"))
    live = json.loads(run("search", "Lotsen", "--db", str(copy), "--live-only", "--json"))
    assert [tail(h["url"]) for h in removed] == ["migration"]
    assert {tail(h["url"]) for h in live} == LOTSEN - {"migration"}
    assert "[removed]" in run("search", "Lotsen", "--db", str(copy))


FILTER_CASES = [
    {"source": "SOURCE"},
    {"since": "2024-01-01"},
    {"until": "2023-12-31"},
    {"since": "2024-03-01", "until": "2024-09-30"},
    {"since": "2031-01-01"},
    {"page_type": "notice"},
    {"label": "Soziales"},
    {"has_images": True},
    {"has_images": False},
    {"source": "SOURCE", "since": "2023-06-15", "page_type": "press_release"},
]


@pytest.mark.slow
@pytest.mark.parametrize("filters", FILTER_CASES)
def test_filter_tokens_narrow_but_never_change_results(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch, filters: dict[str, object]
) -> None:
    source = db.execute("SELECT source FROM pages LIMIT 1").fetchone()[0]
    filters = {k: source if v == "SOURCE" else v for k, v in filters.items()}
    plan = search_module._plan(db, "Lotsen", False, filters)
    assert plan is not None and "filters : " in plan.params["fts"]

    def ranked(query: str) -> list[tuple[str, float]]:
        return [(h["url"], round(h["score"], 9)) for h in search(db, query, limit=200, **filters)]

    for query in ("Lotsen", "Haushalt", "Stadt", "Förderung OR Kita", '"Verwandte Themen"'):
        narrowed = ranked(query)
        total = count(db, query, **filters)
        monkeypatch.setattr(search_module, "NARROW", False)
        plain = ranked(query)
        assert count(db, query, **filters) == total
        monkeypatch.setattr(search_module, "NARROW", True)
        assert narrowed == plain, (query, filters)
        assert len(narrowed) == total


def test_bm25_weights_follow_the_column_names() -> None:
    """The weights are keyed by column, so the tuples SQL gets follow the column order."""
    assert set(search_module.COLUMN_WEIGHTS) == set(search_module.TEXT_COLUMNS)
    assert search_module.BM25_WEIGHTS == (10.0, 2.0, 5.0, 1.0, 2.0, 1.0)
    assert search_module.SEARCH_WEIGHTS == (10.0, 2.0, 5.0, 1.0, 2.0, 1.0, 0.0)
