"""SIGTERM and SIGINT as a stop event: how a crawl or the scheduler ends cleanly.

Inside :func:`stop_on_signals` the first SIGTERM or SIGINT sets ``stop``: each crawl under
way cancels its requests in flight, writes the pages already fetched, takes no further page
and is recorded ``interrupted`` (never ``ok``: pages it did not re-check keep their stamps,
the scheduler runs it again, ``status --check`` reports it); the command then exits 130.
An exception that escapes the handler's own message (a closed pipe) cannot keep the
runs from being stopped: ``stop`` is set first. Used by ``pressarchive crawl``/``demo``
and by the scheduler.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType


@contextmanager
def stop_on_signals(
    stop: threading.Event,
    echo: Callable[[str], None],
    then: Callable[[], None] | None = None,
) -> Iterator[threading.Event]:
    """Within the block, SIGTERM and SIGINT set ``stop`` (once: a second signal changes
    nothing), say so through ``echo`` and call ``then``; the previous handlers come back
    afterwards. Outside the main thread no handler can be installed: nothing changes."""

    def handler(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            return
        stop.set()  # first: nothing below may keep the runs from being stopped
        name = signal.Signals(signum).name
        try:
            echo(f"{name}: stopping after the pages in hand; runs under way are interrupted")
        except OSError:  # the terminal or pipe went with the signal (Ctrl-C on `crawl | tee`)
            pass
        if then is not None:
            then()

    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    old = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stop
    finally:
        for sig, previous in old.items():
            signal.signal(sig, previous)


__all__ = ["stop_on_signals"]
