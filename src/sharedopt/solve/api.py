"""Solve step: :class:`~sharedopt.model.build.PortfolioModel` -> (SolveResult, chosen).

* HiGHS (default) is driven directly through ``highspy`` from the model
  matrices (``passModel`` with CSR arrays), which exposes the true MIP dual
  bound and the model status.  When a user ``extra`` hook is given, the PuLP
  problem is built and solved with ``pulp.getSolver('HiGHS', ...)`` instead;
  the bound then comes from ``prob.solverModel.getInfo()``.
* CBC runs through PuLP (``COIN_CMD`` when a ``cbc`` binary is on PATH or, on
  PuLP 4.x, from the ``cbcbox`` wheel of ``pulp[cbc]``; else PuLP 3.x's bundled
  ``PULP_CBC_CMD``); its log is captured to a temporary file to read the final
  result line and best bound. PuLP 3.3 and 4.x differ in how a solve reports its
  outcome: :mod:`sharedopt.solve.backends.pulp_compat` turns either into one status value.
* Statuses are values, never read back from message text: ``'optimal'`` only
  when the reported gap (``best_bound`` against the objective) is within
  ``mip_gap`` (:func:`_make_result` enforces it); a time-limited incumbent is
  ``'feasible'``; a solver's claim of infeasibility that a feasible portfolio
  refutes, or that CBC makes when its preprocessing is cut short by the time
  limit, is ``'time_limit_no_solution'``, never ``'infeasible'``.
* Before solving, exact reductions fix candidates that can never help
  (non-positive objective; dominated by a cheaper-or-equal subset candidate),
  see :func:`reduce_model`.  They are skipped when a user hook is given.
* A greedy feasible portfolio is kept as a safety net (not passed to the
  solver, whose own heuristics do better): if the solver stops without an
  incumbent, or with a worse one, the greedy portfolio (or the forced-only
  one) is returned as 'feasible', with a cheap weak-duality bound when the
  solver has none.  A user ``warm_start`` is passed to the solver.
* With ``decompose=True`` the candidates are split into independent pieces
  (connected components of the candidate-row graph); tiny pieces are solved by
  enumeration without a solver call.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import tempfile
import warnings
from dataclasses import asdict, dataclass, field, replace
from time import perf_counter
from typing import Any

import highspy
import numpy as np
import pulp
from pydantic import BaseModel, ConfigDict, Field, field_validator

from sharedopt.solve.progress import attach, listening
from sharedopt.solve.diagnose import InfeasibleError, diagnose_infeasibility, precheck
from sharedopt.common.errors import SharedoptError
from sharedopt.common.gaps import PROVEN_GAP, format_gap
from sharedopt.model.build import PortfolioModel
from sharedopt.solve.backends.highs_quiet import mute_banner, new_highs
from sharedopt.solve.backends.pulp_compat import highs_pulp_bound, run_pulp
from sharedopt.model.pulp_view import ExtraHook, build_pulp
from sharedopt.solve.backends.registry import CBC_NAMES, SOLVERS, SolverUnavailableError, check_solver, user_name
from sharedopt.solve.bounds.proof import solve_large
from sharedopt.model.packing_dominance import removable
from sharedopt.solve.lp_bounds import is_large, set_threads, solve_by_pricing
from sharedopt.solve.pieces import (
    ENUMERATE_MAX_VARS, FEAS_TOL, Piece, PieceBudget, block_matrix, dead_rows_hold, enumerate_piece, map_pieces,
    piece_labels, piece_progress, piece_workers, solve_singletons, split_model, submodel,
)

__all__ = [
    "SolverOptions",
    "SolveResult",
    "SolverUnavailableError",
    "STATUSES",
    "resolve_solver",
    "piece_labels",
    "submodel",
    "fix_unprofitable",
    "fix_dominated",
    "reduce_model",
    "greedy_start",
    "cheap_bound",
    "solve",
]

#: statuses, best first; the worst piece status is reported
STATUSES = ("optimal", "feasible", "time_limit_no_solution", "infeasible", "error")
#: what each status says to a user (see :func:`describe_status`)
STATUS_WORDS = {
    "optimal": "optimal",
    "feasible": "best found, not proven optimal",
    "time_limit_no_solution": "time limit, no solution found",
    "infeasible": "infeasible",
    "error": "solver error",
}
# PROVEN_GAP (gap at or below which a result is "proven optimal") and format_gap live in .gaps
#: alias -> PuLP solver names (kept for callers of the old name)
SOLVER_ALIASES = SOLVERS


class SolverOptions(BaseModel):
    """Solver settings (plain data, e.g. a ``[solver]`` TOML section).

    Attributes
    ----------
    name : str
        'highs' (default) or 'cbc' (see :mod:`sharedopt.solve.backends.registry`).
    time_limit : float or None
        Seconds for the whole solve (shared by decomposition pieces): > 0 and
        finite, or None for no limit.
    mip_gap : float
        Relative MIP gap in [0, 1) at which the solver may stop; the result is
        'optimal' only when its reported gap is within it.
    threads, seed : int
        threads >= 1, seed >= 0.
        Solver threads / random seed (CBC: seed 0 keeps CBC's fixed default
        seeds, because CBC's own 0 means "time of day").
    node_limit : int or None
        Deterministic work limit: branch-and-bound nodes per solver call (HiGHS
        ``mip_max_nodes``, CBC ``maxNodes``); None for none. Unlike the time limit,
        a result stopped by it does not depend on machine load.
    msg : bool
        Show solver output.
    decompose : bool
        Solve independent pieces separately.
    alternatives : int
        Near-optimal alternative portfolios to look for after the solve (0: none;
        :mod:`sharedopt.results.alternatives`), written to ``alternatives.csv``.
    alternatives_gap : float
        Relative objective loss an alternative may have, in (0, 1) (0.01: within 1%).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = "highs"
    time_limit: float | None = 60
    mip_gap: float = 1e-3
    threads: int = 2
    seed: int = 0
    node_limit: int | None = None
    msg: bool = False
    decompose: bool = True
    alternatives: int = Field(default=0, ge=0, le=50)
    alternatives_gap: float = Field(default=0.01, gt=0, lt=1)

    @field_validator("time_limit")
    @classmethod
    def _positive_time(cls, v: float | None) -> float | None:
        if v is not None and not (0 < v < math.inf):
            raise ValueError(f"time_limit must be a finite number of seconds > 0, e.g. 60 "
                             f"(got {v}); leave it out for no limit")
        return v

    @field_validator("mip_gap")
    @classmethod
    def _gap(cls, v: float) -> float:
        if not (0 <= v < 1):
            raise ValueError(f"mip_gap is a relative gap in [0, 1), e.g. 0.001 for 0.1% (got {v})")
        return v

    @field_validator("threads")
    @classmethod
    def _threads(cls, v: int) -> int:
        if v < 1:
            raise ValueError(f"threads must be >= 1 (got {v})")
        return v

    @field_validator("node_limit")
    @classmethod
    def _nodes(cls, v: int | None) -> int | None:
        if v is not None and v < 1:
            raise ValueError(f"node_limit must be >= 1 node or left out (got {v})")
        return v

    @field_validator("seed")
    @classmethod
    def _seed(cls, v: int) -> int:
        if v < 0:
            raise ValueError(f"seed must be >= 0 (got {v})")
        return v


@dataclass(frozen=True)
class SolveResult:
    """Outcome of :func:`solve` (never a mutated model).

    Attributes
    ----------
    status : str
        'optimal' (proven within ``mip_gap``), 'feasible' (incumbent, not
        proven), 'infeasible', 'time_limit_no_solution' or 'error'.
    termination : str
        Raw solver termination text (';'-joined over pieces when they differ).
    objective : float or None
        Objective of the returned portfolio.
    best_bound : float or None
        Proven upper bound on the optimum (None if unknown).
    gap : float or None
        ``(best_bound - objective) / max(1e-9, |objective|)``.
    solve_seconds, build_seconds : float
        Solver wall time; model build time (+ solver-model construction).
    solver, solver_version : str
        Solver used and its version.
    n_variables, n_constraints, n_nonzeros : int
        Size of the full problem.
    seed : int
        Random seed passed to the solver.
    n_pieces : int
        Independent pieces solved (1 when not decomposed).
    message : str
        Human-readable notes.
    stopped_by : str
        'time limit' when the wall-clock limit stopped a solver call (the result may
        then depend on machine load), 'work limit' when only ``node_limit`` did, else ''.
    seconds_by_phase : dict
        Seconds per solve phase where the solver path has phases (column generation,
        working-set MIP, MIP after reduced-cost fixing), summed over pieces.
    """

    status: str
    termination: str
    objective: float | None
    best_bound: float | None
    gap: float | None
    solve_seconds: float
    build_seconds: float
    solver: str
    solver_version: str
    n_variables: int
    n_constraints: int
    n_nonzeros: int
    seed: int
    n_pieces: int
    message: str = ""
    stopped_by: str = ""
    seconds_by_phase: dict = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (inf / NaN become None)."""
        out = asdict(self)
        for k, v in out.items():
            if isinstance(v, float) and not math.isfinite(v):
                out[k] = None
        return out


# --------------------------------------------------------------------------
# solver selection
# --------------------------------------------------------------------------
def resolve_solver(name: str) -> str:
    """PuLP solver name for ``name`` ('highs' or 'cbc'); see :func:`sharedopt.solve.backends.registry.check_solver`.

    Raises
    ------
    SolverUnavailableError
        Unknown or unavailable solver; the message lists the names and how to install CBC.
    """
    return check_solver(name)


def _short_name(pulp_name: str) -> str:
    return user_name(pulp_name)


def describe_status(status: str, gap: float | None, mip_gap: float) -> str:
    """What a result's status says to a user, e.g. 'proven optimal' or 'time limit, no solution found'.

    'proven optimal' only when the gap is at most :data:`PROVEN_GAP`; an 'optimal'
    result within a looser ``mip_gap`` says so with both numbers.
    """
    gap_text = "gap unknown" if gap is None else f"gap {format_gap(gap)}"
    if status == "optimal":
        if gap is not None and gap <= PROVEN_GAP:
            return "proven optimal"
        return f"optimal within the {format_gap(mip_gap)} gap tolerance ({gap_text})"
    if status == "feasible":
        return f"{STATUS_WORDS['feasible']} ({gap_text})"
    return STATUS_WORDS.get(status, status)


# --------------------------------------------------------------------------
# helpers on arrays
# --------------------------------------------------------------------------
def _is_feasible(model: PortfolioModel, x: np.ndarray, tol: float = FEAS_TOL) -> bool:
    if np.any(x < model.var_lower - tol) or np.any(x > model.var_upper + tol):
        return False
    act = model.A @ x
    lo, hi = model.row_lower, model.row_upper
    # relative slack for large right-hand sides (budgets in £k)
    tol_lo = tol * np.maximum(1.0, np.abs(np.where(np.isfinite(lo), lo, 0.0)))
    tol_hi = tol * np.maximum(1.0, np.abs(np.where(np.isfinite(hi), hi, 0.0)))
    return bool(np.all(act >= lo - tol_lo) and np.all(act <= hi + tol_hi))


def _trivial_bound(model: PortfolioModel) -> float:
    """Upper bound from variable bounds only (valid for any feasible x)."""
    c, lo, hi = model.c, model.var_lower, model.var_upper
    return float(np.sum(np.where(c > 0, c * hi, c * lo)))


def _dual_bound(model: PortfolioModel, rows: np.ndarray) -> float:
    """Weak-duality bound ``u.y + ub.z`` from a cheap dual point on ``<=`` rows.

    Each candidate spreads ``max(c, 0)`` over its positive entries in ``rows``
    (``y_r`` = largest share asked of row r) and ``z = max(0, c - A^T y)``.
    Any ``y, z >= 0`` with ``A^T y + z >= c`` bounds the relaxation
    ``{A x <= u, 0 <= x <= ub}``, hence every feasible portfolio.
    """
    A = model.A[rows].tocsr()
    pos = A.maximum(0).tocsr()
    pos.eliminate_zeros()
    weight = np.asarray(pos.sum(axis=0)).ravel()
    share = np.divide(np.maximum(model.c, 0.0), weight, out=np.zeros_like(weight), where=weight > 0)
    asks = pos.copy()
    asks.data = share[asks.indices]
    y = asks.max(axis=1).toarray().ravel() if asks.shape[0] else np.zeros(0)
    z = np.maximum(model.c - A.T @ y, 0.0)
    return float(model.row_upper[rows] @ y + model.var_upper @ z)


def cheap_bound(model: PortfolioModel) -> float:
    """Valid upper bound on the optimum without a solver (best of a few dual points)."""
    best = _trivial_bound(model)
    le = np.flatnonzero(np.isfinite(model.row_upper))
    if len(le):
        tight = le[model.row_upper[le] <= 1.0]  # e.g. slot rows: cheapest to price
        for rows in (le, tight):
            if len(rows):
                best = min(best, _dual_bound(model, rows))
    return best


def greedy_start(model: PortfolioModel) -> np.ndarray | None:
    """Feasible 0/1 portfolio by a greedy pass.

    Forced candidates first, then candidates by objective per unit of
    capacity used (``c / sum_r |a_rj| / u_r`` over ``<=`` rows), each taken
    when it still fits.  Returns None when the result misses a ``>=`` row
    (forced pairs).
    """
    x = np.where(model.var_upper > 0, model.var_lower, 0.0)
    if not _is_feasible(model, x):
        return None
    A = model.A.tocsc()
    slack = (model.row_upper - model.A @ x).tolist()
    u = model.row_upper
    weight = np.where(np.isfinite(u), 1.0 / np.maximum(u, 1e-9), 0.0)
    use = abs(model.A).T @ weight if model.n_constraints else np.zeros(model.n_variables)
    score = model.c / np.maximum(use, 1e-12)
    free = np.flatnonzero((x == 0) & (model.var_upper >= 1) & (model.c > 0))
    order = free[np.argsort(-score[free], kind="stable")].tolist()
    ptr, idx, val = A.indptr.tolist(), A.indices.tolist(), A.data.tolist()
    chosen = []
    for j in order:
        span = range(ptr[j], ptr[j + 1])
        if all(val[p] <= slack[idx[p]] + 1e-9 for p in span):
            for p in span:
                slack[idx[p]] -= val[p]
            chosen.append(j)
    x[chosen] = 1.0
    return x if _is_feasible(model, x) else None


def _finish(model: PortfolioModel, status: str, text: str, x, bound, **kw) -> Piece:
    """Round x, recompute the objective exactly, keep bound >= objective."""
    if x is not None:
        x = np.clip(np.round(np.asarray(x, dtype=float)), 0, 1)
        if not _is_feasible(model, x):
            note = "solver solution violates the constraints after rounding to 0/1"
            return Piece("error", text, None, None, None, message=note, **kw)
    obj = float(model.c @ x) if x is not None else None
    if bound is not None and not math.isfinite(bound):
        bound = None
    if bound is None and obj is not None:  # solver gave none: weak but true bound
        bound = cheap_bound(model)
        kw["message"] = "solver reported no bound; best_bound from a cheap dual bound"
    if bound is not None and obj is not None:
        bound = max(float(bound), obj)
    return Piece(status, text, obj, bound, x, **kw)


def _prefer_start(model: PortfolioModel, piece: Piece, start: np.ndarray | None) -> Piece:
    """Return the start portfolio when it beats the solver's incumbent."""
    if piece.x is None or start is None or piece.objective is None:
        return piece
    value = float(model.c @ start)
    if value <= piece.objective + 1e-9 or not _is_feasible(model, start):
        return piece
    note = "the solver's incumbent was worse than the start portfolio; returned the start"
    message = "; ".join(t for t in (piece.message, note) if t)
    bound = None if piece.bound is None else max(piece.bound, value)
    return replace(piece, x=start.copy(), objective=value, bound=bound, message=message)


def _fallback(model: PortfolioModel, piece: Piece, start: np.ndarray | None) -> Piece:
    """No incumbent within the time limit: use the start (greedy) or x = lower bounds."""
    if piece.status != "time_limit_no_solution":
        return _prefer_start(model, piece, start)
    if start is not None and _is_feasible(model, start):
        x, note = start, "no solver incumbent within the time limit; returned the start portfolio"
    elif _is_feasible(model, model.var_lower):
        x = model.var_lower
        note = "no incumbent within the time limit; returned the forced-only portfolio"
    else:
        return piece
    done = _finish(model, "feasible", piece.termination, x, piece.bound,
                   version=piece.version, setup_seconds=piece.setup_seconds, limit=piece.limit)
    return replace(done, message="; ".join(t for t in (note, done.message) if t))


# --------------------------------------------------------------------------
# HiGHS via highspy (matrices)
# --------------------------------------------------------------------------
_HMS = highspy.HighsModelStatus
_LIMIT_STATUSES = {
    _HMS.kTimeLimit,
    _HMS.kIterationLimit,
    _HMS.kInterrupt,
    _HMS.kHighsInterrupt,
    _HMS.kSolutionLimit,
    _HMS.kObjectiveBound,
    _HMS.kObjectiveTarget,
    _HMS.kMemoryLimit,
}


def _highs_limit(model_status) -> str:
    """'time' (wall clock), 'work' (node / iteration limits) or '' for a HiGHS model status."""
    if model_status == _HMS.kTimeLimit:
        return "time"
    return "work" if model_status in (_HMS.kSolutionLimit, _HMS.kIterationLimit) else ""


def _highs_status(model_status, has_solution: bool) -> str:
    if model_status == _HMS.kOptimal:
        return "optimal" if has_solution else "error"
    if model_status in (_HMS.kInfeasible, _HMS.kUnboundedOrInfeasible):
        return "infeasible"
    if model_status in _LIMIT_STATUSES:
        return "feasible" if has_solution else "time_limit_no_solution"
    return "error"


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


def _solve_highs(
    model: PortfolioModel, options: SolverOptions, time_limit: float | None, warm: np.ndarray | None
) -> Piece:
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
    h.run()
    ms, info = h.getModelStatus(), h.getInfo()
    has_sol = info.primal_solution_status == highspy.kSolutionStatusFeasible
    status = _highs_status(ms, has_sol)
    x = np.asarray(h.getSolution().col_value) if has_sol and status in STATUSES[:2] else None
    piece = _finish(
        model, status, h.modelStatusToString(ms), x, info.mip_dual_bound,
        version=f"HiGHS {h.version()} (highspy)", setup_seconds=setup, limit=_highs_limit(ms),
    )
    return _fallback(model, piece, start)


# --------------------------------------------------------------------------
# PuLP (CBC, HiGHS with a user hook, other PuLP solvers)
# --------------------------------------------------------------------------
_CBC_RESULT = re.compile(r"^Result - (.*)$", re.M)
_CBC_BOUND = re.compile(r"^(Upper|Lower) bound:\s+(\S+)", re.M)
_CBC_VERSION = re.compile(r"^Version:\s*(\S+)", re.M)
_CBC_WALLCLOCK = re.compile(r"\(Wallclock seconds\):\s+(\S+)")


def _cbc_log(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
    except OSError:
        return {}
    out: dict[str, Any] = {}
    if m := _CBC_RESULT.search(text):
        out["result"] = m.group(1).strip()
        # CBC's result line is the only place (PuLP 3) that says which limit stopped it
        result = out["result"].lower()
        out["limit"] = "time" if "time" in result else ("work" if "node" in result else "")
    if m := _CBC_BOUND.search(text):
        kind, raw = m.groups()
        try:
            decimals = len(raw.split(".")[1]) if "." in raw else 0
            # the model is a maximisation: PuLP 3 passes it with -max (CBC prints an upper
            # bound), PuLP 4 as min -objective (CBC prints a lower bound of the negation)
            value = float(raw) if kind == "Upper" else -float(raw)
            # printed rounded: add half a unit of the last digit to stay an upper bound
            out["bound"] = value + 0.5 * 10.0 ** (-decimals)
        except ValueError:
            pass
    if m := _CBC_VERSION.search(text):
        out["version"] = m.group(1)
    if m := _CBC_WALLCLOCK.search(text):
        with contextlib.suppress(ValueError):
            out["wallclock"] = float(m.group(1))
    return out


def _pulp_solver(pulp_name: str, options: SolverOptions, time_limit, log_path, warm: bool):
    kw: dict[str, Any] = {"msg": bool(options.msg), "timeLimit": time_limit}
    if pulp_name in CBC_NAMES:
        seed = options.seed
        extra_opts = [f"randomCbcSeed {seed}", f"randomSeed {seed}"] if seed > 0 else []
        kw.update(gapRel=options.mip_gap, threads=options.threads, logPath=log_path,
                  warmStart=warm, options=extra_opts, maxNodes=options.node_limit)
        kw["msg"] = False  # the log goes to log_path; echoed below when msg=True
    elif pulp_name == "HiGHS":
        kw.update(gapRel=options.mip_gap, threads=options.threads, random_seed=options.seed)
        if options.node_limit is not None:
            kw["mip_max_nodes"] = int(options.node_limit)
    with warnings.catch_warnings():  # PULP_CBC_CMD is deprecated for PuLP 4 but still bundled
        warnings.simplefilter("ignore", DeprecationWarning)
        return pulp.getSolver(pulp_name, **kw)


@dataclass(frozen=True)
class _Outcome:
    status: str
    text: str
    bound: float | None
    version: str
    bound_is_objective: bool = False  # search completed: bound = objective
    limit: str = ""  # 'time', 'work' or ''


def _highs_pulp_outcome(prob: pulp.LpProblem) -> _Outcome:
    h = prob.solverModel
    ms, info = h.getModelStatus(), h.getInfo()
    has_sol = info.primal_solution_status == highspy.kSolutionStatusFeasible
    text = h.modelStatusToString(ms)
    return _Outcome(_highs_status(ms, has_sol), text, highs_pulp_bound(prob), f"HiGHS {h.version()} (PuLP)",
                    limit=_highs_limit(ms))


def _cbc_outcome(run, log: dict[str, Any]) -> _Outcome:
    """CBC's status (from PuLP) with its log's result line, best bound and version."""
    result = log.get("result", "")
    version = f"CBC {log.get('version', '?')} (PuLP {pulp.__version__})"
    complete = run.status == "optimal" and result.startswith("Optimal") and "gap" not in result
    return _Outcome(run.status, result or run.text, log.get("bound"), version, complete, log.get("limit", ""))


def _checked_infeasibility(out: _Outcome, model: PortfolioModel, start, time_limit, log) -> tuple[_Outcome, str]:
    """Keep CBC's 'infeasible' only when nothing refutes it; else say what happened.

    CBC stopped by the time limit during preprocessing reports "infeasible or
    unbounded" without proof. A feasible start portfolio refutes the claim outright;
    a run that used its whole time limit without a 'Result - ... infeasible' line
    did not prove it.
    """
    if out.status != "infeasible":
        return out, ""
    if start is not None and _is_feasible(model, start):
        status = "time_limit_no_solution" if time_limit is not None else "error"
        note = ("CBC reported the model infeasible, but the start portfolio satisfies every "
                "constraint: CBC stopped without a solution")
        return replace(out, status=status, text=out.text or "stopped without a solution",
                       limit="time" if time_limit is not None else out.limit), note
    timed_out = time_limit is not None and log.get("wallclock", 0.0) >= time_limit
    if timed_out and "infeasible" not in log.get("result", "").lower():
        note = "CBC used its whole time limit in preprocessing and stopped without a solution or a proof"
        return replace(out, status="time_limit_no_solution", text="Stopped on time limit", limit="time"), note
    return out, ""


def _gap_tested_bound(status: str, bound: float | None, obj: float, mip_gap: float) -> float | None:
    """An 'optimal' solver stopped on its gap test, made with its exact bound; a log prints
    the bound rounded, so the tighter of the two upper bounds is kept."""
    if status != "optimal" or bound is None:
        return bound
    return min(bound, obj + mip_gap * max(1e-9, abs(obj)))


def _solve_pulp(
    model: PortfolioModel,
    options: SolverOptions,
    pulp_name: str,
    time_limit: float | None,
    warm: np.ndarray | None,
    extra: ExtraHook | None = None,
) -> Piece:
    t0 = perf_counter()
    start = warm if warm is not None or extra is not None else greedy_start(model)
    prob, xs = build_pulp(model)
    if extra is not None:
        extra(prob, xs)
    variables = list(xs.values())
    if warm is not None:
        for v, val in zip(variables, np.asarray(warm, dtype=float).tolist()):
            v.setInitialValue(val)
    fd, log_path = tempfile.mkstemp(prefix="sharedopt_cbc_", suffix=".log")
    os.close(fd)
    try:
        solver = _pulp_solver(pulp_name, options, time_limit, log_path, warm is not None)
        mute_banner()  # PuLP's HiGHS wrapper makes its Highs object before it can silence it
        setup = perf_counter() - t0
        try:
            run = run_pulp(prob, solver)
        except Exception as exc:  # solver crash / wrapper bug: report, do not hide
            text = f"{type(exc).__name__}: {exc}"
            return Piece("error", text, None, None, None, setup_seconds=setup, message=text)
        log = _cbc_log(log_path) if pulp_name in CBC_NAMES else {}
        if options.msg and pulp_name in CBC_NAMES:
            with open(log_path, encoding="utf-8", errors="replace") as fh:
                print(fh.read())
    finally:
        os.unlink(log_path)
    note = ""
    if pulp_name == "HiGHS":
        out = _highs_pulp_outcome(prob)
    else:
        out, note = _checked_infeasibility(_cbc_outcome(run, log), model,
                                           start if extra is None else None, time_limit, log)
    x = None
    if out.status in ("optimal", "feasible"):
        x = np.clip(np.round([v.varValue or 0.0 for v in variables]), 0, 1)
    if extra is None:
        bound = float(model.c @ x) if out.bound_is_objective and x is not None else out.bound
        if x is not None:
            bound = _gap_tested_bound(out.status, bound, float(model.c @ x), options.mip_gap)
        piece = _finish(model, out.status, out.text, x, bound,
                        version=out.version, setup_seconds=setup, limit=out.limit)
        piece = _fallback(model, piece, start)
        return replace(piece, message="; ".join(t for t in (note, piece.message) if t))
    # user hook: the problem may have extra variables / terms: report PuLP's own objective
    obj = pulp.value(prob.objective) if x is not None else None
    bound = obj if out.bound_is_objective else out.bound
    if obj is not None:
        bound = _gap_tested_bound(out.status, bound, obj, options.mip_gap)
    if bound is not None and not math.isfinite(bound):
        bound = None
    if bound is not None and obj is not None:
        bound = max(bound, obj)
    return Piece(out.status, out.text, obj, bound, x, version=out.version, setup_seconds=setup, message=note,
                 limit=out.limit)


def _solve_one(model, options, pulp_name, time_limit, warm, extra=None) -> Piece:
    if extra is None and model.n_variables == 0:
        ok = _is_feasible(model, np.zeros(0))
        return Piece("optimal", "empty model", 0.0, 0.0, np.zeros(0)) if ok else \
            Piece("infeasible", "empty model", None, None, None)
    if extra is None and pulp_name == "HiGHS":
        if is_large(model, options):
            return _solve_by_pricing(model, options, time_limit, warm)
        return _solve_highs(model, options, time_limit, warm)
    return _solve_pulp(model, options, pulp_name, time_limit, warm, extra)


def _solve_by_pricing(model, options, time_limit, warm) -> Piece:
    """A large piece (many more candidates than rows): pricing and reduced-cost fixing."""
    out = solve_large(model, options, time_limit, warm)
    status = out.status
    bound = float(out.best_bound) if np.isfinite(out.best_bound) else None
    note = f"LP bound {out.lp_bound:,.1f}" if np.isfinite(out.lp_bound) else ""
    return Piece(status, out.termination, out.objective, bound, out.x,
                  version=f"HiGHS {new_highs().version()} (highspy, column generation)",
                  message="; ".join(t for t in (note, out.bound_kind and f"bound: {out.bound_kind}") if t),
                  limit=out.limit, phases=out.phases or {})


def _solve_decomposed(
    model: PortfolioModel,
    options: SolverOptions,
    pulp_name: str,
    warm: np.ndarray | None,
    t_start: float,
) -> tuple[list[Piece], np.ndarray, int, str]:
    """Solve every piece; also returns the number of pieces and a summary note."""
    split = split_model(model)
    x = np.where(model.var_upper > 0, model.var_lower, 0.0).astype(float)
    sizes = np.diff(split.col_starts)
    pieces: list[Piece] = []
    if not dead_rows_hold(model, split.row_labels):
        pieces.append(Piece("infeasible", "row without free variables violated", None, None, None))
    single = np.flatnonzero(sizes == 1)
    if len(single):
        res, cols = solve_singletons(model, split, single)
        pieces.append(res)
        if res.x is not None:
            x[cols] = res.x
    A_perm = model.A[split.row_order][:, split.col_order].tocsr()
    multi = [int(p) for p in np.argsort(sizes, kind="stable") if sizes[p] > 1]
    small = [p for p in multi if sizes[p] <= ENUMERATE_MAX_VARS]
    big = [p for p in multi if sizes[p] > ENUMERATE_MAX_VARS]
    for p in small:
        c0, c1 = split.col_starts[p], split.col_starts[p + 1]
        r0, r1 = split.row_starts[p], split.row_starts[p + 1]
        cols, rows = split.col_order[c0:c1], split.row_order[r0:r1]
        res = enumerate_piece(model.c[cols], block_matrix(A_perm, r0, r1, c0, c1),
                              model.row_lower[rows], model.row_upper[rows],
                              model.var_lower[cols], model.var_upper[cols])
        pieces.append(res)
        if res.x is not None:
            x[cols] = res.x
    budget = PieceBudget(options.time_limit, t_start, sizes[big].sum() if big else 0,
                          piece_workers(options, pulp_name, len(big)))
    tracker = piece_progress(pieces, len(big))

    def solve_piece(p: int) -> Piece:
        cols = split.col_order[split.col_starts[p]:split.col_starts[p + 1]]
        rows = split.row_order[split.row_starts[p]:split.row_starts[p + 1]]
        sub = submodel(model, cols, rows)
        with listening(tracker.piece_listener(p)) if tracker else contextlib.nullcontext():
            res = _solve_one(sub, options, pulp_name, budget.take(int(sizes[p])),
                             None if warm is None else warm[cols])
        if tracker:
            tracker.finished(p, res.objective, res.bound)
        return res

    for p, res in zip(big, map_pieces(solve_piece, big, budget.workers)):
        pieces.append(res)
        if res.x is not None:
            x[split.col_order[split.col_starts[p]:split.col_starts[p + 1]]] = res.x
    note = ""
    if split.n_pieces > 1:
        parallel = f", {budget.workers} in parallel" if budget.workers > 1 else ""
        note = (f"decomposed into {split.n_pieces} pieces "
                f"({split.n_pieces - len(big)} enumerated, {len(big)} solver calls{parallel})")
    return pieces, x, split.n_pieces, note


def _combine(pieces: list[Piece], n_pieces: int) -> dict[str, Any]:
    statuses = [p.status for p in pieces] or ["optimal"]
    status = max(statuses, key=STATUSES.index)
    objs, bounds = [p.objective for p in pieces], [p.bound for p in pieces]
    objective = None if None in objs else float(sum(objs))
    bound = None if None in bounds else float(sum(bounds))
    texts = sorted({p.termination for p in pieces} - {"enumerated"}) or ["enumerated"]
    versions = sorted({p.version for p in pieces if p.version}) or ["enumeration"]
    messages = sorted({p.message for p in pieces if p.message})
    limits = {p.limit for p in pieces}
    phases: dict[str, float] = {}
    for p in pieces:
        for k, v in (p.phases or {}).items():
            phases[k] = round(phases.get(k, 0.0) + float(v), 3)
    stopped_by = "time limit" if "time" in limits else ("work limit" if "work" in limits else "")
    return dict(stopped_by=stopped_by, status=status, termination="; ".join(texts), objective=objective, best_bound=bound,
                solver_version="; ".join(versions), message="; ".join(messages),
                setup=sum(p.setup_seconds for p in pieces), n_pieces=max(n_pieces, 1), phases=phases)


def _gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    return max(0.0, (bound - objective) / max(1e-9, abs(objective)))


def solve(
    model: PortfolioModel,
    options: SolverOptions | None = None,
    extra: ExtraHook | None = None,
    *,
    warm_start: np.ndarray | None = None,
) -> tuple[SolveResult, np.ndarray]:
    """Solve the portfolio model.

    Parameters
    ----------
    model : PortfolioModel
        From :func:`sharedopt.model.build.build_model`.
    options : SolverOptions, optional
        Defaults to ``SolverOptions()``.
    extra : callable, optional
        ``extra(prob, variables)`` edits the PuLP problem before solving
        (``variables`` maps candidate id -> LpVariable).  Forces the PuLP path
        and disables decomposition.
    warm_start : ndarray, optional
        0/1 start vector aligned with candidates (used when feasible).

    Returns
    -------
    result : SolveResult
    chosen : ndarray of int8
        1 for chosen candidates, aligned with ``model.candidate_ids``
        (all zero when there is no solution).

    Raises
    ------
    SolverUnavailableError
        Unknown / unavailable solver.
    InfeasibleError
        The constraints cannot all hold; the message explains why in user terms.
    """
    options = options or SolverOptions()
    pulp_name = resolve_solver(options.name)
    issues = precheck(model)
    if issues:
        raise InfeasibleError(issues)
    t0 = perf_counter()
    reduced = reduce_model(model) if extra is None else model
    if warm_start is not None:  # dropping fixed candidates keeps a start feasible
        warm_start = np.minimum(np.asarray(warm_start, dtype=float), reduced.var_upper)
    warm = _usable_start(reduced, warm_start)
    if options.decompose and extra is None:
        pieces, x, n_pieces, note = _solve_decomposed(reduced, options, pulp_name, warm, t0)
    else:
        piece = _solve_one(reduced, options, pulp_name, options.time_limit, warm, extra)
        pieces, x, n_pieces, note = [piece], piece.x, 1, ""
    n_fixed = int(np.sum((model.var_upper > 0) & (reduced.var_upper <= 0)))
    if n_fixed:
        fixed = f"reductions fixed {n_fixed} dominated/unprofitable candidates to 0"
        note = "; ".join(t for t in (fixed, note) if t)
    result = _make_result(model, options, pulp_name, pieces, n_pieces, note, perf_counter() - t0)
    result = against_outer_bound(result, model.outer_bound, options.mip_gap)
    if result.status == "infeasible":
        raise InfeasibleError(diagnose_infeasibility(model, options=options), result)
    if result.status in ("optimal", "feasible") and x is not None:
        return result, np.round(x).astype(np.int8)
    return result, np.zeros(model.n_variables, dtype=np.int8)


def against_outer_bound(result: SolveResult, outer: float | None, mip_gap: float) -> SolveResult:
    """Report a restricted model's solution against the bound of the full candidate space.

    The solver's own bound only covers the generated candidates; ``outer`` covers
    every candidate. The result is 'optimal' only when within ``mip_gap`` of it.
    """
    if outer is None or result.objective is None or result.status not in ("optimal", "feasible"):
        return result
    bound = max(float(outer), result.objective)
    gap = _gap(result.objective, bound)
    status = "optimal" if result.status == "optimal" and gap <= mip_gap + 1e-12 else "feasible"
    note = (f"gap against the bound over all connected groups {bound:,.1f}"
            f" (the solver's bound over the generated candidates: {result.best_bound:,.1f})"
            if result.best_bound is not None else "")
    message = "; ".join(t for t in (result.message, note) if t)
    return replace(result, status=status, best_bound=bound, gap=gap, message=message)


def fix_unprofitable(model: PortfolioModel) -> PortfolioModel:
    """Fix to 0 the free candidates that can never improve the portfolio.

    A candidate with objective ``c <= 0`` that is not forced, appears in no row
    with a lower bound (forced pairs) and only with non-negative coefficients
    in ``<=`` rows can be dropped from any solution without losing
    feasibility or objective, so the optimum is unchanged.  This is a cheap,
    exact reduction (HiGHS presolve finds it too, but slowly on 10^5 columns).
    """
    if model.n_constraints:
        A = model.A.tocsc()
        has_ge = np.isfinite(model.row_lower).astype(float)
        in_ge = (abs(A).T @ has_ge) > 0
        negative = A.minimum(0).tocsc()
        neg_le = (abs(negative).T @ np.isfinite(model.row_upper).astype(float)) > 0
    else:
        in_ge = neg_le = np.zeros(model.n_variables, dtype=bool)
    free = (model.var_lower <= 0) & (model.var_upper > 0)
    fix = free & (model.c <= 0) & ~in_ge & ~neg_le
    return _fix_to_zero(model, fix)


def _fix_to_zero(model: PortfolioModel, fix: np.ndarray) -> PortfolioModel:
    """A copy of ``model`` with the candidates in ``fix`` fixed to 0 (the model itself if none)."""
    if not fix.any():
        return model
    upper = model.var_upper.copy()
    upper[fix] = 0.0
    return replace(model, var_upper=upper)


def fix_dominated(model: PortfolioModel) -> PortfolioModel:
    """Fix to 0 free candidates dominated by an available candidate.

    ``model.dominated_by[j] = k`` (verified in :func:`build_model`) means k uses
    a subset of j's slots with no larger row coefficients, has an objective at
    least as high, and cannot be chosen together with j.  Swapping j for its
    highest available ancestor never loses feasibility or objective, so the
    optimum is unchanged.  Unavailable dominators are skipped along the chain
    (dominance is transitive).
    """
    dom = model.dominated_by
    if dom is None or not (dom >= 0).any():
        return model
    avail = model.var_upper > 0
    anc = dom.copy()
    for _ in range(len(dom)):
        stuck = (anc >= 0) & ~avail[np.maximum(anc, 0)]
        if not stuck.any():
            break
        anc[stuck] = dom[anc[stuck]]
    fix = (anc >= 0) & avail & (model.var_lower <= 0)
    return _fix_to_zero(model, fix)


def reduce_model(model: PortfolioModel) -> PortfolioModel:
    """Exact reductions applied before solving (never changes the optimum)."""
    model = fix_unprofitable(model)
    packed = removable(model.packings, model.c, model.var_lower, model.var_upper)  # on the bounds given
    model = fix_dominated(model)
    return _fix_to_zero(model, packed & (model.var_upper > 0))


def _usable_start(model: PortfolioModel, warm_start) -> np.ndarray | None:
    if warm_start is None:
        return None
    warm = np.asarray(warm_start, dtype=float)
    if warm.shape != (model.n_variables,) or not _is_feasible(model, warm):
        return None
    return warm


def _within_gap(status: str, gap: float | None, mip_gap: float) -> str:
    """'optimal' only when the reported gap is within ``mip_gap`` (relative, +1e-9 for rounding)."""
    if status == "optimal" and (gap is None or gap > mip_gap + 1e-9):
        return "feasible"
    return status


def _make_result(model, options, pulp_name, pieces, n_pieces, note, elapsed) -> SolveResult:
    info = _combine(pieces, n_pieces)
    solved = info["status"] in ("optimal", "feasible")
    gap = _gap(info["objective"], info["best_bound"]) if solved else None
    return SolveResult(
        status=_within_gap(info["status"], gap, options.mip_gap),
        termination=info["termination"],
        objective=info["objective"] if solved else None,
        best_bound=info["best_bound"],
        gap=gap,
        solve_seconds=max(elapsed - info["setup"], 0.0),
        build_seconds=model.build_seconds + info["setup"],
        solver=_short_name(pulp_name),
        solver_version=info["solver_version"],
        n_variables=model.n_variables,
        n_constraints=model.n_constraints,
        n_nonzeros=model.n_nonzeros,
        seed=options.seed,
        n_pieces=info["n_pieces"],
        message="; ".join(t for t in (note, info["message"]) if t),
        stopped_by=info["stopped_by"],
        seconds_by_phase=info["phases"],
    )
