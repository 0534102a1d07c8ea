"""Why a candidate partnership is not in the portfolio, and which constraints bind, in words.

A candidate left out is kept out by one or more of: a conflict with a chosen partnership (a
council would be in two partnerships for one service), a council already at its governance
capacity, the transition budget, a reduction before the solve (``excluded_reason``), or
simply a lower value than the chosen set. The cost of forcing it in is the ranking's
``loss_if_forced_gbp_k`` (:mod:`sharedopt.results.rank`) when it was computed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sharedopt.candidates.table import CANDIDATE_ID, MEMBERS, NPV, ONE_OFF_COST, split_codes

__all__ = ["binding_constraints", "why_not_chosen"]

_LOSS = "loss_if_forced_gbp_k"
_EXCLUDED, _CONFLICTS = "excluded_reason", "conflicts_with"


def _setting(constraints: Sequence[Mapping[str, Any]], name: str) -> Any:
    """The value of one constraint in force (``summary['constraints']``), else None."""
    return next((c.get("value") for c in constraints if c.get("constraint") == name), None)


def _number(value: Any) -> float | None:
    """A finite float, else None."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if out == out and abs(out) != float("inf") else None


class _Chosen:
    """What the chosen portfolio uses (partnership numbers, partnerships per council, one-off spent)
    and the limits in force (governance capacity, transition budget)."""

    def __init__(self, portfolio: pd.DataFrame, constraints: Sequence[Mapping[str, Any]]):
        ids = [str(c) for c in portfolio.get(CANDIDATE_ID, [])]
        self.number = {cid: i for i, cid in enumerate(ids, start=1)}
        self.per_council = Counter(m for cell in portfolio.get(MEMBERS, []) for m in split_codes(cell))
        self.one_off = float(pd.to_numeric(portfolio.get(ONE_OFF_COST, pd.Series(dtype=float))).sum())
        self.capacity = _number(_setting(constraints, "governance_capacity"))
        self.budget = _number(_setting(constraints, "budget_total_gbp_k"))


def _conflict_numbers(conflicts: Any, chosen: _Chosen) -> list[int]:
    """The numbers of the chosen partnerships a candidate conflicts with (its ``conflicts_with`` cell)."""
    return sorted({chosen.number[c] for c in split_codes(conflicts) if c in chosen.number})


def _at_capacity(members: Any, chosen: _Chosen) -> list[str]:
    """A candidate's members (its ``members`` cell) already at the governance capacity (none without one)."""
    if chosen.capacity is None:
        return []
    return [m for m in split_codes(members) if chosen.per_council[m] >= chosen.capacity]


def _over_budget(one_off: Any, chosen: _Chosen) -> float | None:
    """A candidate's one-off cost when it would take the chosen set over the transition budget, else None."""
    budget = chosen.budget
    if budget is None:
        return None
    cost = _number(one_off)
    return cost if cost is not None and chosen.one_off + cost > budget else None


def _reasons(record: Mapping[str, Any], chosen: _Chosen, names: Mapping[str, str]) -> list[str]:
    """Every reason that keeps one candidate out."""
    reasons = []
    excluded = record.get(_EXCLUDED)
    if isinstance(excluded, str) and excluded.strip():
        reasons.append(f"left out before the solve: {excluded.strip()}")
    numbers = _conflict_numbers(record.get(_CONFLICTS), chosen)
    if numbers:
        which = ", ".join(str(n) for n in numbers)
        reasons.append(f"conflicts with partnership{'s' if len(numbers) > 1 else ''} {which} "
                       "(same council, same service)")
    full, capacity = [names.get(m, m) for m in _at_capacity(record.get(MEMBERS), chosen)], chosen.capacity
    if full:
        reasons.append(f"exceeds the governance capacity of {', '.join(full)} "
                       f"(at most {capacity:.0f} new partnership{'s' if capacity != 1 else ''} per council)")
    budget, cost = chosen.budget, _over_budget(record.get(ONE_OFF_COST), chosen)
    if cost is not None:
        reasons.append(f"over the transition budget: its one-off cost £{cost:,.0f}k is more than the "
                       f"£{max(budget - chosen.one_off, 0):,.0f}k left of £{budget:,.0f}k")
    npv = _number(record.get(NPV))
    if not reasons:
        reasons.append("its NPV is not positive" if npv is not None and npv <= 0
                       else "the chosen partnerships are worth more together")
    return reasons


def why_not_chosen(record: Mapping[str, Any], portfolio: pd.DataFrame, constraints: Sequence[Mapping[str, Any]],
                   names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Why one candidate is not in the portfolio, and what forcing it in would cost.

    Parameters
    ----------
    record : mapping
        One row of the candidate table (``members``, ``conflicts_with``, ``excluded_reason``,
        ``one_off_cost_gbp_k``, ``npv_gbp_k``, ``loss_if_forced_gbp_k`` where known).
    portfolio : pandas.DataFrame
        The chosen partnerships, in the order they are numbered (1, 2, ...).
    constraints : sequence of mapping
        ``summary['constraints']``.
    names : mapping of str to str, optional
        Council code -> name.

    Returns
    -------
    dict
        ``reason`` (sentence), ``reasons`` (list) and ``loss_if_forced_gbp_k`` (float or None).
    """
    reasons = _reasons(record, _Chosen(portfolio, list(constraints or [])), names or {})
    text = "; ".join(reasons)
    return {"reason": text[0].upper() + text[1:], "reasons": reasons, _LOSS: _number(record.get(_LOSS))}


def _binding_counts(left: pd.DataFrame, chosen: _Chosen) -> dict[str, int]:
    """How many of the candidates ``left`` each binding rule of :func:`_reasons` keeps out."""
    def cells(column: str) -> list:
        return left[column].tolist() if column in left else [None] * len(left)

    over = (0 if chosen.budget is None
            else sum(_over_budget(cost, chosen) is not None for cost in cells(ONE_OFF_COST)))
    return {"conflicts": _count_true(cells(_CONFLICTS), lambda cell: bool(_conflict_numbers(cell, chosen))),
            "exceeds": _count_true(cells(MEMBERS), lambda cell: bool(_at_capacity(cell, chosen))),
            "over": over}


def _count_true(cells: list, test: Callable[[Any], bool]) -> int:
    """How many ``cells`` pass ``test``: each distinct cell is tested once (a ``conflicts_with`` or
    ``members`` cell repeats), a missing one on its own."""
    codes, distinct = pd.factorize(np.asarray(cells, dtype=object))
    passed = np.fromiter((test(cell) for cell in distinct), dtype=bool, count=len(distinct))
    missing = np.flatnonzero(codes < 0).tolist()
    return int(passed[codes[codes >= 0]].sum()) + sum(test(cells[i]) for i in missing)


def binding_constraints(candidates: pd.DataFrame, portfolio: pd.DataFrame, constraints: Sequence[Mapping[str, Any]],
                        names: Mapping[str, str] | None = None) -> list[str]:
    """Sentences naming the constraints that keep positive-NPV candidates out of the portfolio.

    Parameters
    ----------
    candidates : pandas.DataFrame
        Every candidate (``chosen``; see :func:`why_not_chosen` for the rest).
    portfolio : pandas.DataFrame
        The chosen partnerships.
    constraints : sequence of mapping
        ``summary['constraints']``.
    names : mapping of str to str, optional

    Returns
    -------
    list of str
        One sentence per binding constraint (empty when none keeps a positive-NPV candidate out).
    """
    chosen, names = _Chosen(portfolio, list(constraints or [])), names or {}
    left = candidates[~candidates.get("chosen", pd.Series(False, index=candidates.index)).astype(bool)]
    left = left[pd.to_numeric(left.get(NPV), errors="coerce") > 0] if NPV in left else left.iloc[:0]
    counts = _binding_counts(left, chosen)
    capacity = chosen.capacity
    full = sorted(names.get(m, m) for m, n in chosen.per_council.items() if capacity is not None and n >= capacity)
    words = {
        "conflicts": "One partnership per council per service: {n} positive-NPV alternative(s) overlap a chosen "
                     "partnership.",
        "exceeds": f"Governance capacity binds: {', '.join(full)} "
                   f"{'is' if len(full) == 1 else 'are'} at the limit, which keeps out {{n}} positive-NPV "
                   "alternative(s).",
        "over": "The transition budget binds: {n} positive-NPV alternative(s) would take the one-off costs over it.",
    }
    return [text.format(n=counts[key]) for key, text in words.items() if counts.get(key)]
