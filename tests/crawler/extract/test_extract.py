from __future__ import annotations

import pytest

from crawler.extract.core import extract, split_caption
from crawler.records import Attachment, Image, Link
from tests.support import FIXTURES
from tests.support.pages import sitepark_page as sitepark

BASE = "http://www.ruesselsheim.test"
SEED_URL = (
    BASE + "/presse/2025/2025-11-28-euro-fuer-vielfalt-und-teilhabe-land-hessen-staerkt-"
    "ruesselsheim-langfristig"
)
UTF8 = {"content-type": "text/html; charset=utf-8"}


@pytest.fixture(scope="module")
def seed():
    body = (FIXTURES / "extract_seed_sitepark.html").read_bytes()
    return extract(SEED_URL, body, UTF8)


# --- the seed release ----------------------------------------------------------------------------


def test_seed_header_fields(seed) -> None:
    assert seed.page_type == "press_release"
    assert seed.label == "Pressemitteilung"
    assert seed.title == (
        "600.000 Euro für Vielfalt und Teilhabe: Land Hessen stärkt Rüsselsheim langfristig"
    )  # soft hyphen removed, hidden header h1 and <title> ignored
    assert seed.lead.startswith("Die Stadt Rüsselsheim am Main hat vom Land Hessen")
    assert "600.000 Euro aus" in seed.lead  # NBSP became a space
    assert seed.canonical == SEED_URL


def test_seed_body(seed) -> None:
    blocks = seed.body.split("\n\n")
    assert len(blocks) == 5
    assert blocks[0].startswith("Die langfristige Finanzierung")
    assert blocks[2] == "Hintergrund: Landesprogramm WIR – Vielfalt und Teilhabe"
    for chrome in (
        "Inhalt anspringen",
        "Zurück zur Homepage",
        "Verwandte Themen",
        "Matomo",
        "Erläuterungen",
        "Bildnachweise",
        "Video:",
        "Im Februar 2025",
        "Rathaus",
        "Marktplatz",
        "Interkulturelles Büro",
    ):
        assert chrome not in seed.body


def test_seed_dates(seed) -> None:
    assert seed.published == "2025-11-28"
    assert seed.published_source == "metadata"
    assert seed.modified == "2025-11-29"
    assert [c.source for c in seed.date_candidates] == ["metadata", "url"]


def test_seed_images_and_credits(seed) -> None:
    assert seed.images == [
        Image(
            src=BASE + "/medien/bilder/lotsen-urkunde.jpg",
            alt=seed.images[0].alt,
            caption=seed.images[0].caption,
            credit="© Stadt Rüsselsheim am Main / Foto: Kerstin Beispiel",
        )
    ]
    assert seed.images[0].alt.startswith("Oberbürgermeister Patrick Burghardt übergibt")
    assert seed.images[0].caption.startswith("Im Februar 2025 haben erneut 24 neue")
    assert seed.credits == [
        "Urkundenübergabe Integrationslotsen: © Stadt Rüsselsheim am Main / Foto: Kerstin Beispiel",
        "Symbolbild WIR: © Land Hessen",
    ]


def test_seed_related(seed) -> None:
    assert seed.related == [
        Link(
            BASE + "/soziales/migration/projekte-und-integrationsmassnahmen/landesprogramm-wir",
            "Landesprogramm WIR–Vielfalt und Teilhabe",
            "topic",
            "Migration",
            None,
        ),
        Link(
            "http://ruesselsheim.test/presse/2024/neue-ehrenamtliche-integrations-und-"
            "gesundheitslotsen-gesucht/index.php",
            "Neue ehrenamtliche Integrations- und Gesundheitslotsen gesucht",
            "press",
            "Pressemitteilung",
            "2024-03-22",
        ),
        Link(
            BASE + "/rathaus/verwaltung/stabsstelle-kultur-und-vielfalt",
            "Stabsstelle Kultur und Vielfalt",
            "org",
            None,
            None,
        ),
        Link(
            BASE + "/rathaus/verwaltung/interkulturelles-buero",
            "Interkulturelles Büro",
            "org",
            None,
            None,
        ),
        Link(
            BASE + "/presse/2025/2025-07-23-integrationslotse-geehrt",
            "Rüsselsheimer Integrationslotse Mohammad Ghassan Arksousi in Wiesbaden geehrt",
            "press",
            "Pressemitteilung",
            "2025-07-23",
        ),
    ]


def test_seed_links_and_attachments(seed) -> None:
    assert seed.links == [
        BASE + "/soziales/migration?utm_source=x",
        BASE + "/medien/dokumente/foerderrichtlinie.pdf",
    ]  # mailto: left out
    assert seed.attachments == [
        Attachment(BASE + "/medien/dokumente/foerderrichtlinie.pdf", "Förderrichtlinie (PDF)")
    ]


def test_is_pure_and_serialisable(seed) -> None:
    body = (FIXTURES / "extract_seed_sitepark.html").read_bytes()
    assert extract(SEED_URL, body, UTF8) == seed
    assert seed.to_dict()["related"][0]["kind"] == "topic"


# --- page types ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "label", "expected"),
    [
        ("/presse/2024/slug", "Pressemitteilung", "press_release"),
        ("/soziales/migration", "Pressemitteilung", "press_release"),
        ("/presse/2024/slug", "Sonstiges", "press_release"),
        (
            "/rathaus/ortsrecht/oeffentliche-bekanntmachungen/satzung",
            "Öffentliche Bekanntmachung",
            "notice",
        ),
        ("/rathaus/ortsrecht/oeffentliche-bekanntmachungen/satzung", "Satzung", "notice"),
        ("/rathaus/verwaltung/interkulturelles-buero", "Fachbereich", "org_unit"),
        ("/rathaus/verwaltung/interkulturelles-buero", None, "org_unit"),
        (
            "/klima-und-umwelt/stadtgruen/baum--und-gehoelzpflanzungen",
            "Natürliche Schattenspender",
            "topic",
        ),
    ],
)
def test_sitepark_page_types(path: str, label: str | None, expected: str) -> None:
    result = extract(BASE + path, sitepark("<p>Text.</p>", label=label or ""), UTF8)
    assert result.page_type == expected
    assert result.label == label


def test_listing_page() -> None:
    html = """<html><head><meta charset="utf-8"></head><body>
<header class="SP-Header"><a class="SP-Logo" href="/">Zurück zur Homepage</a></header>
<main class="SP-Main"><h1 class="SP-Headline">Pressemitteilungen</h1>
<ul class="SP-TeaserList">
 <li class="SP-TeaserList__item"><article class="SP-Teaser SP-Teaser--press">
  <a class="SP-Teaser__inner" href="/presse/2025/2025-11-28-a">
   <span class="SP-Kicker__text">Pressemitteilung</span>
   <span class="SP-Scheduling__date">28.11.2025</span>
   <h1 class="SP-Teaser__headline">Titel A</h1><div class="SP-Teaser__abstract">Kurz A</div></a>
 </article></li>
 <li class="SP-TeaserList__item"><article class="SP-Teaser SP-Teaser--press">
  <a class="SP-Teaser__inner" href="/presse/2025/b">
   <span class="SP-Kicker__text">Pressemitteilung</span>
   <span class="SP-Scheduling__date">2.10.2025</span>
   <h1 class="SP-Teaser__headline">Titel B</h1></a></article></li>
</ul>
<nav class="SP-Pagination" data-sp-pagination='{"max":7}'>
 <a class="SP-Pagination__next" rel="next" href="/presse?page=2">Weiter</a></nav>
</main></body></html>"""
    result = extract(BASE + "/presse", html.encode(), UTF8)
    assert result.page_type == "listing"
    assert result.title == "Pressemitteilungen"
    assert result.body is None and result.published is None
    assert [(r.url, r.title, r.kind, r.date) for r in result.related] == [
        (BASE + "/presse/2025/2025-11-28-a", "Titel A", "press", "2025-11-28"),
        (BASE + "/presse/2025/b", "Titel B", "press", "2025-10-02"),
    ]


def test_generic_listing_without_sitepark() -> None:
    items = "".join(
        f'<article><h2><a href="/news/{i}">Meldung {i}</a></h2><p>Kurz {i}.</p></article>'
        for i in range(6)
    )
    html = f"<html><body><main><h1>Aktuelles</h1>{items}</main></body></html>"
    result = extract("https://example.org/aktuelles", html.encode(), {})
    assert result.page_type == "listing"
    assert result.title == "Aktuelles"
    assert len(result.related) == 6


# --- body rules ----------------------------------------------------------------------------------


def test_body_lists_faq_and_exclusions() -> None:
    content = """
<figure class="SP-Figure"><img src="/b.jpg" alt="Alt">
<figcaption>Bildunterschrift</figcaption></figure>
<div class="SP-Paragraph"><div class="SP-Text"><p>Absatz<br>mit Umbruch.</p>
<h3>Unterüberschrift</h3><ul><li>Punkt eins</li><li>Punkt <b>zwei</b></li></ul>
<p><strong>Fett als Überschrift</strong></p></div></div>
<div class="SP-Accordion"><h2>Häufig gestellte Fragen</h2>
<details><summary>Wann wird gepflanzt?</summary><p>Im Herbst.</p></details>
<details><summary>Wer gießt?</summary><p>Die Stadt.</p></details></div>
<div class="SP-Video"><p>Video: Pflanzaktion</p></div>"""
    after = """<aside class="SP-Related"><h2>Verwandte Themen</h2><ul class="SP-TeaserList">
<li class="SP-TeaserList__item"><article class="SP-Teaser SP-Teaser--topic">
<a class="SP-Teaser__inner" href="/x"><h3 class="SP-Teaser__headline">Teaser</h3></a></article></li>
</ul></aside>
<section class="SP-Notes"><h2>Erläuterungen und Hinweise</h2><p>Hinweis</p></section>"""
    result = extract(
        BASE + "/klima-und-umwelt/stadtgruen/baeume",
        sitepark(content, label="Natürliche Schattenspender", after=after),
        UTF8,
    )
    assert result.page_type == "topic"
    assert result.body.split("\n\n") == [
        "Absatz mit Umbruch.",
        "Unterüberschrift",
        "Punkt eins",
        "Punkt zwei",
        "Fett als Überschrift",
        "Häufig gestellte Fragen",
        "Wann wird gepflanzt?",
        "Im Herbst.",
        "Wer gießt?",
        "Die Stadt.",
    ]
    assert result.images == [Image(BASE + "/b.jpg", "Alt", "Bildunterschrift", None)]
    assert [r.title for r in result.related] == ["Teaser"]


def test_no_lead_is_none_and_no_date() -> None:
    result = extract(BASE + "/presse/2024/ohne-datum", sitepark("<p>Text.</p>"), UTF8)
    assert result.lead is None
    assert result.published is None and result.published_source is None
    assert result.date_candidates == []


def test_date_sources_and_modified() -> None:
    head = (
        '<script type="application/ld+json">{"@context":"https://schema.org","@graph":'
        '[{"@type":"NewsArticle","datePublished":"2024-10-08T23:30:00+02:00",'
        '"dateModified":"2024-10-09T08:00:00+02:00"}]}</script>'
    )
    result = extract(BASE + "/presse/2024/2024-10-07-x", sitepark("<p>Text.</p>", head=head), UTF8)
    assert (result.published, result.published_source) == ("2024-10-08", "metadata")
    assert result.modified == "2024-10-09"
    assert [(c.value, c.source) for c in result.date_candidates] == [
        ("2024-10-08", "metadata"),
        ("2024-10-07", "url"),
    ]
    # "Letzte Aktualisierung" in the text is not a modified date
    text_only = sitepark("<p>Letzte Aktualisierung am 24. Juni 2020 um 14:05 Uhr</p>")
    assert extract(BASE + "/presse/x", text_only, UTF8).modified is None


def test_dateline_gives_text_date() -> None:
    result = extract(
        BASE + "/presse/x",
        sitepark("<p>Offenbach am Main, 4. Juni 2025 – Die Stadt lädt ein.</p>"),
        UTF8,
    )
    assert (result.published, result.published_source) == ("2025-06-04", "text")


# --- captions, credits, related boxes ------------------------------------------------------------


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        (
            "Foto: Kita am Park (Fotografin: Anna Muster)",
            ("Kita am Park", "Fotografin: Anna Muster"),
        ),
        (
            "Kita (Foto: Stadt Rüsselsheim am Main, Fotograf: Max Muster)",
            ("Kita", "Stadt Rüsselsheim am Main, Fotograf: Max Muster"),
        ),
        (
            "Das Schloss. Quelle: Stadt Hanau / Moritz Göbel",
            ("Das Schloss.", "Quelle: Stadt Hanau / Moritz Göbel"),
        ),
        ("Der Römer © Stadt Frankfurt", ("Der Römer", "© Stadt Frankfurt")),
        (
            "Der Römer. Copyright: Stadt Frankfurt am Main, Foto: Holger Ullmann",
            ("Der Römer.", "Copyright: Stadt Frankfurt am Main, Foto: Holger Ullmann"),
        ),
        ("Radwegenetz 2030 Grafik: Planungsbüro", ("Radwegenetz 2030", "Grafik: Planungsbüro")),
        ("Einfache Bildunterschrift", ("Einfache Bildunterschrift", None)),
        ("", (None, None)),
    ],
)
def test_split_caption(caption: str, expected: tuple[str | None, str | None]) -> None:
    assert split_caption(caption) == expected


def test_generic_page_related_box_and_jsonld() -> None:
    html = """<html><head><meta charset="utf-8">
<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2025-06-04"}</script>
<meta property="og:title" content="OG-Titel"><link rel="canonical" href="/news/sommerfest">
</head><body><nav><a href="/">Home</a></nav><main><article>
<p class="kicker">Kultur</p><h1>Sommerfest im Park</h1><p class="lead">Alle sind eingeladen.</p>
<figure><img src="img/fest.jpg" alt="Festwiese">
<figcaption>Die Festwiese © Stadt Hanau</figcaption></figure>
<p>Das Fest beginnt um 14 Uhr. <a href="javascript:void(0)">x</a>
<a href="/programm">Programm</a></p>
<p>Eintritt frei. <a href="/programm">Programm</a></p>
<footer><time datetime="2025-06-03T10:00:00+02:00">3. Juni</time></footer>
</article><section><h2>Mehr zum Thema</h2><ul>
<li><a href="/presse/2025/fest-2024">22.03.2024 Pressemitteilung Sommerfest 2024</a></li>
<li><a href="/rathaus/verwaltung/kulturamt">Kulturamt</a></li>
<li><a href="https://example.org/extern">Extern</a></li></ul></section></main></body></html>"""
    result = extract("https://www.hanau.test/news/sommerfest", html.encode(), {})
    assert result.page_type == "press_release"
    assert result.title == "Sommerfest im Park"
    assert result.label == "Kultur"
    assert result.lead == "Alle sind eingeladen."
    assert result.body == "Das Fest beginnt um 14 Uhr. x Programm\n\nEintritt frei. Programm"
    assert result.links == ["https://www.hanau.test/programm"]
    assert result.canonical == "https://www.hanau.test/news/sommerfest"
    assert (result.published, result.published_source) == ("2025-06-04", "metadata")
    assert result.images == [
        Image(
            "https://www.hanau.test/news/img/fest.jpg",
            "Festwiese",
            "Die Festwiese",
            "© Stadt Hanau",
        )
    ]
    assert result.credits == ["© Stadt Hanau"]
    assert [(r.kind, r.date, r.label) for r in result.related] == [
        ("press", "2024-03-22", "Pressemitteilung"),
        ("org", None, None),
        ("other", None, None),
    ]


def test_unknown_sitepark_teaser_kind_is_other() -> None:
    after = """<aside class="SP-Related"><h2>Verwandte Themen</h2><ul class="SP-TeaserList">
<li class="SP-TeaserList__item"><article class="SP-Teaser">
<a class="SP-Teaser__inner" href="/rathaus/ortsrecht/oeffentliche-bekanntmachungen/wahl">
<span class="SP-Kicker__text">Öffentliche Bekanntmachung</span>
<h3 class="SP-Teaser__headline">Wahlbekanntmachung</h3></a></article></li></ul></aside>"""
    result = extract(BASE + "/presse/x", sitepark("<p>T</p>", after=after), UTF8)
    assert result.related == [
        Link(
            BASE + "/rathaus/ortsrecht/oeffentliche-bekanntmachungen/wahl",
            "Wahlbekanntmachung",
            "other",
            "Öffentliche Bekanntmachung",
        )
    ]


def test_link_list_pages_are_listings() -> None:
    overview = (
        """<html><head><meta charset="utf-8"></head><body><div id="content">
<h2 class="section">Presseinformationen</h2><ul>"""
        + "".join(
            f'<li>{d}.03.2023 <a href="/presseinformationen/pressemeldungen/{6000 + d}.html">'
            f"Link zu Meldung {d}</a></li>"
            for d in range(10, 16)
        )
        + "</ul></div></body></html>"
    )
    result = extract(BASE + "/presseinformationen/pressemeldungen.html", overview.encode(), {})
    assert result.page_type == "listing"
    assert result.related[0] == Link(
        BASE + "/presseinformationen/pressemeldungen/6010.html",
        "Meldung 10",
        "press",
        None,
        "2023-03-10",
    )
    assert len(result.related) == 6
    home = (
        """<html><body><main><h1>Willkommen</h1><section><h2>Aktuelles</h2><ul>"""
        + "".join(f'<li><a href="/presse/2025/m{i}">Meldung {i}</a></li>' for i in range(5))
        + '</ul><p><a href="/presse">Alle Pressemitteilungen</a></p></section></main></body></html>'
    )
    result = extract(BASE + "/", home.encode(), {})
    assert (result.page_type, result.title, len(result.related)) == ("listing", "Willkommen", 5)


def test_short_link_list_in_article_is_not_a_listing() -> None:
    html = """<html><body><main><h1>Kita-Anmeldung</h1><p>So melden Sie Ihr Kind an.</p>
<ul><li><a href="/a">Formular</a></li><li><a href="/b">Gebühren</a></li></ul>
<p>Die Anmeldung ist ganzjährig möglich und kostenlos.</p></main></body></html>"""
    result = extract(BASE + "/kitas.html", html.encode(), {})
    assert result.page_type == "topic"
    assert result.body.split("\n\n")[1:3] == ["Formular", "Gebühren"]


def test_opengraph_and_time_metadata() -> None:
    html = """<html><head>
<meta property="article:published_time" content="2024-07-26T10:10:04+02:00">
<meta property="article:modified_time" content="2024-07-30T08:00:00+02:00"></head>
<body><article><h1>Meldung</h1><p>Text der Meldung.</p></article></body></html>"""
    result = extract("https://example.org/presse/meldung", html.encode(), {})
    assert (result.page_type, result.published, result.published_source, result.modified) == (
        "press_release",
        "2024-07-26",
        "metadata",
        "2024-07-30",
    )
    only_time = """<html><body><main><article><h1>Thema</h1>
<p><time datetime="2023-05-30">30.05.23</time> Text.</p></article></main></body></html>"""
    result = extract("https://example.org/thema", only_time.encode(), {})
    assert (result.published, result.published_source, result.modified) == (
        "2023-05-30",
        "metadata",
        None,
    )


def test_the_package_exposes_extract_as_its_entry_point() -> None:
    """Evaluation scripts import ``extract`` from the package, not from its core module."""
    from crawler.extract import extract as entry
    from crawler.extract.core import extract as core_extract

    assert entry is core_extract
