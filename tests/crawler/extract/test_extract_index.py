"""The page index's CSS matcher gives exactly what cssselect gives (crawler.extract.index)."""

from __future__ import annotations

import pytest
from lxml import etree

from crawler.extract.index import PageIndex, parse
from crawler.extract.profiles import BUILTIN_PROFILES, FIELDS, select

PAGE = """<html><head><title>t</title></head><body>
<div id="SP-Content" class="page  main">
  <header class="SP-ArticleHeader"><h1 class="x">Titel</h1><p class="SP-Intro">Lead</p></header>
  <div class="SP-ArticleContent"><p>eins <a href="/a" rel="next  prev">a</a></p>
    <div class="SP-ArticleContent inner"><p>zwei</p><img src="/i.jpg"></div>
    <ul><li class="item">x</li><li>y <span itemprop="headline">h</span></li></ul>
  </div>
</div>
<div class="news-single"><div class="header"><h2>Zwei</h2></div>
  <p class="Teaser-Text">nicht</p><p class="teaser-text">doch</p></div>
<nav><ul><li><a href="/n" rel="next">n</a></li></ul></nav>
</body></html>"""

SELECTORS = [
    "#SP-Content .SP-ArticleHeader h1",
    "#SP-Content .SP-ArticleContent",
    "div > p",
    "ul li a[href]",
    "html body",
    "*",
    "a[rel~=next]",
    "[itemprop]",
    "[itemprop=headline]",
    "#SP-Content > header h1",
    "p, h2, li",
    "h1, #SP-Content p",
    ".SP-ArticleContent img",
    ".news-single .teaser-text",
    "DIV.inner > P",
    "li.item",
    "#missing p",
    ".page.main",
    "a[rel='next']",
    "#SP-Content .SP-ArticleContent img, #SP-Content .SP-ArticleHeader img",
    "#SP-Content *",
    ".SP-ArticleContent p, .SP-ArticleContent li",
]


@pytest.mark.parametrize("selector", SELECTORS)
def test_index_matches_cssselect(selector: str) -> None:
    doc = etree.fromstring(PAGE, etree.HTMLParser())
    expected = select(doc, selector)  # no index: cssselect's XPath
    assert parse(selector) is not None
    assert select(doc, selector, PageIndex(doc)) == expected


def test_class_tokens_split_as_normalize_space() -> None:
    """Only space, tab, CR and LF separate class tokens (XPath's ``normalize-space``), also in
    an ASCII value holding other control characters (a character reference puts them there)."""
    page = (
        '<html><body><p class="a&#x1c;b c">1</p><p class="a\tb&#11;c">2</p>'
        '<p class="a b">3</p></body></html>'
    )
    doc = etree.fromstring(page, etree.HTMLParser())
    for selector in (".a", ".b", ".c", "p.a", "p.c"):
        expected = select(doc, selector)  # cssselect's XPath
        assert select(doc, selector, PageIndex(doc)) == expected, selector
    index = PageIndex(doc)
    assert [p.text for p in select(doc, ".b", index)] == ["3"]
    assert [p.text for p in select(doc, ".c", index)] == ["1"]


def test_builtin_profile_selectors_are_all_indexed() -> None:
    for profile in BUILTIN_PROFILES.values():
        for name in FIELDS:
            selector = getattr(profile, name)
            assert selector is None or parse(selector) is not None, selector


@pytest.mark.parametrize("selector", ["p:first-child", "h1 + p", "a[href^=http]", "p ~ p", "> p"])
def test_unsupported_selectors_fall_back_to_cssselect(selector: str) -> None:
    doc = etree.fromstring(PAGE, etree.HTMLParser())
    assert parse(selector) is None
    expected = select(doc, selector)
    assert select(doc, selector, PageIndex(doc)) == expected


def test_index_only_for_its_page_root() -> None:
    doc = etree.fromstring(PAGE, etree.HTMLParser())
    sub = doc.find(".//div")
    assert select(sub, "p", PageIndex(doc)) == sub.findall(".//p")  # not the index's root


# --- pre-checks and fast paths that must agree with the full computation --------------------------

HEADINGS = [
    "Verwandte Themen",
    "Verwandte Links",
    "Mehr zum Thema",
    "Das könnte Sie auch interessieren",
    "Weitere Informationen",
    "Weitere Meldungen",
    "Lesen Sie auch",
    "Auch interessant",
    "Siehe auch:",
    "Related topics",
    "Bildnachweise",
    "Bildnachweis",
    "Bildquellen",
    "Bildrechte",
    "Image credits",
]


def test_heading_initials_cover_every_heading() -> None:
    """Every heading a box pattern matches starts with one of its initials; a text starting with
    another ASCII letter never matches (the pre-check of ``PageIndex.headed_matching``)."""
    from crawler.extract.vocabulary import (
        CREDIT_HEADINGS,
        CREDIT_INITIALS,
        LINK_BOX_HEADINGS,
        LINK_BOX_INITIALS,
    )

    for pattern, initials in (
        (LINK_BOX_HEADINGS, LINK_BOX_INITIALS),
        (CREDIT_HEADINGS, CREDIT_INITIALS),
    ):
        matched = [h for h in HEADINGS if pattern.match(h)]
        assert matched
        for heading in matched:
            assert heading[0].lower() in initials
            for letter in "abcdefghijklmnopqrstuvwxyz":
                if letter not in initials:
                    for variant in (letter + heading[1:], letter.upper() + heading[1:]):
                        assert not pattern.match(variant), variant


def test_simple_date_fast_path_agrees_with_the_patterns() -> None:
    from crawler.dates import parse_german_date

    assert parse_german_date("26.03.2025") == "2025-03-26"
    assert parse_german_date("9. Oktober 2025") == "2025-10-09"
    assert parse_german_date("1. MÄRZ 2024") == "2024-03-01"
    assert parse_german_date("31.02.2025") is None  # not a date: the general path decides
    assert parse_german_date("31. Foo 2025") is None
    assert parse_german_date("Stand: 12.06.2025") == "2025-06-12"
    assert parse_german_date("keine Ziffer") is None
    for text in ("26.03.2025", "9. Oktober 2025", "4. Mai 2024", "01.08.2023"):
        # the same date inside a longer text goes through the general patterns
        assert parse_german_date(text) == parse_german_date(f"am {text} veröffentlicht")


def test_control_character_check_agrees_with_the_pattern() -> None:
    import random

    from crawler.extract.text import _CONTROL, _has_control

    rnd = random.Random(7)
    texts = ["", "abc", "a\x00b", "\ufffe", "x\uffff", "ä\x1f", "\t\n\r ok", "\x7f", "\ud800"]
    for _ in range(5000):
        texts.append(
            "".join(
                chr(rnd.choice((rnd.randrange(0, 40), rnd.randrange(0, 0x110000))))
                for _ in range(rnd.randrange(0, 6))
            )
        )
    for text in texts:
        assert _has_control(text) == (_CONTROL.search(text) is not None), repr(text)


def test_simple_href_check_agrees_with_the_pattern() -> None:
    import random

    from crawler.extract.text import _NOT_SIMPLE, _not_simple

    rnd = random.Random(11)
    texts = ["/a/./b", "/a;p", "/a?#", "/a?", "/a#", "/a?\n", "/a#\n", "/[::1]", "/a]", "/a/b?q=1"]
    for _ in range(20000):
        texts.append("".join(rnd.choice("/.;?#[]a\n") for _ in range(rnd.randrange(0, 8))))
    for text in texts:
        assert _not_simple(text) == (_NOT_SIMPLE.search(text) is not None), repr(text)


def test_class_part_lookups_equal_reading_every_token() -> None:
    import re

    from crawler.extract.index import PageIndex

    pages = [
        PAGE,
        '<html><body><div class="X-HeadLine date\tDatum"><p class="headline-x '
        'sp-Date">a</p><span class="Überschrift-headline time">b</span></div>'
        '<i class="headline">c</i></body></html>',
        "<html><body><p>no classes</p></body></html>",
    ]
    for page in pages:
        index = PageIndex(etree.fromstring(page, etree.HTMLParser()))
        for part in ("headline", "HeadLine", "date", "SP-", "e", "x", "absent"):
            for lower in (False, True):
                keys = [k for k in index.by_class if part in (k.lower() if lower else k)]
                assert index.with_class_part(part, lower) == index._union(keys)
        for pattern in (re.compile("date|datum"), re.compile("time"), re.compile("nowhere")):
            keys = [k for k in index.by_class if pattern.search(k.lower())]
            assert index.with_class_matching(pattern) == index._union(keys)


def test_teaser_blocks_equal_testing_every_ancestor() -> None:
    from crawler.extract.related import _links, _mixed_links, _teaser_block

    def slow(anchor: object, box: object) -> object:
        href = anchor.get("href")  # type: ignore[attr-defined]
        block = anchor
        for node in anchor.iterancestors():  # type: ignore[attr-defined]
            if node is box or any(a.get("href") != href for a in node.iter("a")):
                break
            block = node
        return block

    box_html = (
        '<div id="box"><div><h4><a href="/a">A</a></h4><p><a href="/a">mehr</a></p></div>'
        '<div><h4><a href="/b">B</a></h4><p>x <a>ohne</a></p></div>'
        '<div><div><a href="/c">C</a></div><div><a href="/d">D</a><a href="/d">D2</a></div></div>'
        '<a href="/e">E <a href="/f">F</a></a><span><a href="/g">G</a></span></div>'
    )
    doc = etree.fromstring(f"<html><body>{box_html}</body></html>", etree.HTMLParser())
    box = doc.find(".//div[@id='box']")
    mixed = _mixed_links(box)
    for anchor in _links(box):
        assert _teaser_block(anchor, box, mixed) is slow(anchor, box)
