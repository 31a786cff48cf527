"""Press-portal family (news aktuell "presseportal" story pages, Blaulicht) on
``www.presseportal.test``.

URLs: stories ``/blaulicht/pm/<customer>/<story>`` and ``/pm/<customer>/<story>`` (city
releases distributed as "ots"), the regional list ``/blaulicht/r/ruesselsheim`` (``?start=4``
for older stories), ``/sitemap.xml``; images on ``/thumbnail/story_big/…jpg``
(the portal's image cache), attachments ``/download/document/<id>-<name>.pdf``.

Markup of a story page: ``article.story`` with ``p.date`` "03.03.2026 – 10:15" (the only date:
no metadata; ``published`` from the text), ``p.customer`` with the sender, ``h1`` with the
"POL-DA: …" prefixed headline (the whole ``h1`` is the title), the story image in
``div.story-media figure`` with ``figcaption`` "… Quelle: Polizeipräsidium Südhessen"
(credit as written), the text as plain ``p`` elements starting with the location dateline
"Rüsselsheim (ots) - " (kept in the body), the ``p.originator`` "Original-Content von: …,
übermittelt durch news aktuell" (not body), a ``div.story-attachments`` list of documents.

Traps: "Weitere Meldungen: <customer>" below the story (dated teasers of the same sender) and
the "Themen in dieser Meldung" keyword list are not related (related is always empty); no lead,
no label.
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

NAME = "presseportal"
HOSTS = ("www.presseportal.test", "presseportal.test")
BASE = "http://www.presseportal.test"
LISTING = "/blaulicht/r/ruesselsheim"
PAGE_SIZE = 4
SEED = 4969
POLICE = ("4969", "Polizeipräsidium Südhessen", "POL-DA")
CITY = ("122131", "Stadt Rüsselsheim am Main", "")
# theme, date, time, images, sender, town, documents
_ITEMS: list[tuple[Any, ...]] = [
    ("feuerwehr", "2026-01-08", "11:42", 1, POLICE, "Rüsselsheim", 0),
    ("verkehr", "2026-01-27", "07:15", 1, POLICE, "Groß-Gerau", 0),
    ("kita", "2026-02-13", "13:00", 0, CITY, "Rüsselsheim am Main", 1),
    ("feuerwehr", "2026-03-03", "10:15", 1, POLICE, "Raunheim", 0),
    ("verkehr", "2026-03-30", "16:20", 0, POLICE, "Kelsterbach", 0),
    ("haushalt", "2026-04-22", "09:30", 1, CITY, "Rüsselsheim am Main", 2),
]


def _kit(rng: random.Random) -> TextKit:
    return TextKit(
        rng,
        "Rüsselsheim",
        "Rüsselsheim am Main",
        "Rüsselsheimer",
        ["Königstädten", "Haßloch", "Bauschheim", "der Innenstadt"],
        ["Mainzer Straße", "Frankfurter Straße", "Marktplatz", "Eisenstraße"],
        ["Oberbürgermeister Patrick Burghardt", "Polizeioberkommissar Jens Roth"],
    )


def _pages() -> list[Page]:
    rng = random.Random(SEED)
    kit = _kit(rng)
    arts = make_press_pages(kit, [s[:4] for s in _ITEMS], n_paras=(3, 3))
    pages: list[Page] = []
    for n, (spec, art) in enumerate(zip(_ITEMS, arts, strict=True)):
        customer, sender, prefix = spec[4]
        story = 6_160_000 + 137 * n
        section = "/blaulicht/pm" if prefix else "/pm"
        title = f"{prefix}: {spec[5]}: {art['title']}" if prefix else art["title"]
        images = [
            {
                "src": f"/thumbnail/story_big/{story}/{hexhash(story, n=16)}.jpg",
                "alt": alt,
                "caption": f"{desc}.",
                "credit": f"Quelle: {sender}",
            }
            for alt, desc in art["image_texts"]
        ]
        blocks = [("p", f"{spec[5]} (ots) - {art['lead']}")]
        blocks += [(k, t) for k, t in art["blocks"] if k != "li"]
        files = [
            {
                "path": f"/download/document/{story + k}-{art['slug'][:16]}.pdf",
                "title": ["Hintergrundinformationen", "Übersicht Termine"][k],
            }
            for k in range(spec[6])
        ]
        pages.append(
            art
            | {
                "key": f"s{n}",
                "path": f"{section}/{customer}/{story}",
                "page_type": "press_release",
                "title": title,
                "label": None,
                "lead": None,
                "blocks": blocks,
                "published_source": "text",
                "modified": None,
                "images": images,
                "attachments": files,
                "related": [],
                "sender": sender,
                "customer": customer,
                "keywords": ["Polizei", "Kriminalität"] if prefix else ["Politik", "Familie"],
            }
        )
    return pages


# --- markup --------------------------------------------------------------------------------------


def _frame(title: str, main: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="de">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(title)} | Presseportal</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n</head>\n<body>\n'
        '<header class="header"><div class="header-inner"><a class="logo" href="/">news '
        'aktuell Presseportal</a><nav class="main-nav"><ul><li><a href="/blaulicht">Blaulicht'
        '</a></li><li><a href="/wirtschaft">Wirtschaft</a></li><li><a href="/politik">Politik'
        "</a></li></ul></nav></div></header>\n"
        f'<main id="main" class="main-content"><div class="container">\n{main}\n</div></main>\n'
        '<footer class="footer"><p>© 2026 news aktuell GmbH</p><ul><li><a href="/impressum">'
        'Impressum</a></li><li><a href="/datenschutz">Datenschutz</a></li></ul></footer>\n'
        "</body>\n</html>\n"
    )


def _story(page: Page, stories: list[Page]) -> str:
    parts = [
        '<article class="story">',
        f'<p class="date">{german_day(page["date"])} – {page["time"]}</p>',
        f'<p class="customer"><a class="customer-link" href="/blaulicht/nr/{page["customer"]}">'
        f"{esc(page['sender'])}</a></p>",
        f"<h1>{esc(page['title'])}</h1>",
    ]
    for img in page["images"]:
        parts.append(
            f'<div class="story-media"><figure><a href="{attr(img["src"])}" class="image-link">'
            f'<img src="{attr(img["src"])}" alt="{attr(img["alt"])}"></a><figcaption>'
            f"{esc(img['caption'])} {esc(img['credit'])}</figcaption></figure></div>"
        )
    for kind, text in page["blocks"]:
        parts.append(f"<h2>{esc(text)}</h2>" if kind == "h2" else f"<p>{esc(text)}</p>")
    if page["attachments"]:
        parts.append(
            '<div class="story-attachments"><h2>Dokumente</h2><ul>'
            + "".join(
                f'<li><a class="attachment-link" href="{attr(a["path"])}">{esc(a["title"])}'
                "</a></li>"
                for a in page["attachments"]
            )
            + "</ul></div>"
        )
    parts.append(
        f'<p class="originator">Original-Content von: {esc(page["sender"])}, übermittelt durch '
        "news aktuell</p>"
    )
    parts.append(
        '<div class="story-keywords"><h2>Themen in dieser Meldung</h2><ul>'
        + "".join(f'<li><a href="/thema/{k.lower()}">{k}</a></li>' for k in page["keywords"])
        + "</ul></div></article>"
    )
    more = [s for s in stories if s is not page and s["customer"] == page["customer"]][:4]
    if more:
        parts.append(
            f'<section class="more-stories"><h2>Weitere Meldungen: {esc(page["sender"])}</h2>'
            '<ul class="article-list">'
            + "".join(
                f'<li><article class="news"><p class="date">{german_day(s["date"])}</p><h3>'
                f'<a href="{attr(s["path"])}">{esc(s["title"])}</a></h3></article></li>'
                for s in more
            )
            + "</ul></section>"
        )
    return _frame(page["title"], "".join(parts))


def _listing(stories: list[Page]) -> list[tuple[str, str]]:
    chunks = [stories[i : i + PAGE_SIZE] for i in range(0, len(stories), PAGE_SIZE)]
    out = []
    for number, chunk in enumerate(chunks):
        items = "".join(
            f'<li><article class="news"><div class="news-body"><p class="date">'
            f'{german_day(s["date"])} – {s["time"]}</p><h3 class="news-headline-clamp"><a href="'
            f'{attr(s["path"])}">{esc(s["title"])}</a></h3><p>{esc(s["blocks"][0][1][:180])} …'
            "</p></div></article></li>"
            for s in chunk
        )
        nav = "".join(
            f'<a class="pagination-link" href="{_listing_key(k)}">{k + 1}</a>'
            for k in range(len(chunks))
            if k != number
        )
        main = (
            '<h1 class="newsroom-title">Meldungen aus Rüsselsheim und Umgebung</h1>'
            f'<ul class="article-list">{items}</ul>'
            f'<nav class="pagination">{nav}</nav>'
        )
        out.append((_listing_key(number), _frame("Meldungen aus Rüsselsheim", main)))
    return out


def _listing_key(number: int) -> str:
    return LISTING if number == 0 else f"{LISTING}?start={number * PAGE_SIZE}"


# --- entry points --------------------------------------------------------------------------------


def build() -> tuple[dict[str, Response], dict[str, dict[str, Any]]]:
    pages = _pages()
    stories = sorted(pages, key=lambda p: (p["date"], p["time"]), reverse=True)
    return simple_site(BASE, pages, lambda p: _story(p, stories), _listing(stories))


def resolve(target: str) -> str:
    return press_resolve(target, render_family(NAME))


def robots_txt(crawl_delay: str = "1") -> str:
    return robots_text(BASE, crawl_delay, "/suche")


def config_text(port: int) -> str:
    return source_table(
        NAME,
        HOSTS,
        port,
        f"""\
title = "Presseportal Blaulicht (sample site, news aktuell story pages)"
city = "Rüsselsheim am Main"
start_urls = ["{BASE}{LISTING}"]
sitemaps = ["{BASE}/sitemap.xml"]
""",
    )
