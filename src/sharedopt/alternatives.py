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

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .diagnose import InfeasibleError
from .solve import solve

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
    status : str
        Status of the diversity solve ('optimal': the most different portfolio within the
        gap, proven; 'feasible': a different portfolio within the gap, not the most different).
    """

    x: np.ndarray
    objective: float
    overlap: int
    status: str


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
    extra = pd.DataFrame({"group": ["objective_floor"] + ["no_good"] * len(cuts),
                          "key": ["objective"] + [f"portfolio {i}" for i in range(len(cuts))],
                          "limit": [(1.0 - gap) * z_best] + [float(p.sum()) - 1.0 for p in portfolios]})
    upper_var = np.where((c > 0) | (model.var_lower > 0.5), model.var_upper, 0.0)
    return replace(model, c=c_alt, A=rows, row_lower=lower, row_upper=upper, var_upper=upper_var,
                   rows=pd.concat([model.rows, extra], ignore_index=True), dominated_by=None, packings=None,
                   outer_bound=None)


def near_optimal_alternatives(model, chosen: np.ndarray, n: int, gap: float, options) -> list[Alternative]:
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
    for _ in range(n):
        alt = _alternative_model(model, portfolios, z_best, gap)
        try:
            result, x = solve(alt, opts)
        except InfeasibleError:
            break
        if result.status not in ("optimal", "feasible"):
            break
        x = x.astype(np.int8)
        obj = float(np.asarray(model.c, float) @ x)
        found.append(Alternative(x, obj, int((x & best).sum()), result.status))
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
            rows.append({"alternative": i, "candidate_id": model.candidate_ids[j], "objective_gbp_k": float(c[j]),
                         "portfolio_objective_gbp_k": total, "gap_to_best_bound": below,
                         "in_best_portfolio": bool(best[j]), "overlap_with_best": int((x & best).sum()),
                         "solve_status": status})
    return pd.DataFrame(rows, columns=["alternative", "candidate_id", "objective_gbp_k", "portfolio_objective_gbp_k",
                                       "gap_to_best_bound", "in_best_portfolio", "overlap_with_best", "solve_status"])


def stability(chosen: np.ndarray, alternatives: list[Alternative], gap: float, proven: bool) -> dict:
    """What the user reads: how many chosen partnerships the alternatives replace."""
    best = np.asarray(chosen, dtype=np.int8)
    n_best = int(best.sum())
    differ = [n_best - a.overlap for a in alternatives]
    return {
        "alternatives": len(alternatives),
        "alternatives_gap": gap,
        "within_gap_of": "the proven optimum" if proven else "the best portfolio found (not proven optimal)",
        "partnerships_in_best": n_best,
        "partnerships_replaced_by_most_different": max(differ) if differ else 0,
        "partnerships_replaced_by_each": differ,
        "objective_of_each": [a.objective for a in alternatives],
    }
