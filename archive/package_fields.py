"""The data dictionary of the data package (``pressarchive export --out DIR``): every file,
every column, its type, what it means and, for coded columns, every value and its meaning.

This module is data only. The coded values are not repeated here: they are read from where
the code defines them — page types, link kinds and date sources from
:mod:`crawler.records`, revision events from :mod:`archive.store.revisions`, link places
(``rel``) from :mod:`archive.store.schema`. :mod:`archive.export_package` writes the
files from :data:`TABLES` and builds ``datapackage.json`` from it (Frictionless Data
Package v1, Table Schema types: ``string``, ``integer``, ``number``, ``boolean``, ``date``,
``datetime``, ``array``).

Keys: ``pages.url`` is the key of a release; ``(page_url, revision)`` names one version
of it (``versions``); ``pages.revision`` is its latest revision, the one its ``images``,
``links`` and ``attachments`` rows belong to; ``pages.source`` is a ``sources.name``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archive.indexes.topics.entities import KIND_MEANINGS
from archive.store.revisions import EVENT_MEANINGS
from archive.store.schema import LINK_REL_MEANINGS
from crawler.records import DATE_SOURCE_MEANINGS, LINK_KIND_MEANINGS, PAGE_TYPE_MEANINGS

#: Entity types of ``entities.kind``: the topic index owns them.
ENTITY_KIND_MEANINGS = KIND_MEANINGS


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # Table Schema type
    description: str
    #: value -> meaning, for coded columns (``constraints.enum``)
    values: dict[str, str] | None = None


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    #: (columns, other table, its columns)
    foreign_keys: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = field(default=())

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


_PAGE_URL = Field("page_url", "string", "The release (pages.url) this row belongs to.")
_REVISION_OF = Field(
    "revision", "integer", "The page's latest revision (versions.revision), which this row is "
    "part of.",
)  # fmt: skip
_LATEST = ((("page_url", "revision"), "versions", ("page_url", "revision")),)
_TO_PAGE = ((("page_url",), "pages", ("url",)),)


def _content(prefix: str) -> tuple[Field, ...]:
    """The extracted fields, the same in ``pages`` and ``versions``."""
    return (
        Field("page_type", "string", f"What kind of page {prefix} is.", PAGE_TYPE_MEANINGS),
        Field("label", "string", "The site's own category or kicker (e.g. 'Pressemitteilung')."),
        Field("title", "string", "The headline."),
        Field("lead", "string", "The lead paragraph (teaser text), if the page has one."),
        Field("body", "string", "The text: paragraphs and subheadings joined by a blank line."),
        Field("published", "date", "The publication date the page states."),
        Field(
            "published_source",
            "string",
            "Where the publication date was found.",
            DATE_SOURCE_MEANINGS,
        ),  # fmt: skip
        Field("modified", "date", "The date of the last update, if the page states one."),
        Field("captions", "string", "Alt texts and captions of the images, one per line."),
        Field("credits", "string", "Image credits (photographers, agencies), one per line."),
        Field("image_count", "integer", "How many images the page shows (rows in images)."),
        Field("related_count", "integer", "How many teasers its related box holds."),
    )


def _media(what: str) -> tuple[Field, ...]:
    return (
        Field("media_status", "integer", f"HTTP status when the archive fetched the {what}: "
              "200 = archived (media_warc_file, media_warc_offset), another = the fetch "
              "failed; empty: not fetched."),
        Field("media_content_type", "string", f"Content type of the archived {what}."),
        Field("media_length", "integer", f"Size of the archived {what} in bytes."),
        Field("media_digest", "string", f"Digest of the archived {what} (WARC payload digest)."),
        Field("media_warc_file", "string", f"WARC file holding the archived {what}."),
        Field("media_warc_offset", "integer", "Byte offset of its record in that WARC file."),
        Field("media_fetched_at", "datetime", f"When the {what} was archived (UTC)."),
    )  # fmt: skip


TABLES: tuple[Table, ...] = (
    Table(
        "pages",
        "Every release in its latest version: one row per page URL.",
        (
            Field("url", "string", "The page's canonical URL: the key of a release."),
            Field("source", "string", "The site it was crawled from (sources.name)."),
            *_content("the page"),
            Field("revision", "integer", "Its latest revision (versions.revision)."),
            Field("revisions", "integer", "How many revisions the archive holds of it."),
            Field("version", "integer", "Content version: 1, +1 at every change of content."),
            Field("first_seen", "datetime", "When the crawler first archived it (UTC)."),
            Field("last_fetched", "datetime", "When it was last fetched (UTC)."),
            Field("last_changed", "datetime", "When its content last changed (UTC)."),
            Field(
                "removed_at",
                "datetime",
                "When the site stopped serving it (404/410), empty while it is live.",
            ),
            Field("live", "boolean", "Whether the site still serves it (removed_at is empty)."),
            Field("http_status", "integer", "HTTP status of its last fetch."),
            Field("fetched_url", "string", "The URL it was last fetched from (after redirects)."),
            Field("content_hash", "string", "Hash of the extracted content (equal: unchanged)."),
        ),  # fmt: skip
        ("url",),
        ((("source",), "sources", ("name",)),),
    ),
    Table(
        "versions",
        "Every revision of every release, with its extracted fields and what "
        "changed since the one before.",
        (
            _PAGE_URL,
            Field("revision", "integer", "Number of this state of the page: 1, 2, ..."),
            Field("version", "integer", "Content version (a restored page keeps its version)."),
            Field("event", "string", "What made this revision.", EVENT_MEANINGS),
            Field("fetched_at", "datetime", "When this state was fetched (UTC)."),
            *_content("this version"),
            Field("credit_list", "array", "The page's credit list ('Bildnachweise'), in order."),
            Field(
                "changed_fields",
                "array",
                "Fields that differ from the revision before "
                "(page_type, title, label, lead, body, published, modified, captions, "
                "credits, images, related, links, attachments); empty for revision 1.",
            ),
            Field(
                "removed_at",
                "datetime",
                "When the page answered 404/410 after this revision, if it did.",
            ),
            Field("content_hash", "string", "Hash of the extracted content."),
            Field("http_status", "integer", "HTTP status of the fetch."),
            Field("fetched_url", "string", "The URL fetched (after redirects)."),
            Field("warc_file", "string", "WARC file holding the raw capture of this state."),
            Field("warc_offset", "integer", "Byte offset of the capture's record in it."),
            Field("warc_length", "integer", "Length of the record in bytes."),
            Field("warc_record_id", "string", "WARC-Record-ID of the capture."),
        ),  # fmt: skip
        ("page_url", "revision"),
        _TO_PAGE,
    ),
    Table(
        "images",
        "The images of each release (latest revision), with caption, credit and "
        "the archived copy of the file if the archive took one.",
        (
            _PAGE_URL,
            _REVISION_OF,
            Field("position", "integer", "Order on the page, from 0."),
            Field("src", "string", "Absolute URL of the image file."),
            Field("alt", "string", "Its alt text."),
            Field("caption", "string", "Its caption."),
            Field("credit", "string", "Its credit (photographer, agency)."),
            *_media("image"),
        ),  # fmt: skip
        ("page_url", "position"),
        _LATEST,
    ),
    Table(
        "links",
        "Links of each release (latest revision): teasers of its related box and "
        "links inside its text.",
        (
            _PAGE_URL,
            _REVISION_OF,
            Field(
                "rel",
                "string",
                "Where on the page the link is.",
                {k: v for k, v in LINK_REL_MEANINGS.items() if k != "attachment"},
            ),
            Field("position", "integer", "Order within its place (rel), from 0."),
            Field("url", "string", "Absolute URL it points to."),
            Field("title", "string", "The teaser's title (related links)."),
            Field(
                "kind",
                "string",
                "What a related teaser points to (related links; empty for body links).",
                LINK_KIND_MEANINGS,
            ),
            Field("label", "string", "The teaser's kicker or category, if shown."),
            Field("date", "date", "The teaser's date, if shown."),
            Field("archived", "boolean", "Whether the target is itself a page of the archive."),
        ),  # fmt: skip
        ("page_url", "rel", "position"),
        _LATEST,
    ),
    Table(
        "attachments",
        "Documents attached to each release (latest revision), with the "
        "archived copy of the file if the archive took one.",
        (
            _PAGE_URL,
            _REVISION_OF,
            Field("position", "integer", "Order on the page, from 0."),
            Field("url", "string", "Absolute URL of the document."),
            Field("title", "string", "The link text."),
            *_media("document"),
        ),  # fmt: skip
        ("page_url", "position"),
        _LATEST,
    ),
    Table(
        "topics",
        "Key phrases of each release, ranked against the archive's own "
        "document frequencies (empty until the archive has computed them).",
        (
            _PAGE_URL,
            Field("rank", "integer", "Rank within the release, 1 = best."),
            Field("phrase", "string", "The key phrase."),
            Field("score", "number", "Its score (higher is more characteristic)."),
        ),  # fmt: skip
        ("page_url", "rank"),
        _TO_PAGE,
    ),
    Table(
        "entities",
        "People, organisations, places, amounts and dates found in the text of "
        "each release, with the sentence they came from (empty until the archive has "
        "extracted them).",
        (
            _PAGE_URL,
            Field("position", "integer", "Order of the mention within the release."),
            Field("kind", "string", "The type of entity.", ENTITY_KIND_MEANINGS),
            Field("text", "string", "The mention as written."),
            Field("value", "string", "Its normalised value (an amount in euros, an ISO date)."),
            Field("role", "string", "Office of a person, purpose of an amount."),
            Field("sentence", "string", "The sentence it was found in."),
        ),  # fmt: skip
        ("page_url", "position"),
        _TO_PAGE,
    ),
    Table(
        "sources",
        "The sites crawled: one row per source.",
        (
            Field("name", "string", "Short name of the source (pages.source)."),
            Field("title", "string", "Its title."),
            Field("city", "string", "The city it belongs to."),
            Field("hosts", "array", "Host names the crawler keeps to."),
            Field("start_urls", "array", "The URLs crawls start from."),
            Field("added_at", "datetime", "When it was added to the archive (UTC)."),
            Field(
                "scheme",
                "string",
                "The URL scheme its pages are stored under.",
                {"http": "plain HTTP", "https": "HTTPS"},
            ),
        ),  # fmt: skip
        ("name",),
    ),
)
TABLE_NAMES = tuple(t.name for t in TABLES)

__all__ = ["ENTITY_KIND_MEANINGS", "TABLES", "TABLE_NAMES", "Field", "Table"]
