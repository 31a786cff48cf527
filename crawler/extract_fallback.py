"""Last extraction layer: trafilatura for the body, htmldate for the date.

Called only when the structured and document-structure layers found nothing (no body, or no
date candidate at all), so the hot path stays on lxml. Both libraries get a copy of the parsed
tree: trafilatura prunes the tree it is given.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from lxml import etree

from crawler.text import clean

logger = logging.getLogger(__name__)

#: trafilatura pages shorter than this are noise (cookie banners, error pages)
MIN_BODY_CHARS = 80


def body_text(doc: Any, url: str) -> str | None:
    """Main text by trafilatura (precision mode, no comments, no tables of navigation), one block
    per paragraph joined by a blank line; None when it finds nothing worth keeping."""
    import trafilatura  # imported lazily: ~0.3 s of import time most runs never need

    try:
        text = trafilatura.extract(
            copy.deepcopy(doc), url=url, favor_precision=True, include_comments=False,
            include_tables=True, deduplicate=False, with_metadata=False,
        )
    except (ValueError, TypeError, AttributeError, etree.LxmlError, RecursionError):
        logger.warning("trafilatura failed on %s", url, exc_info=True)
        return None
    if not text:
        return None
    blocks = [clean(line) for line in text.split("\n")]
    body = "\n\n".join(b for b in blocks if b)
    return body if len(body) >= MIN_BODY_CHARS else None


def find_date(doc: Any, url: str) -> str | None:
    """Original publication date by htmldate (fast mode: markup and metadata, no free-text
    search, which would pick up event dates), ``YYYY-MM-DD`` or None."""
    import htmldate

    try:
        value = htmldate.find_date(
            copy.deepcopy(doc), extensive_search=False, original_date=True, url=url
        )
    except (ValueError, TypeError, AttributeError, etree.LxmlError, RecursionError):
        logger.warning("htmldate failed on %s", url, exc_info=True)
        return None
    return value if isinstance(value, str) else None
