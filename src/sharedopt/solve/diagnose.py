"""Explain infeasible portfolio models in user terms.

Two layers:

1. :func:`precheck` -- cheap checks on the model arrays alone: a forced
   candidate that is excluded, and any row that cannot hold even before
   optimisation (two forced candidates on one slot, forced costs above a
   budget, forced candidates above a governance capacity, a forced pair
   that no available candidate covers, ...).
2. :func:`elastic_relaxation` -- every user constraint instance (each row and
   each forced candidate) gets a 0/1 "drop" indicator; the fewest drops that
   make the model feasible are reported.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sharedopt.common.errors import SharedoptError
from sharedopt.config.solver import SolverOptions
from sharedopt.model.build import Constraints, PortfolioModel, member_incidence, row_activity_bounds
from sharedopt.model.row_words import RowFacts, describe_row, explain_excess, explain_shortfall
from sharedopt.model.rows import RowGroup
from sharedopt.solve.backends.highs import solve_highs
from sharedopt.solve.budget import Budget
from sharedopt.solve.result import SolveResult
from sharedopt.solve.status import Status

__all__ = [
    "InfeasibleError",
    "precheck",
    "elastic_relaxation",
    "diagnose_infeasibility",
]

_TOL = 1e-6


class InfeasibleError(SharedoptError, ValueError):
    """The constraints cannot all hold.

    Attributes
    ----------
    lines : list of str
        Explanations in user terms (also the exception message, one per line).
    result : SolveResult or None
        Solver outcome when the infeasibility was found by the solver.
    """

    def __init__(self, lines: list[str], result: SolveResult | None = None) -> None:
        self.lines = list(lines) or ["the portfolio model is infeasible"]
        self.result = result
        super().__init__("\n".join(self.lines))


def _row_terms(model: PortfolioModel, i: int) -> tuple[np.ndarray, np.ndarray]:
    sl = slice(model.A.indptr[i], model.A.indptr[i + 1])
    return model.A.indices[sl], model.A.data[sl]


def _facts(model: PortfolioModel, i: int, activity: float, names: list[str], values=()) -> RowFacts:
    row = model.rows.iloc[i]
    return RowFacts(RowGroup(row["group"]), row["key"], row["limit"], row.get("note", ""), model.row_lower[i],
                    model.row_upper[i], activity, names, values)


# --------------------------------------------------------------------------
# pre-checks
# --------------------------------------------------------------------------
def _too_much(model: PortfolioModel, i: int, act: float) -> str:
    """Message for a <= row already violated by the forced candidates."""
    cols, coef = _row_terms(model, i)
    forced = model.var_lower[cols] > 0
    names = [str(model.candidate_ids[j]) for j in cols[forced]]
    return explain_excess(_facts(model, i, act, names, coef[forced]))


def _too_little(model: PortfolioModel, i: int, act: float) -> str:
    """Message for a >= row that even all available candidates cannot meet."""
    cols, _ = _row_terms(model, i)
    out = [str(model.candidate_ids[j]) + f" ({model.excluded.iloc[j] or 'fixed to 0'})"
           for j in cols if model.var_upper[j] <= 0]
    return explain_shortfall(_facts(model, i, act, out))


def precheck(model: PortfolioModel) -> list[str]:
    """Cheap infeasibility checks in user terms (empty list = nothing found).

    Parameters
    ----------
    model : PortfolioModel

    Returns
    -------
    list of str
        One sentence per problem found.
    """
    lines: list[str] = []
    bad = np.flatnonzero(model.var_lower > model.var_upper + _TOL)
    for j in bad:
        why = model.excluded.iloc[j] or "its upper bound is 0"
        lines.append(f"candidate {model.candidate_ids[j]} is forced but excluded: {why}")
    if model.n_constraints == 0:
        return lines
    lb, ub = model.var_lower, model.var_upper
    # unavoidable: forced candidates at 1 (even if excluded); reachable: excluded stay at 0
    lo_act, _ = row_activity_bounds(model.A, lb, np.maximum(lb, ub))
    _, hi_act = row_activity_bounds(model.A, np.minimum(lb, ub), ub)
    for i in np.flatnonzero(lo_act > model.row_upper + _TOL):
        lines.append(_too_much(model, int(i), float(lo_act[i])))
    for i in np.flatnonzero(hi_act < model.row_lower - _TOL):
        lines.append(_too_little(model, int(i), float(hi_act[i])))
    return lines


# --------------------------------------------------------------------------
# elastic relaxation
# --------------------------------------------------------------------------
def _elastic_model(model: PortfolioModel) -> tuple[PortfolioModel, np.ndarray, np.ndarray]:
    """x plus one drop indicator per row that can bind and per forced candidate."""
    n, m = model.n_variables, model.n_constraints
    ub_x = np.maximum(model.var_upper, 0.0)
    lo, hi = row_activity_bounds(model.A, np.zeros(n), ub_x)
    big_up = np.where(np.isfinite(model.row_upper), np.maximum(hi - model.row_upper, 0.0), 0.0)
    big_lo = np.where(np.isfinite(model.row_lower), np.maximum(model.row_lower - lo, 0.0), 0.0)
    drop_rows = np.flatnonzero((big_up > _TOL) | (big_lo > _TOL))
    forced = np.flatnonzero(model.var_lower > 0)
    k_r, k_f = len(drop_rows), len(forced)
    d_col = np.full(m, -1)
    d_col[drop_rows] = n + np.arange(k_r)

    blocks, lows, ups = [], [], []
    for side, big in (("up", big_up), ("lo", big_lo)):
        bounded = np.isfinite(model.row_upper if side == "up" else model.row_lower)
        sel = np.flatnonzero(bounded)
        if not len(sel):
            continue
        has_d = d_col[sel] >= 0
        sign = -1.0 if side == "up" else 1.0
        D = sp.csr_matrix((sign * big[sel][has_d], (np.flatnonzero(has_d), d_col[sel][has_d])),
                          shape=(len(sel), n + k_r + k_f))
        blocks.append(sp.hstack([model.A[sel], sp.csr_matrix((len(sel), k_r + k_f))]) + D)
        lows.append(np.full(len(sel), -np.inf) if side == "up" else model.row_lower[sel])
        ups.append(model.row_upper[sel] if side == "up" else np.full(len(sel), np.inf))
    if k_f:  # x_j + f_j >= 1
        rows = np.r_[np.arange(k_f), np.arange(k_f)]
        cols = np.r_[forced, n + k_r + np.arange(k_f)]
        F = sp.csr_matrix((np.ones(2 * k_f), (rows, cols)), shape=(k_f, n + k_r + k_f))
        blocks.append(F)
        lows.append(np.ones(k_f))
        ups.append(np.full(k_f, np.inf))
    N = n + k_r + k_f
    A = sp.vstack(blocks, format="csr") if blocks else sp.csr_matrix((0, N))
    lows_a = np.concatenate(lows) if lows else np.zeros(0)
    ups_a = np.concatenate(ups) if ups else np.zeros(0)
    elastic = PortfolioModel(
        candidate_ids=np.r_[model.candidate_ids, [f"drop_row_{i}" for i in drop_rows],
                            [f"drop_forced_{j}" for j in forced]].astype(object),
        c=np.r_[np.zeros(n), -np.ones(k_r + k_f)],
        A=A,
        row_lower=lows_a,
        row_upper=ups_a,
        var_lower=np.zeros(N),
        var_upper=np.r_[ub_x, np.ones(k_r + k_f)],
        rows=pd.DataFrame({"group": [RowGroup.ELASTIC] * A.shape[0], "key": [""] * A.shape[0],
                           "limit": np.nan, "note": ""}),
        excluded=pd.Series([""] * N, dtype=object),
        objective_name=RowGroup.ELASTIC.value,  # the model of the elastic rows
    )
    return elastic, drop_rows, forced


def elastic_relaxation(model: PortfolioModel, options: SolverOptions | None = None,
                       budget: Budget | None = None) -> list[str]:
    """Fewest constraint instances to drop for feasibility, in user terms.

    Parameters
    ----------
    model : PortfolioModel
    options : SolverOptions, optional
        Time limit / threads for the HiGHS solve of the relaxation.
    budget : Budget, optional
        The run's deadline: the relaxation takes at most what is left of it.

    Returns
    -------
    list of str
        Header line followed by one line per dropped constraint.
    """
    opts = options or SolverOptions()
    elastic, drop_rows, forced = _elastic_model(model)
    time_limit = (budget or Budget()).limit(opts.time_limit)
    res = solve_highs(elastic, opts.model_copy(update={"mip_gap": 0.0}), time_limit, None)
    if res.x is None:
        return [f"the portfolio model is infeasible; the elastic relaxation ended with "
                f"'{res.termination}' and could not identify the constraints involved"]
    n, k_r = model.n_variables, len(drop_rows)
    dropped_rows = drop_rows[res.x[n : n + k_r] > 0.5]
    dropped_forced = forced[res.x[n + k_r :] > 0.5]
    items = [describe_row(model.rows.iloc[i]) for i in dropped_rows]
    items += [f"forced candidate {model.candidate_ids[j]}" for j in dropped_forced]
    if not items:
        return ["the solver reported infeasibility but no constraint needs relaxing "
                "(numerical trouble?)"]
    minimal = "the fewest" if res.status == Status.OPTIMAL else "a set of (maybe not the fewest)"
    head = f"infeasible: {minimal} {len(items)} constraint(s) to relax for a feasible portfolio:"
    return [head] + [f"  - {t}" for t in items]


def diagnose_infeasibility(
    model: PortfolioModel,
    candidates: pd.DataFrame | None = None,
    constraints: Constraints | None = None,
    options: SolverOptions | None = None,
    budget: Budget | None = None,
) -> list[str]:
    """Explain why ``model`` is infeasible.

    Parameters
    ----------
    model : PortfolioModel
    candidates : DataFrame, optional
        When given with ``constraints``, forced pairs naming an authority that
        is in no candidate are reported as such.
    constraints : Constraints, optional
    options : SolverOptions, optional
        Used for the elastic relaxation solve.
    budget : Budget, optional
        The run's deadline, shared with the elastic relaxation.

    Returns
    -------
    list of str
        Pre-check findings if any, otherwise the elastic relaxation result.
    """
    lines = _unknown_pair_authorities(candidates, constraints) + precheck(model)
    return lines or elastic_relaxation(model, options, budget)


def _unknown_pair_authorities(candidates: Any, constraints: Constraints | None) -> list[str]:
    if candidates is None or constraints is None or not constraints.forced_pairs:
        return []
    _, auth = member_incidence(candidates)
    known = set(auth)
    return [f"forced pair {a} + {b}: authority {x} is not a member of any candidate"
            for a, b in constraints.forced_pairs for x in (a, b) if x not in known]
