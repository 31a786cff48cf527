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

This module holds the family entry points (``build``, ``resolve``, ``robots_txt``,
``config_text``) and the ground truth; the posts and pages are in :mod:`.wordpress_content`,
the page templates in :mod:`.wordpress_markup`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from crawler.sample_site.families import (
    SITE_STAMP,
    Page,
    attr,
    esc,
    make_response,
    media_response,
    plain,
    source_table,
    truth_entry,
)
from crawler.sample_site.families.wordpress_content import (
    BASE,
    LISTING,
    PAGE_SIZE,
    SEED,
    _local_date,
    _pages,
    listing_target,
)
from crawler.sample_site.families.wordpress_markup import (
    _frame,
    _img_src,
    _urlset,
    entry_page,
    listing_pages,
    rss,
)
from crawler.sample_site.render import Response

__all__ = [
    "BASE",
    "HOSTS",
    "LISTING",
    "NAME",
    "PAGE_SIZE",
    "SEED",
    "build",
    "config_text",
    "entry_page",
    "listing_pages",
    "listing_target",
    "resolve",
    "robots_txt",
    "rss",
]

NAME = "wordpress"
HOSTS = ("www.hanau.test", "hanau.test")


# --- routing -------------------------------------------------------------------------------------


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
