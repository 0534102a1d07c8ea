"""Near-optimal alternatives: each within the stated gap of the exhaustive optimum,
pairwise different, and the first one as different as any portfolio within the gap."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from portfolio_instances import brute_force, random_candidates
from sharedopt.results.alternatives import alternatives_table, near_optimal_alternatives, stability
from sharedopt.model.build import Constraints, build_model
from sharedopt.config.solver import SolverOptions
from sharedopt.solve.api import solve


def _feasible(model, x):
    act = model.A @ x
    return np.all(act <= model.row_upper + 1e-9) and np.all(act >= model.row_lower - 1e-9)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(6))
def test_alternatives_are_within_the_gap_and_pairwise_different(seed):
    df = random_candidates(700 + seed, n_auth=6, n_services=2, max_candidates=14)
    cons = Constraints(governance_capacity=2)
    model = build_model(df, cons)
    best, _ = brute_force(df, cons)
    result, chosen = solve(model, SolverOptions(mip_gap=0.0, time_limit=30))
    assert result.objective == pytest.approx(best, abs=1e-6)
    gap = 0.05
    alts = near_optimal_alternatives(model, chosen, 3, gap, SolverOptions(mip_gap=0.0, time_limit=30))
    seen = [tuple(chosen)]
    for a in alts:
        assert _feasible(model, a.x.astype(float))
        assert a.objective >= (1 - gap) * best - 1e-6
        assert tuple(a.x) not in seen
        seen.append(tuple(a.x))
    if alts:  # the first alternative is the most different portfolio within the gap (exhaustive check)
        c, n = model.c, model.n_variables
        best_dist = max(int(np.sum(np.array(x) != chosen)) for x in itertools.product((0, 1), repeat=n)
                        if c @ np.array(x) >= (1 - gap) * best - 1e-9 and _feasible(model, np.array(x, float))
                        and np.all(np.array(x)[c <= 0] == 0) and tuple(x) != tuple(chosen))
        assert int(np.sum(alts[0].x != chosen)) == best_dist
        table = alternatives_table(model, chosen, alts, result.best_bound)
        assert set(table["alternative"]) == set(range(len(alts) + 1))
        summary = stability(chosen, alts, gap, result.status == "optimal")
        assert summary["partnerships_replaced_by_most_different"] == max(int(chosen.sum()) - a.overlap for a in alts)


def test_alternatives_exist_on_some_instance():
    found = sum(len(near_optimal_alternatives(build_model(df, Constraints()), solve(build_model(df, Constraints()),
                SolverOptions(mip_gap=0.0))[1], 2, 0.1, SolverOptions(mip_gap=0.0)))
                for df in (random_candidates(700 + s, n_auth=6, n_services=2, max_candidates=14) for s in range(4)))
    assert found >= 2


@pytest.mark.slow
def test_run_with_alternatives_writes_alternatives_csv(tmp_path):
    """The config keys reach the pipeline: alternatives.csv and the stability summary (real North East data)."""
    from pathlib import Path

    import pandas as pd

    from sharedopt.pipeline.scenario import Scenario
    from sharedopt.report.run_result import write_result
    from sharedopt.pipeline.sequencer import run

    root = Path(__file__).resolve().parents[1]
    sc = Scenario.from_config(root / "configs" / "north-east.toml").with_(
        {"model.max_group_size": 3, "solver.time_limit": 30, "report.top_n": 0,
         "solver.alternatives": 2, "solver.alternatives_gap": 0.05})
    result = run(sc)
    write_result(result, tmp_path, formats={"csv", "json"})
    table = pd.read_csv(tmp_path / "alternatives.csv")
    summary = result.summary.alternatives
    assert summary["alternatives"] == table["alternative"].max() >= 1
    best = result.solver.objective
    per_alt = table.groupby("alternative")["portfolio_objective_gbp_k"].first()
    assert per_alt[0] == pytest.approx(best)
    assert (per_alt >= (1 - 0.05) * best - 1e-6).all()
    sets = table.groupby("alternative")["candidate_id"].apply(frozenset)
    assert sets.nunique() == len(sets)
