"""The writer lock is keyed on the archive file, not on the name it is reached by (issue
14): a second writer through a symlink or a hard link is refused (exit 6) and never marks
the first writer's live run interrupted; an archive path nothing can be created at is one
line, exit 3."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from archive.cli.main import cli
from archive.store.locking import ArchiveLock
from archive.store.schema import open_archive
from crawler.errors import ArchiveLocked
from tests.support.factories import archive_with, extracted

WRITERS = [["demo"], ["reindex"], ["reparse"], ["import-warc", "{warc}"], ["crawl"]]


@pytest.fixture()
def archive_path(tmp_path: Path) -> Path:
    path = archive_with(
        tmp_path / "archive.db", [("x", extracted("https://x.example/a", title="A"))]
    )
    db = open_archive(path)
    db.table("crawl_runs").insert(  # the live run of the writer holding the lock
        {"source": "x", "started_at": "2026-01-01T10:00:00.000Z", "status": "running"}
    )
    db.close()
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def statuses(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT status FROM crawl_runs")]
    finally:
        conn.close()


def other_names(archive: Path) -> dict[str, Path]:
    folder = archive.parent / "elsewhere"
    folder.mkdir()
    (folder / "link.db").symlink_to(archive)
    os.link(archive, folder / "hard.db")
    return {"symlink": folder / "link.db", "hard link": folder / "hard.db"}


def _writer_args(args: list[str], tmp_path: Path) -> list[str]:
    warc = tmp_path / "x.warc.gz"
    warc.write_bytes(b"")  # never read: the lock comes first
    config = tmp_path / "c.toml"
    config.write_text('[sources.x]\nstart_urls = ["http://127.0.0.1:9/"]\n')
    out = [str(warc) if a == "{warc}" else a for a in args]
    return [*out, "--config", str(config)] if args == ["crawl"] else out


@pytest.mark.parametrize("args", WRITERS, ids=lambda a: a[0])
def test_a_writer_through_another_name_is_refused_in_process(
    archive_path: Path, tmp_path: Path, args: list[str]
) -> None:
    names = other_names(archive_path)
    with ArchiveLock(archive_path, "schedule"):
        for how, name in names.items():
            result = run(*_writer_args(args, tmp_path), "--db", str(name))
            assert result.exit_code == 6, (how, result.output)
            assert "\n" not in result.output.strip(), result.output
            assert statuses(archive_path) == ["running"], how
    # released: the link is a way to the archive like any other
    with ArchiveLock(names["hard link"], "crawl"):
        pass


def test_the_lock_names_the_holder_through_a_symlink(archive_path: Path) -> None:
    link = other_names(archive_path)["symlink"]
    with ArchiveLock(archive_path, "schedule"):
        with pytest.raises(ArchiveLocked, match=f"pid {os.getpid()} \\(pressarchive schedule"):
            ArchiveLock(link, "crawl").acquire()
    with ArchiveLock(link, "crawl"), pytest.raises(ArchiveLocked):
        ArchiveLock(archive_path, "crawl").acquire()


_HOLDER = """
import sys
from archive.store.locking import ArchiveLock
lock = ArchiveLock(sys.argv[1], "crawl").acquire()
print("locked", flush=True)
sys.stdin.read()  # until the test closes stdin
lock.release()
"""


@pytest.fixture()
def holder(archive_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the archive's lock, as a live crawl does."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(archive_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    try:
        yield proc
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=30)


def test_a_second_process_through_a_hard_link_never_interrupts_the_live_run(
    archive_path: Path, holder: subprocess.Popen[str]
) -> None:
    names = other_names(archive_path)
    for how, name in names.items():
        done = subprocess.run(
            [sys.executable, "-m", "archive.cli", "reindex", "--db", str(name)],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 6, (how, done.stderr)
        assert "Traceback" not in done.stderr and f"in use by pid {holder.pid}" in done.stderr
    assert statuses(archive_path) == ["running"]


@pytest.mark.parametrize("args", [["demo"], ["reindex"], ["crawl"]], ids=lambda a: a[0])
def test_an_archive_path_nothing_can_be_made_at_is_one_line_exit_3(
    tmp_path: Path, args: list[str]
) -> None:
    a_file = tmp_path / "plain"
    a_file.write_text("x")
    for db in ("/proc/pressarchive.db", str(a_file / "a.db")):
        result = run(*_writer_args(args, tmp_path), "--db", db)
        assert result.exit_code == 3, (db, result.output)
        text = result.output.strip()
        assert "\n" not in text and db in text and "Traceback" not in text, text
