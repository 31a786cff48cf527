"""The ``pressarchive`` command: the root group, which loads each subcommand's module only
when that command runs (or ``--help`` lists it).

One module per command group: :mod:`archive.cli.crawl` (crawl, schedule, demo,
sample-site), :mod:`archive.cli.search` (search, export), :mod:`archive.cli.pages`
(history, diff, show, extract), :mod:`archive.cli.maintain` (status, reparse, import-warc),
:mod:`archive.cli.reindex`, :mod:`archive.cli.merge`, :mod:`archive.cli.graph` (the graph group),
:mod:`archive.cli.profile` (learned site templates), :mod:`archive.cli.serve`,
:mod:`archive.cli.watch` (saved searches, feeds, alerts), :mod:`archive.cli.topics`
(topics, entities). Shared options are in
:mod:`archive.cli.options`, the text/JSON/CSV output in :mod:`archive.cli.output`. Command
modules import their libraries inside the command functions, so ``pressarchive --help``
never loads Datasette, networkx, trafilatura, lxml or httpx.
"""

from __future__ import annotations

import importlib
import logging
import sys
import traceback
from typing import Any

import click

from archive.cli.options import CLIError
from crawler.errors import EXIT_CODES, EXIT_INTERNAL, EXIT_INTERRUPTED, PressArchiveError

#: Subcommand name → "module:function", imported when the command runs or --help lists it;
#: a wrong entry fails loudly (tests/archive/test_exit_codes.py imports every one).
COMMANDS: dict[str, str] = {
    "crawl": "archive.cli.crawl:crawl",
    "schedule": "archive.cli.crawl:schedule",
    "demo": "archive.cli.crawl:demo",
    "sample-site": "archive.cli.crawl:sample_site",
    "search": "archive.cli.search:search",
    "export": "archive.cli.search:export",
    "history": "archive.cli.pages:history",
    "diff": "archive.cli.pages:diff",
    "show": "archive.cli.pages:show",
    "extract": "archive.cli.pages:extract",
    "status": "archive.cli.maintain:status",
    "reparse": "archive.cli.maintain:reparse",
    "import-warc": "archive.cli.maintain:import_warc",
    "merge": "archive.cli.merge:merge",
    "reindex": "archive.cli.reindex:reindex",
    "graph": "archive.cli.graph:graph",
    "serve": "archive.cli.serve:serve",
    "profile": "archive.cli.profile:profile",
    "watch": "archive.cli.watch:watch",
    "topics": "archive.cli.topics:topics",
    "entities": "archive.cli.topics:entities",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use from ``lazy_subcommands``
    (name → "module:attribute"), like click's documented LazyGroup. An entry that cannot
    be imported raises (ImportError, AttributeError): a typo is a bug, not a missing
    command."""

    def __init__(
        self, *args: Any, lazy_subcommands: dict[str, str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_subcommands = dict(lazy_subcommands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_subcommands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        target = self.lazy_subcommands.get(cmd_name)
        if target is None:
            return None
        module_name, _, attribute = target.partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{target} is not a click command")
        self.commands[cmd_name] = command  # loaded once per process
        return command


class RootGroup(LazyGroup):
    """The root: every :class:`PressArchiveError` ends as one line and its exit code,
    Ctrl-C as exit 130."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PressArchiveError as exc:
            raise CLIError(exc) from exc
        except KeyboardInterrupt:
            click.echo("\ninterrupted", err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None


def _epilog() -> str:
    lines = [f"  {code:<4} {meaning}" for code, meaning in EXIT_CODES]
    return "\b\nExit codes:\n" + "\n".join(lines)


@click.group(cls=RootGroup, lazy_subcommands=COMMANDS, epilog=_epilog())
@click.version_option(package_name="pressarchive")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option(
    "--log-json", is_flag=True, envvar="PRESSARCHIVE_LOG_JSON",
    help="Log JSON lines to stderr (also PRESSARCHIVE_LOG_JSON=1); at least INFO.",
)  # fmt: skip
def cli(verbose: int, log_json: bool) -> None:
    """Archive what cities publish: crawl press pages into a searchable SQLite archive.

    \b
    Try it offline on the bundled sample site:
        pressarchive demo
        pressarchive search Integrationslotsen
        pressarchive status
    """
    level = logging.WARNING - 10 * verbose
    if log_json:
        from archive.run.schedule import JsonLogFormatter

        handler = logging.StreamHandler()
        handler.setFormatter(JsonLogFormatter())
        logging.basicConfig(level=max(min(level, logging.INFO), logging.DEBUG), handlers=[handler])
        return
    logging.basicConfig(
        level=max(level, logging.DEBUG), format="%(levelname)s %(name)s: %(message)s"
    )


def main(args: list[str] | None = None) -> None:
    """The console script: :data:`cli`, with an unexpected exception (a bug) printed with
    its traceback and exit code 70 instead of Python's 1, which means "the work failed"."""
    try:
        cli.main(args=args, prog_name="pressarchive")
    except Exception:  # the last resort: everything expected is handled
        traceback.print_exc()
        click.echo(
            f"pressarchive: internal error (a bug; exit {EXIT_INTERNAL}), please report "
            "the traceback above",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)


__all__ = ["COMMANDS", "LazyGroup", "RootGroup", "cli", "main"]

if __name__ == "__main__":  # pragma: no cover
    main()
