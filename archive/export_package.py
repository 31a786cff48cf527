"""The data package: ``pressarchive export --format parquet|csv|jsonl --out DIR``.

One file per table of :data:`archive.package_fields.TABLES` (``pages``, ``versions``,
``images``, ``links``, ``attachments``, ``topics``, ``entities``, ``sources``) plus
``datapackage.json``, a Frictionless Data Package (v1) that describes every column: its
type, its meaning, for coded columns every value and its meaning, the primary key of each
file and the foreign keys between them.

The filters (:class:`Selection`: source, published since/until, label, page type, a
search query, live pages only) choose the pages; every other file holds the rows of the
pages chosen (``sources``: the one source asked for, else all). Images and attachments are
joined with the archive's ``media`` table (the archived copy of the file) when the archive
has one; ``topics`` and ``entities`` come from ``page_topics`` / ``page_entities`` when
the archive has them, else they are empty files with the same columns.

Types: in Parquet dates are ``date32``, times ``timestamp[ms, UTC]``, counts ``int64``,
flags ``bool``; CSV and JSON Lines keep the archive's ISO strings (times in UTC,
``2026-12-04T05:40:40.123Z``), flags are ``true``/``false``. Lists (``changed_fields``,
``hosts``...) are JSON arrays in JSON Lines and a JSON text in CSV and Parquet (as Table
Schema's ``array`` type reads it: frictionless reads a Parquet list column as text it
cannot parse; DuckDB: ``from_json(changed_fields, '["VARCHAR"]')``).

Each file is written through a temporary file renamed into place
(:func:`archive.outfile.replaced_on_success`), never over the archive; the data files are
written first and ``datapackage.json`` last (an older one is removed before), so a
package whose ``datapackage.json`` is there is whole; other files in the folder are left
alone.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import sqlite_utils

from archive.outfile import in_capture_folder, is_archive_file, replaced_on_success
from archive.package_fields import TABLES, Field, Table
from archive.progress import SILENT, Progress
from archive.search.engine import matching_urls, page_filters
from archive.store.checks import require_day, require_label, require_page_type, require_source
from archive.store.schema import db_path
from crawler.clock import parse_iso
from crawler.errors import ExportError, MissingDependency

PACKAGE_FORMATS = ("csv", "jsonl", "parquet")
_BATCH = 1000
_MEDIA = (
    "status", "content_type", "length", "digest", "warc_file", "warc_offset", "fetched_at",
)  # fmt: skip
_LATEST = "(SELECT max(r.revision) FROM revisions r WHERE r.page_url = pages.url)"


@dataclass(frozen=True)
class Selection:
    """Which pages to export: the filters of ``pressarchive export`` and ``search``."""

    source: str | None = None
    since: str | date | None = None
    until: str | date | None = None
    label: str | None = None
    page_type: str | None = None
    query: str | None = None
    live_only: bool = False

    def check(self, db: sqlite_utils.Database) -> None:
        """:class:`~crawler.errors.InvalidValue` / ``SourceNotFound`` naming a value the
        archive does not know, before anything is written."""
        require_day("--since", self.since)
        require_day("--until", self.until)
        require_page_type(self.page_type)
        require_source(db, self.source)
        require_label(db, self.label)

    def filters(self) -> dict[str, Any]:
        return {
            "source": self.source, "since": self.since, "until": self.until,
            "page_type": self.page_type, "label": self.label,
            "status": "live" if self.live_only else "all",
        }  # fmt: skip


def _tables(db: sqlite_utils.Database) -> set[str]:
    return set(db.table_names())


def _media_join(db: sqlite_utils.Database, column: str) -> tuple[str, str]:
    """The ``media_*`` columns and the join for files at ``column``; NULLs without media."""
    if "media" in _tables(db):
        cols = ", ".join(f"m.{c} AS media_{c}" for c in _MEDIA)
        return cols, f"LEFT JOIN media m ON m.url = {column}"
    return ", ".join(f"NULL AS media_{c}" for c in _MEDIA), ""


def _queries(db: sqlite_utils.Database) -> dict[str, str]:
    """``SELECT`` of each table's columns in order; ``{where}`` narrows ``pages``."""
    tables = _tables(db)
    img_cols, img_join = _media_join(db, "i.src")
    att_cols, att_join = _media_join(db, "l.url")
    out = {
        "pages": f"""SELECT pages.url, pages.source, pages.page_type, pages.label, pages.title,
  pages.lead, pages.body, pages.published, pages.published_source, pages.modified,
  pages.captions, pages.credits, pages.image_count, pages.related_count,
  {_LATEST} AS revision,
  (SELECT count(*) FROM revisions r WHERE r.page_url = pages.url) AS revisions,
  pages.version, pages.first_seen, pages.last_fetched, pages.last_changed, pages.removed_at,
  pages.removed_at IS NULL AS live, pages.http_status, pages.fetched_url, pages.content_hash
FROM pages {{where}} ORDER BY {{order}}""",
        "versions": """SELECT v.page_url, v.revision, v.version, v.event, v.fetched_at,
  v.page_type, v.label, v.title, v.lead, v.body, v.published, v.published_source,
  v.modified, v.captions, v.credits, v.image_count, v.related_count, v.credit_list,
  v.changed_fields, v.removed_at, v.content_hash, v.http_status, v.fetched_url, v.warc_file,
  v.warc_offset, v.warc_length, v.warc_record_id
FROM revisions v JOIN pages ON pages.url = v.page_url {where}
ORDER BY v.page_url, v.revision""",
        "images": f"""SELECT i.page_url, {_LATEST} AS revision, i.position, i.src, i.alt,
  i.caption, i.credit, {img_cols}
FROM images i JOIN pages ON pages.url = i.page_url {img_join} {{where}}
ORDER BY i.page_url, i.position""",
        "links": f"""SELECT l.page_url, {_LATEST} AS revision, l.rel, l.position, l.url,
  l.title, l.kind, l.label, l.date,
  EXISTS (SELECT 1 FROM pages t WHERE t.url = l.url) AS archived
FROM links l JOIN pages ON pages.url = l.page_url
{{where}} {{and}} l.rel IN ('related', 'body') ORDER BY l.page_url, l.rel, l.position""",
        "attachments": f"""SELECT l.page_url, {_LATEST} AS revision, l.position, l.url,
  l.title, {att_cols}
FROM links l JOIN pages ON pages.url = l.page_url {att_join}
{{where}} {{and}} l.rel = 'attachment' ORDER BY l.page_url, l.position""",
        "topics": """SELECT t.page_url, t.rank, t.phrase, t.score
FROM page_topics t JOIN pages ON pages.url = t.page_url {where}
ORDER BY t.page_url, t.rank""",
        "entities": """SELECT e.page_url, e.position, e.kind, e.text, e.value, e.role,
  e.sentence
FROM page_entities e JOIN pages ON pages.url = e.page_url {where}
ORDER BY e.page_url, e.position""",
        "sources": """SELECT name, title, city, hosts, start_urls, added_at, scheme
FROM sources {source} ORDER BY name""",
    }
    for table, name in (("topics", "page_topics"), ("entities", "page_entities")):
        if name not in tables:
            columns = next(t for t in TABLES if t.name == table).columns
            out[table] = "SELECT " + ", ".join(f"NULL AS {c}" for c in columns) + " WHERE 0"
    return out


def _rows(
    db: sqlite_utils.Database, table: Table, selection: Selection, urls: list[str] | None
) -> Iterator[tuple[Any, ...]]:
    """The rows of ``table`` for the pages ``selection`` chooses (``urls``: those its
    query found, searched once for all tables), columns as described."""
    sql = _queries(db)[table.name]
    params: dict[str, Any] = {}
    order = "pages.published DESC NULLS LAST, pages.url"
    if table.name == "sources":
        source = "WHERE name = :source" if selection.source else ""
        sql, params = sql.format(source=source), {"source": selection.source}
    elif urls is not None:
        params = {"urls": json.dumps(urls)}
        where = "WHERE pages.url IN (SELECT value FROM json_each(:urls))"
        sql = sql.format(where=where, order=order, **{"and": "AND"})
    else:
        clauses, params = page_filters(**selection.filters())
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        sql = sql.format(where=where, order=order, **{"and": "AND" if clauses else "WHERE"})
    cursor = db.conn.execute(sql, params)
    names = tuple(d[0] for d in cursor.description)
    if names != table.columns:  # the SQL and the data dictionary must agree
        raise AssertionError(f"{table.name}: columns {names} != described {table.columns}")
    while rows := cursor.fetchmany(_BATCH):
        yield from rows


# --------------------------------------------------------------------------- values


def _array(value: Any) -> list[Any] | None:
    if value is None or value == "":
        return None
    parsed = json.loads(value) if isinstance(value, str) else value
    return [str(v) for v in parsed] if isinstance(parsed, list) else [str(parsed)]


def _text_value(kind: str, value: Any, fmt: str) -> Any:
    """A value as CSV / JSON Lines write it: ISO strings as stored, typed flags and lists."""
    if value is None:
        return None
    if kind == "boolean":
        return bool(value) if fmt == "jsonl" else ("true" if value else "false")
    if kind == "array":
        items = _array(value)
        return items if fmt == "jsonl" or items is None else json.dumps(items, ensure_ascii=False)
    if kind == "integer":
        return int(value)
    return value


def _arrow_value(kind: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    if kind == "date":
        return date.fromisoformat(str(value)[:10])
    if kind == "datetime":
        return parse_iso(str(value))
    if kind == "boolean":
        return bool(value)
    if kind == "array":  # a JSON text, as in CSV (frictionless reads Parquet lists as text)
        items = _array(value)
        return None if items is None else json.dumps(items, ensure_ascii=False)
    if kind == "integer":
        return int(value)
    return value


# --------------------------------------------------------------------------- writers


def _write_text(rows: Iterator[tuple[Any, ...]], table: Table, fmt: str, path: Path) -> int:
    kinds = [f.type for f in table.fields]
    n = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out) if fmt == "csv" else None
        if writer is not None:
            writer.writerow(table.columns)
        for row in rows:
            values = [_text_value(k, v, fmt) for k, v in zip(kinds, row, strict=True)]
            if writer is not None:
                writer.writerow(["" if v is None else v for v in values])
            else:
                record = dict(zip(table.columns, values, strict=True))
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n


def arrow_schema(table: Table) -> Any:
    """The Parquet schema of ``table`` (pyarrow)."""
    import pyarrow as pa  # here: optional dependency, only for parquet

    types: dict[str, Callable[[], Any]] = {
        "string": pa.string, "integer": pa.int64, "number": pa.float64, "boolean": pa.bool_,
        "date": pa.date32, "datetime": lambda: pa.timestamp("ms", tz="UTC"),
        "array": pa.string,
    }  # fmt: skip
    return pa.schema([pa.field(f.name, types[f.type]()) for f in table.fields])


def _write_parquet(rows: Iterator[tuple[Any, ...]], table: Table, path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema(table)
    kinds = [f.type for f in table.fields]
    n = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[list[Any]] = [[] for _ in kinds]
        for row in rows:
            for i, (kind, value) in enumerate(zip(kinds, row, strict=True)):
                batch[i].append(_arrow_value(kind, value))
            n += 1
            if len(batch[0]) >= _BATCH:
                writer.write_table(pa.Table.from_arrays(batch, schema=schema))
                batch = [[] for _ in kinds]
        if batch[0] or n == 0:
            writer.write_table(pa.Table.from_arrays(batch, schema=schema))
    return n


# --------------------------------------------------------------------------- datapackage


def _field(f: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"name": f.name, "type": f.type, "description": f.description}
    if f.values:
        meanings = "; ".join(f"{value} = {meaning}" for value, meaning in f.values.items())
        out["description"] = f"{f.description} Values: {meanings}."
        out["constraints"] = {"enum": list(f.values)}
    if f.type == "datetime":
        out["format"] = "any"
    return out


def descriptor(fmt: str, selection: Selection, counts: dict[str, int]) -> dict[str, Any]:
    """``datapackage.json`` of a package of ``fmt`` files (Frictionless Data Package v1)."""
    resources = []
    for table in TABLES:
        schema: dict[str, Any] = {
            "fields": [_field(f) for f in table.fields],
            "primaryKey": list(table.primary_key),
        }
        if fmt == "parquet":  # how pandas (frictionless reads Parquet with it) shows a null
            schema["missingValues"] = ["", "nan", "NaT", "None"]
        if table.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": list(cols), "reference": {"resource": other, "fields": list(keys)}}
                for cols, other, keys in table.foreign_keys
            ]
        resource: dict[str, Any] = {
            "name": table.name, "path": f"{table.name}.{fmt}", "profile": "tabular-data-resource",
            "format": fmt, "description": table.description, "schema": schema,
            "rows": counts.get(table.name, 0),
        }  # fmt: skip
        if fmt != "parquet":
            resource.update(encoding="utf-8", mediatype=_MEDIATYPES[fmt])
        resources.append(resource)
    filters = {k: v for k, v in selection.filters().items() if v not in (None, "all")}
    if selection.query:
        filters["query"] = selection.query
    return {
        "profile": "tabular-data-package",
        "name": "pressarchive",
        "title": "Press releases archived by pressarchive",
        "description": "Releases, their versions, images, links, attachments, topics and "
        "entities from a pressarchive archive. Filters applied: "
        + (json.dumps(filters, default=str, ensure_ascii=False) if filters else "none")
        + ".",
        "resources": resources,
    }


_MEDIATYPES = {"csv": "text/csv", "jsonl": "application/x-ndjson"}


def export_package(
    db: sqlite_utils.Database,
    fmt: str,
    out_dir: str | Path,
    selection: Selection,
    progress: Progress = SILENT,
) -> dict[str, int]:
    """Write the package of ``fmt`` into ``out_dir`` (created if missing, its parent must
    exist); return the rows written per table. Values are checked before a file is written;
    :class:`ExportError` names a directory or file that cannot be written."""
    if fmt not in PACKAGE_FORMATS:
        raise ExportError(
            f"--format {fmt}: a data package is {', '.join(PACKAGE_FORMATS)} (json is one file)"
        )
    selection.check(db)
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError as exc:
            raise MissingDependency(
                "parquet export needs pyarrow: pip install 'pressarchive[parquet]'"
            ) from exc
    folder = Path(out_dir)
    archive = db_path(db)
    check_folder(folder, archive)
    try:
        folder.mkdir(exist_ok=True)
        # an older package's description goes first: it would describe files replaced below
        (folder / "datapackage.json").unlink(missing_ok=True)
    except OSError as exc:
        raise ExportError(f"{folder}: cannot write the package: {exc.strerror}") from exc
    urls = matching_urls(db, selection.query, **selection.filters()) if selection.query else None
    counts: dict[str, int] = {}
    progress.total(len(TABLES))
    for table in TABLES:
        progress.advance()
        rows = _rows(db, table, selection, urls)
        with replaced_on_success(folder / f"{table.name}.{fmt}", ExportError, archive=archive) as p:
            if fmt == "parquet":
                counts[table.name] = _write_parquet(rows, table, p)
            else:
                counts[table.name] = _write_text(rows, table, fmt, p)
    meta = json.dumps(descriptor(fmt, selection, counts), ensure_ascii=False, indent=2)
    with replaced_on_success(folder / "datapackage.json", ExportError, archive=archive) as p:
        p.write_text(meta + "\n", encoding="utf-8")
    return counts


def check_folder(folder: Path, archive: str | Path | None) -> None:
    """:class:`ExportError` unless ``folder`` is a directory, or can be made in one, and
    is neither the archive nor inside its WARC capture folder."""
    if archive is not None and is_archive_file(folder, archive):
        raise ExportError(f"{folder}: is the archive {archive}, not a directory")
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder}: is a file, not a directory for the data package")
    if not folder.parent.is_dir():
        raise ExportError(f"{folder}: cannot write, directory {folder.parent} does not exist")
    if archive is not None and in_capture_folder(folder / "x", archive) is not None:
        raise ExportError(f"{folder}: refusing to write into the archive's capture folder")


__all__ = ["PACKAGE_FORMATS", "Selection", "arrow_schema", "descriptor", "export_package"]
