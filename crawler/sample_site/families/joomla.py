"""Joomla 5 family (Cassiopeia template, com_content) on ``www.moerfelden-walldorf.test``.

URLs: articles ``/aktuelles/pressemitteilungen/<id>-<slug>`` (SEF with ids), one content page
``/rathaus/buergerservice``; the category blog ``/aktuelles/pressemitteilungen`` paginated with
``?start=4``; ``/sitemap.xml``; images under ``/images/presse/``, documents under
``/images/dokumente/`` and one Phoca Download link ``/downloads/category/3-satzungen?download=
<id>:<alias>``.

Markup of ``components/com_content/tmpl/article/default.php`` and the info-block layouts:
``div.com-content-article.item-page``, ``div.page-header h2[itemprop=headline]`` (the menu item
hides the page heading: the title is an ``h2``), ``dl.article-info`` with ``dd.category-name``
and ``dd.published time[datetime]`` (local offset), ``ul.tags``, ``figure.item-image`` with
``figcaption.caption`` "… (Foto: Name)", ``div.com-content-article__body``,
``nav.pagenavigation``; on two articles with an image the credit is not in the
caption but in a custom field after the text (``ul.fields-container li.field-entry`` with
``span.field-label`` "Bildnachweis: " and ``span.field-value``: the credit).

Traps: the template's header holds the site name as an ``h1`` before the headline; the
schemaorg plugin's JSON-LD gives ``datePublished`` in UTC (an article published 00:30 local is
the day before there; ``published`` is the local day); prev/next, tags, breadcrumb and the
"Aktuelle Meldungen" module (latestnews) are not related; the "Verwandte Beiträge" module
(``mod-relateditems``, plain links, no dates) in the right sidebar is. No lead (the intro text
is the first paragraph of the body); ``label`` None.
"""

from __future__ import annotations

import json
import random
from datetime import UTC
from typing import Any

from crawler.sample_site.families import (
    Page,
    TextKit,
    attr,
    esc,
    german_long,
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

NAME = "joomla"
HOSTS = ("www.moerfelden-walldorf.test", "moerfelden-walldorf.test")
BASE = "http://www.moerfelden-walldorf.test"
LISTING = "/aktuelles/pressemitteilungen"
PAGE_SIZE = 4
SEED = 64546
SITE = "Stadt Mörfelden-Walldorf"
# theme, date, time (local), images, document kind (None, "pdf", "phoca")
_ITEMS: list[tuple[Any, ...]] = [
    ("senioren", "2026-01-12", "00:30", 1, None),
    ("haushalt", "2026-02-02", "15:00", 0, "phoca"),
    ("baum", "2026-02-19", "10:45", 1, None),
    ("feuerwehr", "2026-03-09", "07:50", 1, "pdf"),
    ("buecherei", "2026-03-26", "13:10", 1, None),
    ("foerderung", "2026-04-14", "09:00", 0, "pdf"),
    ("verkehr", "2026-05-04", "23:40", 1, None),
]


def _kit(rng: random.Random) -> TextKit:
    return TextKit(
        rng,
        "Mörfelden-Walldorf",
        "Mörfelden-Walldorf",
        "Mörfelden-Walldorfer",
        ["Mörfelden", "Walldorf", "dem Gundhof", "der Waldenserstadt"],
        ["Westendstraße", "Langgasse", "Flughafenstraße", "Farmstraße"],
        ["Bürgermeister Thomas Winkler", "Erster Stadtrat Karsten Groß", "Stadträtin Ute Richter"],
    )


def _pages() -> list[Page]:
    rng = random.Random(SEED)
    kit = _kit(rng)
    arts = make_press_pages(kit, [s[:4] for s in _ITEMS])
    pages: list[Page] = []
    for n, (spec, art) in enumerate(zip(_ITEMS, arts, strict=True)):
        ident = 311 + 7 * n
        # some articles with an image name their photographer in a custom field
        # "Bildnachweis" after the text (com_fields), not in the caption
        field = bool(art["image_texts"]) and n % 3 == 0 and n > 0
        images = [
            {
                "src": f"/images/presse/{spec[1][:4]}/{art['slug'][:30]}.jpg",
                "alt": alt,
                "caption": desc,
                "credit": f"{SITE} / {art['who']}" if field else art["who"],
            }
            for alt, desc in art["image_texts"]
        ]
        blocks = [("p", art["lead"]), *art["blocks"]]
        files = []
        if spec[4] == "phoca":
            path = f"/downloads/category/3-satzungen?download={ident}:{art['slug'][:20]}"
            # the link text gives type and size; the attachment's title is the name alone
            files.append({"path": path, "title": "Haushaltssatzung 2026", "size": " (PDF, 240 KB)"})
        elif spec[4] == "pdf":
            files.append(
                {"path": f"/images/dokumente/{art['slug'][:24]}.pdf", "title": "Merkblatt"}
            )
        for f in files:
            blocks.insert(
                2,
                (
                    "p",
                    "Die Unterlagen stehen hier bereit: "
                    f"[{f['title']}{f.get('size', '')}]({f['path']}).",
                ),
            )
        pages.append(
            art
            | {
                "key": f"a{ident}",
                "id": ident,
                "path": f"{LISTING}/{ident}-{art['slug']}",
                "page_type": "press_release",
                "label": None,
                "lead": None,
                "blocks": blocks,
                "published_source": "metadata",
                "modified": None,
                "images": images,
                "attachments": files,
                "tags": [art["theme"].capitalize()],
                "credit_field": field,
            }
        )
    for p in pages:
        others = [o for o in pages if o is not p]
        p["related"] = [
            {"path": o["path"], "title": o["title"], "kind": "press", "label": None, "date": None}
            for o in sorted(rng.sample(others, k=rng.randint(2, 4)), key=lambda o: o["id"])
        ]
    art = kit.article("senioren", "Bürgerservice im Rathaus", n_paras=4)
    pages.append(
        {
            "key": "buergerservice",
            "id": 12,
            "path": "/rathaus/buergerservice",
            "page_type": "topic",
            "title": "Bürgerservice im Rathaus",
            "label": None,
            "lead": None,
            "blocks": [("p", art["lead"]), *art["blocks"]],
            "date": None,
            "modified": None,
            "images": [],
            "attachments": [],
            "related": [],
            "tags": [],
        }
    )
    return pages


# --- markup --------------------------------------------------------------------------------------


def _frame(title: str, component: str, sidebar: str, head: str = "") -> str:
    menu = "".join(
        f'<li class="nav-item item-{n}"><a href="{href}">{label}</a></li>'
        for n, (href, label) in enumerate(
            (("/", "Startseite"), (LISTING, "Aktuelles"), ("/rathaus/buergerservice", "Rathaus")),
            101,
        )
    )
    return (
        '<!DOCTYPE html>\n<html lang="de-de" dir="ltr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="Joomla! - Open Source Content Management">\n'
        f"<title>{esc(title)} - {SITE}</title>\n{head}</head>\n"
        '<body class="site com_content wrapper-static view-article no-layout no-task">\n'
        '<header class="header container-header full-width"><div class="grid-child"><div '
        f'class="navbar-brand"><h1><a class="brand-logo" href="/"><span title="{SITE}">{SITE}'
        '</span></a></h1><div class="site-description">Die Doppelstadt</div></div></div>'
        '<div class="grid-child container-nav"><nav class="navbar navbar-expand-md" '
        f'aria-label="Hauptmenü"><ul class="mod-menu mod-list nav ">{menu}</ul></nav></div>'
        "</header>\n"
        '<div class="site-grid"><div class="grid-child container-component">'
        '<nav class="mod-breadcrumbs__wrapper" aria-label="Breadcrumbs"><ol class="mod-'
        'breadcrumbs breadcrumb px-3 py-2"><li class="mod-breadcrumbs__item breadcrumb-item">'
        '<a href="/" class="pathway">Startseite</a></li><li class="mod-breadcrumbs__item '
        f'breadcrumb-item"><a href="{LISTING}" class="pathway">Pressemitteilungen</a></li></ol>'
        '</nav><div id="system-message-container" aria-live="polite"></div>\n'
        f"<main>\n{component}\n</main></div>\n"
        f'<div class="grid-child container-sidebar-right">{sidebar}</div></div>\n'
        '<footer class="container-footer footer full-width"><div class="grid-child"><div '
        f'class="mod-custom custom"><p>{SITE} · Westendstraße 8 · 64546 Mörfelden-Walldorf</p>'
        "</div></div></footer>\n</body>\n</html>\n"
    )


def _card(heading: str, inner: str) -> str:
    return (
        f'<div class="sidebar-right card "><h3 class="card-header ">{heading}</h3>'
        f'<div class="card-body">{inner}</div></div>'
    )


def _sidebar(page: Page, latest: list[Page]) -> str:
    out = []
    if page["related"]:
        items = "".join(
            f'<li><a href="{attr(r["path"])}">{esc(r["title"])}</a></li>' for r in page["related"]
        )
        out.append(
            _card(
                "Verwandte Beiträge",
                f'<ul class="mod-relateditems relateditems mod-list">{items}</ul>',
            )
        )
    items = "".join(
        f'<li itemscope itemtype="https://schema.org/Article"><a href="{attr(p["path"])}" '
        f'itemprop="url"><span itemprop="name">{esc(p["title"])}</span></a></li>'
        for p in latest
    )
    out.append(
        _card(
            "Aktuelle Meldungen", f'<ul class="mod-articleslatest latestnews mod-list">{items}</ul>'
        )
    )
    return "".join(out)


def _head(page: Page) -> str:
    if not page["date"]:
        return ""
    utc = local(page["date"], page["time"]).astimezone(UTC).isoformat()
    graph = [
        {"@type": "Organization", "@id": f"{BASE}/#/schema/Organization/base", "name": SITE},
        {
            "@type": "Article",
            "@id": f"{BASE}/#/schema/com_content/article/{page['id']}",
            "headline": page["title"],
            "datePublished": utc,
            "isPartOf": {"@id": f"{BASE}/#/schema/WebPage/base"},
        },
    ]
    return (
        '<script type="application/ld+json" class="joomla-schemaorg">'
        + json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False)
        + "</script>\n"
    )


def _article(page: Page, news: list[Page]) -> str:
    parts = [
        '<div class="com-content-article item-page" itemscope itemtype="https://schema.org/'
        'Article"><meta itemprop="inLanguage" content="de-DE">',
        f'<div class="page-header"><h2 itemprop="headline">{esc(page["title"])}</h2></div>',
    ]
    if page["date"]:
        iso = local(page["date"], page["time"]).isoformat()
        parts.append(
            '<dl class="article-info text-muted"><dt class="article-info-term">Details</dt>'
            '<dd class="createdby" itemprop="author" itemscope itemtype="https://schema.org/'
            'Person"><span class="icon-user icon-fw" aria-hidden="true"></span>Geschrieben von: '
            '<span itemprop="name">Pressestelle</span></dd><dd class="category-name"><span '
            'class="icon-folder-open icon-fw" aria-hidden="true"></span>Kategorie: <a href="'
            f'{LISTING}" itemprop="genre">Pressemitteilungen</a></dd><dd class="published">'
            '<span class="icon-calendar icon-fw" aria-hidden="true"></span><time datetime="'
            f'{iso}" itemprop="datePublished">Veröffentlicht: {german_long(page["date"])}</time>'
            "</dd></dl>"
        )
    if page["tags"]:
        parts.append(
            '<ul class="tags list-inline">'
            + "".join(
                f'<li class="list-inline-item tag-{k + 3} tag-list{k}" itemprop="keywords"><a '
                f'href="/component/tags/tag/{t.lower()}" class="btn btn-sm btn-info">{esc(t)}</a>'
                "</li>"
                for k, t in enumerate(page["tags"])
            )
            + "</ul>"
        )
    field = page.get("credit_field", False)
    for img in page["images"]:
        credit = "" if field else f" (Foto: {esc(img['credit'])})"
        parts.append(
            f'<figure class="left item-image"><img src="{attr(img["src"])}" itemprop="image" '
            f'width="800" height="533" loading="lazy" alt="{attr(img["alt"])}"><figcaption '
            f'class="caption">{esc(img["caption"])}{credit}</figcaption></figure>'
        )
    parts.append(
        '<div itemprop="articleBody" class="com-content-article__body">'
        f"{record_blocks(page['blocks'], h='h3')}</div>"
    )
    if field:  # plg_content_fields, "after display content"
        parts.append(
            '<ul class="fields-container"><li class="field-entry bildnachweis "><span class='
            '"field-label ">Bildnachweis: </span><span class="field-value ">'
            f"{esc(page['images'][0]['credit'])}</span></li></ul>"
        )
    if page in news:
        i = news.index(page)
        links = []
        if i + 1 < len(news):
            links.append(_pagenav(news[i + 1], "previous", "prev", "Vorheriger", "Zurück"))
        if i > 0:
            links.append(_pagenav(news[i - 1], "next", "next", "Nächster", "Weiter"))
        parts.append(
            '<nav class="pagenavigation" aria-label="Seitennavigation"><span class="pagination '
            f'ms-0">{"".join(links)}</span></nav>'
        )
    parts.append("</div>")
    return _frame(page["title"], "".join(parts), _sidebar(page, news[:5]), _head(page))


def _pagenav(target: Page, css: str, rel: str, word: str, label: str) -> str:
    return (
        f'<a class="btn btn-sm btn-secondary {css}" href="{attr(target["path"])}" rel="{rel}">'
        f'<span class="visually-hidden">{word} Beitrag: {esc(target["title"])}</span>'
        f'<span aria-hidden="true">{label}</span></a>'
    )


def _listing(news: list[Page]) -> list[tuple[str, str]]:
    chunks = [news[i : i + PAGE_SIZE] for i in range(0, len(news), PAGE_SIZE)]
    out = []
    for number, chunk in enumerate(chunks):
        items = "".join(
            '<div class="com-content-category-blog__item blog-item"><div class="item-content">'
            f'<div class="page-header"><h2><a href="{attr(p["path"])}">{esc(p["title"])}</a>'
            '</h2></div><dl class="article-info text-muted"><dd class="published"><time '
            f'datetime="{local(p["date"], p["time"]).isoformat()}">Veröffentlicht: '
            f"{german_long(p['date'])}</time></dd></dl><p>{esc(p['blocks'][0][1])}</p>"
            f'<p class="readmore"><a class="btn btn-secondary" href="{attr(p["path"])}">'
            "Weiterlesen …</a></p></div></div>"
            for p in chunk
        )
        pages = "".join(
            f'<li class="page-item{" active" if k == number else ""}"><a class="page-link" '
            f'href="{_listing_key(k)}">{k + 1}</a></li>'
            for k in range(len(chunks))
        )
        main = (
            '<div class="com-content-category-blog blog"><h1>Pressemitteilungen</h1><div class='
            f'"com-content-category-blog__items blog-items">{items}</div><div class="com-content-'
            'category-blog__navigation w-100"><p class="com-content-category-blog__counter '
            f'counter">Seite {number + 1} von {len(chunks)}</p><nav class="pagination__wrapper" '
            f'aria-label="Seitennummerierung"><ul class="pagination ms-0 mb-4">{pages}</ul></nav>'
            "</div></div>"
        )
        out.append((_listing_key(number), _frame("Pressemitteilungen", main, "")))
    return out


def _listing_key(number: int) -> str:
    return LISTING if number == 0 else f"{LISTING}?start={number * PAGE_SIZE}"


# --- entry points --------------------------------------------------------------------------------


def build() -> tuple[dict[str, Response], dict[str, dict[str, Any]]]:
    pages = _pages()
    news = sorted(
        (p for p in pages if p["date"]), key=lambda p: (p["date"], p["time"]), reverse=True
    )
    return simple_site(BASE, pages, lambda p: _article(p, news), _listing(news))


def resolve(target: str) -> str:
    return press_resolve(target, render_family(NAME))


def robots_txt(crawl_delay: str = "1") -> str:
    return robots_text(BASE, crawl_delay, "/administrator/")


def config_text(port: int) -> str:
    return source_table(
        NAME,
        HOSTS,
        port,
        f"""\
title = "{SITE} (sample site, Joomla 5)"
city = "Mörfelden-Walldorf"
start_urls = ["{BASE}{LISTING}"]
sitemaps = ["{BASE}/sitemap.xml"]
""",
    )
