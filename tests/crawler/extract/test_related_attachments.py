"""The generic related-box and attachment rules (``crawler.extract.related``,
``crawler.extract.attachments``) on small pages of the forms real CMS templates write."""

from __future__ import annotations

import pytest

from crawler.extract.core import extract
from crawler.extract.text import is_attachment_url
from crawler.records import Extracted

URL = "https://www.stadt.test/aktuelles/pressemitteilungen/sommerfest"
ARTICLE = (
    "<p>Das Fest beginnt um 14 Uhr auf der Wiese am Schloss, der Eintritt ist frei.</p>"
    "<p>Für Essen und Getränke sorgen die Vereine aus allen Stadtteilen der Stadt.</p>"
)


def run(after: str, inside: str = "", base: str = "") -> Extracted:
    head = f'<base href="{base}">' if base else ""
    html = (
        f'<html><head><meta charset="utf-8">{head}</head><body><nav><a href="/">Start</a></nav>'
        f"<main><article><h1>Sommerfest im Park</h1>{ARTICLE}{inside}</article>{after}</main>"
        "</body></html>"
    )
    return extract(URL, html.encode(), {})


def urls(links: list[object]) -> list[str]:
    return [getattr(link, "url") for link in links]  # noqa: B009 (Link and Attachment)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://s.test/medien/haushalt.pdf", True),
        ("https://s.test/medien/Antrag.DOCX", True),
        ("https://s.test/daten/tabelle.xlsx?v=3", True),
        ("https://s.test/SharedDocs/Downloads/DE/x.html?__blob=publicationFile&v=2", True),
        ("https://s.test/downloads/category/3-satzungen?download=12:satzung", True),
        ("https://s.test/download.php?file=plan.pdf", True),
        ("https://s.test/index.php?eID=tx_cms_showpic&file=3813&md5=9", False),
        ("https://s.test/SharedDocs/Bilder/x.png?__blob=poster&v=2", False),
        ("https://s.test/dokumente/plan.pdf/view", True),
        ("https://s.test/dokumente/plan.pdf/@@download/file", True),
        ("https://s.test/aktuelles/pdf-formulare/", False),
        ("https://s.test/aktuelles/meldung.html", False),
        ("https://s.test/suche?q=download", False),
        ("https://s.test/aktuelles/view", False),
    ],
)
def test_attachment_urls(url: str, expected: bool) -> None:
    assert is_attachment_url(url) is expected


def test_download_blocks_give_one_attachment_per_file_titled_by_its_first_link() -> None:
    inside = (
        '<div class="wp-block-file"><a id="f1" href="/wp-content/uploads/satzung.pdf">'
        'Satzung 2026</a><a href="/wp-content/uploads/satzung.pdf" class="wp-block-file__button"'
        " download>Herunterladen</a></div>"
        '<ul class="download-list"><li><a class="download-link" href="/export/sites/s/plan.pdf">'
        '<span class="dl-title">Stadtplan</span> <span class="dl-type">PDF</span> '
        '<span class="dl-size">1,2 MB</span></a></li>'
        '<li><a href="/medien/formular" download>Formular</a></li></ul>'
        '<p>Die <a href="/downloads/category/3?download=7:ordnung">Ordnung (PDF)</a> gilt.</p>'
    )
    got = run("", inside)
    assert [(a.url, a.title) for a in got.attachments] == [
        ("https://www.stadt.test/wp-content/uploads/satzung.pdf", "Satzung 2026"),
        ("https://www.stadt.test/export/sites/s/plan.pdf", "Stadtplan"),
        ("https://www.stadt.test/medien/formular", "Formular"),
        ("https://www.stadt.test/downloads/category/3?download=7:ordnung", "Ordnung (PDF)"),
    ]


def test_related_box_named_by_its_class_without_a_heading_element() -> None:
    # Plone's related-items viewlet: the heading is a <header>, the items pages and files;
    # relative links resolve against <base href> (the item's URL as a folder)
    after = (
        '<div class="relatedItems"><section id="section-related"><header class="section-'
        'heading">Verwandte Inhalte</header><ul class="list-group">'
        '<li><a href="../herbstmarkt">Herbstmarkt am Rathaus</a></li>'
        '<li><a href="/dokumente/plan.pdf/view">Lageplan</a></li></ul></section></div>'
    )
    got = run(after, base=URL + "/")
    assert [(r.url, r.title, r.kind) for r in got.related] == [
        ("https://www.stadt.test/aktuelles/pressemitteilungen/herbstmarkt", "Herbstmarkt am "
         "Rathaus", "press"),
        ("https://www.stadt.test/dokumente/plan.pdf/view", "Lageplan", "other"),
    ]  # fmt: skip
    assert got.attachments == []  # a file in a related box is a related link


@pytest.mark.parametrize(
    "heading", ["Verwandte Beiträge", "Das könnte Sie auch interessieren", "Weitere Informationen"]
)
def test_related_headings_over_query_loops_and_link_sequences(heading: str) -> None:
    after = (
        f'<div class="wp-block-group"><h2 class="wp-block-heading">{heading}</h2><div class='
        '"wp-block-query"><ul class="wp-block-post-template"><li class="wp-block-post"><h3 '
        'class="wp-block-post-title"><a href="/2026/03/03/herbstmarkt/">Herbstmarkt</a></h3>'
        '<div class="wp-block-post-date"><time datetime="2026-03-03T10:00:00+01:00">3. März '
        "2026</time></div></li></ul></div></div>"
    )
    got = run(after)
    assert [(r.title, r.kind, r.date) for r in got.related] == [
        ("Herbstmarkt", "press", "2026-03-03")
    ]


def test_latest_news_prev_next_tags_and_file_lists_are_not_related() -> None:
    after = (
        '<section class="more-stories"><h2>Weitere Meldungen: Polizeipräsidium</h2><ul>'
        '<li><p class="date">01.03.2026</p><a href="/blaulicht/pm/1/2">Unfall</a></li></ul>'
        '</section><div class="wp-block-group"><h2>Neueste Beiträge</h2><ul class="wp-block-'
        'latest-posts"><li><a href="/a/">A</a></li></ul></div>'
        '<nav class="pagenavigation"><a href="/b" rel="prev">Zurück</a></nav>'
        '<div class="related-tags"><ul><li><a href="/tag/kultur">Kultur</a></li></ul></div>'
    )
    files = (
        '<div class="news-related news-related-files"><h4>Downloads</h4><ul><li><a href='
        '"/medien/anlage.pdf">Anlage (PDF)</a></li></ul></div>'
    )
    got = run(after, files)
    assert got.related == []
    assert urls(got.attachments) == ["https://www.stadt.test/medien/anlage.pdf"]


def test_module_box_by_class_joomla() -> None:
    after = (
        '<div class="moduletable"><ul class="mod-relateditems relateditems mod-list">'
        '<li><a href="/aktuelles/pressemitteilungen/311-fest">Fest im Park</a></li>'
        '<li><a href="/rathaus/buergerservice">Bürgerservice</a></li></ul></div>'
        '<div class="moduletable"><ul class="mod-articleslatest latestnews mod-list"><li><a '
        'href="/aktuelles/pressemitteilungen/400-neu">Neu</a></li></ul></div>'
    )
    got = run(after)
    assert [(r.title, r.kind) for r in got.related] == [
        ("Fest im Park", "press"),
        ("Bürgerservice", "topic"),
    ]


def test_links_in_download_blocks_are_attachments_unless_pages() -> None:
    inside = (
        '<div class="attachments"><h3>Anhänge</h3><ul>'
        '<li><a href="/medien/dokument/4711">Satzung</a></li>'
        '<li><a href="/rathaus/satzungen.html">Alle Satzungen</a></li>'
        '<li><a href="/rathaus/satzungen/">Übersicht</a></li></ul></div>'
        '<p>Der <a href="/medien/dokument/4712">Plan</a> liegt aus, '
        '<a rel="enclosure" href="/podcast/folge-3">Folge 3</a> auch.</p>'
    )
    got = run("", inside)
    assert [(a.url, a.title) for a in got.attachments] == [
        ("https://www.stadt.test/medien/dokument/4711", "Satzung"),
        ("https://www.stadt.test/podcast/folge-3", "Folge 3"),
    ]


def test_boxes_of_the_page_frame_are_not_related_but_an_article_footer_may_be() -> None:
    frame = (
        '<footer id="footer"><div class="links"><h3>Weitere Informationen</h3><ul><li><a href='
        '"/impressum">Impressum</a></li><li><a href="/datenschutz">Datenschutz</a></li></ul>'
        "</div></footer>"
    )
    html = (
        "<html><body><main><article><h1>Sommerfest im Park</h1><p>Das Fest beginnt um 14 Uhr "
        "auf der Wiese am Schloss, der Eintritt ist frei, für Essen ist gesorgt.</p><footer "
        'class="content-related"><h2>Mehr zum Thema</h2><ul><li><a href="/aktuelles/herbstmarkt">'
        f"Herbstmarkt</a></li></ul></footer></article></main>{frame}</body></html>"
    )
    got = extract(URL, html.encode(), {})
    assert [r.title for r in got.related] == ["Herbstmarkt"]


def test_image_links_of_teasers_take_the_teasers_title_or_the_image_alt() -> None:
    after = (
        '<div class="related-posts"><h3>Ähnliche Beiträge</h3>'
        '<div class="post"><a href="/a/herbstmarkt"><img src="/i/1.jpg" alt=""></a>'
        '<h4><a href="/a/herbstmarkt">Herbstmarkt</a></h4></div>'
        '<div class="post"><a href="/a/lichterfest"><img src="/i/2.jpg" alt="Lichterfest"></a>'
        "</div></div>"
    )
    got = run(after)
    assert [(r.url.rsplit("/", 1)[1], r.title) for r in got.related] == [
        ("herbstmarkt", "Herbstmarkt"),
        ("lichterfest", "Lichterfest"),
    ]


def test_a_file_in_a_related_box_headed_apart_is_related_not_an_attachment() -> None:
    """GSB's "Mehr zum Thema": the heading wrapped alone (``div.c-module-caption``) beside the
    ``c-linklist``; its PDF is a related link of kind other, as in every related box, and no
    attachment; the article's own download stays one."""
    pdf = "/SharedDocs/Downloads/DE/leitfaden.pdf?__blob=publicationFile&v=2"
    own = "/SharedDocs/Downloads/DE/merkblatt.pdf?__blob=publicationFile&v=2"
    box = (
        '<div class="l-content-wrapper"><div class="c-module-caption">'
        '<h2 class="c-module-caption__h">Mehr zum Thema</h2></div><div class="c-linklist"><ul>'
        '<li><a href="/SharedDocs/Pressemitteilungen/DE/2025/07/parkhaus.html">Parkhaus</a></li>'
        f'<li><a href="{pdf}" class="c-linklist__l--Publication">Leitfaden</a></li>'
        "</ul></div></div>"
    )
    result = run("", inside=f'<p>Dazu: <a href="{own}">Merkblatt</a></p>{box}')
    assert [(link.url[-40:], link.kind) for link in result.related] == [
        ("/SharedDocs/Pressemitteilungen/DE/2025/07/parkhaus.html"[-40:], "press"),
        (f"https://www.stadt.test{pdf}"[-40:], "other"),
    ]
    assert urls(result.attachments) == [f"https://www.stadt.test{own}"]
