"""Pricing connected groups of one service against LP duals (the search runs in :mod:`.search`)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from sharedopt.candidates.batch import value_at_depth, within_span
from sharedopt.candidates.enumerate import GroupArrays, adjacency_bitsets, connected_groups, index_nodes
from sharedopt.candidates.pricing_terms import pricing_terms
from sharedopt.candidates.table import NPV, ONE_OFF_COST
from sharedopt.candidates.value import CostBase, span_km
from sharedopt.config.params import ModelParams
from sharedopt.solve.bounds.odd_cycles import group_penalty
from sharedopt.solve.generate.search import price_seeds, seed_bounds


@dataclass(frozen=True)
class PricingResult:
    """Groups of one service with a positive reduced cost at some depth, and a bound on the rest.

    ``groups`` are global authority indices (sorted, padded with -1 to ``k``), one row per
    (group, depth) with ``depths`` the index into ``params.depths``; ``reduced_costs``, ``npv``
    and ``one_off`` their exact values. ``bound`` is an upper bound on the sum over seeds of
    the largest positive reduced cost of a group (larger than ``seed_size``, at any depth) not
    returned and not known; ``complete`` is False when the search stopped early (then
    ``bound`` uses the seed-level bounds).
    """

    groups: np.ndarray
    depths: np.ndarray
    reduced_costs: np.ndarray
    npv: np.ndarray
    one_off: np.ndarray
    bound: float
    complete: bool
    visited: int


class ServicePricer:
    """Prices connected groups of one service, at every offered depth, against LP duals.

    The search runs compiled (:mod:`sharedopt.solve.generate.search`) on the member-wise
    bound of :mod:`sharedopt.candidates.pricing_terms`; every group it lets through is valued
    exactly (:func:`sharedopt.candidates.batch.value_at_depth`), so the reduced costs returned
    are those of the candidate table. This class holds the service's graph (CSR), each seed's
    reach (the nodes above it within ``k-1`` steps through nodes above it, as ESU can add them)
    and the member-wise terms.
    """

    CHUNK = 256  # seeds per compiled call (the deadline is checked between calls)
    BATCH = 50_000  # (group, depth) pairs the bound lets through per exact valuation (bounds memory)

    def __init__(self, base: CostBase, params: ModelParams, service: str, graph, k: int, seed_size: int):
        self.base, self.params = base, params
        self.service, self.k, self.seed_size = service, int(k), int(seed_size)
        nodes = index_nodes(graph)
        self.nodes = nodes
        self.to_global = base.index_of(nodes.tolist())
        bits = adjacency_bitsets(graph, nodes)
        self.indptr, self.indices = _csr_from_bits(bits)
        self.terms = pricing_terms(base, params, service, self.to_global)
        self.kind, self.curve = self.terms.curve
        balls = [_reach(bits, v, self.k) for v in range(len(nodes))]
        self.ball_ptr = np.concatenate([[0], np.cumsum([len(b) for b in balls])]).astype(np.int64)
        self.ball_idx = np.concatenate(balls).astype(np.int64) if balls else np.zeros(0, dtype=np.int64)
        pop, eff = self.terms.population, self.terms.efficiency
        self.top_pop = np.array([_top_prefix(pop[b], self.k) for b in balls]).reshape(len(nodes), self.k)
        self.e_low = np.array([min([eff[v]] + eff[b].tolist()) for v, b in enumerate(balls)], dtype=float)
        known_at = np.isfinite(self.terms.lon) & np.isfinite(self.terms.lat)
        self.located = np.array([bool(known_at[v]) and bool(known_at[b].all()) for v, b in enumerate(balls)])

    def price(self, node_dual: np.ndarray, beta: float, lam: float, known: set, tol: float,
              deadline: float, max_found: int, cuts: tuple | None = None) -> PricingResult:
        """Groups of ``seed_size+1..k`` members with reduced cost above ``tol``, not in ``known``.

        Parameters
        ----------
        node_dual : numpy.ndarray
            Per node (this service's graph order): slot dual + governance dual.
        beta, lam : float
            Budget-row dual (multiplies the one-off cost) and service-limit dual.
        known : set of tuple
            ``(group, depth)`` already in the master: the group's sorted global indices, the
            depth's index.
        tol : float
            Reduced costs at or below ``tol`` do not price out.
        deadline : float
            ``time.perf_counter()`` value after which remaining seeds are bounded, not searched.
        max_found : int
            Stop searching further seeds once this many groups priced out.
        cuts : (numpy.ndarray, numpy.ndarray), optional
            The service's odd-cycle cuts with a positive dual: their members (global indices,
            padded with -1) and duals (:meth:`~sharedopt.solve.generate.cutting.MasterCuts.for_service`).
            They only lower a group's reduced cost, so the search's bound, which leaves them
            out, still holds; the exact reduced costs take them off.
        """
        args = self._round(node_dual, beta, lam)
        slack = 1e-9 * max(1.0, float(np.abs(args[5]).max(initial=1.0)), float(np.abs(args[7]).max(initial=1.0)))
        top_w, ub = seed_bounds(self.ball_ptr, self.ball_idx, self.top_pop, self.e_low, *args,
                                self.kind, self.curve, self.k)
        order = np.argsort(-ub, kind="stable")
        live = order[ub[order] > tol - slack]
        bound = float(np.maximum(ub[np.isfinite(ub) & (ub <= tol - slack)], 0.0).sum())
        search = _Search(self, args, top_w, tol - slack)
        pos = visited = 0
        parts, best = [], np.full(len(live), max(tol, 0.0))
        found = 0
        while pos < len(live) and time.perf_counter() <= deadline and found < max_found:
            chunk = live[pos:pos + self.CHUNK]
            local, depth, seen, done = search.run(chunk, min(max_found - found, self.BATCH))
            visited += seen
            part = self._exact(local, depth, (node_dual, beta, lam, cuts), known, tol)
            parts.append(part)
            _best_per_seed(best, pos, chunk[:done], part[4], part[2])
            pos, found = pos + done, found + len(part[0])
        bound += float(best[:pos].sum()) + float(np.maximum(ub[live[pos:]], 0.0).sum())
        groups, depths, rc, npv, _, one_off = _stack(parts, self.k)
        return PricingResult(groups, depths, rc, npv, one_off, bound, pos >= len(live), int(visited))

    def _round(self, node_dual: np.ndarray, beta: float, lam: float) -> tuple:
        """The kernel's arrays for duals ``node_dual``, ``beta`` and ``lam``."""
        t, k = self.terms, self.k
        K = np.ascontiguousarray(t.governance_member + (1.0 + beta) * t.setup_member + node_dual[None, :])
        fixed = np.ascontiguousarray((1.0 + beta) * t.setup_fixed + lam)
        sizes = np.arange(k + 1, dtype=float)
        pair = np.ascontiguousarray(t.governance_pair[:, None] * (sizes * (sizes - 1.0) / 2.0)[None, :])
        return (t.scale, t.convergence, t.efficiency, t.own_unit_cost, t.population, K,
                np.ascontiguousarray(t.coefficient(beta)), fixed, pair, t.lon, t.lat, t.distance_fixed,
                t.distance_member, t.max_span)

    def _exact(self, local: np.ndarray, depth: np.ndarray, duals: tuple, known: set, tol: float) -> tuple:
        """The exact reduced costs of the groups the bound let through, at ``duals`` (node duals,
        budget dual, service-limit dual, cuts); those above ``tol`` and not ``known``:
        ``(global groups, depths, reduced costs, npv, roots, one_off)``."""
        node_dual, beta, lam, cuts = duals
        if not len(local):
            return _no_groups(self.k)
        glob = sort_padded(np.where(local >= 0, self.to_global[np.maximum(local, 0)], -1))
        held = np.where(local >= 0, node_dual[np.maximum(local, 0)], 0.0).sum(axis=1)
        if cuts is not None:
            held = held + group_penalty(glob, cuts[0], cuts[1], len(self.base.codes))
        npv, one_off = np.zeros(len(local)), np.zeros(len(local))
        spans = span_km(self.base.lon, self.base.lat, glob)
        within = within_span(self.params, (self.service,), spans)
        for d, name in enumerate(self.terms.depths):
            rows = np.flatnonzero(depth == d)
            if len(rows):
                values, _, keep = value_at_depth(self.base, self.params, (self.service,), glob[rows],
                                                 within[rows], name, spans[rows])
                npv[rows] = np.where(keep, values[NPV], -np.inf)
                one_off[rows] = values[ONE_OFF_COST]
        rc = npv - beta * one_off - held - lam
        ok = np.flatnonzero(rc > tol)
        ok = ok[[key not in known for key in zip(group_keys(glob[ok]), depth[ok].tolist())]]
        return glob[ok], depth[ok].astype(np.int64), rc[ok], npv[ok], local[ok, 0].astype(np.int64), one_off[ok]


class _Search:
    """The compiled search over chunks of seeds, with an output buffer that grows when full."""

    def __init__(self, pricer: ServicePricer, args: tuple, top_w: np.ndarray, tol: float):
        self.p, self.args, self.top_w, self.tol = pricer, args, top_w, tol
        self.members = np.empty((4096, pricer.k), dtype=np.int64)
        self.depth = np.empty(4096, dtype=np.int64)

    def run(self, seeds: np.ndarray, max_found: int) -> tuple[np.ndarray, np.ndarray, int, int]:
        """The (group, depth) pairs rooted at the first seeds of ``seeds`` whose bound is above the
        tolerance (local indices), searching seeds until ``max_found`` pairs are found; returns
        ``(groups, depths, visited, seeds searched)``."""
        p, found, visited, pos, total = self.p, [], 0, 0, 0
        while pos < len(seeds) and total < max_found:
            n, seen, done = price_seeds(seeds[pos:], p.indptr, p.indices, p.top_pop, self.top_w, p.e_low,
                                        p.located, *self.args, p.kind, p.curve, p.k, p.seed_size, self.tol, self.members,
                                        self.depth, max_found - total)
            visited += seen
            found.append((self.members[:n].copy(), self.depth[:n].copy()))
            pos, total = pos + done, total + n
            if pos < len(seeds) and done == 0:  # one seed fills the buffer: grow it
                self.members = np.vstack([self.members, np.empty_like(self.members)])
                self.depth = np.concatenate([self.depth, np.empty_like(self.depth)])
        groups = np.concatenate([f[0] for f in found]) if found else np.zeros((0, p.k), dtype=np.int64)
        depths = np.concatenate([f[1] for f in found]) if found else np.zeros(0, dtype=np.int64)
        return groups, depths, visited, pos


def _best_per_seed(best: np.ndarray, pos: int, chunk: np.ndarray, roots: np.ndarray, rc: np.ndarray) -> None:
    """Raise ``best[pos + i]`` (seed ``chunk[i]``) to the largest reduced cost of a group it roots."""
    if len(roots):
        where = {int(s): i for i, s in enumerate(chunk.tolist())}
        for root, value in zip(roots.tolist(), rc.tolist()):
            i = pos + where[root]
            best[i] = max(best[i], value)


def _stack(parts: list, k: int) -> tuple:
    """The chunks' exact results, stacked."""
    if not parts:
        return _no_groups(k)
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(6))


def _no_groups(k: int) -> tuple:
    """An empty :meth:`ServicePricer._exact` result: groups, depths, reduced costs, npv, roots, one-off."""
    return (np.zeros((0, k), dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0),
            np.zeros(0, dtype=np.int64), np.zeros(0))


def group_keys(groups: np.ndarray) -> list[tuple]:
    """Each group (global indices, padded with -1) as the tuple of its members (the key of ``known``)."""
    return [tuple(row[row >= 0].tolist()) for row in groups]


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
