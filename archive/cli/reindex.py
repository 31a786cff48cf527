"""``pressarchive reindex``: rebuild the derived indexes (all, or one by name).

Every index is rebuilt from the base rows in its own write transaction (a reader keeps
seeing the old index until it is committed; a failure leaves it as it was) and its version
is recorded in ``index_state`` (:func:`archive.indexes.registry.rebuild`). The progress bar
on stderr counts pages: every index reports each page once.

Kept out of ``main.py`` (registered there with one ``add_command``) and self-contained:
the options are declared here, not imported from ``main``, which imports this module.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from archive.indexes import registry as registry
from archive.indexes.base import page_count
from archive.store.schema import open_archive, write_transaction
from crawler.errors import PressArchiveError


@click.command()
@click.option(
    "--index",
    "names",
    type=click.Choice(registry.names()),
    multiple=True,
    help="Rebuild only this index (repeatable); default: all.",
)
@click.option(
    "--db",
    "db_path",
    default="archive.db",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="SQLite archive file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def reindex(names: tuple[str, ...], db_path: str, as_json: bool) -> None:
    """Rebuild the search index, the graph edges and the plain FTS table from the pages.

    \b
    Examples:
        pressarchive reindex
        pressarchive reindex --index search --json
    """
    if not Path(db_path).exists():
        raise click.ClickException(
            f"no archive at {db_path}: run `pressarchive demo` or `pressarchive crawl` first"
        )
    selected = [registry.get(name) for name in dict.fromkeys(names)] or list(registry.INDEXES)
    done: dict[str, dict[str, float | int]] = {}
    try:
        db = open_archive(db_path)
    except PressArchiveError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        pages = page_count(db)
        with click.progressbar(
            length=pages * len(selected), label="Reindexing", file=sys.stderr
        ) as bar:
            for index in selected:
                started = time.monotonic()
                with write_transaction(db):
                    rows = registry.rebuild(db, index, bar.update)
                done[index.name] = {"rows": rows, "seconds": round(time.monotonic() - started, 3)}
    finally:
        db.close()
    if as_json:
        click.echo(json.dumps({"indexes": done}, indent=2))
        return
    for name, info in done.items():
        click.echo(f"{name}: {info['rows']:,} rows in {info['seconds']:.2f} s")


__all__ = ["reindex"]
