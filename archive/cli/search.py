"""``pressarchive search`` and ``export``: finding pages and taking them out."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from archive.cli.options import db_option, open_db, since_option, source_option, until_option
from archive.cli.output import Output, output_options
from archive.cli.progress import terminal_progress
from crawler.records import STORED_PAGE_TYPES

#: ``export --format``: ``archive.export.FORMATS``, copied so that ``--help`` does not import
#: sqlite_utils (tests/archive/test_cli.py keeps them equal).
EXPORT_FORMATS = ("csv", "json", "jsonl", "parquet")
#: ``search --sort``: the keys of ``archive.search.engine.SORTS`` (copied for the same reason).
SORTS = ("relevance", "newest", "oldest")
_TYPES_HELP = f"{', '.join(STORED_PAGE_TYPES[:-1])} or {STORED_PAGE_TYPES[-1]}"


def _hit_lines(query: str) -> Any:
    def lines(hits: list[dict[str, Any]]) -> Iterator[str]:
        if not hits:
            yield f"No pages match {query!r}."
        for i, hit in enumerate(hits, 1):
            removed = " [removed]" if hit.get("removed_at") else ""
            yield f"{i}. {hit['title']}{removed}"
            yield f"   {hit.get('published') or 'undated'} · {hit['url']}"
            if hit.get("snippet"):
                yield f"   {hit['snippet']}"

    return lines


COUNT_FIELDS = ("count",)
FACET_FIELDS = ("facet", "value", "count")


def _facet_rows(found: dict[str, list[dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    for name, values in found.items():
        for item in values:
            yield {"facet": name, "value": item["value"], "count": item["count"]}


def _facet_lines(found: dict[str, list[dict[str, Any]]]) -> Iterator[str]:
    for name, values in found.items():
        yield f"{name}:"
        for item in values:
            yield f"  {item['count']:>6}  {item['value'] or '-'}"


@click.command()
@click.argument("query")
@db_option
@source_option()
@since_option
@until_option
@click.option("--type", "page_type", help=f"Only pages of this type: {_TYPES_HELP}.")
@click.option("--label", help="Only pages with this label (e.g. 'Pressemitteilung').")
@click.option("--has-images", is_flag=True, default=None, help="Only pages with images.")
@click.option("--live-only", is_flag=True, help="Leave out pages removed from the site.")
@click.option("--removed", "removed_only", is_flag=True, help="Only pages removed from the site.")
@click.option("--exact", is_flag=True, help="The words as written: no stemming, no compound parts.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
@click.option(
    "--sort", type=click.Choice(SORTS), default="relevance", show_default=True,
    help="Best matches first, or newest/oldest published first (undated last).",
)  # fmt: skip
@click.option("--count", "count_only", is_flag=True, help="Print only the number of matches.")
@click.option("--facets", "show_facets", is_flag=True, help="Counts by source, type, year, label.")
@output_options(
    csv=True, csv_help="Print CSV (url, title, published, …; with --count: count; with "
    "--facets: facet, value, count).",
)  # fmt: skip
def search(
    query: str,
    db_path: str,
    source: str | None,
    since: str | None,
    until: str | None,
    page_type: str | None,
    label: str | None,
    has_images: bool | None,
    live_only: bool,
    removed_only: bool,
    exact: bool,
    limit: int,
    sort: str,
    count_only: bool,
    show_facets: bool,
    out: Output,
) -> None:
    """Search German-aware, best matches first (title and lead count most).

    Finds inflections and spellings (Förderung = Foerderung, Rüsselsheimer =
    ruesselsheim, Straße = Strasse) and compound parts (Lotsen finds Integrationslotsen,
    Haushalt finds Haushaltssicherungskonzept). "Exact phrases", prefix*, OR, NOT and
    =word (this word only, no compounds) work; --exact matches the words as written.

    \b
    Examples:
        pressarchive search Lotsen
        pressarchive search '"Vielfalt und Teilhabe"' --since 2025-01-01 --json
        pressarchive search Kita --type press_release --limit 5 --csv
        pressarchive search Haushalt --facets
        pressarchive search Förderung --sort newest --since 2025-01-01
        pressarchive search =Lotsen --count
    """
    if live_only and removed_only:
        raise click.UsageError("--live-only and --removed exclude each other")
    from archive.search import engine as searching

    db = open_db(db_path, source=source, page_type=page_type, label=label)
    status = "live" if live_only else "removed" if removed_only else "all"
    filters: dict[str, Any] = {
        "source": source, "since": since, "until": until, "page_type": page_type,
        "label": label, "has_images": has_images, "status": status,
    }  # fmt: skip
    if count_only:
        n = searching.count(db, query, exact=exact, **filters)
        out.emit(
            {"count": n}, text=lambda data: [str(data["count"])], rows=lambda data: [data],
            fields=COUNT_FIELDS,
        )  # fmt: skip
        return
    if show_facets:
        found = searching.facets(db, query, exact=exact, **filters)
        out.emit(found, text=_facet_lines, rows=_facet_rows, fields=FACET_FIELDS)
        return
    hits = searching.search(db, query, limit=limit, exact=exact, sort=sort, **filters)
    out.emit(hits, text=_hit_lines(query), fields=searching.HIT_FIELDS)


def is_package_target(path: str) -> bool:
    """``--out PATH`` names a data package (a directory) when PATH is an existing
    directory, or does not exist and ends with a slash or has no suffix (``--out data``);
    else it is one file (``--out pages.csv``, an existing file), as ``-o`` always is."""
    target = Path(path)
    if target.is_dir():
        return True
    if target.exists():
        return False
    return path.endswith(("/", "\\")) or not target.suffix


@click.command()
@db_option
@click.option(
    "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="csv", show_default=True,
)  # fmt: skip
@click.option("--query", help="Only pages matching this search (best first).")
@source_option()
@since_option
@until_option
@click.option("--label", help="Only pages with this label (e.g. 'Pressemitteilung').")
@click.option("--type", "page_type", help=f"Only pages of this type: {_TYPES_HELP}.")
@click.option("--live-only", is_flag=True, help="Leave out pages removed from the site.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Output file (default: stdout).",
)  # fmt: skip
@click.option(
    "--out",
    "out_path",
    type=click.Path(),
    help="A directory (existing, or a new name without a suffix): write the data "
    "package there; a file name with a suffix, or an existing file: the same as -o.",
)
@click.option(
    "--partition-by", "partition_by", metavar="KEYS",
    help="With --format parquet --out DIR: the pages as a Hive-partitioned dataset by "
    "these keys (source, year; e.g. source,year) instead of the data package.",
)  # fmt: skip
@click.option(
    "--append", is_flag=True,
    help="With --partition-by: add the page versions the dataset lacks (else DIR must be "
    "new or empty).",
)  # fmt: skip
def export(
    db_path: str,
    fmt: str,
    query: str | None,
    source: str | None,
    since: str | None,
    until: str | None,
    label: str | None,
    page_type: str | None,
    live_only: bool,
    output: str | None,
    out_path: str | None,
    partition_by: str | None,
    append: bool,
) -> None:
    """Export pages as one file (CSV, JSON, JSON Lines, Parquet), or the data package.

    With -o FILE (or --out FILE.ext) one file of pages, stable columns; without, the
    pages go to stdout. With --out DIR (an existing directory, or a new name without
    a suffix) the data package: one file per table in DIR (pages, versions, images, links,
    attachments, topics, entities, sources; .parquet, .csv or .jsonl) and
    datapackage.json describing every column (Frictionless Data Package). The filters
    choose the pages of either.

    \b
    Examples:
        pressarchive export --format csv -o pages.csv
        pressarchive export --format jsonl --query Haushalt --since 2024-01-01
        pressarchive export --format parquet --source ruesselsheim -o pages.parquet
        pressarchive export --format parquet --out data/
        pressarchive export --format csv --out data --label Pressemitteilung --live-only
        pressarchive export --format parquet --out pages/ --partition-by source,year --append
    """
    from crawler.errors import ExportError

    if output and out_path:
        raise click.UsageError("give -o FILE or --out DIR/FILE, not both")
    if append and not partition_by:
        raise click.UsageError("--append goes with --partition-by")
    if partition_by is not None:
        if fmt != "parquet" or not out_path:
            raise click.UsageError("--partition-by needs --format parquet --out DIR")
        _export_dataset(db_path, out_path, partition_by, append, query=query, source=source,
                        since=since, until=until, label=label, page_type=page_type,
                        live_only=live_only)  # fmt: skip
        return
    selection: dict[str, Any] = {
        "source": source, "since": since, "until": until, "label": label,
        "page_type": page_type, "query": query, "live_only": live_only,
    }  # fmt: skip
    if out_path is not None and is_package_target(out_path):
        from archive.export_package import Selection, check_folder, export_package

        check_folder(Path(out_path), db_path)
        db = open_db(db_path, source=source, page_type=page_type, label=label)
        with terminal_progress("exporting tables") as progress:
            counts = export_package(db, fmt, out_path, Selection(**selection), progress)
        listed = ", ".join(f"{n} {name}" for name, n in counts.items())
        click.echo(f"data package written to {out_path}: {listed}", err=True)
        return
    output = output or out_path
    if fmt == "parquet" and not output:
        raise click.UsageError("--format parquet needs -o FILE or --out DIR")
    from archive.export import export_pages
    from archive.outfile import check_output

    if output is not None:  # before the archive is opened: never over it, nor into nowhere
        check_output(output, ExportError, archive=db_path)
    db = open_db(db_path, source=source, page_type=page_type, label=label)
    del selection["query"], selection["source"], selection["since"]
    n = export_pages(
        db, fmt, output or sys.stdout, query=query, since=since, source=source, **selection
    )
    if output:
        click.echo(f"{n} pages written to {output}", err=True)


def _export_dataset(
    db_path: str, folder: str, partition_by: str, append: bool, **selection: Any
) -> None:
    from archive.export import iter_pages
    from archive.export_dataset import export_dataset, parse_partition
    from archive.outfile import in_capture_folder, is_archive_file
    from crawler.errors import ExportError

    keys = parse_partition(partition_by)
    if is_archive_file(folder, db_path) or in_capture_folder(Path(folder) / "x", db_path):
        raise ExportError(f"{folder}: refusing to write the dataset into the archive {db_path}")
    if not Path(folder).parent.is_dir():
        raise ExportError(f"{folder}: cannot write, directory {Path(folder).parent} does not exist")
    db = open_db(db_path, source=selection["source"], page_type=selection["page_type"],
                 label=selection["label"])  # fmt: skip
    counts = export_dataset(iter_pages(db, **selection), folder, keys, append=append)
    click.echo(
        f"{counts['rows']} page versions written to {folder} in {counts['files']} files "
        f"({counts['skipped']} already there)",
        err=True,
    )


__all__ = ["EXPORT_FORMATS", "export", "search"]
