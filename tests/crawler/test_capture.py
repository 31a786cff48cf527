"""crawler.capture.warc: WARC records written by WarcWriter, read back by read_capture."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.capture.reading import folder_usage, read_capture
from crawler.capture.warc import (
    CaptureRef,
    EarlierCapture,
    WarcWriter,
    capture_folder,
    payload_digest,
    warc_date,
)
from crawler.records import FetchResult

URL = "http://www.ruesselsheim.test/presse/2025/stadtfest"
HTML = "<html><head><title>Stadtfest</title></head><body><p>Grüße</p></body></html>".encode()


def fetch(**kw: object) -> FetchResult:
    values: dict[str, object] = {
        "url": URL,
        "final_url": URL,
        "status": 200,
        "headers": {
            "content-type": "text/html; charset=utf-8",
            "content-encoding": "gzip",
            "content-length": "99",
            "etag": '"abc"',
        },
        "body": HTML,
        "fetched_at": "2025-12-01T10:00:00.250Z",
        "request_headers": {"user-agent": "pressarchive-test", "accept-encoding": "gzip"},
    }
    values.update(kw)
    return FetchResult(**values)  # type: ignore[arg-type]


def records(path: Path) -> list[tuple[str, str | None, str | None]]:
    with open(path, "rb") as fh:
        return [
            (r.rec_type, r.rec_headers.get_header("WARC-Profile"),
             r.rec_headers.get_header("WARC-Target-URI"))
            for r in ArchiveIterator(fh)
        ]  # fmt: skip


def test_folder_next_to_archive() -> None:
    assert capture_folder("/data/archive.db") == Path("/data/archive.warc")
    assert capture_folder(":memory:") is None


def test_response_round_trip_with_request_record(tmp_path: Path) -> None:
    with WarcWriter(tmp_path / "w") as writer:
        ref = writer.write(fetch())
    assert ref is not None
    assert ref.file.startswith("pressarchive-") and ref.file.endswith(".warc.gz")
    url, headers, body, when = read_capture(tmp_path / "w", ref)
    assert (url, body) == (URL, HTML)
    assert when == "2025-12-01T10:00:00.250Z"
    # the stored body is the decoded one: no Content-Encoding, the real length
    assert "content-encoding" not in headers
    assert headers["content-length"] == str(len(HTML))
    assert headers["x-pressarchive-orig-content-encoding"] == "gzip"
    assert headers["etag"] == '"abc"'
    kinds = [r[0] for r in records(tmp_path / "w" / ref.file)]
    assert kinds == ["warcinfo", "request", "response"]
    # each record is its own gzip member: offset/length cut exactly one
    raw = (tmp_path / "w" / ref.file).read_bytes()[ref.offset : ref.offset + ref.length]
    assert gzip.decompress(raw).startswith(b"WARC/1.1")


def test_not_modified_and_identical_payload_are_revisits(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    with WarcWriter(folder) as writer:
        first = writer.write(fetch())
        not_modified = writer.write(fetch(status=304, body=b""))
        other_url = URL.replace("stadtfest", "stadtfest-kopie")
        same = writer.write(fetch(url=other_url, final_url=other_url))
        none = writer.write(fetch(status=None, body=b"", error="timed out"))
    assert first and not_modified and same and none is None
    (file,) = {first.file, not_modified.file, same.file}
    kinds = records(folder / file)
    assert [k for k, _p, _u in kinds] == [
        "warcinfo", "request", "response", "request", "revisit", "request", "revisit",
    ]  # fmt: skip
    assert kinds[4][1] and kinds[4][1].endswith("server-not-modified")
    assert kinds[6][1] and kinds[6][1].endswith("identical-payload-digest")
    url, _headers, body, _when = read_capture(folder, same)
    assert (url, body) == (other_url, HTML)  # followed to the original record


def test_a_record_of_an_earlier_run_is_revisited_only_for_its_bytes(tmp_path: Path) -> None:
    """``write(earlier=…)``: the bytes of that record become a revisit of it (in another
    file, the writer never saw it); other bytes are written whole, whatever it says."""
    with WarcWriter(tmp_path / "w") as first_run:
        original = first_run.write(fetch())
    assert original is not None and original.refers_to is None
    when = "2025-12-01T10:00:00.250Z"
    digest = payload_digest(HTML)
    earlier = EarlierCapture(digest, original.record_id, URL, when, original.file, original.offset)
    with WarcWriter(tmp_path / "w") as second_run:
        again = second_run.write(fetch(fetched_at="2025-12-02T10:00:00Z"), earlier=earlier)
        other = second_run.write(fetch(body=HTML + b" "), earlier=earlier)
    assert again is not None and other is not None
    assert again.file != original.file and again.refers_to == earlier
    assert other.refers_to is None
    kinds = records(tmp_path / "w" / again.file)
    assert [k for k, _p, _u in kinds] == [
        "warcinfo", "request", "revisit", "request", "response",
    ]  # fmt: skip
    assert kinds[2][1] and kinds[2][1].endswith("identical-payload-digest")
    assert read_capture(tmp_path / "w", again).body == HTML  # followed to the other file
    assert read_capture(tmp_path / "w", other).body == HTML + b" "


def test_rotation_by_size_and_no_clobbering(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    with WarcWriter(folder, max_bytes=1) as writer:
        refs = [writer.write(fetch(body=HTML + bytes([i]))) for i in range(3)]
    with WarcWriter(folder, max_bytes=1) as again:  # same second: new names, never appends
        refs.append(again.write(fetch()))
    files = {ref.file for ref in refs if ref}
    assert len(files) == 4
    assert folder_usage(folder)["files"] == 4
    for i, ref in enumerate(refs[:3]):
        assert ref is not None
        assert read_capture(folder, ref).body == HTML + bytes([i])


def test_unreadable_reference_raises_capture_error(tmp_path: Path) -> None:
    from crawler.capture.warc import CaptureError

    with WarcWriter(tmp_path) as writer:
        ref = writer.write(fetch())
    assert ref is not None
    with pytest.raises(CaptureError, match="expected"):
        read_capture(tmp_path, CaptureRef(ref.file, ref.offset, ref.length, "<urn:uuid:x>"))
    with pytest.raises(CaptureError):
        read_capture(tmp_path, CaptureRef("missing.warc.gz", 0, 1, ""))


def test_warc_date_normalises() -> None:
    assert warc_date("2025-12-01T10:00:00+00:00") == "2025-12-01T10:00:00.000Z"
    assert warc_date("2025-12-01T12:00:00.5+02:00") == "2025-12-01T10:00:00.500Z"
