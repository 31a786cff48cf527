"""Extraction: one HTML page (URL, bytes, headers[, profile]) → :class:`crawler.records.Extracted`.

``extract`` is a pure function. Bad input (unparseable bytes, an empty document) gives an
``Extracted`` with nothing in it; an exception it raises is a bug of the extractor (the crawl
engine records it as an extraction error). It works in layers, each filling what the
previous one left empty:

1. structured data (:mod:`crawler.extract.structured`): JSON-LD, OpenGraph/``article:*``
   metas, microdata, ``<time datetime>``, Sitepark's application-name JSON — dates first;
2. document structure: Sitepark IES (``article#SP-Content``), the old Rüsselsheim CMS
   (``div.news-single-item``), else the visible ``h1`` inside ``main``/``article``; figures,
   related boxes (:mod:`crawler.extract.related`), credits and attachments
   (:mod:`crawler.extract.media`); a site profile's CSS selectors (:mod:`crawler.extract.profiles`)
   override this layer field by field;
3. libraries (:mod:`crawler.extract.fallback`): trafilatura when no body was found, htmldate
   when no date candidate was found.

Dates: :mod:`crawler.extract.dates` gathers the candidates, :mod:`crawler.dates` has the rule that
picks ``published``. The page index (:mod:`crawler.extract.index`) serves class, id and heading
lookups for the whole extraction of one page.
"""

from __future__ import annotations

import logging
import re
import threading
from codecs import BOM_UTF8
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler import dates
from crawler.extract import fallback as extract_fallback
from crawler.extract import index as extract_index
from crawler.extract.dates import date_line, fill_dates
from crawler.extract.dates import text_dates as text_dates_of
from crawler.extract.index import first_with_class, indexed, page_index, page_memo, page_text
from crawler.extract.media import (
    CREDIT_HEADINGS,
    attachments,
    caption_cell,
    credit_items,
    image_credits,
    images,
    split_caption,
)
from crawler.extract.profiles import SiteProfile, outermost, select
from crawler.extract.related import ORG_PATH, RELATED_HEADINGS, is_listing, listing_items, related
from crawler.extract.related import teaser as teaser_link
from crawler.extract.structured import Structured, read_structured
from crawler.extract.text import (
    body_blocks,
    clean,
    clean_or_none,
    compiled,
    decode_html_as,
    element_text,
    first,
    forget_urls,
    has_invisible,
    is_prepared,
    prepare_markup,
    raw_texts,
    resolve_url,
    text_content,
    trim_blocks,
)
from crawler.records import DateCandidate, Extracted

logger = logging.getLogger(__name__)
_PARSERS = threading.local()

__all__ = ["CREDIT_HEADINGS", "RELATED_HEADINGS", "extract", "split_caption"]

_PRESS_PATH = re.compile(r"/(presse|pressemitteilung|pressemeldung|news|aktuelles|meldung)", re.I)
#: class words of hidden elements (also "visually-hidden", "visuallyhidden": they hold "hidden")
_HIDDEN_CLASS = ("hidden", "sr-only", "screenreader", "screen-reader", "d-none",
                 "element-invisible", "offscreen")  # fmt: skip
_NOT_TITLE_CLASS = ("teaser", "sp-header", "site-header", "cookie", "consent", "logo", "related")
_CONTAINERS = ("td", "div", "article", "section", "main", "body")
_TITLE_SPLIT = re.compile(r"\s+[|–—-]\s+")
_TITLE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,80}$")
# (the words are looked for in the lower-cased class attribute: no word holds whitespace, so
# "a token contains it" and "the attribute contains it" agree)
_TEXT_FIELDS = ("title", "label", "lead")


def extract(
    url: str, body: bytes, headers: Mapping[str, str], profile: SiteProfile | None = None
) -> Extracted:
    """Extract one page. Malformed input gives an ``Extracted`` with ``page_type="other"``;
    an exception is an extractor bug (never swallowed here).

    ``profile`` (optional) holds CSS selectors that override the generic layer for one source.
    """
    forget_urls()  # the URL memo serves one page
    try:
        parsed = _parse(body, headers or {})
    except (etree.LxmlError, ValueError) as exc:
        logger.debug("unparseable page %s: %s", url, exc)
        return Extracted(url=url)
    if parsed is None:
        return Extracted(url=url)
    # no broad except here: an extractor bug (TypeError, AttributeError, …) is raised, so
    # that tests fail on it and the crawl engine records it as an extraction error
    with indexed(parsed[1]):
        return _extract(url, *parsed, profile)


def _parse(body: bytes, headers: Mapping[str, str]) -> tuple[str, Any] | None:
    """The decoded markup and its lxml tree (plain ``etree`` elements: no ``lxml.html``
    element-class lookup in Python for every node touched), or None for an empty page."""
    if not body or body.isspace():  # (the whitespace strip() removes, without the copy)
        return None
    text, codec = decode_html_as(body, headers)
    parsers = getattr(_PARSERS, "parsers", None)
    if parsers is None:  # one parser per thread: lxml parsers must not be shared across threads
        # (no id hash table: nothing looks elements up by XPath ``id()``; 5-10% of the parse)
        parsers = _PARSERS.parsers = (
            etree.HTMLParser(collect_ids=False),
            etree.HTMLParser(collect_ids=False, encoding="utf-8"),
        )
    source: str | bytes
    if codec == "utf-8" and not body.startswith(BOM_UTF8) and is_prepared(text, body):
        # the body is the markup in UTF-8: lxml parses the bytes (a str it encodes first)
        markup, source, parser = text, body, parsers[1]
    else:
        markup = prepare_markup(text)
        source, parser = markup, parsers[0]
    if not markup or markup.isspace():
        return None
    doc = etree.fromstring(source, parser)
    return None if doc is None else (markup, doc)


def _extract(url: str, markup: str, doc: Any, profile: SiteProfile | None) -> Extracted:
    href = next((b.get("href") for b in doc.iter("base") if b.get("href") is not None), None)
    try:
        base = urljoin(url, (href or "").strip()) or url
    except ValueError:  # a malformed <base href> ("http://[x"): the page's own URL
        base = url
    result = Extracted(url=url, canonical=_canonical(doc, base))
    meta = read_structured(doc)
    article = next((a for a in doc.iter("article") if a.get("id") == "SP-Content"), None)
    old = first_with_class(doc, "news-single-item", tag="div")
    main = next(doc.iter("main"), None)
    if main is None:
        main = next(
            (
                el
                for el in extract_index.elements_with_attribute(doc, "role")
                if el.get("role") == "main"
            ),
            None,
        )  # //*[@role='main']
    text_dates: list[DateCandidate] = []
    found = _profile_fields(doc, profile)
    marked = marked_body(doc) if article is None and old is None else None

    if (
        article is None
        and old is None
        and not found
        and not meta.is_article
        and is_listing(doc, main, profile)
    ):
        scope = main if main is not None else doc
        result.page_type = "listing"
        h1 = visible_h1(scope)
        result.title = clean_or_none(element_text(h1 if h1 is not None else visible_h1(doc)))
        result.related = [
            link
            for link in (teaser_link(item, base) for item in listing_items(scope, profile))
            if link
        ]
        return result
    if article is not None:
        scope = article
        _fill_sitepark(result, article, base, profile, doc, found)
    elif old is not None:
        scope = old
        _fill_old_cms(result, old, base, text_dates, profile, doc, "body" in found)
    else:
        scope = _fill_generic(result, doc, main, base, meta, profile, found, marked)
    if found:
        scope = _apply_profile(result, doc, scope, base, found, meta)
    if scope is None:
        scope = _fallback_scope(result, doc, main, meta, base, profile, marked)
        if scope is None:
            return result
    if result.title is None:
        result.title = meta.headline or _strip_suffix(meta.og_title)
    if not result.body or not trusted(doc, article, old, profile, marked):
        # no markup says where the article is: the library's body is measurably better
        # (BENCHMARKS.md); the structural body stays when the library finds nothing
        library = extract_fallback.body_text(markup, url)
        line = date_line(scope)  # the visible date line and the image captions are fields of
        # their own (trafilatura may put them into the body; measured in BENCHMARKS.md)
        fields = [
            result.title,
            result.label,
            result.lead,
            element_text(line) if line is not None else None,
        ]
        for image in result.images:
            fields += (image.caption, image.credit)
        result.body = extract_fallback.choose_body(result.body, library, fields)
        if result.body and result.page_type == "other":
            result.page_type = "press_release" if meta.is_press else "topic"

    result.related = related(doc, base, profile)
    text_dates_of(result, scope, text_dates)
    fill_dates(result, doc, markup, scope, meta, text_dates, profile)
    return result


# --- layouts -------------------------------------------------------------------------------------


def _fill_sitepark(
    result: Extracted,
    article: Any,
    base: str,
    profile: SiteProfile | None,
    doc: Any,
    found: dict[str, Any],
) -> None:
    """Sitepark's header and content; a field the profile found (``found``, it overrides this
    layer in :func:`_apply_profile`) is not read twice."""
    header = first_with_class(article, "SP-ArticleHeader", tag="header")
    head = header if header is not None else article
    kicker = first_with_class(head, "SP-Kicker__text")
    if kicker is None:
        kicker = first_with_class(head, "SP-Kicker")
    result.label = clean_or_none(element_text(kicker)) if kicker is not None else None
    if "title" not in found:
        h1 = visible_h1(head)
        result.title = clean_or_none(element_text(h1 if h1 is not None else visible_h1(article)))
    if "lead" not in found:
        intro = first_with_class(head, "SP-Intro")
        result.lead = clean_or_none(element_text(intro)) if intro is not None else None
    content = first_with_class(article, "SP-ArticleContent")
    root = content if content is not None else article
    _fill_content(result, article, root, base, (), profile, doc, "body" not in found)
    result.page_type = _sitepark_type(result.label, result.url)


def _sitepark_type(label: str | None, url: str) -> str:
    path = urlsplit(url).path.lower()
    lowered = (label or "").lower()
    if lowered.startswith("pressemitteilung"):
        return "press_release"
    if "bekanntmachung" in lowered:
        return "notice"
    if path.startswith("/presse/"):
        return "press_release"
    if "/oeffentliche-bekanntmachungen/" in path:
        return "notice"
    if path.startswith("/rathaus/verwaltung/"):
        return "org_unit"
    return "topic"


def _fill_old_cms(
    result: Extracted,
    item: Any,
    base: str,
    text_dates: list[DateCandidate],
    profile: SiteProfile | None,
    doc: Any,
    profile_body: bool,
) -> None:
    section = first_with_class(item, "section")
    result.label = clean_or_none(element_text(section)) if section is not None else None
    h1 = visible_h1(item)
    result.title = clean_or_none(element_text(h1))
    date_line = first_with_class(item, "news-single-rightbox")
    if date_line is not None:
        value = dates.parse_german_date(element_text(date_line))
        if value:
            text_dates.append(DateCandidate(value, "text", "date line"))
    text = first_with_class(item, "news-text")
    root = text if text is not None else item
    _fill_content(
        result, item, root, base, (h1, section, date_line), profile, doc, not profile_body
    )
    result.page_type = "press_release"


def _fill_generic(
    result: Extracted,
    doc: Any,
    main: Any,
    base: str,
    meta: Structured,
    profile: SiteProfile | None,
    found: dict[str, Any],
    marked: Any,
) -> Any:
    h1 = found.get("title")
    if h1 is None:
        h1 = visible_h1(main) if main is not None else None
    if h1 is None:
        h1 = visible_h1(doc)
    if h1 is None:
        return None
    result.title = clean_or_none(page_text(doc, h1))
    root = _generic_root(h1, main)
    label_el = _label_before(h1)
    result.label = clean_or_none(element_text(label_el)) if label_el is not None else None
    read_body = "body" not in found
    # a lead the profile found replaces this one (_apply_profile); without a body to read
    # here, the lead and the date line are not needed to leave them out of it
    lead_el = (
        None
        if "lead" in found and not read_body
        else first_with_class(root, "SP-Intro", "lead", "intro", "teaser-text")
    )
    result.lead = clean_or_none(element_text(lead_el)) if lead_el is not None else None
    exclude = (h1, lead_el, label_el, date_line(root)) if read_body else ()
    body_root = marked if marked is not None else root
    # a profile body replaces this one; the page type is then decided again (_apply_profile)
    _fill_content(result, root, body_root, base, exclude, profile, doc, read_body)
    result.page_type = page_type(result, meta)
    return root


#: containers that markup itself names as the article body: schema.org microdata
#: (``itemprop="articleBody"``) and WordPress's ``entry-content`` (every theme's post body)
_MARKED_BODY = etree.XPath(
    "//*[@itemprop='articleBody' or contains(concat(' ', normalize-space(@class), ' '),"
    " ' entry-content ')]"
)
#: HTML5 sectioning elements or a ``h1``: a page built after 2008, not an old table layout
_MODERN = ("h1", "article", "main", "section", "header", "nav", "footer", "aside")


def marked_body(doc: Any) -> Any:
    """The first container the markup names as the article body, or None."""
    index = page_index(doc)
    if index is None:
        found = _MARKED_BODY(doc)
        return found[0] if found else None
    candidates = [
        el for el in index.with_attribute("itemprop") if el.get("itemprop") == "articleBody"
    ][:1]
    candidates += index.by_class.get("entry-content", [])[:1]
    if len(candidates) < 2:
        return candidates[0] if candidates else None
    return min(candidates, key=index.position.__getitem__)


def trusted(doc: Any, article: Any, old: Any, profile: SiteProfile | None, marked: Any) -> bool:
    """Whether the structural layer's body is trusted over trafilatura's (measured, see
    BENCHMARKS.md): a site profile (someone looked at the source's templates; a page its body
    selector misses is still one of those templates), a known CMS (Sitepark, the old
    Rüsselsheim CMS), a container the markup names as the article body, or an old table
    layout (no ``h1``, no HTML5 sectioning), where trafilatura drops the ``<font>``/``<br>``
    prose. Elsewhere the
    structural body comes from heuristics (the title's ``article``/``main``/ancestor), and
    trafilatura's body is better on real news pages."""
    if article is not None or old is not None or profile is not None:
        return True
    return marked is not None or next(doc.iter(*_MODERN), None) is None


def page_type(result: Extracted, meta: Structured) -> str:
    """Type of a page outside Sitepark: the label ("Pressemitteilung", "Öffentliche
    Bekanntmachung"), then the URL path (notices, offices), then structured data (an
    Article/NewsArticle) or a press path; else ``topic`` when it has a body."""
    label = (result.label or "").lower()
    path = urlsplit(result.url).path.lower()
    if label.startswith(("pressemitteilung", "pressemeldung", "presseinformation")):
        return "press_release"
    if "bekanntmachung" in label or "/oeffentliche-bekanntmachungen/" in path:
        return "notice"
    if ORG_PATH.search(path + "/"):
        return "org_unit"
    if meta.is_press or meta.is_article or _PRESS_PATH.search(path):
        return "press_release" if result.body or meta.is_press else "other"
    return "topic" if result.body else "other"


def _generic_root(h1: Any, main: Any) -> Any:
    """The smallest ``article`` around the title, else ``main``, else the title's parent chain
    up to the first ancestor that holds paragraphs."""
    for node in h1.iterancestors():
        if node.tag == "article":
            return node
    if main is not None:
        return main
    for node in h1.iterancestors():
        if node.tag in ("body", "html") or len(compiled(".//p")(node)) >= 2:
            return node
    return h1.getparent()


def _label_before(h1: Any) -> Any:
    """A kicker right before the title (a short element with a kicker/label class, or
    ``h1 > span.kicker``)."""
    if len(h1):  # .//*[contains(@class, 'icker')]: the kicker is part of the h1 text
        for el in h1.iter(etree.Element):
            if el is not h1 and "icker" in (el.get("class") or ""):
                return None  # leave the title whole
    prev = h1.getprevious()
    if prev is None or not isinstance(prev.tag, str):
        return None
    token = (prev.get("class") or "").lower()  # (the words hold no whitespace)
    if "kicker" in token or "label" in token or "topline" in token or "dachzeile" in token:
        return prev
    # WordPress-style category line above the title: its first category link
    category = _category_line(prev)
    if category is not None and element_text(category):
        for anchor in category.iter("a"):  # .//a[@href]
            if anchor is not category and anchor.get("href") is not None:
                return anchor
        return category
    return None


def _category_line(el: Any) -> Any:
    """The first element inside ``el`` whose class holds "cat-links", "categor" or "rubrik"."""
    for node in el.iter(etree.Element):
        value = node.get("class")
        if (
            value is not None
            and node is not el
            and ("cat-links" in value or "categor" in value or "rubrik" in value)
        ):
            return node
    return None


def _fallback_scope(
    result: Extracted,
    doc: Any,
    main: Any,
    meta: Structured,
    base: str,
    profile: SiteProfile | None,
    marked: Any,
) -> Any:
    """No visible ``h1``: the title is the part of ``<title>`` (or the JSON-LD/OpenGraph
    headline) that stands alone in the page (old table layouts: ``<font size=4><b>``); the
    article is the nearest block around it holding paragraphs, read like an article. Without
    such an element the page is still read when it names itself, its body by the library
    layer."""
    head_title = element_text(first(doc, "//head/title"))
    parts = [meta.headline, _strip_suffix(meta.og_title)]
    parts += [p for p in _TITLE_SPLIT.split(head_title) if len(p) > 3]
    wanted = {clean_or_none(p) for p in parts} - {None}
    body: Any = next(doc.iter("body"), None)
    title_el = None
    texts: dict[Any, str] = {}
    if body is not None and wanted:
        texts = raw_texts(body)
        # clean(raw) can only be a wanted text if raw holds its first word (unless clean()
        # removes invisible characters from the middle of it)
        probes = tuple({str(w).split()[0] for w in wanted})
        for el in body.iter(etree.Element):
            raw = texts[el]
            for probe in probes:
                if probe in raw:
                    break
            else:
                if not has_invisible(raw):
                    continue
            if (
                el.tag not in ("a", "title")
                and len(text_content(el)) < 300
                and clean(raw) in wanted
                and not _hidden(el)
            ):
                title_el = el
        # the innermost match wins: iteration ends on the deepest (last) element
    if title_el is not None:
        result.title = element_text(title_el)
        root = next(
            (
                n
                for n in title_el.iterancestors()
                if n.tag in _CONTAINERS and len(text_content(n)) > 4 * len(result.title) + 200
            ),
            body,
        )
        block = _block_of(title_el, texts)
        label_el = _label_above(title_el, block)
        if label_el is not None:
            result.label = clean_or_none(element_text(label_el))
        captions = tuple(caption_cell(img) for img in root.iter("img"))
        exclude = (title_el, label_el, *block, *captions)
        body_root = marked if marked is not None else root
        _fill_content(result, root, body_root, base, exclude, profile, doc)
        result.page_type = page_type(result, meta)
        return root
    title = meta.headline or _strip_suffix(meta.og_title) or _strip_suffix(head_title)
    if not title:
        return None
    result.title = title
    return main if main is not None else body


def _block_of(el: Any, texts: dict[Any, str]) -> tuple[Any, ...]:
    """Wrappers that hold nothing but ``el`` (``<font><b>title</b></font>``); ``texts``: the
    page's :func:`crawler.extract.text.raw_texts`."""
    out = []
    own = clean(texts[el])
    for node in el.iterancestors():
        if (clean(texts[node]) if node in texts else element_text(node)) != own:
            break
        out.append(node)
    return tuple(out)


def _label_above(title_el: Any, block: tuple[Any, ...]) -> Any:
    """A short text element right before the title (skipping ``<br>``), not a link; ``block``:
    the title's wrappers (:func:`_block_of`)."""
    top = (block or (title_el,))[-1]
    prev = top.getprevious()
    while prev is not None and (not isinstance(prev.tag, str) or prev.tag == "br"):
        prev = prev.getprevious()
    if prev is None or prev.tag in ("a", "img", "table") or compiled(".//a|.//img")(prev):
        return None
    text = element_text(prev)
    return prev if 0 < len(text) <= 40 else None


def _strip_suffix(title: str | None) -> str | None:
    """``"Sommerfest | Stadt Hanau"`` → ``"Sommerfest"``."""
    if not title:
        return None
    return clean_or_none(_TITLE_SUFFIX.sub("", title)) or clean_or_none(title)


def _fill_content(
    result: Extracted,
    scope: Any,
    body_root: Any,
    base: str,
    exclude: tuple[Any, ...],
    profile: SiteProfile | None,
    doc: Any,
    read_body: bool = True,
) -> None:
    """Body (unless ``read_body`` is false: a profile's body replaces it) and media."""
    if read_body:
        skip_ids = {id(el) for el in exclude if el is not None}
        blocks, links = body_blocks(body_root, base, skip_ids, resolve_url)
        result.body = "\n\n".join(trim_blocks(blocks)) or None
        result.links = links
    _fill_media(result, scope, base, profile, doc)


def _fill_media(
    result: Extracted, scope: Any, base: str, profile: SiteProfile | None, doc: Any
) -> None:
    whole_page = _has(profile, "credits")
    items = credit_items(doc if whole_page else scope, profile)
    if not items and doc is not None and not whole_page:
        # a "Bildnachweise" box after the article element (already looked for on the whole
        # page when the profile's credits were)
        items = credit_items(doc)
    credit_map, credits = image_credits(items, base)
    result.images = images(scope, base, credit_map, profile, doc)
    for image in result.images:
        if image.credit and image.src not in credit_map and image.credit not in credits:
            credits.append(image.credit)
    result.credits = credits
    result.attachments = attachments(scope, base)


def _has(profile: SiteProfile | None, name: str) -> bool:
    return profile is not None and bool(getattr(profile, name))


# --- site profiles -------------------------------------------------------------------------------


def _profile_fields(doc: Any, profile: SiteProfile | None) -> dict[str, Any]:
    """Elements the profile's title/label/lead/body selectors find (``body``: a list)."""
    if profile is None:
        return {}
    found: dict[str, Any] = {}
    for name in _TEXT_FIELDS:
        match = next((el for el in select(doc, getattr(profile, name)) if not _hidden(el)), None)
        if match is not None and page_text(doc, match):
            found[name] = match
    roots = outermost(select(doc, profile.body))
    if roots:
        found["body"] = roots
    return found


def _apply_profile(
    result: Extracted, doc: Any, scope: Any, base: str, found: dict[str, Any], meta: Structured
) -> Any:
    """Override the fields the profile found; return the article scope for media and dates."""
    label_el = found.get("label")
    for name in _TEXT_FIELDS:
        if name in found:
            el = found[name]
            if name == "title":
                text = element_text(el, skip=lambda node: node is label_el)
            else:
                text = page_text(doc, el)
            setattr(result, name, clean_or_none(text))
    roots = found.get("body", [])
    if roots:
        skip_ids = {id(found[n]) for n in _TEXT_FIELDS if n in found}
        blocks: list[str] = []
        links: list[str] = []
        for root in roots:
            more_blocks, more_links = body_blocks(root, base, skip_ids, resolve_url)
            blocks += more_blocks
            links += [link for link in more_links if link not in links]
        result.body = "\n\n".join(blocks) or None
        result.links = links
    if scope is None:
        anchor = found.get("title")
        anchor = anchor if anchor is not None else roots[0] if roots else None
        if anchor is None:
            return None
        scope = next((n for n in anchor.iterancestors() if n.tag == "article"), None)
        if scope is None:
            scope = _common_ancestor([found[n] for n in _TEXT_FIELDS if n in found] + roots)
    if result.page_type in ("other", "topic", "press_release") and not _in_sitepark(scope):
        result.page_type = page_type(result, meta)
    return scope


def _in_sitepark(el: Any) -> bool:
    """``ancestor-or-self::article[@id='SP-Content']`` of ``el`` exists (without XPath)."""
    while el is not None:
        if el.tag == "article" and el.get("id") == "SP-Content":
            return True
        el = el.getparent()
    return False


def _common_ancestor(elements: list[Any]) -> Any:
    chains = [[el, *el.iterancestors()] for el in elements]
    shared = set(chains[0]).intersection(*map(set, chains[1:])) if len(chains) > 1 else chains[0]
    return next(node for node in chains[0] if node in shared)


# --- titles --------------------------------------------------------------------------------------


def visible_h1(scope: Any) -> Any:
    """The first ``h1`` under ``scope`` a reader sees (not hidden, not in chrome or teasers)."""
    if scope is None:
        return None
    for h1 in scope.iter("h1"):
        if not _hidden_or_chrome(h1) and element_text(h1):
            return h1
    return None


def _hidden(el: Any) -> bool:
    """Whether ``el`` or an ancestor is hidden (``hidden``, ``aria-hidden``, an inline style,
    a class such as ``sr-only``); answers for ancestors are kept for the page."""
    memo = page_memo()
    seen: dict[Any, bool] = memo.setdefault("hidden", {}) if memo is not None else {}
    chain = []
    node = el
    hidden = False
    while node is not None:
        known = seen.get(node)
        if known is not None:
            hidden = known
            break
        if _hidden_here(node):
            hidden = True
            break
        chain.append(node)
        node = node.getparent()
    for below in chain:  # the nodes below the answer share it
        seen[below] = hidden
    return hidden


def _hidden_here(node: Any) -> bool:
    names = node.keys()  # (one call instead of a get() for each attribute below)
    if not names:
        return False
    if "hidden" in names or ("aria-hidden" in names and node.get("aria-hidden") == "true"):
        return True
    if "style" in names:
        style = node.get("style").replace(" ", "").lower()
        if "display:none" in style or "visibility:hidden" in style:
            return True
    if "class" not in names:
        return False
    value = node.get("class").lower()
    for word in _HIDDEN_CLASS:  # (a loop: any() with a generator costs twice as much)
        if word in value:
            return True
    return False


def _hidden_or_chrome(el: Any) -> bool:
    if _hidden(el):
        return True
    for node in (el, *el.iterancestors()):
        value = node.get("class")
        if value:
            value = value.lower()
            for word in _NOT_TITLE_CLASS:
                if word in value:
                    return True
        if node.tag in ("nav", "footer", "aside") or node.get("id") in ("header", "navigation"):
            return True
        if node.tag == "header" and not any(
            a.tag in ("article", "main") for a in node.iterancestors()
        ):
            return True
    return False


# --- URLs ----------------------------------------------------------------------------------------


def _canonical(doc: Any, base: str) -> str | None:
    for link in doc.iter("link"):
        if link.get("href") is None:
            continue
        if "canonical" in (link.get("rel") or "").lower().split():
            return resolve_url(base, link.get("href"))
    return None
