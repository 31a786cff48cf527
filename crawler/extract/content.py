"""An article's body and media, read from the scope a layout found: body blocks and links
(:func:`crawler.extract.body.body_blocks`), then images, credits and attachments
(:mod:`crawler.extract.media`, :mod:`crawler.extract.attachments`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from crawler.extract.attachments import attachments
from crawler.extract.body import body_blocks, trim_blocks
from crawler.extract.context import PageContext
from crawler.extract.media import (
    credit_fields,
    credit_items,
    credit_lines,
    image_credits,
    images,
)
from crawler.records import Extracted


def fill_content(
    page: PageContext,
    result: Extracted,
    scope: Any,
    body_root: Any,
    exclude: tuple[Any, ...],
    read_body: bool = True,
) -> None:
    """Body (unless ``read_body`` is false: a profile's body replaces it) and media."""
    if read_body:
        skip_ids = {id(el) for el in exclude if el is not None}
        skip_ids.update(id(el) for el in credit_lines(page, body_root))  # credits, not text
        blocks, links = body_blocks(body_root, skip_ids, page.resolve)
        result.body = "\n\n".join(trim_blocks(blocks)) or None
        result.links = links
    fill_media(page, result, scope)


def fill_media(page: PageContext, result: Extracted, scope: Any) -> None:
    profile = page.profile
    doc = page.doc
    whole_page = profile is not None and bool(profile.credits)
    items = credit_items(page, doc if whole_page else scope, profile)
    if not items and not whole_page:
        # a "Bildnachweise" box after the article element (already looked for on the whole
        # page when the profile's credits were)
        items = credit_items(page, doc)
    credit_map, credits = image_credits(page, items)
    result.images = images(page, scope, credit_map, profile)
    if len(result.images) == 1 and len(credits) == 1 and not result.images[0].credit:
        if credit_fields(page, scope, credits[0]):
            result.images = [replace(result.images[0], credit=credits[0])]
    for image in result.images:
        if image.credit and image.src not in credit_map and image.credit not in credits:
            credits.append(image.credit)
    result.credits = credits
    result.attachments = attachments(page, scope)


__all__ = ["fill_content", "fill_media"]
