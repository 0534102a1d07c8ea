"""Answers without a solver: feasibility of a 0/1 vector, a greedy portfolio, a cheap bound.

The greedy portfolio is the safety net of every solver path (returned when a solver
stops without an incumbent, or with a worse one); the weak-duality bound stands in
when a solver reports none.
"""

from __future__ import annotations

import numpy as np

from sharedopt.common.lazyjit import lazy_njit
from sharedopt.model.build import PortfolioModel
from sharedopt.solve.pieces import FEAS_TOL

__all__ = ["is_feasible", "trivial_bound", "cheap_bound", "greedy_start", "greedy_solution", "usable_start"]


def is_feasible(model: PortfolioModel, x: np.ndarray, tol: float = FEAS_TOL) -> bool:
    """Whether ``x`` is within the variable bounds and every row (relative tolerance on large rows)."""
    if np.any(x < model.var_lower - tol) or np.any(x > model.var_upper + tol):
        return False
    act = model.A @ x
    lo, hi = model.row_lower, model.row_upper
    # relative slack for large right-hand sides (budgets in £k)
    tol_lo = tol * np.maximum(1.0, np.abs(np.where(np.isfinite(lo), lo, 0.0)))
    tol_hi = tol * np.maximum(1.0, np.abs(np.where(np.isfinite(hi), hi, 0.0)))
    return bool(np.all(act >= lo - tol_lo) and np.all(act <= hi + tol_hi))


def trivial_bound(model: PortfolioModel) -> float:
    """Upper bound from variable bounds only (valid for any feasible x)."""
    c, lo, hi = model.c, model.var_lower, model.var_upper
    return float(np.sum(np.where(c > 0, c * hi, c * lo)))


def _dual_bound(model: PortfolioModel, rows: np.ndarray) -> float:
    """Weak-duality bound ``u.y + ub.z`` from a cheap dual point on ``<=`` rows.

    Each candidate spreads ``max(c, 0)`` over its positive entries in ``rows``
    (``y_r`` = largest share asked of row r) and ``z = max(0, c - A^T y)``.
    Any ``y, z >= 0`` with ``A^T y + z >= c`` bounds the relaxation
    ``{A x <= u, 0 <= x <= ub}``, hence every feasible portfolio.
    """
    A = model.A[rows].tocsr()
    pos = A.maximum(0).tocsr()
    pos.eliminate_zeros()
    weight = np.asarray(pos.sum(axis=0)).ravel()
    share = np.divide(np.maximum(model.c, 0.0), weight, out=np.zeros_like(weight), where=weight > 0)
    asks = pos.copy()
    asks.data = share[asks.indices]
    y = asks.max(axis=1).toarray().ravel() if asks.shape[0] else np.zeros(0)
    z = np.maximum(model.c - A.T @ y, 0.0)
    return float(model.row_upper[rows] @ y + model.var_upper @ z)


def cheap_bound(model: PortfolioModel) -> float:
    """Valid upper bound on the optimum without a solver (best of a few dual points)."""
    best = trivial_bound(model)
    le = np.flatnonzero(np.isfinite(model.row_upper))
    if len(le):
        tight = le[model.row_upper[le] <= 1.0]  # e.g. slot rows: cheapest to price
        for rows in (le, tight):
            if len(rows):
                best = min(best, _dual_bound(model, rows))
    return best


def greedy_start(model: PortfolioModel) -> np.ndarray | None:
    """Feasible 0/1 portfolio by a greedy pass.

    Forced candidates first, then candidates by objective per unit of
    capacity used (``c / sum_r |a_rj| / u_r`` over ``<=`` rows), each taken
    when it still fits.  Returns None when the result misses a ``>=`` row
    (forced pairs).
    """
    x = np.where(model.var_upper > 0, model.var_lower, 0.0)
    if not is_feasible(model, x):
        return None
    A = model.A.tocsc()
    slack = (model.row_upper - model.A @ x).tolist()
    u = model.row_upper
    weight = np.where(np.isfinite(u), 1.0 / np.maximum(u, 1e-9), 0.0)
    use = abs(model.A).T @ weight if model.n_constraints else np.zeros(model.n_variables)
    score = model.c / np.maximum(use, 1e-12)
    free = np.flatnonzero((x == 0) & (model.var_upper >= 1) & (model.c > 0))
    order = free[np.argsort(-score[free], kind="stable")].tolist()
    ptr, idx, val = A.indptr.tolist(), A.indices.tolist(), A.data.tolist()
    chosen = []
    for j in order:
        span = range(ptr[j], ptr[j + 1])
        if all(val[p] <= slack[idx[p]] + 1e-9 for p in span):
            for p in span:
                slack[idx[p]] -= val[p]
            chosen.append(j)
    x[chosen] = 1.0
    return x if is_feasible(model, x) else None


def greedy_solution(c, A_csc, row_lower, row_upper, var_lower, var_upper,
                    priority: np.ndarray | None = None) -> np.ndarray | None:
    """A feasible 0/1 start: forced columns, then the best columns that keep every row within bounds.

    Only for packing rows (non-negative coefficients, lower bounds <= 0); returns None
    when the start violates a row (e.g. a forced pair that greed does not satisfy).
    """
    x = (var_lower > 0.5).astype(float)
    activity = A_csc.tocsr() @ x
    order = np.lexsort((-c, -priority)) if priority is not None else np.argsort(-c, kind="stable")
    _greedy_fill(A_csc.indptr, A_csc.indices, A_csc.data.astype(float), order.astype(np.int64), x, activity,
                 np.asarray(row_upper, dtype=float), np.asarray(var_upper, dtype=float), np.asarray(c, dtype=float))
    ok = np.all(activity >= row_lower - 1e-9) and np.all(activity <= row_upper + 1e-9)
    return x if ok else None


@lazy_njit()
def _greedy_fill(indptr, indices, data, order, x, activity, row_upper, var_upper, c):
    """Set ``x[j] = 1`` in ``order`` for every column with ``c[j] > 0`` that keeps its rows
    within ``row_upper`` (``activity`` updated in place): the loop of :func:`greedy_solution`."""
    for j in order:
        if x[j] > 0.0 or var_upper[j] < 0.5 or c[j] <= 0.0:
            continue
        fits = True
        for k in range(indptr[j], indptr[j + 1]):
            if activity[indices[k]] + data[k] > row_upper[indices[k]] + 1e-9:
                fits = False
                break
        if fits:
            x[j] = 1.0
            for k in range(indptr[j], indptr[j + 1]):
                activity[indices[k]] += data[k]


def usable_start(model: PortfolioModel, warm_start) -> np.ndarray | None:
    """``warm_start`` as floats when it has the model's size and is feasible, else None."""
    if warm_start is None:
        return None
    warm = np.asarray(warm_start, dtype=float)
    if warm.shape != (model.n_variables,) or not is_feasible(model, warm):
        return None
    return warm
