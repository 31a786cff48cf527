"""Learned site templates, the selector side (:mod:`crawler.extract.learn`): reading a
candidate selector on a page as the extractor reads a profile selector, how far that agrees
with the generic layer's value, and choosing the best selector (or union of selector
groups) for a field. Where the candidates come from: :mod:`crawler.extract.learn_targets`."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from crawler.dates import parse_any_date, parse_german_date
from crawler.extract.body import body_blocks
from crawler.extract.index import PageIndex
from crawler.extract.learn_words import Words, token_f1, words, words_f1
from crawler.extract.profiles import outermost, select
from crawler.records import Extracted

#: share of pages on which one value must repeat to be chrome
CHROME_SHARE = 0.8
#: token F1 at which an extracted body and a selector's body agree
BODY_AGREES = 0.8
#: candidates (most frequent first) scored per field
MAX_CANDIDATES = 80
#: a selector naming ids or classes wins over a bare tag with this share of its agreement
NAMED_SHARE = 0.9
#: candidates scored per set of pages they were found on
PER_PAGE_SET = 12
#: selector groups of one field at most (one per template of the site)
MAX_GROUPS = 3
#: top candidates of a field whose pairwise unions (``a, b``) are scored too
UNION_POOL = 8
TEXT_FIELDS = ("title", "label", "lead")
#: a value not worked out yet (None is a value)
UNSET = object()
_TAG = re.compile(r"(?:^|\s)[a-z][a-z0-9]*")


@dataclass
class Doc:
    """One learning page: its tree, the generic layer's extraction, and memos of what
    scoring every candidate selector against it would otherwise work out again and again
    (all pure functions of the unchanged tree)."""

    url: str
    root: Any
    got: Extracted
    #: the decoded markup ``root`` was parsed from (to extract the tree again with a
    #: profile: :func:`crawler.extract.core.extract_parsed`)
    markup: str = ""
    matches: dict[str, list[Any]] = field(default_factory=dict)
    #: (field, the matched elements, the title's reference) → the value read from them
    values: dict[tuple[str, tuple[Any, ...], Any], Any] = field(default_factory=dict)
    #: text → its lower-cased word counts (the reference body is scored against every
    #: candidate's)
    counted: dict[str, Words] = field(default_factory=dict)
    #: href → the absolute URL (the same links are resolved for every candidate)
    urls: dict[str, str | None] = field(default_factory=dict)
    #: element → its body text blocks
    bodies: dict[Any, list[str]] = field(default_factory=dict)
    #: (text, text) → token F1
    scores: dict[tuple[str, str], float] = field(default_factory=dict)
    #: the page's element index (the one its extractions used, else built on first use):
    #: the extractor's own small CSS matcher, which gives cssselect's matches
    #: (tests/crawler/extract/test_extract_index.py) at a tenth of the XPath's cost
    #: (selectors it does not support still go to cssselect), and the memo of element texts
    index: PageIndex | None = None
    #: (element, attribute or text) → the date it gives (:meth:`date`)
    element_dates: dict[tuple[Any, bool], str | None] = field(default_factory=dict)
    #: element → its text: the index's memo once every text is in it (:meth:`text`)
    texts: dict[Any, str] | None = None

    def page_index(self) -> PageIndex:
        if self.index is None:
            self.index = PageIndex(self.root)
        return self.index

    def text(self, el: Any) -> str:
        """:func:`crawler.extract.text.element_text` of ``el``, once per page (the
        extractions of the page share the memo). Learning reads the text of nearly every
        element of a page (the targets of each field, the chrome blocks): the first call
        reads them all in one walk (:meth:`PageIndex.texts`)."""
        texts = self.texts
        if texts is None:
            texts = self.texts = self.page_index().texts()
        text = texts.get(el)
        return text if text is not None else self.page_index().text(el)  # a comment's

    def select(self, selector: str) -> list[Any]:
        found = self.matches.get(selector)
        if found is None:
            found = self.matches[selector] = select(self.root, selector, self.page_index())
        return found

    def resolve(self, href: str | None) -> str | None:
        if not href:
            return None
        found = self.urls.get(href, UNSET)
        if found is UNSET:
            found = self.urls[href] = urljoin(self.url, href.strip())
        return found  # type: ignore[return-value]

    def blocks(self, el: Any) -> list[str]:
        """The body text blocks of ``el`` (the selectors of a field match overlapping sets
        of elements: each element's are read once)."""
        found = self.bodies.get(el)
        if found is None:
            found = self.bodies[el] = body_blocks(el, set(), self.resolve)[0]
        return found

    def date(self, el: Any, attribute: bool) -> str | None:
        """The date of the first ``datetime``/``content`` attribute at or under ``el``
        that holds one (``attribute``), or the date its text gives: the date selectors of
        a page match overlapping sets of elements, each element's are read once."""
        key = (el, attribute)
        found = self.element_dates.get(key, UNSET)
        if found is UNSET:
            found = _attribute_date(el) if attribute else parse_german_date(self.text(el))
            self.element_dates[key] = found
        return found  # type: ignore[return-value]

    def words(self, text: str | None) -> Words:
        key = text or ""
        found = self.counted.get(key)
        if found is None:
            found = self.counted[key] = words(key)
        return found

    def f1(self, want: str | None, got: str | None) -> float:
        """:func:`~crawler.extract.learn_words.token_f1`, from the memo of word counts (and
        of the scores: candidates that read the same body are scored once)."""
        key = (want or "", got or "")
        found = self.scores.get(key)
        if found is None:
            found = self.scores[key] = words_f1(self.words(want), self.words(got))
        return found


def norm(text: str | None) -> str:
    return " ".join((text or "").split())


def constant(values: Sequence[str | None]) -> str | None:
    """The value repeated on at least :data:`CHROME_SHARE` of (three or more) pages."""
    present = [v for v in values if v]
    if len(values) < 3 or not present:
        return None
    value, count = Counter(present).most_common(1)[0]
    return value if count >= CHROME_SHARE * len(values) else None


# --- reading a selector as the extractor does ---------------------------------------------------


def title_value(doc: Doc, els: list[Any], ref: str | None) -> str | None:
    for el in els:
        text = doc.text(el)
        if not text:
            continue
        if ref and text != ref:  # a label inside the title is left out of it
            # the texts are normalised: taking ``inner`` out leaves len(text) - len(inner)
            # characters, of which normalising drops at most one space (where the two
            # sides meet, or at an end), so only a child of that length can leave ``ref``
            # (a big element's thousands of children are not each taken out of its text)
            for child in el.iterdescendants():
                inner = doc.text(child)
                left = len(text) - len(inner)
                if (
                    inner
                    and left - 1 <= len(ref) <= left
                    and norm(text.replace(inner, "", 1)) == ref
                ):
                    return ref
        return text
    return None


def _value(name: str, doc: Doc, selector: str, ref: Any) -> Any:
    """The value of field ``name`` that ``selector`` reads on ``doc`` (``ref``: the page's
    reference value, which only the title's reading uses). Remembered by the elements
    matched: candidates that match the same elements read the same value."""
    els = doc.select(selector)
    key = (name, tuple(els), ref if name == "title" else None)
    found = doc.values.get(key, UNSET)
    if found is UNSET:
        found = doc.values[key] = _read(name, doc, els, ref)
    return found


def _read(name: str, doc: Doc, els: list[Any], ref: Any) -> Any:
    if name == "title":
        return title_value(doc, els, ref)
    if name in TEXT_FIELDS:
        return next((t for t in map(doc.text, els) if t), None)
    if name == "body":
        blocks = [b for el in outermost(els) for b in doc.blocks(el)]
        return "\n\n".join(blocks) or None
    if name == "date":
        return _date_value(doc, els)
    if name == "images":
        found = [img for el in els for img in (el.iter("img") if el.tag != "img" else [el])]
        return {doc.resolve(img.get("src")) for img in found if img.get("src")}
    if name in ("captions", "credits"):
        return {doc.text(el) for el in els} - {""}
    # related: the links inside the boxes (files too: a profile's box keeps them)
    return {doc.resolve(a.get("href")) for el in els for a in el.iter("a") if a.get("href")}


#: the elements at or under an element with a ``datetime`` or ``content`` attribute, in
#: document order (found by libxml2: a selector matching a page's main box would otherwise
#: have every element under it asked for both in Python)
_DATED = etree.XPath("descendant-or-self::*[@datetime or @content]")


def _date_value(doc: Doc, els: list[Any]) -> str | None:
    """The first date an attribute at or under the elements gives, else the first their
    text gives (each element's read once per page: :meth:`Doc.date`)."""
    for el in els:
        value = doc.date(el, True)
        if value:
            return value
    for el in els:
        value = doc.date(el, False)
        if value:
            return value
    return None


def _attribute_date(el: Any) -> str | None:
    for node in _DATED(el):
        raw = node.get("datetime") or node.get("content")
        value = parse_any_date(raw) if raw else None
        if value:
            return value
    return None


def agreement(
    name: str, ref: Any, value: Any, f1: Callable[[str, str], float] = token_f1
) -> float | None:
    """How far ``value`` agrees with ``ref`` (0…1); None: the page does not count.
    ``f1``: token F1 of two bodies (a page's :meth:`Doc.f1` gives the same from its memo)."""
    if name in ("images", "captions", "credits", "related"):
        if not ref and not value:
            return None
        if name in ("captions", "credits"):  # a caption may carry its credit after it
            hit = {r for r in ref if any(v.startswith(r) or r in v for v in value)}
            extra = {v for v in value if not any(v.startswith(r) or r in v for r in ref)}
        else:
            hit, extra = ref & value, value - ref
        return len(hit) / (len(ref) + len(extra)) if (ref or extra) else 1.0
    if not ref:
        return None if not value else 0.0
    if name == "body":
        score = f1(ref, value)
        return score if score >= BODY_AGREES else 0.0
    return 1.0 if norm(value) == norm(ref) else 0.0


def _named(selector: str) -> bool:
    """Whether every group of ``selector`` names an id, a class or an attribute."""
    return all(sum(_specificity(group)[:2]) for group in selector.split(","))


def _net(marks: list[float | None]) -> float:
    """Agreement minus disagreement over the pages that count (a selector that finds
    something where the generic layer found nothing loses a page)."""
    return round(sum(2 * m - 1 for m in marks if m is not None), 6)


def _specificity(selector: str) -> tuple[int, int, int]:
    """CSS specificity (ids, classes and attributes, tags)."""
    ids = selector.count("#")
    classes = selector.count(".") + selector.count("[")
    tags = len(_TAG.findall(selector))
    return ids, classes, tags


@dataclass
class _Scored:
    selector: str
    marks: list[float | None]
    net: float
    rank: tuple[Any, ...]
    signature: tuple[Any, ...]
    #: the value read on each page
    values: list[Any]


def _score(name: str, docs: Sequence[Doc], refs: list[Any], selector: str) -> _Scored:
    values = [_value(name, d, selector, r) for d, r in zip(docs, refs, strict=True)]
    marks = [agreement(name, r, v, d.f1) for d, r, v in zip(docs, refs, values, strict=True)]
    net = _net(marks)
    spread = -sum(len(d.select(selector)) for d in docs)  # fewer matches: sharper
    spec = _specificity(selector)
    rank = (net, spec[0] + spec[1] > 0, spread, spec, -len(selector))
    # (what it reads on every page: str, None or a set of str, the sets in order)
    signature = tuple(tuple(sorted(v)) if isinstance(v, set) else v for v in values)
    return _Scored(selector, marks, net, rank, signature, values)


def _distinct(scored: list[_Scored]) -> list[_Scored]:
    """The best of each behaviour (what it reads on every page), up to :data:`UNION_POOL`."""
    seen: set[tuple[Any, ...]] = set()
    top: list[_Scored] = []
    for entry in scored:
        if entry.signature not in seen and len(top) < UNION_POOL:
            seen.add(entry.signature)
            top.append(entry)
    return top


def _grow(
    name: str, docs: Sequence[Doc], refs: list[Any], start: _Scored, pool: list[_Scored]
) -> _Scored:
    """``start``, or the best union of two candidates of ``pool``, joined with up to
    ``MAX_GROUPS - 2`` more, each taken only if it adds at least half a page of agreement."""
    current = start
    for i, first in enumerate(pool):  # the best pair first: greedy growth from one
        for second in pool[i + 1 :]:  # selector cannot drop what that one adds wrongly
            union = _score(name, docs, refs, f"{first.selector}, {second.selector}")
            if union.net >= current.net + 0.5:
                current = union
    for _ in range(MAX_GROUPS - 2):
        groups = [g.strip() for g in current.selector.split(",")]
        added: _Scored | None = None
        for entry in pool:
            if entry.selector in groups:
                continue
            union = _score(name, docs, refs, f"{current.selector}, {entry.selector}")
            if union.net >= current.net + 0.5 and (added is None or union.rank > added.rank):
                added = union
        if added is None:
            break
        current = added
    return current


def choose(
    name: str, docs: Sequence[Doc], refs: list[Any], candidates: Iterable[str]
) -> tuple[str | None, float, int, list[str]]:
    """The best selector for ``name``, its agreement, the pages counted and the chrome."""
    scored: list[_Scored] = []
    chrome: list[str] = []
    texts = constant([r if isinstance(r, str) else None for r in refs])
    for selector in candidates:
        entry = _score(name, docs, refs, selector)
        if name in ("title", "lead", "body", "label") and not texts:
            if constant([norm(v) if isinstance(v, str) else None for v in entry.values]):
                chrome.append(selector)  # the same text on every page: chrome
                continue
        scored.append(entry)
    if not scored:
        return None, 0.0, 0, chrome
    scored.sort(key=lambda s: s.rank, reverse=True)
    # several templates (an older CMS, a second box): unions "a, b, c" of candidates that
    # read differently (the best of each behaviour)
    top = _distinct(scored)
    best = _grow(name, docs, refs, scored[0], top)
    if not _named(best.selector):  # a bare tag: named selectors nearly as good are sharper
        named_top = _distinct([e for e in scored if _named(e.selector)])
        if named_top:
            named = _grow(name, docs, refs, named_top[0], named_top)
            if named.net >= NAMED_SHARE * best.net:
                best = named
    counted = sum(m is not None for m in best.marks)
    return best.selector, sum(m for m in best.marks if m is not None), counted, chrome


def candidate_pool(where: dict[str, list[int]], need: int) -> list[str]:
    """The candidates to score: found on at least ``need`` pages, most pages first (ids and
    classes first among equals), at most :data:`PER_PAGE_SET` per set of pages (the pages
    of a second template must not be crowded out by variants of the first one's)."""
    ranked = sorted(
        (s for s, pages in where.items() if len(pages) >= need),
        key=lambda s: (-len(where[s]), -sum(_specificity(s)[:2]), len(s)),
    )
    taken: Counter[tuple[int, ...]] = Counter()
    pool = []
    for selector in ranked:
        key = tuple(where[selector])
        if taken[key] < PER_PAGE_SET:
            taken[key] += 1
            pool.append(selector)
    return pool[:MAX_CANDIDATES]
