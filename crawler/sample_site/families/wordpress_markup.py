"""The WordPress family's page templates: theme frame with cookie banner and sidebar, Yoast
head (JSON-LD), posts and pages with Jetpack sharing and related posts, the category listing,
feeds and sitemap url sets. Content comes from :mod:`.wordpress_content`; :mod:`.wordpress`
assembles the site from these.
"""

from __future__ import annotations

import json
from datetime import UTC
from email.utils import format_datetime
from typing import Any

from crawler.sample_site.families import Page, attr, esc, german_long, local, plain
from crawler.sample_site.families.wordpress_content import (
    _PRESS,
    BASE,
    LISTING,
    PAGE_SIZE,
    _local_date,
    _utc,
    listing_target,
)


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
