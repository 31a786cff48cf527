"""crawler.capture.gzipped: the crawl's WARC files hold one gzip member per record, at
zlib's default level (not warcio's 9), readable by warcio and by plain gzip, every member
at the offset its row points to."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from crawler.capture.gzipped import GZIP_LEVEL, GzipWARCWriter
from crawler.capture.reading import read_capture
from crawler.capture.warc import WarcWriter, build_records
from tests.crawler.test_capture import URL, fetch

#: the gzip header's XFL byte as zlib sets it: 2 at level 9, 4 at level 1, else 0
_XFL = {9: 2, 1: 4}


def _members(raw: bytes) -> list[bytes]:
    """The gzip members of ``raw`` in order (each decompressed alone)."""
    found = []
    while raw:
        member = zlib.decompressobj(16 + zlib.MAX_WBITS)
        found.append(member.decompress(raw))
        raw = member.unused_data
    return found


def test_every_record_is_its_own_member_at_the_default_level(tmp_path: Path) -> None:
    body = b"<html><body>" + b"Stadt Rathaus Sitzung " * 3000 + b"</body></html>"
    with WarcWriter(tmp_path) as writer:
        ref = writer.write(fetch(body=body))
    assert ref is not None
    (path,) = tmp_path.glob("*.warc.gz")
    raw = path.read_bytes()
    members = _members(raw)
    types = [next(h for h in m.split(b"\r\n") if h.startswith(b"WARC-Type: ")) for m in members]
    assert types == [b"WARC-Type: warcinfo", b"WARC-Type: request", b"WARC-Type: response"]
    assert raw[ref.offset : ref.offset + 3] == b"\x1f\x8b\x08"
    assert raw[ref.offset + 8] == _XFL.get(GZIP_LEVEL, 0) == 0  # not level 9 (XFL 2)
    level6 = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    alone = level6.compress(members[2]) + level6.flush()
    assert ref.length == len(alone)  # the member is zlib's level 6 output for the record
    assert read_capture(tmp_path, ref).body == body
    with open(path, "rb") as fh:
        types = [r.rec_type for r in ArchiveIterator(fh)]
    assert types == ["warcinfo", "request", "response"]
    assert gzip.decompress(raw).count(b"WARC/1.1\r\n") == 3


def test_prebuilt_records_are_gzipped_alike(tmp_path: Path) -> None:
    result = fetch(body=b"<html>" + b"Baustelle Umleitung " * 500 + b"</html>")
    built = build_records(result)
    assert built is not None
    for member in (built.request, built.response):
        assert member[:3] == b"\x1f\x8b\x08" and member[8] == 0
        assert len(_members(member)) == 1
    with WarcWriter(tmp_path) as writer:
        ref = writer.write_prebuilt(result, built)
    assert ref is not None and read_capture(tmp_path, ref).url == URL


def test_the_writer_writes_what_warcio_reads(tmp_path: Path) -> None:
    out = tmp_path / "x.warc.gz"
    with open(out, "wb") as fh:
        writer = GzipWARCWriter(fh, warc_version="1.1")
        writer.write_record(writer.create_warcinfo_record("x.warc.gz", {"software": "t"}))
    with open(out, "rb") as fh:
        found = [(r.rec_type, r.content_stream().read()) for r in ArchiveIterator(fh)]
    assert len(found) == 1 and found[0][0] == "warcinfo"
    assert b"software: t" in found[0][1]
