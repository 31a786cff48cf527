"""Finding a stored page by any URL form the crawler would have stored it under.

The crawl stores pages under canonical URLs (:meth:`crawler.fetch.urls.UrlPolicy.canonical`:
the source's first host and scheme, no tracking parameters, no default port, ...). A user
pastes what the browser shows: ``https``, no ``www.``, ``?utm_source=…``, a trailing ``/``.
:func:`url_forms` lists the forms to try, in order: the URL as given, then its canonical
form under each stored source whose hosts include its host (every source if none does),
each also with the trailing ``/`` added or removed.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import sqlite_utils

from crawler.config.settings import SourceConfig
from crawler.fetch.urls import UrlPolicy


def stored_source(db: sqlite_utils.Database, name: str) -> SourceConfig | None:
    """The source ``name`` rebuilt from the ``sources`` row (hosts, start URLs and the
    canonical ``scheme`` stored with it, migration 10), or ``None``."""
    row = db.execute(
        "SELECT hosts, start_urls, scheme FROM sources WHERE name = ?", [name]
    ).fetchone()
    if row is None:
        return None
    hosts = tuple(json.loads(row[0] or "[]"))
    starts = tuple(json.loads(row[1] or "[]"))
    scheme = row[2] or ""
    if not scheme:  # a row migration 10 could not fill: a start URL's, else a page's
        known = starts[0] if starts else None
        if known is None:
            page = db.execute("SELECT url FROM pages WHERE source = ? LIMIT 1", [name]).fetchone()
            known = page[0] if page else None
        scheme = urlsplit(known).scheme if known else ""
    return SourceConfig(name=name, hosts=hosts, start_urls=starts, scheme=scheme)


def sources_with_host(db: sqlite_utils.Database, host: str) -> list[str]:
    """The stored sources whose hosts include ``host`` (lower case), oldest first."""
    return [
        str(name)
        for (name,) in db.execute(
            "SELECT DISTINCT name FROM sources, json_each(sources.hosts) "
            "WHERE json_valid(sources.hosts) AND lower(json_each.value) = ? "
            "ORDER BY added_at, name",
            [host],
        )
    ]


def _sources_for(db: sqlite_utils.Database, host: str) -> list[str]:
    """The stored sources whose hosts include ``host``; every source if none does."""
    return sources_with_host(db, host) or [
        str(r[0]) for r in db.execute("SELECT name FROM sources ORDER BY added_at, name")
    ]


def url_forms(db: sqlite_utils.Database, url: str) -> list[str]:
    """``url`` and the forms the archive may hold it under (module docstring), no repeats."""
    url = url.strip()
    forms = [url]
    try:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return forms
    if not host:
        return forms
    for name in _sources_for(db, host):
        src = stored_source(db, name)
        canon = UrlPolicy(src).canonical(url) if src is not None and src.hosts else None
        if canon:
            forms.append(canon)
    for form in list(forms):
        parts = urlsplit(form)
        if parts.path.endswith("/") and len(parts.path) > 1:
            forms.append(form.replace(parts.path, parts.path.rstrip("/"), 1))
        elif not parts.query and not parts.fragment:
            forms.append(form + "/")
    return list(dict.fromkeys(forms))


__all__ = ["sources_with_host", "stored_source", "url_forms"]
