"""A full disk under the WARC files (issue 14, finding 9): the ``OSError`` (ENOSPC) from a
capture write or from closing the file becomes one line naming the WARC file, the run is
recorded ``failed`` with its summary and ``pressarchive crawl`` exits 1, no traceback.

No server can fill a disk: the fault is injected into the writer's file object (every
byte before it is really written), the crawl is real (the sample site on 127.0.0.1, a real
SQLite file, the CLI in process).
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from click.testing import CliRunner

import crawler.capture.warc as warc
from archive.cli.main import cli
from crawler.sample_site import SampleSite
from tests.support.processes import config_text, query

FULL = OSError(errno.ENOSPC, "No space left on device")


class FillingFile:
    """A real WARC file that takes ``room`` bytes, then fails as a full disk does: every
    write after that, and the flush and close that still have bytes to put down."""

    def __init__(self, fh: IO[bytes], room: int, on: str) -> None:
        self._fh, self._room, self._on = fh, room, on
        self._pending = False

    def write(self, data: Any) -> int:
        if self._on == "write" and self._fh.tell() + len(data) > self._room:
            self._pending = True
            raise FULL
        return self._fh.write(data)

    def flush(self) -> None:
        if self._pending:
            raise FULL
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()
        if self._on == "close" or self._pending:
            raise FULL

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fh, name)


@pytest.fixture
def site() -> Iterator[SampleSite]:
    with SampleSite(edition=1, crawl_delay="0.01") as running:
        yield running


@pytest.mark.parametrize("on", ["write", "close"])
def test_a_full_disk_fails_the_run_in_one_line(
    site: SampleSite,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    on: str,
) -> None:
    opened: list[str] = []

    def filling_open(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        fh = open(path, mode, *args, **kwargs)
        if "x" in mode or "w" in mode:
            opened.append(str(path))
            return FillingFile(fh, 40_000, on)
        return fh

    monkeypatch.setattr(warc, "open", filling_open, raising=False)
    cfg, db_path = tmp_path / "c.toml", tmp_path / "a.db"
    cfg.write_text(config_text(site.port, families=("sitepark",)))
    with caplog.at_level("ERROR"):
        result = CliRunner().invoke(cli, ["crawl", "--config", str(cfg), "--db", str(db_path)])
    assert result.exit_code == 1, result.output
    assert not isinstance(result.exception, OSError), result.exception
    assert "Traceback" not in result.output
    assert "sitepark (FAILED):" in result.output
    assert "the run failed for: sitepark" in result.output
    assert query(db_path, "SELECT status FROM crawl_runs") == [("failed",)]
    named = [r.getMessage() for r in caplog.records if "No space left on device" in r.getMessage()]
    assert named, [r.getMessage() for r in caplog.records]
    assert any(opened[-1] in line and "\n" not in line for line in named)
    assert query(db_path, "PRAGMA integrity_check") == [("ok",)]
    if on == "close":  # every page was captured and archived before the file was closed
        assert query(db_path, "SELECT count(*) FROM pages")[0][0] > 0
