"""Existing arrangements of separable functions: the share of the poolable base they already pool.

An existing revenues-and-benefits (or ICT, HR, ...) arrangement runs one function of its
members' service line, not the whole line. Instead of blocking the line
(:func:`sharedopt.model.exclusions.existing_slots` skips it), it takes that function's share
(:func:`sharedopt.data.poolable.load_poolable`, ``functions``) out of each member's poolable
share of every service the function sits in (revenues and benefits: Central_Services for
collection, Housing for housing benefit administration), so a new partnership pools only
what is left.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sharedopt.candidates.value import CostBase
from sharedopt.data.poolable import load_poolable


def occupied_shares(base: CostBase, constraints) -> np.ndarray | None:
    """(authority, service) share pooled by the existing function-level partnerships of ``constraints``.

    None when there are none. Several arrangements of one member add up (capped at the share
    itself by :func:`sharedopt.candidates.value.asset_budget`).
    """
    existing = [ex for ex in getattr(constraints, "existing", []) if ex.function]
    if not existing:
        return None
    functions = load_poolable(base.codes, _tiers(base), base.services).functions
    share = functions.set_index(["authority", "function", "service"])["share"].sort_index()
    row = {code: i for i, code in enumerate(base.codes)}
    col = {s: j for j, s in enumerate(base.services)}
    out = np.zeros((len(base.codes), len(base.services)))
    for ex in existing:
        for member in (str(m).strip() for m in ex.members):
            for function in ex.function.split(";"):
                _occupy(out, share, row, col, member, function)
    return out


def _occupy(out: np.ndarray, share, row: dict, col: dict, member: str, function: str) -> None:
    """Add ``member``'s share of ``function`` to every service column it sits in."""
    if member not in row or (member, function) not in share.index.droplevel(2):
        return
    for service, value in share.loc[(member, function)].items():
        if service in col and np.isfinite(value):
            out[row[member], col[service]] += float(value)


def _tiers(base: CostBase) -> list[str | None]:
    return list(base.tier) if base.tier is not None else [None] * len(base.codes)


def with_status_quo(base: CostBase, constraints) -> CostBase:
    """``base`` with :attr:`CostBase.occupied` set from ``constraints`` (unchanged when there is nothing to occupy)."""
    occupied = occupied_shares(base, constraints) if constraints is not None else None
    return base if occupied is None else replace(base, occupied=occupied)
