"""One writer per archive: an exclusive ``flock`` on ``<archive>.lock``.

``pressarchive schedule`` and ``pressarchive crawl`` hold the lock for as long as they
run; a second one on the same archive fails at once with :class:`ArchiveLocked`, naming
the holder (pid, command, start time, as written into the lock file). The kernel drops
the lock when its holder dies, SIGKILL included, so a stale lock file never blocks.

Holding the lock also means that no other crawl of this archive is alive: runs still
marked ``running`` were left by a dead process, and :func:`recover_runs` marks them
``interrupted``. Readers (search, Datasette, status) never take the lock.

Every command that writes (crawl, demo, schedule, reparse, import-warc, reindex) opens the
archive through :func:`writer`: the lock, then the archive, then :func:`recover_runs`.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

import sqlite_utils

from archive.store import save as save
from archive.store.checks import check_archive_file
from archive.store.schema import open_archive
from crawler.clock import now_iso
from crawler.errors import ArchiveLocked

log = logging.getLogger(__name__)


def lock_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}.lock")


class ArchiveLock:
    """``with ArchiveLock(path, "schedule"):`` — exclusive, non-blocking."""

    def __init__(self, db_path: str | Path, command: str) -> None:
        self.path = lock_path(db_path)
        self.command = command
        self._fd: int | None = None

    def acquire(self) -> ArchiveLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise ArchiveLocked(
                f"{self.path.with_suffix('')}: archive is in use by {holder(self.path)}; "
                f"refusing to start a second writer (lock file {self.path})"
            ) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.write(fd, f"pid={os.getpid()} command={self.command} since={now_iso()}\n".encode())
        os.fsync(fd)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
        finally:
            os.close(fd)  # closing drops the flock

    def __enter__(self) -> ArchiveLock:
        return self.acquire()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


def holder(path: Path) -> str:
    """Who holds the lock, from the lock file (``pid 123 (pressarchive schedule, since …)``)."""
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        return f"another process (lock file unreadable: {exc})"
    fields = dict(part.split("=", 1) for part in text.split() if "=" in part)
    if "pid" not in fields:
        return "another process (pid not yet written)"
    return (
        f"pid {fields['pid']} (pressarchive {fields.get('command', '?')}, "
        f"since {fields.get('since', '?')})"
    )


def recover_runs(db: sqlite_utils.Database) -> list[int]:
    """Mark runs left ``running`` by a dead process as ``interrupted``; return their ids.
    Call only while holding the :class:`ArchiveLock` (then no live crawl owns them)."""
    ids = [r[0] for r in db.execute("SELECT id FROM crawl_runs WHERE status = 'running'")]
    for run_id in ids:
        save.finish_run(db, run_id, {}, "interrupted")
        log.warning("run %d was left running by a process that died: marked interrupted", run_id)
    return ids


@contextmanager
def writer(
    db_path: str | Path,
    command: str,
    *,
    must_exist: bool = False,
    recovered: Callable[[int], None] | None = None,
) -> Iterator[sqlite_utils.Database]:
    """The archive at ``db_path`` opened for writing by ``command``: under the
    :class:`ArchiveLock` (:class:`ArchiveLocked`, exit 6, names the holder), with the runs
    a dead process left ``running`` marked ``interrupted``; closed on exit.

    With ``must_exist`` a missing archive raises :class:`~crawler.errors.ArchiveMissing`
    before anything (not even the lock file) is created. ``recovered`` is called with the
    id of each run marked ``interrupted``."""
    if must_exist or Path(db_path).exists():  # nothing beside a file that is not ours
        check_archive_file(db_path)
    with ArchiveLock(db_path, command):
        db = open_archive(db_path)
        try:
            for run_id in recover_runs(db):
                if recovered is not None:
                    recovered(run_id)
            yield db
        finally:
            db.close()


__all__ = ["ArchiveLock", "ArchiveLocked", "holder", "lock_path", "recover_runs", "writer"]
