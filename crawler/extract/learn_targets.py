"""Learned site templates, where the candidates come from (:mod:`crawler.extract.learn`):
the elements of a page that carry a field's reference value (the generic layer's title,
body, date, images, captions, related links: :func:`targets`) and the selectors that name
such an element (:func:`candidates`: its id, classes and template attributes, alone and
under each ancestor's). :mod:`crawler.extract.learn_select` scores and chooses among them."""

from __future__ import annotations

import re
from typing import Any

from crawler.dates import parse_any_date, parse_german_date
from crawler.extract.learn_select import BODY_AGREES, TEXT_FIELDS, UNSET, Doc, title_value
from crawler.extract.learn_words import word_count, words_f1

#: attributes whose value names a role in the template (not per-page data)
_STABLE_ATTRS = ("itemprop", "role", "size", "face", "valign", "align", "width", "bgcolor")
_IDENT = re.compile(r"-?[_a-zA-Z][\w-]*")
_TWO_DIGITS = re.compile(r"\d{2}")
_ATTR_VALUE = re.compile(r"[\w#%.,: -]{1,40}")


def _ident(value: str) -> bool:
    return bool(_IDENT.fullmatch(value)) and not _TWO_DIGITS.search(value)


def descriptors(el: Any, *, own: bool) -> list[str]:
    """Compound selectors that name ``el``: ``#id``, ``tag.class`` (``.class`` for an
    ancestor), ``tag[attr="value"]`` for template attributes (not on an ``img``: its size is
    the picture's), and (own) the bare tag."""
    tag = el.tag if isinstance(el.tag, str) else ""
    attrs = ("itemprop", "role") if tag == "img" else _STABLE_ATTRS
    out: list[str] = []
    ident = el.get("id")
    if ident and _ident(ident):
        out.append(f"#{ident}")
    for token in (el.get("class") or "").split():
        if _ident(token):
            out.append(f"{tag}.{token}" if own else f".{token}")
    for attr in attrs:
        value = el.get(attr)
        if value and _ATTR_VALUE.fullmatch(value) and '"' not in value:
            out.append(f'{tag}[{attr}="{value}"]')
    if own and tag:
        out.append(tag)
    return out


def candidates(el: Any) -> set[str]:
    """Selectors for ``el``: its own descriptors alone and under each ancestor's."""
    own = descriptors(el, own=True)
    found = set(own)
    for anc in el.iterancestors():
        if anc.tag in ("html", "body"):
            break
        for outer in descriptors(anc, own=False):
            found.update(f"{outer} {inner}" for inner in own)
    return found


def targets(name: str, doc: Doc, ref: Any) -> list[Any]:
    """Elements of ``doc`` that carry the reference value ``ref`` of field ``name``."""
    if not ref:
        return []
    root = doc.root
    if name in TEXT_FIELDS:
        hits = [el for el in root.iter() if isinstance(el.tag, str) and doc.text(el) == ref]
        if name == "title" and not hits:
            hits = [el for el in root.iter("h1", "h2", "h3", "h4")
                    if title_value(doc, [el], ref) == ref]  # fmt: skip
        return [el for el in hits if el.tag not in ("title", "html", "head", "body")]
    if name == "body":
        return _body_targets(doc, ref)
    if name == "date":
        return _date_targets(doc, ref)
    if name == "images":
        return [img for img in root.iter("img") if doc.resolve(img.get("src")) in ref]
    if name in ("captions", "credits"):
        hits = [
            el
            for el in root.iter()
            if isinstance(el.tag, str)
            and any(doc.text(el).startswith(r) for r in ref)
            and len(doc.text(el)) < 2 * max(map(len, ref))
        ]
        return [el for el in hits if not any(doc.text(c) == doc.text(el) for c in el)]
    # related: the boxes round the related links (up to four levels above each)
    boxes: dict[Any, None] = {}
    for a in root.iter("a"):
        if doc.resolve(a.get("href")) in ref:
            for box in list(a.iterancestors())[:4]:
                if box.tag not in ("html", "body"):
                    boxes[box] = None
    return list(boxes)


def _body_targets(doc: Doc, ref: str) -> list[Any]:
    """The elements whose text has half to twice as many words as the body ``ref`` and
    agrees with it (token F1). A wrapper often has the same text as the element inside it:
    each text is counted once."""
    want = doc.words(ref)
    size = want.total
    counts: dict[str, int] = {}
    found = []
    for el in doc.root.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body"):
            continue
        text = doc.text(el)
        count = counts.get(text)
        if count is None:
            count = counts[text] = word_count(text)
        if size / 2 <= count <= size * 2 and words_f1(want, doc.words(text)) >= BODY_AGREES:
            found.append(el)
    return found


def _date_targets(doc: Doc, ref: str) -> list[Any]:
    """The elements whose ``datetime``/``content`` attribute, or whose short text, is the
    date ``ref``. Most elements have neither attribute and many share a text: each string
    is parsed once (the date parsers are pure)."""
    attrs: dict[str, str | None] = {}
    texts: dict[str, str | None] = {}
    found = []
    for el in doc.root.iter():
        if not isinstance(el.tag, str):
            continue
        raw = el.get("datetime") or el.get("content") or ""
        value = attrs.get(raw, UNSET)
        if value is UNSET:
            value = attrs[raw] = parse_any_date(raw)
        if value == ref:
            found.append(el)
            continue
        text = doc.text(el)
        if len(text) < 60:
            value = texts.get(text, UNSET)
            if value is UNSET:
                value = texts[text] = parse_german_date(text)
            if value == ref:
                found.append(el)
    return found


__all__ = ["candidates", "descriptors", "targets"]
