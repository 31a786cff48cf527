"""The sample site's media archived by a crawl and served by ``pressarchive serve`` with the
site stopped: the exact bytes the site sent, a revisit for the photo it publishes twice,
counts in ``status``, nothing fetched again on the next run, and ``reparse`` /
``import-warc`` never turning a media record into a page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import sqlite_utils
from click.testing import CliRunner

from archive.cli.main import cli
from crawler.capture.warc import payload_digest
from crawler.sample_site import SampleSite
from crawler.sample_site.media_files import SAME_BYTES
from crawler.sample_site.sites import render_site
from tests.support.datasette_server import (
    running_serve,
)
from tests.support.sample_crawl import crawl_sample

pytestmark = pytest.mark.slow

SITE = render_site(1)


def _url(path: str) -> str:
    return "http://www.ruesselsheim.test" + path


def _site_bytes(url: str) -> bytes:
    return SITE[urlsplit(url).path].body


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("media") / "archive.db"
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        stats = crawl_sample(path, site)
        assert stats.status == "ok" and stats.media_fetched > 0 and stats.media_errors == 0
        site.clear_requests()
        again = crawl_sample(path, site)
        media_requests = [r.path for r in site.requests if r.path.startswith(("/medien", "/up"))]
    assert media_requests == [] and again.media_fetched == 0  # archived files: not again
    yield path


def _db(path: Path) -> sqlite_utils.Database:
    return sqlite_utils.Database(path)


def test_every_image_and_attachment_of_the_pages_is_archived(archive: Path) -> None:
    db = _db(archive)
    wanted = {r["src"]: "image" for r in db.query("SELECT DISTINCT src FROM images")}
    wanted |= {
        r["url"]: "attachment" for r in db.query("SELECT url FROM links WHERE rel = 'attachment'")
    }
    media = {r["url"]: r for r in db.query("SELECT * FROM media")}
    assert {url: row["kind"] for url, row in media.items()} == wanted
    for url, row in media.items():
        body = _site_bytes(url)
        assert (row["status"], row["length"]) == (200, len(body)), url
        assert row["digest"] == payload_digest(body)
    # one file of each pair the site serves twice is a revisit (the one written second)
    revisits = {url for url, row in media.items() if row["record_type"] == "revisit"}
    pairs = [{_url(copy), _url(first)} for copy, first in SAME_BYTES.items()]
    assert len(revisits) == len(pairs) and all(len(revisits & pair) == 1 for pair in pairs)
    for copy in SAME_BYTES:
        assert _site_bytes(copy) == _site_bytes(SAME_BYTES[copy])


def test_status_shows_media_counts_and_bytes(archive: Path) -> None:
    result = CliRunner().invoke(cli, ["status", "--db", str(archive), "--json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    db = _db(archive)
    kinds = dict(db.execute("SELECT kind, count(*) FROM media GROUP BY kind").fetchall())
    size = db.execute("SELECT sum(length) FROM media").fetchone()[0]
    assert (row["images"], row["attachments"]) == (kinds["image"], kinds["attachment"])
    assert row["media_bytes"] == size and row["media_revisits"] == len(SAME_BYTES)
    assert row["media_errors"] == 0
    text = CliRunner().invoke(cli, ["status", "--db", str(archive)]).output
    assert f"media: {kinds['image']} images, {kinds['attachment']} attachments" in text


def test_serve_answers_the_archived_bytes_with_the_site_stopped(archive: Path) -> None:
    db = _db(archive)
    rows = {r["url"]: r for r in db.query("SELECT url, kind, content_type FROM media")}
    copy = _url(next(iter(SAME_BYTES)))
    pdf = next(url for url, r in rows.items() if r["kind"] == "attachment")
    jpeg = next(url for url, r in rows.items() if r["kind"] == "image" and url != copy)
    with running_serve(archive) as base:
        for url, ctype in ((jpeg, "image/jpeg"), (copy, "image/jpeg"), (pdf, "application/pdf")):
            got = httpx.get(base + "/-/media", params={"url": url})
            assert got.status_code == 200, got.text
            assert got.content == _site_bytes(url)
            assert got.headers["content-type"] == ctype
            assert got.headers["x-content-type-options"] == "nosniff"
            assert got.headers["content-security-policy"] == "default-src 'none'"
            assert "max-age" in got.headers["cache-control"]
        etag = httpx.get(base + "/-/media", params={"url": jpeg}).headers["etag"]
        again = httpx.get(base + "/-/media", params={"url": jpeg}, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        missing = httpx.get(base + "/-/media", params={"url": jpeg + "x"})
        assert missing.status_code == 404 and missing.json()["ok"] is False
        assert httpx.get(base + "/-/media").status_code == 400


def test_reparse_and_import_warc_make_no_page_of_a_media_record(
    archive: Path, tmp_path: Path
) -> None:
    db = _db(archive)
    pages = {r["url"] for r in db.query("SELECT url FROM pages")}
    assert pages and not any(u.endswith((".jpg", ".pdf")) for u in pages)
    reparsed = CliRunner().invoke(cli, ["reparse", "--db", str(archive), "--json"])
    assert reparsed.exit_code == 0, reparsed.output
    assert {r["url"] for r in _db(archive).query("SELECT url FROM pages")} == pages
    fresh = tmp_path / "fresh.db"
    warcs = sorted(str(p) for p in archive.with_suffix(".warc").glob("*.warc.gz"))
    args = ["import-warc", *warcs, "--db", str(fresh), "--source", "sample", "--json"]
    imported = CliRunner().invoke(cli, args)
    assert imported.exit_code == 0, imported.output
    assert {r["url"] for r in _db(fresh).query("SELECT url FROM pages")} == pages
    # the media responses and revisits became media files, each with its own bytes
    sql = "SELECT url, digest, kind, record_type FROM media WHERE warc_file IS NOT NULL"
    original = {tuple(r.values()) for r in _db(archive).query(sql)}
    assert {tuple(r.values()) for r in _db(fresh).query(sql)} == original
    assert json.loads(imported.output)["media"] == len(original)
