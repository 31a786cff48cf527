"""Places in a sentence: streets (``Waldstraße``, ``Frankfurter Straße 12``, ``am
Mainufer``), roads (``A6``), the source's city, states and countries, a capitalised word
after a place cue (``Stadtteil Haßloch``, ``Land Hessen``) or after ``in``/``im``/``aus``
when it ends like a place name (``in Königstädten``), and datelines (``Potsdam – …``)."""

from __future__ import annotations

import re
from functools import lru_cache

from archive.indexes.topics import vocabulary as v
from archive.indexes.topics.common import Entity, entity, nounish, place_suffix, span
from archive.indexes.topics.text import WORD_CACHE, Sentence, Token, starts
from crawler.dates import dateline_place

_ROAD = re.compile(r"[ABLK]\d{1,4}")
_STREET_WORDS = frozenset("Straße Strasse Str Weg Platz Allee Ring Gasse Ufer Damm".split())


def _street(toks: tuple[Token, ...], i: int) -> bool:
    kind = _street_word(toks[i].text)
    if kind != _CUED:
        return kind == _STREET
    return (i > 0 and toks[i - 1].text in ("am", "Am")) or (
        i + 1 < len(toks) and toks[i + 1].text.isdigit()
    )


_STREET, _CUED, _NO_STREET = 2, 1, 0


def _street_word(word: str) -> int:
    """:data:`_STREET` for a street name by its ending (``Waldstraße``), :data:`_CUED` for
    one only after ``am`` or before a house number (``Marktplatz``), else :data:`_NO_STREET`."""
    if not word[:1].isupper() or word in v.NOT_STREETS or "-" in word:
        return _NO_STREET
    low = word.casefold()
    if not low.endswith(_ANY_STREET_SUFFIX):  # (most words: one test)
        return _NO_STREET
    if any(low.endswith(suf) and len(low) > len(suf) + 2 for suf in v.STREET_SUFFIXES):
        return _STREET
    if any(low.endswith(suf) and len(low) > len(suf) + 2 for suf in v.STREET_SUFFIXES_CUED):
        return _CUED
    return _NO_STREET


_ANY_STREET_SUFFIX = v.STREET_SUFFIXES + v.STREET_SUFFIXES_CUED


_IN_WORDS = ("in", "In", "im", "aus", "nach")


@lru_cache(maxsize=WORD_CACHE)
def _may_place(word: str) -> bool:
    """Whether a rule of :func:`places` but the city's can start at ``word``."""
    return bool(
        _street_word(word) != _NO_STREET
        or word in _STREET_WORDS
        or word in v.REGIONS
        or word in v.DISTRICT_WORDS
        or word in v.COUNTRIES
        or _ROAD.fullmatch(word)
        or (word.endswith("s") and (word[:-1] in v.REGIONS or word[:-1] in v.COUNTRIES))
        or word in v.PLACE_CUES
        or word in _IN_WORDS
    )


#: A dateline opening a paragraph: "Potsdam – Zum Ende …", "Offenbach am Main (ots) – …"
#: (upper-case ones: :func:`crawler.dates.dateline_place`).
_DATELINE = re.compile(
    r"(?P<place>[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?"
    r"(?: (?:am|an der|ob der|vor der|im) [A-ZÄÖÜ][a-zäöüß]+)?)\s*(?:\([^)]{1,20}\)\s*)?[–—]\s"
)


def _dateline(s: Sentence) -> list[Entity]:
    # every dateline has a dash after its place (``_DATELINE``, and the upper-case one of
    # ``dateline_place``): most sentences have none, and skip both regexes
    if "–" not in s.text and "—" not in s.text:
        return []
    upper = dateline_place(s.text)
    if upper:
        value = upper.title() if upper.isupper() else upper
        return [Entity("place", upper, value, None, s.text, s.start)]
    match = _DATELINE.match(s.text)
    if match is None or match.group("place").split()[0] in v.NOT_NAMES:
        return []
    place = match.group("place")
    if nounish(place.split()[0]):
        return []
    return [Entity("place", place, place, None, s.text, s.start)]


def places(s: Sentence, city: str | None) -> list[Entity]:
    """The places of ``s`` (``city``: the source's, matched with or without its suffix)."""
    toks, out, resume = s.tokens, [*_dateline(s)], 0
    city_word = city.split()[0] if city else None
    # the tokens a rule can start at, in order; after a place, those after it
    for i in starts(toks, _may_place, city_word):
        if i < resume:
            continue
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
            out.append(entity("place", s, toks[start], toks[end], city or t.text, None))
            resume = end + 1
            continue
        elif t.text in v.REGIONS or t.text in v.DISTRICT_WORDS or t.text in v.COUNTRIES:
            pass
        elif _ROAD.fullmatch(t.text):  # "A6", "B43": motorways, federal and state roads
            pass
        elif t.text.endswith("s") and (t.text[:-1] in v.REGIONS or t.text[:-1] in v.COUNTRIES):
            out.append(entity("place", s, t, t, t.text[:-1], None))
            continue
        elif (
            t.text in v.PLACE_CUES and i + 1 < len(toks) and toks[i + 1].capitalised
            and toks[i + 1].text not in v.NOT_NAMES and not nounish(toks[i + 1].text)
        ):  # fmt: skip
            start = end = i + 1
        elif t.text in _IN_WORDS and i + 1 < len(toks):
            if toks[i + 1].text == city_word:  # the city rule reads it next
                continue
            n = toks[i + 1]
            two = (
                i + 2 < len(toks) and n.capitalised and n.text.endswith("er")
                and toks[i + 2].capitalised and n.text not in v.NOT_NAMES
            )  # fmt: skip
            if two:
                start, end = i + 1, i + 2
            elif place_suffix(n.text) and n.text not in v.NOT_AFTER_IN:
                start = end = i + 1
            else:
                continue
        else:
            continue
        text = span(s, toks[start], toks[end])
        out.append(entity("place", s, toks[start], toks[end], text, None))
        resume = end + 1
    return out


__all__ = ["places"]
