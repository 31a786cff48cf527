"""Options shared by the commands (--db, --config, --source, dates) and the way a library
error becomes one line and its exit code.

Nothing here imports more than click, :mod:`crawler.clock` and :mod:`crawler.errors`:
every command module imports this one, and ``pressarchive --help`` imports every command
module.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from crawler.errors import (
    ArchiveError,
    ArchiveMissing,
    ArchiveOutdated,
    InvalidValue,
    PressArchiveError,
)

if TYPE_CHECKING:
    import sqlite_utils

F = TypeVar("F", bound=Callable[..., Any])


class CLIError(click.ClickException):
    """A library error shown as one line, with the error's own exit code."""

    def __init__(self, error: PressArchiveError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code  # type: ignore[misc]


def _db_callback(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """A directory is an archive problem (exit 3, like every unusable archive), refused
    before a command takes a lock or creates anything beside it."""
    if value and Path(value).is_dir():
        raise ArchiveError(f"{value}: is a directory, not an archive file")
    return value


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db_path",
        default="archive.db",
        show_default=True,
        type=click.Path(),
        callback=_db_callback,
        help="SQLite archive file.",
    )(func)


def config_option(func: F) -> F:
    return click.option(
        "--config",
        "config_path",
        default="config.toml",
        show_default=True,
        type=click.Path(dir_okay=False),
        help="Configuration file.",
    )(func)


def source_option(help: str = "Only pages of this source.") -> Callable[[F], F]:
    def decorate(func: F) -> F:
        return click.option("--source", help=help)(func)

    return decorate


# --------------------------------------------------------------------------- dates


def _not_blank(param: click.Parameter, value: str | None, expected: str) -> None:
    """An option given with an empty value (``--since ''``) is a mistake, not "no bound":
    :class:`InvalidValue` naming it (leaving the option out means no bound)."""
    if value is not None and not value.strip():
        raise InvalidValue(
            f"{param.opts[0]} {value!r}: empty; expected {expected} (or leave the option out)"
        )


def _day_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A real calendar day YYYY-MM-DD, checked where the library checks it."""
    from archive.store.checks import require_day

    _not_blank(param, value, "a date YYYY-MM-DD")
    return require_day(param.opts[0], value)


def _time_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A day or a full ISO time, checked where the library checks it; passed on as given
    (messages repeat it); left out: ``None`` (now)."""
    from archive.store.checks import require_bound

    _not_blank(param, value, "a date YYYY-MM-DD or an ISO time")
    require_bound(param.opts[0], value)
    return value.strip() if value else None


def since_option(func: F) -> F:
    return click.option(
        "--since", callback=_day_callback, help="Published on or after YYYY-MM-DD."
    )(func)


def until_option(func: F) -> F:
    return click.option(
        "--until", callback=_day_callback, help="Published on or before YYYY-MM-DD."
    )(func)


def at_option(func: F) -> F:
    return click.option(
        "--at",
        "at",
        callback=_time_callback,
        help="A day YYYY-MM-DD (all of it) or an ISO time YYYY-MM-DDTHH:MM[:SS][Z] [now].",
    )(func)


# --------------------------------------------------------------------------- the archive


def _open_upgraded(db_path: str) -> sqlite_utils.Database:
    """The archive opened read-only; one of an older pressarchive is first upgraded once
    under the writer lock (the only write a read command makes, to an archive only)."""
    from archive.store import locking
    from archive.store.checks import open_existing

    try:
        return open_existing(db_path)
    except ArchiveOutdated as exc:
        try:
            locking.upgrade(db_path)
        except PressArchiveError as failed:
            raise ArchiveOutdated(
                f"{exc}; it cannot be upgraded now ({failed}): run `pressarchive reindex "
                f"--db {db_path}` once where it can be written"
            ) from failed
    return open_existing(db_path)


def open_db(
    db_path: str,
    *,
    source: str | None = None,
    page_type: str | None = None,
    label: str | None = None,
) -> sqlite_utils.Database:
    """The archive at ``db_path`` for a command that only reads: it must exist and is
    opened read-only, never created, migrated or changed (:mod:`archive.store.reader`);
    ``source``, ``page_type`` and ``label`` must name something it has."""
    from archive.outfile import check_stdout
    from archive.store.checks import (
        require_label,
        require_page_type,
        require_source,
    )
    from crawler.errors import ExportError

    check_stdout(ExportError, db_path)  # `pressarchive search x >> archive.db`
    require_page_type(page_type)
    try:
        db = _open_upgraded(db_path)
    except ArchiveMissing as exc:
        if source is None and label is None:
            raise
        unchecked = " and ".join(
            f"{name} {value!r}"
            for name, value in (("--source", source), ("--label", label))
            if value
        )
        raise ArchiveMissing(f"{exc}; {unchecked} not checked") from exc
    require_source(db, source)
    require_label(db, label)
    return db


__all__ = [
    "CLIError",
    "at_option",
    "config_option",
    "db_option",
    "open_db",
    "since_option",
    "source_option",
    "until_option",
]
