"""A second interpreter of this project, working beside this one: ``python -c CODE`` with
the project importable, its request in its arguments or on stdin, its answer on stdout.
Used by the second reader of ``graph_edges`` (:mod:`archive.indexes.graph_edge_scan`) and
the second process of a large ``graph export`` (:mod:`archive.graph.export_split`); not
multiprocessing, which would import the caller's main script again."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

#: where ``archive`` is, installed or not
_ROOT = str(Path(__file__).resolve().parents[2])


def start(
    code: str, args: Sequence[str] = (), request: bytes | None = None
) -> subprocess.Popen[bytes]:
    """``python -c code *args`` started now, ``request`` (if any) written to its stdin and
    the stdin closed; ``OSError`` if it cannot start or take the request."""
    paths = [_ROOT, os.environ.get("PYTHONPATH", "")]
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdin=subprocess.DEVNULL if request is None else subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, paths))},
    )  # fmt: skip
    if request is None:
        return proc
    assert proc.stdin is not None
    try:
        proc.stdin.write(request)  # blocks only until the other reads it, at its start
        proc.stdin.close()
    except OSError:
        stop(proc)
        raise
    proc.stdin = None  # closed: not to be flushed by communicate()
    return proc


def output(proc: subprocess.Popen[bytes]) -> bytes:
    """What ``proc`` wrote to stdout, once it ended; ``OSError`` naming its exit code and
    the last line of its stderr if it failed."""
    out, err = proc.communicate()
    if proc.returncode:
        lines = err.decode(errors="replace").strip().splitlines() or [""]
        raise OSError(f"exit code {proc.returncode}: {lines[-1]}")
    return out


def stop(proc: subprocess.Popen[bytes]) -> None:
    """End ``proc`` if it still runs (and reap it)."""
    if proc.returncode is None:
        proc.kill()
        proc.communicate()


__all__ = ["output", "start", "stop"]
