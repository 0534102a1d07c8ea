"""Pricing connected groups of one service against LP duals (the search runs in :mod:`.kernel`)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from sharedopt.candidates.enumerate import GroupArrays, adjacency_bitsets, connected_groups, index_nodes
from sharedopt.candidates.capital import SCALE
from sharedopt.candidates.value import CostBase, acting_budget, annuity_factors, asset_budget, unit_cost
from sharedopt.config.params import ModelParams
from sharedopt.solve.generate.kernel import price_seeds, seed_bounds
from sharedopt.solve.generate.plan import savings_blockers


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

    The search itself runs compiled (:mod:`sharedopt.solve.generate.kernel`); this class holds
    the service's graph (CSR), each seed's reach (the nodes above it within ``k-1``
    steps through nodes above it, as ESU can add them) and the savings constants.
    """

    CHUNK = 256  # seeds per compiled call (the deadline is checked between calls)

    def __init__(self, base: CostBase, params: ModelParams, service: str, graph, k: int, seed_size: int):
        if base.curves is not None or savings_blockers(params):
            raise ValueError("ServicePricer prices scale (the parameters' U-shape), set-up and governance "
                             "only; switch off: " + ", ".join(savings_blockers(params) or ["fitted curves"]))
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
        # scale acts on its share of the budget (physical / human capital); costs on the whole budget
        self.scale_asset = np.ascontiguousarray(acting_budget(base, params, service, SCALE)[self.to_global], dtype=float)
        self.ratio = self.scale_asset / unit_cost(self.pop, self.mes, self.e_down, self.e_up)
        self.ramp_annuity, self.annuity = annuity_factors(params)
        self.delivery, self.p = params.realisation_factor(), float(params.success_probability)
        self.setup_ratio, self.causal = params.setup_ratio, params.scale_causal_share
        self.fail = 1.0 + (1.0 - self.p) * params.exit_cost_rate  # set-up plus the expected exit cost
        self.ob = 1.0 + params.optimism_bias_cost_uplift
        self.setup_fixed, self.setup_member = params.setup_fixed_gbp_k, params.setup_per_member_gbp_k
        self.setup_rate = params.setup_rate
        self.gov_member, self.gov_pair = params.governance_per_member_gbp_k, params.governance_per_pair_gbp_k
        self.gov_rate = params.governance_rate
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
        k, ann = self.k, self.annuity * self.p
        scale = (1.0 + beta) * self.ob * self.fail
        # value of a pound of gross scale saving: expected ramped saving less the one-off it brings
        F = self.delivery * self.causal * (self.p * self.ramp_annuity - scale * self.setup_ratio)
        K = np.ascontiguousarray(scale * (self.setup_member + self.setup_rate * self.asset)
                                 + ann * (self.gov_member + self.gov_rate * self.asset) + node_dual, dtype=float)
        const = scale * self.setup_fixed + lam
        pair_cost = np.array([ann * self.gov_pair * n * (n - 1) / 2 for n in range(k + 1)])
        consts = (1.0 / self.mes, self.e_down, self.e_up)
        top_w, ub = seed_bounds(self.ball_ptr, self.ball_idx, self.scale_asset, self.ratio, K, self.pop,
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
            found, seen, done = price_seeds(chunk, self.indptr, self.indices, self.scale_asset, self.ratio, K,
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
        glob = sort_padded(np.where(local >= 0, self.to_global[np.maximum(local, 0)], -1))
        keep = np.array([tuple(row[row >= 0].tolist()) not in known for row in glob], dtype=bool)
        return glob[keep] if len(glob) else glob.reshape(0, self.k), rc[keep] if len(rc) else rc


def sort_padded(rows: np.ndarray) -> np.ndarray:
    """Each row's non-negative entries ascending, then the -1 padding."""
    big = np.iinfo(np.int64).max
    out = np.where(rows >= 0, rows, big).astype(np.int64)
    out.sort(axis=1)
    out[out == big] = -1
    return out


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


def groups_to_local(groups: np.ndarray, pricer: ServicePricer) -> GroupArrays:
    """Global-index groups of one service as :class:`GroupArrays` over its graph's nodes (sorted)."""
    position = np.full(int(pricer.to_global.max(initial=-1)) + 2, -1, dtype=np.int64)
    position[pricer.to_global] = np.arange(len(pricer.to_global))
    local = sort_padded(np.where(groups >= 0, position[np.maximum(groups, 0)], -1)).astype(np.int32)
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
