"""Deeply nested HTML is parsed without loss (issue 14, finding 3).

libxml2 stops building the tree at 256 levels unless told otherwise, and everything after
the deep part vanished silently. Every HTML parse of the crawler goes through
:func:`crawler.extract.parse.parse_html`: the extractor, its trafilatura/htmldate layer and
discovery's listing pages.
"""

from __future__ import annotations

import re

import pytest

from crawler.discover.markup import html_document
from crawler.extract import fallback
from crawler.extract.core import extract, parse_markup
from crawler.extract.parse import TREE_DEPTH, flatten, parse_html

HEADERS = {"content-type": "text/html; charset=utf-8"}
LEAD = "Die Stadt informiert über die neuen Öffnungszeiten des Bürgerbüros ab Januar."


def _page(inner: str) -> bytes:
    return (
        "<!DOCTYPE html><html><head><title>Neue Öffnungszeiten | Stadt</title></head><body>"
        "<nav><a href='/'>Start</a></nav><main><article><h1>Neue Öffnungszeiten</h1>"
        f"<p class='date'>04.12.2026</p><p>{LEAD}</p>{inner}<p>Ende.</p>"
        "</article></main><footer>Impressum</footer></body></html>"
    ).encode()


def _nested(levels: int, tag: str = "div") -> str:
    return f"<{tag}>" * levels + "<p>Tief unten.</p>" + f"</{tag}>" * levels


def _depth(root: object) -> int:
    return max(sum(1 for _ in el.iterancestors()) for el in root.iter())  # type: ignore[attr-defined]


@pytest.mark.parametrize("levels", [300, 1500, 2100, 5000])
def test_text_inside_and_after_a_deep_part_is_extracted(levels: int) -> None:
    page = extract("https://www.stadt.test/presse/1.html", _page(_nested(levels)), HEADERS)
    assert "Tief unten." in page.body
    assert page.body.endswith("Ende.")
    assert LEAD in page.body


@pytest.mark.parametrize(
    "template", ["<p><font size=2>Absatz {i} gilt.", "<font><p>Absatz {i} gilt."]
)
def test_three_hundred_unclosed_font_paragraphs_are_all_kept(template: str) -> None:
    inner = "".join(template.format(i=i) for i in range(300))
    page = extract("https://www.stadt.test/presse/2.html", _page(inner), HEADERS)
    found = {int(n) for n in re.findall(r"Absatz (\d+) gilt\.", page.body)}
    assert found == set(range(300))
    assert page.body.endswith("Ende.")
    # paragraphs stay paragraphs below the depth the tree keeps
    assert sum(1 for block in page.body.split("\n\n") if block.startswith("Absatz")) >= 250


def test_the_tree_keeps_order_and_no_element_deeper_than_the_bound() -> None:
    markup = (
        "<html><body>"
        + "<div>" * 400
        + "<p>eins <b>zwei</b> drei<script>var x = 1;</script><!-- weg --></p>"
        + "<span>vier</span><br>fünf"
        + "</div>" * 400
        + "<p>sechs</p></body></html>"
    )
    root = parse_html(markup)
    assert _depth(root) <= TREE_DEPTH
    words = " ".join(" ".join(root.itertext()).split())
    assert words == "eins zwei drei vier fünf sechs"


def test_past_libxml2s_huge_cap_the_markup_is_flattened_first() -> None:
    assert flatten("<div><div><div>x</div></div><br></div>", limit=1) == "<div>x<br></div>"
    parsed = parse_markup(_page(_nested(20000, "span")), HEADERS)
    assert parsed is not None
    text = "".join(parsed[1].itertext())
    assert "Tief unten." in text and "Ende." in text


def test_the_fallback_layer_and_discovery_parse_deep_pages_whole() -> None:
    markup = _page(_nested(600)).decode()
    assert "Ende." in fallback._tree(markup).text_content()
    listing = (
        "<html><body>" + _nested(600) + "<ul><li><a href='/presse/9.html'>Neu</a></li></ul>"
        "</body></html>"
    ).encode()
    doc = html_document(listing, HEADERS)
    assert [a.get("href") for a in doc.iter("a")] == ["/presse/9.html"]
