"""Sitemaps (sitemaps.org): ``<urlset>`` pages with their ``<lastmod>``, ``<sitemapindex>``
children, plain or gzip-compressed.

Streaming and bounded, because a site's robots.txt alone can point us at a sitemap of a
million URLs: the bytes are decompressed in slices (at most :data:`MAX_SITEMAP_BYTES` in
all, so a gzip bomb stops there) and fed to an incremental XML parser whose finished
``<url>``/``<sitemap>`` elements are read and dropped at once; the parse stops as soon as
``max_pages`` accepted pages or ``max_sitemaps`` children are known (``truncated`` then
says so). Memory is that of the pages kept, not of the document."""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import lxml.etree

from crawler.discover.markup import absolute

log = logging.getLogger(__name__)

MAX_SITEMAPS = 200
MAX_SITEMAP_BYTES = 50_000_000  # uncompressed, per sitemaps.org
_SLICE = 1 << 16  # bytes fed to the parser at a time


@dataclass
class Sitemap:
    pages: list[tuple[str, str | None]] = field(default_factory=list)  # (loc, lastmod as written)
    sitemaps: list[str] = field(default_factory=list)  # child sitemaps of a sitemap index
    truncated: bool = False  # stopped at a limit: more pages or children follow


def _slices(url: str, body: bytes) -> Iterator[bytes]:
    """``body`` in slices, gunzipped when it is gzip; at most MAX_SITEMAP_BYTES in all."""
    view = memoryview(body)
    if body[:2] != b"\x1f\x8b":
        for start in range(0, min(len(body), MAX_SITEMAP_BYTES), _SLICE):
            yield bytes(view[start : min(start + _SLICE, MAX_SITEMAP_BYTES)])
        if len(body) > MAX_SITEMAP_BYTES:
            log.warning("sitemap %s: only the first %d bytes read", url, MAX_SITEMAP_BYTES)
        return
    unzip = zlib.decompressobj(16 + zlib.MAX_WBITS)
    produced = 0
    for start in range(0, len(body), _SLICE):
        pending = bytes(view[start : start + _SLICE])
        while True:
            try:
                out = unzip.decompress(pending, _SLICE)
            except zlib.error as exc:
                log.warning("sitemap %s: bad gzip data: %s", url, exc)
                return
            pending = unzip.unconsumed_tail
            produced += len(out)
            if produced > MAX_SITEMAP_BYTES:
                log.warning(
                    "sitemap %s: over %d bytes unzipped, rest ignored", url, MAX_SITEMAP_BYTES
                )
                return
            if out:
                yield out
            if unzip.eof:
                return
            if not pending and len(out) < _SLICE:
                break  # this slice is used up


def _local(el: Any) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _child(el: Any, name: str) -> str | None:
    """Collapsed text of the first child (any namespace) called ``name`` that has text."""
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and (tag == name or tag.endswith("}" + name)):
            text = " ".join("".join(child.itertext()).split())
            if text:
                return text
    return None


def _location(url: str, loc: str | None) -> str | None:
    """``loc`` made absolute (the common case, already absolute, without a parse)."""
    if loc and loc.startswith(("http://", "https://")) and " " not in loc:
        return loc
    return absolute(url, loc)


def parse_sitemap(
    url: str,
    body: bytes,
    *,
    keep_page: Callable[[str], bool] | None = None,
    keep_sitemap: Callable[[str], bool] | None = None,
    max_pages: int | None = None,
    max_sitemaps: int | None = None,
) -> Sitemap:
    """``<urlset>`` pages (with ``<lastmod>`` as written) or ``<sitemapindex>`` children,
    gzip-compressed bytes accepted. Only the pages ``keep_page`` and the children
    ``keep_sitemap`` accepts are kept (all without them); the parse stops (``truncated``)
    at one more page than ``max_pages`` or one more child than ``max_sitemaps``."""
    result = Sitemap()
    parser = lxml.etree.XMLPullParser(
        events=("end",), recover=True, resolve_entities=False, no_network=True, huge_tree=False
    )
    keeps = {"url": keep_page, "sitemap": keep_sitemap}
    limits = {"url": max_pages, "sitemap": max_sitemaps}
    first = True
    try:
        for chunk in _slices(url, body):
            if first:
                chunk, first = chunk.lstrip(), not chunk.strip()
            parser.feed(chunk)
            if _collect(parser, url, result, keeps, limits):
                return result
        parser.close()
    except lxml.etree.XMLSyntaxError as exc:
        log.debug("sitemap %s: unparsable XML: %s", url, exc)
    _collect(parser, url, result, keeps, limits)
    return result


def _collect(
    parser: Any,
    url: str,
    result: Sitemap,
    keeps: dict[str, Callable[[str], bool] | None],
    limits: dict[str, int | None],
) -> bool:
    """Read the entries finished so far; True (and ``truncated``) when one more than a
    limit allows is met."""
    for _event, el in parser.read_events():
        kind = _local(el)
        parent = el.getparent()
        if kind in ("url", "sitemap"):
            loc = _location(url, _child(el, "loc"))
            keep = keeps[kind]
            if loc and (keep is None or keep(loc)):
                found = result.pages if kind == "url" else result.sitemaps
                limit = limits[kind]
                if limit is not None and len(found) >= limit:
                    result.truncated = True
                    return True
                if kind == "url":
                    result.pages.append((loc, _child(el, "lastmod")))
                else:
                    result.sitemaps.append(loc)
        elif parent is None or parent.getparent() is not None:
            continue  # the root, or a part of an entry (read with the entry)
        el.clear(keep_tail=False)  # done with it, and with everything before it
        if parent is not None:
            while el.getprevious() is not None:
                del parent[0]
    return False


__all__ = ["MAX_SITEMAPS", "MAX_SITEMAP_BYTES", "Sitemap", "parse_sitemap"]
