"""Government Site Builder (GSB 10, the federal CMS of bmel.de, bmbf.de, zoll.de, …) for a
made-up federal office on ``www.bundesamt.test``.

Markup after the GSB pages of the German dev set: ``<base href>`` and relative links,
``body.gsb``, a ``header#header`` whose ``h1.aural`` is the office's name (before the real
headline), breadcrumb ``nav.c-breadcrumb``, the text in ``div#content`` (no ``main``):
``div.c-intro`` with ``h1.c-intro__headline``, the lead ``div.c-intro__text`` and the hero
``figure.picture`` (``a.loupe`` zoom link with an icon image, ``button.picture__tooltip`` "©",
``figcaption`` with ``span.caption`` and ``span.source`` "© <cite>…</cite>"); paragraphs
follow without a wrapper; downloads ``span.c-download-list__li`` (``a.Publication`` to
``SharedDocs/Downloads/…pdf?__blob=publicationFile&v=2`` and a ``c-download-list__info``
"PDF | 38 KB" outside the link); ``p.c-teaser__meta`` "Erschienen am <time datetime>"; boxes
headed by ``h2.c-module-caption__h``: "Mehr zum Thema" (``c-linklist``: pages and a PDF are
related, the PDF of kind other and not an attachment, as in every family) and "Schlagworte"
(``c-keywords``: not related).

Images are ``SharedDocs/Bilder/…jpg?__blob=wide&v=2`` (the query is part of the URL). URLs
``/SharedDocs/Pressemitteilungen/DE/<yyyy>/<mm>/<slug>.html``, listing
``/DE/Presse/Pressemitteilungen/pressemitteilungen_node.html`` (``?gtp=4466_list%253DN``).
"""

from __future__ import annotations

import random
from typing import Any
from urllib.parse import unquote, urlsplit

from crawler.sample_site.families import (
    Page,
    TextKit,
    attr,
    esc,
    german_long,
    press_site,
    record_blocks,
    related_entry,
    release,
    robots_text,
    slugify,
    source_table,
)
from crawler.sample_site.render import Response

NAME = "gsb"
HOSTS = ("www.bundesamt.test", "bundesamt.test")
BASE = "http://www.bundesamt.test"
OFFICE = "Bundesamt für kommunale Infrastruktur"
LISTING = "/DE/Presse/Pressemitteilungen/pressemitteilungen_node.html"
PAGE_SIZE = 3
SEED = 5301
# theme, date, time, hero image, body download, box pdf
_NEWS: list[tuple[Any, ...]] = [
    ("foerderung", "2025-01-14", "11:00", True, "Förderaufruf 2025", None),
    ("klima", "2025-03-25", "10:00", True, None, "Leitfaden Hitzeschutz"),
    ("haushalt", "2025-05-13", "12:30", False, "Eckwerte des Haushalts", None),
    ("verkehr", "2025-07-08", "09:15", True, None, None),
    ("wahl", "2025-09-30", "14:00", True, "Hinweise für Wahlvorstände", "Merkblatt Briefwahl"),
    ("kita", "2025-11-18", "10:45", False, None, None),
]


def _kit(rng: random.Random) -> TextKit:
    return TextKit(
        rng,
        "Bonn",
        "Bonn",
        "Bonner",
        ["Bad Godesberg", "Beuel", "Hardtberg", "der Innenstadt"],
        ["Robert-Schuman-Platz", "Graurheindorfer Straße", "Villemombler Straße"],
        [
            "Präsidentin Dr. Karin Albers",
            "Vizepräsident Thomas Greve",
            "Abteilungsleiterin Ute Sander",
        ],
    )


def _doc(name: str) -> str:
    return f"/SharedDocs/Downloads/DE/Presse/{name}.pdf?__blob=publicationFile&v=2"


def _pages() -> list[Page]:
    rng = random.Random(SEED)
    kit = _kit(rng)
    pages: list[Page] = []
    for n, (theme, date, time, hero, download, box_pdf) in enumerate(_NEWS):
        page = release(kit, f"pm-{n}", "", theme, date, time)
        slug = slugify(page["title"])
        page["path"] = f"/SharedDocs/Pressemitteilungen/DE/{date[:4]}/{date[5:7]}/{slug}.html"
        if hero:
            alt, desc = page["image_text"]
            who = rng.choice(["BKI / Photothek", "BKI / Sabine Roth", "picture alliance / dpa"])
            page["images"].append(
                {
                    "path": f"/SharedDocs/Bilder/DE/Presse/{slug[:24]}.jpg?__blob=wide&v=2",
                    "zoom": f"/SharedDocs/Bilder/DE/Presse/{slug[:24]}.jpg?__blob=poster&v=2",
                    "alt": alt,
                    "caption": f"{desc}.",
                    "credit": f"© {who}",
                }
            )
        page["download"] = None
        if download:
            page["download"] = {"path": _doc(slugify(download)), "title": download}
            page["files"].append(page["download"])
        page["box_pdf"] = None
        if box_pdf:
            page["box_pdf"] = {"path": _doc(slugify(box_pdf)), "title": box_pdf}
            page["linked_files"] = [page["box_pdf"]]  # served; related, not an attachment
        page["keywords"] = [kit.theme(theme)["subheads"][0], "Kommunen"]
        pages.append(page)
    for n, page in enumerate(pages):
        page["related"] = [
            related_entry(BASE, pages[(n + k) % len(pages)], dated=False) for k in (2, 3)
        ]
        if page["box_pdf"]:  # a file in a related box is a related link of kind other
            f = page["box_pdf"]
            page["related"].append(
                {
                    "url": BASE + f["path"],
                    "title": f["title"],
                    "kind": "other",
                    "label": None,
                    "date": None,
                }  # fmt: skip
            )
    return pages


# --- markup --------------------------------------------------------------------------------------


def _rel(path: str) -> str:
    return path.lstrip("/")


def _frame(title: str, content: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="de">\n<head>\n'
        f'<base href="{BASE}/"/>\n<meta charset="UTF-8"/>\n'
        f"<title>{OFFICE} - {esc(title)}</title>\n"
        '<meta name="generator" content="Government Site Builder"/>\n'
        '<link rel="stylesheet" href="SiteGlobals/Frontend/Styles/small.css?v=26" '
        'type="text/css"/>\n</head>\n'
        '<body class="gsb js-off lang-de fixed" data-nn="4462">\n<a id="Start"></a>\n'
        '<div class="wrapperOuter"><div class="wrapperInner">'
        '<div id="wrapperDivisions" class="wrapperDivisions">\n'
        '<header id="header" class="header js-shrinkheader" aria-labelledby="headeraural">\n'
        f'<h1 class="aural" id="headeraural">{OFFICE}</h1>\n'
        '<nav class="navskip" role="navigation"><p class="navSkip"><em>Springe direkt zu:</em>'
        '</p><ul class="navSkip"><li><a href="#content">Inhalt</a></li>'
        '<li><a href="#navPrimary">Hauptmenü</a></li></ul></nav>\n'
        '<div class="logo"><p><a href="DE/Home/home_node.html" id="anfang" '
        'title="Zur Startseite"><img src="/SiteGlobals/Frontend/Images/logo.svg?__blob=normal'
        f'&amp;v=1" alt="{OFFICE} (Link zur Startseite)"/></a></p></div>\n'
        '<nav role="navigation" id="navPrimary" class="c-nav-primary"><ul>'
        f'<li><a href="{_rel(LISTING)}">Presse</a></li>'
        '<li><a href="DE/Themen/themen_node.html">Themen</a></li></ul></nav>\n</header>\n'
        '<nav class="c-breadcrumb" aria-label="Sie befinden sich hier:"><ol '
        'class="c-breadcrumb__list"><li class="c-breadcrumb__item"><a href="DE/Home/home_node.'
        'html">Startseite</a></li><li class="c-breadcrumb__item"><a href="'
        f'{_rel(LISTING)}">Pressemitteilungen</a></li></ol></nav>\n'
        '<div class="main row"><div class="content small-12 columns" id="content">\n'
        '<div class="row align-center"><div class="small-12 medium-10 large-8 column">\n'
        f"{content}\n</div></div>\n</div></div>\n"
        '<footer id="footer" class="footer"><div class="copyright row"><div class="columns">'
        f"<p>© {OFFICE}</p></div></div>"
        '<div class="l-footer__links"><a href="DE/Service/Impressum/impressum_node.html">'
        'Impressum</a> <a href="DE/Service/Datenschutz/datenschutz_node.html">Datenschutz</a>'
        "</div></footer>\n</div></div></div>\n</body>\n</html>\n"
    )


def _figure(img: dict[str, Any]) -> str:
    who = img["credit"].removeprefix("© ")
    return (
        '<div class="c-intro__hero"><figure class="picture linksOhne banner withLoupe" '
        'style="width:960px;"><span class="wrapper">'
        f'<img src="{attr(img["path"])}" title="{attr(img["alt"])}" alt="{attr(img["alt"])}" />'
        f'</span><a class="loupe" href="{attr(img["zoom"])}" target="_blank" '
        f'title="{attr(img["alt"])} (Vergrößerung öffnet sich im neuen Fenster)">'
        '<img src="/SiteGlobals/Frontend/Images/icons/loupe-w.svg?__blob=normal&amp;v=1" '
        f'alt="{attr(img["alt"])}" /></a><button class="picture__tooltip">©</button>'
        '<figcaption class="wrapper-text textContainer">'
        f'<span class="caption">{esc(img["caption"])}</span> '
        f'<span class="source">&copy; <cite>{esc(who)}</cite></span></figcaption></figure></div>'
    )


def _download(f: dict[str, str]) -> str:
    return (
        '<p><span class="c-download-list__li"><a class="Publication c-download-list__a FTpdf" '
        f'href="{attr(_rel(f["path"]))}" title="Öffnet neues Fenster: {attr(f["title"])} (PDF, '
        f'38 KB, Datei ist nicht barrierefrei)" target="_blank">{esc(f["title"])}</a>'
        '<span class="c-download-list__info">PDF | 38 KB | Datei ist nicht barrierefrei</span>'
        "</span></p>"
    )


def _detail(page: Page) -> str:
    parts = [
        '<div class="c-intro">',
        f'<h1 class="c-intro__headline">{esc(page["title"])}</h1>',
        f'<div class="c-intro__text"><p>{esc(page["lead"])}</p></div>',
    ]
    parts += [_figure(img) for img in page["images"]]
    parts.append("</div>")
    parts.append(record_blocks(page["blocks"]))
    if page["download"]:
        parts.append(_download(page["download"]))
    parts.append(
        '<p class="c-teaser__meta"><span class="aural">Erschienen am</span> '
        f'<time datetime="{page["date"]}">{german_long(page["date"])}</time> '
        '<span class="aural">im Format </span><span>Pressemitteilung</span></p>'
    )
    links = "".join(
        f'<li class="c-linklist__li"><a href="{attr(_rel(r["url"][len(BASE) :]))}" '
        f'target="_self" class="c-linklist__l c-linklist__l--PressRelease">{esc(r["title"])}'
        "</a></li>"
        for r in page["related"]
        if r["kind"] != "other"  # (the box PDF, below)
    )
    if page["box_pdf"]:
        f = page["box_pdf"]
        links += (
            f'<li class="c-linklist__li"><a href="{attr(_rel(f["path"]))}" target="_blank" '
            f'class="c-linklist__l c-linklist__l--Publication">{esc(f["title"])}</a></li>'
        )
    parts.append(
        '<div class="l-content-wrapper"><div class="c-module-caption">'
        '<h2 class="c-module-caption__h">Mehr zum Thema</h2></div><div class="c-linklist">'
        f'<ul class="c-linklist__ul">{links}</ul></div></div>'
    )
    keywords = "".join(
        f'<li class="c-keywords__li"><a href="DE/Service/Schlagworte/schlagworte_node.html?'
        f'tag={slugify(k)}" class="c-keywords__link">{esc(k)}</a></li>'
        for k in page["keywords"]
    )
    parts.append(
        '<div class="l-content-wrapper"><div class="c-keywords"><div class="c-module-caption">'
        '<h2 class="c-module-caption__h">Schlagworte</h2></div>'
        f'<ul class="c-keywords__ul">{keywords}</ul></div></div>'
    )
    return _frame(page["title"], "\n".join(parts))


def _listing(news: list[Page]) -> dict[str, str]:
    chunks = [news[i : i + PAGE_SIZE] for i in range(0, len(news), PAGE_SIZE)]
    out = {}
    for number, chunk in enumerate(chunks, 1):
        items = "".join(
            '<div class="c-teaser c-teaser--PressRelease"><p class="c-teaser__meta">'
            f'<time datetime="{p["date"]}">{german_long(p["date"])}</time> '
            '<span>Pressemitteilung</span></p><h3 class="c-teaser__h">'
            f'<a href="{attr(_rel(p["path"]))}">{esc(p["title"])}</a></h3>'
            f'<p class="c-teaser__text">{esc(p["lead"])}</p></div>'
            for p in chunk
        )
        nav = "".join(
            f'<li><a href="{attr(_rel(_page_key(k)))}">{k}</a></li>'
            if k != number
            else f'<li><strong aria-current="page">{k}</strong></li>'
            for k in range(1, len(chunks) + 1)
        )
        content = (
            '<div class="c-intro"><h1 class="c-intro__headline">Pressemitteilungen</h1></div>'
            f'<div class="c-search-results">{items}</div>'
            f'<nav class="c-pagination"><ul class="c-pagination__list">{nav}</ul></nav>'
        )
        out[_page_key(number)] = _frame("Pressemitteilungen", content)
    return out


def _page_key(number: int) -> str:
    return LISTING if number == 1 else f"{LISTING}?gtp=4466_list%253D{number}"


# --- entry points --------------------------------------------------------------------------------


def build() -> tuple[dict[str, Response], dict[str, dict[str, Any]]]:
    pages = _pages()
    news = sorted(pages, key=lambda p: p["date"], reverse=True)
    extra = _listing(news)
    extra["/DE/Home/home_node.html"] = _frame(
        "Startseite", f'<p><a href="{_rel(LISTING)}">Pressemitteilungen</a></p>'
    )
    return press_site(BASE, pages, _detail, extra)


def resolve(target: str) -> str:
    parts = urlsplit(target)
    path = unquote(parts.path) or "/"
    query = parts.query
    if path == LISTING and query.startswith("gtp=4466_list"):
        number = unquote(unquote(query)).rsplit("=", 1)[-1]
        return _page_key(int(number)) if number.isdigit() else "/404"
    if path.startswith("/SharedDocs/") and "__blob=" in query:
        return f"{path}?{query.replace('&amp;', '&')}"
    return path


def robots_txt(crawl_delay: str = "1") -> str:
    return robots_text(BASE, crawl_delay, "/SiteGlobals/Forms/")


def config_text(port: int) -> str:
    return source_table(
        NAME,
        HOSTS,
        port,
        f"""\
title = "{OFFICE} (sample site, Government Site Builder)"
city = "Bonn"
start_urls = ["{BASE}{LISTING}"]
sitemaps = ["{BASE}/sitemap.xml"]
""",
    )
