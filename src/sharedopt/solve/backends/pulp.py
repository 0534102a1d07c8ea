"""PuLP as a backend: CBC (and HiGHS when a user hook edits the PuLP problem).

CBC runs through PuLP (``COIN_CMD`` when a ``cbc`` binary is on PATH or, on PuLP 4.x,
from the ``cbcbox`` wheel of ``pulp[cbc]``; else PuLP 3.x's bundled ``PULP_CBC_CMD``);
its log is captured to a temporary file to read the final result line, the best bound
and the version. PuLP 3.3 and 4.x differ in how a solve reports its outcome:
:mod:`sharedopt.solve.backends.pulp_compat` turns either into one :class:`Status`.

:func:`solve_pulp` is the PuLP driver every PuLP-based backend shares; a backend
supplies the PuLP solver object (:meth:`CbcBackend.pulp_solver`) and reads the
outcome of a run in its own terms (:meth:`CbcBackend.outcome`).
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, replace
from time import perf_counter
from typing import Any, Protocol

import numpy as np
import pulp

from sharedopt.config.solver import SolverOptions
from sharedopt.model.build import PortfolioModel
from sharedopt.solve.backends.highs_quiet import mute_banner
from sharedopt.solve.backends.pulp_compat import PulpOutcome, run_pulp
from sharedopt.solve.backends.pulp_view import ExtraHook, build_pulp
from sharedopt.solve.heuristics import greedy_start, is_feasible
from sharedopt.solve.outcome import fallback, finish
from sharedopt.solve.pieces import Piece
from sharedopt.solve.status import SOLVED, Status

__all__ = ["CbcBackend", "Outcome", "PulpFlavour", "get_pulp_solver", "solve_pulp"]

_CBC_RESULT = re.compile(r"^Result - (.*)$", re.M)
_CBC_BOUND = re.compile(r"^(Upper|Lower) bound:\s+(\S+)", re.M)
_CBC_VERSION = re.compile(r"^Version:\s*(\S+)", re.M)
_CBC_WALLCLOCK = re.compile(r"\(Wallclock seconds\):\s+(\S+)")


@dataclass(frozen=True)
class Outcome:
    """How a PuLP run ended, in sharedopt's terms."""

    status: Status
    text: str
    bound: float | None
    version: str
    bound_is_objective: bool = False  # search completed: bound = objective
    limit: str = ""  # 'time', 'work' or ''

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))



class PulpFlavour(Protocol):
    """What a backend tells :func:`solve_pulp`: its PuLP solver and how to read a run."""

    pulp_name: str

    def pulp_solver(self, options: SolverOptions, time_limit: float | None, log_path: str, warm: bool): ...

    def outcome(self, prob: pulp.LpProblem, run: PulpOutcome, log_path: str, model: PortfolioModel,
                start: np.ndarray | None, time_limit: float | None) -> tuple[Outcome, str]: ...


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


def _cbc_outcome(run: PulpOutcome, log: dict[str, Any]) -> Outcome:
    """CBC's status (from PuLP) with its log's result line, best bound and version."""
    result = log.get("result", "")
    version = f"CBC {log.get('version', '?')} (PuLP {pulp.__version__})"
    complete = run.status == Status.OPTIMAL and result.startswith("Optimal") and "gap" not in result
    return Outcome(run.status, result or run.text, log.get("bound"), version, complete, log.get("limit", ""))


def _checked_infeasibility(out: Outcome, model: PortfolioModel, start, time_limit, log) -> tuple[Outcome, str]:
    """Keep CBC's INFEASIBLE only when nothing refutes it; else say what happened.

    CBC stopped by the time limit during preprocessing reports "infeasible or
    unbounded" without proof. A feasible start portfolio refutes the claim outright;
    a run that used its whole time limit without a 'Result - ... infeasible' line
    did not prove it.
    """
    if out.status != Status.INFEASIBLE:
        return out, ""
    if start is not None and is_feasible(model, start):
        status = Status.TIME_LIMIT_NO_SOLUTION if time_limit is not None else Status.ERROR
        note = ("CBC reported the model infeasible, but the start portfolio satisfies every "
                "constraint: CBC stopped without a solution")
        return replace(out, status=status, text=out.text or "stopped without a solution",
                       limit="time" if time_limit is not None else out.limit), note
    timed_out = time_limit is not None and log.get("wallclock", 0.0) >= time_limit
    if timed_out and "infeasible" not in log.get("result", "").lower():
        note = "CBC used its whole time limit in preprocessing and stopped without a solution or a proof"
        return replace(out, status=Status.TIME_LIMIT_NO_SOLUTION, text="Stopped on time limit", limit="time"), note
    return out, ""


def _gap_tested_bound(status: Status, bound: float | None, obj: float, mip_gap: float) -> float | None:
    """An OPTIMAL solver stopped on its gap test, made with its exact bound; a log prints
    the bound rounded, so the tighter of the two upper bounds is kept."""
    if status != Status.OPTIMAL or bound is None:
        return bound
    return min(bound, obj + mip_gap * max(1e-9, abs(obj)))


@contextlib.contextmanager
def _log_file() -> Iterator[str]:
    """A temporary file for the solver's log, removed afterwards."""
    fd, log_path = tempfile.mkstemp(prefix="sharedopt_cbc_", suffix=".log")
    os.close(fd)
    try:
        yield log_path
    finally:
        os.unlink(log_path)


def _problem(model: PortfolioModel, warm: np.ndarray | None, extra: ExtraHook | None):
    """The PuLP problem (edited by the user hook, started at ``warm``) and its variables in order."""
    prob, xs = build_pulp(model)
    if extra is not None:
        extra(prob, xs)
    variables = list(xs.values())
    if warm is not None:
        for v, val in zip(variables, np.asarray(warm, dtype=float).tolist()):
            v.setInitialValue(val)
    return prob, variables


def _model_piece(model, options, out: Outcome, x, start, setup: float, note: str) -> Piece:
    """Piece for the model as built: objective recomputed from the matrices, greedy fallback."""
    bound = float(model.c @ x) if out.bound_is_objective and x is not None else out.bound
    if x is not None:
        bound = _gap_tested_bound(out.status, bound, float(model.c @ x), options.mip_gap)
    piece = finish(model, out.status, out.text, x, bound, version=out.version, setup_seconds=setup, limit=out.limit)
    piece = fallback(model, piece, start)
    return replace(piece, message="; ".join(t for t in (note, piece.message) if t))


def _hook_piece(prob, options, out: Outcome, x, setup: float, note: str) -> Piece:
    """Piece for a problem a user hook edited (extra variables / terms): PuLP's own objective."""
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


def solve_pulp(model: PortfolioModel, options: SolverOptions, flavour: PulpFlavour, time_limit: float | None,
               warm: np.ndarray | None, extra: ExtraHook | None = None) -> Piece:
    """Solve ``model`` through PuLP with the solver ``flavour`` gives.

    Parameters
    ----------
    model : PortfolioModel
    options : SolverOptions
    flavour : PulpFlavour
        The backend: its PuLP solver and how it reads a run.
    time_limit : float or None
    warm : ndarray or None
        A feasible 0/1 start, handed to the solver.
    extra : callable, optional
        User hook editing the PuLP problem; its objective is then PuLP's own.

    Returns
    -------
    Piece
    """
    t0 = perf_counter()
    start = warm if warm is not None or extra is not None else greedy_start(model)
    prob, variables = _problem(model, warm, extra)
    with _log_file() as log_path:
        solver = flavour.pulp_solver(options, time_limit, log_path, warm is not None)
        mute_banner()  # PuLP's HiGHS wrapper makes its Highs object before it can silence it
        setup = perf_counter() - t0
        try:
            run = run_pulp(prob, solver)
        except Exception as exc:  # solver crash / wrapper bug: report, do not hide
            text = f"{type(exc).__name__}: {exc}"
            return Piece(Status.ERROR, text, None, None, None, setup_seconds=setup, message=text)
        out, note = flavour.outcome(prob, run, log_path, model, start if extra is None else None, time_limit)
    x = None
    if out.status in SOLVED:
        x = np.clip(np.round([v.varValue or 0.0 for v in variables]), 0, 1)
    if extra is None:
        return _model_piece(model, options, out, x, start, setup, note)
    return _hook_piece(prob, options, out, x, setup, note)


def get_pulp_solver(pulp_name: str, **kw):
    """``pulp.getSolver(pulp_name, **kw)`` without PuLP's deprecation warning for its bundled CBC."""
    with warnings.catch_warnings():  # PULP_CBC_CMD is deprecated for PuLP 4 but still bundled
        warnings.simplefilter("ignore", DeprecationWarning)
        return pulp.getSolver(pulp_name, **kw)


@dataclass(frozen=True)
class CbcBackend:
    """CBC through PuLP.

    Attributes
    ----------
    options : SolverOptions
    pulp_name : str
        The PuLP class that runs CBC here ('COIN_CMD' or 'PULP_CBC_CMD').
    """

    options: SolverOptions
    pulp_name: str
    name = "cbc"
    #: PuLP solvers run one at a time
    parallel_pieces = False
    prices_large_models = False

    def solve(self, model: PortfolioModel, time_limit: float | None, warm: np.ndarray | None,
              extra: ExtraHook | None = None) -> Piece:
        """Solve ``model`` within ``time_limit`` seconds (see :func:`solve_pulp`)."""
        return solve_pulp(model, self.options, self, time_limit, warm, extra)

    def pulp_solver(self, options: SolverOptions, time_limit: float | None, log_path: str, warm: bool):
        """PuLP's CBC with sharedopt's settings; its log goes to ``log_path``."""
        seed = options.seed  # CBC's own seed 0 means "time of day": keep CBC's fixed default
        extra_opts = [f"randomCbcSeed {seed}", f"randomSeed {seed}"] if seed > 0 else []
        return get_pulp_solver(self.pulp_name, msg=False, timeLimit=time_limit, gapRel=options.mip_gap,
                           threads=options.threads, logPath=log_path, warmStart=warm, options=extra_opts,
                           maxNodes=options.node_limit)

    def outcome(self, prob, run: PulpOutcome, log_path: str, model: PortfolioModel,
                start: np.ndarray | None, time_limit: float | None) -> tuple[Outcome, str]:
        """CBC's outcome from PuLP and its log (echoed when ``msg``), its infeasibility claims checked."""
        log = _cbc_log(log_path)
        if self.options.msg:
            with open(log_path, encoding="utf-8", errors="replace") as fh:
                print(fh.read())
        return _checked_infeasibility(_cbc_outcome(run, log), model, start, time_limit, log)
