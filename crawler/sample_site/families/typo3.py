"""TYPO3 + EXT:news family (Darmstadt / Kreis Groß-Gerau style) on ``www.darmstadt.test``.

URLs: detail ``/aktuelles/news/<slug>``; the same record also answers as
``/aktuelles/news?tx_news_pi1[action]=detail&tx_news_pi1[controller]=News&tx_news_pi1[news]=<uid>
&cHash=<hex>`` (also on ``/index.php?id=87&…``; a wrong or missing cHash is a 404) and as
``…/<slug>?sword_list[0]=<word>&no_cache=1`` (search highlight: same text, words wrapped in
``span.ce-sword``). Listing ``/aktuelles/news`` paginated by ``ul.f3-widget-paginator`` with
``tx_news_pi1[@widget_0][currentPage]=N&cHash=…``; RSS ``/?type=9818`` (guids ``news-<uid>``);
sitemap index ``/sitemap.xml``; topic pages ``/leben-in-darmstadt/…``; an org page.

Traps: the title is an ``h3`` in ``div.header`` (the page's only ``h1`` is the plugin header
"Pressemitteilungen"), split into ``span.news-kicker`` (→ ``label``) and the headline
(→ ``title``); two records share a headline, the second slug gets the suffix ``-40``; Kreis
releases start their body with the uppercase dateline "KREIS GROSS-GERAU – " (kept in the body;
``published`` comes from ``div.news-list-date time[datetime]``, source ``metadata``); dated
items in the "Verwandte Nachrichten" box; PDFs in ``div.news-related-files`` (not body, not
related); captions end in "Foto: Stadt Darmstadt / Name" (→ caption before, credit after
"Foto: "). No modified metadata: ``modified`` is None everywhere.

This module holds the family entry points (``build``, ``resolve``, ``robots_txt``,
``config_text``) and the ground truth; the records and URL builders are in
:mod:`.typo3_content`, the page templates in :mod:`.typo3_markup`.
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
    render_family,
    source_table,
    truth_entry,
)
from crawler.sample_site.families.typo3_content import (
    _Q,
    BASE,
    LISTING,
    PAGE_SIZE,
    RSS_KEY,
    SEED,
    SITEMAP_KEYS,
    _pages,
    chash,
    detail_query,
    page_target,
    sword_target,
)
from crawler.sample_site.families.typo3_markup import (
    _frame,
    _img_src,
    _pdf,
    _urlset,
    content_page,
    listing_pages,
    news_page,
    rss,
    sword_word,
)
from crawler.sample_site.render import Response

__all__ = [
    "BASE",
    "HOSTS",
    "LISTING",
    "NAME",
    "PAGE_SIZE",
    "RSS_KEY",
    "SEED",
    "SITEMAP_KEYS",
    "build",
    "chash",
    "config_text",
    "content_page",
    "detail_query",
    "listing_pages",
    "news_page",
    "page_target",
    "resolve",
    "robots_txt",
    "rss",
    "sword_target",
    "sword_word",
]

NAME = "typo3"
HOSTS = ("www.darmstadt.test", "darmstadt.test")


# --- routing -------------------------------------------------------------------------------------


def resolve(target: str) -> str:
    parts = urlsplit(target)
    path = unquote(parts.path) or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    if path in (LISTING, "/index.php") and query.get(_Q["action"]) == "detail":
        uid = query.get(_Q["news"], "")
        if uid.isdigit() and query.get("cHash") == chash("news", int(uid)):
            return _uid_paths().get(int(uid), "/404")
        return "/404"
    if path == LISTING and _Q["page"] in query:
        number = query[_Q["page"]]
        if number.isdigit() and query.get("cHash") == chash("page", int(number)):
            return page_target(int(number))
        return "/404"
    if path == "/" and query.get("type") == "9818":
        return RSS_KEY
    if path == "/sitemap.xml" and query.get("sitemap"):
        return f"/sitemap.xml?sitemap={query['sitemap']}&type={query.get('type', '')}"
    word = query.get("sword_list[0]") or query.get("sword_list[]")
    if word:
        key = sword_target(path, word)
        return key if key in _resources() else path
    return path


def _uid_paths() -> dict[int, str]:
    return {p["uid"]: p["path"] for p in _pages() if "uid" in p}


def _resources() -> dict[str, Response]:
    return render_family(NAME)


# --- build ---------------------------------------------------------------------------------------


def _truth(page: Page, by_key: dict[str, Page]) -> dict[str, Any]:
    images = [
        {
            "src": BASE + _img_src(i["file"]),
            "alt": i["alt"],
            "caption": i["caption"],
            "credit": i["credit"],
        }
        for i in page["images"]
    ]
    related = []
    for r in page["related"]:
        t = by_key[r["key"]]
        kind = {"press_release": "press", "notice": "press", "topic": "topic", "org_unit": "org"}[
            t["page_type"]
        ]
        related.append(
            {
                "url": BASE + t["path"],
                "title": t["title"],
                "kind": kind,
                "label": None,
                "date": t["date"] if kind == "press" else None,
            }
        )
    blocks = [plain(text) for _, text in page["blocks"]]
    return truth_entry(
        BASE,
        page,
        label=page["kicker"],
        lead=page["lead"],
        body="\n\n".join(blocks),
        published=page["date"],
        published_source="metadata" if page["date"] else None,
        images=images,
        related=related,
        credits=[i["credit"] for i in images if i["credit"]],
        attachments=(
            [{"url": BASE + _pdf(page), "title": "Bekanntmachung (PDF)"}]
            if page.get("files")
            else []
        ),
    )


def build() -> tuple[dict[str, Response], dict[str, dict[str, Any]]]:
    pages = _pages()
    by_key = {p["key"]: p for p in pages}
    news = sorted(
        (p for p in pages if "uid" in p), key=lambda p: (p["date"], p["time"]), reverse=True
    )
    html = "text/html; charset=utf-8"
    site: dict[str, Response] = {}
    for p in pages:
        stamp = (p["date"], p.get("time", "10:00")) if p["date"] else SITE_STAMP
        text = news_page(p, by_key) if "uid" in p else content_page(p)
        site[p["path"]] = make_response(text.encode(), html, stamp)
        for img in p["images"]:
            for src in (_img_src(img["file"]), f"/fileadmin/user_upload/{img['file']}.jpg"):
                site[src] = media_response(src)
        if p.get("files"):
            site[_pdf(p)] = media_response(_pdf(p))
    for p in news:  # search-highlight duplicates linked from related boxes
        if any(r["sword"] and r["key"] == p["key"] for o in pages for r in o["related"]):
            text = news_page(p, by_key, sword=sword_word(p))
            site[sword_target(p["path"], sword_word(p))] = make_response(
                text.encode(), html, (p["date"], p["time"])
            )
    for number, text in enumerate(listing_pages(news), 1):
        site[page_target(number)] = make_response(text.encode(), html, SITE_STAMP)
    site[RSS_KEY] = make_response(
        rss(news).encode(), "application/rss+xml; charset=utf-8", SITE_STAMP
    )
    xml = "application/xml; charset=utf-8"
    index = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.'
        'org/schemas/sitemap/0.9">'
        + "".join(f"<sitemap><loc>{BASE}{attr(k)}</loc></sitemap>" for k in SITEMAP_KEYS[1:])
        + "</sitemapindex>\n"
    )
    site[SITEMAP_KEYS[0]] = make_response(index.encode(), xml, SITE_STAMP)
    site[SITEMAP_KEYS[1]] = make_response(
        _urlset([p["path"] for p in news]).encode(), xml, SITE_STAMP
    )
    site[SITEMAP_KEYS[2]] = make_response(
        _urlset(["/", LISTING] + [p["path"] for p in pages if "uid" not in p]).encode(),
        xml,
        SITE_STAMP,
    )
    home = (
        '<div class="frame"><h1>Willkommen in der Wissenschaftsstadt Darmstadt</h1><ul>'
        + "".join(f'<li><a href="{attr(p["path"])}">{esc(p["title"])}</a></li>' for p in news[:4])
        + f'</ul><p><a href="{LISTING}">Alle Meldungen</a></p></div>'
    )
    site["/"] = make_response(_frame("Startseite", home).encode(), html, SITE_STAMP)
    truth = {BASE + p["path"]: _truth(p, by_key) for p in sorted(pages, key=lambda p: p["path"])}
    return site, truth


def robots_txt(crawl_delay: str = "1") -> str:
    return (
        "User-agent: *\nDisallow: /typo3/\nDisallow: /typo3temp/\nDisallow: /suche\n"
        f"Crawl-delay: {crawl_delay}\n\nSitemap: {BASE}/sitemap.xml\n"
    )


def config_text(port: int) -> str:
    return source_table(
        NAME,
        HOSTS,
        port,
        f"""\
title = "Wissenschaftsstadt Darmstadt (sample site, TYPO3 + EXT:news)"
city = "Darmstadt"
start_urls = ["{BASE}{LISTING}"]
feeds = ["{BASE}{RSS_KEY}"]
sitemaps = ["{BASE}/sitemap.xml"]
profile = "typo3"                 # built-in site profile (crawler/extract/profiles.py)
# detail records also answer as ?tx_news_pi1[...]&cHash=... (same page, rel=canonical to the
# slug URL); every record is in the sitemap under its slug, so skip the query form
exclude = ['tx_news_pi1(?:\\[|%5B)action']
""",
    )
