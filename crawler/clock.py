"""The one clock and the one timestamp format of pressarchive.

Every *timestamp* pressarchive writes — a time it did something: fetched, saved, started
or finished a run, scheduled the next one, applied a migration — is ISO 8601 in UTC with
millisecond precision and a ``Z`` suffix, always 24 characters::

    2026-12-04T05:40:40.123Z

Why milliseconds, not seconds: a page can be fetched twice within one second (two runs
back to back, a redirect and its target, the tests), and times are compared to order
revisions in time — :func:`archive.store.revisions.show` takes the latest revision
``fetched_at <= at``, the graph's spans are ``[fetched_at, next fetched_at)``, and a
successful run confirms its edges when ``last_seen < finished_at``. With seconds, such
ties made empty spans and unordered times; the fetcher and the WARC records
(``WARC-Date``) already used milliseconds.

Because the format is fixed-width, always UTC and always the same suffix, two stored
timestamps compare correctly **as strings** (SQL ``<``, ``max()``, ``ORDER BY``, Python
``<=``), so nothing has to parse or rewrite them (formerly ``replace('+00:00', 'Z')`` all
over the graph code). A time coming from *outside* (a foreign ``WARC-Date``, an old
archive) goes through :func:`to_iso` first; :func:`parse_iso` gives an aware datetime
where arithmetic is needed (run durations, overdue checks). What a user types is read
by :func:`parse_day` (``--since``, ``--until``: ``YYYY-MM-DD`` only) and
:func:`upper_bound` (``--at``: a whole day or a full ISO time), which raise
:class:`ValueError`; their callers name the option.

Timestamp columns of the archive (the list the tests check, kept in
``archive.store.schema.TIMESTAMP_COLUMNS``; migration 9 ``utc_timestamps`` rewrote older
rows, which mixed ``…:57.079Z``, ``…:13Z`` and ``…:56+00:00``):

- ``sources.added_at``; ``pages.first_seen``, ``last_fetched``, ``last_changed``,
  ``removed_at``; ``revisions.fetched_at``, ``removed_at``; ``aliases.first_seen``;
- ``crawl_runs.started_at``, ``finished_at``; ``fetch_errors.time``;
  ``discovery_cache.fetched_at``; ``schedule_state.next_run_at``, ``updated_at``;
- ``graph_edges.first_seen``, ``last_seen``, ``ended_at``; ``migrations.applied_at``.

Not timestamps, left as they come (content or protocol values, never rewritten):
``published`` and ``modified`` of pages and revisions (release dates, ``YYYY-MM-DD``
from the page), ``date`` of links (teaser dates), ``graph_edges.date`` (a link's date),
and ``last_modified`` of pages and the discovery cache (the server's HTTP
``Last-Modified`` header, sent back verbatim in ``If-Modified-Since``). The WARC file
names' compact stamp (``…-20261204T054040Z-00000.warc.gz``) is a name, not a column.

Outside the archive the same format is used for the lock file's ``since=``, the
scheduler's JSON log lines and ``next run`` messages, and ``WARC-Date`` headers.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

#: A timestamp in the one format (what every timestamp column holds).
ISO_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")

#: A day as given on the command line (``--since``, ``--until``, ``--at``): YYYY-MM-DD only.
_DAY_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
#: A time as given on the command line: that day, ``T``, hours and minutes, and whatever
#: :func:`parse_iso` reads after them (seconds, a fraction, ``Z`` or an offset).
_TIME_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?")

#: The same format as an SQLite ``strftime`` pattern (``%f`` is ``SS.SSS``); SQLite parses
#: ``Z``, ``+HH:MM`` offsets, fractions and naive times (as UTC), like :func:`to_iso`.
SQLITE_FORMAT = "%Y-%m-%dT%H:%M:%fZ"


def now() -> datetime:
    """The current time, an aware datetime in UTC."""
    return datetime.now(UTC)


def now_iso() -> str:
    """The current time in the one format, e.g. ``2026-12-04T05:40:40.123Z``: truncated to
    the millisecond, so a stamp is never later than the clock that was read."""
    current = now()
    return to_iso(current.replace(microsecond=current.microsecond // 1000 * 1000))


def parse_iso(value: str) -> datetime:
    """An ISO 8601 time as an aware datetime in UTC; naive times are taken as UTC.

    Accepts what :meth:`datetime.fromisoformat` does (Python 3.11: ``Z``, ``+HH:MM``
    offsets, a fraction of any length, ``T`` or a space, a bare date = midnight); raises
    :class:`ValueError` for anything else.
    """
    parsed = datetime.fromisoformat(value.strip())
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def to_iso(value: datetime | str) -> str:
    """``value`` (a datetime, or a string :func:`parse_iso` reads) in the one format.

    Sub-millisecond digits are rounded half up, as SQLite's ``strftime`` (:data:`SQLITE_FORMAT`,
    used by migration 9 ``utc_timestamps``) does: ``…40.1235`` → ``…40.124``, ``…40.9995``
    → ``…41.000``. Like SQLite, a time in the last half millisecond of a minute stays at
    ``:59.999`` instead of carrying into the next minute (SQLite carries there only for a
    non-zero UTC offset; no pressarchive version wrote one). Digits beyond microseconds are
    dropped by :func:`parse_iso` first, which cannot cross the half. Raises
    :class:`ValueError` for an unreadable string.
    """
    when = parse_iso(value) if isinstance(value, str) else value
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    naive = when.astimezone(UTC).replace(tzinfo=None)
    millis, rest = divmod(naive.microsecond, 1000)
    naive = naive.replace(microsecond=millis * 1000)
    if rest >= 500 and not (naive.second == 59 and millis == 999):
        naive += timedelta(milliseconds=1)
    return naive.isoformat(timespec="milliseconds") + "Z"


def parse_day(value: str) -> date:
    """The calendar day ``YYYY-MM-DD`` (surrounding blanks aside), and nothing else: not
    the compact ``20261204`` nor a week date, which :meth:`date.fromisoformat` also
    reads. Raises :class:`ValueError` for anything else or an impossible day
    (``2025-02-30``). The one reader of a day given from outside (``--since``,
    ``--until``, the day form of ``--at``)."""
    text = value.strip() if isinstance(value, str) else ""
    if not _DAY_PATTERN.fullmatch(text):
        raise ValueError("expected a date YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"expected a date YYYY-MM-DD ({exc})") from exc


def upper_bound(value: str) -> str:
    """The latest stored timestamp counted as "at or before ``value``", in the one format,
    so it compares with stored times as a string: a day ``YYYY-MM-DD`` means the whole
    day (:func:`end_of_day`); a full ISO time ``YYYY-MM-DDTHH:MM[:SS[.fff]]`` with an
    optional ``Z`` or offset means that moment in UTC (naive: UTC). Raises
    :class:`ValueError` for anything else (a compact ``20261204`` too, which would
    otherwise be read as midnight). The one reader of ``--at``."""
    text = value.strip() if isinstance(value, str) else ""
    if _DAY_PATTERN.fullmatch(text):
        return end_of_day(text)
    if not _TIME_PATTERN.fullmatch(text):
        raise ValueError("expected a date YYYY-MM-DD or an ISO time YYYY-MM-DDTHH:MM[:SS][Z]")
    try:
        return to_iso(text)
    except ValueError as exc:
        raise ValueError(
            f"expected a date YYYY-MM-DD or an ISO time YYYY-MM-DDTHH:MM[:SS][Z] ({exc})"
        ) from exc


def parse_stored(value: str | None) -> datetime | None:
    """A time read from the archive as for :func:`parse_iso`, or ``None`` when it is empty
    or unreadable (a damaged row must not stop a status report)."""
    if not value:
        return None
    try:
        return parse_iso(value)
    except ValueError:
        return None


def end_of_day(day: str) -> str:
    """The last millisecond of the UTC day ``day`` (``YYYY-MM-DD``), in the one format: the
    bound for "on or before that day" (``show --at``, ``graph --at``). Raises
    :class:`ValueError` if ``day`` is not a date (see :func:`parse_day`)."""
    return parse_day(day).isoformat() + "T23:59:59.999Z"


def is_iso(value: object) -> bool:
    """Whether ``value`` is a string in the one format."""
    return isinstance(value, str) and ISO_PATTERN.fullmatch(value) is not None


__all__ = [
    "ISO_PATTERN",
    "SQLITE_FORMAT",
    "end_of_day",
    "is_iso",
    "now",
    "now_iso",
    "parse_day",
    "parse_iso",
    "parse_stored",
    "to_iso",
    "upper_bound",
]
