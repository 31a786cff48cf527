"""Amounts of money with their purpose and dates of events in a sentence.

Money: a number, an optional scale and a currency (``600.000 Euro``, ``1,5 Millionen Euro``,
``€ 200``); ``value`` in euros, ``role`` what follows ``für``, the noun linked to the
amount (``Kosten von …``, ``kostet``, ``in Höhe von``, ``stieg auf``) or the nearest noun
naming a purpose. Dates: a day with a month name or number, an optional year and time
(``am 12. März 2026 um 18 Uhr``); without a year, the year of publication (the next one
for a month long past); ``role`` the nearest event noun; date lines are no events.
"""

from __future__ import annotations

import re

from archive.indexes.topics import vocabulary as v
from archive.indexes.topics.common import ADJECTIVE_END, ARTICLES, Entity, span
from archive.indexes.topics.text import Sentence, Token
from crawler.dates import MONTHS, make_date

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
            if t.capitalised or t.text in ("und", "-") or t.text.casefold() in ARTICLES:
                words.append(t)
            elif t.word and t.text.endswith(ADJECTIVE_END) and not words:
                words.append(t)
            else:
                break
        while words and not words[-1].capitalised:
            words.pop()
        if words:
            return span(s, words[0], words[-1])
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
        if linked and linked[-1].capitalised and linked[-1].text.casefold() not in ARTICLES:
            return linked[-1].text
    best: tuple[int, str] | None = None
    for t in s.tokens:
        if t.capitalised and t.text.casefold().endswith(v.MONEY_PURPOSES) and len(t.text) > 3:
            distance = min(abs(t.start - end), abs(t.end - start))
            if best is None or distance < best[0]:
                best = (distance, t.text)
    return best[1] if best else None


def money(s: Sentence) -> list[Entity]:
    """The amounts of money in ``s`` with their purpose."""
    out: list[Entity] = []
    if "€" not in s.text and "EUR" not in s.text and "Euro" not in s.text:
        return out  # every amount names its currency
    for m in _MONEY.finditer(s.text):
        number = m.group("num") or m.group("num2")
        value = _amount(number, m.group("scale"))
        begin, finish = s.start + m.start(), s.start + m.end()
        role = _purpose(s, finish, begin)
        out.append(Entity("amount", m.group().strip(), value, role, s.text, begin))
    return out


_MONTH_ALT = "|".join(sorted((m for m in MONTHS if len(m) > 3), key=len, reverse=True))
#: ``day`` is ``\d{1,2}`` not after a digit or a full stop, written with its first digit
#: first: the regex then opens with a digit, and the engine skips to the digits in C
#: instead of trying the lookbehind at every position.
_DATE = re.compile(
    rf"(?P<day>\d(?<![\d.]\d)\d?)\.\s*(?:(?P<mname>{_MONTH_ALT})|(?P<mnum>\d{{1,2}})\.)"
    rf"(?:\s*(?P<year>\d{{4}}))?(?!\d)"
    rf"(?:,?\s*(?:um|ab|von)\s+(?P<hour>\d{{1,2}})(?:[.:](?P<minute>\d{{2}}))?\s*Uhr)?",
    re.IGNORECASE,
)


_DAY = re.compile(r"\d\.")
_DATE_TOKENS = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|\S")


def _event(s: Sentence) -> str | None:
    for t in s.tokens:
        if t.capitalised and t.text.casefold().endswith(v.EVENT_HEADS) and len(t.text) > 4:
            return t.text
    return None


def dates(s: Sentence, published: str | None) -> list[Entity]:
    """The dates of events in ``s`` (``published``: the year of dates without one)."""
    out: list[Entity] = []
    if _DAY.search(s.text) is None:
        return out  # every date has a day "12."
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


__all__ = ["dates", "money"]
