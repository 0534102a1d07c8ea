"""How a sharedopt process uses CPython's cyclic garbage collector (the CLI's ``run``, the benchmarks).

Loading the pipeline's modules (numpy, pandas, scipy, networkx, pydantic models and sharedopt's
own) makes a few hundred thousand objects that live until the process ends, and the collector
walks them again and again while they load and at every full pass after: about a quarter of a
second while the modules load and as much again during the report, for a run of North East.
:func:`loading` loads them with the collector paused, then freezes what exists (CPython's
``gc.freeze``: those objects are left out of every later pass, including the one at exit) and
collects the young generation less often. Only when a collection happens changes, never what
a run computes or writes.
"""

from __future__ import annotations

import atexit
import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["YOUNG_THRESHOLD", "loading"]

#: allocations (net of frees) between collections of the young generation (CPython's default 700;
#: an assumption, because a run's objects are mostly long-lived tables: measured in benchmarks/)
YOUNG_THRESHOLD = 10_000


@contextmanager
def loading() -> Iterator[None]:
    """Within the block, the collector is paused (load modules there); after it, their objects are frozen.

    On leaving the block the collector is enabled again (if it was), the young generation is
    collected every :data:`YOUNG_THRESHOLD` allocations, and the process freezes its objects again
    when it exits, so the last pass skips them.

    Yields
    ------
    None
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
        _, middle, old = gc.get_threshold()
        gc.set_threshold(max(YOUNG_THRESHOLD, gc.get_threshold()[0]), middle, old)
        atexit.unregister(gc.freeze)
        atexit.register(gc.freeze)
