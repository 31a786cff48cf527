"""Render the sample site from ``content.json``: every resource as bytes, per edition.

``render_sitepark(edition)`` is pure and cached: it maps a request key (path, plus query for
listing pages and the feed) to a :class:`Response`. ``resolve(target)`` turns any request
target the server receives (``/index.php`` forms, old-CMS aliases, tracking parameters) into
such a key. Markup follows ``MARKUP.md`` exactly; ground truth is computed here too so that the
generator (``make_content.py``) and the renderer can never disagree about dates or the feed.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit
from zoneinfo import ZoneInfo

from crawler.sample_site import templates as H

logger = logging.getLogger(__name__)

CANONICAL_BASE = "http://www.ruesselsheim.test"
BARE_BASE = "http://ruesselsheim.test"
HOSTS = ("www.ruesselsheim.test", "ruesselsheim.test")
CONTENT_PATH = Path(__file__).with_name("content.json")
BERLIN = ZoneInfo("Europe/Berlin")
FEED_SIZE = 20
PAGE_SIZE = 10
LISTING_YEARS = ("2025", "2024", "2023")
#: when each edition went live (Last-Modified of resources that changed in that edition)
EDITION_STAMP = {1: ("2025-12-01", "08:00"), 2: ("2025-12-08", "08:00"), 3: ("2025-12-15", "08:00")}
#: edition 3 is edition 2 after a partial redesign (see :func:`redesigned`)
REDESIGN_EDITION = 3
REDESIGN_NOTE = "Diese Meldung erscheint im neuen Webauftritt der Stadt Rüsselsheim am Main."
UNDATED_STAMP = ("2025-01-15", "10:00")
_OLD_ALIAS = re.compile(r"^/presseinformation(?:-anzeige|en-daten)/pressemeldungen/(\d+)\.html$")
_URL_DATE = re.compile(r"/(\d{4}-\d{2}-\d{2})[-_]")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")


@dataclass(frozen=True)
class Response:
    body: bytes
    content_type: str
    last_modified: str  # HTTP-date
    etag: str = ""  # strong ETag of the identity bytes (quoted)


def berlin_iso(date: str, time: str) -> str:
    """``2025-11-28``, ``09:30`` → ``2025-11-28T09:30:00+01:00`` (Europe/Berlin offset)."""
    return _berlin(date, time).isoformat()


def _berlin(date: str, time: str) -> datetime:
    return datetime.fromisoformat(f"{date}T{time}:00").replace(tzinfo=BERLIN)


def http_date(value: datetime) -> str:
    return format_datetime(value.astimezone(UTC), usegmt=True)


#: a download among the body's links (the extractor's attachments)
_FILE_LINK = re.compile(r"\.(pdf|docx?|xlsx?|zip)$", re.I)


def attachment_links(blocks: list[Any]) -> list[dict[str, str]]:
    """``[label](href)`` links of the body blocks to files, as ground-truth attachments."""
    found: dict[str, str] = {}
    for _, text in blocks:
        for label, href in _LINK.findall(text):
            if _FILE_LINK.search(urlsplit(href).path):
                url = CANONICAL_BASE + href if href.startswith("/") else href
                found.setdefault(url, label)
    return [{"url": url, "title": title} for url, title in found.items()]


def plain(text: str) -> str:
    """Content text with ``[label](href)`` link markup reduced to the label."""
    return _LINK.sub(lambda m: m.group(1), text)


@lru_cache(maxsize=1)
def load_content() -> dict[str, Any]:
    return json.loads(CONTENT_PATH.read_text(encoding="utf-8"))


# --- editions, feed, ground truth --------------------------------------------------------------


def live_pages(content: dict[str, Any], edition: int) -> list[dict[str, Any]]:
    """Page specs live in ``edition``, with that edition's overrides applied."""
    out = []
    for page in content["pages"]:
        if page["added_in"] > edition or (page["removed_in"] and page["removed_in"] <= edition):
            continue
        if edition >= 2 and page.get("edition_2"):
            page = {**copy.deepcopy(page), **copy.deepcopy(page["edition_2"]), "changed_in": 2}
        if edition >= REDESIGN_EDITION and redesigned(page):
            blocks = [*copy.deepcopy(page["blocks"]), ["p", REDESIGN_NOTE]]
            page = {
                **copy.deepcopy(page),
                "blocks": blocks,
                "redesign": True,
                "changed_in": REDESIGN_EDITION,
            }
        out.append(page)
    return out


def redesigned(page: dict[str, Any]) -> bool:
    """Pages of the edition-3 redesign: current-CMS press releases without a date in their
    path. They get new markup (``templates.redesign_page``: ``rs-`` classes, no
    application-name date, the date only as text in ``<p class="rs-meta">``) and a new
    closing paragraph, so a re-crawl re-extracts them and, under the old ``sitepark``
    profile, they come out without a date of their own (extraction drift)."""
    return (
        page["cms"] == "current"
        and page["page_type"] == "press_release"
        and not _URL_DATE.search(page["path"])
    )


def releases_newest_first(pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    releases = [p for p in pages if p["page_type"] == "press_release"]
    return sorted(releases, key=lambda p: (p["date"], p["time"], p["path"]), reverse=True)


def feed_keys(content: dict[str, Any], edition: int) -> list[str]:
    return [p["key"] for p in releases_newest_first(live_pages(content, edition))[:FEED_SIZE]]


def _published(page: dict[str, Any], in_feed: bool) -> tuple[str | None, str | None]:
    if page["cms"] == "old":
        return page["date"], "text"
    if page["meta_date"] and page["date"]:
        return page["date"], "metadata"
    match = _URL_DATE.search(page["path"])
    if match:
        return match.group(1), "url"
    if page["page_type"] != "press_release":
        return None, None
    return page["date"], "feed" if in_feed else "teaser"


def image_src(page: dict[str, Any], image: dict[str, Any]) -> str:
    folder = "/uploads/pics/" if page["cms"] == "old" else "/medien/bilder/"
    return CANONICAL_BASE + folder + image["file"]


def expected_fields(page: dict[str, Any], by_key: dict[str, Any], in_feed: bool) -> dict:
    body = [plain(text) for _, text in page["blocks"]]
    if page["faq"]:
        body.append("Häufig gestellte Fragen")
        for question, answer in page["faq"]:
            body += [question, answer]
    published, source = _published(page, in_feed)
    images, credits = [], []
    for img in page["images"]:
        if page["cms"] == "old":
            credit = img["credit"]
            credits.append(credit)
        else:
            credit = img["credit_item"].split(": ", 1)[1] if img["credit_item"] else None
            if img["credit_item"]:
                credits.append(img["credit_item"])
        images.append(
            {
                "src": image_src(page, img),
                "alt": img["alt"],
                "caption": img["caption"],
                "credit": credit,
            }
        )
    related = []
    for t in page["related"]:
        target = by_key[t["key"]]
        related.append(
            {
                "url": CANONICAL_BASE + target["path"],
                "title": t["title"],
                "kind": t["kind"],
                "label": None if t["kind"] == "org" else t["label"],
                "date": t["date"],
            }
        )
    return {
        "url": CANONICAL_BASE + page["path"],
        "page_type": page["page_type"],
        "label": page["label"],
        "title": page["title"],
        "lead": page["lead"],
        "body": "\n\n".join(body),
        "published": published,
        "published_source": source,
        "modified": page["date_modified"][:10] if page["date_modified"] else None,
        "images": images,
        "related": related,
        "credits": credits,
        "attachments": attachment_links(page["blocks"]),
    }


def compute_ground_truth(content: dict[str, Any], edition: int) -> dict[str, dict]:
    pages = live_pages(content, edition)
    by_key = {p["key"]: p for p in pages}
    feed = set(feed_keys(content, edition))
    return {
        CANONICAL_BASE + p["path"]: expected_fields(p, by_key, p["key"] in feed)
        for p in sorted(pages, key=lambda p: p["path"])
    }


# --- resources ---------------------------------------------------------------------------------


def resolve(target: str) -> str:
    """Request target → key of :func:`render_site` (may not exist: then it is a 404)."""
    parts = urlsplit(target)
    path = unquote(parts.path) or "/"
    if path.endswith("/index.php"):
        path = path[: -len("/index.php")] or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    alias = _OLD_ALIAS.match(path)
    if alias:
        path = f"/presseinformationen/pressemeldungen/{alias.group(1)}.html"
    if path in H.LISTING_PATHS:
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        if path == "/presse" and query.get("sp:out") == "rss":
            return "/presse?sp:out=rss"
        page = query.get("page", "1")
        if page.isdigit() and int(page) > 1:
            return f"{path}?page={int(page)}"
        if not page.isdigit() or int(page) < 1:
            return f"{path}?page={page}"  # unknown: 404
    return path


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _resp(body: bytes, content_type: str, stamp: tuple[str, str]) -> Response:
    return Response(body, content_type, http_date(_berlin(*stamp)), _etag(body))


def page_stamp(page: dict[str, Any]) -> tuple[str, str]:
    """Deterministic last modification of a page (never the wall clock)."""
    if page.get("changed_in"):
        return EDITION_STAMP[page["changed_in"]]
    stamps = []
    if page["date"]:
        stamps.append((page["date"], page["time"]))
    if page["date_modified"]:
        stamps.append((page["date_modified"][:10], page["date_modified"][11:16]))
    return max(stamps) if stamps else UNDATED_STAMP


def robots_txt(crawl_delay: str = "1") -> Response:
    text = (
        "# robots.txt for www.ruesselsheim.test\n"
        "User-agent: *\n"
        "Disallow: /intern/\n"
        "Disallow: /suche\n"
        f"Crawl-delay: {crawl_delay}\n"
        "\n"
        f"Sitemap: {CANONICAL_BASE}/sitemap.xml\n"
    )
    return _resp(text.encode(), "text/plain; charset=utf-8", UNDATED_STAMP)


def not_found_page() -> bytes:
    return H.not_found().encode("utf-8")


@lru_cache(maxsize=8)
def render_sitepark(edition: int) -> dict[str, Response]:
    """Every resource of ``edition`` of the Sitepark site (the Rüsselsheim replica); the
    other CMS families are chosen by host in :func:`crawler.sample_site.sites.render_site`."""
    if edition not in EDITION_STAMP:
        raise ValueError(f"unknown edition {edition}")
    content = load_content()
    pages = live_pages(content, edition)
    all_specs = {p["key"]: p for p in content["pages"]}
    by_key = {**all_specs, **{p["key"]: p for p in pages}}
    releases = releases_newest_first(pages)
    stamp = EDITION_STAMP[edition]
    html_type = "text/html; charset=utf-8"
    site: dict[str, Response] = {}
    media: set[str] = set()
    for page in pages:
        if page["cms"] == "old":
            text, charset = H.old_page(page), page["charset"]
            body = text.encode(charset, errors="xmlcharrefreplace")
            site[page["path"]] = _resp(body, f"text/html; charset={charset}", page_stamp(page))
        elif page.get("redesign"):
            text = H.redesign_page(page, by_key)
            site[page["path"]] = _resp(text.encode("utf-8"), html_type, page_stamp(page))
        else:
            text = H.current_page(page, by_key)
            site[page["path"]] = _resp(text.encode("utf-8"), html_type, page_stamp(page))
        media |= H.media_paths(page)
    for path, title, items in H.listings(releases):
        for number, html_text in enumerate(H.listing_pages(path, title, items, PAGE_SIZE), 1):
            key = path if number == 1 else f"{path}?page={number}"
            site[key] = _resp(html_text.encode("utf-8"), html_type, stamp)
    site["/presse?sp:out=rss"] = _resp(
        H.rss(releases[:FEED_SIZE], http_date(_berlin(*stamp))).encode("utf-8"),
        "application/rss+xml; charset=utf-8",
        stamp,
    )
    for key, xml in H.sitemaps(pages, page_stamp).items():
        site[key] = _resp(xml.encode("utf-8"), "application/xml; charset=utf-8", stamp)
    site["/"] = _resp(H.home(releases).encode("utf-8"), html_type, stamp)
    site["/presseinformationen/pressemeldungen.html"] = _resp(
        H.old_overview([p for p in releases if p["cms"] == "old"]).encode("utf-8"), html_type, stamp
    )
    site["/intern/redaktion"] = _resp(H.intern().encode("utf-8"), html_type, UNDATED_STAMP)
    site["/robots.txt"] = robots_txt()
    for path in sorted(media):
        kind = "application/pdf" if path.endswith(".pdf") else "image/jpeg"
        site[path] = _resp(H.media_bytes(path), kind, UNDATED_STAMP)
    if edition > 1:  # unchanged bytes keep the Last-Modified of the earlier edition
        earlier = render_sitepark(edition - 1)
        for key, resp in site.items():
            old = earlier.get(key)
            if old is not None and old.body == resp.body:
                site[key] = old
    return site
