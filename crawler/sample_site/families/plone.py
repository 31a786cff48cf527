"""Plone 6 classic family (News Items) on ``www.bensheim.test``.

URLs: news items ``/aktuelles/pressemitteilungen/<id>`` (Plone ids: the slugged title), one
document ``/leben/ehrenamt``, files ``/dokumente/<name>.pdf`` (their view ``…/view``, their
download ``…/@@download/file``), the news folder ``/aktuelles/pressemitteilungen`` (a
collection, ``?b_start:int=4`` for the next batch), ``/sitemap.xml``; images
``…/<id>/@@images/image-768-<hash>.jpeg``.

Markup of plone.app.contenttypes' ``newsitem.pt`` and plone.app.layout's viewlets:
``h1.documentFirstHeading``, ``div.documentByLine`` with ``span.documentPublished`` /
``span.documentModified`` holding ISO stamps (local offset) in ``span.pat-moment`` (visible
text: ``published_source`` text),
``p.documentDescription`` (→ ``lead``), ``figure.newsImageContainer`` with
``figcaption.discreet`` "… (Foto: Stadt Bensheim)" (→ credit after "Foto: "),
``div#parent-fieldname-text``, the related-items viewlet ``section#section-related`` whose
heading is ``header.section-heading`` "Verwandte Inhalte" (no ``h2``): news items and files
(``…pdf/view`` links, kind other) mixed.

Traps: ``<base href>`` ends in ``/`` (the item's URL as a folder): the related items are
relative links ``../<id>`` and resolve against the base, not the page URL; the breadcrumbs
(``nav#portal-breadcrumbs``) and the news portlet "Nachrichten" with dates are not related; file
downloads in the text are ``…/@@download/file`` links (attachments, the extension not at the
end of the path).
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
    hexhash,
    local,
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

NAME = "plone"
HOSTS = ("www.bensheim.test", "bensheim.test")
BASE = "http://www.bensheim.test"
LISTING = "/aktuelles/pressemitteilungen"
PAGE_SIZE = 4
SEED = 64625
SITE = "Stadt Bensheim"
# theme, date, time, images, modified (local day or None), download in the text
_ITEMS: list[tuple[Any, ...]] = [
    ("klima", "2026-01-20", "10:00", 1, None, False),
    ("wahl", "2026-02-05", "08:30", 0, "2026-02-06", True),
    ("buecherei", "2026-02-24", "14:20", 1, None, False),
    ("sport", "2026-03-12", "17:05", 1, "2026-03-13", False),
    ("haushalt", "2026-04-01", "11:00", 0, None, True),
    ("kita", "2026-04-21", "09:15", 1, None, False),
]
_FILES = [
    ("/dokumente/satzung-ehrenamtskarte.pdf", "Satzung Ehrenamtskarte"),
    ("/dokumente/haushaltsplan-2026.pdf", "Haushaltsplan 2026"),
    ("/dokumente/stadtplan-bensheim.pdf", "Stadtplan Bensheim"),
]


def _kit(rng: random.Random) -> TextKit:
    return TextKit(
        rng,
        "Bensheim",
        "Bensheim",
        "Bensheimer",
        ["Auerbach", "Schönberg", "Zell", "Gronau", "der Weststadt"],
        ["Hauptstraße", "Rodensteinstraße", "Darmstädter Straße", "Am Wambolterhof"],
        ["Bürgermeisterin Christine Klein", "Erster Stadtrat Adil Oyan", "Stadtrat Jan Merz"],
    )


def _pages() -> list[Page]:
    rng = random.Random(SEED)
    kit = _kit(rng)
    arts = make_press_pages(kit, [s[:4] for s in _ITEMS])
    pages: list[Page] = []
    for n, (spec, art) in enumerate(zip(_ITEMS, arts, strict=True)):
        path = f"{LISTING}/{art['slug']}"
        images = [
            {
                "src": f"{path}/@@images/image-768-{hexhash(path, n=12)}.jpeg",
                "alt": art["title"],
                "caption": desc,
                "credit": SITE,
            }
            for _, desc in art["image_texts"]
        ]
        blocks = list(art["blocks"])
        files = []
        if spec[5]:
            fpath, ftitle = _FILES[n % 2]
            files.append({"path": f"{fpath}/@@download/file", "title": f"{ftitle} (PDF)"})
            blocks.insert(1, ("p", f"Zum Herunterladen: [{ftitle} (PDF)]({fpath}/@@download/file)"))
        pages.append(
            art
            | {
                "key": f"n{n}",
                "path": path,
                "page_type": "press_release",
                "label": None,
                "blocks": blocks,
                "published_source": "text",  # the byline's stamp is visible text
                "modified": spec[4],
                "images": images,
                "attachments": files,
            }
        )
    for n, p in enumerate(pages):
        others = [o for o in pages if o is not p]
        rel = [
            {"path": o["path"], "title": o["title"], "kind": "press", "label": None, "date": None}
            for o in rng.sample(others, k=2)
        ]
        if n % 2 == 0:
            fpath, ftitle = _FILES[(n // 2) % 3]
            rel.append(
                {
                    "path": f"{fpath}/view",
                    "title": ftitle,
                    "kind": "other",
                    "label": None,
                    "date": None,
                }
            )
        p["related"] = rel
    art = kit.article("senioren", "Ehrenamt in Bensheim", n_paras=4)
    pages.append(
        {
            "key": "ehrenamt",
            "path": "/leben/ehrenamt",
            "page_type": "topic",
            "title": "Ehrenamt in Bensheim",
            "label": None,
            "lead": art["lead"],
            "blocks": list(art["blocks"]),
            "date": None,
            "modified": None,
            "images": [],
            "attachments": [],
            "related": [
                {
                    "path": _FILES[0][0] + "/view",
                    "title": _FILES[0][1],
                    "kind": "other",
                    "label": None,
                    "date": None,
                }
            ],
        }
    )
    return pages


# --- markup --------------------------------------------------------------------------------------


def _frame(page_path: str, title: str, content: str, portlet: str) -> str:
    crumbs = "".join(
        f'<li><a href="{href}">{label}</a></li>'
        for href, label in (("/", "Startseite"), ("/aktuelles", "Aktuelles"), (LISTING, "Presse"))
    )
    return (
        '<!DOCTYPE html>\n<html lang="de">\n<head>\n<meta charset="utf-8">\n'
        f'<base href="{BASE}{attr(page_path)}/">\n'
        f"<title>{esc(title)} — {SITE}</title>\n"
        '<meta name="generator" content="Plone - https://plone.org/">\n</head>\n'
        '<body class="portaltype-news-item site-Plone section-aktuelles template-newsitem_view '
        'frontend icons-on thumbs-on">\n<div class="outer-wrapper">\n'
        '<header id="content-header"><div id="portal-top" class="container"><div id="portal-'
        f'header"><a id="portal-logo" title="{SITE}" href="{BASE}"><img alt="{SITE}" src="'
        f'{BASE}/++resource++plone-logo.svg"></a><div id="portal-searchbox"><form action="'
        f'{BASE}/@@search"><input name="SearchableText"></form></div></div></div>'
        '<div id="mainnavigation-wrapper"><nav id="portal-globalnav" class="plone-nav"><ul>'
        f'<li><a href="{BASE}/aktuelles">Aktuelles</a></li><li><a href="{BASE}/leben">Leben in '
        "Bensheim</a></li></ul></nav></div></header>\n"
        '<div id="above-content-wrapper"><nav id="portal-breadcrumbs" aria-label="breadcrumb">'
        f'<ol class="breadcrumb">{crumbs}</ol></nav></div>\n'
        '<div class="container"><div class="row"><aside id="global_statusmessage"></aside>'
        '</div><main id="main-container" class="row"><section id="portal-column-content" '
        f'class="col-xs-12 col-md-9">\n<article id="content">{content}</article>\n</section>'
        '<aside id="portal-column-two" class="col-xs-12 col-md-3">'
        f"{portlet}</aside></main></div>\n"
        '<footer id="portal-footer-wrapper"><div id="portal-footer"><p>Stadt Bensheim · '
        f'Kirchbergstraße 18 · 64625 Bensheim</p><a href="{BASE}/impressum">Impressum</a></div>'
        "</footer>\n</div>\n</body>\n</html>\n"
    )


def _portlet(news: list[Page]) -> str:
    items = "".join(
        f'<li class="portletItem"><a href="{BASE}{attr(p["path"])}" class="tile contenttype-news-'
        f'item">{esc(p["title"])}<span class="portletItemDetails">{german_day(p["date"])}'
        "</span></a></li>"
        for p in news[:4]
    )
    return (
        '<div class="portletWrapper"><section class="portlet portletNews"><header class='
        f'"portletHeader"><a href="{BASE}{LISTING}">Nachrichten</a></header><ul class="'
        f'portletContent">{items}</ul></section></div>'
    )


def _byline(page: Page) -> str:
    if not page["date"]:
        return ""
    stamp = local(page["date"], page["time"]).isoformat()
    parts = [
        '<div id="viewlet-below-content-title"><div class="documentByLine" id="plone-document-'
        'byline"><span class="documentAuthor">von <a href="'
        f'{BASE}/author/presse">Pressestelle</a></span> — <span class="documentPublished">'
        f'<span>veröffentlicht</span> <span class="pat-moment" data-pat-moment="format:'
        f'relative">{stamp}</span></span>'
    ]
    if page["modified"]:
        mod = local(page["modified"], "08:45").isoformat()
        parts.append(
            ' <span class="documentModified"><span>zuletzt verändert:</span> <span class='
            f'"pat-moment" data-pat-moment="format:relative">{mod}</span></span>'
        )
    parts.append("</div></div>")
    return "".join(parts)


def _item(page: Page, news: list[Page]) -> str:
    parts = [
        '<header><div id="viewlet-above-content-title"></div>'
        f'<h1 class="documentFirstHeading">{esc(page["title"])}</h1>{_byline(page)}',
        f'<p class="documentDescription">{esc(page["lead"])}</p></header>',
        '<div id="viewlet-above-content-body"></div><div id="content-core">',
    ]
    for img in page["images"]:
        parts.append(
            f'<figure class="newsImageContainer"><a href="{BASE}{attr(page["path"])}/@@images/'
            f'image/large" class="pat-plone-modal"><img class="newsImage" src="{BASE}'
            f'{attr(img["src"])}" alt="{attr(img["alt"])}" width="768" height="512"></a>'
            f'<figcaption class="discreet">{esc(img["caption"])} (Foto: {esc(img["credit"])})'
            "</figcaption></figure>"
        )
    parts.append(f'<div id="parent-fieldname-text" class="">{record_blocks(page["blocks"])}</div>')
    parts.append('</div><div id="viewlet-below-content-body">')
    if page["related"]:
        items = "".join(
            f'<li class="list-group-item"><a href="{_relative(page, r)}" class="contenttype-'
            f'{"file" if r["kind"] == "other" else "news-item"}">{esc(r["title"])}</a></li>'
            for r in page["related"]
        )
        parts.append(
            '<div class="relatedItems"><div class="visualClear" id="clear-space-before-'
            'relatedItemBox"></div><section id="section-related"><header class="section-'
            f'heading">Verwandte Inhalte</header><ul class="list-group">{items}</ul></section>'
            "</div>"
        )
    parts.append("</div>")
    return _frame(page["path"], page["title"], "".join(parts), _portlet(news))


def _relative(page: Page, rel: dict[str, Any]) -> str:
    """The href of a related item: ``../<id>`` for a sibling (against the ``<base>``), the
    site path otherwise."""
    if rel["path"].startswith(LISTING + "/") and page["path"].startswith(LISTING + "/"):
        return attr("../" + rel["path"].rsplit("/", 1)[1])
    return attr(rel["path"])


def _listing(news: list[Page]) -> list[tuple[str, str]]:
    chunks = [news[i : i + PAGE_SIZE] for i in range(0, len(news), PAGE_SIZE)]
    out = []
    for number, chunk in enumerate(chunks):
        items = "".join(
            f'<article class="tileItem"><h2 class="tileHeadline"><a href="{BASE}{attr(p["path"])}'
            f'" class="summary url">{esc(p["title"])}</a></h2><div class="documentByLine">'
            f'<span class="documentPublished">{german_day(p["date"])}</span></div><p class="'
            f'tileBody"><span class="description">{esc(p["lead"])}</span></p></article>'
            for p in chunk
        )
        nav = "".join(
            f'<li class="page-item"><a class="page-link" href="{BASE}{_listing_key(k)}">'
            f"{k + 1}</a></li>"
            for k in range(len(chunks))
            if k != number
        )
        content = (
            '<header><h1 class="documentFirstHeading">Pressemitteilungen</h1></header><div id='
            f'"content-core"><div class="entries">{items}</div><nav class="pagination"><ul>{nav}'
            "</ul></nav></div>"
        )
        out.append((_listing_key(number), _frame(LISTING, "Pressemitteilungen", content, "")))
    return out


def _listing_key(number: int) -> str:
    return LISTING if number == 0 else f"{LISTING}?b_start:int={number * PAGE_SIZE}"


# --- entry points --------------------------------------------------------------------------------


def build() -> tuple[dict[str, Response], dict[str, dict[str, Any]]]:
    pages = _pages()
    news = sorted(
        (p for p in pages if p["date"]), key=lambda p: (p["date"], p["time"]), reverse=True
    )
    return simple_site(BASE, pages, lambda p: _item(p, news), _listing(news))


def resolve(target: str) -> str:
    return press_resolve(target, render_family(NAME))


def robots_txt(crawl_delay: str = "1") -> str:
    return robots_text(BASE, crawl_delay, "/@@search")


def config_text(port: int) -> str:
    return source_table(
        NAME,
        HOSTS,
        port,
        f"""\
title = "{SITE} (sample site, Plone 6 classic)"
city = "Bensheim"
start_urls = ["{BASE}{LISTING}"]
sitemaps = ["{BASE}/sitemap.xml"]
""",
    )
