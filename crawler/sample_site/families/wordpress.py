"""WordPress family (Hanau style: Yoast JSON-LD, Jetpack) on ``www.hanau.test``.

URLs: posts ``/<yyyy>/<mm>/<slug>/`` (no day: no URL date), also as the shortlink ``/?p=<id>``
and with Jetpack's ``?relatedposts_hit=1&relatedposts_origin=…&relatedposts_position=…``;
pages ``/leben-in-hanau/klimaschutz/`` and a legacy CamelCase ``/Kultur/…html``; category
listing ``/presse/`` with ``/presse/page/N/``; feeds ``/feed/`` and ``/presse/feed/``;
``/wp-sitemap.xml`` (index → ``/wp-sitemap-posts-post-1.xml``, ``…-page-1.xml``).

Traps: cookie banner, a screen-reader ``h1.site-title`` and the sidebar widget area (office
hours, "Neueste Beiträge" with dates) come BEFORE the article in source order; the title is
``h1.entry-title``; ``label`` is the first ``span.cat-links a``; no lead (``lead`` None);
``div.entry-content`` also holds the Jetpack sharing buttons and the related-posts box
"Das könnte Sie auch interessieren" (neither is body); captions end in "Quelle: Stadt Hanau /
Name" (credit as written). Dates: ``article:published_time`` and ``time.entry-date`` carry the
local offset; Yoast JSON-LD gives UTC (``+00:00`` or ``Z``), so a post published 00:20 local in
winter (or 01:30 in summer) is the previous day in JSON-LD. ``published`` is the local date;
``modified`` is the local date of ``article:modified_time``/``dateModified`` (given in UTC, e.g.
``2025-06-04T22:30:00+00:00`` → ``2025-06-05``). Pages carry dates only in JSON-LD (WebPage).
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from crawler.sample_site.families import (
    BERLIN,
    SITE_STAMP,
    Page,
    TextKit,
    attr,
    esc,
    german_long,
    local,
    make_response,
    media_response,
    plain,
    slugify,
    source_table,
    truth_entry,
)
from crawler.sample_site.render import Response

NAME = "wordpress"
HOSTS = ("www.hanau.test", "hanau.test")
BASE = "http://www.hanau.test"
LISTING = "/presse/"
PAGE_SIZE = 5
SEED = 63450
_PRESS = "Pressemitteilungen"

# id, theme, categories, local date, time, modified (UTC ISO or None), images, json-ld style
_POSTS: list[tuple[Any, ...]] = [
    (1201, "verkehr", (_PRESS, "Verkehr"), "2025-01-13", "11:00", None, 1, "+00:00"),
    (1215, "kita", (_PRESS,), "2025-02-03", "09:30", None, 1, "Z"),
    (1228, "haushalt", (_PRESS,), "2025-03-04", "00:20", None, 0, "+00:00"),
    (1240, "klima", (_PRESS, "Umwelt"), "2025-03-31", "14:15", "2025-04-02T07:05:00+00:00", 2, "Z"),
    (1252, "wahl", ("Bekanntmachungen", _PRESS), "2025-04-22", "08:00", None, 0, "+00:00"),
    (1267, "buecherei", (_PRESS, "Kultur"), "2025-05-15", "16:40", None, 1, "+00:00"),
    (1279, "feuerwehr", (_PRESS,), "2025-06-03", "10:10", "2025-06-04T22:30:00+00:00", 1, "Z"),
    (1290, "sport", (_PRESS, "Sport"), "2025-07-01", "01:30", None, 1, "Z"),
    (1304, "senioren", (_PRESS,), "2025-07-24", "12:00", None, 0, "+00:00"),
    (1318, "foerderung", (_PRESS,), "2025-08-28", "13:45", None, 1, "+00:00"),
    (1331, "baum", (_PRESS, "Umwelt"), "2025-09-18", "09:00", None, 1, "Z"),
    (1345, "verkehr", (_PRESS, "Verkehr"), "2025-10-09", "15:30", None, 0, "+00:00"),
    (1358, "klima", (_PRESS, "Umwelt"), "2025-10-30", "23:45", None, 1, "+00:00"),
    (1372, "kita", (_PRESS,), "2025-11-24", "10:00", "2025-11-25T09:00:00Z", 1, "Z"),
]
# id, path, title, theme, published (local), modified (local)
_PAGES = [
    (
        88,
        "/leben-in-hanau/klimaschutz/",
        "Klimaschutz in Hanau",
        "klima",
        ("2023-05-10", "10:00"),
        ("2025-02-14", "00:30"),
    ),
    (
        95,
        "/Kultur/Brueder-Grimm-Festspiele.html",
        "Brüder Grimm Festspiele",
        "buecherei",
        ("2022-03-01", "09:00"),
        ("2025-04-01", "12:00"),
    ),
]


def _kit(rng: random.Random) -> TextKit:
    return TextKit(
        rng,
        "Hanau",
        "Hanau",
        "Hanauer",
        ["Großauheim", "Steinheim", "Kesselstadt", "Lamboy", "Wolfgang", "Klein-Auheim"],
        ["Nürnberger Straße", "Hospitalstraße", "Leipziger Straße", "Am Markt"],
        [
            "Oberbürgermeister Claus Kaminsky",
            "Bürgermeister Maximilian Bieri",
            "Stadträtin Isabelle Hemsley",
            "Stadtrat Thomas Morlock",
        ],
    )


def _utc(date: str, time: str, style: str = "+00:00") -> str:
    value = local(date, time).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return value + style


def _local_date(iso: str) -> str:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(BERLIN).date().isoformat()


def _pages() -> list[Page]:
    rng = random.Random(SEED)
    kit = _kit(rng)
    out: list[Page] = []
    for pid, theme, cats, date, time, modified, n_img, style in _POSTS:
        art = kit.article(
            theme, n_paras=rng.randint(3, 4), subhead=rng.random() < 0.7, items=rng.random() < 0.4
        )
        slug = slugify(art["title"])
        blocks = [("p", art["lead"]), *art["blocks"]]  # no lead field: the lead is paragraph 1
        images = []
        for n in range(n_img):
            alt, desc = kit.theme(theme)["images"][n % 2]
            who = rng.choice(["Moritz Göbel", "Patricia Lauer", "Erhan Yilmaz"])
            images.append(
                {
                    "file": f"{date[:4]}/{date[5:7]}/{slug[:28]}-{n}",
                    "alt": alt if rng.random() < 0.8 else "",
                    "caption": desc,
                    "credit": f"Quelle: Stadt Hanau / {who}",
                }
            )
        out.append(
            {
                "key": f"post-{pid}",
                "id": pid,
                "kind": "post",
                "path": f"/{date[:4]}/{date[5:7]}/{slug}/",
                "page_type": "notice" if cats[0] == "Bekanntmachungen" else "press_release",
                "cats": cats,
                "theme": theme,
                "title": art["title"],
                "excerpt": art["lead"],
                "blocks": blocks,
                "date": date,
                "time": time,
                "modified": modified,
                "style": style,
                "images": images,
                "related": [],
            }
        )
    posts = list(out)
    for p in posts:
        same = [
            o["key"]
            for o in posts
            if o is not p and (set(o["cats"][1:]) & set(p["cats"][1:]) or o["theme"] == p["theme"])
        ]
        others = [o["key"] for o in posts if o is not p and o["key"] not in same]
        p["related"] = (same + rng.sample(others, k=3))[:3]
    for pid, path, title, theme, (date, time), (mdate, mtime) in _PAGES:
        art = kit.article(theme, title, n_paras=4, subhead=True, items=True)
        alt, desc = art["image"]
        out.append(
            {
                "key": f"page-{pid}",
                "id": pid,
                "kind": "page",
                "path": path,
                "page_type": "topic",
                "cats": (),
                "title": title,
                "excerpt": art["lead"],
                "blocks": [("p", art["lead"]), *art["blocks"]],
                "date": date,
                "time": time,
                "modified": _utc(mdate, mtime, "+00:00"),
                "style": "+00:00",
                "images": [
                    {
                        "file": f"2023/05/{slugify(title)}",
                        "alt": alt,
                        "caption": desc,
                        "credit": "Quelle: Stadt Hanau / Archiv",
                    }
                ],
                "related": [],
            }
        )
    return out


# --- URLs ----------------------------------------------------------------------------------------


def listing_target(number: int) -> str:
    return LISTING if number == 1 else f"{LISTING}page/{number}/"


def resolve(target: str) -> str:
    parts = urlsplit(target)
    path = unquote(parts.path) or "/"
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    if path == "/" and (query.get("p") or query.get("page_id")):
        wanted = (
            int(query.get("p") or query.get("page_id") or 0)
            if (query.get("p") or query.get("page_id") or "").isdigit()
            else -1
        )
        return _id_paths().get(wanted, "/404")
    if not path.endswith(("/", ".html", ".xml", ".txt", ".jpg", ".pdf")):
        path += "/"
    return path


def _id_paths() -> dict[int, str]:
    return {p["id"]: p["path"] for p in _pages()}


# --- markup --------------------------------------------------------------------------------------


def _img_src(file: str) -> str:
    return f"/wp-content/uploads/{file}-1024x683.jpg"


def _rich(text: str) -> str:
    return esc(plain(text))


def _blocks(blocks: list[tuple[str, str]]) -> str:
    out, in_list = [], False
    for kind, text in blocks:
        if (kind == "li") != in_list:
            out.append('<ul class="wp-block-list">' if kind == "li" else "</ul>")
            in_list = kind == "li"
        if kind == "li":
            out.append(f"<li>{_rich(text)}</li>")
        elif kind == "p":
            out.append(f"<p>{_rich(text)}</p>")
        else:
            out.append(f'<{kind} class="wp-block-heading">{_rich(text)}</{kind}>')
    if in_list:
        out.append("</ul>")
    return "\n".join(out)


def _figure(img: dict[str, Any]) -> str:
    src = _img_src(img["file"])
    return (
        f'<figure class="wp-block-image size-large"><img decoding="async" width="1024" '
        f'height="683" src="{attr(src)}" alt="{attr(img["alt"])}" class="wp-image-1" '
        f'srcset="{attr(src)} 1024w, {attr(src.replace("-1024x683", "-300x200"))} 300w">'
        f'<figcaption class="wp-element-caption">{esc(img["caption"])} '
        f"{esc(img['credit'])}</figcaption></figure>"
    )


def _sidebar(posts: list[Page]) -> str:
    recent = "".join(
        f'<li><a href="{attr(p["path"])}">{esc(p["title"])}</a> <span class='
        f'"post-date">{german_long(p["date"])}</span></li>'
        for p in posts[:5]
    )
    return (
        '<aside id="secondary" class="widget-area" role="complementary">'
        '<section id="search-2" class="widget widget_search"><form role="search" action="/">'
        '<label><span class="screen-reader-text">Suche nach:</span><input name="s"></label>'
        "</form></section>"
        '<section id="text-3" class="widget widget_text"><h2 class="widget-title">Bürgerservice'
        '</h2><div class="textwidget"><p>Neustädter Rathaus, Am Markt 14–18, 63450 Hanau. '
        "Öffnungszeiten: Montag bis Freitag 8 bis 12 Uhr, Donnerstag zusätzlich 14 bis 18 Uhr. "
        "Termine für Pass- und Meldeangelegenheiten vereinbaren Sie bitte online oder telefonisch "
        "über die Behördennummer 115.</p><p>Die Kfz-Zulassungsstelle ist am ersten Samstag im "
        "Monat zusätzlich von 9 bis 12 Uhr geöffnet.</p></div></section>"
        '<section id="recent-posts-2" class="widget widget_recent_entries"><h2 class='
        f'"widget-title">Neueste Beiträge</h2><ul>{recent}</ul></section></aside>'
    )


def _frame(title: str, main: str, head: str, body_class: str, posts: list[Page]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="de-DE">\n<head>\n<meta charset="UTF-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)} – Stadt Hanau</title>\n{head}"
        '<meta name="generator" content="WordPress 6.5.2">\n'
        '<link rel="alternate" type="application/rss+xml" title="Stadt Hanau » Feed" '
        f'href="{BASE}/feed/">\n</head>\n<body class="{body_class}">\n'
        '<div id="cookie-law-info-bar" role="dialog" aria-label="Cookie-Hinweis"><span>Diese '
        "Website verwendet Cookies, um Ihnen den bestmöglichen Service zu gewährleisten. Wenn Sie "
        "auf der Seite weitersurfen, stimmen Sie der Cookie-Nutzung zu. Weitere Informationen "
        'finden Sie in unserer Datenschutzerklärung.</span> <a role="button" class="cli_action_'
        'button">Akzeptieren</a> <a href="/datenschutz/">Mehr erfahren</a></div>\n'
        '<a class="skip-link screen-reader-text" href="#primary">Zum Inhalt springen</a>\n'
        '<div id="page" class="site"><header id="masthead" class="site-header">'
        '<div class="site-branding"><h1 class="site-title screen-reader-text"><a href="/" '
        'rel="home">Stadt Hanau</a></h1><p class="site-description">Brüder-Grimm-Stadt</p></div>'
        '<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">'
        f'<li><a href="/">Start</a></li><li><a href="{LISTING}">Presse</a></li>'
        '<li><a href="/leben-in-hanau/klimaschutz/">Klimaschutz</a></li>'
        '<li><a href="/Kultur/Brueder-Grimm-Festspiele.html">Kultur</a></li></ul></nav>'
        "</header>\n"
        f'<div id="content" class="site-content">\n{_sidebar(posts)}\n'
        f'<div id="primary" class="content-area"><main id="main" class="site-main">\n{main}\n'
        "</main></div></div>\n"
        '<footer id="colophon" class="site-footer"><div class="site-info">© 2025 Stadt Hanau · '
        '<a href="/impressum/">Impressum</a> · <a href="/datenschutz/">Datenschutz</a></div>'
        "</footer></div>\n</body>\n</html>\n"
    )


def _head(page: Page) -> str:
    published = local(page["date"], page["time"]).isoformat()
    graph: list[dict[str, Any]] = []
    ld_pub = _utc(page["date"], page["time"], page["style"])
    node: dict[str, Any] = {
        "@type": "NewsArticle" if page["kind"] == "post" else "WebPage",
        "@id": f"{BASE}{page['path']}#article",
        "headline": page["title"],
        "datePublished": ld_pub,
    }
    if page["modified"]:
        node["dateModified"] = page["modified"]
    graph.append(node)
    graph.append(
        {
            "@type": "Organization",
            "@id": f"{BASE}/#organization",
            "name": "Stadt Hanau",
            "url": f"{BASE}/",
        }
    )
    og_type = "article" if page["kind"] == "post" else "website"
    head = [
        f'<link rel="canonical" href="{BASE}{attr(page["path"])}">',
        f'<link rel="shortlink" href="{BASE}/?p={page["id"]}">',
        '<meta property="og:locale" content="de_DE">',
        f'<meta property="og:type" content="{og_type}">',
        f'<meta property="og:title" content="{attr(page["title"])}">',
    ]
    if page["kind"] == "post":
        head.append(f'<meta property="article:published_time" content="{published}">')
    if page["modified"]:
        head.append(f'<meta property="article:modified_time" content="{page["modified"]}">')
    head.append(
        '<script type="application/ld+json" class="yoast-schema-graph">'
        + json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False)
        + "</script>"
    )
    return "\n".join(head) + "\n"


def _related_box(page: Page, by_key: dict[str, Page]) -> str:
    items = []
    for pos, key in enumerate(page["related"]):
        t = by_key[key]
        href = (
            f"{t['path']}?relatedposts_hit=1&relatedposts_origin={page['id']}"
            f"&relatedposts_position={pos}"
        )
        items.append(
            f'<div class="jp-relatedposts-post jp-relatedposts-post{pos}" data-post-id="{t["id"]}">'
            f'<h4 class="jp-relatedposts-post-title"><a class="jp-relatedposts-post-a" href='
            f'"{attr(href)}" title="{attr(t["title"])}" rel="nofollow">{esc(t["title"])}</a>'
            f'</h4><p class="jp-relatedposts-post-date">{german_long(t["date"])}</p>'
            f'<p class="jp-relatedposts-post-context">In „{esc(t["cats"][0])}“</p></div>'
        )
    return (
        '<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-'
        'headline"><em>Das könnte Sie auch interessieren</em></h3><div class="jp-related'
        'posts-items jp-relatedposts-items-minimal">' + "".join(items) + "</div></div>"
    )


def entry_page(page: Page, by_key: dict[str, Page], posts: list[Page]) -> str:
    is_post = page["kind"] == "post"
    parts = [
        f'<article id="post-{page["id"]}" class="post-{page["id"]} '
        f'{"post type-post" if is_post else "page type-page"} status-publish hentry">',
        '<header class="entry-header">',
    ]
    if is_post:
        cats = ", ".join(
            f'<a href="/{"presse" if c == _PRESS else c.lower()}/" rel="category tag">{esc(c)}</a>'
            for c in page["cats"]
        )
        parts.append(f'<div class="entry-meta"><span class="cat-links">{cats}</span></div>')
    parts.append(f'<h1 class="entry-title">{esc(page["title"])}</h1>')
    if is_post:
        pub = local(page["date"], page["time"]).isoformat()
        updated = ""
        if page["modified"]:
            updated = (
                f'<time class="updated" datetime="{page["modified"]}">'
                f"{german_long(_local_date(page['modified']))}</time>"
            )
        parts.append(
            f'<div class="entry-meta"><span class="posted-on">Veröffentlicht am <a href='
            f'"{attr(page["path"])}" rel="bookmark"><time class="entry-date published" '
            f'datetime="{pub}">{german_long(page["date"])}</time>{updated}</a></span>'
            '<span class="byline"> von <span class="author vcard">Pressestelle</span>'
            "</span></div>"
        )
    parts.append('</header>\n<div class="entry-content">')
    blocks = page["blocks"]
    if page["images"]:
        parts.append(_blocks(blocks[:1]))
        parts.append(_figure(page["images"][0]))
        parts.append(_blocks(blocks[1:-1]))
        parts += [_figure(img) for img in page["images"][1:]]
        parts.append(_blocks(blocks[-1:]))
    else:
        parts.append(_blocks(blocks))
    if is_post:
        share = f"{BASE}{page['path']}"
        parts.append(
            '<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent '
            'sd-block sd-social"><h3 class="sd-title">Teilen mit:</h3><ul><li><a class='
            f'"share-facebook" href="{attr(share)}?share=facebook">Facebook</a></li>'
            f'<li><a class="share-email" href="{attr(share)}?share=email">E-Mail</a>'
            "</li></ul></div></div>"
        )
        parts.append(_related_box(page, by_key))
    parts.append("</div>")
    if is_post:
        tags = "".join(f'<a href="/tag/{c.lower()}/" rel="tag">{esc(c)}</a>' for c in page["cats"])
        parts.append(
            f'<footer class="entry-footer"><span class="tags-links">Schlagwörter: {tags}'
            "</span></footer>"
        )
    parts.append("</article>")
    body_class = (
        f"post-template-default single single-post postid-{page['id']}"
        if is_post
        else f"page-template-default page page-id-{page['id']}"
    )
    return _frame(page["title"], "\n".join(parts), _head(page), body_class, posts)


def listing_pages(posts: list[Page]) -> list[str]:
    chunks = [posts[i : i + PAGE_SIZE] for i in range(0, len(posts), PAGE_SIZE)]
    out = []
    for number, chunk in enumerate(chunks, 1):
        items = "".join(
            f'<article id="post-{p["id"]}" class="post-{p["id"]} post type-post hentry">'
            f'<header class="entry-header"><h2 class="entry-title"><a href="{attr(p["path"])}" '
            f'rel="bookmark">{esc(p["title"])}</a></h2><div class="entry-meta"><time class='
            f'"entry-date published" datetime="{local(p["date"], p["time"]).isoformat()}">'
            f'{german_long(p["date"])}</time></div></header><div class="entry-summary"><p>'
            f"{esc(p['excerpt'])} […]</p></div></article>"
            for p in chunk
        )
        nav = [
            '<nav class="navigation pagination" aria-label="Beiträge"><h2 class="screen-'
            'reader-text">Beitragsnavigation</h2><div class="nav-links">'
        ]
        if number > 1:
            nav.append(
                f'<a class="prev page-numbers" href="{listing_target(number - 1)}">Zurück</a>'
            )
        for n in range(1, len(chunks) + 1):
            nav.append(
                f'<span aria-current="page" class="page-numbers current">{n}</span>'
                if n == number
                else f'<a class="page-numbers" href="{BASE}{listing_target(n)}">{n}</a>'
            )
        if number < len(chunks):
            nav.append(
                f'<a class="next page-numbers" href="{listing_target(number + 1)}">Weiter</a>'
            )
        nav.append("</div></nav>")
        main = (
            f'<header class="page-header"><h1 class="page-title">Kategorie: <span>{_PRESS}'
            f"</span></h1></header>{items}{''.join(nav)}"
        )
        title = f"{_PRESS} Archive" + (f" – Seite {number}" if number > 1 else "")
        out.append(_frame(title, main, "", "archive category category-presse", posts))
    return out


def rss(posts: list[Page], link: str) -> str:
    items = "".join(
        f"<item><title>{esc(p['title'])}</title><link>{BASE}{p['path']}</link>"
        f"<dc:creator><![CDATA[Pressestelle]]></dc:creator>"
        f"<pubDate>{format_datetime(local(p['date'], p['time']).astimezone(UTC))}</pubDate>"
        + "".join(f"<category><![CDATA[{c}]]></category>" for c in p["cats"])
        + f'<guid isPermaLink="false">{BASE}/?p={p["id"]}</guid>'
        f"<description><![CDATA[{p['excerpt']} […]]]></description></item>"
        for p in posts[:10]
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:dc="http://purl.'
        'org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        f"<title>Stadt Hanau</title><link>{BASE}{link}</link><description>Brüder-Grimm-Stadt"
        f"</description><language>de-DE</language>{items}</channel></rss>\n"
    )


def _urlset(pages: list[Page]) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
        'schemas/sitemap/0.9">'
        + "".join(f"<url><loc>{BASE}{attr(p['path'])}</loc></url>" for p in pages)
        + "</urlset>\n"
    )


# --- build ---------------------------------------------------------------------------------------


def _truth(page: Page, by_key: dict[str, Page]) -> dict[str, Any]:
    images = [
        {
            "src": BASE + _img_src(i["file"]),
            "alt": i["alt"] or None,
            "caption": i["caption"],
            "credit": i["credit"],
        }
        for i in page["images"]
    ]
    related = [
        {
            "url": BASE + by_key[k]["path"],
            "title": by_key[k]["title"],
            "kind": "press",
            "label": by_key[k]["cats"][0],
            "date": by_key[k]["date"],
        }
        for k in page["related"]
    ]
    return truth_entry(
        BASE,
        page,
        label=page["cats"][0] if page["cats"] else None,
        body="\n\n".join(plain(t) for _, t in page["blocks"]),
        published=page["date"],
        published_source="metadata",
        modified=_local_date(page["modified"]) if page["modified"] else None,
        images=images,
        related=related,
        credits=[i["credit"] for i in images],
    )


def build() -> tuple[dict[str, Response], dict[str, dict[str, Any]]]:
    pages = _pages()
    by_key = {p["key"]: p for p in pages}
    posts = sorted(
        (p for p in pages if p["kind"] == "post"),
        key=lambda p: (p["date"], p["time"]),
        reverse=True,
    )
    html = "text/html; charset=UTF-8"
    site: dict[str, Response] = {}
    for p in pages:
        stamp = (
            max((p["date"], p["time"]), (_local_date(p["modified"]), "12:00"))
            if (p["modified"])
            else (p["date"], p["time"])
        )
        site[p["path"]] = make_response(entry_page(p, by_key, posts).encode(), html, stamp)
        for img in p["images"]:
            site[_img_src(img["file"])] = media_response(_img_src(img["file"]))
    for number, text in enumerate(listing_pages(posts), 1):
        site[listing_target(number)] = make_response(text.encode(), html, SITE_STAMP)
    feed_type = "application/rss+xml; charset=UTF-8"
    site["/feed/"] = make_response(rss(posts, "/").encode(), feed_type, SITE_STAMP)
    site["/presse/feed/"] = make_response(rss(posts, LISTING).encode(), feed_type, SITE_STAMP)
    xml = "application/xml; charset=UTF-8"
    children = ("/wp-sitemap-posts-post-1.xml", "/wp-sitemap-posts-page-1.xml")
    index = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.'
        'org/schemas/sitemap/0.9">'
        + "".join(f"<sitemap><loc>{BASE}{c}</loc></sitemap>" for c in children)
        + "</sitemapindex>\n"
    )
    site["/wp-sitemap.xml"] = make_response(index.encode(), xml, SITE_STAMP)
    site[children[0]] = make_response(_urlset(posts).encode(), xml, SITE_STAMP)
    site[children[1]] = make_response(
        _urlset([p for p in pages if p["kind"] == "page"]).encode(), xml, SITE_STAMP
    )
    home = (
        '<h1 class="page-title">Willkommen in Hanau</h1><ul>'
        + "".join(f'<li><a href="{attr(p["path"])}">{esc(p["title"])}</a></li>' for p in posts[:4])
        + f'</ul><p><a href="{LISTING}">Alle Pressemitteilungen</a></p>'
    )
    site["/"] = make_response(
        _frame("Startseite", home, "", "home", posts).encode(), html, SITE_STAMP
    )
    truth = {BASE + p["path"]: _truth(p, by_key) for p in sorted(pages, key=lambda p: p["path"])}
    return site, truth


def robots_txt(crawl_delay: str = "1") -> str:
    return (
        "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n"
        f"Crawl-delay: {crawl_delay}\n\nSitemap: {BASE}/wp-sitemap.xml\n"
    )


def config_text(port: int) -> str:
    return source_table(
        NAME,
        HOSTS,
        port,
        f"""\
title = "Stadt Hanau (sample site, WordPress)"
city = "Hanau"
start_urls = ["{BASE}{LISTING}"]
feeds = ["{BASE}/feed/"]
sitemaps = ["{BASE}/wp-sitemap.xml"]
# Jetpack related posts append ?relatedposts_hit=1&relatedposts_origin=…&relatedposts_position=…
# (same page, rel=canonical without them); ?share=… links are buttons, not pages
exclude = ['[?&](relatedposts_hit|share)=']
""",
    )
