"""Sitemaps (sitemaps.org): ``<urlset>`` pages with their ``<lastmod>``, ``<sitemapindex>``
children, plain or gzip-compressed."""

from __future__ import annotations

import gzip
import logging
import zlib
from dataclasses import dataclass, field

from crawler.discover.markup import absolute, child_text, xml_document

log = logging.getLogger(__name__)

MAX_SITEMAPS = 200
MAX_SITEMAP_BYTES = 50_000_000  # uncompressed, per sitemaps.org


@dataclass
class Sitemap:
    pages: list[tuple[str, str | None]] = field(default_factory=list)  # (loc, lastmod as written)
    sitemaps: list[str] = field(default_factory=list)  # child sitemaps of a sitemap index


def parse_sitemap(url: str, body: bytes) -> Sitemap:
    """``<urlset>`` pages (with ``<lastmod>`` as written) or ``<sitemapindex>`` children;
    gzip-compressed bytes are accepted."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, MAX_SITEMAP_BYTES)
        except (zlib.error, gzip.BadGzipFile) as exc:
            log.warning("sitemap %s: bad gzip data: %s", url, exc)
            return Sitemap()
    root = xml_document(body)
    if root is None:
        return Sitemap()
    result = Sitemap()
    for el in root.xpath("//*[local-name()='url']"):
        loc = absolute(url, child_text(el, "loc"))
        if loc:
            result.pages.append((loc, child_text(el, "lastmod")))
    for el in root.xpath("//*[local-name()='sitemap']"):
        loc = absolute(url, child_text(el, "loc"))
        if loc:
            result.sitemaps.append(loc)
    return result


__all__ = ["MAX_SITEMAPS", "MAX_SITEMAP_BYTES", "Sitemap", "parse_sitemap"]
