"""HTML, RSS and sitemap templates of the sample site (markup contract: ``MARKUP.md``)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from datetime import datetime
from email.utils import format_datetime
from typing import Any
from zoneinfo import ZoneInfo

from crawler.sample_site.media_files import media_bytes as media_bytes

BASE = "http://www.ruesselsheim.test"
BARE = "http://ruesselsheim.test"
LISTING_PATHS = ("/presse", "/presse/2025", "/presse/2024", "/presse/2023")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")
_BERLIN = ZoneInfo("Europe/Berlin")

CONSENT = (
    '<div class="SP-CookieConsent" role="dialog" aria-label="Cookie-Einstellungen">'
    "<p>Wir verwenden Cookies und den Webanalysedienst Matomo, um unser Angebot zu verbessern. "
    "Für die Übersetzung der Seiten können Sie Google Translate aktivieren.</p>"
    "<p>We use cookies and the web analytics service Matomo to improve our website. "
    "You can enable Google Translate to translate the pages.</p>"
    '<button type="button">Alle akzeptieren / Accept all</button>'
    '<button type="button">Nur notwendige / Necessary only</button></div>'
)
NAV = (
    '<nav class="SP-MainNav" aria-label="Hauptnavigation"><ul>'
    '<li><a href="/">Startseite</a></li><li><a href="/presse">Presse</a></li>'
    '<li><a href="/soziales/migration">Migration</a></li>'
    '<li><a href="/klima-und-umwelt/stadtgruen/baum--und-gehoelzpflanzungen">Stadtgrün</a></li>'
    '<li><a href="/rathaus/wahlen/kommunalwahl-2026">Wahlen</a></li></ul></nav>'
)


def esc(text: str | None) -> str:
    return html.escape(text or "", quote=False)


def attr(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def uncrypt_mailto(address: str) -> str:
    """TYPO3/Sitepark ``linkTo_UnCryptMailto`` encoding (shift by one inside three ranges)."""
    out = []
    for ch in "mailto:" + address:
        n = ord(ch)
        for lo, hi in ((0x2B, 0x3A), (0x40, 0x5A), (0x61, 0x7A)):
            if lo <= n <= hi:
                n = lo if n == hi else n + 1
                break
        out.append(chr(n))
    return "javascript:linkTo_UnCryptMailto('" + "".join(out) + "')"


def rich(text: str) -> str:
    """Escape content text, turning ``[label](href)`` into links (mailto obfuscated)."""
    out, pos = [], 0
    for m in _LINK.finditer(text):
        out.append(esc(text[pos : m.start()]))
        href = m.group(2)
        if href.startswith("mailto:"):
            href = uncrypt_mailto(href[len("mailto:") :])
        out.append(f'<a href="{attr(href)}">{esc(m.group(1))}</a>')
        pos = m.end()
    out.append(esc(text[pos:]))
    return "".join(out)


def _blocks(blocks: list[list[str]], old: bool = False) -> str:
    out: list[str] = []
    in_list = False
    for kind, text in blocks:
        if kind == "li" and not in_list:
            out.append("<ul>")
            in_list = True
        elif kind != "li" and in_list:
            out.append("</ul>")
            in_list = False
        if kind == "li":
            out.append(f"<li>{rich(text)}</li>")
        elif kind == "p":
            out.append(f"<p>{rich(text)}</p>")
        elif kind == "strong":
            out.append(f"<p><strong>{esc(text)}</strong></p>")
        else:
            css = "" if old else ' class="SP-Headline--paragraph"'
            out.append(f"<{kind}{css}>{esc(text)}</{kind}>")
    if in_list:
        out.append("</ul>")
    return "\n".join(out)


def _footer() -> str:
    return (
        '<footer class="SP-Footer"><p>Stadt Rüsselsheim am Main · Marktplatz 4 · '
        "65428 Rüsselsheim am Main</p><p>Pressestelle: "
        f'<a href="{attr(uncrypt_mailto("presse@ruesselsheim.de"))}">'
        "presse(at)ruesselsheim(dot)de</a></p>"
        '<ul><li><a href="/intern/redaktion">Redaktionszugang (intern)</a></li>'
        '<li><a href="/presse?sp:out=rss">RSS-Feed</a></li>'
        '<li><a href="/sitemap.xml">Sitemap</a></li></ul></footer>'
    )


def _frame(title: str, main: str, head_extra: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="de">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(title)} | Stadt Rüsselsheim am Main</title>\n{head_extra}</head>\n<body>\n"
        f"{CONSENT}\n"
        '<a class="SP-SkipLink" href="#SP-Content">Inhalt anspringen</a>\n'
        '<header class="SP-Header"><a class="SP-Logo" href="/">Zurück zur Homepage</a>'
        f'{NAV}</header>\n<main class="SP-Main">\n{main}\n</main>\n{_footer()}\n</body></html>\n'
    )


def _teaser_html(t: dict[str, Any], heading: str = "h3") -> str:
    css = {
        "press": " SP-Teaser--press",
        "topic": " SP-Teaser--topic",
        "org": " SP-Teaser--orgunit",
    }.get(t["kind"], "")
    parts = [
        f'<li class="SP-TeaserList__item"><article class="SP-Teaser{css}">',
        f'<a class="SP-Teaser__inner" href="{attr(t["href"])}">',
    ]
    if t.get("alt"):
        parts.append(f'<img src="/medien/bilder/teaser-{t["key"]}.jpg" alt="{attr(t["alt"])}">')
    if t["kind"] == "press":
        day = datetime.fromisoformat(t["date"]).strftime("%d.%m.%Y")
        parts.append(f'<span class="SP-Scheduling__date">{day}</span> ')
    if t.get("label") and t["kind"] != "org":
        parts.append(f'<span class="SP-Kicker__text">{esc(t["label"])}</span>')
    parts.append(f'<{heading} class="SP-Teaser__headline">{esc(t["title"])}</{heading}>')
    if t.get("abstract"):
        parts.append(f'<div class="SP-Teaser__abstract">{esc(t["abstract"])}</div>')
    parts.append("</a></article></li>")
    return "".join(parts)


def current_page(page: dict[str, Any], by_key: dict[str, Any]) -> str:
    url = BASE + page["path"]
    meta: dict[str, str] = {"id": page["cms_id"]}
    if page["meta_date"]:
        meta["date_from"] = page["date_from"]
    if page["date_modified"]:
        meta["date_modified"] = page["date_modified"]
    head = (
        '<meta name="application-name" content="Sitepark IES" data-content=\''
        + json.dumps(meta, ensure_ascii=False).replace("'", "&#39;")
        + "'>\n"
        f'<meta property="og:title" content="{attr(page["title"])}">\n'
        f'<link rel="canonical" href="{attr(url)}">\n'
    )
    if page["jsonld"] and page["meta_date"]:
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": page["title"],
            "datePublished": page["date_from"],
        }
        if page["date_modified"]:
            ld["dateModified"] = page["date_modified"]
        head += (
            '<script type="application/ld+json">'
            + json.dumps(ld, ensure_ascii=False)
            + "</script>\n"
        )
    parts = [
        '<article id="SP-Content" class="SP-Article">',
        '<header class="SP-ArticleHeader">',
        f'<span class="SP-Kicker"><span class="SP-Kicker__text">{esc(page["label"])}</span></span>',
        f'<h1 class="SP-Headline SP-Headline--article">{esc(page["title"])}</h1>',
    ]
    if page["lead"]:
        parts.append(
            f'<div class="SP-ArticleHeader__intro SP-Intro"><p>{esc(page["lead"])}</p></div>'
        )
    parts.append('</header>\n<div class="SP-ArticleContent">')
    for img in page["images"]:
        parts.append(
            f'<figure class="SP-Figure"><img class="SP-Image" src="/medien/bilder/'
            f'{attr(img["file"])}" alt="{attr(img["alt"])}">'
        )
        if img["caption"]:
            parts.append(
                f'<figcaption class="SP-Figure__caption">{esc(img["caption"])}</figcaption>'
            )
        parts.append("</figure>")
    parts.append('<div class="SP-Paragraph"><div class="SP-Text">')
    parts.append(_blocks(page["blocks"]))
    parts.append("</div></div>")
    if page["faq"]:
        parts.append('<div class="SP-Accordion"><h2>Häufig gestellte Fragen</h2>')
        for q, a in page["faq"]:
            parts.append(f"<details><summary>{esc(q)}</summary><p>{esc(a)}</p></details>")
        parts.append("</div>")
    if page["video"]:
        parts.append(f'<div class="SP-Video"><p>{esc(page["video"])}</p></div>')
    parts.append("</div>")
    if page["related"]:
        parts.append(
            '<aside class="SP-Related"><h2 class="SP-Related__headline">Verwandte Themen'
            '</h2>\n<ul class="SP-TeaserList">'
        )
        parts += [_teaser_html(t) for t in page["related"]]
        parts.append("</ul></aside>")
    parts.append(
        '<section class="SP-Notes"><h2>Erläuterungen und Hinweise</h2><p>Die Inhalte '
        "dieser Seite werden von der Pressestelle der Stadt Rüsselsheim am Main "
        "gepflegt.</p></section>"
    )
    items = [i for i in page["images"] if i["credit_item"]]
    if items:
        parts.append('<section class="SP-ImageCredits"><h2>Bildnachweise</h2><ul>')
        for img in items:
            name, credit = img["credit_item"].split(": ", 1)
            href = f"/medien/bilder/{img['file']}"
            parts.append(f'<li><a href="{attr(href)}">{esc(name)}</a>: {esc(credit)}</li>')
        parts.append("</ul></section>")
    parts.append("</article>")
    return _frame(page["title"], "\n".join(parts), head)


_MONTHS = ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez")


def redesign_page(page: dict[str, Any], by_key: dict[str, Any]) -> str:
    """Edition 3's redesign of a current-CMS page: every ``SP-`` class and id becomes
    ``rs-``, the application-name metadata and JSON-LD are gone, and the date is only a
    badge under the headline, ``<p class="rs-date"><span class="rs-date__day">12</span>
    <span class="rs-date__month">Jun</span><span class="rs-date__year">2024</span></p>``
    (no separators: read as text it is ``12Jun2024``, which no date parser takes)."""
    text = current_page(page, by_key)
    text = re.sub(r'<meta name="application-name"[^>]*>\n', "", text)
    text = re.sub(r'<script type="application/ld\+json">.*?</script>\n', "", text)
    text = text.replace("SP-", "rs-")
    day = datetime.fromisoformat(page["date"])
    badge = (
        f'<p class="rs-date"><span class="rs-date__day">{day.day}</span>'
        f'<span class="rs-date__month">{_MONTHS[day.month - 1]}</span>'
        f'<span class="rs-date__year">{day.year}</span></p>'
    )
    headline = f"{esc(page['title'])}</h1>"
    return text.replace(headline, f"{headline}\n{badge}", 1)


def old_page(page: dict[str, Any]) -> str:
    charset = page["charset"]
    day = datetime.fromisoformat(page["date"]).strftime("%d.%m.%Y")
    parts = [
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f"<title>{esc(page['title'])} - Stadt Rüsselsheim</title></head>\n<body>",
        '<div id="header"><img src="/fileadmin/templates/header.jpg" '
        'alt="Bild: Rathaus Rüsselsheim am Main"></div>',
        '<div id="navigation"><ul><li><a href="/index.html">Startseite</a></li>'
        '<li><a href="/presseinformationen/pressemeldungen.html">Presseinformationen</a></li>'
        "</ul></div>",
        '<div id="content"><div class="news-single-item">',
        '<h2 class="section">Presseinformationen</h2>',
        f'<p class="news-single-rightbox">{day}</p>',
        f"<h1>{esc(page['title'])}</h1>",
    ]
    for img in page["images"]:
        parts.append(
            f'<div class="news-single-img"><img src="/uploads/pics/{attr(img["file"])}" '
            f'alt="{attr(img["alt"])}">\n<p class="news-single-imgcaption">'
            f"{esc(img['raw_caption'])}</p></div>"
        )
    parts.append(f'<div class="news-text">{_blocks(page["blocks"], old=True)}</div>')
    parts.append(
        '<p class="news-single-backlink"><a href="/presseinformationen/pressemeldungen'
        '.html">Link zu Zurück zur Übersicht</a></p>'
    )
    parts.append("</div></div></body></html>\n")
    return "\n".join(parts)


def media_paths(page: dict[str, Any]) -> set[str]:
    folder = "/uploads/pics/" if page["cms"] == "old" else "/medien/bilder/"
    out = {folder + img["file"] for img in page["images"]}
    out |= {f"/medien/bilder/teaser-{t['key']}.jpg" for t in page["related"] if t.get("alt")}
    for _, text in page["blocks"]:
        out |= {m.group(2) for m in _LINK.finditer(text) if m.group(2).startswith("/medien/")}
    if page["cms"] == "old":
        out.add("/fileadmin/templates/header.jpg")
    return out


# --- listings, feed, sitemaps --------------------------------------------------------------------


def _listing_href(page: dict[str, Any], i: int) -> str:
    path = page["path"]
    if page["cms"] == "old":
        alias = (
            "/presseinformationen/",
            "/presseinformation-anzeige/",
            "/presseinformationen-daten/",
        )[i % 3]
        return path.replace("/presseinformationen/", alias, 1)
    return [
        path,
        path,
        path + "/index.php",
        BARE + path,
        BASE + path,
        path + "?utm_source=uebersicht&utm_medium=teaser",
    ][i % 6]


def _abstract(page: dict[str, Any]) -> str:
    text = page["lead"] or _LINK.sub(lambda m: m.group(1), page["blocks"][0][1])
    return text if len(text) <= 160 else text[:157].rsplit(" ", 1)[0] + " …"


def listings(releases: list[dict[str, Any]]) -> list[tuple[str, str, list[dict[str, Any]]]]:
    out = [("/presse", "Pressemitteilungen", releases)]
    for year in ("2025", "2024", "2023"):
        out.append(
            (
                f"/presse/{year}",
                f"Pressemitteilungen {year}",
                [p for p in releases if p["date"].startswith(year)],
            )
        )
    return out


def listing_pages(path: str, title: str, items: list[dict[str, Any]], size: int) -> list[str]:
    chunks = [items[i : i + size] for i in range(0, len(items), size)] or [[]]
    pages = []
    for number, chunk in enumerate(chunks, 1):
        parts = [f'<h1 class="SP-Headline">{esc(title)}</h1>', '<ul class="SP-TeaserList">']
        for i, p in enumerate(chunk):
            day = datetime.fromisoformat(p["date"]).strftime("%d.%m.%Y")
            parts.append(
                '<li class="SP-TeaserList__item"><article class="SP-Teaser SP-Teaser--press">'
                f'<a class="SP-Teaser__inner" href="{attr(_listing_href(p, i + number))}">'
                '<span class="SP-Kicker__text">Pressemitteilung</span>'
                f'<span class="SP-Scheduling__date">{day}</span>'
                f'<h1 class="SP-Teaser__headline">{esc(p["listing_title"] or p["title"])}</h1>'
                f'<div class="SP-Teaser__abstract">{esc(_abstract(p))}</div></a></article></li>'
            )
        parts.append("</ul>")
        nav = [f'<nav class="SP-Pagination" data-sp-pagination=\'{{"max":{len(chunks)}}}\'>']
        for n in range(1, len(chunks) + 1):
            href = path if n == 1 else f"{path}?page={n}"
            current = ' aria-current="page"' if n == number else ""
            nav.append(f'<a class="SP-Pagination__link" href="{href}"{current}>{n}</a>')
        if number < len(chunks):
            nav.append(
                f'<a class="SP-Pagination__next" rel="next" href="{path}?page={number + 1}">'
                "Weiter</a>"
            )
        nav.append("</nav>")
        parts.append(" ".join(nav))
        pages.append(
            _frame(title if number == 1 else f"{title} – Seite {number}", "\n".join(parts))
        )
    return pages


def rss(items: list[dict[str, Any]], build_date: str) -> str:
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0"><channel>',
        "<title>Pressemitteilungen – Stadt Rüsselsheim am Main</title>",
        f"<link>{BASE}/presse</link>",
        "<description>Aktuelle Pressemitteilungen der Stadt Rüsselsheim am Main</description>",
        "<language>de</language>",
        f"<lastBuildDate>{build_date}</lastBuildDate>",
    ]
    for p in items:
        when = datetime.fromisoformat(f"{p['date']}T{p['time']}:00").replace(tzinfo=_BERLIN)
        out.append(
            f"<item><title>{esc(p['title'])}</title><link>{BASE}{p['path']}</link>"
            f'<guid isPermaLink="true">{BASE}{p["path"]}</guid>'
            f"<pubDate>{format_datetime(when)}</pubDate>"
            f"<description>{esc(_abstract(p))}</description></item>"
        )
    out.append("</channel></rss>\n")
    return "\n".join(out)


def sitemaps(
    pages: list[dict[str, Any]], stamp: Callable[[dict[str, Any]], tuple[str, str]]
) -> dict[str, str]:
    groups = {
        "/sitemap-presse.xml": [p for p in pages if p["page_type"] == "press_release"],
        "/sitemap-themen.xml": [p for p in pages if p["page_type"] != "press_release"],
    }
    out: dict[str, str] = {}
    newest: dict[str, str] = {}
    for key, group in groups.items():
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        ]
        for p in sorted(group, key=lambda p: p["path"]):
            lastmod = stamp(p)[0]
            newest[key] = max(newest.get(key, ""), lastmod)
            lines.append(f"<url><loc>{BASE}{p['path']}</loc><lastmod>{lastmod}</lastmod></url>")
        lines.append("</urlset>\n")
        out[key] = "\n".join(lines)
    index = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for key in groups:
        index.append(
            f"<sitemap><loc>{BASE}{key}</loc><lastmod>{newest.get(key, '2025-01-15')}"
            "</lastmod></sitemap>"
        )
    index.append("</sitemapindex>\n")
    out["/sitemap.xml"] = "\n".join(index)
    return out


def home(releases: list[dict[str, Any]]) -> str:
    items = "".join(
        f'<li><a href="{attr(p["path"])}">{esc(p["title"])}</a></li>' for p in releases[:5]
    )
    main = (
        '<h1 class="SP-Headline">Willkommen in Rüsselsheim am Main</h1>'
        f"<section><h2>Aktuelles</h2><ul>{items}</ul>"
        '<p><a href="/presse">Alle Pressemitteilungen</a></p></section>'
    )
    return _frame("Startseite", main)


def old_overview(old: list[dict[str, Any]]) -> str:
    items = "".join(
        f"<li>{datetime.fromisoformat(p['date']).strftime('%d.%m.%Y')} "
        f'<a href="{attr(p["path"])}">Link zu {esc(p["title"])}</a></li>'
        for p in old
    )
    return (
        '<html><head><meta charset="utf-8"><title>Presseinformationen</title></head><body>'
        f'<div id="content"><h2 class="section">Presseinformationen</h2><ul>{items}</ul>'
        "</div></body></html>\n"
    )


def intern() -> str:
    return _frame(
        "Redaktionszugang",
        '<h1 class="SP-Headline">Interner Bereich</h1>'
        "<p>Dieser Bereich ist nur für Mitarbeitende der Stadtverwaltung.</p>",
    )


def not_found() -> str:
    return _frame(
        "Seite nicht gefunden",
        '<h1 class="SP-Headline">Seite nicht gefunden</h1>'
        "<p>Die angeforderte Seite existiert nicht (Fehler 404). "
        '<a href="/">Zur Startseite</a></p>',
    )
