"""Independent pieces of a portfolio model: find them, solve small ones exactly, run the rest.

No constraint couples two pieces (e.g. two US states, or two services without a
governance limit), so the optimum is the sum of the pieces' optima. Tiny pieces are
enumerated, single-variable pieces solved in bulk; the others go to a solver, several
at once in threads, sharing the time limit in proportion to their size
(:func:`solve_pieces`, called by :func:`sharedopt.solve.api.solve`).
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from time import perf_counter

import numpy as np
import scipy.sparse as sp

from sharedopt.model.build import PortfolioModel
from sharedopt.solve.components import connected_components
from sharedopt.solve.progress import PieceProgress, listening, wants_pieces
from sharedopt.solve.progress import current as current_listener
from sharedopt.solve.status import Status

ENUMERATE_MAX_VARS = 10  # pieces up to this size are solved by enumeration
FEAS_TOL = 1e-6
MIN_PIECE_SECONDS = 0.01


@dataclass(frozen=True)
class Piece:
    """Outcome of one (sub)problem; ``x`` is None without a solution."""

    status: Status
    termination: str
    objective: float | None
    bound: float | None
    x: np.ndarray | None
    version: str = ""
    setup_seconds: float = 0.0
    message: str = ""
    #: which limit stopped the solver: 'time' (wall clock), 'work' (node limit) or ''
    limit: str = ""
    #: seconds per solve phase (column generation, MIPs), when the path has phases
    phases: dict | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))


def piece_labels(model: PortfolioModel) -> tuple[np.ndarray, np.ndarray]:
    """Independent pieces of the model.

    Returns
    -------
    col_labels : ndarray of int
        Piece of each variable, -1 for variables fixed to 0 (excluded), which
        couple nothing.
    row_labels : ndarray of int
        Piece of each row, -1 for rows without any free variable.
    """
    active = np.flatnonzero(model.var_upper > 0)
    B = model.A[:, active].tocsr()
    B.eliminate_zeros()
    m, k = B.shape
    if m and k:
        graph = sp.bmat([[None, B.T], [B, None]], format="csr")
    else:
        graph = sp.csr_matrix((k + m, k + m))
    n_comp, lab = connected_components(graph)
    col_comp, row_comp = lab[:k], lab[k:]
    dense = np.full(n_comp, -1, dtype=np.int64)
    uniq = np.unique(col_comp)
    dense[uniq] = np.arange(len(uniq))
    col_labels = np.full(model.n_variables, -1, dtype=np.int64)
    col_labels[active] = dense[col_comp]
    return col_labels, dense[row_comp]


def submodel(
    model: PortfolioModel, cols: np.ndarray, rows: np.ndarray | None = None
) -> PortfolioModel:
    """Restriction of ``model`` to variables ``cols`` (a union of pieces).

    ``rows`` defaults to every row touching ``cols``.  Other variables are
    dropped, i.e. treated as 0, so ``cols`` should be closed under
    :func:`piece_labels` for the result to be exact.
    """
    cols = np.asarray(cols, dtype=np.int64)
    if rows is None:
        touched = model.A[:, cols].tocsr()
        rows = np.flatnonzero(np.diff(touched.indptr))
    rows = np.asarray(rows, dtype=np.int64)
    A = model.A[rows][:, cols].tocsr()
    dominated_by = None
    if model.dominated_by is not None:  # re-point into the subset (outside -> none)
        new_pos = np.full(model.n_variables, -1, dtype=np.int64)
        new_pos[cols] = np.arange(len(cols))
        old = model.dominated_by[cols]
        dominated_by = np.where(old >= 0, new_pos[np.maximum(old, 0)], -1)
    return replace(
        model,
        candidate_ids=model.candidate_ids[cols],
        c=model.c[cols],
        A=A,
        row_lower=model.row_lower[rows],
        row_upper=model.row_upper[rows],
        var_lower=model.var_lower[cols],
        var_upper=model.var_upper[cols],
        rows=model.rows.iloc[rows].reset_index(drop=True),
        excluded=model.excluded.iloc[cols],
        dominated_by=dominated_by,
    )


def enumerate_piece(c, A, rl, ru, lb, ub) -> Piece:
    """Exact solve of a tiny piece by listing every 0/1 vector in the box."""
    k = len(c)
    grid = ((np.arange(2**k)[:, None] >> np.arange(k)[None, :]) & 1).astype(float)
    ok = np.all((grid >= lb - FEAS_TOL) & (grid <= ub + FEAS_TOL), axis=1)
    if A.shape[0]:
        act = (A @ grid.T).T
        ok &= np.all((act >= rl - FEAS_TOL) & (act <= ru + FEAS_TOL), axis=1)
    if not ok.any():
        return Piece(Status.INFEASIBLE, "enumerated: infeasible", None, None, None)
    vals = np.where(ok, grid @ c, -np.inf)
    best = int(np.argmax(vals))  # smallest index first -> fewest/low-index picks on ties
    return Piece(Status.OPTIMAL, "enumerated", float(vals[best]), float(vals[best]), grid[best])


@dataclass(frozen=True)
class Split:
    """Variables / rows grouped by piece: piece p is ``order[starts[p]:starts[p+1]]``."""

    col_labels: np.ndarray
    row_labels: np.ndarray
    col_order: np.ndarray
    col_starts: np.ndarray
    row_order: np.ndarray
    row_starts: np.ndarray

    @property
    def n_pieces(self) -> int:
        return len(self.col_starts) - 1


def split_model(model: PortfolioModel) -> Split:
    col_lab, row_lab = piece_labels(model)
    n_pieces = int(col_lab.max()) + 1 if len(col_lab) and col_lab.max() >= 0 else 0
    act_cols = np.flatnonzero(col_lab >= 0)
    col_order = act_cols[np.argsort(col_lab[act_cols], kind="stable")]
    act_rows = np.flatnonzero(row_lab >= 0)
    row_order = act_rows[np.argsort(row_lab[act_rows], kind="stable")]
    bins = np.arange(n_pieces + 1)
    col_starts = np.searchsorted(col_lab[col_order], bins)
    row_starts = np.searchsorted(row_lab[row_order], bins)
    return Split(col_lab, row_lab, col_order, col_starts, row_order, row_starts)


def dead_rows_hold(model: PortfolioModel, row_lab: np.ndarray) -> bool:
    """Rows without free variables hold at x = lower bounds."""
    dead = np.flatnonzero(row_lab < 0)
    if not len(dead):
        return True
    act = model.A[dead] @ model.var_lower
    lo, hi = model.row_lower[dead], model.row_upper[dead]
    return bool(np.all(act >= lo - FEAS_TOL) and np.all(act <= hi + FEAS_TOL))


def solve_singletons(
    model: PortfolioModel, split: Split, pieces: np.ndarray
) -> tuple[Piece, np.ndarray]:
    """Solve all one-variable pieces at once: best feasible end of [lb, ub]."""
    cols = split.col_order[split.col_starts[pieces]]
    lo, hi = model.var_lower[cols], model.var_upper[cols]
    is_single = np.zeros(split.n_pieces, dtype=bool)
    is_single[pieces] = True
    rows = np.flatnonzero((split.row_labels >= 0) & is_single[np.maximum(split.row_labels, 0)])
    ok_lo = np.ones(split.n_pieces, dtype=bool)
    ok_hi = np.ones(split.n_pieces, dtype=bool)
    if len(rows):
        base = np.where(model.var_upper > 0, model.var_lower, 0.0)
        x_hi = base.copy()
        x_hi[cols] = hi
        sub = model.A[rows]
        rl, ru = model.row_lower[rows], model.row_upper[rows]
        for x_try, ok in ((base, ok_lo), (x_hi, ok_hi)):
            act = sub @ x_try
            bad = (act < rl - FEAS_TOL) | (act > ru + FEAS_TOL)
            ok[split.row_labels[rows[bad]]] = False
    ok_lo, ok_hi = ok_lo[pieces], ok_hi[pieces]
    c = model.c[cols]
    take_hi = ok_hi & (~ok_lo | (c * hi > c * lo))
    value = np.where(take_hi, hi, lo)
    if not (ok_lo | ok_hi).all():
        return Piece(Status.INFEASIBLE, "enumerated: infeasible", None, None, None), cols
    obj = float(c @ value)
    return Piece(Status.OPTIMAL, "enumerated", obj, obj, value), cols


def block_matrix(A_perm: sp.csr_matrix, r0: int, r1: int, c0: int, c1: int) -> sp.csr_matrix:
    """Rows r0:r1 of the piece-permuted matrix as a (r1-r0) x (c1-c0) block."""
    p0, p1 = A_perm.indptr[r0], A_perm.indptr[r1]
    return sp.csr_matrix(
        (A_perm.data[p0:p1], A_perm.indices[p0:p1] - c0, A_perm.indptr[r0 : r1 + 1] - p0),
        shape=(r1 - r0, c1 - c0),
    )


def piece_progress(settled: list[Piece], n_big: int) -> PieceProgress | None:
    """Whole-model live progress over the solver pieces (when someone listens and there are several)."""
    listener = current_listener()
    if listener is None or n_big < 2:
        return None
    base_obj = sum(p.objective or 0.0 for p in settled)
    base_bound = sum(p.bound or 0.0 for p in settled)
    return PieceProgress(listener, n_big, base_obj, base_bound, with_pieces=wants_pieces())


def piece_workers(options, parallel: bool, n_big: int) -> int:
    """Pieces solved at once: up to ``threads`` pieces in parallel threads when the backend allows it.

    HiGHS's branch and bound is essentially serial, so independent pieces on
    separate cores are the parallelism that pays; PuLP solvers run one at a time
    (``parallel`` is the backend's ``parallel_pieces``).
    """
    if not parallel or n_big < 2:
        return 1
    return max(1, min(int(options.threads), n_big))


class PieceBudget:
    """Shares the time limit between pieces in proportion to their size.

    A piece started when ``done`` columns remain gets ``remaining time x workers x
    size / remaining columns`` (at most the remaining time), so time a quick piece
    does not use passes on to the pieces after it.
    """

    def __init__(self, time_limit: float | None, t_start: float, total: int, workers: int):
        self.time_limit, self.t_start, self.left, self.workers = time_limit, t_start, int(total), workers
        self._lock = threading.Lock()


    def take(self, size: int) -> float | None:
        with self._lock:
            share = size / max(self.left, 1)
            self.left -= size
        if self.time_limit is None:
            return None
        remaining = self.time_limit - (perf_counter() - self.t_start)
        return max(min(remaining, remaining * self.workers * share), MIN_PIECE_SECONDS)


def map_pieces(func, pieces: list[int], workers: int) -> list:
    """``func`` over ``pieces`` (largest first when parallel); results in ``pieces`` order."""
    if workers <= 1:
        return [func(p) for p in pieces]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        # each task runs in a copy of the caller's context, so live progress reaches the listener
        futures = {p: pool.submit(contextvars.copy_context().run, func, p) for p in reversed(pieces)}
        return [futures[p].result() for p in pieces]


#: a solver for one piece: ``solve_one(submodel, time_limit, warm_start) -> Piece``
SolveOne = Callable[[PortfolioModel, "float | None", "np.ndarray | None"], Piece]


def _solve_tiny(model: PortfolioModel, split: Split, sizes: np.ndarray, x: np.ndarray) -> list[Piece]:
    """Rows without free variables, one-variable pieces and pieces of up to
    :data:`ENUMERATE_MAX_VARS` variables, solved without a solver (``x`` filled in)."""
    pieces: list[Piece] = []
    if not dead_rows_hold(model, split.row_labels):
        pieces.append(Piece(Status.INFEASIBLE, "row without free variables violated", None, None, None))
    single = np.flatnonzero(sizes == 1)
    if len(single):
        res, cols = solve_singletons(model, split, single)
        pieces.append(res)
        if res.x is not None:
            x[cols] = res.x
    A_perm = model.A[split.row_order][:, split.col_order].tocsr()
    small = [int(p) for p in np.argsort(sizes, kind="stable") if 1 < sizes[p] <= ENUMERATE_MAX_VARS]
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
    return pieces


def _solve_big(model, split, big, budget: PieceBudget, solve_one: SolveOne, warm, tracker) -> list[Piece]:
    """The pieces that need a solver, ``budget.workers`` at a time; results in ``big`` order."""
    sizes = np.diff(split.col_starts)

    def solve_piece(p: int) -> Piece:
        cols = split.col_order[split.col_starts[p]:split.col_starts[p + 1]]
        rows = split.row_order[split.row_starts[p]:split.row_starts[p + 1]]
        sub = submodel(model, cols, rows)
        with listening(tracker.piece_listener(p)) if tracker else contextlib.nullcontext():
            res = solve_one(sub, budget.take(int(sizes[p])), None if warm is None else warm[cols])
        if tracker:
            tracker.finished(p, res.objective, res.bound)
        return res

    return map_pieces(solve_piece, big, budget.workers)


def solve_pieces(model: PortfolioModel, solve_one: SolveOne, time_limit: float | None, t_start: float,
                 parallel: bool, options, warm: np.ndarray | None) -> tuple[list[Piece], np.ndarray, int, str]:
    """Solve every independent piece of ``model``.

    Parameters
    ----------
    model : PortfolioModel
    solve_one : callable
        Solver for one piece (:data:`SolveOne`).
    time_limit : float or None
        Seconds for the whole solve, shared between the pieces (None: no limit).
    t_start : float
        When the solve started (:func:`time.perf_counter`).
    parallel : bool
        Whether the backend may solve pieces in parallel threads.
    options : SolverOptions
        ``threads`` bounds the pieces solved at once.
    warm : ndarray or None
        A feasible 0/1 start for the whole model.

    Returns
    -------
    pieces : list of Piece
    x : ndarray
        The combined solution.
    n_pieces : int
    note : str
        How the model was split, for the result's message.
    """
    split = split_model(model)
    x = np.where(model.var_upper > 0, model.var_lower, 0.0).astype(float)
    sizes = np.diff(split.col_starts)
    pieces = _solve_tiny(model, split, sizes, x)
    big = [int(p) for p in np.argsort(sizes, kind="stable") if sizes[p] > ENUMERATE_MAX_VARS]
    workers = piece_workers(options, parallel, len(big))
    budget = PieceBudget(time_limit, t_start, sizes[big].sum() if big else 0, workers)
    tracker = piece_progress(pieces, len(big))
    for p, res in zip(big, _solve_big(model, split, big, budget, solve_one, warm, tracker)):
        pieces.append(res)
        if res.x is not None:
            x[split.col_order[split.col_starts[p]:split.col_starts[p + 1]]] = res.x
    note = ""
    if split.n_pieces > 1:
        parallel_note = f", {budget.workers} in parallel" if budget.workers > 1 else ""
        note = (f"decomposed into {split.n_pieces} pieces "
                f"({split.n_pieces - len(big)} enumerated, {len(big)} solver calls{parallel_note})")
    return pieces, x, split.n_pieces, note
