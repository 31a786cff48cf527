"""Contao news-bundle reader (Weiterstadt) on ``www.weiterstadt.test``.

Markup after Contao's ``fe_page`` layout and the news bundle's ``mod_newsreader`` /
``news_full`` templates: ``main#main > div.inside > div.mod_article > div.mod_newsreader >
div.layout_full[itemtype=Article]`` with ``h1[itemprop=name]``, ``p.info`` (``time
[datetime][itemprop=datePublished]``, an ISO stamp with offset, and the author), content
elements ``ce_text`` and ``ce_image`` (``figure.image_container`` with ``figcaption.caption``),
attachments in ``ul.enclosure`` or a ``ce_downloads`` element (``li.download-element`` links
whose text ends in a ``span.size`` "(184,2 KiB)"), and the ``p.back`` link.

Traps: ``<base href>`` and relative URLs everywhere (images ``assets/images/…``, files
``files/…``, links ``aktuelles/<alias>.html``); releases without ``p.info`` whose only date is
the dateline opening the text ("Weiterstadt, 4. Juni 2025 – …", source ``text``); captions
with inline credits "(Foto: …)", ". Foto: …" and "Bild: …", or a credit only in a
"Bildnachweis: …" line closing the text (a credit, not body); a "Weitere Meldungen" newslist in
``aside#right`` (latest news: not related). No teaser is shown (``lead`` None). Listing
``/aktuelles.html`` paginated ``?page_n12=N``.
"""

from __future__ import annotations

import random
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from crawler.sample_site.families import (
    Page,
    TextKit,
    attr,
    esc,
    german_day,
    german_long,
    hexhash,
    press_site,
    record_blocks,
    release,
    robots_text,
    slugify,
    source_table,
)
from crawler.sample_site.render import Response

NAME = "contao"
HOSTS = ("www.weiterstadt.test", "weiterstadt.test")
BASE = "http://www.weiterstadt.test"
LISTING = "/aktuelles.html"
PAGE_SIZE = 3
SEED = 3107
# theme, date, time, info line, images (credit form), files, downloads element
_NEWS: list[tuple[Any, ...]] = [
    ("feuerwehr", "2025-01-21", "08:15", True, ["paren"], [], False),
    ("senioren", "2025-03-04", "12:30", False, ["foto"], ["Programmheft Seniorentreff"], False),
    ("baum", "2025-04-29", "09:00", True, ["bild", "paren"], [], False),
    ("wahl", "2025-06-17", "15:45", True, [], ["Wahlbekanntmachung", "Stimmbezirke"], True),
    ("verkehr", "2025-08-12", "07:30", False, ["line"], [], False),
    ("buecherei", "2025-11-04", "13:00", True, ["foto"], [], False),
]


def _kit(rng: random.Random) -> TextKit:
    return TextKit(
        rng,
        "Weiterstadt",
        "Weiterstadt",
        "Weiterstädter",
        ["Braunshardt", "Gräfenhausen", "Schneppenhausen", "Riedbahn", "der Kernstadt"],
        ["Darmstädter Straße", "Bahnhofstraße", "Carl-Ulrich-Straße", "Riedbahnstraße"],
        ["Bürgermeister Ralf Möller", "Erste Stadträtin Anja Heinz", "Stadtrat Jörg Bauer"],
    )


def _pages() -> list[Page]:
    rng = random.Random(SEED)
    kit = _kit(rng)
    pages: list[Page] = []
    for n, (theme, date, time, info, forms, files, downloads) in enumerate(_NEWS):
        page = release(kit, f"news-{n}", "", theme, date, time, info=info, downloads=downloads)
        slug = slugify(page["title"])
        page["path"] = f"/aktuelles/{slug}.html"
        # no teaser in the reader: the lead text is the first paragraph of the text
        page["blocks"].insert(0, ("p", page.pop("lead")))
        page["lead"] = None
        if not info:  # the dateline is the only date on the page
            first = page["blocks"][0][1]
            page["blocks"][0] = ("p", f"Weiterstadt, {german_long(date)} – {first}")
            page["published_source"] = "text"
        for i, form in enumerate(forms):
            alt, desc = page["image_text"] if i == 0 else kit.theme(theme)["images"][-1]
            who = rng.choice(["Petra Lorenz", "Michael Brandt", "Ayse Yilmaz"])
            h = hexhash("contao", slug, i, n=8)
            page["images"].append(
                {
                    "path": f"/assets/images/{h[0]}/{slug[:20]}-{i}-{h}.jpg",
                    "full": f"/files/presse/{slug[:20]}-{i}.jpg",
                    "alt": alt,
                    "caption": f"{desc}.",
                    "credit": f"Stadt Weiterstadt/{who}" if form != "bild" else who,
                    "form": form,
                }
            )
            if form == "line":  # the credit only in a "Bildnachweis:" line below the text
                page["credits"] = [page["images"][-1]["credit"]]
                page["credit_line"] = page["images"][-1]["credit"]
                page["images"][-1]["credit"] = None
        page["files"] = [
            {"path": f"/files/presse/{slugify(t)}.pdf", "title": t, "size": f"{98 + 17 * i},4 KiB"}
            for i, t in enumerate(files)
        ]
        pages.append(page)
    return pages


# --- markup --------------------------------------------------------------------------------------


def _rel(path: str) -> str:
    """A site path as the page writes it: relative to ``<base href>``."""
    return path.lstrip("/")


def _frame(title: str, main: str, aside: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="de">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(title)} - Stadt Weiterstadt</title>\n"
        f'<base href="{BASE}/">\n<meta name="robots" content="index,follow">\n'
        '<meta name="generator" content="Contao Open Source CMS">\n'
        '<link rel="stylesheet" href="assets/css/layout.min.css,responsive.min.css-4f0c1d2e.css">'
        '\n</head>\n<body id="top" class="mac chrome blink ch130">\n<div id="wrapper">\n'
        '<header id="header"><div class="inside"><a href="./" class="logo"><img '
        'src="files/layout/logo-weiterstadt.png" alt="Stadt Weiterstadt"></a>\n'
        '<!-- indexer::stop -->\n<nav class="mod_navigation block" id="nav">'
        '<a href="aktuelles.html#skipNavigation1" class="invisible">Navigation überspringen</a>'
        '<ul class="level_1"><li class="submenu trail first"><a href="aktuelles.html" '
        'class="submenu trail first">Aktuelles</a></li><li><a href="rathaus.html">Rathaus</a>'
        '</li><li class="last"><a href="kontakt.html" class="last">Kontakt</a></li></ul>'
        '<span id="skipNavigation1" class="invisible"></span></nav>\n<!-- indexer::continue -->'
        "\n</div></header>\n"
        '<div id="container">\n<main id="main"><div class="inside">\n'
        f'<div class="mod_article first last block" id="article-42">\n{main}\n</div>\n'
        "</div></main>\n"
        f'<aside id="right"><div class="inside">{aside}</div></aside>\n</div>\n'
        '<footer id="footer"><div class="inside"><p>Stadt Weiterstadt · Riedbahnstraße 6 · '
        '64331 Weiterstadt</p><p><a href="impressum.html">Impressum</a> | '
        '<a href="datenschutz.html">Datenschutz</a></p></div></footer>\n</div>\n'
        "</body>\n</html>\n"
    )


def _figure(img: dict[str, Any]) -> str:
    caption = {
        "paren": f"{img['caption']} (Foto: {img['credit']})",
        "foto": f"{img['caption']} Foto: {img['credit']}",
        "bild": f"{img['caption']} Bild: {img['credit']}",
        "line": img["caption"],
    }[img["form"]]
    return (
        '<div class="ce_image block"><figure class="image_container float_above" '
        f'itemscope itemtype="http://schema.org/ImageObject"><a href="{attr(_rel(img["full"]))}" '
        f'data-lightbox="lb42" title="{attr(img["alt"])}"><img src="{attr(_rel(img["path"]))}" '
        f'width="800" height="533" alt="{attr(img["alt"])}" itemprop="image"></a>'
        f'<figcaption class="caption">{esc(caption)}</figcaption></figure></div>'
    )


def _files(page: Page) -> str:
    items = "".join(
        f'<li class="download-element ext-pdf"><a href="{attr(_rel(f["path"]))}" '
        f'title="Die Datei {attr(f["path"].rsplit("/", 1)[1])} herunterladen">'
        f'{esc(f["title"])} <span class="size">({f["size"]})</span></a></li>'
        for f in page["files"]
    )
    if page["downloads"]:
        return f'<div class="ce_downloads block"><h3>Downloads</h3><ul>{items}</ul></div>'
    return f'<ul class="enclosure">{items}</ul>'


def _detail(page: Page, news: list[Page]) -> str:
    parts = [
        '<div class="mod_newsreader block">',
        '<div class="layout_full block" itemscope itemtype="http://schema.org/Article">',
        f'<h1 itemprop="name">{esc(page["title"])}</h1>',
    ]
    if page["info"]:
        parts.append(
            f'<p class="info"><time datetime="{page["date"]}T{page["time"]}:00+'
            f'{"02" if "04" <= page["date"][5:7] <= "10" else "01"}:00" '
            f'itemprop="datePublished">{german_day(page["date"])} {page["time"]}</time> '
            "von Pressestelle</p>"
        )
    blocks = page["blocks"]
    parts.append(f'<div class="ce_text block">{record_blocks(blocks[:2])}</div>')
    parts += [_figure(img) for img in page["images"]]
    line = ""
    if page.get("credit_line"):
        line = f"<p><strong>Bildnachweis:</strong> {esc(page['credit_line'])}</p>"
    if blocks[2:] or line:
        parts.append(f'<div class="ce_text block">{record_blocks(blocks[2:])}{line}</div>')
    if page["files"]:
        parts.append(_files(page))
    parts += [
        "</div>",
        "<!-- indexer::stop -->",
        '<p class="back"><a href="javascript:history.go(-1)" title="Zurück">Zurück</a></p>',
        "<!-- indexer::continue -->",
        "</div>",
    ]
    latest = "".join(
        f'<div class="layout_simple arc_1 block"><time datetime="{p["date"]}">'
        f'{german_day(p["date"])}</time> <a href="{attr(_rel(p["path"]))}" '
        f'title="Den Artikel lesen: {attr(p["title"])}">{esc(p["title"])}</a></div>'
        for p in news[:4]
        if p is not page
    )
    aside = f'<div class="mod_newslist block"><h2>Weitere Meldungen</h2>{latest}</div>'
    return _frame(page["title"], "\n".join(parts), aside)


def _listing(news: list[Page]) -> dict[str, str]:
    chunks = [news[i : i + PAGE_SIZE] for i in range(0, len(news), PAGE_SIZE)]
    out = {}
    for number, chunk in enumerate(chunks, 1):
        items = "".join(
            f'<div class="layout_latest arc_1 block" itemscope itemtype="http://schema.org/Article">'
            f'<p class="info"><time datetime="{p["date"]}">{german_day(p["date"])}</time></p>'
            f'<h2 itemprop="name"><a href="{attr(_rel(p["path"]))}" title="Den Artikel lesen: '
            f'{attr(p["title"])}">{esc(p["title"])}</a></h2>'
            f'<div class="ce_text block"><p>{esc(p["blocks"][0][1][:160])} …</p></div>'
            f'<p class="more"><a href="{attr(_rel(p["path"]))}">Weiterlesen …</a></p></div>'
            for p in chunk
        )
        links = "".join(
            f'<li><a href="{attr(_rel(_page_key(k)))}" class="link">{k}</a></li>'
            if k != number
            else f'<li><strong class="active">{k}</strong></li>'
            for k in range(1, len(chunks) + 1)
        )
        main = (
            '<div class="mod_newslist block"><h1>Aktuelles</h1>'
            f'{items}<nav class="pagination block"><ul>{links}</ul></nav></div>'
        )
        out[_page_key(number)] = _frame("Aktuelles", main)
    return out


def _page_key(number: int) -> str:
    return LISTING if number == 1 else f"{LISTING}?page_n12={number}"


# --- entry points --------------------------------------------------------------------------------


def build() -> tuple[dict[str, Response], dict[str, dict[str, Any]]]:
    pages = _pages()
    news = sorted(pages, key=lambda p: p["date"], reverse=True)
    extra = _listing(news)
    extra["/"] = _frame("Startseite", '<p><a href="aktuelles.html">Aktuelles</a></p>')
    return press_site(BASE, pages, lambda p: _detail(p, news), extra)


def resolve(target: str) -> str:
    parts = urlsplit(target)
    path = unquote(parts.path) or "/"
    query = dict(parse_qsl(parts.query))
    if path == LISTING and query.get("page_n12", "").isdigit():
        return _page_key(int(query["page_n12"]))
    return path


def robots_txt(crawl_delay: str = "1") -> str:
    return robots_text(BASE, crawl_delay, "/contao/", "/system/")


def config_text(port: int) -> str:
    return source_table(
        NAME,
        HOSTS,
        port,
        f"""\
title = "Stadt Weiterstadt (sample site, Contao news bundle)"
city = "Weiterstadt"
start_urls = ["{BASE}{LISTING}"]
sitemaps = ["{BASE}/sitemap.xml"]
""",
    )
