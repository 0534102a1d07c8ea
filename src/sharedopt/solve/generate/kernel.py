"""Compiled (numba) kernels of the pricing search in :mod:`sharedopt.solve.generate`.

The search is ESU (each connected set once, rooted at its smallest node) over a CSR
adjacency, iterative, with node marks instead of bitsets, so it runs at compiled speed
on graphs of any size. See :meth:`sharedopt.solve.generate.ServicePricer.price` for the maths.
"""

from __future__ import annotations

import numpy as np

from sharedopt.common.lazyjit import lazy_njit


@lazy_njit()
def _unit_cost(population, inv_mes, e_down, e_up):
    ratio = population * inv_mes
    if ratio <= 1.0:
        return ratio ** (-e_down)
    return ratio ** e_up


@lazy_njit()
def _u_low(population, reach, inv_mes, e_down, e_up):
    """Smallest unit-cost index over populations in [population, population + reach]."""
    if population * inv_mes >= 1.0:
        return _unit_cost(population, inv_mes, e_down, e_up)
    if (population + reach) * inv_mes <= 1.0:
        return _unit_cost(population + reach, inv_mes, e_down, e_up)
    return 1.0


@lazy_njit()
def seed_bounds(ball_ptr, ball_idx, A, R, K, P, top_pop, F, const, pair2, inv_mes, e_down, e_up, k):
    """Per seed: the sums of its best 0..k-1 additions (``top_w``, n x k) and a bound on
    the reduced cost of any group it roots (``ub``)."""
    n = len(A)
    top_w = np.zeros((n, k))
    ub = np.full(n, -np.inf)
    for seed in range(n):
        b0, b1 = ball_ptr[seed], ball_ptr[seed + 1]
        if b1 == b0:
            continue
        u = _u_low(P[seed], top_pop[seed, k - 1], inv_mes, e_down, e_up)
        w = np.empty(b1 - b0)
        for i in range(b0, b1):
            j = ball_idx[i]
            w[i - b0] = F * A[j] - F * u * R[j] - K[j]
        w = -np.sort(-w)
        acc = 0.0
        for r in range(1, k):
            if r - 1 < len(w) and w[r - 1] > 0.0:
                acc += w[r - 1]
            top_w[seed, r] = acc
        ub[seed] = F * (A[seed] - u * R[seed]) - K[seed] + top_w[seed, k - 1] - const - pair2
    return top_w, ub


@lazy_njit()
def price_seeds(seeds, indptr, indices, A, R, K, P, top_pop, top_w, F, const, pair_cost,
                inv_mes, e_down, e_up, k, seed_size, tol, out_members, out_rc, best, max_found):
    """Search the groups rooted at each of ``seeds`` (in order).

    Records groups larger than ``seed_size`` with reduced cost above ``tol`` in
    ``out_members``/``out_rc`` and each seed's best reduced cost in ``best``. Stops
    after the seed at which ``max_found`` groups were reached, or when the output
    buffer is full (that seed then counts as not searched).

    Returns
    -------
    (n_found, visited, seeds_done)
    """
    n = len(A)
    max_deg = 0
    for v in range(n):
        max_deg = max(max_deg, indptr[v + 1] - indptr[v])
    mark = np.zeros(n, dtype=np.int32)
    members = np.empty(k, dtype=np.int64)
    ext = np.empty((k + 1, k * max_deg + 1), dtype=np.int64)
    ext_len = np.zeros(k + 1, dtype=np.int64)
    ext_pos = np.zeros(k + 1, dtype=np.int64)
    sums = np.zeros((4, k + 1))  # per depth: sums of A, R, K, P over the members so far
    n_found, visited = 0, 0
    for si in range(len(seeds)):
        found, seen, seed_best, overflow = _search_seed(
            seeds[si], indptr, indices, A, R, K, P, top_pop, top_w, F, const, pair_cost, inv_mes, e_down, e_up,
            k, seed_size, tol, out_members, out_rc, n_found, mark, members, ext, ext_len, ext_pos, sums)
        visited += seen
        if overflow:
            return n_found, visited, si
        n_found = found
        best[si] = seed_best
        if n_found >= max_found:
            return n_found, visited, si + 1
    return n_found, visited, len(seeds)


@lazy_njit()
def _search_seed(seed, indptr, indices, A, R, K, P, top_pop, top_w, F, const, pair_cost, inv_mes, e_down, e_up,
                 k, seed_size, tol, out_members, out_rc, n_found, mark, members, ext, ext_len, ext_pos, sums):
    """Depth-first ESU over the groups rooted at ``seed``, pruned by the reduced-cost bound.

    Returns ``(n_found, visited, seed_best, overflow)``; on overflow (output buffer
    full) the marks are unwound and the caller drops this seed's groups.
    """
    capacity = out_members.shape[0]
    seed_best = -np.inf
    visited = 0
    _open_seed(seed, indptr, indices, mark, members, ext, ext_len, ext_pos)
    sums[0, 1], sums[1, 1], sums[2, 1], sums[3, 1] = A[seed], R[seed], K[seed], P[seed]
    d = 1
    while d >= 1:
        if ext_pos[d] >= ext_len[d]:
            _unmark(members[d - 1], indptr, indices, mark)
            d -= 1
            continue
        w = ext[d, ext_pos[d]]
        ext_pos[d] += 1
        m = d + 1
        nA, nR, nK, nP = sums[0, d] + A[w], sums[1, d] + R[w], sums[2, d] + K[w], sums[3, d] + P[w]
        visited += 1
        if m > seed_size:
            rc = F * (nA - _unit_cost(nP, inv_mes, e_down, e_up) * nR) - nK - const - pair_cost[m]
            if rc > seed_best:
                seed_best = rc
            if rc > tol:
                if n_found >= capacity:
                    while d >= 1:  # unwind the marks of the partial search
                        _unmark(members[d - 1], indptr, indices, mark)
                        d -= 1
                    return n_found, visited, seed_best, True
                _record(out_members, out_rc, n_found, members, d, w, k, rc)
                n_found += 1
        if m < k:
            r = k - m
            u_low = _u_low(nP, top_pop[seed, r], inv_mes, e_down, e_up)
            ub = F * (nA - u_low * nR) - nK + top_w[seed, r] - const - pair_cost[m]
            if ub > tol:
                _descend(d, w, seed, indptr, indices, mark, members, ext, ext_len, ext_pos)
                sums[0, d + 1], sums[1, d + 1], sums[2, d + 1], sums[3, d + 1] = nA, nR, nK, nP
                d += 1
    return n_found, visited, seed_best, False


@lazy_njit()
def _open_seed(seed, indptr, indices, mark, members, ext, ext_len, ext_pos):
    """Depth 1: the seed marked with its neighbours; its extension set the neighbours above it."""
    members[0] = seed
    mark[seed] += 1
    L = 0
    for e in range(indptr[seed], indptr[seed + 1]):
        u = indices[e]
        mark[u] += 1
        if u > seed:
            ext[1, L] = u
            L += 1
    ext_len[1], ext_pos[1] = L, 0


@lazy_njit()
def _unmark(w, indptr, indices, mark):
    """Take member ``w`` and its neighbours out of the marks."""
    mark[w] -= 1
    for e in range(indptr[w], indptr[w + 1]):
        mark[indices[e]] -= 1


@lazy_njit()
def _descend(d, w, seed, indptr, indices, mark, members, ext, ext_len, ext_pos):
    """Add ``w`` as member ``d``: the next extension set is the rest of this one plus
    ``w``'s unmarked neighbours above the seed (ESU's exclusive extension)."""
    L = 0
    for i in range(ext_pos[d], ext_len[d]):
        ext[d + 1, L] = ext[d, i]
        L += 1
    for e in range(indptr[w], indptr[w + 1]):
        u = indices[e]
        if u > seed and mark[u] == 0:
            ext[d + 1, L] = u
            L += 1
    mark[w] += 1
    for e in range(indptr[w], indptr[w + 1]):
        mark[indices[e]] += 1
    members[d] = w
    ext_len[d + 1], ext_pos[d + 1] = L, 0


@lazy_njit()
def _record(out_members, out_rc, row, members, d, w, k, rc):
    """Write the group ``members[:d] + [w]`` (padded with -1) and its reduced cost at ``row``."""
    for i in range(d):
        out_members[row, i] = members[i]
    out_members[row, d] = w
    for i in range(d + 1, k):
        out_members[row, i] = -1
    out_rc[row] = rc
