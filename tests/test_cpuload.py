"""The idle-core measure behind the choice of worker processes (sharedopt.common.cpuload)."""

from __future__ import annotations

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
    """Two CPUs of three this process may use, a fake /proc/stat and a settable clock."""
    clock = {"now": 100.0}
    stat = tmp_path / "stat"
    monkeypatch.setattr(cpuload, "_STAT", stat)
    monkeypatch.setattr(cpuload, "_cpus", lambda: {0, 1})
    monkeypatch.setattr(cpuload.time, "monotonic", lambda: clock["now"])
    monkeypatch.setattr(cpuload.os, "getloadavg", lambda: (1.75, 1.0, 1.0), raising=False)
    monkeypatch.setattr(cpuload, "_mark", None)
    return stat, clock


def test_idle_cores_are_the_share_of_idle_ticks_on_this_process_cpus_since_the_mark(machine):
    stat, clock = machine
    _stat(stat, (1000, 1000), (1000, 1000), (0, 0))
    cpuload.mark()
    clock["now"] += 2.0
    # cpu0 busy for all 200 ticks, cpu1 idle for 150 of 200; cpu7 (not ours) idle throughout
    _stat(stat, (1200, 1000), (1050, 1150), (0, 400))
    assert cpuload.idle_cores() == pytest.approx(2 * 150 / 400)


def test_without_a_recent_mark_the_load_average_decides(machine):
    stat, clock = machine
    _stat(stat, (1, 1), (1, 1), (0, 0))
    assert cpuload.idle_cores() == pytest.approx(2 - 1.75)  # never marked
    cpuload.mark()
    clock["now"] += cpuload.MARK_MIN_AGE / 2
    _stat(stat, (10, 0), (10, 0), (0, 0))
    assert cpuload.idle_cores() == pytest.approx(0.25)  # too short a window
    clock["now"] += cpuload.MARK_MAX_AGE
    assert cpuload.idle_cores() == pytest.approx(0.25)  # stale


def test_without_proc_stat_the_load_average_decides(machine):
    stat, clock = machine
    cpuload.mark()  # the file does not exist
    clock["now"] += 5.0
    _stat(stat, (0, 500), (0, 500), (0, 0))
    assert cpuload.idle_cores() == pytest.approx(0.25)


def test_a_second_process_is_started_only_when_half_a_core_was_idle(machine, monkeypatch):
    from sharedopt.report import parallel

    stat, clock = machine
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    _stat(stat, (5, 5), (5, 5), (0, 0))
    cpuload.mark()
    clock["now"] += 1.0
    _stat(stat, (105, 5), (45, 65), (0, 0))  # 0.6 of a core idle
    assert parallel.spare_core()
    _stat(stat, (105, 5), (65, 45), (0, 0))  # 0.4 of a core idle
    assert not parallel.spare_core()
