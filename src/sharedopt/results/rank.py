"""Rank candidates against a solved portfolio and price forcing them in.

"Loss if forced" is ``z* - f*``: the best portfolio's value minus the best value
with the candidate forced in. Both come from re-solves of the piece that holds the
candidate, run with a deterministic work limit (``SolverOptions.node_limit``) so
that the figures do not depend on machine load; the wall-clock limit is only a
safety net and, when it fires, the status says so (a run's time budget,
:class:`~sharedopt.solve.budget.Budget`, can only shorten that net: 'time budget' is said
when a re-solve stopped on a limit the budget had cut). What is written is what is
proven: with base incumbent/bound ``z_b <= z* <= U_b`` and forced incumbent/bound
``z_f <= f* <= U_f``, the loss lies in ``[max(0, z_b - U_f), U_b - z_f]``; the
point value is given only when both re-solves are optimal (within ``mip_gap``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from sharedopt.candidates.table import CANDIDATE_ID, NPV
from sharedopt.solve.diagnose import InfeasibleError
from sharedopt.model.build import PortfolioModel, slot_incidence
from sharedopt.config.solver import SolverOptions
from sharedopt.solve.api import solve
from sharedopt.solve.budget import Budget
from sharedopt.solve.backends.registry import backend_for
from sharedopt.solve.pieces import map_pieces, piece_labels, piece_workers, submodel
from sharedopt.solve.status import Status, StoppedBy

__all__ = ["by_rank", "rank_candidates", "ranked_table", "with_forced_losses", "loss_if_forced", "forced_loss", "ForcedLoss",
           "conflicts_with"]

_TOL = 1e-6
#: the loss-if-forced columns (the status column aside), filled by :func:`with_forced_losses`
LOSS_COLUMNS = ("loss_if_forced_gbp_k", "loss_if_forced_low_gbp_k", "loss_if_forced_high_gbp_k")


def _aligned(candidates: pd.DataFrame, model: PortfolioModel, chosen) -> np.ndarray:
    ids = candidates[CANDIDATE_ID].astype(str).to_numpy()
    if len(ids) != model.n_variables or not np.array_equal(ids, model.candidate_ids.astype(str)):
        raise ValueError("candidates and model are not aligned (build the model from this table)")
    chosen = np.asarray(chosen).astype(bool)
    if chosen.shape != ids.shape:
        raise ValueError(f"chosen has shape {chosen.shape}, expected {ids.shape}")
    return chosen


def conflicts_with(candidates: pd.DataFrame, chosen: np.ndarray) -> list[str]:
    """Per candidate, ';'-joined ids of chosen candidates sharing a slot ('' if chosen)."""
    S, _ = slot_incidence(candidates)
    ids = candidates[CANDIDATE_ID].astype(str).to_numpy()
    chosen = np.asarray(chosen).astype(bool)
    chosen_idx = np.flatnonzero(chosen)
    chosen_idx = chosen_idx[np.argsort(ids[chosen_idx], kind="stable")]   # by id: each row's hits come sorted
    C = (S @ S[chosen_idx].T).tocsr()
    C.eliminate_zeros()
    C.sort_indices()
    names, hits, ptr = ids[chosen_idx].tolist(), C.indices.tolist(), C.indptr.tolist()
    return ["" if is_chosen else ";".join([names[k] for k in hits[ptr[j]:ptr[j + 1]]])
            for j, is_chosen in enumerate(chosen.tolist())]


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


@dataclass(frozen=True)
class ForcedLoss:
    """What is proven about the loss of forcing one candidate in.

    Attributes
    ----------
    low, high : float
        The loss lies in ``[low, high]`` (both ``inf`` when forcing is infeasible).
    point : float
        The loss when both re-solves are optimal (within ``mip_gap``), else NaN.
    status : str
        'optimal', 'infeasible', 'bounds (work limit)', 'bounds (time limit: safety net)'
        (the interval then may depend on machine load), 'bounds (time budget)' (stopped
        because the run's time budget was nearly spent) or 'bounds'.
    """

    low: float
    high: float
    point: float
    status: str


@dataclass(frozen=True)
class _Resolve:
    """Incumbent, bound, whether proven, and which limit stopped a re-solve."""

    value: float
    bound: float
    proven: bool
    stopped_by: StoppedBy


def _resolve(model: PortfolioModel, options: SolverOptions, start: np.ndarray | None,
             floor: float = -math.inf, budget: Budget | None = None) -> _Resolve | None:
    """Re-solve ``model`` within the run's ``budget``; None when infeasible. ``floor`` is a known
    feasible value."""
    cut = budget is not None and budget.cuts(options.time_limit)
    try:
        res, _ = solve(model, options, warm_start=start, budget=budget)
    except InfeasibleError:
        return None
    value = max(res.objective if res.objective is not None else -math.inf, floor)
    bound = res.best_bound if res.best_bound is not None else math.inf
    stopped_by = StoppedBy.TIME_BUDGET if cut and res.stopped_by == StoppedBy.TIME_LIMIT else res.stopped_by
    return _Resolve(value, max(bound, value), res.status == Status.OPTIMAL, stopped_by)


def _base_resolves(model: PortfolioModel, chosen: np.ndarray, eligible: list[int], options: SolverOptions,
                   labels, budget: Budget | None, workers: int) -> dict:
    """The base re-solve of each piece holding an eligible candidate, ``workers`` at a time, keyed as
    :func:`forced_loss` keys its cache (by the piece's first column)."""
    x = np.asarray(chosen, dtype=float)
    firsts = {int(_piece_columns(model, j, options, labels)[0]): j for j in reversed(eligible)}
    pieces = {key: _piece_of(model, firsts[key], options, labels) for key in sorted(firsts)}

    def base(key: int) -> _Resolve | None:
        cols, sub = pieces[key]
        return _resolve(sub, options, x[cols], float(model.c[cols] @ x[cols]), budget)

    return dict(zip(pieces, map_pieces(base, list(pieces), workers)))


def _piece_columns(model: PortfolioModel, j: int, options: SolverOptions, labels) -> np.ndarray:
    """Columns of the piece holding ``j``, sorted (all of them without decomposition)."""
    if not options.decompose:
        return np.arange(model.n_variables)
    col_lab = (labels if labels is not None else piece_labels(model))[0]
    return np.flatnonzero(col_lab == col_lab[j]) if col_lab[j] >= 0 else np.array([j])


def _piece_of(model: PortfolioModel, j: int, options: SolverOptions, labels):
    """(columns, submodel) of the piece holding ``j`` (the whole model without decomposition)."""
    if not options.decompose:
        return _piece_columns(model, j, options, labels), model
    labels = labels if labels is not None else piece_labels(model)
    cols, (col_lab, row_lab) = _piece_columns(model, j, options, labels), labels
    rows = np.flatnonzero(row_lab == col_lab[j]) if col_lab[j] >= 0 else None
    return cols, submodel(model, cols, rows)


def _status(base: _Resolve, forced: _Resolve) -> str:
    if base.proven and forced.proven:
        return Status.OPTIMAL
    limits = {base.stopped_by, forced.stopped_by}
    if StoppedBy.TIME_BUDGET in limits:
        return f"bounds ({StoppedBy.TIME_BUDGET})"
    if StoppedBy.TIME_LIMIT in limits:
        return f"bounds ({StoppedBy.TIME_LIMIT}: safety net)"
    return f"bounds ({StoppedBy.WORK_LIMIT})" if StoppedBy.WORK_LIMIT in limits else "bounds"


def forced_loss(
    model: PortfolioModel,
    chosen: np.ndarray,
    j: int,
    options: SolverOptions | None = None,
    labels: tuple[np.ndarray, np.ndarray] | None = None,
    base_cache: dict | None = None,
    budget: Budget | None = None,
) -> ForcedLoss:
    """What is proven about the objective lost when candidate ``j`` is forced in.

    Parameters
    ----------
    model : PortfolioModel
    chosen : ndarray
        Current 0/1 portfolio aligned with the model (a known feasible value).
    j : int
        Candidate position.
    options : SolverOptions, optional
        For both re-solves; set ``node_limit`` for results that do not depend on load.
    labels : tuple, optional
        Cached :func:`~sharedopt.solve.pieces.piece_labels` output.
    base_cache : dict, optional
        Base re-solves by piece, shared between calls.
    budget : Budget, optional
        The run's time budget: each re-solve's time limit is capped by what is left of it.

    Returns
    -------
    ForcedLoss
    """
    options = options or SolverOptions()
    x = np.asarray(chosen, dtype=float)
    cols, sub = _piece_of(model, j, options, labels)
    key = int(cols[0]) if len(cols) else -1
    cache = base_cache if base_cache is not None else {}
    if key not in cache:
        cache[key] = _resolve(sub, options, x[cols], float(model.c[cols] @ x[cols]), budget)
    base = cache[key]
    pos = int(np.searchsorted(cols, j))
    lower = sub.var_lower.copy()
    lower[pos] = 1.0
    forced_model = replace(sub, var_lower=lower)
    forced = _resolve(forced_model, options, _repaired_start(forced_model, x[cols], pos), budget=budget)
    if forced is None or base is None:
        return ForcedLoss(math.inf, math.inf, math.inf, Status.INFEASIBLE)
    low = max(0.0, base.value - forced.bound)
    high = max(low, base.bound - forced.value)
    status = _status(base, forced)
    point = max(0.0, base.value - forced.value) if status == Status.OPTIMAL else math.nan
    return ForcedLoss(low, high, point, status)


def loss_if_forced(
    model: PortfolioModel,
    chosen: np.ndarray,
    j: int,
    options: SolverOptions | None = None,
    labels: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[float, str]:
    """Objective lost when candidate ``j`` is forced into the portfolio (point value only).

    See :func:`forced_loss` for the proven interval.

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
        Cached :func:`~sharedopt.solve.pieces.piece_labels` output.

    Returns
    -------
    loss : float
        ``optimum - optimum(forced)`` when both are proven; ``inf`` when forcing is
        infeasible; NaN when not proven (see :func:`forced_loss`).
    status : str
        :attr:`ForcedLoss.status`.
    """
    out = forced_loss(model, chosen, j, options, labels)
    return out.point, out.status


def rank_candidates(
    candidates: pd.DataFrame,
    chosen: np.ndarray,
    model: PortfolioModel,
    options: SolverOptions | None = None,
    top_n: int = 20,
    budget: Budget | None = None,
) -> pd.DataFrame:
    """Every candidate ranked by NPV, with its relation to the chosen portfolio.

    Parameters
    ----------
    candidates : DataFrame
        The table the model was built from (same order).
    chosen : array-like of 0/1
        Portfolio from :func:`~sharedopt.solve.api.solve`.
    model : PortfolioModel
    options : SolverOptions, optional
        For the re-solves (``decompose`` -> only the affected piece).
    top_n : int
        How many of the best not-chosen, non-excluded candidates get a
        ``loss_if_forced_gbp_k``.
    budget : Budget, optional
        The run's time budget: caps every re-solve's time limit (None: ``options.time_limit``).

    Returns
    -------
    DataFrame
        Candidate columns plus ``rank`` (1 = highest ``npv_gbp_k``, ties by
        ``candidate_id``), ``chosen``, ``conflicts_with``, ``excluded_reason``,
        ``loss_if_forced_gbp_k`` (model objective units; the proven value, NaN when
        not computed or not proven, inf when forcing is infeasible),
        ``loss_if_forced_low_gbp_k`` / ``loss_if_forced_high_gbp_k`` (the proven
        interval, see :func:`forced_loss`) and ``forced_status``; sorted by rank.
    """
    return by_rank(with_forced_losses(ranked_table(candidates, chosen, model), model, options, top_n, budget))


def by_rank(table: pd.DataFrame) -> pd.DataFrame:
    """The ranked table sorted by ``rank`` (a fresh 0..n-1 index)."""
    return table.sort_values("rank", kind="stable").reset_index(drop=True)


def ranked_table(candidates: pd.DataFrame, chosen: np.ndarray, model: PortfolioModel) -> pd.DataFrame:
    """:func:`rank_candidates` before its re-solves: every loss column empty (NaN, status ''), table order.

    The chosen rows are final here: no chosen candidate gets a loss-if-forced figure.

    Parameters
    ----------
    candidates : DataFrame
        The table the model was built from (same order).
    chosen : array-like of 0/1
    model : PortfolioModel

    Returns
    -------
    DataFrame
        In the candidates' order (not sorted by rank).
    """
    chosen = _aligned(candidates, model, chosen)
    ids = candidates[CANDIDATE_ID].astype(str).to_numpy()
    npv = pd.to_numeric(candidates[NPV]).to_numpy(float)
    rank = np.empty(len(ids), dtype=np.int64)
    rank[np.lexsort((ids, -npv))] = np.arange(1, len(ids) + 1)
    out = candidates.reset_index(drop=True).copy()
    out["rank"] = rank
    out["chosen"] = chosen
    out["conflicts_with"] = conflicts_with(candidates, chosen)
    out["excluded_reason"] = model.excluded.to_numpy()
    for column in LOSS_COLUMNS:
        out[column] = np.full(len(ids), np.nan)
    out["forced_status"] = np.full(len(ids), "", dtype=object)
    return out


def with_forced_losses(table: pd.DataFrame, model: PortfolioModel, options: SolverOptions | None = None,
                       top_n: int = 20, budget: Budget | None = None) -> pd.DataFrame:
    """Fill :func:`ranked_table`'s loss-if-forced columns for its best ``top_n`` candidates not chosen.

    Parameters
    ----------
    table : DataFrame
        From :func:`ranked_table` (table order).
    model : PortfolioModel
    options : SolverOptions, optional
    top_n : int
    budget : Budget, optional
        See :func:`rank_candidates`.

    Returns
    -------
    DataFrame
        ``table`` with its loss columns filled (the same frame, table order).
    """
    chosen = table["chosen"].to_numpy(bool)
    order = np.argsort(table["rank"].to_numpy(), kind="stable")
    loss, low, high = (table[column].to_numpy(float).copy() for column in LOSS_COLUMNS)
    status = table["forced_status"].to_numpy(object).copy()
    eligible = [int(j) for j in order if not chosen[j] and model.var_upper[j] > 0][: max(top_n, 0)]
    options = options or SolverOptions()
    labels = piece_labels(model) if options.decompose and eligible else None
    workers = piece_workers(options, backend_for(options).parallel_pieces, len(eligible))
    cache = _base_resolves(model, chosen, eligible, options, labels, budget, workers)
    found = map_pieces(lambda j: forced_loss(model, chosen, j, options, labels, cache, budget), eligible, workers)
    for j, got in zip(eligible, found):
        loss[j], low[j], high[j], status[j] = got.point, got.low, got.high, got.status
    for column, values in zip(LOSS_COLUMNS, (loss, low, high)):
        table[column] = values
    table["forced_status"] = status
    return table
