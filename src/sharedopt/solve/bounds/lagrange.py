"""Lagrangian (Dantzig-Wolfe) bound with one exact subproblem per service.

The coupling rows (governance, budgets, per-service limits, forced pairs: every row
that is not a slot row) are dualised with multipliers ``pi``; a candidate that spans
several services (a scope or whole-organisation candidate) is split into one copy per
service, the copies' weights summing to its reduced cost (variable splitting, the split
multipliers ``nu`` sum to 0 per candidate). What is left falls apart into one packing
problem per service over its slot rows, solved exactly by :mod:`sharedopt.solve.bounds.dp`.
For any ``(pi, nu)``

    L(pi, nu) = sum_i (pi_i > 0 ? pi_i u_i : pi_i l_i) + sum_s max_{x^s packing} w^s . x^s

is a valid upper bound on the optimum (weak duality); its minimum over the multipliers
is the Dantzig-Wolfe bound with the per-service convex hulls, at least as tight as the
LP bound. The multipliers start from the LP duals and are improved by subgradient steps
(Polyak step towards the incumbent, halved after stalls), a fixed number of iterations,
so the result does not depend on the clock. The DP tables give, for each candidate, a
bound on every solution that uses it; candidates whose bound is below the incumbent are
fixed to 0 (reduced-cost fixing with the Lagrangian multipliers).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sharedopt.model.rows import RowGroup
from sharedopt.solve.bounds import dp

#: iterations between two runs of the Lagrangian heuristic
REPAIR_EVERY = 3
#: states of one service's DP above which the service is not decomposed (the bound fails over)
MAX_STATES = 3_000_000


@dataclass
class Service:
    """One service's packing problem: copies ``cand`` (model columns) with element bitmasks."""

    cand: np.ndarray
    graph: tuple
    start_cover: int
    rows: np.ndarray


@dataclass
class LagrangianOutcome:
    """Best Lagrangian bound found and what it allows to fix.

    Attributes
    ----------
    bound : float
        Valid upper bound on the optimum (inf when the structure does not fit the DP).
    iterations : int
    fixable : ndarray of bool
        Columns that no solution better than the incumbent can use.
    note : str
    """

    bound: float
    iterations: int
    fixable: np.ndarray
    note: str = ""
    history: list = field(default_factory=list)
    x: np.ndarray | None = None
    z: float = -np.inf


def _services(model, A_csc):
    """Slot rows grouped by service: ({service: row indices}, coupling row indices)."""
    groups = model.rows["group"].to_numpy()
    keys = model.rows["key"].astype(str).to_numpy()
    slot = np.flatnonzero(groups == RowGroup.SLOT)
    by_service: dict[str, list[int]] = {}
    for i in slot:
        by_service.setdefault(keys[i].split("|", 1)[-1], []).append(int(i))
    return by_service, np.flatnonzero(groups != RowGroup.SLOT)


def build_services(model, A_csc, open_cols) -> tuple[list[Service], np.ndarray] | None:
    """Per-service DP graphs; None when a service has more than 62 bodies or too many states."""
    by_service, _ = _services(model, A_csc)
    A_csr = A_csc.tocsr()
    forced = model.var_lower > 0.5
    services = []
    in_some = np.zeros(A_csc.shape[1], dtype=bool)
    for name in sorted(by_service):
        rows = np.array(by_service[name], dtype=np.int64)
        if len(rows) > 62:
            return None
        sub = A_csr[rows].tocsc()
        cols = np.flatnonzero((np.diff(sub.indptr) > 0) & (open_cols | forced))
        elems = [sub.indices[sub.indptr[j]:sub.indptr[j + 1]] for j in cols]
        order = dp.element_order(elems, len(rows))
        pos = np.empty(len(rows), dtype=np.int64)
        pos[order] = np.arange(len(rows))
        masks = np.array([int(np.bitwise_or.reduce(np.left_shift(np.int64(1), pos[e]))) for e in elems],
                         dtype=np.int64)
        low = np.array([int(pos[e].min()) for e in elems], dtype=np.int64)
        is_forced = forced[cols]
        start = int(np.bitwise_or.reduce(masks[is_forced])) if is_forced.any() else 0
        keep = ~is_forced
        order_c = np.argsort(low[keep], kind="stable")
        cols_k, masks_k, low_k = cols[keep][order_c], masks[keep][order_c], low[keep][order_c]
        cstart = np.searchsorted(low_k, np.arange(len(rows) + 1)).astype(np.int64)
        graph = dp.build_graph(len(rows), masks_k, cstart, np.int64(start), MAX_STATES)
        if graph[3] < 0:
            return None
        services.append(Service(cols_k, graph, start, rows))
        in_some[cols] = True
    return services, in_some


class Lagrangian:
    """Evaluates ``L(pi, nu)`` for a model and keeps the split of multi-service candidates."""

    def __init__(self, model, A_csc, services, in_some):
        self.c, self.A = np.asarray(model.c, float), A_csc
        _, self.coupling = _services(model, A_csc)
        self.slot_rows = np.ones(A_csc.shape[0], dtype=bool)
        self.slot_rows[self.coupling] = False
        self.Ac = A_csc[self.coupling].tocsr()
        self.u, self.l = model.row_upper[self.coupling], model.row_lower[self.coupling]
        self.lb, self.ub = model.var_lower, model.var_upper
        self.services, self.in_some = services, in_some
        n = len(self.c)
        self.n_copies = np.zeros(n)
        for s in services:
            np.add.at(self.n_copies, s.cand, 1.0)
        self.forced = self.lb > 0.5
        self.free = ~in_some & (self.ub > 0.5) & ~self.forced

    def value(self, pi, nu):
        """(L, x_bar, copies chosen per service, per-service optima, weights per service)."""
        u = np.where(np.isfinite(self.u), self.u, 0.0)
        l = np.where(np.isfinite(self.l), self.l, 0.0)
        total = float(np.where(pi > 0, pi * u, pi * l).sum())
        rc = self.c - self.Ac.T @ pi
        total += float(rc[self.forced].sum() + np.maximum(rc[self.free], 0).sum())
        x_bar = self.forced.astype(float) + (self.free & (rc > 0))
        chosen, optima, weights = [], [], []
        for s, nu_s in zip(self.services, nu):
            w = rc[s.cand] / self.n_copies[s.cand] + nu_s
            V, x = dp.best_packing(*s.graph[:3], s.graph[3], w)
            total += float(V[0])
            x_bar[s.cand] += x / self.n_copies[s.cand]
            chosen.append(x)
            optima.append(float(V[0]))
            weights.append((w, V))
        return total, x_bar, chosen, optima, weights

    def subgradient(self, pi, nu, x_bar, chosen):
        """Directions of steepest increase of L in pi and nu (projected on sum nu = 0)."""
        act = self.Ac @ x_bar
        d_pi = np.where(pi > 0, self.u - act, np.where(pi < 0, self.l - act, 0.0))
        over = (pi == 0) & np.isfinite(self.u) & (act > self.u)
        under = (pi == 0) & np.isfinite(self.l) & (act < self.l)
        d_pi = np.where(over, self.u - act, np.where(under, self.l - act, d_pi))
        d_pi = np.nan_to_num(d_pi, posinf=0.0, neginf=0.0)
        mean = np.zeros(len(self.c))
        for s, x in zip(self.services, chosen):
            np.add.at(mean, s.cand, x / self.n_copies[s.cand])
        d_nu = [x - mean[s.cand] for s, x in zip(self.services, chosen)]
        return d_pi, d_nu

    def lp_split(self, y):
        """Split multipliers consistent with the LP duals of the slot rows: copy ``s`` of
        candidate ``j`` is worth its slot duals in ``s`` plus an equal share of its LP
        reduced cost, so that ``L`` at the LP duals is at most the LP bound."""
        y_slot = np.where(self.slot_rows, y, 0.0)
        per_col = self.A.T @ y_slot
        nu = []
        for s in self.services:
            own = self.A[s.rows][:, s.cand].T @ y[s.rows]
            nu.append(own - per_col[s.cand] / self.n_copies[s.cand])
        return nu

    def project(self, pi):
        pi = np.where((pi > 0) & ~np.isfinite(self.u), 0.0, pi)
        return np.where((pi < 0) & ~np.isfinite(self.l), 0.0, pi)

    def fixable(self, L, z, pi, weights):
        """Columns whose Lagrangian bound with the column at 1 is below ``z``."""
        n = len(self.c)
        loss = np.zeros(n)
        rc = self.c - self.Ac.T @ pi
        loss[self.free] = np.maximum(rc[self.free], 0) - rc[self.free]
        for s, (w, V) in zip(self.services, weights):
            with_k = dp.best_with_each(*s.graph[:3], s.graph[3], w, V)
            np.add.at(loss, s.cand, V[0] - with_k)
        tol = 1e-9 * max(1.0, abs(L)) + 1e-7
        return (L - loss < z - tol) & (self.ub > 0.5) & ~self.forced


def lagrangian_bound(model, A_csc, y, z_inc: float, iterations: int = 60, gap: float = 1e-4,
                     repair=None, x_inc: np.ndarray | None = None, built=None):
    """Minimise ``L`` by subgradient steps from the LP duals ``y`` (see the module docstring).

    Parameters
    ----------
    model : PortfolioModel
    A_csc : scipy.sparse.csc_matrix
        ``model.A`` in CSC form.
    y : ndarray
        Row duals of the LP relaxation (all rows); the coupling rows' entries start ``pi``.
    z_inc : float
        Objective of the best known solution (Polyak target, fixing threshold).
    iterations : int
        Number of subgradient iterations (a work limit: the result does not depend on the clock).
    gap : float
        Stop when ``(L - z_inc) / |z_inc|`` is at most this.
    repair : callable, optional
        ``repair(priority) -> x or None``: a feasible solution built in the order of the
        relaxed solution (Lagrangian heuristic, every ``REPAIR_EVERY`` iterations); a
        better one raises the incumbent used as step target and for fixing.
    x_inc : ndarray, optional
        The incumbent of value ``z_inc``.
    built : tuple, optional
        :func:`build_services` of the model, when already built.

    Returns
    -------
    LagrangianOutcome
    """
    n = model.n_variables
    built = built or build_services(model, A_csc, model.var_upper > 0.5)
    if built is None:
        return LagrangianOutcome(np.inf, 0, np.zeros(n, dtype=bool),
                                 "a service has more than 62 bodies or too many DP states")
    lag = Lagrangian(model, A_csc, *built)
    pi = lag.project(np.asarray(y, float)[lag.coupling] if y is not None else np.zeros(len(lag.coupling)))
    nu = lag.lp_split(np.asarray(y, float)) if y is not None else [np.zeros(len(s.cand)) for s in lag.services]
    best, history, x_inc, z_inc = _subgradient_search(lag, model, pi, nu, (x_inc, z_inc), iterations, gap, repair)
    L, pi, nu, weights = best
    fix = lag.fixable(L, z_inc, pi, weights)
    return LagrangianOutcome(float(L), len(history), fix,
                             f"Lagrangian bound (per-service exact DP, {len(history)} subgradient iterations): "
                             f"{L:,.1f}; fixes {int(fix.sum())} columns", history, x_inc, z_inc)


def _subgradient_search(lag: Lagrangian, model, pi, nu, incumbent, iterations: int, gap: float, repair):
    """Subgradient steps on ``(pi, nu)`` (Polyak step towards the incumbent, halved after stalls).

    Returns the best ``(L, pi, nu, weights)``, the history of ``L`` and the incumbent
    ``(x_inc, z_inc)``, improved by ``repair`` every :data:`REPAIR_EVERY` iterations.
    """
    x_inc, z_inc = incumbent
    best = (np.inf, pi, nu, None)
    theta, stall, history = 1.0, 0, []
    for it in range(iterations):
        L, x_bar, chosen, _, weights = lag.value(pi, nu)
        history.append(L)
        if L < best[0] - 1e-9 * max(1.0, abs(L)):
            best, stall = (L, pi.copy(), [v.copy() for v in nu], weights), 0
        else:
            stall += 1
            if stall >= 4:
                theta, stall = theta / 2, 0
        if repair is not None and it % REPAIR_EVERY == 0:
            x_try = repair(x_bar + 1e-6 * np.sign(np.asarray(model.c)))
            if x_try is not None and float(model.c @ x_try) > z_inc:
                x_inc, z_inc = x_try, float(model.c @ x_try)
        if best[0] - z_inc <= gap * max(1.0, abs(z_inc)):
            break
        d_pi, d_nu = lag.subgradient(pi, nu, x_bar, chosen)
        norm = float(d_pi @ d_pi + sum(float(d @ d) for d in d_nu))
        if norm <= 0:
            break
        step = theta * max(L - z_inc, 1e-9 * max(1.0, abs(L))) / norm
        pi = lag.project(pi - step * d_pi)
        nu = [v - step * d for v, d in zip(nu, d_nu)]
    return best, history, x_inc, z_inc
