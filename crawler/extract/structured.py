"""Structured data of a page: JSON-LD, OpenGraph and ``article:*`` metas, microdata
(``itemprop``), ``<time datetime>`` and Sitepark's ``meta[name=application-name][data-content]``.

This is the first extraction layer: cheap (one pass over ``<head>`` metas and JSON-LD scripts)
and, where present, the most reliable source of dates. Titles and sections found here fill gaps
the document structure leaves (see :mod:`crawler.extract.core`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from crawler.dates import parse_any_date
from crawler.extract.context import PageContext
from crawler.extract.index import is_under
from crawler.extract.text import clean_or_none, element_text
from crawler.extract.vocabulary import (
    ARTICLE_TYPES,
    MODIFIED_META,
    PRESS_TYPES,
    PUBLISHED_META,
    SP_META_DATA,
    SP_META_MODIFIED,
    SP_META_NAME,
    SP_META_PUBLISHED,
)
from crawler.records import DateCandidate

logger = logging.getLogger(__name__)

_SP_META_DETAIL = f"meta {SP_META_NAME} {SP_META_PUBLISHED}"  # (a DateCandidate's detail)


@dataclass
class Structured:
    """What a page says about itself in machine-readable form."""

    types: set[str] = field(default_factory=set)  # lower-cased JSON-LD/microdata @type values
    headline: str | None = None  # JSON-LD or microdata headline
    og_title: str | None = None
    section: str | None = None  # articleSection / article:section
    description: str | None = None
    article_body: str | None = None  # JSON-LD articleBody
    published: list[DateCandidate] = field(default_factory=list)  # source "metadata"
    modified: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)  # image URLs as written

    @property
    def is_article(self) -> bool:
        return bool(self.types & ARTICLE_TYPES)

    @property
    def is_press(self) -> bool:
        return bool(self.types & PRESS_TYPES)


def read_structured(page: PageContext) -> Structured:
    """Read every structured source of the page in one pass each."""
    doc = page.doc
    out = Structured()

    def add(raw: Any, detail: str) -> None:
        value = parse_any_date(raw) if isinstance(raw, str) else None
        if value:
            out.published.append(DateCandidate(value, "metadata", detail))

    def add_modified(raw: Any) -> None:
        value = parse_any_date(raw) if isinstance(raw, str) else None
        if value:
            out.modified.append(value)

    metas = list(doc.iter("meta"))
    for meta in metas:
        if meta.get("name") != SP_META_NAME or meta.get(SP_META_DATA) is None:
            continue
        data = load_json(meta.get(SP_META_DATA))
        if isinstance(data, dict):
            add(data.get(SP_META_PUBLISHED), _SP_META_DETAIL)
            add_modified(data.get(SP_META_MODIFIED))
    for script in doc.iter("script"):
        if script.get("type") != "application/ld+json":
            continue
        for node in json_nodes(load_json(script.text)):
            types = _types(node.get("@type"))
            out.types |= types
            if types & {"website", "organization", "breadcrumblist", "person", "imageobject"}:
                continue
            add(node.get("datePublished"), "json-ld datePublished")
            add_modified(node.get("dateModified"))
            if types & (ARTICLE_TYPES | {"webpage"}):
                out.headline = out.headline or _str(node.get("headline") or node.get("name"))
                out.section = out.section or _str(node.get("articleSection"))
                out.description = out.description or _str(node.get("description"))
                out.article_body = out.article_body or _str(node.get("articleBody"))
                out.images += _image_urls(node.get("image"))
    for meta in metas:
        content = meta.get("content")
        if content is None:
            continue
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        if key is None:
            continue
        key = key.lower()
        if key in PUBLISHED_META:
            add(content, f"meta {key}")
        elif key in MODIFIED_META:
            add_modified(content)
        elif key == "og:title":
            out.og_title = out.og_title or clean_or_none(content)
        elif key == "article:section":
            out.section = out.section or clean_or_none(content)
        elif key in ("og:description", "description") and out.description is None:
            out.description = clean_or_none(content)
        elif key == "og:image":
            out.images.append(content or "")
    _microdata(page, out, add, add_modified)
    return out


def _microdata(page: PageContext, out: Structured, add: Any, add_modified: Any) -> None:
    doc = page.doc
    for scope in page.with_attribute("itemtype"):
        if scope.get("itemscope") is None:
            continue
        out.types |= {t.rsplit("/", 1)[-1].lower() for t in scope.get("itemtype", "").split()}
    body = next(doc.iter("body"), None)
    for el in page.with_attribute("itemprop"):
        if el.tag == "meta" or body is None or not is_under(el, body):
            continue  # //body//*[@itemprop][not(self::meta)]
        prop = el.get("itemprop", "").lower()
        if prop == "datepublished":
            add(el.get("datetime") or el.get("content") or element_text(el), "microdata")
        elif prop == "datemodified":
            add_modified(el.get("datetime") or el.get("content") or element_text(el))
        elif prop == "headline" and out.headline is None:
            out.headline = clean_or_none(el.get("content") or page.text(el))


def time_dates(scope: Any, skip: Any) -> list[DateCandidate]:
    """``<time datetime>`` inside ``scope`` (the article) not excluded by ``skip``."""
    found: list[DateCandidate] = []
    if scope is None:
        return found
    for time in scope.iter("time"):
        if time is scope or time.get("datetime") is None:
            continue
        if time.get("itemprop"):
            continue  # already read as microdata
        value = parse_any_date(time.get("datetime"))
        if value and not skip(time):
            found.append(DateCandidate(value, "metadata", "time datetime"))
    return found


def load_json(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        logger.debug("ignoring malformed JSON metadata")
        return None


def json_nodes(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every object of a JSON-LD document: top-level objects, lists and ``@graph`` members."""
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data:
            yield from json_nodes(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from json_nodes(graph, depth + 1)


def _types(kind: Any) -> set[str]:
    items = kind if isinstance(kind, list) else [kind]
    return {item.lower() for item in items if isinstance(item, str)}


def _str(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), None)
    return clean_or_none(value) if isinstance(value, str) else None


def _image_urls(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    urls = []
    for item in items:
        if isinstance(item, str):
            urls.append(item)
        elif isinstance(item, dict) and isinstance(item.get("url"), str):
            urls.append(item["url"])
    return urls
