"""``pressarchive crawl --dask ADDRESS``: each source a task on an existing Dask cluster.

Sources are the unit of work (:mod:`archive.run.merge`): every source of the config is
one task, :func:`crawl_source_task`, which a worker runs by crawling that source into its
own shard archive ``ALL.shards/NAME.db`` (and ``NAME.warc/`` beside it) in a folder beside
the output ``ALL.db``; the workers must share that storage with this process (one machine,
or a shared file system). A task that raises is retried once by Dask (``retries=1``); one
that fails again is reported for its source and its shard is left out. When the tasks
are done the shard archives are merged into ``ALL.db`` (:func:`merge_archives`; idempotent,
so running the crawl again recrawls each shard and merges what is new). The config file is
read by each worker from its path, so it must be on the shared storage too.
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from pathlib import Path
from typing import Any

from archive.run.merge import merge_archives
from archive.store.locking import writer
from archive.store.reader import open_reader
from crawler.errors import MissingDependency

log = logging.getLogger(__name__)

_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,100}$")


def shard_folder(db_path: str | Path) -> Path:
    """Where the per-source shard archives of ``db_path`` go: ``ALL.shards/``."""
    return Path(db_path).with_suffix(".shards")


def shard_path(folder: Path, source: str) -> Path:
    """``folder/NAME.db``; a name that is not a plain file name is replaced by its hash."""
    name = source if _SAFE.match(source) else hashlib.sha1(source.encode()).hexdigest()[:16]
    return folder / f"{name}.db"


def crawl_source_task(config_path: str, source: str, shard_db: str) -> dict[str, Any]:
    """Run on a worker: crawl ``source`` of the config at ``config_path`` into the archive
    ``shard_db`` under its writer lock; the run's counts (``CrawlStats.as_dict``)."""
    from archive.run.crawl import crawl_sources
    from crawler.config.settings import load_config

    config = load_config(config_path)
    with writer(shard_db, "crawl") as db:
        (stats,) = crawl_sources(db, config, (config.source(source),))
    return stats.as_dict()


def crawl_on_dask(address: str, config_path: str, db_path: str) -> dict[str, Any]:
    """Crawl every source of the config as a task on the Dask scheduler at ``address``,
    then merge the shard archives into ``db_path``. The summary: ``sources`` (each run's
    counts, or ``{"source", "status": "failed", "error"}`` for a task that failed twice),
    ``failed`` (their names), ``shards`` (the folder) and ``merge`` (its summary)."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise MissingDependency(
            "--dask needs the Dask distributed package: pip install 'pressarchive[dask]'"
        ) from exc
    from crawler.config.settings import load_config

    config = load_config(config_path)
    config_file = str(Path(config_path).resolve())
    folder = shard_folder(Path(db_path).resolve())
    folder.mkdir(parents=True, exist_ok=True)
    shards = {src.name: shard_path(folder, src.name) for src in config.sources}
    run = uuid.uuid4().hex[:8]
    results: list[dict[str, Any]] = []
    with Client(address) as client:
        futures = {
            name: client.submit(
                crawl_source_task,
                config_file,
                name,
                str(path),
                key=f"pressarchive-crawl-{name}-{run}",
                retries=1,
                pure=False,
            )  # fmt: skip
            for name, path in shards.items()
        }
        for name, future in futures.items():
            try:
                results.append(future.result())
            except Exception as exc:  # the task's own error, after its retry
                log.warning("source %s failed on the cluster: %s", name, exc)
                results.append({"source": name, "status": "failed", "error": str(exc)})
    failed = [r["source"] for r in results if r.get("status") == "failed"]
    inputs = []
    try:
        for name, path in shards.items():
            if name in failed:
                continue
            if not path.is_file():
                log.warning("source %s: no shard archive at %s", name, path)
                continue
            inputs.append((str(path), open_reader(path)))
        merged = merge_archives(db_path, inputs)
    finally:
        for _path, db in inputs:
            db.close()
    return {"sources": results, "failed": failed, "shards": str(folder), "merge": merged}


__all__ = ["crawl_on_dask", "crawl_source_task", "shard_folder", "shard_path"]
