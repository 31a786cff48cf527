"""A site profile's selectors (:mod:`crawler.extract.profiles`): the elements they find on the
page (:func:`profile_fields`), which override the layout's fields one by one
(:func:`apply_profile`)."""

from __future__ import annotations

from typing import Any

from crawler.extract.body import body_blocks, trim_blocks
from crawler.extract.context import PageContext
from crawler.extract.layouts.generic import page_type
from crawler.extract.layouts.sitepark import in_sitepark
from crawler.extract.profiles import outermost
from crawler.extract.structured import Structured
from crawler.extract.text import clean_or_none, element_text
from crawler.extract.titles import hidden
from crawler.records import Extracted

_TEXT_FIELDS = ("title", "label", "lead")


def profile_fields(page: PageContext) -> dict[str, Any]:
    """Elements the profile's title/label/lead/body selectors find (``body``: a list)."""
    profile = page.profile
    if profile is None:
        return {}
    doc = page.doc
    found: dict[str, Any] = {}
    for name in _TEXT_FIELDS:
        match = next(
            (el for el in page.select(doc, getattr(profile, name)) if not hidden(page, el)), None
        )
        if match is not None and page.text(match):
            found[name] = match
    roots = outermost(page.select(doc, profile.body))
    if roots:
        found["body"] = roots
    return found


def apply_profile(
    page: PageContext, result: Extracted, scope: Any, found: dict[str, Any], meta: Structured
) -> Any:
    """Override the fields the profile found; return the article scope for media and dates."""
    label_el = found.get("label")
    for name in _TEXT_FIELDS:
        if name in found:
            el = found[name]
            if name == "title":
                text = element_text(el, skip=lambda node: node is label_el)
            else:
                text = page.text(el)
            setattr(result, name, clean_or_none(text))
    roots = found.get("body", [])
    if roots:
        skip_ids = {id(found[n]) for n in _TEXT_FIELDS if n in found}
        blocks: list[str] = []
        links: list[str] = []
        for root in roots:
            more_blocks, more_links = body_blocks(root, skip_ids, page.resolve)
            blocks += more_blocks
            links += [link for link in more_links if link not in links]
        result.body = "\n\n".join(trim_blocks(blocks)) or None
        result.links = links
    if scope is None:
        anchor = found.get("title")
        anchor = anchor if anchor is not None else roots[0] if roots else None
        if anchor is None:
            return None
        scope = next((n for n in anchor.iterancestors() if n.tag == "article"), None)
        if scope is None:
            scope = _common_ancestor([found[n] for n in _TEXT_FIELDS if n in found] + roots)
    if result.page_type in ("other", "topic", "press_release") and not in_sitepark(scope):
        result.page_type = page_type(result, meta)
    return scope


def _common_ancestor(elements: list[Any]) -> Any:
    chains = [[el, *el.iterancestors()] for el in elements]
    shared = set(chains[0]).intersection(*map(set, chains[1:])) if len(chains) > 1 else chains[0]
    return next(node for node in chains[0] if node in shared)


__all__ = ["apply_profile", "profile_fields"]
