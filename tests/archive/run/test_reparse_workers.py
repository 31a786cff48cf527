"""``reparse`` and ``import-warc`` with a pool of worker processes (``--workers``,
archive/run/pool.py) leave the archive exactly as the sequential run does: compared
row by row on copies of a sample-site crawl (three editions, so pages have history)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from click.testing import CliRunner

from archive.cli.main import cli
from archive.run import pool
from tests.archive.run.test_reparse import BODY_EDIT, Archive, archive, copy_archive, rows

pytestmark = pytest.mark.slow

__all__ = ["archive"]  # the module-scoped sample-site crawl


def _changed_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    """An extractor that differs from the crawl's on some pages (new revisions are written,
    every other page's title changes) and raises on one (an error is counted): forked
    workers inherit it."""
    original = pool.extract

    def extract(url: str, body: bytes, headers: dict[str, str], profile: Any = None) -> Any:
        if url == BODY_EDIT:
            raise TypeError("an extractor bug")
        page = original(url, body, headers, profile)
        if page.title and len(url) % 2:
            page.title += " (neu)"
        return page

    monkeypatch.setattr(pool, "extract", extract)


def _run(args: list[str]) -> dict[str, Any]:
    result = CliRunner().invoke(cli, [*args, "--json"])
    assert result.exit_code == 0, result.output
    out: dict[str, Any] = json.loads(result.output)
    return out


def test_reparse_with_two_workers_writes_what_one_does(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    _changed_extractor(monkeypatch)
    one, two = copy_archive(archive, "workers1"), copy_archive(archive, "workers2")
    before = rows(one)
    report1 = _run(["reparse", "--db", str(one), "--workers", "1"])
    report2 = _run(["reparse", "--db", str(two), "--workers", "2"])
    assert report1 == report2
    assert report1["changed"] > 0 and report1["errors"] > 0
    assert rows(one) != before  # the comparison below is of archives that changed
    assert rows(one) == rows(two)


def test_import_warc_with_two_workers_writes_what_one_does(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _changed_extractor(monkeypatch)
    warcs = [str(p) for p in sorted(archive.db_path.with_suffix(".warc").glob("*.warc.gz"))]
    got = []
    for workers in ("1", "2"):
        db = tmp_path / f"import{workers}.db"
        report = _run(["import-warc", *warcs, "--db", str(db), "--workers", workers])
        got.append((report, rows(db), _without_copies(db)))
    assert got[0][0] == got[1][0]
    assert got[0][0]["new"] > 0 and got[0][0]["changed"] > 0 and got[0][0]["errors"] > 0
    assert got[0][2] == got[1][2]  # the revisions but where their copies were written
    got[0][1].pop("revisions"), got[1][1].pop("revisions")
    assert got[0][1] == got[1][1]


def _without_copies(path: Path) -> list[tuple[Any, ...]]:
    """The revisions, without the place of each one's capture copy (the new WARC file of
    each import is named after its time, its records have fresh ids)."""
    db = sqlite_utils.Database(path)
    names = [c.name for c in db["revisions"].columns if not c.name.startswith("warc_")]
    out = db.execute(f"SELECT {', '.join(names)} FROM revisions ORDER BY 1, 2").fetchall()
    db.close()
    return out


def _pid_and(value: int) -> tuple[int, int]:
    import os

    if value == 13:
        raise ValueError("thirteen")
    return os.getpid(), value


def test_ordered_map_in_chunks_keeps_order_and_nothing_tasks() -> None:
    """Tasks go to the workers in chunks: results come back in the tasks' order, a task
    ``None`` gives ``None``, a short last chunk is sent too, the work runs in the workers
    (not here), and a task's error reaches the caller at its turn, with the worker's
    traceback, after the results of the tasks before it in its chunk."""
    import os

    from archive.run.pool import ordered_map

    tasks = [(i, None if i % 5 == 0 else i) for i in range(1, 12)]
    done = list(ordered_map(_pid_and, tasks, workers=2, chunk=3))
    assert [m for m, _r in done] == list(range(1, 12))
    assert [r and r[1] for _m, r in done] == [t for _m, t in tasks]
    pids = {r[0] for _m, r in done if r}
    assert os.getpid() not in pids
    got: list[int] = []
    with pytest.raises(ValueError, match="thirteen") as raised:
        for meta, _result in ordered_map(
            _pid_and, [(i, i) for i in range(10, 20)], workers=2, chunk=4
        ):
            got.append(meta)
    assert got == [10, 11, 12]  # the chunk's results before the error, in order
    assert "_pid_and" in str(raised.value.__cause__)  # the worker's traceback
    nothing = list(ordered_map(_pid_and, [(i, None) for i in range(6)], workers=2, chunk=3))
    assert nothing == [(i, None) for i in range(6)]
