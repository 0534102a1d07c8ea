"""Portfolio model: candidate collaborations -> 0/1 linear programme.

The model is built in bulk with numpy / scipy.sparse and kept as plain arrays
(:class:`PortfolioModel`).  Steps, each callable alone (PyPSA style):

1. :func:`build_model` -- candidates + :class:`Constraints` -> :class:`PortfolioModel`
2. :func:`sharedopt.solve.backends.pulp_view.to_pulp` / ``build_pulp`` -- optional PuLP view (for user hooks, CBC)
3. :func:`sharedopt.solve.api.solve` -- solve, returning a frozen result + chosen array

Every variable ``x_j`` is 1 when candidate ``j`` is chosen.  The objective is
maximised.  Rows are ``row_lower <= A x <= row_upper``.
"""

from __future__ import annotations

from dataclasses import dataclass
from time import perf_counter

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sharedopt.candidates.table import (
    ANNUAL_NET_SAVING, ANNUAL_SAVING, CANDIDATE_ID, GENERAL_FUND_NPV, KIND, MEMBERS, NPV, N_MEMBERS, ONE_OFF_COST,
    PAYBACK_YEARS, SERVICES,
)
from sharedopt.config.constraints import Constraints, ExistingPartnership
from sharedopt.model.dominance import dominator_guesses, verified_dominators
from sharedopt.model.packing_dominance import Packings, find_packings
from sharedopt.model.exclusions import exclusions, known_ids, pair_mask
from sharedopt.model.incidence import all_incidences, member_incidence, service_incidence, slot_incidence
from sharedopt.model.rows import RowGroup

__all__ = [
    "ExistingPartnership",
    "Constraints",
    "PortfolioModel",
    "slot_incidence",
    "member_incidence",
    "service_incidence",
    "build_model",
    "row_activity_bounds",
]

REQUIRED_COLUMNS = (
    CANDIDATE_ID,
    KIND,
    SERVICES,
    MEMBERS,
    N_MEMBERS,
    ANNUAL_SAVING,
    ANNUAL_NET_SAVING,
    ONE_OFF_COST,
    NPV,
    PAYBACK_YEARS,
)
OBJECTIVE_COLUMNS = {"npv": NPV, "annual_net_saving": ANNUAL_NET_SAVING, "general_fund_npv": GENERAL_FUND_NPV}
ROW_COLUMNS = ["group", "key", "limit", "note"]



# --------------------------------------------------------------------------
# model container
# --------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class PortfolioModel:
    """Arrays of the 0/1 programme ``max c x  s.t.  row_lower <= A x <= row_upper``.

    Attributes
    ----------
    candidate_ids : ndarray of str
        Variable ``j`` is candidate ``candidate_ids[j]`` (input row order).
    c : ndarray
        Objective coefficients (maximised).
    A : scipy.sparse.csr_matrix
        Constraint matrix, shape (n_constraints, n_variables).
    row_lower, row_upper : ndarray
        Row bounds (``-inf`` / ``inf`` when absent).
    var_lower, var_upper : ndarray
        Variable bounds: forced -> lower 1, excluded -> upper 0.
    rows : DataFrame
        One row per constraint: ``group`` (a :class:`sharedopt.model.rows.RowGroup`),
        ``key``, ``limit``, ``note``.
    excluded : Series of str
        Indexed by candidate id; why a candidate is fixed to 0 ('' if not).
    objective_name : str
        'npv' or 'annual_net_saving'.
    build_seconds : float
        Wall time of :func:`build_model`.
    dominated_by : ndarray of int or None
        ``k`` when candidate ``k`` dominates this one (members and services a
        subset, objective at least as high, every row coefficient at most as
        high, and the two can never be chosen together), else -1.  Used by the
        solve step to drop dominated candidates exactly; never an exclusion.
    outer_bound : float or None
        When the candidates are a generated subset of a larger space
        (:mod:`sharedopt.solve.generate`): an upper bound on the optimum over the whole
        space. The solve step reports its gap against it.
    packings : Packings or None
        Per candidate, a packing of candidates that dominates it exactly (any group
        size, :mod:`sharedopt.model.packing_dominance`); used by the solve step like
        ``dominated_by``.
    """

    candidate_ids: np.ndarray
    c: np.ndarray
    A: sp.csr_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    var_lower: np.ndarray
    var_upper: np.ndarray
    rows: pd.DataFrame
    excluded: pd.Series
    objective_name: str = "npv"
    build_seconds: float = 0.0
    dominated_by: np.ndarray | None = None
    outer_bound: float | None = None
    packings: Packings | None = None

    @property
    def n_variables(self) -> int:
        """Number of candidates (variables)."""
        return int(len(self.c))

    @property
    def n_constraints(self) -> int:
        """Number of rows."""
        return int(self.A.shape[0])

    @property
    def n_nonzeros(self) -> int:
        """Stored non-zeros of ``A``."""
        return int(self.A.nnz)


def row_activity_bounds(
    A: sp.csr_matrix, lower: np.ndarray, upper: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Smallest and largest ``A x`` over the box ``lower <= x <= upper``."""
    pos = A.maximum(0).tocsr()
    neg = A.minimum(0).tocsr()
    lo = np.minimum(lower, upper)  # inconsistent bounds handled by diagnostics
    hi = np.maximum(lower, upper)
    return pos @ lo + neg @ hi, pos @ hi + neg @ lo


# --------------------------------------------------------------------------
# build steps
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Block:
    A: sp.csr_matrix
    lower: np.ndarray
    upper: np.ndarray
    rows: pd.DataFrame


def _block(A, lower, upper, group: RowGroup, keys, limits, notes=None) -> _Block:
    k = A.shape[0]
    rows = pd.DataFrame(
        {
            "group": [group] * k,
            "key": [str(x) for x in keys],
            "limit": np.broadcast_to(np.asarray(limits, dtype=float), (k,)).copy(),
            "note": list(notes) if notes is not None else [""] * k,
        }
    )
    lower = np.broadcast_to(np.asarray(lower, dtype=float), (k,)).copy()
    upper = np.broadcast_to(np.asarray(upper, dtype=float), (k,)).copy()
    return _Block(sp.csr_matrix(A, dtype=np.float64), lower, upper, rows)


def _check_candidates(candidates: pd.DataFrame, objective_col: str) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in candidates.columns]
    if missing:
        raise ValueError(f"candidates table is missing columns: {missing}")
    ids = candidates[CANDIDATE_ID].astype(str)
    dup = ids[ids.duplicated()].unique()
    if len(dup):
        raise ValueError(f"candidate_id must be unique; duplicated: {list(dup[:10])}")
    obj = pd.to_numeric(candidates[objective_col], errors="coerce").to_numpy(float)
    if len(obj) and not np.isfinite(obj).all():
        bad = ids[~np.isfinite(obj)].tolist()[:10]
        raise ValueError(f"{objective_col} must be finite; bad candidates: {bad}")


def _slot_rows(S: sp.csr_matrix, slots: pd.DataFrame, cons: Constraints) -> list[_Block]:
    if not cons.one_partnership_per_slot or S.shape[1] == 0:
        return []
    keys = slots["authority"] + "|" + slots["service"]
    return [_block(S.T.tocsr(), -np.inf, 1.0, RowGroup.SLOT, keys, 1.0)]


def _existing_use(cons: Constraints) -> pd.Series:
    counts: dict[str, int] = {}
    for ex in cons.existing:
        for m in {str(m).strip() for m in ex.members}:
            counts[m] = counts.get(m, 0) + 1
    return pd.Series(counts, dtype=float)


def _capacities(
    index: pd.Index, default: int | float | None, overrides: dict[str, int]
) -> np.ndarray:
    cap = np.full(len(index), np.nan if default is None else float(default))
    pos = index.get_indexer(list(overrides))
    vals = np.array(list(overrides.values()), dtype=float)
    cap[pos[pos >= 0]] = vals[pos >= 0]
    return cap


def _capacity_block(incidence: sp.csr_matrix, index: pd.Index, cap: np.ndarray, used: np.ndarray | None,
                    group: RowGroup, notes=None) -> list[_Block]:
    """``sum of incidence columns <= cap - used`` for every entry of ``index`` with a capacity."""
    keep = np.flatnonzero(~np.isnan(cap))
    if not len(keep):
        return []
    used_keep = np.zeros(len(keep)) if used is None else used[keep]
    upper = np.maximum(cap[keep] - used_keep, 0.0)
    A = incidence[:, keep].T.tocsr()
    return [_block(A, -np.inf, upper, group, index[keep], cap[keep],
                   None if notes is None else [notes[i] for i in keep])]


def _governance_rows(M: sp.csr_matrix, auth: pd.Index, cons: Constraints) -> list[_Block]:
    cap = _capacities(auth, cons.governance_capacity, cons.governance_overrides)
    used = _existing_use(cons).reindex(auth).fillna(0.0).to_numpy()
    notes = [f"capacity {int(c)}" + (f", {int(u)} used by existing partnerships" if u else "")
             if not np.isnan(c) else "" for c, u in zip(cap, used)]
    return _capacity_block(M, auth, cap, used, RowGroup.GOVERNANCE, notes)


def _budget_rows(
    candidates: pd.DataFrame, M: sp.csr_matrix, auth: pd.Index, cons: Constraints
) -> list[_Block]:
    out: list[_Block] = []
    if cons.budget_total_gbp_k is None and cons.budget_per_authority_gbp_k is None:
        return out
    cost = pd.to_numeric(candidates[ONE_OFF_COST], errors="coerce").to_numpy(float)
    if len(cost) and not np.isfinite(cost).all():
        raise ValueError("one_off_cost_gbp_k must be finite when a budget is set")
    if cons.budget_total_gbp_k is not None:
        b = cons.budget_total_gbp_k
        out.append(_block(sp.csr_matrix(cost[None, :]), -np.inf, b, RowGroup.BUDGET_TOTAL, ["total"], b))
    if cons.budget_per_authority_gbp_k is not None and len(auth):
        b = cons.budget_per_authority_gbp_k
        n_mem = pd.to_numeric(candidates[N_MEMBERS], errors="coerce").to_numpy(float)
        n_mem = np.where(n_mem > 0, n_mem, np.asarray(M.sum(axis=1)).ravel())
        share = cost / np.maximum(n_mem, 1.0)
        A = M.multiply(share[:, None]).T.tocsr()
        out.append(_block(A, -np.inf, b, RowGroup.BUDGET_AUTHORITY, auth, b))
    return out


def _service_rows(V: sp.csr_matrix, services: pd.Index, cons: Constraints) -> list[_Block]:
    cap = _capacities(services, cons.max_per_service, cons.max_per_service_overrides)
    return _capacity_block(V, services, cap, None, RowGroup.MAX_PER_SERVICE)


def _forced_pair_rows(M: sp.csr_matrix, auth: pd.Index, cons: Constraints) -> list[_Block]:
    if not cons.forced_pairs:
        return []
    masks = np.vstack([pair_mask(M, auth, p) for p in cons.forced_pairs]).astype(float)
    keys = [f"{a}|{b}" for a, b in cons.forced_pairs]
    return [_block(sp.csr_matrix(masks), 1.0, np.inf, RowGroup.FORCED_PAIR, keys, 1.0)]


def _stack(blocks: list[_Block], n: int) -> _Block:
    if not blocks:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in ROW_COLUMNS})
        empty["limit"] = empty["limit"].astype(float)
        return _Block(sp.csr_matrix((0, n)), np.zeros(0), np.zeros(0), empty)
    return _Block(
        sp.vstack([b.A for b in blocks], format="csr"),
        np.concatenate([b.lower for b in blocks]),
        np.concatenate([b.upper for b in blocks]),
        pd.concat([b.rows for b in blocks], ignore_index=True),
    )


def _drop_redundant(block: _Block, lb: np.ndarray, ub: np.ndarray, tol: float = 1e-9) -> _Block:
    """Remove rows that hold for every x in the variable box (never binding)."""
    if block.A.shape[0] == 0:
        return block
    lo, hi = row_activity_bounds(block.A, lb, ub)
    keep = ~((lo >= block.lower - tol) & (hi <= block.upper + tol))
    A = block.A[keep]
    A.eliminate_zeros()
    return _Block(
        A.tocsr(), block.lower[keep], block.upper[keep], block.rows[keep].reset_index(drop=True)
    )


def build_model(
    candidates: pd.DataFrame, constraints: Constraints | None = None
) -> PortfolioModel:
    """Build the 0/1 portfolio programme in bulk.

    Parameters
    ----------
    candidates : DataFrame
        One row per candidate collaboration (see module docs for columns).
    constraints : Constraints, optional
        Defaults to ``Constraints()``.

    Returns
    -------
    PortfolioModel
        Arrays of the programme. Rows that can never bind (e.g. a slot used by
        a single candidate) are dropped.

    Raises
    ------
    ValueError
        Missing columns, duplicated ids, non-finite objective values, unknown
        forced/forbidden ids.
    """
    t0 = perf_counter()
    cons = constraints if constraints is not None else Constraints()
    obj_col = OBJECTIVE_COLUMNS[cons.objective]
    _check_candidates(candidates, obj_col)
    n = len(candidates)
    ids = pd.Index(candidates[CANDIDATE_ID].astype(str))

    S, slots, M, auth, V, services, mem, svc = all_incidences(candidates)
    excluded = exclusions(candidates, cons, S, slots, M, auth)
    lb, ub = _variable_bounds(ids, excluded, cons)
    blocks = (_slot_rows(S, slots, cons) + _governance_rows(M, auth, cons) + _budget_rows(candidates, M, auth, cons)
              + _service_rows(V, services, cons) + _forced_pair_rows(M, auth, cons))
    block = _drop_redundant(_stack(blocks, n), lb, ub)
    c = pd.to_numeric(candidates[obj_col]).to_numpy(dtype=float)
    return PortfolioModel(
        candidate_ids=ids.to_numpy(dtype=object), c=c, A=block.A, row_lower=block.lower,
        row_upper=block.upper, var_lower=lb, var_upper=ub, rows=block.rows, excluded=excluded,
        objective_name=cons.objective, build_seconds=perf_counter() - t0,
        dominated_by=verified_dominators(block, c, dominator_guesses(mem, svc, c)),
        packings=find_packings(mem, svc, c, block.A, block.lower, block.upper, lb, ub),
    )


def _variable_bounds(ids: pd.Index, excluded: pd.Series, cons: Constraints) -> tuple[np.ndarray, np.ndarray]:
    """Lower bounds (1 for forced candidates) and upper bounds (0 for excluded ones)."""
    lb = np.zeros(len(ids))
    ub = np.where(excluded.to_numpy() != "", 0.0, 1.0)
    lb[known_ids(ids, list(cons.forced), "forced")] = 1.0
    return lb, ub


