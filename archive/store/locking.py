"""One writer per archive: an exclusive ``flock`` on ``<archive>.lock`` and on the archive
file itself.

``pressarchive schedule`` and ``pressarchive crawl`` hold the lock for as long as they
run; a second one on the same archive fails at once with :class:`ArchiveLocked`, naming
the holder (pid, command, start time, as written into the lock file). The kernel drops
the lock when its holder dies, SIGKILL included, so a stale lock file never blocks.

The lock is keyed on the file, not on the name it was reached by: the lock file is beside
the real file (symlinks resolved: ``--db link.db`` locks ``<target>.lock``), and the
archive file itself is ``flock``-ed too, so a second writer through a hard link (another
name, same inode) is refused as well. (``flock`` and SQLite's POSIX byte-range locks are
independent on local file systems. The descriptor used on the archive is never closed
while the process lives — closing any descriptor of a file drops every POSIX lock the
process holds on it, SQLite's included — but kept for the next lock of the same file.)

Holding the lock also means that no other crawl of this archive is alive: runs still
marked ``running`` were left by a dead process, and :func:`recover_runs` marks them
``interrupted`` — only once both locks are held, so a second writer through another name
never marks the first one's live run interrupted. Readers (search, Datasette, status)
never take the lock.

Every command that writes (crawl, demo, schedule, reparse, import-warc, reindex) opens the
archive through :func:`writer`: the lock, then the archive, then :func:`recover_runs`.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

import sqlite_utils

from archive.store import runs as runs
from archive.store.checks import check_archive_file
from archive.store.schema import open_archive
from crawler.clock import now_iso
from crawler.errors import ArchiveError, ArchiveLocked

log = logging.getLogger(__name__)

#: Open descriptors of archive files not locked at the moment, by (st_dev, st_ino): reused,
#: never closed (see the module docstring).
_SPARE: dict[tuple[int, int], list[int]] = {}
_SPARE_LOCK = threading.Lock()


def lock_path(db_path: str | Path) -> Path:
    """The lock file of the archive at ``db_path``: beside the real file."""
    return Path(f"{os.path.realpath(db_path)}.lock")


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


class ArchiveLock:
    """``with ArchiveLock(path, "schedule"):`` — exclusive, non-blocking."""

    def __init__(self, db_path: str | Path, command: str) -> None:
        self.db_path = Path(db_path)
        self.path = lock_path(db_path)
        self.command = command
        self._fd: int | None = None
        self._file: tuple[tuple[int, int], int] | None = None  # (identity, fd) of the archive

    def acquire(self) -> ArchiveLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise ArchiveError(
                f"{self.db_path}: cannot lock the archive: {self.path}: {_reason(exc)}"
            ) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise ArchiveLocked(
                f"{self.db_path}: archive is in use by {holder(self.path)}; "
                f"refusing to start a second writer (lock file {self.path})"
            ) from None
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        try:
            self.hold_file()
        except BaseException:
            self.release()
            raise
        os.ftruncate(fd, 0)
        os.write(fd, f"pid={os.getpid()} command={self.command} since={now_iso()}\n".encode())
        os.fsync(fd)
        return self

    def hold_file(self) -> None:
        """Lock the archive file itself, once it exists (:class:`ArchiveLocked` if another
        writer holds it under another name: a hard link); a no-op once held."""
        if self._file is not None:
            return
        try:
            st = os.stat(self.db_path)
        except FileNotFoundError:
            return  # created by open_archive; writer() calls this again then
        except OSError as exc:
            raise ArchiveError(f"{self.db_path}: cannot open archive: {_reason(exc)}") from exc
        identity = (st.st_dev, st.st_ino)
        with _SPARE_LOCK:
            spare = _SPARE.setdefault(identity, [])
            fd = spare.pop() if spare else None
        if fd is None:
            try:
                fd = os.open(self.db_path, os.O_RDONLY)
            except OSError as exc:
                raise ArchiveError(f"{self.db_path}: cannot open archive: {_reason(exc)}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _put_back(identity, fd)
            raise ArchiveLocked(
                f"{self.db_path}: archive is in use by {_flock_holder(st.st_ino)}, a writer "
                f"that opened it under another name (a hard link to "
                f"{os.path.realpath(self.db_path)}, inode {st.st_ino}); refusing to start a "
                "second writer"
            ) from None
        except BaseException:
            _put_back(identity, fd)
            raise
        self._file = (identity, fd)

    def release(self) -> None:
        if self._file is not None:
            (identity, fd), self._file = self._file, None
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                _put_back(identity, fd)
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


def _flock_holder(inode: int) -> str:
    """``pid N`` of the process holding a ``flock`` on ``inode`` (Linux ``/proc/locks``),
    ``another process`` where that cannot be read."""
    try:
        with open("/proc/locks", encoding="ascii") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) > 5 and parts[1] == "FLOCK" and parts[5].endswith(f":{inode}"):
                    return f"pid {parts[4]}"
    except OSError:
        pass
    return "another process"


def _put_back(identity: tuple[int, int], fd: int) -> None:
    with _SPARE_LOCK:
        _SPARE.setdefault(identity, []).append(fd)


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


def writer_alive(db_path: str | Path) -> bool:
    """Whether a pressarchive process holds the writer lock of the archive at ``db_path``
    now: the pid its lock file names is alive (the file is emptied on release). Only reads,
    takes no lock (a reader must never make a starting writer fail)."""
    try:
        text = lock_path(db_path).read_text(encoding="utf-8")
    except OSError:
        return False
    fields = dict(part.split("=", 1) for part in text.split() if "=" in part)
    pid = fields.get("pid", "")
    if not pid.isdigit():
        return bool(text.strip())  # being written: assume alive
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, another user's
    return True


def recover_runs(db: sqlite_utils.Database) -> list[int]:
    """Mark runs left ``running`` by a dead process as ``interrupted``; return their ids.
    Call only while holding the :class:`ArchiveLock` (then no live crawl owns them)."""
    ids = [r[0] for r in db.execute("SELECT id FROM crawl_runs WHERE status = 'running'")]
    for run_id in ids:
        runs.finish_run(db, run_id, {}, "interrupted")
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
    with ArchiveLock(db_path, command) as lock:
        db = open_archive(db_path)
        try:
            lock.hold_file()  # a new archive: created just now by open_archive
            for run_id in recover_runs(db):
                if recovered is not None:
                    recovered(run_id)
            yield db
        finally:
            db.close()


def upgrade(db_path: str | Path) -> None:
    """Bring an archive written by an older pressarchive up to date (migrations, derived
    indexes), under the writer lock like any write command; raises what :func:`writer`
    raises (:class:`ArchiveLocked`, :class:`~crawler.errors.ArchiveError` on a read-only
    medium)."""
    with writer(db_path, "upgrade", must_exist=True):
        log.warning("%s: upgraded to this version of pressarchive", db_path)


__all__ = [
    "ArchiveLock",
    "ArchiveLocked",
    "holder",
    "lock_path",
    "recover_runs",
    "upgrade",
    "writer",
    "writer_alive",
]
