"""How partnerships work: readiness per opportunity, partnership mode, depth of integration.

Real North East / London data (MHCLG 2023-24 outturn, status-quo arrangements); small
groups keep the runs light.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sharedopt.config.assumptions import DEPTH_DEFAULTS, READINESS_DEFAULTS, REALISATION_BASE, REALISATION_DEFAULTS
from sharedopt.config.schema import load_config
from sharedopt.candidates.table import split_id, with_depth
from sharedopt.candidates.value import CostBase, asset_budget
from sharedopt.common.errors import ConfigError, DataError
from sharedopt.config.params import ModelParams, ReadinessParams
from sharedopt.pipeline.sequencer import run
from sharedopt.pipeline.steps import enumerate_candidates, load_inputs
from sharedopt.candidates.readiness import candidate_realisation
from sharedopt.config.readiness import load_readiness_csv
from sharedopt.pipeline.scenario import Scenario
from sharedopt.candidates.status_quo import status_quo_table

ROOT = Path(__file__).resolve().parents[1]
BASE = REALISATION_BASE["value"]
PENALTY = REALISATION_DEFAULTS["condition_penalties"]["value"]
UPLIFT = READINESS_DEFAULTS["condition_uplifts"]["value"]
MODE = REALISATION_DEFAULTS["mode_factors"]["value"]
ELWA = ["E09000002", "E09000016", "E09000025", "E09000026"]  # East London Waste Authority (statutory)


@pytest.fixture(scope="module")
def north_east():
    config = load_config(ROOT / "configs" / "north-east.toml")
    config = config.model_copy(update={"model": config.model.model_copy(update={"max_group_size": 3,
                                                                                "include_scope": False})})
    return config, load_inputs(config)


def _candidates(north_east, **model_changes) -> pd.DataFrame:
    config, inputs = north_east
    config = config.model_copy(update={"model": config.model.model_copy(update=model_changes)})
    return enumerate_candidates(inputs, config, with_shares=False).table.set_index("candidate_id")


# --------------------------------------------------------------------------- readiness

def test_defaults_vary_realisation_by_mode_for_stated_reasons(north_east):
    table = _candidates(north_east)
    scale = table[table["kind"] == "scale"]
    assert set(scale["partnership_mode"]) == {"constraining"}  # shared service under a lead council
    np.testing.assert_allclose(scale["realisation_factor"], BASE * MODE["voluntary"] * MODE["contract"])
    assert set(scale[["sponsor", "multi_level_engagement", "formal_reporting", "active_management"]]
               .to_numpy().ravel()) == {"unknown"}
    assert set(scale["depth"]) == {"lead_council"}


def test_one_condition_moves_realisation_by_the_stated_amount(north_east):
    before = _candidates(north_east)
    council = "E06000047"  # County Durham
    met = ReadinessParams(councils={code: {"sponsor": "yes"} for code in north_east[1].authorities.index})
    after_yes = _candidates(north_east, readiness=met)
    common = before.index.intersection(after_yes.index)
    ratio = after_yes.loc[common, "realisation_factor"] / before.loc[common, "realisation_factor"]
    np.testing.assert_allclose(ratio, 1.0 + UPLIFT["sponsor"], rtol=1e-12)
    assert set(after_yes["sponsor"]) == {"yes"}

    failed = ReadinessParams(councils={council: {"sponsor": "no"}})
    after_no = _candidates(north_east, readiness=failed)
    common = before.index.intersection(after_no.index)
    has = np.array([council in m.split(";") for m in before.loc[common, "members"]])
    ratio = (after_no.loc[common, "realisation_factor"] / before.loc[common, "realisation_factor"]).to_numpy()
    np.testing.assert_allclose(ratio[has], 1.0 - PENALTY["sponsor"], rtol=1e-12)
    np.testing.assert_allclose(ratio[~has], 1.0, rtol=1e-12)
    assert set(after_no.loc[common[has], "sponsor"]) == {"no"}
    assert set(after_no.loc[common[~has], "sponsor"]) == {"unknown"}
    # savings scale with realisation; NPV falls for the groups with the council
    row = common[has][0]
    assert after_no.loc[row, "annual_saving_gbp_k"] == pytest.approx(
        before.loc[row, "annual_saving_gbp_k"] * (1.0 - PENALTY["sponsor"]), rel=1e-9)
    assert after_no.loc[row, "npv_gbp_k"] < before.loc[row, "npv_gbp_k"]


def test_a_condition_is_met_only_when_every_member_meets_it():
    params = ModelParams(readiness=ReadinessParams(councils={"A": {"formal_reporting": "yes"},
                                                             "B": {"formal_reporting": "yes"},
                                                             "C": {"formal_reporting": "no"}}))
    base = SimpleNamespace(codes=np.array(["A", "B", "C", "D"], dtype=object))
    members = np.array([[0, 1, -1], [0, 3, -1], [0, 1, 2]])
    _, columns = candidate_realisation(base, params, ("Culture",), members, "lead_council")
    assert columns["formal_reporting"].tolist() == ["yes", "unknown", "no"]


def test_prior_collaboration_is_evidence_of_trust():
    params = ModelParams()
    base = SimpleNamespace(codes=np.array(sorted(ELWA + ["E09000001"]), dtype=object))
    idx = {c: i for i, c in enumerate(base.codes)}
    members = np.array([[idx["E09000002"], idx["E09000016"]], [idx["E09000001"], idx["E09000002"]]])
    factor, columns = candidate_realisation(base, params, ("Culture",), members, "lead_council")
    assert columns["prior_collaboration"].tolist() == [True, False]
    assert factor[0] / factor[1] == pytest.approx(1.0 + READINESS_DEFAULTS["prior_collaboration_uplift"]["value"])


def test_readiness_csv_errors_name_file_line_and_field(tmp_path):
    path = tmp_path / "readiness.csv"
    path.write_text("authority,sponsor,formal_reporting\nE06000047,yes,\nE06000057,maybe,no\n")
    with pytest.raises(DataError) as err:
        load_readiness_csv(path)
    message = str(err.value)
    assert str(path) in message and "line 3" in message and "field sponsor" in message and "'maybe'" in message
    path.write_text("authority,sponsor\nDurham,yes\n")
    with pytest.raises(DataError, match="line 2, field authority: 'Durham' is not a GSS code"):
        load_readiness_csv(path)
    path.write_text("authority,sponsr\nE06000047,yes\n")
    with pytest.raises(DataError, match=r"line 1: unknown column\(s\) \['sponsr'\]"):
        load_readiness_csv(path)
    path.write_text("authority,sponsor\nE06000047,yes\nE06000047,no\n")
    with pytest.raises(DataError, match="line 3, field authority: 'E06000047' appears twice"):
        load_readiness_csv(path)


def test_co_production_lifts_realisation_when_every_member_co_produces():
    councils = {"A": {"co_production": "yes"}, "B": {"co_production": "yes"}, "C": {"co_production": "unknown"}}
    params = ModelParams(readiness=ReadinessParams(councils=councils))
    base = SimpleNamespace(codes=np.array(["A", "B", "C"], dtype=object))
    factor, columns = candidate_realisation(base, params, ("Culture",), np.array([[0, 1], [1, 2]]), "lead_council")
    assert columns["co_production"].tolist() == ["yes", "unknown"]
    assert factor[0] / factor[1] == pytest.approx(1.0 + READINESS_DEFAULTS["co_production_uplift"]["value"])


def test_depth_settings_take_partial_overrides():
    params = ModelParams(depth_settings={"pooled": {"setup": 2.0}}, depths=["lead_council", "pooled"])
    assert params.depth_settings["pooled"].setup == 2.0
    assert params.depth_settings["pooled"].poolable == DEPTH_DEFAULTS["pooled"]["poolable"]


def test_readiness_file_and_table_reach_the_model(tmp_path):
    (tmp_path / "ready.csv").write_text("authority,sponsor,active_management\nE06000047,YES,no\n")
    text = (ROOT / "configs" / "north-east.toml").read_text()
    text += '\n[readiness]\nfile = "ready.csv"\n\n[readiness.councils.E06000057]\nsponsor = "no"\n'
    (tmp_path / "c.toml").write_text(text)
    config = load_config(tmp_path / "c.toml")
    assert config.model.readiness.councils == {"E06000047": {"sponsor": "yes", "active_management": "no"},
                                               "E06000057": {"sponsor": "no"}}
    (tmp_path / "c.toml").write_text(text.replace('"ready.csv"', '"missing.csv"'))
    with pytest.raises(DataError, match="missing.csv: readiness file not found"):
        load_config(tmp_path / "c.toml")


# --------------------------------------------------------------------------- partnership mode

def test_statutory_joint_authority_is_complying():
    table = status_quo_table(ELWA + ["E09000008", "E09000021", "E09000024", "E09000029"])
    modes = dict(zip(table["name"], table["partnership_mode"]))
    assert modes["East London Waste Authority"] == "complying"
    assert modes["South London Waste Partnership"] == "constraining"  # voluntary
    base = SimpleNamespace(codes=np.array(sorted(ELWA), dtype=object))
    factor, columns = candidate_realisation(base, ModelParams(), ("Environment",), np.array([[0, 1, 2, 3]]),
                                            "lead_council")
    assert columns["partnership_mode"].tolist() == ["complying"]
    prior = 1.0 + READINESS_DEFAULTS["prior_collaboration_uplift"]["value"]
    assert factor[0] == pytest.approx(BASE * MODE["mandated"] * MODE["contract"] * prior)
    _, other = candidate_realisation(base, ModelParams(), ("Culture",), np.array([[0, 1, 2, 3]]), "lead_council")
    assert other["partnership_mode"].tolist() == ["constraining"]


def test_statutory_body_is_a_complying_candidate_in_the_blank_sheet_view():
    scenario = Scenario.from_config(ROOT / "configs" / "north-east.toml").with_({
        "region": {"codes": ELWA}, "data.services": ["Environment"], "model.include_scope": False,
        "model.whole_organisation": False, "constraints.status_quo": False, "report.top_n": 0,
        "model.coordination_best_size": 0,  # the mode's factor on the fixed governance terms (a 4-member group)
        "model.governance_rate": 0.0, "model.governance_per_member_gbp_k": 25.0,
        "model.governance_per_pair_gbp_k": 10.0, "model.cost_curves": "literature"})
    result = run(scenario)
    row = result.candidates.set_index("candidate_id").loc["Environment|" + "+".join(ELWA)]
    assert row["partnership_mode"] == "complying"
    assert row["cost_governance_gbp_k"] == pytest.approx(   # expected: paid only if the partnership succeeds
        READINESS_DEFAULTS["mode_governance_factors"]["value"]["complying"] * (25.0 * 4 + 10.0 * 6)
        * scenario.config.model.success_probability)


def test_scenario_mode_applies_to_every_candidate(north_east):
    table = _candidates(north_east, realisation=ModelParams().realisation.model_copy(
        update={"mode": "mandated", "relationship": "contract"}))
    assert set(table["partnership_mode"]) == {"complying"}
    np.testing.assert_allclose(table["realisation_factor"], BASE * MODE["mandated"] * MODE["contract"])


# --------------------------------------------------------------------------- depth

def test_depth_ids_round_trip():
    assert split_id(with_depth("Libraries|E1+E2", "pooled")) == ("Libraries|E1+E2", "pooled")
    assert with_depth("Libraries|E1+E2", "lead_council") == "Libraries|E1+E2"


def test_depths_are_rows_with_their_multipliers(north_east):
    depths = ["coordination", "lead_council", "pooled", "merger"]
    # every depth positive: no coordination cost, and scale on the whole poolable budget
    table = _candidates(north_east, depths=depths, coordination_best_size=0.0, scale_on_human=1.0)
    plain = "Central_Services|E06000001+E06000002+E06000004"  # Hartlepool, Middlesbrough, Stockton
    assert set(table.loc[[c for c in table.index if split_id(c)[0] == plain], "depth"]) == set(depths)
    ref, deep = table.loc[plain], table.loc[with_depth(plain, "pooled")]
    d = DEPTH_DEFAULTS["pooled"]
    assert deep["depth"] == "pooled" and deep["partnership_mode"] == "creating"
    assert deep["realisation_factor"] / ref["realisation_factor"] == pytest.approx(
        d["realisation"] / (MODE["voluntary"] * MODE["contract"]))
    # each member's poolable share times the depth's factor, capped at the member's whole line
    config, inputs = north_east
    base = CostBase.from_frames(inputs.authorities, inputs.costs, config.model)
    rows, col = base.index_of(["E06000001", "E06000002", "E06000004"]), base.service_index("Central_Services")
    spend = base.spend[rows, col]
    ref_share = asset_budget(base, config.model, "Central_Services")[rows] / spend
    assert ref["pooled_spend_gbp_k"] == pytest.approx((spend * ref_share).sum())
    assert deep["pooled_spend_gbp_k"] == pytest.approx((spend * np.minimum(1.0, ref_share * d["poolable"])).sum())
    # governance is the client-side rate on the pooled spend: it follows the depth's pooled spend too
    assert deep["cost_governance_gbp_k"] == pytest.approx(ref["cost_governance_gbp_k"] * d["governance"]
                                                         * deep["pooled_spend_gbp_k"] / ref["pooled_spend_gbp_k"]
                                                         / READINESS_DEFAULTS["mode_governance_factors"]["value"]["constraining"])


def test_optimiser_switches_depth_when_the_set_up_budget_tightens():
    depths = ["coordination", "lead_council", "pooled", "merger"]
    scenario = Scenario.from_config(ROOT / "configs" / "north-east.toml").with_({
        "data.services": ["Central_Services"], "model.max_group_size": 3, "model.include_scope": False,
        "model.depths": depths, "report.top_n": 0, "solver.time_limit": 60})
    free_result = run(scenario)
    free = free_result.portfolio
    budget = 0.2 * free["one_off_cost_gbp_k"].sum()
    tight_result = run(scenario.with_({"constraints.budget_total_gbp_k": budget}))
    tight = tight_result.portfolio
    assert tight["one_off_cost_gbp_k"].sum() <= budget + 1e-6
    share = lambda p: (p["depth"] == "coordination").mean()  # noqa: E731
    assert set(free["depth"]) - {"coordination"}, "unconstrained, a deeper depth should pay"
    assert share(tight) > share(free)
    for table in (free, tight):  # at most one depth per group
        assert not table.assign(plain=[split_id(c)[0] for c in table["candidate_id"]])["plain"].duplicated().any()
    for result in (free_result, tight_result):  # cash flows at each depth's ramp add up to its NPV
        npv = result.cashflows.groupby("candidate_id")["discounted_net_gbp_k"].sum()
        expected = result.portfolio.set_index("candidate_id")["npv_gbp_k"]
        np.testing.assert_allclose(npv.loc[expected.index], expected, rtol=1e-9)
    assert set(tight["depth"]) - {"lead_council"}, "a depth with its own ramp is checked"


def test_forced_candidate_at_a_depth_is_valued_at_that_depth(north_east):
    config, inputs = north_east
    forced = "Environment|E06000001+E06000004@merger"  # Hartlepool + Stockton: pruned, forced back
    config = config.model_copy(update={
        "model": config.model.model_copy(update={"depths": ["lead_council"]}),
        "constraints": config.constraints.model_copy(update={"forced": [forced]})})
    table = enumerate_candidates(inputs, config, with_shares=False).table.set_index("candidate_id")
    assert table.loc[forced, "depth"] == "merger"
    assert table.loc[forced, "realisation_factor"] == pytest.approx(
        BASE * MODE["voluntary"] * MODE["contract"] * DEPTH_DEFAULTS["merger"]["realisation"])


def test_unknown_depth_is_a_config_error():
    with pytest.raises(ConfigError, match="depths"):
        Scenario.from_config(ROOT / "configs" / "north-east.toml").with_({"model.depths": ["fusion"]})
