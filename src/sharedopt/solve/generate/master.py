"""The restricted master LP, its column-generation loop and its odd-cycle cut rounds."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from sharedopt.candidates.value import CostBase
from sharedopt.config.params import ModelParams
from sharedopt.solve.generate.cutting import MAX_CUT_ROUNDS, MasterCuts
from sharedopt.solve.generate.layout import MasterRows
from sharedopt.solve.generate.pricer import PricingResult, ServicePricer, group_keys
from sharedopt.solve.backends.highs import matrix_lp
from sharedopt.solve.backends.highs_api import OPTIMAL, GrowingLp
from sharedopt.solve.bounds.dual import lp_dual_bound



@dataclass(frozen=True)
class Generation:
    """Report of a column-generation run.

    Attributes
    ----------
    lp_bound : float
        Upper bound on the best portfolio NPV over **all** connected groups (£k): the LP
        relaxation with the odd-cycle cuts, which hold for every group.
    lp_objective : float
        Master LP optimum at the last round (equal to the full LP optimum when
        ``complete``).
    complete : bool
        The last round priced every seed and found nothing: the LP is solved over
        the full candidate space.
    closed : bool
        Every group that could be in a portfolio better than the master's incumbent
        was added (:func:`close_gap`): the MIP over the candidates is then exact for
        the full space, and its own bound is a true bound.
    rounds, columns : int
        Pricing rounds; columns in the final master.
    groups_counted : dict
        Per service: connected groups the full enumeration would list (a lower bound
        when ``count_exact`` is False for it).
    count_exact : dict
    seconds : float
    note : str
    """

    lp_bound: float
    lp_objective: float
    complete: bool
    rounds: int
    columns: int
    closed: bool = False
    groups_counted: dict = field(default_factory=dict)
    count_exact: dict = field(default_factory=dict)
    seconds: float = 0.0
    note: str = ""


def _master_lp(c: np.ndarray, A: sp.csc_matrix, upper: np.ndarray):
    """The master LP as matrices: ``max c x, A x <= upper, 0 <= x <= 1``."""
    n = A.shape[1]
    return matrix_lp(c, A, np.arange(n), np.full(A.shape[0], -np.inf), upper, np.zeros(n), np.ones(n), False)


def column_generation(base: CostBase, params: ModelParams, constraints, pricers: list[ServicePricer],
                      initial: list[tuple], *, time_limit: float | None = None,
                      max_found: int | None = None, per_round: int | None = None, progress=None,
                      solver=None) -> tuple[dict[str, np.ndarray], "Generation", "Master"]:
    """Solve the portfolio LP over every connected group by pricing; return the generated groups.

    Parameters
    ----------
    base, params, constraints
        Cost base, model parameters, portfolio constraints.
    pricers : list of ServicePricer
        One per service whose scale groups are generated.
    initial : list of (members, service_idx, npv, one_off, depths)
        Master columns to start from (global indices, padded with -1; service
        columns of ``base.spend``; their NPV and one-off cost; for scale groups the index
        of their depth in ``params.depths``, else None): small scale groups at every depth,
        and every scope and whole-organisation candidate, valued already.
    time_limit : float, optional
        Seconds; when reached, the bound so far (still valid) is returned.
    max_found : int, optional
        Pricing stops searching further seeds of a service once it found this many
        groups (the round's bound then uses seed-level bounds for the rest); default
        three times ``per_round``. Rounds that find fewer search every seed.
    per_round : int, optional
        Groups with the largest reduced costs added per service and round (default:
        ``max(200, 2 x rows / services)``).
    progress : callable, optional
        ``progress(round, columns, lp_objective, bound)`` after every round.
    solver : SolverOptions, optional
        Its ``threads`` is used for HiGHS.

    Returns
    -------
    generated : dict of str to numpy.ndarray
        Per service, the groups (global indices, padded) added by pricing.
    Generation
    Master
        The final master (for :func:`close_gap`).
    """
    t0 = time.perf_counter()
    deadline = t0 + (time_limit if time_limit is not None else 1e12)
    rows = MasterRows.build(base, constraints)
    master = _start_master(base, rows, pricers, initial, solver)
    tol = 1e-7 * max(1.0, float(np.abs(master.c).max(initial=1.0)))
    if per_round is None:
        per_round = max(200, 2 * int(np.count_nonzero(np.isfinite(rows.upper))) // max(1, len(pricers)))
    max_found = max_found or 3 * per_round
    workers = max(1, int(getattr(solver, "threads", 1) or 1))
    limits = (max_found, per_round, workers)
    state = _iterate(base, pricers, rows, master, tol, deadline, limits, progress)
    rounds, complete, lp_obj, y, y_bound, best_bound, cut_rounds = _cut_rounds(
        base, pricers, rows, master, (tol, deadline, limits, progress), state)
    if np.isfinite(lp_obj):
        best_bound = max(best_bound, lp_obj) if complete else best_bound
    status = "complete" if complete else ("time limit" if time.perf_counter() >= deadline else "stopped")
    note = _note(master, rounds, cut_rounds, status, lp_obj, best_bound)
    return master.generated_groups(), Generation(
        float(best_bound), float(lp_obj), complete, rounds, int(master.A.shape[1]),
        seconds=time.perf_counter() - t0, note=note), Master(master.c, master.A, rows, y, y_bound, master.known,
                                                                master.upper, master.cuts)


def _note(master: "_GrowingMaster", rounds: int, cut_rounds: int, status: str, lp_obj: float, bound: float) -> str:
    """What column generation did, in a line."""
    cuts = f", {len(master.cuts.sets):,} odd-cycle cuts in {cut_rounds} rounds" if cut_rounds else ""
    return (f"column generation: {rounds} rounds, {master.A.shape[1]:,} master columns{cuts}, {status}; "
            f"LP {lp_obj:,.1f}, bound {bound:,.1f}")


def _iterate(base: CostBase, pricers: list[ServicePricer], rows: MasterRows, master: "_GrowingMaster", tol: float,
             deadline: float, limits: tuple[int, int, int], progress, rounds: int = 0):
    """Solve, price, add columns until nothing prices out (or time runs out).

    After a round, only the services that found groups are priced again, until none does; then
    every service is priced against the same duals (a full round). Only a full round gives a
    bound, and only a full round that finds nothing completes. ``limits``: groups found per
    service before its search stops, columns added per service and round, and threads pricing
    services at once. ``rounds`` counts on from an earlier call (for ``progress``).

    Returns ``(rounds, complete, lp_objective, y, L(y), best bound)`` (``y``: the last full
    round's duals).
    """
    best_bound, complete, lp_obj, y, y_full, y_bound = np.inf, False, np.nan, None, None, np.inf
    start, active = rounds, pricers
    while True:
        if y is None:  # first round, or columns were added: re-solve the master
            solved = _solve_master(master.lp, master.upper, deadline)
            if solved is None:
                break
            lp_obj, y = solved
        rounds += 1
        full = len(active) == len(pricers)
        bound = _master_bound(master, y) if full else np.inf
        bound, all_complete, blocks, costs, found = _price_round(base, active, rows, master, y, bound, tol, deadline,
                                                                 limits)
        if full:
            best_bound, y_bound, y_full = min(best_bound, bound), bound, y
        if progress is not None:
            progress(rounds, master.A.shape[1], lp_obj, best_bound)
        if blocks:
            master.extend(sp.hstack(blocks, format="csc"), np.concatenate(costs))
            active, y = [p for p, n in zip(active, found) if n], None
        elif full:
            complete = all_complete
            break
        else:
            active = pricers
        if time.perf_counter() >= deadline:
            break
    return rounds - start, complete, lp_obj, y_full, y_bound, best_bound


def _cut_rounds(base: CostBase, pricers: list[ServicePricer], rows: MasterRows, master: "_GrowingMaster",
                settings: tuple, state: tuple) -> tuple:
    """Odd-cycle cuts on a converged master (:mod:`sharedopt.solve.generate.cutting`): cut the
    master LP until no cut is violated (:func:`_cut_master`), then price again with the cuts'
    duals; until pricing finds nothing new to cut, :data:`MAX_CUT_ROUNDS` separations or the
    deadline. Every full round's bound holds for all groups, so the best bound is the smallest.

    ``settings``: (tol, deadline, limits, progress) of :func:`_iterate`; ``state``: what it
    returned. Returns the state after the cuts (none unless ``complete``) and the separations.
    """
    tol, deadline, limits, progress = settings
    rounds, complete, lp_obj, y, y_bound, best_bound = state
    cut_rounds = 0
    while complete and cut_rounds < MAX_CUT_ROUNDS and time.perf_counter() < deadline:
        added = _cut_master(master, MAX_CUT_ROUNDS - cut_rounds, deadline)
        if not added:
            break
        cut_rounds += added
        more, complete, lp_obj, y, y_bound, bound = _iterate(base, pricers, rows, master, tol, deadline, limits,
                                                             progress, rounds)
        rounds, best_bound = rounds + more, min(best_bound, bound)
    return rounds, complete, lp_obj, y, y_bound, best_bound, cut_rounds


def _cut_master(master: "_GrowingMaster", most: int, deadline: float) -> int:
    """Separate at the master's LP values, add the violated cuts and re-solve, at most ``most``
    times or until none is violated; how many separations added cuts."""
    done = 0
    while done < most and time.perf_counter() < deadline:
        cuts = master.cuts.separate(master.A, master.lp.column_values())
        if not cuts:
            break
        master.add_cuts(cuts)
        done += 1
        if _solve_master(master.lp, master.upper, deadline) is None:
            break
    return done


def _master_bound(master: "_GrowingMaster", y: np.ndarray) -> float:
    """The Lagrangian bound of duals ``y`` over the master's columns (pricing adds the rest)."""
    n = len(master.c)
    bound, _ = lp_dual_bound(master.c, master.A, y, np.full(len(master.upper), -np.inf), master.upper, np.zeros(n),
                             np.ones(n))
    return bound


@dataclass
class _GrowingMaster:
    """The restricted master while it grows: objective, columns, groups held and added per
    service, the LP (columns appended, so each re-solve starts from the last basis), its cuts and
    every row's upper limit (the layout's, then the cuts')."""

    c: np.ndarray
    A: sp.csc_matrix
    known: dict
    generated: dict
    lp: GrowingLp
    cuts: MasterCuts
    upper: np.ndarray

    def extend(self, block: sp.csc_matrix, cost: np.ndarray) -> None:
        """Append a column block (the layout's rows) with its objective; the cuts' rows are added."""
        n = block.shape[1]
        if self.cuts.sets:
            block = sp.vstack([block, self.cuts.coefficients(block)], format="csc")
        self.lp.add_columns(cost, np.zeros(n), np.ones(n), block)
        self.A, self.c = sp.hstack([self.A, block], format="csc"), np.concatenate([self.c, cost])

    def add_cuts(self, cuts: list[tuple]) -> None:
        """Append the rows of ``cuts`` over the columns so far."""
        block = self.cuts.add(cuts, self.A)
        rhs = self.cuts.rhs[-len(cuts):]
        self.lp.add_rows(np.full(len(cuts), -np.inf), rhs, block)
        self.A = sp.vstack([self.A, block], format="csc")
        self.upper = np.concatenate([self.upper, rhs])

    def generated_groups(self) -> dict[str, np.ndarray]:
        """Per service, the groups added by pricing (global indices, padded)."""
        return {service: (np.concatenate(parts) if parts else np.zeros((0, 1), dtype=np.int64))
                for service, parts in self.generated.items()}


def _start_master(base: CostBase, rows: MasterRows, pricers: list[ServicePricer], initial: list,
                  solver) -> _GrowingMaster:
    """The master over the initial columns, passed to a new HiGHS model."""
    initial = [block for block in initial if len(block[0])]
    blocks = [rows.columns(members, svc, one_off) for members, svc, _, one_off, _ in initial]
    A = sp.hstack(blocks, format="csc") if blocks else sp.csc_matrix((len(rows.upper), 0))
    c = np.concatenate([block[2] for block in initial]) if initial else np.zeros(0)
    known = {p.service: set() for p in pricers}
    for members, svc, _, _, depths in initial:
        service = base.services[svc[0, 0]]
        if depths is not None and svc.shape[1] == 1 and service in known:
            known[service].update(zip(group_keys(members), depths.tolist()))
    lp = GrowingLp(_master_lp(c, A, rows.upper), threads=getattr(solver, "threads", 2))
    cuts = MasterCuts(len(rows.upper), rows.n_services, rows.n_authorities * rows.n_services)
    return _GrowingMaster(c, A, known, {p.service: [] for p in pricers}, lp, cuts, rows.upper.copy())


def _solve_master(lp: GrowingLp, upper: np.ndarray, deadline: float) -> tuple[float, np.ndarray] | None:
    """Re-solve the master LP: its optimum and row duals (0 on rows without a limit); None if not optimal."""
    if lp.solve(max(0.01, deadline - time.perf_counter())) != OPTIMAL:
        return None
    lp_obj = lp.objective()
    y = lp.row_duals()
    return lp_obj, np.where(np.isfinite(upper) & (y > 0), y, 0.0)


def _price_round(base: CostBase, pricers: list[ServicePricer], rows: MasterRows, master: _GrowingMaster,
                 y: np.ndarray, bound: float, tol: float, deadline: float,
                 limits: tuple[int, int, int]) -> tuple[float, bool, list, list, list]:
    """Price every service against ``y`` (``limits[2]`` services at once, in threads: the search
    releases the GIL); the best new groups become columns.

    Returns the bound (``bound`` plus each service's pricing bound), whether every
    search completed, the new column blocks with their objectives (the groups are
    recorded in ``master.generated`` and ``master.known``), in the pricers' order, and how
    many groups each service found.
    """
    max_found, per_round, workers = limits

    def price(p: ServicePricer) -> PricingResult:
        service = base.service_index(p.service)
        d, beta, lam = rows.node_duals(y, p.to_global, service)
        return p.price(d, beta, lam, master.known[p.service], tol, deadline, max_found,
                       master.cuts.for_service(service, y))

    if workers > 1 and len(pricers) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(price, pricers))
    else:
        results = [price(p) for p in pricers]
    blocks, costs, all_complete = [], [], True
    for p, res in zip(pricers, results):
        bound += res.bound
        all_complete &= res.complete
        if len(res.groups):
            best = np.argsort(-res.reduced_costs, kind="stable")[:per_round]
            groups = res.groups[best]
            master.generated[p.service].append(groups)
            master.known[p.service].update(zip(group_keys(groups), res.depths[best].tolist()))
            blocks.append(rows.columns(groups, np.full((len(groups), 1), base.service_index(p.service)),
                                       res.one_off[best]))
            costs.append(res.npv[best])
    return bound, all_complete, blocks, costs, [len(res.groups) for res in results]


@dataclass(frozen=True)
class Master:
    """The final restricted master: objective, columns, row layout, known groups, the
    last optimal round's duals ``y`` with the bound ``L(y)`` they give over all groups, every
    row's upper limit and the cuts (rows after the layout's)."""

    c: np.ndarray
    A: sp.csc_matrix
    rows: MasterRows
    y: np.ndarray | None
    y_bound: float
    known: dict
    upper: np.ndarray
    cuts: MasterCuts
