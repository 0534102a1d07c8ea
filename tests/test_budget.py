"""One time budget: a deadline that every solver call of a run takes its limit from."""

from __future__ import annotations

import math

from portfolio_instances import random_candidates
from sharedopt.config.solver import SolverOptions
from sharedopt.model.build import Constraints, build_model
from sharedopt.solve.api import solve
from sharedopt.solve.budget import MIN_SECONDS, Budget
from sharedopt.solve.status import Status, describe_status


def test_no_budget_keeps_the_time_limit():
    assert Budget().remaining() is None
    assert Budget().limit(60) == 60
    assert Budget().limit(None) is None


def test_budget_caps_the_time_limit():
    budget = Budget.starting_now(5)
    assert 0 < budget.limit(60) <= 5
    assert budget.limit(1) == 1
    assert 0 < budget.limit(None) <= 5


def test_spent_budget_leaves_the_minimum():
    assert Budget(0.0).remaining() == MIN_SECONDS
    assert Budget.starting_now(None).deadline == math.inf


def test_solve_within_a_budget_gives_the_same_answer():
    model = build_model(random_candidates(3, n_auth=8, n_services=2, max_candidates=12), Constraints())
    options = SolverOptions(mip_gap=0.0)
    plain, x = solve(model, options)
    budgeted, y = solve(model, options, budget=Budget.starting_now(60))
    assert plain.status == budgeted.status == Status.OPTIMAL
    assert (x == y).all() and plain.objective == budgeted.objective


def test_status_is_its_plain_string():
    assert f"{Status.TIME_LIMIT_NO_SOLUTION}" == "time_limit_no_solution"
    assert describe_status(Status.INFEASIBLE, None, 1e-3) == "infeasible"
