"""crawler.capture.verify: records read to their Content-Length and checked against their
digests; a whole file read past the places that are no record."""

from __future__ import annotations

import gzip
import io
import re
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.capture.reading import read_capture
from crawler.capture.verify import (
    BadRecord,
    WarcRecord,
    check_warc_file,
    read_record_at,
    scan_warc,
)
from crawler.capture.warc import CaptureRef, WarcWriter
from crawler.errors import CaptureError
from crawler.records import FetchResult

HTML = b"<html><head><title>Stadtfest</title></head><body><p>" + b"Programm " * 400 + b"</p>"


def write_ours(folder: Path, n: int) -> list[CaptureRef]:
    refs = []
    with WarcWriter(folder) as writer:
        for i in range(n):
            url = f"http://a.test/{i}"
            ref = writer.write(FetchResult(url=url, final_url=url, status=200,
                                           body=HTML + str(i).encode(),
                                           headers={"content-type": "text/html"},
                                           fetched_at="2025-01-01T10:00:00Z"))  # fmt: skip
            assert ref is not None
            refs.append(ref)
    return refs


def test_a_record_cut_short_is_never_read_back_in_part(tmp_path: Path) -> None:
    refs = write_ours(tmp_path, 3)
    file = tmp_path / refs[2].file
    with open(file, "r+b") as fh:
        fh.truncate(refs[2].offset + refs[2].length - 30)  # only the gzip trailer is lost
    assert read_capture(tmp_path, refs[1]).body.endswith(b"1")
    with pytest.raises(CaptureError, match=rf"{file}: offset {refs[2].offset}: .*cut short"):
        read_capture(tmp_path, refs[2])


def plain_warc(records: list[tuple[str, bytes]], *, digests: bool) -> bytes:
    """An uncompressed WARC of response records, as another tool might write it."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    for url, body in records:
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body),
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")], "HTTP/1.1"),
            warc_headers_dict={"WARC-Date": "2025-01-01T10:00:00Z"},
        )  # fmt: skip
        writer.write_record(record)
    data = out.getvalue()
    if not digests:  # (warcio's writer adds any digest a record lacks)
        data = re.sub(rb"WARC-(Block|Payload)-Digest: [^\r]*\r\n", b"", data)
    return data


@pytest.mark.parametrize("digests", [True, False])
def test_an_uncompressed_file_is_read_past_garbage_up_to_a_record_cut_short(
    tmp_path: Path, digests: bool
) -> None:
    one = plain_warc([("http://a.test/1", HTML)], digests=digests)
    two = plain_warc([("http://a.test/2", HTML)], digests=digests)
    three = plain_warc([("http://a.test/3", HTML)], digests=digests)
    garbage = b"\x00" * 200 + b"WARC/1.1 is not at the start of this line\n"
    path = tmp_path / "plain.warc"
    path.write_bytes(one + garbage + two + three[:-100])
    items = list(scan_warc(path))
    assert [(type(i).__name__, i.url) for i in items] == [
        ("WarcRecord", "http://a.test/1"), ("BadRecord", ""),
        ("WarcRecord", "http://a.test/2"), ("BadRecord", "http://a.test/3"),
    ]  # fmt: skip
    good = [i for i in items if isinstance(i, WarcRecord)]
    assert [r.body for r in good] == [HTML, HTML]
    bad = [i for i in items if isinstance(i, BadRecord)]
    assert [b.offset for b in bad] == [len(one), len(one) + len(garbage) + len(two)]
    assert "cut short" in bad[1].reason and str(path) in str(bad[1])


def test_a_changed_byte_in_an_uncompressed_record_fails_its_digest(tmp_path: Path) -> None:
    data = plain_warc([("http://a.test/1", HTML), ("http://a.test/2", HTML)], digests=True)
    path = tmp_path / "changed.warc"
    path.write_bytes(data.replace(b"Programm", b"Progrann", 1))
    items = list(scan_warc(path))
    assert isinstance(items[0], BadRecord) and "digest" in items[0].reason
    assert isinstance(items[1], WarcRecord) and items[1].url == "http://a.test/2"


@pytest.mark.parametrize(
    "content", [b"", b"<!doctype html><html></html>", b"\x1f\x8b\x08\x00 truncated gzip"]
)
def test_a_file_that_does_not_begin_with_a_record_is_not_a_warc(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "x.warc.gz"
    path.write_bytes(content)
    with pytest.raises(CaptureError, match="not a WARC file"):
        check_warc_file(path)
    with pytest.raises(CaptureError, match="not a WARC file"):
        next(iter(scan_warc(path)))


WRONG = "sha1:" + "A" * 32


def one_record(tmp_path: Path, body: bytes, headers: list[tuple[str, str]],
               digests: dict[str, str | None]) -> list[WarcRecord | BadRecord]:  # fmt: skip
    """The items :func:`scan_warc` reads from a file of one response record whose digest
    headers are set (``None``: removed) as ``digests`` says."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    record = writer.create_warc_record(
        "http://a.test/x", "response", payload=io.BytesIO(body), length=len(body),
        http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html"), *headers],
                                      "HTTP/1.1"),
    )  # fmt: skip
    writer.write_record(record)
    data = out.getvalue()
    for name, value in digests.items():  # after writing: warcio adds any digest missing
        line = b"" if value is None else f"{name}: {value}\r\n".encode()
        data = re.sub(rb"%s: [^\r]*\r\n" % name.encode(), line, data)
    path = tmp_path / "one.warc.gz"
    path.write_bytes(gzip.compress(data))
    return list(scan_warc(path))


def test_the_block_digest_decides_and_a_payload_digest_over_chunks_proves_nothing(
    tmp_path: Path,
) -> None:
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(HTML), HTML)
    te = [("Transfer-Encoding", "chunked")]
    # payload digest only, over a chunked body, not matching: tools disagree, length decides
    (item,) = one_record(tmp_path, chunked, te,
                         {"WARC-Block-Digest": None, "WARC-Payload-Digest": WRONG})  # fmt: skip
    assert isinstance(item, WarcRecord) and item.body == HTML
    # the same mismatch on a plain body proves the payload changed
    (item,) = one_record(tmp_path, HTML, [],
                         {"WARC-Block-Digest": None, "WARC-Payload-Digest": WRONG})  # fmt: skip
    assert isinstance(item, BadRecord) and "payload digest failed" in item.reason
    # a wrong block digest fails the record even with a right payload digest
    (item,) = one_record(tmp_path, chunked, te, {"WARC-Block-Digest": WRONG})
    assert isinstance(item, BadRecord) and "block digest failed" in item.reason
    # a right block digest: a payload digest computed another way does not matter
    (item,) = one_record(tmp_path, chunked, te, {"WARC-Payload-Digest": WRONG})
    assert isinstance(item, WarcRecord)


def test_a_record_over_the_response_cap_is_refused_unread(tmp_path: Path) -> None:
    """A small compressed WARC can hold a response of hundreds of megabytes: a record over
    the cap is a BadRecord naming its size and is never read into memory; the next record
    is read as usual."""
    big = b"<html><body><p>" + b"Haushalt " * 300_000 + b"</p></body></html>"  # ~2.7 MB
    with WarcWriter(tmp_path) as writer:
        for i, body in enumerate((big, HTML)):
            url = f"http://a.test/{i}"
            writer.write(FetchResult(url=url, final_url=url, status=200, body=body,
                                     headers={"content-type": "text/html"},
                                     fetched_at="2025-01-01T10:00:00Z"))  # fmt: skip
    (path,) = sorted(tmp_path.glob("*.warc.gz"))
    assert path.stat().st_size < 100_000  # compressed: the size on disk says nothing
    items = [i for i in scan_warc(path, max_bytes=1_000_000) if i.url.startswith("http://a")]
    bad = [i for i in items if isinstance(i, BadRecord)]
    good = [i for i in items if isinstance(i, WarcRecord) and i.rec_type == "response"]
    assert [b.url for b in bad] == ["http://a.test/0"]
    assert "over the 1,000,000-byte response cap" in bad[0].reason
    assert [g.url for g in good] == ["http://a.test/1"] and good[0].body.endswith(HTML[-20:])
    whole = [i for i in scan_warc(path) if isinstance(i, WarcRecord) and i.rec_type == "response"]
    assert len(whole) == 2  # no cap given: both read


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_capture_file_that_is_no_regular_file_is_an_error_not_a_hang(
    tmp_path: Path, kind: str
) -> None:
    """A FIFO or a symlink to /dev/zero in the capture folder would block or never end a
    read: it is a CaptureError naming the file, at once."""
    import os
    import threading

    path = tmp_path / "x.warc.gz"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    outcomes: list[str] = []

    def attempt() -> None:
        for call in (lambda: read_record_at(path, 0), lambda: check_warc_file(path)):
            try:
                call()
            except CaptureError as exc:
                outcomes.append(str(exc))

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "hung"
    assert len(outcomes) == 2 and all("not a regular file" in o for o in outcomes), outcomes
