"""The cheaper forms of the topic rules give what the plain forms give: the sentence
boundary and date regexes that open with their first character, tokens from the regex split,
key phrases counted per written form, and the sentences that skip the people rule."""

from __future__ import annotations

import random
import re

import pytest

from archive.indexes.topics import amounts, text
from archive.indexes.topics.entities import extract
from archive.indexes.topics.phrases import TITLE_WEIGHT, candidate_terms, candidates
from archive.indexes.topics.text import Token, tokens

#: The plain forms: what the sentence boundary and the date's day were written as first.
PLAIN_BOUNDARY = re.compile(r"([.!?:“\"])\s+(?=[A-ZÄÖÜ„\"])|\n+")
PLAIN_DAY = r"(?<![\d.])(?P<day>\d{1,2})"


def _random_texts(pieces: list[str], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) for _ in range(rng.randrange(14))) for _ in range(count)]


def _matches(pattern: re.Pattern[str], value: str) -> list[tuple[object, ...]]:
    return [(m.span(), m.groups(), m.groupdict()) for m in pattern.finditer(value)]


def test_the_sentence_boundary_finds_what_the_plain_alternation_finds() -> None:
    pieces = list('.!?:“"\n„AÄz1 \t\u00a0\u2028') + [". ", ".\n", "\n\n", "Dr. "]
    for value in _random_texts(pieces, 20_000, seed=1):
        assert _matches(text._BOUNDARY, value) == _matches(PLAIN_BOUNDARY, value), repr(value)


def test_the_date_regex_finds_what_the_plain_day_finds() -> None:
    plain = re.compile(PLAIN_DAY + amounts._DATE.pattern.split("\\d?)", 1)[1], re.IGNORECASE)
    assert plain.pattern.startswith(PLAIN_DAY + r"\.\s*")
    pieces = ["1", "12", "3", ".", " ", "März", "MÄRZ", "2026", "um", "18", "Uhr", ":", "30"]
    pieces += [",", "ab", "a", "..", "05.", "123", "x"]
    for value in _random_texts(pieces, 20_000, seed=2):
        assert _matches(amounts._DATE, value) == _matches(plain, value), repr(value)


def _plain_tokens(value: str, offset: int) -> tuple[Token, ...]:
    return tuple(
        Token(m.group(), offset + m.start(), offset + m.end(), m.group()[0].isupper() and
              m.group()[0].isalpha(), m.group()[0].isalpha())
        for m in text._TOKEN.finditer(value)
    )  # fmt: skip


def test_tokens_from_the_split_are_the_regex_matches_with_their_offsets() -> None:
    pieces = ["Straße", "-", "z", ".", "B", "1.000,50", "€", " ", "  ", "\n", "\u00a0", "_", "é"]
    pieces += ["Öl", "„", "“", "(BfN)", "Wasserstraßen-", "x_", "12.", "\t"]
    for value in _random_texts(pieces, 5_000, seed=3):
        assert tokens(value, 17) == _plain_tokens(value, 17), repr(value)
    assert tokens("", 5) == ()


@pytest.mark.parametrize(
    ("body", "phrase"),
    [
        ("Die Kitas und die Kita. Die Kita und die Kitas.", "Kitas"),  # as often: first
        ("Die Kitas und die Kita. Die Kita wächst.", "Kita"),  # the most written
    ],
)
def test_the_first_of_the_most_written_forms_names_the_key(body: str, phrase: str) -> None:
    (kita,) = [c for c in candidates(None, None, body) if c.key == "kita"]
    assert (kita.phrase, kita.tf) == (phrase, body.count("Kita"))


def test_candidate_terms_are_the_candidates_with_title_and_pairs_weighed() -> None:
    title, body = "Neue Kitas für die interkulturelle Öffnung", "Die interkulturelle Öffnung."
    terms = candidate_terms(title, None, body)
    assert terms == [(c.key, c.phrase, c.tf) for c in candidates(title, None, body)]
    found = {key: tf for key, _phrase, tf in terms}
    assert found["interkulturell offnung"] == found["offnung"] == TITLE_WEIGHT + 1
    assert found["kita"] == TITLE_WEIGHT
    # equal counts in key order
    assert terms == sorted(terms, key=lambda t: (-t[2], t[0]))


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("Sabine Riewenherm, Präsidentin des Amtes, kam.", "Sabine Riewenherm"),  # office after
        ("Es sprach Prof. Dr. Jana Ott.", "Jana Ott"),  # a title, no office
        ("Die Landrätin Anna Berg kam.", "Anna Berg"),  # an office
    ],
)
def test_people_are_found_in_the_sentences_the_rule_reads(sentence: str, value: str) -> None:
    people = [e.value for e in extract(None, None, sentence) if e.kind == "person"]
    assert people == [value]
    # name words without an office or a title around them: no sentence to read
    assert [
        e for e in extract(None, None, "Anna Berg und Jana Ott kamen.") if e.kind == "person"
    ] == []


#: Pieces of sentences for the people rule: offices (before and after a name, with a
#: modifier), titles, name words, commas, common nouns and words that are none of these.
_PEOPLE_PIECES = (
    "Oberbürgermeisterin Bürgermeister Präsidentin Landrätin Erste Stadträtin Dr . Prof "
    "Dipl - Ing med Katrin Albers Sabine Riewenherm Jana Ott Anna , , des Amtes Rathaus "
    "Verwaltung und kam Stadt Die Förderung BfN Berg"
).split()


def _people_of(sentence: str) -> list[tuple[str, str | None, int]]:
    return [(e.value, e.role, e.position) for e in extract(None, None, sentence)
            if e.kind == "person"]  # fmt: skip


def test_people_without_a_comma_before_an_office_are_those_every_start_finds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The rule tries name words as starts only when a comma precedes an office: with every
    start tried (the plain form), the same people at the same places."""
    from archive.indexes.topics import entities

    rng = random.Random(4)
    sentences = [
        " ".join(rng.choice(_PEOPLE_PIECES) for _ in range(rng.randrange(1, 16)))
        for _ in range(4_000)
    ]
    fast = [_people_of(s) for s in sentences]
    monkeypatch.setattr(entities, "_comma_office", lambda texts: True)
    text._part.cache_clear()
    plain = [_people_of(s) for s in sentences]
    assert fast == plain
    assert sum(map(bool, fast)) > 500  # the sentences do hold people


def test_a_comma_before_an_office_is_what_opens_a_name_alone() -> None:
    from archive.indexes.topics.entities import _comma_office

    def comma_office(sentence: str) -> bool:
        return _comma_office(tuple(t.text for t in tokens(sentence)))

    assert comma_office("Sabine Riewenherm, Präsidentin des Amtes")
    assert comma_office("Ja, gut, Sabine Riewenherm, Präsidentin")
    assert not comma_office("Sabine Riewenherm, die Präsidentin")
    assert not comma_office("Präsidentin Sabine Riewenherm,")
    assert not comma_office("Dr. Jana Ott")


def test_entity_keys_are_the_same_from_the_cache() -> None:
    from archive.indexes.topics.entities import entity_key

    values = [
        ("organisation", "Interkulturelles Büro"),
        ("place", "Frankfurter Straße 12"),
        ("person", "Katrin  Albers"),
        ("amount", "600000"),
        ("date", "2026-03-12"),
    ]
    first = [entity_key(kind, value) for kind, value in values]
    entity_key.cache_clear()
    assert [entity_key.__wrapped__(kind, value) for kind, value in values] == first
    assert [entity_key(kind, value) for kind, value in values] == first


def _plain_extract(body: str, city: str | None) -> list[object]:
    """:func:`extract` with the overlaps tested on sets of positions (its first form)."""
    from archive.indexes.topics import entities as en

    found: dict[tuple[str, int], object] = {}
    aliases: dict[str, str] = {}
    for s in text.page_sentences(None, None, body, None):
        orgs = en._organisations(s, aliases)
        orgs.sort(key=en._longest_first)
        taken: set[int] = set()
        for e in [*en._people(s), *orgs, *en.places(s, city), *en.money(s),
                  *en.dates(s, "2026-03-01")]:  # fmt: skip
            if e.kind in ("person", "organisation"):
                span = set(range(e.position, e.position + len(e.text)))
                if span & taken:
                    continue
                taken |= span
            elif e.kind == "place" and e.position in taken:
                continue
            found.setdefault((e.kind, e.position), e)
    return sorted(found.values(), key=lambda e: (e.position, e.kind))  # type: ignore[attr-defined]


def test_overlapping_entities_are_dropped_as_the_sets_of_positions_drop_them() -> None:
    """People, organisations and places that overlap (``Bürgermeisterin`` in ``Amt der
    Bürgermeisterin``, a city inside an organisation's name): the marks of the sentence's
    characters keep what the sets of positions kept."""
    pieces = [*_PEOPLE_PIECES] + (
        "Jugendamt Amt für Soziales Stadt Rüsselsheim am Main Waldstraße 12 in Königstädten "
        "Bundesamt Naturschutz ( BfN ) das GmbH e.V. 600.000 Euro am 12. März um 18 Uhr ".split()
    )
    rng = random.Random(5)
    kinds = set()
    for _ in range(3_000):
        body = " ".join(rng.choice(pieces) for _ in range(rng.randrange(1, 20)))
        city = rng.choice([None, "Rüsselsheim am Main"])
        found = extract(None, None, body, city=city, published="2026-03-01")
        assert found == _plain_extract(body, city), body
        kinds.update(e.kind for e in found)
    assert kinds == {"person", "organisation", "place", "amount", "date"}
