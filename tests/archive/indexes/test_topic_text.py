"""The text layer of the topic rules (archive/indexes/topics/text.py): tokens and their
offsets, the page split part by part as the whole page text is split, and the caches that
make the key phrases and the entities of a page cheap stay bounded."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

from archive.indexes import topics
from archive.indexes.topics import text as text_module
from archive.indexes.topics.entities import extract
from archive.indexes.topics.phrases import candidates
from archive.indexes.topics.text import (
    PART_CACHE,
    WORD_CACHE,
    page_sentences,
    page_text,
    part_sentences,
    sentences,
    tokens,
)


def test_tokens_carry_their_offsets_and_word_flags() -> None:
    text = "Am 12. März  sprach Dr.-Ing. Öztürk (BfN) über 1.000,50 € – ärgerlich!"
    found = tokens(text, 100)
    assert [t.text for t in found][:4] == ["Am", "12", ".", "März"]
    for t in found:
        assert text[t.start - 100 : t.end - 100] == t.text
        assert t.word == t.text[0].isalpha()
        assert t.capitalised == (t.text[0].isalpha() and t.text[0].isupper())
    assert [t.text for t in found if t.capitalised] == ["Am", "März", "Dr", "Ing", "Öztürk", "BfN"]
    assert "1.000,50" in [t.text for t in found]


@pytest.mark.parametrize(
    ("parts", "clean"),
    [
        (("Neue Kita eröffnet.", "Die Stadt lädt ein.", "Am 12. März feiert sie.", None), True),
        (("Gespräch mit Dr.", "Jana Ott sprach im Rathaus.", "Text.", "Foto: Stadt"), False),
        (("Titel", "  Vorspann mit Leerraum \n", "\n\nErster Absatz.\n\nZweiter.", ""), True),
        (("Frage?", None, "„Zitat“ sagte sie: Danach kam Prof.", "Bild: Prof."), False),
        (("Frage?", None, "„Zitat“ sagte sie: Danach kam Prof.", "bild: Prof."), True),
        (("Am 3.", "Oktober feiern wir.", "Z. B. im Park", "  "), False),
        (("Am 13.3.", "Oktober", "Z. B. im Park", "  "), True),
        ((None, None, None, None), True),
    ],
)
def test_page_split_part_by_part_is_the_split_of_the_page_text(
    parts: tuple[str | None, ...], clean: bool
) -> None:
    title, lead, body, captions = parts
    whole = sentences(page_text(title, lead, body, captions))
    assert page_sentences(title, lead, body, captions) == whole
    # each part alone gives the sentences (and offsets) the whole text has there, unless a
    # part ends in an abbreviation or ordinal that runs on into the next part
    joined = [s for part in part_sentences(title, lead, body, captions) for s in part]
    assert (joined == whole) == clean


def test_a_part_ending_in_an_abbreviation_runs_on_into_the_next() -> None:
    found = page_sentences("Gespräch mit Dr.", "Jana Ott sprach im Rathaus.", None)
    assert [s.text for s in found] == ["Gespräch mit Dr.\nJana Ott sprach im Rathaus."]
    people = [e.value for e in extract("Gespräch mit Dr.", "Jana Ott sprach.", None)]
    assert people == ["Jana Ott"]


def test_candidates_read_each_part_as_written_around_white_space() -> None:
    plain = candidates("Neue Kita", "Die Kita öffnet.", "Die Kitas der Stadt wachsen.")
    padded = candidates(
        "  Neue Kita\n", "\nDie Kita öffnet.  ", "\n\nDie Kitas der Stadt wachsen.\n"
    )
    assert padded == plain
    assert plain[0].key == "kita"


def _cached_functions() -> list[tuple[str, object]]:
    found = []
    for info in pkgutil.iter_modules(topics.__path__):
        module = importlib.import_module(f"{topics.__name__}.{info.name}")
        for name, value in vars(module).items():
            if hasattr(value, "cache_info") and getattr(value, "__module__", "") == module.__name__:
                found.append((f"{info.name}.{name}", value))
    return found


def test_every_cache_of_the_rules_is_bounded() -> None:
    found = _cached_functions()
    names = {name for name, _ in found}
    assert {"text._flags", "text._part", "common.is_office", "places._may_place"} <= names
    for name, function in found:
        maxsize = function.cache_info().maxsize  # type: ignore[attr-defined]
        assert maxsize is not None and maxsize <= WORD_CACHE, name


def test_the_part_cache_keeps_only_the_last_parts() -> None:
    for n in range(3 * PART_CACHE):
        candidates(f"Meldung {n}", f"Vorspann {n}.", f"Text {n} der Stadt.")
    info = text_module._part.cache_info()
    assert info.currsize == PART_CACHE == info.maxsize
    # the entities of the page just read split nothing again
    hits = info.hits
    extract("Meldung 1", "Vorspann 1.", "Text 1 der Stadt.")
    candidates("Meldung 1", "Vorspann 1.", "Text 1 der Stadt.")
    assert text_module._part.cache_info().hits == hits + 3
