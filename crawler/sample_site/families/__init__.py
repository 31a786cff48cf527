"""More CMS families next to the Sitepark sample site, served by the same :class:`SampleSite`.

Each family is a module with its own host names, URL schemes, markup, traps and ground truth:

* ``typo3``     — TYPO3 + EXT:news (Darmstadt / Kreis Groß-Gerau style), ``www.darmstadt.test``
* ``wordpress`` — WordPress with Yoast JSON-LD and Jetpack (Hanau style), ``www.hanau.test``
* ``tablesite`` — hand-made table layout, ISO-8859-1/cp1252 (Kelsterbach), ``www.kelsterbach.test``
* ``typo3news`` — TYPO3 EXT:news stock Fluid templates in bootstrap_package wrappers (Friedberg),
  ``www.friedberg.test``
* ``contao``    — Contao news-bundle reader (``mod_newsreader``/``layout_full``, ``<base href>``),
  ``www.weiterstadt.test``
* ``drupal``    — Drupal 10 Olivero article nodes (UTC ``time[datetime]``), ``www.langen.test``
* ``gsb``       — Government Site Builder of federal bodies (``c-``/``l-`` classes,
  ``__blob=publicationFile`` downloads), ``www.bundesamt.test``

* ``wpblock``   — WordPress block theme (Twenty Twenty-Four: post-date, file and query-loop
  blocks; Dreieich), ``www.dreieich.test``
* ``joomla``    — Joomla 5 com_content with Cassiopeia (site-name ``h1``, ``h2`` headline, UTC
  JSON-LD, related-items module; Mörfelden-Walldorf), ``www.moerfelden-walldorf.test``
* ``plone``     — Plone 6 classic News Items (``documentDescription`` lead, ``<base href>``,
  related-items viewlet with files; Bensheim), ``www.bensheim.test``
* ``opencms``   — OpenCms Mercury articles (date only in a dateline, ``/export/sites/`` downloads,
  "Weitere Informationen" link sequence; Gießen), ``www.giessen.test``
* ``presseportal`` — news aktuell story pages (Blaulicht: "(ots)" datelines, "Weitere
  Meldungen" not related), ``www.presseportal.test``

``typo3news``, ``contao``, ``drupal`` and ``gsb`` share the record and site helpers at the end of
this module (:func:`release`, :func:`release_truth`, :func:`press_site`): a family module writes
only its markup and URLs. ``wpblock``, ``joomla``, ``plone``, ``opencms`` and ``presseportal``
are "simple press families": each page is described in ground-truth form and rendered by
:func:`crawler.sample_site.families.simple.simple_site`. Every family's ground truth has
``attachments`` ([{url, title}]: download links of the article, not those in related boxes).

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
    "typo3", "wordpress", "tablesite", "typo3news", "contao", "drupal", "gsb", "wpblock",
    "joomla", "plone", "opencms", "presseportal",
)  # fmt: skip
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


# --- press-release families built from records (typo3news, contao, drupal, gsb) -----------------
#
# A record (a ``Page``) holds: ``key``, ``path`` (the request key), ``page_type``, ``label``,
# ``title``, ``lead``, ``blocks`` (``[(kind, text)]``, text may hold ``[label](href)`` links),
# ``date``/``time`` (local, Europe/Berlin), ``published_source``, ``images`` (``path``, ``alt``,
# ``caption``, ``credit`` as a careful reader splits them), ``related`` (``url`` absolute,
# ``title``, ``kind``, ``label``, ``date``), ``files`` (``path``, ``title``) and, where a page
# lists its credits apart from the images, ``credits``.


def release(
    kit: TextKit,
    key: str,
    path: str,
    theme: str,
    date: str | None,
    time: str = "10:00",
    **extra: Any,
) -> Page:
    """One press-release record from the text pools (``extra`` overrides any field)."""
    rng = kit.rng
    art = kit.article(
        theme,
        extra.pop("title", None),
        n_paras=rng.randint(2, 4),
        subhead=rng.random() < 0.6,
        items=rng.random() < 0.4,
    )
    page: Page = {
        "key": key,
        "path": path,
        "page_type": "press_release",
        "label": None,
        "title": art["title"],
        "lead": art["lead"],
        "blocks": list(art["blocks"]),
        "date": date,
        "time": time,
        "published_source": "metadata" if date else None,
        "images": [],
        "related": [],
        "files": [],
        "theme": theme,
        "image_text": art["image"],
    }
    page.update(extra)
    return page


def release_truth(base: str, page: Page) -> dict[str, Any]:
    """The ground-truth record of a :func:`release` record."""
    images = [
        {"src": base + i["path"], "alt": i["alt"], "caption": i["caption"], "credit": i["credit"]}
        for i in page["images"]
    ]
    credits = page.get("credits")
    if credits is None:
        credits = [i["credit"] for i in images if i["credit"]]
    credits = list(dict.fromkeys(credits))  # each credit once, as the page reads
    return truth_entry(
        base,
        page,
        label=page["label"],
        lead=page["lead"],
        body="\n\n".join(plain(text) for _, text in page["blocks"]),
        published=page["date"] if page["published_source"] else None,
        published_source=page["published_source"],
        images=images,
        related=[dict(r) for r in page["related"]],
        credits=list(credits),
        attachments=[{"url": base + f["path"], "title": f["title"]} for f in page["files"]],
    )


def related_entry(base: str, target: Page, kind: str = "press", dated: bool = True) -> Page:
    """A related-link truth item pointing at another record."""
    return {
        "url": base + target["path"],
        "title": target["title"],
        "kind": kind,
        "label": None,
        "date": target["date"] if dated else None,
    }


def robots_text(base: str, crawl_delay: str, *disallow: str) -> str:
    """A family's robots.txt: every ``disallow`` path, the crawl delay and the sitemap."""
    rules = "".join(f"Disallow: {path}\n" for path in disallow)
    return f"User-agent: *\n{rules}Crawl-delay: {crawl_delay}\n\nSitemap: {base}/sitemap.xml\n"


def urlset(base: str, paths: list[str]) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
        'schemas/sitemap/0.9">'
        + "".join(f"<url><loc>{base}{attr(p)}</loc></url>" for p in paths)
        + "</urlset>\n"
    )


def press_site(
    base: str, pages: list[Page], detail: Any, extra: dict[str, str]
) -> tuple[dict[str, Response], dict[str, dict[str, Any]]]:
    """Resources and ground truth of a record family: every record rendered by
    ``detail(page)``, its images and files, ``extra`` HTML pages (listings, home) and
    ``/sitemap.xml`` (every record)."""
    html = "text/html; charset=utf-8"
    site: dict[str, Response] = {}
    for p in pages:
        stamp = (p["date"], p.get("time") or "10:00") if p["date"] else SITE_STAMP
        site[p["path"]] = make_response(detail(p).encode(), html, stamp)
        for item in [*p["images"], *p["files"], *p.get("linked_files", [])]:
            site[item["path"]] = media_response(item["path"].split("?")[0])
    for key, text in extra.items():
        site[key] = make_response(text.encode(), html, SITE_STAMP)
    site["/sitemap.xml"] = make_response(
        urlset(base, [p["path"] for p in pages]).encode(),
        "application/xml; charset=utf-8",
        SITE_STAMP,
    )
    truth = {
        base + p["path"]: release_truth(base, p) for p in sorted(pages, key=lambda p: p["path"])
    }
    return site, truth


def record_text(text: str) -> str:
    """Escape a pool text; ``[label](href)`` becomes a link."""
    out, pos = [], 0
    for m in LINK.finditer(text):
        out.append(esc(text[pos : m.start()]))
        out.append(f'<a href="{attr(m.group(2))}">{esc(m.group(1))}</a>')
        pos = m.end()
    out.append(esc(text[pos:]))
    return "".join(out)


def record_blocks(blocks: list[tuple[str, str]], p_attrs: str = "", h: str = "h2") -> str:
    """Body blocks as HTML (``li`` runs in one ``ul``; ``h2`` blocks as ``h``)."""
    out, in_list = [], False
    for kind, text in blocks:
        if (kind == "li") != in_list:
            out.append("<ul>" if kind == "li" else "</ul>")
            in_list = kind == "li"
        tag = {"li": "li", "h2": h}.get(kind, "p")
        extra = p_attrs if tag == "p" else ""
        out.append(f"<{tag}{extra}>{record_text(text)}</{tag}>")
    if in_list:
        out.append("</ul>")
    return "\n".join(out)
