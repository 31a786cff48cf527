"""Reading pressarchive's captures back: the record a row points to, verified, with a
revisit of identical bytes followed to the record holding them; the size of a capture
folder. (Writing them: :mod:`crawler.capture.warc`.)"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NamedTuple

from warcio.statusandheaders import StatusAndHeaders

from crawler.capture.verify import read_record_at
from crawler.capture.warc import FILE_PATTERN, CaptureRef
from crawler.errors import CaptureError


class Capture(NamedTuple):
    url: str
    headers: dict[str, str]  # lower-case keys
    body: bytes
    capture_time: str  # WARC-Date


def _lower(headers: StatusAndHeaders | None) -> dict[str, str]:
    if headers is None:
        return {}
    out: dict[str, str] = {}
    for key, value in headers.headers:
        key = key.lower()
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out


def http_status(record: Any) -> int | None:
    """The HTTP status code of a response/revisit record (``None`` if it has none)."""
    if record.http_headers is None:
        return None
    code = record.http_headers.get_statuscode()
    return int(code) if code and str(code).isdigit() else None


def read_capture(folder: str | Path, ref: CaptureRef) -> Capture:
    """Read the record ``ref`` points to: ``(url, headers, body, capture_time)``.

    The record is verified first (:func:`crawler.capture.verify.read_record_at`: read to its
    ``Content-Length``, digests checked): one cut short or damaged raises
    :class:`CaptureError` naming the file and offset, never hands out part of a page.
    A revisit for an identical payload is followed to the record it refers to (body from
    there, verified likewise; headers from the revisit).
    """
    path = Path(folder) / ref.file
    record = read_record_at(path, ref.offset)
    if ref.record_id and record.record_id != ref.record_id:
        raise CaptureError(
            f"{path}: record at offset {ref.offset} is {record.record_id}, expected {ref.record_id}"
        )
    body = record.body
    target = record.rec_headers.get_header("WARC-Refers-To-Filename")
    refers = record.rec_headers.get_header("WARC-Refers-To-Offset")
    if record.rec_type == "revisit" and target and refers and refers.isdigit():
        original = CaptureRef(target, int(refers), 0, "")
        body = read_capture(folder, original).body
    return Capture(record.url, _lower(record.http_headers), body, record.date)


def folder_usage(folder: str | Path | None) -> dict[str, int]:
    """``{"files": n, "bytes": total}`` of the capture files in ``folder``."""
    files = size = 0
    if folder is not None and Path(folder).is_dir():
        for entry in os.scandir(folder):
            if entry.is_file() and FILE_PATTERN.match(entry.name):
                files += 1
                size += entry.stat().st_size
    return {"files": files, "bytes": size}


__all__ = ["Capture", "folder_usage", "http_status", "read_capture"]
