"""Every sample-site family crawled over real HTTP: each page once, fields as the ground truth."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils

from archive.run.crawl import crawl_source
from archive.store.schema import open_archive
from crawler.config.settings import loads_config
from crawler.sample_site import FAMILIES, SampleSite, family_config_text, family_ground_truth
from tests.support.sample_crawl import cli_crawl_json

pytestmark = pytest.mark.slow

EXACT = ("page_type", "title", "label", "lead", "published")
#: fields the generic extractor does not get right yet on the families of real CMS templates
#: (their levels are pinned in tests/crawler/extract/test_extraction_quality.py): the page
#: type (block theme posts without a press label or path, a Joomla content page, a Mercury
#: notice) and the block theme's category label after the title
KNOWN_GAPS = {
    "wpblock": ("page_type", "label"),
    "joomla": ("page_type",),
    "opencms": ("page_type",),
}
CRAWLER = "[crawler]\ndelay = 0.0\nmax_delay = 0.01\nretries = 0\n"


@pytest.mark.parametrize("family", [f for f in FAMILIES if f != "sitepark"])
def test_family_crawl_matches_ground_truth(tmp_path: Path, family: str) -> None:
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        config = loads_config(CRAWLER + family_config_text(family, site.port), f"{family}.toml")
        db = open_archive(tmp_path / "archive.db")
        stats = crawl_source(db, config, config.source(family))
    truth = family_ground_truth(family, 1)
    rows = {
        row["url"]: row
        for row in sqlite_utils.Database(tmp_path / "archive.db").query("select * from pages")
    }
    assert stats.errors == 0, stats.error_urls
    assert sorted(rows) == sorted(truth)
    wrong = [
        (url, field, rows[url][field], expected[field])
        for url, expected in truth.items()
        for field in EXACT
        if field not in KNOWN_GAPS.get(family, ())
        and (rows[url][field] or None) != (expected[field] or None)
    ]
    assert wrong == []


def test_all_families_crawled_side_by_side_by_the_cli(tmp_path: Path) -> None:
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        text = CRAWLER + "".join(family_config_text(f, site.port) for f in FAMILIES)
        db_path, summary = cli_crawl_json(tmp_path, text)
    assert [r["status"] for r in summary["sources"]] == ["ok"] * len(FAMILIES)
    db = sqlite_utils.Database(db_path)
    for family in FAMILIES:
        urls = {r["url"] for r in db.query("select url from pages where source = ?", [family])}
        assert urls == set(family_ground_truth(family, 1)), family
    runs = list(db.query("select source, status from crawl_runs"))
    assert sorted(r["source"] for r in runs) == sorted(FAMILIES)
