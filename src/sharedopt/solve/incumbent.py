"""The incumbent a large solve starts from: LP rounding, the LP dive, swap moves.

Used by :func:`sharedopt.solve.lp_bounds.solve_by_pricing` before reduced-cost fixing; each step
is a fixed sequence of arithmetic and LP solves (no clock in the result).
"""

from __future__ import annotations

import numpy as np

from sharedopt.solve.backends.highs import highs_settings
from sharedopt.solve.cut_lp import CutLp
from sharedopt.solve.dive import lp_dive
from sharedopt.solve.heuristics import greedy_solution
from sharedopt.solve.local_search import improve_by_swaps

__all__ = ["best_start", "diving", "rounded_start"]


def rounded_start(c, A, x_lp, warm, bounds) -> np.ndarray:
    """The better of the warm start and LP rounding (greedy in order of LP value); zeros when
    there is neither."""
    rl, ru, lb, ub = bounds
    rounded = greedy_solution(c, A, rl, ru, lb, ub, priority=x_lp) if x_lp is not None else None
    starts = [x for x in (warm, rounded) if x is not None]
    return max(starts, key=lambda x: float(c @ x)) if starts else np.zeros(len(c))


def best_start(c, A, x_lp, warm, bounds, target: float, dives: list) -> np.ndarray:
    """The incumbent a large solve starts from: :func:`rounded_start`, then each dive of ``dives``
    (:func:`diving`, cheapest first) in turn while the incumbent does not meet the gap ``target``,
    each polished by swap moves (:func:`sharedopt.solve.local_search.improve_by_swaps`); the best."""
    start = improve_by_swaps(c, A, rounded_start(c, A, x_lp, warm, bounds), bounds)
    for dive in dives:
        if float(c @ start) >= target:
            break
        dived = dive()
        if dived is not None:
            dived = improve_by_swaps(c, A, dived, bounds)
            start = dived if float(c @ dived) > float(c @ start) else start
    return start


def diving(c, A, cols, bounds, options, deadline, cut: CutLp | None) -> list:
    """The dives :func:`best_start` may run, cheapest first. With a cut LP: a batch dive from it,
    then a dive fixing one column per re-solve (:meth:`sharedopt.solve.cut_lp.CutLp.dive`); without:
    a dive on a fresh LP over ``cols`` (:func:`sharedopt.solve.dive.lp_dive`)."""
    if cut is None:
        return [lambda: lp_dive(c, A, cols, bounds, highs_settings(options), deadline)]
    return [lambda: cut.dive(c, deadline, batch=True), lambda: cut.dive(c, deadline, batch=False)]
