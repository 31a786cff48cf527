"""crawler.extract on old-CMS pages, every way of declaring (or misdeclaring) a charset,
and malformed or truncated input; the rest of the extractor is ``test_extract.py``."""

from __future__ import annotations

import os

import pytest

from crawler.discover.listings import parse_listing
from crawler.extract.core import extract
from crawler.extract.text import MIXED, clean, decode_html, decode_html_as, decode_mixed
from crawler.records import Attachment, Image
from tests.support.pages import sitepark_page as sitepark

BASE = "http://www.ruesselsheim.test"
UTF8 = {"content-type": "text/html; charset=utf-8"}


# --- old CMS and decoding ------------------------------------------------------------------------

OLD_CMS = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
<title>Presse</title></head><body>
<div id="header"><img src="/fileadmin/templates/header.jpg"
 alt="Bild: Rathaus Rüsselsheim am Main"></div>
<div id="navigation"><ul><li><a href="/index.html">Startseite</a></li></ul></div>
<div id="content"><div class="news-single-item">
  <h2 class="section">Presseinformationen</h2>
  <p class="news-single-rightbox">14.05.2021</p>
  <h1>Stadt pflanzt 40 neue Bäume – „Grün für alle“</h1>
  <div class="news-single-img"><img src="/uploads/pics/baum.jpg" alt="Baumpflanzung">
    <p class="news-single-imgcaption">
    Foto: Oberbürgermeister beim Pflanzen (Fotografin: Anna Muster)</p></div>
  <div class="news-single-img"><img src="/uploads/pics/ufer.jpg" alt="Mainufer">
    <p class="news-single-imgcaption">
    Die neuen Bäume am Main (Foto: Stadt Rüsselsheim am Main, Fotograf: Max Muster)</p></div>
  <div class="news-text"><p>Erster Absatz über Bäume.</p><p><strong>Zwischenüberschrift</strong></p>
  <p>Mehr im <a href="/kitas.html">Link zu Kitas</a>
  und im <a href="/dokumente/plan.pdf">Plan</a>.</p></div>
  <p class="news-single-backlink">
  <a href="/presseinformationen/pressemeldungen.html">Link zu Zurück zur Übersicht</a></p>
</div></div></body></html>"""
OLD_URL = BASE + "/presseinformationen/pressemeldungen/5123.html"


def test_old_cms_iso_8859_1() -> None:
    body = OLD_CMS.encode("cp1252")  # „“ exist only in windows-1252, as on the real site
    result = extract(OLD_URL, body, {"content-type": "text/html; charset=iso-8859-1"})
    assert result.page_type == "press_release"
    assert result.label == "Presseinformationen"
    assert result.title == "Stadt pflanzt 40 neue Bäume – „Grün für alle“"
    assert result.lead is None
    assert result.body == (
        "Erster Absatz über Bäume.\n\nZwischenüberschrift\n\nMehr im Link zu Kitas und im Plan."
    )
    assert (result.published, result.published_source) == ("2021-05-14", "text")
    assert result.modified is None
    assert result.images == [
        Image(
            BASE + "/uploads/pics/baum.jpg",
            "Baumpflanzung",
            "Oberbürgermeister beim Pflanzen",
            "Fotografin: Anna Muster",
        ),
        Image(
            BASE + "/uploads/pics/ufer.jpg",
            "Mainufer",
            "Die neuen Bäume am Main",
            "Stadt Rüsselsheim am Main, Fotograf: Max Muster",
        ),
    ]
    assert result.credits == [
        "Fotografin: Anna Muster",
        "Stadt Rüsselsheim am Main, Fotograf: Max Muster",
    ]
    assert result.links == [BASE + "/kitas.html", BASE + "/dokumente/plan.pdf"]
    assert result.attachments == [Attachment(BASE + "/dokumente/plan.pdf", "Plan")]


def test_old_cms_without_header_uses_meta_charset() -> None:
    result = extract(OLD_URL, OLD_CMS.encode("cp1252"), {"content-type": "text/html"})
    assert result.title == "Stadt pflanzt 40 neue Bäume – „Grün für alle“"


def test_decoding_order() -> None:
    text = "<p>Grüße</p>"
    assert decode_html("\ufeff<p>Grüße</p>".encode()) == text  # BOM
    assert decode_html(text.encode("utf-16"), {}) == text  # UTF-16 BOM
    assert decode_html(text.encode("cp1252"), {}) == text  # no declaration, not UTF-8
    latin = ('<meta charset="iso-8859-1"><p>„Grüße“</p>').encode("cp1252")
    assert "„Grüße“" in decode_html(latin, {})
    # header beats meta
    assert "Grüße" in decode_html(
        '<meta charset="utf-8"><p>Grüße</p>'.encode("cp1252"),
        {"content-type": "text/html; charset=windows-1252"},
    )
    # a wrong header falls back instead of producing mojibake
    assert decode_html(text.encode("cp1252"), {"content-type": "text/html; charset=utf-8"}) == text
    assert decode_html(b"\x81\x8d", {"content-type": "text/html; charset=latin1"}) == "\x81\x8d"
    # a Latin-1 <meta> or header on valid non-ASCII UTF-8 bytes (old templates, misconfigured
    # servers) is overruled: such bytes are practically never meant as Latin-1
    mislabelled = '<meta charset="iso-8859-1"><p>Grüße</p>'.encode()
    assert "Grüße" in decode_html(mislabelled, {})
    assert "Grüße" in decode_html(mislabelled, {"content-type": "text/html; charset=iso-8859-1"})


@pytest.mark.parametrize(
    "prefix",
    [
        "",
        "\ufeff",
        '<?xml version="1.0" encoding="utf-8"?>\n',
        '<?xml version="1.0" encoding="utf-8">',
        "\x0b",
    ],
    ids=["plain", "bom", "xml-declaration", "xml-declaration-without-?", "control-character"],
)
def test_utf8_pages_read_alike_from_bytes_and_text(prefix: str) -> None:
    """Valid UTF-8 is parsed from the response bytes unless it needs preparing (BOM, XML
    declaration, control characters); both ways give the same record, and a Latin-1 ``<meta>``
    on UTF-8 bytes does not turn the parser's decoding into mojibake. An XML declaration
    without its "?" is removed too (lxml refuses a str holding it: the page came out empty)."""
    page = (
        prefix + '<html><head><meta charset="iso-8859-1"><title>T</title></head><body>'
        "<main><h1>Grüße „aus“ Rüsselsheim</h1><p>Straße und Plätze</p></main>"
        "</body></html>"
    )
    result = extract("https://example.test/a", page.encode(), {"content-type": "text/html"})
    assert result.title == "Grüße „aus“ Rüsselsheim"
    assert result.body == "Straße und Plätze"
    as_text = extract("https://example.test/a", page.encode("utf-16"), {})  # never as bytes
    assert as_text.to_dict() == result.to_dict()


def test_clean() -> None:
    assert clean("Teil\u00adhabe\u00a0 und\n\t Vielfalt ") == "Teilhabe und Vielfalt"
    assert clean(None) == ""


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   ",
        os.urandom(4096),
        b"\x00\x01\x02<html><h1>",
        b"<html><body><h1>Trunc",
        b"<?xml version='1.0' encoding='utf-8'?><html>",
        b"\xff\xfe\x00\x00garbage",
        b"<html><body><p>kein Titel</p></body></html>",
        b"<h1 hidden>Versteckt</h1><p>x</p>",
    ],
)
def test_malformed_input_never_raises(body: bytes) -> None:
    result = extract("http://example.org/x", body, {"content-type": "text/html"})
    assert result.url == "http://example.org/x"
    if not body.startswith(b"<html><body><h1>"):
        assert result.page_type == "other"
        assert result.title is None and result.body is None


def test_truncated_html_still_extracts() -> None:
    body = sitepark("<p>Erster Absatz.</p><p>Zweiter", title="Abgeschnitten")[:-60]
    result = extract(BASE + "/presse/2025/2025-01-02-x", body, UTF8)
    assert result.title == "Abgeschnitten"
    assert result.published == "2025-01-02"


# --- mixed encodings: declared UTF-8, some words in windows-1252 --------------------------------


def _mixed(text: str, *cp1252_words: str) -> bytes:
    """``text`` in UTF-8, except ``cp1252_words`` in windows-1252 (as pasted by an old CMS)."""
    body = text.encode()
    for word in cp1252_words:
        body = body.replace(word.encode(), word.encode("cp1252"))
    return body


MIXED_PAGE = (
    "<html><head>{meta}<title>Grüße aus Ölmühle</title></head><body><main>"
    "<h1>Grüße aus Ölmühle – „über“ den Main</h1>"
    "<p>Die Ölmühle öffnet über Pfingsten; Führungen für Bürgerinnen und Bürger.</p>"
    "</main></body></html>"
)


@pytest.mark.parametrize(
    ("meta", "headers"),
    [
        ("", UTF8),
        ('<meta charset="utf-8">', {}),
        ('<meta charset="utf-8">', {"content-type": "text/html"}),
    ],
    ids=["header", "meta", "meta-without-header-charset"],
)
def test_declared_utf8_with_cp1252_words_reads_right_in_both_parts(
    meta: str, headers: dict[str, str]
) -> None:
    page = MIXED_PAGE.format(meta=meta)
    body = _mixed(page, "„über“", "Führungen")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")  # really mixed
    text, codec = decode_html_as(body, headers)
    assert text == page
    assert codec == MIXED
    result = extract("https://example.test/a", body, headers)
    assert result.title == "Grüße aus Ölmühle – „über“ den Main"
    assert result.body == (
        "Die Ölmühle öffnet über Pfingsten; Führungen für Bürgerinnen und Bürger."
    )
    # the same page all in UTF-8 extracts alike (there from the bytes, here from the text)
    assert extract("https://example.test/a", page.encode(), headers).to_dict() == result.to_dict()


def test_mixed_decoding_keeps_what_windows_1252_pairs_would_misread() -> None:
    """ "ß“" in windows-1252 is valid UTF-8 (U+07D3): in text already mixed it stays "ß“"."""
    text = "„Fuß“ und „Maß“ – Grüße\xa0aus Ölmühle"
    assert decode_mixed(_mixed(text, "„Fuß“", "„Maß“")) == text
    assert decode_html(text.encode("cp1252"), UTF8) == text  # all windows-1252, header UTF-8
    assert decode_html(b"\x81\x8d\xc3\xbc", UTF8) == "\x81\x8dü"  # undefined in cp1252: Latin-1


def test_other_declarations_do_not_decode_mixed() -> None:
    """Only a UTF-8 declaration (the first one found) turns mixed decoding on: a header naming
    windows-1252 beats a UTF-8 ``<meta>``, and undeclared bytes keep the whole-page fallback."""
    page = MIXED_PAGE.format(meta='<meta charset="utf-8">')
    body = _mixed(page, "„über“")
    assert decode_html_as(body, {"content-type": "text/html; charset=windows-1252"}) == (
        body.decode("cp1252"),
        "cp1252",
    )
    undeclared = _mixed(MIXED_PAGE.format(meta=""), "„über“")
    assert decode_html_as(undeclared, {})[1] == "cp1252"
    assert decode_html_as(page.encode(), UTF8) == (page, "utf-8")  # valid: the strict path


def test_listing_teasers_on_mixed_pages_read_right() -> None:
    """Discovery decodes listings as the extractor decodes pages."""
    listing = (
        '<html><head><meta charset="utf-8"></head><body><main>'
        '<div class="teaser"><h2><a href="/presse/a">Grüße aus Ölmühle – „über“ den Main</a></h2>'
        "<p>12.05.2025</p></div></main></body></html>"
    )
    for headers in (UTF8, {}):
        found = parse_listing(BASE + "/presse", _mixed(listing, "„über“"), headers)
        assert [(i.url, i.title) for i in found.items] == [
            (BASE + "/presse/a", "Grüße aus Ölmühle – „über“ den Main")
        ]
