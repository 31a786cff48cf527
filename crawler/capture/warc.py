"""Raw captures: every HTTP exchange of a crawl, written as gzip WARC records (warcio).

Files live in a folder next to the archive (``archive.db`` → ``archive.warc/``), named
``pressarchive-<UTC timestamp>-<n>.warc.gz`` and rotated once a file reaches
``max_bytes``. A writer never appends to an existing file: each run starts new ones.

Per fetch :meth:`WarcWriter.write` writes a ``request`` record and then

* a ``response`` record (status line, headers, body) for a response with a new payload;
* a ``revisit`` record (profile *server-not-modified*) for a 304 answer;
* a ``revisit`` record (profile *identical-payload-digest*) when the payload is byte for
  byte one this writer already stored, or the one of the earlier record the caller names
  (``earlier``: a page re-checked with the bytes of its last fetch); it names the original
  in ``WARC-Refers-To`` and in ``WARC-Refers-To-Filename`` / ``WARC-Refers-To-Offset`` so
  :func:`crawler.capture.reading.read_capture` can follow it.

The body in a record is the decoded body (what the extractor saw): ``Content-Encoding``
and ``Transfer-Encoding`` are dropped from the stored headers (the original encoding is
kept as ``X-Pressarchive-Orig-Content-Encoding``) and ``Content-Length`` is the decoded
length, so any WARC tool replays the record as it is.

A crawl's extraction workers build the records of the pages they extract
(:func:`build_records`: the same records, digests and gzip included, away from the crawl's
busy event loop); :meth:`WarcWriter.write_prebuilt` appends them as they are.

Integrity rule: :meth:`WarcWriter.write` (and :meth:`WarcWriter.write_prebuilt`) flushes
and ``fsync``\\ s the file before it returns the :class:`CaptureRef` of a 2xx response,
and the caller writes the rows that reference it only afterwards (304 revisits and error
responses, which no row references, are only flushed, and synced on
:meth:`WarcWriter.close`). A crash can therefore leave records no row references
(harmless: captures nobody points to, e.g. the tail of the last file, possibly cut short),
never a row pointing at a missing record. On restart nothing
is repaired: a writer never appends to an old file, and a re-run fetches those pages
again and references its own new records.
"""

from __future__ import annotations

import base64
import hashlib
import http
import io
import logging
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, NamedTuple
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler import clock
from crawler.capture.gzipped import GzipWARCWriter
from crawler.errors import CaptureError
from crawler.records import FetchResult

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
FILE_PREFIX = "pressarchive"
FILE_PATTERN = re.compile(r"^pressarchive-\d{8}T\d{6}Z-\d+\.warc\.gz$")
REVISIT_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
_DROPPED_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


@dataclass(frozen=True)
class CaptureRef:
    """Where one record lives: ``file`` (name inside the capture folder), byte ``offset``
    of its gzip member, its compressed ``length`` and its ``WARC-Record-ID``."""

    file: str
    offset: int
    length: int
    record_id: str
    #: a ``revisit`` of identical bytes: the ``response`` record holding them
    refers_to: EarlierCapture | None = None


class EarlierCapture(NamedTuple):
    """A ``response`` record written before whose payload has ``digest``: what a
    :meth:`WarcWriter.write` of the same bytes may refer to as a ``revisit``."""

    digest: str
    record_id: str
    uri: str
    date: str  # any timestamp crawler.clock reads; WARC-Date form when written
    file: str
    offset: int


def payload_digest(body: bytes) -> str:
    """The WARC payload digest of ``body`` as warcio writes it (``sha1:`` + base32)."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def capture_folder(db_path: str | Path) -> Path | None:
    """The capture folder of an archive file (``archive.db`` → ``archive.warc``);
    ``None`` for an in-memory database."""
    text = str(db_path)
    if not text or text == ":memory:" or text.startswith("<"):
        return None
    return Path(text).with_suffix(".warc")


def warc_date(iso: str | None) -> str:
    """An ISO 8601 time (any offset, naive = UTC) as a WARC/1.1 date: the one timestamp
    format of :mod:`crawler.clock` (UTC, milliseconds, ``Z``); now if missing or unreadable.
    For the records pressarchive writes and reads back; ``import-warc`` does not use it on
    foreign records: one without a readable ``WARC-Date`` is skipped and counted there."""
    if iso:
        try:
            return clock.to_iso(iso)
        except ValueError:
            log.debug("unparseable fetch time %r; using now", iso)
    return clock.now_iso()


def _http_headers(result: FetchResult) -> StatusAndHeaders:
    status = result.status or 0
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown"
    headers: list[tuple[str, str]] = []
    for key, value in result.headers.items():
        if key.lower() == "content-encoding":
            headers.append(("X-Pressarchive-Orig-Content-Encoding", value))
        if key.lower() not in _DROPPED_HEADERS:
            headers.append((key, value))
    if status != 304:
        headers.append(("Content-Length", str(len(result.body))))
    return StatusAndHeaders(f"{status} {phrase}", headers, protocol="HTTP/1.1")


def _request_headers(url: str, request_headers: dict[str, str]) -> StatusAndHeaders:
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = [("Host", parts.netloc)]
    headers += [(k, v) for k, v in request_headers.items() if k.lower() != "host"]
    return StatusAndHeaders(f"GET {target} HTTP/1.1", headers, is_http_request=True)


class WarcWriter:
    """``WarcWriter(folder, max_bytes=...)``; :meth:`write` one fetch, :meth:`close` at the end.

    Not thread-safe; the crawl calls it from its single event-loop thread.
    """

    def __init__(
        self, folder: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, sync_each: bool = True
    ) -> None:
        self.folder = Path(folder)
        self.max_bytes = max_bytes
        #: fsync every record a row may point to as it is written; ``False``: the caller
        #: calls :meth:`sync` before it commits rows pointing to them (a batch of rows)
        self.sync_each = sync_each
        self._unsynced = False
        self._stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")  # a file name, not a column
        self._n = 0
        self._fh: IO[bytes] | None = None
        self._name = ""
        self._writer: WARCWriter | None = None
        #: payload digest → the first response record of those bytes written so far
        self._payloads: dict[str, EarlierCapture] = {}
        self.files: list[str] = []
        self.records = 0
        #: the type of the last response/revisit record :meth:`write` wrote
        self.last_record_type = ""

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Flush, sync and close the current file. A disk that is full (or any other
        ``OSError``) raises :class:`CaptureError` naming the file; the file is closed (as
        far as the system lets it) and forgotten either way, so a second close does
        nothing. Records a row refers to were synced when written: they are sound."""
        fh, self._fh, self._writer = self._fh, None, None
        self._unsynced = False
        if fh is None:
            return
        problem: OSError | None = None
        try:
            fh.flush()
            os.fsync(fh.fileno())
        except OSError as exc:
            problem = exc
        try:
            fh.close()
        except OSError as exc:
            problem = problem or exc
        if problem is not None:
            path = self.folder / self._name
            raise CaptureError(f"{path}: cannot close capture file: {problem}") from problem

    def sync(self) -> None:
        """Make every record written so far durable (fsync; with ``sync_each=False``, call
        it before committing rows that point to them). ``OSError`` → :class:`CaptureError`
        naming the file."""
        if not self._unsynced or self._fh is None:
            return
        try:
            self._fh.flush()
            os.fsync(self._fh.fileno())
        except OSError as exc:
            raise CaptureError(f"{self.folder / self._name}: cannot sync capture: {exc}") from exc
        self._unsynced = False

    def _open(self) -> tuple[IO[bytes], WARCWriter]:
        if self._fh is not None and self._writer is not None:
            if self._fh.tell() < self.max_bytes:
                return self._fh, self._writer
            self.close()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            while True:
                self._n += 1
                name = f"{FILE_PREFIX}-{self._stamp}-{self._n:05d}.warc.gz"
                try:
                    fh = open(self.folder / name, "xb")  # closed in close()
                except FileExistsError:
                    continue
                break
        except OSError as exc:
            raise CaptureError(f"{self.folder}: cannot create a WARC file: {exc}") from exc
        self._fh, self._name = fh, name
        self._writer = GzipWARCWriter(fh, warc_version="1.1")
        info = self._writer.create_warcinfo_record(
            name, {"software": "pressarchive", "format": "WARC File Format 1.1"}
        )
        self._writer.write_record(info)
        self.files.append(name)
        log.info("capture file %s", self.folder / name)
        return fh, self._writer

    def remember(
        self, digest: str, record_id: str, uri: str, date: str, file: str, offset: int
    ) -> None:
        """Make a payload captured before (another run: the record ``record_id`` of ``uri``
        at ``offset`` of ``file`` in this folder) known, so the next :meth:`write` of the
        same bytes is a ``revisit`` of it (the archive's media dedup across runs)."""
        self._payloads.setdefault(
            digest, EarlierCapture(digest, record_id, uri, warc_date(date), file, offset)
        )

    def write(
        self,
        result: FetchResult,
        request_headers: dict[str, str] | None = None,
        *,
        earlier: EarlierCapture | None = None,
    ) -> CaptureRef | None:
        """Write the request and the response (or revisit) record of one fetch and flush;
        return where the response/revisit record is (``None`` if no response arrived,
        e.g. a timeout or a robots.txt disallow). A 2xx response, the only kind a row
        may point to, is also fsynced before this returns (with ``sync_each``; else by
        :meth:`sync`, before the rows are committed); 304 revisits, 404s and
        redirects are synced when the file is closed (nothing references them).
        ``earlier``: a record of an earlier run that a payload with its digest becomes a
        ``revisit`` of (a page re-checked with the same bytes), without remembering it."""
        if result.status is None:
            return None
        uri = result.final_url or result.url
        date = warc_date(result.fetched_at)
        headers = request_headers if request_headers is not None else result.request_headers
        try:
            fh, writer = self._open()
            request = _request_record(writer, uri, date, headers)
            writer.write_record(request)
            concurrent = {"WARC-Date": date, "WARC-Concurrent-To": _id(request)}
            record, refers = self._response_record(writer, result, uri, date, concurrent, earlier)
            offset = fh.tell()
            writer.write_record(record)
            length = fh.tell() - offset
            self._written(fh, result)
        except OSError as exc:
            raise CaptureError(f"{self.folder / self._name}: cannot write capture: {exc}") from exc
        digest = record.rec_headers.get_header("WARC-Payload-Digest")
        stored = digest if record.rec_type == "response" and result.body else None
        ref = self._count(str(record.rec_type), _id(record), stored, uri, date, offset, length)
        return ref if refers is None else replace(ref, refers_to=refers)

    def write_prebuilt(self, result: FetchResult, built: PrebuiltRecords) -> CaptureRef | None:
        """:meth:`write` for a fetch whose records :func:`build_records` made elsewhere (an
        extraction worker): their bytes are appended as they are, flushed and synced
        like :meth:`write`'s. A payload this writer stored before must become a
        ``revisit``: that fetch goes through :meth:`write` instead."""
        if result.body and built.digest in self._payloads:
            return self.write(result)
        uri = result.final_url or result.url
        try:
            fh, _writer = self._open()
            fh.write(built.request)
            offset = fh.tell()
            fh.write(built.response)
            length = fh.tell() - offset
            self._written(fh, result)
        except OSError as exc:
            raise CaptureError(f"{self.folder / self._name}: cannot write capture: {exc}") from exc
        stored = built.digest if result.body else None
        return self._count("response", built.record_id, stored, uri, built.date, offset, length)

    def _written(self, fh: IO[bytes], result: FetchResult) -> None:
        """Flush the records of one fetch; a 2xx response, which rows may point to, is
        also synced now (``sync_each``) or marked for :meth:`sync`."""
        fh.flush()
        if result.ok and not result.not_modified:
            if self.sync_each:
                os.fsync(fh.fileno())
            else:
                self._unsynced = True

    def _count(
        self,
        record_type: str,
        record_id: str,
        digest: str | None,
        uri: str,
        date: str,
        offset: int,
        length: int,
    ) -> CaptureRef:
        """Count a response/revisit record written at ``offset`` and remember the payload
        ``digest`` of a new response (for later revisits); where it is."""
        self.records += 1
        self.last_record_type = record_type
        if digest:
            self._payloads.setdefault(
                digest, EarlierCapture(digest, record_id, uri, date, self._name, offset)
            )
        return CaptureRef(self._name, offset, length, record_id)

    def _response_record(
        self,
        writer: WARCWriter,
        result: FetchResult,
        uri: str,
        date: str,
        warc_headers: dict[str, str],
        known: EarlierCapture | None = None,
    ) -> tuple[Any, EarlierCapture | None]:
        """The record of ``result``'s answer and, for a revisit of identical bytes (a
        payload this writer wrote before, or ``known``'s), the record it refers to."""
        http_headers = _http_headers(result)
        if result.not_modified:
            record = writer.create_warc_record(
                uri, "revisit", http_headers=http_headers, warc_headers_dict=warc_headers
            )
            record.rec_headers.add_header("WARC-Profile", REVISIT_NOT_MODIFIED)
            return record, None
        if known is not None and result.body and payload_digest(result.body) == known.digest:
            # the bytes of a record known to hold them: no response record to build first
            earlier = self._payloads.get(known.digest) or known._replace(date=warc_date(known.date))
            return _revisit(writer, uri, earlier, http_headers, warc_headers), earlier
        record = _new_response(writer, result, uri, warc_headers, http_headers)
        digest = record.rec_headers.get_header("WARC-Payload-Digest")
        found = self._payloads.get(digest) if digest and result.body else None
        if found is None:
            return record, None
        return _revisit(writer, uri, found, http_headers, warc_headers), found


def _revisit(
    writer: WARCWriter,
    uri: str,
    earlier: EarlierCapture,
    http_headers: StatusAndHeaders,
    warc_headers: dict[str, str],
) -> Any:
    """A ``revisit`` record (identical payload digest) of ``earlier``'s bytes."""
    return writer.create_revisit_record(
        uri,
        earlier.digest,
        earlier.uri,
        earlier.date,
        http_headers=http_headers,
        warc_headers_dict={
            **warc_headers,
            "WARC-Refers-To": earlier.record_id,
            "WARC-Refers-To-Filename": earlier.file,
            "WARC-Refers-To-Offset": str(earlier.offset),
        },
    )


def _request_record(writer: WARCWriter, uri: str, date: str, headers: dict[str, str]) -> Any:
    return writer.create_warc_record(
        uri,
        "request",
        http_headers=_request_headers(uri, headers),
        warc_headers_dict={"WARC-Date": date},
    )


def _new_response(
    writer: WARCWriter,
    result: FetchResult,
    uri: str,
    warc_headers: dict[str, str],
    http_headers: StatusAndHeaders | None = None,
) -> Any:
    return writer.create_warc_record(
        uri,
        "response",
        payload=io.BytesIO(result.body),
        length=len(result.body),
        http_headers=http_headers or _http_headers(result),
        warc_headers_dict=warc_headers,
    )


@dataclass(frozen=True)
class PrebuiltRecords:
    """The ``request`` and ``response`` records of one fetch as :meth:`WarcWriter.write`
    would write them (each its own gzip member), built by :func:`build_records` in
    another process, for :meth:`WarcWriter.write_prebuilt` to append: the response
    record's id, its ``WARC-Date`` and its payload digest (for the writer's revisits)."""

    request: bytes
    response: bytes
    record_id: str
    date: str
    digest: str


def build_records(result: FetchResult) -> PrebuiltRecords | None:
    """The records :meth:`WarcWriter.write` writes for a new 2xx ``result`` (the building,
    digests and gzip, which cost the writer's process most of its time, done where the
    page is extracted); ``None`` for any other fetch (no response, 304, error), which the
    writer writes itself."""
    if not result.ok or result.not_modified:
        return None
    uri = result.final_url or result.url
    date = warc_date(result.fetched_at)
    out = io.BytesIO()
    writer = GzipWARCWriter(out, warc_version="1.1")
    request = _request_record(writer, uri, date, result.request_headers)
    writer.write_record(request)
    split = out.tell()
    concurrent = {"WARC-Date": date, "WARC-Concurrent-To": _id(request)}
    record = _new_response(writer, result, uri, concurrent)
    writer.write_record(record)
    data = out.getvalue()
    digest = str(record.rec_headers.get_header("WARC-Payload-Digest") or "")
    return PrebuiltRecords(data[:split], data[split:], _id(record), date, digest)


def _id(record: Any) -> str:
    return str(record.rec_headers.get_header("WARC-Record-ID") or "")


__all__ = [
    "CaptureError",
    "CaptureRef",
    "EarlierCapture",
    "PrebuiltRecords",
    "WarcWriter",
    "build_records",
    "capture_folder",
    "payload_digest",
    "warc_date",
]
