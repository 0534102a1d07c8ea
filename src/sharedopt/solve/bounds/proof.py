"""Large solves that end with a proof where they can: LP -> incumbent -> Lagrangian bound
with exact per-service subproblems -> fixing -> MIP over what is left.

1. the LP relaxation by column generation (:func:`sharedopt.solve.lp_bounds.lp_by_column_pricing`);
2. an incumbent: the better of the warm start and LP rounding (the Lagrangian's heuristic
   improves it in step 3);
3. the Lagrangian bound (:mod:`sharedopt.solve.bounds.lagrange`) from the LP duals, a fixed
   number of subgradient iterations, and its fixing: every column that neither the LP
   reduced cost nor the Lagrangian test excludes is kept;
4. a MIP over the kept columns, started from the incumbent, until the gap target, the
   node limit (``solver.node_limit``) or the time limit. Its dual bound is valid for the
   whole problem because every fixed column is in no solution better than the incumbent.

The reported bound is the smallest of the LP bound, the Lagrangian bound and the final
MIP's bound (the incumbent when the MIP proved optimality), and the outcome says which.
Steps 1-3 stop on work limits only (pricing rounds, nodes, iterations); step 4 stops on
``node_limit`` when one is set and on the wall clock otherwise, which is said.
"""

from __future__ import annotations

from time import perf_counter

import numpy as np
import scipy.sparse as sp

from sharedopt.solve.incumbent import rounded_start
from sharedopt.solve.lp_bounds import (
    PricingOutcome, fixed_by_reduced_cost, lp_by_column_pricing, lp_dual_bound, mip_over_columns, solve_by_pricing,
)
from sharedopt.solve.heuristics import greedy_solution
from sharedopt.solve.backends.highs import highs_limit
from sharedopt.solve.backends.highs_api import dual_bound_valid
from sharedopt.solve.bounds.lagrange import build_services, lagrangian_bound
from sharedopt.solve.status import Status

#: subgradient iterations of the Lagrangian bound
LAGRANGE_ITERATIONS = 60


def _bound_kind(best, lp_bound, lag_bound, mip_bound, z):
    if mip_bound is not None and best >= max(mip_bound, z) - 1e-9 * max(1.0, abs(best)):
        return "MIP dual bound over the columns left after fixing (valid for all columns)"
    if best >= lag_bound - 1e-9 * max(1.0, abs(best)):
        return "Lagrangian bound (coupling rows dualised, exact subset DP per service)"
    return "LP bound (column generation)"


def solve_large(model, options, time_limit: float | None = None, warm: np.ndarray | None = None):
    """Solve a large model (see the module docstring); returns a :class:`~sharedopt.solve.lp_bounds.PricingOutcome`."""
    t0 = perf_counter()
    deadline = t0 + (time_limit if time_limit is not None else 1e9)
    c, A = np.asarray(model.c, dtype=float), sp.csc_matrix(model.A)
    bounds = rl, ru, lb, ub = (np.asarray(model.row_lower, float), np.asarray(model.row_upper, float),
                               np.asarray(model.var_lower, float), np.asarray(model.var_upper, float))
    built = build_services(model, A, ub > 0.5)
    if built is None:  # a service too large for the DP: LP bound, fixing and MIP (lp_bounds.solve_by_pricing)
        return solve_by_pricing(model, options, time_limit, warm)
    t_graphs = perf_counter()
    if warm is None:
        warm = greedy_solution(c, A, rl, ru, lb, ub)
    cols, y, lp_bound, rounds, lp_status, x_lp = lp_by_column_pricing(c, A, rl, ru, lb, ub, options, deadline, warm)
    if y is None:
        return solve_by_pricing(model, options, max(0.01, deadline - perf_counter()), warm)
    phases = {"dp_state_graphs": t_graphs - t0, "lp_column_generation": perf_counter() - t_graphs}
    x_inc = rounded_start(c, A, x_lp, warm, bounds)
    t = perf_counter()
    lag = lagrangian_bound(model, A, y, float(c @ x_inc), iterations=LAGRANGE_ITERATIONS,
                           gap=min(options.mip_gap, 1e-4), x_inc=x_inc,
                           repair=lambda p: greedy_solution(c, A, rl, ru, lb, ub, priority=p), built=built)
    x_inc, z_inc = lag.x, lag.z
    phases["lagrangian_dp"] = perf_counter() - t
    _, rc = lp_dual_bound(c, A, y, rl, ru, lb, ub)
    kept = fixed_by_reduced_cost(rc, lp_bound, z_inc, x_inc, lb, ub)
    kept = kept[~lag.fixable[kept] | (x_inc[kept] > 0.5) | (lb[kept] > 0.5)]
    t = perf_counter()
    x, z, mip_bound, status, text2 = mip_over_columns(c, A, kept, rl, ru, lb, ub, options,
                                             max(0.01, deadline - perf_counter()), start=x_inc)
    phases["mip_after_fixing"] = perf_counter() - t
    if z is None or z < z_inc:
        x, z = x_inc, z_inc
    mip_ok = np.isfinite(mip_bound) and dual_bound_valid(status)
    mip_b = max(mip_bound, z) if mip_ok else None
    best = min(lp_bound, lag.bound, mip_b if mip_b is not None else np.inf)
    best = max(best, z)
    proven = (best - z) <= max(options.mip_gap, 1e-9) * max(1.0, abs(z)) + 1e-6
    note = "; ".join(t for t in (f"column generation ({rounds} rounds, {len(cols)} columns)", lag.note) if t)
    note = (f"{note}; "
            f"{len(kept)} of {len(c)} columns left after fixing; MIP: {text2}")
    return PricingOutcome(x, z, best, lp_bound, proven, rounds, len(cols), len(kept), note,
                             perf_counter() - t0, Status.OPTIMAL if proven else Status.FEASIBLE,
                             bound_kind=_bound_kind(best, lp_bound, lag.bound, mip_b, z),
                             phases={k: round(v, 3) for k, v in phases.items()}, limit=highs_limit(status))
