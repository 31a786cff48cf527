"""``pressarchive status``, ``reparse`` and ``import-warc``: looking after the archive."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import click

from archive.cli.options import db_option, open_db, source_option
from archive.cli.output import Output, output_options
from archive.cli.progress import terminal_progress
from crawler.errors import EXIT_FAILED


def _status_lines(rows: list[dict[str, Any]]) -> Iterator[str]:
    if not rows:
        yield "No sources yet: run `pressarchive crawl` or `pressarchive demo`."
    for row in rows:
        run = row.get("last_run") or {}
        yield (
            f"{row['name']}: {row['pages']} pages ({row['live']} live, {row['removed']} removed), "
            f"newest {row.get('newest_published') or '-'}"
        )
        if run:
            yield (
                f"  last run {run.get('started_at')} → {run.get('status')}: "
                f"{run.get('new', 0)} new, {run.get('changed', 0)} changed, "
                f"{run.get('errors', 0)} errors"
            )
        yield f"  runs: {row.get('runs', 0)}, errors in all runs: {row.get('errors_total', 0)}"
        if row.get("revisions"):
            yield (
                f"  versions: {row['revisions']}, captured in {row['capture_files']} WARC "
                f"file(s), {row['capture_bytes']:,} bytes of records"
            )
        if row.get("images") or row.get("attachments") or row.get("media_errors"):
            yield (
                f"  media: {row['images']} images, {row['attachments']} attachments, "
                f"{row['media_bytes']:,} bytes ({row['media_revisits']} identical to an "
                f"earlier file), {row['media_errors']} not archived"
            )
        health = row["health"]
        if health.get("next_run_at") or health.get("running"):
            running = f" (run under way since {health['running']})" if health["running"] else ""
            yield f"  next run: {health.get('next_run_at') or '-'}{running}"
        yield f"  error rate of the last run: {health['error_rate']:.0%}"
        template = health.get("template")
        if template:
            yield (
                f"  learned template v{template['version']}: run {template['run_id']} "
                f"checked {template['pages']} pages, {template['misses']} missed"
            )
        for p in health["problems"]:
            yield f"  {p['kind'].upper()}: {p['message']}"


@click.command()
@db_option
@click.option(
    "--check", is_flag=True,
    help="Exit 1 when a source is failing, interrupted, overdue, drifting, its learned "
    "template no longer "
    "matches or it has new date conflicts, saying why (for monitoring).",
)  # fmt: skip
@output_options()
def status(db_path: str, check: bool, out: Output) -> None:
    """Per source: pages, last run and its counts, errors, next run, health.

    Health: failing (last run failed or mostly errors), interrupted (the last run was
    stopped by a signal or its process died), overdue (the scheduler's next
    run long past), extraction drift (new pages suddenly without date, title or
    body: a redesign), template drift (the source's learned template no longer
    matching its pages) and date conflicts (a re-extraction found a page's date only in
    a weaker source: the stronger date was kept); the rules are in archive/health.py.

    \b
    Examples:
        pressarchive status --db archive.db --json
        pressarchive status --check || alert "pressarchive needs attention"
    """
    from archive.status import source_status

    rows = source_status(open_db(db_path))
    if not check:
        out.emit(rows, text=_status_lines)
        return
    problems = [{"source": row["name"], **p} for row in rows for p in row["health"]["problems"]]

    def lines(problems: list[dict[str, Any]]) -> Iterator[str]:
        for p in problems:
            yield f"{p['source']}: {p['kind']}: {p['message']}"
        if not problems:
            yield f"{len(rows)} source(s) healthy"

    out.emit(problems, text=lines)
    if problems:
        sys.exit(EXIT_FAILED)


def _workers_option(func: Any) -> Any:
    return click.option(
        "--workers",
        type=click.IntRange(min=1),
        default=os.cpu_count() or 1,
        show_default="the number of cores",
        help="Processes that read and extract the records (1: this process only); the "
        "archive is written by this process, in order, with the same result.",
    )(func)


def _config_option(func: Any) -> Any:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(exists=True, dir_okay=False),
        help="Config whose URL rules to use [the sources stored in the archive].",
    )(func)


@click.command()
@source_option()
@_config_option
@_workers_option
@db_option
@output_options()
def reparse(
    source: str | None, config_path: str | None, workers: int, db_path: str, out: Output
) -> None:
    """Re-extract every stored version from its WARC record (no network).

    Each record is verified first (its length and digests): one cut short or damaged is
    counted in `errors`, with a warning naming the URL, the WARC file and the offset, and
    its page is left exactly as it was.

    \b
    Example:
        pressarchive reparse --db archive.db --json
    """
    from archive.run.reparse import reparse as run_reparse
    from archive.store.checks import require_source
    from archive.store.locking import writer
    from crawler.config.settings import load_config

    config = load_config(config_path) if config_path else None
    with writer(db_path, "reparse", must_exist=True) as db:
        require_source(db, source)
        with terminal_progress("reparsing pages") as progress:
            report = run_reparse(
                db, source=source, config=config, progress=progress, workers=workers
            )
    out.emit(
        report,
        text=lambda r: [
            f"{r['pages']} pages, {r['versions']} versions re-extracted: "
            f"{r['changed']} pages changed, {r['unchanged']} unchanged, "
            f"{r['missing']} versions without a record, {r['errors']} errors, "
            f"{r['old_versions_differ']} older versions would extract differently"
        ],
    )


@click.command("import-warc")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--source",
    help="Source new pages join: one of the config or the archive, or a new name (the "
    "source is created with the first page saved) [the source whose hosts include the "
    "page's host, else a new source named after that host]. Pages already archived keep "
    "their source.",
)
@_config_option
@_workers_option
@db_option
@output_options()
def import_warc(
    files: tuple[str, ...], source: str | None, config_path: str | None, workers: int,
    db_path: str, out: Output,
) -> None:  # fmt: skip
    """Import pages from WARC files of other tools (wget, Webrecorder, web archives).

    A page already in the archive keeps its source. A new page joins --source when given
    (one of the config or the archive, or a new name: the source is created with the first
    page saved), else the source whose hosts include its host, else a new source named
    after its host. Records not newer than the page's latest version count as `older`:
    importing a file twice adds nothing. The archive is created if there is none.
    Images and documents (image/*, PDF, office files) are imported as media files
    (table media, served by `serve` at /-/media?url=), never as pages (`media`).

    Every record is verified (length and digests): one cut short or damaged, one over
    the response cap (`max_bytes` in [crawler], 10 MB by default), bytes that are no
    record and a response without an http(s) WARC-Target-URI are skipped with a
    warning naming the file and offset (`unreadable`); a file that is not a WARC file
    stops the import before any record is imported (exit 3). Each record is saved in its
    own transaction.

    \b
    Example:
        pressarchive import-warc crawl.warc.gz --source ruesselsheim --db archive.db
    """
    from archive.run.warc_import import import_warc as run_import
    from archive.store.locking import writer
    from crawler.config.settings import load_config

    config = load_config(config_path) if config_path else None
    with writer(db_path, "import-warc") as db, terminal_progress("importing bytes") as progress:
        report = run_import(
            db, list(files), source=source, config=config, progress=progress, workers=workers
        )
    out.emit(
        report,
        text=lambda r: [
            f"{r['records']} responses read: {r['new']} new, {r['changed']} changed, "
            f"{r['unchanged']} unchanged, {r['older']} older, {r['skipped']} skipped, "
            f"{r['media']} media, {r['bad_date']} without a readable WARC-Date (skipped), "
            f"{r['unreadable']} unreadable (skipped), {r['errors']} errors"
        ],
    )


__all__ = ["import_warc", "reparse", "status"]
