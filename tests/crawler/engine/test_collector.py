"""The garbage collector's thresholds during a crawl (``crawler/engine/collector.py``)."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from crawler.engine.collector import CRAWL_THRESHOLDS, crawl_collector
from crawler.engine.crawl import crawl_sources
from crawler.sample_site import SampleSite
from crawler.sample_site.demo import sample_config
from tests.support.memory_store import MemoryStore

MINE = (701, 11, 12)  # what a caller had set


class Watching(MemoryStore):
    """A store that notes the collector's thresholds at every page it saves."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[tuple[int, int, int]] = set()

    def save_page(self, *args: Any, **kwargs: Any) -> str:
        self.seen.add(gc.get_threshold())
        return super().save_page(*args, **kwargs)


@pytest.fixture
def thresholds() -> Any:
    before = gc.get_threshold()
    gc.set_threshold(*MINE)
    yield
    gc.set_threshold(*before)


def test_the_block_sets_them_and_restores_the_callers(thresholds: None) -> None:
    with crawl_collector():
        assert gc.get_threshold() == CRAWL_THRESHOLDS
    assert gc.get_threshold() == MINE
    with pytest.raises(RuntimeError), crawl_collector((900, 20, 30)):
        assert gc.get_threshold() == (900, 20, 30)
        raise RuntimeError("a crawl that fails")
    assert gc.get_threshold() == MINE


def test_overlapping_crawls_share_them_and_the_last_restores(thresholds: None) -> None:
    """Two crawls in threads of one process (a Dask worker's) that end in the other order
    than they began: the thresholds stay the crawl's until the last ends."""
    first, second = crawl_collector(), crawl_collector()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.get_threshold() == CRAWL_THRESHOLDS
    second.__exit__(None, None, None)
    assert gc.get_threshold() == MINE


@pytest.mark.slow
def test_a_crawl_saves_its_pages_with_them_and_gives_the_callers_back(thresholds: None) -> None:
    store = Watching()
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        config = sample_config(site.port, delay=0.0, max_delay=0.01)
        (stats,) = crawl_sources(store, config, [config.source("sample")], capture=False)
    assert stats.status == "ok" and stats.new > 10
    assert store.seen == {CRAWL_THRESHOLDS}
    assert gc.get_threshold() == MINE
