"""Column generation + reduced-cost fixing against the plain solve, on real and random data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from sharedopt.config.schema import load_config
from sharedopt.model.build import Constraints, build_model
from sharedopt.pipeline.steps import enumerate_candidates
from sharedopt.solve.lp_bounds import greedy_solution, lp_dual_bound, solve_by_pricing
from sharedopt.config.solver import SolverOptions
from sharedopt.solve.api import solve

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wales_candidates(wales_inputs):
    config = load_config(ROOT / "configs" / "wales.toml")
    config = config.model_copy(update={"model": config.model.model_copy(update={"max_group_size": 3})})
    return enumerate_candidates(wales_inputs, config).table


@pytest.mark.parametrize("capacity", [None, 1, 3])
def test_pricing_matches_plain_solve_on_wales(wales_candidates, capacity):
    model = build_model(wales_candidates, Constraints(governance_capacity=capacity))
    options = SolverOptions(mip_gap=0.0, time_limit=120)
    plain, x_plain = solve(model, options)
    outcome = solve_by_pricing(model, options, time_limit=120)
    assert plain.status == "optimal"
    assert outcome.proven
    assert outcome.objective == pytest.approx(plain.objective, rel=1e-6)
    # the bound is a true bound: never below the optimum
    assert outcome.best_bound >= plain.objective - 1e-6 * abs(plain.objective)
    assert outcome.lp_bound >= plain.objective - 1e-6 * abs(plain.objective)
    # the returned choice is feasible
    act = model.A @ outcome.x
    assert np.all(act <= model.row_upper + 1e-9) and np.all(act >= model.row_lower - 1e-9)


def test_lp_dual_bound_is_valid_for_any_duals(wales_candidates):
    model = build_model(wales_candidates, Constraints(governance_capacity=2))
    optimum = solve(model, SolverOptions(mip_gap=0.0))[0].objective
    A = sp.csc_matrix(model.A)
    rng = np.random.default_rng(0)
    for _ in range(20):
        y = rng.exponential(scale=rng.uniform(1, 5000), size=model.n_constraints) * (rng.random(model.n_constraints) < 0.7)
        bound, _ = lp_dual_bound(model.c, A, y, model.row_lower, model.row_upper, model.var_lower, model.var_upper)
        assert bound >= optimum - 1e-6 * abs(optimum)


def test_greedy_start_is_feasible(wales_candidates):
    model = build_model(wales_candidates, Constraints(governance_capacity=2))
    A = sp.csc_matrix(model.A)
    x = greedy_solution(model.c, A, model.row_lower, model.row_upper, model.var_lower, model.var_upper)
    assert x is not None and x.sum() > 0
    act = model.A @ x
    assert np.all(act <= model.row_upper + 1e-9)
