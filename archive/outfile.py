"""Writing an output file (an export) all or nothing.

:func:`replaced_on_success` gives a temporary path next to the target; the writer fills
it, and only when the writer is done does it replace the target. A failure — a directory
that does not exist, no permission, a full disk, an error while the rows are read —
leaves neither a half-written file nor a temporary one, and the target as it was. An
:class:`OSError` becomes the caller's error class (an exit code of its own, not a bug)
naming the path.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from crawler.errors import PressArchiveError


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


@contextlib.contextmanager
def replaced_on_success(path: str | Path, error: type[PressArchiveError]) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; it becomes ``path`` when the block
    ends without an exception and is removed otherwise. Raises ``error`` naming ``path``
    if the directory is missing, ``path`` is a directory, or writing fails."""
    target = Path(path)
    if target.is_dir():
        raise error(f"{target}: is a directory, not a file")
    parent = target.parent
    if not parent.is_dir():
        what = "is not a directory" if parent.exists() else "does not exist"
        raise error(f"{target}: cannot write, directory {parent} {what}")
    temporary = parent / f".{target.name}.{os.getpid()}.part"
    try:
        yield temporary
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise error(f"{target}: cannot write: {_reason(exc)}") from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


__all__ = ["replaced_on_success"]
