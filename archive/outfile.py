"""Writing an output file (an export, a graph, a drawing) all or nothing, never onto the
archive.

:func:`check_output` is called before anything is opened: it refuses a target that is a
directory, lies in a directory that does not exist, or *is* the archive — the same file
as ``--db`` or one of its companions (``-wal``, ``-shm``, ``-journal``, ``.lock``), by
name or by identity (``st_dev``/``st_ino``: a symlink or a hard link to the archive is
the archive) — or lies in its WARC capture folder (``archive.warc/``).
:func:`replaced_on_success` checks again and gives a temporary path next to the target (a
fresh name, created exclusively); the writer fills it, and only when the writer is done
does it replace the target (a FIFO or a device such as ``/dev/stdout`` is written in
place: it cannot be replaced). A failure — no permission, a full disk, an error while the
rows are read — leaves neither a half-written file nor a temporary one, and the target as
it was. An :class:`OSError` becomes the caller's error class (an exit code of its own, not
a bug) naming the path.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

from crawler.errors import PressArchiveError

#: Files SQLite and pressarchive keep beside an archive: never an output.
COMPANIONS = ("", "-wal", "-shm", "-journal", ".lock")


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _identity(path: str | Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def archive_files(archive: str | Path) -> list[str]:
    """The archive and its companions, beside the path given and beside the real file."""
    names = {os.path.abspath(archive), os.path.realpath(archive)}
    return sorted({f"{name}{suffix}" for name in names for suffix in COMPANIONS})


def is_archive_file(target: str | Path, archive: str | Path) -> bool:
    """Whether writing ``target`` would write the archive or one of its companions."""
    real = os.path.realpath(target)
    here = _identity(target)
    for name in archive_files(archive):
        if real in (name, os.path.realpath(name)):
            return True
        if here is not None and here == _identity(name):
            return True
    return False


def _real(archive: str | Path | None) -> bool:
    """Whether ``archive`` names a file (not ``None``, ``""``, ``:memory:``, ``<unknown>``)."""
    return bool(archive) and str(archive) != ":memory:" and not str(archive).startswith("<")


def in_capture_folder(target: str | Path, archive: str | Path) -> Path | None:
    """The archive's WARC capture folder if ``target`` would be written inside it."""
    from crawler.capture.warc import capture_folder  # here: warcio only when checked

    parent = os.path.realpath(Path(target).parent)
    for name in {os.path.abspath(archive), os.path.realpath(archive)}:
        folder = capture_folder(name)
        if folder is None:
            continue
        real = os.path.realpath(folder)
        if parent == real or parent.startswith(real + os.sep):
            return folder
    return None


def check_output(
    path: str | Path, error: type[PressArchiveError], *, archive: str | Path | None = None
) -> Path:
    """``path`` if a file may be written there; else ``error`` naming it (the archive
    ``archive`` and its companions are refused whatever name they are reached by)."""
    if not str(path).strip():
        raise error(f"{str(path)!r}: empty output file name (leave the option out for stdout)")
    target = Path(path)
    if archive is not None and _real(archive) and is_archive_file(target, archive):
        raise error(f"{target}: refusing to write over the archive {archive} (same file)")
    if archive is not None and _real(archive):
        folder = in_capture_folder(target, archive)
        if folder is not None:
            raise error(f"{target}: refusing to write into the archive's capture folder {folder}")
    if target.is_dir():
        raise error(f"{target}: is a directory, not a file")
    parent = target.parent
    if not parent.is_dir():
        what = "is not a directory" if parent.exists() else "does not exist"
        raise error(f"{target}: cannot write, directory {parent} {what}")
    return target


def check_stdout(error: type[PressArchiveError], archive: str | Path) -> None:
    """``error`` if standard output is the archive or a companion file (``pressarchive
    export >> archive.db``): a shell redirection would append the output to it."""
    try:
        st = os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real stdout (CliRunner, closed)
        return
    if not stat.S_ISREG(st.st_mode) or not _real(archive):
        return
    if any(_identity(name) == (st.st_dev, st.st_ino) for name in archive_files(archive)):
        raise error(f"standard output is the archive {archive}: refusing to write into it")


def _special(target: Path) -> bool:
    """Whether ``target`` exists and is no regular file (a FIFO, ``/dev/stdout``): it
    cannot be replaced (that would replace the device node or the link to it)."""
    try:
        return not stat.S_ISREG(os.stat(target).st_mode)
    except OSError:
        return False


def _temporary(target: Path, error: type[PressArchiveError]) -> Path:
    """A new empty file beside ``target`` (mode from the umask, like the target would get)."""
    for _ in range(5):
        candidate = target.parent / f".{target.name}.{secrets.token_hex(4)}.part"
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise error(f"{target}: cannot write: {_reason(exc)}") from exc
        os.close(fd)
        return candidate
    raise error(f"{target}: cannot write: no free temporary name in {target.parent}")


@contextlib.contextmanager
def replaced_on_success(
    path: str | Path, error: type[PressArchiveError], *, archive: str | Path | None = None
) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; it becomes ``path`` when the block
    ends without an exception and is removed otherwise. Raises ``error`` naming ``path``
    if :func:`check_output` refuses it or writing fails."""
    target = check_output(path, error, archive=archive)
    if _special(target):  # a pipe or device (-o /dev/stdout): written in place, streamed
        try:
            yield target
        except OSError as exc:
            raise error(f"{target}: cannot write: {_reason(exc)}") from exc
        return
    temporary = _temporary(target, error)
    try:
        yield temporary
        # again: a link to the archive may have been made at the target meanwhile
        if archive is not None and _real(archive) and is_archive_file(target, archive):
            raise error(f"{target}: refusing to write over the archive {archive} (same file)")
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise error(f"{target}: cannot write: {_reason(exc)}") from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


__all__ = [
    "COMPANIONS",
    "archive_files",
    "check_output",
    "in_capture_folder",
    "is_archive_file",
    "replaced_on_success",
]
