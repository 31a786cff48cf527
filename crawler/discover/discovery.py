"""The names discovery had when it was one module, for callers that still import them here.

New code imports from the module of the concern: :mod:`crawler.discover.core`
(:func:`discover`, :class:`Discovery`, the cache protocol), :mod:`~crawler.discover.listings`,
:mod:`~crawler.discover.feeds`, :mod:`~crawler.discover.sitemaps`.
"""

from __future__ import annotations

from crawler.discover.core import (
    PAYLOAD_VERSION,
    CachedDiscovery,
    Discovery,
    DiscoveryCache,
    Progress,
    discover,
)
from crawler.discover.feeds import parse_feed
from crawler.discover.listings import MAX_LISTING_PAGES, Listing, parse_listing
from crawler.discover.sitemaps import MAX_SITEMAP_BYTES, MAX_SITEMAPS, Sitemap, parse_sitemap

__all__ = [
    "MAX_LISTING_PAGES",
    "MAX_SITEMAPS",
    "MAX_SITEMAP_BYTES",
    "PAYLOAD_VERSION",
    "CachedDiscovery",
    "Discovery",
    "DiscoveryCache",
    "Listing",
    "Progress",
    "Sitemap",
    "discover",
    "parse_feed",
    "parse_listing",
    "parse_sitemap",
]
