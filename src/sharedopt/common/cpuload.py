"""How many of this process's cores are idle: measured since the run began, not the load average.

Whether a second process pays (the report's workers, the maps drawn during a run, a second chunk
of draws) depends on whether a core is idle. The one-minute load average answers late and counts
this process in proportion to how long it has run: a minute into a national run it holds about
0.6 of this process's own core, so a rule on it turns the workers off on an otherwise idle
machine exactly when the run is long enough for them to pay. So :func:`mark` notes the CPUs'
idle time (``/proc/stat``, the CPUs this process may run on) when a run starts, and
:func:`idle_cores` is the average number of those CPUs idle since: every process counted, this one
too, over the run so far. Without a recent mark, or without ``/proc/stat`` (not Linux), it falls
back on the load average.

Only *how* work is spread over processes depends on this, never a figure: outputs are the same
bytes either way.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

__all__ = ["MARK_MAX_AGE", "MARK_MIN_AGE", "idle_cores", "mark"]

#: a mark older than this (seconds) is stale (a notebook's run long ago): the load average is used
MARK_MAX_AGE = 600.0
#: a window shorter than this (seconds) holds too few clock ticks to measure: the load average is used
MARK_MIN_AGE = 0.25
_STAT = Path("/proc/stat")
_mark: tuple[float, float, float] | None = None


def _cpus() -> set[int]:
    """The CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return set(os.sched_getaffinity(0))
    return set(range(os.cpu_count() or 1))


def _idle_and_total(cpus: set[int]) -> tuple[float, float] | None:
    """Clock ticks idle (idle + waiting for I/O) and in all, summed over ``cpus``; None without /proc/stat."""
    try:
        lines = _STAT.read_text().splitlines()
    except OSError:
        return None
    idle = total = 0.0
    for line in lines:
        name, _, rest = line.partition(" ")
        if not name.startswith("cpu") or not name[3:].isdigit() or int(name[3:]) not in cpus:
            continue
        ticks = [float(t) for t in rest.split()[:8]]  # user nice system idle iowait irq softirq steal
        idle += ticks[3] + ticks[4]
        total += sum(ticks)
    return (idle, total) if total > 0 else None


def mark() -> None:
    """Start measuring now (a run calls this as it starts)."""
    global _mark
    reading = _idle_and_total(_cpus())
    _mark = None if reading is None else (time.monotonic(), *reading)


def idle_cores() -> float:
    """Average number of this process's CPUs idle since :func:`mark` (else ``cores - load average``).

    Returns
    -------
    float
        Between 0 and the number of CPUs this process may run on (the load-average fallback can
        go below 0 on a busy machine).
    """
    cpus = _cpus()
    if _mark is not None and MARK_MIN_AGE <= time.monotonic() - _mark[0] <= MARK_MAX_AGE:
        reading = _idle_and_total(cpus)
        if reading is not None and reading[1] > _mark[2]:
            return len(cpus) * (reading[0] - _mark[1]) / (reading[1] - _mark[2])
    if hasattr(os, "getloadavg"):
        return len(cpus) - os.getloadavg()[0]
    return float(len(cpus))
