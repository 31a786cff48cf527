"""crawler.capture.warc: records built away from the writer (``build_records``, in an
extraction worker) and appended by ``WarcWriter.write_prebuilt`` are the records
``WarcWriter.write`` writes: same bytes but for the random record ids, read back alike,
a payload stored before still a revisit, rotation and syncing as for ``write``."""

from __future__ import annotations

import gzip
import pickle
import re
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.capture.reading import folder_usage, read_capture
from crawler.capture.warc import CaptureRef, WarcWriter, build_records, payload_digest
from tests.crawler.test_capture import HTML, URL, fetch

UUID = re.compile(rb"urn:uuid:[0-9a-f-]{36}")


def _write(folder: Path, prebuilt: bool, **kw: object) -> CaptureRef:
    with WarcWriter(folder) as writer:
        result = fetch(**kw)
        built = build_records(result)
        assert built is not None
        ref = writer.write_prebuilt(result, built) if prebuilt else writer.write(result)
    assert ref is not None and writer.records == 1
    assert writer.last_record_type == "response"
    return ref


def _records(path: Path) -> list[tuple[object, ...]]:
    """Every record but warcinfo: type, WARC headers (ids left out), HTTP headers, content."""
    out: list[tuple[object, ...]] = []
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "warcinfo":
                continue
            ids = ("WARC-Record-ID", "WARC-Concurrent-To")
            warc = [(k, v) for k, v in record.rec_headers.headers if k not in ids]
            http = record.http_headers.headers if record.http_headers else None
            out.append((record.rec_type, warc, http, record.content_stream().read()))
    return out


def _members(path: Path, ref: CaptureRef) -> bytes:
    """The request and response records as text, record ids blanked (the warcinfo record
    before them names its file and the time the file was opened)."""
    raw = path.read_bytes()
    start = raw.rindex(b"\x1f\x8b\x08", 0, ref.offset)  # the request's gzip member
    return UUID.sub(b"urn:uuid:-", gzip.decompress(raw[start:]))


def test_a_prebuilt_record_reads_back_as_a_written_one(tmp_path: Path) -> None:
    written = _write(tmp_path / "written", prebuilt=False)
    prebuilt = _write(tmp_path / "prebuilt", prebuilt=True)
    assert read_capture(tmp_path / "prebuilt", prebuilt) == read_capture(
        tmp_path / "written", written
    )
    assert read_capture(tmp_path / "prebuilt", prebuilt).body == HTML
    files = (tmp_path / "written" / written.file, tmp_path / "prebuilt" / prebuilt.file)
    assert _records(files[0]) == _records(files[1])
    assert [r[0] for r in _records(files[1])] == ["request", "response"]
    assert _members(files[0], written) == _members(files[1], prebuilt)


def test_prebuilt_records_travel_between_processes() -> None:
    built = build_records(fetch())
    assert built is not None and pickle.loads(pickle.dumps(built)) == built
    assert built.digest == payload_digest(HTML)
    assert built.date == "2025-12-01T10:00:00.250Z"


def test_only_a_new_response_is_built() -> None:
    assert build_records(fetch(status=304, body=b"")) is None
    assert build_records(fetch(status=404)) is None
    assert build_records(fetch(status=None, body=b"", error="timed out")) is None


def test_the_same_payload_again_is_a_revisit(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    other = URL.replace("stadtfest", "stadtfest-kopie")
    third = URL.replace("stadtfest", "stadtfest-noch-einmal")
    with WarcWriter(folder) as writer:
        results = [fetch(), fetch(url=other, final_url=other), fetch(url=third, final_url=third)]
        first = writer.write_prebuilt(results[0], build_records(results[0]))  # type: ignore[arg-type]
        again = writer.write_prebuilt(results[1], build_records(results[1]))  # type: ignore[arg-type]
        assert writer.last_record_type == "revisit"
        written = writer.write(results[2])  # a normal write knows the prebuilt payload too
        assert writer.last_record_type == "revisit"
    assert first and again and written and writer.records == 3
    kinds = [r[0] for r in _records(folder / first.file)]
    assert kinds == ["request", "response", "request", "revisit", "request", "revisit"]
    original = read_capture(folder, first)
    for ref, url in ((again, other), (written, third)):
        assert read_capture(folder, ref) == original._replace(url=url)  # followed to it


def test_a_payload_written_before_makes_the_prebuilt_one_a_revisit(tmp_path: Path) -> None:
    other = URL.replace("stadtfest", "stadtfest-kopie")
    with WarcWriter(tmp_path) as writer:
        first = writer.write(fetch())
        result = fetch(url=other, final_url=other)
        again = writer.write_prebuilt(result, build_records(result))  # type: ignore[arg-type]
    assert first and again and writer.last_record_type == "revisit"
    assert read_capture(tmp_path, again).body == HTML


def test_prebuilt_records_rotate_files_and_keep_their_offsets(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    refs = []
    with WarcWriter(folder, max_bytes=1) as writer:
        for i in range(3):
            result = fetch(body=HTML + bytes([i]))
            refs.append(writer.write_prebuilt(result, build_records(result)))  # type: ignore[arg-type]
    assert len({ref.file for ref in refs if ref}) == 3 == folder_usage(folder)["files"]
    assert writer.files == [ref.file for ref in refs if ref]
    for i, ref in enumerate(refs):
        assert ref is not None and read_capture(folder, ref).body == HTML + bytes([i])
        raw = (folder / ref.file).read_bytes()[ref.offset : ref.offset + ref.length]
        assert gzip.decompress(raw).startswith(b"WARC/1.1")
        assert len(raw) == ref.length and ref.offset + ref.length == len(
            (folder / ref.file).read_bytes()
        )


@pytest.mark.parametrize("sync_each", [True, False])
def test_a_prebuilt_response_is_synced_like_a_written_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sync_each: bool
) -> None:
    synced: list[int] = []
    monkeypatch.setattr("crawler.capture.warc.os.fsync", synced.append)
    with WarcWriter(tmp_path, sync_each=sync_each) as writer:
        result = fetch()
        writer.write_prebuilt(result, build_records(result))  # type: ignore[arg-type]
        assert len(synced) == (1 if sync_each else 0)
        writer.sync()
        assert len(synced) == (1 if sync_each else 1)
        writer.sync()  # nothing left to sync
        assert len(synced) == 1
