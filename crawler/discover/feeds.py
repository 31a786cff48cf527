"""RSS 2.0, RSS 1.0 and Atom feeds → links with the date each item carries."""

from __future__ import annotations

from crawler.dates import parse_iso_date, parse_rfc822_date
from crawler.discover.markup import absolute, child_text, xml_document
from crawler.extract.text import first
from crawler.records import Link


def _feed_date(text: str | None) -> str | None:
    return parse_iso_date(text) or parse_rfc822_date(text) if text else None


def parse_feed(url: str, body: bytes) -> list[Link]:
    """Items of an RSS 2.0 / RSS 1.0 or Atom feed; ``date`` is the local date written."""
    root = xml_document(body)
    if root is None:
        return []
    links: list[Link] = []
    for item in root.xpath("//*[local-name()='item']"):
        href = child_text(item, "link")
        if not href:
            guid = first(item, "./*[local-name()='guid']")
            if guid is not None and guid.get("isPermaLink", "true") != "false":
                href = child_text(item, "guid")
        link_url = absolute(url, href)
        if not link_url:
            continue
        date = _feed_date(child_text(item, "pubDate", "date", "published", "updated"))
        links.append(
            Link(
                url=link_url,
                title=child_text(item, "title") or "",
                kind="press",
                label=child_text(item, "category"),
                date=date,
            )
        )
    for entry in root.xpath("//*[local-name()='entry']"):
        href = None
        for link in entry.xpath("./*[local-name()='link']"):
            if link.get("rel", "alternate") == "alternate" and link.get("href"):
                href = link.get("href")
                break
        link_url = absolute(url, href)
        if not link_url:
            continue
        category = first(entry, "./*[local-name()='category']/@term")
        links.append(
            Link(
                url=link_url,
                title=child_text(entry, "title") or "",
                kind="press",
                label=str(category) if category else None,
                date=_feed_date(child_text(entry, "published", "updated")),
            )
        )
    return links


__all__ = ["parse_feed"]
