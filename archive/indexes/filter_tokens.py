"""Filter tokens: a page's source, type, label, year and images as words of the index.

A filtered search (``--source raunheim --since 2023-01-01``) used to walk every match of
its words in ``pages_search`` and look each one up in ``pages`` to test the filters:
a word in 20,000 of 1,000,000 pages cost 20,000 row lookups for the 500 that pass.
Now every page also carries, in the ``filters`` column of ``pages_search`` (bm25
weight 0, never searched by words), one token per filterable value:

* ``fs…`` source, ``ft…`` page type, ``fl…`` label (a hash of the value: any text,
  one token);
* ``fy2023`` the year of ``published``;
* ``fi1`` / ``fi0`` with or without images.

A missing value is a token too (``fsnone``, ``fynone``, …): every page has five, so the
column adds the same length to every page and bm25 orders pages as before.

:func:`narrowing` turns the filters into a MATCH expression that every passing page
satisfies (a date range becomes its years), ANDed to the query, so FTS5 intersects
doclists instead of SQLite testing rows. It only narrows: the SQL filters still decide
(exact dates, live/removed), so results are the same with or without it.
"""

from __future__ import annotations

import hashlib
from typing import Any

COLUMN = "filters"
#: Part of :data:`archive.indexes.german.ANALYZER`: a change of tokens means a rebuild.
VERSION = "filters 1"
#: A date range over more years than this is left to SQL alone.
MAX_YEARS = 200


def _hashed(prefix: str, value: str) -> str:
    return prefix + hashlib.blake2b(value.encode(), digest_size=8).hexdigest()


def _year(published: Any) -> str | None:
    text = str(published or "")
    return text[:4] if len(text) >= 4 and text[:4].isdigit() else None


def tokens(page: dict[str, Any]) -> str:
    """The ``filters`` column for a ``pages`` row (a dict with its columns)."""
    out = []
    for prefix, column in (("fs", "source"), ("ft", "page_type"), ("fl", "label")):
        value = page.get(column)
        out.append(prefix + "none" if value is None else _hashed(prefix, str(value)))
    out.append("fy" + (_year(page.get("published")) or "none"))
    out.append("fi1" if (page.get("image_count") or 0) > 0 else "fi0")
    return " ".join(out)


def narrowing(
    *,
    source: str | None = None,
    page_type: str | None = None,
    label: str | None = None,
    has_images: bool | None = None,
    since: str | None = None,
    until: str | None = None,
    years: tuple[int, int] | None = None,
) -> str | None:
    """A MATCH expression over the ``filters`` column implied by the filters (``None``
    if none narrows). ``since``/``until`` are ``YYYY-MM-DD``; ``years`` is the range of
    years the archive holds (the open end of a date range)."""
    terms = []
    for prefix, value in (("fs", source), ("ft", page_type), ("fl", label)):
        if value is not None:
            terms.append(f'{COLUMN} : "{_hashed(prefix, str(value))}"')
    if has_images is not None:
        terms.append(f"{COLUMN} : fi{int(has_images)}")
    if (since or until) and years:
        first = int(since[:4]) if since else years[0]
        last = int(until[:4]) if until else years[1]
        span = [f"fy{y}" for y in range(max(first, years[0]), min(last, years[1]) + 1)]
        if not span:
            return f'{COLUMN} : ""'  # no page can pass: match nothing
        if len(span) <= MAX_YEARS:
            terms.append(f"{COLUMN} : ({' OR '.join(span)})")
    return " AND ".join(terms) or None


__all__ = ["COLUMN", "VERSION", "narrowing", "tokens"]
