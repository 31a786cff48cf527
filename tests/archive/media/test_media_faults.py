"""Media of a page on a small real site (127.0.0.1): archived once, identical bytes as a
revisit (in one run and across runs), every failure a ``media`` error row and a
``fetch_errors`` row of kind ``media``, never a failed page; robots.txt, the per-file cap,
content types, the per-run budget and the per-source opt-out."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlite_utils

from archive.run.crawl import crawl_source
from archive.store.schema import open_archive
from crawler.capture.reading import read_capture
from crawler.capture.verify import read_record_at
from crawler.capture.warc import CaptureRef, payload_digest
from crawler.config.settings import loads_config
from crawler.engine.crawl import crawl_sources
from crawler.engine.stats import CrawlStats
from crawler.sample_site.media_files import tiny_jpeg, tiny_pdf
from tests.support.httpserver import Request, Response, TestServer
from tests.support.memory_store import MemoryStore

BASE = "http://bank.test"
PAGE = BASE + "/presse/2025-11-20-neue-baenke"
PHOTO = tiny_jpeg(b"bank-photo")
OTHER = tiny_jpeg(b"other-photo")
PLAN = tiny_pdf(b"plan")
HTML = """<!doctype html><html lang="de"><head><title>Neue Bänke am Mainufer | Stadt</title>
<meta name="date" content="2025-11-20"></head><body><main><article>
<h1>Neue Bänke am Mainufer</h1>
<p class="lead">Die Stadt stellt zwanzig neue Sitzbänke am Mainufer auf.</p>
<figure><img src="/bilder/bank.jpg" alt="Eine Bank"><figcaption>Die neue Bank.</figcaption></figure>
<p>Die Bänke bestehen aus heimischem Holz und wurden von der Stadtgärtnerei montiert. Sie
laden zum Verweilen ein und ersetzen die alten Bänke, die marode geworden waren.</p>
<figure><img src="/bilder/bank-kopie.jpg" alt="Noch eine Bank">
<figcaption>Die zweite.</figcaption></figure>
<figure><img src="/bilder/kaputt.jpg" alt="Kaputt"><figcaption>Kein Bild.</figcaption></figure>
<figure><img src="/bilder/riesig.jpg" alt="Riesig"><figcaption>Zu groß.</figcaption></figure>
<figure><img src="/medien/privat.jpg" alt="Privat"><figcaption>Gesperrt.</figcaption></figure>
<p>Mehr im <a href="/dokumente/plan.pdf">Plan der Standorte (PDF)</a> und in der
<a href="/dokumente/liste.pdf">Liste (PDF)</a>.</p>
<p>Die Stadt bittet darum, die Bänke pfleglich zu behandeln und Müll in die Behälter zu werfen.</p>
</article></main></body></html>"""
JPEG = {"Content-Type": "image/jpeg"}
HTML_TYPE = {"Content-Type": "text/html; charset=utf-8"}
FAILING = {
    BASE + "/bilder/kaputt.jpg": (200, "not an image: content type text/html"),
    BASE + "/bilder/riesig.jpg": (200, "exceeds 1000 bytes"),
    BASE + "/medien/privat.jpg": (None, "disallowed by robots.txt"),
    BASE + "/dokumente/liste.pdf": (404, "HTTP 404"),
}
ARCHIVED = {
    BASE + "/bilder/bank.jpg": PHOTO,
    BASE + "/bilder/bank-kopie.jpg": PHOTO,
    BASE + "/dokumente/plan.pdf": PLAN,
}
#: the same photo under two names: the one written second is a revisit (two fetches in flight)
TWINS = {BASE + "/bilder/bank.jpg", BASE + "/bilder/bank-kopie.jpg"}


def _routes(server: TestServer) -> None:
    server.route("/robots.txt", Response(200, b"User-agent: *\nDisallow: /medien/\n"))
    server.route(
        "/presse/2025-11-20-neue-baenke",
        Response(200, HTML.encode(), HTML_TYPE),
    )
    server.route("/bilder/bank.jpg", Response(200, PHOTO, JPEG))
    server.route("/bilder/bank-kopie.jpg", Response(200, PHOTO, JPEG))
    server.route(
        "/bilder/kaputt.jpg", Response(200, b"<html>oops</html>", {"Content-Type": "text/html"})
    )
    server.route("/bilder/riesig.jpg", Response(200, OTHER + b"\0" * 5000, JPEG))
    server.route("/medien/privat.jpg", Response(200, OTHER, JPEG))
    server.route("/dokumente/plan.pdf", Response(200, PLAN, {"Content-Type": "application/pdf"}))


def _config_text(port: int, extra: str = "", source_extra: str = "") -> str:
    return f"""
[crawler]
user_agent = "pressarchive-test/0.1"
delay = 0.0
max_delay = 0.01
timeout = 5.0
retries = 0
media_max_file_bytes = 1000
{extra}
[sources.bank]
extra_urls = ["{PAGE}"]
{source_extra}
[sources.bank.connect_to]
"bank.test" = "127.0.0.1:{port}"
"""


@pytest.fixture
def server() -> Iterator[TestServer]:
    with TestServer() as srv:
        _routes(srv)
        yield srv


def _crawl(path: Path, text: str) -> CrawlStats:
    config = loads_config(text)
    db = open_archive(path)
    try:
        return crawl_source(db, config, config.source("bank"))
    finally:
        db.close()


def _rows(path: Path, sql: str) -> dict[str, dict[str, Any]]:
    db = sqlite_utils.Database(path)
    try:
        return {row["url"]: row for row in db.query(sql)}
    finally:
        db.close()


def _media_paths(server: TestServer) -> list[str]:
    return [p for p in server.paths() if not p.startswith(("/robots.txt", "/presse"))]


def test_media_archived_failures_are_error_rows_and_the_page_is_fine(
    tmp_path: Path, server: TestServer
) -> None:
    path = tmp_path / "archive.db"
    stats = _crawl(path, _config_text(server.port))
    assert stats.status == "ok" and stats.new == 1 and stats.errors == 0
    assert (stats.media_fetched, stats.media_revisits, stats.media_errors) == (3, 1, 4)
    assert set(_rows(path, "SELECT url FROM pages")) == {PAGE}
    media = _rows(path, "SELECT * FROM media")
    assert set(media) == set(ARCHIVED) | set(FAILING)
    folder = path.with_suffix(".warc")
    for url, body in ARCHIVED.items():
        row = media[url]
        assert (row["status"], row["page_url"]) == (200, PAGE)
        assert row["digest"] == payload_digest(body) and row["length"] == len(body)
        ref = CaptureRef(row["warc_file"], row["warc_offset"], 0, row["warc_record_id"])
        assert read_capture(folder, ref).body == body
        record = read_record_at(folder / row["warc_file"], row["warc_offset"])
        assert record.rec_type == row["record_type"] and record.url == url
    (revisit_url,) = [url for url in ARCHIVED if media[url]["record_type"] == "revisit"]
    assert revisit_url in TWINS
    revisit = media[revisit_url]
    record = read_record_at(folder / revisit["warc_file"], revisit["warc_offset"])
    assert record.rec_headers.get_header("WARC-Profile").endswith("identical-payload-digest")
    assert media[BASE + "/bilder/bank.jpg"]["kind"] == "image"
    assert media[BASE + "/dokumente/plan.pdf"]["kind"] == "attachment"
    errors = _rows(path, "SELECT * FROM fetch_errors")
    assert set(errors) == set(FAILING)
    for url, (status, message) in FAILING.items():
        assert media[url]["status"] == status and message in media[url]["error"]
        assert media[url]["warc_file"] is None and media[url]["digest"] is None
        assert (errors[url]["status"], errors[url]["kind"]) == (status, "media")
        assert message in errors[url]["error"]
    assert "/medien/privat.jpg" not in server.paths()  # robots.txt: never asked for
    run = _rows(path, "SELECT source AS url, status, errors FROM crawl_runs")["bank"]
    assert (run["status"], run["errors"]) == ("ok", 0)


def test_later_runs_fetch_no_archived_file_and_dedup_across_runs(
    tmp_path: Path, server: TestServer
) -> None:
    path = tmp_path / "archive.db"
    _crawl(path, _config_text(server.port))
    first = _rows(path, "SELECT * FROM media")
    errors = len(_rows(path, "SELECT * FROM fetch_errors"))
    server.requests.clear()
    # the same page again: nothing archived is fetched, no failure for good is tried again
    stats = _crawl(path, _config_text(server.port))
    assert stats.unchanged == 1 and _media_paths(server) == []
    assert len(_rows(path, "SELECT * FROM fetch_errors")) == errors
    # the page changes and its broken image is fixed, with the bytes of an archived photo
    changed = HTML.replace("</article>", "<p>Nachtrag: Die Bänke stehen.</p></article>")
    server.route("/presse/2025-11-20-neue-baenke", Response(200, changed.encode(), HTML_TYPE))
    server.route("/bilder/kaputt.jpg", Response(200, PHOTO, JPEG))
    stats = _crawl(path, _config_text(server.port))
    fetched = _media_paths(server)
    assert stats.changed == 1 and "/bilder/kaputt.jpg" in fetched
    assert not set(fetched) & {"/bilder/bank.jpg", "/bilder/bank-kopie.jpg", "/dokumente/plan.pdf"}
    media = _rows(path, "SELECT * FROM media")
    for url in ARCHIVED:
        assert media[url] == first[url]
    fixed = media[BASE + "/bilder/kaputt.jpg"]
    assert (fixed["status"], fixed["record_type"], fixed["error"]) == (200, "revisit", None)
    earlier = {first[url]["warc_file"] for url in TWINS}
    assert fixed["warc_file"] not in earlier  # written by this run, refers to an earlier one
    ref = CaptureRef(fixed["warc_file"], fixed["warc_offset"], 0, fixed["warc_record_id"])
    record = read_record_at(path.with_suffix(".warc") / fixed["warc_file"], fixed["warc_offset"])
    assert record.rec_headers.get_header("WARC-Refers-To-Filename") in earlier
    assert read_capture(path.with_suffix(".warc"), ref).body == PHOTO
    assert stats.media_revisits == 1


def test_opt_out_per_source_fetches_no_media(tmp_path: Path, server: TestServer) -> None:
    path = tmp_path / "archive.db"
    stats = _crawl(path, _config_text(server.port, source_extra="media = false"))
    assert stats.new == 1 and stats.media_fetched == 0
    assert _media_paths(server) == []
    assert _rows(path, "SELECT * FROM media") == {}


def test_the_run_budget_caps_files_and_bytes(tmp_path: Path, server: TestServer) -> None:
    path = tmp_path / "archive.db"
    stats = _crawl(path, _config_text(server.port, extra="media_max_files = 2"))
    assert len(_media_paths(server)) == 2 and stats.media_skipped == 5
    assert len(_rows(path, "SELECT * FROM media")) == 2
    server.requests.clear()
    path2 = tmp_path / "budget.db"
    # the first image fits; the source's bytes are then spent
    stats = _crawl(path2, _config_text(server.port, extra=f"media_max_source_bytes = {len(PHOTO)}"))
    media = _rows(path2, "SELECT * FROM media")
    assert media[BASE + "/bilder/bank.jpg"]["status"] == 200
    assert stats.media_fetched == 1 and stats.media_skipped == 6 and len(media) == 1
    # a file over what was left of the budget is no failure: the next run takes it
    path3 = tmp_path / "budget_left.db"
    extra = f"media_max_source_bytes = {len(PHOTO) + 10}\nconcurrency_per_host = 1"
    stats = _crawl(path3, _config_text(server.port, extra=extra))
    assert stats.media_fetched == 1 and stats.media_skipped >= 1
    media = _rows(path3, "SELECT * FROM media")
    assert BASE + "/bilder/bank.jpg" in media and BASE + "/bilder/bank-kopie.jpg" not in media
    stats = _crawl(path3, _config_text(server.port, extra=extra))
    assert stats.media_fetched == 1  # bank-kopie.jpg (the revisit) this time
    assert _rows(path3, "SELECT * FROM media")[BASE + "/bilder/bank-kopie.jpg"]["status"] == 200


def test_a_connection_dropped_mid_file_is_an_error_row_in_any_store() -> None:
    """A fault a real server cannot be made to produce on demand: the connection breaks
    while the image arrives (MockTransport). The engine's memory store gets the row."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/bilder/bank.jpg":
            raise httpx.RemoteProtocolError("peer closed connection", request=request)
        if request.url.path == PAGE.removeprefix(BASE):
            return httpx.Response(200, content=HTML.encode(), headers={"content-type": "text/html"})
        return httpx.Response(404)

    config = loads_config(_config_text(9))
    store = MemoryStore()
    (stats,) = crawl_sources(
        store, config, config.sources, transport=httpx.MockTransport(handler), capture=False
    )
    assert stats.status == "ok" and set(store.live("bank")) == {PAGE}
    failed = store.media[BASE + "/bilder/bank.jpg"]
    assert failed.status is None and "RemoteProtocolError" in (failed.error or "")
    kinds = {(e.url, e.kind) for e in store.errors}
    assert (BASE + "/bilder/bank.jpg", "media") in kinds
    assert all(kind == "media" for _url, kind in kinds)


def test_media_of_a_page_that_answers_304_are_fetched_later(
    tmp_path: Path, server: TestServer
) -> None:
    """An archive whose page was saved without its media (media were off) gets them on a
    later run even though the page itself answers 304 Not Modified."""

    def page(request: Request) -> Response:
        if request.headers.get("if-none-match") == '"v1"':
            return Response(304, headers={"ETag": '"v1"'})
        return Response(200, HTML.encode(), {**HTML_TYPE, "ETag": '"v1"'})

    server.route("/presse/2025-11-20-neue-baenke", page)
    path = tmp_path / "archive.db"
    _crawl(path, _config_text(server.port, source_extra="media = false"))
    assert _media_paths(server) == []
    stats = _crawl(path, _config_text(server.port))
    assert stats.not_modified == 1 and stats.media_fetched == 3
    archived = _rows(path, "SELECT url FROM media WHERE warc_file IS NOT NULL")
    assert set(archived) == set(ARCHIVED)


def test_a_stop_during_the_media_ends_the_run_interrupted_with_the_page_saved() -> None:
    stop = threading.Event()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == PAGE.removeprefix(BASE):
            return httpx.Response(200, content=HTML.encode(), headers={"content-type": "text/html"})
        if request.url.path.startswith("/bilder/"):
            stop.set()  # as a signal handler would, while the first image is under way
            return httpx.Response(200, content=PHOTO, headers={"content-type": "image/jpeg"})
        return httpx.Response(404)

    config = loads_config(_config_text(9, extra="concurrency_per_host = 1"))
    store = MemoryStore()
    (stats,) = crawl_sources(
        store, config, config.sources, transport=httpx.MockTransport(handler), stop=stop
    )
    assert stats.status == "interrupted" and set(store.live("bank")) == {PAGE}
    assert len(store.media) <= 1 and stats.media_fetched <= 1
