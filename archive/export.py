"""Exports of the archive's pages: CSV, JSON, JSON Lines and Parquet, stable columns.

One file of pages; the data package (every table, described) is
:mod:`archive.export_package`.

:func:`export_pages` writes every page (or those matching a search ``query``, best
first, else newest first) with the columns of :data:`EXPORT_COLUMNS`, in that order,
whatever the schema grows later. Parquet needs pyarrow (``pip install
pressarchive[parquet]``).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import IO, Any

import sqlite_utils

from archive.outfile import replaced_on_success
from archive.search.engine import matching_urls, page_filters
from archive.store.checks import require_day
from archive.store.schema import db_path
from crawler.errors import ExportError, MissingDependency

FORMATS = ("csv", "json", "jsonl", "parquet")
#: Exported columns, in order. Append only: scripts rely on these names.
EXPORT_COLUMNS = (
    "url", "source", "page_type", "label", "title", "lead", "body", "published",
    "published_source", "modified", "captions", "credits", "image_count", "related_count",
    "first_seen", "last_changed", "removed_at", "version",
)  # fmt: skip
_INT_COLUMNS = {"image_count", "related_count", "version"}
_BATCH = 500


def write_csv(rows: Iterable[dict[str, Any]], out: IO[str], fields: Sequence[str]) -> None:
    """CSV with a header row of ``fields``; ``None`` becomes an empty cell."""
    writer = csv.DictWriter(out, fieldnames=list(fields), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row.get(k) is None else row[k]) for k in fields})


def iter_pages(
    db: sqlite_utils.Database,
    *,
    query: str | None = None,
    since: str | date | None = None,
    source: str | None = None,
    until: str | date | None = None,
    label: str | None = None,
    page_type: str | None = None,
    live_only: bool = False,
) -> Iterator[dict[str, Any]]:
    """The pages to export as dicts of :data:`EXPORT_COLUMNS`; the days are checked at
    once (:class:`~crawler.errors.InvalidValue`), before a row is read or a file opened."""
    filters: dict[str, Any] = {
        "source": source, "since": require_day("--since", since),
        "until": require_day("--until", until), "label": label, "page_type": page_type,
        "status": "live" if live_only else "all",
    }  # fmt: skip
    return _pages(db, query, filters)


def _pages(
    db: sqlite_utils.Database, query: str | None, filters: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    columns = ", ".join(EXPORT_COLUMNS)
    if query:
        urls = matching_urls(db, query, **filters)
        for start in range(0, len(urls), _BATCH):
            chunk = urls[start : start + _BATCH]
            marks = ", ".join("?" * len(chunk))
            found = db.execute(f"SELECT {columns} FROM pages WHERE url IN ({marks})", chunk)
            by_url = {row[0]: dict(zip(EXPORT_COLUMNS, row, strict=True)) for row in found}
            yield from (by_url[u] for u in chunk if u in by_url)
        return
    clauses, params = page_filters(**filters)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = f"SELECT {columns} FROM pages {where} ORDER BY published DESC NULLS LAST, url"
    cursor = db.conn.execute(sql, params)
    while rows := cursor.fetchmany(_BATCH):
        yield from (dict(zip(EXPORT_COLUMNS, row, strict=True)) for row in rows)


def export_pages(
    db: sqlite_utils.Database,
    fmt: str,
    out: str | Path | IO[str],
    *,
    query: str | None = None,
    since: str | date | None = None,
    source: str | None = None,
    **filters: Any,
) -> int:
    """Write the pages to ``out`` (a path, or a text stream for csv/json/jsonl); return
    how many were written. Every value is checked before a file is opened; a file is
    written all or nothing and never over the archive ``db`` (its file, ``-wal``, ``-shm``,
    by any name: :func:`archive.outfile.check_output`); if it cannot be written (no such
    directory, no permission...) :class:`ExportError` names it. ``filters``: ``until``,
    ``label``, ``page_type``, ``live_only`` (:func:`iter_pages`)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    rows = iter_pages(db, query=query, since=since, source=source, **filters)
    archive = db_path(db)
    if fmt == "parquet":
        if not isinstance(out, str | Path):
            raise ExportError("parquet needs an output file (-o FILE)")
        with replaced_on_success(out, ExportError, archive=archive) as part:
            return _write_parquet(rows, part)
    if isinstance(out, str | Path):
        with (
            replaced_on_success(out, ExportError, archive=archive) as part,
            part.open("w", encoding="utf-8", newline="") as handle,
        ):
            return _write_text(rows, fmt, handle)
    return _write_text(rows, fmt, out)


def _write_text(rows: Iterable[dict[str, Any]], fmt: str, out: IO[str]) -> int:
    n = 0

    def counted() -> Iterator[dict[str, Any]]:
        nonlocal n
        for row in rows:
            n += 1
            yield row

    if fmt == "csv":
        write_csv(counted(), out, EXPORT_COLUMNS)
    elif fmt == "jsonl":
        for row in counted():
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        out.write("[")
        for i, row in enumerate(counted()):
            out.write(("," if i else "") + "\n" + json.dumps(row, ensure_ascii=False))
        out.write("\n]\n")
    return n


def _write_parquet(rows: Iterable[dict[str, Any]], path: Path) -> int:
    try:
        import pyarrow as pa  # here: optional dependency, only for parquet
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise MissingDependency(
            "parquet export needs pyarrow: pip install 'pressarchive[parquet]'"
        ) from exc
    schema = pa.schema(
        [(c, pa.int64() if c in _INT_COLUMNS else pa.string()) for c in EXPORT_COLUMNS]
    )
    n = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= _BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                n += len(batch)
                batch = []
        if batch or n == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            n += len(batch)
    return n


__all__ = ["EXPORT_COLUMNS", "FORMATS", "ExportError", "export_pages", "iter_pages", "write_csv"]
