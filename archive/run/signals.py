"""SIGTERM and SIGINT as a stop event: how a crawl or the scheduler ends cleanly.

Inside :func:`stop_on_signals` the first SIGTERM or SIGINT sets ``stop``: each crawl under
way writes the page in hand, takes no further page and is recorded ``interrupted``; the
command then exits 130. Used by ``pressarchive crawl``/``demo`` and by the scheduler.
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
        name = signal.Signals(signum).name
        echo(f"{name}: stopping after the pages in hand; runs under way are interrupted")
        stop.set()
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
