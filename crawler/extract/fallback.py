"""Last extraction layer: trafilatura for the body, htmldate for the date.

Called only where the structural layer has no trusted body
(see :func:`crawler.extract.layouts.generic.trusted`) and the block scorer
(:mod:`crawler.extract.scoring`) finds no article, or where no date candidate is found at all,
so the hot path stays on lxml. Both libraries get their own
``lxml.html`` tree parsed from the markup the extractor parsed (trafilatura prunes the tree it
is given, and both want ``HtmlElement`` trees, which the extractor's lean parse does not make).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from lxml import etree

from crawler.extract.parse import parse_html
from crawler.extract.text import clean

logger = logging.getLogger(__name__)

#: trafilatura pages shorter than this are noise (cookie banners, error pages)
MIN_BODY_CHARS = 80
#: the two bodies agree when the structural one holds at least this share of the library's
#: words and at most this factor more words (measured on the public benchmark, BENCHMARKS.md)
AGREE_COVER = 0.9
AGREE_EXTRA = 1.1
#: words the structural body may add on any page (a short list of links in a short article)
AGREE_SLACK = 10
_WORDS = re.compile(r"\w+")


def _tree(markup: str) -> Any:
    """An ``lxml.html`` tree of ``markup``; ValueError for a document without a root."""
    root = parse_html(markup, kind="html")
    if root is None:
        raise ValueError("document is empty")
    return root


def body_text(markup: str, url: str) -> str | None:
    """Main text by trafilatura (precision mode, no comments, no tables of navigation), one block
    per paragraph joined by a blank line; None when it finds nothing worth keeping."""
    import trafilatura  # imported lazily: ~0.3 s of import time most runs never need

    try:
        text = trafilatura.extract(
            _tree(markup),
            url=url,
            favor_precision=True,
            include_comments=False,
            include_tables=True,
            deduplicate=False,
            with_metadata=False,
        )
    except (ValueError, TypeError, AttributeError, etree.LxmlError, RecursionError):
        logger.warning("trafilatura failed on %s", url, exc_info=True)
        return None
    if not text:
        return None
    blocks = [clean(line) for line in text.split("\n")]
    body = "\n\n".join(b for b in blocks if b)
    return body if len(body) >= MIN_BODY_CHARS else None


def find_date(markup: str, url: str) -> str | None:
    """Original publication date by htmldate (fast mode: markup and metadata, no free-text
    search, which would pick up event dates), ``YYYY-MM-DD`` or None."""
    import htmldate  # imported lazily, as trafilatura: ~0.14 s, rarely needed

    try:
        value = htmldate.find_date(
            _tree(markup), extensive_search=False, original_date=True, url=url
        )
    except (ValueError, TypeError, AttributeError, etree.LxmlError, RecursionError):
        logger.warning("htmldate failed on %s", url, exc_info=True)
        return None
    return value if isinstance(value, str) else None


def choose_body(
    structural: str | None, library: str | None, fields: Iterable[str | None]
) -> str | None:
    """The body of a page whose structure names no article container: trafilatura's
    ``library`` body without the blocks that are already ``fields`` (title, label, lead),
    unless the ``structural`` body says the same (then it is kept: its blocks and links come
    from the same walk as the other fields)."""
    if library:
        known = {f for f in fields if f}
        library = "\n\n".join(b for b in library.split("\n\n") if b not in known) or None
    if not library or not structural:
        return structural or library
    return structural if agree(structural, library) else library


def agree(structural: str, library: str) -> bool:
    """Whether ``structural`` covers ``library``'s words (:data:`AGREE_COVER`) without much
    more text of its own (:data:`AGREE_EXTRA`, :data:`AGREE_SLACK`): boilerplate or a missed
    article part shows as a disagreement."""
    ours, theirs = Counter(_WORDS.findall(structural)), Counter(_WORDS.findall(library))
    n_ours, n_theirs = sum(ours.values()), sum(theirs.values())
    shared = sum((ours & theirs).values())
    return shared >= AGREE_COVER * n_theirs and n_ours <= AGREE_EXTRA * n_theirs + AGREE_SLACK
