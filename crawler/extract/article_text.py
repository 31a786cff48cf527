"""The article's text, once the scorer has found it (:func:`crawler.extract.scoring.select`):
its text blocks (:func:`body_blocks`), the body made of them (:func:`scored_body`), the
choice between it and the library's where the scorer finds none (:func:`pick_body`), and
whether a page that looks like a listing holds an article among its teasers
(:func:`holds_article`).

The blocks are the article's paragraphs, headings and list items without link-dense boxes
(a short list of links between paragraphs stays), the headings of left-out boxes and of
link boxes, lone short links, field lines (a download, a date line) and trailing headings,
trimmed by :func:`crawler.extract.body.trim_blocks` (meta line, back link, share lines, an
end line such as "Ähnliche Beiträge" and what follows it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree

from crawler.extract.body import is_chrome, trim_blocks
from crawler.extract.fallback import choose_body
from crawler.extract.scoring import HEADINGS, Selected, Stats, boilerplate, select
from crawler.extract.text import BLOCK_TAGS, clean, text_content
from crawler.extract.vocabulary import END_HEADINGS, FILE_INFO, LINK_BOX_HEADINGS

#: a list of links between paragraphs is part of the text up to this many characters
SHORT_LIST = 200
#: a download or date line (:func:`_field_line`) is at most this long
FIELD_LINE = 90
#: a page taken for a listing holds an article when this much of its paragraph text stands in
#: one run outside the teasers (:func:`holds_article`; the generic listing test allows 400
#: characters of prose per three teasers)
ARTICLE_TEXT = 400
#: a lone link line is at most this long
END_LINE = 60
#: blocks that are text even when they are a single link (list items, headings)
_LINK_LINES = frozenset("li ul ol dl dt dd h1 h2 h3 h4 h5 h6 td th".split())
_LISTS = frozenset(("ul", "ol", "dl"))
_CONTAINER_TAGS = frozenset(("div", "section", "ul", "ol", "table", "dl", "tbody", "center"))


def _density(stats: Stats) -> float:
    return stats.links / stats.total if stats.total else 0.0


def body_blocks(selected: Selected) -> list[str]:
    """The text blocks of the selected article (one per paragraph, heading, list item), without
    the boxes inside it (:func:`_boxed`), the headings of left-out boxes and of link boxes
    (:data:`~crawler.extract.vocabulary.LINK_BOX_HEADINGS`), and trailing headings."""
    out: list[str] = []
    headings: list[bool] = []  # per block: whether it is a heading
    buf: list[str] = []
    stats = selected.scan.stats

    last = max((stats[root].read for root in selected.roots if root in stats), default=0)
    half = sum(stats[root].good for root in selected.roots if root in stats) / 2

    def kept(el: Any) -> bool:
        return el in stats and not _boxed(el, stats[el], last)

    def chrome(el: Any) -> bool:  # (a box holds less than half of the article's text; an
        # article's header, which the scan read, holds its intro)
        return el.tag != "header" and is_chrome(el) and stats[el].good < half

    def flush(heading: bool = False) -> None:
        if buf:
            text = clean("".join(buf))
            buf.clear()
            if text:
                out.append(text)
                headings.append(heading)

    def walk(el: Any) -> None:
        text = el.text
        if text:
            buf.append(text)
        for child in el:
            tag = child.tag
            if tag == "br":
                buf.append(" ")
            elif isinstance(tag, str) and kept(child) and not chrome(child):
                counts = stats[child]
                if (
                    counts.total <= END_LINE
                    and counts.links == counts.total
                    and tag in BLOCK_TAGS
                    and tag not in _LINK_LINES
                ):
                    continue  # a lone link ("Weiterlesen", "Zurück zur Übersicht")
                if tag == "header":  # an article's header: its paragraphs (the intro); its
                    # title, kicker and date line are fields of their own
                    flush()
                    for el in child.iter(etree.Element):
                        if el in stats and stats[el].paragraph:
                            buf.append(text_content(el))
                            flush()
                    continue
                if tag in HEADINGS:
                    flush()
                    if not _box_heading(child, kept):
                        walk(child)
                        flush(heading=True)
                    buf.clear()
                elif tag in BLOCK_TAGS:
                    flush()
                    if not _field_line(child, counts):
                        walk(child)
                    flush()
                else:
                    walk(child)
            tail = child.tail
            if tail:
                buf.append(tail)

    for root in selected.roots:
        flush()
        if kept(root):
            walk(root)
        flush()
    while headings and headings[-1]:  # a heading with nothing after it heads nothing kept
        headings.pop()
        out.pop()
    return out


def _box_heading(heading: Any, kept: Callable[[Any], bool]) -> bool:
    """Whether ``heading`` heads a box rather than article text: its words are a link box's
    ("Mehr zum Thema", "Das könnte Sie auch interessieren"), or the element after it is left
    out."""
    words = clean(text_content(heading))
    if LINK_BOX_HEADINGS.match(words):
        # an end line ("Ähnliche Beiträge") stays a block: trim_blocks ends the article there
        return END_HEADINGS.match(words) is None
    after = heading.getnext()
    while after is not None and not isinstance(after.tag, str):
        after = after.getnext()
    return after is not None and after.tag not in ("br", "p") and not kept(after)


def _field_line(el: Any, stats: Stats) -> bool:
    """Whether the block ``el`` holds another field of the page, not body text: a download
    (links and, beside them, only the file's type and size: :data:`FILE_INFO`) or a date
    line (a short line without links holding a ``time`` element, no sentence: "Erschienen
    am <time>14. Januar 2025</time> im Format Pressemitteilung")."""
    total = stats.total
    if not total or total > FIELD_LINE:
        return False
    if stats.links:
        rest = clean("".join(el.xpath(".//text()[not(ancestor::a)]")))
        return bool(rest) and FILE_INFO.fullmatch(rest) is not None
    time = next(el.iter("time"), None)
    if time is None:
        return False
    # a sentence that names a date ("Die Sitzung am <time>…</time> ist öffentlich.") is text
    text = clean(text_content(el))
    return not text.endswith((".", "!", "?")) or text.endswith(clean(text_content(time)))


def _boxed(el: Any, stats: Stats, last: int) -> bool:
    """A box inside the article that is not part of it: a link list or teaser box (mostly
    link text; a short list of links with article paragraphs after it, up to the ``last``
    paragraph, is part of the text), or a container weighed as boilerplate without
    paragraphs."""
    if el.tag not in _CONTAINER_TAGS or not stats.total:
        return False
    density = _density(stats)
    if density > 0.5:
        return not (el.tag in _LISTS and stats.total <= SHORT_LIST and stats.read < last)
    return density > 0.2 and stats.paragraphs < 2 and (el.tag in _LISTS or boilerplate(el))


def holds_article(doc: Any, teasers: list[Any]) -> bool:
    """Whether a page that looks like a listing (``teasers``: the teasers found) holds an
    article among them: the scorer's article holds paragraph text outside the teasers, at
    least :data:`ARTICLE_TEXT` characters of it in one run between two teasers and more than
    the teasers' own paragraph text. A listing's abstracts outside its teasers (a heading
    taken for the teaser, its abstract beside it) are spread over the gaps between them; link
    lists taken for teasers (menus, a footer's links) hold no paragraphs."""
    selected = select(doc)
    if selected is None:
        return False
    stats = selected.scan.stats
    inside: set[Any] = set()
    for teaser in teasers:
        inside.update(teaser.iter())
    teaser_text = sum(stats[t].good for t in teasers if t in stats)
    if teaser_text >= sum(stats[r].good for r in selected.roots if r in stats):
        return False
    roots = set(selected.roots)
    runs: dict[int, int] = {}
    run = 0
    body = next(doc.iter("body"), None)
    for el in body.iter() if body is not None else ():
        if el in inside:
            if el in teasers:
                run += 1
            continue
        counts = stats.get(el)
        if counts is None or not counts.paragraph:
            continue
        if not any(above in roots for above in el.iterancestors()) and el not in roots:
            continue
        own = counts.good - sum(stats[c].good for c in el if c in stats)
        runs[run] = runs.get(run, 0) + own
    best = max(runs.values(), default=0)
    return best >= ARTICLE_TEXT and best > teaser_text


def scored_body(doc: Any, known: set[str]) -> str | None:
    """The body the scorer finds on the page, blocks equal to ``known`` fields (title, lead,
    date line) left out; None when it finds no article."""
    selected = select(doc)
    if selected is None:
        return None
    blocks = trim_blocks([b for b in body_blocks(selected) if b not in known])
    return "\n\n".join(blocks) or None


def pick_body(
    structural: str | None,
    scored: str | None,
    library: Callable[[], str | None],
    fields: list[str | None],
) -> str | None:
    """The body of a page whose markup names no article container: the scorer's; where it
    finds no article, the library's (``library`` is called only then) or the ``structural``
    one (:func:`crawler.extract.fallback.choose_body`). On the German dev set the scorer's
    body is better than the library's on more pages than it is worse (BENCHMARKS.md), and
    it costs a fraction of the time."""
    if scored:
        return scored
    return choose_body(structural, library(), fields)


__all__ = ["body_blocks", "holds_article", "pick_body", "scored_body"]
