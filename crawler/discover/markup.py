"""Reading the bytes discovery fetches: HTML (decoded as the extractor decodes it,
``crawler.extract.text.decode_html``: header, byte-order mark, ``<meta>``, mixed UTF-8 and
windows-1252) and XML (feeds, sitemaps) into lxml trees, and the small helpers the parsers
share (absolute links, text); first matches and class tests are the extractor's
(``crawler.extract.text``)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.etree

from crawler.extract.parse import parse_html
from crawler.extract.text import decode_html, first, prepare_markup

log = logging.getLogger(__name__)


def text_of(el: Any) -> str:
    """The element's text, whitespace collapsed; "" for None."""
    return " ".join(el.text_content().split()) if el is not None else ""


def html_document(body: bytes, headers: Mapping[str, str]) -> Any:
    """The HTML document, decoded as the extractor decodes pages; None when empty or
    unparsable."""
    if not body.strip():
        return None
    text = prepare_markup(decode_html(body, {k.lower(): v for k, v in headers.items()}))
    if not text.strip():
        return None
    try:
        return parse_html(text, kind="html")
    except (lxml.etree.LxmlError, ValueError) as exc:
        log.debug("unparsable HTML: %s", exc)
        return None


def xml_document(body: bytes) -> Any:
    """The XML root (recovering, no entities, no network); None when unparsable."""
    parser = lxml.etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, huge_tree=False
    )
    try:
        return lxml.etree.fromstring(body.strip(), parser=parser)
    except lxml.etree.XMLSyntaxError as exc:
        log.debug("unparsable XML: %s", exc)
        return None


def base_url(doc: Any, url: str) -> str:
    """The document's ``<base href>`` resolved against ``url``, else ``url``."""
    href = first(doc, "//base/@href")
    return urljoin(url, str(href).strip()) if href else url


def absolute(base: str, href: str | None) -> str | None:
    """``href`` resolved against ``base``; None for empty, fragment-only or non-HTTP links."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    scheme = urlsplit(href).scheme.lower()
    if scheme and scheme not in ("http", "https"):
        return None
    return urljoin(base, href)


def unique(urls: Iterable[str | None], exclude: str = "") -> list[str]:
    """The URLs in order, without None, repeats or ``exclude`` (one pass, a set)."""
    seen = {exclude}
    out: list[str] = []
    for u in urls:
        if u and u not in seen:
            seen.add(u)
            out.append(u)
    return out


def child_text(el: Any, *names: str) -> str | None:
    """Collapsed text of the first child (any namespace) named one of ``names`` that has text."""
    for name in names:
        found = el.xpath(f"./*[local-name()='{name}']")
        if found:
            text = " ".join("".join(found[0].itertext()).split())
            if text:
                return text
    return None
