"""``pressarchive merge``: shard archives into one (:mod:`archive.run.merge`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import click

from archive.cli.options import db_option, open_db
from archive.cli.output import Output, output_options


def _lines(summary: dict[str, Any]) -> Iterator[str]:
    added = summary["added"]
    yield (
        f"merged {len(summary['merged_from'])} archive(s): {added['pages']} new pages, "
        f"{added['updated_pages']} updated, {added['revisions']} new revisions, "
        f"{added['runs']} new runs, {summary['warc_files']['copied']} WARC files copied "
        f"({summary['seconds']:.1f} s)"
    )
    for old, new in summary["warc_files"]["renamed"].items():
        yield f"  WARC file {old} copied as {new} (the name was taken)"
    yield f"the archive now holds {summary['pages']} pages, {summary['revisions']} revisions"


@click.command()
@click.argument("shards", nargs=-1, type=click.Path())
@db_option
@output_options()
def merge(shards: tuple[str, ...], db_path: str, out: Output) -> None:
    """Merge shard archives (from `crawl --shard K/N`) into the archive --db.

    The output is created if missing; each shard is read only (its WARC files are copied
    beside the output). Merging the same shard again changes nothing; a newer copy of a
    shard adds only its new revisions. A URL archived by two sources, or with two
    different histories, is refused (exit 2, naming the URL) and nothing is written.

    \b
    Example:
        pressarchive crawl --config c.toml --shard 1/2 --db shard1.db
        pressarchive crawl --config c.toml --shard 2/2 --db shard2.db
        pressarchive merge shard1.db shard2.db --db all.db
    """
    from archive.run.merge import check_inputs, merge_archives

    check_inputs(db_path, shards)
    with ExitStack() as stack:
        inputs = []
        for path in shards:
            db = open_db(path)
            stack.callback(db.close)
            inputs.append((path, db))
        summary = merge_archives(db_path, inputs)
    out.emit(summary, text=_lines)


__all__ = ["merge"]
