"""Discovery's own fetches (listings, feeds, sitemaps) are captured in the WARC files as
the crawl goes, not held until discovery ends (issue 14: bounded discovery memory)."""

from __future__ import annotations

from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.sample_site import SampleSite
from crawler.sample_site.demo import sample_config
from tests.support.sample_crawl import crawl_sample

pytestmark = pytest.mark.slow


def captured_uris(folder: Path) -> set[str]:
    uris: set[str] = set()
    for path in sorted(folder.glob("*.warc.gz")):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type in ("response", "revisit"):
                    uris.add(record.rec_headers.get_header("WARC-Target-URI"))
    return uris


def test_listing_feed_and_sitemap_fetches_are_in_the_warc(tmp_path: Path) -> None:
    db_path = tmp_path / "archive.db"
    with SampleSite(edition=1) as site:
        source = sample_config(site.port).source("sample")
        stats = crawl_sample(db_path, site)
    assert stats.status == "ok"
    uris = captured_uris(db_path.with_suffix(".warc"))
    named = [*source.start_urls, *source.feeds, *source.sitemaps]
    assert named and all(url in uris for url in named), sorted(set(named) - uris)
    assert any("sitemap" in u for u in uris)
