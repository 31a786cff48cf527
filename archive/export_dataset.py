"""``export --format parquet --out DIR --partition-by source,year [--append]``: the pages
as a Hive-partitioned Parquet dataset that DuckDB (``read_parquet('DIR/**/*.parquet',
hive_partitioning = true)``), Spark and Dask (``dask.dataframe.read_parquet(DIR)``) read
as one table.

Layout: ``DIR/source=NAME/year=YYYY/part-STAMP-N.parquet`` (the partition keys in the
order given; ``year`` is the year the page was published, else first seen). The files hold
:data:`~archive.export.EXPORT_COLUMNS` without the partition columns (readers take them
from the paths). Each row is one version of a page (``url``, ``version``).

Without ``--append`` the folder must be new or empty. With ``--append`` the dataset is
maintained: the versions already in it (read back from its files) are left out and only
the others are written, in new files; so exporting after every crawl adds each page's new
versions, and a reader that wants the current pages takes the highest ``version`` per
``url``. Files are written under a temporary name and renamed when complete; a failed
export leaves no partial file behind.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from archive.export import _INT_COLUMNS, EXPORT_COLUMNS
from crawler.errors import ExportError, MissingDependency

PARTITION_KEYS = ("source", "year")


def parse_partition(spec: str) -> tuple[str, ...]:
    """``"source,year"`` → ``("source", "year")``; :class:`ExportError` naming the value."""
    keys = tuple(k.strip() for k in spec.split(",") if k.strip())
    bad = [k for k in keys if k not in PARTITION_KEYS]
    if not keys or bad or len(set(keys)) != len(keys):
        raise ExportError(
            f"--partition-by {spec!r}: give one or both of {', '.join(PARTITION_KEYS)}, "
            "comma-separated, each once"
        )
    return keys


def _year(row: dict[str, Any]) -> str:
    stamp = row.get("published") or row.get("first_seen") or ""
    return stamp[:4] if stamp[:4].isdigit() else "unknown"


def _existing(folder: Path) -> set[tuple[str, int]]:
    import pyarrow.dataset as ds

    files = [p for p in folder.rglob("*.parquet") if not p.name.startswith(".")]
    if not files:
        return set()
    table = ds.dataset([str(p) for p in files], format="parquet").to_table(
        columns=["url", "version"]
    )
    urls, versions = table.column("url").to_pylist(), table.column("version").to_pylist()
    return set(zip(urls, versions, strict=True))


def export_dataset(
    rows: Iterable[dict[str, Any]], folder: str | Path, keys: Sequence[str], *, append: bool
) -> dict[str, int]:
    """Write ``rows`` (page dicts of ``EXPORT_COLUMNS``) into the dataset at ``folder``
    partitioned by ``keys``; ``{"rows", "files", "skipped"}`` (``skipped``: versions the
    dataset had)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise MissingDependency(
            "parquet export needs pyarrow: pip install 'pressarchive[parquet]'"
        ) from exc
    root = Path(folder)
    if root.exists() and not root.is_dir():
        raise ExportError(f"{root}: is a file, not a dataset folder")
    if root.is_dir() and any(root.iterdir()) and not append:
        raise ExportError(f"{root}: not empty; --append adds the new versions to a dataset")
    have = _existing(root) if root.is_dir() else set()
    columns = [c for c in EXPORT_COLUMNS if c not in keys]
    schema = pa.schema([(c, pa.int64() if c in _INT_COLUMNS else pa.string()) for c in columns])
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    skipped = 0
    for row in rows:
        if (row["url"], row["version"]) in have:
            skipped += 1
            continue
        values = {"source": row["source"] or "unknown", "year": _year(row)}
        groups.setdefault(tuple(values[k] for k in keys), []).append(row)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    written: list[Path] = []
    try:
        for i, (key, group) in enumerate(sorted(groups.items())):
            part = root.joinpath(*(f"{k}={v}" for k, v in zip(keys, key, strict=True)))
            part.mkdir(parents=True, exist_ok=True)
            name = f"part-{stamp}-{uuid.uuid4().hex[:8]}-{i}.parquet"
            temporary = part / f".{name}.partial"
            pq.write_table(pa.Table.from_pylist(group, schema=schema), temporary)
            final = part / name
            temporary.rename(final)
            written.append(final)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        for path in root.rglob(".*.partial"):
            path.unlink(missing_ok=True)
        raise
    return {"rows": sum(len(g) for g in groups.values()), "files": len(written), "skipped": skipped}


__all__ = ["PARTITION_KEYS", "export_dataset", "parse_partition"]
