"""Datasette plugin: one German-aware search for the whole served archive.

Routes (``register_routes``):

* ``/-/search.json?q=…`` → ``{"results": [{"url", "title", "published", "snippet",
  "page", …}], "count": N, "facets": …, "next": …}``: :func:`archive.search.engine.search`
  itself — the hits and order of ``pressarchive search`` — with the filters ``source``,
  ``label``, ``type``, ``since``, ``until``, ``status`` (all/live/removed), ``sort``
  (relevance/newest/oldest), ``page`` and ``size``. ``count`` counts every hit. A bad
  parameter answers 400 with ``{"error", "parameter"}``.
* ``/-/search.csv?…`` the same hits as CSV (up to ``size``, default :data:`CSV_SIZE`).
* ``/-/search?…`` the same as HTML (``pressarchive_search.html``): matches marked, facets
  with counts that filter, sort and date inputs, paging, CSV/JSON links. Each hit links to
  its release page ``/-/page?url=…``.

The first search box a reader meets leads here: the index, database and ``pages`` /
``pages_view`` templates (``archive/serve/templates``) put ``_pressarchive_searchbox.html``
first, and :func:`asgi_wrapper` redirects the table search (``/DB/pages?_search=X``, also
for ``pages_view``) to ``/-/search?q=X``.
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

import sqlite_utils
from datasette import hookimpl
from datasette.utils import add_cors_headers, sqlite_timelimit
from datasette.utils.asgi import Request, Response
from markupsafe import Markup, escape

from archive.search import engine
from archive.serve.catalog import INTERNAL_VIEWS
from archive.store.checks import require_day
from crawler.errors import InvalidValue, SearchError

DEFAULT_SIZE = 20
MAX_SIZE = 1000
CSV_SIZE = 1000
STATUSES = engine.STATUSES
#: Query parameters → :func:`engine.search` filters.
FILTERS = {"source": "source", "label": "label", "type": "page_type", "status": "status"}
CSV_FIELDS = ("url", "title", "published", "source", "page_type", "label", "removed_at",
              "snippet", "page")  # fmt: skip
#: Tables whose search box (``?_search=``) is redirected to ``/-/search``.
SEARCH_TABLES = ("pages", "pages_view")
_MARKED = re.compile(r"\[([^\[\]]+)\]")


class BadParameter(ValueError):
    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


def _args(request: Request) -> dict[str, str]:
    """The query string's parameters, the first value of each."""
    return {key: request.args.get(key) or "" for key in request.args.keys()}


def _int(args: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(name, f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise BadParameter(name, f"{name} must be between {low} and {high}, got {value}")
    return value


def parse_params(args: dict[str, str], *, fmt: str) -> dict[str, Any]:
    """The search's parameters from the query string; :class:`BadParameter` naming the
    first bad one."""
    sort = args.get("sort", "").strip() or "relevance"
    if sort not in engine.SORTS:
        raise BadParameter("sort", f"sort must be one of {', '.join(engine.SORTS)}, got {sort!r}")
    status = args.get("status", "").strip() or "all"
    if status not in STATUSES:
        raise BadParameter("status", f"status must be one of {', '.join(STATUSES)}")
    days = {}
    for name in ("since", "until"):
        try:
            days[name] = require_day(name, args.get(name))
        except InvalidValue as exc:
            raise BadParameter(name, f"{exc} (expected YYYY-MM-DD)") from None
    size = _int(args, "size", CSV_SIZE if fmt == "csv" else DEFAULT_SIZE, 1, MAX_SIZE)
    filters: dict[str, Any] = {
        key: (args.get(name, "").strip() or None) for name, key in FILTERS.items()
    }
    filters.update(status=status, **days)
    return {
        "q": args.get("q", "").strip(),
        "sort": sort,
        "page": _int(args, "page", 1, 1, 1_000_000),
        "size": size,
        "filters": filters,
    }


class SearchTimeout(Exception):
    """The search took longer than the ``sql_time_limit_ms`` setting."""


def run_search(
    conn: sqlite3.Connection, params: dict[str, Any], *, with_facets: bool, limit_ms: int
) -> dict[str, Any]:
    """Hits of this page, the count of all hits and (``with_facets``) the facets, within
    ``limit_ms`` (Datasette's ``sql_time_limit_ms``: :class:`SearchTimeout` beyond)."""
    db = sqlite_utils.Database(conn)
    q, filters = params["q"], params["filters"]
    if not q:
        return {"hits": [], "count": 0, "facets": {}}
    offset = (params["page"] - 1) * params["size"]
    try:
        with sqlite_timelimit(conn, limit_ms):
            hits = engine.search(
                db, q, limit=params["size"], offset=offset, sort=params["sort"], **filters
            )
            found = {"hits": hits, "count": engine.count(db, q, **filters), "facets": {}}
            if with_facets:
                found["facets"] = engine.facets(db, q, **filters)
    except (SearchError, sqlite3.OperationalError) as exc:
        if "interrupted" in str(exc):
            raise SearchTimeout(f"the search took longer than {limit_ms} ms") from exc
        raise
    return found


def mark(snippet: str, highlight: engine.Highlighter) -> Markup:
    """The snippet as HTML: ``[word]`` marks of matched words as ``<mark>``; brackets
    that were in the text stay as they are."""
    out, pos = [], 0
    for m in _MARKED.finditer(snippet):
        out.append(escape(snippet[pos : m.start()]))
        word = m.group(1)
        if highlight(word):
            out.append(Markup("<mark>{}</mark>").format(word))
        else:
            out.append(escape(m.group(0)))
        pos = m.end()
    out.append(escape(snippet[pos:]))
    return Markup("").join(out)


class SearchPage:
    def __init__(self, datasette: Any, request: Request, params: dict[str, Any]) -> None:
        self.ds, self.request, self.params = datasette, request, params

    def link(self, fmt: str = "", /, **changes: str | None) -> str:
        """This search as ``/-/search{fmt}`` with ``changes`` (None drops a parameter)."""
        args = {k: v for k, v in _args(self.request).items() if k not in changes}
        args.update({k: v for k, v in changes.items() if v is not None})
        query = urlencode({k: v for k, v in args.items() if str(v).strip()})
        return self.ds.urls.path("/-/search" + fmt) + ("?" + query if query else "")

    def clear(self, name: str) -> str:
        """This search without the filter ``name``, from its first page."""
        return self.link(**{name: None, "page": None})

    def page_link(self, url: str) -> str:
        return str(self.ds.urls.path("/-/page")) + "?url=" + quote(url, safe="")

    def result(self, hit: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": hit["url"],
            "title": hit["title"],
            "published": hit["published"],
            "snippet": hit["snippet"],
            "page": self.page_link(hit["url"]),
            "source": hit["source"],
            "page_type": hit["page_type"],
            "label": hit["label"],
            "removed": hit["removed_at"] is not None,
            "removed_at": hit["removed_at"],
            "score": hit["score"],
        }

    def paging(self, count: int) -> dict[str, str | None]:
        page, size = self.params["page"], self.params["size"]
        more = page * size < count
        return {
            "next": self.link(page=str(page + 1)) if more else None,
            "previous": self.link(page=str(page - 1) if page > 2 else None) if page > 1 else None,
        }

    def facet_links(self, facets: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        """Per facet its values with count and the link that filters by it."""
        out: dict[str, list[dict[str, Any]]] = {}
        for name, values in facets.items():
            items = []
            for item in values:
                value = item["value"]
                if value is None or value == "":
                    href = None
                elif name == "year":
                    href = self.link(since=f"{value}-01-01", until=f"{value}-12-31", page=None)
                else:
                    key = "type" if name == "page_type" else name
                    href = self.link(**{key: value, "page": None})
                items.append({"value": value, "count": item["count"], "href": href})
            out[name] = items
        return out


async def _database(datasette: Any) -> Any:
    for name, db in datasette.databases.items():
        if not name.startswith("_") and await db.table_exists("pages"):
            return db
    return None


def _error(fmt: str, status: int, message: str, parameter: str | None = None) -> Response:
    if fmt == ".csv":
        return Response.text(message + "\n", status=status)
    return Response.json({"ok": False, "error": message, "parameter": parameter}, status=status)


async def search_view(datasette: Any, request: Request) -> Response:
    response = await _search_response(datasette, request)
    if getattr(datasette, "cors", False):  # serve --cors, as Datasette's own JSON
        add_cors_headers(response.headers)
    return response


async def _search_response(datasette: Any, request: Request) -> Response:
    fmt = request.url_vars.get("format") or ""
    page = None
    try:
        params = parse_params(_args(request), fmt=fmt.lstrip("."))
    except BadParameter as exc:
        if fmt:
            return _error(fmt, 400, str(exc), exc.parameter)
        params, page = parse_params({"q": request.args.get("q", "")}, fmt="html"), exc
    db = await _database(datasette)
    if db is None:
        return _error(fmt or ".json", 404, "no archive with a pages table is served")
    limit_ms = int(datasette.setting("sql_time_limit_ms"))
    try:
        found = await db.execute_fn(
            lambda conn: run_search(conn, params, with_facets=fmt != ".csv", limit_ms=limit_ms)
        )
    except SearchTimeout as exc:
        hint = "; serve --setting sql_time_limit_ms N allows longer"
        return _error(fmt or ".json", 503, f"{exc}{hint}")
    except SearchError as exc:
        return _error(fmt or ".json", 400, str(exc), "q")
    view = SearchPage(datasette, request, params)
    results = [view.result(hit) for hit in found["hits"]]
    if fmt == ".csv":
        return _csv(results)
    if fmt == ".json":
        return Response.json(
            {
                "query": params["q"], "sort": params["sort"], "page": params["page"],
                "size": params["size"], "count": found["count"], "results": results,
                "facets": found["facets"], **view.paging(found["count"]),
            }
        )  # fmt: skip
    highlight = engine.Highlighter(params["q"])
    for result in results:
        result["snippet_html"] = mark(result["snippet"] or "", highlight)
    context = {
        "q": params["q"], "params": params, "args": _args(request),
        "results": results, "count": found["count"], "error": page,
        "facets": view.facet_links(found["facets"]), **view.paging(found["count"]),
        "first": (params["page"] - 1) * params["size"] + 1,
        "sorts": [(s, view.link(sort=s, page=None)) for s in engine.SORTS],
        "statuses": [
            (s, view.link(status=None if s == "all" else s, page=None)) for s in STATUSES
        ],
        "csv_url": view.link(".csv", page=None, size=None), "json_url": view.link(".json"),
        "clear": {k: view.clear(k) for k in (*FILTERS, "since", "until")},
    }  # fmt: skip
    html = await datasette.render_template(
        "pressarchive_search.html", context, request=request, view_name="pressarchive_search"
    )
    return Response.html(html, status=400 if page else 200)


def _csv(results: list[dict[str, Any]]) -> Response:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(results)
    return Response(
        buffer.getvalue(), content_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'inline; filename="search.csv"'},
    )  # fmt: skip


@hookimpl
def register_routes() -> list[tuple[str, Callable[..., Awaitable[Response]]]]:
    return [(r"^/-/search(?P<format>\.json|\.csv)?$", search_view)]


@hookimpl
def permission_allowed(action: str, resource: Any) -> bool | None:
    """Internal views are not listed (Datasette's ``hidden`` applies to tables only);
    they still answer SQL."""
    if action == "view-table" and isinstance(resource, tuple) and resource[1] in INTERNAL_VIEWS:
        return False
    return None


@hookimpl
def menu_links(datasette: Any) -> list[dict[str, str]]:
    return [{"href": datasette.urls.path("/-/search"), "label": "Search the archive"}]


@hookimpl
def extra_template_vars(datasette: Any) -> dict[str, Any]:
    return {"pressarchive_search_url": datasette.urls.path("/-/search")}


def search_redirect(datasette: Any, path: str, query_string: bytes) -> str | None:
    """Where the table search box of ``pages`` or ``pages_view`` (``?_search=X``) goes:
    ``/-/search?q=X`` with the table's source/label/page_type filters; else None."""
    tables = {
        datasette.urls.table(name, table)
        for name in datasette.databases
        if not name.startswith("_")
        for table in SEARCH_TABLES
    }
    if path not in tables:
        return None
    args = parse_qs(query_string.decode("latin-1"))
    q = (args.get("_search") or [""])[0].strip()
    if not q:
        return None
    params = {"q": q}
    for column, key in (("source", "source"), ("label", "label"), ("page_type", "type")):
        if args.get(column):
            params[key] = args[column][0]
    return str(datasette.urls.path("/-/search")) + "?" + urlencode(params)


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[Any], Any]:
    def wrap(app: Any) -> Any:
        async def redirect_table_search(scope: Any, receive: Any, send: Any) -> None:
            if scope.get("type") == "http" and scope.get("method") in ("GET", "HEAD"):
                target = search_redirect(datasette, scope["path"], scope.get("query_string", b""))
                if target is not None:
                    await Response.redirect(target).asgi_send(send)
                    return
            await app(scope, receive, send)

        return redirect_table_search

    return wrap
