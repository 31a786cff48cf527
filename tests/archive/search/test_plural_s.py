"""The plural ``-s`` of vowel-final words (``Kitas``, ``Autos``) in the German search.

Snowball drops a final ``-s`` only after a consonant, so ``Kita`` and ``Kitas`` had
different stems; :func:`archive.indexes.german.fold_plural_s` completes it at index and
query time alike, and leaves real ``s``-final words (``Haus``, ``Bonus``) alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.indexes import german as german
from archive.indexes.search_index import index_version
from archive.store.schema import open_archive
from tests.support.cli import invoke
from tests.support.factories import archive_with, extracted

BASE = "https://www.example.de/presse/"


@pytest.mark.parametrize(
    ("plural", "singular"),
    [
        ("Kitas", "Kita"),
        ("Autos", "Auto"),
        ("Fotos", "Foto"),
        ("Infos", "Info"),
        ("Euros", "Euro"),
        ("Büros", "Büro"),
        ("Omas", "Oma"),
        ("Radios", "Radio"),
        ("Videos", "Video"),
        ("Babys", "Baby"),
        ("Cafés", "Café"),
        ("Taxis", "Taxi"),
        ("KITAS", "kita"),
        ("Teams", "Team"),  # Snowball's own -s after a consonant, unchanged
    ],
)
def test_plural_s_folds(plural: str, singular: str) -> None:
    assert german.stem(plural) == german.stem(singular)


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("Haus", "Hau"),
        ("Preis", "Prei"),
        ("Mais", "Mai"),
        ("Bonus", "Bon"),
        ("Campus", "Camp"),
        ("Virus", "Vir"),
        ("Andreas", "Andrea"),
        ("Thomas", "Thoma"),
        ("Chaos", "Chao"),
        ("Gas", "Ga"),
    ],
)
def test_s_final_words_keep_their_s(word: str, other: str) -> None:
    assert german.stem(word) != german.stem(other)


@pytest.mark.parametrize(
    "word",
    ["Haus", "Bus", "Preis", "Fluss", "Zeugnis", "Ergebnis", "aus", "das", "was", "bis",
     "Kosmos", "Paris", "Matthias", "Zeus"],
)  # fmt: skip
def test_s_final_words_unchanged(word: str) -> None:
    assert german.stem(word).endswith("s")
    assert german.fold_plural_s(word.lower()) == word.lower()


def test_analyzer_version_names_the_rule() -> None:
    # A change of stems must rebuild archives indexed before (registry: version differs).
    assert "plural-s 1" in index_version()


@pytest.fixture()
def kita_archive(tmp_path: Path) -> Path:
    pages = [
        extracted(BASE + "plural", title="Neue Plätze", body="Die städtischen Kitas erweitern."),
        extracted(BASE + "singular", title="Grundstein", body="Die Kita am Park wird gebaut."),
        extracted(BASE + "autos", title="Parken", body="Mehr Autos in der Innenstadt."),
        extracted(BASE + "haus", title="Umbau", body="Das Haus der Vereine öffnet."),
        extracted(BASE + "other", title="Sitzung", body="Die Hauptversammlung tagt."),
    ]
    return archive_with(tmp_path / "archive.db", [("stadt", page) for page in pages])


def found(path: Path, query: str) -> set[str]:
    out = invoke("search", query, "--db", str(path), "--json").output
    return {hit["url"].rsplit("/", 1)[-1] for hit in json.loads(out)}


def test_kita_and_kitas_find_the_same_pages(kita_archive: Path) -> None:
    assert found(kita_archive, "Kita") == found(kita_archive, "Kitas") == {"plural", "singular"}
    assert found(kita_archive, "Auto") == {"autos"}
    assert found(kita_archive, '"städtische Kita"') == {"plural"}  # phrases fold too


def test_prefix_of_a_plural_finds_it(kita_archive: Path) -> None:
    # "Kitas" is indexed "kita": the prefix must drop the -s too, or "Kitas*" finds nothing.
    assert german.prefix("Kitas") == german.prefix("Kita") == "kita"
    assert german.prefix("Förder") == "forder"
    assert german.prefix("Haus") == "haus"
    assert found(kita_archive, "Kitas*") == found(kita_archive, "Kita*") == {"plural", "singular"}
    assert found(kita_archive, "Autos*") == {"autos"}


def test_s_final_word_does_not_meet_its_stem_without_s(kita_archive: Path) -> None:
    assert found(kita_archive, "Haus") == {"haus"}
    assert found(kita_archive, "Hau") == set()


def test_snippet_marks_the_plural(kita_archive: Path) -> None:
    from archive.search.engine import search

    db = open_archive(kita_archive)
    try:
        hits = {h["url"].rsplit("/", 1)[-1]: h["snippet"] for h in search(db, "Kita")}
    finally:
        db.close()
    assert "[Kitas]" in hits["plural"]
    assert "[Kita]" in hits["singular"]
