"""The TYPO3 family's page templates: frame, news detail (with search highlight), content
pages, paginated listing, RSS and sitemap url sets. Records and URLs come from
:mod:`.typo3_content`; :mod:`.typo3` assembles the site from these.
"""

from __future__ import annotations

import re
from email.utils import format_datetime
from typing import Any

from crawler.sample_site.families import Page, attr, esc, german_day, hexhash, local, plain
from crawler.sample_site.families.typo3_content import (
    BASE,
    LISTING,
    PAGE_SIZE,
    RSS_KEY,
    detail_query,
    page_target,
    sword_target,
)


def _img_src(file: str) -> str:
    h = hexhash("img", file, n=10)
    return f"/fileadmin/_processed_/{h[0]}/{h[1]}/csm_{file}_{h}.jpg"


def _text(text: str, sword: str | None) -> str:
    """Escape; ``[label](href)`` → link; wrap ``sword`` in ``span.ce-sword`` (text only)."""
    out, pos = [], 0

    def mark(chunk: str) -> str:
        chunk = esc(chunk)
        if not sword:
            return chunk
        return re.sub(rf"(?i)\b({re.escape(sword)})", r'<span class="ce-sword">\1</span>', chunk)

    for m in re.finditer(r"\[([^\]]+)\]\(([^)]+)\)", text):
        out.append(mark(text[pos : m.start()]))
        out.append(f'<a href="{attr(m.group(2))}">{mark(m.group(1))}</a>')
        pos = m.end()
    out.append(mark(text[pos:]))
    return "".join(out)


def _blocks(blocks: list[tuple[str, str]], sword: str | None = None) -> str:
    out, in_list = [], False
    for kind, text in blocks:
        if (kind == "li") != in_list:
            out.append("<ul>" if kind == "li" else "</ul>")
            in_list = kind == "li"
        tag = "li" if kind == "li" else kind
        out.append(f"<{tag}>{_text(text, sword)}</{tag}>")
    if in_list:
        out.append("</ul>")
    return "\n".join(out)


def _frame(title: str, main: str, head: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="de-DE">\n<head>\n<meta charset="utf-8">\n'
        "<!--\n\tThis website is powered by TYPO3 - inspiring people to share!\n-->\n"
        f"<title>{esc(title)}: Wissenschaftsstadt Darmstadt</title>\n"
        '<meta name="generator" content="TYPO3 CMS">\n'
        '<link rel="alternate" type="application/rss+xml" title="Pressemitteilungen" '
        f'href="{RSS_KEY}">\n{head}</head>\n<body id="p87">\n'
        '<div id="cookieman-modal" class="modal" data-cookieman-showonce="1"><p>Diese Website '
        "verwendet Cookies. Mit Klick auf „Alle akzeptieren“ stimmen Sie der Nutzung zu.</p>"
        '<button type="button">Alle akzeptieren</button></div>\n'
        '<header id="header"><a class="logo" href="/"><img src="/typo3conf/ext/site/Resources/'
        'Public/Images/logo.svg" alt="Wissenschaftsstadt Darmstadt"></a>'
        '<nav id="mainnav"><ul><li><a href="/">Startseite</a></li>'
        f'<li><a href="{LISTING}">Aktuelles</a></li>'
        '<li><a href="/leben-in-darmstadt/umwelt/stadtbaeume">Leben in Darmstadt</a></li>'
        '<li><a href="/rathaus/aemter/umweltamt">Rathaus</a></li></ul></nav>'
        '<form class="searchbox" action="/suche" method="get"><input name="q">'
        "<button>Suchen</button></form></header>\n"
        f'<main id="content">\n{main}\n</main>\n'
        '<footer id="footer"><p>Wissenschaftsstadt Darmstadt · Luisenplatz 5 · 64283 Darmstadt'
        f'</p><ul><li><a href="{RSS_KEY}">RSS</a></li><li><a href="/sitemap.xml">Sitemap</a>'
        '</li><li><a href="/impressum">Impressum</a></li></ul></footer>\n</body>\n</html>\n'
    )


def _head(page: Page) -> str:
    title = f"{page['kicker']}: {page['title']}" if page.get("kicker") else page["title"]
    desc = page.get("lead") or plain(page["blocks"][0][1])
    return (
        f'<meta name="description" content="{attr(desc)}">\n'
        f'<meta property="og:title" content="{attr(title)}">\n'
        f'<link rel="canonical" href="{BASE}{attr(page["path"])}">\n'
    )


def _figure(img: dict[str, Any], css: str) -> str:
    caption = img["caption"]
    if img["credit"]:
        caption += f" Foto: {img['credit']}"
    src = _img_src(img["file"])
    return (
        f'<figure class="{css}"><a class="lightbox" href="/fileadmin/user_upload/'
        f'{attr(img["file"])}.jpg"><img src="{attr(src)}" alt="{attr(img["alt"])}" '
        'width="800" height="533"></a>'
        f'<figcaption class="image-caption">{esc(caption)}</figcaption></figure>'
    )


def sword_word(page: Page) -> str:
    """The search word of a page's highlight duplicate: its lead's first long word."""
    return next(w for w in re.findall(r"\w{7,}", page["lead"])).lower()


def _href(page: Page, sword: bool) -> str:
    return sword_target(page["path"], sword_word(page)) if sword else page["path"]


def news_page(page: Page, by_key: dict[str, Page], sword: str | None = None) -> str:
    uid = page["uid"]
    parts = [
        f'<div id="c{uid}" class="frame frame-default frame-type-news_pi1"><header>'
        '<h1 class="page-title">Pressemitteilungen</h1></header>',
        '<div class="news news-single"><div class="article" itemscope="itemscope" '
        'itemtype="http://schema.org/Article">',
        f'<div class="header"><h3 itemprop="headline"><span class="news-kicker">'
        f"{esc(page['kicker'])}</span> {esc(page['title'])}</h3></div>",
        '<div class="footer"><p><span class="news-list-date"><time itemprop="datePublished"'
        f' datetime="{page["date"]}">{german_day(page["date"])}</time></span>'
        f'<span class="news-list-category">{esc(page["kicker"])}</span></p></div>',
        f'<div class="teaser-text" itemprop="description"><p>{_text(page["lead"], sword)}'
        "</p></div>",
    ]
    if page["images"]:
        parts.append(
            '<div class="news-img-wrap">'
            + "".join(_figure(img, "mediaelement mediaelement-image") for img in page["images"])
            + "</div>"
        )
    parts.append(
        f'<div class="news-text-wrap" itemprop="articleBody">{_blocks(page["blocks"], sword)}</div>'
    )
    news = [r for r in page["related"] if r["key"].startswith("news-")]
    links = [r for r in page["related"] if not r["key"].startswith("news-")]
    if news:
        parts.append(
            '<div class="news-related news-related-news"><h4>Verwandte Nachrichten</h4><ul>'
        )
        for r in news:
            target = by_key[r["key"]]
            href = _href(target, r["sword"])
            parts.append(
                f'<li><span class="news-related-news-date">'
                f'{german_day(target["date"])}</span> <a href="{attr(href)}"'
                f' title="{attr(target["title"])}">{esc(target["title"])}</a></li>'
            )
        parts.append("</ul></div>")
    if links:
        parts.append('<div class="news-related news-related-links"><h4>Mehr zum Thema</h4><ul>')
        for r in links:
            target = by_key[r["key"]]
            parts.append(f'<li><a href="{attr(target["path"])}">{esc(target["title"])}</a></li>')
        parts.append("</ul></div>")
    if page["files"]:
        parts.append(
            '<div class="news-related news-related-files"><h4>Downloads</h4><ul>'
            f'<li><span class="news-related-files-link"><a href="{_pdf(page)}" '
            'target="_blank">Bekanntmachung (PDF)</a></span> '
            '<span class="news-related-files-size">184 KB</span></li></ul></div>'
        )
    parts.append(f'<div class="news-backlink-wrap"><a href="{LISTING}">Zurück</a></div>')
    parts.append("</div></div></div>")
    return _frame(page["title"], "\n".join(parts), _head(page))


def _pdf(page: Page) -> str:
    return f"/fileadmin/user_upload/presse/{page['uid']}-anlage.pdf"


def content_page(page: Page) -> str:
    cid = 500 + sum(map(ord, page["key"])) % 400
    topline = f'<p class="topline">{esc(page["kicker"])}</p>' if page["kicker"] else ""
    parts = [
        f'<div id="c{cid}" class="frame frame-default frame-type-header"><header>'
        f'{topline}<h1 class="">{esc(page["title"])}</h1></header></div>',
        f'<div id="c{cid + 1}" class="frame frame-default frame-type-textmedia">'
        '<div class="ce-textpic ce-right ce-intext">',
    ]
    if page["images"]:
        parts.append(
            '<div class="ce-gallery"><div class="ce-row"><div class="ce-column">'
            + _figure(page["images"][0], "image")
            + "</div></div></div>"
        )
    parts.append(f'<div class="ce-bodytext">{_blocks(page["blocks"])}</div></div></div>')
    return _frame(page["title"], "\n".join(parts), _head(page))


def _listing_item(page: Page, i: int) -> str:
    href = detail_query(page["uid"]) if i % 4 == 3 else page["path"]
    return (
        '<div class="article articletype-0" itemscope="itemscope" '
        'itemtype="http://schema.org/Article">'
        f'<div class="header"><h3><a title="{attr(page["title"])}" href="{attr(href)}">'
        f'<span class="news-list-kicker">{esc(page["kicker"])}</span> '
        f'<span itemprop="headline">{esc(page["title"])}</span></a></h3></div>'
        f'<div class="teaser-text"><div itemprop="description"><p>{esc(page["lead"])}</p></div>'
        f'<a class="more" title="{attr(page["title"])}" href="{attr(href)}">Weiterlesen</a></div>'
        '<div class="footer"><p><span class="news-list-date"><time itemprop="datePublished" '
        f'datetime="{page["date"]}">{german_day(page["date"])}</time></span></p></div></div>'
    )


def listing_pages(news: list[Page]) -> list[str]:
    chunks = [news[i : i + PAGE_SIZE] for i in range(0, len(news), PAGE_SIZE)]
    out = []
    for number, chunk in enumerate(chunks, 1):
        nav = [
            '<div class="page-navigation">'
            f'<p>Seite {number} von {len(chunks)}.</p><ul class="f3-widget-paginator">'
        ]
        if number > 1:
            nav.append(
                f'<li class="previous"><a href="{attr(page_target(number - 1))}" '
                'rel="prev">vorherige</a></li>'
            )
        for n in range(1, len(chunks) + 1):
            nav.append(
                '<li class="current">' + str(n) + "</li>"
                if n == number
                else f'<li><a href="{attr(page_target(n))}">{n}</a></li>'
            )
        if number < len(chunks):
            nav.append(
                f'<li class="next"><a href="{attr(page_target(number + 1))}" '
                'rel="next">nächste</a></li>'
            )
        nav.append("</ul></div>")
        main = (
            '<div id="c300" class="frame frame-default frame-type-news_pi1"><header>'
            '<h1 class="page-title">Pressemitteilungen</h1></header><div class="news">'
            '<div class="news-list-view" id="news-container-300">'
            + "".join(_listing_item(p, i) for i, p in enumerate(chunk))
            + "".join(nav)
            + "</div></div></div>"
        )
        out.append(
            _frame("Pressemitteilungen" + (f" – Seite {number}" if number > 1 else ""), main)
        )
    return out


def rss(news: list[Page]) -> str:
    items = []
    for p in news[:10]:
        when = format_datetime(local(p["date"], p["time"]))
        items.append(
            f'<item><guid isPermaLink="false">news-{p["uid"]}</guid>'
            f"<pubDate>{when}</pubDate><title>{esc(p['title'])}</title>"
            f"<link>{BASE}{p['path']}</link><description>{esc(p['lead'])}</description>"
            f"<category>{esc(p['kicker'])}</category></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>Pressemitteilungen – Darmstadt</title><link>{BASE}/</link>"
        "<description>Pressemitteilungen der Wissenschaftsstadt Darmstadt</description>"
        "<language>de-DE</language>" + "".join(items) + "</channel></rss>\n"
    )


def _urlset(paths: list[str]) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
        'schemas/sitemap/0.9">'
        + "".join(f"<url><loc>{BASE}{attr(p)}</loc></url>" for p in paths)
        + "</urlset>\n"
    )
