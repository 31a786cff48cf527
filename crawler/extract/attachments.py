"""Attachments of an article: its download links, outside related and credit boxes.

A link is a download when its URL is one (:func:`crawler.extract.text.is_attachment_url`: a file
extension at the end of the path — ``.pdf``, ``.docx``, ``.xlsx``, ``.zip``, … —, a file name
followed by a CMS's view/download suffix — Plone ``x.pdf/view``, ``x.pdf/@@download/file`` —,
or a download query — ``?download=12:x``, ``?file=``, ``?__blob=publicationFile``) or when the
anchor says so itself (the HTML ``download`` attribute, ``rel="enclosure"``), or when it stands
in a download block (:data:`ATTACHMENT_BLOCK_CLASS`: ``wp-block-file``, ``attachments``,
``download``, ``anhang``, ``enclosure``) and leads to something other than an HTML page. The
same file linked twice (a title link and a "Herunterladen" button) is one attachment, titled by
its first link. The title is
the anchor's text, or, when the anchor also shows the file's type and size, the text of its
part classed as the title (:data:`ATTACHMENT_TITLE_CLASS`: Mercury ``span.dl-title``); an
anchor without text (an icon) is titled by the file name.
A file in a related box is a related link (of kind ``other``), not an attachment.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree

from crawler.extract.context import PageContext
from crawler.extract.index import is_under
from crawler.extract.related import RELATED_HEADINGS, in_box, related_boxes
from crawler.extract.text import element_text, has_invisible, is_attachment_url
from crawler.extract.vocabulary import (
    ATTACHMENT_BLOCK_CLASS,
    ATTACHMENT_EXT,
    ATTACHMENT_TITLE_CLASS,
    CREDIT_HEADINGS,
    CREDIT_INITIALS,
    FILE_SIZE_TAIL,
    PAGE_PATH,
)
from crawler.records import Attachment

#: an extension of :data:`ATTACHMENT_EXT` anywhere in a string (its end not required)
_EXT_ANYWHERE = re.compile(ATTACHMENT_EXT.pattern.rstrip("$"), re.I)
#: what an href must hold (or its base) to be a download by its URL alone: a file extension
#: anywhere (the end of the path is checked after resolving), or a download query word
_MAYBE = re.compile(_EXT_ANYWHERE.pattern + r"|download|file=|__blob", re.I)


def attachments(page: PageContext, scope: Any) -> list[Attachment]:
    """Download links of the article in ``scope``, in document order, one per URL."""
    found: list[Attachment] = []
    seen: set[str] = set()
    # an href that holds none of the words (nor does the base) cannot resolve to a download
    base_may = _MAYBE.search(page.base) is not None
    blocks = _download_blocks(page, scope)
    boxes: list[Any] | None = None  # the page's related boxes, found at the first download
    for anchor in scope.iter("a"):
        href = anchor.get("href") or ""
        marked = anchor.get("download") is not None or anchor.get("rel") == "enclosure"
        in_block = bool(blocks) and any(a in blocks for a in anchor.iterancestors())
        if not (marked or in_block or base_may or _MAYBE.search(href) or has_invisible(href)):
            continue
        url = page.resolve(href)
        if not url or url in seen:
            continue
        if not (
            is_attachment_url(url)
            or marked
            or (in_block and not PAGE_PATH.search(urlsplit(url).path) and not href.startswith("#"))
        ):
            continue
        if in_box(page, anchor, RELATED_HEADINGS) or in_box(
            page, anchor, CREDIT_HEADINGS, CREDIT_INITIALS
        ):
            continue
        if boxes is None:
            boxes = related_boxes(page, page.profile)
        if any(is_under(anchor, box) for box in boxes):
            continue  # (a box whose heading is wrapped apart: GSB's c-module-caption)
        seen.add(url)
        title = _title(anchor) or unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
        found.append(Attachment(url=url, title=title))
    return found


def _download_blocks(page: PageContext, scope: Any) -> set[Any]:
    """The download blocks (:data:`ATTACHMENT_BLOCK_CLASS`) in ``scope``."""
    return {
        el
        for el in page.index.with_class_matching(ATTACHMENT_BLOCK_CLASS)
        if el is not scope and is_under(el, scope)
    }


def _title(anchor: Any) -> str:
    """The anchor's text, or the text of its part classed as the title, without a trailing
    file size ("(184,2 KiB)")."""
    for el in anchor.iter(etree.Element):
        value = el.get("class")
        if el is not anchor and value is not None:
            lowered = value.lower()
            if any(word in lowered for word in ATTACHMENT_TITLE_CLASS):
                text = element_text(el)
                if text:
                    return FILE_SIZE_TAIL.sub("", text)
    return FILE_SIZE_TAIL.sub("", element_text(anchor))


__all__ = ["attachments"]
