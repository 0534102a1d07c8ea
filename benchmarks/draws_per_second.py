"""Monte Carlo draws per second, end to end, on shipped configs.

Runs :func:`sharedopt.pipeline.uncertainty.uncertainty` with each config's own ``[uncertainty]``
distributions (the run's defaults: every lever with a range), as ``sharedopt run --uncertainty N``
does, and records the wall time, draws per second and the NPV band. The band is a check as well
as a result: the fast path must give the same draws as a full re-enumeration, so a 'before'
and an 'after' run of the same seed agree to the pound.

Run it from any checkout's interpreter: it imports whichever ``sharedopt`` that interpreter has,
so the same script measures the code before and after a change::

    .venv/bin/python benchmarks/draws_per_second.py --label after
    /path/to/old/checkout/.venv/bin/python benchmarks/draws_per_second.py --label before
    .venv/bin/python benchmarks/draws_per_second.py --england --draws 200   # England: long

Results are appended to ``benchmarks/results/draws_per_second.jsonl`` (one line per config and
label; the machine's load average is recorded because the cores are shared).
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import subprocess
import time
from pathlib import Path

from sharedopt.pipeline.scenario import Scenario
from sharedopt.pipeline.uncertainty import uncertainty

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "draws_per_second.jsonl"


def scenario_of(config: str) -> Scenario:
    """The shipped config, with the realisation base rate set as the run's Monte Carlo sets it."""
    scenario = Scenario.from_config(ROOT / "configs" / config)
    if scenario.get("model.realisation.base") is None:
        scenario = scenario.with_({"model.realisation.base": scenario.config.model.realisation.base_rate()})
    return scenario


def measure(config: str, draws: int, workers: int, seed: int, engine: str = "process") -> dict:
    """One Monte Carlo of ``draws`` on ``config``: wall time, draws per second and the NPV band."""
    import sharedopt

    scenario = scenario_of(config)
    load = os.getloadavg()[0]
    start = time.perf_counter()
    mc = uncertainty(scenario, draws, scenario.config.uncertainty.distributions, seed=seed, engine=engine,
                     max_workers=workers, progress=False)
    seconds = time.perf_counter() - start
    npv = mc.totals.set_index("measure").loc["npv_gbp_k"]
    return {"config": config, "draws": draws, "workers": workers, "engine": engine, "seed": seed,
            "seconds": round(seconds, 2),
            "draws_per_second": round(draws / seconds, 3), "npv_p10": round(float(npv["p10"]), 1),
            "npv_p50": round(float(npv["p50"]), 1), "npv_p90": round(float(npv["p90"]), 1),
            "statuses": {str(k): int(v) for k, v in mc.draws["status"].value_counts().items()},
            "fast_path": "fast" in inspect.signature(uncertainty).parameters,
            "source": str(Path(sharedopt.__file__).parents[2]), "commit": _commit(sharedopt),
            "load_average_at_start": round(load, 2), "load_average_at_end": round(os.getloadavg()[0], 2)}


def _commit(module) -> str:
    folder = Path(module.__file__).parent
    out = subprocess.run(["git", "-C", str(folder), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return out.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", nargs="+", default=["north-east.toml", "kent.toml"])
    parser.add_argument("--england", action="store_true", help="add configs/england.toml (long: the MIP is hard)")
    parser.add_argument("--draws", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--engine", default="process", choices=["process", "auto", "serial"],
                        help="'auto' is what `sharedopt run --uncertainty N` uses (a pool only when it pays)")
    parser.add_argument("--label", default="")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    configs = args.configs + (["england.toml"] if args.england else [])
    for config in configs:
        row = {"label": args.label, **measure(config, args.draws, args.workers, args.seed, args.engine)}
        print(json.dumps(row), flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("a") as out:
            out.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
