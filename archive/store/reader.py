"""Opening the archive for a command that only reads (search, status, export, history,
show, diff, graph, serve): read-only, and nothing is ever written to the file.

:func:`open_reader` never creates, migrates or converts anything (no WAL switch, no
table, no index rebuilt), unlike :func:`~archive.store.schema.open_archive`, which the
write commands use:

* a missing path is :class:`~crawler.errors.ArchiveMissing`; a directory, a file that is
  not SQLite, or an SQLite file that is not a pressarchive archive (no ``migrations``
  table, or one of another program: :func:`~archive.store.schema.recorded_migrations`) is
  :class:`~crawler.errors.ArchiveError` (exit 3), and the file is left byte for byte as it
  was: its identity is checked through a connection that cannot write it (``immutable=1``
  when the file is in WAL mode with no ``-wal`` beside it, so that SQLite creates no
  ``-wal``/``-shm``; else ``mode=ro``, which creates nothing for a rollback-journal file);
* an archive written by an older pressarchive (migrations or derived indexes not
  current) is :class:`~crawler.errors.ArchiveOutdated`: reading an old schema with the
  current queries could give wrong answers. The CLI then upgrades it once under the writer
  lock (:func:`archive.store.locking.upgrade`) and opens it again read-only; where it
  cannot (read-only medium, a writer holds it) the error stands, exit 3;
* the archive is read through ``mode=ro`` (it may be written by a crawl meanwhile: WAL
  readers see each commit); if SQLite cannot open it so — read-only medium, no ``-shm``
  can be created — through ``immutable=1``, which needs no lock and no ``-shm``
  (:func:`connect_readonly`; right for a medium nobody can write).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

import sqlite_utils

from archive.indexes import registry
from archive.store.migrations import MIGRATIONS
from archive.store.schema import BUSY_TIMEOUT_MS, check_columns, recorded_migrations
from crawler.errors import ArchiveError, ArchiveMissing, ArchiveOutdated

log = logging.getLogger(__name__)

_HEADER = b"SQLite format 3\x00"
#: SQLite result codes (low byte) that mean "cannot open it read-only here" (a read-only
#: medium, no -shm possible): then the file is read as immutable. Not READONLY_ROLLBACK: a
#: hot journal (an interrupted write) must be rolled back, by a write command.
_CANTOPEN, _READONLY, _READONLY_ROLLBACK = 14, 8, 776


def _uri(path: Path, mode: str) -> str:
    return f"{path.resolve().as_uri()}?{mode}"


def _probe(conn: sqlite3.Connection) -> None:
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()


def _cannot_open_here(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code != _READONLY_ROLLBACK and code & 0xFF in (_CANTOPEN, _READONLY)
    return "unable to open" in str(exc) or "readonly" in str(exc)


def connect_readonly(
    path: str | Path, *, immutable: bool = False
) -> tuple[sqlite3.Connection, str]:
    """A connection that cannot write ``path`` and the mode it uses: ``mode=ro``, or
    ``immutable=1`` when asked for or when SQLite cannot open the file read-only here
    (read-only medium). :class:`ArchiveError` naming the file if neither works."""
    p = Path(path)
    modes = ["immutable=1"] if immutable else ["mode=ro", "immutable=1"]
    for mode in modes:
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(_uri(p, mode), uri=True, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _probe(conn)
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            if mode == "mode=ro" and _cannot_open_here(exc):
                log.info("%s: cannot be opened read-only here (%s); reading it immutable", p, exc)
                _warn_unseen_wal(p)
                continue
            if isinstance(exc, sqlite3.DatabaseError) and "not a database" in str(exc):
                raise ArchiveError(f"{p}: not an SQLite database: {exc}") from exc
            raise ArchiveError(f"{p}: cannot open archive: {exc}") from exc
        return conn, mode
    raise AssertionError("unreachable")  # pragma: no cover


def _warn_unseen_wal(p: Path) -> None:
    try:
        size = os.stat(f"{p}-wal").st_size
    except OSError:
        return
    if size:
        log.warning(
            "%s: read as immutable: the last commits, in its %d-byte -wal, are not seen "
            "(open it once where it can be written to merge them)", p, size,
        )  # fmt: skip


def _header(p: Path) -> bytes:
    try:
        with p.open("rb") as fh:
            return fh.read(100)
    except OSError as exc:
        raise ArchiveError(f"{p}: cannot open archive: {exc.strerror or exc}") from exc


def _tables(conn: sqlite3.Connection, p: Path) -> set[str]:
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"{p}: not an SQLite database: {exc}") from exc
    return {str(r[0]) for r in rows}


def check_reader(conn: sqlite3.Connection, path: str | Path, *, current: bool = True) -> None:
    """Raise :class:`ArchiveError` unless ``conn`` is a pressarchive archive (with
    ``current``: one this version reads as it is, every migration applied and every
    derived index built by this version); only reads."""
    p = Path(path)
    tables = _tables(conn, p)
    if "migrations" not in tables:
        what = f"tables {', '.join(sorted(tables)[:5])}" if tables else "an empty database"
        raise ArchiveError(f"{p}: not a pressarchive archive ({what}, no migrations table)")
    try:
        applied = recorded_migrations(conn, str(p))
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"{p}: not a pressarchive archive: {exc}") from exc
    if not current:
        return
    pending = sorted(mid for mid, _name, _apply in MIGRATIONS if mid not in applied)
    if pending:
        raise ArchiveOutdated(
            f"{p}: archive written by an older pressarchive (migration(s) "
            f"{', '.join(map(str, pending))} not applied)"
        )
    db = sqlite_utils.Database(conn)
    check_columns(db, str(p))
    stale = [index.name for index in registry.stale(db)]
    if stale:
        raise ArchiveOutdated(
            f"{p}: index(es) {', '.join(stale)} built by another version of pressarchive"
        )


def check_archive(path: str | Path, *, current: bool = True) -> None:
    """Raise unless ``path`` is an existing pressarchive archive (with ``current``, one
    this version can read as it is: :func:`check_reader`); the file is only read, and no
    ``-wal``/``-shm`` is created beside a file that is not ours."""
    p = Path(path)
    if not p.exists():
        raise ArchiveMissing(
            f"{p}: no archive there (run `pressarchive demo` or `pressarchive crawl` first, "
            "or pass --db FILE)"
        )
    if p.is_dir():
        raise ArchiveError(f"{p}: is a directory, not an archive file")
    header = _header(p)
    has_wal = os.path.exists(f"{p}-wal")
    if not header and not has_wal:
        raise ArchiveError(f"{p}: not a pressarchive archive (an empty file)")
    if header and not header.startswith(_HEADER):
        raise ArchiveError(f"{p}: not an SQLite database (no SQLite header)")
    # SQLite creates -wal and -shm beside a WAL-mode file even read-only: without a -wal
    # the file holds everything, and immutable reads it exactly, creating nothing
    wal_mode = len(header) > 19 and header[18] == 2
    conn, _mode = connect_readonly(p, immutable=wal_mode and not has_wal)
    try:
        check_reader(conn, p, current=current)
    finally:
        conn.close()


def open_reader(path: str | Path) -> sqlite_utils.Database:
    """The archive at ``path``, read-only (see the module docstring): it must exist, be
    a pressarchive archive and be current (:func:`check_archive`); nothing is written."""
    check_archive(path)
    conn, mode = connect_readonly(path)
    log.debug("%s: opened read-only (%s)", path, mode)
    return sqlite_utils.Database(conn)


__all__ = ["check_archive", "check_reader", "connect_readonly", "open_reader"]
