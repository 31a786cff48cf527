"""``/-/media`` in-process (Datasette's own client): active content is never served as such,
a digest that does not match is refused, a file that was not archived is a 404; and the
sample site's JPEG bytes are real baseline JPEGs."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
from datasette.app import Datasette
from datasette.plugins import pm

import archive.serve.media as media_plugin
from archive.store.media import save_media
from archive.store.schema import open_archive
from crawler.capture.warc import WarcWriter, payload_digest
from crawler.engine.store import MediaFetch
from crawler.records import FetchResult
from crawler.sample_site.media_files import media_bytes, tiny_jpeg

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<html><script>alert(1)</script></html>"
FILES = {
    "https://x.test/a.svg": ("image/svg+xml", SVG),
    "https://x.test/b.html": ("text/html; charset=utf-8", HTML),
    "https://x.test/c.jpg": ("image/jpeg", tiny_jpeg(b"seed-c")),
}


def _archive(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    db = open_archive(path)
    with WarcWriter(path.with_suffix(".warc")) as writer:
        for url, (ctype, body) in FILES.items():
            result = FetchResult(
                url, url, 200, {"content-type": ctype}, body, fetched_at="2026-01-01T00:00:00Z"
            )
            ref = writer.write(result)
            digest = payload_digest(body)
            if url.endswith("c.jpg"):
                digest = payload_digest(b"other bytes")  # a row that does not match its record
            save_media(
                db,
                MediaFetch(url, "x", "image", "https://x.test/", 200, result.fetched_at,
                           ctype, len(body), digest, ref, "response"),
            )  # fmt: skip
        save_media(
            db,
            MediaFetch("https://x.test/d.jpg", "x", "image", None, 404, "2026-01-01T00:00:00Z",
                       error="HTTP 404"),
        )  # fmt: skip
    db.close()
    return path


def _get(path: Path, url: str | None) -> httpx.Response:
    async def go() -> httpx.Response:
        if not pm.is_registered(media_plugin):
            pm.register(media_plugin, name="archive.serve.media")
        ds = Datasette([str(path)])
        query = "" if url is None else "?" + httpx.QueryParams({"url": url}).__str__()
        return await ds.client.get("/-/media" + query)

    return asyncio.run(go())


@pytest.mark.parametrize("url", ["https://x.test/a.svg", "https://x.test/b.html"])
def test_active_content_is_only_a_download(tmp_path: Path, url: str) -> None:
    got = _get(_archive(tmp_path), url)
    assert got.status_code == 200 and got.content == FILES[url][1]
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-security-policy"] == "default-src 'none'"


def test_a_record_that_does_not_hold_the_archived_bytes_is_refused(tmp_path: Path) -> None:
    got = _get(_archive(tmp_path), "https://x.test/c.jpg")
    assert got.status_code == 500 and "does not hold the archived payload" in got.json()["error"]


def test_not_archived_and_no_url(tmp_path: Path) -> None:
    path = _archive(tmp_path)
    assert _get(path, "https://x.test/d.jpg").status_code == 404  # its fetch failed
    assert _get(path, "https://x.test/nothing.jpg").status_code == 404
    assert _get(path, None).status_code == 400


def _jpeg_segments(data: bytes) -> list[int]:
    """The markers of a JPEG up to its scan (lengths followed), checking the structure."""
    assert data[:2] == b"\xff\xd8" and data[-2:] == b"\xff\xd9"
    markers, pos = [], 2
    while True:
        assert data[pos] == 0xFF
        marker = data[pos + 1]
        markers.append(marker)
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if marker == 0xDA:
            return markers
        pos += 2 + length


def test_sample_images_are_baseline_jpegs_differing_per_path() -> None:
    a = media_bytes("/medien/bilder/a.jpg")
    b = media_bytes("/medien/bilder/b.jpg")
    assert a != b
    assert _jpeg_segments(a) == [0xE0, 0xDB, 0xC0, 0xC4, 0xC4, 0xDA]
    sof = a.index(b"\xff\xc0")
    assert a[sof + 5 : sof + 10] == b"\x00\x10\x00\x10\x03"  # 16×16, three components
    assert media_bytes("/uploads/pics/4711_1.jpg") == media_bytes("/uploads/pics/4711_0.jpg")
    assert media_bytes("/medien/dokumente/x.pdf").startswith(b"%PDF-1.4")


def test_import_of_a_revisit_naming_itself_is_skipped(tmp_path: Path) -> None:
    """A hostile WARC: a media revisit whose WARC-Refers-To names the revisit itself (a
    loop), and one naming a file outside the folder; neither is followed."""
    from click.testing import CliRunner
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from archive.cli.main import cli

    warc = tmp_path / "loop.warc.gz"
    body = tiny_jpeg(b"loop-seed")
    with warc.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.1")
        for target in ("loop.warc.gz", "../loop.warc.gz"):
            offset = fh.tell()
            http = StatusAndHeaders("200 OK", [("Content-Type", "image/jpeg")], protocol="HTTP/1.1")
            record = writer.create_revisit_record(
                f"https://x.test/{len(target)}.jpg", payload_digest(body),
                "https://x.test/a.jpg", "2026-01-01T00:00:00Z", http_headers=http,
                warc_headers_dict={"WARC-Date": "2026-01-01T00:00:00Z",
                                   "WARC-Refers-To-Filename": target,
                                   "WARC-Refers-To-Offset": str(offset)},
            )  # fmt: skip
            writer.write_record(record)
    db = tmp_path / "archive.db"
    result = CliRunner().invoke(cli, ["import-warc", str(warc), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["media"] == 0
