"""Helpers the sample-family tests share: the ground-truth keys, request keys of URLs, a
request on a family's host, a page's tree and its visible text."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import lxml.html

from crawler.extract.text import clean
from crawler.sample_site import SampleSite

#: the keys of every ground-truth record of a family
TRUTH_KEYS = {
    "url", "page_type", "label", "title", "lead", "body", "published", "published_source",
    "modified", "images", "related", "credits", "attachments",
}  # fmt: skip


def path_of(url: str) -> str:
    """The request key of ``url``: its path and query."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def get_on_host(site: SampleSite, host: str, target: str) -> httpx.Response:
    """``target`` from the running sample site, asked for as ``host``."""
    return httpx.get(site.base_url + target, headers={"Host": host}, timeout=10)


def tree(body: bytes, charset: str = "utf-8") -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(body.decode(charset))


def visible_text(body: bytes, charset: str = "utf-8") -> str:
    """Visible text of a page, normalised like the extractor (no soft hyphens, plain spaces)."""
    doc = tree(body, charset)
    for bad in doc.xpath("//script|//style"):
        bad.drop_tree()
    return clean(doc.text_content())
