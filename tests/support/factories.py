"""Records, sources and small archives built in one call, for tests that need one of each.

Test modules keep their own names for these (``fetch``, ``source``, ``run``...) by importing
them ``as`` that name, or by a one-line wrapper that fixes the module's own defaults.
Only :func:`archive_with` needs ``archive``, and imports it when called: the crawler's
tests use the other factories without loading the archive package.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterable
from pathlib import Path
from typing import Any, TypeVar

from crawler.config.settings import SourceConfig
from crawler.records import Extracted, FetchResult
from tests.support.httpserver import TestServer

T = TypeVar("T")

FETCHED_AT = "2024-06-02T00:00:00Z"


def fetch_result(
    url: str, status: int | None = 200, *, fetched_at: str = FETCHED_AT, **fields: Any
) -> FetchResult:
    """A fetch of ``url`` (not redirected unless ``final_url`` is given)."""
    fields.setdefault("final_url", url)
    return FetchResult(url=url, status=status, fetched_at=fetched_at, **fields)


def extracted(url: str, **fields: Any) -> Extracted:
    """A press release at ``url`` with the given fields (every other field empty)."""
    fields.setdefault("page_type", "press_release")
    return Extracted(url=url, **fields)


def archive_with(
    path: Path, pages: Iterable[tuple[str, Extracted]], fetched_at: str = FETCHED_AT
) -> Path:
    """An archive at ``path`` holding ``pages`` (source name, page), each fetched with 200."""
    from archive.store.save import save_page
    from archive.store.schema import open_archive

    db = open_archive(path)
    try:
        for source, page in pages:
            save_page(db, source, page, fetch_result(page.url, fetched_at=fetched_at))
    finally:
        db.close()
    return path


def server_source(srv: TestServer, *hosts: str, **fields: Any) -> SourceConfig:
    """A source whose ``hosts`` (default ``site.test``) all connect to ``srv``."""
    hosts = hosts or ("site.test",)
    fields.setdefault("name", "t")
    fields.setdefault("start_urls", (f"http://{hosts[0]}/",))
    return SourceConfig(
        hosts=hosts, scheme="http", connect_to={h: srv.address for h in hosts}, **fields
    )


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run one coroutine to its end on a fresh event loop."""
    return asyncio.run(coro)
