"""Realisation from evidence, each council's cash flows, and uncertainty from the CLI.

Real North East data (MHCLG 2023-24 outturn); small groups keep the runs light.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sharedopt.config.assumptions import REALISATION_BASE, REALISATION_EVIDENCE, RING_FENCED_SHARES
from sharedopt.results.cashflow import council_cashflows, member_weights
from sharedopt.cli import app
from sharedopt.common.errors import ConfigError
from sharedopt.config.params import ModelParams
from sharedopt.config.solver import SolverOptions
from sharedopt.candidates.value import CostBase
from sharedopt.pipeline.scenario import Scenario
from sharedopt.report.run_result import write_result
from sharedopt.pipeline.sequencer import run

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner(env={"COLUMNS": "250"})


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return Scenario.from_config(ROOT / "configs" / "north-east.toml").with_(
        {"model.max_group_size": 3, "report.top_n": 0, "solver.time_limit": 30})


@pytest.fixture(scope="module")
def result(north_east_k3_run):
    return north_east_k3_run


# --------------------------------------------------------------------------- realisation

def test_evidence_block_brackets_the_default_and_states_its_arithmetic():
    low, high = REALISATION_BASE["range"]
    assert low < REALISATION_BASE["value"] < high <= 1.0
    ratios = {item["key"]: item["ratio"] for item in REALISATION_EVIDENCE}
    assert ratios["new_york_cwssi_2018"] == pytest.approx(76.1 / 208, rel=1e-12)  # about 37%
    assert round(ratios["new_york_cwssi_2018"], 2) == 0.37
    assert min(ratios.values()) <= low and max(ratios.values()) >= high
    for item in REALISATION_EVIDENCE:
        assert item["source"] and item["arithmetic"] and item["caveat"]
    assert REALISATION_BASE["source"].startswith("Evidence register") and REALISATION_BASE["evidence"]


def test_default_realisation_is_the_evidence_base_times_the_mode_factor(result):
    # the default varies with each candidate's partnership mode (sharedopt.candidates.readiness)
    from sharedopt.config.assumptions import REALISATION_DEFAULTS
    f = REALISATION_DEFAULTS["mode_factors"]["value"]
    mode = {"creating": f["voluntary"] * f["trust"], "constraining": f["voluntary"] * f["contract"]}
    factors = result.candidates["realisation_factor"].to_numpy()
    expected = REALISATION_BASE["value"] * result.candidates["partnership_mode"].map(mode).to_numpy()
    np.testing.assert_allclose(factors, expected, rtol=0, atol=1e-12)
    # the mode follows the vehicle (the depth), not the kind: bundles and single services alike
    assert set(result.candidates["partnership_mode"]) == {"constraining"}
    rows = {row["parameter"]: row for row in result.summary.assumptions}
    assert rows["realisation.base"]["value"] == REALISATION_BASE["value"]
    assert rows["realisation.base"]["range"] == list(REALISATION_BASE["range"])
    assert "New York" in rows["realisation_evidence.new_york_cwssi_2018"]["source"]
    assert rows["realisation_factor"]["value"] == REALISATION_BASE["value"]


def test_base_from_config_scales_savings_not_costs_and_conditions_stay_multipliers(scenario):
    default = ModelParams()
    full = scenario.with_({"model.realisation.base": 1.0}).config.model
    assert full.realisation_factor() == 1.0  # the neutral setting of earlier versions
    # an absent condition multiplies the base by (1 - 0.10); the mode factors multiply too
    no_sponsor = ModelParams(realisation={"sponsor": False})
    assert no_sponsor.realisation_factor() == pytest.approx(REALISATION_BASE["value"] * 0.9, rel=1e-12)
    mandated = ModelParams(realisation={"base": 0.8, "mode": "mandated", "relationship": "contract"})
    f = mandated.realisation.mode_factors
    assert mandated.realisation_factor() == pytest.approx(0.8 * f["mandated"] * f["contract"], rel=1e-12)
    # a per-candidate override without its own base takes the scenario's base
    cid = "Environment|E06000001+E06000004"
    params = ModelParams(realisation={"base": 0.7}, realisation_overrides={cid: {"sponsor": False}})
    assert params.realisation_factor(cid) == pytest.approx(0.7 * 0.9, rel=1e-12)
    assert params.realisation_factor() == pytest.approx(0.7, rel=1e-12)
    assert default.realisation_factor() == REALISATION_BASE["value"]


def test_a_bad_base_names_the_key(scenario):
    with pytest.raises(ConfigError, match=r"model\.realisation\.base"):
        scenario.with_({"model.realisation.base": -0.2})


def test_realisation_base_moves_savings_and_the_one_off_that_follows_them_not_recurring_costs(scenario, result):
    full = run(scenario.with_({"model.realisation.base": 1.0}))
    a = result.candidates.set_index("candidate_id")
    b = full.candidates.set_index("candidate_id").reindex(a.index)
    base = REALISATION_BASE["value"]
    np.testing.assert_allclose(a["annual_saving_gbp_k"], base * b["annual_saving_gbp_k"], rtol=1e-9)
    # the one-off cost is a ratio to the delivered saving, so it follows it; governance does not
    np.testing.assert_allclose(a["one_off_cost_gbp_k"], base * b["one_off_cost_gbp_k"], rtol=1e-9)
    np.testing.assert_allclose(a["governance_cost_gbp_k"], b["governance_cost_gbp_k"], rtol=1e-12)
    assert result.summary.totals["npv_gbp_k"] < full.summary.totals["npv_gbp_k"]


# --------------------------------------------------------------------------- cash flows

def test_council_cash_flows_add_up_to_each_partnership_every_year(result):
    flows, portfolio = result.cashflows, result.portfolio
    params = result.config.model
    assert len(portfolio) > 0
    years = np.arange(params.horizon_years + 1)
    assert set(flows["year"]) == set(years)
    sums = flows.groupby(["candidate_id", "year"])[["saving_gbp_k", "one_off_cost_gbp_k",
                                                      "governance_cost_gbp_k", "net_cash_gbp_k"]].sum()
    for _, row in portfolio.iterrows():
        part = sums.loc[row["candidate_id"]]
        ramp = np.where(years == 0, 0.0, np.minimum(1.0, years / params.ramp_years))
        np.testing.assert_allclose(part["saving_gbp_k"], ramp * row["annual_saving_gbp_k"], rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(part["one_off_cost_gbp_k"],
                                   np.where(years == 0, row["one_off_cost_gbp_k"], 0.0), rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(part["governance_cost_gbp_k"],
                                   np.where(years == 0, 0.0, row["governance_cost_gbp_k"]), rtol=1e-9, atol=1e-9)
        members = row["members"].split(";")
        mine = flows[flows["candidate_id"] == row["candidate_id"]]
        assert sorted(set(mine["authority"])) == members
        assert len(mine) == len(members) * len(years)


def test_council_cash_flows_discount_to_the_candidate_npv_and_the_proportional_share(result):
    flows, portfolio = result.cashflows, result.portfolio
    rate = result.config.model.discount_rate
    pv = flows["net_cash_gbp_k"] / (1.0 + rate) ** flows["year"]
    np.testing.assert_allclose(pv, flows["discounted_net_gbp_k"], rtol=1e-12)
    by_candidate = pv.groupby(flows["candidate_id"]).sum()
    npv = portfolio.set_index("candidate_id")["npv_gbp_k"].reindex(by_candidate.index)
    np.testing.assert_allclose(by_candidate.to_numpy(), npv.to_numpy(), rtol=1e-6)
    # one rule for costs and savings: each member's NPV is its proportional share in shares.csv
    by_member = pv.groupby([flows["candidate_id"], flows["authority"]]).sum()
    shares = result.shares.set_index(["candidate_id", "member"])["npv_share_proportional_gbp_k"]
    np.testing.assert_allclose(by_member.to_numpy(), shares.reindex(by_member.index).to_numpy(), rtol=1e-6)
    # per-council totals in the summary match the rows
    totals = {row["authority"]: row for row in result.summary.cash_flows["by_authority"]}
    for code, frame in flows.groupby("authority"):
        assert totals[code]["npv_gbp_k"] == pytest.approx(frame["discounted_net_gbp_k"].sum(), rel=1e-6, abs=1e-6)
        assert totals[code]["one_off_cost_gbp_k"] == pytest.approx(frame["one_off_cost_gbp_k"].sum(), rel=1e-6)


def test_ring_fenced_money_follows_the_service_mix():
    """Hand-built: two councils, Education and Environment; only Education is ring-fenced."""
    base = CostBase(codes=np.array(["A", "B"], dtype=object), services=("Education", "Environment"),
                    population=np.array([100_000.0, 200_000.0]),
                    spend=np.array([[10_000.0, 4_000.0], [30_000.0, 6_000.0]]),
                    estimated=np.zeros((2, 2), dtype=bool))
    params = ModelParams()
    ai_edu, ai_env = params.services["Education"].asset_intensity, params.services["Environment"].asset_intensity
    rf = RING_FENCED_SHARES["Education"]["value"]
    weights, ring = member_weights(base, params, ("Education", "Environment"), ["A", "B"])
    own = np.array([10_000 * ai_edu + 4_000 * ai_env, 30_000 * ai_edu + 6_000 * ai_env])
    np.testing.assert_allclose(weights, own / own.sum(), rtol=1e-12)
    np.testing.assert_allclose(ring, np.array([10_000, 30_000]) * ai_edu * rf / own, rtol=1e-12)
    _, env_only = member_weights(base, params, ("Environment",), ["A", "B"])
    np.testing.assert_array_equal(env_only, 0.0)
    portfolio = pd.DataFrame({"candidate_id": ["Education+Environment|A+B"], "services": ["Education;Environment"],
                              "members": ["A;B"], "annual_saving_gbp_k": [100.0],
                              "governance_cost_gbp_k": [10.0], "one_off_cost_gbp_k": [50.0]})
    flows = council_cashflows(portfolio, base, params)
    steady = flows[flows["year"] == 5].set_index("authority")
    np.testing.assert_allclose(steady["ring_fenced_gbp_k"], 100.0 * weights * ring, rtol=1e-12)
    np.testing.assert_allclose(steady["general_fund_gbp_k"] + steady["ring_fenced_gbp_k"], steady["saving_gbp_k"])
    # the general fund pays the costs: its net is the net cash less the ring-fenced saving
    np.testing.assert_allclose(steady["general_fund_net_gbp_k"],
                               steady["net_cash_gbp_k"] - steady["ring_fenced_gbp_k"], rtol=1e-12)


def test_council_cashflows_csv_is_written(result, tmp_path):
    written = write_result(result, tmp_path / "out", formats={"csv"})
    frame = pd.read_csv(written["council_cashflows.csv"])
    for col in ["authority", "candidate_id", "year", "one_off_cost_gbp_k", "saving_gbp_k", "net_cash_gbp_k",
                "ring_fenced_gbp_k", "general_fund_gbp_k"]:
        assert col in frame.columns
    assert len(frame) == len(result.cashflows)


# --------------------------------------------------------------------------- uncertainty from the CLI

CLEAR_CUT = """
name = "clear-cut"
[region]
codes = ["E06000001", "E06000002", "E06000003", "E06000004", "E06000005"]
[data]
services = ["Environment", "Central_Services"]
[model]
max_group_size = 3
include_scope = false
[constraints]
governance_capacity = 1
[solver]
time_limit = 30
[report]
top_n = 0
[uncertainty]
draws = 6
seed = 11
engine = "serial"
"""


@pytest.fixture(scope="module")
def mc_runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mc")
    config = folder / "clear-cut.toml"
    config.write_text(CLEAR_CUT)
    outs = []
    for i in range(2):
        out = folder / f"run{i}"
        args = ["run", str(config), "--out", str(out), "--format", "csv,json"]
        args += ["--uncertainty", "6"] if i else []  # the option and the config section agree
        done = runner.invoke(app, args)
        assert done.exit_code == 0, done.output
        outs.append(out)
    return outs


@pytest.mark.slow
def test_seeded_uncertainty_is_identical_between_runs(mc_runs):
    a, b = (json.loads((out / "summary.json").read_text())["uncertainty"] for out in mc_runs)
    assert a == b
    assert a["draws"] == 6 and a["seed"] == 11
    # no [uncertainty] draw_gap: each draw is solved to the run's gap, and every draw met it
    assert a["draw_gap"] == SolverOptions().mip_gap and a["solver_status"] == {"optimal": 6}
    assert 0.0 <= a["largest_draw_gap"] <= a["draw_gap"]
    q = a["npv_gbp_k"]
    assert q["p10"] <= q["p50"] <= q["p90"] and q["p10"] < q["p90"]  # the base rate is drawn
    low, high = REALISATION_BASE["range"]
    drawn = a["drawn"]["model.realisation.base"]
    assert low <= drawn["p10"] <= drawn["p90"] <= high
    ca, cb = (pd.read_csv(out / "candidates.csv") for out in mc_runs)
    pd.testing.assert_series_equal(ca["p_in_portfolio"], cb["p_in_portfolio"])


@pytest.mark.slow
def test_p_in_portfolio_is_a_probability_and_high_for_the_chosen(mc_runs):
    candidates = pd.read_csv(mc_runs[0] / "candidates.csv")
    p = candidates["p_in_portfolio"]
    assert p.between(0.0, 1.0).all()
    chosen = candidates[candidates["chosen"]]
    assert len(chosen) > 0
    # every lever is drawn, so a chosen partnership need not be robust (that is what the split says);
    # on average the chosen ones are chosen more often than the rest
    assert chosen["p_in_portfolio"].mean() > candidates.loc[~candidates["chosen"], "p_in_portfolio"].mean()
    # p sums to the mean number of partnerships, less those chosen only in draws (not in this table)
    spread = json.loads((mc_runs[0] / "summary.json").read_text())["uncertainty"]
    assert p.sum() <= spread["n_partnerships"]["mean"] + 0.0005 * len(p)  # CSV: 3 decimals, each off by <= 0.0005
    if spread["chosen_but_not_in_candidates_csv"] == 0:
        assert p.sum() == pytest.approx(spread["n_partnerships"]["mean"], abs=0.001 * len(p))  # CSV: 3 decimals


def test_a_bad_distribution_is_refused_with_its_key(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text(CLEAR_CUT + '[uncertainty.distributions."model.realisation.base"]\ndist = "beta"\n')
    done = runner.invoke(app, ["run", str(config), "--out", str(tmp_path / "out")])
    assert done.exit_code == 2
    assert "dist must be one of" in done.output and "model.realisation.base" in done.output
