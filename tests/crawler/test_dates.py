from __future__ import annotations

import pytest

from crawler.dates import (
    DATE_STRENGTH,
    date_from_url,
    dateline_date,
    make_date,
    parse_any_date,
    parse_german_date,
    parse_iso_date,
    parse_rfc822_date,
    strength,
    strongest,
)
from crawler.records import DATE_SOURCES, DateCandidate


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("28.11.2025", "2025-11-28"),
        ("22.03.2024 Pressemitteilung", "2024-03-22"),
        ("30.05.23", "2023-05-30"),
        ("(20.01.17)", "2017-01-20"),
        ("1.2.99", "1999-02-01"),
        ("4.6.70", "1970-06-04"),
        ("4.6.69", "2069-06-04"),
        ("28. November 2025", "2025-11-28"),
        ("Offenbach am Main, 4. Juni 2025 – Die Stadt", "2025-06-04"),
        ("am 15. März 2026", "2026-03-15"),
        ("am 15. Maerz 2026", "2026-03-15"),
        ("3. Okt. 2024", "2024-10-03"),
        ("bis zum 5. Januar 2026, 18:00 Uhr", "2026-01-05"),
        ("Letzte Aktualisierung am 24. Juni 2020 um 14:05 Uhr", "2020-06-24"),
        ("2025-11-28", "2025-11-28"),
        ("erst 1. Mai 2024, dann 02.03.2025", "2024-05-01"),  # first in text wins
    ],
)
def test_parse_german_date(text: str, expected: str) -> None:
    assert parse_german_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "am Dienstag (4. November)",
        "31.02.2025",
        "Version 1.2.3.4",
        "November 2025",
        "600.000 Euro",
        "32.01.2025",
    ],
)
def test_parse_german_date_rejects(text: str | None) -> None:
    assert parse_german_date(text) is None


def test_iso_keeps_local_date() -> None:
    assert parse_iso_date("2025-11-28T09:30:00+01:00") == "2025-11-28"
    assert parse_iso_date("2025-01-14T00:30:00+01:00") == "2025-01-14"  # UTC would be the 13th
    assert parse_iso_date("2024-10-08T23:30:00+02:00") == "2024-10-08"
    assert parse_iso_date("2025-11-28") == "2025-11-28"
    assert parse_iso_date("2025-13-01") is None
    assert parse_iso_date("heute") is None


def test_rfc822() -> None:
    assert parse_rfc822_date("Fri, 26 Jul 2024 10:10:04 +0200") == "2024-07-26"
    assert parse_rfc822_date("Tue, 14 Jan 2025 00:30:00 +0100") == "2025-01-14"
    assert parse_rfc822_date("26 Jul 2024 23:59:00 GMT") == "2024-07-26"
    assert parse_rfc822_date("kein Datum") is None
    assert parse_rfc822_date("") is None


def test_parse_any_date() -> None:
    assert parse_any_date("2025-11-28T09:30:00+01:00") == "2025-11-28"
    assert parse_any_date("28.11.2025") == "2025-11-28"
    assert parse_any_date("Fri, 28 Nov 2025 09:30:00 +0100") == "2025-11-28"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.ruesselsheim.test/presse/2025/2025-11-28-euro-fuer-vielfalt", "2025-11-28"),
        ("http://www.ruesselsheim.test/presse/2025/2025-03-19_stadtbuecherei", "2025-03-19"),
        (
            "http://www.ruesselsheim.test/presse/2025/2025-03-19_stadtbuecherei/index.php",
            "2025-03-19",
        ),
        (
            "https://www.offenbach.de/presse/pressemeldungen/pressemeldungen-november/"
            "pressemeldungen-KW47/stadt-informiert20.11.2024.php",
            "2024-11-20",
        ),
        ("https://example.org/news/2024/07/26/slug", "2024-07-26"),
        ("http://www.ruesselsheim.test/presse/2024/haushaltssicherungskonzept-vorgelegt", None),
        ("http://www.ruesselsheim.test/presse/kommunalwahl-am-15.maerz-2026-wahlhelfer", None),
        ("http://www.ruesselsheim.test/presseinformationen/pressemeldungen/5123.html", None),
        ("http://www.ruesselsheim.test/presse/2025/2025-02-30-kein-tag", None),
        ("http://x/?date=2025-11-28", None),
        ("", None),
    ],
)
def test_date_from_url(url: str, expected: str | None) -> None:
    assert date_from_url(url) == expected


def test_dateline() -> None:
    assert dateline_date("Offenbach am Main, 4. Juni 2025 – Die Stadt lädt ein") == "2025-06-04"
    assert dateline_date("KREIS GROSS-GERAU, 12.03.2024 – Der Kreis") == "2024-03-12"
    assert dateline_date("Die Stadt lädt am 4. Juni 2025 ein.") is None
    assert dateline_date(None) is None


def test_make_date_two_digit_years() -> None:
    assert make_date(23, 5, 30) == "2023-05-30"
    assert make_date(70, 1, 1) == "1970-01-01"
    assert make_date(2025, 2, 29) is None


def test_strongest_prefers_metadata_then_url_then_text() -> None:
    text = DateCandidate("2025-01-01", "text")
    url = DateCandidate("2025-01-02", "url")
    meta = DateCandidate("2025-01-03", "metadata")
    assert strongest([text, url, meta]) == meta
    assert strongest([text, url]) == url
    assert strongest([text]) == text
    assert strongest([]) is None
    first_meta = DateCandidate("2025-01-04", "metadata", "first")
    assert strongest([first_meta, meta]) == first_meta


def test_date_strength_is_the_documented_order() -> None:
    """``DATE_STRENGTH`` (data) orders the sources as ``DATE_SOURCES`` lists them, strongest
    first, and no date at all is weaker than any source."""
    assert sorted(DATE_STRENGTH, key=strength, reverse=True) == list(DATE_SOURCES)
    assert len(set(DATE_STRENGTH.values())) == len(DATE_SOURCES)
    assert strength(None) == strength("unknown") < min(DATE_STRENGTH.values())
    metadata, text = DateCandidate("2025-09-16", "metadata"), DateCandidate("2026-03-15", "text")
    assert strongest([text, metadata]) is metadata
