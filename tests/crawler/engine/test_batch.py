"""``WriteBatch`` (crawler/engine/batch.py): a batch begins at its first write, is
committed when it holds enough writes or is old enough, and the captures its rows point
to are synced before every commit."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest

from crawler.capture.warc import WarcWriter
from crawler.engine.batch import WriteBatch
from crawler.engine.store import Store
from crawler.errors import CaptureError


class Recorder:
    """A store and a WARC writer that record the calls the batch makes, in order."""

    def __init__(self, full_disk: bool = False, steps: int = 0) -> None:
        self.calls: list[str] = []
        self.full_disk = full_disk
        self.steps = steps  # flush_batch calls that leave work for another step

    def begin_batch(self) -> None:
        self.calls.append("begin")

    def flush_batch(self, pages: int) -> bool:
        self.calls.append("flush")
        self.steps -= 1
        return self.steps >= 0

    def commit_batch(self) -> None:
        self.calls.append("commit")

    def rollback_batch(self) -> None:
        self.calls.append("rollback")

    def sync(self) -> None:
        self.calls.append("sync")
        if self.full_disk:
            raise CaptureError("archive.warc/x.warc.gz: cannot sync capture: disk full")


def _batch(recorder: Recorder, **kwargs: Any) -> WriteBatch:
    return WriteBatch(cast(Store, recorder), cast(WarcWriter, recorder), **kwargs)


def test_a_batch_begins_at_its_first_write_and_commits_when_full() -> None:
    calls = Recorder()
    batch = _batch(calls, pages=3, seconds=3600)
    batch.commit()  # nothing open: nothing to do
    assert calls.calls == []
    for _ in range(7):
        with batch.write():
            calls.calls.append("write")
    assert calls.calls == [
        "begin", "write", "write", "write", "sync", "commit",
        "begin", "write", "write", "write", "sync", "commit",
        "begin", "write",
    ]  # fmt: skip
    batch.commit()
    assert calls.calls[-2:] == ["sync", "commit"] and batch.commits == 3


def test_a_quiet_crawl_commits_its_open_batch_in_time() -> None:
    """The event-loop task commits a batch nobody writes to any more (an event: no sleep
    in the test beyond the batch's own half-life)."""
    calls = Recorder()
    batch = _batch(calls, pages=1000, seconds=0.02)

    async def scenario() -> None:
        committer = asyncio.create_task(batch.keep_committing())
        with batch.write():
            pass
        while "commit" not in calls.calls:
            await asyncio.sleep(0.005)
        committer.cancel()

    asyncio.run(asyncio.wait_for(scenario(), timeout=10))
    assert calls.calls == ["begin", "flush", "sync", "commit"]  # the index work in steps


def test_a_write_that_fails_leaves_the_batch_open_for_the_next() -> None:
    calls = Recorder()
    batch = _batch(calls, pages=2, seconds=3600)
    try:
        with batch.write():
            raise ValueError("a write failed")
    except ValueError:
        pass
    with batch.write():
        pass
    with batch.write():
        pass
    assert calls.calls == ["begin", "sync", "commit"]


def test_captures_that_cannot_be_synced_roll_the_batch_back() -> None:
    """Rows must never point to records that may be lost: the batch is undone, the error
    raised (the run fails); a timed commit that failed is raised by the next write."""
    calls = Recorder(full_disk=True)
    batch = _batch(calls, pages=2, seconds=3600)
    with batch.write():
        pass
    with pytest.raises(CaptureError), batch.write():
        pass
    assert calls.calls == ["begin", "sync", "rollback"]

    timed = _batch(Recorder(full_disk=True), pages=1000, seconds=0.02)

    async def scenario() -> None:
        committer = asyncio.create_task(timed.keep_committing())
        with timed.write():
            pass
        await asyncio.wait_for(committer, timeout=10)  # it ends after the failed commit

    asyncio.run(scenario())
    assert isinstance(timed.failure, CaptureError)
    with pytest.raises(CaptureError), timed.write():
        pass


def test_on_the_event_loop_a_commit_goes_in_steps_and_later_writes_join_it() -> None:
    """A full batch is committed in steps; a write between two steps joins the open batch
    (no second begin) and gets a step of its own (up to as many steps again as were due),
    and the sync comes right before the commit, after every write."""
    calls = Recorder(steps=2)
    batch = _batch(calls, pages=2, seconds=3600)

    async def scenario() -> None:
        for _ in range(2):
            with batch.write():
                calls.calls.append("write")
        assert batch.stepping is not None  # due: a commit in steps was started
        await asyncio.sleep(0)  # its first step runs
        with batch.write():  # between two steps
            calls.calls.append("late write")
        await batch.settle()

    asyncio.run(asyncio.wait_for(scenario(), timeout=10))
    assert calls.calls == [
        "begin", "write", "write", "flush", "late write", "flush", "sync", "commit",
    ]  # fmt: skip  # a step more for the late write: the commit itself has little left
    assert batch.stepping is None and batch.writes == 0 and batch.commits == 1


def test_a_commit_in_steps_ends_though_writes_keep_coming() -> None:
    """Writes between every two steps (as fast as the steps) cannot keep a batch open: the
    steps cover the writes that were due when the commit began."""
    calls = Recorder(steps=10**6)  # the store always has index work left
    batch = _batch(calls, pages=32, seconds=3600)

    async def writer() -> None:
        while batch.commits < 3:
            for _ in range(16):
                with batch.write():
                    pass
            await asyncio.sleep(0)

    asyncio.run(asyncio.wait_for(writer(), timeout=10))
    assert batch.commits == 3
