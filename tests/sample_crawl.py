"""Crawl the bundled sample site into an archive file, as the tests need it (no delays)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archive.schema import open_archive
from crawler.crawl import CrawlStats, crawl_source
from crawler.demo import sample_config
from crawler.sample_site import SampleSite


def crawl_sample(db_path: Path, site: SampleSite, **options: Any) -> CrawlStats:
    """One crawl of ``site`` (source ``sample``) into ``db_path``; options go to crawl_source."""
    config = sample_config(site.port, delay=0.0, max_delay=0.01)
    db = open_archive(db_path)
    try:
        return crawl_source(db, config, config.source("sample"), **options)
    finally:
        db.close()
