"""warcio's record writer with each record gzipped at :data:`GZIP_LEVEL`.

A WARC file is a row of gzip members, one a record, so a reader can seek to any record's
offset. warcio writes the members at level 9. The compressor is most of the cost of a
capture: on the German dev set's pages (128 KB of HTML on average) level 9 takes
4.3 ms a page where zlib's default, 6, takes 2.4 ms for files 0.7 % larger (1 takes
0.95 ms for 19 % larger ones); the crawl pays it in its extraction workers for every
page and in its event loop for listings, feeds and sitemaps. (BENCHMARKS.md, issue 17 in
stop 27.) Everything else (headers, digests, the record's layout) is warcio's.
"""

from __future__ import annotations

import zlib
from typing import IO, Any

from warcio.warcwriter import WARCWriter

#: the records' gzip level (zlib's default)
GZIP_LEVEL = 6


class _Member:
    """One gzip member around ``out``: what warcio writes to it is compressed; ``flush``
    ends the member (warcio calls it once, at the end of the record)."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)

    def write(self, data: bytes) -> None:
        self.out.write(self.compressor.compress(data))

    def flush(self) -> None:
        self.out.write(self.compressor.flush())
        self.out.flush()


class GzipWARCWriter(WARCWriter):  # type: ignore[misc]
    """``WARCWriter(out, gzip=True, ...)`` with the members at :data:`GZIP_LEVEL`."""

    def __init__(self, filebuf: IO[bytes], **kwargs: Any) -> None:
        super().__init__(filebuf, gzip=False, **kwargs)  # the members are ours

    def _write_warc_record(self, out: IO[bytes], record: Any) -> Any:
        return super()._write_warc_record(_Member(out), record)


__all__ = ["GZIP_LEVEL", "GzipWARCWriter"]
