"""Date parsing for German municipal pages: every function returns ``YYYY-MM-DD`` or None.

Sources of a publication date, strongest first (``crawler.records.DATE_SOURCES``):
``metadata`` (page metadata) > ``url`` (date in the path) > ``text`` (date line, dateline) >
``feed`` (RSS pubDate) > ``teaser`` (a teaser date on another page). The extractor reports the
first three; the crawler adds the last two as hints.

Dates are the *local* date a reader sees: a timestamp with an offset keeps the date as written
(``2025-11-28T23:30:00+01:00`` is ``2025-11-28``, never converted to UTC); a UTC timestamp
(``Z`` or ``+00:00``) is converted to Europe/Berlin (``2025-06-03T22:30:00Z`` is ``2025-06-04``).
Two-digit years below 70 are 20xx, the rest 19xx. Dates without a year
("am Dienstag (4. November)") are not dates here.

Choosing ``published`` (:func:`choose`): the first candidate of the strongest source present
(``metadata`` > ``url`` > ``text``; within a source, page order of discovery: Sitepark
application-name, JSON-LD, ``article:*``/Dublin Core metas, microdata, ``<time datetime>``).
``modified`` never competes. A page whose published candidates name more than one distinct day
is flagged ``date_conflict``.

The same order, as numbers (:data:`DATE_STRENGTH`), decides between extractions of one page
over time: the archive never replaces a stored date with one from a weaker source
(``archive/store/dates.py``).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from email.utils import parsedate_tz
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from crawler.records import DateCandidate

logger = logging.getLogger(__name__)

MONTHS: dict[str, int] = {
    "januar": 1, "jänner": 1, "jaenner": 1, "jan": 1,
    "februar": 2, "feber": 2, "feb": 2,
    "märz": 3, "maerz": 3, "marz": 3, "mär": 3, "mrz": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mai": 5,
    "juni": 6, "jun": 6,
    "juli": 7, "jul": 7,
    "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "okt": 10,
    "november": 11, "nov": 11,
    "dezember": 12, "dez": 12,
}  # fmt: skip
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))

_NUMERIC = re.compile(r"(?<![\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4}|\d{2})(?![\d])")
_NAMED = re.compile(rf"(?<!\d)(\d{{1,2}})\.?\s*({_MONTH_ALT})\.?\s+(\d{{4}})(?!\d)", re.IGNORECASE)
#: a text that is one date and nothing else, ``28.11.2025`` or ``4. Juni 2025`` (ASCII digits,
#: a month name without punctuation): :func:`parse_german_date`'s patterns read it the same way
_SIMPLE_DATE = re.compile(r"([0-9]{1,2})\.(?:([0-9]{1,2})\.| ([A-Za-zÄÖÜäöü]+) )([0-9]{4})")
_DIGIT = re.compile(r"\d")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_ISO_START = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T\s_])")
_ISO_UTC = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:[.,]\d+)?)?"
    r"\s*(?:Z|[+-]00:?00)\s*$",
    re.I,
)
LOCAL_TZ = ZoneInfo("Europe/Berlin")
_URL_PATTERNS = (
    re.compile(r"/(\d{4})-(\d{2})-(\d{2})(?=[-_/.]|$)"),  # /2025-11-28-slug, /2025-03-19_slug
    re.compile(r"/(\d{4})/(\d{2})/(\d{2})(?=/|$)"),  # /2025/11/28/slug
    # slug20.11.2024.php
    re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})\.(?:php|html?|aspx?)$"),
)
#: "Offenbach am Main, 4. Juni 2025 –", "KREIS GROSS-GERAU, 4.6.2025 –", "Rüsselsheim (4.6.2025) -"
_DATELINE = re.compile(
    r"^\s*[A-ZÄÖÜ][\wÄÖÜäöüß .'/()-]{0,60}?[,(]\s*"
    rf"(?P<date>\d{{1,2}}\.\s?(?:\d{{1,2}}\.\s?\d{{2,4}}|\s*(?:{_MONTH_ALT})\.?\s+\d{{4}}))"
    r"\)?\s*[–—-]",
    re.IGNORECASE,
)

#: a release's own date line opening its text: "Pressemitteilung vom 3. März 2026",
#: "Presseinformation Nr. 12/2026 vom 03.03.2026"
_RELEASE_DATELINE = re.compile(
    r"^\s*(?:Pressemitteilung|Presseinformation|Pressemeldung|Medieninformation|"
    r"Pressemitteilung der Stadt [^,.:]{1,40})(?: Nr\.? [\d/.-]{1,12})? vom\s+"
    rf"(?P<date>\d{{1,2}}\.\s?(?:\d{{1,2}}\.\s?\d{{2,4}}|\s*(?:{_MONTH_ALT})\.?\s+\d{{4}}))",
    re.IGNORECASE,
)


def make_date(year: int, month: int, day: int) -> str | None:
    """``YYYY-MM-DD`` if the three numbers form a real calendar date, else None."""
    if year < 100:
        year += 2000 if year < 70 else 1900
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_german_date(text: str | None) -> str | None:
    """The first German date in ``text``: ``28.11.2025``, ``30.05.23``, ``28. November 2025``,
    ``4. Juni 2025``, ``15. Maerz 2026``; a leading ISO date (``2025-11-28``) is accepted too."""
    if not text:
        return None
    simple = _SIMPLE_DATE.fullmatch(text)
    if simple is not None:  # the whole text is one date, as most date lines are
        day, number, name, year = simple.groups()
        month = int(number) if number is not None else MONTHS.get(name.lower())
        value = make_date(int(year), month, int(day)) if month else None
        if value:
            return value
    if _DIGIT.search(text) is None:  # every form below holds a digit
        return None
    iso = parse_iso_date(text)
    if iso:
        return iso
    found: list[tuple[int, str]] = []
    for pattern, named in ((_NUMERIC, False), (_NAMED, True)):
        for match in pattern.finditer(text):
            day, month_text, year = match.groups()
            month = MONTHS[month_text.lower()] if named else int(month_text)
            value = make_date(int(year), month, int(day))
            if value:
                found.append((match.start(), value))
                break
    return min(found)[1] if found else None


def parse_iso_date(text: str | None) -> str | None:
    """Local date of an ISO 8601 timestamp: ``2025-11-28T23:30:00+01:00`` → 2025-11-28 (as
    written); ``2025-06-03T22:30:00Z`` → 2025-06-04 (UTC converted to Europe/Berlin)."""
    if not text:
        return None
    utc = _ISO_UTC.match(text)
    if utc:
        year, month, day, hour, minute = (int(g) for g in utc.groups())
        try:
            stamp = dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)
        except ValueError:
            return None
        return stamp.astimezone(LOCAL_TZ).date().isoformat()
    match = _ISO_START.match(text)
    if not match:
        return None
    return make_date(*(int(g) for g in match.groups()))


def parse_rfc822_date(text: str | None) -> str | None:
    """Local date of an RFC 822 date (``Fri, 26 Jul 2024 10:10:04 +0200`` → 2024-07-26)."""
    if not text:
        return None
    try:
        parts = parsedate_tz(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if not parts:
        return None
    year, month, day = parts[0], parts[1], parts[2]
    return make_date(year, month, day)


def parse_any_date(text: str | None) -> str | None:
    """ISO, then German, then RFC 822."""
    return parse_iso_date(text) or parse_german_date(text) or parse_rfc822_date(text)


def date_from_url(url: str | None) -> str | None:
    """A date written in the URL path: ``/2025-11-28-slug``, ``/2025-03-19_slug``,
    ``/2025/11/28/slug``, ``slug20.11.2024.php``. A bare year (``/presse/2024/``) is no date."""
    if not url:
        return None
    try:
        path = unquote(urlsplit(url).path)
    except ValueError:
        return None
    for index, pattern in enumerate(_URL_PATTERNS):
        match = pattern.search(path)
        if not match:
            continue
        a, b, c = (int(g) for g in match.groups())
        value = make_date(c, b, a) if index == 2 else make_date(a, b, c)
        if value:
            return value
    return None


def dateline_date(text: str | None) -> str | None:
    """Date of a dateline opening a paragraph ("Offenbach am Main, 4. Juni 2025 – …",
    "Pressemitteilung vom 3. März 2026")."""
    if not text:
        return None
    head = text[:120]
    if head.lstrip()[:1] in "PpMm":
        release = _RELEASE_DATELINE.match(head)
        if release:
            return parse_german_date(release.group("date"))
    if "," not in head and "(" not in head:  # a dateline's place ends at one of them
        return None
    match = _DATELINE.match(head)
    return parse_german_date(match.group("date")) if match else None


#: "KREIS GROSS-GERAU –", "FRANKFURT (ffm) –": an uppercase place opening a paragraph, no date
_UPPER_DATELINE = re.compile(
    r"^\s*(?P<place>[A-ZÄÖÜ][A-ZÄÖÜß./ -]{2,60}?)\s*(?:\([^)]{1,20}\)\s*)?[–—]\s"
)


def dateline_place(text: str | None) -> str | None:
    """The place of an uppercase dateline without a date ("KREIS GROSS-GERAU – Der Kreis …");
    the date of such a release stands elsewhere on the page (a date line, metadata)."""
    if not text:
        return None
    match = _UPPER_DATELINE.match(text[:80])
    if not match or sum(ch.isalpha() for ch in match.group("place")) < 3:
        return None
    return match.group("place").strip()


#: How far each source of a published date is trusted, higher is stronger: the order of
#: ``DATE_SOURCES`` as data. A source not listed (``None``: no date) is weaker than all.
DATE_STRENGTH: dict[str, int] = {"metadata": 5, "url": 4, "text": 3, "feed": 2, "teaser": 1}


def strength(source: str | None) -> int:
    """:data:`DATE_STRENGTH` of ``source``; 0 for an unknown source or none."""
    return DATE_STRENGTH.get(source or "", 0)


def choose(candidates: Iterable[DateCandidate]) -> tuple[DateCandidate | None, bool]:
    """``published`` by the documented rule (:func:`strongest`) and whether the candidates
    disagree (more than one distinct day among them)."""
    found = list(candidates)
    return strongest(found), len({c.value for c in found}) > 1


def strongest(candidates: Iterable[DateCandidate]) -> DateCandidate | None:
    """The first candidate of the strongest source present (order of ``DATE_SOURCES``)."""
    best: DateCandidate | None = None
    for candidate in candidates:
        rank = _rank(candidate.source)
        if best is None or rank < _rank(best.source):
            best = candidate
    return best


def _rank(source: str) -> int:
    return -strength(source)


# --- page metadata -------------------------------------------------------------------------------
