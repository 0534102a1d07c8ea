"""Each measurement in its own spawned child process, with wall-clock and memory limits.

The child has its own process group (the parent can stop it and its workers together),
an address-space limit, and sends progress lines and its result back through a queue.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import resource
import signal
import time
import traceback
import warnings
from typing import Callable


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident set size in MiB (Linux reports KiB)."""
    return resource.getrusage(who).ru_maxrss / 1024.0


def _child_main(work: Callable, kwargs: dict, out: mp.Queue, mem_limit_gb: float | None) -> None:
    os.setpgrp()  # own process group: the parent can stop this child and its workers together
    if mem_limit_gb:
        limit = int(mem_limit_gb * 1024**3)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    warnings.simplefilter("ignore", DeprecationWarning)

    def report(**info) -> None:
        out.put(("progress", info))

    try:
        result = work(report=report, **kwargs)
        result["peak_rss_mb"] = round(peak_rss_mb(), 1)
        children = peak_rss_mb(resource.RUSAGE_CHILDREN)
        if children > 0:
            result["peak_rss_children_mb"] = round(children, 1)
        out.put(("done", result))
    except MemoryError:
        out.put(("error", {"error": "MemoryError (address-space limit "
                           f"{mem_limit_gb:g} GB)", "peak_rss_mb": round(peak_rss_mb(), 1)}))
    except BaseException as exc:  # noqa: BLE001 -- report anything, the parent carries on
        out.put(("error", {"error": f"{type(exc).__name__}: {exc}",
                           "traceback": traceback.format_exc(limit=8),
                           "peak_rss_mb": round(peak_rss_mb(), 1)}))


def isolated(work: Callable, kwargs: dict, *, timeout: float, mem_limit_gb: float | None,
             label: str) -> dict:
    """Run ``work(report=..., **kwargs)`` in a spawned child; never raises.

    Parameters
    ----------
    work : callable
        A module-level function (the spawned child imports it by name).
    kwargs : dict
        Its keyword arguments besides ``report``.
    timeout : float
        Wall-clock limit in seconds; the child is killed when it passes it.
    mem_limit_gb : float or None
        Address-space limit of the child.
    label : str
        Prefix of the progress lines printed.

    Returns
    -------
    dict
        The function's dict, or ``{"error": ..., "progress": [...]}`` when the child
        failed, ran out of memory, died or passed ``timeout``; with ``child_wall_s``.
    """
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=_child_main, args=(work, kwargs, out, mem_limit_gb), daemon=False)
    start = time.perf_counter()
    proc.start()
    progress: list[dict] = []
    outcome = _await_outcome(proc, out, start, timeout, progress, label)
    wall = time.perf_counter() - start
    if outcome is None:
        result = {"error": _stop_reason(proc, timeout), "progress": progress}
        print(f"    [{label}] {result['error']}", flush=True)
    else:
        result = outcome[1]
        if outcome[0] == "error":
            result["progress"] = progress
            print(f"    [{label}] error: {result['error']}", flush=True)
        proc.join(timeout=30)
        if proc.is_alive():
            _kill_group(proc)
    result["child_wall_s"] = round(wall, 2)
    return result


def _await_outcome(proc, out, start: float, timeout: float, progress: list[dict],
                   label: str) -> tuple[str, dict] | None:
    """Collect progress lines until the child's result, its death or the timeout (None)."""
    while True:
        left = timeout - (time.perf_counter() - start)
        if left <= 0:
            return None
        try:
            kind, info = out.get(timeout=min(left, 2.0))
        except queue.Empty:
            if proc.is_alive():
                continue
            try:  # the last message may still be in the pipe
                kind, info = out.get(timeout=1.0)
            except queue.Empty:
                return None
        if kind != "progress":
            return kind, info
        progress.append({"t": round(time.perf_counter() - start, 2), **info})
        print(f"    [{label}] {time.perf_counter() - start:7.1f}s {info}", flush=True)


def _stop_reason(proc, timeout: float) -> str:
    """Stop a child that gave no result (killed if still running) and say why."""
    if proc.is_alive():
        _kill_group(proc)
        return f"stopped after the {timeout:g} s wall-clock limit"
    proc.join()
    return f"child died (exit code {proc.exitcode}; killed by the kernel if negative)"


def _kill_group(proc) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the child's own group (it called setpgrp)
    except ProcessLookupError:
        pass
    proc.join(timeout=30)
