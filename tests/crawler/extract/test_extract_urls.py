"""The fast URL join of crawler.extract.text gives exactly what urljoin gives."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from lxml import etree

from crawler.extract.context import PageContext
from crawler.extract.text import _join_simple, clean, resolve_url

BASES = [
    "http://www.example-stadt.de/presse/2024/meldung",
    "https://stadt.example/a/b/",
    "http://Host.Example:8080/x;p?q=1#f",
    "https://user@host.example/",
    "http://[::1]:8080/a",
    "ftp://host/x",
    "http://",
]
HREFS = [
    "/presse/a",
    "/a?b=1",
    "/a?b=1#c",
    "/a#",
    "/a?",
    "/a?#c",
    "/a/./b",
    "/a/../b",
    "/.",
    "/a;p",
    "//other.host/x",
    "/",
    "/ä/ö?ü=1",
    "/a/.hidden",
    "/a//b",
    "http://host/x",
    "https://host",
    "http://host?",
    "http://host#",
    "http://host/a?#b",
    "http:///x",
    "http://host/a;p",
    "HTTP://host/x",
    "https://[::1]/x",
    "http://hé.example/",
    "http://host/a/../b",
    "https://host/a b",
    "http:host",
    "http://",
    "https://h/?q#f",
    "relative/x",
    "../up",
    "mailto:a@b",
    "javascript:void(0)",
    "?q=1",
    "#frag",
    "tel:123",
]


@pytest.mark.parametrize("base", BASES)
def test_fast_join_is_urljoin(base: str) -> None:
    for raw in HREFS:
        href = clean(raw)
        fast = _join_simple(base, href)
        if fast is None:
            continue
        assert fast == urljoin(base, href), (base, href)
        assert urlsplit(fast).scheme in ("http", "https")


@pytest.mark.parametrize("base", BASES)
def test_resolve_url_as_before(base: str) -> None:
    doc = etree.fromstring("<html><body></body></html>", etree.HTMLParser())
    page = PageContext(url=base, doc=doc)  # the page's memo gives the same answers
    for raw in HREFS + HREFS:
        href = clean(raw)
        try:
            joined = urljoin(base, href) if href and not href.startswith("#") else None
            ok = joined is not None and urlsplit(joined).scheme.lower() in ("http", "https")
        except ValueError:
            joined, ok = None, False
        assert resolve_url(base, raw) == (joined if ok else None), (base, raw)
        assert page.resolve(raw) == resolve_url(base, raw), (base, raw)
