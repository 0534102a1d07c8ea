"""Side by side: sharedopt's solve against one plain HiGHS model over the same candidates.

Usage::

    python benchmarks/proof_vs_highs.py --method sharedopt --config wales.toml --k 6 --gap 1e-4 --limit 120
    python benchmarks/proof_vs_highs.py --method plain --config wales.toml --k 6 --gap 1e-4 --limit 120

Both get the same model (``create_model`` on the pipeline's candidates: same columns,
slot and governance rows). "plain HiGHS" is ``highspy`` on the whole matrix, default
settings, ``mip_rel_gap = gap``, 1 thread, the same time limit; sharedopt is
``solve_model`` with ``solver.mip_gap = gap`` (its own thread setting). Each runs in
its own process (run them one after the other, never together); wall clock by ``time.perf_counter``.
Prints one JSON line per method (time, status, objective, bound, gap, bound kind,
phases) and appends them to ``--out`` (JSON lines).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import highspy
import numpy as np
import scipy.sparse as sp

from sharedopt.pipeline.steps import create_model, enumerate_candidates, load_inputs, solve_model
from sharedopt.solve.backends.highs import matrix_lp
from sharedopt.pipeline.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]


def plain_highs(model, gap: float, limit: float) -> dict:
    """One HiGHS MIP over every column, default settings, 1 thread."""
    t = time.perf_counter()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_rel_gap", gap)
    h.setOptionValue("time_limit", limit)
    A = sp.csc_matrix(model.A)
    cols = np.arange(model.n_variables)
    h.passModel(matrix_lp(np.asarray(model.c, float), A, cols, model.row_lower, model.row_upper,
                          model.var_lower, model.var_upper, integer=True))
    h.run()
    info = h.getInfo()
    obj, bound = float(info.objective_function_value), float(info.mip_dual_bound)
    return {"method": "plain HiGHS (1 thread, full model)", "seconds": time.perf_counter() - t,
            "status": h.modelStatusToString(h.getModelStatus()), "objective": obj, "bound": bound,
            "gap": (bound - obj) / abs(obj) if obj else None}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="wales.toml")
    ap.add_argument("--k", type=int, default=6)
    ap.add_argument("--gap", type=float, default=1e-4)
    ap.add_argument("--limit", type=float, default=120.0)
    ap.add_argument("--no-node-limit", action="store_true",
                    help="drop the config's [solver] node_limit, so the solve runs to the gap or the time limit")
    ap.add_argument("--method", choices=["sharedopt", "plain"], required=True,
                    help="one method per process (HiGHS keeps one thread count per process)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "proof_vs_highs.jsonl")
    args = ap.parse_args()
    base = Scenario.from_config(ROOT / "configs" / args.config)
    changes = {"model.max_group_size": args.k, "report.top_n": 0, "solver.mip_gap": args.gap,
               "solver.time_limit": args.limit}
    if args.no_node_limit:
        changes["solver.node_limit"] = None
    sc = base.with_(changes)
    t = time.perf_counter()
    inputs = load_inputs(sc.config)
    cands = enumerate_candidates(inputs, sc.config)
    model = create_model(cands, sc.config)
    prep = time.perf_counter() - t
    rows = []
    if args.method == "plain":
        rows.append(plain_highs(model, args.gap, args.limit))
    else:
        t = time.perf_counter()
        res, _ = solve_model(model, sc.config)
        rows.append({"method": "sharedopt solve", "seconds": time.perf_counter() - t, "status": res.status,
                     "objective": res.objective, "bound": res.best_bound, "gap": res.gap,
                     "bound_kind": res.message, "phases": res.seconds_by_phase})
    with open(args.out, "a") as fh:
        for r in rows:
            r.update(instance=f"{args.config}:k={args.k}", candidates=model.n_variables, target_gap=args.gap,
                     limit_s=args.limit, load_enumerate_build_s=prep)
            print(json.dumps(r))
            fh.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
