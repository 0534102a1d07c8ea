"""The measures of CPU use behind the choice of worker processes (sharedopt.common.cpuload)."""

from __future__ import annotations

import os

import pytest

from sharedopt.common import cpuload


def _stat(path, cpu0: tuple[int, int], cpu1: tuple[int, int], cpu7: tuple[int, int]) -> None:
    """A /proc/stat with three CPUs, each (busy user ticks, idle ticks)."""
    lines = ["cpu  999 0 0 999 0 0 0 0 0 0"]
    for n, (busy, idle) in ((0, cpu0), (1, cpu1), (7, cpu7)):
        lines.append(f"cpu{n} {busy} 0 0 {idle} 0 0 0 0 0 0")
    path.write_text("\n".join(lines + ["intr 1 2 3", "ctxt 5"]) + "\n")


@pytest.fixture
def machine(tmp_path, monkeypatch):
    """Two CPUs of three this process may use, a fake /proc/stat, a settable clock and own CPU time."""
    state = {"now": 100.0, "own": 50.0}
    stat = tmp_path / "stat"
    monkeypatch.setattr(cpuload, "_STAT", stat)
    monkeypatch.setattr(cpuload, "_cpus", lambda: {0, 1})
    monkeypatch.setattr(cpuload.time, "monotonic", lambda: state["now"])
    monkeypatch.setattr(cpuload.os, "times", lambda: os.times_result((state["own"], 0.0, 0.0, 0.0, 0.0)))
    monkeypatch.setattr(cpuload.os, "getloadavg", lambda: (1.75, 1.0, 1.0), raising=False)
    monkeypatch.setattr(cpuload, "_mark", None)
    return stat, state


def test_idle_and_others_are_shares_of_the_ticks_on_this_process_cpus_since_the_mark(machine):
    stat, state = machine
    _stat(stat, (1000, 1000), (1000, 1000), (0, 0))
    cpuload.mark()
    state["now"] += 2.0
    state["own"] += 1.5  # this process: 1.5 CPU seconds in 2 s
    # cpu0 busy for all 200 ticks, cpu1 idle for 150 of 200; cpu7 (not ours) idle throughout
    _stat(stat, (1200, 1000), (1050, 1150), (0, 400))
    assert cpuload.idle_cores() == pytest.approx(2 * 150 / 400)
    assert cpuload.others_busy() == pytest.approx(2 * 250 / 400 - 1.5 / 2.0)


def test_without_a_recent_mark_the_load_average_decides(machine):
    stat, state = machine
    _stat(stat, (1, 1), (1, 1), (0, 0))
    assert cpuload.idle_cores() == pytest.approx(2 - 1.75)  # never marked
    assert cpuload.others_busy() == pytest.approx(1.75)
    cpuload.mark()
    state["now"] += cpuload.MARK_MIN_AGE / 2
    _stat(stat, (10, 0), (10, 0), (0, 0))
    assert cpuload.idle_cores() == pytest.approx(0.25)  # too short a window
    state["now"] += cpuload.MARK_MAX_AGE
    assert cpuload.idle_cores() == pytest.approx(0.25)  # stale


def test_without_proc_stat_the_load_average_decides(machine):
    stat, state = machine
    cpuload.mark()  # the file does not exist
    state["now"] += 5.0
    _stat(stat, (0, 500), (0, 500), (0, 0))
    assert cpuload.idle_cores() == pytest.approx(0.25)
    assert cpuload.others_busy() == pytest.approx(1.75)


def test_a_second_process_is_started_unless_others_kept_one_and_a_half_cores_busy(machine, monkeypatch):
    """This process's own work never counts against a worker: a long, busy run on an otherwise idle
    machine still gets one."""
    from sharedopt.report import parallel

    stat, state = machine
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    _stat(stat, (5, 5), (5, 5), (0, 0))
    cpuload.mark()
    state["now"] += 60.0
    state["own"] += 60.0  # this process kept one core busy for the minute
    _stat(stat, (6005, 5), (5, 6005), (0, 0))  # ... and nothing else ran
    assert parallel.spare_core()
    _stat(stat, (6005, 5), (2405, 3605), (0, 0))  # others: 0.4 of a core
    assert parallel.spare_core()
    _stat(stat, (6005, 5), (4805, 1205), (0, 0))  # others: 0.8 of a core
    assert parallel.spare_core()
    state["own"] -= 30.0  # this process used half a core: others kept 1.3 busy
    assert parallel.spare_core()
    state["own"] -= 30.0  # this process idle: others kept 1.8 busy
    assert not parallel.spare_core()
