"""More CMS families next to the Sitepark sample site, served by the same :class:`SampleSite`.

Each family is a module with its own host names, URL schemes, markup, traps and ground truth:

* ``typo3``     — TYPO3 + EXT:news (Darmstadt / Kreis Groß-Gerau style), ``www.darmstadt.test``
* ``wordpress`` — WordPress with Yoast JSON-LD and Jetpack (Hanau style), ``www.hanau.test``
* ``tablesite`` — hand-made table layout, ISO-8859-1/cp1252 (Kelsterbach), ``www.kelsterbach.test``
* ``wpblock``   — WordPress block theme (Twenty Twenty-Four: post-date, file and query-loop
  blocks; Langen), ``www.langen.test``
* ``joomla``    — Joomla 5 com_content with Cassiopeia (site-name ``h1``, ``h2`` headline, UTC
  JSON-LD, related-items module; Mörfelden-Walldorf), ``www.moerfelden-walldorf.test``
* ``plone``     — Plone 6 classic News Items (``documentDescription`` lead, ``<base href>``,
  related-items viewlet with files; Bensheim), ``www.bensheim.test``
* ``opencms``   — OpenCms Mercury articles (date only in a dateline, ``/export/sites/`` downloads,
  "Weitere Informationen" link sequence; Gießen), ``www.giessen.test``
* ``presseportal`` — news aktuell story pages (Blaulicht: "(ots)" datelines, "Weitere
  Meldungen" not related), ``www.presseportal.test``

The last five are "simple press families": each page is described in ground-truth form and
rendered by :func:`press_site` (helpers at the end of this module). Every family's ground truth
has ``attachments`` ([{url, title}]: download links of the article, not those in related boxes).

A family module provides ``NAME``, ``HOSTS`` (first canonical), ``build() -> (resources,
truth)``, ``resolve(target) -> key``, ``robots_txt(crawl_delay) -> str`` and
``config_text(port) -> str``. ``resources`` maps request keys (each key is itself a request target
with ``resolve(key) == key``) to :class:`Response`; ``truth`` has the format of
:func:`crawler.sample_site.ground_truth`. Families have one content state: edition 2 equals
edition 1. Everything is deterministic (seeded ``random.Random``, fixed stamps).

This module also holds the helpers the families share (text pools, dates, responses).
"""

from __future__ import annotations

import copy
import hashlib
import importlib
import json
import random
import re
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from crawler.sample_site.render import Response, http_date
from crawler.sample_site.templates import attr, esc, media_bytes

__all__ = [
    "FAMILY_NAMES",
    "attr",
    "esc",
    "family_module",
    "family_of_host",
    "family_resolve",
    "family_robots",
    "family_truth",
    "render_family",
]

FAMILY_NAMES = (
    "typo3",
    "wordpress",
    "tablesite",
    "wpblock",
    "joomla",
    "plone",
    "opencms",
    "presseportal",
)
BERLIN = ZoneInfo("Europe/Berlin")
POOLS_PATH = Path(__file__).parent.with_name("pools.json")
#: Last-Modified of listings, feeds, sitemaps and chrome pages of every family
SITE_STAMP = ("2025-12-01", "08:00")
UNDATED_STAMP = ("2025-01-15", "10:00")
LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")
GERMAN_MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)

Page = dict[str, Any]


# --- registry ------------------------------------------------------------------------------------


def family_module(name: str) -> ModuleType:
    if name not in FAMILY_NAMES:
        raise ValueError(f"unknown family {name!r} (known: sitepark, {', '.join(FAMILY_NAMES)})")
    return importlib.import_module(f"crawler.sample_site.families.{name}")


@lru_cache(maxsize=1)
def _host_map() -> dict[str, str]:
    return {host: name for name in FAMILY_NAMES for host in family_module(name).HOSTS}


def family_of_host(host: str | None) -> str | None:
    """The family answering for ``host`` (no port), or None (Sitepark / unknown host)."""
    return _host_map().get((host or "").rsplit(":", 1)[0].lower().rstrip("."))


@cache
def _build(name: str) -> tuple[dict[str, Response], dict[str, dict[str, Any]]]:
    return family_module(name).build()


def render_family(name: str) -> dict[str, Response]:
    return _build(name)[0]


def family_truth(name: str) -> dict[str, dict[str, Any]]:
    return copy.deepcopy(_build(name)[1])


def family_resolve(name: str, target: str) -> str:
    return family_module(name).resolve(target)


def family_robots(name: str, crawl_delay: str = "1") -> Response:
    text = family_module(name).robots_txt(crawl_delay)
    return make_response(text.encode(), "text/plain; charset=utf-8", UNDATED_STAMP)


def clear_cache() -> None:
    _build.cache_clear()


# --- responses, dates ----------------------------------------------------------------------------


def source_table(name: str, hosts: tuple[str, ...], port: int, settings: str) -> str:
    """A ``[sources.NAME]`` table for one family: its own ``settings`` lines, its hosts, and
    ``connect_to`` sending every host to the sample site on ``127.0.0.1:port``."""
    mapping = "".join(f'"{h}" = "127.0.0.1:{port}"\n' for h in hosts)
    return (
        f"[sources.{name}]\n{settings}hosts = {json.dumps(list(hosts))}\n\n"
        f"[sources.{name}.connect_to]\n{mapping}"
    )


def local(date: str, time: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{date}T{time}:00").replace(tzinfo=BERLIN)


def make_response(body: bytes, content_type: str, stamp: tuple[str, str]) -> Response:
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return Response(body, content_type, http_date(local(*stamp)), etag)


def media_response(path: str) -> Response:
    kind = "application/pdf" if path.endswith(".pdf") else "image/jpeg"
    return make_response(media_bytes(path), kind, UNDATED_STAMP)


def german_day(date: str) -> str:
    """``2025-06-04`` → ``04.06.2025``."""
    return f"{date[8:10]}.{date[5:7]}.{date[:4]}"


def german_long(date: str, nbsp: str = " ") -> str:
    """``2025-06-04`` → ``4. Juni 2025``."""
    return f"{int(date[8:10])}.{nbsp}{GERMAN_MONTHS[int(date[5:7]) - 1]} {date[:4]}"


def plain(text: str) -> str:
    return LINK.sub(lambda m: m.group(1), text)


def hexhash(*parts: object, n: int = 32) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:n]


def slugify(text: str) -> str:
    repl = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}
    out = "".join(repl.get(c, c) for c in text.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", out).strip("-")
    return "-".join(slug.split("-")[:8])


def truth_entry(base: str, page: Page, **fields: Any) -> dict[str, Any]:
    """A ground-truth record (the format of ``crawler.sample_site.ground_truth``)."""
    entry = {
        "url": base + page["path"],
        "page_type": page["page_type"],
        "label": None,
        "title": page["title"],
        "lead": None,
        "body": "",
        "published": None,
        "published_source": None,
        "modified": None,
        "images": [],
        "related": [],
        "credits": [],
        "attachments": [],
    }
    entry.update(fields)
    return entry


# --- text ----------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def pools() -> dict[str, Any]:
    return json.loads(POOLS_PATH.read_text(encoding="utf-8"))


class TextKit:
    """Sentences from the Sitepark pools, re-set in another town (names, places, people)."""

    def __init__(
        self,
        rng: random.Random,
        city: str,
        city_long: str,
        adjective: str,
        places: list[str],
        streets: list[str],
        people: list[str],
    ) -> None:
        self.rng = rng
        self.city, self.city_long, self.adjective = city, city_long, adjective
        self.places, self.streets, self.people = places, streets, people

    def fill(self, text: str) -> str:
        rng = self.rng
        text = plain(text)  # the pools' links point into Rüsselsheim
        text = text.format(
            stadtteil=rng.choice(self.places),
            strasse=rng.choice(self.streets),
            person=rng.choice(self.people),
            wochentag=rng.choice(["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"]),
            zahl=rng.choice(["zwölf", "18", "25", "40", "rund 60"]),
        )
        for old, new in (
            ("Rüsselsheim am Main", self.city_long),
            ("Rüsselsheimerinnen", self.adjective + "innen"),
            ("Rüsselsheimer", self.adjective),
            ("Rüsselsheim", self.city),
            ("Mainzer Straße", self.streets[0]),
            ("06142 83-0", "0000 000-0"),
        ):
            text = text.replace(old, new)
        return text

    def theme(self, name: str) -> dict[str, Any]:
        return pools()["THEMES"][name]

    def article(
        self,
        theme: str,
        title: str | None = None,
        n_paras: int = 3,
        subhead: bool = True,
        items: bool = False,
    ) -> dict[str, Any]:
        """Title, lead and body blocks ``[(kind, text)]`` for one release of ``theme``."""
        th, rng = self.theme(theme), self.rng
        paras = rng.sample(th["paras"], k=min(len(th["paras"]), n_paras))
        blocks: list[tuple[str, str]] = [("p", self.fill(p)) for p in paras[:2]]
        if subhead:
            blocks.append(("h2", self.fill(rng.choice(th["subheads"]))))
        blocks += [("p", self.fill(p)) for p in paras[2:]]
        if items and th.get("items"):
            blocks += [("li", self.fill(it)) for it in th["items"]]
        closing = rng.choice([c for c in pools()["CLOSINGS"] if "presse(at)" not in c])
        blocks.append(("p", self.fill(closing)))
        return {
            "title": title or self.fill(rng.choice(th["titles"])),
            "lead": self.fill(rng.choice(th["leads"])),
            "blocks": blocks,
            "image": rng.choice(th["images"]),
        }


# --- simple press families (wpblock, joomla, plone, opencms, presseportal) -----------------------
#
# These families describe each page as a dict already in ground-truth form, paths relative to
# the host: ``images`` [{src, alt, caption, credit}], ``related`` [{path, title, kind, label,
# date}], ``attachments`` [{path, title}], plus ``label``, ``lead``, ``blocks`` [(kind, text)],
# ``date``/``time`` (local), ``published_source``, ``modified``. :func:`press_site` renders
# them with the family's own templates and adds media, files, listing pages and a sitemap.


def file_response(path: str) -> Response:
    """A download (PDF bytes, whatever the URL looks like: ``…/view``, ``?download=…``)."""
    body = b"%PDF-1.4\n% sample document\n" + hexhash("file", path).encode() + b"\n%%EOF\n"
    return make_response(body, "application/pdf", UNDATED_STAMP)


def press_truth(base: str, page: Page) -> dict[str, Any]:
    images = [dict(i, src=base + i["src"]) for i in page["images"]]
    related = [
        {k: r[k] for k in ("title", "kind", "label", "date")} | {"url": base + r["path"]}
        for r in page["related"]
    ]
    attachments = [{"url": base + a["path"], "title": a["title"]} for a in page["attachments"]]
    return truth_entry(
        base,
        page,
        label=page.get("label"),
        lead=page.get("lead"),
        body="\n\n".join(plain(t) for _, t in page["blocks"]),
        published=page.get("date"),
        published_source=page.get("published_source") if page.get("date") else None,
        modified=page.get("modified"),
        images=images,
        related=related,
        credits=list(dict.fromkeys(i["credit"] for i in images if i["credit"])),
        attachments=attachments,
    )


def press_site(
    base: str,
    pages: list[Page],
    render: Any,
    listings: list[tuple[str, str]],
    html: str = "text/html; charset=utf-8",
) -> tuple[dict[str, Response], dict[str, dict[str, Any]]]:
    """Resources and ground truth of a simple press family: ``render(page) -> str`` for each
    page, ``listings`` [(key, markup)], every image and file a page names, ``/sitemap.xml``."""
    site: dict[str, Response] = {}
    for p in pages:
        stamp = (p["date"], p.get("time", "10:00")) if p.get("date") else SITE_STAMP
        site[p["path"]] = make_response(render(p).encode(), html, stamp)
        for img in p["images"]:
            site.setdefault(img["src"], media_response(img["src"]))
        for path in [a["path"] for a in p["attachments"]] + [
            r["path"] for r in p["related"] if r["kind"] == "other"
        ]:
            site.setdefault(path, file_response(path))
    for key, text in listings:
        site[key] = make_response(text.encode(), html, SITE_STAMP)
    urls = "".join(
        f"<url><loc>{base}{attr(p['path'])}</loc></url>" for p in sorted(pages, key=_path_of)
    )
    sitemap = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
        f'schemas/sitemap/0.9">{urls}</urlset>\n'
    )
    site["/sitemap.xml"] = make_response(
        sitemap.encode(), "application/xml; charset=utf-8", SITE_STAMP
    )
    truth = {base + p["path"]: press_truth(base, p) for p in sorted(pages, key=_path_of)}
    return site, truth


def _path_of(page: Page) -> str:
    return str(page["path"])


def press_resolve(target: str, known: Any) -> str:
    """Request target → resource key: the path with the query kept only when ``known`` has
    that exact key (a listing page, a ``?download=`` file), a trailing slash tolerated."""
    parts = urlsplit(target)
    path = unquote(parts.path) or "/"
    if parts.query and f"{path}?{parts.query}" in known:
        return f"{path}?{parts.query}"
    if path not in known and len(path) > 1:
        other = path.rstrip("/") if path.endswith("/") else path + "/"
        if other in known:
            return other
    return path


def press_robots(base: str, disallow: str, crawl_delay: str) -> str:
    return (
        f"User-agent: *\nDisallow: {disallow}\nCrawl-delay: {crawl_delay}\n\n"
        f"Sitemap: {base}/sitemap.xml\n"
    )


def paragraphs(blocks: list[tuple[str, str]], heading: str = "h2", p_attrs: str = "") -> str:
    """Body blocks as HTML: ``p``/``h2``/``li`` (list items grouped in one ``ul``)."""
    out, in_list = [], False
    for kind, text in blocks:
        if (kind == "li") != in_list:
            out.append("<ul>" if kind == "li" else "</ul>")
            in_list = kind == "li"
        body = LINK.sub(lambda m: f'<a href="{attr(m.group(2))}">{esc(m.group(1))}</a>', esc(text))
        tag = {"li": "li", "p": "p"}.get(kind, heading)
        extra = p_attrs if kind == "p" else ""
        out.append(f"<{tag}{extra}>{body}</{tag}>")
    if in_list:
        out.append("</ul>")
    return "\n".join(out)


def make_press_pages(
    kit: TextKit, specs: list[tuple[Any, ...]], n_paras: tuple[int, int] = (3, 4)
) -> list[Page]:
    """Articles from ``specs`` [(theme, date, time, n_images)]: title, lead, blocks, image
    alt/caption pairs (``image_texts``) and a photographer each; families add the rest."""
    rng = kit.rng
    out: list[Page] = []
    for theme, date, time, n_img in specs:
        art = kit.article(
            theme,
            n_paras=rng.randint(*n_paras),
            subhead=rng.random() < 0.6,
            items=rng.random() < 0.3,
        )
        imgs = kit.theme(theme)["images"]
        out.append(
            {
                "theme": theme,
                "title": art["title"],
                "lead": art["lead"],
                "blocks": list(art["blocks"]),
                "date": date,
                "time": time,
                "slug": slugify(art["title"]),
                "image_texts": [imgs[n % len(imgs)] for n in range(n_img)],
                "who": rng.choice(["Katrin Wessel", "Tobias Brandl", "Ayşe Demir", "Jonas Reh"]),
            }
        )
    return out
