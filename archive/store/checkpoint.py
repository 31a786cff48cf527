"""WAL checkpoints in a thread of their own while a crawl writes.

In WAL mode SQLite appends every commit to the ``-wal`` file and, by default, the commit
that takes it past 1,000 pages also copies the WAL back into the database file and syncs
both (an automatic checkpoint) — in the committing thread, which during a crawl is the
event loop's: ~30 ms a checkpoint, ~0.2 ms of the loop's CPU a request at the 100-host
bench (BENCHMARKS.md, stop 26). :class:`BackgroundCheckpoints` turns the automatic
checkpoints of the crawl's connection off and runs passive checkpoints (they never block
the writer, and take no write lock) from a second connection in a daemon thread, every
:data:`POLL_SECONDS` while the WAL is at least :data:`WAL_BYTES` and was written since the
last one (a WAL restarts from its beginning once checkpointed, keeping its size); the
sqlite3 module releases the GIL while SQLite
works, so the copying and syncing overlap the loop. On exit the thread ends and the
connection's own setting comes back. What a commit guarantees is SQLite's as before (a
passive checkpoint copies only committed frames); a WAL the thread cannot keep up with
only grows until the next checkpoint.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

log = logging.getLogger(__name__)

#: WAL size from which the thread checkpoints (SQLite's automatic threshold: 1,000 pages
#: of 4 KiB)
WAL_BYTES = 4 * 1024 * 1024
#: seconds between two looks at the WAL
POLL_SECONDS = 1.0


def _wal_database(db: sqlite_utils.Database) -> str | None:
    """The file of ``db``'s main database, if it is a file in WAL mode."""
    mode = db.conn.execute("PRAGMA journal_mode").fetchone()[0]
    path = next((row[2] for row in db.conn.execute("PRAGMA database_list") if row[1] == "main"), "")
    if str(mode).lower() != "wal" or not path:
        return None
    return str(path)


class BackgroundCheckpoints:
    """``with BackgroundCheckpoints(db):`` — the writes inside are checkpointed by a thread
    (a no-op for a database that is no file in WAL mode). ``runs`` counts the checkpoints
    made, ``last`` is the last one's ``(busy, wal frames, frames checkpointed)``."""

    def __init__(
        self, db: sqlite_utils.Database, wal_bytes: int | None = None, poll: float | None = None
    ) -> None:
        self.db = db
        self.wal_bytes = WAL_BYTES if wal_bytes is None else wal_bytes
        self.poll = POLL_SECONDS if poll is None else poll
        self.runs = 0
        self.last: tuple[int, int, int] | None = None
        #: set after each checkpoint (tests wait on it)
        self.checkpointed = threading.Event()
        self._wal = ""  # the WAL file's path
        self._setting: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> BackgroundCheckpoints:
        path = _wal_database(self.db)
        if path is None:
            return self
        try:  # here, not in the thread: without it the connection keeps checkpointing
            conn = sqlite3.connect(path, check_same_thread=False)
        except sqlite3.Error as exc:
            log.warning("%s: checkpoints stay in the crawl's thread: %s", path, exc)
            return self
        self._wal = f"{path}-wal"
        self._setting = int(self.db.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        self.db.conn.execute("PRAGMA wal_autocheckpoint = 0")
        self._thread = threading.Thread(
            target=self._run, args=(conn, path), name="wal-checkpoints", daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._setting is not None:
            self.db.conn.execute(f"PRAGMA wal_autocheckpoint = {self._setting}")
            self._setting = None

    def _state(self) -> tuple[int, int]:
        """The WAL's size and modification time (ns); zeros when it is missing."""
        try:
            found = os.stat(self._wal)
        except OSError:
            return 0, 0
        return found.st_size, found.st_mtime_ns

    def _run(self, conn: sqlite3.Connection, path: str) -> None:
        done_at = -1  # the WAL's modification time at the last checkpoint
        try:
            while not self._stop.wait(self.poll):
                size, modified = self._state()
                if size < self.wal_bytes or modified == done_at:
                    continue
                done_at = modified
                try:
                    row = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                except sqlite3.Error as exc:  # busy or locked now: the next look tries again
                    log.debug("%s: checkpoint skipped: %s", path, exc)
                    continue
                self.last = (int(row[0]), int(row[1]), int(row[2]))
                self.runs += 1
                self.checkpointed.set()
        finally:
            conn.close()


__all__ = ["POLL_SECONDS", "WAL_BYTES", "BackgroundCheckpoints"]
