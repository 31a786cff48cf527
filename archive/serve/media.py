"""Datasette plugin: ``GET /-/media?url=SRC``, an archived image or attachment.

The ``media`` row of ``SRC`` (migration 14; written by :mod:`crawler.engine.media`) names
the WARC record holding the file; the record is read from the archive's WARC folder and
verified (:func:`crawler.capture.reading.read_capture`: its length and digests; a ``revisit``
is followed to the first capture of the same bytes), and the bytes must have the row's
payload digest. The answer carries the stored ``Content-Type``, an ``ETag`` (the digest),
``Cache-Control``, ``X-Content-Type-Options: nosniff`` and ``Content-Security-Policy:
default-src 'none'``; a type a browser would run as a document (HTML, SVG, XML, scripts) is
never served as such: it comes as ``application/octet-stream``, a download.

404: no such row, or the file was not archived (a failed fetch); 400 without ``url``;
500 when the capture cannot be read or does not match its digest (damaged WARC).
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from datasette import hookimpl
from datasette.utils.asgi import Response

from crawler.capture.reading import read_capture
from crawler.capture.warc import CaptureRef, capture_folder, payload_digest
from crawler.errors import CaptureError

log = logging.getLogger(__name__)

ROUTE = r"^/-/media$"
CACHE_CONTROL = "public, max-age=86400"
CSP = "default-src 'none'"
#: types served inline; anything else comes as a download (never rendered as a document)
INLINE_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "image/avif",
        "image/bmp",
        "image/x-icon",
        "image/vnd.microsoft.icon",
        "image/tiff",
        "application/pdf",
    }
)
_COLUMNS = "url, status, content_type, digest, warc_file, warc_offset, warc_record_id"


def _error(status: int, message: str) -> Response:
    return Response(
        json.dumps({"ok": False, "error": message, "status": status}),
        status=status,
        headers={"X-Content-Type-Options": "nosniff", "Content-Security-Policy": CSP},
        content_type="application/json; charset=utf-8",
    )


def safe_headers(content_type: str | None, url: str, digest: str) -> dict[str, str]:
    """The response headers of an archived file of ``content_type``."""
    ctype = (content_type or "").split(";")[0].strip().lower()
    name = PurePosixPath(urlsplit(url).path).name.replace('"', "") or "file"
    headers = {
        "Cache-Control": CACHE_CONTROL,
        "ETag": f'"{digest}"',
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": CSP,
    }
    if ctype in INLINE_TYPES:
        headers["Content-Type"] = ctype
        headers["Content-Disposition"] = f'inline; filename="{name}"'
    else:  # HTML, SVG, XML, office files, anything unknown: a download, never a document
        headers["Content-Type"] = "application/octet-stream"
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return headers


def _read(folder: Path, row: dict[str, Any]) -> bytes:
    ref = CaptureRef(row["warc_file"], int(row["warc_offset"]), 0, row["warc_record_id"] or "")
    body = read_capture(folder, ref).body
    if row["digest"] and payload_digest(body) != row["digest"]:
        raise CaptureError(
            f"{folder / ref.file}: record at offset {ref.offset} does not hold the archived "
            f"payload ({row['digest']})"
        )
    return body


async def media(request: Any, datasette: Any) -> Response:
    url = (request.args.get("url") or "").strip()
    if not url:
        return _error(400, "give the file's original URL: /-/media?url=…")
    db = datasette.get_database()
    if not await db.table_exists("media"):  # served read-only before migration 14 ran
        return _error(404, f"not archived: {url}")
    result = await db.execute(f"SELECT {_COLUMNS} FROM media WHERE url = ?", [url])
    rows = [dict(r) for r in result.rows]
    if not rows or rows[0]["status"] != 200 or not rows[0]["warc_file"]:
        return _error(404, f"not archived: {url}")
    row = rows[0]
    folder = capture_folder(db.path) if db.path else None
    if folder is None:
        return _error(404, f"not archived: {url} (no WARC folder)")
    etag = f'"{row["digest"]}"'
    if request.headers.get("if-none-match") == etag:
        headers = safe_headers(row["content_type"], url, row["digest"])
        return Response("", status=304, headers=headers)
    try:
        body = await asyncio.to_thread(_read, folder, row)
    except (CaptureError, OSError) as exc:
        log.error("%s: %s", url, exc)
        return _error(500, f"the archived capture of {url} cannot be read: {exc}")
    headers = safe_headers(row["content_type"], url, row["digest"] or "")
    ctype = headers.pop("Content-Type")
    return Response(body, status=200, headers=headers, content_type=ctype)


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(ROUTE, media)]


__all__ = ["INLINE_TYPES", "ROUTE", "media", "register_routes", "safe_headers"]
