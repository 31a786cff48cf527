"""TYPO3 EXT:news with its stock Fluid templates in bootstrap_package wrappers (Friedberg) on
``www.friedberg.test``.

Markup after georgringer/news ``Templates/News/Detail.html`` and the ``Partials/Detail``
media partials: ``div.news.news-single > div.article``, title in ``div.header > h3``, date in
``div.footer p span.news-list-date time[datetime]`` (a day, source ``metadata``), teaser in
``div.lead``, images in ``div.news-img-wrap > div.outer > div.mediaelement`` with
``p.news-img-caption`` and ``p.news-img-copyright`` (or a caption ending "(Foto: …)"), text in
``div.news-text-wrap``, then ``div.news-related-wrap`` with ``news-related-news`` (dated),
``news-related-files`` (PDFs: attachments, not related) and ``news-related-links``. The
bootstrap_package frame puts it in ``div.frame.frame-type-news_newsdetail``; the page's only
``h1`` is the site name in the navbar brand (not the title).

Traps: a "Neueste Meldungen" sidebar (latest news, dated, not related); prev/next links under
the article (not related); an external link in the related links (kind ``other``); tags in
``span.news-list-tags`` (not the label). URLs ``/aktuelles/pressemitteilungen/detail/<slug>``,
listing ``/aktuelles/pressemitteilungen`` (``/page-N``).
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
    german_day,
    hexhash,
    press_site,
    record_blocks,
    related_entry,
    release,
    robots_text,
    slugify,
    source_table,
)
from crawler.sample_site.render import Response

NAME = "typo3news"
HOSTS = ("www.friedberg.test", "friedberg.test")
BASE = "http://www.friedberg.test"
LISTING = "/aktuelles/pressemitteilungen"
PAGE_SIZE = 3
SEED = 1216
# theme, date, time, images, tags, extras
_NEWS: list[tuple[Any, ...]] = [
    ("verkehr", "2025-02-11", "09:30", 1, ["Baustelle"], {"files": ["Baustellenplan"]}),
    ("buecherei", "2025-03-19", "14:00", 2, [], {}),
    ("klima", "2025-05-06", "11:15", 1, ["Klima", "Umwelt"], {"links": True}),
    ("sport", "2025-06-24", "16:00", 1, [], {}),
    (
        "haushalt",
        "2025-09-02",
        "08:45",
        0,
        ["Finanzen"],
        {"files": ["Haushaltsplan 2026 (Entwurf)", "Haushaltsrede des Bürgermeisters"]},
    ),
    ("kita", "2025-10-15", "10:00", 1, [], {"links": True}),
]
_TOPIC = ("topic-klima", "/leben/umwelt/klimaschutz", "Klimaschutz in Friedberg", "klima")


def _kit(rng: random.Random) -> TextKit:
    return TextKit(
        rng,
        "Friedberg",
        "Friedberg (Hessen)",
        "Friedberger",
        ["Dorheim", "Bauernheim", "Ockstadt", "Fauerbach", "Bruchenbrücken", "der Kernstadt"],
        ["Kaiserstraße", "Haagstraße", "Mainzer-Tor-Anlage", "Usagasse"],
        ["Bürgermeister Kristof Heitmann", "Erste Stadträtin Marion Götz", "Stadtrat Uwe Lahn"],
    )


def _img(file: str) -> str:
    h = hexhash("img", file, n=10)
    return f"/fileadmin/_processed_/{h[0]}/{h[1]}/csm_{file}_{h}.jpg"


def _pages() -> list[Page]:
    rng = random.Random(SEED)
    kit = _kit(rng)
    pages: list[Page] = []
    for n, (theme, date, time, n_img, tags, extra) in enumerate(_NEWS):
        page = release(kit, f"news-{n}", "", theme, date, time, tags=tags)
        slug = slugify(page["title"])
        page["path"] = f"{LISTING}/detail/{slug}"
        for i in range(n_img):
            alt, desc = page["image_text"] if i == 0 else kit.theme(theme)["images"][-1]
            who = rng.choice(["Jana Weller", "Tobias Reuter", "Sandra Kühn"])
            inline = i == 1 or n % 3 == 1
            page["images"].append(
                {
                    "path": _img(f"{slug[:24]}-{i}"),
                    "full": f"/fileadmin/user_upload/presse/{slug[:24]}-{i}.jpg",
                    "alt": alt,
                    "caption": f"{desc}.",
                    "credit": who if inline else f"© Stadt Friedberg / {who}",
                    "inline": inline,
                }
            )
        for i, title in enumerate(extra.get("files", [])):
            page["files"].append(
                {"path": f"/fileadmin/user_upload/presse/{slug[:20]}-{i}.pdf", "title": title}
            )
        page["has_links"] = extra.get("links", False)
        pages.append(page)
    key, path, title, theme = _TOPIC
    topic = release(kit, key, path, theme, None, title=title, page_type="topic", lead=None)
    for n, page in enumerate(pages):
        others = [o for o in pages if o is not page and (pages.index(o) - n) % 3 == 1][:2]
        page["related"] = [related_entry(BASE, o) for o in others]
        if page["has_links"]:
            page["related"].append(related_entry(BASE, topic, "topic", dated=False))
            page["related"].append(
                {
                    "url": "https://www.wetterau.de/",
                    "title": "Wetteraukreis",
                    "kind": "other",
                    "label": None,
                    "date": None,
                }
            )
    return [*pages, topic]


# --- markup --------------------------------------------------------------------------------------


def _frame(title: str, main: str, aside: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="de-DE">\n<head>\n<meta charset="utf-8">\n'
        "<!--\n\tThis website is powered by TYPO3 - inspiring people to share!\n-->\n"
        f"<title>{esc(title)} | Kreisstadt Friedberg (Hessen)</title>\n"
        '<meta name="generator" content="TYPO3 CMS">\n</head>\n'
        '<body id="p14" class="page-14 pagelevel-2 language-0 backendlayout-subnavigation_right '
        'layout-default">\n<div id="top"></div><div class="body-bg">\n'
        '<a class="visually-hidden-focusable page-skip-link" href="#page-content">'
        "Zum Inhalt springen</a>\n"
        '<header id="page-header" class="bp-page-header navbar navbar-mainnavigation">'
        '<div class="container"><h1 class="navbar-brand"><a href="/" title="Startseite">'
        '<img class="navbar-brand-logo-normal" src="/typo3conf/ext/site/Resources/Public/'
        'Images/logo.svg" alt="Kreisstadt Friedberg (Hessen)"> Kreisstadt Friedberg (Hessen)'
        '</a></h1><nav id="mainnavigation" class="navbar-collapse"><ul class="navbar-nav">'
        f'<li class="nav-item"><a class="nav-link" href="{LISTING}">Aktuelles</a></li>'
        f'<li class="nav-item"><a class="nav-link" href="{_TOPIC[1]}">Leben</a></li>'
        "</ul></nav></div></header>\n"
        '<nav class="breadcrumb-section" aria-label="Brotkrümelnavigation"><ol class="breadcrumb">'
        '<li class="breadcrumb-item"><a class="breadcrumb-link" href="/">Startseite</a></li>'
        f'<li class="breadcrumb-item"><a class="breadcrumb-link" href="{LISTING}">'
        "Pressemitteilungen</a></li></ol></nav>\n"
        '<div id="page-content" class="bp-page-content main-section"><div class="container">'
        '<div class="row"><main class="col-md-8 maincontent-wrap" role="main">\n'
        f"{main}\n</main>\n"
        f'<aside class="col-md-4 subcontent-wrap" role="complementary">{aside}</aside>'
        "</div></div></div>\n"
        '<footer id="page-footer" class="bp-page-footer"><section class="section footer-section">'
        "<p>Kreisstadt Friedberg (Hessen) · Mainzer-Tor-Anlage 6 · 61169 Friedberg</p>"
        '<ul><li><a href="/impressum">Impressum</a></li><li><a href="/datenschutz">'
        "Datenschutz</a></li></ul></section></footer>\n</div>\n</body>\n</html>\n"
    )


def _media(page: Page) -> str:
    parts = ['<!-- media files -->\n<div class="news-img-wrap">']
    for img in page["images"]:
        parts.append(
            '<div class="outer"><div class="mediaelement mediaelement-image">'
            f'<a href="{attr(img["full"])}" title="{attr(img["caption"])}" class="lightbox" '
            f'rel="lightbox[myImageSet{page["key"]}]"><img itemprop="image" '
            f'src="{attr(img["path"])}" width="750" height="500" alt="{attr(img["alt"])}">'
            "</a></div>"
        )
        if img["inline"]:
            parts.append(
                f'<p class="news-img-caption">{esc(img["caption"])} (Foto: {esc(img["credit"])})'
                "</p>"
            )
        else:
            parts.append(
                f'<p class="news-img-caption">{esc(img["caption"])}</p>'
                f'<p class="news-img-copyright">{esc(img["credit"])}</p>'
            )
        parts.append("</div>")
    parts.append("</div>")
    return "\n".join(parts)


def _related(page: Page) -> str:
    news = [r for r in page["related"] if r["kind"] == "press"]
    links = [r for r in page["related"] if r["kind"] != "press"]
    parts = ['<!-- related things -->\n<div class="news-related-wrap">']
    if news:
        parts.append(
            '<div class="news-related news-related-news"><h4>Verwandte Nachrichten</h4><ul>'
        )
        for r in news:
            parts.append(
                f'<li><span class="news-related-news-date">{german_day(r["date"])}</span> '
                f'<a title="{attr(r["title"])}" href="{attr(r["url"][len(BASE) :])}">'
                f"{esc(r['title'])}</a></li>"
            )
        parts.append("</ul></div>")
    if page["files"]:
        parts.append('<div class="news-related news-related-files"><h4>Zugehörige Dateien</h4><ul>')
        for f in page["files"]:
            parts.append(
                f'<li><span class="news-related-files-link"><a href="{attr(f["path"])}" '
                f'target="_blank">{esc(f["title"])}</a></span> '
                '<span class="news-related-files-size">212 KB</span></li>'
            )
        parts.append("</ul></div>")
    if links:
        parts.append('<div class="news-related news-related-links"><h4>Verwandte Links</h4><ul>')
        for r in links:
            href = r["url"][len(BASE) :] if r["url"].startswith(BASE) else r["url"]
            parts.append(
                f'<li><a href="{attr(href)}" title="{attr(r["title"])}">{esc(r["title"])}</a></li>'
            )
        parts.append("</ul></div>")
    parts.append("</div>")
    return "\n".join(parts)


def _latest(news: list[Page]) -> str:
    items = "".join(
        '<div class="article articletype-0"><div class="news-list-date"><time datetime='
        f'"{p["date"]}">{german_day(p["date"])}</time></div><h3><a href="{attr(p["path"])}">'
        f"{esc(p['title'])}</a></h3></div>"
        for p in sorted(news, key=lambda p: p["date"], reverse=True)[:3]
    )
    return (
        '<div id="c88" class="frame frame-default frame-type-news_pi1"><header>'
        '<h2 class="element-header">Neueste Meldungen</h2></header><div class="news">'
        f'<div class="news-list-view news-list-latest">{items}</div></div></div>'
    )


def _detail(page: Page, news: list[Page]) -> str:
    if page["page_type"] == "topic":
        main = (
            '<div id="c501" class="frame frame-default frame-type-text">'
            '<div class="frame-container">'
            f'<header class="frame-header"><h2 class="element-header">{esc(page["title"])}</h2>'
            f'</header><div class="ce-bodytext">{record_blocks(page["blocks"])}</div></div></div>'
        )
        return _frame(page["title"], main)
    n = news.index(page)
    meta = [
        f'<span class="news-list-date"><time itemprop="datePublished" datetime="{page["date"]}">'
        f"{german_day(page['date'])}</time></span>"
    ]
    if page["tags"]:
        meta.append(
            f'<span class="news-list-tags" itemprop="keywords">{esc(" ".join(page["tags"]))}</span>'
        )
    meta.append('<span class="news-list-author">von Pressestelle</span>')
    pager = []
    if n > 0:
        pager.append(
            f'<li class="previous"><a href="{attr(news[n - 1]["path"])}" rel="prev">'
            f"« {esc(news[n - 1]['title'])}</a></li>"
        )
    if n + 1 < len(news):
        pager.append(
            f'<li class="next"><a href="{attr(news[n + 1]["path"])}" rel="next">'
            f"{esc(news[n + 1]['title'])} »</a></li>"
        )
    main = "\n".join(
        [
            '<div id="c120" class="frame frame-default frame-type-news_newsdetail frame-layout-0">'
            '<div class="frame-container"><div class="frame-inner">',
            '<div class="news news-single"><div class="article" itemscope="itemscope" '
            'itemtype="http://schema.org/Article">',
            f'<div class="header"><h3 itemprop="headline">{esc(page["title"])}</h3></div>',
            f'<div class="footer"><p>{" ".join(meta)}</p></div>',
            f'<!-- teaser -->\n<div class="lead" itemprop="description"><p>{esc(page["lead"])}'
            "</p></div>",
            _media(page) if page["images"] else "",
            '<!-- main text -->\n<div class="news-text-wrap" itemprop="articleBody">'
            f"{record_blocks(page['blocks'])}</div>",
            '<!-- Link Back -->\n<div class="news-backlink-wrap">'
            f'<a href="{LISTING}">Zurück</a></div>',
            _related(page),
            "</div></div>",
            f'<ul class="pager news-prev-next">{"".join(pager)}</ul>',
            "</div></div></div>",
        ]
    )
    return _frame(page["title"], main, _latest(news))


def _listing(news: list[Page]) -> dict[str, str]:
    chunks = [news[i : i + PAGE_SIZE] for i in range(0, len(news), PAGE_SIZE)]
    out = {}
    for number, chunk in enumerate(chunks, 1):
        items = "".join(
            '<div class="article articletype-0" itemscope="itemscope" '
            'itemtype="http://schema.org/Article"><div class="header"><h3>'
            f'<a title="{attr(p["title"])}" href="{attr(p["path"])}"><span itemprop="headline">'
            f'{esc(p["title"])}</span></a></h3></div><div class="teaser-text">'
            f'<div itemprop="description"><p>{esc(p["lead"])}</p></div></div>'
            '<div class="footer"><p><span class="news-list-date"><time datetime='
            f'"{p["date"]}">{german_day(p["date"])}</time></span></p></div></div>'
            for p in chunk
        )
        nav = "".join(
            f'<li class="page-item"><a class="page-link" href="{attr(_page_key(k))}">{k}</a></li>'
            for k in range(1, len(chunks) + 1)
            if k != number
        )
        main = (
            '<div id="c110" class="frame frame-default frame-type-news_pi1"><header>'
            '<h2 class="element-header">Pressemitteilungen</h2></header><div class="news">'
            f'<div class="news-list-view">{items}</div><nav><ul class="pagination">{nav}</ul>'
            "</nav></div></div>"
        )
        out[_page_key(number)] = _frame("Pressemitteilungen", main)
    return out


def _page_key(number: int) -> str:
    return LISTING if number == 1 else f"{LISTING}/page-{number}"


# --- entry points --------------------------------------------------------------------------------


def build() -> tuple[dict[str, Response], dict[str, dict[str, Any]]]:
    pages = _pages()
    news = [p for p in pages if p["page_type"] == "press_release"]
    latest = sorted(news, key=lambda p: p["date"], reverse=True)
    extra = _listing(latest)
    extra["/"] = _frame("Startseite", f'<p><a href="{LISTING}">Pressemitteilungen</a></p>')
    return press_site(BASE, pages, lambda p: _detail(p, news), extra)


def resolve(target: str) -> str:
    path = unquote(urlsplit(target).path) or "/"
    return path.rstrip("/") if len(path) > 1 else path


def robots_txt(crawl_delay: str = "1") -> str:
    return robots_text(BASE, crawl_delay, "/typo3/")


def config_text(port: int) -> str:
    return source_table(
        NAME,
        HOSTS,
        port,
        f"""\
title = "Kreisstadt Friedberg (sample site, TYPO3 EXT:news stock templates)"
city = "Friedberg (Hessen)"
start_urls = ["{BASE}{LISTING}"]
sitemaps = ["{BASE}/sitemap.xml"]
""",
    )
