"""Extraction: one HTML page (URL, bytes, headers) → :class:`crawler.records.Extracted`.

``extract`` is a pure function and never raises. It knows three layouts:

* Sitepark IES (current ruesselsheim.de): ``article#SP-Content`` detail pages and
  ``SP-TeaserList`` listings (see ``crawler/sample_site/MARKUP.md``);
* the old CMS (2018–2023): ``div.news-single-item`` with a date line before the title;
* anything else: the visible ``h1`` inside ``main``/``article``, JSON-LD, ``<time datetime>``,
  datelines, and a teaser-count heuristic for listings.

Related boxes, figures, credits, attachments and dates are read the same way for all three.
Text helpers live in :mod:`crawler.text`, date parsing in :mod:`crawler.dates`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from crawler import dates
from crawler.records import Attachment, DateCandidate, Extracted, Image, Link
from crawler.text import (
    LINK_BOX_HEADINGS,
    body_blocks,
    box_heading,
    classes,
    clean,
    clean_or_none,
    cls,
    decode_html,
    element_text,
    first,
    is_chrome,
    is_link_box,
    prepare_markup,
)

logger = logging.getLogger(__name__)

RELATED_HEADINGS = LINK_BOX_HEADINGS
CREDIT_HEADINGS = re.compile(r"^(bildnachweise?|bildquellen|bildrechte|image credits)\b", re.I)
ATTACHMENT_EXT = re.compile(
    r"\.(pdf|docx?|xlsx?|pptx?|odt|ods|odp|rtf|txt|csv|zip|rar|7z|gpx|kmz?|ics)$", re.I
)
_PRESS_PATH = re.compile(r"/(presse|pressemitteilung|pressemeldung|news|aktuelles|meldung)", re.I)
_HIDDEN_CLASS = ("hidden", "sr-only", "visually-hidden", "visuallyhidden", "screenreader", "d-none")
_NOT_TITLE_CLASS = ("teaser", "sp-header", "site-header", "cookie", "consent", "logo", "related")
_KIND_CLASSES = {
    "sp-teaser--press": "press",
    "sp-teaser--topic": "topic",
    "sp-teaser--orgunit": "org",
}
_LINK_PREFIX = re.compile(r"^Link zu\s+")
_LEADING_DATE = re.compile(r"^\s*\(?\d{1,2}\.\d{1,2}\.\d{2,4}\b")
_TEASER = f"descendant-or-self::*[{cls('SP-Teaser')}]"


def extract(url: str, body: bytes, headers: Mapping[str, str]) -> Extracted:
    """Extract one page. Malformed input gives an ``Extracted`` with ``page_type="other"``."""
    try:
        doc = _parse(body, headers or {})
    except (etree.ParserError, ValueError) as exc:
        logger.debug("unparseable page %s: %s", url, exc)
        return Extracted(url=url)
    if doc is None:
        return Extracted(url=url)
    try:
        return _extract(url, doc)
    except (ValueError, LookupError, TypeError, AttributeError, etree.LxmlError, RecursionError):
        # a page shape nobody foresaw must not stop a crawl, but it must be visible in the log
        logger.warning("extraction failed for %s", url, exc_info=True)
        return Extracted(url=url)


def _parse(body: bytes, headers: Mapping[str, str]) -> Any:
    if not body or not body.strip():
        return None
    markup = prepare_markup(decode_html(body, headers))
    if not markup.strip():
        return None
    return lxml.html.document_fromstring(markup)


def _extract(url: str, doc: Any) -> Extracted:
    base = urljoin(url, (first(doc, "//base[@href]/@href") or "").strip()) or url
    result = Extracted(url=url, canonical=_canonical(doc, base))
    article = first(doc, "//article[@id='SP-Content']")
    old = first(doc, f"//div[{cls('news-single-item')}]")
    main = first(doc, "//main")
    if main is None:
        main = first(doc, "//*[@role='main']")
    text_dates: list[DateCandidate] = []

    if article is None and old is None and _is_listing(doc, main):
        scope = main if main is not None else doc
        result.page_type = "listing"
        h1 = _visible_h1(scope)
        result.title = clean_or_none(element_text(h1 if h1 is not None else _visible_h1(doc)))
        result.related = [
            link for link in (_teaser(item, base) for item in _listing_items(scope)) if link
        ]
        return result
    if article is not None:
        scope = article
        _fill_sitepark(result, article, base)
    elif old is not None:
        scope = old
        _fill_old_cms(result, old, base, text_dates)
    else:
        scope = _fill_generic(result, doc, main, base)
        if scope is None:
            return result

    result.related = _related(doc, base)
    for text in (result.lead, (result.body or "").split("\n\n")[0]):
        value = dates.dateline_date(text)
        if value:
            text_dates.append(DateCandidate(value, "text", "dateline"))
            break
    _fill_dates(result, doc, scope, text_dates)
    return result


# --- layouts -------------------------------------------------------------------------------------


def _fill_sitepark(result: Extracted, article: Any, base: str) -> None:
    header = first(article, f".//header[{cls('SP-ArticleHeader')}]")
    head = header if header is not None else article
    kicker = first(head, f".//*[{cls('SP-Kicker__text')}]")
    if kicker is None:
        kicker = first(head, f".//*[{cls('SP-Kicker')}]")
    result.label = clean_or_none(element_text(kicker)) if kicker is not None else None
    h1 = _visible_h1(head)
    result.title = clean_or_none(element_text(h1 if h1 is not None else _visible_h1(article)))
    intro = first(head, f".//*[{cls('SP-Intro')}]")
    result.lead = clean_or_none(element_text(intro)) if intro is not None else None
    content = first(article, f".//*[{cls('SP-ArticleContent')}]")
    _fill_content(result, article, content if content is not None else article, base, ())
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


def _fill_old_cms(result: Extracted, item: Any, base: str, text_dates: list[DateCandidate]) -> None:
    section = first(item, f".//*[{cls('section')}]")
    result.label = clean_or_none(element_text(section)) if section is not None else None
    h1 = _visible_h1(item)
    result.title = clean_or_none(element_text(h1))
    date_line = first(item, f".//*[{cls('news-single-rightbox')}]")
    if date_line is not None:
        value = dates.parse_german_date(element_text(date_line))
        if value:
            text_dates.append(DateCandidate(value, "text", "date line"))
    text = first(item, f".//*[{cls('news-text')}]")
    root = text if text is not None else item
    _fill_content(result, item, root, base, (h1, section, date_line))
    result.page_type = "press_release"


def _fill_generic(result: Extracted, doc: Any, main: Any, base: str) -> Any:
    h1 = _visible_h1(main) if main is not None else None
    if h1 is None:
        h1 = _visible_h1(doc)
    if h1 is None:
        return None
    result.title = clean_or_none(element_text(h1))
    root = _generic_root(h1, main)
    label_el = _label_before(h1)
    result.label = clean_or_none(element_text(label_el)) if label_el is not None else None
    lead_el = first(root, f".//*[{cls('SP-Intro')} or {cls('lead')} or {cls('intro')}]")
    result.lead = clean_or_none(element_text(lead_el)) if lead_el is not None else None
    _fill_content(result, root, root, base, (h1, lead_el, label_el))
    if dates.json_ld_types(doc) & {"newsarticle", "pressrelease", "reportagenewsarticle"}:
        result.page_type = "press_release"
    elif result.body and _PRESS_PATH.search(urlsplit(result.url).path):
        result.page_type = "press_release"
    elif result.body:
        result.page_type = "topic"
    return root


def _generic_root(h1: Any, main: Any) -> Any:
    """The smallest ``article`` around the title, else ``main``, else the title's parent chain
    up to the first ancestor that holds paragraphs."""
    for node in h1.iterancestors():
        if node.tag == "article":
            return node
    if main is not None:
        return main
    for node in h1.iterancestors():
        if node.tag in ("body", "html") or len(node.xpath(".//p")) >= 2:
            return node
    return h1.getparent()


def _label_before(h1: Any) -> Any:
    """A kicker right before the title (a short element with a kicker/label class, or
    ``h1 > span.kicker``)."""
    inner = first(h1, ".//*[contains(@class, 'icker')]")
    if inner is not None:
        return None  # the kicker is part of the h1 text; leave the title whole
    prev = h1.getprevious()
    if prev is not None and isinstance(prev.tag, str):
        token = " ".join(classes(prev))
        if any(word in token for word in ("kicker", "label", "topline", "dachzeile")):
            return prev
    return None


def _fill_content(
    result: Extracted, scope: Any, body_root: Any, base: str, exclude: tuple[Any, ...]
) -> None:
    skip_ids = {id(el) for el in exclude if el is not None}
    blocks, links = body_blocks(body_root, base, skip_ids, _resolve)
    result.body = "\n\n".join(blocks) or None
    result.links = links
    credit_map, credits = _image_credits(scope, base)
    result.images = _images(scope, base, credit_map)
    for image in result.images:
        if image.credit and image.src not in credit_map and image.credit not in credits:
            credits.append(image.credit)
    result.credits = credits
    result.attachments = _attachments(scope, base)


def _fill_dates(result: Extracted, doc: Any, scope: Any, text_dates: list[DateCandidate]) -> None:
    found, modified = dates.metadata_dates(doc, scope)
    for source_url, detail in ((result.url, "url path"), (result.canonical, "canonical url")):
        value = dates.date_from_url(source_url)
        if value:
            found.append(DateCandidate(value, "url", detail))
            break
    found.extend(text_dates)
    result.date_candidates = found
    best = dates.strongest(found)
    if best is not None:
        result.published, result.published_source = best.value, best.source
    result.modified = modified


# --- titles and listings -------------------------------------------------------------------------


def _visible_h1(scope: Any) -> Any:
    if scope is None:
        return None
    for h1 in scope.iter("h1"):
        if not _hidden_or_chrome(h1) and element_text(h1):
            return h1
    return None


def _hidden_or_chrome(el: Any) -> bool:
    for node in (el, *el.iterancestors()):
        if node.get("hidden") is not None or node.get("aria-hidden") == "true":
            return True
        style = (node.get("style") or "").replace(" ", "").lower()
        if "display:none" in style or "visibility:hidden" in style:
            return True
        tokens = " ".join(classes(node))
        if any(part in tokens for part in _HIDDEN_CLASS + _NOT_TITLE_CLASS):
            return True
        if node.tag in ("nav", "footer", "aside") or node.get("id") in ("header", "navigation"):
            return True
        if node.tag == "header" and not _within(node, ("article", "main")):
            return True
    return False


def _within(el: Any, tags: tuple[str, ...]) -> bool:
    return any(node.tag in tags for node in el.iterancestors())


def _is_listing(doc: Any, main: Any) -> bool:
    """Sitepark: a ``SP-TeaserList`` outside a related box. Otherwise: at least three teasers
    (or five list links) and little prose of its own."""
    scope = main if main is not None else doc
    for teaser_list in scope.xpath(f".//*[{cls('SP-TeaserList')}]"):
        if not _in_box(teaser_list, RELATED_HEADINGS):
            return True
    items = _listing_items(scope)
    if len(items) < 3 or (len(items) < 5 and items[0].tag == "li" and not _has_heading(items[0])):
        return False
    inside = set(items)
    prose = 0
    for para in scope.iter("p"):
        if any(a in inside for a in para.iterancestors()) or _in_chrome(para, scope):
            continue
        links = sum(len(element_text(a)) for a in para.iter("a"))
        prose += max(0, len(element_text(para)) - links)
    return prose < 400 * len(items) / 3 and prose < 1500


def _has_heading(el: Any) -> bool:
    return bool(el.xpath(".//h1|.//h2|.//h3|.//h4"))


def _in_chrome(el: Any, scope: Any) -> bool:
    for node in (el, *el.iterancestors()):
        if node is scope:
            return False
        if is_chrome(node):
            return True
    return False


def _listing_items(scope: Any) -> list[Any]:
    """Teasers of a listing: Sitepark items, else ``article``/``li`` teasers with a heading and
    a link, else list items that are (almost) only a link (old-CMS overviews, "Aktuelles")."""
    items = scope.xpath(f".//*[{cls('SP-TeaserList__item')}]")
    if items:
        return [i for i in items if not _in_box(i, RELATED_HEADINGS)]
    teasers = [
        el for el in scope.xpath(".//article | .//li")
        if el.xpath(".//a[@href]") and _has_heading(el) and not _in_chrome(el, scope)
    ]
    if not teasers:
        teasers = [el for el in scope.iter("li") if _is_link_item(el) and not _in_chrome(el, scope)]
    return [t for t in teasers if not any(a in teasers for a in t.iterancestors())]


def _is_link_item(li: Any) -> bool:
    anchors = li.xpath(".//a[@href]")
    if len(anchors) != 1 or li.xpath(".//ul|.//ol"):
        return False
    text = element_text(li)
    return len(element_text(anchors[0])) >= 0.6 * len(text) > 0


# --- related boxes -------------------------------------------------------------------------------


def _in_box(el: Any, heading: re.Pattern[str]) -> bool:
    for node in el.iterancestors():
        if "sp-related" in classes(node) and heading is RELATED_HEADINGS:
            return True
        text = box_heading(node)
        if text and heading.match(text):
            return True
    return False


def _related_boxes(doc: Any) -> list[Any]:
    boxes = list(doc.xpath(f"//*[{cls('SP-Related')}]"))
    for heading in doc.xpath("//h2|//h3|//h4|//*[contains(@class, 'headline')]"):
        parent = heading.getparent()
        if parent is None or parent in boxes or not RELATED_HEADINGS.match(element_text(heading)):
            continue
        if parent.getparent() is not None and len(parent) == 1:
            parent = parent.getparent()  # heading wrapped alone: the box is one level up
        if parent.tag not in ("body", "html", "main") and is_link_box(parent):
            boxes.append(parent)
    unique = [b for b in boxes if not any(a in boxes for a in b.iterancestors())]
    order = {el: index for index, el in enumerate(doc.iter())}
    return sorted(set(unique), key=lambda el: order.get(el, 0))


def _related(doc: Any, base: str) -> list[Link]:
    links: list[Link] = []
    for box in _related_boxes(doc):
        items = box.xpath(f".//*[{cls('SP-TeaserList__item')}]") or box.xpath(".//li[.//a]")
        if not items:
            anchors = box.xpath(".//a[@href]")
            items = [a for a in anchors if not RELATED_HEADINGS.match(element_text(a))]
        for item in items:
            link = _teaser(item, base)
            if link is not None:
                links.append(link)
    return links


def _teaser(item: Any, base: str) -> Link | None:
    anchor = item if item.tag == "a" else first(item, ".//a[@href]")
    url = _resolve(base, anchor.get("href") or "") if anchor is not None else None
    if not url:
        return None
    marked = (f"{cls('SP-Kicker__text')} or {cls('SP-Kicker')} or {cls('SP-Scheduling__date')}"
              f" or {cls('SP-Teaser__abstract')} or self::time")
    headline = first(item, f".//*[{cls('SP-Teaser__headline')}] | .//h1 | .//h2 | .//h3 | .//h4")
    if headline is not None:
        title = element_text(headline)
    else:
        title = element_text(anchor, skip=lambda el: bool(el.xpath(f"self::*[{marked}]")))
        title = _LINK_PREFIX.sub("", title)  # old CMS: every anchor reads "Link zu <title>"
    kicker = first(item, f".//*[{cls('SP-Kicker__text')}]")
    label = clean_or_none(element_text(kicker)) if kicker is not None else None
    date_el = first(item, f".//*[{cls('SP-Scheduling__date')}] | .//time")
    date_text = element_text(date_el) if date_el is not None else ""
    date = dates.parse_german_date(date_text) or (
        dates.parse_any_date(date_el.get("datetime")) if date_el is not None else None
    )
    teaser = first(item, _TEASER)
    kind = None
    sitepark = teaser is not None
    for token in classes(teaser) if sitepark else ():
        kind = kind or _KIND_CLASSES.get(token)
    if kind is None and sitepark:
        kind = "other"  # MARKUP.md: a Sitepark teaser without a known kind modifier
    if kind is None:
        text = element_text(item)
        if date is None and ("Pressemitteilung" in text or _LEADING_DATE.match(text)):
            date = dates.parse_german_date(text)  # "22.03.2024 Pressemitteilung …", "28.03.2023 …"
        kind = _guess_kind(url, text, date, label)
        if label is None and kind == "press" and "Pressemitteilung" in text:
            label = "Pressemitteilung"
    if kind == "org":
        label = None
    return Link(url=url, title=clean(title), kind=kind, label=label, date=date)


def _guess_kind(url: str, text: str, date: str | None, label: str | None) -> str:
    path = urlsplit(url).path.lower()
    if (date and "pressemitteilung" in text.lower()) or path.startswith("/presse"):
        return "press"
    if path.startswith("/rathaus/verwaltung/"):
        return "org"
    return "topic" if label else "other"


# --- images, credits, attachments ----------------------------------------------------------------

_PAREN_CREDIT = re.compile(
    r"\s*\(\s*(?:(?P<label>Fotograf(?:in)?|Fotos?|Bild|Quelle|Grafik|Copyright)\s*:|(?P<c>©))"
    r"\s*(?P<rest>[^()]*)\)\s*$",
    re.I,
)
_TAIL_CREDIT = re.compile(
    r"(?:^|(?<=[\s.;,|–-]))(?P<credit>(?:©|\(c\)|Copyright\s*:|Quelle\s*:|Grafik\s*:|Fotos?\s*:|"
    r"Bild\s*:|Fotograf(?:in)?\s*:)\s*.+)$",
    re.I,
)
_LEADING_FOTO = re.compile(r"^\s*(?:Fotos?|Bild)\s*:\s*", re.I)


def split_caption(caption: str | None) -> tuple[str | None, str | None]:
    """Split a credit off a caption: ``Foto: X (Fotografin: N)`` → (``X``, ``Fotografin: N``);
    ``X (Foto: Stadt R., Fotograf: N)`` → (``X``, ``Stadt R., Fotograf: N``); a trailing
    ``Quelle: …``, ``© …``, ``Copyright: …``, ``Grafik: …`` becomes the credit as written."""
    text = clean(caption)
    if not text:
        return None, None
    credit = None
    match = _PAREN_CREDIT.search(text)
    if match:
        label, rest = match.group("label"), clean(match.group("rest"))
        if label is None:
            credit = f"© {rest}"
        elif label.lower() in ("foto", "fotos", "bild"):
            credit = rest
        else:
            credit = f"{label}: {rest}"
        text = text[: match.start()]
    else:
        tail = _TAIL_CREDIT.search(text, 1)
        if tail:
            credit = _LEADING_FOTO.sub("", tail.group("credit"))
            text = text[: tail.start()]
    text = _LEADING_FOTO.sub("", text).strip(" ,;–-|")
    return text or None, clean(credit) or None


def _credit_sections(scope: Any) -> list[Any]:
    found = list(scope.xpath(f".//*[{cls('SP-ImageCredits')}]"))
    for node in scope.xpath(".//section | .//div | .//aside"):
        heading = box_heading(node)
        if heading and CREDIT_HEADINGS.match(heading) and node not in found:
            found.append(node)
    return [n for n in found if not any(a in found for a in n.iterancestors())]


def _image_credits(scope: Any, base: str) -> tuple[dict[str, str], list[str]]:
    """``{absolute image url: credit}`` and every credit item's full text, in order."""
    by_src: dict[str, str] = {}
    credits: list[str] = []
    for section in _credit_sections(scope):
        for item in section.xpath(".//li") or section.xpath(".//p"):
            full = element_text(item)
            if not full:
                continue
            credits.append(full)
            anchor = first(item, ".//a[@href]")
            src = _resolve(base, anchor.get("href") or "") if anchor is not None else None
            if src and ": " in full:
                by_src.setdefault(src, clean(full.split(": ", 1)[1]))
    return by_src, credits


def _images(scope: Any, base: str, credit_map: dict[str, str]) -> list[Image]:
    images: list[Image] = []
    seen: set[str] = set()
    for img in scope.iter("img"):
        raw = img.get("src") or img.get("data-src") or ""
        src = _resolve(base, raw) if raw and not raw.startswith("data:") else None
        if not src or src in seen or _outside_content(img, scope):
            continue
        seen.add(src)
        caption_text = _caption_for(img)
        caption, credit = split_caption(caption_text)
        if src in credit_map:
            credit = credit_map[src]
        images.append(Image(src=src, alt=clean_or_none(img.get("alt")), caption=caption,
                            credit=credit))
    return images


def _outside_content(img: Any, scope: Any) -> bool:
    """An image in chrome (logo, header), a teaser or a credits/related box."""
    for node in img.iterancestors():
        if node is scope:
            return False
        tokens = " ".join(classes(node))
        if node.tag in ("nav", "footer", "aside", "a") and "figure" not in tokens:
            return True
        if any(word in tokens for word in ("teaser", "related", "logo", "sp-header", "video",
                                           "imagecredits", "cookie", "consent")):
            return True
        if node.get("id") in ("header", "navigation", "footer"):
            return True
        if node.tag == "header" and "articleheader" not in tokens:
            return True
    return False


def _caption_for(img: Any) -> str | None:
    figure = next((n for n in img.iterancestors() if n.tag == "figure"), None)
    if figure is not None:
        caption = first(figure, ".//figcaption")
        return element_text(caption) if caption is not None else None
    parent = img.getparent()
    for _ in range(2):
        if parent is None:
            return None
        captions = parent.xpath(".//*[contains(@class, 'caption')]")
        if captions:
            imgs = list(parent.iter("img"))
            index = imgs.index(img) if img in imgs else 0
            return element_text(captions[min(index, len(captions) - 1)])
        parent = parent.getparent()
    return None


def _attachments(scope: Any, base: str) -> list[Attachment]:
    found: list[Attachment] = []
    seen: set[str] = set()
    for anchor in scope.iter("a"):
        url = _resolve(base, anchor.get("href") or "")
        if not url or url in seen or not ATTACHMENT_EXT.search(urlsplit(url).path):
            continue
        if _in_box(anchor, RELATED_HEADINGS) or _in_box(anchor, CREDIT_HEADINGS):
            continue
        seen.add(url)
        title = element_text(anchor) or urlsplit(url).path.rsplit("/", 1)[-1]
        found.append(Attachment(url=url, title=title))
    return found


# --- URLs ----------------------------------------------------------------------------------------


def _resolve(base: str, href: str) -> str | None:
    """Absolute http(s) URL for an href; None for mailto:, javascript:, tel:, bare fragments."""
    href = clean(href)
    if not href or href.startswith("#"):
        return None
    try:
        url = urljoin(base, href)
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def _canonical(doc: Any, base: str) -> str | None:
    for link in doc.xpath("//link[@href]"):
        if "canonical" in (link.get("rel") or "").lower().split():
            return _resolve(base, link.get("href"))
    return None
