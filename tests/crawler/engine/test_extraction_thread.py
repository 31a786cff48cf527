"""Extraction runs off the event loop (issue 14, finding 7): a page that takes long to
extract does not stall the other sources of the crawl; every write stays on the loop's
thread. And a long listing page extracts in linear time."""

from __future__ import annotations

import dataclasses
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import pytest

import crawler.engine.crawl as engine
import crawler.engine.workers as workers
from crawler.config.settings import loads_config
from crawler.extract.core import extract
from crawler.sample_site import SampleSite
from tests.support.memory_store import MemoryStore
from tests.support.processes import config_text

#: seconds the held extraction waits for the other source to get on (a stalled loop: never)
HOLD = 30.0


def test_a_slow_extraction_does_not_stall_the_other_source(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first page of ``sitepark`` is held in extraction until three pages of ``typo3``
    are done (an event, not a sleep): on the loop's thread nothing else could run, the hold
    would time out and the page would stay unextracted. (Threads: a test can hold them; the
    worker processes are tested in tests/archive/run/test_extract_processes.py.)"""
    real = workers.extract
    released = threading.Event()
    held: list[str] = []
    threads: set[str] = set()
    other_pages: list[str] = []
    loop_thread = threading.current_thread().name  # asyncio.run runs in the calling thread

    def slow(url: str, *args: Any, **kwargs: Any) -> Any:
        threads.add(threading.current_thread().name)
        if not held and "ruesselsheim" in urlsplit(url).hostname:  # type: ignore[operator]
            held.append(url)
            released.wait(HOLD)
        return real(url, *args, **kwargs)

    def progress(event: str, url: str, outcome: str) -> None:
        if event == "page" and held and "ruesselsheim" not in url:
            other_pages.append(url)
            if len(other_pages) >= 3:
                released.set()

    monkeypatch.setattr(workers, "extract", slow)
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        config = loads_config(config_text(site.port, families=("sitepark", "typo3")))
        threads_only = dataclasses.replace(config.crawler, extract_processes=1)
        config = dataclasses.replace(config, crawler=threads_only)
        store = MemoryStore()
        runs = engine.crawl_sources(store, config, config.sources, progress=progress, capture=False)
    assert [r.status for r in runs] == ["ok", "ok"]
    assert held and released.is_set(), "the other source stalled behind one extraction"
    assert loop_thread not in threads
    assert len(store.pages) > 3


@pytest.mark.slow
def test_a_long_listing_extracts_in_linear_time() -> None:
    """20,000 teaser items (2 MB): the outermost-teaser filter compared every teaser with a
    list of all of them (25 s on the bench machine); a set makes it about 2 s."""
    items = "".join(
        f"<li><a href='/presse/{i}.html'>Meldung {i}: Neue Öffnungszeiten im Bürgerbüro</a>"
        f" 0{i % 9 + 1}.12.2026</li>"
        for i in range(20_000)
    )
    body = f"<html><head><title>Presse</title></head><body><ul>{items}</ul></body></html>"
    start = time.perf_counter()
    page = extract("https://www.stadt.test/presse/", body.encode(), {"content-type": "text/html"})
    assert page.page_type == "listing"
    assert time.perf_counter() - start < 12.0
