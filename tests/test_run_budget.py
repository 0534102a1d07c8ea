"""One time budget for a whole run: generation, solve, ranking re-solves and alternatives take
their limits from what is left of ``[solver] time_limit``; statuses say when it stopped them."""

from __future__ import annotations

from time import perf_counter

import numpy as np
import pandas as pd
import pytest

from portfolio_instances import hard_instance
from sharedopt.config.constraints import Constraints
from sharedopt.config.solver import SolverOptions
from sharedopt.model.build import build_model
from sharedopt.pipeline.assign import assign_solution
from sharedopt.pipeline.steps import create_model, enumerate_candidates, load_inputs, solve_model, solve_steps
from sharedopt.results.rank import rank_candidates
from sharedopt.solve.api import solve
from sharedopt.solve.budget import Budget
from sharedopt.solve.status import SOLVED, Status

#: what a ranking row may honestly say (never the safety net's words when the budget stopped it)
HONEST_RANKING = {"", "optimal", "infeasible", "bounds (time budget)", "bounds (work limit)", "bounds"}


def _small_north_east(config, time_limit: float):
    """The North East at groups of up to 3, ranking the best 5, with ``time_limit`` seconds."""
    return config.model_copy(update={
        "model": config.model.model_copy(update={"max_group_size": 3}),
        "report": config.report.model_copy(update={"top_n": 5}),
        "solver": config.solver.model_copy(update={"time_limit": time_limit})})


def _sequenced(config, inputs):
    """What :func:`sharedopt.pipeline.sequencer.run` does after loading (the inputs reused)."""
    solved = solve_steps(config, inputs=inputs)
    return solved, assign_solution(solved.inputs, solved.candidates, solved.model, solved.solver, solved.chosen,
                                   config, budget=solved.budget)


def test_an_exhausted_budget_still_finishes_with_honest_statuses(north_east_config, north_east_inputs):
    config = _small_north_east(north_east_config, 0.01)
    t0 = perf_counter()
    solved, result = _sequenced(config, north_east_inputs)
    assert perf_counter() - t0 < 60  # every solver call got at most the (spent) budget's minimum
    report = result.solver
    assert report.status in SOLVED or report.status == Status.TIME_LIMIT_NO_SOLUTION
    if report.stopped_by == "time limit":  # the budget is the whole time limit here: its own words
        assert report.status != Status.OPTIMAL
    ranked = result.candidates
    assert set(ranked["forced_status"]) <= HONEST_RANKING
    unproven = ranked["forced_status"].str.startswith("bounds")
    assert ranked.loc[unproven, "loss_if_forced_gbp_k"].isna().all()
    spent = result.timings["time_budget"]  # wall clock: on the Result, not in the summary
    assert spent["budget_seconds"] == pytest.approx(0.01) and spent["left_seconds"] == 0.0
    assert "time_budget" not in result.summary.to_dict() and result.summary.time_limit == pytest.approx(0.01)


def test_without_budget_pressure_the_outputs_equal_the_unbudgeted_steps(north_east_config, north_east_inputs):
    config = _small_north_east(north_east_config, 60)
    solved, budgeted = _sequenced(config, north_east_inputs)
    candidates = enumerate_candidates(north_east_inputs, config)
    model = create_model(candidates, config)
    report, chosen = solve_model(model, config)
    plain = assign_solution(north_east_inputs, candidates, model, report, chosen, config)
    assert (chosen == solved.chosen).all()
    pd.testing.assert_frame_equal(budgeted.candidates, plain.candidates)
    pd.testing.assert_frame_equal(budgeted.portfolio, plain.portfolio)
    assert budgeted.summary == plain.summary  # no wall-clock figure in either: equal as a whole
    assert budgeted.timings["time_budget"]["budget_seconds"] == 60.0 and "time_budget" not in plain.timings


def test_the_budget_cuts_a_long_solve_short_and_says_so():
    df = hard_instance(0, n_auth=60, n_cand=3000)
    cons = Constraints(governance_capacity=2, budget_total_gbp_k=float(df.one_off_cost_gbp_k.sum() * 0.02))
    model = build_model(df, cons)
    t0 = perf_counter()
    result, _ = solve(model, SolverOptions(time_limit=600, mip_gap=0.0), budget=Budget.starting_now(1.0))
    assert perf_counter() - t0 < 30
    assert result.stopped_by == "time limit"  # HiGHS does not prove this one in a second
    assert "stopped by the run's time budget" in result.message
    unbudgeted, _ = solve(model, SolverOptions(time_limit=1.0, mip_gap=0.0))
    assert "time budget" not in unbudgeted.message


def test_ranking_re_solves_stopped_by_a_spent_budget_say_time_budget():
    df = hard_instance(0, n_auth=60, n_cand=3000)
    cons = Constraints(governance_capacity=2, budget_total_gbp_k=float(df.one_off_cost_gbp_k.sum() * 0.02))
    model = build_model(df, cons)
    options = SolverOptions(time_limit=60, mip_gap=0.0, decompose=False)
    chosen = np.zeros(model.n_variables, dtype=np.int8)
    t0 = perf_counter()
    ranked = rank_candidates(df, chosen, model, options, top_n=2, budget=Budget(0.0))
    assert perf_counter() - t0 < 30
    statuses = set(ranked["forced_status"]) - {""}
    assert statuses and statuses <= HONEST_RANKING
    assert "bounds (time budget)" in statuses
    assert "bounds (time limit: safety net)" not in statuses


def test_column_generation_stops_with_the_budget(north_east_config):
    priced = north_east_config.model.model_copy(update={"candidates": "generate"})
    config = north_east_config.model_copy(update={"model": priced})
    t0 = perf_counter()
    candidates = enumerate_candidates(load_inputs(config), config, with_shares=False, budget=Budget(0.0))
    assert perf_counter() - t0 < 60
    generation = candidates.generation
    assert generation is not None
    assert not generation.complete  # it takes seconds with its own limit (tests/test_colgen.py)
    assert "stopped by the run's time budget" in generation.note
