"""Where the graph writers (:mod:`archive.graph.formats`) write: a file written all or
nothing, or a stream (:func:`sink`), and the edges in one pass or in two parts, the later
one formatted by another process meanwhile (:class:`Later`, :func:`edge_rows`;
:mod:`archive.graph.export_split`)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from archive.outfile import replaced_on_success
from crawler.errors import GraphError

_BUFFER = 1 << 20
_COPY = 1 << 24

#: An edge as :attr:`archive.graph.export_model.Export.rows` gives it: ``(clean, row)``.
Row = tuple[bool, tuple[Any, ...]]


class Later(Protocol):
    """The edges of an :class:`Export` in two parts: this process formats the first
    (:meth:`rows`) while another formats the later one into a file, whose text
    (:meth:`finish`) is then copied after it; if that fails, the later rows are formatted
    here too (:meth:`rest`). Either way the file has the bytes one pass writes."""

    def rows(self, check: bool) -> Iterable[Row]:
        """The first part's rows, as :attr:`Export.rows` gives them."""

    def finish(self, written: int) -> tuple[Path, int] | None:
        """The later part's text and edge count, once the first part's ``written`` edges
        are written (``None``: not to be had; the reason logged)."""

    def rest(self, check: bool) -> Iterable[Row]:
        """The later part's rows, to be formatted here."""

    def close(self) -> None:
        """Stop the other process if it still runs; remove its file."""


@dataclass
class Out:
    """Where a writer writes: ``write(str)``, and ``copy(path)`` to append a file's bytes
    (text another process wrote in UTF-8) after what was written."""

    write: Callable[[str], Any]
    copy: Callable[[Path], None]


@contextmanager
def sink(out: str | Path | IO[bytes], archive: str | Path | None = None) -> Iterator[Out]:
    """An :class:`Out` into ``out`` (a path, or a binary stream left open), UTF-8; a path
    is written all or nothing (never over the file ``archive``), a failure to write it is a
    :class:`GraphError` naming it."""
    if isinstance(out, str | Path):
        with (
            replaced_on_success(out, GraphError, archive=archive) as part,
            open(part, "w", encoding="utf-8", newline="\n", buffering=_BUFFER) as fh,
        ):

            def copy_file(path: Path) -> None:
                fh.flush()
                with open(path, "rb") as src:
                    shutil.copyfileobj(src, fh.buffer, _COPY)

            yield Out(fh.write, copy_file)
        return
    chunks: list[str] = []
    size = 0

    def write(text: str) -> None:
        nonlocal size
        chunks.append(text)
        size += len(text)
        if size > _BUFFER:
            flush()

    def flush() -> None:
        nonlocal size
        out.write("".join(chunks).encode("utf-8"))
        chunks.clear()
        size = 0

    def copy_stream(path: Path) -> None:
        flush()
        with open(path, "rb") as src:
            shutil.copyfileobj(src, out, _COPY)

    yield Out(write, copy_stream)
    flush()


def edge_rows(
    rows: Callable[[bool], Iterable[Row]], written: list[int], later: Later | None, out: Out,
    check: bool, fmt_rows: Callable[[Iterable[Row]], None],
) -> None:  # fmt: skip
    """The edges ``rows`` (:attr:`archive.graph.export_model.Export.rows`) formatted by
    ``fmt_rows`` (which counts them in ``written[1]``), in one pass or in two parts
    (:class:`Later`)."""
    if later is None:
        fmt_rows(rows(check))
        return
    fmt_rows(later.rows(check))
    done = later.finish(written[1])
    if done is None:
        fmt_rows(later.rest(check))
        return
    path, edges = done
    out.copy(path)
    written[1] += edges


__all__ = ["Later", "Out", "Row", "edge_rows", "sink"]
