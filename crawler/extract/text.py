"""Text helpers for extraction: decoding raw HTML bytes and normalising visible text.

``decode_html`` picks the charset in the order Content-Type header → byte-order mark →
``<meta charset>`` / ``http-equiv`` → UTF-8 → windows-1252. ISO-8859-1 (and its aliases) is read
as windows-1252, as browsers do, so typographic quotes in 0x80–0x9F survive.

Mixed encodings: a page declared UTF-8 whose bytes are not all UTF-8 (older CMSs paste
windows-1252 text into UTF-8 templates) is decoded piece by piece (:func:`decode_mixed`): the
valid UTF-8 as UTF-8, each invalid byte as windows-1252, so both parts read right. Valid
UTF-8 pays nothing for this: the mixed decoding only runs after the strict one failed.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler.extract.vocabulary import ATTACHMENT_EXT, DOWNLOAD_QUERY, FILE_VIEW_PATH

logger = logging.getLogger(__name__)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_LATIN1_ALIASES = {"latin_1", "iso8859-1", "ascii"}  # normalised codec names read as cp1252
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
# characters lxml refuses (C0 controls except tab/newline/carriage return, and U+FFFE/U+FFFF)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: an XML declaration opening the markup, up to its first ">" (lxml refuses a str holding one
#: with an encoding, also one that lacks its "?")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>?", re.I)
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
#: all text of an element, as ``lxml.html``'s ``text_content()`` (scripts included)
text_content = etree.XPath("string()")


def normalize_codec(name: str | None) -> str | None:
    """A Python codec name for a charset label, or None if unknown.

    ISO-8859-1, Latin-1 and US-ASCII map to windows-1252 (the WHATWG rule).
    """
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    if codec in _LATIN1_ALIASES:
        return "cp1252"
    return codec


def charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return normalize_codec(match.group(1)) if match else None


def _latin1_fallback(error: UnicodeError) -> tuple[str, int]:
    """Error handler: bytes undefined in windows-1252 (0x81, 0x8D, …) decode as in ISO-8859-1."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    chunk = error.object[error.start : error.end]
    return bytes(chunk).decode("latin-1"), error.end


codecs.register_error("pressarchive-latin1", _latin1_fallback)

#: the codec :func:`decode_html_as` names for text decoded by :func:`decode_mixed`
MIXED = "utf-8+cp1252"


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Error handler: bytes that are not UTF-8 decode as windows-1252 (:func:`decode_mixed`)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    chunk = bytes(error.object[error.start : error.end])
    return chunk.decode("cp1252", errors="pressarchive-latin1"), error.end


codecs.register_error("pressarchive-cp1252", _cp1252_fallback)

#: Thaana and NKo, the letters of two-byte UTF-8 sequences led by 0xDE/0xDF: in windows-1252
#: text those bytes are "Þ"/"ß" followed by a quote, dash, ellipsis or NBSP ("Fuß“" is valid
#: UTF-8 for U+07D3), so in text that already holds windows-1252 bytes they are read as such
_MISREAD_PAIRS = re.compile("[\u0780-\u07ff]")


#: a multi-byte UTF-8 sequence (loosely: lead and continuation bytes)
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def decode_mixed(body: bytes) -> str:
    """``body`` decoded as UTF-8 where it is valid UTF-8 and as windows-1252 where not (a
    page declared UTF-8 with windows-1252 words in it); never raises. Bytes without any
    multi-byte UTF-8 sequence decode as windows-1252 in one call (the same text, without an
    error handler call for every umlaut)."""
    if _UTF8_SEQUENCE.search(body) is None:
        return body.decode("cp1252", errors="pressarchive-latin1")
    text = body.decode("utf-8", errors="pressarchive-cp1252")
    if _MISREAD_PAIRS.search(text) is not None:
        text = _MISREAD_PAIRS.sub(
            lambda m: m.group().encode().decode("cp1252", errors="pressarchive-latin1"), text
        )
    return text


def _try_decode(body: bytes, codec: str) -> str | None:
    try:
        if codec == "cp1252":
            return body.decode(codec, errors="pressarchive-latin1")
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(body: bytes, headers: Mapping[str, str] | None = None) -> str:
    """Decode an HTML response to text; never raises (:func:`decode_html_as`)."""
    return decode_html_as(body, headers)[0]


def decode_html_as(body: bytes, headers: Mapping[str, str] | None = None) -> tuple[str, str]:
    """Decode an HTML response to text; never raises. Returns the text and the codec used.

    A ``<meta>`` declaring ISO-8859-1/windows-1252 on bytes that are valid UTF-8 with non-ASCII
    characters is overruled (old CMS templates often declare Latin-1 but serve UTF-8; valid
    multi-byte UTF-8 is practically never intended Latin-1 text).

    Bytes declared UTF-8 (the first declaration found: header, byte-order mark, ``<meta>``)
    that are not all valid UTF-8 are decoded by :func:`decode_mixed`; the codec returned is
    then :data:`MIXED`.
    """
    content_type = (headers or {}).get("content-type")
    candidates: list[str] = []
    declared: str | None = None
    header_codec = charset_from_content_type(content_type)
    if header_codec:
        # like a <meta> below: valid multi-byte UTF-8 is practically never meant as Latin-1
        if header_codec == "cp1252" and not body.isascii():
            candidates.append("utf-8")
        candidates.append(header_codec)
        declared = header_codec
    for bom, codec in _BOMS:
        if body.startswith(bom):
            candidates.append(codec)
            declared = declared or codec
            break
    meta = _META_CHARSET.search(body[:4096])
    if meta:
        meta_codec = normalize_codec(meta.group(1).decode("ascii", "replace"))
        # a page that got this far in an ASCII-compatible encoding cannot really be UTF-16
        if meta_codec and not meta_codec.startswith(("utf-16", "utf-32")):
            if not (candidates or meta_codec != "cp1252" or body.isascii()):
                candidates.append("utf-8")
            candidates.append(meta_codec)
            declared = declared or meta_codec
    candidates += ["utf-8", "cp1252"]
    for codec in candidates:
        text = _try_decode(body, codec)
        if text is None and codec == "utf-8" and declared == "utf-8":
            return decode_mixed(body).lstrip("\ufeff"), MIXED
        if text is not None:
            if codec != candidates[0]:
                logger.debug("decoded as %s after trying %s", codec, candidates[0])
            return text.lstrip("\ufeff"), codec
    # not reached: cp1252 above
    return body.decode("cp1252", errors="pressarchive-latin1"), "cp1252"


def prepare_markup(text: str) -> str:
    """Remove what lxml cannot parse from decoded markup (XML declaration, control characters)."""
    text = _XML_DECL.sub("", text, count=1)
    return _CONTROL.sub("", text) if _has_control(text) else text


def is_prepared(text: str, raw: bytes) -> bool:
    """Whether :func:`prepare_markup` would return ``text`` as it is; ``raw``: ``text`` in
    UTF-8 (the response body it was decoded from, when that was UTF-8 without a BOM)."""
    return _XML_DECL.match(text) is None and not has_control(raw, text)


#: the C0 controls of :data:`_CONTROL`, as bytes
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def _has_control(text: str) -> bool:
    """Whether :data:`_CONTROL` finds anything in ``text``."""
    return has_control(text.encode("utf-8", "surrogatepass"), text)


def has_control(raw: bytes, text: str) -> bool:
    """Whether :data:`_CONTROL` finds anything in ``text``, given ``raw``, its UTF-8 encoding
    (a third of the regex scan's time: the C0 controls are exactly the UTF-8 bytes below 0x20
    they are encoded as)."""
    if len(raw.translate(None, _CONTROL_BYTES)) != len(raw):
        return True
    return not text.isascii() and ("\ufffe" in text or "\uffff" in text)


def clean(text: str | None) -> str:
    """Drop soft hyphens and zero-width characters, turn NBSP into a space, collapse whitespace."""
    if not text:
        return ""
    if not text.isascii() and (  # (six substring tests are faster than one regex search)
        "\u00ad" in text
        or "\u200b" in text
        or "\u200c" in text
        or "\u200d" in text
        or "\u2060" in text
        or "\ufeff" in text
    ):
        text = _INVISIBLE.sub("", text)
    return " ".join(text.split())  # str.split() splits on exactly the characters re's \\s matches


def has_invisible(text: str) -> bool:
    """Whether :func:`clean` drops characters from ``text`` other than whitespace."""
    return not text.isascii() and _INVISIBLE.search(text) is not None


def clean_or_none(text: str | None) -> str | None:
    cleaned = clean(text)
    return cleaned or None


# --- markup helpers (lxml elements) -------------------------------------------------------------

#: elements whose content starts a new text block
BLOCK_TAGS = frozenset(
    "address article aside blockquote dd details div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody thead tfoot "
    "td th tr ul".split()
)
#: never visible text
INVISIBLE_TAGS = frozenset("script style noscript template head title meta link".split())


Skip = Callable[[Any], bool] | None


def classes(el: Any) -> frozenset[str]:
    """Lower-cased class tokens of an element (empty for comments and the like)."""
    get = getattr(el, "get", None)
    if get is None:
        return frozenset()
    return frozenset((get("class") or "").lower().split())


def element_text(el: Any, skip: Skip = None) -> str:
    """Visible text of an element, ``<br>`` and block boundaries as spaces, normalised.

    ``skip`` is an optional predicate; elements for which it is true are left out.
    """
    if el is None:
        return ""
    if not len(el):  # no children: its own text
        return clean(getattr(el, "text", None))
    parts: list[str] = []
    _gather(el, parts, skip)
    return clean("".join(parts))


def _gather(el: Any, parts: list[str], skip: Skip) -> None:
    text = getattr(el, "text", None)
    if text:
        parts.append(text)
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and tag not in INVISIBLE_TAGS and not (skip and skip(child)):
            if tag == "br" or tag in BLOCK_TAGS:
                parts.append(" ")
            _gather(child, parts, skip)
            if tag in BLOCK_TAGS:
                parts.append(" ")
        tail = child.tail  # (lxml builds a new string on every read)
        if tail:
            parts.append(tail)


def raw_texts(root: Any) -> dict[Any, str]:
    """For ``root`` and every element under it, the text :func:`element_text` reads before
    normalising (``clean(raw_texts(root)[el]) == element_text(el)``), in one pass instead of
    one walk per element."""
    texts: dict[Any, str] = {}
    _raw(root, texts)
    return texts


def _raw(el: Any, texts: dict[Any, str]) -> str:
    parts = [el.text or ""]
    for child in el:
        tag = child.tag
        if isinstance(tag, str):
            inner = _raw(child, texts)
            if tag not in INVISIBLE_TAGS:
                if tag in BLOCK_TAGS:
                    parts += (" ", inner, " ")
                elif tag == "br":
                    parts += (" ", inner)
                else:
                    parts.append(inner)
        tail = child.tail
        if tail:
            parts.append(tail)
    text = texts[el] = "".join(parts)
    return text


def cls(name: str) -> str:
    """XPath predicate body: the element has class token ``name`` (the plain ``contains`` first
    spares libxml2 the ``normalize-space`` of every other element's class)."""
    return (
        f"(contains(@class, '{name}') and "
        f"contains(concat(' ', normalize-space(@class), ' '), ' {name} '))"
    )


def first(el: Any, xpath: str) -> Any:
    """First match of ``xpath`` under ``el``, or None."""
    if el is None:
        return None
    found = compiled(xpath)(el)
    return found[0] if found else None


@lru_cache(maxsize=256)
def compiled(xpath: str) -> etree.XPath:
    """``xpath`` compiled once (evaluating a string with ``el.xpath`` compiles it every call)."""
    return etree.XPath(xpath)


def resolve_url(base: str, href: str | None) -> str | None:
    """Absolute http(s) URL for an href; None for mailto:, javascript:, tel:, bare fragments.

    Not memoised: an extraction resolves through its page's context
    (:meth:`crawler.extract.context.PageContext.resolve`), which keeps the answers for the page."""
    return resolve_with(base, href or "", origin_of(base))


def resolve_with(base: str, href: str, origin: str | None) -> str | None:
    """:func:`resolve_url`; ``origin``: :func:`origin_of` ``base`` (worked out once per page)."""
    href = clean(href)
    if not href or href.startswith("#"):
        return None
    fast = _join_simple(base, href, origin)
    if fast is not None:
        return fast
    try:
        url = urljoin(base, href)
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


#: what makes ``urljoin`` rewrite an href beyond prefixing it (dot segments, params, an empty
#: query or fragment, IPv6 brackets): such hrefs take the general path
_NOT_SIMPLE = re.compile(r"/\.|;|\?#|[?#]$|[\[\]]")


def _not_simple(text: str) -> bool:
    """``_NOT_SIMPLE.search(text)`` with substring tests (``$`` also before a final newline)."""
    return (
        "/." in text
        or ";" in text
        or "?#" in text
        or "[" in text
        or "]" in text
        or text.endswith(("?", "#", "?\n", "#\n"))
    )


def _join_simple(base: str, href: str, origin: str | None = None) -> str | None:
    """``urljoin(base, href)`` without parsing, for the two shapes most links have (a cleaned,
    non-empty href): an absolute ``http(s)://host…`` URL (returned as it is) or a path from
    the root (``/a/b?q``: the base's origin in front; ``origin``: :func:`origin_of` ``base``,
    worked out here when not given). None for anything else, and for hrefs ``urljoin`` would
    rewrite (:data:`_NOT_SIMPLE`)."""
    if href[0] == "/":
        if href[1:2] == "/" or _not_simple(href):
            return None
        if origin is None:
            origin = origin_of(base)
        return None if origin is None else origin + href
    if not href.startswith(("http://", "https://")) or not href.isascii():
        return None
    rest = href[href.index("//") + 2 :]
    if not rest or rest[0] in "/?#" or _not_simple(rest):
        return None
    return href


def origin_of(base: str) -> str | None:
    """``scheme://netloc`` of an http(s) base, as ``urljoin`` rebuilds it; else None."""
    try:
        parts = urlsplit(base)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def is_attachment_url(url: str) -> bool:
    """Whether an absolute URL is a download (:mod:`crawler.extract.attachments`): its path
    ends in a file extension (``.pdf``, ``.docx``, ``.zip``, …), or names a file followed by
    a CMS's view/download suffix (``x.pdf/view``, ``x.pdf/@@download/file``), or its query is
    a download parameter (``?download=12:x``, ``?file=``, ``?__blob=publicationFile``)."""
    parts = urlsplit(url)
    path = parts.path
    return bool(
        ATTACHMENT_EXT.search(path)
        or ("/" in path and FILE_VIEW_PATH.search(path))
        or (parts.query and DOWNLOAD_QUERY.search(parts.query))
    )
