"""Scripted what-if runs: Scenario.with_, sweep, Monte Carlo, engines (real North East data)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sharedopt.common.errors import ConfigError
from sharedopt.pipeline.scenario import Scenario
from sharedopt.pipeline.uncertainty import make_draws, uncertainty
from sharedopt.pipeline.sequencer import run
from sharedopt.pipeline.whatif import compare, expand_grid, map_tasks, reuse_level, sweep

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def base() -> Scenario:
    # k = 3 keeps the Monte Carlo light; everything else as the shipped default
    return Scenario.from_config(ROOT / "configs" / "north-east.toml").with_(
        {"model.max_group_size": 3, "solver.time_limit": 30})


@pytest.fixture(scope="module")
def deterministic(north_east_k3_run):
    return north_east_k3_run


def test_with_returns_changed_copy_and_leaves_original(base):
    changed = base.with_({"constraints.governance_capacity": 2,
                          "model.services.Environment.asset_intensity": 0.3})
    assert changed.get("constraints.governance_capacity") == 2
    assert changed.config.model.services["Environment"].asset_intensity == 0.3
    assert base.get("constraints.governance_capacity") == 3
    assert base.config.model.services["Environment"].asset_intensity == 0.35
    # other services keep their defaults
    assert changed.config.model.services["Education"] == base.config.model.services["Education"]


def test_with_validates_like_a_config(base):
    with pytest.raises(ConfigError, match="governance_capacty"):
        base.with_({"constraints.governance_capacty": 2})
    with pytest.raises(ConfigError, match="asset_intensity"):
        base.with_({"model.services.Environment.asset_intensity": 1.5})


def test_expand_grid_and_reuse_level():
    assert expand_grid({"a.x": [1, 2], "a.y": [3]}) == [{"a.x": 1, "a.y": 3}, {"a.x": 2, "a.y": 3}]
    assert reuse_level([{"constraints.governance_capacity": 1}]) == "candidates"
    assert reuse_level([{"model.discount_rate": 0.05}]) == "inputs"
    assert reuse_level([{"region.name": "wales"}]) == "none"


def test_sweep_governance_capacity_is_monotone(base):
    table = sweep(base, {"constraints.governance_capacity": [1, 2, 3, 4]}, engine="serial", progress=False)
    assert list(table["constraints.governance_capacity"]) == [1, 2, 3, 4]
    assert list(table.columns) == ["constraints.governance_capacity", "status", "objective", "best_bound", "gap",
                                   "n_partnerships", "annual_net_saving_gbp_k", "npv_gbp_k", "one_off_cost_gbp_k",
                                   "chosen"]   # tidy: one row per variant, one column per variable
    assert all(type(s) is str for s in table["status"]) and (table["status"] == "optimal").all()
    assert table["npv_gbp_k"].dtype == "float64" and table["n_partnerships"].dtype == "int64"
    npv = table["npv_gbp_k"].to_numpy()
    assert np.all(np.diff(npv) >= -1e-6 * npv.max()), npv
    assert npv[0] < npv[-1]  # capacity 1 does bind on this data


@pytest.mark.slow
def test_sweep_with_reuse_matches_from_scratch(base):
    grid = {"constraints.governance_capacity": [1, 3]}
    reused = sweep(base, grid, engine="serial", progress=False, reuse=True)
    scratch = sweep(base, grid, engine="serial", progress=False, reuse=False)
    pd.testing.assert_series_equal(reused["chosen"], scratch["chosen"])
    np.testing.assert_allclose(reused["npv_gbp_k"], scratch["npv_gbp_k"])


def test_sweep_row_equals_a_full_run(base, deterministic):
    table = sweep(base, [{}], engine="serial", progress=False)
    assert table.loc[0, "npv_gbp_k"] == pytest.approx(deterministic.summary.totals["npv_gbp_k"])
    assert table.loc[0, "chosen"] == ";".join(sorted(deterministic.portfolio["candidate_id"]))


def test_zero_variance_monte_carlo_reproduces_the_deterministic_portfolio(base, deterministic):
    zero = {"model.services.Environment.asset_intensity": {"dist": "normal", "sd": 0.0},
            "model.services.Central_Services.e_down": {"dist": "lognormal", "sigma": 0.0},
            "costs": {"dist": "lognormal", "sigma": 0.0}}
    result = uncertainty(base, 4, zero, engine="serial", progress=False)
    members = set(deterministic.portfolio["candidate_id"])
    probability = result.candidates.set_index("candidate_id")["probability_chosen"]
    assert set(probability.index) == members
    assert (probability == 1.0).all()
    # every other candidate: probability 0 (never chosen)
    others = set(deterministic.candidates["candidate_id"]) - members
    assert not others & set(probability.index)
    p = result.totals.set_index("measure")
    assert p.loc["npv_gbp_k", "p10"] == p.loc["npv_gbp_k", "p90"] == pytest.approx(
        deterministic.summary.totals["npv_gbp_k"])


def test_draws_are_seeded_and_independent_of_count(base):
    spec = {"model.discount_rate": {"dist": "uniform", "low": 0.02, "high": 0.05},
            "costs": {"dist": "lognormal", "sigma": 0.1}}
    a = make_draws(base, 3, spec, seed=7, n_cost_rows=5)
    b = make_draws(base, 5, spec, seed=7, n_cost_rows=5)
    for (ca, fa), (cb, fb) in zip(a, b):
        assert ca == cb
        np.testing.assert_array_equal(fa, fb)
    assert make_draws(base, 1, spec, seed=8, n_cost_rows=5)[0][0] != a[0][0]


def test_uncertain_savings_spread_and_robust_view(base):
    spec = {"model.services.Environment.e_down": {"dist": "uniform", "low": 0.06, "high": 0.18},
            "costs": {"dist": "lognormal", "sigma": 0.15}}
    result = uncertainty(base, 6, spec, seed=1, engine="serial", progress=False)
    p = result.totals.set_index("measure")
    assert p.loc["npv_gbp_k", "p10"] <= p.loc["npv_gbp_k", "p50"] <= p.loc["npv_gbp_k", "p90"]
    assert p.loc["npv_gbp_k", "p10"] < p.loc["npv_gbp_k", "p90"]
    assert result.candidates["probability_chosen"].between(0, 1).all()


@pytest.mark.slow
def test_dask_and_local_pool_give_identical_results(base):
    distributed = pytest.importorskip("distributed")
    spec = {"model.services.Environment.e_down": {"dist": "uniform", "low": 0.06, "high": 0.18},
            "costs": {"dist": "lognormal", "sigma": 0.1}}
    local = uncertainty(base, 5, spec, seed=3, engine="process", max_workers=2, progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        remote = uncertainty(base, 5, spec, seed=3, engine=client, progress=False)  # two chunks: on the cluster
    pd.testing.assert_frame_equal(local.draws, remote.draws)
    pd.testing.assert_frame_equal(local.candidates, remote.candidates)


@pytest.mark.slow
def test_compare_results_tidy(base, deterministic):
    tight = run(base.with_({"constraints.governance_capacity": 1, "report.top_n": 0}, name="tight"))
    diff = compare(deterministic, tight)
    assert list(diff.columns) == ["table", "key", "scenario", "value", "text"]  # typed columns
    assert diff["value"].dtype == "float64"
    assert diff.loc[(diff["table"] == "totals") & (diff["key"] == "status"), "text"].eq("optimal").all()
    assert (diff["table"] == "npv_by_service_gbp_k").any()
    npv = diff[(diff["table"] == "totals") & (diff["key"] == "npv_gbp_k")].set_index("scenario")["value"]
    assert len(npv) == 2
    assert npv.iloc[0] == pytest.approx(deterministic.summary.totals["npv_gbp_k"])
    assert npv.iloc[1] < npv.iloc[0]  # capacity 1 binds
    assert (diff["table"] == "portfolio differences").any()


@pytest.mark.slow
def test_sweep_over_generated_candidates_regenerates_per_variant(base, monkeypatch):
    """Generated candidates depend on the constraints: a constraint-only sweep must not
    reuse them (it reuses the data only) and gives the enumerated sweep's optima."""
    import sharedopt.pipeline.steps as steps
    import sharedopt.pipeline.whatif as whatif

    calls = []
    real = steps.enumerate_candidates
    counting = lambda *a, **k: calls.append(a[1].model.candidates) or real(*a, **k)  # noqa: E731
    monkeypatch.setattr(whatif, "enumerate_candidates", counting)  # the shared enumeration
    monkeypatch.setattr(steps, "enumerate_candidates", counting)  # each variant's, in solve_steps
    # only the terms the pricing prices (the others make the generated path refuse)
    exact = {"solver.mip_gap": 0.0, "model.max_group_size": 4, "model.efficiency_theta": 0.0,
             "model.distance_cost_per_km_gbp_k": 0.0, "model.whole_organisation": False,
             "model.coordination_best_size": 0.0,
             "model.cost_curves": "literature"}
    for service in base.config.model.services:
        exact[f"model.services.{service}.distance_rate_per_km"] = 0.0
        exact[f"model.services.{service}.max_span_km"] = None
    generated = base.with_({"model.candidates": "generate", "model.generation_seed_size": 2, **exact})
    enumerated = base.with_({"model.candidates": "enumerate", **exact})
    grid = {"constraints.governance_capacity": [1, 3]}
    a = sweep(generated, grid, engine="serial", progress=False, reuse=True)
    b = sweep(enumerated, grid, engine="serial", progress=False, reuse=True)
    assert calls.count("generate") == 2  # once per variant, never shared
    assert calls.count("enumerate") == 1  # enumerated once, reused by both variants
    np.testing.assert_allclose(a["objective"], b["objective"], rtol=1e-9)
    assert list(a["chosen"]) == list(b["chosen"])


def test_the_default_engine_auto_runs_sweeps_and_the_tornado_on_the_local_pool():
    """``[uncertainty] engine = "auto"`` (the default) reaches sweeps and the tornado too: the pool, not a
    Dask address called 'auto'."""
    assert map_tasks(abs, [-1, -2, 3], engine="auto", max_workers=2) == [1, 2, 3]


def test_progress_is_drawn_by_the_console_with_draws_done_and_time_left():
    """The pipeline shows counted work through the registered display: the console's bar, which
    shows units done of all and an ETA column."""
    import io

    from rich.console import Console
    from rich.progress import MofNCompleteColumn, TimeRemainingColumn

    import sharedopt as so
    from sharedopt.console import task_bar, task_columns
    from sharedopt.pipeline.events import Event, task_display

    assert so.uncertainty is uncertainty  # first use of a public name registers the console's display
    with task_display("Monte Carlo", 10, show=False) as hidden:
        assert hidden is None
    with task_display("Monte Carlo", 10, show=True) as follow:
        assert follow is not None
        follow(Event("tasks", "Monte Carlo: 3/10", done=3, total=10))
    assert any(isinstance(c, MofNCompleteColumn) for c in task_columns())
    assert any(isinstance(c, TimeRemainingColumn) for c in task_columns())
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=120, color_system=None)
    with task_bar("[draws] Monte Carlo", 10, console=console) as follow:
        follow(Event("tasks", "Monte Carlo: 3/10", done=3, total=10))
    drawn = buffer.getvalue()
    assert "[draws] Monte Carlo" in drawn and "3/10" in drawn and "30%" in drawn
