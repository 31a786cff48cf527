"""A page whose only ``h1`` is the site's name in chrome: the title is the visible heading marked
``itemprop="headline"`` under ``main`` (TYPO3 EXT:news stock ``div.header > h3``)."""

from __future__ import annotations

from crawler.extract.core import extract

URL = "http://www.example.test/aktuelles/detail/meldung"
HEAD = "<!DOCTYPE html><html><head><title>Meldung | Stadt</title></head><body>"
CHROME = '<header id="page-header"><h1 class="navbar-brand"><a href="/">Stadt</a></h1></header>'
ARTICLE = (
    '<div class="news news-single"><div class="article" itemscope '
    'itemtype="http://schema.org/Article"><div class="header"><h3 itemprop="headline">'
    'Neue Kita öffnet</h3></div><div class="footer"><p><span class="news-list-date">'
    '<time datetime="2025-10-15">15.10.2025</time></span></p></div>'
    '<div class="lead" itemprop="description"><p>Sechzig neue Plätze.</p></div>'
    '<div class="news-text-wrap" itemprop="articleBody"><p>Die Stadt baut aus.</p>'
    "<p>Die Eröffnung ist im Herbst.</p></div></div></div>"
)
ASIDE = (
    '<aside><div class="news-list-latest"><div class="news-list-date">15.10.2025</div>'
    '<h3 itemprop="headline"><a href="/aktuelles/detail/meldung">Neue Kita öffnet</a></h3>'
    "</div></aside>"
)


def _extract(main: str) -> dict:
    page = f"{HEAD}{CHROME}<main>{main}</main>{ASIDE}</body></html>".encode()
    return extract(URL, page, {"content-type": "text/html; charset=utf-8"}).to_dict()


def test_microdata_headline_under_main_is_the_title() -> None:
    got = _extract(ARTICLE)
    assert (got["title"], got["label"], got["lead"]) == (
        "Neue Kita öffnet",
        None,
        "Sechzig neue Plätze.",
    )
    assert got["body"] == "Die Stadt baut aus.\n\nDie Eröffnung ist im Herbst."
    assert got["published"] == "2025-10-15"


def test_a_visible_h1_in_main_still_wins() -> None:
    got = _extract('<h1 class="page-title">Pressemitteilungen</h1>' + ARTICLE)
    assert got["title"] == "Pressemitteilungen"
