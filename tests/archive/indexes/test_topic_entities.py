"""Entity rules and key-phrase candidates on sentences (archive/indexes/topics/): each kind
found with its normalised value and role, and the look-alikes each rule must leave alone."""

from __future__ import annotations

import pytest

from archive.indexes.topics.entities import Entity, extract
from archive.indexes.topics.phrases import TITLE_WEIGHT, candidates
from archive.indexes.topics.text import sentences

CITY = "Rüsselsheim am Main"


def _found(text: str, kind: str, *, published: str = "2026-01-10") -> list[Entity]:
    return [e for e in extract(text, None, None, city=CITY, published=published) if e.kind == kind]


def _values(text: str, kind: str) -> list[tuple[str, str | None]]:
    return [(e.value, e.role) for e in _found(text, kind)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Am Abend sprach Oberbürgermeisterin Dr. Katrin Albers im Rathaus.",
            [("Katrin Albers", "Oberbürgermeisterin")],
        ),
        (
            "Oberbürgermeister Patrick Burghardt übergibt die Urkunden.",
            [("Patrick Burghardt", "Oberbürgermeister")],
        ),
        ("Das sagte Erste Stadträtin Sabine Kühn.", [("Sabine Kühn", "Erste Stadträtin")]),
        (
            "Sabine Riewenherm, Präsidentin des Bundesamtes, überreichte den Bescheid.",
            [("Sabine Riewenherm", "Präsidentin")],
        ),
        ("Die Studie stellte Dr. Jana Ott vor.", [("Jana Ott", None)]),
    ],
)
def test_people_with_their_office(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert _values(text, "person") == expected


@pytest.mark.parametrize(
    "text",
    [
        "Der Oberbürgermeister begrüßte die Gäste.",  # an office without a name
        "Die Stadträtin Förderung Betreuung war Thema.",  # capitalised nouns, no names
        "Im Rathaus Zukunft Vielfalt und Teilhabe gestalten.",  # nouns, no office
        "Der Magistrat Rüsselsheim hat beschlossen.",  # a body, not a person
    ],
)
def test_no_person_without_office_and_name(text: str) -> None:
    assert _found(text, "person") == []


def test_apposition_is_not_read_across_a_list_of_people() -> None:
    text = "Es gratulierten Integrationslotse Ali Kaya, Ministerin Heike Hofmann und weitere."
    assert ("Heike Hofmann", "Ministerin") in _values(text, "person")
    assert ("Ali Kaya", "Ministerin") not in _values(text, "person")


def test_organisations_and_offices_of_the_administration() -> None:
    text = (
        "Das Jugendamt und der Fachbereich Soziales und Integration beraten gemeinsam mit "
        "dem Interkulturellen Büro, den Stadtwerken Rüsselsheim GmbH und dem Amt für "
        "Umwelt und Klima."
    )
    values = [v for v, _ in _values(text, "organisation")]
    assert "Jugendamt" in values
    assert "Fachbereich Soziales und Integration" in values
    assert "Interkulturellen Büro" in values
    assert "Amt für Umwelt und Klima" in values
    assert any(v.endswith("GmbH") for v in values)


@pytest.mark.parametrize(
    "text",
    [
        "Die Verwaltung prüft den Antrag.",  # a generic head without modifier
        "Im Trauzimmer übergab sie den Zuwendungsbescheid.",  # compounds of -amt/-rat look-alikes
        "Der Landrat eröffnete die Sitzung.",  # an office, not an organisation
    ],
)
def test_generic_heads_and_look_alikes_are_no_organisations(text: str) -> None:
    assert _found(text, "organisation") == []


def test_places_streets_districts_city_and_datelines() -> None:
    text = (
        "Potsdam – In Königstädten und im Stadtteil Haßloch wird die Frankfurter Straße 12 "
        "saniert, ebenso die Waldstraße; Rüsselsheim am Main und das Land Hessen zahlen."
    )
    values = [v for v, _ in _values(text, "place")]
    for place in ("Potsdam", "Königstädten", "Haßloch", "Frankfurter Straße 12", "Waldstraße"):
        assert place in values
    assert CITY in values and "Hessen" in values


@pytest.mark.parametrize(
    "text",
    [
        "Das Gesetz tritt in Kraft und gilt in Zukunft auch in Ihrer Gemeinde.",
        "Der Spielplatz und der Arbeitsplatz liegen auf dem Weg.",
        "Die Kita bietet Platz für fünf Gruppen.",
    ],
)
def test_capitalised_nouns_after_in_and_street_look_alikes_are_no_places(text: str) -> None:
    assert _found(text, "place") == []


@pytest.mark.parametrize(
    ("text", "value", "role"),
    [
        (
            "600.000 Euro für Vielfalt und Teilhabe: Land Hessen hilft",
            "600000",
            "Vielfalt und Teilhabe",
        ),
        ("Die Kosten von rund 1,2 Millionen Euro trägt das Land.", "1200000", "Kosten"),
        ("Der Mittagstisch kostet 4,50 Euro.", "4.50", "Mittagstisch"),
        ("Es entstand ein Sachschaden in Höhe von rund 5000 Euro.", "5000", "Sachschaden"),
        ("Für die Sanierung stehen 2,5 Mio. Euro bereit.", "2500000", "Sanierung"),
    ],
)
def test_money_with_its_purpose(text: str, value: str, role: str) -> None:
    assert _values(text, "amount") == [(value, role)]


@pytest.mark.parametrize(
    "text",
    [
        "Der Euro ist stabil.",  # "Euro" without an amount
        "Die Ausstellung zeigt 40 Bilder aus 12 Ländern.",  # numbers without a currency
        "Das Landesprogramm heißt Euro-Region 2030.",
    ],
)
def test_no_money_without_an_amount_and_a_currency(text: str) -> None:
    assert _found(text, "amount") == []


def test_event_dates_with_time_and_inferred_year() -> None:
    (dated,) = _found("Am 12. März 2026 um 18 Uhr beginnt die Bürgerversammlung.", "date")
    assert (dated.value, dated.time, dated.role) == ("2026-03-12", "18:00", "Bürgerversammlung")
    (no_year,) = _found("Die Sitzung ist am 4. Februar.", "date", published="2025-11-20")
    assert no_year.value == "2026-02-04"  # months before publication: next year
    (numeric,) = _found("Anmeldung bis zum 19.04.2024 im Bürgerbüro.", "date")
    assert numeric.value == "2024-04-19"


@pytest.mark.parametrize(
    "text",
    [
        "22.03.2024 Pressemitteilung",  # a date line of a teaser, no event
        "Die Liste umfasst 12.3. Positionen.",  # day and month without a year
        "Der 31. Februar 2026 existiert nicht.",  # no calendar date
    ],
)
def test_no_event_date(text: str) -> None:
    assert _found(text, "date") == []


def test_entity_keeps_its_sentence_and_offset() -> None:
    title, body = "Titel der Meldung", "Erster Satz. Oberbürgermeister Patrick Burghardt sprach."
    (person,) = [e for e in extract(title, None, body) if e.kind == "person"]
    text = f"{title}\n{body}"
    assert person.sentence == "Oberbürgermeister Patrick Burghardt sprach."
    assert text[person.position :].startswith(person.text)


def test_sentences_do_not_split_after_ordinals_and_abbreviations() -> None:
    found = [s.text for s in sentences("Am 12. März sprach Dr. Ott. Danach kam Prof. Lang.")]
    assert found == ["Am 12. März sprach Dr. Ott.", "Danach kam Prof. Lang."]


def test_phrase_candidates_fold_inflections_and_weigh_the_title() -> None:
    found = {c.key: c for c in candidates("Neue Kita eröffnet", None, "Zwei Kitas und die Kita.")}
    kita = found["kita"]
    assert kita.tf == TITLE_WEIGHT + 2
    assert kita.phrase == "Kita"


def test_phrase_candidates_skip_stopwords_and_sentence_openers() -> None:
    keys = {
        c.phrase for c in candidates(None, None, "Trotzdem wächst die interkulturelle Öffnung.")
    }
    assert "Trotzdem" not in keys
    assert {"Öffnung", "interkulturelle Öffnung"} <= keys
    assert not {c.phrase for c in candidates(None, None, "Weitere Informationen im Jahr.")} & {
        "Informationen",
        "Jahr",
    }


def test_entity_keys_count_inflections_together() -> None:
    from archive.indexes.topics.entities import entity_key

    assert entity_key("organisation", "Interkulturellen Büro") == entity_key(
        "organisation", "Interkulturelles Büro"
    )
    assert entity_key("person", "Patrick  Burghardt") == "patrick burghardt"
    assert entity_key("amount", "600000") == "600000"


def test_people_in_image_captions_are_found_after_the_text() -> None:
    caption = "Staatssekretärin Katrin Hechler und Ministerin Heike Hofmann bei der Würdigung."
    title, body = "Lotse geehrt", "Die Feier fand im Schloss statt."
    found = [e for e in extract(title, None, body, captions=caption) if e.kind == "person"]
    assert [(e.value, e.role) for e in found] == [
        ("Katrin Hechler", "Staatssekretärin"),
        ("Heike Hofmann", "Ministerin"),
    ]
    assert all(e.position > len(title) + len(body) for e in found)
    assert [e for e in extract(title, None, body) if e.kind == "person"] == []


def test_acronyms_name_the_organisation_they_abbreviate() -> None:
    text = (
        "Das Bundesamt für Naturschutz (BfN) fördert das Projekt. Das BfN begleitet es, "
        "der BWE fordert mehr, die Datei liegt als PDF vor."
    )
    values = [v for v, _ in _values(text, "organisation")]
    assert values == ["Bundesamt für Naturschutz", "Bundesamt für Naturschutz", "BWE"]


def test_organisations_named_after_their_place_countries_and_roads() -> None:
    text = "Die Kantonspolizei Bern sperrte die A6; Hilfe kam aus Mali und Niger."
    assert [v for v, _ in _values(text, "organisation")] == ["Kantonspolizei Bern"]
    assert [v for v, _ in _values(text, "place")] == ["A6", "Mali", "Niger"]
    assert _found("Das Jugendamt Kinder betreut.", "organisation")[0].value == "Jugendamt"
