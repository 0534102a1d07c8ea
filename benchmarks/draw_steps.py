"""Where a warm Monte Carlo draw's time goes: each step of ``solve_draw``, wall and main-thread CPU.

Runs the first chunk of draws (cold: enumeration, cost base, first solve) and then times the
draws after it in process, step by step. Main-thread CPU time is less inflated than wall time
when other work shares the cores (HiGHS's own worker threads are not in it). Run it from any
checkout's interpreter (``PYTHONPATH=/old/src`` measures an older tree)::

    .venv/bin/python benchmarks/draw_steps.py north-east.toml --draws 40
"""

from __future__ import annotations

import argparse
import collections
import time
from pathlib import Path

import sharedopt.pipeline.draws as draws
import sharedopt.solve.backends.highs as highs
from sharedopt.candidates.revalue import Revaluer
from sharedopt.pipeline.scenario import Scenario
from sharedopt.pipeline.steps import load_inputs
from sharedopt.pipeline.uncertainty import make_draws

ROOT = Path(__file__).resolve().parents[1]
WALL, CPU = collections.Counter(), collections.Counter()


def timed(name: str, func):
    """``func``, adding its wall and main-thread CPU time to ``name``."""
    def wrapper(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return func(*args, **kwargs)
        finally:
            WALL[name] += time.perf_counter() - wall
            CPU[name] += time.thread_time() - cpu
    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config")
    parser.add_argument("--draws", type=int, default=40)
    args = parser.parse_args()
    for name in ("build_model", "solve"):
        setattr(draws, name, timed(name, getattr(draws, name)))
    Revaluer.candidates = timed("revaluation", Revaluer.candidates)
    highs.run_highs = timed("HiGHS run", highs.run_highs)
    scenario = Scenario.from_config(ROOT / "configs" / args.config)
    if scenario.get("model.realisation.base") is None:
        scenario = scenario.with_({"model.realisation.base": scenario.config.model.realisation.base_rate()})
    inputs = load_inputs(scenario.config)
    drawn = make_draws(scenario, args.draws, scenario.config.uncertainty.distributions, 0, len(inputs.costs))
    configs = [scenario.with_(changes).config if changes else scenario.config for changes, _ in drawn]
    tasks = draws.chunks(configs, [factors for _, factors in drawn])
    data = draws.draw_data(inputs)
    draws.run_chunk(tasks[0], data)
    WALL.clear(), CPU.clear()
    wall, cpu = time.perf_counter(), time.thread_time()
    for task in tasks[1:]:
        draws.run_chunk(task, data)
    n = args.draws - len(tasks[0].configs)
    print(f"{args.config}: {n} warm draws, {(time.perf_counter() - wall) / n * 1000:.0f} ms wall and "
          f"{(time.thread_time() - cpu) / n * 1000:.0f} ms main-thread CPU per draw")
    for name, seconds in WALL.most_common():
        print(f"  {name:12s} {seconds / n * 1000:6.1f} ms wall {CPU[name] / n * 1000:6.1f} ms CPU")


if __name__ == "__main__":
    main()
