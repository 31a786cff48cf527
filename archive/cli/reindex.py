"""``pressarchive reindex``: rebuild the derived indexes (all, or one by name).

Every index is rebuilt from the base rows in its own write transaction (a reader keeps
seeing the old index until it is committed; a failure leaves it as it was) and its version
is recorded in ``index_state`` (:func:`archive.indexes.registry.rebuild`). The progress bar
on stderr counts pages: every index reports each page once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import click

from archive.cli.options import db_option
from archive.cli.output import Output, output_options
from archive.cli.progress import terminal_progress

#: The registered indexes (``archive.indexes.registry.names()``), spelled out here so that
#: ``pressarchive --help`` need not import the stemmer; a test keeps the two equal.
INDEX_NAMES = ("fts", "search", "graph_edges", "topics", "graph_ranking")


@click.command()
@click.option(
    "--index",
    "names",
    type=click.Choice(INDEX_NAMES),
    multiple=True,
    help="Rebuild only this index (repeatable); default: all.",
)
@db_option
@output_options()
def reindex(names: tuple[str, ...], db_path: str, out: Output) -> None:
    """Rebuild the search index, the graph edges and the plain FTS table from the pages.

    \b
    Examples:
        pressarchive reindex
        pressarchive reindex --index search --json
    """
    from archive.indexes import registry
    from archive.indexes.base import page_count
    from archive.store.locking import writer
    from archive.store.schema import write_transaction

    selected = [registry.get(name) for name in dict.fromkeys(names)] or list(registry.INDEXES)
    done: dict[str, dict[str, float | int]] = {}
    with writer(db_path, "reindex", must_exist=True) as db:
        pages = page_count(db)
        with terminal_progress("reindexing") as progress:
            progress.total(pages * len(selected))
            for index in selected:
                started = time.monotonic()
                with write_transaction(db):
                    rows = registry.rebuild(db, index, progress.advance)
                done[index.name] = {"rows": rows, "seconds": round(time.monotonic() - started, 3)}

    def lines(result: dict[str, dict[str, dict[str, float | int]]]) -> Iterator[str]:
        for name, info in result["indexes"].items():
            yield f"{name}: {info['rows']:,} rows in {info['seconds']:.2f} s"

    out.emit({"indexes": done}, text=lines)


__all__ = ["INDEX_NAMES", "reindex"]
