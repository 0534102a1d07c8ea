"""The per-service profile DP against brute force, and the Lagrangian bound and its
fixing against the exhaustive optimum on small random instances."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

from portfolio_instances import brute_force, random_candidates, random_constraints
from sharedopt.solve.bounds import dp
from sharedopt.solve.bounds.lagrange import build_services, lagrangian_bound
from sharedopt.model.build import Constraints, build_model


def _random_groups(rng, n, m):
    masks = set()
    while len(masks) < m:
        size = int(rng.integers(1, min(4, n) + 1))
        masks.add(int(sum(1 << int(e) for e in rng.choice(n, size, replace=False))))
    return np.array(sorted(masks), dtype=np.int64)


def _graph(n, masks, start=0):
    low = np.array([(int(m) & -int(m)).bit_length() - 1 for m in masks], dtype=np.int64)
    order = np.argsort(low, kind="stable")
    cstart = np.searchsorted(low[order], np.arange(n + 1)).astype(np.int64)
    return order, dp.build_graph(n, masks[order], cstart, np.int64(start), 10**6)


def _brute(masks, w, start=0, must=None):
    best = -np.inf if must is not None else 0.0
    for r in range(len(masks) + 1):
        for pick in itertools.combinations(range(len(masks)), r):
            if must is not None and must not in pick:
                continue
            used, ok = start, True
            for k in pick:
                ok &= (used & int(masks[k])) == 0
                used |= int(masks[k])
            if ok:
                best = max(best, float(sum(w[k] for k in pick)))
    return best


@pytest.mark.parametrize("seed", range(30))
def test_profile_dp_equals_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 9))
    m = min(int(rng.integers(1, 12)), 2**n - 1)
    masks = _random_groups(rng, n, m)
    w = rng.normal(1.0, 2.0, len(masks))
    start = int(rng.integers(0, 1 << n)) if seed % 3 == 0 else 0
    order, (ptr, cand, nxt, n_states) = _graph(n, masks, start)
    wo = w[order]
    V, chosen = dp.best_packing(ptr, cand, nxt, n_states, wo)
    assert V[0] == pytest.approx(_brute(masks, w, start), abs=1e-9)
    assert float(wo @ chosen) == pytest.approx(V[0], abs=1e-9)
    picked = masks[order][chosen > 0]
    assert all((int(a) & int(b)) == 0 for a, b in itertools.combinations(picked, 2))
    assert all((int(a) & start) == 0 for a in picked)
    with_k = dp.best_with_each(ptr, cand, nxt, n_states, wo, V)
    for i, k in enumerate(order):
        assert with_k[i] == pytest.approx(_brute(masks, w, start, must=int(k)), abs=1e-9)


def _instances():
    for seed in range(40):
        df = random_candidates(500 + seed, n_auth=6, n_services=2, max_candidates=14)
        cons = random_constraints(500 + seed, df) if seed % 2 else Constraints(governance_capacity=1)
        yield seed, df, cons


@pytest.mark.parametrize("seed,df,cons", list(_instances()), ids=lambda v: str(v) if isinstance(v, int) else "")
def test_lagrangian_bound_is_never_below_the_exhaustive_optimum(seed, df, cons):
    model = build_model(df, cons)
    best, x_best = brute_force(df, cons)
    if best is None or not cons.one_partnership_per_slot:
        return
    A = sp.csc_matrix(model.A)
    rng = np.random.default_rng(seed)
    for y in (np.zeros(model.n_constraints), np.abs(rng.normal(0, 50, model.n_constraints))):
        out = lagrangian_bound(model, A, y, best - 1.0, iterations=15, gap=0.0)
        assert out.bound >= best - 1e-6
        assert not out.fixable[x_best > 0].any()  # a column of the optimum is never fixed below it
        assert all(b >= best - 1e-6 for b in out.history)  # every iterate is a valid bound


def test_lagrangian_bound_is_tighter_than_the_lp_somewhere():
    """Non-vacuous: the bound closes part of the LP gap on coupled instances."""
    from sharedopt.config.solver import SolverOptions
    from sharedopt.solve.lp_bounds import lp_by_column_pricing
    import time

    tighter = 0
    for seed, df, cons in _instances():
        model = build_model(df, cons)
        A = sp.csc_matrix(model.A)
        best, _ = brute_force(df, cons)
        if best is None or build_services(model, A, model.var_upper > 0.5) is None:
            continue
        _, y, lp, *_ = lp_by_column_pricing(model.c, A, model.row_lower, model.row_upper, model.var_lower,
                                         model.var_upper, SolverOptions(threads=1), time.perf_counter() + 30)
        if y is None:
            continue
        out = lagrangian_bound(model, A, y, best, iterations=30, gap=0.0)
        assert out.bound <= lp + 1e-6 * max(1.0, abs(lp)) or out.bound >= best
        tighter += out.bound < lp - 1e-6 * max(1.0, abs(lp))
    assert tighter >= 1


def test_a_growing_lp_reaches_the_optimum_of_the_whole_lp():
    """Columns appended to the HiGHS interface's LP: the re-solve has the optimum, duals and values
    of the LP over every column at once (a small set packing whose optimum is worked out by hand)."""
    from sharedopt.solve.backends.highs import matrix_lp
    from sharedopt.solve.backends.highs_api import OPTIMAL, GrowingLp, solve_mip

    # rows: items a, b, c each in at most one chosen set; sets {a,b}=3, {b,c}=3, {a,c}=3, {a}=1
    A = sp.csc_matrix(np.array([[1, 0, 1, 1], [1, 1, 0, 0], [0, 1, 1, 0]], dtype=float))
    c, lower, upper = np.array([3.0, 3.0, 3.0, 1.0]), np.zeros(4), np.ones(4)
    rows_lo, rows_up = np.full(3, -np.inf), np.ones(3)
    lp = GrowingLp(matrix_lp(c, A, np.array([0, 3]), rows_lo, rows_up, lower, upper, integer=False), threads=1)
    assert lp.solve(10.0) == OPTIMAL and lp.objective() == pytest.approx(3.0)
    lp.add_columns(c[1:3], lower[1:3], upper[1:3], A[:, [1, 2]])
    assert lp.solve(10.0) == OPTIMAL
    assert lp.objective() == pytest.approx(4.5)  # every triangle set at one half
    assert lp.column_values() == pytest.approx([0.5, 0.0, 0.5, 0.5])  # in the order added: 0, 3, 1, 2
    assert lp.row_duals() @ rows_up == pytest.approx(4.5)  # strong duality
    mip = solve_mip(matrix_lp(c, A, np.arange(4), rows_lo, rows_up, lower, upper, integer=True),
                    {"mip_rel_gap": 0.0}, threads=1, start=[0.0, 0.0, 0.0, 1.0])
    assert mip.status == OPTIMAL and mip.dual_bound == pytest.approx(4.0)  # {a} and {b,c}
    assert mip.values == pytest.approx([0.0, 1.0, 0.0, 1.0])
