"""The CLI's collector settings: paused while modules load, their objects frozen after, restored on."""

from __future__ import annotations

import atexit
import gc

from sharedopt.common.collector import YOUNG_THRESHOLD, loading


def test_loading_pauses_then_freezes_and_enables_the_collector():
    threshold = gc.get_threshold()
    try:
        with loading():
            assert not gc.isenabled()
            made = [[] for _ in range(10)]  # objects made while loading
        assert gc.isenabled()
        assert gc.get_freeze_count() >= len(made)
        assert gc.get_threshold()[0] >= YOUNG_THRESHOLD and gc.get_threshold()[1:] == threshold[1:]
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
        atexit.unregister(gc.freeze)
