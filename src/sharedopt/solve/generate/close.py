"""Closing the gap of a generated run: every group that could beat an incumbent, added."""

from __future__ import annotations

import numpy as np

from sharedopt.candidates.value import CostBase
from sharedopt.config.params import ModelParams
from sharedopt.solve.generate.master import Master
from sharedopt.solve.generate.pricer import ServicePricer
from sharedopt.solve.heuristics import greedy_solution

CLOSE_CAP = 300_000  # groups and depths in the whole space at most, for close_gap to be tried


def master_incumbent(master: Master) -> float:
    """The NPV of a greedy portfolio over the master's columns (best columns first, every row kept
    within its limit): a deterministic incumbent for :func:`close_gap`."""
    n = len(master.c)
    x = greedy_solution(master.c, master.A, np.full(len(master.upper), -np.inf), master.upper,
                        np.zeros(n), np.ones(n))
    return 0.0 if x is None else float(master.c @ x)


def close_gap(base: CostBase, params: ModelParams, pricers: list[ServicePricer], master: Master,
              incumbent: float, cap: int, deadline: float) -> dict[str, np.ndarray] | None:
    """Every group outside the master whose reduced cost exceeds ``incumbent - L(y)``.

    For the master's duals ``y``, any portfolio that uses a group ``j`` is worth at most
    ``L(y) + rc_j(y)`` (Lagrangian bound; bound and reduced costs, the cuts' duals included, from
    the same ``y``),
    so groups with ``rc_j <= incumbent - L(y)`` cannot be in a portfolio better than the
    incumbent. With the returned groups added, the MIP over the candidates is exact for
    the full space: its own bound is a true bound. Returns None when there are more than
    ``cap`` such groups or time runs out.
    """
    lp_bound = master.y_bound
    if master.y is None or not np.isfinite(lp_bound):
        return None
    tol = incumbent - lp_bound - 1e-9 * max(1.0, abs(lp_bound))
    out, total = {}, 0
    for p in pricers:
        s = base.service_index(p.service)
        d, beta, lam = master.rows.node_duals(master.y, p.to_global, s)
        res = p.price(d, beta, lam, master.known[p.service], min(tol, 0.0), deadline, cap - total + 1,
                      master.cuts.for_service(s, master.y))
        if not res.complete or total + len(res.groups) > cap:
            return None
        if len(res.groups):
            out[p.service] = res.groups
            total += len(res.groups)
    return out
