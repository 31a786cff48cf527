"""Errors in the crawl engine, over the in-memory store (no archive): the failed URLs it
keeps in memory are capped while every one is recorded, and an extractor bug becomes an
error of its own while the crawl goes on."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from crawler.config.settings import loads_config
from crawler.engine.crawl import MAX_ERROR_URLS, crawl_source
from tests.support.memory_store import MemoryStore


def test_error_urls_kept_in_memory_are_capped() -> None:
    n = MAX_ERROR_URLS + 20
    urls = ", ".join(f'"http://down.test/p{i}"' for i in range(n))
    config = loads_config(
        "[crawler]\ndelay = 0.0\nretries = 0\nrespect_robots = false\n"
        f"[sources.down]\nextra_urls = [{urls}]\n"
    )
    transport = httpx.MockTransport(lambda request: httpx.Response(500))
    store = MemoryStore()
    stats = crawl_source(store, config, config.source("down"), transport=transport, capture=False)
    assert stats.errors == n and len(stats.error_urls) == MAX_ERROR_URLS
    assert len(store.errors) == n
    assert {(e.run_id, e.status) for e in store.errors} == {(stats.run_id, 500)}


def test_an_extractor_bug_is_recorded_as_an_extraction_error(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """An exception from ``extract`` (a bug, not a page without content) is an error record
    (a ``fetch_errors`` row in the archive) naming its type, counted in ``errors``, logged
    with its traceback; the crawl goes on."""
    import crawler.engine.workers as engine

    page = "<html><head><title>T</title></head><body><h1>Titel</h1><p>Text.</p></body></html>"
    calls: list[str] = []

    def broken(url: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(url)
        if url.endswith("/bug"):
            raise TypeError("unsupported operand")
        return real(url, *args, **kwargs)

    real = engine.extract
    monkeypatch.setattr(engine, "extract", broken)
    config = loads_config(
        "[crawler]\ndelay = 0.0\nretries = 0\nrespect_robots = false\n"
        '[sources.s]\nextra_urls = ["http://s.test/bug", "http://s.test/ok"]\n'
    )
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, text=page, headers={"content-type": "text/html"})
    )
    store = MemoryStore()
    with caplog.at_level("ERROR", logger="crawler.engine.source_run"):
        stats = crawl_source(store, config, config.source("s"), transport=transport, capture=False)
    assert sorted(calls) == ["http://s.test/bug", "http://s.test/ok"]
    assert stats.errors == 1 and stats.error_urls == ["http://s.test/bug"]
    rows = [(e.url, e.error, e.kind) for e in store.errors]
    assert rows == [
        ("http://s.test/bug", "extraction failed: TypeError: unsupported operand", "extraction")
    ]
    assert list(store.pages) == ["http://s.test/ok"]
    assert any(r.exc_info and r.exc_info[0] is TypeError for r in caplog.records)
