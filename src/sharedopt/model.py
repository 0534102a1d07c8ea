"""Portfolio model: candidate collaborations -> 0/1 linear programme.

The model is built in bulk with numpy / scipy.sparse and kept as plain arrays
(:class:`PortfolioModel`).  Steps, each callable alone (PyPSA style):

1. :func:`build_model` -- candidates + :class:`Constraints` -> :class:`PortfolioModel`
2. :func:`to_pulp` / :func:`build_pulp` -- optional PuLP view (for user hooks, CBC)
3. :func:`sharedopt.solve.solve` -- solve, returning a frozen result + chosen array

Every variable ``x_j`` is 1 when candidate ``j`` is chosen.  The objective is
maximised.  Rows are ``row_lower <= A x <= row_upper``.
"""

from __future__ import annotations

from dataclasses import dataclass
from time import perf_counter
from typing import Callable, Literal

import numpy as np
import pandas as pd
import pulp
import scipy.sparse as sp
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

__all__ = [
    "ExistingPartnership",
    "Constraints",
    "PortfolioModel",
    "ExtraHook",
    "slot_incidence",
    "member_incidence",
    "service_incidence",
    "build_model",
    "build_pulp",
    "to_pulp",
    "row_activity_bounds",
]

REQUIRED_COLUMNS = (
    "candidate_id",
    "kind",
    "services",
    "members",
    "n_members",
    "annual_saving_gbp_k",
    "annual_net_saving_gbp_k",
    "one_off_cost_gbp_k",
    "npv_gbp_k",
    "payback_years",
)
OBJECTIVE_COLUMNS = {"npv": "npv_gbp_k", "annual_net_saving": "annual_net_saving_gbp_k"}
ROW_COLUMNS = ["group", "key", "limit", "note"]

#: user hook applied to the PuLP problem before solving
ExtraHook = Callable[[pulp.LpProblem, dict[str, pulp.LpVariable]], None]


# --------------------------------------------------------------------------
# configuration
# --------------------------------------------------------------------------
class ExistingPartnership(BaseModel):
    """A partnership that already exists and is kept as it is.

    Parameters
    ----------
    service : str
        Service delivered by the partnership.
    members : list of str
        GSS codes of the member authorities.
    name : str, optional
        Label used in messages.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    service: str
    members: list[str]
    name: str = ""

    @field_validator("members")
    @classmethod
    def _members_not_empty(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("an existing partnership needs at least one member")
        if any(not str(m).strip() for m in v):
            raise ValueError("existing partnership members must be non-empty GSS codes")
        return v

    @property
    def label(self) -> str:
        """Name if given, else ``service:member;member``."""
        return self.name or f"{self.service}:{';'.join(self.members)}"


def _check_pair(pair: tuple[str, str], what: str) -> tuple[str, str]:
    a, b = (str(p).strip() for p in pair)
    if not a or not b:
        raise ValueError(f"{what} {pair!r}: both authority codes must be non-empty")
    if a == b:
        raise ValueError(f"{what} {pair!r}: the two authority codes must be distinct")
    return (a, b) if a < b else (b, a)


class Constraints(BaseModel):
    """Portfolio constraints (the ``[constraints]`` TOML section).

    Every constraint can be switched off with ``None`` / ``False`` / empty.

    Attributes
    ----------
    one_partnership_per_slot : bool
        An (authority, service) slot is in at most one chosen candidate.
    governance_capacity : int or None
        At most this many chosen candidates per authority (existing
        partnerships use one unit each).
    governance_overrides : dict of str to int
        Per-authority capacity (applies even when ``governance_capacity`` is None).
    budget_total_gbp_k : float or None
        Sum of one-off costs of chosen candidates.
    budget_per_authority_gbp_k : float or None
        Each member bears ``one_off_cost / n_members``.
    max_per_service : int or None
        At most this many chosen candidates covering a service.
    max_per_service_overrides : dict of str to int
        Per-service limit (applies even when ``max_per_service`` is None).
    forced, forbidden : list of str
        Candidate ids that must / must not be chosen.
    forced_pairs : list of (str, str)
        The two authorities must be together in at least one chosen candidate.
    forbidden_pairs : list of (str, str)
        The two authorities are never in the same chosen candidate.
    existing : list of ExistingPartnership
        Partnerships kept as they are; candidates using their slots are excluded.
    max_payback_years : float or None
        Candidates with a longer payback are excluded.
    objective : {'npv', 'annual_net_saving'}
        Quantity maximised.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    one_partnership_per_slot: bool = True
    governance_capacity: int | None = 3
    governance_overrides: dict[str, int] = {}
    budget_total_gbp_k: float | None = None
    budget_per_authority_gbp_k: float | None = None
    max_per_service: int | None = None
    max_per_service_overrides: dict[str, int] = {}
    forced: list[str] = []
    forbidden: list[str] = []
    forced_pairs: list[tuple[str, str]] = []
    forbidden_pairs: list[tuple[str, str]] = []
    existing: list[ExistingPartnership] = []
    max_payback_years: float | None = None
    objective: Literal["npv", "annual_net_saving"] = "npv"

    @field_validator(
        "governance_capacity",
        "budget_total_gbp_k",
        "budget_per_authority_gbp_k",
        "max_per_service",
        "max_payback_years",
    )
    @classmethod
    def _non_negative(cls, v: float | None, info) -> float | None:
        if v is not None and not (v >= 0):  # also rejects NaN
            raise ValueError(f"{info.field_name} must be >= 0 (got {v})")
        return v

    @field_validator("governance_overrides", "max_per_service_overrides")
    @classmethod
    def _non_negative_overrides(cls, v: dict[str, int], info) -> dict[str, int]:
        bad = {k: n for k, n in v.items() if n < 0}
        if bad:
            raise ValueError(f"{info.field_name} values must be >= 0 (got {bad})")
        return v

    @field_validator("forced_pairs", "forbidden_pairs")
    @classmethod
    def _valid_pairs(cls, v: list[tuple[str, str]], info) -> list[tuple[str, str]]:
        what = info.field_name.rstrip("s").replace("_", " ")
        return [_check_pair(p, what) for p in v]

    @model_validator(mode="after")
    def _pairs_not_both(self) -> "Constraints":
        both = set(self.forced_pairs) & set(self.forbidden_pairs)
        if both:
            raise ValueError(f"pairs both forced and forbidden: {sorted(both)}")
        return self


# --------------------------------------------------------------------------
# incidence helpers
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Codes:
    """Exploded ';'-joined column: entry e is code ``code[e]`` of candidate ``row[e]``."""

    row: np.ndarray
    code: np.ndarray
    index: pd.Index  # sorted unique codes


def _explode_codes(series: pd.Series, name: str) -> _Codes:
    values = series.astype(str).tolist()
    # one join + split is much cheaper than a split per row (fewer list objects)
    lens = np.fromiter((v.count(";") + 1 for v in values), dtype=np.int64, count=len(values))
    flat = ";".join(values).split(";") if values else []
    flat = np.array([p.strip() for p in flat], dtype=object)
    rows = np.repeat(np.arange(len(values), dtype=np.int64), lens)
    keep = flat != ""
    codes, uniques = pd.factorize(flat[keep], sort=True)
    return _Codes(rows[keep], codes.astype(np.int64), pd.Index(uniques, dtype=object, name=name))


def _incidence(rows: np.ndarray, codes: np.ndarray, n_rows: int, n_cols: int) -> sp.csr_matrix:
    mat = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float64), (rows, codes)), shape=(n_rows, n_cols)
    )
    mat.sum_duplicates()
    mat.data[:] = 1.0  # a code listed twice still counts once
    return mat


def _slots_from(
    mem: _Codes, svc: _Codes, n: int
) -> tuple[sp.csr_matrix, pd.DataFrame]:
    pairs = pd.DataFrame({"row": mem.row, "a": mem.code}).merge(
        pd.DataFrame({"row": svc.row, "s": svc.code}), on="row", how="inner"
    )
    key = pairs["a"].to_numpy() * max(len(svc.index), 1) + pairs["s"].to_numpy()
    uniq, inverse = np.unique(key, return_inverse=True)  # sorted by (authority, service)
    n_s = max(len(svc.index), 1)
    slots = pd.DataFrame(
        {
            "authority": np.asarray(mem.index, dtype=object)[uniq // n_s].astype(str),
            "service": np.asarray(svc.index, dtype=object)[uniq % n_s].astype(str),
        }
    )
    return _incidence(pairs["row"].to_numpy(), inverse.ravel(), n, len(slots)), slots


def slot_incidence(candidates: pd.DataFrame) -> tuple[sp.csr_matrix, pd.DataFrame]:
    """Candidate x (authority, service) slot incidence.

    Parameters
    ----------
    candidates : DataFrame
        Needs ``members`` and ``services`` (';'-joined).

    Returns
    -------
    S : scipy.sparse.csr_matrix, shape (n_candidates, n_slots)
        ``S[j, k] = 1`` when candidate ``j`` occupies slot ``k``.
    slots : DataFrame
        Columns ``authority``, ``service``; sorted, row ``k`` is slot ``k``.
    """
    mem = _explode_codes(candidates["members"], "authority")
    svc = _explode_codes(candidates["services"], "service")
    return _slots_from(mem, svc, len(candidates))


def member_incidence(candidates: pd.DataFrame) -> tuple[sp.csr_matrix, pd.Index]:
    """Candidate x authority incidence (CSR) and the sorted authority codes."""
    mem = _explode_codes(candidates["members"], "authority")
    return _incidence(mem.row, mem.code, len(candidates), len(mem.index)), mem.index


def service_incidence(candidates: pd.DataFrame) -> tuple[sp.csr_matrix, pd.Index]:
    """Candidate x service incidence (CSR) and the sorted service names."""
    svc = _explode_codes(candidates["services"], "service")
    return _incidence(svc.row, svc.code, len(candidates), len(svc.index)), svc.index


def _all_incidences(candidates: pd.DataFrame):
    """(S, slots, M, authorities, V, services, mem, svc) from one pass over the strings."""
    n = len(candidates)
    mem = _explode_codes(candidates["members"], "authority")
    svc = _explode_codes(candidates["services"], "service")
    S, slots = _slots_from(mem, svc, n)
    M = _incidence(mem.row, mem.code, n, len(mem.index))
    V = _incidence(svc.row, svc.code, n, len(svc.index))
    return S, slots, M, mem.index, V, svc.index, mem, svc


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
        One row per constraint: ``group``, ``key``, ``limit``, ``note``.
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
        (:mod:`sharedopt.colgen`): an upper bound on the optimum over the whole
        space. The solve step reports its gap against it.
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


def _block(A, lower, upper, group: str, keys, limits, notes=None) -> _Block:
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
    ids = candidates["candidate_id"].astype(str)
    dup = ids[ids.duplicated()].unique()
    if len(dup):
        raise ValueError(f"candidate_id must be unique; duplicated: {list(dup[:10])}")
    obj = pd.to_numeric(candidates[objective_col], errors="coerce").to_numpy(float)
    if len(obj) and not np.isfinite(obj).all():
        bad = ids[~np.isfinite(obj)].tolist()[:10]
        raise ValueError(f"{objective_col} must be finite; bad candidates: {bad}")


def _known_ids(ids: pd.Index, wanted: list[str], what: str) -> np.ndarray:
    if not wanted:
        return np.zeros(0, dtype=np.int64)
    pos = ids.get_indexer(wanted)
    if (pos < 0).any():
        unknown = sorted({w for w, p in zip(wanted, pos) if p < 0})
        raise ValueError(f"{what} candidate ids not found in candidates: {unknown}")
    return pos


def _pair_mask(M: sp.csr_matrix, authorities: pd.Index, pair: tuple[str, str]) -> np.ndarray:
    """Candidates containing both authorities of ``pair``."""
    pos = authorities.get_indexer(list(pair))
    if (pos < 0).any():
        return np.zeros(M.shape[0], dtype=bool)
    cols = M[:, pos].toarray()
    return cols.all(axis=1)


def _existing_slots(constraints: Constraints) -> dict[tuple[str, str], str]:
    return {
        (str(m).strip(), ex.service): ex.label for ex in constraints.existing for m in ex.members
    }


def _exclusions(
    candidates: pd.DataFrame,
    constraints: Constraints,
    S: sp.csr_matrix,
    slots: pd.DataFrame,
    M: sp.csr_matrix,
    authorities: pd.Index,
) -> pd.Series:
    """Reason string per candidate ('' = available); reasons joined by '; '."""
    ids = pd.Index(candidates["candidate_id"].astype(str))
    reasons = np.full(len(ids), "", dtype=object)

    def add(idx: np.ndarray, text) -> None:
        if len(idx):
            cur = reasons[idx]
            text = np.broadcast_to(np.asarray(text, dtype=object), cur.shape)
            reasons[idx] = np.where(cur == "", text, cur + "; " + text)

    add(_known_ids(ids, list(constraints.forbidden), "forbidden"), "forbidden")

    ex_slots = _existing_slots(constraints)
    if ex_slots and len(slots):
        slot_keys = zip(slots["authority"], slots["service"])
        slot_label = np.array([ex_slots.get(k, "") for k in slot_keys], dtype=object)
        hit = S[:, np.flatnonzero(slot_label != "")].tocsr()
        labels = slot_label[slot_label != ""]
        hit.eliminate_zeros()
        rows = np.flatnonzero(np.diff(hit.indptr))
        texts = [
            "existing partnership "
            + ", ".join(sorted(set(labels[hit.indices[hit.indptr[j] : hit.indptr[j + 1]]])))
            for j in rows
        ]
        add(rows, np.array(texts, dtype=object))

    if constraints.max_payback_years is not None:
        pay = pd.to_numeric(candidates["payback_years"], errors="coerce").to_numpy(float)
        add(np.flatnonzero(~(pay <= constraints.max_payback_years)), "payback above max")

    for pair in constraints.forbidden_pairs:
        add(np.flatnonzero(_pair_mask(M, authorities, pair)), f"forbidden pair {pair[0]}+{pair[1]}")

    return pd.Series(reasons, index=ids, name="excluded", dtype=object)


def _slot_rows(S: sp.csr_matrix, slots: pd.DataFrame, cons: Constraints) -> list[_Block]:
    if not cons.one_partnership_per_slot or S.shape[1] == 0:
        return []
    keys = slots["authority"] + "|" + slots["service"]
    return [_block(S.T.tocsr(), -np.inf, 1.0, "slot", keys, 1.0)]


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
                    group: str, notes=None) -> list[_Block]:
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
    return _capacity_block(M, auth, cap, used, "governance", notes)


def _budget_rows(
    candidates: pd.DataFrame, M: sp.csr_matrix, auth: pd.Index, cons: Constraints
) -> list[_Block]:
    out: list[_Block] = []
    if cons.budget_total_gbp_k is None and cons.budget_per_authority_gbp_k is None:
        return out
    cost = pd.to_numeric(candidates["one_off_cost_gbp_k"], errors="coerce").to_numpy(float)
    if len(cost) and not np.isfinite(cost).all():
        raise ValueError("one_off_cost_gbp_k must be finite when a budget is set")
    if cons.budget_total_gbp_k is not None:
        b = cons.budget_total_gbp_k
        out.append(_block(sp.csr_matrix(cost[None, :]), -np.inf, b, "budget_total", ["total"], b))
    if cons.budget_per_authority_gbp_k is not None and len(auth):
        b = cons.budget_per_authority_gbp_k
        n_mem = pd.to_numeric(candidates["n_members"], errors="coerce").to_numpy(float)
        n_mem = np.where(n_mem > 0, n_mem, np.asarray(M.sum(axis=1)).ravel())
        share = cost / np.maximum(n_mem, 1.0)
        A = M.multiply(share[:, None]).T.tocsr()
        out.append(_block(A, -np.inf, b, "budget_authority", auth, b))
    return out


def _service_rows(V: sp.csr_matrix, services: pd.Index, cons: Constraints) -> list[_Block]:
    cap = _capacities(services, cons.max_per_service, cons.max_per_service_overrides)
    return _capacity_block(V, services, cap, None, "max_per_service")


def _forced_pair_rows(M: sp.csr_matrix, auth: pd.Index, cons: Constraints) -> list[_Block]:
    if not cons.forced_pairs:
        return []
    masks = np.vstack([_pair_mask(M, auth, p) for p in cons.forced_pairs]).astype(float)
    keys = [f"{a}|{b}" for a, b in cons.forced_pairs]
    return [_block(sp.csr_matrix(masks), 1.0, np.inf, "forced_pair", keys, 1.0)]


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


# --------------------------------------------------------------------------
# dominance (used by the solve step as an exact reduction)
# --------------------------------------------------------------------------
_MAX_DOM_MEMBERS = 4


def _code_matrix(codes: _Codes, n: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(n x width) sorted codes (-1 padded) and the count per candidate."""
    row, code = codes.row, codes.code
    same_row = row[1:] == row[:-1]
    if np.any(row[1:] < row[:-1]) or np.any(code[1:][same_row] <= code[:-1][same_row]):
        order = np.lexsort((code, row))  # codes arrive sorted when members are sorted
        row, code = row[order], code[order]
    count = np.bincount(row, minlength=n)
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    pos = np.arange(len(row)) - start[row]
    mat = np.full((n, width), -1, dtype=np.int64)
    ok = pos < width
    mat[row[ok], pos[ok]] = code[ok]
    return mat, count


def _dominator_guesses(mem: _Codes, svc: _Codes, c: np.ndarray) -> np.ndarray:
    """Best candidate whose members and services are subsets (not yet verified)."""
    n = len(c)
    guess = np.full(n, -1, dtype=np.int64)
    n_auth, n_svc = len(mem.index), len(svc.index)
    base = n_auth + 1
    if n == 0 or n_svc > 20 or float(base) ** _MAX_DOM_MEMBERS * 2.0**n_svc > 2.0**62:
        return guess
    members, n_mem = _code_matrix(mem, n, _MAX_DOM_MEMBERS)
    smask = np.zeros(n, dtype=np.int64)
    np.bitwise_or.at(smask, svc.row, np.left_shift(1, svc.code.astype(np.int64)))
    powers = base ** np.arange(_MAX_DOM_MEMBERS, dtype=np.int64)

    def member_key(cols: np.ndarray) -> np.ndarray:
        return ((cols + 1) * powers[: cols.shape[1]]).sum(axis=1)

    ok = (n_mem >= 1) & (n_mem <= _MAX_DOM_MEMBERS) & (smask > 0)
    full_key = np.where(ok, member_key(members) * (1 << n_svc) + smask, -1)
    # best candidate per exact key: highest c, then lowest index
    order = np.lexsort((np.arange(n), -c, full_key))
    keys_sorted = full_key[order]
    first = np.r_[True, keys_sorted[1:] != keys_sorted[:-1]]
    uniq_keys, best = keys_sorted[first], order[first]
    best_of = best[np.searchsorted(uniq_keys, full_key)]
    same = ok & (best_of != np.arange(n))  # duplicates: the best one dominates
    guess[same] = best_of[same]

    def lookup(idx: np.ndarray, key: np.ndarray) -> None:
        pos = np.minimum(np.searchsorted(uniq_keys, key), len(uniq_keys) - 1)
        hit = uniq_keys[pos] == key
        k = best[pos]
        better = hit & (c[k] >= c[idx]) & (k != idx)
        better &= (guess[idx] < 0) | (c[k] > c[np.maximum(guess[idx], 0)])
        guess[idx[better]] = k[better]

    for m in range(1, _MAX_DOM_MEMBERS + 1):
        idx = np.flatnonzero(ok & (n_mem == m))
        if not len(idx):
            continue
        for pattern in range(1, 2**m):
            pick = [b for b in range(m) if pattern >> b & 1]
            mkey = member_key(members[idx][:, pick]) * (1 << n_svc)
            sub = smask[idx].copy()
            while (sub > 0).any():  # every non-empty subset of the service mask
                live = sub > 0
                proper = live & ((pattern != 2**m - 1) | (sub != smask[idx]))
                lookup(idx[proper], mkey[proper] + sub[proper])
                sub = np.where(live, (sub - 1) & smask[idx], 0)
    return guess


def _verified_dominators(block: _Block, c: np.ndarray, guess: np.ndarray) -> np.ndarray:
    """Keep guesses k for j where A[:,k] <= A[:,j], no >= rows, and k, j exclusive."""
    dom = np.full(len(c), -1, dtype=np.int64)
    J = np.flatnonzero(guess >= 0)
    if not len(J) or block.A.shape[0] == 0:
        return dom
    K = guess[J]
    A = block.A.tocsc()
    AJ, AK = A[:, J], A[:, K]
    bigger = (AK - AJ).tocsc()
    bigger.data = (bigger.data > 1e-12).astype(float)
    ok = np.asarray(bigger.sum(axis=0)).ravel() == 0
    ge = np.isfinite(block.lower).astype(float)
    ok &= (abs(AJ).T @ ge == 0) & (abs(AK).T @ ge == 0)
    ok &= (AJ.min(axis=0).toarray().ravel() >= 0) & (AK.min(axis=0).toarray().ravel() >= 0)
    both = (AK + AJ).tocsc()
    on_k = (AK != 0).astype(float).tocsc()
    excl = both.multiply(on_k).tocsc()
    excl.data = (excl.data > block.upper[excl.indices] + 1e-9).astype(float)
    ok &= np.asarray(excl.sum(axis=0)).ravel() > 0
    ok &= c[K] >= c[J]
    dom[J[ok]] = K[ok]
    return dom


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
    ids = pd.Index(candidates["candidate_id"].astype(str))

    S, slots, M, auth, V, services, mem, svc = _all_incidences(candidates)

    excluded = _exclusions(candidates, cons, S, slots, M, auth)
    lb = np.zeros(n)
    ub = np.where(excluded.to_numpy() != "", 0.0, 1.0)
    lb[_known_ids(ids, list(cons.forced), "forced")] = 1.0

    blocks = (
        _slot_rows(S, slots, cons)
        + _governance_rows(M, auth, cons)
        + _budget_rows(candidates, M, auth, cons)
        + _service_rows(V, services, cons)
        + _forced_pair_rows(M, auth, cons)
    )
    block = _drop_redundant(_stack(blocks, n), lb, ub)
    c = pd.to_numeric(candidates[obj_col]).to_numpy(dtype=float)
    dominated_by = _verified_dominators(block, c, _dominator_guesses(mem, svc, c))
    return PortfolioModel(
        candidate_ids=ids.to_numpy(dtype=object),
        c=c,
        A=block.A,
        row_lower=block.lower,
        row_upper=block.upper,
        var_lower=lb,
        var_upper=ub,
        rows=block.rows,
        excluded=excluded,
        objective_name=cons.objective,
        build_seconds=perf_counter() - t0,
        dominated_by=dominated_by,
    )


# --------------------------------------------------------------------------
# PuLP view
# --------------------------------------------------------------------------
def _pulp_rows(model: PortfolioModel, xs: list[pulp.LpVariable]):
    A = model.A
    indptr, indices, data = A.indptr, A.indices, A.data
    for i in range(A.shape[0]):
        sl = slice(indptr[i], indptr[i + 1])
        terms = list(zip([xs[j] for j in indices[sl]], data[sl].tolist()))
        lo, hi = model.row_lower[i], model.row_upper[i]
        if np.isfinite(lo) and lo == hi:
            yield f"r{i}_eq", pulp.LpConstraint(
                pulp.LpAffineExpression(terms), pulp.LpConstraintEQ, rhs=float(hi)
            )
            continue
        if np.isfinite(hi):
            yield f"r{i}_le", pulp.LpConstraint(
                pulp.LpAffineExpression(terms), pulp.LpConstraintLE, rhs=float(hi)
            )
        if np.isfinite(lo):
            yield f"r{i}_ge", pulp.LpConstraint(
                pulp.LpAffineExpression(terms), pulp.LpConstraintGE, rhs=float(lo)
            )


def build_pulp(
    model: PortfolioModel, name: str = "sharedopt_portfolio"
) -> tuple[pulp.LpProblem, dict[str, pulp.LpVariable]]:
    """PuLP problem equivalent to ``model`` plus its variables by candidate id.

    Variables are named ``x_<j>`` (``j`` = position), integer in
    ``[var_lower, var_upper]``; constraints ``r<i>_le`` / ``r<i>_ge`` / ``r<i>_eq``
    where ``i`` indexes ``model.rows``.
    """
    prob = pulp.LpProblem(name, pulp.LpMaximize)
    # PuLP >= 3.3 creates variables through the problem (PuLP 4 style)
    new_var = getattr(prob, "add_variable", None) or pulp.LpVariable
    xs = [
        new_var(f"x_{j}", float(lo), float(hi), pulp.LpInteger)
        for j, (lo, hi) in enumerate(zip(model.var_lower.tolist(), model.var_upper.tolist()))
    ]
    # every variable appears in the objective (zero coefficients kept) so that
    # PuLP passes all of them to the solver
    prob.setObjective(pulp.LpAffineExpression(zip(xs, model.c.tolist())))
    for cname, con in _pulp_rows(model, xs):
        prob.addConstraint(con, cname)
    return prob, dict(zip(model.candidate_ids.tolist(), xs))


def to_pulp(model: PortfolioModel) -> pulp.LpProblem:
    """PuLP problem equivalent to ``model`` (see :func:`build_pulp`)."""
    return build_pulp(model)[0]
