"""OpenCms family (Mercury template, article detail pages) on ``www.giessen.test``.

URLs: articles ``/aktuelles/pressemitteilungen/<slug>/`` (the detail page of an article
resource), one content page ``/buergerservice/wertstoffhof/``, the list
``/aktuelles/pressemitteilungen/`` (``?page=2``), ``/sitemap.xml``; images and documents are
exported under ``/export/sites/giessen/.galleries/…`` and ``/export/sites/giessen/.content/…``.

Markup of Mercury's article formatter: ``div.element.type-article.detail-page``, its
``div.article-header`` with ``h1`` and the teaser text in ``div.intro`` (→ ``lead``), the
``div.visual`` with the image and its ``div.image-info``: ``div.subtitle`` (caption) and
``div.copyright`` "© Stadt Gießen / Name" (credit as written), paragraphs in
``div.detail-content``, a ``div.attachments`` list of ``a.download-link`` (title in
``span.dl-title``, type and size beside it) and a link sequence headed "Weitere Informationen"
(related: pages and PDFs mixed; a PDF is kind other and not an attachment).

Traps: no date metadata at all and no ``time``: the date is only in the dateline paragraph
"Pressemitteilung vom 3. März 2026" that opens the text (kept in the body; ``published`` from
the text); the list teasers carry other dates.
"""

from __future__ import annotations

import random
from typing import Any

from crawler.sample_site.families import (
    Page,
    TextKit,
    attr,
    esc,
    german_day,
    german_long,
    hexhash,
    record_blocks,
    render_family,
    robots_text,
    source_table,
)
from crawler.sample_site.families.simple import (
    make_press_pages,
    press_resolve,
    simple_site,
)
from crawler.sample_site.render import Response

NAME = "opencms"
HOSTS = ("www.giessen.test", "giessen.test")
BASE = "http://www.giessen.test"
LISTING = "/aktuelles/pressemitteilungen/"
PAGE_SIZE = 4
SEED = 35390
SITE = "Universitätsstadt Gießen"
_EXPORT = "/export/sites/giessen"
# theme, date, time, images, documents
_ITEMS: list[tuple[Any, ...]] = [
    ("baum", "2026-01-15", "10:00", 1, []),
    ("foerderung", "2026-02-10", "12:00", 1, [("Förderrichtlinie Vereine", "PDF", "312 KB")]),
    ("verkehr", "2026-03-03", "09:00", 1, []),
    (
        "wahl",
        "2026-03-24",
        "08:00",
        0,
        [("Bekanntmachung Wahlvorschläge", "PDF", "98 KB"), ("Vordruck", "DOCX", "41 KB")],
    ),
    ("feuerwehr", "2026-04-16", "15:30", 1, []),
    ("senioren", "2026-05-07", "11:45", 1, [("Programm Seniorenwoche", "PDF", "1,2 MB")]),
]
_INFO_PDF = (f"{_EXPORT}/.content/dokumente/stadtplan-giessen.pdf", "Stadtplan (PDF)")


def _kit(rng: random.Random) -> TextKit:
    return TextKit(
        rng,
        "Gießen",
        "Gießen",
        "Gießener",
        ["Wieseck", "Kleinlinden", "Allendorf", "Lützellinden", "Rödgen"],
        ["Berliner Platz", "Frankfurter Straße", "Marburger Straße", "Seltersweg"],
        ["Oberbürgermeister Frank-Tilo Becher", "Bürgermeister Alexander Wright"],
    )


def _pages() -> list[Page]:
    rng = random.Random(SEED)
    kit = _kit(rng)
    arts = make_press_pages(kit, [s[:4] for s in _ITEMS])
    topic_path = "/buergerservice/wertstoffhof/"
    pages: list[Page] = []
    for n, (spec, art) in enumerate(zip(_ITEMS, arts, strict=True)):
        gallery = f"{_EXPORT}/.galleries/bilder-presse/"
        images = [
            {
                "src": f"{gallery}{art['slug'][:26]}.jpg_{hexhash(art['slug'], n=10)}.jpg",
                "alt": alt,
                "caption": desc,
                "credit": f"© Stadt Gießen / {art['who']}",
            }
            for alt, desc in art["image_texts"]
        ]
        dateline = ("p", f"Pressemitteilung vom {german_long(spec[1])}")
        files = [
            {
                "path": f"{_EXPORT}/.content/dokumente/{art['slug'][:18]}-{k}.{kind.lower()}",
                "title": title,
                "kind": kind,
                "size": size,
            }
            for k, (title, kind, size) in enumerate(spec[4])
        ]
        pages.append(
            art
            | {
                "key": f"a{n}",
                "path": f"{LISTING}{art['slug']}/",
                "page_type": "notice" if spec[0] == "wahl" else "press_release",
                "label": None,
                "blocks": [dateline, *art["blocks"]],
                "published_source": "text",
                "modified": None,
                "images": images,
                "attachments": files,
            }
        )
    for n, p in enumerate(pages):
        other = pages[(n + 2) % len(pages)]
        rel = [
            {"path": other["path"], "title": other["title"], "kind": "press", "label": None}
            | {"date": None},
            {"path": topic_path, "title": "Wertstoffhof", "kind": "topic", "label": None}
            | {"date": None},
        ]
        if n % 2:
            rel.append(
                {"path": _INFO_PDF[0], "title": _INFO_PDF[1], "kind": "other", "label": None}
                | {"date": None}
            )
        p["related"] = rel
    art = kit.article("klima", "Wertstoffhof", n_paras=4)
    pages.append(
        {
            "key": "wertstoffhof",
            "path": topic_path,
            "page_type": "topic",
            "title": "Wertstoffhof",
            "label": None,
            "lead": art["lead"],
            "blocks": list(art["blocks"]),
            "date": None,
            "modified": None,
            "images": [],
            "attachments": [],
            "related": [],
        }
    )
    return pages


# --- markup --------------------------------------------------------------------------------------


def _frame(title: str, main: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="de" class="noscript">\n<head>\n<meta charset="UTF-8">\n'
        f"<title>{esc(title)} | {SITE}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f'<link rel="stylesheet" href="{_EXPORT}/system/modules/alkacon.mercury.theme/css/'
        'theme-standard.min.css">\n</head>\n<body>\n<div id="mercury-page">\n'
        '<header class="area-header fh"><div class="header-group"><div class="head-logo">'
        f'<a href="/" class="imglink"><img src="{_EXPORT}/.galleries/logos/logo.svg" alt="'
        f'{SITE}"></a></div><nav class="nav-main-container"><ul class="nav-main-items">'
        f'<li><a href="{LISTING}">Aktuelles</a></li><li><a href="/buergerservice/wertstoffhof/">'
        "Bürgerservice</a></li></ul></nav></div></header>\n"
        '<main class="area-content area-one-row"><div class="container"><div class="row">'
        f'<div class="col-lg-9 area-wide">\n{main}\n</div></div></div></main>\n'
        '<footer class="area-foot"><div class="container"><p>Universitätsstadt Gießen · '
        'Berliner Platz 1 · 35390 Gießen</p><ul class="nav-footer"><li><a href="/impressum/">'
        "Impressum</a></li></ul></div></footer>\n</div>\n</body>\n</html>\n"
    )


def _visual(img: dict[str, Any]) -> str:
    return (
        '<div class="visual"><div class="effect-box"><div class="image-src-box presized" '
        f'style="padding-bottom: 66.6%;"><img src="{attr(img["src"])}" alt="{attr(img["alt"])}" '
        'class="img-responsive" width="800" height="533"></div></div><div class="image-info">'
        f'<div class="subtitle">{esc(img["caption"])}</div><div class="copyright"><div>'
        f"{esc(img['credit'])}</div></div></div></div>"
    )


def _article(page: Page) -> str:
    parts = [
        '<div class="element type-article detail-page layout-0">',
        f'<div class="article-header heading"><h1 class="piece-heading">{esc(page["title"])}'
        "</h1></div>",
        f'<div class="intro"><p>{esc(page["lead"])}</p></div>',
    ]
    if page["images"]:
        parts.append(_visual(page["images"][0]))
    parts.append(f'<div class="detail-content">{record_blocks(page["blocks"], h="h2")}</div>')
    if page["attachments"]:
        items = "".join(
            f'<li class="list-entry"><a class="download-link" href="{attr(a["path"])}" '
            f'target="_blank"><span class="dl-title">{esc(a["title"])}</span> <span class='
            f'"dl-type">{a["kind"]}</span> <span class="dl-size">{a["size"]}</span></a></li>'
            for a in page["attachments"]
        )
        parts.append(
            '<div class="detail-addition attachments"><div class="element type-attachment-'
            f'list"><h3>Downloads</h3><ul class="list-entries">{items}</ul></div></div>'
        )
    if page["related"]:
        items = "".join(
            f'<li><a href="{attr(r["path"])}">{esc(r["title"])}</a></li>' for r in page["related"]
        )
        parts.append(
            '<div class="element type-linksequence ls-bullets"><h3>Weitere Informationen</h3>'
            f"<ul>{items}</ul></div>"
        )
    parts.append("</div>")
    return _frame(page["title"], "".join(parts))


def _listing(news: list[Page]) -> list[tuple[str, str]]:
    chunks = [news[i : i + PAGE_SIZE] for i in range(0, len(news), PAGE_SIZE)]
    out = []
    for number, chunk in enumerate(chunks, 1):
        items = "".join(
            '<li class="list-entry"><div class="teaser teaser-elaborate type-article"><div class='
            f'"teaser-body"><div class="teaser-date">{german_day(p["date"])}</div><h2 class='
            f'"teaser-title"><a href="{attr(p["path"])}">{esc(p["title"])}</a></h2><div class='
            f'"teaser-text">{esc(p["lead"])}</div></div></div></li>'
            for p in chunk
        )
        nav = "".join(
            f'<li><a href="{_listing_key(k)}">{k}</a></li>'
            for k in range(1, len(chunks) + 1)
            if k != number
        )
        main = (
            '<div class="element type-dynamic-list list-dynamic"><div class="heading"><h1>'
            f'Pressemitteilungen</h1></div><ul class="list-entries">{items}</ul><ul class='
            f'"list-pagination pagination">{nav}</ul></div>'
        )
        out.append((_listing_key(number), _frame("Pressemitteilungen", main)))
    return out


def _listing_key(number: int) -> str:
    return LISTING if number == 1 else f"{LISTING}?page={number}"


# --- entry points --------------------------------------------------------------------------------


def build() -> tuple[dict[str, Response], dict[str, dict[str, Any]]]:
    pages = _pages()
    news = sorted(
        (p for p in pages if p["date"]), key=lambda p: (p["date"], p["time"]), reverse=True
    )
    return simple_site(BASE, pages, _article, _listing(news))


def resolve(target: str) -> str:
    return press_resolve(target, render_family(NAME))


def robots_txt(crawl_delay: str = "1") -> str:
    return robots_text(BASE, crawl_delay, "/system/")


def config_text(port: int) -> str:
    return source_table(
        NAME,
        HOSTS,
        port,
        f"""\
title = "{SITE} (sample site, OpenCms Mercury)"
city = "Gießen"
start_urls = ["{BASE}{LISTING}"]
sitemaps = ["{BASE}/sitemap.xml"]
""",
    )
