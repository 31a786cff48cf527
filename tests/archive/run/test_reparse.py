"""reparse (re-extraction from the stored WARC records, no network) and import-warc
(pages from a WARC written by another tool), against the sample site on 127.0.0.1."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlite_utils
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.cli.main import cli
from archive.run import pool as crawl_engine  # where reparse and import-warc extract
from archive.run.crawl import crawl_source
from archive.run.reparse import reparse
from archive.run.warc_import import import_warc
from archive.search.engine import search
from archive.store.schema import open_archive
from crawler.errors import ArchiveError
from crawler.sample_site import SampleSite, ground_truth
from crawler.sample_site.demo import sample_config
from tests.support.sample_crawl import copy_with_captures, table_rows

pytestmark = pytest.mark.slow

TABLES = ("pages", "images", "links", "revisions", "revision_images", "revision_links")
BODY_EDIT = (
    "http://www.ruesselsheim.test/presse/2025/"
    "2025-11-22-briefwahl-zur-bundestagswahl-unterlagen-jetzt-beantragen"
)


@dataclass
class Archive:
    tmp: Path
    db_path: Path
    port: int


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    tmp = tmp_path_factory.mktemp("reparse")
    db_path = tmp / "archive.db"
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        for edition in (1, 2, 1):
            site.edition = edition
            config = sample_config(site.port, delay=0.0, max_delay=0.01)
            db = open_archive(db_path)
            crawl_source(db, config, config.source("sample"))
            db.close()
        port = site.port
    yield Archive(tmp, db_path, port)  # the server is stopped from here on


def copy_archive(archive: Archive, name: str) -> Path:
    return copy_with_captures(archive.db_path, archive.tmp / name)


def rows(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    return table_rows(db_path, TABLES, "1, 2, 3")


def test_reparse_without_network_reproduces_every_row(archive: Archive) -> None:
    path = copy_archive(archive, "same")
    before = rows(path)
    result = CliRunner().invoke(cli, ["reparse", "--db", str(path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["pages"] == len(before["pages"])
    assert report["changed"] == 0 and report["errors"] == 0 and report["missing"] == 0
    assert report["versions"] == len(before["revisions"])
    assert report["old_versions_differ"] == 0
    assert rows(path) == before
    again = CliRunner().invoke(cli, ["reparse", "--db", str(path), "--json", "--source", "sample"])
    assert json.loads(again.output)["changed"] == 0
    assert rows(path) == before


def test_reparse_records_a_revision_where_extraction_changed(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_archive(archive, "changed")
    before = rows(path)
    original = crawl_engine.extract

    def better_extract(url: str, body: bytes, headers: dict[str, str], profile: Any = None) -> Any:
        page = original(url, body, headers, profile)
        if url == BODY_EDIT and page.title:
            page.title = page.title + " (korrigiert)"
        return page

    monkeypatch.setattr(crawl_engine, "extract", better_extract)
    config = sample_config(archive.port)
    db = open_archive(path)
    report = reparse(db, config=config)
    assert report["changed"] == 1
    assert report["old_versions_differ"] == 2  # counted, history kept as recorded
    page = db.table("pages").get(BODY_EDIT)
    assert page["title"].endswith("(korrigiert)")
    revs = list(db.query("SELECT * FROM revisions WHERE page_url = ? ORDER BY revision",
                         [BODY_EDIT]))  # fmt: skip
    assert [r["event"] for r in revs] == ["new", "changed", "changed", "reparse"]
    assert json.loads(revs[-1]["changed_fields"]) == ["title"]
    assert revs[-1]["warc_record_id"] == revs[-2]["warc_record_id"]  # same raw record
    assert reparse(db, config=config)["changed"] == 0
    after = rows(path)
    db.close()
    assert len(after["revisions"]) == len(before["revisions"]) + 1
    assert len(after["pages"]) == len(before["pages"])


def wget_like_warc(path: Path, port: int, paths: list[str], when: str) -> None:
    """A WARC as wget --warc-file writes it: request + raw (gzip) response records."""
    with open(path, "wb") as fh, httpx.Client(timeout=10.0) as client:
        writer = WARCWriter(fh, gzip=True)
        for p in paths:
            uri = "http://www.ruesselsheim.test" + p
            headers = {"Host": "www.ruesselsheim.test", "Accept-Encoding": "gzip",
                       "User-Agent": "Wget/1.21"}  # fmt: skip
            with client.stream("GET", f"http://127.0.0.1:{port}{p}", headers=headers) as r:
                raw = b"".join(r.iter_raw())
                reason = r.reason_phrase or "OK"
                http_headers = StatusAndHeaders(
                    f"{r.status_code} {reason}", _raw_items_str(r.headers), "HTTP/1.1"
                )
            request = writer.create_warc_record(
                uri, "request",
                http_headers=StatusAndHeaders(f"GET {p} HTTP/1.1", list(headers.items()),
                                              is_http_request=True),
                warc_headers_dict={"WARC-Date": when},
            )  # fmt: skip
            writer.write_record(request)
            response = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(raw), length=len(raw),
                http_headers=http_headers, warc_headers_dict={"WARC-Date": when},
            )  # fmt: skip
            writer.write_record(response)


def _raw_items_str(headers: httpx.Headers) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers.raw]


def test_import_warc_from_another_tool(tmp_path: Path) -> None:
    truth = ground_truth(1)
    urls = [BODY_EDIT, *sorted(truth)[:4]]
    paths = [u.removeprefix("http://www.ruesselsheim.test") for u in urls]
    warc = tmp_path / "wget.warc.gz"
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        wget_like_warc(warc, site.port, [*paths, "/presse", "/robots.txt"], "2024-03-01T10:00:00Z")
    db_path = tmp_path / "imported.db"
    result = CliRunner().invoke(
        cli, ["import-warc", str(warc), "--db", str(db_path), "--source", "sample", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["new"] == len(urls)
    assert report["skipped"] == 2  # the listing page and robots.txt
    db = open_archive(db_path)
    for url in urls:
        page = db.table("pages").get(url)
        assert page["title"] == truth[url]["title"]
        assert page["body"] == truth[url]["body"]
        assert page["first_seen"] == page["last_fetched"] == "2024-03-01T10:00:00.000Z"
        (rev,) = db.query("SELECT * FROM revisions WHERE page_url = ?", [url])
        assert rev["fetched_at"] == "2024-03-01T10:00:00.000Z" and rev["warc_file"]
    hits = search(db, "Briefwahl")
    assert hits and hits[0]["url"] == BODY_EDIT
    # importing the same file again adds nothing; the copies make reparse work offline
    again = import_warc(db, [warc], source="sample")
    assert again["new"] == again["changed"] == 0 and again["older"] == len(urls), again
    assert reparse(db)["changed"] == 0
    db.close()


def test_reparse_and_import_never_run_without_their_captures(
    archive: Archive, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Where the archive file is cannot be told: an error, not a run without WARC records."""
    import archive.store.sqlite as sqlite_store

    path = copy_archive(archive, "nowhere")
    before = rows(path)
    monkeypatch.setattr(sqlite_store, "db_path", lambda db: "<unknown>")
    db = open_archive(path)
    with pytest.raises(ArchiveError, match="no WARC folder"):
        reparse(db)
    warcs = sorted(archive.db_path.with_suffix(".warc").glob("*.warc.gz"))
    with pytest.raises(ArchiveError, match="no WARC folder"):
        import_warc(db, warcs, source="sample")
    db.close()
    assert rows(path) == before


def _broken_on(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    original = crawl_engine.extract

    def extract(page_url: str, body: bytes, headers: dict[str, str], profile: Any = None) -> Any:
        if page_url == url:
            raise TypeError("an extractor bug")
        return original(page_url, body, headers, profile)

    monkeypatch.setattr(crawl_engine, "extract", extract)


def test_an_extractor_bug_is_counted_and_the_others_go_on(
    archive: Archive, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = copy_archive(archive, "extractor_bug")
    before = rows(path)
    _broken_on(BODY_EDIT, monkeypatch)
    result = CliRunner().invoke(cli, ["reparse", "--db", str(path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    versions = sum(1 for r in before["revisions"] if r[0] == BODY_EDIT)
    assert report["errors"] == versions > 0
    assert report["versions"] == len(before["revisions"])
    assert report["changed"] == 0 and rows(path) == before
    failed = [r for r in caplog.records if "extraction failed: TypeError" in r.getMessage()]
    assert failed and "Traceback" in failed[0].getMessage()  # the traceback is logged

    fresh = archive.tmp / "extractor_bug_import.db"
    warcs = [str(p) for p in sorted(archive.db_path.with_suffix(".warc").glob("*.warc.gz"))]
    result = CliRunner().invoke(
        cli, ["import-warc", *warcs, "--db", str(fresh), "--source", "sample", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["errors"] >= 1 and report["new"] == len(before["pages"]) - 1
    db = open_archive(fresh)
    assert db.table("pages").count == len(before["pages"]) - 1
    assert not list(db.query("SELECT 1 FROM pages WHERE url = ?", [BODY_EDIT]))
    db.close()


@pytest.mark.parametrize("named", [[], ["--source", "elsewhere"]], ids=["host", "new-name"])
def test_importing_the_archives_own_warc_twice_adds_nothing(
    archive: Archive, named: list[str]
) -> None:
    """As after ``demo`` then ``import-warc e.warc/*.warc.gz`` twice: every record is older
    than the page's revisions; no https:// copies, no new source."""
    path = copy_archive(archive, "own_warc_" + ("named" if named else "host"))
    before = rows(path)
    sources = query_sources(path)
    warcs = [str(p) for p in sorted(path.with_suffix(".warc").glob("*.warc.gz"))]
    for _ in range(2):
        result = CliRunner().invoke(
            cli, ["import-warc", *warcs, *named, "--db", str(path), "--json"]
        )
        assert result.exit_code == 0, result.output
        report = json.loads(result.output)
        assert report["new"] == report["changed"] == report["errors"] == 0, report
        assert report["older"] > 0
        assert rows(path) == before
        assert query_sources(path) == sources


def query_sources(path: Path) -> list[tuple[Any, ...]]:
    db = sqlite_utils.Database(path)
    out = db.execute("SELECT name, hosts, start_urls, scheme FROM sources").fetchall()
    db.close()
    return out


def test_a_source_rebuilt_from_the_archive_keeps_its_scheme(tmp_path: Path) -> None:
    from archive.run.reparse import source_config
    from archive.store.runs import save_source
    from crawler.config.settings import SourceConfig
    from crawler.fetch.urls import UrlPolicy

    db = open_archive(tmp_path / "a.db")
    save_source(db, SourceConfig(name="imp", hosts=("a.test",), scheme="http"))  # no pages yet
    src = source_config(db, "imp")
    assert src is not None and src.scheme == "http"
    assert UrlPolicy(src).canonical("https://a.test/p") == "http://a.test/p"
    db.close()


def test_a_record_without_a_readable_warc_date_is_skipped_and_counted(tmp_path: Path) -> None:
    html = b"<html><head><title>Titel</title></head><body><h1>Titel</h1><p>Text.</p></body></html>"
    warc = tmp_path / "foreign.warc.gz"
    with open(warc, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for path, date in (("/a", "2024-03-01T10:00:00Z"), ("/b", "gestern"), ("/c", "")):
            record = writer.create_warc_record(
                "http://a.test" + path, "response", payload=io.BytesIO(html), length=len(html),
                http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                              "HTTP/1.1"),
                warc_headers_dict={"WARC-Date": date},
            )  # fmt: skip
            writer.write_record(record)
    db_path = tmp_path / "a.db"
    result = CliRunner().invoke(cli, ["import-warc", str(warc), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "3 responses read: 1 new" in result.output
    assert "0 older" in result.output and "2 without a readable WARC-Date" in result.output
    db = open_archive(db_path)
    assert [r[0] for r in db.execute("SELECT url FROM pages")] == ["http://a.test/a"]
    db.close()


def test_text_output_shows_every_count_of_the_json(archive: Archive) -> None:
    path = copy_archive(archive, "text_counts")
    for args in (["reparse"], ["import-warc", *map(str, path.with_suffix(".warc").glob("*.gz"))]):
        report = json.loads(CliRunner().invoke(cli, [*args, "--db", str(path), "--json"]).output)
        text = CliRunner().invoke(cli, [*args, "--db", str(path)]).output
        words = {
            "old_versions_differ": "older versions would extract differently",
            "bad_date": "without a readable WARC-Date", "missing": "versions without a record",
            "unreadable": "unreadable (skipped)",
            "records": "responses read", "versions": "versions re-extracted",
            "changed": "pages changed" if args[0] == "reparse" else "changed",
        }  # fmt: skip
        for key, value in report.items():
            assert f"{value} {words.get(key, key)}" in text, (args[0], key, text)
