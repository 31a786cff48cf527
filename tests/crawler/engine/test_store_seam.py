"""The crawl engine over a store that is not SQLite (``tests/support/memory_store.py``).

``crawler.engine.crawl.crawl_sources`` crawls the sample site three times into one
:class:`MemoryStore` (edition 1, the same again, then edition 2): pages are saved, each run
is recorded with its counts, the recrawl asks with the stored validators and gets 304s,
and pages gone in edition 2 are marked removed. Nothing here imports ``archive``: the
engine needs only the ``Store`` protocol (checked in a fresh interpreter below).
"""

from __future__ import annotations

import inspect
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from crawler.engine.crawl import CrawlStats, crawl_sources
from crawler.engine.store import Store
from crawler.records import RUN_COUNTERS, Extracted
from crawler.sample_site import SampleSite, edition_changes, ground_truth, removed_urls
from crawler.sample_site.demo import sample_config
from tests.support import ROOT
from tests.support.memory_store import MemoryStore

SOURCE = "sample"


class Recording(httpx.AsyncBaseTransport):
    """The network, with the path and conditional headers of every request kept."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport(retries=0)
        #: (path, If-None-Match, If-Modified-Since) in the order sent
        self.sent: list[tuple[str, str | None, str | None]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        h = request.headers
        self.sent.append((request.url.path, h.get("if-none-match"), h.get("if-modified-since")))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass
class Runs:
    store: MemoryStore
    stats: dict[str, CrawlStats] = field(default_factory=dict)
    sent: dict[str, list[tuple[str, str | None, str | None]]] = field(default_factory=dict)
    statuses: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    #: url -> (etag, last_modified) as stored after the first crawl
    validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    #: url -> page, the live pages after the first crawl
    first: dict[str, Extracted] = field(default_factory=dict)


@pytest.fixture(scope="module")
def runs() -> Iterator[Runs]:
    store = MemoryStore()
    out = Runs(store)
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        config = sample_config(site.port, delay=0.0, max_delay=0.01)
        for name, edition in (("first", 1), ("again", 1), ("edition2", 2)):
            site.edition = edition
            site.clear_requests()
            transport = Recording()
            (out.stats[name],) = crawl_sources(
                store, config, [config.source(SOURCE)], transport=transport, capture=False
            )
            out.sent[name] = transport.sent
            out.statuses[name] = [(r.path, r.status) for r in site.requests]
            if name == "first":
                out.validators = {u: (p.etag, p.last_modified) for u, p in store.pages.items()}
                out.first = store.live(SOURCE)
    yield out


def test_the_memory_store_has_every_method_of_the_protocol() -> None:
    wanted = {n for n, v in vars(Store).items() if callable(v) and not n.startswith("_")}
    assert wanted, "the protocol lists its methods"
    for name in sorted(wanted):
        ours = getattr(MemoryStore, name, None)
        assert ours is not None, name
        assert list(inspect.signature(ours).parameters) == list(
            inspect.signature(getattr(Store, name)).parameters
        ), name
    store: Store = MemoryStore()  # and mypy agrees, where it reads the tests
    assert store.capture_folder() is None


def test_this_module_and_its_store_import_nothing_from_archive() -> None:
    code = (
        "import sys; import tests.crawler.engine.test_store_seam; "
        "print(sorted(m for m in sys.modules if m == 'archive' or m.startswith('archive.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.slow
def test_first_crawl_saves_every_page(runs: Runs) -> None:
    stats = runs.stats["first"]
    assert (stats.status, stats.errors) == ("ok", 0), runs.store.errors
    truth = ground_truth(1)
    saved = runs.first
    assert sorted(saved) == sorted(truth)
    assert stats.new == len(truth)
    for url, page in saved.items():
        for key in ("title", "published", "body"):
            assert getattr(page, key) == truth[url][key], (url, key)
    assert runs.store.sources[SOURCE].name == SOURCE
    assert runs.store.cache.entries, "discovery responses are cached for the next run"


@pytest.mark.slow
def test_each_run_is_recorded_with_its_counts(runs: Runs) -> None:
    assert sorted(runs.store.runs) == [1, 2, 3]
    for run_id, name in enumerate(("first", "again", "edition2"), start=1):
        run, stats = runs.store.runs[run_id], runs.stats[name]
        assert stats.run_id == run_id
        assert (run.source, run.status) == (SOURCE, "ok")
        assert set(run.counts) == {*RUN_COUNTERS, "duration"}
        assert {k: run.counts[k] for k in RUN_COUNTERS} == {
            k: getattr(stats, k) for k in RUN_COUNTERS
        }
        assert run.extraction is not None
        assert run.extraction.pages == stats.new + stats.changed
    assert runs.store.runs[1].counts["new"] == len(ground_truth(1))
    assert runs.store.runs[1].counts["requests"] > 0


@pytest.mark.slow
def test_recrawl_sends_the_stored_validators_and_gets_304s(runs: Runs) -> None:
    stats = runs.stats["again"]
    assert (stats.new, stats.changed, stats.fetched, stats.errors) == (0, 0, 0, 0)
    assert stats.not_modified >= len(ground_truth(1))
    assert len(runs.validators) == len(ground_truth(1))
    sent = {path: (inm, ims) for path, inm, ims in runs.sent["again"]}
    for url, (etag, last_modified) in runs.validators.items():
        path = httpx.URL(url).path
        assert etag or last_modified, url
        assert sent[path] == (etag, last_modified), url
    assert all(s == 304 for p, s in runs.statuses["again"] if p != "/robots.txt")
    # the first crawl had nothing to send
    assert all(inm is None and ims is None for _, inm, ims in runs.sent["first"])


@pytest.mark.slow
def test_edition_two_marks_removals_and_saves_changes(runs: Runs) -> None:
    changes = edition_changes(1, 2)
    stats = runs.stats["edition2"]
    assert changes["removed"] and stats.removed == len(changes["removed"])
    assert (stats.new, stats.changed) == (len(changes["new"]), len(changes["changed"]))
    assert runs.store.removed(SOURCE) == removed_urls(2)
    assert sorted(runs.store.live(SOURCE)) == sorted(ground_truth(2))
    for url in removed_urls(2):
        assert runs.store.pages[url].page.title == ground_truth(1)[url]["title"]  # kept
