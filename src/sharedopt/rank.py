"""Rank candidates against a solved portfolio and price forcing them in."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from .diagnose import InfeasibleError
from .model import REQUIRED_COLUMNS, PortfolioModel, slot_incidence
from .solve import SolverOptions, piece_labels, solve, submodel

__all__ = ["rank_candidates", "portfolio_table", "loss_if_forced", "conflicts_with"]

_TOL = 1e-6
PORTFOLIO_COLUMNS = list(REQUIRED_COLUMNS)


def _aligned(candidates: pd.DataFrame, model: PortfolioModel, chosen) -> np.ndarray:
    ids = candidates["candidate_id"].astype(str).to_numpy()
    if len(ids) != model.n_variables or not np.array_equal(ids, model.candidate_ids.astype(str)):
        raise ValueError("candidates and model are not aligned (build the model from this table)")
    chosen = np.asarray(chosen).astype(bool)
    if chosen.shape != ids.shape:
        raise ValueError(f"chosen has shape {chosen.shape}, expected {ids.shape}")
    return chosen


def conflicts_with(candidates: pd.DataFrame, chosen: np.ndarray) -> list[str]:
    """Per candidate, ';'-joined ids of chosen candidates sharing a slot ('' if chosen)."""
    S, _ = slot_incidence(candidates)
    ids = candidates["candidate_id"].astype(str).to_numpy()
    chosen = np.asarray(chosen).astype(bool)
    chosen_idx = np.flatnonzero(chosen)
    C = (S @ S[chosen_idx].T).tocsr()
    C.eliminate_zeros()
    out = []
    for j in range(len(ids)):
        hits = chosen_idx[C.indices[C.indptr[j] : C.indptr[j + 1]]]
        out.append("" if chosen[j] else ";".join(sorted(ids[hits])))
    return out


def _repaired_start(model: PortfolioModel, x: np.ndarray, j: int) -> np.ndarray | None:
    """Current portfolio with ``j`` added and conflicting picks dropped (None if not feasible)."""
    x = x.astype(float).copy()
    x[j] = 1.0
    A, ptr = model.A, model.A.indptr
    for _ in range(int(x.sum()) + 1):
        viol = np.flatnonzero(A @ x > model.row_upper + _TOL)
        if not len(viol):
            break
        i = viol[0]
        cols, coef = A.indices[ptr[i] : ptr[i + 1]], A.data[ptr[i] : ptr[i + 1]]
        can_drop = cols[(coef > 0) & (x[cols] > 0.5) & (model.var_lower[cols] < 0.5) & (cols != j)]
        if not len(can_drop):
            return None
        x[can_drop[np.argmin(model.c[can_drop])]] = 0.0
    act = A @ x
    ok = np.all(act <= model.row_upper + _TOL) and np.all(act >= model.row_lower - _TOL)
    return x if ok else None


def loss_if_forced(
    model: PortfolioModel,
    chosen: np.ndarray,
    j: int,
    options: SolverOptions | None = None,
    labels: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[float, str]:
    """Objective lost when candidate ``j`` is forced into the portfolio.

    Parameters
    ----------
    model : PortfolioModel
    chosen : ndarray
        Current 0/1 portfolio aligned with the model.
    j : int
        Candidate position.
    options : SolverOptions, optional
        With ``decompose`` only the piece containing ``j`` is re-solved.
    labels : tuple, optional
        Cached :func:`~sharedopt.solve.piece_labels` output.

    Returns
    -------
    loss : float
        ``objective(current) - objective(forced)``; ``inf`` when forcing is infeasible.
    status : str
        Status of the re-solve ('infeasible' when forcing is impossible).
    """
    options = options or SolverOptions()
    x = np.asarray(chosen, dtype=float)
    if options.decompose:
        col_lab, row_lab = labels if labels is not None else piece_labels(model)
        cols = np.flatnonzero(col_lab == col_lab[j]) if col_lab[j] >= 0 else np.array([j])
        rows = np.flatnonzero(row_lab == col_lab[j]) if col_lab[j] >= 0 else None
        sub = submodel(model, cols, rows)
        pos = int(np.searchsorted(cols, j))
    else:
        cols, sub, pos = np.arange(model.n_variables), model, j
    lower = sub.var_lower.copy()
    lower[pos] = 1.0
    forced = replace(sub, var_lower=lower)
    start = _repaired_start(forced, x[cols], pos)
    try:
        res, _ = solve(forced, options, warm_start=start)
    except InfeasibleError:
        return float("inf"), "infeasible"
    if res.objective is None:
        return float("nan"), res.status
    return float(model.c[cols] @ x[cols] - res.objective), res.status


def rank_candidates(
    candidates: pd.DataFrame,
    chosen: np.ndarray,
    model: PortfolioModel,
    options: SolverOptions | None = None,
    top_n: int = 20,
) -> pd.DataFrame:
    """Every candidate ranked by NPV, with its relation to the chosen portfolio.

    Parameters
    ----------
    candidates : DataFrame
        The table the model was built from (same order).
    chosen : array-like of 0/1
        Portfolio from :func:`~sharedopt.solve.solve`.
    model : PortfolioModel
    options : SolverOptions, optional
        For the re-solves (``decompose`` -> only the affected piece).
    top_n : int
        How many of the best not-chosen, non-excluded candidates get a
        ``loss_if_forced_gbp_k``.

    Returns
    -------
    DataFrame
        Candidate columns plus ``rank`` (1 = highest ``npv_gbp_k``, ties by
        ``candidate_id``), ``chosen``, ``conflicts_with``, ``excluded_reason``,
        ``loss_if_forced_gbp_k`` (model objective units; NaN when not computed,
        inf when forcing is infeasible) and ``forced_status``; sorted by rank.
    """
    chosen = _aligned(candidates, model, chosen)
    ids = candidates["candidate_id"].astype(str).to_numpy()
    npv = pd.to_numeric(candidates["npv_gbp_k"]).to_numpy(float)
    order = np.lexsort((ids, -npv))
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(1, len(ids) + 1)

    out = candidates.reset_index(drop=True).copy()
    out["rank"] = rank
    out["chosen"] = chosen
    out["conflicts_with"] = conflicts_with(candidates, chosen)
    out["excluded_reason"] = model.excluded.to_numpy()
    loss = np.full(len(ids), np.nan)
    status = np.full(len(ids), "", dtype=object)
    eligible = [j for j in order if not chosen[j] and model.var_upper[j] > 0][: max(top_n, 0)]
    labels = piece_labels(model) if (options or SolverOptions()).decompose and eligible else None
    for j in eligible:
        loss[j], status[j] = loss_if_forced(model, chosen, int(j), options, labels)
    out["loss_if_forced_gbp_k"] = loss
    out["forced_status"] = status
    return out.sort_values("rank", kind="stable").reset_index(drop=True)


def portfolio_table(candidates: pd.DataFrame, chosen: np.ndarray) -> pd.DataFrame:
    """Chosen candidates, best NPV first, with running totals.

    Parameters
    ----------
    candidates : DataFrame
    chosen : array-like of 0/1, aligned with ``candidates``

    Returns
    -------
    DataFrame
        Contract columns present in ``candidates`` plus
        ``cumulative_npv_gbp_k`` and ``cumulative_one_off_cost_gbp_k``.
    """
    chosen = np.asarray(chosen).astype(bool)
    if chosen.shape != (len(candidates),):
        raise ValueError(f"chosen has shape {chosen.shape}, expected ({len(candidates)},)")
    cols = [c for c in PORTFOLIO_COLUMNS if c in candidates.columns]
    tab = candidates.loc[chosen, cols].copy()
    tab["_id"] = tab["candidate_id"].astype(str)
    tab = tab.sort_values(["npv_gbp_k", "_id"], ascending=[False, True]).drop(columns="_id")
    tab["cumulative_npv_gbp_k"] = tab["npv_gbp_k"].cumsum()
    tab["cumulative_one_off_cost_gbp_k"] = tab["one_off_cost_gbp_k"].cumsum()
    return tab.reset_index(drop=True)
