"""A progress bar for long commands, on a terminal only (:mod:`archive.progress`).

stderr that is not a terminal (a pipe, a log file, cron, ``CliRunner``) gets nothing, so
``--json`` on stdout and logs stay clean.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from archive.progress import SILENT, Progress


class _Bar:
    """:class:`~archive.progress.Progress` on a ``click.progressbar``."""

    def __init__(self, bar: Any) -> None:
        self.bar = bar

    def total(self, n: int) -> None:
        self.bar.length = max(n, self.bar.pos, 1)
        self.bar.render_progress()

    def advance(self, n: int = 1) -> None:
        if self.bar.pos + n > (self.bar.length or 0):
            self.bar.length = self.bar.pos + n
        self.bar.update(n)


def on_terminal() -> bool:
    return sys.stderr.isatty()


@contextmanager
def terminal_progress(label: str) -> Iterator[Progress]:
    """A bar labelled ``label`` on stderr while the block runs, if stderr is a terminal;
    else :data:`~archive.progress.SILENT`."""
    if not on_terminal():
        yield SILENT
        return
    with click.progressbar(
        length=1, label=label, file=sys.stderr, show_pos=True, show_percent=True
    ) as bar:
        yield _Bar(bar)


__all__ = ["on_terminal", "terminal_progress"]
