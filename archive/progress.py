"""Progress of long work, as a small seam: the work reports, the CLI decides how to show it.

A long loop (``reparse``, ``import-warc``, a data-package ``export``, the graph load,
``reindex``) takes a :class:`Progress` and calls ``total(n)`` once it knows how much there
is, then ``advance(k)`` as it goes. :data:`SILENT` ignores both (the default: library
calls, tests, scripts); :func:`archive.cli.progress.terminal_progress` draws a bar on
stderr when stderr is a terminal, and nothing otherwise.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def total(self, n: int) -> None: ...

    def advance(self, n: int = 1) -> None: ...


class _Silent:
    def total(self, n: int) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


SILENT: Progress = _Silent()

__all__ = ["SILENT", "Progress"]
