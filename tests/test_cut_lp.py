"""The cut LP of listed large models (sharedopt.solve.cut_lp) and the dives from it, against
brute force on built instances and against HiGHS's exact MIP on real Welsh candidates."""

from __future__ import annotations

from itertools import product
from time import perf_counter

import numpy as np
import pytest
import scipy.sparse as sp

from sharedopt.config.schema import load_config
from sharedopt.config.solver import SolverOptions
from sharedopt.model.build import Constraints, build_model
from sharedopt.model.rows import RowGroup, slot_services
from sharedopt.pipeline.draws import _at_draw_gap
from sharedopt.pipeline.steps import enumerate_candidates
from sharedopt.solve.backends.highs import matrix_lp
from sharedopt.solve.backends.highs_api import OPTIMAL, GrowingLp
from sharedopt.solve.cut_lp import cut_master, cut_rows, tighten_with_cuts
from sharedopt.solve.dive import dive_from
from sharedopt.solve.lp_bounds import master_by_pricing, mip_over_columns, solve_by_pricing

from conftest import CONFIGS

DEADLINE = 600.0


def _instance(rng, n_councils=6, n_services=2, n_groups=14, capacity=2.0):
    """Random groups of 2-3 councils in one service each: a slot row per council and service,
    then a governance row per council (at most ``capacity`` partnerships)."""
    groups = set()
    while len(groups) < n_groups:
        size = int(rng.integers(2, 4))
        groups.add((int(rng.integers(n_services)), tuple(sorted(rng.choice(n_councils, size, replace=False)))))
    rows, cols = [], []
    n_slots = n_councils * n_services
    for j, (s, members) in enumerate(sorted(groups)):
        for a in members:
            rows += [a * n_services + s, n_slots + a]
            cols += [j, j]
    A = sp.csc_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_slots + n_councils, n_groups))
    upper = np.concatenate([np.ones(n_slots), np.full(n_councils, capacity)])
    service = np.full(A.shape[0], -1)
    service[:n_slots] = np.arange(n_slots) % n_services
    c = rng.uniform(1.0, 10.0, n_groups)
    bounds = (np.full(A.shape[0], -np.inf), upper, np.zeros(n_groups), np.ones(n_groups))
    return c, A, bounds, service


def _best_packing(c, A, upper) -> float:
    grid = np.array(list(product((0.0, 1.0), repeat=A.shape[1])))
    ok = np.all(grid @ A.T.toarray() <= upper + 1e-9, axis=1)
    return float((grid[ok] @ c).max())


def _feasible(A, bounds, x) -> bool:
    activity = A @ x
    return bool(np.all(activity <= bounds[1] + 1e-9) and np.all(activity >= bounds[0] - 1e-9))


def _master(c, A, bounds):
    lp, cols, _, lp_bound, _, status, _ = master_by_pricing(c, A, *bounds, SolverOptions(), perf_counter() + DEADLINE)
    assert status == OPTIMAL
    return lp, cols, lp_bound


def test_the_cut_bound_holds_for_every_packing_and_tightens_the_lp():
    tighter = 0
    for seed in range(12):
        c, A, bounds, service = _instance(np.random.default_rng(seed))
        best = _best_packing(c, A, bounds[1])
        lp, cols, lp_bound = _master(c, A, bounds)
        cut = tighten_with_cuts(lp, c, A, cols, bounds, service, perf_counter() + DEADLINE)
        assert best <= cut.bound + 1e-6 <= lp_bound + 2e-6
        # the reduced costs go with the bound: it is L(y, sigma) over every column
        assert len(cut.reduced) == len(c) and cut.matrix.shape == (A.shape[0] + cut.n_cuts, len(c))
        tighter += cut.bound < lp_bound - 1e-6
    assert tighter >= 3   # odd cycles are common in these instances


def test_dives_from_the_cut_lp_are_feasible_and_leave_it_as_it_was():
    for seed in range(8):
        c, A, bounds, service = _instance(np.random.default_rng(100 + seed))
        best = _best_packing(c, A, bounds[1])
        lp, cols, _ = _master(c, A, bounds)
        cut = tighten_with_cuts(lp, c, A, cols, bounds, service, perf_counter() + DEADLINE)
        before = lp.objective()
        for batch in (True, False):
            x = cut.dive(c, perf_counter() + DEADLINE, batch=batch)
            assert x is not None and _feasible(A, bounds, x) and c @ x <= best + 1e-9
            assert lp.solve(DEADLINE) == OPTIMAL and lp.objective() == pytest.approx(before, rel=1e-9)


def test_a_batch_dive_fixes_several_columns_at_once_and_only_fitting_ones():
    # three disjoint triangles of pairs in one service: the LP puts every pair at one half, and
    # the batch takes one pair of each triangle (a second one would share a council)
    pairs = [(t + a, t + b) for t in (0, 3, 6) for a, b in ((0, 1), (1, 2), (0, 2))]
    rows = [r for pair in pairs for r in pair]
    A = sp.csc_matrix((np.ones(len(rows)), (rows, np.repeat(np.arange(len(pairs)), 2))), shape=(9, len(pairs)))
    c = 1.0 + 1e-3 * np.arange(len(pairs))
    bounds = (np.full(9, -np.inf), np.ones(9), np.zeros(len(pairs)), np.ones(len(pairs)))
    lp = GrowingLp(matrix_lp(c, A, np.arange(len(pairs)), *bounds, integer=False), threads=1)
    steps: list = []
    fix = lp.fix_at_one
    lp.fix_at_one = lambda positions: (steps.append(len(positions)), fix(positions))
    fixed: list = []
    x = dive_from(lp, c, A, np.arange(len(pairs)), bounds, perf_counter() + DEADLINE, batch=True, fixed=fixed)
    assert x is not None and _feasible(A, bounds, x) and x.sum() == 3   # a pair of each triangle
    assert c @ x <= _best_packing(c, A, bounds[1]) and steps == [3] and sorted(fixed) == sorted(np.flatnonzero(x > 0.5).tolist())
    for seed in range(8):   # random instances: every batch fits beside the fixings before it
        c, A, bounds, _ = _instance(np.random.default_rng(200 + seed), n_councils=8, n_groups=16)
        lp = GrowingLp(matrix_lp(c, A, np.arange(len(c)), *bounds, integer=False), threads=1)
        fixed = []
        x = dive_from(lp, c, A, np.arange(len(c)), bounds, perf_counter() + DEADLINE, batch=True, fixed=fixed)
        assert x is not None and _feasible(A, bounds, x) and set(fixed) <= set(np.flatnonzero(x > 0.5))


def test_cut_rows_keep_only_slot_rows_a_cut_may_combine():
    A = sp.csc_matrix(np.array([[1.0, 1.0, 0.0], [0.0, 2.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 1.0]]))
    service = np.array([0, 0, 0, -1])
    upper = np.array([1.0, 1.0, 2.0, 3.0])
    # row 1 has an entry 2, row 2 allows two: neither is "at most one of these councils' groups"
    assert cut_rows(A, service, upper).tolist() == [0, -1, -1, -1]


@pytest.fixture(scope="module")
def wales_model(wales_inputs):
    config = load_config(CONFIGS / "wales.toml")
    config = config.model_copy(update={"model": config.model.model_copy(update={"max_group_size": 3})})
    return build_model(enumerate_candidates(wales_inputs, config).table, Constraints(governance_capacity=2))


def test_slot_services_code_every_slot_row_by_its_service(wales_model):
    codes = slot_services(wales_model.rows)
    slot = (wales_model.rows["group"] == RowGroup.SLOT).to_numpy()
    assert (codes[~slot] == -1).all() and (codes[slot] >= 0).all()
    services = wales_model.rows.loc[slot, "key"].str.split("|").str[1].to_numpy()
    for code in np.unique(codes[slot]):
        assert len(set(services[codes[slot] == code])) == 1   # one service per code, one code per service
    assert len(np.unique(codes[slot])) == len(set(services))


def test_the_large_solve_with_cuts_keeps_a_true_bound_on_real_candidates(wales_model):
    c = np.asarray(wales_model.c, float)
    A = sp.csc_matrix(wales_model.A)
    bounds = tuple(np.asarray(v, float) for v in (wales_model.row_lower, wales_model.row_upper,
                                                   wales_model.var_lower, wales_model.var_upper))
    _, exact, *_ = mip_over_columns(c, A, np.arange(len(c)), *bounds, SolverOptions(mip_gap=0.0), 600)
    lp, cols, lp_bound = _master(c, A, bounds)
    cut = cut_master(lp, c, A, cols, bounds, wales_model.rows, perf_counter() + DEADLINE)
    assert cut is not None and cut.n_cuts > 0
    assert exact <= cut.bound + 1e-6 * abs(exact) and cut.bound < lp_bound
    out = solve_by_pricing(wales_model, SolverOptions(mip_gap=0.01), time_limit=300)
    assert out.objective <= exact + 1e-6 * abs(exact) <= out.best_bound + 2e-6 * abs(exact)
    assert out.lp_bound == pytest.approx(min(lp_bound, cut.bound), rel=1e-6)
    assert "odd-cycle cuts" in out.termination and "odd_cycle_cuts" in out.phases


def test_draw_gap_sets_the_solver_gap_of_each_draw():
    config = load_config(CONFIGS / "north-east.toml")
    assert _at_draw_gap(config) is config   # unset: the run's own gap
    looser = config.model_copy(update={"uncertainty": config.uncertainty.model_copy(update={"draw_gap": 0.02})})
    assert _at_draw_gap(looser).solver.mip_gap == 0.02 and looser.solver.mip_gap == config.solver.mip_gap
