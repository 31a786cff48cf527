"""Images, captions and credits of an article (attachments: :mod:`crawler.extract.attachments`).

Captions are split into caption and credit (:func:`split_caption`): "Foto: …", "Fotos: …",
"Fotograf: …", "Fotografin: …", "Fotograf/in: …", "Bild: …", "Quelle: …", "©", "(c)",
"Copyright: …", "Grafik: …", and the same forms in parentheses at the end ("(Foto: …)").
"Bildnachweise" sections (or a profile's ``credits`` items) give every credit, in order, and an
image its credit when an item links to the image file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from crawler.extract.context import PageContext
from crawler.extract.index import is_under
from crawler.extract.profiles import SiteProfile
from crawler.extract.text import clean, clean_or_none, element_text
from crawler.extract.vocabulary import (
    CREDIT_HEADINGS,
    CREDIT_INITIALS,
    IMAGE_CHROME_WORDS,
    SP_IMAGE_CREDITS,
)
from crawler.extract.vocabulary import (
    IMAGE_FILE as _IMAGE_FILE,
)
from crawler.extract.vocabulary import (
    LEADING_FOTO as _LEADING_FOTO,
)
from crawler.extract.vocabulary import (
    PAREN_CREDIT as _PAREN_CREDIT,
)
from crawler.extract.vocabulary import (
    TAIL_CREDIT as _TAIL_CREDIT,
)
from crawler.records import Image

_BOX_TAGS = ("section", "div", "aside")
#: any of :data:`crawler.extract.vocabulary.IMAGE_CHROME_WORDS` (one search, not one per word)
_CHROME_WORD = re.compile("|".join(map(re.escape, IMAGE_CHROME_WORDS)))


def split_caption(caption: str | None) -> tuple[str | None, str | None]:
    """Split a credit off a caption: ``Foto: X (Fotografin: N)`` → (``X``, ``Fotografin: N``);
    ``X (Foto: Stadt R., Fotograf: N)`` → (``X``, ``Stadt R., Fotograf: N``); a trailing
    ``Quelle: …``, ``© …``, ``Copyright: …``, ``Grafik: …`` becomes the credit as written."""
    return _split_cleaned(clean(caption))


def _split_cleaned(text: str | None) -> tuple[str | None, str | None]:
    """:func:`split_caption` of a text :func:`crawler.extract.text.clean` returns unchanged (its own
    result, :func:`crawler.extract.text.element_text`'s, or None)."""
    if not text:
        return None, None
    credit = None
    # (``text`` is cleaned: no whitespace at either end, so the pattern's ``\)\s*$`` needs
    # a final ")")
    match = _PAREN_CREDIT.search(text) if text[-1] == ")" else None
    if match:
        label, rest = match.group("label"), clean(match.group("rest"))
        if label is None:
            credit = f"© {rest}"
        elif label.lower() in ("foto", "fotos", "bild"):
            credit = rest
        else:
            credit = f"{label}: {rest}"
        text = text[: match.start()]
    elif _may_hold_credit(text):
        tail = _TAIL_CREDIT.search(text, 1)
        if tail:
            credit = _drop_leading_foto(tail.group("credit"))
            text = text[: tail.start()]
        elif _TAIL_CREDIT.match(text) and not _LEADING_FOTO.match(text):
            return None, text  # the whole caption is a credit ("© Stadt Hanau")
    text = _drop_leading_foto(text).strip(" ,;–-|")
    return text or None, clean(credit) or None


def _may_hold_credit(text: str) -> bool:
    """False when :data:`_TAIL_CREDIT` cannot match anywhere in ``text``: every match starts
    with "©" or one of the words below, compared case-insensitively as ``re.I`` does
    (lower-cased, except the dotted and dotless i that ``re.I`` also takes for "i" and that
    ``str.lower()`` does not turn into one; the Kelvin sign lower-cases to "k")."""
    lowered = text.lower()
    return (
        "©" in text
        or "(c)" in lowered
        or "copyright" in lowered
        or "quelle" in lowered
        or "grafik" in lowered
        or "foto" in lowered
        or "bild" in lowered
        or (not text.isascii() and ("\u0130" in text or "\u0131" in text))
    )


def _drop_leading_foto(text: str) -> str:
    """``_LEADING_FOTO.sub("", text)``: only a text starting with whitespace or with an "F" or
    a "B" (in either case: ``re.I`` takes no other letter for them) can start with the
    pattern."""
    start = text[:1]
    if start and start not in "FfBb" and not start.isspace():
        return text
    return _LEADING_FOTO.sub("", text)


def credit_items(page: PageContext, scope: Any, profile: SiteProfile | None = None) -> list[Any]:
    """Credit entries: the profile's ``credits`` matches, else the items of "Bildnachweise"
    sections (Sitepark ``SP-ImageCredits``)."""
    if profile is not None and profile.credits:
        found = page.select(scope, profile.credits)
        if found:
            return found
    index = page.index
    sections = index.with_class(SP_IMAGE_CREDITS, scope)
    headed = index.headed_matching(CREDIT_HEADINGS, CREDIT_INITIALS)
    if not sections and not headed:  # (most pages: nothing below to look at)
        return []
    whole = scope is index.root
    chosen = [
        node
        for node in headed
        if node.tag in _BOX_TAGS and node is not scope and (whole or is_under(node, scope))
    ]
    for node in index.sort(chosen):  # (boxes whose heading CREDIT_HEADINGS matches)
        if node not in sections:
            sections.append(node)
    sections = [n for n in sections if not any(a in sections for a in n.iterancestors())]
    items: list[Any] = []
    for section in sections:
        items += _inside(section, "li") or _inside(section, "p")
    return items


def _inside(el: Any, tag: str) -> list[Any]:
    """``.//tag``: the elements ``tag`` strictly inside ``el``, in document order."""
    return [node for node in el.iter(tag) if node is not el]


def image_credits(page: PageContext, items: list[Any]) -> tuple[dict[str, str], list[str]]:
    """``{absolute image url: credit}`` and every credit item's full text, in order."""
    by_src: dict[str, str] = {}
    credits: list[str] = []
    for item in items:
        full = element_text(item)
        if not full:
            continue
        credits.append(full)
        if ": " not in full:
            continue
        # descendant-or-self::a[@href] (iter() starts with the item itself)
        anchor = next((a for a in item.iter("a") if a.get("href") is not None), None)
        src = page.resolve(anchor.get("href") or "") if anchor is not None else None
        if src:
            by_src.setdefault(src, clean(full.split(": ", 1)[1]))
    return by_src, credits


def images(
    page: PageContext,
    scope: Any,
    credit_map: dict[str, str],
    profile: SiteProfile | None = None,
) -> list[Image]:
    """Content images of ``scope`` (or the profile's ``images``) with caption and credit."""
    doc = page.doc
    chosen: list[Any] = []
    if profile is not None and profile.images:
        for el in page.select(doc, profile.images):
            chosen += [el] if el.tag == "img" else list(el.iter("img"))
    if not chosen:
        chosen = [img for img in scope.iter("img") if not _outside_content(img, scope)]
        if not chosen:
            return []
    captions = page.select(doc, profile.captions) if profile is not None else []
    found: list[Image] = []
    seen: set[str] = set()
    for img in chosen:
        raw = img.get("src") or img.get("data-src") or img.get("data-lazy-src") or ""
        src = page.resolve(raw) if raw and not raw.startswith("data:") else None
        if not src or src in seen:
            continue
        seen.add(src)
        caption_text = _profile_caption(img, captions) if captions else None
        if caption_text is None:
            caption_text = _caption_for(page, img)
        caption, credit = _split_cleaned(caption_text)  # (a text read by element_text())
        if src in credit_map:
            credit = credit_map[src]
        found.append(
            Image(src=src, alt=clean_or_none(img.get("alt")), caption=caption, credit=credit)
        )
    return found


def _profile_caption(img: Any, captions: list[Any]) -> str | None:
    """Text of the profile caption in the image's nearest ancestor holding one."""
    for node in img.iterancestors():
        # captions are in document order: the first one inside node is node's first
        inside = next((c for c in captions if c is node or is_under(c, node)), None)
        if inside is not None:
            return element_text(inside)
        if node.tag in ("body", "article", "main"):
            return None
    return None


def _outside_content(img: Any, scope: Any) -> bool:
    """An image in chrome (logo, header), a teaser or a credits/related box."""
    for node in img.iterancestors():
        if node is scope:
            return False
        tag = node.tag
        value = node.get("class")
        tokens = value.lower() if value else ""  # the words below hold no whitespace
        if tag in ("nav", "footer", "aside") and "figure" not in tokens:
            return True
        if tag == "a" and not _IMAGE_FILE.search(node.get("href") or ""):
            return True  # a teaser image (a lightbox link to the image file is content)
        if tokens and _CHROME_WORD.search(tokens):
            return True
        if node.get("id") in ("header", "navigation", "footer"):
            return True
        if tag == "header" and "articleheader" not in tokens:
            return True
    return False


def _caption_for(page: PageContext, img: Any) -> str | None:
    figure = next(img.iterancestors("figure"), None)
    if figure is not None:
        caption = next(figure.iter("figcaption"), None)  # (never the figure itself)
        if caption is None:
            captions = _captions_in(page, figure)
            caption = captions[0] if captions else None
        return element_text(caption) if caption is not None else None
    parent = img.getparent()
    for _ in range(2):
        if parent is None:
            return None
        captions = _captions_in(page, parent)
        if captions:
            imgs = list(parent.iter("img"))
            index = imgs.index(img) if img in imgs else 0
            return element_text(captions[min(index, len(captions) - 1)])
        parent = parent.getparent()
    found = _caption_cell(page, img)
    return found[1] if found is not None else None  # (element_text() of the cell)


def _captions_in(page: PageContext, el: Any) -> list[Any]:
    """``.//*[contains(@class, 'caption')]`` of ``el``, in document order: from the page
    index's elements whose class holds "caption" (read once per page)."""
    classed = page.captioned
    if classed is None:
        classed = page.captioned = page.index.with_class_part("caption")
    return [node for node in classed if is_under(node, el)]


def caption_cell(page: PageContext, img: Any) -> Any:
    """Table layouts: the cell next to a cell holding only this image, when it is short text
    (the caption), else None."""
    found = _caption_cell(page, img)
    return None if found is None else found[0]


def _caption_cell(page: PageContext, img: Any) -> tuple[Any, str] | None:
    """:func:`caption_cell` of ``img`` and its text, memoised for the page (asked for by the
    body reader and by :func:`_caption_for`; no tree changes during an extraction)."""
    cells = page.caption_cells
    if img in cells:
        return cells[img]
    found = cells[img] = _find_caption_cell(img, page.index.text)
    return found


def _find_caption_cell(img: Any, text_of: Callable[[Any], str]) -> tuple[Any, str] | None:
    """:func:`_caption_cell`; ``text_of``: :func:`crawler.extract.text.element_text` or the page
    index's memo of it."""
    cell = next(img.iterancestors("td"), None)
    if cell is None or text_of(cell) or _more_than_one(cell.iter("img")):  # (.//img)
        return None
    nxt = cell.getnext()
    if nxt is None or nxt.tag != "td" or next(nxt.iter("img", "table"), None) is not None:
        return None  # (.//img|.//table: a td is neither)
    text = text_of(nxt)
    return (nxt, text) if 0 < len(text) <= 300 else None


def _more_than_one(found: Iterator[Any]) -> bool:
    """Whether ``found`` gives a second item (``len(list(found)) != 1`` for one that gives at
    least one: the cell of :func:`caption_cell` holds its image)."""
    next(found, None)
    return next(found, None) is not None
