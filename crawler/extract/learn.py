"""Learned site templates: a :class:`~crawler.extract.profiles.SiteProfile` found from pages.

The pages of one source share a template. :func:`learn_template` takes some of them (URL,
bytes, headers), runs the generic extractor (no profile) on each and finds, field by field,
the CSS selector whose match gives the extracted value on most pages:

1. *reference values*: the generic layer's title, label, lead, body, date, images,
   captions, credits and related links of every page. A value that is the same on (nearly)
   every page is chrome, not content (a page heading such as "Pressemitteilungen" above every
   release): the title then comes from the document's ``<title>`` with the part every page
   shares (the site name) cut off, and the label from the text a headline holds besides
   that title (a kicker inside it);
2. *candidates*: for each element that carries a reference value on a page (text equal to
   the title; the root whose blocks are the body; the ``img`` of an extracted image; …),
   selectors built from its tag, class tokens, stable attributes (``itemprop``, ``role``;
   ``size``/``face`` on table layouts without classes) alone and under one ancestor's id,
   class or attribute. Only candidates found on several pages are kept;
3. *agreement*: each candidate is read on every page as the extractor reads a profile
   selector (first match for title, label, lead and date; outermost matches for body; every
   match for the list fields) and scored against the reference (1 per page where they
   agree, the body by token F1). A candidate whose value is the same on every page is
   chrome and dropped. The best scores win (agreement minus disagreement: a selector that
   finds something where the generic layer found nothing loses); ties go to selectors with
   fewer matches, then to ids and classes over attributes and bare tags, then the shorter
   one. A site with several templates (an older CMS, topic pages beside releases) gets a
   union of up to three selector groups (``a, b, c``) when it agrees better, and named
   selectors win over a bare tag (``h1``) that agrees at most a tenth better: the template
   must name its markup, or a redesign would still match it.

Reading and choosing selectors is :mod:`crawler.extract.learn_select`.

A field is kept only if its selector agrees on at least :data:`MIN_AGREEMENT` of the pages
with a reference value (``stats`` says how many). Last, the learning pages are extracted
with the whole template: if some field then comes out worse than the generic layer had it
(a profile changes more than its own fields), the template does not *apply* — crawls keep
extracting the source generically and use it only to detect redesigns. Pure: no I/O;
``archive/`` stores the result.

:func:`template_matches` tells whether a learned template still fits a page (its title and
body selectors find text): a template that stops matching is drift (``archive/health.py``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crawler.extract.core import extract_parsed, parse_markup
from crawler.extract.index import PageIndex
from crawler.extract.learn_select import (
    Doc,
    agreement,
    candidate_pool,
    choose,
    constant,
    norm,
)
from crawler.extract.learn_targets import candidates, descriptors, targets
from crawler.extract.profiles import SiteProfile, select
from crawler.extract.text import element_text
from crawler.records import Extracted

#: pages a source needs before a template is learned (``crawler.learn_after`` overrides it)
DEFAULT_MIN_PAGES = 10
#: share of the pages with a reference value a field's selector must agree on
MIN_AGREEMENT = 0.6
_SEPARATORS = re.compile(r"\s*[|:–—·-]\s*$")

Page = tuple[str, bytes, Mapping[str, str]]


@dataclass(frozen=True)
class FieldStats:
    """How a field's selector was chosen: ``agree`` of ``pages`` (pages with a reference
    value) agree; ``candidates`` scored; ``selector`` None when none agreed enough."""

    selector: str | None
    agree: float
    pages: int
    candidates: int

    @property
    def share(self) -> float:
        return round(self.agree / self.pages, 3) if self.pages else 0.0


@dataclass(frozen=True)
class Learned:
    """A learned template: the profile, per-field stats, the pages it was learned from, the
    chrome (selectors whose text repeats on every page), the share of those pages the
    template matches (:func:`template_matches`) and the fields that whole extractions with
    it read worse than the generic layer on those pages (``worse``: then it is not used as
    a profile, only to detect redesigns)."""

    profile: SiteProfile
    stats: dict[str, FieldStats]
    pages: tuple[str, ...]
    chrome: tuple[str, ...] = ()
    matched: float = 0.0
    worse: tuple[str, ...] = ()

    @property
    def applies(self) -> bool:
        """Whether the template may replace generic extraction: it has a title or body
        selector and reads no field worse than the generic layer."""
        return not self.worse and bool(self.profile.title or self.profile.body)

    def stats_json(self) -> dict[str, Any]:
        fields = {
            name: {**dataclasses.asdict(s), "agree": round(s.agree, 3), "share": s.share}
            for name, s in self.stats.items()
        }
        return {
            "fields": fields,
            "chrome": list(self.chrome),
            "matched": self.matched,
            "applies": self.applies,
            "worse": list(self.worse),
        }


# --- reference values ---------------------------------------------------------------------------


def _head_titles(docs: Sequence[Doc]) -> list[str | None]:
    """Each page's ``<title>`` without the part all pages share (the site name)."""
    raw = [norm(next((t.text for t in d.root.iter("title") if t.text), "")) for d in docs]
    present = [r for r in raw if r]
    if len(present) < 2:
        return [r or None for r in raw]
    suffix = present[0]
    for r in present[1:]:
        while suffix and not r.endswith(suffix):
            suffix = suffix[1:]
    prefix = present[0]
    for r in present[1:]:
        while prefix and not r.startswith(prefix):
            prefix = prefix[:-1]
    out: list[str | None] = []
    for r in raw:
        core = r[len(prefix) :] if len(prefix) > 3 else r
        core = core[: len(core) - len(suffix)] if len(suffix) > 3 else core
        out.append(_SEPARATORS.sub("", norm(core)).strip(" |:–—·-") or None)
    return out


def _references(docs: Sequence[Doc]) -> dict[str, list[Any]]:
    """Field → one reference value per page (None: the page has none)."""
    refs: dict[str, list[Any]] = {name: [] for name in ("title", "label", "lead", "body")}
    titles = [d.got.title for d in docs]
    if constant(titles):
        titles = list(_head_titles(docs))
    refs["title"] = titles
    labels: list[str | None] = [d.got.label for d in docs]
    if not any(labels):
        labels = [_inner_label(d, t) for d, t in zip(docs, titles, strict=True)]
    refs["label"] = labels
    refs["lead"] = [None if constant([d.got.lead for d in docs]) else d.got.lead for d in docs]
    refs["body"] = [d.got.body for d in docs]
    refs["date"] = [d.got.published for d in docs]
    refs["images"] = [{i.src for i in d.got.images} for d in docs]
    refs["captions"] = [{norm(i.caption) for i in d.got.images if i.caption} for d in docs]
    refs["credits"] = [{norm(c) for c in d.got.credits} for d in docs]
    refs["related"] = [{link.url for link in d.got.related} for d in docs]
    return refs


def _inner_label(doc: Doc, title: str | None) -> str | None:
    """The text a headline holds besides ``title`` (a kicker inside it), if any."""
    if not title:
        return None
    for el in doc.root.iter("h1", "h2", "h3", "h4"):
        text = doc.text(el)
        if text == title or not text.endswith(title):
            continue
        for child in el.iterdescendants():
            inner = doc.text(child)
            if inner and norm(text.replace(inner, "", 1)) == title:
                return inner
    return None


# --- the learner --------------------------------------------------------------------------------

#: fields learned, in order (``listing_items`` and ``next_page`` belong to listing pages,
#: which the archive does not store: they stay unset)
LEARNED_FIELDS = (
    "title", "label", "lead", "body", "date", "images", "captions", "credits", "related",
)  # fmt: skip


def _docs(pages: Iterable[Page]) -> list[Doc]:
    docs = []
    for url, body, headers in pages:
        parsed = parse_markup(body, headers)
        if parsed is None:
            continue
        # (extract(url, body, headers): the same parse; the index serves learning too)
        index = PageIndex(parsed[1])
        got = extract_parsed(url, *parsed, index=index)
        if got.page_type == "listing":
            continue
        docs.append(Doc(url, parsed[1], got, parsed[0], index=index))
    return docs


def learn_template(pages: Iterable[Page], *, min_agreement: float = MIN_AGREEMENT) -> Learned:
    """Learn a :class:`SiteProfile` from pages of one source (see the module docstring)."""
    docs = _docs(pages)
    refs = _references(docs)
    selectors: dict[str, str] = {}
    stats: dict[str, FieldStats] = {}
    chrome: set[str] = set()
    for name in LEARNED_FIELDS:
        where: dict[str, list[int]] = {}  # candidate → the pages it names a target on
        for i, (doc, ref) in enumerate(zip(docs, refs[name], strict=True)):
            found: set[str] = set()
            for el in targets(name, doc, ref):
                found |= candidates(el)
            for selector in sorted(found):  # ties then rank alike on every run
                where.setdefault(selector, []).append(i)
        pool = candidate_pool(where, need=max(2, len(docs) // 10))
        best, agree, counted, dropped = choose(name, docs, refs[name], pool)
        chrome.update(dropped)
        keep = best is not None and counted > 0 and agree >= min_agreement * counted
        stats[name] = FieldStats(best if keep else None, agree, counted, len(pool))
        if keep and best is not None:
            selectors[name] = best
    chrome |= _chrome_blocks(docs)
    profile = SiteProfile(**selectors)
    matched = [template_fits(profile, d.root) for d in docs]
    known = [m for m in matched if m is not None]
    share = round(sum(known) / len(known), 3) if known else 0.0
    worse = _worse_fields(docs, refs, profile) if selectors else ()
    urls = tuple(d.url for d in docs)
    return Learned(profile, stats, urls, tuple(sorted(chrome)), share, worse)


def _extracted_values(got: Extracted) -> dict[str, Any]:
    """The learned fields of an extraction, as :func:`learn_select.agreement` compares them."""
    return {
        "title": got.title, "label": got.label, "lead": got.lead, "body": got.body,
        "date": got.published, "images": {i.src for i in got.images},
        "captions": {norm(i.caption) for i in got.images if i.caption},
        "credits": {norm(c) for c in got.credits}, "related": {link.url for link in got.related},
    }  # fmt: skip


def _worse_fields(
    docs: Sequence[Doc], refs: dict[str, list[Any]], profile: SiteProfile
) -> tuple[str, ...]:
    """Fields that whole extractions with ``profile`` read worse on the learning pages than
    the generic layer did (scored against the same reference values). A profile changes
    more than its own fields: where its images selector finds nothing, for one, the
    extractor looks for images in the scope the other selectors set."""
    learned = dict.fromkeys(LEARNED_FIELDS, 0.0)
    generic = dict.fromkeys(LEARNED_FIELDS, 0.0)
    for i, doc in enumerate(docs):
        again = extract_parsed(doc.url, doc.markup, doc.root, profile, doc.page_index())
        mine = _extracted_values(again)
        theirs = _extracted_values(doc.got)
        for name in LEARNED_FIELDS:
            for totals, values in ((learned, mine), (generic, theirs)):
                mark = agreement(name, refs[name][i], values[name], doc.f1)
                totals[name] += 0.0 if mark is None else 2 * mark - 1
    return tuple(n for n in LEARNED_FIELDS if learned[n] < generic[n] - 1e-6)


def _chrome_blocks(docs: Sequence[Doc]) -> set[str]:
    """Selectors (``tag#id``/``tag.class``) of blocks with the same text on nearly every page."""
    seen: dict[str, list[str]] = {}
    for doc in docs:
        mine: dict[str, str] = {}
        for el in doc.root.iter():
            if not isinstance(el.tag, str) or not (el.get("id") or el.get("class")):
                continue
            named = [d for d in descriptors(el, own=True) if "#" in d or "." in d]
            if named:
                mine.setdefault(named[0], doc.text(el))
        for key, text in mine.items():
            seen.setdefault(key, []).append(text)
    return {key for key, texts in seen.items() if constant(texts + [""] * (len(docs) - len(texts)))}


def template_fits(profile: SiteProfile, root: Any) -> bool | None:
    """Whether the title and the body selector of ``profile`` (those it has) both find
    text in ``root`` (None: the profile has neither)."""
    chosen = [s for s in (profile.title, profile.body) if s]
    if not chosen:
        return None
    return all(any(norm(element_text(el)) for el in select(root, s)) for s in chosen)


def template_matches(profile: SiteProfile, body: bytes, headers: Mapping[str, str]) -> bool | None:
    """:func:`template_fits` for one page's bytes (None: no title/body selector, or no page)."""
    parsed = parse_markup(body, headers)
    return None if parsed is None else template_fits(profile, parsed[1])


def profile_toml(name: str, profile: SiteProfile | Mapping[str, str | None]) -> str:
    """``[profiles.NAME]`` with the profile's selectors, for ``config.toml``."""
    data = dataclasses.asdict(profile) if isinstance(profile, SiteProfile) else dict(profile)
    lines = [f"[profiles.{name}]"]
    for key, value in data.items():
        if value:
            lines.append(f"{key} = {_toml_string(value)}")
    return "\n".join(lines) + "\n"


def _toml_string(value: str) -> str:
    if "'" not in value and "\n" not in value:
        return f"'{value}'"  # a literal string: backslashes and quotes stay as they are
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def profile_from_json(data: Mapping[str, Any]) -> SiteProfile:
    """A profile stored as JSON (unknown keys ignored)."""
    known = {f.name for f in dataclasses.fields(SiteProfile)}
    return SiteProfile(**{k: v for k, v in data.items() if k in known and v})


__all__ = [
    "DEFAULT_MIN_PAGES",
    "LEARNED_FIELDS",
    "FieldStats",
    "Learned",
    "learn_template",
    "profile_from_json",
    "profile_toml",
    "template_fits",
    "template_matches",
]
