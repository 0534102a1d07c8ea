"""How far odd-cycle cuts tighten the LP of a listed model (``solve.bounds.odd_cycles``).

Builds a config's model as a run does (every candidate listed), solves its LP relaxation by
column pricing (``solve.lp_bounds.lp_by_column_pricing``), then separates odd-cycle cuts on the
slot rows at the LP solution, appends them as rows over every candidate and solves again, until
no cut is violated or the rounds run out. Writes the LP bound of every round to
``benchmarks/results/odd_cycle_cuts.md`` (a section per config and cycle length) and
``odd_cycle_cuts.json``. With ``--mip-seconds``, HiGHS then searches the working set of the last
LP with the cut rows for that long, and its best portfolio is reported (a wall-clock limit: the
portfolio found depends on the machine; the bounds do not).

Run::

    .venv/bin/python benchmarks/odd_cycle_cuts.py --config configs/england.toml --max-length 3
    .venv/bin/python benchmarks/odd_cycle_cuts.py --config configs/england.toml --max-length 5
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import scipy.sparse as sp

from sharedopt.config.schema import load_config
from sharedopt.model.rows import slot_services
from sharedopt.pipeline.steps import create_model, enumerate_candidates, load_inputs
from sharedopt.solve.bounds.odd_cycles import cut_coefficients, cut_indicator, cut_rhs, separate_odd_cycles
from sharedopt.solve.lp_bounds import lp_by_column_pricing, mip_over_columns

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "odd_cycle_cuts"


def cut_rounds(model, max_length: int, rounds: int) -> tuple[list[dict], tuple]:
    """Rows of (round, LP bound, cuts, seconds) and the last LP's (matrix, row bounds, working set)."""
    options = SimpleNamespace(mip_gap=1e-4, threads=1, seed=0, msg=False, node_limit=None)
    c, base = np.asarray(model.c, float), sp.csc_matrix(model.A)
    service = slot_services(model.rows)
    A, rl, ru, cuts, out = base, model.row_lower, model.row_upper, [], []
    for r in range(rounds + 1):
        start = time.perf_counter()
        cols, _, bound, _, _, x = lp_by_column_pricing(c, A, rl, ru, model.var_lower, model.var_upper, options,
                                                       time.perf_counter() + 1e9)
        found = separate_odd_cycles(A, np.concatenate([service, np.full(len(cuts), -1)]), x, set(cuts),
                                    max_length=max_length) if r < rounds else []
        out.append({"round": r, "lp_bound": round(float(bound), 1), "cuts": len(cuts),
                    "fractional": int(((x > 1e-6) & (x < 1 - 1e-6)).sum()),
                    "seconds": round(time.perf_counter() - start, 1)})
        print(out[-1], flush=True)
        if not found:
            break
        cuts += found
        A = sp.vstack([A, cut_coefficients(cut_indicator(found, base.shape[0]), base)], format="csc")
        rl, ru = np.concatenate([rl, np.full(len(found), -np.inf)]), np.concatenate([ru, cut_rhs(found)])
    return out, (A, rl, ru, cols)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="configs/england.toml")
    parser.add_argument("--max-length", type=int, default=5, choices=(3, 5))
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--mip-seconds", type=float, default=0.0)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    config = load_config(ROOT / args.config)
    inputs = load_inputs(config)
    model = create_model(enumerate_candidates(inputs, config, with_shares=False), config)
    rows, (A, rl, ru, cols) = cut_rounds(model, args.max_length, args.rounds)
    result = {"config": args.config, "max_length": args.max_length, "candidates": model.n_variables,
              "rounds": rows}
    if args.mip_seconds > 0:
        options = SimpleNamespace(mip_gap=1e-4, threads=1, seed=0, msg=False, node_limit=None)
        _, z, dual, _, text = mip_over_columns(np.asarray(model.c, float), A, cols, rl, ru, model.var_lower,
                                               model.var_upper, options, args.mip_seconds, presolve=True)
        result["mip"] = {"seconds": args.mip_seconds, "portfolio": z, "bound_over_working_set": dual, "text": text}
    _write(result)


def _write(result: dict) -> None:
    """Append the result to the JSON list and rewrite the Markdown from it."""
    path = RESULTS.with_suffix(".json")
    done = json.loads(path.read_text()) if path.exists() else []
    done = [r for r in done if (r["config"], r["max_length"]) != (result["config"], result["max_length"])]
    done.append(result)
    path.write_text(json.dumps(done, indent=1) + "\n")
    lines = ["# Odd-cycle cuts on listed models", "",
             "Written by `benchmarks/odd_cycle_cuts.py` (the LP by column pricing, then odd-cycle cuts on the",
             "slot rows until none is violated; seconds are wall clock of one round on this machine).", ""]
    for r in done:
        lines += [f"## {r['config']}, cycles up to length {r['max_length']} ({r['candidates']:,} candidates)", "",
                  "Measured by `benchmarks/odd_cycle_cuts.py`:", "",
                  "| round | LP bound | cuts | fractional columns | seconds |", "|---|---:|---:|---:|---:|"]
        lines += [f"| {x['round']} | {x['lp_bound']:,.1f} | {x['cuts']:,} | {x['fractional']} | {x['seconds']} |"
                  for x in r["rounds"]]
        if "mip" in r:
            m = r["mip"]
            lines += ["", f"HiGHS over the last working set with the cuts, {m['seconds']:.0f} s: portfolio "
                          f"{m['portfolio']:,.1f}, its bound over the working set {m['bound_over_working_set']:,.1f} "
                          f"({m['text']})."]
        lines.append("")
    RESULTS.with_suffix(".md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
