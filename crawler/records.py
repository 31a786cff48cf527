"""Records passed between pipeline stages.

Every stage speaks in these plain dataclasses: ``fetch`` produces :class:`FetchResult`,
``discover`` produces :class:`Candidate`, ``extract`` produces :class:`Extracted`, and
``archive.store.save`` writes them. ``asdict()`` of each is JSON-serialisable.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: The page types and what each means (``datapackage.json`` of ``export --out`` quotes it).
PAGE_TYPE_MEANINGS = {
    "press_release": "a press release or news item of the city",
    "topic": "a topic page (a service or subject page the city keeps up to date)",
    "notice": "an official public notice (öffentliche Bekanntmachung)",
    "org_unit": "a page of an office, department or institution of the administration",
    "listing": "a list of teasers (an archive or overview page), followed, never stored",
    "other": "any other page of the site",
}
PAGE_TYPES = tuple(PAGE_TYPE_MEANINGS)
#: The page types an archive holds: a ``listing`` is followed for its links, never stored
#: (``crawler.engine.crawl``, ``archive.run.reparse``); what ``--type`` accepts.
STORED_PAGE_TYPES = tuple(t for t in PAGE_TYPES if t != "listing")
#: What a teaser in a related box points to, and what each kind means.
LINK_KIND_MEANINGS = {
    "press": "another press release",
    "topic": "a topic page",
    "org": "a page of an office or institution",
    "other": "anything else (an outside site, a kind the box does not tell)",
}
LINK_KINDS = tuple(LINK_KIND_MEANINGS)
#: Where a published date came from, strongest first (see ``crawler.dates``), and what
#: each source means.
DATE_SOURCE_MEANINGS = {
    "metadata": "the page's metadata (JSON-LD, article:/Dublin Core meta tags, microdata, "
    "<time datetime>)",
    "url": "a date in the page's URL path",
    "text": "a date line or dateline in the page's visible text",
    "feed": "the date (pubDate) an RSS/Atom feed gave the item",
    "teaser": "the date of the page's teaser on a listing page",
}
DATE_SOURCES = tuple(DATE_SOURCE_MEANINGS)
#: How the error of a fetch that robots.txt disallows begins (``crawler.fetch.fetcher``).
ROBOTS_DISALLOW = "disallowed by robots.txt"
#: The counters of a crawl run, in the column order of ``crawl_runs``: fields of
#: ``crawler.engine.crawl.CrawlStats``, stored by ``archive.store.runs.finish_run``; the
#: archive derives its ``crawl_runs`` columns and the columns status and health report
#: from this tuple (``archive.store.schema.CRAWL_RUN_COLUMNS``).
RUN_COUNTERS = (
    "fetched", "new", "changed", "unchanged", "not_modified", "removed", "errors", "bytes",
    "requests",
)  # fmt: skip


@dataclass(frozen=True)
class Image:
    src: str  # absolute URL
    alt: str | None = None
    caption: str | None = None
    credit: str | None = None


@dataclass(frozen=True)
class Link:
    """A teaser in a related box ("Verwandte Themen") or an item on a listing page."""

    url: str  # absolute URL as found on the page (the crawler canonicalises it)
    title: str
    kind: str = "other"  # one of LINK_KINDS
    label: str | None = None  # kicker / category ("Migration", "Pressemitteilung")
    date: str | None = None  # teaser date, YYYY-MM-DD


@dataclass(frozen=True)
class Attachment:
    url: str
    title: str


@dataclass(frozen=True)
class DateCandidate:
    value: str  # YYYY-MM-DD
    source: str  # one of DATE_SOURCES
    detail: str = ""  # e.g. "meta application-name date_from", "url path"


@dataclass
class Extracted:
    """What ``crawler.extract.core.extract`` makes of one HTML page (a pure function of the
    bytes)."""

    url: str
    page_type: str = "other"
    label: str | None = None
    title: str | None = None
    lead: str | None = None
    #: paragraphs and subheadings, one block per item, joined by a blank line ("\n\n")
    body: str | None = None
    published: str | None = None  # YYYY-MM-DD
    published_source: str | None = None  # one of DATE_SOURCES
    modified: str | None = None  # YYYY-MM-DD
    images: list[Image] = field(default_factory=list)
    related: list[Link] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # absolute URLs of links inside the body
    attachments: list[Attachment] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)  # every "Bildnachweise" entry, in order
    date_candidates: list[DateCandidate] = field(default_factory=list)
    canonical: str | None = None  # <link rel=canonical>, absolute, if present
    date_conflict: bool = False  # the page's date candidates name more than one day

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class FetchResult:
    """One HTTP exchange after redirects and retries. Never raised: errors are data.

    ``status`` is the final HTTP status, or ``None`` when no response arrived
    (timeout, connection refused, robots.txt disallow, host not allowed...);
    ``error`` then says why, naming the cause.
    """

    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int | None
    headers: dict[str, str] = field(default_factory=dict)  # lower-case keys
    body: bytes = b""
    error: str | None = None
    elapsed: float = 0.0
    attempts: int = 1
    fetched_at: str = ""  # crawler.clock format: 2026-12-04T05:40:40.123Z
    #: headers of the (last) request sent, for the WARC request record (crawler.capture.warc)
    request_headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and self.error is None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def gone(self) -> bool:
        return self.status in (404, 410)

    @property
    def content_type(self) -> str:
        """The answer's media type, lower case, without parameters (``""``: none given)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass
class Candidate:
    """A page URL found by discovery, with date hints from the place it was found."""

    url: str  # canonical URL
    hints: list[DateCandidate] = field(default_factory=list)  # source "feed" or "teaser"
    found_on: str | None = None
    depth: int = 0  # 0 = from listings/feeds/sitemaps, 1 = one hop through a related box
