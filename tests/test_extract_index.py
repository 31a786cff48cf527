"""The page index's CSS matcher gives exactly what cssselect gives (crawler.extract_index)."""

from __future__ import annotations

import pytest
from lxml import etree

from crawler.extract_index import current, indexed, parse
from crawler.profiles import BUILTIN_PROFILES, FIELDS, select

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
]


@pytest.mark.parametrize("selector", SELECTORS)
def test_index_matches_cssselect(selector: str) -> None:
    doc = etree.fromstring(PAGE, etree.HTMLParser())
    expected = select(doc, selector)  # no index current: cssselect's XPath
    assert parse(selector) is not None
    with indexed(doc):
        assert current(doc) is not None
        assert select(doc, selector) == expected


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
    with indexed(doc):
        assert select(doc, selector) == expected


def test_index_only_for_its_page_root() -> None:
    doc = etree.fromstring(PAGE, etree.HTMLParser())
    sub = doc.find(".//div")
    with indexed(doc):
        assert current(sub) is None
        assert select(sub, "p") == sub.findall(".//p")
    assert current(doc) is None
