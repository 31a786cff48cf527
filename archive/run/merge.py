"""``pressarchive merge``: shard archives joined into one archive.

Sources are the unit of work past one machine: ``crawl --shard K/N`` writes each share
of the sources into its own archive (and its WARC folder beside it); :func:`merge_archives`
joins such archives into the output (created if missing), under the writer lock like any
write command, in one transaction: a refused or failed merge leaves the output's rows as
they were (WARC files copied for it are removed again).

Each input is opened read-only by the caller (an archive of an older pressarchive is
upgraded first, as read commands do) and must not be the output (:func:`check_inputs`).
What is merged and how conflicts are refused: :mod:`archive.store.merge_sql`. WARC files
the input's rows refer to are copied into the output's WARC folder (:func:`copy_captures`):
a file already there with the same bytes is reused; a different file with the same name
(two shards started writing in the same second) is copied under ``NAME-mK.warc.gz`` and
the merged rows refer to that name. The derived indexes (search, ``pages_fts``,
``graph_edges``) follow: into an output without pages they are built once after the rows
(bulk); into one with pages each merged page is passed to them as the crawl's writer passes
its pages (:func:`archive.indexes.registry.after_change`; a new page makes other pages'
links to it graph edges: links between shards count only once both pages are in one
archive) and each merged successful run (:func:`~archive.indexes.registry.after_run`).
Merging the same inputs again adds nothing and touches no index.
"""

from __future__ import annotations

import filecmp
import logging
import os
import shutil
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from archive.indexes import registry
from archive.outfile import is_archive_file
from archive.store.locking import writer
from archive.store.merge_sql import merge_rows, totals
from crawler.capture.warc import capture_folder
from crawler.errors import InvalidRequest

log = logging.getLogger(__name__)

Inputs = Sequence[tuple[str, sqlite_utils.Database]]


def check_inputs(out_path: str, paths: Sequence[str]) -> None:
    """:class:`InvalidRequest` (exit 2) if no input is given or one is the output (by name
    or identity, a companion file included)."""
    if not paths:
        raise InvalidRequest("merge: name at least one shard archive to merge")
    for path in paths:
        if is_archive_file(path, out_path):
            raise InvalidRequest(f"{path}: is the output archive {out_path}; merge reads "
                                 "shard archives into another --db")  # fmt: skip


def _split(name: str) -> tuple[str, str]:
    for suffix in (".warc.gz", ".warc"):
        if name.endswith(suffix):
            return name[: -len(suffix)], suffix
    return os.path.splitext(name)


def _place(src: Path, folder: Path, name: str, created: list[Path]) -> str:
    """Copy ``src`` into ``folder`` as ``name`` or, taken by other bytes, ``NAME-mK``;
    an identical file there is reused. Returns the name used."""
    stem, suffix = _split(name)
    k = 1
    while True:
        candidate = name if k == 1 else f"{stem}-m{k}{suffix}"
        target = folder / candidate
        if not target.exists():
            folder.mkdir(parents=True, exist_ok=True)
            partial = folder / f".{candidate}.merging"
            shutil.copyfile(src, partial)
            os.replace(partial, target)
            created.append(target)
            return candidate
        if filecmp.cmp(src, target, shallow=False):
            return candidate
        k += 1


def copy_captures(
    src_db: sqlite_utils.Database, src_path: str, out_path: str, created: list[Path]
) -> dict[str, str]:
    """Copy the WARC files ``src_db``'s rows refer to into the output's WARC folder;
    ``{name in the input: name in the output}``. A file missing beside the input keeps
    its name (its rows stay as unresolved as they were; ``reparse`` reports them)."""
    names: set[str] = set()
    for table in ("revisions", "media"):
        rows = src_db.conn.execute(
            f"SELECT DISTINCT warc_file FROM {table} WHERE warc_file IS NOT NULL"
        ).fetchall()
        names.update(str(r[0]) for r in rows)
    src_folder, out_folder = capture_folder(src_path), capture_folder(out_path)
    mapping: dict[str, str] = {}
    for name in sorted(names):
        src = src_folder / name if src_folder is not None else None
        if src is None or out_folder is None or not src.is_file():
            log.warning("%s: WARC file %s not found beside it; references kept", src_path, name)
            mapping[name] = name
            continue
        mapping[name] = _place(src, out_folder, name, created)
    return mapping


@contextmanager
def _removed_on_failure(created: list[Path]) -> Iterator[None]:
    try:
        yield
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        raise


@contextmanager
def _snapshot(src: sqlite_utils.Database) -> Iterator[None]:
    """One read transaction over all of the input's queries: a crawl still writing the
    shard (WAL) commits meanwhile without the merge seeing half of it."""
    if src.conn.in_transaction:
        yield
        return
    src.conn.execute("BEGIN")
    try:
        yield
    finally:
        src.conn.execute("ROLLBACK")  # nothing was written: ends the read


def merge_archives(out_path: str, inputs: Inputs) -> dict[str, Any]:
    """Merge ``inputs`` (``(path, read-only database)``) into the archive at ``out_path``;
    the summary: ``pages`` and ``revisions`` (the output's totals), ``merged_from`` (the
    input paths), ``added`` (what was new: pages, revisions, runs …), ``totals`` (row counts),
    ``warc_files`` (copied, renamed), ``reindexed`` (rows of the indexes rebuilt, when
    the output had no pages) and ``seconds``."""
    started = time.monotonic()
    added: Counter[str] = Counter()
    created: list[Path] = []
    renamed: dict[str, str] = {}
    with writer(out_path, "merge") as db, _removed_on_failure(created):
        with db.atomic():
            # an empty output: bulk rows, then the indexes built once; else page by page
            rebuild = db.execute("SELECT count(*) FROM pages").fetchone()[0] == 0
            for path, src in inputs:
                with _snapshot(src):
                    names = copy_captures(src, path, out_path, created)
                    renamed.update({f"{path}:{a}": b for a, b in names.items() if a != b})
                    counts, _urls = merge_rows(db, src, names, path, hooks=not rebuild)
                added.update(counts)
            reindexed: dict[str, int] = {}
            if rebuild and any(added.values()):
                for index in registry.INDEXES:
                    reindexed[index.name] = registry.rebuild(db, index)
        all_rows = totals(db)
    return {
        "pages": all_rows["pages"],
        "revisions": all_rows["revisions"],
        "merged_from": [path for path, _db in inputs],
        "added": {
            "pages": added["new_pages"],
            "revisions": added["new_revisions"],
            "updated_pages": added["updated_pages"],
            "runs": added["new_runs"],
            **{k: v for k, v in sorted(added.items()) if k not in _SHOWN},
        },
        "totals": all_rows,
        "warc_files": {"copied": len(created), "renamed": renamed},
        "reindexed": reindexed,
        "seconds": round(time.monotonic() - started, 3),
    }


_SHOWN = {"new_pages", "new_revisions", "updated_pages", "new_runs"}

__all__ = ["check_inputs", "copy_captures", "merge_archives"]
