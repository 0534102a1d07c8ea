"""Candidates by column generation, for when listing every connected group is too large.

Full enumeration of connected groups grows roughly as ``n * d^(k-1)``: at k = 6 the
US counties have tens of millions. This module never lists them all. It

1. counts groups per service up to a cap (:func:`count_groups_capped`), so a run says
   how large the full enumeration would have been (or that it exceeds the cap);
2. starts a restricted master LP over every scope candidate and every scale group of
   up to ``seed_size`` members (cheap to list);
3. solves the master LP (HiGHS, columns appended between rounds so each re-solve
   starts from the last basis), reads the duals ``y`` and **prices** new groups of
   every service against them: a depth-first search over connected groups (ESU order,
   each set once) that computes each group's reduced cost exactly,

   ``rc(S) = F (sum A_i - u(P_S) sum A_i/u(P_i)) - (1+beta) one_off(S) - annuity gov(|S|)
   - sum_i (y_slot(i,s) + y_gov(i)) - y_service(s)``,

   and prunes a partial group when an upper bound on the reduced cost of every
   connected superset of at most ``k`` members is not positive (the unit-cost index is
   bounded below over the population range the superset can reach; the best
   additions are bounded by the largest positive node weights in reach);
4. repeats until no group prices out. The LP bound then holds for the **full**
   problem: for any ``y >= 0``, ``b.y + sum_master max(0, rc) + sum over (seed,
   service) of the largest positive reduced cost of a non-master group with that
   smallest member`` is an upper bound (the slot rows keep at most one group per seed
   slot), and pricing computes the last term exactly (or bounds it, when stopped
   early).

The generated columns then go through the usual model and solve steps; the solve
step reports its gap against this bound (:attr:`Generation.lp_bound`), never against
the restricted problem's own bound.

Supported constraints: one partnership per slot (required), governance capacity and
overrides, a total budget, per-service limits, objective ``npv``. Anything else
(forced / forbidden candidates or pairs, existing partnerships, payback limits,
per-authority budgets, realisation overrides) changes which groups are allowed or
what they are worth in ways the pricing does not model: such runs enumerate in full
(:func:`generation_blockers` says why).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import highspy
import numpy as np
import pandas as pd
import scipy.sparse as sp

from sharedopt.enumerate import GroupArrays, adjacency_bitsets, connected_groups, index_nodes
from sharedopt.params import ModelParams
from sharedopt.pricing import lagrangian_bound, matrix_lp, set_threads
from sharedopt.savings import CostBase, annuity_factors, asset_budget, evaluate, unit_cost

INF = highspy.kHighsInf
INCUMBENT_SECONDS = 30.0  # MIP over the master, for the incumbent that closes the gap
CLOSE_CAP = 300_000  # groups added by close_gap at most


# --------------------------------------------------------------------------
# when to generate
# --------------------------------------------------------------------------
def generation_blockers(params: ModelParams, constraints) -> list[str]:
    """Reasons column generation cannot be used for this scenario ([] when it can)."""
    c = constraints
    checks = [
        (not c.one_partnership_per_slot, "constraints.one_partnership_per_slot is off"),
        (c.objective != "npv", f"constraints.objective is '{c.objective}'"),
        (bool(c.forced), "constraints.forced"), (bool(c.forbidden), "constraints.forbidden"),
        (bool(c.forced_pairs), "constraints.forced_pairs"),
        (bool(c.forbidden_pairs), "constraints.forbidden_pairs"),
        (bool(c.existing), "constraints.existing"),
        (c.max_payback_years is not None, "constraints.max_payback_years"),
        (c.budget_per_authority_gbp_k is not None, "constraints.budget_per_authority_gbp_k"),
        (bool(params.realisation_overrides), "model.realisation_overrides"),
        (not params.include_scale, "model.include_scale is off"),
    ]
    return [why for bad, why in checks if bad]


def count_groups_capped(graph, max_size: int, min_size: int, cap: int) -> tuple[int, bool]:
    """Connected groups of ``min_size..max_size`` nodes, counted up to ``cap``.

    Returns ``(count, exact)``; ``exact`` is False when counting stopped at the cap
    (the true count is larger).
    """
    nodes = index_nodes(graph)
    adjacency = adjacency_bitsets(graph, nodes)
    total = 0
    for root in range(len(nodes)):
        total += _count_from(root, adjacency, max_size, min_size)
        if total > cap:
            return total, False
    return total, True


def _count_from(root: int, adjacency: list[int], max_size: int, min_size: int) -> int:
    below = (1 << (root + 1)) - 1
    count = 1 if min_size <= 1 else 0
    stack = [(1, adjacency[root] & ~below, below | adjacency[root])]
    while stack:
        size, ext, closed = stack.pop()
        while ext:
            low = ext & -ext
            ext ^= low
            if size + 1 >= min_size:
                count += 1
            if size + 1 < max_size:
                nb = adjacency[low.bit_length() - 1]
                stack.append((size + 1, ext | (nb & ~closed), closed | nb))
    return count


# --------------------------------------------------------------------------
# pricing one service
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class PricingResult:
    """Groups of one service with a positive reduced cost, and a bound on the rest.

    ``groups`` are global authority indices (sorted, padded with -1 to ``k``);
    ``bound`` is an upper bound on the sum over seeds of the largest positive reduced
    cost of a group (larger than ``seed_size``) not returned; ``complete`` is False
    when the search stopped early (then ``bound`` uses the seed-level bounds).
    """

    groups: np.ndarray
    reduced_costs: np.ndarray
    bound: float
    complete: bool
    visited: int


class ServicePricer:
    """Prices connected groups of one service against LP duals (see module docstring).

    The search itself runs compiled (:mod:`sharedopt.colgen_kernel`); this class holds
    the service's graph (CSR), each seed's reach (the nodes above it within ``k-1``
    steps through nodes above it, as ESU can add them) and the savings constants.
    """

    CHUNK = 256  # seeds per compiled call (the deadline is checked between calls)

    def __init__(self, base: CostBase, params: ModelParams, service: str, graph, k: int, seed_size: int):
        self.service, self.k, self.seed_size = service, int(k), int(seed_size)
        nodes = index_nodes(graph)
        self.nodes = nodes
        self.to_global = base.index_of(nodes.tolist())
        bits = adjacency_bitsets(graph, nodes)
        self.indptr, self.indices = _csr_from_bits(bits)
        sp_ = params.services[service]
        self.mes, self.e_down, self.e_up = float(sp_.mes), float(sp_.e_down), float(sp_.e_up)
        self.asset = np.ascontiguousarray(asset_budget(base, params, service)[self.to_global], dtype=float)
        self.pop = np.ascontiguousarray(base.population[self.to_global], dtype=float)
        self.ratio = self.asset / unit_cost(self.pop, self.mes, self.e_down, self.e_up)
        ramp_annuity, self.annuity = annuity_factors(params)
        self.F = params.realisation_factor() * ramp_annuity
        self.ob = 1.0 + params.optimism_bias_cost_uplift
        self.setup_fixed, self.setup_member = params.setup_fixed_gbp_k, params.setup_per_member_gbp_k
        self.setup_rate = params.setup_rate
        self.gov_member, self.gov_pair = params.governance_per_member_gbp_k, params.governance_per_pair_gbp_k
        balls = [_reach(bits, v, self.k) for v in range(len(nodes))]
        self.ball_ptr = np.concatenate([[0], np.cumsum([len(b) for b in balls])]).astype(np.int64)
        self.ball_idx = np.concatenate(balls).astype(np.int64) if balls else np.zeros(0, dtype=np.int64)
        self.top_pop = np.array([_top_prefix(self.pop[b], self.k) for b in balls]).reshape(len(nodes), self.k)

    def price(self, node_dual: np.ndarray, beta: float, lam: float, known: set, tol: float,
              deadline: float, max_found: int) -> PricingResult:
        """Groups of ``seed_size+1..k`` members with reduced cost above ``tol``, not in ``known``.

        Parameters
        ----------
        node_dual : numpy.ndarray
            Per node (this service's graph order): slot dual + governance dual.
        beta, lam : float
            Budget-row dual (multiplies the one-off cost) and service-limit dual.
        known : set of tuple
            Groups already in the master (sorted global indices).
        tol : float
            Reduced costs at or below ``tol`` do not price out.
        deadline : float
            ``time.perf_counter()`` value after which remaining seeds are bounded, not searched.
        max_found : int
            Stop searching further seeds once this many groups were found.
        """
        from sharedopt.colgen_kernel import price_seeds, seed_bounds

        k, F, ann = self.k, self.F, self.annuity
        scale = (1.0 + beta) * self.ob
        K = np.ascontiguousarray(scale * (self.setup_member + self.setup_rate * self.asset)
                                 + ann * self.gov_member + node_dual, dtype=float)
        const = scale * self.setup_fixed + lam
        pair_cost = np.array([ann * self.gov_pair * n * (n - 1) / 2 for n in range(k + 1)])
        consts = (1.0 / self.mes, self.e_down, self.e_up)
        top_w, ub = seed_bounds(self.ball_ptr, self.ball_idx, self.asset, self.ratio, K, self.pop,
                                self.top_pop, F, const, pair_cost[2], *consts, k)
        order = np.argsort(-ub, kind="stable")
        live = order[ub[order] > tol]
        # seeds that cannot price out still add their (<= tol) bound
        bound = float(np.maximum(ub[np.isfinite(ub) & (ub <= tol)], 0.0).sum())
        members = np.empty((int(min(max(2 * max_found, 1024), 1 << 20)), k), dtype=np.int64)
        rcs = np.empty(len(members))
        best = np.full(len(live), -np.inf)
        pos = n_found = visited = 0
        while pos < len(live):
            if time.perf_counter() > deadline or n_found >= max_found:
                break
            chunk = live[pos:pos + self.CHUNK]
            found, seen, done = price_seeds(chunk, self.indptr, self.indices, self.asset, self.ratio, K,
                                            self.pop, self.top_pop, top_w, F, const, pair_cost, *consts, k,
                                            self.seed_size, tol, members[n_found:], rcs[n_found:],
                                            best[pos:pos + len(chunk)], max_found - n_found)
            n_found, visited, pos = n_found + found, visited + seen, pos + done
            if done < len(chunk) and n_found < max_found:  # output buffer full: grow it, redo that seed
                members = np.vstack([members, np.empty_like(members)])
                rcs = np.concatenate([rcs, np.empty_like(rcs)])
        complete = pos >= len(live)
        bound += float(np.maximum(best[:pos], max(tol, 0.0)).sum())
        bound += float(np.maximum(ub[live[pos:]], 0.0).sum())
        groups, rc = self._new_groups(members[:n_found], rcs[:n_found], known)
        return PricingResult(groups, rc, bound, complete, int(visited))

    def _new_groups(self, local: np.ndarray, rc: np.ndarray, known: set) -> tuple[np.ndarray, np.ndarray]:
        """Local groups -> sorted global indices (padded with -1), without the known ones."""
        glob = np.where(local >= 0, self.to_global[np.maximum(local, 0)], np.iinfo(np.int64).max)
        glob.sort(axis=1)
        glob[glob == np.iinfo(np.int64).max] = -1
        keep = np.array([tuple(row[row >= 0].tolist()) not in known for row in glob], dtype=bool)
        return glob[keep] if len(glob) else glob.reshape(0, self.k), rc[keep] if len(rc) else rc


def _csr_from_bits(bits: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Adjacency bitsets -> CSR (indptr, indices), neighbours ascending."""
    rows = []
    for b in bits:
        out = []
        while b:
            low = b & -b
            b ^= low
            out.append(low.bit_length() - 1)
        rows.append(out)
    indptr = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
    indices = np.array([v for r in rows for v in r], dtype=np.int64)
    return indptr, indices


def _reach(bits: list[int], seed: int, k: int) -> np.ndarray:
    """Nodes above ``seed`` within ``k-1`` steps through nodes above ``seed`` (ESU's reach)."""
    above = ~((1 << (seed + 1)) - 1)
    reach, frontier = 0, 1 << seed
    for _ in range(k - 1):
        grown = 0
        f = frontier
        while f:
            low = f & -f
            f ^= low
            grown |= bits[low.bit_length() - 1]
        frontier = grown & above & ~reach
        reach |= frontier
        if not frontier:
            break
    out = []
    while reach:
        low = reach & -reach
        reach ^= low
        out.append(low.bit_length() - 1)
    return np.array(out, dtype=np.int64)


def _top_prefix(values: np.ndarray, k: int) -> list[float]:
    """``out[r]`` = sum of the ``r`` largest non-negative values (r = 0..k-1)."""
    top = np.sort(np.maximum(values, 0.0))[::-1][: k - 1]
    out = np.zeros(k)
    out[1:len(top) + 1] = np.cumsum(top)
    out[len(top) + 1:] = out[len(top)]
    return out.tolist()


# --------------------------------------------------------------------------
# the restricted master LP
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class MasterRows:
    """Row layout of the master LP: slots, governance, budget, per-service limits.

    Slot ``(a, s)`` is row ``a * n_services + s``; authority ``a``'s governance row is
    ``gov0 + a``; the budget row is ``budget``; service ``s``'s limit row ``svc0 + s``.
    Rows without a limit have an infinite upper bound (their dual is 0).
    """

    n_authorities: int
    n_services: int
    upper: np.ndarray
    budget_on: bool

    @property
    def gov0(self) -> int:
        return self.n_authorities * self.n_services

    @property
    def budget(self) -> int:
        return self.gov0 + self.n_authorities

    @property
    def svc0(self) -> int:
        return self.budget + 1

    @classmethod
    def build(cls, base: CostBase, constraints) -> "MasterRows":
        n_a, n_s = len(base.codes), len(base.services)
        slots = np.ones(n_a * n_s)
        gov = np.full(n_a, np.inf if constraints.governance_capacity is None
                      else float(constraints.governance_capacity))
        for code, cap in constraints.governance_overrides.items():
            hit = np.flatnonzero(base.codes == code)
            gov[hit] = float(cap)
        budget = np.inf if constraints.budget_total_gbp_k is None else float(constraints.budget_total_gbp_k)
        svc = np.full(n_s, np.inf if constraints.max_per_service is None else float(constraints.max_per_service))
        for name, cap in constraints.max_per_service_overrides.items():
            if name in base.services:
                svc[base.service_index(name)] = float(cap)
        upper = np.concatenate([slots, gov, [budget], svc])
        return cls(n_a, n_s, upper, constraints.budget_total_gbp_k is not None)

    def columns(self, members: np.ndarray, service_idx: np.ndarray, one_off: np.ndarray) -> sp.csc_matrix:
        """Column block of candidates: ``members`` (n, w) global indices padded with -1,
        ``service_idx`` (n, t) service columns, ``one_off`` (n,) costs."""
        n = len(members)
        rows, cols, vals = [], [], []
        alive = members >= 0
        for t in range(service_idx.shape[1]):
            slot = members * self.n_services + service_idx[:, [t]]
            r, c = np.nonzero(alive)
            rows.append(slot[r, c]), cols.append(r), vals.append(np.ones(len(r)))
            rows.append(self.svc0 + service_idx[:, t]), cols.append(np.arange(n)), vals.append(np.ones(n))
        r, c = np.nonzero(alive)
        rows.append(self.gov0 + members[r, c]), cols.append(r), vals.append(np.ones(len(r)))
        if self.budget_on:
            rows.append(np.full(n, self.budget)), cols.append(np.arange(n)), vals.append(one_off)
        return sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                             shape=(len(self.upper), n))

    def node_duals(self, y: np.ndarray, to_global: np.ndarray, service: int) -> tuple[np.ndarray, float, float]:
        """(slot + governance dual per node, budget dual, service-limit dual) for one service."""
        d = y[to_global * self.n_services + service] + y[self.gov0 + to_global]
        beta = y[self.budget] if self.budget_on else 0.0
        return d, float(beta), float(y[self.svc0 + service])


@dataclass(frozen=True)
class Generation:
    """Report of a column-generation run.

    Attributes
    ----------
    lp_bound : float
        Upper bound on the best portfolio NPV over **all** connected groups (£k).
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


def _master_lp(c: np.ndarray, A: sp.csc_matrix, upper: np.ndarray) -> highspy.HighsLp:
    """The master LP as matrices: ``max c x, A x <= upper, 0 <= x <= 1``."""
    n = A.shape[1]
    return matrix_lp(c, A, np.arange(n), np.full(A.shape[0], -np.inf), upper, np.zeros(n), np.ones(n), False)


def _add_columns(h: highspy.Highs, c: np.ndarray, block: sp.csc_matrix) -> None:
    n = block.shape[1]
    h.addCols(n, c.astype(np.float64), np.zeros(n), np.ones(n), int(block.nnz),
              block.indptr[:-1].astype(np.int32), block.indices.astype(np.int32), block.data.astype(np.float64))


def column_generation(base: CostBase, params: ModelParams, constraints, pricers: list[ServicePricer],
                      initial: list[tuple[np.ndarray, np.ndarray]], *, time_limit: float | None = None,
                      max_found: int | None = None, per_round: int | None = None, progress=None,
                      solver=None) -> tuple[dict[str, np.ndarray], "Generation", "Master"]:
    """Solve the portfolio LP over every connected group by pricing; return the generated groups.

    Parameters
    ----------
    base, params, constraints
        Cost base, model parameters, portfolio constraints.
    pricers : list of ServicePricer
        One per service whose scale groups are generated.
    initial : list of (members, service_idx)
        Master columns to start from (global indices, padded with -1; service
        columns of ``base.spend``): small scale groups and every scope candidate.
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
    blocks, costs = [], []
    for members, svc in initial:
        values = evaluate(base, params, tuple(base.services[i] for i in svc[0]), members) if len(members) else None
        if values is None:
            continue
        blocks.append(rows.columns(members, svc, values["one_off_cost_gbp_k"]))
        costs.append(values["npv_gbp_k"])
    A = sp.hstack(blocks, format="csc") if blocks else sp.csc_matrix((len(rows.upper), 0))
    c = np.concatenate(costs) if costs else np.zeros(0)
    known = {service: set() for service in (p.service for p in pricers)}
    for p in pricers:
        s = base.service_index(p.service)
        for members, svc in initial:
            if svc.shape[1] == 1 and len(svc) and svc[0, 0] == s:
                known[p.service].update(tuple(row[row >= 0].tolist()) for row in members)
    generated = {p.service: [] for p in pricers}
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    set_threads(h, getattr(solver, "threads", 2) if solver is not None else 2)
    h.passModel(_master_lp(c, A, rows.upper))
    tol = 1e-7 * max(1.0, float(np.abs(c).max(initial=1.0)))
    if per_round is None:
        per_round = max(200, 2 * int(np.count_nonzero(np.isfinite(rows.upper))) // max(1, len(pricers)))
    max_found = max_found or 3 * per_round
    best_bound, rounds, complete, lp_obj = np.inf, 0, False, np.nan
    ru = rows.upper
    rl = np.full(len(ru), -np.inf)
    while True:
        rounds += 1
        h.setOptionValue("time_limit", max(0.01, deadline - time.perf_counter()))
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break
        lp_obj = float(h.getInfo().objective_function_value)
        y = np.asarray(h.getSolution().row_dual, dtype=float)
        y = np.where(np.isfinite(ru) & (y > 0), y, 0.0)
        bound, _ = lagrangian_bound(c, A, y, rl, ru, np.zeros(len(c)), np.ones(len(c)))
        new_blocks, new_costs, all_complete = [], [], True
        for p in pricers:
            s = base.service_index(p.service)
            d, beta, lam = rows.node_duals(y, p.to_global, s)
            res = p.price(d, beta, lam, known[p.service], tol, deadline, max_found)
            bound += res.bound
            all_complete &= res.complete
            if len(res.groups):
                best = np.argsort(-res.reduced_costs, kind="stable")[:per_round]
                values = evaluate(base, params, (p.service,), res.groups[best])
                ok = values["npv_gbp_k"] > 0
                groups = res.groups[best][ok]
                generated[p.service].append(groups)
                known[p.service].update(tuple(row[row >= 0].tolist()) for row in groups)
                new_blocks.append(rows.columns(groups, np.full((len(groups), 1), s),
                                               values["one_off_cost_gbp_k"][ok]))
                new_costs.append(values["npv_gbp_k"][ok])
        best_bound = min(best_bound, bound)
        if progress is not None:
            progress(rounds, A.shape[1], lp_obj, best_bound)
        if not new_blocks:
            complete = all_complete
            break
        block, cost = sp.hstack(new_blocks, format="csc"), np.concatenate(new_costs)
        _add_columns(h, cost, block)
        A, c = sp.hstack([A, block], format="csc"), np.concatenate([c, cost])
        if time.perf_counter() >= deadline:
            break
    out = {service: (np.concatenate(parts) if parts else np.zeros((0, 1), dtype=np.int64))
           for service, parts in generated.items()}
    if np.isfinite(lp_obj):
        best_bound = max(best_bound, lp_obj) if complete else best_bound
    status = "complete" if complete else ("time limit" if time.perf_counter() >= deadline else "stopped")
    note = (f"column generation: {rounds} rounds, {A.shape[1]:,} master columns, {status}; "
            f"LP {lp_obj:,.1f}, bound {best_bound:,.1f}")
    master = Master(c, A, rows, y if np.isfinite(lp_obj) else None, known)
    return out, Generation(float(best_bound), float(lp_obj), complete, rounds, int(A.shape[1]),
                           seconds=time.perf_counter() - t0, note=note), master


@dataclass(frozen=True)
class Master:
    """The final restricted master: objective, columns, row layout, duals, known groups."""

    c: np.ndarray
    A: sp.csc_matrix
    rows: MasterRows
    y: np.ndarray | None
    known: dict


def master_incumbent(master: Master, time_limit: float, solver=None) -> tuple[float, np.ndarray | None]:
    """A good portfolio over the master's columns: pricing, reduced-cost fixing and a
    short MIP (:func:`sharedopt.pricing.solve_by_pricing`), greedy start included."""
    from types import SimpleNamespace

    from sharedopt.pricing import solve_by_pricing
    from sharedopt.solve import SolverOptions

    options = (solver or SolverOptions()).model_copy(update={"mip_gap": 1e-4})
    n = len(master.c)
    model = SimpleNamespace(c=master.c, A=master.A, row_lower=np.full(len(master.rows.upper), -np.inf),
                            row_upper=master.rows.upper, var_lower=np.zeros(n), var_upper=np.ones(n))
    out = solve_by_pricing(model, options, time_limit)
    if out.x is None:
        return 0.0, None
    return float(out.objective), out.x


def close_gap(base: CostBase, params: ModelParams, pricers: list[ServicePricer], master: Master,
              lp_bound: float, incumbent: float, cap: int, deadline: float) -> dict[str, np.ndarray] | None:
    """Every group outside the master whose reduced cost exceeds ``incumbent - lp_bound``.

    Any portfolio that uses a group ``j`` is worth at most ``lp_bound + rc_j``
    (Lagrangian bound), so groups with ``rc_j <= incumbent - lp_bound`` cannot be in a
    portfolio better than the incumbent. With the returned groups added, the MIP over
    the candidates is exact for the full space: its own bound is a true bound. Returns
    None when there are more than ``cap`` such groups or time runs out.
    """
    if master.y is None or not np.isfinite(lp_bound):
        return None
    tol = incumbent - lp_bound - 1e-9 * max(1.0, abs(lp_bound))
    out, total = {}, 0
    for p in pricers:
        s = base.service_index(p.service)
        d, beta, lam = master.rows.node_duals(master.y, p.to_global, s)
        res = p.price(d, beta, lam, master.known[p.service], min(tol, 0.0), deadline, cap - total + 1)
        if not res.complete or total + len(res.groups) > cap:
            return None
        if len(res.groups):
            ok = evaluate(base, params, (p.service,), res.groups)["npv_gbp_k"] > 0
            out[p.service] = res.groups[ok]
            total += int(ok.sum())
    return out


def groups_to_local(groups: np.ndarray, pricer: ServicePricer) -> GroupArrays:
    """Global-index groups of one service as :class:`GroupArrays` over its graph's nodes (sorted)."""
    position = np.full(int(pricer.to_global.max(initial=-1)) + 2, -1, dtype=np.int64)
    position[pricer.to_global] = np.arange(len(pricer.to_global))
    local = np.where(groups >= 0, position[np.maximum(groups, 0)], -1)
    local = np.where(local >= 0, local, np.iinfo(np.int32).max)
    local.sort(axis=1)
    local = np.where(local == np.iinfo(np.int32).max, -1, local).astype(np.int32)
    sizes = (local >= 0).sum(axis=1).astype(np.int16)
    order = np.lexsort(tuple(local[:, j] for j in range(local.shape[1] - 1, -1, -1)) + (sizes,))
    return GroupArrays(nodes=pricer.nodes, members=local[order], sizes=sizes[order])


def initial_groups(pricer: ServicePricer, graph) -> GroupArrays:
    """Every connected group of 2..seed_size members (the master's starting scale columns)."""
    return connected_groups(graph, pricer.seed_size, min_size=2)


def to_global(groups: GroupArrays, pricer: ServicePricer, width: int) -> np.ndarray:
    """GroupArrays over the pricer's graph -> global indices padded to ``width``."""
    out = np.full((len(groups), width), -1, dtype=np.int64)
    g = groups.members
    out[:, :g.shape[1]] = np.where(g >= 0, pricer.to_global[np.maximum(g, 0)], -1)
    return out


# --------------------------------------------------------------------------
# orchestration (called from sharedopt.options.build_candidates)
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class GenerationPlan:
    """Whether to generate, and the (capped) group counts behind the decision."""

    generate: bool
    counts: dict
    exact: dict
    reason: str


def plan_generation(graphs: dict, params: ModelParams, constraints) -> GenerationPlan:
    """Count scale groups per service (capped at ``params.generate_above``) and decide.

    Raises
    ------
    ConfigError
        ``candidates = "generate"`` with a constraint the pricing does not model.
    """
    from sharedopt.errors import ConfigError

    blockers = generation_blockers(params, constraints)
    if params.candidates == "generate" and blockers:
        raise ConfigError("[model] candidates = \"generate\" cannot be used with " + ", ".join(blockers)
                          + ": set candidates = \"enumerate\" (or \"auto\"), or drop those settings")
    counts, exact, total = {}, {}, 0
    cap = max(int(params.generate_above), 0)
    for service, graph in sorted(graphs.items()):
        left = max(cap - total, 0)
        n, ok = count_groups_capped(graph, params.max_group_size, 2, left) if len(graph) else (0, True)
        counts[service], exact[service] = n, ok
        total += n
        if not ok:
            break
    over = total > cap
    if params.candidates == "generate":
        return GenerationPlan(True, counts, exact, "[model] candidates = \"generate\"")
    if over and not blockers:
        return GenerationPlan(True, counts, exact,
                              f"more than {cap:,} connected groups (model.generate_above): generated")
    reason = "enumerated" if not over else (f"more than {cap:,} groups, but " + ", ".join(blockers)
                                            + " need full enumeration")
    return GenerationPlan(False, counts, exact, reason)


def _table_columns(base: CostBase, table: pd.DataFrame, width: int) -> tuple[np.ndarray, np.ndarray]:
    members = np.full((len(table), width), -1, dtype=np.int64)
    for i, text in enumerate(table["members"].tolist()):
        idx = base.index_of(text.split(";"))
        members[i, :len(idx)] = idx
    services = [tuple(base.service_index(s) for s in text.split(";")) for text in table["services"].tolist()]
    return members, np.array(services, dtype=np.int64)


def generate_scale_candidates(base: CostBase, params: ModelParams, constraints, graphs: dict,
                              scope_tables: list[pd.DataFrame], plan: GenerationPlan, with_shares: bool,
                              progress=None, solver=None):
    """Scale candidates by column generation; returns ``(tables, shares, stats, Generation)``."""
    from sharedopt.options import _scale_kind, value_groups

    t0 = time.perf_counter()
    k, seed_size = params.max_group_size, min(params.generation_seed_size, params.max_group_size)
    pricers = {s: ServicePricer(base, params, s, g, k, seed_size) for s, g in sorted(graphs.items()) if len(g)}
    initial, seeds = [], {}
    for service, pricer in pricers.items():
        groups = initial_groups(pricer, graphs[service])
        members = to_global(groups, pricer, k)
        keep = evaluate(base, params, (service,), members)["npv_gbp_k"] > 0
        seeds[service] = members[keep]
        initial.append((members[keep], np.full((int(keep.sum()), 1), base.service_index(service))))
    for table in scope_tables:
        if len(table):
            for services, part in table.groupby("services", sort=True):
                initial.append(_table_columns(base, part, params.scope_max_group_size))
    limit = params.generation_time_limit
    generated, generation, master = column_generation(
        base, params, constraints, list(pricers.values()), initial, time_limit=limit, progress=progress,
        solver=solver)
    closed, close_note = False, ""
    if generation.complete:
        left = (limit - (time.perf_counter() - t0)) if limit is not None else 60.0
        z, _ = master_incumbent(master, min(max(left / 2, 1.0), INCUMBENT_SECONDS), solver)
        extra = close_gap(base, params, list(pricers.values()), master, generation.lp_bound, z,
                          CLOSE_CAP, time.perf_counter() + max(left / 2, 1.0))
        if extra is not None:
            closed = True
            added = sum(len(g) for g in extra.values())
            close_note = (f"; closed: {added:,} more groups could beat the incumbent {z:,.1f} "
                          "(reduced cost above incumbent - bound) and were added, so the MIP is exact")
            for service, groups in extra.items():
                generated[service] = np.vstack([generated[service], groups]) if len(generated[service]) \
                    else groups
        else:
            close_note = (f"; not closed: with the incumbent {z:,.1f} more than {CLOSE_CAP:,} groups "
                          "could still beat it, or time ran out")
    tables, shares, stats = [], [], []
    for service, pricer in pricers.items():
        start = time.perf_counter()
        found = generated.get(service)
        allg = seeds[service] if found is None or not len(found) else np.vstack([seeds[service], found])
        table, share, stat = value_groups(base, params, (service,), graphs[service],
                                          groups_to_local(allg, pricer), _scale_kind, with_shares)
        stat.update(seconds=time.perf_counter() - start, method="generated",
                    groups_counted=plan.counts.get(service), count_exact=plan.exact.get(service))
        tables.append(table), shares.append(share), stats.append(stat)
    generation = Generation(generation.lp_bound, generation.lp_objective, generation.complete,
                            generation.rounds, generation.columns, closed, dict(plan.counts),
                            dict(plan.exact), time.perf_counter() - t0,
                            f"{plan.reason}; {generation.note}{close_note}")
    return tables, shares, stats, generation
