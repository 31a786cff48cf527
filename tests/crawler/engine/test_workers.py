"""``ExtractPool`` (crawler/engine/workers.py): worker processes extract what a thread
extracts; a worker process that dies sends the work back to threads (logged), while an
extractor bug inside a worker is raised for the crawl to record, processes kept."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import pathlib

import pytest

from crawler.config.settings import SourceConfig
from crawler.engine.workers import (
    PROCESS_MIN_PAGES,
    WORKER_NICE,
    ExtractPool,
    ExtractTask,
    extract_task,
)
from crawler.records import FetchResult

URL = "http://www.example.test/presse/kita"
HTML = (
    "<html lang='de'><head><title>Neue Kita eröffnet</title>"
    "<meta name='date' content='2026-11-30'></head><body><main><article>"
    "<h1>Neue Kita eröffnet</h1><p>Die Stadt eröffnet eine neue Kita in der Marktstraße. "
    "<a href='/presse/andere'>Mehr</a></p></article></main></body></html>"
).encode()
SOURCE = SourceConfig(name="s", hosts=("www.example.test",), scheme="http")


def _task(source: SourceConfig = SOURCE) -> ExtractTask:
    result = FetchResult(
        url=URL, final_url=URL, status=200, headers={"content-type": "text/html"}, body=HTML
    )
    return ExtractTask(source, URL, result)


def test_a_worker_process_extracts_what_a_thread_extracts() -> None:
    pool = ExtractPool(processes=2)
    try:
        assert pool.uses_processes
        done = asyncio.run(pool.run(_task()))
    finally:
        pool.shutdown()
    assert done == extract_task(_task())
    assert done.page.title == "Neue Kita eröffnet"
    assert done.page.links == ["http://www.example.test/presse/andere"]  # canonical


def test_worker_processes_run_at_a_lower_priority_than_the_crawl() -> None:
    """The event loop (requests on time, sockets served) gets a busy core first."""
    pool = ExtractPool(processes=2)
    try:
        asyncio.run(pool.run(_task()))  # the processes are started
        executor = pool._processes
        assert executor is not None
        niceness = executor.submit(os.nice, 0).result()
    finally:
        pool.shutdown()
    assert niceness == min(19, os.nice(0) + WORKER_NICE)


def test_a_dead_worker_process_sends_the_work_to_threads(caplog: pytest.LogCaptureFixture) -> None:
    pool = ExtractPool(processes=2)

    async def scenario() -> object:
        await pool.run(_task())  # the processes are started
        executor = pool._processes
        assert executor is not None
        for process in list(executor._processes.values()):  # type: ignore[union-attr]
            process.kill()
            process.join()
        return await pool.run(_task())

    try:
        with caplog.at_level(logging.ERROR, logger="crawler.engine.workers"):
            done = asyncio.run(scenario())
    finally:
        pool.shutdown()
    assert done == extract_task(_task())
    assert not pool.uses_processes
    assert "extraction worker processes failed" in caplog.text


def test_an_extractor_bug_in_a_worker_is_raised_and_the_processes_stay() -> None:
    broken = dataclasses.replace(SOURCE, site_profile=object())  # type: ignore[arg-type]
    pool = ExtractPool(processes=2)
    try:
        with pytest.raises(AttributeError):
            asyncio.run(pool.run(_task(broken)))
        assert pool.uses_processes
    finally:
        pool.shutdown()


def test_the_automatic_mode_starts_processes_only_for_a_large_crawl() -> None:
    pool = ExtractPool(processes=0)
    try:
        pool.size = 2  # as on a machine with two cores
        pool.expect(PROCESS_MIN_PAGES - 1)
        assert not pool.uses_processes
        pool.expect(1)
        assert pool.uses_processes
    finally:
        pool.shutdown()
    threads_only = ExtractPool(processes=1)
    threads_only.expect(10 * PROCESS_MIN_PAGES)
    assert not threads_only.uses_processes


def _in_a_daemon(results: object) -> None:
    from archive.run.pool import ordered_map

    pool = ExtractPool(processes=2)
    done = asyncio.run(pool.run(_task()))
    squares = [r for _m, r in ordered_map(abs, [(1, -2), (2, -3)], workers=2)]
    results.put((pool.uses_processes, done.page.title, squares))  # type: ignore[attr-defined]
    pool.shutdown()


def test_a_daemonic_process_extracts_in_threads() -> None:
    """A Dask worker is a daemonic process, which may not start processes: the crawl's pool
    and ``ordered_map`` (template learning, reparse) work in it without them."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    results = context.Queue()
    daemon = context.Process(target=_in_a_daemon, args=(results,), daemon=True)
    daemon.start()
    try:
        assert results.get(timeout=60) == (False, "Neue Kita eröffnet", [2, 3])
    finally:
        daemon.join(10)


def test_pages_handed_over_together_each_get_their_own_result_or_error() -> None:
    """Pages for the worker processes go in one hand-off (``GATHER_SECONDS``); an extractor
    bug fails its own page only, with the worker's traceback as its cause."""
    broken = dataclasses.replace(SOURCE, site_profile=object())  # type: ignore[arg-type]
    tasks = [_task(), _task(broken), dataclasses.replace(_task(), url=URL + "-2")]
    pool = ExtractPool(processes=2)

    async def scenario() -> list[object]:
        return await asyncio.gather(*(pool.run(t) for t in tasks), return_exceptions=True)

    try:
        done = asyncio.run(scenario())
        assert pool.uses_processes
    finally:
        pool.shutdown()
    assert done[0] == extract_task(tasks[0])
    assert done[2] == extract_task(tasks[2])
    assert isinstance(done[1], AttributeError)
    assert "Traceback" in str(done[1].__cause__)
    assert "extract_task" in str(done[1].__cause__)


class Exhausted:
    """A profile whose use raises StopIteration (as a ``next()`` without a default does)."""

    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)  # pickling looks these up
        raise StopIteration


@pytest.mark.parametrize("processes", [2, 1])
def test_a_stop_iteration_fails_its_page_only(processes: int) -> None:
    """An asyncio future refuses StopIteration: raised by an extractor it must still fail
    its page (not leave it, and the pages handed over with it, waiting for ever)."""
    good = [_task(), dataclasses.replace(_task(), url=URL + "-2")]
    bad = _task(dataclasses.replace(SOURCE, site_profile=Exhausted()))  # type: ignore[arg-type]
    with pytest.raises(StopIteration):
        extract_task(bad)
    pool = ExtractPool(processes=processes)

    async def scenario() -> list[object]:
        runs = [pool.run(t) for t in (good[0], bad, good[1])]
        return await asyncio.wait_for(asyncio.gather(*runs, return_exceptions=True), 60)

    try:
        done = asyncio.run(scenario())
        assert pool.uses_processes is (processes == 2)
    finally:
        pool.shutdown()
    assert done[0] == extract_task(good[0]) and done[2] == extract_task(good[1])
    assert isinstance(done[1], RuntimeError) and "StopIteration" in str(done[1])


class Odd(Exception):
    """An exception that pickles but does not unpickle (its __init__ wants two values)."""

    def __init__(self, a: int, b: int) -> None:
        super().__init__(f"{a}/{b}")


class Oddly:
    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)
        raise Odd(1, 2)


def test_an_exception_that_cannot_travel_back_fails_its_page_not_the_processes() -> None:
    bad = _task(dataclasses.replace(SOURCE, site_profile=Oddly()))  # type: ignore[arg-type]
    pool = ExtractPool(processes=2)
    try:
        with pytest.raises(RuntimeError, match="Odd: 1/2"):
            asyncio.run(asyncio.wait_for(pool.run(bad), 60))
        assert pool.uses_processes
        assert asyncio.run(pool.run(_task())) == extract_task(_task())
    finally:
        pool.shutdown()


def test_a_pool_serves_a_second_event_loop_after_one_ended_while_gathering() -> None:
    pool = ExtractPool(processes=2)

    async def cut_short() -> None:
        asyncio.get_running_loop().create_task(pool.run(_task()))
        await asyncio.sleep(0.001)  # the loop ends with the page still gathered

    try:
        asyncio.run(cut_short())
        done = asyncio.run(asyncio.wait_for(pool.run(_task()), 30))
    finally:
        pool.shutdown()
    assert done == extract_task(_task())


def test_the_workers_import_neither_sqlite_utils_nor_pandas(tmp_path: pathlib.Path) -> None:
    """What the crawl's fork server preloads (the extraction and the SQLite store's page
    preparer) imports no sqlite-utils, which imports pandas when it is installed (~0.2 s
    and ~65 MB a process)."""
    import subprocess
    import sys

    from archive.store.schema import open_archive
    from archive.store.sqlite import SqliteStore
    from tests.support import ROOT

    db = open_archive(tmp_path / "a.db")
    preparer = SqliteStore(db).page_preparer(SOURCE)
    db.close()
    module = getattr(preparer, "func", preparer).__module__
    code = (
        f"import sys, crawler.engine.workers, {module}; "
        "print(sorted(m for m in ('sqlite_utils', 'pandas') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
