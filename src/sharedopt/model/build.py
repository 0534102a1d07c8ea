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
from sharedopt.model.exclusions import known_ids
from sharedopt.model.incidence import all_incidences, member_incidence, service_incidence, slot_incidence
from sharedopt.model.rows import ROW_KINDS, ModelFacts, RowBlock, exclusions

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
        Wall time of :func:`build_model`, the dominance and packing searches included.
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


def _stack(blocks: list[RowBlock], n: int) -> RowBlock:
    if not blocks:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in ROW_COLUMNS})
        empty["limit"] = empty["limit"].astype(float)
        return RowBlock(sp.csr_matrix((0, n)), np.zeros(0), np.zeros(0), empty)
    return RowBlock(
        sp.vstack([b.A for b in blocks], format="csr"),
        np.concatenate([b.lower for b in blocks]),
        np.concatenate([b.upper for b in blocks]),
        pd.concat([b.rows for b in blocks], ignore_index=True),
    )


def _drop_redundant(block: RowBlock, lb: np.ndarray, ub: np.ndarray, tol: float = 1e-9) -> RowBlock:
    """Remove rows that hold for every x in the variable box (never binding)."""
    if block.A.shape[0] == 0:
        return block
    lo, hi = row_activity_bounds(block.A, lb, ub)
    keep = ~((lo >= block.lower - tol) & (hi <= block.upper + tol))
    A = block.A[keep]
    A.eliminate_zeros()
    return RowBlock(
        A.tocsr(), block.lower[keep], block.upper[keep], block.rows[keep].reset_index(drop=True)
    )


def build_model(
    candidates: pd.DataFrame, constraints: Constraints | None = None, *, packings: bool = True
) -> PortfolioModel:
    """Build the 0/1 portfolio programme in bulk.

    Parameters
    ----------
    candidates : DataFrame
        One row per candidate collaboration (see module docs for columns).
    constraints : Constraints, optional
        Defaults to ``Constraints()``.
    packings : bool, default True
        Search every candidate for a packing of others that dominates it
        (:mod:`sharedopt.model.packing_dominance`). An exact reduction the solve step may use, not
        a constraint: without it the optimum is the same. A Monte Carlo draw skips it (on England it
        is about 2 s of a draw and does not shorten the solve).

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
    facts = ModelFacts(candidates, cons, S, slots, M, auth, V, services)
    excluded = exclusions(facts)
    lb, ub = _variable_bounds(ids, excluded, cons)
    blocks = [b for kind in ROW_KINDS.values() if kind.define is not None for b in kind.define(facts)]
    block = _drop_redundant(_stack(blocks, n), lb, ub)
    c = pd.to_numeric(candidates[obj_col]).to_numpy(dtype=float)
    dominated_by = verified_dominators(block, c, dominator_guesses(mem, svc, c))
    packed = find_packings(mem, svc, c, block.A, block.lower, block.upper, lb, ub) if packings else None
    return PortfolioModel(
        candidate_ids=ids.to_numpy(dtype=object), c=c, A=block.A, row_lower=block.lower,
        row_upper=block.upper, var_lower=lb, var_upper=ub, rows=block.rows, excluded=excluded,
        objective_name=cons.objective, build_seconds=perf_counter() - t0,  # the dominance searches included
        dominated_by=dominated_by, packings=packed,
    )


def _variable_bounds(ids: pd.Index, excluded: pd.Series, cons: Constraints) -> tuple[np.ndarray, np.ndarray]:
    """Lower bounds (1 for forced candidates) and upper bounds (0 for excluded ones)."""
    lb = np.zeros(len(ids))
    ub = np.where(excluded.to_numpy() != "", 0.0, 1.0)
    lb[known_ids(ids, list(cons.forced), "forced")] = 1.0
    return lb, ub


