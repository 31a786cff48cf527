"""Writing rows without sqlite-utils' per-call overhead, for the hot path of a crawl.

``table.insert_all`` and ``table.upsert`` look at the table (does it exist, which columns,
which primary key) and build their SQL on every call: about 0.3 ms a call on the bench
machine, several calls per saved page. The writer knows its tables (the frozen migrations
created them), so :func:`insert_rows` and :func:`upsert_row` build each statement once
per column list and hand the values to ``executemany``. Values are stored as sqlite-utils
stores them: lists and dicts as JSON, everything else as is.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlite_utils


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


@functools.lru_cache(maxsize=256)
def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    marks = ", ".join("?" * len(columns))
    return f'INSERT INTO "{table}" ({_quoted(columns)}) VALUES ({marks})'


@functools.lru_cache(maxsize=64)
def _upsert_sql(table: str, columns: tuple[str, ...], pk: tuple[str, ...]) -> str:
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c not in pk)
    conflict = f"ON CONFLICT ({_quoted(pk)}) DO " + (
        f"UPDATE SET {updates}" if updates else "NOTHING"
    )
    return f"{_insert_sql(table, columns)} {conflict}"


def _value(value: Any) -> Any:
    if isinstance(value, (list, dict, tuple)):
        return json.dumps(value, ensure_ascii=False)
    return value


def insert_rows(db: sqlite_utils.Database, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """``INSERT`` every row of ``rows`` (dicts of column → value; rows with the same
    columns in one ``executemany``, in order of first appearance)."""
    groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    for row in rows:
        columns = tuple(row)
        groups.setdefault(columns, []).append(tuple(_value(row[c]) for c in columns))
    for columns, values in groups.items():
        db.conn.executemany(_insert_sql(table, columns), values)


def upsert_row(
    db: sqlite_utils.Database, table: str, row: Mapping[str, Any], pk: Sequence[str]
) -> None:
    """Insert ``row``, or update the columns it has of the row with its primary key ``pk``
    (the other columns keep their values, as ``table.upsert`` does)."""
    columns = tuple(row)
    db.conn.execute(_upsert_sql(table, columns, tuple(pk)), tuple(_value(row[c]) for c in columns))


__all__ = ["insert_rows", "upsert_row"]
