"""Damaged WARC files under ``reparse`` and ``import-warc``: records cut short, a byte
changed inside a record, zero bytes between records, a text file, a response without a
``WARC-Target-URI``; pages stay in their source.

The WARC files are the real captures of a crawl of the sample site on 127.0.0.1 (written by
:class:`~crawler.capture.warc.WarcWriter`), then cut and changed here byte by byte."""

from __future__ import annotations

import gzip
import json
import logging
import shutil
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from click.testing import CliRunner, Result

from archive.cli.main import cli
from archive.run.crawl import crawl_source
from archive.store.schema import open_archive
from crawler import clock
from crawler.capture.reading import read_capture
from crawler.capture.warc import CaptureRef, WarcWriter
from crawler.records import FetchResult
from crawler.sample_site import SampleSite
from crawler.sample_site.demo import sample_config
from tests.support.sample_crawl import copy_with_captures, table_rows

pytestmark = pytest.mark.slow

TABLES = ("sources", "pages", "revisions", "aliases", "images", "links")
TARGET = (
    "http://www.ruesselsheim.test/presse/2025/"
    "2025-11-22-briefwahl-zur-bundestagswahl-unterlagen-jetzt-beantragen"
)


@dataclass
class Crawled:
    tmp: Path
    db_path: Path


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp = tmp_path_factory.mktemp("warc_damage")
    db_path = tmp / "archive.db"
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        config = sample_config(site.port, delay=0.0, max_delay=0.01)
        db = open_archive(db_path)
        crawl_source(db, config, config.source("sample"))
        db.close()
    yield Crawled(tmp, db_path)  # the server is stopped from here on: no network


def copy_archive(crawled: Crawled, name: str) -> Path:
    return copy_with_captures(crawled.db_path, crawled.tmp / name)


def rows(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    return table_rows(db_path, TABLES, "1, 2")


def latest_ref(db_path: Path, url: str) -> CaptureRef:
    db = sqlite_utils.Database(db_path)
    row = db.execute(
        "SELECT warc_file, warc_offset, warc_length, warc_record_id FROM revisions "
        "WHERE page_url = ? ORDER BY revision DESC LIMIT 1",
        [url],
    ).fetchone()
    db.close()
    return CaptureRef(*row)


def record_offsets(db_path: Path) -> dict[str, int]:
    """URL → offset of its (one) record in the crawl's WARC file."""
    db = sqlite_utils.Database(db_path)
    out = {url: offset for url, offset in db.execute("SELECT page_url, warc_offset FROM revisions")}
    db.close()
    return out


def warc_file(db_path: Path, ref: CaptureRef) -> Path:
    return db_path.with_suffix(".warc") / ref.file


def same_length_member(member: bytes, word: bytes) -> bytes:
    """The gzip member ``member`` with bytes of its record from the first ``word`` on
    blanked (spaces: it compresses better), recompressed and padded (a gzip header comment)
    to its exact length: a valid gzip member whose record no longer matches its digests,
    with the same Content-Length and every later offset unchanged. The blanked stretch
    grows (64, 256, 1024 bytes) until the recompressed member fits: how well a stretch
    compresses depends on the crawl's timestamps in the record."""
    data = gzip.decompress(member)
    at = data.index(word)
    for span in (min(n, len(data) - at) for n in (64, 256, 1024)):
        changed = data[:at] + b" " * span + data[at + span :]
        deflated = min((deflate(changed, level, mem) for level in range(1, 10)
                        for mem in (8, 9)), key=len)  # fmt: skip
        trailer = struct.pack("<II", zlib.crc32(changed), len(changed) & 0xFFFFFFFF)
        padding = len(member) - (10 + len(deflated) + len(trailer)) - 1
        if padding >= 0:
            break
    assert padding >= 0, "the recompressed member is longer than the original"
    header = b"\x1f\x8b\x08\x10\x00\x00\x00\x00\x02\x03" + b"x" * padding + b"\x00"
    out = header + deflated + trailer
    assert len(out) == len(member) and gzip.decompress(out) == changed
    return out


def deflate(data: bytes, level: int, mem_level: int) -> bytes:
    packer = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS, mem_level)
    return packer.compress(data) + packer.flush()


def cli_json(*args: str) -> tuple[Result, dict[str, Any]]:
    result = CliRunner().invoke(cli, [*args, "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    report = json.loads(result.stdout) if result.exit_code == 0 else {}
    return result, report


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


# --------------------------------------------------------------------------- reparse


def test_reparse_over_a_record_cut_short_leaves_the_page_as_it_was(
    crawled: Crawled, caplog: pytest.LogCaptureFixture
) -> None:
    path = copy_archive(crawled, "reparse_cut")
    before = rows(path)
    ref = latest_ref(path, TARGET)
    file = warc_file(path, ref)
    with open(file, "r+b") as fh:  # the file ends in the middle of the page's record
        fh.truncate(ref.offset + ref.length // 2)
    later = sum(1 for offset in record_offsets(path).values() if offset >= ref.offset)
    result, report = cli_json("reparse", "--db", str(path))
    assert result.exit_code == 0, result.output
    assert report["errors"] == later and report["changed"] == 0, report
    assert rows(path) == before  # no page replaced by its first half, no new revision
    messages = [m for m in warnings_of(caplog) if TARGET in m]
    assert messages and str(file) in messages[0] and f"offset {ref.offset}" in messages[0]
    assert "cut short" in messages[0]


def test_reparse_over_a_changed_byte_fails_the_digest(
    crawled: Crawled, caplog: pytest.LogCaptureFixture
) -> None:
    path = copy_archive(crawled, "reparse_digest")
    before = rows(path)
    ref = latest_ref(path, TARGET)
    file = warc_file(path, ref)
    data = file.read_bytes()
    member = data[ref.offset : ref.offset + ref.length]
    bad = same_length_member(member, b"Briefwahl")
    file.write_bytes(data[: ref.offset] + bad + data[ref.offset + ref.length :])
    result, report = cli_json("reparse", "--db", str(path))
    assert result.exit_code == 0, result.output
    assert report["errors"] == 1 and report["changed"] == 0, report
    assert report["versions"] == len(before["revisions"]) - 1
    assert rows(path) == before
    (message,) = [m for m in warnings_of(caplog) if TARGET in m]
    assert "digest" in message and f"offset {ref.offset}" in message and str(file) in message


def test_reparse_over_zero_bytes_between_records_counts_errors_without_a_traceback(
    crawled: Crawled,
) -> None:
    path = copy_archive(crawled, "reparse_zeros")
    before = rows(path)
    ref = latest_ref(path, TARGET)
    file = warc_file(path, ref)
    data = file.read_bytes()
    file.write_bytes(data[: ref.offset] + bytes(200) + data[ref.offset :])
    later = sum(1 for offset in record_offsets(path).values() if offset >= ref.offset)
    result, report = cli_json("reparse", "--db", str(path))
    assert result.exit_code == 0, result.output  # was 70: ArchiveLoadFailed traceback
    assert report["errors"] == later and report["changed"] == 0, report
    assert report["versions"] == len(before["revisions"]) - later
    assert rows(path) == before


# --------------------------------------------------------------------------- import-warc


def own_warc(crawled: Crawled) -> Path:
    (file,) = sorted(crawled.db_path.with_suffix(".warc").glob("*.warc.gz"))
    return file


def imported(db_path: Path) -> dict[str, str]:
    """URL → source of the pages of an archive."""
    db = sqlite_utils.Database(db_path)
    out = dict(db.execute("SELECT url, source FROM pages").fetchall())
    db.close()
    return out


@pytest.fixture(scope="module")
def full_import(crawled: Crawled) -> dict[str, str]:
    """The pages an import of the undamaged capture file makes (to compare with)."""
    target = crawled.tmp / "full_import.db"
    result, report = cli_json("import-warc", str(own_warc(crawled)), "--db", str(target))
    assert result.exit_code == 0 and report.get("unreadable", 0) == 0, result.output
    pages = imported(target)
    assert TARGET in pages and len(pages) > 5
    return pages


def damaged_copy(crawled: Crawled, name: str, change: Any) -> tuple[Path, CaptureRef]:
    ref = latest_ref(crawled.db_path, TARGET)
    out = crawled.tmp / name
    out.write_bytes(change(own_warc(crawled).read_bytes(), ref))
    return out, ref


def test_import_of_a_truncated_warc_warns_with_file_and_offset(
    crawled: Crawled, full_import: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    warc, ref = damaged_copy(
        crawled, "cut.warc.gz", lambda data, ref: data[: ref.offset + ref.length // 2]
    )
    db_path = crawled.tmp / "import_cut.db"
    result, report = cli_json("import-warc", str(warc), "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert report["unreadable"] == 1, report
    offsets = record_offsets(crawled.db_path)
    assert imported(db_path).keys() == {u for u in full_import if offsets[u] < ref.offset}
    (message,) = [m for m in warnings_of(caplog) if str(warc) in m]
    assert f"offset {ref.offset}" in message and TARGET in message and "cut short" in message


def test_import_skips_a_record_failing_its_digest_and_goes_on(
    crawled: Crawled, full_import: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    def change(data: bytes, ref: CaptureRef) -> bytes:
        member = data[ref.offset : ref.offset + ref.length]
        bad = same_length_member(member, b"Briefwahl")
        return data[: ref.offset] + bad + data[ref.offset + ref.length :]

    warc, ref = damaged_copy(crawled, "digest.warc.gz", change)
    db_path = crawled.tmp / "import_digest.db"
    result, report = cli_json("import-warc", str(warc), "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert report["unreadable"] == 1, report
    assert imported(db_path).keys() == full_import.keys() - {TARGET}
    (message,) = [m for m in warnings_of(caplog) if str(warc) in m]
    assert f"offset {ref.offset}" in message and "digest" in message


@pytest.mark.parametrize("garbage", [bytes(200), b"<html>not a record</html>\n" * 8])
def test_import_reads_on_after_bytes_between_records(
    crawled: Crawled, full_import: dict[str, str], garbage: bytes,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    warc, ref = damaged_copy(
        crawled,
        f"gap{len(garbage)}.warc.gz",
        lambda data, ref: data[: ref.offset] + garbage + data[ref.offset :],
    )
    db_path = crawled.tmp / f"import_gap{len(garbage)}.db"
    result, report = cli_json("import-warc", str(warc), "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert report["unreadable"] == 1, report
    assert imported(db_path) == full_import  # every record after the gap read as well
    (message,) = [m for m in warnings_of(caplog) if str(warc) in m]
    assert f"offset {ref.offset}" in message


@pytest.mark.parametrize(
    "content", [b"", b"this is a text file\n" * 20, b"\x1f\x8b\x08 but not gzip"],
    ids=["empty", "text", "gzip-magic"],
)  # fmt: skip
def test_a_file_that_is_not_a_warc_is_one_line_and_nothing_is_written(
    crawled: Crawled, full_import: dict[str, str], content: bytes
) -> None:
    path = copy_archive(crawled, f"not_warc_{len(content)}")
    before = rows(path)
    text = path.parent / "notes.txt"
    text.write_bytes(content)
    # the good file first: an all-or-nothing check, before any record is imported
    fresh = path.parent / "fresh.db"
    result = CliRunner().invoke(cli, ["import-warc", str(own_warc(crawled)), str(text),
                                      "--db", str(fresh)])  # fmt: skip
    assert result.exit_code == 3, result.output
    assert result.output.strip().count("\n") == 0 and "Traceback" not in result.output
    assert str(text) in result.output and "not a WARC file" in result.output
    assert imported(fresh) == {}
    result = CliRunner().invoke(cli, ["import-warc", str(text), "--db", str(path)])
    assert result.exit_code == 3, result.output
    assert rows(path) == before


def write_pages(path: Path, pages: list[tuple[str, bytes]], when: str) -> None:
    with WarcWriter(path.parent / "tmp_writer") as writer:
        for url, body in pages:
            writer.write(
                FetchResult(url=url, final_url=url, status=200, body=body, fetched_at=when,
                            headers={"content-type": "text/html; charset=utf-8"})
            )  # fmt: skip
    (made,) = (path.parent / "tmp_writer").glob("*.warc.gz")
    made.rename(path)
    shutil.rmtree(path.parent / "tmp_writer")


HTML = (
    "<html><head><title>Neue Radwege am Main</title></head><body><main><h1>Neue Radwege am "
    "Main</h1><p>Die Stadt baut in diesem Jahr drei neue Radwege entlang des Mainufers.</p>"
    "<p>Die Arbeiten beginnen im Frühjahr und dauern bis zum Herbst.</p></main></body></html>"
).encode()


def test_a_response_without_target_uri_is_skipped_and_the_others_are_imported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    warc = tmp_path / "no_uri.warc.gz"
    when = "2025-05-01T10:00:00Z"
    write_pages(warc, [("http://a.test/eins", HTML), ("", HTML.replace(b"drei", b"vier")),
                       ("http://a.test/drei", HTML.replace(b"drei", b"acht"))], when)  # fmt: skip
    db_path = tmp_path / "a.db"
    result, report = cli_json("import-warc", str(warc), "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert report["unreadable"] == 1 and report["new"] == 2, report
    assert sorted(imported(db_path)) == ["http://a.test/drei", "http://a.test/eins"]
    (message,) = [m for m in warnings_of(caplog) if str(warc) in m]
    assert "WARC-Target-URI" in message and "offset" in message


# --------------------------------------------------------------------------- sources


def newer_capture(db_path: Path, url: str) -> bytes:
    """The archived body of ``url`` with one more paragraph after the first paragraph of
    its text: a capture that changed."""
    db = sqlite_utils.Database(db_path)
    (row,) = db.execute(
        "SELECT warc_file, warc_offset, warc_length, warc_record_id FROM revisions "
        "WHERE page_url = ?",
        [url],
    ).fetchall()
    (text,) = db.execute("SELECT body FROM pages WHERE url = ?", [url]).fetchone()
    db.close()
    body = read_capture(db_path.with_suffix(".warc"), CaptureRef(*row)).body
    anchor = text.split("\n\n")[0][-20:].encode() + b"</p>"
    extra = b"<p>Nachtrag: Die Unterlagen gibt es auch im Rathaus.</p>"
    assert body.count(anchor) == 1
    return body.replace(anchor, anchor + extra)


@pytest.mark.parametrize("named", [[], ["--source", "elsewhere"]], ids=["host", "named"])
def test_import_never_moves_archived_pages_into_another_source(
    crawled: Crawled, named: list[str]
) -> None:
    path = copy_archive(crawled, "sources_" + ("named" if named else "host"))
    sample_row = source_row(path, "sample")
    sources = imported(path)
    assert set(sources.values()) == {"sample"}
    warc = path.parent / "mixed.warc.gz"
    other = "http://www.andere-stadt.test/presse/radwege"
    write_pages(warc, [(other, HTML), (TARGET, newer_capture(path, TARGET))], clock.now_iso())
    result, report = cli_json("import-warc", str(warc), *named, "--db", str(path))
    assert result.exit_code == 0, result.output
    assert report["new"] == 1 and report["changed"] == 1, report
    after = imported(path)
    assert after[TARGET] == "sample"  # kept its source; was moved to the first page's
    assert after[other] == (named[1] if named else "www.andere-stadt.test")
    assert {u: s for u, s in after.items() if u != other} == sources
    db = sqlite_utils.Database(path)
    events = [r[0] for r in db.execute(
        "SELECT event FROM revisions WHERE page_url = ? ORDER BY revision", [TARGET])]  # fmt: skip
    db.close()
    assert events == ["new", "changed"]
    assert source_row(path, "sample") == sample_row  # hosts, start URLs, scheme as they were


def source_row(path: Path, name: str) -> tuple[Any, ...]:
    db = sqlite_utils.Database(path)
    row = db.execute(
        "SELECT name, hosts, start_urls, scheme FROM sources WHERE name = ?", [name]
    ).fetchone()
    db.close()
    return tuple(row)


# --------------------------------------------------------------------------- the lock


HOLDER = """
import sys
from archive.store.locking import ArchiveLock
with ArchiveLock(sys.argv[1], "crawl"):
    print("locked", flush=True)
    sys.stdin.read()  # held until the test closes our stdin
"""


def test_reparse_and_import_refuse_to_run_while_another_process_holds_the_lock(
    crawled: Crawled,
) -> None:
    path = copy_archive(crawled, "locked")
    before = rows(path)
    warc = own_warc(crawled)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        for args in (["reparse"], ["import-warc", str(warc)]):
            result = CliRunner().invoke(cli, [*args, "--db", str(path)])
            assert result.exit_code == 6, result.output
            assert f"pid {holder.pid} (pressarchive crawl" in result.output
            assert "Traceback" not in result.output
    finally:
        holder.communicate("", timeout=30)
    assert holder.returncode == 0
    assert rows(path) == before
    result = CliRunner().invoke(cli, ["reparse", "--db", str(path)])  # the lock is free again
    assert result.exit_code == 0, result.output


def test_each_record_is_one_transaction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure while a record's rows are written leaves none of them (page, revision,
    source); the records before it stay imported."""
    from archive.store import save

    warc = tmp_path / "two.warc.gz"
    second = "http://b.test/zwei"
    write_pages(warc, [("http://a.test/eins", HTML), (second, HTML.replace(b"drei", b"neun"))],
                "2025-05-01T10:00:00Z")  # fmt: skip
    original = save.save_fetched_page

    def failing(db: Any, source: str, page: Any, *args: Any, **kw: Any) -> str:
        outcome = original(db, source, page, *args, **kw)
        if page.url == second:
            raise RuntimeError("disk gone after the page row")
        return outcome

    monkeypatch.setattr(save, "save_fetched_page", failing)
    db_path = tmp_path / "a.db"
    result = CliRunner().invoke(cli, ["import-warc", str(warc), "--db", str(db_path)])
    assert isinstance(result.exception, RuntimeError)
    assert imported(db_path) == {"http://a.test/eins": "a.test"}
    db = sqlite_utils.Database(db_path)
    assert [r[0] for r in db.execute("SELECT page_url FROM revisions")] == ["http://a.test/eins"]
    assert [r[0] for r in db.execute("SELECT name FROM sources")] == ["a.test"]
    db.close()
