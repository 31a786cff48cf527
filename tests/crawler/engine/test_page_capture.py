"""crawler.engine.page_capture: a page extracted in a worker process comes back with its
WARC records built, and the loop appends them; whenever the worker did not build them
(threads, an extractor bug, a cancelled page) the loop writes them itself, so every
fetched page has its records before any row points to them. A crawl extracting in
processes writes the records a crawl extracting in threads writes."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path
from typing import Any, cast

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.capture.reading import read_capture
from crawler.capture.warc import CaptureError, WarcWriter
from crawler.engine.crawl import crawl_sources
from crawler.engine.page_capture import DeferredCaptures, defers, extract_captured, is_page
from crawler.engine.workers import ExtractOutcome, ExtractPool, ExtractTask, extract_task
from crawler.records import FetchResult
from crawler.sample_site import SampleSite
from crawler.sample_site.demo import sample_config
from tests.crawler.engine.test_workers import HTML, SOURCE, URL
from tests.support.memory_store import MemoryStore


def _task(source: Any = SOURCE, **kw: Any) -> ExtractTask:
    values: dict[str, Any] = {
        "url": URL,
        "final_url": URL,
        "status": 200,
        "headers": {"content-type": "text/html; charset=utf-8"},
        "body": HTML,
        "fetched_at": "2026-12-01T10:00:00.000Z",
        "request_headers": {"user-agent": "pressarchive-test"},
    }
    values.update(kw)
    return ExtractTask(source, URL, FetchResult(**values))


class Spy(WarcWriter):
    """A writer that counts which way each fetch's records came."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.ways: list[str] = []

    def write(self, result: FetchResult, request_headers: Any = None) -> Any:
        self.ways.append("write")
        return super().write(result, request_headers)

    def write_prebuilt(self, result: FetchResult, built: Any) -> Any:
        self.ways.append("prebuilt")
        return super().write_prebuilt(result, built)


def test_only_pages_to_extract_are_deferred(tmp_path: Path) -> None:
    assert is_page(_task().result)
    assert is_page(_task(headers={}).result)  # no type: tried as a page
    assert not is_page(_task(headers={"content-type": "application/pdf"}).result)
    assert not is_page(_task(status=304, body=b"").result)
    assert not is_page(_task(status=404).result)
    assert not is_page(_task(status=None, body=b"", error="timed out").result)
    threads = ExtractPool(processes=1)
    with WarcWriter(tmp_path) as writer:
        assert not defers(writer, threads, _task().result)  # no worker processes
        assert not defers(writer, None, _task().result)
    assert not defers(None, threads, _task().result)


def test_a_worker_process_builds_the_records_the_loop_appends(tmp_path: Path) -> None:
    pool = ExtractPool(processes=2)
    writer = Spy(tmp_path / "w")
    try:
        assert defers(writer, pool, _task().result)
        done, ref = asyncio.run(extract_captured(pool, writer, _task(), None))
    finally:
        pool.shutdown()
        writer.close()
    assert done.records is not None and writer.ways == ["prebuilt"]
    assert done.page == extract_task(_task()).page
    with WarcWriter(tmp_path / "normal") as normal:
        expected = normal.write(_task().result)
    assert ref is not None and expected is not None
    assert read_capture(tmp_path / "w", ref) == read_capture(tmp_path / "normal", expected)


def test_records_written_at_fetch_are_not_written_again(tmp_path: Path) -> None:
    writer = Spy(tmp_path)
    with writer:
        ref = writer.write(_task().result)
        done, same = asyncio.run(extract_captured(None, writer, _task(), ref))
    assert same == ref and writer.ways == ["write"] and done.records is None


def test_extraction_in_threads_leaves_the_records_to_the_loop(tmp_path: Path) -> None:
    pool = ExtractPool(processes=1)
    try:
        writer = Spy(tmp_path)
        with writer:
            done, ref = asyncio.run(extract_captured(pool, writer, _task(), None))
    finally:
        pool.shutdown()
    assert done.records is None and writer.ways == ["write"]
    assert ref is not None and read_capture(tmp_path, ref).body == HTML


def test_an_extractor_bug_in_a_worker_still_leaves_the_records(tmp_path: Path) -> None:
    broken = dataclasses.replace(SOURCE, site_profile=object())  # type: ignore[arg-type]
    pool = ExtractPool(processes=2)
    try:
        writer = Spy(tmp_path)
        with writer:
            with pytest.raises(AttributeError):
                asyncio.run(extract_captured(pool, writer, _task(broken), None))
    finally:
        pool.shutdown()
    assert writer.ways == ["write"] and writer.records == 1
    with open(tmp_path / writer.files[0], "rb") as fh:
        kinds = [r.rec_type for r in ArchiveIterator(fh)]
    assert kinds == ["warcinfo", "request", "response"]


class Stalling:
    """A pool whose extraction never ends (until cancelled)."""

    uses_processes = True

    def __init__(self) -> None:
        self.asked: list[bool] = []

    async def run(self, task: ExtractTask) -> ExtractOutcome:
        self.asked.append(task.warc)
        await asyncio.Event().wait()
        raise AssertionError("not reached")


def test_a_page_cancelled_in_extraction_still_gets_its_records(tmp_path: Path) -> None:
    pool = Stalling()

    async def scenario(writer: WarcWriter) -> None:
        page = asyncio.create_task(extract_captured(cast(ExtractPool, pool), writer, _task(), None))
        while not pool.asked:
            await asyncio.sleep(0)
        page.cancel()
        with pytest.raises(asyncio.CancelledError):
            await page

    writer = Spy(tmp_path)
    with writer:
        asyncio.run(scenario(writer))
    assert pool.asked == [True] and writer.ways == ["write"] and writer.records == 1


def test_records_that_cannot_be_written_fail_instead_of_the_page(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    broken = dataclasses.replace(SOURCE, site_profile=object())  # type: ignore[arg-type]
    writer = WarcWriter(blocked / "w")
    with pytest.raises(CaptureError):  # the disk's error, not the extractor's
        asyncio.run(extract_captured(None, writer, _task(broken), None))
    with pytest.raises(CaptureError):
        asyncio.run(extract_captured(None, writer, _task(), None))


def _warc(folder: Path) -> list[tuple[str, str, str]]:
    out = []
    for path in sorted(folder.iterdir()):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type != "warcinfo":
                    digest = record.rec_headers.get_header("WARC-Payload-Digest") or ""
                    out.append(
                        (record.rec_type, record.rec_headers.get_header("WARC-Target-URI"), digest)
                    )
    return sorted(out)


@pytest.mark.slow
def test_a_crawl_in_processes_writes_the_records_of_a_crawl_in_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ways: list[str] = []
    prebuilt = WarcWriter.write_prebuilt

    def counting(self: WarcWriter, result: FetchResult, built: Any) -> Any:
        ways.append(result.url)
        return prebuilt(self, result, built)

    monkeypatch.setattr(WarcWriter, "write_prebuilt", counting)
    discovered: list[str] = []
    add = DeferredCaptures.add

    def deferring(self: DeferredCaptures, result: FetchResult) -> bool:
        deferred = add(self, result)
        if deferred:
            discovered.append(result.url)
        return deferred

    monkeypatch.setattr(DeferredCaptures, "add", deferring)
    stores = {}
    with SampleSite(edition=1, crawl_delay="0.01") as site:
        config = sample_config(site.port, delay=0.0, max_delay=0.01)
        for processes in (2, 1):
            crawler = dataclasses.replace(config.crawler, extract_processes=processes)
            store = stores[processes] = MemoryStore(tmp_path / str(processes))
            (stats,) = crawl_sources(
                store, dataclasses.replace(config, crawler=crawler), config.sources
            )
            assert stats.status == "ok" and stats.fetched > 20
            if processes == 2:
                assert len(ways) > 20 and len(ways) == len(set(ways))
                assert discovered and set(discovered) <= set(ways)  # listings, sitemaps
                built = len(ways)
        assert len(ways) == built  # threads: none prebuilt
    assert _warc(tmp_path / "2") == _warc(tmp_path / "1")
    for processes, store in stores.items():
        assert store.pages
        for page in store.pages.values():
            assert page.capture is not None
            capture = read_capture(tmp_path / str(processes), page.capture)
            assert capture.body == page.fetch.body


# -- discovery's fetches: records built by a worker process, written by the loop ----------


def test_discovery_records_are_built_by_a_worker_and_read_back_alike(tmp_path: Path) -> None:
    pool = ExtractPool(processes=2)
    writer = Spy(tmp_path / "w")
    result = _task(headers={"content-type": "application/xml"}, body=b"<urlset/>").result

    async def scenario() -> list[bool]:
        deferred = DeferredCaptures(pool, writer)
        said = [deferred.add(result)]
        await deferred.wait()
        return said

    try:
        said = asyncio.run(scenario())
    finally:
        pool.shutdown()
        writer.close()
    assert said == [True] and writer.ways == ["prebuilt"] and writer.records == 1
    with WarcWriter(tmp_path / "normal") as normal:
        normal.write(result)
    assert _warc(tmp_path / "w") == _warc(tmp_path / "normal")


def test_discovery_records_are_written_at_once_without_worker_processes(tmp_path: Path) -> None:
    threads = ExtractPool(processes=1)
    with WarcWriter(tmp_path) as writer:

        async def scenario() -> list[bool]:
            said = [DeferredCaptures(threads, writer).add(_task().result)]
            said.append(DeferredCaptures(None, writer).add(_task().result))
            said.append(DeferredCaptures(threads, None).add(_task().result))
            return said

        assert asyncio.run(scenario()) == [False, False, False]
    processes = ExtractPool(processes=2)
    try:
        with WarcWriter(tmp_path / "p") as writer:

            async def not_ok() -> list[bool]:
                deferred = DeferredCaptures(processes, writer)
                return [
                    deferred.add(_task(status=304, body=b"").result),
                    deferred.add(_task(status=404).result),
                    deferred.add(_task(status=None, body=b"", error="timed out").result),
                ]

            assert asyncio.run(not_ok()) == [False, False, False]
    finally:
        processes.shutdown()


class Failing:
    """A pool whose worker fails to build the records, or stalls until cancelled."""

    uses_processes = True

    def __init__(self, stall: bool) -> None:
        self.stall = stall
        self.asked = 0

    async def records(self, result: FetchResult) -> Any:
        self.asked += 1
        if self.stall:
            await asyncio.Event().wait()
        raise ValueError("a bug in the worker")


def test_discovery_records_the_worker_failed_or_never_built_are_written_here(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    for stall in (False, True):
        pool = Failing(stall)
        writer = Spy(tmp_path / str(stall))

        async def scenario(pool: Failing = pool, writer: Spy = writer, stall: bool = stall) -> None:
            deferred = DeferredCaptures(cast(ExtractPool, pool), writer)
            assert deferred.add(_task().result)
            while not pool.asked:
                await asyncio.sleep(0)
            if stall:
                await deferred.cancel()  # the run ends before the worker answers
            else:
                await deferred.wait()
            assert not deferred.pending

        with writer:
            asyncio.run(scenario())
        assert writer.ways == ["write"] and writer.records == 1
    assert "building the WARC records failed" in caplog.text
