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
"""

from __future__ import annotations

import random
import re
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from crawler.sample_site.families import (
    SITE_STAMP,
    Page,
    TextKit,
    attr,
    esc,
    german_day,
    hexhash,
    local,
    make_response,
    media_response,
    plain,
    render_family,
    slugify,
    source_table,
    truth_entry,
)
from crawler.sample_site.render import Response

NAME = "typo3"
HOSTS = ("www.darmstadt.test", "darmstadt.test")
BASE = "http://www.darmstadt.test"
LISTING = "/aktuelles/news"
PAGE_SIZE = 6
RSS_KEY = "/?type=9818"
SITEMAP_KEYS = (
    "/sitemap.xml",
    "/sitemap.xml?sitemap=news&type=1533906435",
    "/sitemap.xml?sitemap=pages&type=1533906435",
)
SEED = 4711
_Q = {
    "action": "tx_news_pi1[action]",
    "controller": "tx_news_pi1[controller]",
    "news": "tx_news_pi1[news]",
    "page": "tx_news_pi1[@widget_0][currentPage]",
}
_DUP_TITLE = "Vollsperrung der Heinrichstraße wegen Kanalarbeiten"

# uid, theme, kicker, date, time, kreis release, images, extras
_NEWS: list[tuple[Any, ...]] = [
    (4711, "verkehr", "Verkehr", "2025-01-09", "10:15", False, 1, {"title": _DUP_TITLE}),
    (4714, "klima", "Klimaschutz", "2025-01-30", "14:00", False, 1, {}),
    (4720, "kita", "Kreis Groß-Gerau", "2025-02-18", "09:00", True, 1, {}),
    (4726, "haushalt", "Haushalt", "2025-03-06", "16:45", False, 0, {"files": True}),
    (4731, "baum", "Stadtgrün", "2025-03-27", "11:30", False, 2, {}),
    (
        4735,
        "wahl",
        "Öffentliche Bekanntmachung",
        "2025-04-15",
        "08:00",
        False,
        0,
        {"page_type": "notice", "files": True},
    ),
    (4740, "buecherei", "Kultur", "2025-05-08", "12:00", False, 1, {}),
    (4744, "feuerwehr", "Kreis Groß-Gerau", "2025-06-04", "07:45", True, 1, {}),
    (4749, "senioren", "Soziales", "2025-06-26", "13:20", False, 0, {}),
    (4753, "verkehr", "Verkehr", "2025-07-17", "10:00", False, 1, {"title": _DUP_TITLE}),
    (4758, "sport", "Sport", "2025-08-21", "15:10", False, 1, {}),
    (4762, "foerderung", "Kreis Groß-Gerau", "2025-09-11", "09:40", True, 0, {"files": True}),
    (4767, "klima", "Klimaschutz", "2025-10-02", "23:50", False, 1, {}),
    (4771, "kita", "Kinderbetreuung", "2025-10-29", "00:20", False, 1, {}),
    (4776, "baum", "Stadtgrün", "2025-11-20", "10:30", False, 1, {}),
]
_TOPICS = [
    ("topic-baeume", "/leben-in-darmstadt/umwelt/stadtbaeume", "Umwelt", "Stadtbäume", "baum"),
    (
        "topic-rad",
        "/leben-in-darmstadt/mobilitaet/radverkehr",
        "Mobilität",
        "Radverkehr",
        "verkehr",
    ),
]
_ORG = ("org-umweltamt", "/rathaus/aemter/umweltamt", "Umweltamt")
_LINK_TARGETS = {
    "topic-baeume": ("Stadtbäume", _TOPICS[0][1] + "#c501"),
    "topic-rad": ("Radverkehr", BASE + _TOPICS[1][1]),
    "org-umweltamt": ("Umweltamt", "/rathaus/aemter/umweltamt/"),
}
_THEME_LINKS = {"baum": "topic-baeume", "klima": "org-umweltamt", "verkehr": "topic-rad"}


def _kit(rng: random.Random) -> TextKit:
    return TextKit(
        rng,
        "Darmstadt",
        "Darmstadt",
        "Darmstädter",
        ["Bessungen", "Eberstadt", "Kranichstein", "Arheilgen", "Wixhausen", "der Innenstadt"],
        ["Heinrichstraße", "Rheinstraße", "Frankfurter Landstraße", "Kasinostraße"],
        [
            "Oberbürgermeister Hanno Benz",
            "Bürgermeisterin Barbara Akdeniz",
            "Stadtrat Paul Georg Wandrey",
            "Stadträtin Simone Schnell",
        ],
    )


def _pages() -> list[Page]:
    rng = random.Random(SEED)
    kit = _kit(rng)
    pages: list[Page] = []
    slugs: set[str] = set()
    for uid, theme, kicker, date, time, kreis, n_img, extra in _NEWS:
        art = kit.article(
            theme,
            extra.get("title"),
            n_paras=rng.randint(2, 4),
            subhead=rng.random() < 0.6,
            items=rng.random() < 0.4,
        )
        slug = slugify(art["title"])
        if slug in slugs:
            slug += "-40"  # TYPO3 slug uniqueness: the real sites get "-40" style suffixes
        slugs.add(slug)
        blocks = list(art["blocks"])
        if kreis:
            blocks[0] = ("p", "KREIS GROSS-GERAU – " + blocks[0][1])
        if theme in _THEME_LINKS and blocks[-1][0] == "p":
            target = _THEME_LINKS[theme]
            name, path = _LINK_TARGETS[target]
            blocks.insert(1, ("p", f"Mehr dazu auf der Seite [{name}]({path})."))
        images = []
        for n in range(n_img):
            alt, desc = art["image"] if n == 0 else kit.theme(theme)["images"][-1]
            who = rng.choice(["Nadine Acar", "Jens Steinmetz", "Rüdiger Dunker"])
            owner = "Kreis Groß-Gerau" if kreis else "Stadt Darmstadt"
            images.append(
                {
                    "file": f"{slug[:30]}-{n}",
                    "alt": alt,
                    "caption": f"{desc}.",
                    "credit": f"{owner} / {who}" if n == 0 or rng.random() < 0.5 else None,
                }
            )
        pages.append(
            {
                "key": f"news-{uid}",
                "uid": uid,
                "path": f"{LISTING}/{slug}",
                "page_type": extra.get("page_type", "press_release"),
                "kicker": kicker,
                "title": art["title"],
                "lead": art["lead"],
                "blocks": blocks,
                "date": date,
                "time": time,
                "images": images,
                "theme": theme,
                "files": extra.get("files", False),
                "related": [],
            }
        )
    news = list(pages)
    for p in news:
        same = [
            o
            for o in news
            if o is not p and (o["theme"] == p["theme"] or o["kicker"] == p["kicker"])
        ]
        rel = [{"key": o["key"], "sword": rng.random() < 0.3} for o in same[:3]]
        rng.shuffle(rel)
        if p["theme"] in _THEME_LINKS:
            rel.append({"key": _THEME_LINKS[p["theme"]], "sword": False})
        p["related"] = rel
    for key, path, topline, title, theme in _TOPICS:
        art = kit.article(theme, title, n_paras=3)
        alt, desc = art["image"]
        pages.append(
            {
                "key": key,
                "path": path,
                "page_type": "topic",
                "kicker": topline,
                "title": title,
                "lead": None,
                "blocks": art["blocks"],
                "date": None,
                "images": [
                    {
                        "file": f"{key}-0",
                        "alt": alt,
                        "caption": f"{desc}.",
                        "credit": "Stadt Darmstadt / Archiv",
                    }
                ],
                "related": [],
            }
        )
    key, path, title = _ORG
    pages.append(
        {
            "key": key,
            "path": path,
            "page_type": "org_unit",
            "kicker": None,
            "title": title,
            "lead": None,
            "date": None,
            "images": [],
            "related": [],
            "blocks": [
                ("p", "Das Umweltamt berät zu Baumschutz, Lärm, Boden und Klimaanpassung."),
                ("h2", "Kontakt"),
                ("p", "Bessunger Straße 125, Gebäude C, 64295 Darmstadt"),
                ("p", "Sprechzeiten nach Vereinbarung"),
            ],
        }
    )
    return pages


# --- URLs ----------------------------------------------------------------------------------------


def chash(*parts: object) -> str:
    return hexhash("typo3-chash", *parts)


def detail_query(uid: int, base: str = LISTING) -> str:
    q = (
        f"{quote(_Q['action'])}=detail&{quote(_Q['controller'])}=News&"
        f"{quote(_Q['news'])}={uid}&cHash={chash('news', uid)}"
    )
    return f"{base}?{q}"


def page_target(number: int) -> str:
    if number == 1:
        return LISTING
    return f"{LISTING}?{quote(_Q['page'])}={number}&cHash={chash('page', number)}"


def sword_target(path: str, word: str) -> str:
    return f"{path}?{quote('sword_list[0]')}={quote(word)}&no_cache=1"


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


# --- markup --------------------------------------------------------------------------------------


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
profile = "typo3"                 # built-in site profile (crawler/profiles.py)
# detail records also answer as ?tx_news_pi1[...]&cHash=... (same page, rel=canonical to the
# slug URL); every record is in the sitemap under its slug, so skip the query form
exclude = ['tx_news_pi1(?:\\[|%5B)action']
""",
    )
