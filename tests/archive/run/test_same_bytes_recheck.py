"""Re-checks of pages whose server sends no validators, over real HTTP into a real archive:
a page answered with the bytes of its last fetch is ``unchanged`` without being extracted
again and captured as a ``revisit`` of the record holding those bytes; every other answer
(other bytes, new validators, a page removed and back) is extracted as before."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from warcio.archiveiterator import ArchiveIterator

from archive.run.crawl import crawl_source, crawl_sources
from archive.store.schema import open_archive
from crawler.capture.reading import read_capture
from crawler.capture.verify import read_record_at
from crawler.capture.warc import CaptureRef, payload_digest
from crawler.config.settings import loads_config
from crawler.engine import source_run as engine
from crawler.engine.stats import CrawlStats
from tests.support.httpserver import Request, Response, TestServer

BASE = "http://stadt.test/presse/"
HTML_TYPE = {"Content-Type": "text/html; charset=utf-8"}


def html(title: str, extra: str = "", comment: str = "") -> bytes:
    return (
        f"<!doctype html><html lang='de'><head><title>{title} | Stadt</title>"
        "<meta name='date' content='2025-11-20'></head><body><main><article>"
        f"<h1>{title}</h1><p>Die Stadt teilt mit, dass {title} am Samstag stattfindet. "
        "Alle Bürgerinnen und Bürger sind herzlich eingeladen, vorbeizukommen und "
        f"mitzufeiern.</p><p>Weitere Auskünfte gibt das Bürgerbüro.{extra}</p>"
        f"</article></main>{comment}</body></html>"
    ).encode()


SAME = html("Stadtfest")
EDITED = html("Flohmarkt", " Der Eintritt ist frei.")
TAGGED = html("Lesung")
BACK = html("Konzert")
_tokens = itertools.count()


def rotating(_req: Request) -> Response:
    """Other bytes on every request (a session token in a comment), the same content."""
    return Response(200, html("Wochenmarkt", comment=f"<!-- {next(_tokens)} -->"), HTML_TYPE)


#: path → the answers of the first, second and third crawl
ROUTES: dict[str, Any] = {
    "same": Response(200, SAME, HTML_TYPE),
    "rotating": rotating,
    "edited": [Response(200, html("Flohmarkt"), HTML_TYPE), Response(200, EDITED, HTML_TYPE)],
    "tagged": [
        Response(200, TAGGED, {**HTML_TYPE, "ETag": '"1"'}),
        Response(200, TAGGED, {**HTML_TYPE, "ETag": '"2"'}),
    ],
    "back": [Response(200, BACK, HTML_TYPE), Response(404), Response(200, BACK, HTML_TYPE)],
}
URLS = {name: BASE + name for name in ROUTES}


@dataclass
class Crawls:
    db_path: Path
    stats: list[CrawlStats]
    extracted: list[set[str]]  # the URLs each crawl extracted
    payloads: list[dict[str, dict[str, Any]]]  # page_payloads after each crawl


@pytest.fixture(scope="module")
def crawls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawls]:
    db_path = tmp_path_factory.mktemp("recheck") / "archive.db"
    extracted: list[set[str]] = []
    real = engine.extract_captured

    async def spy(pool: Any, writer: Any, task: Any, ref: Any) -> Any:
        extracted[-1].add(task.url)
        return await real(pool, writer, task, ref)

    with TestServer() as srv, pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "extract_captured", spy)
        srv.route("/robots.txt", Response(200, b"User-agent: *\nAllow: /\n"))
        for name, answers in ROUTES.items():
            srv.route(f"/presse/{name}", answers)
        config = loads_config(
            f"""
[crawler]
delay = 0.0
max_delay = 0.01
timeout = 5.0
retries = 0
[sources.stadt]
extra_urls = {list(URLS.values())!r}
[sources.stadt.connect_to]
"stadt.test" = "127.0.0.1:{srv.address.split(":")[1]}"
""".replace("'", '"')
        )
        stats, payloads = [], []
        for _ in range(3):
            extracted.append(set())
            db = open_archive(db_path)
            try:
                stats.append(crawl_source(db, config, config.source("stadt")))
                payloads.append({r["url"]: r for r in db.query("SELECT * FROM page_payloads")})
            finally:
                db.close()
    yield Crawls(db_path, stats, extracted, payloads)


def _records(folder: Path, url: str) -> list[Any]:
    """(file, offset, type, headers) of the response/revisit records of ``url``, in order."""
    out = []
    for path in sorted(folder.glob("*.warc.gz")):
        with path.open("rb") as fh:
            it = ArchiveIterator(fh)
            for record in it:
                kind = record.rec_type
                if (
                    kind in ("response", "revisit")
                    and record.rec_headers.get_header("WARC-Target-URI") == url
                ):
                    out.append((path.name, it.get_record_offset(), kind, record.rec_headers))
    return out


def test_every_crawl_succeeds_with_the_expected_outcomes(crawls: Crawls) -> None:
    first, second, third = crawls.stats
    assert [s.status for s in crawls.stats] == ["ok", "ok", "ok"]
    assert (first.new, first.changed, first.unchanged) == (5, 0, 0)
    # second: edited changed, back removed, the rest unchanged (same, rotating, tagged)
    assert (second.new, second.changed, second.unchanged, second.removed) == (0, 1, 3, 1)
    # third: back restored (changed); same, rotating, edited, tagged unchanged
    assert (third.new, third.changed, third.unchanged) == (0, 1, 4)


def test_identical_bytes_are_not_extracted_again(crawls: Crawls) -> None:
    assert crawls.extracted[0] == set(URLS.values())
    # the second crawl: "same" skipped; rotating bytes, an edit, a new ETag extracted
    assert crawls.extracted[1] == {URLS["rotating"], URLS["edited"], URLS["tagged"]}
    # the third: "edited" and "tagged" answer their last bytes again now; "back" returns
    # (a removed page is extracted: restored), "rotating" never repeats itself
    assert crawls.extracted[2] == {URLS["rotating"], URLS["back"]}


def test_the_payload_rows_name_the_bytes_and_their_response_record(crawls: Crawls) -> None:
    folder = crawls.db_path.with_suffix(".warc")
    first = crawls.payloads[0]
    assert set(first) == set(URLS.values())
    assert first[URLS["same"]]["digest"] == payload_digest(SAME)
    for url, row in first.items():
        record = read_record_at(folder / row["warc_file"], row["warc_offset"])
        assert (record.rec_type, record.record_id, record.url) == (
            "response", row["warc_record_id"], url
        )  # fmt: skip
        assert payload_digest(record.body) == row["digest"]
    last = crawls.payloads[2]
    # the same bytes keep naming the first record of them; new bytes name their own
    assert last[URLS["same"]] == first[URLS["same"]]
    assert last[URLS["edited"]]["digest"] == payload_digest(EDITED)
    assert last[URLS["tagged"]] == first[URLS["tagged"]]
    assert last[URLS["rotating"]]["digest"] not in {
        crawls.payloads[0][URLS["rotating"]]["digest"],
        crawls.payloads[1][URLS["rotating"]]["digest"],
    }


def test_a_skipped_recheck_is_captured_as_a_revisit_of_the_first_record(crawls: Crawls) -> None:
    folder = crawls.db_path.with_suffix(".warc")
    row = crawls.payloads[0][URLS["same"]]
    records = _records(folder, URLS["same"])
    assert [kind for _f, _o, kind, _h in records] == ["response", "revisit", "revisit"]
    for file, offset, _kind, headers in records[1:]:
        assert headers.get_header("WARC-Refers-To") == row["warc_record_id"]
        assert headers.get_header("WARC-Refers-To-Filename") == row["warc_file"]
        assert headers.get_header("WARC-Refers-To-Offset") == str(row["warc_offset"])
        assert "identical-payload-digest" in headers.get_header("WARC-Profile")
        capture = read_capture(folder, CaptureRef(file, offset, 0, ""))
        assert capture.body == SAME  # the revisit leads to the bytes
    # pages re-extracted were captured whole, as before
    assert [k for _f, _o, k, _h in _records(folder, URLS["rotating"])] == ["response"] * 3


def test_skipping_leaves_the_archive_as_extracting_did(crawls: Crawls) -> None:
    db = sqlite_utils.Database(crawls.db_path)
    try:
        pages = {r["url"]: r for r in db.query("SELECT * FROM pages")}
        revs = {
            url: [r["event"] for r in db.query(
                "SELECT event FROM revisions WHERE page_url = ? ORDER BY revision", [url]
            )]
            for url in URLS.values()
        }  # fmt: skip
    finally:
        db.close()
    assert pages[URLS["same"]]["title"] == "Stadtfest"
    assert pages[URLS["tagged"]]["etag"] == '"2"'  # a new validator, same bytes: updated
    assert pages[URLS["back"]]["removed_at"] is None
    assert revs[URLS["same"]] == ["new"]
    assert revs[URLS["rotating"]] == ["new"]
    assert revs[URLS["edited"]] == ["new", "changed"]
    assert revs[URLS["back"]] == ["new", "restored"]  # a removal marks the revision


def test_pages_of_two_sources_with_the_same_bytes_name_one_response(tmp_path: Path) -> None:
    """The second page captured in the first crawl is a revisit of the first one's record:
    its row names that record, so neither is captured whole again on a re-check."""
    db_path = tmp_path / "twins.db"
    with TestServer() as srv:
        srv.route("/robots.txt", Response(200, b"User-agent: *\nAllow: /\n"))
        srv.route("/presse/same", Response(200, SAME, HTML_TYPE))
        port = srv.address.split(":")[1]
        text = "[crawler]\ndelay = 0.0\nmax_delay = 0.01\nretries = 0\n"
        for name in ("eins", "zwei"):
            text += (
                f'[sources.{name}]\nextra_urls = ["http://{name}.test/presse/same"]\n'
                f'[sources.{name}.connect_to]\n"{name}.test" = "127.0.0.1:{port}"\n'
            )
        config = loads_config(text)
        for _ in range(2):
            db = open_archive(db_path)
            try:
                runs = crawl_sources(db, config, config.sources)
                assert [r.status for r in runs] == ["ok", "ok"]
            finally:
                db.close()
    db = sqlite_utils.Database(db_path)
    rows = list(db.query("SELECT * FROM page_payloads ORDER BY url"))
    db.close()
    folder = db_path.with_suffix(".warc")
    assert len(rows) == 2 and len({(r["warc_file"], r["warc_offset"]) for r in rows}) == 1
    record = read_record_at(folder / rows[0]["warc_file"], rows[0]["warc_offset"])
    assert record.rec_type == "response" and record.url == rows[0]["warc_uri"]
    kinds = [k for url in ("eins", "zwei") for _f, _o, k, _h in _records(folder, BASE.replace(
        "stadt", url) + "same")]  # fmt: skip
    assert sorted(kinds) == ["response", "revisit", "revisit", "revisit"]
