"""The LP dive and the gap target of large solves, on real Welsh candidates and on random
packings checked against exhaustive search."""

from __future__ import annotations

import itertools
from pathlib import Path
from time import perf_counter

import numpy as np
import pytest
import scipy.sparse as sp

from sharedopt.config.schema import load_config
from sharedopt.config.solver import SolverOptions
from sharedopt.model.build import Constraints, build_model
from sharedopt.pipeline.steps import enumerate_candidates
from sharedopt.solve.api import solve
from sharedopt.solve.backends.highs import matrix_lp
from sharedopt.solve.backends.highs_api import solve_mip
from sharedopt.solve.dive import lp_dive
from sharedopt.solve.lp_bounds import gap_target, lp_by_column_pricing, solve_by_pricing

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = {"threads": 1, "msg": False, "seed": 0}


@pytest.fixture(scope="module")
def wales_model(wales_inputs):
    config = load_config(ROOT / "configs" / "wales.toml")
    config = config.model_copy(update={"model": config.model.model_copy(update={"max_group_size": 3})})
    return build_model(enumerate_candidates(wales_inputs, config).table, Constraints(governance_capacity=2))


def _arrays(model):
    return (np.asarray(model.c, float), sp.csc_matrix(model.A),
            tuple(np.asarray(v, float) for v in (model.row_lower, model.row_upper, model.var_lower, model.var_upper)))


def _feasible(A, bounds, x) -> bool:
    rl, ru, lb, ub = bounds
    act = A @ x
    return bool(np.all(act <= ru + 1e-9) and np.all(act >= rl - 1e-9) and np.all(x >= lb) and np.all(x <= ub))


def test_dive_on_wales_is_feasible_and_close_to_the_optimum(wales_model):
    c, A, bounds = _arrays(wales_model)
    optimum = solve(wales_model, SolverOptions(mip_gap=0.0))[0].objective
    cols, *_ = lp_by_column_pricing(c, A, *bounds, SolverOptions(), perf_counter() + 600)
    x = lp_dive(c, A, cols, bounds, SETTINGS, perf_counter() + 600)
    assert x is not None and set(np.unique(x)) <= {0.0, 1.0}
    assert _feasible(A, bounds, x)
    assert c @ x <= optimum + 1e-6 * abs(optimum)
    assert c @ x >= 0.95 * optimum  # a dive, not a proof: close to the optimum on real data


def _random_packing(rng, n_rows=6, n_cols=14):
    A = (rng.random((n_rows, n_cols)) < 0.3).astype(float)
    A[rng.integers(n_rows, size=n_cols), np.arange(n_cols)] = 1.0   # every column in some row
    upper = rng.integers(1, 3, size=n_rows).astype(float)
    return rng.uniform(1, 10, size=n_cols), sp.csc_matrix(A), upper


@pytest.mark.parametrize("seed", range(8))
def test_dive_never_beats_exhaustive_search(seed):
    rng = np.random.default_rng(seed)
    c, A, upper = _random_packing(rng)
    n = len(c)
    bounds = (np.full(A.shape[0], -np.inf), upper, np.zeros(n), np.ones(n))
    grid = np.array(list(itertools.product([0.0, 1.0], repeat=n)))
    ok = np.all(grid @ A.T.toarray() <= upper + 1e-9, axis=1)
    best = float((grid[ok] @ c).max())
    x = lp_dive(c, A, np.arange(3), bounds, SETTINGS, perf_counter() + 60)   # a small start: pricing adds the rest
    assert x is not None and _feasible(A, bounds, x)
    assert c @ x <= best + 1e-9


def _knapsack_mip():
    """max sum c x, pairs conflicting: the optimum is 10 (columns 0 and 2), a worse packing is 7."""
    c = np.array([6.0, 5.0, 4.0, 3.0])
    A = sp.csc_matrix(np.array([[1.0, 1.0, 0.0, 0.0], [0.0, 1.0, 1.0, 0.0], [0.0, 0.0, 1.0, 1.0]]))
    return c, A, np.full(3, -np.inf), np.ones(3), np.zeros(4), np.ones(4)


def test_mip_stops_at_the_target_and_says_so():
    c, A, rl, ru, lb, ub = _knapsack_mip()
    lp = matrix_lp(c, A, np.arange(4), rl, ru, lb, ub, integer=True)
    start = [0.0, 1.0, 0.0, 1.0]   # objective 8
    reached = solve_mip(lp, {"presolve": "off"}, threads=1, start=start, target=7.5)
    assert reached.reached_target and c @ np.round(reached.values) >= 7.5
    lp = matrix_lp(c, A, np.arange(4), rl, ru, lb, ub, integer=True)
    full = solve_mip(lp, {"presolve": "off"}, threads=1, target=11.0)   # above the optimum: never reached
    assert not full.reached_target and c @ np.round(full.values) == pytest.approx(10.0)


def test_gap_target_is_the_judged_gap():
    for bound, gap in [(100.0, 0.01), (4_316_335.7, 0.001), (50.0, 0.0)]:
        z = gap_target(bound, gap)
        assert (bound - z) <= max(gap, 1e-9) * max(1.0, abs(z)) + 1e-6
        assert z <= bound + 1e-6


def test_a_loose_gap_ends_the_large_solve_without_a_final_mip(wales_model):
    loose = solve_by_pricing(wales_model, SolverOptions(mip_gap=0.2), time_limit=120)
    exact = solve(wales_model, SolverOptions(mip_gap=0.0))[0].objective
    assert loose.proven and loose.status == "optimal"
    assert loose.lp_bound - loose.objective <= 0.2 * loose.objective + 1e-6
    assert loose.objective <= exact + 1e-6 * abs(exact)
    assert "not needed" in loose.termination


def test_neighbourhood_mip_improves_a_greedy_start_and_stays_feasible(wales_model):
    from sharedopt.solve.lp_bounds import _neighbourhood_mip, greedy_solution, lp_dual_bound

    c, A, bounds = _arrays(wales_model)
    options = SolverOptions(mip_gap=0.0)
    cols, y, lp_bound, _, _, x_lp = lp_by_column_pricing(c, A, *bounds, options, perf_counter() + 600)
    _, rc = lp_dual_bound(c, A, y, *bounds)
    greedy = greedy_solution(c, A, *bounds)
    phases: dict = {}
    x, note = _neighbourhood_mip(c, A, x_lp, rc, greedy, bounds, options, perf_counter() + 600, np.inf, phases)
    assert _feasible(A, bounds, x) and c @ x >= c @ greedy
    assert c @ x <= lp_bound + 1e-6 * abs(lp_bound) and "neighbourhood MIP" in note and "mip_neighbourhood" in phases
    stopped, _ = _neighbourhood_mip(c, A, x_lp, rc, greedy, bounds, options, perf_counter() + 600,
                                    float(c @ greedy), {})   # the start already meets the target
    assert c @ stopped >= c @ greedy
