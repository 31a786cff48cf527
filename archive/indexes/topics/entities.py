"""Entities of a release by rules and word lists: people with their office, organisations
and offices of the administration, places, amounts of money with their purpose, dates of
events. No model, no download: the words are in :mod:`archive.indexes.topics.vocabulary`.

Rules, each on one sentence:

- **person**: an office title (a word ending in an office head, :data:`OFFICE_HEADS`, with
  its modifier ``Erste``…) followed by optional academic titles and one to three capitalised
  name words that are no common nouns (``Oberbürgermeisterin Dr. Katrin Albers``); or an
  academic title and two name words (``Dr. Jana Ott``). ``value`` is the name without
  titles, ``role`` the office.
- **organisation**: a word ending in an organisation head (``Jugendamt``, ``Bürgerbüro``),
  with a preceding adjective (``Interkulturelles Büro``) and a complement for heads that take
  one (``Fachbereich Soziales``, ``Amt für Soziales und Jugend``); generic heads (``Amt``,
  ``Verein``) only with one of those; names ending in a legal form (``… GmbH``, ``… e.V.``).
- **place**: street words (``Waldstraße``, ``Frankfurter Straße 12``), the source's city,
  states, and a capitalised word after a place cue (``Stadtteil Haßloch``, ``Land Hessen``)
  or after ``in``/``im``/``aus`` when it ends like a place name (``in Königstädten``).
- **money**: a number, an optional scale and a currency (``600.000 Euro``, ``1,5 Millionen
  Euro``, ``€ 200``); ``value`` in euros, ``role`` what follows ``für`` or the nearest noun
  naming a purpose (:data:`MONEY_PURPOSES`).
- **date**: a day with a month name or number and an optional year and time (``am 12. März
  2026 um 18 Uhr``); without a year, the year of publication; ``role`` the nearest event noun.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.indexes.german import stem, words
from archive.indexes.topics import vocabulary as v
from archive.indexes.topics.text import Sentence, Token, page_text, sentences
from crawler.dates import MONTHS, dateline_place, make_date

KINDS = ("person", "organisation", "place", "money", "date")


@dataclass(frozen=True)
class Entity:
    """One mention: kind, text as written, normalised value, role, sentence, offset."""

    kind: str
    text: str
    value: str
    role: str | None
    sentence: str
    position: int
    #: a date's time of day (``18:00``), else None
    time: str | None = None


def _is_office(word: str) -> bool:
    if word in v.OFFICE_WORDS:
        return True
    if not word[:1].isupper():
        return False
    low = word.casefold()
    low = low[:-2] if low.endswith("in") and not low.endswith(("rätin", "kämmerin")) else low
    return low.endswith(v.OFFICE_HEADS)


def _nounish(word: str) -> bool:
    return word.casefold().endswith(v.NOUN_SUFFIXES) and len(word) > 5


def _name_word(token: Token) -> bool:
    text = token.text
    return (
        token.capitalised
        and len(text) > 1
        and text not in v.NOT_NAMES
        and not _is_office(text)
        and not _nounish(text)
        and not text.isupper()
    )


def _titles(toks: tuple[Token, ...], j: int) -> int:
    """Skip academic titles (``Dr.``, ``Prof. Dr.``) starting at ``j``."""
    while (
        j + 1 < len(toks)
        and toks[j].text in ("Dr", "Prof", "med", "Dipl")
        and (toks[j + 1].text == ".")
    ):
        j += 2
        if j + 1 < len(toks) and toks[j].text == "-" and toks[j + 1].text == "Ing":
            j += 3 if j + 2 < len(toks) and toks[j + 2].text == "." else 2
    return j


def _names(toks: tuple[Token, ...], j: int, most: int = 3) -> int:
    k = j
    while k < len(toks) and k - j < most and _name_word(toks[k]):
        k += 1
    return k


def _people(s: Sentence) -> list[Entity]:
    toks, out, i = s.tokens, [], 0
    while i < len(toks):
        start = i
        office_end = None
        if _is_office(toks[i].text):
            office_end = i + 1
            if i > 0 and toks[i - 1].text in v.OFFICE_MODIFIERS:
                start = i - 1
            j = _titles(toks, office_end)
            end = _names(toks, j)
            need = 1
        elif toks[i].text in ("Dr", "Prof"):
            j = _titles(toks, i)
            end = _names(toks, j)
            need = 2
        else:
            end = _names(toks, i)
            if end - i >= 2 and end + 1 < len(toks) and toks[end].text == ",":
                office = toks[end + 1]  # "Sabine Riewenherm, Präsidentin des …"
                if _is_office(office.text) and _names(toks, end + 2) == end + 2:
                    name = _span(s, toks[i], toks[end - 1])
                    out.append(_entity("person", s, toks[i], toks[end - 1], name, office.text))
                    i = end + 2
                    continue
            i += 1
            continue
        if end - j >= need:
            role = _span(s, toks[start], toks[office_end - 1]) if office_end else None
            name = _span(s, toks[j], toks[end - 1])
            out.append(_entity("person", s, toks[start], toks[end - 1], name, role))
            i = end
        else:
            i += 1
    return out


def _span(s: Sentence, first: Token, last: Token) -> str:
    return s.text[first.start - s.start : last.end - s.start]


def _entity(
    kind: str, s: Sentence, first: Token, last: Token, value: str, role: str | None
) -> Entity:
    return Entity(kind, _span(s, first, last), value, role, s.text, first.start)


_ADJECTIVE_END = ("e", "en", "es", "er", "em")
_ARTICLES = frozenset(
    "der die das den dem des ein eine einer eines einem einen im am zum zur".split()
)


def _org_head(word: str) -> str | None:
    """The organisation head ``word`` ends with (genitive ``-s`` allowed), or None."""
    if not word[:1].isupper() or word in v.NOT_ORGS:
        return None
    low = word.casefold()
    for form in (
        low,
        low[:-1] if low.endswith("s") else "",
        low[:-2] if low.endswith("es") else "",
    ):
        if form and form.endswith(v.ORG_HEADS) and word[: len(form)] not in v.NOT_ORGS:
            return form
    return None


def _adjective(token: Token) -> bool:
    return (
        token.capitalised
        and token.text.casefold().endswith(_ADJECTIVE_END)
        and token.text not in v.NOT_NAMES
        and token.text.casefold() not in _ARTICLES
        and not _is_office(token.text)
    )


def _complement(toks: tuple[Token, ...], k: int) -> int:
    """End of the complement of an organisation head ending before ``k``."""
    j = k
    if j < len(toks) and toks[j].text == "für":
        j += 1
    end = k
    while j < len(toks) and toks[j].capitalised and toks[j].text not in v.NOT_NAMES:
        end = j + 1
        if j + 2 < len(toks) and toks[j + 1].text in ("und", ",") and toks[j + 2].capitalised:
            j += 2
        else:
            j += 1
    return end if end > k and (toks[k].text == "für" or end - k <= 4) else k


def _organisations(s: Sentence) -> list[Entity]:
    toks, out, i = s.tokens, [], 0
    while i < len(toks):
        word = toks[i].text
        if word in ("GmbH", "AG", "gGmbH", "e", "mbH") and i > 0:
            if word == "e" and not (i + 3 < len(toks) and toks[i + 1].text == "."):
                i += 1
                continue
            start = i
            while (
                start > 0 and i - start < 4 and toks[start - 1].capitalised
                and toks[start - 1].text.casefold() not in _ARTICLES
            ):  # fmt: skip
                start -= 1
            if start < i:
                last = i + 3 if word == "e" else i
                last = min(last, len(toks) - 1)
                text = _span(s, toks[start], toks[last])
                out.append(_entity("organisation", s, toks[start], toks[last], text, None))
                i = last + 1
                continue
        head = _org_head(word)
        if head is None or _is_office(word):
            i += 1
            continue
        start = i - 1 if i > 0 and _adjective(toks[i - 1]) else i
        if i > 2 and toks[i - 1].text == "und" and toks[i - 2].text == "-":
            start = i - 3  # "Wasserstraßen- und Schiffahrtsamt"
        end = i + 1
        base = word[: len(head)]
        if base in v.ORG_COMPLEMENT_HEADS or (i + 1 < len(toks) and toks[i + 1].text == "für"):
            end = max(_complement(toks, i + 1), i + 1)
        generic = head in v.ORG_GENERIC
        if generic and start == i and end == i + 1:
            i += 1
            continue
        pre = _span(s, toks[start], toks[i - 1]) if start < i else ""
        post = _span(s, toks[i + 1], toks[end - 1]) if end > i + 1 else ""
        value = " ".join(x for x in (pre, base, post) if x)
        out.append(_entity("organisation", s, toks[start], toks[end - 1], value, None))
        i = end
    return out


_STREET_WORDS = frozenset("Straße Strasse Str Weg Platz Allee Ring Gasse Ufer Damm".split())


def _place_suffix(word: str) -> bool:
    low = word.casefold()
    return (
        word[:1].isupper()
        and low.endswith(v.PLACE_SUFFIXES)
        and word not in v.NOT_PLACES
        and (not _nounish(word) or low.endswith("siedlung"))
        and "-" not in word
    )


def _street(toks: tuple[Token, ...], i: int) -> bool:
    word, low = toks[i].text, toks[i].text.casefold()
    if not word[:1].isupper() or word in v.NOT_STREETS or "-" in word:
        return False
    if any(low.endswith(suf) and len(low) > len(suf) + 2 for suf in v.STREET_SUFFIXES):
        return True
    cued = (i > 0 and toks[i - 1].text in ("am", "Am")) or (
        i + 1 < len(toks) and toks[i + 1].text.isdigit()
    )
    return cued and any(
        low.endswith(suf) and len(low) > len(suf) + 2 for suf in v.STREET_SUFFIXES_CUED
    )


#: A dateline opening a paragraph: "Potsdam – Zum Ende …", "Offenbach am Main (ots) – …"
#: (upper-case ones: :func:`crawler.dates.dateline_place`).
_DATELINE = re.compile(
    r"(?P<place>[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?"
    r"(?: (?:am|an der|ob der|vor der|im) [A-ZÄÖÜ][a-zäöüß]+)?)\s*(?:\([^)]{1,20}\)\s*)?[–—]\s"
)


def _dateline(s: Sentence) -> list[Entity]:
    upper = dateline_place(s.text)
    if upper:
        value = upper.title() if upper.isupper() else upper
        return [Entity("place", upper, value, None, s.text, s.start)]
    match = _DATELINE.match(s.text)
    if match is None or match.group("place").split()[0] in v.NOT_NAMES:
        return []
    place = match.group("place")
    if _nounish(place.split()[0]):
        return []
    return [Entity("place", place, place, None, s.text, s.start)]


def _places(s: Sentence, city: str | None) -> list[Entity]:
    toks, out, i = s.tokens, [*_dateline(s)], 0
    city_word = city.split()[0] if city else None
    while i < len(toks):
        t = toks[i]
        start = end = i
        if _street(toks, i) or (
            t.text in _STREET_WORDS and i > 0 and toks[i - 1].capitalised
            and toks[i - 1].text.endswith("er") and toks[i - 1].text not in v.NOT_NAMES
        ):  # fmt: skip
            start = i - 1 if t.text in _STREET_WORDS else i
            if i + 1 < len(toks) and toks[i + 1].text.isdigit():
                end = i + 1
        elif city_word and t.text == city_word:
            if city and s.text[t.start - s.start :].startswith(city):
                while end + 1 < len(toks) and toks[end + 1].end - t.start <= len(city):
                    end += 1
            out.append(_entity("place", s, toks[start], toks[end], city or t.text, None))
            i = end + 1
            continue
        elif t.text in v.REGIONS or t.text in v.DISTRICT_WORDS:
            pass
        elif t.text.endswith("s") and t.text[:-1] in v.REGIONS:  # "Deutschlands"
            out.append(_entity("place", s, t, t, t.text[:-1], None))
            i += 1
            continue
        elif (
            t.text in v.PLACE_CUES and i + 1 < len(toks) and toks[i + 1].capitalised
            and toks[i + 1].text not in v.NOT_NAMES and not _nounish(toks[i + 1].text)
        ):  # fmt: skip
            start = end = i + 1
        elif t.text in ("in", "In", "im", "aus", "nach") and i + 1 < len(toks):
            if toks[i + 1].text == city_word:  # the city rule reads it next
                i += 1
                continue
            n = toks[i + 1]
            two = (
                i + 2 < len(toks) and n.capitalised and n.text.endswith("er")
                and toks[i + 2].capitalised and n.text not in v.NOT_NAMES
            )  # fmt: skip
            if two:
                start, end = i + 1, i + 2
            elif _place_suffix(n.text) and n.text not in v.NOT_AFTER_IN:
                start = end = i + 1
            else:
                i += 1
                continue
        else:
            i += 1
            continue
        text = _span(s, toks[start], toks[end])
        out.append(_entity("place", s, toks[start], toks[end], text, None))
        i = end + 1
    return out


_NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_SCALE = "|".join(re.escape(k) for k in sorted(v.MONEY_SCALES, key=len, reverse=True))
_MONEY = re.compile(
    rf"(?<![\d.,])(?P<num>{_NUMBER})\s*(?P<scale>{_SCALE})?\s*(?:Euro|EUR|€)(?!\w)"
    rf"|(?:€|EUR)\s*(?P<num2>{_NUMBER})(?![\d])"
)


def _amount(number: str, scale: str | None) -> str:
    value = float(number.replace(".", "").replace(",", "."))
    value *= v.MONEY_SCALES.get(scale or "", 1)
    return str(int(value)) if value == int(value) else f"{value:.2f}"


#: Words between a noun and its amount: ``Kosten von rund 1,2 Millionen Euro``,
#: ``Der Mittagstisch kostet 4,50 Euro``, ``Zuwendungsbescheid über 600.000 Euro``.
_AMOUNT_LINKS = frozenset("von über kostet kosten beträgt betragen belaufen belaufe".split())
_RISE_VERBS = frozenset("stieg steigt sank sinkt wuchs wächst fiel fällt beläuft".split())
_QUANTIFIERS = frozenset("rund knapp etwa ca. ca mehr als über bis zu insgesamt fast gut".split())


def _purpose(s: Sentence, end: int, start: int) -> str | None:
    """What the amount ending at ``end`` is for: ``für`` + its phrase, else the nearest
    purpose noun in the sentence."""
    after = [t for t in s.tokens if t.start >= end]
    if after and after[0].text == "für":
        words: list[Token] = []
        for t in after[1:8]:
            if t.capitalised or t.text in ("und", "-") or t.text.casefold() in _ARTICLES:
                words.append(t)
            elif t.word and t.text.endswith(_ADJECTIVE_END) and not words:
                words.append(t)
            else:
                break
        while words and not words[-1].capitalised:
            words.pop()
        if words:
            return _span(s, words[0], words[-1])
    before = [t for t in s.tokens if t.end <= start]
    while before and before[-1].text.casefold() in _QUANTIFIERS:
        before.pop()
    if len(before) > 2 and [t.text for t in before[-3:]] == ["in", "Höhe", "von"]:
        del before[-3:]  # "Sachschaden in Höhe von rund 5000 Euro"
        if before and before[-1].capitalised:
            return before[-1].text
    if len(before) > 1 and before[-1].text == "auf" and before[-2].text in _RISE_VERBS:
        del before[-2:]  # "das Volumen stieg auf 1.437.800 Euro"
        nouns = [t for t in before if t.capitalised]
        if nouns:
            return nouns[-1].text
    if before and before[-1].text.casefold() in _AMOUNT_LINKS:
        linked = [t for t in before[:-1] if t.text not in ("sich", "auf")]
        if linked and linked[-1].capitalised and linked[-1].text.casefold() not in _ARTICLES:
            return linked[-1].text
    best: tuple[int, str] | None = None
    for t in s.tokens:
        if t.capitalised and t.text.casefold().endswith(v.MONEY_PURPOSES) and len(t.text) > 3:
            distance = min(abs(t.start - end), abs(t.end - start))
            if best is None or distance < best[0]:
                best = (distance, t.text)
    return best[1] if best else None


def _money(s: Sentence) -> list[Entity]:
    out = []
    for m in _MONEY.finditer(s.text):
        number = m.group("num") or m.group("num2")
        value = _amount(number, m.group("scale"))
        begin, finish = s.start + m.start(), s.start + m.end()
        role = _purpose(s, finish, begin)
        out.append(Entity("money", m.group().strip(), value, role, s.text, begin))
    return out


_MONTH_ALT = "|".join(sorted((m for m in MONTHS if len(m) > 3), key=len, reverse=True))
_DATE = re.compile(
    rf"(?<![\d.])(?P<day>\d{{1,2}})\.\s*(?:(?P<mname>{_MONTH_ALT})|(?P<mnum>\d{{1,2}})\.)"
    rf"(?:\s*(?P<year>\d{{4}}))?(?!\d)"
    rf"(?:,?\s*(?:um|ab|von)\s+(?P<hour>\d{{1,2}})(?:[.:](?P<minute>\d{{2}}))?\s*Uhr)?",
    re.IGNORECASE,
)


_DATE_TOKENS = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|\S")


def _event(s: Sentence) -> str | None:
    for t in s.tokens:
        if t.capitalised and t.text.casefold().endswith(v.EVENT_HEADS) and len(t.text) > 4:
            return t.text
    return None


def _dates(s: Sentence, published: str | None) -> list[Entity]:
    out = []
    for m in _DATE.finditer(s.text):
        if m.group("mnum") and not m.group("year"):
            continue  # "12.3." without a year is too often a list number
        if len(s.tokens) - len(_DATE_TOKENS.findall(m.group())) <= 2:
            continue  # a date line ("22.03.2024 Pressemitteilung"), no event
        month = MONTHS[m.group("mname").casefold()] if m.group("mname") else int(m.group("mnum"))
        year = int(m.group("year")) if m.group("year") else _year(published, month)
        if year is None:
            continue
        value = make_date(year, month, int(m.group("day")))
        if value is None:
            continue
        time = (
            f"{int(m.group('hour')):02d}:{m.group('minute') or '00'}" if m.group("hour") else None
        )
        start = s.start + m.start()
        out.append(Entity("date", m.group(), value, _event(s), s.text, start, time))
    return out


def _year(published: str | None, month: int) -> int | None:
    """The year of a date without one: the publication's, or the next when the month is
    more than two months before the publication's."""
    if not published or len(published) < 7 or not published[:4].isdigit():
        return None
    year, pub_month = int(published[:4]), int(published[5:7])
    return year + 1 if month < pub_month - 2 else year


def entity_key(kind: str, value: str) -> str:
    """What counts an entity together across pages: organisations and places by the stems
    of their words (``Interkulturellen Büro`` = ``Interkulturelles Büro``), people
    case-folded, amounts and dates as they are."""
    if kind in ("organisation", "place"):
        return " ".join(stem(w) for w in words(value))
    if kind == "person":
        return " ".join(value.casefold().split())
    return value


def extract(
    title: str | None,
    lead: str | None,
    body: str | None,
    *,
    captions: str | None = None,
    city: str | None = None,
    published: str | None = None,
) -> list[Entity]:
    """Every entity of a release (title, lead, body, then the captions of its images: the
    people in a photo), in text order; one per (kind, position)."""
    found: dict[tuple[str, int], Entity] = {}
    for s in sentences(page_text(title, lead, body, captions)):
        people = _people(s)
        taken: set[int] = set()
        orgs = sorted(_organisations(s), key=lambda e: -len(e.text))
        for e in [*people, *orgs, *_places(s, city), *_money(s), *_dates(s, published)]:
            span = set(range(e.position, e.position + len(e.text)))
            if e.kind in ("person", "organisation") and span & taken:
                continue
            if e.kind in ("person", "organisation"):
                taken |= span
            elif e.kind == "place" and e.position in taken:
                continue
            found.setdefault((e.kind, e.position), e)
    return sorted(found.values(), key=lambda e: (e.position, e.kind))


__all__ = ["KINDS", "Entity", "entity_key", "extract"]
