"""WordPress block-theme family (Twenty Twenty-Four templates, no SEO plugin) on
``www.dreieich.test``.

URLs: posts ``/<yyyy>/<mm>/<dd>/<slug>/``, one page ``/leben/klimaschutz/``, the category
archive ``/presse/`` (``/presse/page/N/``), ``/sitemap.xml``, uploads under
``/wp-content/uploads/<yyyy>/<mm>/``.

Markup as the block theme writes it: ``p.wp-block-site-title`` (no ``h1``) in the header
template part, ``h1.wp-block-post-title``, the post-meta part with ``div.wp-block-post-date
time[datetime]`` (local offset; no JSON-LD, no ``article:*`` metas) and the category terms
(``taxonomy-category wp-block-post-terms`` → ``label``), ``div.wp-block-post-content``,
``figure.wp-block-image`` with ``figcaption.wp-element-caption`` ending in "Foto: Stadt Dreieich /
Name" (→ credit after "Foto: "), ``div.wp-block-file`` downloads (a title link and a
"Herunterladen" button to the same file: one attachment, not body).

Traps after the content: ``taxonomy-post_tag`` terms, ``wp-block-post-navigation-link`` prev/next,
a "Neueste Beiträge" latest-posts block with dates (none of them related), and a
``wp-block-query`` loop headed "Verwandte Beiträge" or "Das könnte Sie auch interessieren"
(related: title from ``h3.wp-block-post-title``, date from its ``time``, kind press). No lead.
"""

from __future__ import annotations

import random
from typing import Any

from crawler.sample_site.families import (
    Page,
    TextKit,
    attr,
    esc,
    german_long,
    hexhash,
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

NAME = "wpblock"
HOSTS = ("www.dreieich.test", "dreieich.test")
BASE = "http://www.dreieich.test"
LISTING = "/presse/"
PAGE_SIZE = 4
SEED = 63225
_CAT = "Pressemitteilungen"
# theme, date, time, images, files
_POSTS: list[tuple[Any, ...]] = [
    ("verkehr", "2026-01-12", "09:30", 1, []),
    ("haushalt", "2026-01-29", "14:00", 0, [("Haushaltssatzung 2026", "pdf")]),
    ("kita", "2026-02-16", "11:15", 1, []),
    ("klima", "2026-03-03", "10:15", 2, [("Förderrichtlinie Balkonkraftwerke", "pdf")]),
    ("sport", "2026-03-19", "16:40", 1, []),
    ("wahl", "2026-04-07", "08:00", 0, [("Wahlbekanntmachung", "pdf"), ("Antrag", "docx")]),
]


def _kit(rng: random.Random) -> TextKit:
    return TextKit(
        rng,
        "Dreieich",
        "Dreieich (Hessen)",
        "Dreieicher",
        ["Oberlinden", "Neurott", "Linden", "der Altstadt", "dem Steinberg"],
        ["Bahnstraße", "Südliche Ringstraße", "Wassergasse", "Darmstädter Straße"],
        ["Bürgermeister Jan Werner", "Erste Stadträtin Stefanie Zimmer", "Stadtrat Karl Eckert"],
    )


def _upload(date: str, name: str) -> str:
    return f"/wp-content/uploads/{date[:4]}/{date[5:7]}/{name}"


def _pages() -> list[Page]:
    rng = random.Random(SEED)
    kit = _kit(rng)
    posts: list[Page] = []
    for n, (spec, art) in enumerate(
        zip(_POSTS, make_press_pages(kit, [s[:4] for s in _POSTS]), strict=True)
    ):
        date = spec[1]
        path = f"/{date[:4]}/{date[5:7]}/{date[8:10]}/{art['slug']}/"
        images = [
            {
                "src": _upload(date, f"{art['slug'][:24]}-{i}-1024x683.jpg"),
                "alt": alt,
                "caption": f"{desc}.",
                "credit": f"Stadt Dreieich / {art['who']}",
            }
            for i, (alt, desc) in enumerate(art["image_texts"])
        ]
        files = [
            {"path": _upload(date, f"{art['slug'][:20]}-{k}.{ext}"), "title": title}
            for k, (title, ext) in enumerate(spec[4])
        ]
        blocks = [("p", art["lead"]), *art["blocks"]]  # no lead field: paragraph 1
        posts.append(
            art
            | {
                "key": f"post-{n}",
                "id": 2100 + 17 * n,
                "path": path,
                "page_type": "notice" if spec[0] == "wahl" else "press_release",
                "label": _CAT,
                "lead": None,
                "blocks": blocks,
                "published_source": "metadata",
                "modified": None,
                "images": images,
                "attachments": files,
                "related": [],
                "tags": [art["theme"].capitalize(), "Stadtverwaltung"],
            }
        )
    for n, p in enumerate(posts):
        others = [o for o in posts if o is not p]
        chosen = rng.sample(others, k=2 if n % 2 else 3)
        p["related"] = [
            {
                "path": o["path"],
                "title": o["title"],
                "kind": "press",
                "label": None,
                "date": o["date"],
            }
            for o in chosen
        ]
        p["related_heading"] = (
            "Das könnte Sie auch interessieren" if n % 3 == 1 else "Verwandte Beiträge"
        )
    art = kit.article("klima", "Klimaschutz in Dreieich", n_paras=4)
    page = {
        "key": "page-klima",
        "id": 88,
        "path": "/leben/klimaschutz/",
        "page_type": "topic",
        "title": "Klimaschutz in Dreieich",
        "label": None,
        "lead": None,
        "blocks": [("p", art["lead"]), *art["blocks"]],
        "date": None,
        "modified": None,
        "images": [],
        "attachments": [],
        "related": [],
    }
    return [*posts, page]


# --- markup --------------------------------------------------------------------------------------


def _frame(title: str, main: str, body_class: str, latest: list[Page]) -> str:
    nav = "".join(
        f'<li class="wp-block-navigation-item"><a class="wp-block-navigation-item__content" '
        f'href="{href}"><span class="wp-block-navigation-item__label">{label}</span></a></li>'
        for href, label in (("/", "Start"), (LISTING, "Presse"), ("/leben/klimaschutz/", "Klima"))
    )
    recent = "".join(
        f'<li><a class="wp-block-latest-posts__post-title" href="{attr(p["path"])}">'
        f'{esc(p["title"])}</a><time datetime="{local(p["date"], p["time"]).isoformat()}" '
        f'class="wp-block-latest-posts__post-date">{german_long(p["date"])}</time></li>'
        for p in latest
    )
    return (
        '<!DOCTYPE html>\n<html lang="de-DE">\n<head>\n<meta charset="UTF-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)} – Stadt Dreieich</title>\n"
        '<meta name="generator" content="WordPress 6.5.2">\n</head>\n'
        f'<body class="{body_class} wp-embed-responsive">\n<div class="wp-site-blocks">\n'
        '<header class="wp-block-template-part"><div class="wp-block-group alignwide '
        'is-layout-flex"><div class="wp-block-group is-layout-flex"><p class="wp-block-site-'
        'title"><a href="/" target="_self" rel="home">Stadt Dreieich</a></p><p class="wp-block-'
        'site-tagline">Die Stadt im Grünen</p></div><nav class="is-responsive wp-block-'
        f'navigation" aria-label="Navigation"><ul class="wp-block-navigation__container">{nav}'
        "</ul></nav></div></header>\n"
        '<main class="wp-block-group has-global-padding is-layout-constrained" '
        f'style="margin-top:var(--wp--preset--spacing--50)">\n{main}\n</main>\n'
        '<footer class="wp-block-template-part"><div class="wp-block-group has-global-padding '
        'is-layout-constrained"><div class="wp-block-columns"><div class="wp-block-column">'
        '<h2 class="wp-block-heading">Neueste Beiträge</h2><ul class="wp-block-latest-posts'
        f'__list has-dates wp-block-latest-posts">{recent}</ul></div><div class="wp-block-'
        'column"><p>Stadt Dreieich · Südliche Ringstraße 80 · 63225 Dreieich</p><p><a href="/'
        'impressum/">Impressum</a> · <a href="/datenschutz/">Datenschutz</a></p></div></div>'
        "</div></footer>\n</div>\n</body>\n</html>\n"
    )


def _figure(img: dict[str, Any], wp_id: int) -> str:
    src = img["src"]
    return (
        f'<figure class="wp-block-image size-large"><img decoding="async" width="1024" '
        f'height="683" src="{attr(src)}" alt="{attr(img["alt"])}" class="wp-image-{wp_id}" '
        f'srcset="{attr(src)} 1024w, {attr(src.replace("-1024x683", "-300x200"))} 300w" '
        'sizes="(max-width: 1024px) 100vw, 1024px"><figcaption class="wp-element-caption">'
        f"{esc(img['caption'])} Foto: {esc(img['credit'])}</figcaption></figure>"
    )


def _file(att: dict[str, str]) -> str:
    ident = "wp-block-file--media-" + hexhash(att["path"], n=8)
    return (
        f'<div class="wp-block-file"><a id="{ident}" href="{attr(att["path"])}">'
        f'{esc(att["title"])}</a><a href="{attr(att["path"])}" class="wp-block-file__button '
        f'wp-element-button" download aria-describedby="{ident}">Herunterladen</a></div>'
    )


def _date(page: Page, link: bool = True) -> str:
    when = german_long(page["date"])
    inner = f'<a href="{attr(page["path"])}">{when}</a>' if link else when
    iso = local(page["date"], page["time"]).isoformat()
    return f'<div class="wp-block-post-date"><time datetime="{iso}">{inner}</time></div>'


def _post(page: Page, posts: list[Page]) -> str:
    blocks = page["blocks"]
    content = [record_blocks(blocks[:2], h="h2")]
    content += [_figure(img, page["id"] + i + 1) for i, img in enumerate(page["images"])]
    content.append(record_blocks(blocks[2:], h="h2"))
    content += [_file(a) for a in page["attachments"]]
    parts = [
        '<div class="wp-block-group alignfull has-global-padding is-layout-constrained">'
        f'<h1 class="wp-block-post-title">{esc(page["title"])}</h1>'
    ]
    if page.get("date"):
        parts.append(
            '<div class="wp-block-template-part"><div class="wp-block-group is-layout-flex">'
            f'{_date(page)}<p class="has-contrast-2-color">— von</p><div class="wp-block-post-'
            'author-name"><a href="/author/pressestelle/" class="wp-block-post-author-name__'
            'link">Pressestelle</a></div><p>in</p><div class="taxonomy-category wp-block-post-'
            f'terms"><a href="{LISTING}" rel="tag">{_CAT}</a></div></div></div>'
        )
    parts.append("</div>")
    parts.append(
        '<div class="entry-content alignfull wp-block-post-content has-global-padding '
        f'is-layout-constrained">{"".join(content)}</div>'
    )
    if page["page_type"] != "topic":
        i = posts.index(page)
        nav = []
        if i + 1 < len(posts):
            prev = posts[i + 1]
            nav.append(
                '<div class="post-navigation-link-previous wp-block-post-navigation-link">'
                '<span class="wp-block-post-navigation-link__arrow-previous is-arrow-arrow" '
                f'aria-hidden="true">←</span><a href="{attr(prev["path"])}" rel="prev">'
                f"{esc(prev['title'])}</a></div>"
            )
        if i > 0:
            nxt = posts[i - 1]
            nav.append(
                '<div class="post-navigation-link-next wp-block-post-navigation-link">'
                f'<a href="{attr(nxt["path"])}" rel="next">{esc(nxt["title"])}</a><span class='
                '"wp-block-post-navigation-link__arrow-next is-arrow-arrow" aria-hidden="true">→'
                "</span></div>"
            )
        tags = ", ".join(
            f'<a href="/tag/{t.lower()}/" rel="tag">{esc(t)}</a>' for t in page["tags"]
        )
        items = "".join(
            f'<li class="wp-block-post post-{2000 + k} post type-post status-publish hentry '
            f'category-presse"><h3 class="wp-block-post-title"><a href="{attr(r["path"])}" '
            f'target="_self">{esc(r["title"])}</a></h3>'
            + _date(next(p for p in posts if p["path"] == r["path"]), link=False)
            + "</li>"
            for k, r in enumerate(page["related"])
        )
        parts.append(
            '<div class="wp-block-group alignwide is-layout-flow"><div class="taxonomy-post_tag '
            'wp-block-post-terms"><span class="wp-block-post-terms__prefix">Schlagwörter: '
            f"</span>{tags}</div>"
            '<nav class="wp-block-group alignwide is-content-justification-space-between '
            f'is-layout-flex" aria-label="Beitragsnavigation">{"".join(nav)}</nav></div>'
            '<div class="wp-block-group alignwide has-global-padding is-layout-constrained">'
            f'<h2 class="wp-block-heading">{page["related_heading"]}</h2><div class="wp-block-'
            'query is-layout-flow"><ul class="columns-3 wp-block-post-template is-layout-grid">'
            f"{items}</ul></div></div>"
        )
    kind = "single single-post postid" if page["page_type"] != "topic" else "page page-id"
    return _frame(page["title"], "\n".join(parts), f"{kind}-{page['id']}", posts[:5])


def _listing(posts: list[Page]) -> list[tuple[str, str]]:
    chunks = [posts[i : i + PAGE_SIZE] for i in range(0, len(posts), PAGE_SIZE)]
    out = []
    for number, chunk in enumerate(chunks, 1):
        items = "".join(
            f'<li class="wp-block-post post-{p["id"]} post type-post hentry category-presse">'
            f'<h2 class="wp-block-post-title"><a href="{attr(p["path"])}" target="_self">'
            f'{esc(p["title"])}</a></h2>{_date(p, link=False)}<div class="wp-block-post-'
            f'excerpt"><p class="wp-block-post-excerpt__excerpt">{esc(p["blocks"][0][1][:160])}'
            " […]</p></div></li>"
            for p in chunk
        )
        nav = ""
        if number > 1:
            nav += (
                '<a class="wp-block-query-pagination-previous" '
                f'href="{_listing_key(number - 1)}">Vorherige Seite</a>'
            )
        if number < len(chunks):
            nav += (
                '<a class="wp-block-query-pagination-next" '
                f'href="{_listing_key(number + 1)}">Nächste Seite</a>'
            )
        main = (
            '<h1 class="wp-block-query-title">Kategorie: <span>Pressemitteilungen</span></h1>'
            '<div class="wp-block-query is-layout-flow"><ul class="wp-block-post-template '
            f'is-layout-flow">{items}</ul><nav class="wp-block-query-pagination is-layout-flex" '
            f'aria-label="Seitennummerierung">{nav}</nav></div>'
        )
        out.append(
            (
                _listing_key(number),
                _frame("Pressemitteilungen", main, "archive category category-presse", posts[:5]),
            )
        )
    return out


def _listing_key(number: int) -> str:
    return LISTING if number == 1 else f"{LISTING}page/{number}/"


# --- entry points --------------------------------------------------------------------------------


def build() -> tuple[dict[str, Response], dict[str, dict[str, Any]]]:
    pages = _pages()
    posts = sorted(
        (p for p in pages if p["page_type"] != "topic"),
        key=lambda p: (p["date"], p["time"]),
        reverse=True,
    )
    return simple_site(
        BASE,
        pages,
        lambda p: _post(p, posts),
        _listing(posts),
        "text/html; charset=UTF-8",
    )


def resolve(target: str) -> str:
    return press_resolve(target, render_family(NAME))


def robots_txt(crawl_delay: str = "1") -> str:
    return robots_text(BASE, crawl_delay, "/wp-admin/")


def config_text(port: int) -> str:
    return source_table(
        NAME,
        HOSTS,
        port,
        f"""\
title = "Stadt Dreieich (sample site, WordPress block theme)"
city = "Dreieich"
start_urls = ["{BASE}{LISTING}"]
sitemaps = ["{BASE}/sitemap.xml"]
""",
    )
