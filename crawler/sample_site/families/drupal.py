"""Drupal 10 with the Olivero theme (Langen) on ``www.langen.test``.

Markup after core's Olivero ``page.html.twig`` and ``node.html.twig`` for the ``article``
content type: the title ``h1.title.page-title > span.field--name-title`` in the
``block-page-title-block`` above the node, ``article.node.node--type-article
.node--view-mode-full`` with ``div.node__meta`` (author and ``field--name-created``
``time.datetime``), ``field--name-field-image`` (no caption), the body
``text-content field--name-body`` with CKEditor 5 inline images (``figure[role=group]
.caption.caption-img`` with ``figcaption``) and the tags field ``field--name-field-tags``
("Schlagworte": taxonomy links, not related).

Traps: ``time[datetime]`` is UTC (``2025-06-04T23:30:00Z``) while the page shows the Berlin
day (``05.06.2025 - 01:30``): ``published`` is the local day; captions end in "(Foto: …)" or
"Fotos: …"; the two oldest releases are still in Drupal 7 markup (:mod:`.drupal7`: RDFa
``dc:date`` stamp, a ``field-name-field-bildunterschrift`` caption "…, Foto: …", D7 classes
``field-name-body``/``field-item``); the field image's credit is only in a "Bildnachweis"
field below the text
(``credits`` holds it, the image has none); a "Weitere Pressemitteilungen" views block (latest
news, not related) beside prev/next links. No teaser is shown (``lead`` None). URLs
``/pressemitteilungen/<yyyy>/<slug>``, listing ``/pressemitteilungen`` (``?page=N``, from 0).
"""

from __future__ import annotations

import random
from datetime import UTC
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from crawler.sample_site.families import (
    Page,
    TextKit,
    attr,
    esc,
    german_day,
    hexhash,
    local,
    press_site,
    record_blocks,
    release,
    robots_text,
    slugify,
    source_table,
)
from crawler.sample_site.families.drupal7 import legacy_page
from crawler.sample_site.render import Response

NAME = "drupal"
HOSTS = ("www.langen.test", "langen.test")
BASE = "http://www.langen.test"
LISTING = "/pressemitteilungen"
PAGE_SIZE = 3
SEED = 6225
# theme, local date, local time, field image, inline images, tags (the first two: Drupal 7)
_NEWS: list[tuple[Any, ...]] = [
    ("verkehr", "2024-10-08", "09:30", True, 0, ["Verkehr"]),
    ("buecherei", "2024-11-26", "23:40", True, 0, []),
    ("kita", "2025-02-05", "10:30", True, 0, ["Kinderbetreuung"]),
    ("sport", "2025-04-10", "00:45", True, 1, ["Sport", "Ehrenamt"]),
    ("opelvillen", "2025-05-22", "14:10", False, 2, ["Kultur"]),
    ("klima", "2025-07-01", "01:30", True, 0, []),
    ("feuerwehr", "2025-09-23", "18:00", False, 1, ["Feuerwehr"]),
    ("senioren", "2025-12-01", "00:15", True, 1, ["Soziales"]),
]


def _kit(rng: random.Random) -> TextKit:
    return TextKit(
        rng,
        "Langen",
        "Langen (Hessen)",
        "Langener",
        ["Oberlinden", "Neurott", "Linden", "dem Steinberg", "der Nordstadt"],
        ["Bahnstraße", "Südliche Ringstraße", "Wassergasse", "Darmstädter Straße"],
        ["Bürgermeister Jan Werner", "Erster Stadtrat Stefan Löbig", "Stadträtin Eva Krämer"],
    )


def _files_path(name: str, date: str) -> str:
    return f"/sites/default/files/{date[:7]}/{name}.jpg"


def _pages() -> list[Page]:
    rng = random.Random(SEED)
    kit = _kit(rng)
    pages: list[Page] = []
    for n, (theme, date, time, field_image, inline, tags) in enumerate(_NEWS):
        legacy = date < "2025"
        page = release(
            kit, f"node-{120 + n}", "", theme, date, time, tags=tags, nid=120 + n, d7=legacy
        )
        slug = slugify(page["title"])
        page["path"] = f"{LISTING}/{date[:4]}/{slug}"
        page["blocks"].insert(0, ("p", page.pop("lead")))
        page["lead"] = None
        page["credits"] = []
        if field_image and legacy:
            alt, desc = page["image_text"]
            page["images"].append(
                {
                    "path": f"/sites/default/files/presse/{slug[:20]}.jpg",
                    "alt": alt,
                    "caption": desc,
                    "credit": "Stadt Langen",
                }
            )
            page["credits"].append("Stadt Langen")
        elif field_image:
            alt = page["image_text"][0]
            who = rng.choice(["Stadt Langen/Lukas Brenner", "Stadt Langen/Mara Seidel"])
            h = hexhash("itok", slug, n=8)
            page["images"].append(
                {
                    "path": f"/sites/default/files/styles/wide/public/{date[:7]}/{slug[:20]}.jpg"
                    f"?itok={h}",
                    "alt": alt,
                    "caption": None,
                    "credit": None,
                }
            )
            page["credits"].append(f"Titelbild: {who}")
        for i in range(inline):
            alt, desc = kit.theme(theme)["images"][i % len(kit.theme(theme)["images"])]
            who = rng.choice(["Lukas Brenner", "Mara Seidel", "Privat"])
            form = "Fotos" if n % 2 else "paren"
            page["images"].append(
                {
                    "path": f"/sites/default/files/inline-images/{slug[:16]}-{i}.jpg",
                    "alt": alt,
                    "caption": f"{desc}.",
                    "credit": who,
                    "form": form,
                }
            )
            page["credits"].append(who)
        pages.append(page)
    return pages


# --- markup --------------------------------------------------------------------------------------


def _frame(title: str, main: str, sidebar: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="de" dir="ltr" style="--color--primary-hue:202;">\n<head>\n'
        '<meta charset="utf-8" />\n<meta name="Generator" content="Drupal 10 '
        '(https://www.drupal.org)" />\n<meta name="MobileOptimized" content="width" />\n'
        f"<title>{esc(title)} | Stadt Langen</title>\n</head>\n"
        '<body class="path-node page-node-type-article">\n'
        '<a href="#main-content" class="visually-hidden focusable skip-link">Direkt zum Inhalt'
        "</a>\n"
        '<div class="dialog-off-canvas-main-canvas" data-off-canvas-main-canvas>\n'
        '<div id="page-wrapper" class="page-wrapper"><div id="page">\n'
        '<header id="header" class="site-header" data-drupal-selector="site-header" '
        'role="banner"><div class="site-header__fixable"><div id="site-header__inner" '
        'class="site-header__inner"><div class="container site-header__inner__container">'
        '<div id="block-olivero-site-branding" class="site-branding block block-system '
        'block-system-branding-block"><div class="site-branding__inner"><a href="/" rel="home" '
        'class="site-branding__logo"><img src="/themes/custom/langen/logo.svg" alt="Startseite" '
        '/></a><div class="site-branding__text"><div class="site-branding__name"><a href="/" '
        'title="Startseite" rel="home">Stadt Langen</a></div></div></div></div>'
        '<div id="header-nav" class="header-nav"><nav role="navigation" '
        'aria-labelledby="block-olivero-main-menu-menu" id="block-olivero-main-menu" '
        'class="primary-nav block block-menu navigation menu--main"><h2 class="visually-hidden '
        'block__title" id="block-olivero-main-menu-menu">Hauptnavigation</h2><ul class="menu '
        f'primary-nav__menu"><li class="primary-nav__menu-item"><a href="{LISTING}" '
        'class="primary-nav__menu-link">Presse</a></li><li class="primary-nav__menu-item">'
        '<a href="/rathaus" class="primary-nav__menu-link">Rathaus</a></li></ul></nav></div>'
        "</div></div></div></header>\n"
        '<div id="main-wrapper" class="layout-main-wrapper layout-container">'
        '<div id="main" class="layout-main"><div class="main-content">'
        '<a id="main-content" tabindex="-1"></a>\n'
        '<div class="main-content__container container">\n'
        '<div class="region region--breadcrumb grid-full layout--pass--content-medium">'
        '<div id="block-olivero-breadcrumbs" class="block block-system '
        'block-system-breadcrumb-block"><nav class="breadcrumb" role="navigation" '
        'aria-labelledby="system-breadcrumb"><h2 id="system-breadcrumb" class="visually-hidden">'
        'Pfadnavigation</h2><div class="breadcrumb__content"><ol class="breadcrumb__list">'
        '<li class="breadcrumb__item"><a href="/" class="breadcrumb__link">Startseite</a></li>'
        f'<li class="breadcrumb__item"><a href="{LISTING}" class="breadcrumb__link">'
        "Pressemitteilungen</a></li></ol></div></nav></div></div>\n"
        '<div class="sidebar-grid grid-full"><main role="main" class="site-main">\n'
        f"{main}\n</main>\n"
        f'<div class="region region--sidebar">{sidebar}</div></div>\n'
        "</div></div></div></div>\n"
        '<footer class="site-footer"><div class="site-footer__inner container">'
        '<div class="region region--footer-bottom grid-full"><p>Stadt Langen · Südliche '
        'Ringstraße 80 · 63225 Langen</p><ul><li><a href="/impressum">Impressum</a></li></ul>'
        "</div></div></footer>\n</div></div>\n</div>\n</body>\n</html>\n"
    )


def _title_block(title: str) -> str:
    return (
        '<div class="region region--content-above grid-full layout--pass--content-medium">'
        '<div id="block-olivero-page-title" class="block block-core block-page-title-block">'
        '<h1 class="title page-title"><span class="field field--name-title field--type-string '
        f'field--label-hidden">{esc(title)}</span></h1></div></div>'
    )


def _inline(img: dict[str, Any]) -> str:
    if img["form"] == "paren":
        caption = f"{img['caption']} (Foto: {img['credit']})"
    else:
        caption = f"{img['caption']} Fotos: {img['credit']}"
    return (
        f'<figure role="group" class="caption caption-img"><img src="{attr(img["path"])}" '
        f'data-entity-uuid="{hexhash(img["path"], n=8)}" data-entity-type="file" '
        f'alt="{attr(img["alt"])}" width="760" height="507" loading="lazy" />'
        f"<figcaption>{esc(caption)}</figcaption></figure>"
    )


def _detail(page: Page, news: list[Page]) -> str:
    if page["d7"]:
        return legacy_page(page, LISTING)
    stamp = local(page["date"], page["time"])
    utc = stamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    field = [i for i in page["images"] if i["caption"] is None]
    inline = [i for i in page["images"] if i["caption"] is not None]
    blocks = page["blocks"]
    body = record_blocks(blocks[:2]) + "".join(map(_inline, inline)) + record_blocks(blocks[2:])
    parts = [
        _title_block(page["title"]),
        '<div class="region region--content grid-full layout--pass--content-medium" '
        'id="content"><div id="block-olivero-content" class="block block-system '
        'block-system-main-block"><div class="block__content">',
        f'<article data-history-node-id="{page["nid"]}" class="node node--type-article '
        'node--promoted node--view-mode-full">',
        '<header class=""><div class="node__meta"><span>Von <span class="field field--name-uid '
        'field--type-entity-reference field--label-hidden"><span>Pressestelle</span></span>, '
        '<span class="field field--name-created field--type-created field--label-hidden">'
        f'<time datetime="{utc}" class="datetime">{german_day(page["date"])} - {page["time"]}'
        "</time></span></span></div></header>",
        '<div class="node__content">',
    ]
    for img in field:
        parts.append(
            '<div class="field field--name-field-image field--type-image field--label-hidden '
            f'field__item"><img loading="lazy" src="{attr(img["path"])}" width="1200" '
            f'height="800" alt="{attr(img["alt"])}" /></div>'
        )
    parts.append(
        '<div class="text-content clearfix field field--name-body field--type-text-with-summary'
        f' field--label-hidden field__item">{body}</div>'
    )
    if field:
        items = "".join(
            f'<li class="field__item">{esc(c)}</li>' for c in page["credits"] if ": " in c
        )
        parts.append(
            '<div class="field field--name-field-bildnachweis field--type-string '
            'field--label-above"><h3 class="field__label">Bildnachweis</h3>'
            f'<ul class="field__items">{items}</ul></div>'
        )
    if page["tags"]:
        tags = "".join(
            f'<li class="field--tags__item"><a href="/schlagworte/{slugify(t)}" hreflang="de">'
            f"{esc(t)}</a></li>"
            for t in page["tags"]
        )
        parts.append(
            '<div class="field field--name-field-tags field--type-entity-reference '
            'field--label-above field--tags"><h3 class="field__label field--tags__label">'
            f'Schlagworte</h3><ul class="links field__items field--tags__items">{tags}</ul></div>'
        )
    n = news.index(page)
    pager = ""
    if n + 1 < len(news):
        pager += (
            f'<li class="pager__item pager__item--previous"><a href="{attr(news[n + 1]["path"])}"'
            f' rel="prev">‹ {esc(news[n + 1]["title"])}</a></li>'
        )
    if n > 0:
        pager += (
            f'<li class="pager__item pager__item--next"><a href="{attr(news[n - 1]["path"])}" '
            f'rel="next">{esc(news[n - 1]["title"])} ›</a></li>'
        )
    parts += [
        "</div></article>",
        f'<nav class="pager" role="navigation"><ul class="pager__items">{pager}</ul></nav>',
        "</div></div></div>",
    ]
    latest = "".join(
        f'<div class="views-row"><div class="views-field views-field-created"><span '
        f'class="field-content"><time datetime="{p["date"]}T08:00:00Z">{german_day(p["date"])}'
        f'</time></span></div><div class="views-field views-field-title"><span '
        f'class="field-content"><a href="{attr(p["path"])}" hreflang="de">{esc(p["title"])}</a>'
        "</span></div></div>"
        for p in news[:3]
        if p is not page
    )
    sidebar = (
        '<div class="views-element-container block block-views block-views-blockpresse-block-1"'
        ' id="block-views-block-presse-block-1"><h2 class="block__title">Weitere '
        f'Pressemitteilungen</h2><div class="block__content"><div class="view view-presse">'
        f'<div class="view-content">{latest}</div></div></div></div>'
    )
    return _frame(page["title"], "\n".join(parts), sidebar)


def _listing(news: list[Page]) -> dict[str, str]:
    chunks = [news[i : i + PAGE_SIZE] for i in range(0, len(news), PAGE_SIZE)]
    out = {}
    for number, chunk in enumerate(chunks):
        rows = "".join(
            '<div class="views-row"><article class="node node--type-article '
            'node--view-mode-teaser">'
            f'<h2 class="node__title"><a href="{attr(p["path"])}" rel="bookmark"><span '
            f'class="field field--name-title">{esc(p["title"])}</span></a></h2>'
            f'<div class="node__meta"><time datetime="{p["date"]}T08:00:00Z">'
            f'{german_day(p["date"])}</time></div><div class="node__content"><p>'
            f"{esc(p['blocks'][0][1][:150])} …</p></div></article></div>"
            for p in chunk
        )
        pages = "".join(
            f'<li class="pager__item"><a href="{attr(_page_key(k))}">{k + 1}</a></li>'
            for k in range(len(chunks))
            if k != number
        )
        main = (
            _title_block("Pressemitteilungen")
            + f'<div class="view view-presse"><div class="view-content">{rows}</div>'
            f'<nav class="pager" role="navigation"><ul class="pager__items">{pages}</ul></nav>'
            "</div>"
        )
        out[_page_key(number)] = _frame("Pressemitteilungen", main)
    return out


def _page_key(number: int) -> str:
    return LISTING if number == 0 else f"{LISTING}?page={number}"


# --- entry points --------------------------------------------------------------------------------


def build() -> tuple[dict[str, Response], dict[str, dict[str, Any]]]:
    pages = _pages()
    news = sorted(pages, key=lambda p: (p["date"], p["time"]), reverse=True)
    extra = _listing(news)
    extra["/"] = _frame("Startseite", f'<p><a href="{LISTING}">Pressemitteilungen</a></p>')
    return press_site(BASE, pages, lambda p: _detail(p, news), extra)


def resolve(target: str) -> str:
    parts = urlsplit(target)
    path = unquote(parts.path) or "/"
    query = dict(parse_qsl(parts.query))
    if path == LISTING and query.get("page", "").isdigit():
        return _page_key(int(query["page"]))
    if path.startswith("/sites/default/files/styles/") and "itok" in query:
        return f"{path}?itok={query['itok']}"
    return path.rstrip("/") if len(path) > 1 else path


def robots_txt(crawl_delay: str = "1") -> str:
    return robots_text(BASE, crawl_delay, "/admin/", "/user/", "/node/add/")


def config_text(port: int) -> str:
    return source_table(
        NAME,
        HOSTS,
        port,
        f"""\
title = "Stadt Langen (sample site, Drupal 10 Olivero)"
city = "Langen (Hessen)"
start_urls = ["{BASE}{LISTING}"]
sitemaps = ["{BASE}/sitemap.xml"]
""",
    )
