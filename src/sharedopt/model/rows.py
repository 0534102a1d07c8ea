"""The constraint rows of the portfolio programme: their groups, settings and words.

Every row of :class:`sharedopt.model.build.PortfolioModel` carries a :class:`RowGroup`
in its ``group`` column. This module is the one place that says, per group, which
:class:`sharedopt.config.constraints.Constraints` fields switch the rows on and how a
person reads a row: its label, and why it cannot hold when the forced candidates
already break it (``<=`` rows) or the available candidates cannot meet it (``>=`` rows).
A kind of constraint is one entry of :data:`ROW_KINDS` (a :class:`RowKind`): the settings that
switch it on, its ``define_*`` function (the model builder iterates the kinds, a table of contents
of the programme), or its ``exclude_*`` rule for the kinds that fix candidates to 0 instead of
adding rows (:func:`exclusions` applies them), whether column generation's master has its rows,
the sentences that state its settings in the outputs, and its words when it cannot hold (read by
:mod:`sharedopt.model.row_words` for the diagnosis of an infeasible model).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sharedopt.candidates.table import CANDIDATE_ID, N_MEMBERS, ONE_OFF_COST
from sharedopt.model.exclusions import (Excluded, exclude_existing, exclude_forbidden, exclude_forbidden_pairs,
                                        exclude_general_fund, exclude_payback, pair_mask, reasons)

__all__ = ["ROW_KINDS", "ModelFacts", "RowBlock", "RowGroup", "RowKind", "exclusions", "in_force", "row_block",
           "setting", "define_slot_rows", "define_governance_rows",
           "define_budget_total_rows", "define_budget_authority_rows", "define_service_rows",
           "define_forced_pair_rows", "slot_services"]

class RowGroup(enum.StrEnum):
    """The kinds of constraint rows; each value is the ``group`` text of its rows.

    ``FORBIDDEN`` to ``FORBIDDEN_PAIR`` are the kinds that exclude candidates (fix them to 0)
    instead of adding rows.
    """

    SLOT = "slot"
    GOVERNANCE = "governance"
    BUDGET_TOTAL = "budget_total"
    BUDGET_AUTHORITY = "budget_authority"
    MAX_PER_SERVICE = "max_per_service"
    FORCED_PAIR = "forced_pair"
    FORBIDDEN = "forbidden_candidate"
    EXISTING = "existing_partnership"
    MAX_PAYBACK = "max_payback"
    GENERAL_FUND = "general_fund"
    FORBIDDEN_PAIR = "forbidden_pair"
    OBJECTIVE_FLOOR = "objective_floor"
    NO_GOOD = "no_good"
    ELASTIC = "elastic"
    USER = "user"


# --------------------------------------------------------------------------- the rows of each kind


@dataclass(frozen=True)
class RowBlock:
    """Rows ``lower <= A x <= upper`` and their table (``group``, ``key``, ``limit``, ``note``)."""

    A: sp.csr_matrix
    lower: np.ndarray
    upper: np.ndarray
    rows: pd.DataFrame


@dataclass(frozen=True)
class ModelFacts:
    """What the ``define_*`` functions read: the candidates, the constraints and the incidences
    (:func:`sharedopt.model.incidence.all_incidences`: slots ``S``, members ``M``, services ``V``)."""

    candidates: pd.DataFrame
    cons: Any
    S: sp.csr_matrix
    slots: pd.DataFrame
    M: sp.csr_matrix
    auth: pd.Index
    V: sp.csr_matrix
    services: pd.Index


def row_block(A, lower, upper, group: RowGroup, keys, limits, notes=None) -> RowBlock:
    """A :class:`RowBlock` of ``group`` (bounds and limits broadcast to one per row)."""
    k = A.shape[0]
    rows = pd.DataFrame({"group": [group] * k, "key": [str(x) for x in keys],
                         "limit": np.broadcast_to(np.asarray(limits, dtype=float), (k,)).copy(),
                         "note": list(notes) if notes is not None else [""] * k})
    lower = np.broadcast_to(np.asarray(lower, dtype=float), (k,)).copy()
    upper = np.broadcast_to(np.asarray(upper, dtype=float), (k,)).copy()
    return RowBlock(sp.csr_matrix(A, dtype=np.float64), lower, upper, rows)


def define_slot_rows(f: ModelFacts) -> list[RowBlock]:
    """One partnership per authority-service slot."""
    if not f.cons.one_partnership_per_slot or f.S.shape[1] == 0:
        return []
    keys = f.slots["authority"] + "|" + f.slots["service"]
    return [row_block(f.S.T.tocsr(), -np.inf, 1.0, RowGroup.SLOT, keys, 1.0)]


def slot_services(rows: pd.DataFrame) -> np.ndarray:
    """Per row of a model, a code for the service of a slot row (the same code for every council's
    slot of one service), -1 for every other row.

    The codes number the services in sorted order; only equality matters (the odd-cycle cuts of
    :mod:`sharedopt.solve.bounds.odd_cycles` combine slot rows of one service).
    """
    out = np.full(len(rows), -1, dtype=np.int64)
    slot = (rows["group"] == RowGroup.SLOT).to_numpy()
    if slot.any():
        services = rows["key"][slot].str.split("|", n=1).str[1]   # the key is "authority|service"
        _, codes = np.unique(services.to_numpy(dtype=str), return_inverse=True)
        out[slot] = codes
    return out


def _existing_use(cons) -> pd.Series:
    counts: dict[str, int] = {}
    for ex in cons.existing:
        for m in {str(m).strip() for m in ex.members}:
            counts[m] = counts.get(m, 0) + 1
    return pd.Series(counts, dtype=float)


def _capacities(index: pd.Index, default: int | float | None, overrides: dict[str, int]) -> np.ndarray:
    cap = np.full(len(index), np.nan if default is None else float(default))
    pos = index.get_indexer(list(overrides))
    vals = np.array(list(overrides.values()), dtype=float)
    cap[pos[pos >= 0]] = vals[pos >= 0]
    return cap


def _capacity_block(incidence: sp.csr_matrix, index: pd.Index, cap: np.ndarray, used: np.ndarray | None,
                    group: RowGroup, notes=None) -> list[RowBlock]:
    """``sum of incidence columns <= cap - used`` for every entry of ``index`` with a capacity."""
    keep = np.flatnonzero(~np.isnan(cap))
    if not len(keep):
        return []
    used_keep = np.zeros(len(keep)) if used is None else used[keep]
    upper = np.maximum(cap[keep] - used_keep, 0.0)
    return [row_block(incidence[:, keep].T.tocsr(), -np.inf, upper, group, index[keep], cap[keep],
                      None if notes is None else [notes[i] for i in keep])]


def define_governance_rows(f: ModelFacts) -> list[RowBlock]:
    """At most the governance capacity of new partnerships per council (net of existing ones)."""
    cap = _capacities(f.auth, f.cons.governance_capacity, f.cons.governance_overrides)
    used = _existing_use(f.cons).reindex(f.auth).fillna(0.0).to_numpy()
    notes = [f"capacity {int(c)}" + (f", {int(u)} used by existing partnerships" if u else "")
             if not np.isnan(c) else "" for c, u in zip(cap, used)]
    return _capacity_block(f.M, f.auth, cap, used, RowGroup.GOVERNANCE, notes)


def _one_off_costs(f: ModelFacts) -> np.ndarray:
    cost = pd.to_numeric(f.candidates[ONE_OFF_COST], errors="coerce").to_numpy(float)
    if len(cost) and not np.isfinite(cost).all():
        raise ValueError("one_off_cost_gbp_k must be finite when a budget is set")
    return cost


def define_budget_total_rows(f: ModelFacts) -> list[RowBlock]:
    """The chosen partnerships' one-off costs at most the total budget."""
    if f.cons.budget_total_gbp_k is None:
        return []
    b = f.cons.budget_total_gbp_k
    return [row_block(sp.csr_matrix(_one_off_costs(f)[None, :]), -np.inf, b, RowGroup.BUDGET_TOTAL, ["total"], b)]


def define_budget_authority_rows(f: ModelFacts) -> list[RowBlock]:
    """Each council's share of one-off costs (cost / members) at most the per-council budget."""
    if f.cons.budget_per_authority_gbp_k is None or not len(f.auth):
        return []
    b, cost = f.cons.budget_per_authority_gbp_k, _one_off_costs(f)
    n_mem = pd.to_numeric(f.candidates[N_MEMBERS], errors="coerce").to_numpy(float)
    n_mem = np.where(n_mem > 0, n_mem, np.asarray(f.M.sum(axis=1)).ravel())
    A = f.M.multiply((cost / np.maximum(n_mem, 1.0))[:, None]).T.tocsr()
    return [row_block(A, -np.inf, b, RowGroup.BUDGET_AUTHORITY, f.auth, b)]


def define_service_rows(f: ModelFacts) -> list[RowBlock]:
    """At most ``max_per_service`` partnerships per service (with overrides)."""
    cap = _capacities(f.services, f.cons.max_per_service, f.cons.max_per_service_overrides)
    return _capacity_block(f.V, f.services, cap, None, RowGroup.MAX_PER_SERVICE)


def define_forced_pair_rows(f: ModelFacts) -> list[RowBlock]:
    """At least one chosen partnership containing both councils of each forced pair."""
    if not f.cons.forced_pairs:
        return []
    masks = np.vstack([pair_mask(f.M, f.auth, p) for p in f.cons.forced_pairs]).astype(float)
    keys = [f"{a}|{b}" for a, b in f.cons.forced_pairs]
    return [row_block(sp.csr_matrix(masks), 1.0, np.inf, RowGroup.FORCED_PAIR, keys, 1.0)]


_EXCESS = "{label}: forced candidates {names} give {activity} > {upper}"
_SHORTFALL = "{label}: at most {activity} reachable, {lower} needed"


@dataclass(frozen=True)
class RowKind:
    """How one group of rows is set and read.

    The texts are :meth:`str.format` templates over the fields of :meth:`RowFacts.words`.

    Attributes
    ----------
    settings : tuple of str
        The ``Constraints`` fields that switch these rows on (first: the main one);
        empty for rows added by the solve and results steps themselves.
    label : str
        The row in user terms, e.g. ``governance capacity of E06000001 (capacity 3)``.
    excess : str
        A ``<=`` row already broken by the forced candidates.
    shortfall : str
        A ``>=`` row that even every available candidate cannot meet.
    shortfall_none_excluded : str or None
        As ``shortfall`` when no excluded candidate is in the row (None: the same text).
    define : callable or None
        ``define(facts: ModelFacts) -> list of RowBlock``: the rows of this kind in the model
        (None: rows the solve and results steps add themselves, or a kind that excludes candidates).
    exclude : callable or None
        ``exclude(facts: ModelFacts) -> list of (positions, reason)``: the candidates this kind
        fixes to 0 and why (:data:`sharedopt.model.exclusions.Excluded`); None: it excludes none.
    in_master : bool
        Column generation's master problem has rows of this kind.
    sentences : dict of str to str
        Per setting, the sentence that states it in the outputs (``{v}``: the value, ``{m}``:
        an amount of money in words).
    """

    settings: tuple[str, ...]
    label: str
    excess: str = _EXCESS
    shortfall: str = _SHORTFALL
    shortfall_none_excluded: str | None = None
    define: Callable[[ModelFacts], list[RowBlock]] | None = None
    exclude: Callable[[ModelFacts], list[Excluded]] | None = None
    in_master: bool = False
    sentences: Mapping[str, str] = field(default_factory=dict)


_NO_PAIR = "forced pair {first} + {second}: no available candidate contains both authorities"

ROW_KINDS: dict[RowGroup, RowKind] = {  # the model's rows are defined in this order
    RowGroup.SLOT: RowKind(
        ("one_partnership_per_slot",), "one partnership per slot ({first}, {second})",
        excess="forced candidates {names} share the authority-service slot {key} ({first}, {second}); "
               "only one partnership per slot is allowed",
        define=define_slot_rows, in_master=True,
        sentences={"one_partnership_per_slot": "each council joins at most one partnership per service"}),
    RowGroup.GOVERNANCE: RowKind(
        ("governance_capacity", "governance_overrides"), "governance capacity of {key} ({capacity})",
        excess="authority {key}: {n_forced} ({names}) exceed its governance capacity "
               "({note}, {upper} left for new partnerships)",
        define=define_governance_rows, in_master=True,
        sentences={"governance_capacity": "governance capacity {v}: at most {v} new partnership(s) per council",
                   "governance_overrides": "governance capacity overrides: {v}"}),
    RowGroup.BUDGET_TOTAL: RowKind(
        ("budget_total_gbp_k",), "total budget {limit} £k",
        excess="forced candidates cost {activity} £k in total ({costs}), above the total budget "
               "{setting} = {upper} £k",
        define=define_budget_total_rows, in_master=True,
        sentences={"budget_total_gbp_k": "transition budget £{m}: one-off costs of the chosen partnerships "
                                         "at most £{m}"}),
    RowGroup.BUDGET_AUTHORITY: RowKind(
        ("budget_per_authority_gbp_k",), "per-authority budget {limit} £k at {key}",
        excess="authority {key}: forced candidates' per-member one-off costs ({member_costs}; total "
               "{activity} £k) exceed the per-authority budget {setting} = {upper} £k",
        define=define_budget_authority_rows,
        sentences={"budget_per_authority_gbp_k": "budget per council £{m} (one-off cost / members)"}),
    RowGroup.MAX_PER_SERVICE: RowKind(
        ("max_per_service", "max_per_service_overrides"), "{setting} {limit} for {key}",
        excess="service {key}: {n_forced} ({names}) exceed {setting} = {upper}",
        define=define_service_rows, in_master=True,
        sentences={"max_per_service": "at most {v} partnership(s) per service",
                   "max_per_service_overrides": "per-service limits: {v}"}),
    RowGroup.FORCED_PAIR: RowKind(
        ("forced_pairs",), "forced pair {pair}",
        shortfall=_NO_PAIR + "; excluded candidates containing both: {names}",
        shortfall_none_excluded=_NO_PAIR + " (no candidate contains both)",
        define=define_forced_pair_rows,
        sentences={"forced_pairs": "councils that must share a partnership: {v}"}),
    # the kinds that exclude candidates, in the order their reasons are given
    RowGroup.FORBIDDEN: RowKind(("forbidden",), "{group} {key}", exclude=exclude_forbidden,
                                sentences={"forbidden": "forbidden partnerships: {v}"}),
    RowGroup.EXISTING: RowKind(("existing",), "{group} {key}", exclude=exclude_existing),
    RowGroup.MAX_PAYBACK: RowKind(("max_payback_years",), "{group} {key}", exclude=exclude_payback,
                                  sentences={"max_payback_years": "payback at most {v} years"}),
    RowGroup.GENERAL_FUND: RowKind(
        ("general_fund_no_worse",), "{group} {key}", exclude=exclude_general_fund,
        sentences={"general_fund_no_worse": "no council's general fund worse off over the horizon"}),
    RowGroup.FORBIDDEN_PAIR: RowKind(("forbidden_pairs",), "{group} {key}", exclude=exclude_forbidden_pairs,
                                     sentences={"forbidden_pairs": "councils that never share a partnership: {v}"}),
    RowGroup.OBJECTIVE_FLOOR: RowKind((), "{group} {key}"),
    RowGroup.NO_GOOD: RowKind((), "{group} {key}"),
    RowGroup.ELASTIC: RowKind((), "{group} {key}"),
    RowGroup.USER: RowKind((), "user row {key}"),
}


def setting(group: RowGroup) -> str:
    """The main ``Constraints`` field that switches on the rows of ``group``.

    Parameters
    ----------
    group : RowGroup

    Returns
    -------
    str
        A field name of :class:`sharedopt.config.constraints.Constraints`.
    """
    return ROW_KINDS[group].settings[0]


def in_force(group: RowGroup, constraints: Any) -> bool:
    """Whether ``constraints`` switch on the rows of ``group``.

    Parameters
    ----------
    group : RowGroup
    constraints : sharedopt.config.constraints.Constraints

    Returns
    -------
    bool
        True when any of the group's settings is set (not None, False or empty).
    """
    values = [getattr(constraints, name) for name in ROW_KINDS[group].settings]
    return any(not (v is None or v is False or (isinstance(v, (list, tuple, dict)) and not v)) for v in values)


def exclusions(facts: ModelFacts) -> pd.Series:
    """Why each candidate is excluded ('' = available): every kind's ``exclude`` rule, in :data:`ROW_KINDS` order.

    Parameters
    ----------
    facts : ModelFacts

    Returns
    -------
    pandas.Series
        ``excluded`` (object), indexed by candidate id; a candidate's reasons joined by '; '.

    Raises
    ------
    ValueError
        A forbidden candidate id that is not among the candidates.
    """
    ids = pd.Index(facts.candidates[CANDIDATE_ID].astype(str))
    return reasons(ids, [hit for kind in ROW_KINDS.values() if kind.exclude is not None
                         for hit in kind.exclude(facts)])
