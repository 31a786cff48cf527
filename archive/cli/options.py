"""Options shared by the commands (--db, --config, --source, dates) and the way a library
error becomes one line and its exit code.

Nothing here imports more than click, :mod:`crawler.clock` and :mod:`crawler.errors`:
every command module imports this one, and ``pressarchive --help`` imports every command
module.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from crawler.clock import parse_day, upper_bound
from crawler.errors import ArchiveError, ArchiveMissing, InvalidValue, PressArchiveError

if TYPE_CHECKING:
    import sqlite_utils

F = TypeVar("F", bound=Callable[..., Any])


class CLIError(click.ClickException):
    """A library error shown as one line, with the error's own exit code."""

    def __init__(self, error: PressArchiveError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code  # type: ignore[misc]


def library_errors(func: F) -> F:
    """Turn a :class:`PressArchiveError` into :class:`CLIError`. The root group does this
    for every command; this decorator is for commands used outside it."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PressArchiveError as exc:
            raise CLIError(exc) from exc

    return wrapper  # type: ignore[return-value]


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


def json_option(func: F) -> F:
    """A plain ``--json`` flag (``as_json``); :func:`archive.cli.output.output_options`
    is the shared way to print."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(func)


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


def check_day(option: str, value: str | None) -> str | None:
    """``value`` if it is a real calendar day YYYY-MM-DD (:func:`crawler.clock.parse_day`);
    :class:`InvalidValue` naming ``option`` if not."""
    if value is None:
        return None
    try:
        parse_day(value)
    except ValueError as exc:
        raise InvalidValue(f"{option} {value!r}: {exc}") from exc
    return value.strip()


def check_time(option: str, value: str | None) -> str | None:
    """``value`` if it is a day YYYY-MM-DD or a full ISO time (what
    :func:`crawler.clock.upper_bound` reads); :class:`InvalidValue` naming ``option`` if
    not. Blank means "now" (``None``)."""
    if value is None or not value.strip():
        return None
    try:
        upper_bound(value)
    except ValueError as exc:
        raise InvalidValue(f"{option} {value!r}: {exc}") from exc
    return value.strip()


def _day_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    return check_day(param.opts[0], value)


def _time_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    return check_time(param.opts[0], value)


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


def open_db(
    db_path: str,
    *,
    source: str | None = None,
    page_type: str | None = None,
    label: str | None = None,
) -> sqlite_utils.Database:
    """The archive at ``db_path``, which must exist (nothing is created); ``source``,
    ``page_type`` and ``label`` must name something it has."""
    from archive.store.checks import (
        open_existing,
        require_label,
        require_page_type,
        require_source,
    )

    require_page_type(page_type)
    try:
        db = open_existing(db_path)
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
    "check_day",
    "check_time",
    "config_option",
    "db_option",
    "json_option",
    "library_errors",
    "open_db",
    "since_option",
    "source_option",
    "until_option",
]
