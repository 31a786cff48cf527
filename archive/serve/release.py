"""Datasette plugin: the release page, ``GET /-/page?url=URL[&from=N&to=M]``.

One archived page, server-rendered (``templates/release.html``, no script, no CDN): title,
label, page type, dates with their sources, lead, body as paragraphs and subheadings,
images (from the archive's captures, else marked "not archived"), attachments, related
links (to their release pages where archived, else to the live site), the original URL,
a removal notice, the versions, and a word diff between two versions (default: the one
before the latest and the latest; ``from``/``to`` pick others). Data:
:func:`archive.serve.release_data.load_release`.

``url`` may be any form the crawler canonicalises (``https``, no ``www.``, a trailing
``/``, tracking parameters) or an alias. No ``url``: 400; a bad ``from``/``to``: 400; a URL
the archive does not hold: 404 — each an HTML page saying so.

The ``url`` cells of the ``pages`` table and ``pages_view`` link to the page too
(:func:`render_cell`). Links into the page: :func:`page_path`
(``/-/page?url=<percent-encoded URL>``); archived media: :func:`media_path`
(``/-/media?url=…``, served by the media plugin).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from archive.serve.release_data import RevisionError, load_release
from crawler.errors import NotArchived

PAGE_ROUTE = "/-/page"
MEDIA_ROUTE = "/-/media"
#: tables whose ``url`` cells link to the release page too (:func:`render_cell`)
LINKED_TABLES = ("pages", "pages_view")
#: where a publication date was found (``crawler.records.DATE_SOURCES``), in words
DATE_SOURCES = {
    "metadata": "the page's metadata",
    "url": "the page's address",
    "text": "the text",
    "feed": "the news feed",
    "teaser": "a teaser on a listing",
}


def page_path(datasette: Any, url: str, **params: int) -> str:
    """The release page of ``url`` (``from``/``to``: versions to compare)."""
    query = urlencode({"url": url, **{k.rstrip("_"): v for k, v in params.items()}})
    return f"{datasette.urls.path(PAGE_ROUTE)}?{query}"


def media_path(datasette: Any, url: str) -> str:
    """The archived copy of the image or attachment ``url``."""
    return f"{datasette.urls.path(MEDIA_ROUTE)}?{urlencode({'url': url})}"


def web_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) address a link may lead to (never ``javascript:``)."""
    if url and url.lower().startswith(("http://", "https://")):
        return url
    return None


def _revision(value: str | None, name: str) -> int | None:
    if value is None or value.strip() == "":
        return None
    try:
        number = int(value)
    except ValueError:
        raise RevisionError(f"{name}={value!r} is not a version number") from None
    if number < 1:
        raise RevisionError(f"{name}={value!r} is not a version number")
    return number


async def _error(datasette: Any, request: Any, status: int, title: str, message: str) -> Response:
    html = await datasette.render_template(
        "release_error.html",
        {"title": title, "message": message, "status": status, "search": None},
        request=request,
    )
    return Response.html(html, status=status)


def _data_links(datasette: Any, database: str, page_url: str, versions: bool) -> list[Any]:
    """The page's rows in Datasette (HTML and JSON): ``pages``, ``revisions``."""
    tables = [("pages", "url"), ("images", "page_url"), ("links", "page_url")]
    if versions:
        tables.append(("revisions", "page_url"))
    links = []
    for table, column in tables:
        path = datasette.urls.table(database, table)
        query = urlencode({column: page_url})
        links.append({"label": table, "href": f"{path}?{query}", "json": f"{path}.json?{query}"})
    return links


async def release_page(datasette: Any, request: Any) -> Response:
    url = (request.args.get("url") or "").strip()
    if not url:
        return await _error(
            datasette, request, 400, "No page given",
            "Add the page's original address: /-/page?url=https://…",
        )  # fmt: skip
    try:
        from_rev = _revision(request.args.get("from"), "from")
        to_rev = _revision(request.args.get("to"), "to")
    except RevisionError as exc:
        return await _error(datasette, request, 400, "Bad version", str(exc))
    db = datasette.get_database()
    try:
        data = await db.execute_fn(lambda conn: load_release(conn, url, from_rev, to_rev))
    except NotArchived:
        return await _error(
            datasette, request, 404, "Not in the archive",
            f"The archive holds no page at {url} (nor under another form of that address).",
        )  # fmt: skip
    except RevisionError as exc:
        return await _error(datasette, request, 400, "Bad version", str(exc))
    page_url = data["page"]["url"]
    data["page"]["live"] = web_url(page_url)
    for link in data["related"]:
        link["href"] = page_path(datasette, link["archived"]) if link["archived"] else None
        link["live"] = web_url(link["url"])
    for item in [*data["images"], *data["attachments"]]:
        src = item.get("src") or item.get("url")
        item["href"] = media_path(datasette, src) if item["archived"] and src else None
        item["live"] = web_url(src)
    for version in data["versions"]:
        n = version["revision"]
        version["diff_href"] = page_path(datasette, page_url, from_=n - 1, to=n) if n > 1 else None
    html = await datasette.render_template(
        "release.html",
        {
            **data,
            "date_sources": DATE_SOURCES,
            "self_path": datasette.urls.path(PAGE_ROUTE),
            "data_links": _data_links(datasette, db.name, page_url, bool(data["versions"])),
        },
        request=request,
    )
    return Response.html(html)


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(rf"^{PAGE_ROUTE}$", release_page)]


@hookimpl
def render_cell(value: Any, column: str, table: str | None, datasette: Any) -> Markup | None:
    """In the ``pages`` table and ``pages_view`` (rows and row pages), the ``url`` cell
    links the original and the release page."""
    if column != "url" or table not in LINKED_TABLES or not isinstance(value, str):
        return None
    if not value.startswith(("http://", "https://")):
        return None
    return Markup(
        f'<a href="{escape(value)}" rel="noreferrer">{escape(value)}</a> '
        f'<a class="release-link" href="{escape(page_path(datasette, value))}">'
        "(archived page)</a>"
    )


__all__ = [
    "LINKED_TABLES",
    "MEDIA_ROUTE",
    "PAGE_ROUTE",
    "media_path",
    "page_path",
    "register_routes",
    "render_cell",
]
