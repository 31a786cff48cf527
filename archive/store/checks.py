"""Checks for commands that read the archive: that it exists and is ours, and that a
``--source``, ``--type`` or ``--label`` names something it has.

:func:`open_existing` opens an archive read-only and never creates, migrates or changes a
file (unlike :func:`~archive.store.schema.open_archive`, which the write commands use): a
missing path raises :class:`~crawler.errors.ArchiveMissing`, a file that is not a
pressarchive archive :class:`~crawler.errors.ArchiveError` (see :mod:`archive.store.reader`).
The ``require_*`` functions raise with the value and what exists instead of letting a
filter silently match nothing; :func:`require_day` and :func:`require_bound` read a
``--since``/``--until`` day and an ``--at`` bound for the library functions.
"""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path

import sqlite_utils

from archive.store.reader import check_archive, open_reader
from crawler.clock import parse_day, upper_bound
from crawler.errors import InvalidValue, SourceNotFound
from crawler.records import STORED_PAGE_TYPES

_LISTED = 20  # values named in an error message; the rest are counted


def check_archive_file(path: str | Path) -> None:
    """Raise unless ``path`` is an existing pressarchive archive, maybe in need of
    migrations (a write command applies them); only reads it and creates nothing
    (:func:`archive.store.reader.check_archive`)."""
    check_archive(path, current=False)


def open_existing(path: str | Path) -> sqlite_utils.Database:
    """The archive at ``path``, which must exist, opened read-only for a command that only
    reads: never migrated, converted or created (:func:`archive.store.reader.open_reader`;
    an archive of an older version is refused naming the command that upgrades it)."""
    return open_reader(path)


def _listing(values: list[str]) -> str:
    if not values:
        return "none yet"
    shown = ", ".join(values[:_LISTED])
    more = len(values) - _LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def _close(value: str, values: list[str]) -> str:
    by_fold = {v.casefold(): v for v in values}
    if value.casefold() in by_fold:
        return f"; did you mean '{by_fold[value.casefold()]}'?"
    near = difflib.get_close_matches(value, values, n=3, cutoff=0.75)
    return f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""


def known_sources(db: sqlite_utils.Database) -> list[str]:
    """The sources of the archive: those stored in ``sources`` and those of its pages."""
    rows = db.execute(
        "SELECT name FROM sources UNION SELECT source FROM pages WHERE source IS NOT NULL"
    ).fetchall()
    return sorted(str(r[0]) for r in rows)


def require_source(db: sqlite_utils.Database, name: str | None) -> None:
    """Raise :class:`SourceNotFound` unless ``name`` is ``None`` or a source of the archive."""
    if name is None:
        return
    known = known_sources(db)
    if name not in known:
        raise SourceNotFound(
            f"--source '{name}': no such source in the archive (known: {_listing(known)})"
            + _close(name, known)
        )


def require_page_type(page_type: str | None) -> None:
    """Raise :class:`InvalidValue` unless ``page_type`` is ``None`` or a type of page an
    archive holds (:data:`~crawler.records.STORED_PAGE_TYPES`: never ``listing``)."""
    if page_type is not None and page_type not in STORED_PAGE_TYPES:
        raise InvalidValue(
            f"--type '{page_type}': no such page type (one of {', '.join(STORED_PAGE_TYPES)})"
            + _close(page_type, list(STORED_PAGE_TYPES))
        )


def require_day(option: str, value: str | date | None) -> str | None:
    """``value`` as ``YYYY-MM-DD`` (:func:`crawler.clock.parse_day`; a :class:`date` is
    taken as is), ``None`` for ``None`` or blank; :class:`InvalidValue` naming ``option``
    and the value if it is not a day."""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if value is None or not str(value).strip():
        return None
    try:
        return parse_day(value).isoformat()
    except ValueError as exc:
        raise InvalidValue(f"{option} {value!r}: {exc}") from exc


def require_bound(option: str, value: str | None) -> str | None:
    """The stored-time bound "at or before ``value``" (:func:`crawler.clock.upper_bound`: a
    day means the whole day), ``None`` for ``None`` or blank (now); :class:`InvalidValue`
    naming ``option`` and the value if it is neither a day nor a full ISO time."""
    if value is None or not value.strip():
        return None
    try:
        return upper_bound(value)
    except ValueError as exc:
        raise InvalidValue(f"{option} {value!r}: {exc}") from exc


def known_labels(db: sqlite_utils.Database) -> list[str]:
    """The labels of the archive's pages, most frequent first."""
    rows = db.execute(
        "SELECT label FROM pages WHERE label IS NOT NULL AND label != '' "
        "GROUP BY label ORDER BY count(*) DESC, label"
    ).fetchall()
    return [str(r[0]) for r in rows]


def require_label(db: sqlite_utils.Database, label: str | None) -> None:
    """Raise :class:`InvalidValue` unless ``label`` is ``None`` or a label of some page."""
    if label is None:
        return
    known = known_labels(db)
    if label not in known:
        raise InvalidValue(
            f"--label '{label}': no page has this label (known, most used first: "
            f"{_listing(known)})" + _close(label, known)
        )


__all__ = [
    "check_archive_file",
    "known_labels",
    "known_sources",
    "open_existing",
    "require_bound",
    "require_day",
    "require_label",
    "require_page_type",
    "require_source",
]
