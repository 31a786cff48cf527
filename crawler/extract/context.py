"""The state of one page's extraction: :class:`PageContext`, made once per ``extract()`` call and
passed explicitly to every stage. Nothing of a page outlives its context (no module-level
cache carries anything from one page to the next: a page extracted twice does the work
twice, as a crawl would)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crawler.extract.index import PageIndex
from crawler.extract.profiles import SiteProfile, select
from crawler.extract.text import element_text, origin_of, resolve_with


@dataclass(eq=False)
class PageContext:
    """One page being extracted: where it comes from, its tree, the profile, and what is
    worked out once for it (the element index, memos of pure per-page lookups)."""

    url: str
    doc: Any  # the lxml root element
    markup: str = ""  # the decoded markup the tree was parsed from
    profile: SiteProfile | None = None
    base: str = ""  # the URL relative links resolve against (``<base href>`` or ``url``)
    #: memos of pure lookups on this page's tree (the tree is never changed while extracting)
    hidden: dict[Any, bool] = field(default_factory=dict)  # element -> hidden (titles)
    date_lines: dict[Any, tuple[Any, str | None]] = field(default_factory=dict)  # scope -> line
    caption_cells: dict[Any, tuple[Any, str] | None] = field(default_factory=dict)  # img -> cell
    captioned: list[Any] | None = None  # elements whose class holds a caption word
    credited: list[Any] | None = None  # elements whose class holds a credit word
    credit_lines: dict[Any, list[Any]] = field(default_factory=dict)  # scope -> credit lines
    credit_hint: bool | None = None  # whether the markup holds a credit line's label at all
    related_classed: frozenset[Any] | None = None  # boxes a related class word names
    #: id of the profile asked with -> the page's related boxes (the profile outlives the page)
    related_boxes: dict[int, list[Any]] = field(default_factory=dict)
    urls: dict[str, str | None] = field(default_factory=dict)  # href -> resolved against base
    _index: PageIndex | None = field(default=None, repr=False)
    _origin: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.base = self.base or self.url
        self._origin = origin_of(self.base)

    @property
    def index(self) -> PageIndex:
        """The page's :class:`PageIndex`, built on first use (a page that never needs it is
        never indexed)."""
        index = self._index
        if index is None:
            index = self._index = PageIndex(self.doc)
        return index

    def text(self, el: Any) -> str:
        """:func:`crawler.extract.text.element_text` of ``el``, from the index's memo when the
        index is built (never builds it)."""
        index = self._index
        return element_text(el) if index is None else index.text(el)

    def resolve(self, href: str | None) -> str | None:
        """:func:`crawler.extract.text.resolve_url` of ``href`` against :attr:`base`, memoised
        for the page (its body, media, attachments and related boxes resolve the same
        links)."""
        key = href or ""
        urls = self.urls
        if key in urls:
            return urls[key]
        found = urls[key] = resolve_with(self.base, key, self._origin)
        return found

    def select(self, root: Any, selector: str | None) -> list[Any]:
        """:func:`crawler.extract.profiles.select`, on the page's index when ``root`` is the
        page's root."""
        if not selector or root is None:
            return []
        return select(root, selector, self.index if root is self.doc else None)

    def first_with_class(self, scope: Any, *tokens: str, tag: str | None = None) -> Any:
        """:meth:`PageIndex.first_with_class` (``scope`` an element of this page)."""
        if scope is None:
            return None
        return self.index.first_with_class(scope, *tokens, tag=tag)

    def all_with_class(self, scope: Any, token: str) -> list[Any]:
        """The elements strictly inside ``scope`` with class token ``token`` (case-sensitive),
        in document order."""
        return self.index.with_class(token, scope)

    def with_attribute(self, name: str) -> list[Any]:
        """``//*[@name]`` of the page, in document order."""
        return self.index.with_attribute(name)


__all__ = ["PageContext"]
