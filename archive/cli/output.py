"""One output path for every command: text, ``--json`` or ``--csv`` (where tabular).

A command computes its result and hands it to :meth:`Output.emit` with a function giving
the text lines; the format the user chose decides what is printed::

    @cli.command()
    @output_options(csv=True)
    def central(..., out: Output) -> None:
        rows = central(g, top)
        out.emit(rows, text=central_lines, fields=CENTRAL_FIELDS)

``--json`` prints the result as given (indented, UTF-8, dates as strings); ``--csv`` a
header of ``fields`` and one line per row (lists joined with ``"; "``).
"""

from __future__ import annotations

import csv
import functools
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def echo_json(data: Any) -> None:
    """``data`` as indented JSON, written in pieces of about 64 kB as it is encoded (never
    the whole text in memory: ``status --json`` of 50,000 sources is ~90 MB of JSON)."""
    encoder = json.JSONEncoder(ensure_ascii=False, indent=2, default=str)
    piece: list[str] = []
    size = 0
    for chunk in encoder.iterencode(data):
        piece.append(chunk)
        size += len(chunk)
        if size >= 65536:
            click.echo("".join(piece), nl=False)
            piece, size = [], 0
    click.echo("".join(piece))


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple) and all(not isinstance(v, dict | list) for v in value):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def echo_csv(rows: Iterable[dict[str, Any]], fields: Sequence[str]) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=list(fields), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(row.get(k)) for k in fields})
    sys.stdout.flush()


@dataclass(frozen=True)
class Output:
    """The output format chosen on the command line: ``text``, ``json`` or ``csv``."""

    format: str = "text"

    @property
    def text(self) -> bool:
        return self.format == "text"

    def emit(
        self,
        data: Any,
        *,
        text: Callable[[Any], Iterable[str]],
        rows: Callable[[Any], Iterable[dict[str, Any]]] | None = None,
        fields: Sequence[str] | None = None,
    ) -> None:
        """Print ``data``: as JSON, as CSV of ``rows(data)`` (default: ``data``, a list
        of dicts) with columns ``fields``, or as the lines ``text(data)`` yields."""
        if self.format == "json":
            echo_json(data)
        elif self.format == "csv":
            table = list(rows(data) if rows else data)
            echo_csv(table, fields or (list(table[0]) if table else []))
        else:
            for line in text(data):
                click.echo(line)


def output_options(*, csv: bool = False, csv_help: str | None = None) -> Callable[[F], F]:
    """Add ``--json`` (and ``--csv`` if the result is a table); the command receives one
    ``out: Output`` instead of the flags. ``--json`` with ``--csv`` is a usage error."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            as_json = kwargs.pop("as_json", False)
            as_csv = kwargs.pop("as_csv", False)
            if as_json and as_csv:
                raise click.UsageError("--json and --csv exclude each other; give one")
            fmt = "json" if as_json else "csv" if as_csv else "text"
            return func(*args, out=Output(fmt), **kwargs)

        command: Callable[..., Any] = wrapper
        command = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(
            command
        )
        if csv:
            command = click.option(
                "--csv", "as_csv", is_flag=True, help=csv_help or "Print CSV (one row per line)."
            )(command)
        return command  # type: ignore[return-value]

    return decorate


__all__ = ["Output", "echo_csv", "echo_json", "output_options"]
