"""The HiGHS interface of sharedopt's own algorithms: the only way past the backends to ``highspy``.

The LP bounds and the proof (:mod:`sharedopt.solve.lp_bounds`, :mod:`sharedopt.solve.bounds.proof`),
column generation's master (:mod:`sharedopt.solve.generate.master`) and the reorganisation's
set partitioning (:mod:`sharedopt.reorganisation.optimise`) drive HiGHS through:

- :class:`GrowingLp`: an LP from matrices kept across re-solves, columns appended, so each
  re-solve starts from the last basis; its row duals and column values;
- :func:`solve_mip`: a MIP from matrices with its options in order, an optional start and
  live progress (:mod:`sharedopt.solve.progress`);
- the model statuses they compare against (:data:`OPTIMAL`, :data:`TIME_LIMIT`,
  :data:`NOT_FEASIBLE`), :func:`dual_bound_valid` and :func:`status_text`;
  :func:`~sharedopt.solve.backends.highs.highs_status` maps a status to a
  :class:`~sharedopt.solve.status.Status`.

The models are built by :func:`~sharedopt.solve.backends.highs.matrix_lp`; every instance is
made by :func:`~sharedopt.solve.backends.highs_quiet.new_highs` with its threads set by
:func:`~sharedopt.solve.backends.highs.set_threads`, and every run goes through
:func:`~sharedopt.solve.backends.highs_interrupt.run_highs` (Ctrl-C) unless said otherwise.
Arrays are handed over whole (no per-column Python loop).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
import scipy.sparse as sp

from sharedopt.solve.backends.highs import set_threads
from sharedopt.solve.backends.highs_interrupt import run_highs
from sharedopt.solve.backends.highs_quiet import new_highs
from sharedopt.solve.progress import attach

__all__ = ["NOT_FEASIBLE", "OPTIMAL", "TIME_LIMIT", "GrowingLp", "MipAnswer", "dual_bound_valid", "solve_mip",
           "status_text"]

_HMS = highspy.HighsModelStatus
#: HiGHS model statuses: solved to optimality; stopped by the time limit
OPTIMAL, TIME_LIMIT = _HMS.kOptimal, _HMS.kTimeLimit
#: the statuses of a model with no feasible point
NOT_FEASIBLE = (_HMS.kInfeasible, _HMS.kUnboundedOrInfeasible)
_BOUND_VALID = (_HMS.kOptimal, _HMS.kTimeLimit, _HMS.kSolutionLimit)


def dual_bound_valid(status) -> bool:
    """Whether a MIP that ended with ``status`` reports a valid dual bound (optimal, or stopped by
    the time or solution limit)."""
    return status in _BOUND_VALID


def status_text(status) -> str:
    """HiGHS's own words for a model status."""
    return new_highs().modelStatusToString(status)


class GrowingLp:
    """An LP whose columns grow: one HiGHS model, re-solved after columns are appended.

    Parameters
    ----------
    lp : highspy.HighsLp
        The first columns (:func:`~sharedopt.solve.backends.highs.matrix_lp`, ``integer=False``).
    threads : int
        HiGHS threads (:func:`~sharedopt.solve.backends.highs.set_threads`).
    msg : bool
        Show HiGHS's log.
    seed : int, optional
        HiGHS's ``random_seed`` (None: HiGHS's default).
    """

    def __init__(self, lp, *, threads: int, msg: bool = False, seed: int | None = None):
        self._highs = new_highs(msg)
        set_threads(self._highs, threads)
        if seed is not None:
            self._highs.setOptionValue("random_seed", seed)
        self._highs.passModel(lp)

    def solve(self, time_limit: float):
        """Re-solve from the last basis within ``time_limit`` seconds (Ctrl-C stops it); the model status."""
        self._highs.setOptionValue("time_limit", time_limit)
        run_highs(self._highs)
        return self._highs.getModelStatus()

    def objective(self) -> float:
        """The objective of the last solution."""
        return float(self._highs.getInfo().objective_function_value)

    def row_duals(self) -> np.ndarray:
        """The row duals of the last solution."""
        return np.asarray(self._highs.getSolution().row_dual, dtype=float)

    def column_values(self) -> np.ndarray:
        """The column values of the last solution, in the order the columns were added."""
        return np.asarray(self._highs.getSolution().col_value)

    @property
    def n_columns(self) -> int:
        """How many columns the LP has."""
        return int(self._highs.getNumCol())

    def fix_at_one(self, positions: np.ndarray) -> None:
        """Fix the columns at ``positions`` (in the order they were added) to 1."""
        for position in np.asarray(positions, dtype=np.int64):
            self._highs.changeColBounds(int(position), 1.0, 1.0)

    def set_bounds(self, positions: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        """Give the columns at ``positions`` the bounds ``lower`` and ``upper`` (e.g. undo a fixing)."""
        for position, low, high in zip(np.asarray(positions, dtype=np.int64), lower, upper):
            self._highs.changeColBounds(int(position), float(low), float(high))

    def add_columns(self, cost: np.ndarray, lower: np.ndarray, upper: np.ndarray, block: sp.csc_matrix) -> None:
        """Append the columns of ``block`` (CSC, one column per new variable) with their costs and bounds."""
        self._highs.addCols(block.shape[1], cost.astype(np.float64), lower.astype(np.float64),
                            upper.astype(np.float64), int(block.nnz), block.indptr[:-1].astype(np.int32),
                            block.indices.astype(np.int32), block.data.astype(np.float64))

    def add_rows(self, lower: np.ndarray, upper: np.ndarray, block: sp.csr_matrix) -> None:
        """Append the rows of ``block`` (CSR over the columns so far, one row per new constraint)
        with their bounds; the next solve starts from the last basis, the new rows basic."""
        block = sp.csr_matrix(block)
        self._highs.addRows(block.shape[0], lower.astype(np.float64), upper.astype(np.float64), int(block.nnz),
                            block.indptr[:-1].astype(np.int32), block.indices.astype(np.int32),
                            block.data.astype(np.float64))


@dataclass(frozen=True)
class MipAnswer:
    """A MIP run's answer.

    Attributes
    ----------
    values : numpy.ndarray or None
        The column values of the best solution found (None: no feasible solution).
    status : highspy.HighsModelStatus
        How the run ended.
    dual_bound : float
        HiGHS's MIP dual bound.
    text : str
        HiGHS's words for ``status``.
    reached_target : bool
        The run stopped because a solution reached the caller's target.
    """

    values: np.ndarray | None
    status: Any
    dual_bound: float
    text: str
    reached_target: bool = False


def solve_mip(lp, options: Mapping[str, Any], *, threads: int, msg: bool = False, start: list | None = None,
              progress: bool = False, interruptible: bool = True, target: float | None = None) -> MipAnswer:
    """Solve a MIP from matrices with HiGHS.

    Parameters
    ----------
    lp : highspy.HighsLp
        The model (:func:`~sharedopt.solve.backends.highs.matrix_lp`, ``integer=True``).
    options : mapping of str to value
        HiGHS options, set in this order after the threads (``time_limit``, ``mip_rel_gap``,
        ``mip_max_nodes``, ``random_seed``, ``presolve``, ...).
    threads : int
        HiGHS threads (:func:`~sharedopt.solve.backends.highs.set_threads`).
    msg : bool
        Show HiGHS's log.
    start : list of float, optional
        A starting solution, one value per column.
    progress : bool
        Report incumbents and bounds to the listeners of :mod:`sharedopt.solve.progress`.
    interruptible : bool
        Run through :func:`~sharedopt.solve.backends.highs_interrupt.run_highs` (Ctrl-C stops
        it); False runs HiGHS directly.
    target : float, optional
        Stop as soon as a solution with objective at least ``target`` is found (a maximisation;
        the answer's ``reached_target`` says so). HiGHS's own gap only sees this model's bound; the
        caller's target can come from a bound over a larger model.

    Returns
    -------
    MipAnswer
    """
    h = new_highs(msg)
    set_threads(h, threads)
    for name, value in options.items():
        h.setOptionValue(name, value)
    h.passModel(lp)
    if progress:
        attach(h)
    reached = _stop_at(h, target) if target is not None else None
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = start
        h.setSolution(solution)
    run_highs(h) if interruptible else h.run()
    info = h.getInfo()
    has = info.primal_solution_status == highspy.kSolutionStatusFeasible
    values = np.asarray(h.getSolution().col_value) if has else None
    status = h.getModelStatus()
    return MipAnswer(values, status, float(info.mip_dual_bound), h.modelStatusToString(status),
                     bool(reached and reached[0]))


def _stop_at(h: highspy.Highs, target: float) -> list[bool]:
    """Interrupt ``h``'s MIP once a solution reaches ``target``; the returned flag says whether it did."""
    reached = [False]

    def note(event) -> None:
        if event.data_out.objective_function_value >= target:
            reached[0] = True

    def stop(event) -> None:
        if reached[0]:
            event.interrupt()

    h.cbMipImprovingSolution += note
    h.cbMipInterrupt += stop
    return reached
