"""The bundled sample site: an offline replica of a Sitepark IES city press section.

Built from ``content.json`` (page specs and the ground truth of every article-like page),
which ``make_content.py`` generates deterministically. Markup contract: ``MARKUP.md``.

    from crawler.sample_site import SampleSite, ground_truth
    with SampleSite(edition=1, crawl_delay="0.05") as site:
        site.connect_to()   # {"www.ruesselsheim.test": "127.0.0.1:PORT", ...}
        ground_truth(1)     # canonical URL -> expected extracted fields
"""

from __future__ import annotations

import copy
from typing import Any

from crawler.sample_site.render import (
    CANONICAL_BASE,
    HOSTS,
    Response,
    load_content,
    render_site,
    resolve,
)
from crawler.sample_site.server import RequestRecord, SampleSite

__all__ = [
    "CANONICAL_BASE",
    "HOSTS",
    "RequestRecord",
    "Response",
    "SampleSite",
    "edition_changes",
    "ground_truth",
    "removed_urls",
    "render_site",
    "resolve",
]


def ground_truth(edition: int) -> dict[str, dict[str, Any]]:
    """Canonical URL → expected extracted fields of every article-like page live in ``edition``
    (press releases, topic, notice and org-unit pages; not listings, feeds or ``/intern/``)."""
    truth = load_content()["ground_truth"].get(str(edition))
    if truth is None:
        raise ValueError(f"unknown edition {edition}")
    return copy.deepcopy(truth)


def removed_urls(edition: int) -> set[str]:
    """Canonical URLs that existed in edition 1 and answer 404 in ``edition``."""
    return set(ground_truth(1)) - set(ground_truth(edition))


def edition_changes(old: int, new: int) -> dict[str, set[str]]:
    """Pages new in ``new``, changed between the two (any expected field), and removed."""
    before, after = ground_truth(old), ground_truth(new)
    return {
        "new": set(after) - set(before),
        "changed": {u for u in set(after) & set(before) if after[u] != before[u]},
        "removed": set(before) - set(after),
    }
