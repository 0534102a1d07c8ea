"""HiGHS without its copyright banner.

highspy prints "Running HiGHS ... Copyright ..." from C++ straight to file
descriptor 1 when the first ``Highs`` object of a process is made, before any
option (``output_flag``, ``log_to_console``) can be set, and once again in every
worker process. :func:`new_highs` makes every sharedopt HiGHS instance; the
first one in a process is made with descriptor 1 pointed at ``os.devnull`` (the C
buffer flushed before it is restored), so the banner never reaches a terminal,
a pipe or a log. :func:`mute_banner` does only that, for PuLP's own HiGHS.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading

import highspy

__all__ = ["mute_banner", "new_highs"]

_LOCK = threading.Lock()
_MUTED_IN: set[int] = set()  # process ids whose banner has been swallowed


def _flush_c_stdout() -> None:
    try:
        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError):  # no C library to ask (not on POSIX): nothing buffered there
        pass


def mute_banner() -> None:
    """Make this process's first HiGHS object with stdout muted (no-op afterwards)."""
    pid = os.getpid()
    if pid in _MUTED_IN:
        return
    with _LOCK:
        if pid in _MUTED_IN:
            return
        sys.stdout.flush()
        saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 1)
            highspy.Highs()
            _flush_c_stdout()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(devnull)
        _MUTED_IN.add(pid)


def new_highs(msg: bool = False) -> highspy.Highs:
    """A ``highspy.Highs`` with its log off (``msg=False``) and no banner."""
    mute_banner()
    h = highspy.Highs()
    h.setOptionValue("output_flag", bool(msg))
    h.setOptionValue("log_to_console", bool(msg))
    return h
