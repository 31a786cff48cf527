"""Generic extraction on pages of unknown CMS: structured data, hidden titles, related boxes,
credits, datelines, UTC dates, date conflicts, encodings and the library fallback."""

from __future__ import annotations

from typing import Any

import lxml.html

from crawler.dates import dateline_date, dateline_place, parse_iso_date
from crawler.extract.context import PageContext
from crawler.extract.core import extract
from crawler.extract.fallback import agree, choose_body
from crawler.extract.layouts.generic import marked_body, trusted
from crawler.extract.media import split_caption
from crawler.extract.profiles import SiteProfile

URL = "https://www.stadt.test/aktuelles/sommerfest"


def page(body: str, head: str = "") -> bytes:
    return (
        f'<html><head><meta charset="utf-8">{head}</head><body>'
        f"<nav><a href='/'>Start</a></nav>{body}</body></html>"
    ).encode()


ARTICLE = (
    "<p>Das Fest beginnt um 14 Uhr auf der Wiese am Schloss.</p>"
    "<p>Der Eintritt ist frei, für Essen und Getränke ist gesorgt.</p>"
)


def test_json_ld_news_article_dates_and_type() -> None:
    head = (
        '<script type="application/ld+json">{"@context":"https://schema.org","@graph":['
        '{"@type":"Organization","name":"Stadt"},{"@type":"NewsArticle","headline":"Fest",'
        '"datePublished":"2025-06-04T10:00:00+02:00","dateModified":"2025-06-05"}]}</script>'
    )
    result = extract(URL, page(f"<main><h1>Fest</h1>{ARTICLE}</main>", head), {})
    assert (result.page_type, result.title) == ("press_release", "Fest")
    assert (result.published, result.published_source, result.modified) == (
        "2025-06-04",
        "metadata",
        "2025-06-05",
    )
    assert result.date_candidates[0].detail == "json-ld datePublished"
    assert result.date_conflict is False


def test_opengraph_title_when_no_h1_and_microdata_date() -> None:
    head = '<meta property="og:title" content="Sommerfest im Park | Stadt Beispiel">'
    body = (
        '<div class="inhalt" itemscope itemtype="https://schema.org/Article">'
        '<span itemprop="datePublished" content="2024-07-26">26.07.</span>' + ARTICLE * 3 + "</div>"
    )
    result = extract(URL, page(body, head), {})
    assert result.title == "Sommerfest im Park"
    assert (result.published, result.published_source) == ("2024-07-26", "metadata")
    assert result.date_candidates[0].detail == "microdata"


def test_hidden_h1_is_never_the_title() -> None:
    for hidden in (
        '<h1 class="screen-reader-text">Stadt</h1>',
        '<h1 class="sr-only">Stadt</h1>',
        '<h1 class="visually-hidden">Stadt</h1>',
        "<h1 hidden>Stadt</h1>",
        '<h1 style="display: none">Stadt</h1>',
        '<h1 aria-hidden="true">Stadt</h1>',
    ):
        body = f"{hidden}<main><article><h1>Echter Titel</h1>{ARTICLE}</article></main>"
        assert extract(URL, page(body), {}).title == "Echter Titel", hidden


def test_related_headings_become_related_links_not_body() -> None:
    for heading in (
        "Verwandte Themen",
        "Verwandte Links",
        "Verwandte Nachrichten",
        "Mehr zum Thema",
        "Das könnte Sie auch interessieren",
        "Weitere Informationen",
        "Related topics",
    ):
        body = (
            f"<main><article><h1>Titel</h1>{ARTICLE}</article><div><h3>{heading}</h3><ul>"
            '<li><span class="date">04.06.2025</span> <a href="/aktuelles/a">Meldung A</a>'
            '</li><li><a href="/rathaus/aemter/umweltamt">Umweltamt</a></li>'
            '<li><a href="/leben/radverkehr">Radverkehr</a></li></ul></div></main>'
        )
        result = extract(URL, page(body), {})
        assert [(r.title, r.kind, r.date) for r in result.related] == [
            ("Meldung A", "press", "2025-06-04"),
            ("Umweltamt", "org", None),
            ("Radverkehr", "topic", None),
        ], heading
        assert heading not in (result.body or "") and "Meldung A" not in (result.body or "")


def test_teaser_blocks_without_lists_jetpack_style() -> None:
    related = (
        '<div class="jp-relatedposts"><h3><em>Das könnte Sie auch interessieren</em></h3>'
        '<div class="item"><h4><a href="/2025/10/b/?relatedposts_hit=1">Meldung B</a></h4>'
        '<p class="post-date">9. Oktober 2025</p><p class="post-context">In „Presse“</p>'
        '</div><div class="item"><h4><a href="/2025/03/c/">Meldung C</a></h4></div></div>'
    )
    body = f"<main><article><h1>Titel</h1>{ARTICLE}{related}</article></main>"
    result = extract(URL, page(body), {})
    assert [(r.title, r.kind, r.label, r.date) for r in result.related] == [
        ("Meldung B", "press", "Presse", "2025-10-09"),
        ("Meldung C", "topic", None, None),
    ]


def test_credit_forms_in_captions() -> None:
    cases = {
        "Die Wiese. Foto: Stadt Darmstadt / Nadine Acar": (
            "Die Wiese.",
            "Stadt Darmstadt / Nadine Acar",
        ),
        "Die Wiese (Fotograf/in: Max Muster)": ("Die Wiese", "Fotograf/in: Max Muster"),
        "Die Wiese. Fotografin: Anna Muster": ("Die Wiese.", "Fotografin: Anna Muster"),
        "Die Wiese. Quelle: Stadt Hanau / Moritz": ("Die Wiese.", "Quelle: Stadt Hanau / Moritz"),
        "Die Wiese © Stadt Hanau": ("Die Wiese", "© Stadt Hanau"),
        "Die Wiese. Copyright: Stadt Frankfurt": ("Die Wiese.", "Copyright: Stadt Frankfurt"),
        "Plan Grafik: Planungsbüro": ("Plan", "Grafik: Planungsbüro"),
        "Die Wiese (Foto: Stadt R., Fotograf: N)": ("Die Wiese", "Stadt R., Fotograf: N"),
        "© Stadt Hanau": (None, "© Stadt Hanau"),
    }
    for caption, expected in cases.items():
        assert split_caption(caption) == expected, caption
    figure = (
        '<figure><a href="/bilder/gross.jpg"><img src="/bilder/fest.jpg" alt="Wiese"></a>'
        "<figcaption>Die Wiese. Foto: Stadt / Acar</figcaption></figure>"
    )
    result = extract(URL, page(f"<main><h1>T</h1>{figure}{ARTICLE}</main>"), {})
    assert [(i.caption, i.credit) for i in result.images] == [("Die Wiese.", "Stadt / Acar")]
    assert result.credits == ["Stadt / Acar"]


def test_bildnachweise_and_attachments() -> None:
    body = (
        '<main><article><h1>T</h1><figure><img src="/b/x.jpg" alt="X"></figure>'
        + ARTICLE
        + '<p><a href="/dok/plan.pdf">Plan (PDF)</a></p></article>'
        '<section><h2>Bildnachweise</h2><ul><li><a href="/b/x.jpg">X</a>: © Stadt / Foto: N'
        "</li></ul></section></main>"
    )
    result = extract(URL, page(body), {})
    assert result.images[0].credit == "© Stadt / Foto: N"
    assert result.credits == ["X: © Stadt / Foto: N"]
    assert [a.title for a in result.attachments] == ["Plan (PDF)"]


def test_datelines() -> None:
    assert dateline_date("Offenbach am Main, 4. Juni 2025 – Die Stadt lädt ein") == "2025-06-04"
    assert dateline_place("KREIS GROSS-GERAU – Der Kreis baut aus.") == "KREIS GROSS-GERAU"
    assert dateline_place("Die Stadt – und der Kreis") is None
    body = (
        "<main><article><h1>T</h1><p>Offenbach am Main, 4. Juni 2025 – Die Stadt lädt"
        " ein.</p><p>Mehr Text folgt hier.</p></article></main>"
    )
    result = extract(URL, page(body), {})
    assert (result.published, result.published_source) == ("2025-06-04", "text")
    # an uppercase dateline without a date: the date comes from the page's date line
    kreis = (
        '<main><article><h1>T</h1><p class="news-date">18.02.2025</p>'
        "<p>KREIS GROSS-GERAU – Der Kreis baut aus.</p></article></main>"
    )
    result = extract(URL, page(kreis), {})
    assert (result.published, result.published_source) == ("2025-02-18", "text")
    assert result.body.startswith("KREIS GROSS-GERAU – Der Kreis")


def test_utc_timestamps_become_berlin_local_dates() -> None:
    assert parse_iso_date("2025-06-04T23:45:00+01:00") == "2025-06-04"  # offset: as written
    assert parse_iso_date("2025-03-03T23:20:00Z") == "2025-03-04"  # winter, +1h
    assert parse_iso_date("2025-06-30T23:30:00+00:00") == "2025-07-01"  # summer, +2h
    assert parse_iso_date("2025-06-30T21:30:00.000Z") == "2025-06-30"
    head = (
        '<meta property="article:published_time" content="2025-03-04T00:20:00+01:00">'
        '<script type="application/ld+json">{"@type":"NewsArticle",'
        '"datePublished":"2025-03-03T23:20:00+00:00"}</script>'
    )
    result = extract(URL, page(f"<main><h1>T</h1>{ARTICLE}</main>", head), {})
    assert result.published == "2025-03-04"
    assert result.date_conflict is False


def test_date_conflict_is_flagged_and_every_candidate_kept() -> None:
    head = '<meta property="article:published_time" content="2025-06-04T10:00:00+02:00">'
    url = "https://www.stadt.test/presse/2025/2025-06-01-fest"
    result = extract(url, page(f"<main><h1>T</h1>{ARTICLE}</main>", head), {})
    assert [(c.value, c.source) for c in result.date_candidates] == [
        ("2025-06-04", "metadata"),
        ("2025-06-01", "url"),
    ]
    assert (result.published, result.date_conflict) == ("2025-06-04", True)


def test_cp1252_bytes_declared_latin1() -> None:
    html = (
        '<html><head><meta charset="iso-8859-1"></head><body><main><h1>„Grüße“ – aus'
        "\u00a0Kelsterbach</h1><p>Stra\u00adßen\u00adfest am Main.</p></main></body></html>"
    )
    body = html.encode("cp1252")
    assert b"\x84" in body and b"\x93" in body  # typographic quotes in 0x80–0x9F
    for headers in ({"content-type": "text/html; charset=ISO-8859-1"}, {}):
        result = extract(URL, body, headers)
        assert result.title == "„Grüße“ – aus Kelsterbach"
        assert result.body == "Straßenfest am Main."


def test_trafilatura_fallback_on_a_page_without_structure() -> None:
    prose = " ".join(["Die Stadt saniert in diesem Sommer die Brücke über den Main."] * 4)
    html = (
        "<html><head><title>Brücke wird saniert – Stadt Beispiel</title></head><body>"
        "<div id='k'><div class='x'><a href='/'>Start</a> | <a href='/k'>Kontakt</a></div>"
        f"<div class='y'><div>{prose}</div><div>{prose}</div><div>Die Arbeiten dauern bis"
        " Oktober, Umleitungen sind ausgeschildert.</div></div></div></body></html>"
    )
    result = extract(URL, html.encode(), {})
    assert result.title == "Brücke wird saniert"
    assert result.body and "Brücke über den Main" in result.body
    assert "Kontakt" not in result.body


def test_listing_of_unknown_cms_is_never_an_article() -> None:
    items = "".join(
        f'<div class="entry"><h2><a href="/news/{i}">Meldung {i}</a></h2>'
        f'<span class="date">0{i + 1}.06.2025</span><p>Kurz.</p></div>'
        for i in range(5)
    )
    result = extract(URL, page(f"<main><h1>Aktuelles</h1>{items}</main>"), {})
    assert result.page_type == "listing"
    assert [r.date for r in result.related][:2] == ["2025-06-01", "2025-06-02"]


# --- routing between the structural layer and trafilatura ---------------------------------------

PROSE = " ".join(["Die Stadt saniert in diesem Sommer die Brücke über den Main."] * 6)
JUNK = " ".join(["Jetzt den Newsletter abonnieren und nichts mehr verpassen!"] * 8)


def _tree(html: str) -> Any:
    return lxml.html.document_fromstring(html)


def _marked(doc: Any) -> Any:
    return marked_body(PageContext(url=URL, doc=doc))


def test_trusted_structure_needs_markup_evidence() -> None:
    plain = _tree(f"<html><body><main><article><h1>T</h1><p>{PROSE}</p></article></main></body>")
    assert not trusted(plain, None, None, None, _marked(plain))
    for marked in ('<div itemprop="articleBody">', '<div class="entry-content x">'):
        doc = _tree(f"<html><body><article><h1>T</h1>{marked}<p>{PROSE}</p></div></article>")
        assert trusted(doc, None, None, None, _marked(doc))
    table = _tree(
        f"<html><body><table><tr><td><font size=4><b>T</b></font><br>{PROSE}</td></tr>"
        "</table></body></html>"
    )
    assert trusted(table, None, None, None, None)  # old table layout: no h1, no HTML5 sections
    assert trusted(plain, None, None, SiteProfile(title="h1"), None)  # a site profile


def test_marked_body_is_the_body_root() -> None:
    html = page(
        f'<article><h1>Brücke</h1><div class="share">Teilen: Facebook X</div>'
        f'<div itemprop="articleBody"><p>{PROSE}</p></div><p>{JUNK}</p></article>'
    )
    result = extract(URL, html, {})
    assert result.body == PROSE


def test_unmarked_page_body_comes_from_trafilatura_without_title_and_lead() -> None:
    teasers = "".join(f"<p>{JUNK}</p>" for _ in range(3))
    html = page(
        f'<article><h1>Brücke wird saniert</h1><p class="lead">Umleitung ab Montag.</p>'
        f"<p>{PROSE}</p><p>{PROSE}</p><div class='nl'>{teasers}</div></article>"
    )
    result = extract(URL, html, {})
    assert (result.title, result.lead) == ("Brücke wird saniert", "Umleitung ab Montag.")
    assert result.body is not None and PROSE in result.body
    assert "Brücke wird saniert" not in result.body and "Umleitung ab Montag" not in result.body


def test_choose_body_keeps_the_structural_body_when_both_agree() -> None:
    structural = "So melden Sie Ihr Kind an.\n\nFormular\n\nGebühren\n\nDie Anmeldung ist frei."
    library = "Kita-Anmeldung\n\nSo melden Sie Ihr Kind an.\n\nDie Anmeldung ist frei."
    assert choose_body(structural, library, ("Kita-Anmeldung", None, None)) == structural
    padded = structural + "\n\n" + JUNK * 3  # boilerplate the library left out
    assert choose_body(padded, library, ("Kita-Anmeldung",)) == (
        "So melden Sie Ihr Kind an.\n\nDie Anmeldung ist frei."
    )
    assert choose_body(None, library, ()) == library
    assert choose_body(structural, None, ()) == structural
    assert agree("a b c", "a b c") and not agree("a b", " ".join("abcdefghijklmnopqrstuvwxyz"))


def test_article_with_teasers_beside_it_is_not_a_listing() -> None:
    teasers = "".join(f'<li><h3><a href="/news/{i}">Meldung {i}</a></h3></li>' for i in range(6))
    html = page(
        f'<div class="post"><article><h2><a href="/news/brücke">Brücke</a></h2>'
        f"{f'<p>{PROSE}</p>' * 5}</article></div><ul>{teasers}</ul>",
        head="<title>Brücke – Stadt</title>",
    )
    result = extract(URL, html, {})
    assert result.page_type != "listing"
    assert result.body is not None and "Brücke über den Main" in result.body


def test_prose_between_line_breaks_makes_an_article_not_a_listing() -> None:
    links = "".join(f'<li><a href="/n/{i}">Meldung Nummer {i}</a></li>' for i in range(30))
    text = "<br><br>".join([PROSE] * 5)
    html = page(
        f"<div class='news'><ul>{links}</ul></div><div id='article'>{text}</div>",
        head="<title>Brücke wird saniert – Stadt</title>",
    )
    result = extract(URL, html, {})
    assert result.page_type != "listing"
    assert result.body is not None and "Brücke über den Main" in result.body


def test_author_and_date_line_of_a_drupal_node_is_not_body() -> None:
    """Drupal's ``node__meta`` ("Pressestelle 18. September 2025") above the body field: the
    structural body agrees with trafilatura's, so it is kept, without that line."""
    body = (
        '<main><h1 class="page-title"><span>Neue Radwege</span></h1>'
        '<article class="node node--type-article"><div class="node__meta">'
        '<span class="field--name-uid">Pressestelle</span> <span><time '
        'datetime="2025-09-18T07:30:00Z">18. September 2025</time></span></div>'
        '<div class="text-formatted field field--name-body">'
        "<p>Die Stadt hat drei neue Radwege in der Innenstadt freigegeben. Sie verbinden "
        "den Bahnhof mit dem Marktplatz.</p><p>Die Bauarbeiten dauerten sechs Monate und "
        "kosteten rund 800.000 Euro.</p></div></article></main>"
    )
    result = extract(URL, page(body), {})
    assert result.title == "Neue Radwege"
    assert result.body is not None and result.body.startswith("Die Stadt hat drei neue Radwege")
    assert "Pressestelle" not in result.body
    assert result.published == "2025-09-18"


def test_visible_date_line_is_no_body_block_of_the_library() -> None:
    """trafilatura moves the date line ("21.10.2025") to the end of its body and drops a bold
    opening paragraph; the date line is a field of its own, so the two bodies agree and the
    structural one (with the opening paragraph) is kept."""
    body = (
        '<div id="content"><div class="sidebar"><h2>Öffnungszeiten</h2><p>Mo–Fr 8–12 Uhr'
        '</p></div><div class="news-detail"><p class="date">21.10.2025</p>'
        '<h1>Sperrung der Darmstädter Straße</h1><p class="teaser"><strong>Wegen '
        "Kanalarbeiten wird die Darmstädter Straße ab Montag voll gesperrt.</strong></p>"
        '<div class="text"><p>Die Sperrung dauert voraussichtlich bis Ende November. Eine '
        "Umleitung ist ausgeschildert.</p><p>Anlieger können ihre Grundstücke erreichen."
        "</p></div></div></div>"
    )
    result = extract(URL, page(body), {})
    assert result.body == (
        "Wegen Kanalarbeiten wird die Darmstädter Straße ab Montag voll gesperrt.\n\n"
        "Die Sperrung dauert voraussichtlich bis Ende November. Eine Umleitung ist "
        "ausgeschildert.\n\nAnlieger können ihre Grundstücke erreichen."
    )
    assert (result.published, result.published_source) == ("2025-10-21", "text")


def test_meta_line_and_back_link_of_a_contao_news_reader_are_not_body() -> None:
    body = (
        '<main><div class="mod_newsreader"><div class="layout_full"><h1>Bücherei öffnet '
        'samstags</h1><p class="info"><time datetime="2025-09-25T10:00:00+02:00">'
        '25.09.2025 10:00</time> von Pressestelle</p><div class="ce_text"><p><strong>Die '
        "Stadtbücherei öffnet ab Oktober auch samstags.</strong></p><p>Damit reagiert die "
        "Stadt auf viele Wünsche aus der Bürgerschaft, zunächst bis Ende März.</p></div>"
        '</div><p class="back"><a href="/aktuelles.html">Zurück</a></p></div></main>'
    )
    result = extract(URL, page(body), {})
    assert result.body == (
        "Die Stadtbücherei öffnet ab Oktober auch samstags.\n\n"
        "Damit reagiert die Stadt auf viele Wünsche aus der Bürgerschaft, zunächst bis Ende März."
    )
    assert result.published == "2025-09-25"


def test_trim_blocks_only_an_opening_meta_line_and_a_closing_back_link() -> None:
    from crawler.extract.body import trim_blocks

    assert trim_blocks(["25.09.2025 10:00 von Pressestelle", "Text", "Zurück zur Übersicht"]) == [
        "Text"
    ]
    assert trim_blocks(["18.09.2025 | von Max Muster", "Text"]) == ["Text"]
    # the name first (Drupal's "submitted" line), a back link with its arrow
    assert trim_blocks(
        ["Von Pressestelle, 01.12.2025 - 00:15", "Text", "« zurück zur Übersicht"]
    ) == ["Text"]
    # an event's date and time, a date or a print entry inside the text stay
    blocks = [
        "15.03.2025 von 10 bis 16 Uhr",
        "Von 10 bis 16 Uhr, 15.03.2025",
        "Der Markt beginnt am",
        "12.11.2025",
        "Drucken",
        "Zurück geht es mit dem Bus.",
    ]
    assert trim_blocks(blocks) == blocks
    assert trim_blocks(["Zurück"]) == ["Zurück"]  # never the whole body
    assert trim_blocks([]) == []


def test_a_byline_word_inside_a_wrapper_class_keeps_the_text() -> None:
    """Author/date lines are skipped by whole class tokens ("byline"), not by a part of one
    ("with-byline" on the wrapper of the whole text)."""
    body = (
        '<article><h1>Fest</h1><div class="entry-content"><p class="byline">Von Anna '
        'Schmidt</p><div class="article-text with-byline">' + ARTICLE + "</div></div>"
        "</article>"
    )
    result = extract(URL, page(body), {})
    assert result.body == (
        "Das Fest beginnt um 14 Uhr auf der Wiese am Schloss.\n\n"
        "Der Eintritt ist frei, für Essen und Getränke ist gesorgt."
    )


def test_trim_blocks_drops_share_lines_and_stops_at_an_end_line_after_half_the_text() -> None:
    from crawler.extract.body import trim_blocks

    text = ["Der Rat hat den Haushalt für das kommende Jahr beschlossen.", "Er gilt ab Januar."]
    # a share bar above the text is left out; an end line above half of the text is a bar
    assert trim_blocks(["Artikel teilen", "Kommentare", *text]) == ["Kommentare", *text]
    # after the text: a rating prompt, then a related box and what follows it
    tail = ["Like it? Share it!", "Ähnliche Beiträge", "Neue Radwege in der Innenstadt"]
    assert trim_blocks([*text, *tail]) == text
    assert trim_blocks([*text, "War der Artikel nützlich? (95 Stimmen)", "Ja"]) == text
    # a long block that starts like an end line is text
    long = "Kommentare aus dem Stadtrat waren zahlreich, die Debatte dauerte bis in die Nacht."
    assert trim_blocks([*text, long]) == [*text, long]


def test_a_category_line_after_the_title_is_the_label() -> None:
    """Block themes (Twenty Twenty-Four's post-meta part): date, author and
    ``div.taxonomy-category`` right after the ``h1``: its first category is the label, and a
    press category types the page; a listing's teasers after the title (category classes on
    every ``li``) are no category line."""
    meta = (
        '<div class="wp-block-group"><div class="wp-block-post-date"><time>12. Januar 2026'
        '</time></div><p>in</p><div class="taxonomy-category wp-block-post-terms">'
        '<a href="/presse/" rel="tag">Pressemitteilungen</a>, <a href="/kultur/">Kultur</a>'
        "</div></div>"
    )
    post = extract(
        "https://www.stadt.test/2026/01/12/sommerfest/",
        page(f"<main><h1>Sommerfest</h1>{meta}<div class='entry-content'>{ARTICLE}</div></main>"),
        {},
    )
    assert (post.label, post.page_type) == ("Pressemitteilungen", "press_release")
    teasers = (
        '<ul><li class="wp-block-post category-presse"><h3><a href="/a/">Erste Meldung</a></h3>'
        '</li><li class="wp-block-post category-presse"><h3><a href="/b/">Zweite</a></h3></li></ul>'
    )
    listing = extract(URL, page(f"<main><h1>Presse</h1>{teasers}{ARTICLE}</main>"), {})
    assert listing.label is None


def test_an_undated_generic_article_is_a_topic_page() -> None:
    """Joomla types every content page ``schema.org/Article``: without any date on the page
    that type alone makes no press release; with a ``datePublished`` it still does."""

    def typed(date: str) -> str:
        body = (
            '<main><div class="item-page" itemscope itemtype="https://schema.org/Article">'
            f'<h1 itemprop="headline">Bürgerservice im Rathaus</h1>{date}'
            f'<div itemprop="articleBody">{ARTICLE}</div></div></main>'
        )
        return extract("https://www.stadt.test/rathaus/buergerservice", page(body), {}).page_type

    assert typed("") == "topic"
    stamp = '<time datetime="2026-03-09T07:50:00+01:00" itemprop="datePublished">9. März</time>'
    assert typed(stamp) == "press_release"


def test_a_visible_last_changed_line_is_the_modified_date() -> None:
    """Plone's byline: ``span.documentModified`` "zuletzt verändert:" with the stamp in a
    span of its own; hAtom's ``time.updated``; metadata wins; a teaser's is not the page's."""

    def modified(line: str, head: str = "") -> str | None:
        body = f"<main><article><h1>Sommerfest</h1><div>{line}</div>{ARTICLE}</article></main>"
        return extract(URL, page(body, head), {}).modified

    plone = (
        '<span class="documentModified"><span>zuletzt verändert:</span> '
        '<span class="pat-moment">2026-02-06T08:45:00+01:00</span></span>'
    )
    assert modified(plone) == "2026-02-06"
    assert modified('<time class="updated" datetime="2020-01-14T09:14:33+01:00">x</time>') == (
        "2020-01-14"
    )
    meta = '<meta property="article:modified_time" content="2026-03-01T10:00:00+01:00">'
    assert modified(plone, meta) == "2026-03-01"
    teaser = f'<div class="teaser"><a href="/b">B</a>{plone}</div>'
    assert modified(teaser) is None


def test_trim_blocks_stops_at_a_syndicated_texts_origin_line() -> None:
    from crawler.extract.body import trim_blocks

    text = [
        "Der Rat hat den Haushalt für das kommende Jahr mit großer Mehrheit beschlossen.",
        "Er gilt ab Januar, die Grundsteuer bleibt unverändert, Kitas werden ausgebaut.",
    ]
    origin = "Original-Content von: Stadt Rüsselsheim am Main, übermittelt durch news aktuell"
    assert trim_blocks([*text, origin, "Politik"]) == text
    # above half of the text it is a line of its own (a portal's header), not the end
    assert trim_blocks([origin, *text]) == [origin, *text]


def test_a_title_the_parser_moved_into_the_body_still_names_the_page() -> None:
    """Without an ``h1`` the page's ``title`` finds the title element; a ``title`` after body
    content (a script's markup in the page) stands in the body, not the head."""
    html = (
        "<html><body><div>Startseite</div><title>Malaga, die Metropole</title>"
        '<svg><title>Lupe</title></svg><div class="post"><h2>Malaga, die Metropole</h2>'
        "<p>Malaga ist die quirlige Hauptstadt der Costa del Sol, mit Altstadt und Hafen.</p>"
        "<p>Wer die Stadt besucht, sollte die Festung und das Picasso-Museum sehen.</p>"
        "</div></body></html>"
    )
    from lxml import etree

    assert etree.HTML(html).find(".//body/title") is not None  # where the parser puts it
    got = extract("https://www.example.de/malaga.html", html.encode(), {})
    assert got.title == "Malaga, die Metropole"
    assert got.body is not None and "Malaga ist die quirlige" in got.body


def test_of_two_entry_content_boxes_the_one_holding_the_post_is_the_body() -> None:
    html = (
        '<html><body><article><h1>Madagaskar</h1><div class="entry-content"><p class="author">'
        'Red. / 31.10.2023</p></div><div class="entry-content clearfix"><p>Madagaskar ist die '
        "viertgrösste Insel der Erde und eines der ärmsten Länder.</p><p>Das Land ist reich an "
        "Bodenschätzen, von Nickel bis zu Halbedelsteinen.</p></div></article></body></html>"
    )
    got = extract("https://www.example.ch/madagaskar/", html.encode(), {})
    assert got.body is not None and got.body.startswith("Madagaskar ist die viertgrösste")
    assert "Bodenschätzen" in got.body


def test_paragraphs_each_marked_as_the_article_body_are_all_read() -> None:
    html = (
        '<html><body><article><h1>Brexit</h1><div><p itemprop="articleBody">Die Regierung hat '
        'eine Verschiebung des Austritts bei der EU beantragt.</p><p itemprop="articleBody">Der '
        "Premierminister hat sich in einem zweiten Brief davon distanziert.</p></div>"
        "</article></body></html>"
    )
    got = extract("https://www.example.ch/brexit", html.encode(), {})
    assert got.body is not None and "zweiten Brief" in got.body
    assert got.body.startswith("Die Regierung hat")
