"""Ctrl-C is an interrupt at every step, the HiGHS solve included.

SIGINT while HiGHS solved used to come back as a solver *error*: the run wrote an empty
portfolio over the previous report and exited 0. Now the run stops with exit 130,
writes nothing, and the API raises ``KeyboardInterrupt`` (:mod:`sharedopt.solve.interrupt`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import threading
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import highspy
import pytest

import sharedopt as so
from sharedopt.pipeline.steps import solve_steps
from sharedopt.report.run_result import write_result
from sharedopt.solve.backends.highs import highs_status
from sharedopt.solve.interrupt import interruptible
from sharedopt.solve.progress import listening
from sharedopt.solve.status import Status, describe_status

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "interrupt"
SLOW = FIXTURES / "slow_solve.toml"


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _cli(*args: str, **kw) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "COLUMNS": "200"}
    return subprocess.Popen([sys.executable, str(FIXTURES / "say_when_solving.py"), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


@pytest.fixture(scope="module")
def previous_report(tmp_path_factory) -> Path:
    """A good report of the North East default, for a run to be interrupted over."""
    out = tmp_path_factory.mktemp("previous") / "report"
    first = _cli("run", "--out", str(out), "--format", "csv,json")
    stdout, stderr = first.communicate(timeout=600)
    assert first.returncode == 0, stderr
    assert {"portfolio.csv", "summary.json"} <= set(_digests(out))
    return out


def _interrupt_when(args: list[str], out: Path, ready) -> tuple[subprocess.Popen, str, str]:
    """Run the CLI into ``out`` and Ctrl-C its whole process group at the first stderr line ``ready`` accepts."""
    child = _cli(*args, "--out", str(out), start_new_session=True)
    seen = []
    for line in child.stderr:
        seen.append(line)
        if ready(line):
            os.killpg(child.pid, signal.SIGINT)
            break
    stdout, rest = child.communicate(timeout=300)
    stderr = "".join(seen) + rest
    assert any(ready(line) for line in seen), stderr
    return child, stdout, stderr


def _stopped_and_kept(child, stdout: str, stderr: str, out: Path, before: dict) -> None:
    assert child.returncode == 130, stderr
    assert f"interrupted: the run was stopped, nothing was written; {out} is as it was" in stderr
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
    assert "solver error" not in stdout + stderr and "partnerships" not in stdout
    assert _digests(out) == before
    assert not list(out.parent.glob(".report.*"))  # no temporary folder left behind


@pytest.mark.slow
def test_sigint_during_the_solve_exits_130_and_keeps_the_previous_report(previous_report, tmp_path):
    out = tmp_path / "report"
    shutil.copytree(previous_report, out)
    before = _digests(out)
    # wait for HiGHS to start solving, then Ctrl-C the whole process group
    child, stdout, stderr = _interrupt_when(["run", str(SLOW)], out, lambda line: line.startswith("HIGHS solving"))
    assert "HIGHS solved: Interrupted by user" in stderr  # the signal landed while HiGHS solved
    _stopped_and_kept(child, stdout, stderr, out, before)


@pytest.mark.slow
def test_sigint_while_monte_carlo_draws_run_in_worker_processes(previous_report, tmp_path):
    """Ctrl-C reaches the worker processes too (the whole process group): the pool stops, no traceback."""
    out = tmp_path / "report"
    shutil.copytree(previous_report, out)
    before = _digests(out)
    # the first chunk of draws has come back from the pool: the workers are solving the next ones
    child, stdout, stderr = _interrupt_when(["run", str(FIXTURES / "monte_carlo.toml"), "--uncertainty", "16"], out,
                                            lambda line: line.startswith("TASKS Monte Carlo draws: 4/16"))
    _stopped_and_kept(child, stdout, stderr, out, before)


def test_the_api_raises_keyboard_interrupt_when_the_solve_is_interrupted(north_east_config):
    """The signal is sent from inside a HiGHS callback, so it lands while HiGHS solves, however quick the solve."""
    config = north_east_config
    events = []

    def on_event(event):
        events.append(event)
        if event.step == "solve" and event.stage == "progress" and len(events) and not _sent:
            _sent.append(True)
            os.kill(os.getpid(), signal.SIGINT)  # HiGHS has reported progress: it is solving now

    _sent: list[bool] = []
    with pytest.raises(KeyboardInterrupt):
        so.run(config, on_event)
    assert _sent, "the solve reported no progress, so the signal was never sent"
    assert not any(e.step == "solve" and e.stage == "end" for e in events)  # the solve never 'ended'
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the run's handler is gone


def test_interrupted_is_its_own_status_never_an_error():
    assert highs_status(highspy.HighsModelStatus.kInterrupt, False) == Status.INTERRUPTED
    assert highs_status(highspy.HighsModelStatus.kInterrupt, True) == Status.INTERRUPTED
    assert highs_status(highspy.HighsModelStatus.kHighsInterrupt, True) == Status.INTERRUPTED
    assert Status.INTERRUPTED != Status.ERROR
    assert describe_status(Status.INTERRUPTED, None, 0.0) == "interrupted by the user"


def test_a_sweep_stops_at_ctrl_c_during_a_solve_instead_of_writing_an_error_row(north_east_config):
    """Before, the interrupted variant became a row with status 'error' and the sweep went on."""
    scenario = so.Scenario(north_east_config)
    sent: list[bool] = []

    def hear(incumbent, bound, gap, pieces=None):  # HiGHS reports progress: it is solving now
        if not sent:
            sent.append(True)
            os.kill(os.getpid(), signal.SIGINT)

    with listening(hear), pytest.raises(KeyboardInterrupt):
        so.sweep(scenario, {"constraints.governance_capacity": [2, 3]}, engine="serial", progress=False)
    assert sent
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_while_pieces_solve_in_threads_stops_them_all(north_east_config, north_east_inputs):
    """Without a governance limit or scope groups, each service is its own piece, two solved at once in threads."""
    model = north_east_config.model.model_copy(update={"include_scope": False, "max_group_size": 3})
    constraints = north_east_config.constraints.model_copy(update={"governance_capacity": None})
    config = north_east_config.model_copy(update={"model": model, "constraints": constraints})
    sent: list[str] = []
    events = []

    def on_event(event):  # the solve's progress comes from the thread of a piece HiGHS is solving
        events.append(event)
        if (event.step == "solve" and event.stage == "progress" and not sent
                and threading.current_thread() is not threading.main_thread()):
            sent.append(threading.current_thread().name)
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(KeyboardInterrupt), interruptible():
        solve_steps(config, on_event, inputs=north_east_inputs, with_shares=False)
    assert sent and sent[0].startswith("ThreadPoolExecutor"), sent  # a piece's solver thread was running
    assert not any(e.step == "solve" and e.stage == "end" for e in events)  # the solve never 'ended'
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_result_of_an_interrupted_solve_is_never_written(north_east_k3_run, tmp_path):
    summary = north_east_k3_run.summary
    interrupted = replace(north_east_k3_run, summary=replace(summary, solve=replace(summary.solve,
                                                                                    status=Status.INTERRUPTED)))
    with pytest.raises(ValueError) as info:
        write_result(interrupted, tmp_path / "out")
    assert str(info.value) == f"{tmp_path / 'out'}: not written: the run was interrupted, so it has no result"
    assert not (tmp_path / "out").exists()


def test_an_error_raised_after_ctrl_c_ends_as_the_interrupt():
    """An exception the interrupt itself causes (CPython 3.13's Condition.wait inside a process pool
    can end in 'cannot release un-acquired lock') stops the run as interrupted, not as a crash;
    without a Ctrl-C the same error propagates unchanged."""
    with pytest.raises(KeyboardInterrupt):
        with interruptible():
            try:
                signal.raise_signal(signal.SIGINT)
            except KeyboardInterrupt:
                pass
            raise RuntimeError("cannot release un-acquired lock")
    with pytest.raises(RuntimeError, match="un-acquired"):
        with interruptible():
            raise RuntimeError("cannot release un-acquired lock")
