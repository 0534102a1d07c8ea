"""How busy this process's cores are, measured since the run began, not by the load average.

Whether a second process pays (the report's workers, the maps drawn during a run, a second chunk
of draws) depends on what else runs. The one-minute load average answers late and counts this
process in proportion to how long it has run: a minute into a national run it holds about 0.6 of
this process's own core, so a rule on it turns the workers off on an otherwise idle machine
exactly when the run is long enough for them to pay. So :func:`mark` notes the CPUs' idle time
(``/proc/stat``, the CPUs this process may run on) and this process's CPU time when a run starts;
:func:`idle_cores` is the average number of those CPUs idle since (every process counted) and
:func:`others_busy` the average number busy with other processes' work (this process and its
finished children left out). Without a recent mark, or without ``/proc/stat`` (not Linux), both
fall back on the load average.

Only *how* work is spread over processes depends on this, never a figure: outputs are the same
bytes either way.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

__all__ = ["MARK_MAX_AGE", "MARK_MIN_AGE", "idle_cores", "mark", "others_busy"]

#: a mark older than this (seconds) is stale (a notebook's run long ago): the load average is used
MARK_MAX_AGE = 600.0
#: a window shorter than this (seconds) holds too few clock ticks to measure: the load average is used
MARK_MIN_AGE = 0.25
_STAT = Path("/proc/stat")
_mark: tuple[float, float, float, float] | None = None


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


def _own_cpu() -> float:
    """CPU seconds of this process (all its threads) and of its children that have ended."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def mark() -> None:
    """Start measuring now (a run calls this as it starts)."""
    global _mark
    reading = _idle_and_total(_cpus())
    _mark = None if reading is None else (time.monotonic(), *reading, _own_cpu())


def _since_mark(cpus: set[int]) -> tuple[float, float, float] | None:
    """(seconds, share of the ticks idle, this process's CPU seconds) since the mark; None without one."""
    if _mark is None or not MARK_MIN_AGE <= time.monotonic() - _mark[0] <= MARK_MAX_AGE:
        return None
    reading = _idle_and_total(cpus)
    if reading is None or reading[1] <= _mark[2]:
        return None
    idle = (reading[0] - _mark[1]) / (reading[1] - _mark[2])
    return time.monotonic() - _mark[0], idle, _own_cpu() - _mark[3]


def idle_cores() -> float:
    """Average number of this process's CPUs idle since :func:`mark` (else ``cores - load average``).

    Returns
    -------
    float
        Between 0 and the number of CPUs this process may run on (the load-average fallback can
        go below 0 on a busy machine).
    """
    cpus = _cpus()
    since = _since_mark(cpus)
    if since is not None:
        return len(cpus) * since[1]
    return len(cpus) - _load_average()


def others_busy() -> float:
    """Average number of this process's CPUs busy with other processes since :func:`mark`.

    Other processes' work is the CPUs' busy time less this process's own CPU time (its threads
    and its children that have ended; a child still running counts as another process). Without
    a mark, the load average (all of it taken as others').

    Returns
    -------
    float
        At least 0.
    """
    cpus = _cpus()
    since = _since_mark(cpus)
    if since is None:
        return max(0.0, _load_average())
    seconds, idle, own = since
    return max(0.0, len(cpus) * (1.0 - idle) - own / seconds)


def _load_average() -> float:
    """The one-minute load average (0 where the OS has none)."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
