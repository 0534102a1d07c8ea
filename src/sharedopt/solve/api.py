"""Solve step: :class:`~sharedopt.model.build.PortfolioModel` -> (SolveResult, chosen).

:func:`solve` is the whole sequence in one place: check the model, pick the backend,
apply exact reductions, solve (whole, or piece by piece), assemble the result, and
explain an infeasible model.

* Backends (:mod:`sharedopt.solve.backends.registry`): HiGHS (default) is driven
  directly through ``highspy`` from the model matrices. CBC runs through PuLP. A user's own
  rows belong in the model (:mod:`sharedopt.model.user_rows`), where every path sees them;
  the ``pulp_extra`` hook on the PuLP problem is the escape hatch for what rows cannot say,
  and it switches off the exact reductions, the decomposition and the large-model path.
* Statuses are :class:`~sharedopt.solve.status.Status` values, never read back from
  message text (:mod:`sharedopt.solve.result`).
* Before solving, exact reductions fix candidates that can never help
  (:func:`sharedopt.solve.reductions.reduce_model`); skipped with a ``pulp_extra`` hook.
* A greedy feasible portfolio is kept as a safety net (:mod:`sharedopt.solve.outcome`).
* With ``decompose=True`` the candidates are split into independent pieces
  (:func:`sharedopt.solve.pieces.solve_pieces`); tiny pieces are solved by enumeration.
* Large pieces go to column generation with reduced-cost fixing
  (:func:`sharedopt.solve.bounds.proof.solve_large`).
* A :class:`~sharedopt.solve.budget.Budget` caps the whole solve, including the
  elastic relaxation that explains an infeasible model.
"""

from __future__ import annotations

from functools import partial
from time import perf_counter

import numpy as np

from sharedopt.config.solver import SolverOptions
from sharedopt.model.build import PortfolioModel
from sharedopt.solve.backends.highs_quiet import new_highs
from sharedopt.solve.backends.pulp_view import ExtraHook
from sharedopt.solve.backends.registry import Backend, backend_for
from sharedopt.solve.bounds.proof import solve_large
from sharedopt.solve.budget import Budget
from sharedopt.solve.diagnose import InfeasibleError, diagnose_infeasibility, precheck
from sharedopt.solve.heuristics import is_feasible, usable_start
from sharedopt.solve.lp_bounds import is_large
from sharedopt.solve.pieces import Piece, solve_pieces
from sharedopt.solve.reductions import n_fixed, reduce_model
from sharedopt.solve.result import SolveResult, against_outer_bound, make_result
from sharedopt.solve.status import SOLVED, Status, StoppedBy

__all__ = ["solve", "PULP_HOOK_NOTE"]

#: what the result's message says when the PuLP hook was used
PULP_HOOK_NOTE = ("PuLP hook: exact reductions, decomposition into pieces and the large-model path "
                  "switched off (the PuLP problem was solved whole)")


def solve(
    model: PortfolioModel,
    options: SolverOptions | None = None,
    pulp_extra: ExtraHook | None = None,
    *,
    warm_start: np.ndarray | None = None,
    budget: Budget | None = None,
    price_large: bool = True,
) -> tuple[SolveResult, np.ndarray]:
    """Solve the portfolio model.

    Parameters
    ----------
    model : PortfolioModel
        From :func:`sharedopt.model.build.build_model`.
    options : SolverOptions, optional
        Defaults to ``SolverOptions()``.
    pulp_extra : callable, optional
        The escape hatch: ``pulp_extra(prob, variables)`` edits the PuLP problem before solving
        (``variables`` maps candidate id -> LpVariable). It switches off the exact reductions,
        the decomposition into pieces and the large-model path (the PuLP problem is solved
        whole), and the result's message says so. Rows a user can write as
        ``lower <= A x <= upper`` go into the model instead
        (:func:`sharedopt.model.user_rows.add_rows`), keeping all three.
    warm_start : ndarray, optional
        0/1 start vector aligned with candidates (used when feasible).
    budget : Budget, optional
        The run's solver-time budget: the solve and an infeasibility diagnosis spend it and
        take at most what is left (and at most ``options.time_limit``). None:
        ``options.time_limit`` only.
    price_large : bool, default True
        False: a large model goes to the backend whole, never to column generation with
        reduced-cost fixing (for models whose extra rows the restricted master cannot hold,
        such as an objective floor).

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
    budget = budget or Budget()
    backend = backend_for(options)
    issues = precheck(model)
    if issues:
        raise InfeasibleError(issues)
    with budget.charging():
        return _solve_within(model, options, pulp_extra, warm_start, budget, backend, price_large)


def _solve_within(model: PortfolioModel, options: SolverOptions, extra: ExtraHook | None,
                  warm_start: np.ndarray | None, budget: Budget, backend,
                  price_large: bool = True) -> tuple[SolveResult, np.ndarray]:
    """The solve itself, the budget's clock running: reductions, backend, pieces, result, diagnosis."""
    t0 = perf_counter()
    time_limit, cut = budget.limit(options.time_limit), budget.cuts(options.time_limit)
    reduced, warm = _reduced(model, extra, warm_start)
    if options.decompose and extra is None:
        solve_one = partial(_solve_one, backend, price_large=price_large)
        pieces, x, n_pieces, note = solve_pieces(reduced, solve_one, time_limit, t0, backend.parallel_pieces,
                                                 options, warm)
    else:
        piece = _solve_one(backend, reduced, time_limit, warm, extra, price_large)
        pieces, x, n_pieces, note = [piece], piece.x, 1, PULP_HOOK_NOTE if extra is not None else ""
    if fixed := n_fixed(model, reduced):
        note = "; ".join(t for t in (f"reductions fixed {fixed} dominated/unprofitable candidates to 0", note) if t)
    result = _said_if_budget_stopped(make_result(model, options, backend.name, pieces, n_pieces, note,
                                                 perf_counter() - t0), cut)
    return _answer(model, against_outer_bound(result, model.outer_bound, options.mip_gap), x, options, budget)


def _said_if_budget_stopped(result: SolveResult, cut: bool) -> SolveResult:
    """The result, its message saying so when a time limit the run's budget had cut stopped it."""
    if not (cut and result.stopped_by == StoppedBy.TIME_LIMIT):
        return result
    said = "stopped by the run's time budget (what was left of [solver] time_limit)"
    return result.with_outcome(message="; ".join(t for t in (result.message, said) if t))


def _answer(model: PortfolioModel, result: SolveResult, x: np.ndarray | None, options: SolverOptions,
            budget: Budget) -> tuple[SolveResult, np.ndarray]:
    """``(result, chosen)``; an infeasible model is explained instead (within the budget)."""
    if result.status == Status.INFEASIBLE:
        raise InfeasibleError(diagnose_infeasibility(model, options=options, budget=budget), result)
    if result.status in SOLVED and x is not None:
        return result, np.round(x).astype(np.int8)
    return result, np.zeros(model.n_variables, dtype=np.int8)


def _reduced(model: PortfolioModel, extra: ExtraHook | None, warm_start) -> tuple[PortfolioModel, np.ndarray | None]:
    """The model after exact reductions (none with a user hook) and the warm start, if still usable."""
    reduced = reduce_model(model) if extra is None else model
    if warm_start is not None:  # dropping fixed candidates keeps a start feasible
        warm_start = np.minimum(np.asarray(warm_start, dtype=float), reduced.var_upper)
    return reduced, usable_start(reduced, warm_start)


def _solve_one(backend: Backend, model: PortfolioModel, time_limit: float | None, warm: np.ndarray | None,
               extra: ExtraHook | None = None, price_large: bool = True) -> Piece:
    """One model (or piece): the empty model directly, a large one by pricing, else the backend."""
    if extra is None and model.n_variables == 0:
        ok = is_feasible(model, np.zeros(0))
        return Piece(Status.OPTIMAL, "empty model", 0.0, 0.0, np.zeros(0)) if ok else \
            Piece(Status.INFEASIBLE, "empty model", None, None, None)
    if extra is None and price_large and backend.prices_large_models and is_large(model):
        return _solve_by_pricing(model, backend.options, time_limit, warm)
    return backend.solve(model, time_limit, warm, extra)


def _solve_by_pricing(model, options, time_limit, warm) -> Piece:
    """A large piece (many more candidates than rows): pricing and reduced-cost fixing."""
    out = solve_large(model, options, time_limit, warm)
    bound = float(out.best_bound) if np.isfinite(out.best_bound) else None
    note = f"LP bound {out.lp_bound:,.1f}" if np.isfinite(out.lp_bound) else ""
    return Piece(out.status, out.termination, out.objective, bound, out.x,
                 version=f"HiGHS {new_highs().version()} (highspy, column generation)",
                 message="; ".join(t for t in (note, out.bound_kind and f"bound: {out.bound_kind}") if t),
                 limit=out.limit, phases=out.phases or {})
