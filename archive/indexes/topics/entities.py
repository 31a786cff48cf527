"""Entities of a release by rules and word lists: people with their office, organisations
and offices of the administration, places, amounts of money with their purpose, dates of
events. No model, no download: the words are in :mod:`archive.indexes.topics.vocabulary`.

Rules, each on one sentence (people and organisations here, places in
:mod:`archive.indexes.topics.places`, money and dates in :mod:`archive.indexes.topics.amounts`,
shared word tests in :mod:`archive.indexes.topics.common`):

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
- **amount**: a number, an optional scale and a currency (``600.000 Euro``, ``1,5 Millionen
  Euro``, ``€ 200``); ``value`` in euros, ``role`` what follows ``für`` or the nearest noun
  naming a purpose (:data:`MONEY_PURPOSES`).
- **date**: a day with a month name or number and an optional year and time (``am 12. März
  2026 um 18 Uhr``); without a year, the year of publication; ``role`` the nearest event noun.
"""

from __future__ import annotations

import re
from functools import lru_cache
from operator import itemgetter

from archive.indexes.german import stem, words
from archive.indexes.topics import vocabulary as v
from archive.indexes.topics.amounts import dates, money
from archive.indexes.topics.common import (
    ADJECTIVE_END,
    ARTICLES,
    Entity,
    entity,
    is_office,
    nounish,
    place_suffix,
    span,
)
from archive.indexes.topics.places import places
from archive.indexes.topics.text import WORD_CACHE, Sentence, Token, page_sentences, starts

#: The kinds of entity, and what each means (the data package's dictionary says so too).
KIND_MEANINGS = {
    "person": "a person, with the office they hold in role",
    "organisation": "an organisation or an office of the administration",
    "place": "a place: the city, a district, a street, a building",
    "amount": "an amount of money, with what it is for in role",
    "date": "the date of an event the release announces",
}
KINDS = tuple(KIND_MEANINGS)


@lru_cache(maxsize=WORD_CACHE)
def _name_text(text: str) -> bool:
    """Whether ``text`` can be a word of a person's name."""
    return (
        text[:1].isupper()
        and text[:1].isalpha()
        and len(text) > 1
        and text not in v.NOT_NAMES
        and not is_office(text)
        and not nounish(text)
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
    while k < len(toks) and k - j < most and _name_text(toks[k].text):
        k += 1
    return k


#: The academic titles a rule of :func:`_people` opens a name with (``Dr. Jana Ott``).
_NAME_TITLES = frozenset({"Dr", "Prof"})


def _anchored(texts: tuple[str, ...]) -> bool:
    """Whether ``texts`` holds a word every person of :func:`_people` needs: an office
    (``Bürgermeisterin …``, ``…, Präsidentin des …``) or a title opening a name. Few
    sentences do (1 in 75 of the German dev pages), so the others skip the name-word loop."""
    return not _NAME_TITLES.isdisjoint(texts) or any(map(is_office, texts))


def _comma_office(texts: tuple[str, ...]) -> bool:
    """Whether a comma is followed by an office (``Sabine Riewenherm, Präsidentin``): the
    only way :func:`_people` finds a person whose name no office or title opens."""
    return "," in texts and any(
        is_office(after) for comma, after in zip(texts[:-1], texts[1:], strict=True) if comma == ","
    )


@lru_cache(maxsize=WORD_CACHE)
def _opens_person(word: str) -> bool:
    """Whether ``word`` is an office or an academic title: where :func:`_people` can find
    a person in a sentence without a comma before an office."""
    return is_office(word) or word in _NAME_TITLES


_TEXT = itemgetter(0)  # Token.text


def _people(s: Sentence) -> list[Entity]:
    toks = s.tokens
    texts = tuple(map(_TEXT, toks))
    if not _anchored(texts):
        return []
    # a name word alone opens a person only before ", <office>": without such a comma, only
    # offices and titles are tried (the name words would find nobody)
    found = starts(toks, _may_person if _comma_office(texts) else _opens_person)
    out: list[Entity] = []
    resume = 0
    # the tokens a rule can start at, in order; after a person, those after its name
    for i in found:
        if i < resume:
            continue
        start = i
        office_end = None
        if is_office(toks[i].text):
            office_end = i + 1
            if i > 0 and toks[i - 1].text in v.OFFICE_MODIFIERS:
                start = i - 1
            j = _titles(toks, office_end)
            end = _names(toks, j)
            need = 1
        elif toks[i].text in _NAME_TITLES:
            j = _titles(toks, i)
            end = _names(toks, j)
            need = 2
        else:
            end = _names(toks, i)
            if end - i >= 2 and end + 1 < len(toks) and toks[end].text == ",":
                office = toks[end + 1]  # "Sabine Riewenherm, Präsidentin des …"
                if is_office(office.text) and _names(toks, end + 2) == end + 2:
                    name = span(s, toks[i], toks[end - 1])
                    out.append(entity("person", s, toks[i], toks[end - 1], name, office.text))
                    resume = end + 2
            continue
        if end - j >= need:
            role = span(s, toks[start], toks[office_end - 1]) if office_end else None
            name = span(s, toks[j], toks[end - 1])
            out.append(entity("person", s, toks[start], toks[end - 1], name, role))
            resume = end
    return out


@lru_cache(maxsize=WORD_CACHE)
def _may_person(word: str) -> bool:
    """Whether a rule of :func:`_people` can start at ``word`` (an office, an academic
    title, a name word)."""
    return is_office(word) or word in _NAME_TITLES or _name_text(word)


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
    return _adjective_text(token.text)


@lru_cache(maxsize=WORD_CACHE)
def _adjective_text(text: str) -> bool:
    return (
        text[:1].isupper()
        and text[:1].isalpha()
        and text.casefold().endswith(ADJECTIVE_END)
        and text not in v.NOT_NAMES
        and text.casefold() not in ARTICLES
        and not is_office(text)
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


_ACRONYM = re.compile(r"[A-ZÄÖÜ](?:[A-ZÄÖÜa-zäöü]){1,5}")


def _acronym_word(word: str) -> bool:
    """Whether ``word`` is written like an abbreviation of a name (``BMZ``, ``BfN``)."""
    if not _ACRONYM.fullmatch(word) or sum(c.isupper() for c in word) < 2:
        return False
    return word not in v.NOT_ACRONYMS


def _acronym(toks: tuple[Token, ...], i: int) -> bool:
    """An abbreviation naming an organisation: two or more capitals, after an article
    (``das BMZ``, ``der BWE``) or alone in parentheses (``(DIW)``)."""
    if not _acronym_word(toks[i].text):
        return False
    after_article = i > 0 and toks[i - 1].text.casefold() in (
        "der",
        "die",
        "das",
        "des",
        "dem",
        "den",
    )
    in_parens = 0 < i < len(toks) - 1 and toks[i - 1].text == "(" and toks[i + 1].text == ")"
    return after_article or in_parens


def _place_name(toks: tuple[Token, ...], j: int) -> bool:
    """Whether ``toks[j]`` is a place name closing an organisation's name: capitalised, no
    common noun, and the phrase ends there."""
    if j >= len(toks) or not _place_word(toks[j].text):
        return False
    return not (j + 1 < len(toks) and toks[j + 1].capitalised)


@lru_cache(maxsize=WORD_CACHE)
def _place_word(word: str) -> bool:
    """The word tests of :func:`_place_name`."""
    if not (word[:1].isupper() and word[:1].isalpha()) or word in v.NOT_NAMES:
        return False
    if word.casefold() in v.STOP_FOLDED or nounish(word) or is_office(word):
        return False
    known = word in v.REGIONS or word in v.COUNTRIES or place_suffix(word)
    return known or not word.casefold().endswith(("e", "en", "er", "es", "s"))


_LEGAL_ENDS = ("GmbH", "AG", "gGmbH", "e", "mbH")


@lru_cache(maxsize=WORD_CACHE)
def _may_organisation(word: str) -> bool:
    """Whether a rule of :func:`_organisations` can start at ``word`` (a legal form, an
    acronym, an organisation head)."""
    if word in _LEGAL_ENDS or _acronym_word(word):
        return True
    return _org_head(word) is not None and not is_office(word)


def _organisations(s: Sentence, aliases: dict[str, str]) -> list[Entity]:
    """Organisations of ``s``; ``aliases`` (acronym → name, per page) learns from
    ``Name (ACR)`` and names the later ``das ACR``."""
    toks, out, resume = s.tokens, [], 0
    # the tokens a rule can start at, in order; after an organisation, those after it
    for i in starts(toks, _may_organisation):
        if i < resume:
            continue
        word = toks[i].text
        if word in _LEGAL_ENDS and i > 0:
            if word == "e" and not (i + 3 < len(toks) and toks[i + 1].text == "."):
                continue
            start = i
            while (
                start > 0 and i - start < 4 and toks[start - 1].capitalised
                and toks[start - 1].text.casefold() not in ARTICLES
            ):  # fmt: skip
                start -= 1
            if start < i:
                last = i + 3 if word == "e" else i
                last = min(last, len(toks) - 1)
                text = span(s, toks[start], toks[last])
                out.append(entity("organisation", s, toks[start], toks[last], text, None))
                resume = last + 1
                continue
        if _acronym(toks, i):
            before = out[-1] if out else None
            if toks[i - 1].text == "(" and before and before.position + len(before.text) in (
                toks[i - 1].start, toks[i - 1].start - 1,
            ):  # fmt: skip
                aliases[word] = before.value  # "Bundesamt für Naturschutz (BfN)": a name
            else:
                value = aliases.get(word, word)
                out.append(entity("organisation", s, toks[i], toks[i], value, None))
            continue
        head = _org_head(word)
        if head is None or is_office(word):
            continue
        start = i - 1 if i > 0 and _adjective(toks[i - 1]) else i
        if i > 2 and toks[i - 1].text == "und" and toks[i - 2].text == "-":
            start = i - 3  # "Wasserstraßen- und Schiffahrtsamt"
        end = i + 1
        base = word[: len(head)]
        if base in v.ORG_COMPLEMENT_HEADS or (i + 1 < len(toks) and toks[i + 1].text == "für"):
            end = max(_complement(toks, i + 1), i + 1)
        elif end == i + 1 and _place_name(toks, i + 1):
            end = i + 2  # "Kantonspolizei Bern", "Berufsfeuerwehr Biel"
        generic = head in v.ORG_GENERIC
        if generic and start == i and end == i + 1:
            continue
        pre = span(s, toks[start], toks[i - 1]) if start < i else ""
        post = span(s, toks[i + 1], toks[end - 1]) if end > i + 1 else ""
        value = " ".join(x for x in (pre, base, post) if x)
        out.append(entity("organisation", s, toks[start], toks[end - 1], value, None))
        resume = end
    return out


_TAKEN = b"\x01"


def _longest_first(e: Entity) -> int:
    return -len(e.text)


@lru_cache(maxsize=WORD_CACHE)
def entity_key(kind: str, value: str) -> str:
    """What counts an entity together across pages: organisations and places by the stems
    of their words (``Interkulturellen Büro`` = ``Interkulturelles Büro``), people
    case-folded, amounts and dates as they are. Cached (bounded): a source names the same
    offices, streets and people on most of its pages."""
    if kind in ("organisation", "place"):
        return " ".join(map(stem, words(value)))
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
    aliases: dict[str, str] = {}
    for s in page_sentences(title, lead, body, captions):
        people = _people(s)
        orgs = _organisations(s, aliases)
        orgs.sort(key=_longest_first)
        # the characters of the sentence taken by a person or an organisation (theirs are
        # spans of the sentence, entity()); a byte each: marked and tested in C
        taken = bytearray(len(s.text))
        for e in [*people, *orgs, *places(s, city), *money(s), *dates(s, published)]:
            at = e.position - s.start
            if e.kind in ("person", "organisation"):
                if taken.find(1, at, at + len(e.text)) != -1:
                    continue
                taken[at : at + len(e.text)] = _TAKEN * len(e.text)
            elif e.kind == "place" and 0 <= at < len(taken) and taken[at]:
                continue
            found.setdefault((e.kind, e.position), e)
    return sorted(found.values(), key=lambda e: (e.position, e.kind))


__all__ = ["KINDS", "Entity", "entity_key", "extract"]
