"""Old hand-made table layout (Kelsterbach style) on ``www.kelsterbach.test``.

URLs: releases ``/presse/press/show/Announcement/<id>/`` (also without the trailing slash);
listing ``/presse/press/`` with ``/presse/press/page/N/`` and "« zurück | weiter »" links (page 1
links some releases relatively: ``show/Announcement/<id>/``); ``/sitemap.xml`` is a plain urlset;
no feed.

Traps: every HTML page is served as ``text/html; charset=iso-8859-1`` (also in a ``<meta
http-equiv>``) but its bytes are windows-1252 — „ “ – are 0x84 0x93 0x96, so it must be decoded
as cp1252; nested ``<table>`` layout with ``<font>`` tags and no semantic elements (no ``h1``,
``main``, ``article``); the sidebar (address, office hours, "Aktuelle Termine", "Letzte Änderung:
DD.MM.YYYY") comes BEFORE the article; the title is ``<font size="4"><b>``, the label a small
``<font>`` line above it; the only date of a release is the dateline
"Kelsterbach, 4. Juni 2025 – " opening the body (kept in the body; ``published_source`` text);
about half the releases separate paragraphs with ``<br><br>`` inside one ``<font>`` instead of
``<p>`` (subheadings are a lone ``<b>`` line); soft hyphens (``&shy;`` and raw U+00AD) and
``&nbsp;`` inside the text (the ground truth has neither: no soft hyphens, plain spaces); image
captions are ``<i>`` text in the next table cell, "… (Foto: Stadt Kelsterbach)" → credit
"Stadt Kelsterbach"; a "Siehe auch:" box of ``&raquo;`` links separated by ``<br>``.
"""

from __future__ import annotations

import random
import re
from typing import Any
from urllib.parse import unquote, urlsplit

from crawler.sample_site.families import (
    SITE_STAMP,
    Page,
    TextKit,
    attr,
    esc,
    german_day,
    german_long,
    make_response,
    media_response,
    plain,
    source_table,
    truth_entry,
)
from crawler.sample_site.render import Response

NAME = "tablesite"
HOSTS = ("www.kelsterbach.test", "kelsterbach.test")
BASE = "http://www.kelsterbach.test"
LISTING = "/presse/press/"
PAGE_SIZE = 6
SEED = 65451
CHARSET = "iso-8859-1"
CONTENT_TYPE = f"text/html; charset={CHARSET}"
_DETAIL = re.compile(r"^/presse/press/show/Announcement/(\d+)/?$")
_PAGE = re.compile(r"^/presse/press/page/(\d+)/?$")

# id, theme, date, <br> layout, image credit ("" = no image), see-also ids
_RELEASES: list[tuple[Any, ...]] = [
    (2301, "verkehr", "2024-11-14", False, "Stadt Kelsterbach", ()),
    (2304, "senioren", "2024-12-05", True, "", ()),
    (2310, "haushalt", "2025-01-22", False, "", (2304,)),
    (2316, "kita", "2025-02-12", True, "Stadt Kelsterbach", ()),
    (2321, "feuerwehr", "2025-03-10", False, "Freiwillige Feuerwehr Kelsterbach", ()),
    (2327, "klima", "2025-04-03", True, "Stadt Kelsterbach", (2301, 2316)),
    (2333, "buecherei", "2025-05-06", False, "privat", ()),
    (2338, "sport", "2025-06-04", True, "Stadt Kelsterbach", ()),
    (2344, "baum", "2025-06-30", False, "Stadt Kelsterbach", (2327,)),
    (2349, "foerderung", "2025-07-21", True, "", ()),
    (2355, "wahl", "2025-08-18", False, "", ()),
    (2360, "verkehr", "2025-09-09", True, "Stadt Kelsterbach", (2301,)),
    (2366, "kita", "2025-10-15", False, "Stadt Kelsterbach", ()),
    (2371, "klima", "2025-11-12", True, "", (2327, 2344)),
]

_QUOTES = [
    "Das ist ein gutes Signal für unsere Stadt",
    "Wir haben lange darauf hingearbeitet",
    "Davon profitieren alle Generationen in Kelsterbach",
    "Ohne die vielen Ehrenamtlichen wäre das nicht möglich gewesen",
]
_AFTER = [
    "die Stadt wolle daran anknüpfen.",
    "weitere Schritte sollen im kommenden Jahr folgen.",
    "der Magistrat habe das Vorhaben einstimmig unterstützt.",
]


def _kit(rng: random.Random) -> TextKit:
    return TextKit(
        rng,
        "Kelsterbach",
        "Kelsterbach",
        "Kelsterbacher",
        ["Kelsterbach-Süd", "der Altstadt", "dem Gebiet Am Weiher", "der Länderstraße"],
        ["Mörfelder Straße", "Rüsselsheimer Straße", "Untergasse", "Frankfurter Straße"],
        [
            "Bürgermeister Manfred Ockel",
            "Erster Stadtrat Kurt Linnert",
            "Stadtverordnetenvorsteherin Ute Meyer",
        ],
    )


def _pages() -> list[Page]:
    rng = random.Random(SEED)
    kit = _kit(rng)
    out: list[Page] = []
    for rid, theme, date, br, credit, see_also in _RELEASES:
        art = kit.article(theme, n_paras=rng.randint(3, 4), subhead=rng.random() < 0.6)
        blocks = [(k, t) for k, t in art["blocks"] if k != "li"]
        first = f"Kelsterbach, {german_long(date)} – {art['lead']}"
        quote = f"„{rng.choice(_QUOTES)}“, sagte {rng.choice(kit.people)} – {rng.choice(_AFTER)}"
        blocks = [("p", first), *blocks[:2], ("p", quote), *blocks[2:]]
        images = []
        if credit:
            alt, desc = art["image"]
            images.append({"file": f"{rid}_1.jpg", "alt": alt, "caption": desc, "credit": credit})
        out.append(
            {
                "key": f"pm-{rid}",
                "id": rid,
                "path": f"/presse/press/show/Announcement/{rid}/",
                "page_type": "press_release",
                "title": art["title"],
                "blocks": blocks,
                "date": date,
                "br": br,
                "images": images,
                "related": [f"pm-{i}" for i in see_also],
            }
        )
    return out


def resolve(target: str) -> str:
    path = unquote(urlsplit(target).path) or "/"
    match = _DETAIL.match(path)
    if match:
        return f"/presse/press/show/Announcement/{match.group(1)}/"
    match = _PAGE.match(path)
    if match:
        return listing_target(int(match.group(1)))
    if path == LISTING.rstrip("/"):
        return LISTING
    return path


def listing_target(number: int) -> str:
    return LISTING if number == 1 else f"{LISTING}page/{number}/"


# --- markup --------------------------------------------------------------------------------------

_LONG_WORD = re.compile(r"\b(\w{7,})(\w{6,})\b")


def _text(text: str, n: int) -> str:
    """Escaped text with soft hyphens in long words and ``&nbsp;`` after numbers."""
    text = esc(plain(text))
    shy = "&shy;" if n % 2 else "\u00ad"
    text = _LONG_WORD.sub(lambda m: m.group(1) + shy + m.group(2), text, count=2)
    return re.sub(r"(\d\.?) (?=[A-Za-zÄÖÜäöü])", r"\1&nbsp;", text)


def _body(page: Page) -> str:
    blocks = page["blocks"]
    if page["br"]:
        parts = []
        for n, (kind, text) in enumerate(blocks):
            parts.append(f"<b>{_text(text, n)}</b>" if kind != "p" else _text(text, n))
        return '<font face="Arial, Helvetica" size="2">' + "<br><br>\n".join(parts) + "</font>"
    out = []
    for n, (kind, text) in enumerate(blocks):
        inner = f"<b>{_text(text, n)}</b>" if kind != "p" else _text(text, n)
        out.append(f'<p><font face="Arial, Helvetica" size="2">{inner}</font></p>')
    return "\n".join(out)


def _sidebar() -> str:
    return (
        '<td width="190" valign="top" bgcolor="#E8EEF4"><table width="100%" cellpadding="6">'
        '<tr><td><font face="Arial, Helvetica" size="2"><b>Rathaus Kelsterbach</b><br>'
        "Mörfelder Straße 33<br>65451 Kelsterbach<br>Telefon 06107&nbsp;773-1<br><br>"
        "<b>Öffnungszeiten</b><br>Mo.&nbsp;– Fr. 8.00 – 12.00 Uhr<br>Do. 14.00 – 18.00 Uhr<br>"
        "<br><b>Aktuelle Termine</b><br>12.12.2025 Weihnachtsmarkt<br>"
        "15.01.2026 Neujahrsempfang</font></td></tr>"
        '<tr><td><font face="Arial, Helvetica" size="1" color="#666666">Letzte Änderung: '
        "12.06.2025</font></td></tr></table></td>"
    )


def _frame(title: str, content: str) -> str:
    return (
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n<html><head>\n'
        f'<meta http-equiv="Content-Type" content="text/html; charset={CHARSET}">\n'
        f"<title>Stadt Kelsterbach - {esc(title)}</title>\n"
        '<link rel="stylesheet" href="/css/style.css" type="text/css"></head>\n'
        '<body bgcolor="#FFFFFF" leftmargin="0" topmargin="0" marginwidth="0" marginheight="0">\n'
        '<table width="900" border="0" cellpadding="0" cellspacing="0" align="center">\n'
        '<tr><td colspan="2"><img src="/images/kopf.jpg" width="900" height="120" '
        'alt="Stadt Kelsterbach - Tor zur Welt"></td></tr>\n'
        '<tr><td colspan="2" bgcolor="#003366"><font face="Arial, Helvetica" size="2" '
        'color="#FFFFFF"><a href="/"><font color="#FFFFFF">Startseite</font></a> | '
        f'<a href="{LISTING}"><font color="#FFFFFF">Presse</font></a> | '
        '<a href="/rathaus/"><font color="#FFFFFF">Rathaus</font></a></font></td></tr>\n'
        f"<tr>{_sidebar()}\n"
        f'<td width="710" valign="top"><table width="100%" cellpadding="10"><tr><td>\n{content}\n'
        "</td></tr></table></td></tr>\n"
        '<tr><td colspan="2" align="center"><font face="Arial, Helvetica" size="1">© 2025 Stadt '
        'Kelsterbach | <a href="/impressum.html">Impressum</a> | <a href="/sitemap.xml">Sitemap'
        "</a></font></td></tr>\n</table>\n</body></html>\n"
    )


def release_page(page: Page, by_key: dict[str, Page]) -> str:
    parts = [
        '<font face="Arial, Helvetica" size="1" color="#666666">Pressemitteilung</font><br>',
        f'<font face="Arial, Helvetica" size="4" color="#003366"><b>{esc(page["title"])}'
        "</b></font><br><br>",
    ]
    for img in page["images"]:
        parts.append(
            f'<table border="0" cellpadding="4"><tr><td><img src="/images/presse/'
            f'{img["file"]}" width="300" height="200" alt="{attr(img["alt"])}"></td>'
            '<td valign="bottom"><font face="Arial, Helvetica" size="1"><i>'
            f"{esc(img['caption'])} (Foto: {esc(img['credit'])})</i></font></td></tr>"
            "</table>"
        )
    parts.append(_body(page))
    if page["related"]:
        links = "<br>\n".join(
            f'&raquo; <a href="{attr(by_key[k]["path"])}">{esc(by_key[k]["title"])}</a>'
            for k in page["related"]
        )
        parts.append(
            f'<p><font face="Arial, Helvetica" size="2"><b>Siehe auch:</b><br>\n{links}</font></p>'
        )
    parts.append(
        f'<p><font face="Arial, Helvetica" size="2"><a href="{LISTING}">« zurück zur '
        "Übersicht</a></font></p>"
    )
    return _frame(page["title"], "\n".join(parts))


def listing_pages(releases: list[Page]) -> list[str]:
    chunks = [releases[i : i + PAGE_SIZE] for i in range(0, len(releases), PAGE_SIZE)]
    out = []
    for number, chunk in enumerate(chunks, 1):
        rows = []
        for i, p in enumerate(chunk):
            href = p["path"]
            if number == 1 and i % 3 == 1:
                href = href[len(LISTING) :]  # relative: show/Announcement/<id>/
            elif i % 3 == 2:
                href = href.rstrip("/")
            rows.append(
                f'<tr><td valign="top" width="90"><font face="Arial, Helvetica" size="2">'
                f'{german_day(p["date"])}</font></td><td><font face="Arial, Helvetica" '
                f'size="2"><a href="{attr(href)}"><b>{esc(p["title"])}</b></a></font>'
                "</td></tr>"
            )
        nav = []
        if number > 1:
            nav.append(f'<a href="{listing_target(number - 1)}">« zurück</a>')
        else:
            nav.append("« zurück")
        if number < len(chunks):
            nav.append(f'<a href="{listing_target(number + 1)}">weiter »</a>')
        else:
            nav.append("weiter »")
        content = (
            '<font face="Arial, Helvetica" size="4" color="#003366"><b>Pressemitteilungen'
            '</b></font><br><br><table width="100%" cellpadding="3">'
            + "".join(rows)
            + '</table><p align="center"><font face="Arial, Helvetica" size="2">'
            + " | ".join(nav)
            + f" &nbsp; (Seite {number} von {len(chunks)})</font></p>"
        )
        out.append(_frame("Pressemitteilungen", content))
    return out


# --- build ---------------------------------------------------------------------------------------


def _encode(text: str) -> bytes:
    return text.encode("cp1252", errors="xmlcharrefreplace")


def _truth(page: Page, by_key: dict[str, Page]) -> dict[str, Any]:
    images = [
        {
            "src": f"{BASE}/images/presse/{i['file']}",
            "alt": i["alt"],
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
            "label": None,
            "date": None,
        }
        for k in page["related"]
    ]
    return truth_entry(
        BASE,
        page,
        label="Pressemitteilung",
        body="\n\n".join(plain(t) for _, t in page["blocks"]),
        published=page["date"],
        published_source="text",
        images=images,
        related=related,
        credits=[i["credit"] for i in images],
    )


def build() -> tuple[dict[str, Response], dict[str, dict[str, Any]]]:
    pages = _pages()
    by_key = {p["key"]: p for p in pages}
    releases = sorted(pages, key=lambda p: p["date"], reverse=True)
    site: dict[str, Response] = {}
    for p in pages:
        site[p["path"]] = make_response(
            _encode(release_page(p, by_key)), CONTENT_TYPE, (p["date"], "12:00")
        )
        for img in p["images"]:
            site[f"/images/presse/{img['file']}"] = media_response(f"/images/presse/{img['file']}")
    for number, text in enumerate(listing_pages(releases), 1):
        site[listing_target(number)] = make_response(_encode(text), CONTENT_TYPE, SITE_STAMP)
    site["/images/kopf.jpg"] = media_response("/images/kopf.jpg")
    urls = ["/", LISTING] + [p["path"] for p in sorted(pages, key=lambda p: p["id"])]
    sitemap = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
        'schemas/sitemap/0.9">\n'
        + "\n".join(f"<url><loc>{BASE}{u}</loc></url>" for u in urls)
        + "\n</urlset>\n"
    )
    site["/sitemap.xml"] = make_response(sitemap.encode(), "text/xml", SITE_STAMP)
    home = (
        '<font face="Arial, Helvetica" size="4"><b>Willkommen in Kelsterbach</b></font><br>'
        + "".join(
            f'<br>&raquo; <a href="{attr(p["path"])}">{esc(p["title"])}</a>' for p in releases[:3]
        )
        + f'<br><br><a href="{LISTING}">Alle Pressemitteilungen</a>'
    )
    site["/"] = make_response(_encode(_frame("Startseite", home)), CONTENT_TYPE, SITE_STAMP)
    truth = {BASE + p["path"]: _truth(p, by_key) for p in sorted(pages, key=lambda p: p["path"])}
    return site, truth


def robots_txt(crawl_delay: str = "1") -> str:
    return f"User-agent: *\nDisallow: /admin/\nCrawl-delay: {crawl_delay}\n"


def config_text(port: int) -> str:
    return source_table(
        NAME,
        HOSTS,
        port,
        f"""\
title = "Stadt Kelsterbach (sample site, table layout)"
city = "Kelsterbach"
start_urls = ["{BASE}{LISTING}"]
sitemaps = ["{BASE}/sitemap.xml"]
# releases answer with and without the trailing slash; keep the slash
url_aliases = [
  {{ pattern = '^(/presse/press/show/Announcement/\\d+)$', replace = '\\1/' }},
]
""",
    )
