"""import-warc caps a record's size like a crawl caps a response (crawler.max_bytes): a
400 KB .warc.gz can hold a 400 MB page (issue 14, hostile review of the fixes)."""

from __future__ import annotations

from pathlib import Path

from archive.run.warc_import import import_warc
from archive.store.schema import open_archive
from crawler.capture.warc import WarcWriter
from crawler.config.settings import CrawlerConfig
from crawler.records import FetchResult

PAGE = b"<html><head><title>Stadtfest</title></head><body><main><h1>Stadtfest</h1><p>%s</p>"


def test_a_record_over_the_default_cap_is_unreadable_and_the_rest_imports(
    tmp_path: Path,
) -> None:
    cap = CrawlerConfig().max_bytes
    huge = PAGE % (b"Programm am Samstag. " * (cap // 16))
    small = PAGE % (b"Programm am Sonntag. " * 40)
    assert len(huge) > cap + (1 << 20)
    folder = tmp_path / "in"
    with WarcWriter(folder) as writer:
        for url, body in (("http://a.test/gross", huge), ("http://a.test/klein", small)):
            writer.write(FetchResult(url=url, final_url=url, status=200, body=body,
                                     headers={"content-type": "text/html"},
                                     fetched_at="2025-01-01T10:00:00Z"))  # fmt: skip
    db = open_archive(tmp_path / "archive.db")
    try:
        report = import_warc(db, sorted(folder.glob("*.warc.gz")))
        urls = [r[0] for r in db.execute("SELECT url FROM pages")]
    finally:
        db.close()
    assert report["unreadable"] == 1 and report["new"] == 1, report
    assert urls == ["http://a.test/klein"]
