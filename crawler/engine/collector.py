"""The cyclic garbage collector during a crawl: young collections as usual, full ones rare.

CPython (3.11) collects its oldest generation, which holds every long-lived object of the
process, after 10 collections of the middle one once the objects that survived into it
have grown by a quarter since the last full collection. A crawl's heap grows all through
its start: every source in flight holds a fetcher, an HTTP client, connections, a queue,
and pages wait for their write. At 2,000 sources side by side the crawling process ran 36
full collections of ~0.3 s each, 11–14 of its 40–42 CPU seconds (BENCHMARKS.md, "Issue
17 at the end of stop 24"); the young collections cost little.

:func:`crawl_collector` keeps the young generation's threshold (garbage among new objects,
which is where a crawl makes it, goes as soon as before), collects the middle generation
after 50 young collections instead of 10 and the oldest after 100 middle ones instead of
10: full collections become rare during the crawl and come back as they were after it.
Reference counting frees everything without a cycle in any case. (The generations are
CPython 3.11's; later versions collect the old generation differently.)
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: the collector's thresholds during a crawl (``gc.set_threshold``): young, middle, oldest
CRAWL_THRESHOLDS = (700, 50, 100)


@contextmanager
def crawl_collector(thresholds: tuple[int, int, int] | None = None) -> Iterator[None]:
    """``thresholds`` (default :data:`CRAWL_THRESHOLDS`) for the collector while the block
    runs. The thresholds are the process's: crawls overlapping in threads (a Dask worker
    runs several) share them, set by the first to start, and the last to end restores
    the ones from before the first."""
    global _before, _running
    with _lock:
        if _running == 0:
            _before = gc.get_threshold()
            gc.set_threshold(*(thresholds or CRAWL_THRESHOLDS))
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0:
                gc.set_threshold(*_before)


_lock = threading.Lock()
_running = 0  # crawls under way in this process
_before = gc.get_threshold()  # the thresholds before the first of them


__all__ = ["CRAWL_THRESHOLDS", "crawl_collector"]
