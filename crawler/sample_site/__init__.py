"""The bundled sample site: an offline replica of a Sitepark IES city press section.

Built from ``content.json`` (page specs and the ground truth of every article-like page),
which ``make_content.py`` generates deterministically. Markup contract: ``MARKUP.md``.

    from crawler.sample_site import SampleSite, ground_truth
    with SampleSite(edition=1, crawl_delay="0.05") as site:
        site.connect_to()   # {"www.ruesselsheim.test": "127.0.0.1:PORT", ...}
        ground_truth(1)     # canonical URL -> expected extracted fields

More CMS families answer on their own host names through the same server
(``crawler/sample_site/families``): ``family_ground_truth("typo3")``, ``family_hosts(...)``,
``family_config_text(family, port)``, ``render_site(1, host="www.hanau.test")``.
"""

from __future__ import annotations

import copy
from typing import Any

from crawler.sample_site import families
from crawler.sample_site.render import (
    CANONICAL_BASE,
    HOSTS,
    REDESIGN_EDITION,
    Response,
    load_content,
    resolve,
)
from crawler.sample_site.server import RequestRecord, SampleSite
from crawler.sample_site.sites import render_site

#: CMS families of the sample site; "sitepark" is the original Rüsselsheim replica
FAMILIES = ("sitepark", *families.FAMILY_NAMES)

__all__ = [
    "CANONICAL_BASE",
    "FAMILIES",
    "HOSTS",
    "RequestRecord",
    "Response",
    "SampleSite",
    "edition_changes",
    "family_config_text",
    "family_ground_truth",
    "family_hosts",
    "ground_truth",
    "removed_urls",
    "render_site",
    "resolve",
]


def ground_truth(edition: int) -> dict[str, dict[str, Any]]:
    """Canonical URL → expected extracted fields of every article-like page live in ``edition``
    (press releases, topic, notice and org-unit pages; not listings, feeds or ``/intern/``).

    Edition 3 (a partial redesign, ``render.redesigned``) has no ground truth: it exists to
    test drift detection, and raises ``ValueError``."""
    if edition == REDESIGN_EDITION:
        raise ValueError(
            f"edition {edition} is a redesign for drift detection: it has no ground truth"
        )
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


def _check_family(family: str) -> None:
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r} (known: {', '.join(FAMILIES)})")


def family_ground_truth(family: str, edition: int = 1) -> dict[str, dict[str, Any]]:
    """:func:`ground_truth` of one family; the new families look the same in every edition."""
    _check_family(family)
    if family == "sitepark":
        return ground_truth(edition)
    render_site(edition)  # unknown edition: ValueError, as for Sitepark
    return families.family_truth(family)


def family_hosts(family: str) -> tuple[str, ...]:
    """Host names a family answers on; the first is canonical (ground-truth URLs use it)."""
    _check_family(family)
    if family == "sitepark":
        return HOSTS
    return tuple(families.family_module(family).HOSTS)


def family_config_text(family: str, port: int) -> str:
    """A ``[sources.<family>]`` TOML table (with its ``connect_to``) for crawling ``family`` on
    ``127.0.0.1:port``; append it to a config that has a ``[crawler]`` table."""
    _check_family(family)
    if family == "sitepark":
        # here: keeps the config loader (~0.07 s) out of importing the sample site
        from crawler.sample_site.demo import sample_config_text

        text = sample_config_text(port)
        table = text[text.index("[sources.") :]
        return table.replace("[sources.sample", "[sources.sitepark")
    return families.family_module(family).config_text(port)
