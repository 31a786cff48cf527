"""The block scorer (crawler.extract.scoring): which container it takes for the article and what
it leaves out of its body."""

from __future__ import annotations

from lxml import etree

from crawler.extract import extract
from crawler.extract.article_text import scored_body

PARAGRAPHS = (
    "<p>Der Stadtrat hat am Dienstag den Haushalt für das kommende Jahr beschlossen, mit "
    "großer Mehrheit.</p><p>Die Investitionen in Schulen, Kitas und Radwege steigen deutlich, "
    "die Grundsteuer bleibt unverändert.</p><p>Die Opposition kritisierte die neuen Schulden, "
    "stimmte dem Schulbau aber zu.</p>"
)
SIDEBAR = (
    '<div class="sidebar"><h3>Veranstaltungen</h3><p>Wochenmarkt auf dem Rathausplatz, jeden '
    "Samstag von acht bis dreizehn Uhr.</p></div>"
)


def _body(html: str, known: set[str] | None = None) -> str | None:
    return scored_body(etree.HTML(html), known or set())


def test_the_article_is_the_container_of_the_paragraphs_without_chrome_and_boxes() -> None:
    html = (
        '<html><body><nav><a href="/">Start</a><a href="/rathaus">Rathaus</a></nav>'
        f'<div class="wrap"><div class="col">{PARAGRAPHS}'
        '<h3>Mehr zum Thema</h3><ul><li><a href="/a">Haushalt 2024</a></li>'
        '<li><a href="/b">Haushalt 2023</a></li><li><a href="/c">Grundsteuer</a></li></ul>'
        f'<p><a href="/presse">Weiterlesen</a></p></div>{SIDEBAR}</div>'
        "<footer><p>Stadtverwaltung, Rathausplatz 1, 12345 Musterstadt, Telefon 0123</p>"
        "</footer></body></html>"
    )
    body = _body(html)
    assert body is not None
    blocks = body.split("\n\n")
    assert blocks[0].startswith("Der Stadtrat hat am Dienstag")
    assert blocks[-1].startswith("Die Opposition kritisierte")
    assert len(blocks) == 3  # no related box, no lone link, no sidebar, no footer


def test_a_page_wrapper_with_a_boilerplate_word_is_still_read() -> None:
    """Class words are noisy: a wrapper named for its sidebar layout holds the article."""
    html = (
        '<html><body><div class="page has-sidebar"><div class="entry">'
        f"{PARAGRAPHS}</div>{SIDEBAR}</div></body></html>"
    )
    body = _body(html)
    assert body is not None and body.startswith("Der Stadtrat hat am Dienstag")
    assert "Wochenmarkt" not in body


def test_a_cookie_notice_is_never_the_article() -> None:
    html = (
        '<html><body><div class="cookie-banner"><p>Wir verwenden Cookies, um unser Angebot '
        'zu verbessern und Ihnen Inhalte anzuzeigen.</p></div><ul><li><a href="/a">Aktuelles'
        "</a></li></ul></body></html>"
    )
    assert _body(html) is None


def test_known_fields_share_lines_and_the_related_part_are_no_body() -> None:
    html = (
        f"<html><body><div><h2>Haushalt beschlossen</h2>{PARAGRAPHS}"
        "<p>Artikel teilen</p><h3>Ähnliche Beiträge</h3><p>Neue Radwege in der Innenstadt "
        "sind jetzt freigegeben worden.</p></div></body></html>"
    )
    body = _body(html, {"Haushalt beschlossen"})
    assert body is not None
    assert body.split("\n\n")[0].startswith("Der Stadtrat")
    assert body.endswith("stimmte dem Schulbau aber zu.")


def test_stage_7_reads_the_scorers_body_where_no_markup_names_the_article() -> None:
    html = (
        "<html><body><main><h1>Haushalt beschlossen</h1>"
        f'<div class="content">{PARAGRAPHS}</div>{SIDEBAR}</main></body></html>'
    )
    result = extract("https://www.stadt.test/aktuelles/haushalt", html.encode(), {})
    assert result.title == "Haushalt beschlossen"
    assert result.body is not None and result.body.startswith("Der Stadtrat")
    assert "Wochenmarkt" not in result.body


def test_a_download_line_and_a_date_line_are_fields_not_body() -> None:
    """A block that is a download link with only the file's type and size beside it is an
    attachment; a short line holding a ``time`` element is the date line. A paragraph that
    names a size or holds a date within its text stays."""
    html = (
        f'<html><body><div class="col">{PARAGRAPHS}'
        '<p><span><a href="/plan.pdf">Haushaltsplan 2025</a><span>PDF | 38 KB | Datei ist '
        "nicht barrierefrei</span></span></p>"
        '<p><span>Erschienen am</span> <time datetime="2025-01-14">14. Januar 2025</time></p>'
        '<p>Der <a href="/plan.pdf">Plan</a> umfasst 38 KB und mehr als zweihundert Seiten.</p>'
        '<p>Die Sitzung am <time datetime="2025-02-01">1. Februar</time> ist öffentlich.</p>'
        "</div></body></html>"
    )
    body = _body(html)
    assert body is not None
    assert "Haushaltsplan 2025" not in body and "Erschienen am" not in body
    assert "umfasst 38 KB" in body
    assert body.count("\n\n") == 4  # three paragraphs, the plan's line, the session's line


def test_link_lists_beside_an_article_do_not_make_a_listing() -> None:
    """Menus of list links look like a listing's teasers; the article's paragraphs in one run
    outside them make the page an article. A listing's abstracts beside its headings are
    spread over the gaps between the teasers: it stays a listing."""
    menu = "".join(f'<li><a href="/s{i}">Seite {i}</a></li>' for i in range(12))
    article = (
        f"<html><body><div><ul>{menu}</ul></div><div class='col'><h1>Haushalt beschlossen</h1>"
        f"{PARAGRAPHS}<p>Der Kämmerer rechnet mit steigenden Einnahmen aus der Gewerbesteuer "
        "und mit sinkenden Zinsen für die Kredite der Stadt.</p><p>Die Beratungen in den "
        "Ausschüssen hatten sich über mehrere Wochen hingezogen.</p></div></body></html>"
    )
    got = extract("https://www.example.de/haushalt", article.encode(), {})
    assert got.page_type != "listing"
    assert got.body is not None and "Der Stadtrat hat am Dienstag" in got.body
    teasers = "".join(
        f'<div class="item"><h2><a href="/pm/{i}">Meldung {i}</a></h2></div><p>Die Stadt '
        f"informiert über die Meldung Nummer {i} und ihre Folgen für die Bürger.</p>"
        for i in range(5)
    )
    listing = f"<html><body><main><h1>Pressemitteilungen</h1>{teasers}</main></body></html>"
    assert extract("https://www.example.de/presse", listing.encode(), {}).page_type == "listing"


def test_an_article_the_parser_nested_inside_the_menu_is_still_read() -> None:
    """An unclosed menu item nests the page's ``main`` inside the ``nav`` the walk leaves
    out: the left-out ``main`` holding more paragraph text is read."""
    html = (
        '<html><body><header><nav><ul class="menu"><li><a href="/">Start</a><div>'
        f'<main><article><h1>Haushalt</h1><div class="text">{PARAGRAPHS}</div></article>'
        '</main></div></li></ul></nav></header><div class="scores"><p>Nächstes Spiel: '
        "Sonntag, 18 Uhr, in der Halle am Stadtpark.</p></div></body></html>"
    )
    body = _body(html)
    assert body is not None and body.startswith("Der Stadtrat hat am Dienstag")
    assert "Nächstes Spiel" not in body
