"""A listed model's LP relaxation tightened by odd-cycle cuts, priced over every column.

Column generation over the listed columns (:func:`sharedopt.solve.lp_bounds.lp_by_column_pricing`)
ends at the LP bound. The LP's odd cycles on one service's slot rows (three groups ``{a, b}``,
``{b, c}``, ``{a, c}`` at one half each) leave that bound looser than it need be; the rank-1 cuts of
:mod:`sharedopt.solve.bounds.odd_cycles` remove them. :func:`tighten_with_cuts` separates cuts on the
master LP's solution, appends them as rows (the next solve starts from the last basis), prices every
column against the duals of the model's rows and of the cuts, and repeats until no cut is violated
or :data:`MAX_CUT_ROUNDS` separations. A cut's entry for a column is
``floor(|T & slots(j)| / 2)``, known for every listed column, so the bound ``L(y, sigma)`` is computed
over all of them (:func:`~sharedopt.solve.lp_bounds.lp_dual_bound` with the cut rows appended):
a true bound on the whole problem, whatever the master's columns. The smallest bound of a round is
kept, and the reduced costs that go with it fix columns as the LP bound's do.

The cut LP is then the dive's start (:func:`sharedopt.solve.dive.dive_from`): diving on it, the
odd cycles are gone before the first fixing.

Every step is a fixed sequence of LP solves and sorted separations: no clock decides a result.
"""

from __future__ import annotations

from dataclasses import dataclass
from time import perf_counter

import numpy as np
import scipy.sparse as sp

from sharedopt.model.rows import slot_services
from sharedopt.solve.backends.highs_api import GrowingLp
from sharedopt.solve.bounds.dual import lp_dual_bound
from sharedopt.solve.bounds.odd_cycles import cut_coefficients, cut_indicator, cut_rhs, separate_odd_cycles
from sharedopt.solve.dive import dive_from, priced_solution

__all__ = ["CutLp", "cut_master", "cut_rows", "tighten_with_cuts", "MAX_CUT_ROUNDS", "CUTS_PER_ROUND", "CYCLE_LENGTH"]

#: separations at most (a work limit; each adds at most CUTS_PER_ROUND cuts)
MAX_CUT_ROUNDS = 10
#: a separation that tightens the bound by less than this share of it is the last (work limit: on
#: England's draws the first three rounds give over 99% of what ten give)
MIN_CUT_GAIN = 1e-4
#: cuts added per separation at most (the most violated)
CUTS_PER_ROUND = 1000
#: longest odd cycle separated: triangles (5-cycles tighten a little more for several times the work,
#: ``benchmarks/results/odd_cycle_cuts.md``)
CYCLE_LENGTH = 3


@dataclass
class CutLp:
    """The cut LP after :func:`tighten_with_cuts`.

    Attributes
    ----------
    lp : GrowingLp
        The master LP with the cut rows appended (solved; a dive may go on from it).
    position : numpy.ndarray of int
        Per column of the model, its position in ``lp`` (-1: not in it).
    matrix : scipy.sparse.csc_matrix
        Every column's entries in the model's rows and then the cut rows.
    bounds : tuple of numpy.ndarray
        ``(row_lower, row_upper, var_lower, var_upper)`` of the rows of ``matrix``.
    bound : float
        The smallest bound ``L(y, sigma)`` over all columns, a true bound on the whole problem.
    reduced : numpy.ndarray
        The reduced costs with that bound's duals.
    x : numpy.ndarray
        The last LP solution, aligned with the columns.
    n_cuts, rounds : int
        Cuts added; separations run.
    """

    lp: GrowingLp
    position: np.ndarray
    matrix: sp.csc_matrix
    bounds: tuple
    bound: float
    reduced: np.ndarray
    x: np.ndarray
    n_cuts: int
    rounds: int

    def dive(self, c: np.ndarray, deadline: float, batch: bool) -> np.ndarray | None:
        """A 0/1 solution by diving from the cut LP (:func:`sharedopt.solve.dive.dive_from`); the
        fixings are undone afterwards, so the next dive starts from the cut LP again."""
        fixed: list = []
        try:
            return dive_from(self.lp, c, self.matrix, self.position, self.bounds, deadline, batch=batch, fixed=fixed)
        finally:
            lb, ub = self.bounds[2], self.bounds[3]
            self.lp.set_bounds(self.position[fixed], lb[fixed], ub[fixed])

    @property
    def columns(self) -> np.ndarray:
        """The columns in ``lp``, in the order they were added."""
        cols = np.flatnonzero(self.position >= 0)
        return cols[np.argsort(self.position[cols], kind="stable")]


def cut_master(lp: GrowingLp, c: np.ndarray, A: sp.csc_matrix, cols: np.ndarray, bounds: tuple,
               rows, deadline: float) -> CutLp | None:
    """:func:`tighten_with_cuts` on the slot rows of a model whose rows are ``rows`` (its ``rows``
    table); None when it has no slot row a cut may use (:func:`cut_rows`) or an LP fails."""
    row_service = cut_rows(A, slot_services(rows), bounds[1])
    if not (row_service >= 0).any():
        return None
    return tighten_with_cuts(lp, c, A, cols, bounds, row_service, deadline)


def cut_rows(A: sp.csc_matrix, row_service: np.ndarray, row_upper: np.ndarray) -> np.ndarray:
    """``row_service`` with -1 for every slot row a cut may not combine: the cut's derivation
    needs each row to be ``sum of 0/1 entries <= u`` with ``u <= 1``."""
    A = sp.csc_matrix(A)
    ones = np.bincount(A.indices[A.data != 1.0], minlength=A.shape[0]) == 0
    usable = ones & np.isfinite(row_upper) & (row_upper <= 1.0 + 1e-9)
    return np.where(usable, row_service, -1)


def tighten_with_cuts(lp: GrowingLp, c: np.ndarray, A: sp.csc_matrix, cols: np.ndarray, bounds: tuple,
                      row_service: np.ndarray, deadline: float, tol: float = 1e-7) -> CutLp | None:
    """Cut and re-price the master LP ``lp`` (over ``cols``, solved to its priced optimum).

    Parameters
    ----------
    lp : GrowingLp
        Column generation's master LP, solved; rows are appended and columns added to it.
    c : numpy.ndarray
        Objective (maximised) of every column.
    A : scipy.sparse.csc_matrix
        The model's matrix.
    cols : numpy.ndarray of int
        The columns of ``lp``, in order.
    bounds : tuple of numpy.ndarray
        ``(row_lower, row_upper, var_lower, var_upper)`` of the model.
    row_service : numpy.ndarray of int
        Per row, the service of a slot row, -1 for every other row
        (:func:`sharedopt.model.rows.slot_services`).
    deadline : float
        ``perf_counter()`` time after which no further round starts (a safety net only).
    tol : float
        Reduced costs above ``tol`` times the largest objective coefficient are priced in.

    Returns
    -------
    CutLp or None
        None when an LP was not solved to optimality.
    """
    rl, ru, lb, ub = bounds
    position = np.full(len(c), -1, dtype=np.int64)
    position[cols] = np.arange(len(cols))
    cuts: list[tuple] = []
    seen: set = set()
    matrix, best, reduced, rounds = sp.csc_matrix(A), np.inf, None, 0
    scale = tol * max(1.0, float(np.abs(c).max(initial=1.0)))
    while True:
        x = priced_solution(lp, c, matrix, position, (lb, ub), scale, deadline)
        if x is None:
            return None
        row_bounds = (np.concatenate([rl, np.full(len(cuts), -np.inf)]), np.concatenate([ru, cut_rhs(cuts)]))
        bound, rc = lp_dual_bound(c, matrix, lp.row_duals(), *row_bounds, lb, ub)
        gain = best - bound   # inf on the first solve
        if bound < best:
            best, reduced = bound, rc
        if rounds >= MAX_CUT_ROUNDS or gain < MIN_CUT_GAIN * max(1.0, abs(best)) or perf_counter() >= deadline:
            break
        new = separate_odd_cycles(A, row_service, x, seen, max_length=CYCLE_LENGTH, max_cuts=CUTS_PER_ROUND)
        if not new:
            break
        rounds += 1
        seen.update(new)
        entries = cut_coefficients(cut_indicator(new, A.shape[0]), A)
        in_lp = np.flatnonzero(position >= 0)
        lp.add_rows(np.full(len(new), -np.inf), cut_rhs(new), entries[:, in_lp[np.argsort(position[in_lp])]])
        cuts += new
        matrix = sp.vstack([matrix, entries], format="csc")
    return CutLp(lp, position, matrix, (*row_bounds, lb, ub), best, reduced, x, len(cuts), rounds)

