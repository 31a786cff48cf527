"""The sample site's image and document files: small, valid and deterministic.

An image is a real baseline JPEG of 16×16 pixels (four 8×8 blocks of flat colour, the
colours taken from a hash of its path), written without an imaging library: one
quantisation table of ones, the standard DC Huffman table, an AC table holding only
end-of-block. A document is a minimal PDF. Both differ per path, except
:data:`SAME_BYTES`: files the site publishes twice under two names (the old CMS kept a
copy of a release's photo), so an archive sees identical payloads (WARC revisit records).
"""

from __future__ import annotations

import hashlib

#: path → the path whose bytes it serves (one photo under two names)
SAME_BYTES = {"/uploads/pics/4711_1.jpg": "/uploads/pics/4711_0.jpg"}

_DC_BITS = (0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0)
_DC_VALUES = tuple(range(12))


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + (len(payload) + 2).to_bytes(2, "big") + payload


def _dc_codes() -> dict[int, tuple[int, int]]:
    """Category → (code, length) of the standard DC table (canonical Huffman codes)."""
    codes: dict[int, tuple[int, int]] = {}
    code, k = 0, 0
    for length, count in enumerate(_DC_BITS, 1):
        for _ in range(count):
            codes[_DC_VALUES[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return codes


class _Bits:
    def __init__(self) -> None:
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def put(self, value: int, length: int) -> None:
        for i in range(length - 1, -1, -1):
            self.acc = (self.acc << 1) | ((value >> i) & 1)
            self.n += 1
            if self.n == 8:
                self._byte(self.acc)
                self.acc, self.n = 0, 0

    def _byte(self, byte: int) -> None:
        self.out.append(byte)
        if byte == 0xFF:
            self.out.append(0)  # byte stuffing

    def done(self) -> bytes:
        if self.n:
            self._byte((self.acc << (8 - self.n)) | ((1 << (8 - self.n)) - 1))
        return bytes(self.out)


def tiny_jpeg(seed: bytes) -> bytes:
    """A 16×16 baseline JPEG: four luminance levels and one hue from ``seed`` (≥ 6 bytes)."""
    codes = _dc_codes()
    bits = _Bits()
    previous = [0, 0, 0]
    chroma = (64 + seed[4] // 2, 64 + seed[5] // 2)
    for block in range(4):  # MCUs left to right, top to bottom: Y, Cb, Cr each
        for comp, level in enumerate((seed[block], *chroma)):
            dc = 8 * (level - 128)  # flat block, quantiser 1: the DC coefficient
            diff, previous[comp] = dc - previous[comp], dc
            size = abs(diff).bit_length()
            bits.put(*codes[size])
            if size:
                bits.put(diff if diff > 0 else diff + (1 << size) - 1, size)
            bits.put(0, 1)  # end of block (the AC table's one code)
    components = b"".join(bytes((i, 0x11, 0)) for i in (1, 2, 3))
    return b"".join(
        (
            b"\xff\xd8",
            _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
            _segment(0xDB, b"\x00" + b"\x01" * 64),
            _segment(0xC0, b"\x08\x00\x10\x00\x10\x03" + components),
            _segment(0xC4, b"\x00" + bytes(_DC_BITS) + bytes(_DC_VALUES)),
            _segment(0xC4, b"\x10" + bytes((1,) + (0,) * 15) + b"\x00"),
            _segment(0xDA, b"\x03\x01\x00\x02\x00\x03\x00\x00\x3f\x00"),
            bits.done(),
            b"\xff\xd9",
        )
    )


def tiny_pdf(seed: bytes) -> bytes:
    """A minimal PDF naming ``seed`` (hex) in a comment."""
    return b"%PDF-1.4\n% sample document\n" + seed.hex().encode() + b"\n%%EOF\n"


def media_bytes(path: str) -> bytes:
    """The bytes of the file at ``path``: a PDF for ``.pdf``, else a JPEG."""
    path = SAME_BYTES.get(path, path)
    digest = hashlib.sha256(path.encode()).digest()
    return tiny_pdf(digest) if path.endswith(".pdf") else tiny_jpeg(digest)


__all__ = ["SAME_BYTES", "media_bytes", "tiny_jpeg", "tiny_pdf"]
