"""Exact large-scale solve by pricing and reduced-cost fixing.

For a portfolio programme with many more candidates (columns) than constraints
(rows), solving the LP or the MIP over every column is wasteful: most candidates
are dominated. This module

1. solves the LP relaxation by **column pricing** over the enumerated columns
   (:func:`lp_by_column_pricing`):
   a restricted master LP over a working set, priced against the duals ``y`` of all
   rows (reduced cost ``rc_j = c_j - a_j.y``), adding the best-pricing columns until
   none prices out;
2. computes the **Lagrangian bound** ``L(y) = sum_i (y_i > 0 ? y_i u_i : y_i l_i)
   + sum_j (rc_j > 0 ? rc_j ub_j : rc_j lb_j)``, a valid upper bound on the whole
   problem for any ``y`` (computed here, not taken from the solver, so it stays valid
   whatever the LP's numerical accuracy);
3. finds an incumbent ``z`` (the best of the warm start, LP rounding and an LP dive with
   pricing, :mod:`sharedopt.solve.dive`, each polished by swap moves,
   :mod:`sharedopt.solve.local_search`; then, when fixing keeps too many columns, a MIP over
   the LP's neighbourhood and one over the working set) and **fixes to 0** every column
   with ``L(y) + rc_j < z``: no solution that uses it can beat the incumbent;
4. solves the MIP over the remaining columns. Its dual bound is a true bound for
   the full problem (any solution using a fixed column is worse than ``z``), and an
   optimal answer on the reduced set is optimal for the full problem.

Each search stops as soon as its incumbent is within ``mip_gap`` of the LP bound
(:func:`gap_target`): that proves the gap for the whole problem, whatever the search's own
bound, and the MIPs that follow are not run.

Only ``numpy``/``scipy`` and HiGHS (through :mod:`sharedopt.solve.backends.highs_api`) are
used; the model is handed to HiGHS as matrices.
"""

from __future__ import annotations

from dataclasses import dataclass
from time import perf_counter

import numpy as np
import scipy.sparse as sp

from sharedopt.solve.backends.highs import highs_limit, highs_settings, matrix_lp
from sharedopt.solve.backends.highs_api import (
    NOT_FEASIBLE, OPTIMAL, TIME_LIMIT, GrowingLp, dual_bound_valid, solve_mip, status_text,
)
from sharedopt.solve.bounds.dual import lp_dual_bound
from sharedopt.solve.cut_lp import CutLp, cut_master
from sharedopt.solve.incumbent import best_start, diving
from sharedopt.solve.heuristics import greedy_solution
from sharedopt.solve.local_search import improve_by_swaps
from sharedopt.solve.status import Status

PRESOLVE_OFF_ABOVE = 5000  # columns
MAX_KEPT_FACTOR = 3  # fall back to the working set when fixing keeps more than this x its size


@dataclass(frozen=True)
class PricingOutcome:
    """Result of :func:`solve_by_pricing` (in the model's maximisation sense).

    Attributes
    ----------
    x : numpy.ndarray
        0/1 solution over all columns (None when none was found).
    objective : float or None
    best_bound : float
        A true upper bound on the full problem's optimum.
    lp_bound : float
        Lagrangian (LP) bound after column generation.
    proven : bool
        The reduced MIP was solved to optimality (within ``mip_gap``).
    status : Status
        OPTIMAL (proven), FEASIBLE (an incumbent, not proven), INFEASIBLE (the LP
        relaxation is infeasible, e.g. forced columns that conflict) or
        TIME_LIMIT_NO_SOLUTION.
    rounds, n_master, n_kept : int
        Pricing rounds, working-set size at the end, columns left after fixing.
    termination : str
    seconds : float
    bound_kind : str
        Which bound ``best_bound`` is (LP bound, or the MIP dual bound after fixing).
    phases : dict
        Seconds per phase (column generation, working-set MIP, MIP after fixing).
    limit : str
        'time' / 'work' when a limit stopped the final MIP, else ''.
    """

    x: np.ndarray | None
    objective: float | None
    best_bound: float
    lp_bound: float
    proven: bool
    rounds: int
    n_master: int
    n_kept: int
    termination: str
    seconds: float
    status: Status
    bound_kind: str = ""
    phases: dict | None = None
    limit: str = ""


def initial_columns(c, A_csc, var_lower, var_upper, warm: np.ndarray | None, per_row: int = 3) -> np.ndarray:
    """A starting working set: forced and warm-start columns plus the best few columns of every row."""
    keep = set(np.flatnonzero(var_lower > 0.5).tolist())
    if warm is not None:
        keep |= set(np.flatnonzero(warm > 0.5).tolist())
    A_csr = A_csc.tocsr()
    open_cols = var_upper > 0.5
    for i in range(A_csr.shape[0]):
        cols = A_csr.indices[A_csr.indptr[i]:A_csr.indptr[i + 1]]
        cols = cols[open_cols[cols]]
        if len(cols):
            best = cols[np.argsort(-c[cols], kind="stable")[:per_row]]
            keep.update(best.tolist())
    top = np.argsort(-np.where(open_cols, c, -np.inf), kind="stable")[: max(200, A_csc.shape[0])]
    keep.update(top[open_cols[top]].tolist())
    return np.array(sorted(keep), dtype=np.int64)


def lp_by_column_pricing(c, A_csc, row_lower, row_upper, var_lower, var_upper, options, deadline: float,
                      warm: np.ndarray | None = None, batch: int | None = None, tol: float = 1e-7):
    """LP relaxation by column pricing; returns (working set, duals, L(y), rounds, HiGHS status, LP solution).

    One HiGHS instance is kept across rounds and priced-in columns are appended with
    ``addCols``, so every re-solve starts from the previous optimal basis.
    """
    return master_by_pricing(c, A_csc, row_lower, row_upper, var_lower, var_upper, options, deadline, warm,
                             batch, tol)[1:]


def master_by_pricing(c, A_csc, row_lower, row_upper, var_lower, var_upper, options, deadline: float,
                      warm: np.ndarray | None = None, batch: int | None = None, tol: float = 1e-7):
    """:func:`lp_by_column_pricing`, its master LP (a GrowingLp, to go on from) first."""
    cols = initial_columns(c, A_csc, var_lower, var_upper, warm)
    batch = batch or max(1000, 5 * A_csc.shape[0])
    scale = max(1.0, float(np.abs(c).max(initial=1.0)))
    in_master = np.zeros(len(c), dtype=bool)
    in_master[cols] = True
    lp = GrowingLp(matrix_lp(c, A_csc, cols, row_lower, row_upper, var_lower, var_upper, integer=False),
                   **highs_settings(options))
    rounds, best_bound, best_y = 0, np.inf, None
    while True:
        rounds += 1
        status = lp.solve(max(0.01, deadline - perf_counter()))
        if status != OPTIMAL:
            return lp, cols, best_y, best_bound, rounds, status, None
        y = lp.row_duals()
        bound, rc = lp_dual_bound(c, A_csc, y, row_lower, row_upper, var_lower, var_upper)
        if bound < best_bound:
            best_bound, best_y = bound, y
        pricing = np.flatnonzero(~in_master & (rc > tol * scale) & (var_upper > 0.5))
        if len(pricing) == 0 or perf_counter() >= deadline:
            status = OPTIMAL if len(pricing) == 0 else TIME_LIMIT
            x_lp = np.zeros(len(c))
            x_lp[cols] = lp.column_values()
            return lp, cols, best_y, best_bound, rounds, status, x_lp
        add = np.sort(pricing[np.argsort(-rc[pricing], kind="stable")[:batch]])
        lp.add_columns(c[add], var_lower[add], var_upper[add], A_csc[:, add])
        in_master[add] = True
        cols = np.concatenate([cols, add])


def mip_over_columns(c, A_csc, cols, row_lower, row_upper, var_lower, var_upper, options, time_limit,
         start: np.ndarray | None = None, gap: float | None = None, target: float | None = None,
         presolve: bool | None = None):
    settings = highs_settings(options)
    highs_options = {"random_seed": settings["seed"]}
    if time_limit is not None:
        highs_options["time_limit"] = max(0.01, float(time_limit))
    highs_options["mip_rel_gap"] = float(options.mip_gap if gap is None else gap)
    if getattr(options, "node_limit", None):  # deterministic work limit (wall clock is the safety net)
        highs_options["mip_max_nodes"] = int(options.node_limit)
    if presolve is False or (presolve is None and len(cols) > PRESOLVE_OFF_ABOVE):
        # HiGHS's MIP presolve spends minutes on large set-packing models (dominated
        # columns, probing) without finding anything; branch-and-cut alone does better.
        highs_options["presolve"] = "off"
    answer = solve_mip(matrix_lp(c, A_csc, cols, row_lower, row_upper, var_lower, var_upper, integer=True),
                       highs_options, threads=settings["threads"], msg=settings["msg"],
                       start=start[cols].astype(float).tolist() if start is not None else None, progress=True,
                       target=target)
    x = None
    if answer.values is not None:
        x = np.zeros(len(c))
        x[cols] = np.round(answer.values)
    text = "stopped at the gap target against the LP bound" if answer.reached_target else answer.text
    return x, (float(c @ x) if x is not None else None), answer.dual_bound, answer.status, text


def gap_target(lp_bound: float, mip_gap: float) -> float:
    """The objective at which the relative gap to ``lp_bound`` is ``mip_gap`` (the judgement of
    :func:`_judged`): an incumbent at least this good needs no further search."""
    return lp_bound - max(mip_gap, 1e-9) * max(1.0, abs(lp_bound)) / (1.0 + max(mip_gap, 1e-9)) + 1e-6


def solve_by_pricing(model, options, time_limit: float | None = None,
                     warm: np.ndarray | None = None) -> PricingOutcome:
    """Solve a large :class:`~sharedopt.model.build.PortfolioModel` exactly by pricing and fixing.

    Parameters
    ----------
    model : PortfolioModel
    options : SolverOptions
        ``mip_gap``, ``threads``, ``seed``, ``msg`` are used.
    time_limit : float, optional
        Wall-clock limit for the whole procedure.
    warm : numpy.ndarray, optional
        A feasible 0/1 start.

    Returns
    -------
    PricingOutcome
    """
    t0 = perf_counter()
    deadline = t0 + (time_limit if time_limit is not None else 1e9)
    c = np.asarray(model.c, dtype=float)
    A = sp.csc_matrix(model.A)
    bounds = rl, ru, lb, ub = (np.asarray(model.row_lower, float), np.asarray(model.row_upper, float),
                               np.asarray(model.var_lower, float), np.asarray(model.var_upper, float))
    if warm is None:
        warm = greedy_solution(c, A, rl, ru, lb, ub)
    lp, cols, y, lp_bound, rounds, lp_status, x_lp = master_by_pricing(c, A, rl, ru, lb, ub, options, deadline, warm)
    if y is None:  # no LP solution (time limit, or infeasible forced columns): greedy start only
        return _without_lp(c, warm, lp_status, rounds, len(cols), perf_counter() - t0)
    phases = {"lp_column_generation": perf_counter() - t0}
    cut = cut_master(lp, c, A, cols, bounds, model.rows, deadline) if lp_status == OPTIMAL else None
    lp_bound, rc, x_lp, cols = _tightened(c, A, y, bounds, (lp_bound, x_lp, cols), cut, phases, t0)
    t, target = perf_counter(), gap_target(lp_bound, options.mip_gap)
    x_inc = best_start(c, A, x_lp, warm, bounds, target, diving(c, A, cols, bounds, options, deadline, cut))
    phases["lp_dive"] = perf_counter() - t
    x_inc, kept, text, scope = _incumbent_then_fix(c, A, cols, rc, lp_bound, x_inc, x_lp, bounds, options,
                                                   deadline, phases, target)
    t = perf_counter()
    if float(c @ x_inc) >= target:  # within the gap of the LP bound already
        x, z, bound, status, text2 = None, None, np.inf, OPTIMAL, "not needed (the incumbent meets the gap target)"
    elif deadline - perf_counter() < 1.0:  # no time left for a second MIP
        x, z, bound, status, text2 = None, None, np.inf, TIME_LIMIT, "not run (no time left)"
    else:
        subset = scope == _SUBSET_SCOPE  # its own gap is not the problem's: stop at the target instead
        x, z, bound, status, text2 = mip_over_columns(c, A, kept, rl, ru, lb, ub, options,
                                          max(0.01, deadline - perf_counter()), start=x_inc,
                                          gap=SUBSET_GAP if subset else None,
                                          target=target if subset else None)
    phases["mip_after_fixing"] = perf_counter() - t
    z_inc = float(c @ x_inc)
    if z is None or z < z_inc:
        x, z = x_inc, z_inc
    proven, best, kind = _judged(lp_bound, np.inf if scope == _SUBSET_SCOPE else bound, z, status, options.mip_gap,
                                 cut is not None)
    text = "; ".join(t for t in (text, f"MIP on {scope}: {text2}") if t)
    return PricingOutcome(x, z, best, lp_bound, proven, rounds, len(cols), len(kept),
                          f"column generation ({rounds} rounds, {len(cols)} columns{_cuts_said(cut)}), "
                          f"{len(kept)} of {len(c)} columns left after reduced-cost fixing; {text}",
                          perf_counter() - t0, Status.OPTIMAL if proven else Status.FEASIBLE, bound_kind=kind,
                          phases=phases, limit=highs_limit(status))


def _tightened(c, A, y, bounds, relaxation: tuple, cut: CutLp | None, phases: dict, t0: float) -> tuple:
    """(bound, reduced costs, LP values, working set): the cut LP's when there is one (they hold for
    every column), else the LP's ``relaxation`` (bound, values, working set) with ``y``'s reduced
    costs; the cuts' seconds go into ``phases``."""
    if cut is not None:
        phases["odd_cycle_cuts"] = perf_counter() - t0 - phases["lp_column_generation"]
    if cut is None or cut.bound > relaxation[0]:
        return relaxation[0], lp_dual_bound(c, A, y, *bounds)[1], relaxation[1], relaxation[2]
    return cut.bound, cut.reduced, cut.x, cut.columns


def _cuts_said(cut: CutLp | None) -> str:
    """", n odd-cycle cuts in r rounds" for the termination text ('' without a cut LP)."""
    return "" if cut is None else f", {cut.n_cuts} odd-cycle cuts in {cut.rounds} rounds"


def _without_lp(c, warm, lp_status, rounds: int, n_master: int, seconds: float) -> PricingOutcome:
    """Outcome when the LP relaxation was not solved: the warm (greedy) start, if any."""
    z = float(c @ warm) if warm is not None else None
    infeasible = lp_status in NOT_FEASIBLE
    status = Status.FEASIBLE if warm is not None else (
        Status.INFEASIBLE if infeasible else Status.TIME_LIMIT_NO_SOLUTION)
    return PricingOutcome(warm, z, np.inf, np.inf, False, rounds, n_master, 0,
                          f"LP relaxation not solved: {status_text(lp_status)}",
                          seconds, status)


def _judged(lp_bound: float, bound: float, z: float, status, mip_gap: float,
            cut: bool = False) -> tuple[bool, float, str]:
    """(proven, best bound, which bound it is) from the LP bound (with odd-cycle cuts when ``cut``)
    and the final MIP's dual bound (``inf`` when the final MIP gave none valid for every column):
    proven when the best valid bound is within ``mip_gap`` of ``z``."""
    lp_kind = f"LP bound{' with odd-cycle cuts' if cut else ''} (column generation)"
    best = min(lp_bound, max(bound, z)) if np.isfinite(bound) and dual_bound_valid(status) else lp_bound
    kind = ("MIP dual bound over the columns left after reduced-cost fixing (valid for all columns)"
            if best < lp_bound else lp_kind)
    proven = (best - z) <= max(mip_gap, 1e-9) * max(1.0, abs(z)) + 1e-6
    return proven, best, kind


def fixed_by_reduced_cost(rc, lp_bound, z_inc, x_inc, lb, ub) -> np.ndarray:
    """Columns that may still be in a solution better than ``z_inc`` (reduced-cost test), sorted."""
    eps = 1e-9 * max(1.0, abs(lp_bound))
    return np.flatnonzero(((rc >= -(lp_bound - z_inc + eps)) & (ub > 0.5)) | (lb > 0.5) | (x_inc > 0.5))


def _incumbent_then_fix(c, A, cols, rc, lp_bound, x_inc, x_lp, bounds, options, deadline, phases, target):
    """Reduced-cost fixing against the best incumbent; when the first fixing keeps too many
    columns, a MIP over the LP's neighbourhood (:func:`_neighbourhood_mip`) and, unless it meets
    the gap target, a short MIP over the working set improve the incumbent and fixing is redone.

    The working-set MIP gets at most ``WORKING_SET_SHARE`` of the remaining time (and the
    user's node limit), so the rest goes to the MIP after fixing, whose dual bound is valid
    for the whole problem. Returns (incumbent, kept columns, note, scope of the last MIP).
    """
    rl, ru, lb, ub = bounds
    kept = fixed_by_reduced_cost(rc, lp_bound, float(c @ x_inc), x_inc, lb, ub)
    if len(kept) <= max(MAX_KEPT_FACTOR * len(cols), 20000) or float(c @ x_inc) >= target:
        return x_inc, kept, "", "columns left after reduced-cost fixing"
    x_inc, first = _neighbourhood_mip(c, A, x_lp, rc, x_inc, bounds, options, deadline, target, phases)
    if float(c @ x_inc) >= target:
        kept = fixed_by_reduced_cost(rc, lp_bound, float(c @ x_inc), x_inc, lb, ub)
        return x_inc, kept, first, "columns left after reduced-cost fixing"
    t = perf_counter()
    # far too many columns for a MIP after fixing (England): the working set gets all the time, as before
    frac = 1.0 if len(kept) > 3 * FINAL_MIP_MAX_COLUMNS else WORKING_SET_SHARE
    share = frac * max(0.01, deadline - perf_counter())
    x, z, _, _, text = mip_over_columns(c, A, np.union1d(cols, np.flatnonzero(x_inc > 0.5)), rl, ru, lb, ub,
                            options, share, start=x_inc, gap=SUBSET_GAP, target=target)
    phases["mip_working_set"] = perf_counter() - t
    if z is not None and z > float(c @ x_inc):
        x_inc = improve_by_swaps(c, A, x, bounds)
    kept = fixed_by_reduced_cost(rc, lp_bound, float(c @ x_inc), x_inc, lb, ub)
    note = f"{first}; working-set MIP ({len(cols)} columns): {text}"
    if len(kept) > FINAL_MIP_MAX_COLUMNS:
        # still too many for one MIP within the limit (HiGHS's root LP alone can overrun
        # it): search the working set plus the best-pricing kept columns; the bound stays the LP's
        top = kept[np.argsort(-rc[kept], kind="stable")[:FINAL_MIP_MAX_COLUMNS]]
        kept = np.union1d(np.union1d(cols, top), np.flatnonzero(x_inc > 0.5))
        return x_inc, kept, note, _SUBSET_SCOPE
    return x_inc, kept, note, "columns left after reduced-cost fixing with the working-set incumbent"


def _neighbourhood_mip(c, A, x_lp, rc, x_inc, bounds, options, deadline, target, phases):
    """A MIP over the LP's support, the incumbent and the best-pricing columns
    (``NEIGHBOURHOOD_PER_ROW`` per row), from the incumbent, with the candidates chosen both by the
    incumbent and (at 1) by the LP fixed at 1 and HiGHS's presolve on, stopped at the gap ``target``
    or the node limit (RINS: relaxation-induced neighbourhood search); returns the better
    incumbent and a note."""
    rl, ru, lb, ub = bounds
    open_cols = np.flatnonzero(ub > 0.5)
    top = open_cols[np.argsort(-rc[open_cols], kind="stable")[:NEIGHBOURHOOD_PER_ROW * A.shape[0]]]
    cols = np.union1d(np.union1d(np.flatnonzero(x_lp > 1e-6), np.flatnonzero(x_inc > 0.5)), top)
    agreed = np.where((x_lp >= 1.0 - 1e-6) & (x_inc > 0.5), 1.0, lb)   # the fixing shrinks the MIP presolve sees
    t = perf_counter()
    x, z, _, _, text = mip_over_columns(c, A, cols, rl, ru, agreed, ub, options, max(0.01, deadline - perf_counter()),
                                        start=x_inc, gap=SUBSET_GAP, target=target, presolve=True)
    phases["mip_neighbourhood"] = perf_counter() - t
    better = improve_by_swaps(c, A, x, bounds) if z is not None and z > float(c @ x_inc) else x_inc
    return better, f"neighbourhood MIP ({len(cols)} columns): {text}"


#: best-pricing columns per row in the neighbourhood MIP (with the LP's support and the incumbent)
NEIGHBOURHOOD_PER_ROW = 4
#: largest MIP after fixing; above it the MIP runs on a subset and its bound is not used
FINAL_MIP_MAX_COLUMNS = 40000
_SUBSET_SCOPE = "the working set and the best-pricing columns (its bound covers only them)"
#: HiGHS's own gap in a MIP over a subset of the columns, whose bound covers only them: tight, so
#: that it stops at the gap target against the LP bound (or its work limit), not at its own gap
SUBSET_GAP = 1e-4
#: share of the remaining time a working-set MIP may take before fixing is redone
WORKING_SET_SHARE = 0.5


LARGE_MODEL_COLUMNS = 20000


def is_large(model) -> bool:
    """Whether a (piece of a) model is large enough for :func:`solve_by_pricing`: many more
    columns than rows (the backend decides whether it prices: ``Backend.prices_large_models``)."""
    return model.n_variables > LARGE_MODEL_COLUMNS and model.n_variables > 10 * max(1, model.n_constraints)
