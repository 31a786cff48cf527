"""One extracted page as the archive stores it: every URL in canonical form, a missing
date from hints. The crawl's workers (:mod:`crawler.engine.workers`) and ``reparse``'s
(:mod:`archive.run.pool`) put the URLs in canonical form without hints; the hints, which
read the store, are added by the one writer (:func:`date_from_hints`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from crawler.engine.store import Store
from crawler.fetch.urls import UrlPolicy
from crawler.records import Candidate, Extracted, FetchResult, Link

HINT_ORDER = ("feed", "teaser")


def finish_page(
    store: Store,
    policy: UrlPolicy,
    cand: Candidate,
    result: FetchResult,
    page: Extracted,
    *,
    hints: bool = True,
) -> Extracted:
    """``page`` (extracted from ``result``) with canonical URLs and (with ``hints``) a missing
    date filled from hints."""
    canon = policy.canonical
    final = canon(result.final_url) if result.final_url else None
    page.url = final if final and policy.allowed(final) else cand.url
    page.images = [dataclasses.replace(i, src=canon(i.src) or i.src) for i in page.images]
    page.related = [_canon_link(link, canon) for link in page.related]
    page.links = [canon(u) or u for u in page.links]
    page.attachments = [dataclasses.replace(a, url=canon(a.url) or a.url) for a in page.attachments]
    if page.canonical:
        page.canonical = canon(page.canonical) or page.canonical
    if hints and not page.published:
        date_from_hints(store, page, cand)
    return page


def date_from_hints(store: Store, page: Extracted, cand: Candidate) -> None:
    """A page without a date of its own keeps the date it was first archived with,
    else takes the strongest hint from another page (feed before teaser)."""
    previous = store.stored_date(page.url)
    if previous:
        page.published, page.published_source = previous
        return
    for kind in HINT_ORDER:
        dates = sorted({h.value for h in cand.hints if h.source == kind})
        if dates:
            page.published, page.published_source = dates[0], kind
            page.date_candidates.extend(h for h in cand.hints if h.source == kind)
            return


def _canon_link(link: Link, canon: Callable[[str], str | None]) -> Link:
    return dataclasses.replace(link, url=canon(link.url) or link.url)


__all__ = ["HINT_ORDER", "date_from_hints", "finish_page"]
