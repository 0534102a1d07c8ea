"""What a looser gap for each Monte Carlo draw buys and costs: the same draws solved at two gaps.

Runs :func:`sharedopt.pipeline.uncertainty.uncertainty` twice on one config with the same seed,
once at each ``[uncertainty] draw_gap``, and compares draw by draw: wall time, each draw's NPV
(a looser gap can only lower it), the band (P10 / P50 / P90), the robust core (candidates in the
best portfolio of at least 80% of draws) and, for scale, the sampling error of the band itself
(a bootstrap of the tighter run's draws: the spread of each percentile over resamples of the
same size). Run from the repository root::

    .venv/bin/python benchmarks/draw_gap.py england.toml --draws 48 --gaps 0.01 0.02

Writes ``benchmarks/results/draw_gap.json`` and ``draw_gap.md`` (wall-clock figures belong in
benchmarks, never in the product's outputs).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

from sharedopt.candidates.table import NPV
from sharedopt.pipeline.uncertainty import uncertainty

from draws_per_second import scenario_of

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
QUANTILES = (0.1, 0.5, 0.9)
RESAMPLES = 2000


def run_at(config: str, draws: int, gap: float, seed: int, workers: int) -> dict:
    """One Monte Carlo at draw gap ``gap``: seconds, per-draw NPV and gap, the robust core."""
    scenario = scenario_of(config).with_({"uncertainty.draw_gap": gap})
    load, start = os.getloadavg()[0], time.perf_counter()
    mc = uncertainty(scenario, draws, scenario.config.uncertainty.distributions, seed=seed, engine="process",
                     max_workers=workers, progress=False)
    seconds = time.perf_counter() - start
    robust = mc.candidates[mc.candidates["probability_chosen"] >= 0.8]["candidate_id"]
    return {"gap": gap, "seconds": round(seconds, 1), "load_before": round(load, 2),
            "load_after": round(os.getloadavg()[0], 2), "npv": mc.draws[NPV].astype(float).round(1).tolist(),
            "draw_gaps": mc.draws["gap"].astype(float).round(5).tolist(),
            "statuses": {str(k): int(v) for k, v in mc.draws["status"].value_counts().items()},
            "robust": sorted(robust.tolist())}


def bootstrap_spread(values: np.ndarray, seed: int = 0) -> dict:
    """Per percentile: its value and the standard deviation of it over resamples (same size)."""
    rng = np.random.default_rng(seed)
    samples = rng.choice(values, size=(RESAMPLES, len(values)), replace=True)
    out = {}
    for q in QUANTILES:
        spread = np.quantile(samples, q, axis=1)
        out[f"p{int(q * 100)}"] = {"value": float(np.quantile(values, q)), "bootstrap_sd": float(spread.std())}
    return out


def compare(tight: dict, loose: dict) -> dict:
    """The looser run against the tighter one, draw by draw and in the band."""
    a, b = np.asarray(tight["npv"]), np.asarray(loose["npv"])
    shortfall = np.where(np.abs(a) > 0, (a - b) / np.abs(a), 0.0)
    band = {f"p{int(q * 100)}": {"tight": float(np.quantile(a, q)), "loose": float(np.quantile(b, q))}
            for q in QUANTILES}
    robust_a, robust_b = set(tight["robust"]), set(loose["robust"])
    return {"speed_up": round(tight["seconds"] / loose["seconds"], 2),
            "shortfall_mean": float(shortfall.mean()), "shortfall_max": float(shortfall.max()),
            "shortfall_min": float(shortfall.min()), "band": band,
            "robust_tight": len(robust_a), "robust_loose": len(robust_b), "robust_both": len(robust_a & robust_b),
            "sampling_error_at_tight_gap": bootstrap_spread(a)}


def markdown(config: str, draws: int, runs: list[dict], result: dict) -> str:
    tight, loose = runs
    lines = [f"# Draw gap: {config}, {draws} draws at gaps {tight['gap']} and {loose['gap']}", "",
             "Written by `benchmarks/draw_gap.py` (the same draws, seed 0, `engine=\"process\"`).", "",
             "| draw gap | seconds | load before / after | statuses | largest draw gap | robust (>= 80%) |",
             "|---|---:|---|---|---:|---:|"]
    for run in runs:
        lines.append(f"| {run['gap']} | {run['seconds']:.1f} | {run['load_before']} / {run['load_after']} | "
                     f"{run['statuses']} | {max(run['draw_gaps']):.4f} | {len(run['robust'])} |")
    lines += ["", f"Speed-up {result['speed_up']}x. Each draw's NPV at the looser gap against the tighter: "
              f"shortfall mean {result['shortfall_mean']:.3%}, largest {result['shortfall_max']:.3%}, "
              f"smallest {result['shortfall_min']:.3%} (negative: the looser run found the better portfolio). "
              f"Robust core: {result['robust_both']} in both.", "",
              "| percentile | NPV £k, tighter gap | NPV £k, looser gap | bootstrap sd at the tighter gap |",
              "|---|---:|---:|---:|"]
    for key, both in result["band"].items():
        sd = result["sampling_error_at_tight_gap"][key]["bootstrap_sd"]
        lines.append(f"| {key.upper()} | {both['tight']:,.0f} | {both['loose']:,.0f} | {sd:,.0f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config")
    parser.add_argument("--draws", type=int, default=48)
    parser.add_argument("--gaps", type=float, nargs=2, default=[0.01, 0.02])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    runs = [run_at(args.config, args.draws, gap, args.seed, args.workers) for gap in sorted(args.gaps)]
    result = compare(*runs)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "draw_gap.json").write_text(json.dumps({"config": args.config, "draws": args.draws, "runs": runs,
                                                       "comparison": result}, indent=1) + "\n")
    (RESULTS / "draw_gap.md").write_text(markdown(args.config, args.draws, runs, result))
    print((RESULTS / "draw_gap.md").read_text())


if __name__ == "__main__":
    main()
