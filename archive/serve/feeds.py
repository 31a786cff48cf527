"""Datasette plugin: the archive's Atom feeds (:mod:`archive.alerts.feeds`) as routes.

* ``GET /-/watch/NAME.atom`` — the releases the saved search NAME matches (404 if there is
  no such watch);
* ``GET /-/feeds/new.atom``, ``/-/feeds/edits.atom``, ``/-/feeds/removed.atom`` — new,
  edited and removed releases;

each with ``?source=S`` (404 for a source the archive does not have), served as
``application/atom+xml``. Entries link to the release pages of this server
(``/-/page?url=…``) and to the original URL (``rel="via"``). The feeds are built on
Datasette's read-only connection of the archive (its first database).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import sqlite_utils
from datasette import hookimpl
from datasette.utils.asgi import Response

from archive.alerts.feeds import BUILTIN_FEEDS, watch_feed
from archive.alerts.watches import get_watch
from archive.store.checks import known_sources
from crawler.errors import NotArchived

ATOM_TYPE = "application/atom+xml; charset=utf-8"


def _not_found(message: str) -> Response:
    return Response.text(message + "\n", status=404)


async def _serve(
    datasette: Any, request: Any, build: Callable[[sqlite_utils.Database, str], str]
) -> Response:
    base = datasette.absolute_url(request, "/").rstrip("/")
    source = request.args.get("source") or None

    def run(conn: sqlite3.Connection) -> tuple[int, str]:
        db = sqlite_utils.Database(conn)
        if source is not None and source not in known_sources(db):
            return 404, f"no source {source!r} in the archive"
        try:
            return 200, build(db, base)
        except NotArchived as exc:
            return 404, str(exc)

    status, text = await datasette.get_database().execute_fn(run)
    if status != 200:
        return _not_found(text)
    return Response(text, status=200, content_type=ATOM_TYPE)


async def watch_atom(datasette: Any, request: Any) -> Response:
    name = request.url_vars["name"]
    self_url = datasette.absolute_url(request, request.full_path)
    source = request.args.get("source") or None

    def build(db: sqlite_utils.Database, base: str) -> str:
        watch = get_watch(db, name)
        if source is not None:
            watch = type(watch)(**{**watch.__dict__, "source": source})
        return watch_feed(db, watch, base=base, self_url=self_url)

    return await _serve(datasette, request, build)


async def builtin_atom(datasette: Any, request: Any) -> Response:
    make = BUILTIN_FEEDS[request.url_vars["feed"]]
    self_url = datasette.absolute_url(request, request.full_path)
    source = request.args.get("source") or None

    def build(db: sqlite_utils.Database, base: str) -> str:
        return make(db, base=base, self_url=self_url, source=source)

    return await _serve(datasette, request, build)


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/-/watch/(?P<name>[^/]+)\.atom$", watch_atom),
        (r"^/-/feeds/(?P<feed>new|edits|removed)\.atom$", builtin_atom),
    ]


__all__ = ["builtin_atom", "register_routes", "watch_atom"]
