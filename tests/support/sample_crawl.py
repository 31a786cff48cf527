"""Crawl the bundled sample site into an archive file, as the tests need it (no delays)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import sqlite_utils
from click.testing import CliRunner

from archive.cli.main import cli
from archive.run.crawl import CrawlStats, crawl_source
from archive.store.schema import open_archive
from crawler.sample_site import SampleSite
from crawler.sample_site.demo import sample_config


def crawl_sample(db_path: Path, site: SampleSite, **options: Any) -> CrawlStats:
    """One crawl of ``site`` (source ``sample``) into ``db_path``; options go to crawl_source."""
    config = sample_config(site.port, delay=0.0, max_delay=0.01)
    db = open_archive(db_path)
    try:
        return crawl_source(db, config, config.source("sample"), **options)
    finally:
        db.close()


def cli_crawl_json(tmp_path: Path, config_text: str) -> tuple[Path, dict[str, Any]]:
    """Write ``config_text`` to ``tmp_path/config.toml``, run ``pressarchive crawl --json``
    into ``tmp_path/archive.db`` through the CLI; return the archive path and the summary."""
    config = tmp_path / "config.toml"
    config.write_text(config_text, encoding="utf-8")
    db_path = tmp_path / "archive.db"
    result = CliRunner().invoke(
        cli, ["crawl", "--config", str(config), "--db", str(db_path), "--json"]
    )
    assert result.exit_code == 0, result.output
    return db_path, json.loads(result.output)


def copy_with_captures(db_path: Path, target: Path) -> Path:
    """A copy of the archive at ``db_path`` and its WARC folder in the new folder
    ``target``; returns the copy's path (``target/archive.db``)."""
    target.mkdir()
    shutil.copy(db_path, target / "archive.db")
    shutil.copytree(db_path.with_suffix(".warc"), target / "archive.warc")
    return target / "archive.db"


def table_rows(
    db_path: Path, tables: tuple[str, ...], order: str = "1, 2"
) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of each of ``tables``, ordered by ``order``: to compare an archive
    before and after a command."""
    db = sqlite_utils.Database(db_path)
    try:
        return {
            t: [tuple(r.values()) for r in db.query(f"SELECT * FROM {t} ORDER BY {order}")]
            for t in tables
        }
    finally:
        db.close()
