"""The HiGHS backend: the model's matrices straight into ``highspy``.

``passModel`` takes the CSR arrays, so HiGHS reports the true MIP dual bound and its
model status; this module maps HiGHS's model statuses to :class:`Status` and says
which limit stopped a run.

HiGHS's thread scheduler is process-wide state, owned here. highspy keeps ONE
scheduler per process, started by the first instance that runs; an instance asking
for another thread count fails to run ("global scheduler has already been
initialized"), and resetting it is not safe once pieces have run in worker threads.
So the first count used in a process wins (:func:`set_threads`): a later, different
``solver.threads`` changes how many pieces run at once, not HiGHS's own threads.
:func:`start_scheduler` fixes that count up front (the test suite does, so that
results never depend on which test ran first).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from time import perf_counter

import highspy
import numpy as np

from sharedopt.config.solver import SolverOptions
from sharedopt.model.build import PortfolioModel
from sharedopt.solve.backends.highs_quiet import new_highs
from sharedopt.solve.backends.pulp import Outcome, get_pulp_solver, solve_pulp
from sharedopt.solve.backends.pulp_compat import PulpOutcome, highs_pulp_bound
from sharedopt.solve.backends.pulp_view import ExtraHook
from sharedopt.solve.heuristics import greedy_start
from sharedopt.solve.outcome import fallback, finish
from sharedopt.solve.pieces import Piece
from sharedopt.solve.progress import attach
from sharedopt.solve.status import SOLVED, Status
from sharedopt.solve.backends.highs_interrupt import run_highs

__all__ = ["HighsBackend", "highs_status", "highs_limit", "set_threads", "start_scheduler", "solve_highs"]

_HMS = highspy.HighsModelStatus
_LIMIT_STATUSES = {
    _HMS.kTimeLimit,
    _HMS.kIterationLimit,
    _HMS.kSolutionLimit,
    _HMS.kObjectiveBound,
    _HMS.kObjectiveTarget,
    _HMS.kMemoryLimit,
}

_SCHEDULER: dict[str, int | None] = {"threads": None}
_SCHEDULER_LOCK = threading.Lock()


def start_scheduler(threads: int) -> int:
    """Fix this process's HiGHS thread count (no-op once fixed); returns the count in force."""
    with _SCHEDULER_LOCK:
        if _SCHEDULER["threads"] is None:
            _SCHEDULER["threads"] = int(threads)
        return _SCHEDULER["threads"]


def set_threads(h: highspy.Highs, threads: int) -> int:
    """Set a HiGHS instance's thread count; every HiGHS instance here goes through this.

    The first count asked for in a process stays for the whole process (see the module
    docstring). Returns the count used.
    """
    used = start_scheduler(threads)
    h.setOptionValue("threads", used)
    return used


def highs_limit(model_status) -> str:
    """'time' (wall clock), 'work' (node / iteration limits) or '' for a HiGHS model status."""
    if model_status == _HMS.kTimeLimit:
        return "time"
    return "work" if model_status in (_HMS.kSolutionLimit, _HMS.kIterationLimit) else ""


def highs_status(model_status, has_solution: bool) -> Status:
    """The :class:`Status` of a HiGHS MIP run from its model status."""
    if model_status == _HMS.kOptimal:
        return Status.OPTIMAL if has_solution else Status.ERROR
    if model_status in (_HMS.kInfeasible, _HMS.kUnboundedOrInfeasible):
        return Status.INFEASIBLE
    if model_status in (_HMS.kInterrupt, _HMS.kHighsInterrupt):
        return Status.INTERRUPTED
    if model_status in _LIMIT_STATUSES:
        return Status.FEASIBLE if has_solution else Status.TIME_LIMIT_NO_SOLUTION
    return Status.ERROR


def matrix_lp(c, A_csc, cols, row_lower, row_upper, var_lower, var_upper, integer: bool) -> highspy.HighsLp:
    """``max c x`` over columns ``cols`` of ``A_csc`` as a HiGHS model (infinite bounds -> HiGHS infinity)."""
    sub = A_csc[:, cols]
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(cols), A_csc.shape[0]
    lp.col_cost_ = c[cols].astype(np.float64)
    lp.col_lower_ = var_lower[cols].astype(np.float64)
    lp.col_upper_ = var_upper[cols].astype(np.float64)
    lp.row_lower_ = np.where(np.isfinite(row_lower), row_lower, -highspy.kHighsInf)
    lp.row_upper_ = np.where(np.isfinite(row_upper), row_upper, highspy.kHighsInf)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = sub.indptr.astype(np.int32)
    lp.a_matrix_.index_ = sub.indices.astype(np.int32)
    lp.a_matrix_.value_ = sub.data.astype(np.float64)
    lp.sense_ = highspy.ObjSense.kMaximize
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * len(cols)
    return lp


def _highs_lp(model: PortfolioModel) -> highspy.HighsLp:
    inf = highspy.kHighsInf
    lp = highspy.HighsLp()
    n, m = model.n_variables, model.n_constraints
    lp.num_col_, lp.num_row_ = n, m
    lp.col_cost_ = np.asarray(model.c, dtype=np.float64)
    lp.col_lower_ = np.asarray(model.var_lower, dtype=np.float64)
    lp.col_upper_ = np.asarray(model.var_upper, dtype=np.float64)
    lp.row_lower_ = np.where(np.isfinite(model.row_lower), model.row_lower, -inf)
    lp.row_upper_ = np.where(np.isfinite(model.row_upper), model.row_upper, inf)
    A = model.A.tocsr()
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, m
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(np.float64)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    lp.sense_ = highspy.ObjSense.kMaximize
    return lp


def _configure_highs(h: highspy.Highs, options: SolverOptions, time_limit: float | None) -> None:
    h.setOptionValue("output_flag", bool(options.msg))
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", float(options.mip_gap))
    if options.node_limit is not None:
        h.setOptionValue("mip_max_nodes", int(options.node_limit))
    set_threads(h, options.threads)
    h.setOptionValue("random_seed", int(options.seed))


def solve_highs(
    model: PortfolioModel, options: SolverOptions, time_limit: float | None, warm: np.ndarray | None
) -> Piece:
    """Solve ``model`` with HiGHS through ``highspy``; the greedy portfolio is the safety net.

    Parameters
    ----------
    model : PortfolioModel
    options : SolverOptions
    time_limit : float or None
        Seconds for this call.
    warm : ndarray or None
        A feasible 0/1 start, handed to HiGHS.

    Returns
    -------
    Piece
    """
    t0 = perf_counter()
    # the greedy portfolio is only a safety net: handing it to HiGHS as a MIP
    # start switches off some of HiGHS's own (better) primal heuristics
    start = warm if warm is not None else greedy_start(model)
    h = new_highs(options.msg)
    _configure_highs(h, options, time_limit)
    h.passModel(_highs_lp(model))
    attach(h)
    if warm is not None:
        sol = highspy.HighsSolution()
        sol.col_value = np.asarray(warm, dtype=float).tolist()
        h.setSolution(sol)
    setup = perf_counter() - t0
    run_highs(h)
    ms, info = h.getModelStatus(), h.getInfo()
    has_sol = info.primal_solution_status == highspy.kSolutionStatusFeasible
    status = highs_status(ms, has_sol)
    x = np.asarray(h.getSolution().col_value) if has_sol and status in SOLVED else None
    piece = finish(
        model, status, h.modelStatusToString(ms), x, info.mip_dual_bound,
        version=f"HiGHS {h.version()} (highspy)", setup_seconds=setup, limit=highs_limit(ms),
    )
    return fallback(model, piece, start)


@dataclass(frozen=True)
class HighsBackend:
    """HiGHS: matrices through ``highspy``, or PuLP's HiGHS wrapper when a user hook edits the problem.

    Attributes
    ----------
    options : SolverOptions
    """

    options: SolverOptions
    name = "highs"
    pulp_name = "HiGHS"
    #: independent pieces may be solved in parallel threads (HiGHS's B&B is essentially serial)
    parallel_pieces = True
    #: large pieces go to column generation with reduced-cost fixing (HiGHS models as matrices)
    prices_large_models = True

    def solve(self, model: PortfolioModel, time_limit: float | None, warm: np.ndarray | None,
              extra: ExtraHook | None = None) -> Piece:
        """Solve ``model`` within ``time_limit`` seconds (see :func:`solve_highs`)."""
        if extra is not None:
            return solve_pulp(model, self.options, self, time_limit, warm, extra)
        return solve_highs(model, self.options, time_limit, warm)

    def pulp_solver(self, options: SolverOptions, time_limit: float | None, log_path: str, warm: bool):
        """PuLP's HiGHS wrapper with sharedopt's settings (the path a user hook takes)."""
        kw = {"msg": bool(options.msg), "timeLimit": time_limit, "gapRel": options.mip_gap,
              "threads": options.threads, "random_seed": options.seed}
        if options.node_limit is not None:
            kw["mip_max_nodes"] = int(options.node_limit)
        return get_pulp_solver(self.pulp_name, **kw)

    def outcome(self, prob, run: PulpOutcome, log_path: str, model: PortfolioModel,
                start: np.ndarray | None, time_limit: float | None) -> tuple[Outcome, str]:
        """HiGHS's own model status and dual bound, read from PuLP's HiGHS object."""
        h = prob.solverModel
        ms, info = h.getModelStatus(), h.getInfo()
        has_sol = info.primal_solution_status == highspy.kSolutionStatusFeasible
        return Outcome(highs_status(ms, has_sol), h.modelStatusToString(ms), highs_pulp_bound(prob),
                       f"HiGHS {h.version()} (PuLP)", limit=highs_limit(ms)), ""


def highs_settings(options) -> dict:
    """The settings every HiGHS run here shares: log, threads, seed."""
    return {"msg": bool(getattr(options, "msg", False)), "threads": getattr(options, "threads", 1),
            "seed": int(getattr(options, "seed", 0))}
