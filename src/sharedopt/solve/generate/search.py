"""Compiled (numba) pricing search over connected groups for the full savings model.

ESU (each connected set once, rooted at its smallest node) over a CSR adjacency, with the
member-wise bound of :mod:`sharedopt.candidates.pricing_terms` at every depth at once: a partial
group is grown only while some depth's bound on a larger group containing it is above the
tolerance, and a group is reported (with its depth) when its own bound is. The bound leaves
out the distance and coordination costs and takes the realisation ceiling, so it is never
below the exact reduced cost, which the caller then computes for the groups reported.

Array names: ``S`` (D, n) scale term ``c W_i``, ``C`` (D, n) convergence term ``theta A_i``,
``E`` efficiency ratios, ``U`` own unit costs, ``P`` populations, ``K`` (D, n) member costs
plus duals, ``coef`` (D,) value of a pound of gross saving, ``fixed`` (D,) fixed costs,
``pair`` (D, k + 1) pair costs by size, ``lon``/``lat`` centroids (radians), ``dfix`` (D,) and
``dmem`` (D, n) the distance cost per km, ``span_max`` the span limit, ``kind``/``cc`` the
unit-cost curve.
"""

from __future__ import annotations

import numpy as np

from sharedopt.candidates.terms import EARTH_RADIUS_KM
from sharedopt.common.lazyjit import lazy_njit
from sharedopt.solve.generate.kernel import descend, open_seed, unmark

#: Relative slack on the compiled spans (trigonometry may differ from numpy's in the last bits).
SPAN_SLACK = 1e-9


@lazy_njit()
def _km(i, j, lon, lat):
    """Great-circle distance between nodes ``i`` and ``j``, km (0 when either centroid is unknown),
    as :func:`sharedopt.candidates.terms.haversine_table` computes it."""
    dlat, dlon = lat[i] - lat[j], lon[i] - lon[j]
    h = np.sin(dlat / 2.0) ** 2 + np.cos(lat[i]) * np.cos(lat[j]) * np.sin(dlon / 2.0) ** 2
    if not (h == h):
        return 0.0
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(min(max(h, 0.0), 1.0)))


@lazy_njit()
def _span(members, m, lon, lat):
    """Length of the minimum spanning tree over ``members[:m]`` (Prim), km."""
    best = np.full(m, np.inf)
    used = np.zeros(m, dtype=np.bool_)
    used[0] = True
    for i in range(1, m):
        best[i] = _km(members[0], members[i], lon, lat)
    total = 0.0
    for _ in range(m - 1):
        nxt, step = -1, np.inf
        for i in range(m):
            if not used[i] and best[i] < step:
                nxt, step = i, best[i]
        used[nxt] = True
        total += step
        for i in range(m):
            if not used[i]:
                best[i] = min(best[i], _km(members[nxt], members[i], lon, lat))
    return total


@lazy_njit()
def _unit(population, kind, cc):
    """Unit-cost index at ``population`` (:func:`sharedopt.candidates.pricing_terms.curve_spec`)."""
    if kind == 0:
        ratio = population / cc[0]
        if ratio <= 1.0:
            return ratio ** (-cc[1])
        return ratio ** cc[2]
    x = np.log(min(max(population, cc[2]), cc[3]))
    return np.exp(cc[0] * x + cc[1] * x * x)


@lazy_njit()
def _unit_range(low, high, kind, cc):
    """(smallest, largest) unit-cost index over populations in ``[low, high]``."""
    a, b = _unit(low, kind, cc), _unit(high, kind, cc)
    lo, hi = min(a, b), max(a, b)
    crit = -1.0
    if kind == 0:
        crit = cc[0]
    elif cc[1] != 0.0:
        crit = np.exp(-cc[0] / (2.0 * cc[1]))
    if low < crit < high:
        v = _unit(crit, kind, cc)
        lo, hi = min(lo, v), max(hi, v)
    return lo, hi


@lazy_njit()
def _member_bound(j, d, u_lo, u_hi, e_low, S, C, E, U, coef, K):
    """Largest contribution of member ``j`` at depth ``d`` to a group whose unit cost lies in
    ``[u_lo, u_hi]`` and whose lowest efficiency ratio is at least ``e_low``."""
    g = 1.0 - e_low / E[j]
    if g < 0.0:
        g = 0.0
    slope = C[d, j] * g - S[d, j]
    r = (u_hi if slope > 0.0 else u_lo) / U[j]
    x = S[d, j] + r * slope
    if x < 0.0:
        x = 0.0
    return coef[d] * x - K[d, j]


@lazy_njit(nogil=True)
def seed_bounds(ball_ptr, ball_idx, top_pop, e_low, S, C, E, U, P, K, coef, fixed, pair, lon, lat, dfix, dmem,
                span_max, kind, cc, k):
    """Per seed and depth: the sums of its best 0..k-1 additions (``top_w``, D x n x k), and a
    bound on the reduced cost of any group it roots (``ub``, n; -inf for an isolated seed)."""
    D, n = S.shape
    top_w = np.zeros((D, n, k))
    ub = np.full(n, -np.inf)
    for seed in range(n):
        b0, b1 = ball_ptr[seed], ball_ptr[seed + 1]
        if b1 == b0:
            continue
        p_max = P[seed] + top_pop[seed, k - 1]
        u_lo, u_hi = np.empty(b1 - b0), np.empty(b1 - b0)  # the same at every depth
        for i in range(b0, b1):
            u_lo[i - b0], u_hi[i - b0] = _unit_range(P[seed] + P[ball_idx[i]], p_max, kind, cc)
        lo, hi = _unit_range(P[seed], p_max, kind, cc)
        w = np.empty(b1 - b0)
        for d in range(D):
            for i in range(b0, b1):
                w[i - b0] = _member_bound(ball_idx[i], d, u_lo[i - b0], u_hi[i - b0], e_low[seed], S, C, E, U,
                                          coef, K)
            w = -np.sort(-w)
            acc = 0.0
            for r in range(1, k):
                if r - 1 < len(w) and w[r - 1] > 0.0:
                    acc += w[r - 1]
                top_w[d, seed, r] = acc
            own = _member_bound(seed, d, lo, hi, e_low[seed], S, C, E, U, coef, K)
            ub[seed] = max(ub[seed], own + top_w[d, seed, k - 1] - fixed[d] - pair[d, 2])
    return top_w, ub


@lazy_njit(nogil=True)
def price_seeds(seeds, indptr, indices, top_pop, top_w, e_low, located, S, C, E, U, P, K, coef, fixed, pair, lon, lat,
                dfix, dmem, span_max, kind, cc, k, seed_size, tol, out_members, out_depth, max_found):
    """Search the groups rooted at each of ``seeds`` (in order).

    Records every group larger than ``seed_size`` and each depth at which its bound is above
    ``tol`` in ``out_members``/``out_depth``. Stops after the seed at which
    ``max_found`` groups were reached, or when the output buffer is full (that seed then
    counts as not searched).

    Returns
    -------
    (n_found, visited, seeds_done)
    """
    n = len(P)
    max_deg = 0
    for v in range(n):
        max_deg = max(max_deg, indptr[v + 1] - indptr[v])
    mark = np.zeros(n, dtype=np.int32)
    members = np.empty(k, dtype=np.int64)
    ext = np.empty((k + 1, k * max_deg + 1), dtype=np.int64)
    ext_len = np.zeros(k + 1, dtype=np.int64)
    ext_pos = np.zeros(k + 1, dtype=np.int64)
    level = np.zeros((3, k + 1))  # per level: population, lowest efficiency, diameter
    n_found, visited = 0, 0
    for si in range(len(seeds)):
        found, seen, overflow = _search_seed(
            seeds[si], indptr, indices, top_pop, top_w, e_low, located, S, C, E, U, P, K, coef, fixed, pair, lon, lat,
            dfix, dmem, span_max, kind, cc, k, seed_size, tol, out_members, out_depth, n_found, mark,
            members, ext, ext_len, ext_pos, level)
        visited += seen
        if overflow:
            return n_found, visited, si
        n_found = found
        if n_found >= max_found:
            return n_found, visited, si + 1
    return n_found, visited, len(seeds)


@lazy_njit()
def _search_seed(seed, indptr, indices, top_pop, top_w, e_low, located, S, C, E, U, P, K, coef, fixed, pair, lon,
                 lat, dfix, dmem, span_max, kind, cc, k, seed_size, tol, out_members, out_depth, n_found,
                 mark, members, ext, ext_len, ext_pos, level):
    """Depth-first ESU over the groups rooted at ``seed``, pruned by the bound.

    A group's span is at least its members' diameter only when every node the seed can reach
    has a centroid (``located``): the savings model puts a member without one at distance 0
    from every other, so its groups span 0.

    Returns ``(n_found, visited, overflow)``; on overflow (output buffer full) the marks are
    unwound and the caller drops this seed's groups.
    """
    visited = 0
    open_seed(seed, indptr, indices, mark, members, ext, ext_len, ext_pos)
    level[0, 1], level[1, 1], level[2, 1] = P[seed], E[seed], 0.0
    d = 1
    while d >= 1:
        if ext_pos[d] >= ext_len[d]:
            unmark(members[d - 1], indptr, indices, mark)
            d -= 1
            continue
        w = ext[d, ext_pos[d]]
        ext_pos[d] += 1
        m = d + 1
        members[d] = w
        pop, eff, diam = level[0, d] + P[w], min(level[1, d], E[w]), level[2, d]
        if located[seed]:  # else a member without a centroid (distance 0 to all) may join: span 0
            for i in range(d):
                diam = max(diam, _km(members[i], w, lon, lat))
        visited += 1
        if diam * (1.0 - SPAN_SLACK) > span_max:
            continue  # every group containing these members spans more than the limit
        if m > seed_size:
            n_found = _report(members, m, pop, eff, S, C, E, U, K, coef, fixed, pair, lon, lat, dfix, dmem,
                              span_max, kind, cc, k, tol, out_members, out_depth, n_found)
            if n_found < 0:
                while d >= 1:  # unwind the marks of the partial search
                    unmark(members[d - 1], indptr, indices, mark)
                    d -= 1
                return -n_found - 1, visited, True
        if m < k and _grows(members, m, pop, diam, seed, top_pop, top_w, e_low, S, C, E, U, K, coef, fixed, pair,
                            dfix, dmem, kind, cc, k, tol):
            descend(d, w, seed, indptr, indices, mark, members, ext, ext_len, ext_pos)
            level[0, d + 1], level[1, d + 1], level[2, d + 1] = pop, eff, diam
            d += 1
    return n_found, visited, False


@lazy_njit()
def _grows(members, m, pop, diam, seed, top_pop, top_w, e_low, S, C, E, U, K, coef, fixed, pair, dfix, dmem, kind,
           cc, k, tol):
    """Whether some depth's bound on a larger group containing ``members[:m]`` is above ``tol``
    (its span is at least their diameter ``diam``)."""
    r = k - m
    lo, hi = _unit_range(pop, pop + top_pop[seed, r], kind, cc)
    reach = diam * (1.0 - SPAN_SLACK)
    for d in range(S.shape[0]):
        ub = top_w[d, seed, r] - fixed[d] - pair[d, m + 1] - reach * dfix[d]
        for i in range(m):
            j = members[i]
            ub += _member_bound(j, d, lo, hi, e_low[seed], S, C, E, U, coef, K) - reach * dmem[d, j]
        if ub > tol:
            return True
    return False


@lazy_njit()
def _report(members, m, pop, eff, S, C, E, U, K, coef, fixed, pair, lon, lat, dfix, dmem, span_max, kind, cc, k,
            tol, out_members, out_depth, n_found):
    """Record ``members[:m]`` at each depth whose bound is above ``tol``; returns the new count,
    or ``-(count) - 1`` when the output buffer is full. A group over the span limit is no candidate."""
    span = _span(members, m, lon, lat) * (1.0 - SPAN_SLACK)
    if span > span_max:
        return n_found
    u = _unit(pop, kind, cc)
    for d in range(S.shape[0]):
        x = 0.0
        cost = fixed[d] + pair[d, m] + span * dfix[d]
        for i in range(m):
            j = members[i]
            r = u / U[j]
            x += S[d, j] * (1.0 - r) + C[d, j] * r * (1.0 - eff / E[j])
            cost += K[d, j] + span * dmem[d, j]
        value = coef[d] * max(x, 0.0) - cost
        if value > tol:
            if n_found >= out_members.shape[0]:
                return -n_found - 1
            for i in range(m):
                out_members[n_found, i] = members[i]
            for i in range(m, k):
                out_members[n_found, i] = -1
            out_depth[n_found] = d
            n_found += 1
    return n_found
