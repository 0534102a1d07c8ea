"""Near-optimal alternative portfolios (modelling to generate alternatives, MGA).

Given the best portfolio ``x*`` of value ``z*``, alternative ``i`` solves

    max  sum_p Hamming(x, x_p)            over the portfolios p found so far (x* first)
    s.t. the model's rows,  c.x >= (1 - gap) z*,  and x differs from every x_p (no-good cuts)

so it is as different as possible in which partnerships it recommends (which councils
partner for which services) while its objective stays within ``gap`` of ``z*``. The
Hamming sum is linear: ``sum_j (P - 2 n_j) x_j + const`` with ``n_j`` the number of
earlier portfolios that chose ``j``. Only candidates with a positive objective take
part (forced ones stay forced), and the reductions that rest on the original objective
(dominance) are not used. When ``z*`` is proven optimal, every alternative is proven
within ``gap`` of the optimum; otherwise within ``gap`` of the incumbent, and the
table says how far each is from the best bound.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from time import perf_counter

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sharedopt.candidates.table import CANDIDATE_ID
from sharedopt.model.rows import RowGroup
from sharedopt.solve.bounds.lagrange import build_services, lagrangian_bound
from sharedopt.solve.diagnose import InfeasibleError
from sharedopt.solve.api import solve
from sharedopt.solve.budget import Budget
from sharedopt.solve.lp_bounds import lp_by_column_pricing
from sharedopt.solve.status import SOLVED, Status

#: objective tie-break: among equally different portfolios, prefer the higher objective
TIE_BREAK = 1e-4


@dataclass(frozen=True)
class Alternative:
    """One near-optimal portfolio.

    Attributes
    ----------
    x : ndarray of int8
        Chosen candidates (aligned with the model's columns).
    objective : float
        Its objective (NPV or annual net saving, the model's own).
    overlap : int
        Candidates it shares with the best portfolio.
    status : Status
        Status of the diversity solve ('optimal': the most different portfolio within the
        gap, proven; 'feasible': a different portfolio within the gap, not the most different).
    """

    x: np.ndarray
    objective: float
    overlap: int
    status: Status


def _alternative_model(model, portfolios: list[np.ndarray], z_best: float, gap: float):
    """The MGA model: Hamming objective, objective floor row, one no-good cut per portfolio."""
    c = np.asarray(model.c, float)
    counts = np.sum(portfolios, axis=0).astype(float)
    scale = max(1.0, float(np.abs(c).max(initial=1.0)))
    c_alt = (len(portfolios) - 2.0 * counts) + TIE_BREAK * c / scale
    cuts = [np.where(p > 0, 1.0, -1.0) for p in portfolios]
    rows = sp.vstack([model.A, sp.csr_matrix(np.vstack([c] + cuts))], format="csr")
    lower = np.concatenate([model.row_lower, [(1.0 - gap) * z_best], np.full(len(cuts), -np.inf)])
    upper = np.concatenate([model.row_upper, [np.inf], [float(p.sum()) - 1.0 for p in portfolios]])
    extra = pd.DataFrame({"group": [RowGroup.OBJECTIVE_FLOOR] + [RowGroup.NO_GOOD] * len(cuts),
                          "key": ["objective"] + [f"portfolio {i}" for i in range(len(cuts))],
                          "limit": [(1.0 - gap) * z_best] + [float(p.sum()) - 1.0 for p in portfolios]})
    upper_var = np.where((c > 0) | (model.var_lower > 0.5), model.var_upper, 0.0)
    return replace(model, c=c_alt, A=rows, row_lower=lower, row_upper=upper, var_upper=upper_var,
                   rows=pd.concat([model.rows, extra], ignore_index=True), dominated_by=None, packings=None,
                   outer_bound=None)


def _cannot_reach(model, floor: float, options, budget: Budget) -> np.ndarray:
    """Columns in no solution worth ``floor`` or more (Lagrangian test with the floor as the
    threshold; none when the per-service DP does not apply)."""
    A = sp.csc_matrix(model.A)
    lb, ub = np.asarray(model.var_lower, float), np.asarray(model.var_upper, float)
    built = build_services(model, A, ub > 0.5)
    none = np.zeros(model.n_variables, dtype=bool)
    if built is None:
        return none
    _, y, *_ = lp_by_column_pricing(np.asarray(model.c, float), A, model.row_lower, model.row_upper, lb, ub, options,
                                 perf_counter() + budget.limit(options.time_limit or 60.0))
    if y is None:
        return none
    return lagrangian_bound(model, A, y, floor, built=built).fixable


def _next_best(model, portfolios: list[np.ndarray], floor: float, options, budget: Budget) -> np.ndarray | None:
    """The best portfolio that differs from every earlier one (the solve step with no-good
    cuts: dominance reductions off), or None when it is worth less than ``floor``."""
    cuts = np.vstack([np.where(p > 0, 1.0, -1.0) for p in portfolios])
    extra = pd.DataFrame({"group": [RowGroup.NO_GOOD] * len(cuts), "key": [f"portfolio {i}" for i in range(len(cuts))],
                          "limit": [float(p.sum()) - 1.0 for p in portfolios]})
    cut_model = replace(model, A=sp.vstack([model.A, sp.csr_matrix(cuts)], format="csr"),
                        row_lower=np.concatenate([model.row_lower, np.full(len(cuts), -np.inf)]),
                        row_upper=np.concatenate([model.row_upper, extra["limit"].to_numpy(float)]),
                        rows=pd.concat([model.rows, extra], ignore_index=True), dominated_by=None, packings=None,
                        outer_bound=None)
    try:
        result, x = solve(cut_model, options.model_copy(update={"time_limit": (options.time_limit or 60.0) * 2 / 3}),
                          budget=budget)
    except InfeasibleError:
        return None
    if result.status not in SOLVED or result.objective is None or result.objective < floor - 1e-9:
        return None
    return x.astype(float)


def _solve_alternative(alt, options, start: np.ndarray | None, budget: Budget) -> tuple[Status, np.ndarray | None]:
    """The diversity MIP through the solver API with the configured backend, whole (the
    objective-floor row links every candidate, and it makes column generation's restricted
    master infeasible, so neither pieces nor the pricing path are used)."""
    try:
        result, x = solve(alt, options.model_copy(update={"decompose": False}), warm_start=start, budget=budget,
                          price_large=False)
    except InfeasibleError:
        return Status.TIME_LIMIT_NO_SOLUTION, None
    if result.status not in SOLVED:
        return Status.TIME_LIMIT_NO_SOLUTION, None
    return result.status, x


def near_optimal_alternatives(model, chosen: np.ndarray, n: int, gap: float, options,
                              budget: Budget | None = None) -> list[Alternative]:
    """Up to ``n`` portfolios within ``gap`` of ``chosen``'s objective, each as different as possible.

    Parameters
    ----------
    model : PortfolioModel
    chosen : ndarray
        The best portfolio (0/1 per candidate).
    n : int
        Number of alternatives wanted (fewer when no further different portfolio exists
        within the gap).
    gap : float
        Relative objective loss allowed, e.g. 0.01 for 1%.
    options : SolverOptions
        Solver settings; each alternative gets ``time_limit / n``.
    budget : Budget, optional
        The run's time budget: every solve's time limit is capped by what is left of it
        (None: the limits above only).

    Returns
    -------
    list of Alternative
    """
    best = np.asarray(chosen, dtype=np.int8)
    z_best = float(np.asarray(model.c, float) @ best)
    limit = None if options.time_limit is None else max(1.0, options.time_limit / max(n, 1))
    opts = options.model_copy(update={"time_limit": limit, "alternatives": 0})
    found: list[Alternative] = []
    portfolios = [best]
    budget = budget or Budget()
    with budget.charging():
        useless = _cannot_reach(model, (1.0 - gap) * z_best, options, budget)
        for _ in range(n):
            start = _next_best(model, portfolios, (1.0 - gap) * z_best, opts, budget)
            if start is None:  # no other portfolio within the gap (proven when that solve was optimal)
                break
            alt = _alternative_model(model, portfolios, z_best, gap)
            alt = replace(alt, var_upper=np.where(useless & (alt.var_lower < 0.5), 0.0, alt.var_upper))
            status, x = _solve_alternative(alt, opts, start, budget)
            if x is None:
                break
            obj = float(np.asarray(model.c, float) @ x)
            found.append(Alternative(x, obj, int((x & best).sum()), status))
            portfolios.append(x)
    return found


def alternatives_table(model, chosen: np.ndarray, alternatives: list[Alternative],
                       best_bound: float | None) -> pd.DataFrame:
    """One row per (alternative, chosen candidate); alternative 0 is the best portfolio."""
    best = np.asarray(chosen, dtype=np.int8)
    c = np.asarray(model.c, float)
    rows = []
    for i, x in enumerate([best] + [a.x for a in alternatives]):
        total = float(c @ x)
        below = (best_bound - total) / max(1e-9, abs(best_bound)) if best_bound is not None else np.nan
        status = "best" if i == 0 else alternatives[i - 1].status
        for j in np.flatnonzero(x):
            rows.append({"alternative": i, CANDIDATE_ID: model.candidate_ids[j], "objective_gbp_k": float(c[j]),
                         "portfolio_objective_gbp_k": total, "gap_to_best_bound": below,
                         "in_best_portfolio": bool(best[j]), "overlap_with_best": int((x & best).sum()),
                         "solve_status": status})
    return pd.DataFrame(rows, columns=["alternative", CANDIDATE_ID, "objective_gbp_k", "portfolio_objective_gbp_k",
                                       "gap_to_best_bound", "in_best_portfolio", "overlap_with_best", "solve_status"])


def stability(chosen: np.ndarray, alternatives: list[Alternative], gap: float, proven: bool) -> dict:
    """``proven``: the best portfolio is proven optimal (gap at most 1e-6)."""
    best = np.asarray(chosen, dtype=np.int8)
    n_best = int(best.sum())
    differ = [n_best - a.overlap for a in alternatives]
    return {
        "alternatives": len(alternatives),
        "alternatives_gap": gap,
        "within_gap_of": "the proven optimum" if proven else "the best portfolio found (within the solver gap of the optimum)",
        "partnerships_in_best": n_best,
        "partnerships_replaced_by_most_different": max(differ) if differ else 0,
        "partnerships_replaced_by_each": differ,
        "objective_of_each": [a.objective for a in alternatives],
    }
