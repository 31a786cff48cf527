"""WARC records that can be trusted: each read to its end and checked before it is used.

A record is *verified* when

* its ``Content-Length`` is a number and that many bytes of block were read (a record cut
  short, e.g. the tail of a file a crash or a full disk left behind, fails here: warcio
  itself hands out the bytes it found without a word);
* its ``WARC-Block-Digest`` (else its ``WARC-Payload-Digest``) matches what was read (sha1
  base32 as :class:`~crawler.capture.warc.WarcWriter` writes them; other algorithms warcio
  knows are checked too). A record of another tool without digests, or with only a payload
  digest over a transfer-encoded body (:func:`_digest_failures`), is checked on its length
  only; revisit records carry no block of their own to check;
* its bytes parse: WARC headers, HTTP headers, gzip member, transfer/content encoding.

:func:`read_record_at` reads the one record at a byte offset (``reparse``, learning,
history): a record that fails raises :class:`~crawler.errors.CaptureError` naming the file,
the offset and why. :func:`scan_warc` reads a whole file (``import-warc``) and yields every
record, verified, or a :class:`BadRecord` for each record or stretch of bytes that is not
one (cut short, digest mismatch, zero bytes or garbage between records), then goes on with
the next readable record: it looks for the next place where a record begins (a gzip member
that inflates to ``WARC/``, or a line starting ``WARC/1.`` in an uncompressed file). A file
that does not begin with a WARC record at all raises :class:`CaptureError` before anything is
yielded (:func:`check_warc_file`).
"""

from __future__ import annotations

import errno
import os
import re
import stat
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParserException

from crawler.errors import CaptureError

#: What warcio and zlib raise on bytes that are not a well-formed record.
_READ_ERRORS = (
    ArchiveLoadFailed,
    StatusAndHeadersParserException,
    EOFError,
    ValueError,
    LookupError,
    zlib.error,
)
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/1."
_CHUNK = 1 << 20
_BLANK = b"\r\n \t"
_START = re.compile(re.escape(_GZIP_MAGIC) + b"|" + re.escape(_WARC_MAGIC))


@dataclass(frozen=True)
class WarcRecord:
    """One verified record: where it starts, its WARC and HTTP headers, its payload
    (``content_stream()``: transfer and content encodings decoded)."""

    offset: int
    rec_type: str
    url: str
    date: str
    record_id: str
    rec_headers: StatusAndHeaders
    http_headers: StatusAndHeaders | None
    body: bytes


@dataclass(frozen=True)
class BadRecord:
    """A record (or stretch of bytes) at ``offset`` of ``file`` that cannot be used."""

    file: str
    offset: int
    url: str
    reason: str

    def __str__(self) -> str:
        shown = "".join(ch if ch.isprintable() else "?" for ch in self.url[:300])
        url = f" ({shown})" if self.url else ""
        return f"{self.file}: offset {self.offset}{url}: {self.reason}"


class _Loader(ArcWarcRecordLoader):  # type: ignore[misc]
    """warcio's record parser, but a record without ``WARC-Target-URI`` parses (its HTTP
    headers too) instead of raising ``AttributeError``: the caller names what is missing."""

    def load_http_headers(self, rec_type: str, uri: str | None, stream: Any, length: Any) -> Any:
        return super().load_http_headers(rec_type, uri or "http:", stream, length)


def _iterator(fh: IO[bytes]) -> ArchiveIterator:
    iterator = ArchiveIterator(fh, check_digests=True)
    iterator.loader = _Loader()
    return iterator


#: bytes a WARC record may hold beyond the response cap: its HTTP status line and headers
HEADER_ALLOWANCE = 1 << 20


class _Unverified(Exception):
    """A record that parsed but whose content does not check out."""


def _verified(record: Any, offset: int, max_bytes: int | None = None) -> WarcRecord:
    headers = record.rec_headers
    declared = headers.get_header("Content-Length")
    if declared is None or not declared.strip().isdigit():
        raise _Unverified(f"Content-Length {declared!r} is not a number of bytes")
    if max_bytes is not None and int(declared) > max_bytes + HEADER_ALLOWANCE:
        raise _Unverified(
            f"record of {int(declared):,} bytes, over the {max_bytes:,}-byte response cap "
            "(crawler.max_bytes); not read"
        )
    body = record.content_stream().read()
    stream = record.raw_stream
    while stream.read(1 << 16):  # the rest of the block (digests are updated as it is read)
        pass
    missing = getattr(stream, "limit", None)
    if missing is None:
        raise _Unverified("record length unknown")
    if missing > 0:
        got = int(declared) - missing
        raise _Unverified(f"record cut short: {got} of {int(declared)} bytes (Content-Length)")
    failed = _digest_failures(record)
    if failed:
        raise _Unverified("; ".join(failed))
    return WarcRecord(
        offset=offset,
        rec_type=str(record.rec_type or ""),
        url=(headers.get_header("WARC-Target-URI") or "").strip(),
        date=headers.get_header("WARC-Date") or "",
        record_id=headers.get_header("WARC-Record-ID") or "",
        rec_headers=headers,
        http_headers=record.http_headers,
        body=body,
    )


def _digest_failures(record: Any) -> list[str]:
    """The digest checks ``record`` failed that prove its bytes changed. The block digest
    covers every byte and decides when present. A payload digest alone decides unless the
    HTTP body has a ``Transfer-Encoding``: tools disagree whether the chunk framing is part
    of the payload (wget, warcprox and Heritrix computed it over the framed body), so a
    mismatch there proves nothing and the record is checked on its length only."""
    checker = record.digest_checker
    if checker is None or checker.passed is not False:
        return []
    problems = [str(p) for p in checker.problems]
    block = [p for p in problems if p.startswith("block digest failed")]
    if record.rec_headers.get_header("WARC-Block-Digest"):
        return block
    http = record.http_headers
    if http is not None and http.get_header("Transfer-Encoding"):
        return []
    return [p for p in problems if p.startswith("payload digest failed")]


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()).split(", first line")[0]  # not the garbage itself
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    if len(text) > 120:
        text = text[:117] + "..."
    return f"unreadable record ({type(exc).__name__}: {text})" if text else "unreadable record"


def open_regular(path: str | Path) -> IO[bytes]:
    """``path`` opened for reading if it is a regular file; a FIFO, a device
    (``/dev/zero``) or a directory would hang or never end: ``OSError`` naming it. Opened
    non-blocking first, so a FIFO does not hang the open itself."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a FIFO, device or directory)")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_record_at(path: str | Path, offset: int) -> WarcRecord:
    """The verified record at ``offset`` of ``path``; :class:`CaptureError` (naming the file,
    the offset and the cause) if there is none or it fails its checks."""
    try:
        with open_regular(path) as fh:
            fh.seek(offset)
            iterator = _iterator(fh)
            try:
                record = next(iter(iterator), None)
                if record is None:
                    raise _Unverified("no WARC record there")
                return _verified(record, offset)
            finally:
                iterator.close()
    except _Unverified as exc:
        raise CaptureError(f"{path}: offset {offset}: {exc}") from None
    except _READ_ERRORS as exc:
        raise CaptureError(f"{path}: offset {offset}: {_reason(exc)}") from None
    except OSError as exc:
        raise CaptureError(f"{path}: cannot read capture: {exc}") from exc


def _record_starts(fh: IO[bytes], pos: int) -> bool:
    """Whether a WARC record (gzip member or plain) begins at ``pos``."""
    fh.seek(pos)
    head = fh.read(8192)
    if head.startswith(_WARC_MAGIC):
        return True
    if not head.startswith(_GZIP_MAGIC):
        return False
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 16).startswith(b"WARC/")
    except zlib.error:
        return False


def _next_start(fh: IO[bytes], pos: int, size: int) -> int | None:
    """The first offset >= ``pos`` where a record begins, or ``None``."""
    while pos < size:
        fh.seek(pos)
        chunk = fh.read(_CHUNK + 16)
        for hit in _START.finditer(chunk):
            at = pos + hit.start()
            if hit.start() >= _CHUNK:
                break
            if hit.group() == _WARC_MAGIC and at > 0:  # an uncompressed record begins a line
                fh.seek(at - 1)
                if fh.read(1) != b"\n":
                    continue
            if _record_starts(fh, at):
                return at
        pos += _CHUNK
    return None


def _blank(fh: IO[bytes], start: int, size: int) -> bool:
    fh.seek(start)
    while start < size:
        chunk = fh.read(_CHUNK)
        if not chunk or chunk.strip(_BLANK):
            return not chunk
        start += len(chunk)
    return True


def check_warc_file(path: str | Path) -> None:
    """:class:`CaptureError` unless ``path`` is a readable file that begins with a WARC
    record (gzip or not): one line for a text file, an HTML page, an empty file..."""
    try:
        with open_regular(path) as fh:
            if _record_starts(fh, 0):
                return
            fh.seek(0)
            empty = not fh.read(1)
    except OSError as exc:
        raise CaptureError(f"{path}: cannot read WARC file: {exc}") from exc
    what = "it is empty" if empty else "it does not begin with a WARC record"
    raise CaptureError(f"{path}: not a WARC file ({what})")


def scan_warc(path: str | Path, max_bytes: int | None = None) -> Iterator[WarcRecord | BadRecord]:
    """Every record of the WARC file ``path`` in file order, verified, or a :class:`BadRecord`
    where a record fails or bytes are not a record (reading goes on after it). A record
    larger than ``max_bytes`` (plus :data:`HEADER_ALLOWANCE` for its HTTP headers) is a
    :class:`BadRecord` and never read into memory: the same cap as a crawl's responses.
    Raises :class:`CaptureError` before yielding anything if the file is not a WARC file."""
    check_warc_file(path)
    name = str(path)
    try:
        with open_regular(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            start: int | None = 0
            while start is not None and start < size:
                start = yield from _scan_from(fh, name, start, size, max_bytes)
    except OSError as exc:
        raise CaptureError(f"{path}: cannot read WARC file: {exc}") from exc


def _scan_from(
    fh: IO[bytes], name: str, start: int, size: int, max_bytes: int | None = None
) -> Generator[WarcRecord | BadRecord, None, int | None]:
    """Records from ``start`` on until the end or an unreadable place; returns where to go
    on (``None``: the end)."""
    fh.seek(start)
    iterator = _iterator(fh)
    end, url = start, ""
    try:
        for record in iterator:
            offset = iterator.offset
            url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip()
            item: WarcRecord | BadRecord
            try:
                item = _verified(record, offset, max_bytes)
            except _Unverified as exc:
                item = BadRecord(name, offset, url, str(exc))
            iterator.read_to_end()
            end, url = iterator.offset, ""
            yield item
    except _READ_ERRORS as exc:
        failed = max(iterator.offset, end)
        following = _next_start(fh, failed + 1, size)
        stretch = (following if following is not None else size) - failed
        yield BadRecord(name, failed, url, f"{_reason(exc)}, {stretch} bytes to the next record")
        return following
    finally:
        iterator.close()
    if end >= size or _blank(fh, end, size):
        return None
    following = _next_start(fh, end + 1, size)
    stretch = (following if following is not None else size) - end
    yield BadRecord(name, end, "", f"{stretch} bytes that are no complete record (cut short?)")
    return following


__all__ = [
    "BadRecord",
    "CaptureError",
    "WarcRecord",
    "check_warc_file",
    "read_record_at",
    "scan_warc",
]
