"""A page's published date never gets worse: the rule :func:`archive.store.save.save_page`
applies to every re-extraction (a recrawl's new revision, ``reparse``, ``import-warc``).

The sources of a date have a strength (``crawler.dates.DATE_STRENGTH``: metadata > url >
text > feed > teaser). When a page is saved again:

- a date from a *weaker* source than the stored one does not replace it: the page keeps the
  stored date and source, and the pair is recorded in ``date_conflicts`` with outcome
  ``kept`` (a redesign that dropped the metadata, leaving the election day the text
  announces, must not move a release to that day);
- a date from a *stronger* source replaces a weaker one, recorded with outcome ``replaced``;
- a date from a source as strong replaces the stored one silently (a correction), and an
  extraction without a date keeps the stored one (the crawl's hints do the same).

A conflict names both candidates with their provenance: value, source, detail (what the
extractor said it read, when known) and the revision each was extracted with — for the
stored date the first revision holding it, for the new one the revision this save writes
(or the latest one, when the extraction changes nothing else). The same conflict is recorded
once: a recrawl that finds it again writes nothing. ``archive.health`` reports them.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import sqlite_utils

from crawler.clock import now_iso
from crawler.dates import strength
from crawler.records import Extracted

#: ``date_conflicts.outcome``: the stored, stronger date stayed; a stronger one replaced it
OUTCOMES = ("kept", "replaced")


def settle(
    db: sqlite_utils.Database, page: Extracted, stored: tuple[str | None, str | None] | None
) -> tuple[Extracted, dict[str, Any] | None]:
    """The page to save (the stored date kept where the new one is weaker) and the
    ``date_conflicts`` row to record (its revisions still to fill by :func:`record`), or
    None. ``stored``: the page's stored ``(published, published_source)``, None if new."""
    old, old_source = stored or (None, None)
    if not old:
        return page, None
    new, new_source = page.published, page.published_source
    if not new or strength(new_source) < strength(old_source):
        kept_page = dataclasses.replace(page, published=old, published_source=old_source)
        if not new or new == old:  # nothing to choose between: the date stays
            return kept_page, None
        conflict = _row(db, page, "kept", (old, old_source), (new, new_source))
        conflict["kept_revision"] = _first_revision(db, page.url, old, old_source)
        return kept_page, conflict
    if new != old and strength(new_source) > strength(old_source):
        conflict = _row(db, page, "replaced", (new, new_source), (old, old_source))
        conflict["rejected_revision"] = _first_revision(db, page.url, old, old_source)
        return page, conflict
    return page, None


def record(
    db: sqlite_utils.Database,
    conflict: dict[str, Any],
    *,
    revision: int | None,
    event: str,
    fetched_at: str,
) -> bool:
    """Store ``conflict`` (from :func:`settle`) unless the page already has the same one;
    ``revision``: the revision of the extraction that found the new date. Call it inside
    the transaction writing the page. True when a row was written."""
    key = ("page_url", "outcome", "kept", "kept_source", "rejected", "rejected_source")
    where = " AND ".join(f"{column} IS ?" for column in key)
    seen = db.execute(
        f"SELECT 1 FROM date_conflicts WHERE {where}", [conflict[c] for c in key]
    ).fetchone()
    if seen is not None:
        return False
    new_side = "kept_revision" if conflict["outcome"] == "replaced" else "rejected_revision"
    row = {**conflict, new_side: revision, "event": event, "fetched_at": fetched_at}
    db.table("date_conflicts").insert({**row, "found_at": now_iso()})
    return True


def latest_revision(db: sqlite_utils.Database, url: str) -> int | None:
    row = db.execute("SELECT max(revision) FROM revisions WHERE page_url = ?", [url]).fetchone()
    return row[0] if row else None


def _row(
    db: sqlite_utils.Database,
    page: Extracted,
    outcome: str,
    kept: tuple[str, str | None],
    rejected: tuple[str, str | None],
) -> dict[str, Any]:
    return {
        "page_url": page.url,
        "outcome": outcome,
        "kept": kept[0],
        "kept_source": kept[1],
        "kept_detail": _detail(page, *kept),
        "kept_revision": None,
        "rejected": rejected[0],
        "rejected_source": rejected[1],
        "rejected_detail": _detail(page, *rejected),
        "rejected_revision": None,
    }


def _detail(page: Extracted, value: str, source: str | None) -> str | None:
    """What the extractor said it read for this date (its candidate's ``detail``), if the
    new extraction holds the candidate."""
    for candidate in page.date_candidates:
        if (candidate.value, candidate.source) == (value, source):
            return candidate.detail or None
    return None


def _first_revision(
    db: sqlite_utils.Database, url: str, value: str, source: str | None
) -> int | None:
    """The first revision of ``url`` holding the date ``value`` from ``source``."""
    row = db.execute(
        "SELECT min(revision) FROM revisions WHERE page_url = ? AND published = ? "
        "AND published_source IS ?",
        [url, value, source],
    ).fetchone()
    return row[0] if row else None


__all__ = ["OUTCOMES", "latest_revision", "record", "settle"]
