"""The extraction shortcuts (page-index heading lookups, link boxes, caption and credit
pre-checks, teaser parts) give what the plain readings they replace give, on hand-written edge
cases and on every sample-site page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from lxml import etree

from crawler import sample_site
from crawler.extract.body import box_heading, is_link_box
from crawler.extract.context import PageContext
from crawler.extract.index import PageIndex, may_start_with
from crawler.extract.media import (
    _LEADING_FOTO,
    _TAIL_CREDIT,
    CREDIT_HEADINGS,
    CREDIT_INITIALS,
    _drop_leading_foto,
    _may_hold_credit,
    split_caption,
)
from crawler.extract.text import element_text
from crawler.extract.vocabulary import LINK_BOX_HEADINGS, LINK_BOX_INITIALS
from crawler.sample_site import families
from tests.support import extract_oracles as oracle

EDGE_PAGE = """<html><body>
<div><h2>Verwandte <em>Themen</em></h2><ul><li><a href="/a">a</a></li></ul></div>
<div><h2><em>Das könnte Sie auch interessieren</em></h2></div>
<div><h3>  \u00adMehr<br>zum Thema</h3></div>
<div><h3>Xylophon <b>Verwandte Themen</b></h3></div>
<section><h4>Bild<span>nachweise</span></h4><ul><li>Foto: A</li></ul></section>
<div><h2 class="x">\u00a0B<i>ildrechte</i></h2></div>
<div><p class="box-headline">Siehe <a href="/s">auch</a></p></div>
<div><h2>Ärger <i>x</i></h2></div>
<div><!-- c --><?pi x?><h2>Bildquellen</h2><p>Foto: B</p></div>
<aside><p>x</p><h2>Bildnachweis</h2></aside>
<div><h5 class="HeadLine">image credits</h5><p>y</p></div>
<section><div class="SP-Headline">\u0130mage credits</div></section>
<div><h6><script>x</script>Bildrechte</h6></div>
<div><h1>\u200bBildrechte</h1></div>
<div class="Teaser-Box"><p>kein Link</p><span class="x-Teaser">t</span></div>
<div><h4><a href="/h">Link in heading</a></h4></div>
<div><ul><li><span><a>no href</a></span></li></ul></div>
</body></html>"""


def _pages() -> Iterator[bytes]:
    yield EDGE_PAGE.encode()
    for edition in (1, 2):
        for response in sample_site.render_site(edition).values():
            if "html" in getattr(response, "content_type", "text/html"):
                yield response.body
    for family in families.FAMILY_NAMES:
        for response in families.render_family(family).values():
            if "html" in getattr(response, "content_type", "text/html"):
                yield response.body


PAGES = list(_pages())


def _parse(body: bytes) -> Any:
    return etree.fromstring(body, etree.HTMLParser())


@pytest.mark.parametrize(
    ("pattern", "initials"),
    [(LINK_BOX_HEADINGS, LINK_BOX_INITIALS), (CREDIT_HEADINGS, CREDIT_INITIALS)],
)
def test_headed_matching_equals_reading_every_box(pattern: re.Pattern[str], initials: str) -> None:
    """The index's headed boxes, with and without the initials pre-check, are the elements
    whose :func:`box_heading` (read for every element of the page) the pattern matches."""
    found = 0
    for body in PAGES:
        doc = _parse(body)
        expected = {}
        for el in doc.iter(etree.Element):
            text = box_heading(el)
            if text and pattern.match(text):
                expected[el] = text
        index = PageIndex(doc)
        quick = index.headed_matching(pattern, initials)
        assert quick == expected
        assert index.headed_matching(pattern, initials) is quick  # memoised
        assert PageIndex(doc).headed_matching(pattern) == expected
        found += len(expected)
    assert found


def test_may_start_with_never_rules_out_a_match() -> None:
    for body in PAGES:
        doc = _parse(body)
        for el in doc.iter(etree.Element):
            text = element_text(el)
            for pattern, initials in (
                (LINK_BOX_HEADINGS, LINK_BOX_INITIALS),
                (CREDIT_HEADINGS, CREDIT_INITIALS),
            ):
                if pattern.match(text):
                    assert may_start_with(el, initials), text


def test_link_box_test_equals_its_xpath() -> None:
    link_box = etree.XPath(
        ".//li//a[@href] | .//*[contains(@class, 'Teaser')] | .//h2//a[@href] | "
        ".//h3//a[@href] | .//h4//a[@href] | .//h5//a[@href]"
    )
    boxes = 0
    for body in PAGES:
        doc = _parse(body)
        for el in doc.iter("div", "section", "aside", "ul", "p", "td", "li"):
            expected = bool(link_box(el))
            assert is_link_box(el) == expected
            boxes += expected
    assert boxes


CAPTIONS = [
    "Die Baustelle an der Kreuzung Quelle: Stadt Hanau / Patricia Lauer",
    "Blick auf den Platz (Foto: Stadt Darmstadt)",
    "X (© Stadt)",
    "X (c) Stadt",
    "X (C) Stadt",
    "Foto: A (Fotografin: N)",
    "Fotos: B",
    "foto: b",
    "Bild: Stadt",
    "BİLD: Stadt",
    "Grafik: Amt",
    "Grafi\u212a: Amt",
    "GRAFIK: Amt",
    "Copyright : X",
    "copyright: y",
    "Ein Bild ohne Nachweis",
    "Bıld: x",
    "Quelle:x",
    "QUELLE: y",
    "© Stadt Hanau",
    "Fotograf/in: Z",
    "Ende (Quelle: A) ",
    "Stadt Rüsselsheim",
    "  Foto : x",
    "Flur",
    "Bilder",
    "B",
    "F",
    "(Foto: x)",
    "Text, Foto: x",
    "Text – Bild: y",
    "Text|Grafik: z",
]


@pytest.mark.parametrize("caption", CAPTIONS)
def test_caption_shortcuts_agree_with_the_patterns(caption: str) -> None:
    for text in (caption, caption.strip(), caption.lower(), caption.upper(), " " + caption):
        if _TAIL_CREDIT.search(text) or _TAIL_CREDIT.match(text):
            assert _may_hold_credit(text), text
        assert _drop_leading_foto(text) == _LEADING_FOTO.sub("", text)


def test_tail_credit_words_are_all_prechecked() -> None:
    """Every character ``re.I`` takes for a letter of the credit words is one that the
    pre-check's ``str.lower()`` maps onto it, or one it looks for itself."""
    letters = "".join(sorted(set("copyrightquellegrafikfotobild")))
    any_letter = re.compile(f"[{letters}]", re.I)
    candidates = [chr(code) for code in range(0x110000) if any_letter.fullmatch(chr(code))]
    for letter in letters:
        pattern = re.compile(letter, re.I)
        for char in candidates:
            if pattern.fullmatch(char):
                assert char.lower() == letter or char in "\u0130\u0131", (letter, char)


def test_split_caption_examples() -> None:
    assert split_caption("Die Baustelle Quelle: Stadt") == ("Die Baustelle", "Quelle: Stadt")
    assert split_caption("Ein Bild ohne Nachweis") == ("Ein Bild ohne Nachweis", None)
    assert split_caption("Blick (Foto: Stadt)") == ("Blick", "Stadt")


def test_mixed_links_collects_the_links() -> None:
    from crawler.extract.related import _links, _mixed_links

    for body in PAGES:
        doc = _parse(body)
        for box in doc.iter("div", "ul", "section"):
            anchors: list[Any] = []
            assert _mixed_links(box, anchors) == _mixed_links(box)
            assert anchors == _links(box)


def test_media_lookups_equal_their_xpaths() -> None:
    from crawler.extract.media import _caption_elements, _credit_elements, caption_cell
    from crawler.extract.vocabulary import CAPTION_CLASS_WORDS, CREDIT_CLASS_WORDS

    def classed(elements: list[Any], words: tuple[str, ...]) -> list[Any]:
        """``//*[contains(lower-case(@class), word)]`` for any of ``words``"""
        return [e for e in elements if any(w in (e.get("class") or "").lower() for w in words)]

    cells = etree.XPath("ancestor::td[1]")
    checked = 0
    for body in PAGES:
        doc = _parse(body)
        elements = list(doc.iter(etree.Element))
        images = list(doc.iter("img"))
        plain = [oracle.caption_cell(img) for img in images]
        page = PageContext(url="http://x.test/", doc=doc)
        assert _caption_elements(page) == classed(elements, CAPTION_CLASS_WORDS)
        assert _credit_elements(page) == classed(elements, CREDIT_CLASS_WORDS)
        for _ in range(2):  # (the second time from the page's memo)
            assert [caption_cell(page, img) for img in images] == plain
        checked += sum(
            1 for img, cell in zip(images, plain, strict=True) if cell is not None and cells(img)
        )
    assert checked


def _reference_parts(item: Any) -> tuple[Any, ...]:
    """``_TeaserParts`` as first written: one test per element, the teaser's own included."""
    from crawler.extract.index import class_tokens

    anchor = headline = kicker = context = date = dated = sitepark = None
    for el in item.iter(etree.Element):
        tag, value, own = el.tag, el.get("class"), el is item
        if value is not None:
            tokens = class_tokens(value) if "SP-" in value else ()
            if sitepark is None and "SP-Teaser" in tokens:
                sitepark = el
            if dated is None and any(w in value.lower() for w in ("date", "datum", "time")):
                dated = el
            if not own:
                if headline is None and "SP-Teaser__headline" in tokens:
                    headline = el
                if kicker is None and "SP-Kicker__text" in tokens:
                    kicker = el
                if context is None and any(w in value for w in ("kicker", "context", "categor")):
                    context = el
                if date is None and "SP-Scheduling__date" in tokens:
                    date = el
        if own:
            continue
        if tag == "a":
            if anchor is None and el.get("href") is not None:
                anchor = el
        elif tag in ("h1", "h2", "h3", "h4"):
            if headline is None:
                headline = el
        elif tag == "time" and date is None:
            date = el
    return anchor, headline, kicker, context, date, dated, sitepark


def test_teaser_parts_equal_the_reference_walk() -> None:
    from crawler.extract.teasers import _TeaserParts

    for body in PAGES:
        doc = _parse(body)
        for item in doc.iter(etree.Element):
            parts = _TeaserParts(item)
            assert (
                parts.anchor,
                parts.headline,
                parts.kicker,
                parts.context,
                parts.date,
                parts.dated,
                parts.sitepark,
            ) == _reference_parts(item)


# --- the page-index fast paths against their reference readings (tests/support/) -------

_CLASS_TOKENS = ("SP-ArticleHeader", "SP-Kicker__text", "SP-Kicker", "SP-Intro",
                 "SP-ArticleContent", "news-single-item", "section", "news-single-rightbox",
                 "news-text", "lead", "intro", "teaser-text", "SP-TeaserList",
                 "SP-TeaserList__item", "entry-content")  # fmt: skip
_SCOPE_TAGS = ("html", "body", "main", "article", "header", "div", "section", "td")


def _page(body: bytes) -> PageContext:
    return PageContext(url="http://x.test/a", doc=_parse(body))


def test_class_lookups_equal_their_xpaths() -> None:
    checked = 0
    for body in PAGES:
        page = _page(body)
        scopes = list(page.doc.iter(*_SCOPE_TAGS))
        for scope in scopes:
            for token in _CLASS_TOKENS:
                fast = page.first_with_class(scope, token)
                assert fast is oracle.first_with_class(scope, token)
                assert page.all_with_class(scope, token) == oracle.all_with_class(scope, token)
                checked += fast is not None
            assert page.first_with_class(
                scope, "SP-Intro", "lead", "intro", "teaser-text"
            ) is oracle.first_with_class(scope, "SP-Intro", "lead", "intro", "teaser-text")
            assert page.first_with_class(scope, "SP-ArticleHeader", tag="header") is (
                oracle.first_with_class(scope, "SP-ArticleHeader", tag="header")
            )
        for name in ("role", "itemprop", "itemtype"):
            assert page.with_attribute(name) == oracle.with_attribute(page.doc, name)
    assert checked


def test_marked_body_and_date_lines_equal_their_xpaths() -> None:
    from crawler.extract.dates import dated_elements
    from crawler.extract.layouts.generic import marked_body

    marked = 0
    for body in PAGES:
        page = _page(body)
        found = marked_body(page)
        assert found is oracle.marked_body(page.doc)
        marked += found is not None
        for scope in page.doc.iter(*_SCOPE_TAGS):
            assert dated_elements(page, scope) == oracle.dated_elements(scope)
    assert marked


def test_box_lookups_equal_reading_every_ancestor() -> None:
    from crawler.extract.media import credit_items
    from crawler.extract.related import RELATED_HEADINGS, in_box, related_boxes
    from crawler.extract.vocabulary import CREDIT_HEADINGS, CREDIT_INITIALS

    boxed = 0
    for body in PAGES:
        page = _page(body)
        for el in page.doc.iter("a", "img", "time", "li", "span", "p"):
            related = in_box(page, el, RELATED_HEADINGS)
            assert related == oracle.in_box(el, RELATED_HEADINGS)
            assert in_box(page, el, CREDIT_HEADINGS, CREDIT_INITIALS) == oracle.in_box(
                el, CREDIT_HEADINGS
            )
            boxed += related
        boxes = related_boxes(page)
        assert boxes == oracle.related_boxes(page.doc)
        for box in boxes:
            assert page.index.with_class("SP-TeaserList__item", box) == (
                oracle.teaser_list_items(box)
            )
        for scope in page.doc.iter("html", "article", "main"):
            assert credit_items(page, scope) == oracle.credit_items(scope)
    assert boxed


def test_page_memos_equal_working_it_out_again() -> None:
    from crawler.extract.titles import hidden

    for body in PAGES:
        page = _page(body)
        elements = list(page.doc.iter(etree.Element))
        for _ in range(2):  # (the second time from the page's memo)
            assert [hidden(page, el) for el in elements] == [oracle.hidden(el) for el in elements]
        for el in elements[:200]:
            assert page.text(el) == element_text(el)
        page.index  # noqa: B018 (built: text() now reads the index's memo)
        for el in elements[:200]:
            assert page.text(el) == element_text(el)
