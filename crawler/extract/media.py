"""Images, captions and credits of an article (attachments: :mod:`crawler.extract.attachments`).

Captions are split into caption and credit (:func:`split_caption`): "Foto: …", "Fotos: …",
"Fotograf: …", "Fotografin: …", "Fotograf/in: …", "Bild: …", "Quelle: …", "©", "(c)",
"Copyright: …", "Grafik: …", and the same forms in parentheses at the end ("(Foto: …)").
A caption is the ``figcaption`` of the image's ``figure``, else the nearest element whose class
holds a caption word (:data:`~crawler.extract.vocabulary.CAPTION_CLASS_WORDS`: "caption",
"bildunterschrift", "legende", …) in the image's container (up to four levels up, not one
belonging to another image); a credit element beside it (class words "copyright", "credit",
"source", "quelle", …: ``p.news-img-copyright``) gives the credit a caption does not hold.
Standalone credit lines ("Bildnachweis: …", "Bildquellen: …", "Fotos: …" as a short
paragraph or list item of their own, :func:`credit_lines`) are credits, not body.
"Bildnachweise" sections (or a profile's ``credits`` items) give every credit, in order, and an
image its credit when an item links to the image file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from crawler.extract.context import PageContext
from crawler.extract.index import is_under
from crawler.extract.profiles import SiteProfile
from crawler.extract.text import clean, clean_or_none, element_text
from crawler.extract.vocabulary import (
    CAPTION_CLASS_WORDS,
    CREDIT_CLASS_WORDS,
    CREDIT_HEADINGS,
    CREDIT_INITIALS,
    CREDIT_LABEL,
    CREDIT_LINE,
    CREDIT_LINE_HINT,
    ICON_PATH,
    IMAGE_CHROME_WORDS,
    SCRIPT_PATH,
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
        elif label.lower() in ("foto", "fotos", "bild", "photo", "image"):
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
    sections (Sitepark ``SP-ImageCredits``) and the credit lines outside them."""
    if profile is not None and profile.credits:
        found = page.select(scope, profile.credits)
        if found:
            return found
    index = page.index
    sections = index.with_class(SP_IMAGE_CREDITS, scope)
    headed = index.headed_matching(CREDIT_HEADINGS, CREDIT_INITIALS)
    if not sections and not headed:  # (most pages: nothing below to look at)
        return credit_lines(page, scope)
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
    lines = [el for el in credit_lines(page, scope) if not any(is_under(el, s) for s in sections)]
    return index.sort(items + lines) if lines else items


#: the tags of a credit line, and the only tags inside it (inline markup)
_LINE_TAGS = ("p", "li")
_INLINE = frozenset(("strong", "b", "em", "i", "span", "a", "br", "small", "cite"))


def credit_lines(page: PageContext, scope: Any) -> list[Any]:
    """Paragraphs and list items under ``scope`` that are one labelled credit line
    (:data:`~crawler.extract.vocabulary.CREDIT_LINE`): short, inline markup only, outside
    captions and figures (those are read with their image)."""
    if scope is None:
        return []
    found = page.credit_lines.get(scope)
    if found is None:
        found = page.credit_lines[scope] = _credit_lines(page, scope)
    return found


def _credit_lines(page: PageContext, scope: Any) -> list[Any]:
    if page.credit_hint is None:  # (one search of the whole markup per page)
        page.credit_hint = CREDIT_LINE_HINT.search(page.markup) is not None
    if not page.credit_hint:
        return []
    found = []
    for el in scope.iter(*_LINE_TAGS):
        if any(isinstance(c.tag, str) and c.tag not in _INLINE for c in el):
            continue
        text = page.index.text(el)
        if not text or len(text) > 300 or not CREDIT_LINE.match(text):
            continue
        if next(el.iterancestors("figure", "figcaption"), None) is not None:
            continue
        if any(c is el or is_under(el, c) for c in _caption_elements(page)):
            continue
        found.append(el)
    return found


def credit_fields(page: PageContext, scope: Any, credit: str) -> bool:
    """Whether the page's one credit ``credit`` is an article field of its own: one element
    under ``scope`` whose class holds a credit word (Joomla's custom field
    ``li.field-entry.bildnachweis``: its label and value), outside any figure and holding no
    image, gives it, and names no picture of its own (Drupal's "Bildnachweis" field item
    "Titelbild: …" goes to a picture only by a link to its file, :func:`image_credits`). That
    credit is the one picture's; a plain "Bildnachweis: …" line in the text stays the page's
    credit only."""
    if ": " in credit:
        return False
    fields = [
        el
        for el in _credit_elements(page)
        if is_under(el, scope)
        and next(el.iter("img"), None) is None
        and next(el.iterancestors("figure"), None) is None
    ]
    outer = [el for el in fields if not any(is_under(el, other) for other in fields)]
    return len(outer) == 1 and credit in element_text(outer[0])


def _in_credit_box(page: PageContext, el: Any) -> bool:
    """Whether ``el`` is an item of a "Bildnachweise" box (its items keep their labels)."""
    boxes = page.index.headed_matching(CREDIT_HEADINGS, CREDIT_INITIALS)
    sections = page.index.with_class(SP_IMAGE_CREDITS)
    return any(a in boxes or a in sections for a in el.iterancestors())


def _inside(el: Any, tag: str) -> list[Any]:
    """``.//tag``: the elements ``tag`` strictly inside ``el``, in document order."""
    return [node for node in el.iter(tag) if node is not el]


def image_credits(page: PageContext, items: list[Any]) -> tuple[dict[str, str], list[str]]:
    """``{absolute image url: credit}`` and every credit item's full text, in order."""
    by_src: dict[str, str] = {}
    credits: list[str] = []
    for item in items:
        full = element_text(item)
        if item.tag in _LINE_TAGS and CREDIT_LINE.match(full) and not _in_credit_box(page, item):
            full = CREDIT_LINE.sub("", full)  # a credit line: its label is the heading
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
    """Content images of ``scope`` (or the profile's ``images``) with caption and credit. A
    profile whose title or body selector matches the page and whose ``images`` selector
    matches nothing there says the page has no picture (the wider scope would find the
    banner of a table layout, ``kopf.jpg``)."""
    doc = page.doc
    chosen: list[Any] = []
    if profile is not None and profile.images:
        for el in page.select(doc, profile.images):
            chosen += [el] if el.tag == "img" else list(el.iter("img"))
        if not chosen and (page.select(doc, profile.title) or page.select(doc, profile.body)):
            return []  # the profile reads this page and finds no picture: it has none
    if not chosen:
        chosen = [img for img in scope.iter("img") if not _outside_content(page, img, scope)]
        if not chosen:
            return []
    captions = page.select(doc, profile.captions) if profile is not None else []
    found: list[Image] = []
    seen: set[str] = set()
    for img in chosen:
        raw = img.get("src") or img.get("data-src") or img.get("data-lazy-src") or ""
        src = page.resolve(raw) if raw and not raw.startswith("data:") else None
        if not src or src in seen or _is_icon(img, src):
            continue
        seen.add(src)
        caption_text = _profile_caption(img, captions) if captions else None
        credit_text = None
        if caption_text is None:
            caption_text, credit_text = _caption_for(page, img)
        caption, credit = _split_cleaned(caption_text)  # (a text read by element_text())
        if credit is None and credit_text:
            credit = _credit_text(credit_text)
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


def _outside_content(page: PageContext, img: Any, scope: Any) -> bool:
    """An image in chrome (logo, header), a teaser or a credits/related box."""
    for node in img.iterancestors():
        if node is scope:
            return False
        tag = node.tag
        value = node.get("class")
        tokens = value.lower() if value else ""  # the words below hold no whitespace
        if tag in ("nav", "footer", "aside") and "figure" not in tokens:
            return True
        if tag == "a" and not _zoom_link(page, node.get("href") or "", img):
            return True  # a teaser image (a lightbox link to the image file is content)
        if tokens and _CHROME_WORD.search(tokens):
            return True
        if node.get("id") in ("header", "navigation", "footer"):
            return True
        if tag == "header" and "articleheader" not in tokens:
            return True
    return False


def _zoom_link(page: PageContext, href: str, img: Any) -> bool:
    """Whether a link around ``img`` shows the picture itself, larger: a link to an image
    file, or to a path below the image file's own folder (an image scale of it: Plone's
    ``…/@@images/image-768-….jpeg`` in a link to ``…/@@images/image/large``; a CDN's
    ``/image/<id>/640x360`` in a link to ``/image/<id>/860x860``). A folder of one segment
    (``/bilder/``) is not enough (a page below it is another page), nor a server program on
    either side (an ad server's ``/delivery/avw.php`` image in a link to ``/delivery/ck.php``)."""
    if _IMAGE_FILE.search(href):
        return True
    raw = img.get("src") or img.get("data-src") or ""
    link, src = page.resolve(href), page.resolve(raw) if raw else None
    if not link or not src:
        return False
    link_parts, src_parts = urlsplit(link), urlsplit(src)
    folder = src_parts.path.rsplit("/", 1)[0] + "/"
    return (
        link_parts.netloc == src_parts.netloc
        and folder.count("/") > 2
        and not SCRIPT_PATH.search(link_parts.path)
        and not SCRIPT_PATH.search(src_parts.path)
        and link_parts.path.startswith(folder)
        and len(link_parts.path) > len(folder)
    )


def _credit_text(text: str) -> str | None:
    """A credit element's text as a credit: enclosing parentheses and a leading "Foto:",
    "Photo:", "Image credit:" dropped ("©", "Quelle: …" stay as written)."""
    text = clean(text)
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        text = text[1:-1].strip()
    return clean(CREDIT_LABEL.sub("", text)) or None


def _is_icon(img: Any, src: str) -> bool:
    """An icon beside the picture (a zoom link's magnifier): a path in an ``icons``
    directory, or an icon class on the image itself."""
    if ICON_PATH.search(urlsplit(src).path):
        return True
    value = img.get("class")
    return value is not None and "icon" in value.lower()


def _caption_for(page: PageContext, img: Any) -> tuple[str | None, str | None]:
    """The caption text of ``img`` and the text of a separate credit element, if any."""
    figure = next(img.iterancestors("figure"), None)
    if figure is not None:
        caption = next(figure.iter("figcaption"), None)  # (never the figure itself)
        if caption is None:
            captions = _near(page, figure, img, _caption_elements(page))
            caption = captions[0] if captions else None
        return _with_credit(page, figure, img, caption, 0)
    parent = img.getparent()
    for _ in range(4):  # (Drupal 7: img, field-item, field-items, field, the node's content)
        if parent is None or parent.tag in ("body", "html"):
            break
        captions = _near(page, parent, img, _caption_elements(page))
        if captions:
            imgs = [i for i in parent.iter("img") if not _is_icon(i, i.get("src") or "")]
            index = imgs.index(img) if img in imgs else 0
            return _with_credit(page, parent, img, captions[min(index, len(captions) - 1)], index)
        parent = parent.getparent()
    found = _caption_cell(page, img)
    return (found[1] if found is not None else None), None  # (element_text() of the cell)


def _with_credit(
    page: PageContext, container: Any, img: Any, caption: Any, index: int
) -> tuple[str | None, str | None]:
    """The text of ``caption`` and of the credit element that goes with it: one inside the
    caption (its text then left out of the caption's) or beside it in ``container``."""
    if caption is None:
        credits = _near(page, container, img, _credit_elements(page))
        return None, element_text(credits[0]) if credits else None
    inner = [c for c in _credit_elements(page) if is_under(c, caption)]
    if inner:
        inside = set(inner)
        text = element_text(caption, skip=lambda el: el in inside)
        return text, element_text(inner[0])
    credits = _near(page, container, img, _credit_elements(page), caption)
    credit = credits[min(index, len(credits) - 1)] if credits else None
    return element_text(caption), element_text(credit) if credit is not None else None


def _caption_elements(page: PageContext) -> list[Any]:
    """Elements whose class holds a caption word (read once per page), document order."""
    classed = page.captioned
    if classed is None:
        index = page.index
        found = {el for word in CAPTION_CLASS_WORDS for el in index.with_class_part(word, True)}
        classed = page.captioned = index.sort(list(found)) if found else []
    return classed


def _credit_elements(page: PageContext) -> list[Any]:
    """Elements whose class holds a credit word (read once per page), document order."""
    classed = page.credited
    if classed is None:
        index = page.index
        found = {el for word in CREDIT_CLASS_WORDS for el in index.with_class_part(word, True)}
        classed = page.credited = index.sort(list(found)) if found else []
    return classed


def _near(
    page: PageContext, container: Any, img: Any, classed: list[Any], caption: Any = None
) -> list[Any]:
    """The ``classed`` elements inside ``container`` that belong to ``img``'s picture: none
    holding an image, none inside another ``figure``, none inside (or holding) ``caption``,
    only the outermost."""
    found: list[Any] = []
    for node in classed:
        if not is_under(node, container) or node.tag in ("img", "picture"):
            continue
        if caption is not None and (node is caption or is_under(node, caption)):
            continue
        if caption is not None and is_under(caption, node):
            continue
        if next(node.iter("img"), None) is not None:
            continue
        figure = next(node.iterancestors("figure"), None)
        if figure is not None and figure is not container and not is_under(img, figure):
            continue
        if any(is_under(node, other) for other in found):
            continue
        found.append(node)
    return found


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
