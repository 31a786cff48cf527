"""Which site a request host gets: a CMS family by host name, else the Sitepark replica.

Kept apart from :mod:`crawler.sample_site.render` (the Sitepark pages) because the families
build on render's helpers: render never needs to know the families exist.
"""

from __future__ import annotations

from crawler.sample_site import families
from crawler.sample_site.render import EDITION_STAMP, Response, render_sitepark


def render_site(edition: int, host: str | None = None) -> dict[str, Response]:
    """Every resource of ``edition``; ``host`` selects a CMS family by host name (see
    ``crawler.sample_site.families``); None or a Sitepark/unknown host is the Sitepark site.
    A family has one content state for every edition."""
    if edition not in EDITION_STAMP:
        raise ValueError(f"unknown edition {edition}")
    if host is not None:
        family = families.family_of_host(host)
        if family is not None:
            return families.render_family(family)
    return render_sitepark(edition)
