"""The validity benchmark's building blocks (benchmarks/validity.py) on real data."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from sharedopt.data.arrangements import load_arrangements
from sharedopt.pipeline.steps import enumerate_candidates, load_inputs

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("validity", ROOT / "benchmarks" / "validity.py")
validity = importlib.util.module_from_spec(spec)
spec.loader.exec_module(validity)


def test_percentile_is_100_for_the_best_and_0_for_the_worst():
    npv = np.array([5.0, 1.0, 3.0, 3.0, 9.0])
    assert validity.percentile(npv, 9.0) == 100.0
    assert validity.percentile(npv, 1.0) == 0.0
    assert validity.percentile(npv, 3.0) == pytest.approx(100 * 2 / 4)  # two better, ties share the rank


@pytest.fixture(scope="module")
def england():
    config = validity.blank_sheet_config(ROOT / "configs" / "england.toml")
    return config, load_inputs(config)


@pytest.mark.slow
def test_real_groups_outside_the_candidate_space_say_why(england):
    config, inputs = england
    arr = load_arrangements().set_index("arrangement")
    region = set(inputs.authorities.index)

    def why(name, k=6):
        row = arr.loc[name]
        return validity.out_of_space(row["members"], row["service"], inputs.graphs, k, region)

    assert why("Lancaster-Preston Revenues and Benefits") == "not connected in the service's neighbour graph"
    assert why("North London Waste Authority") == "too many members (7 > max_group_size 6)"
    assert why("North London Waste Authority", k=7) == ""
    assert why("Museums Worcestershire").startswith("cross-tier")
    assert why("East Kent Services (EK Services)") == ""
    assert validity.out_of_space(("E07000106", "E06000001"), "Central_Services", inputs.graphs, 6,
                                 {"E07000106"}) == "member(s) outside the region: E06000001"


def test_greedy_portfolio_respects_slots_and_governance_capacity():
    config = validity.blank_sheet_config(ROOT / "configs" / "north-east.toml")
    config = config.model_copy(update={"constraints": config.constraints.model_copy(
        update={"governance_capacity": 1})})
    inputs = load_inputs(config)
    table = enumerate_candidates(inputs, config, with_shares=False).table
    chosen = validity.greedy_portfolio(table, config.constraints)
    slots = [(m, s) for ms, ss in zip(chosen["members"], chosen["services"])
             for m in ms.split(";") for s in ss.split(";")]
    assert len(slots) == len(set(slots)) and len(chosen) > 0
    members = [m for ms in chosen["members"] for m in ms.split(";")]
    assert len(members) == len(set(members))  # capacity 1: each council in at most one
    assert chosen["npv_gbp_k"].iloc[0] == table["npv_gbp_k"].max()  # the best goes first


def test_span_check_tolerates_a_model_without_spans():
    config = validity.blank_sheet_config(ROOT / "configs" / "north-east.toml")
    import pandas as pd
    out = validity.span_check(pd.DataFrame({"npv_gbp_k": [1.0]}), pd.DataFrame(), config.model)
    assert out["available"] is False


@pytest.fixture()
def hand_table():
    """Six candidates of one service: three pairs, two triples, one quad (NPV in £k)."""
    import pandas as pd
    return pd.DataFrame({
        "members": ["A;B", "C;D", "B;E", "A;B;C", "D;E;F", "C;D;E;F"],
        "n_members": [2, 2, 2, 3, 3, 4],
        "population": [100.0, 300.0, 200.0, 400.0, 500.0, 900.0],
        "npv_gbp_k": [50.0, 80.0, 20.0, 120.0, 90.0, 400.0]})


def test_counterfactual_percentiles_rank_within_size_and_within_the_members_options(hand_table):
    cf = validity.counterfactual_percentiles(hand_table, ("A", "B"), 50.0)
    # national: 4 of the other 5 are better -> 100 * (6 - 1 - 4) / 5
    assert cf["national"] == pytest.approx(20.0) and cf["n_national"] == 6
    # size-matched: pairs 50, 80, 20 -> one better of three -> 100 * (3 - 1 - 1) / 2
    assert cf["size_matched"] == pytest.approx(50.0) and cf["n_size_matched"] == 3
    # own options: candidates with A or B: A;B (50), B;E (20), A;B;C (120) -> one better
    assert cf["own_options"] == pytest.approx(50.0) and cf["n_own_options"] == 3


def test_counterfactual_percentiles_give_0_to_a_pruned_group_and_none_to_an_empty_set(hand_table):
    cf = validity.counterfactual_percentiles(hand_table, ("A", "B"), None)
    assert cf["national"] == cf["size_matched"] == cf["own_options"] == 0.0
    cf = validity.counterfactual_percentiles(hand_table, ("X", "Y", "Z", "W", "V"), 10.0)
    assert cf["n_size_matched"] == 0 and cf["size_matched"] is None
    assert cf["n_own_options"] == 0 and cf["own_options"] is None
    best = validity.counterfactual_percentiles(hand_table, ("C", "D", "E", "F"), 400.0)
    assert best["national"] == best["size_matched"] == best["own_options"] == 100.0


def test_spearman_rows_separate_size_from_value_within_a_size(hand_table):
    rows = validity.spearman_rows(hand_table)
    # all sizes: rank differences -1, 0, 1, -1, 1, 0 -> sum d^2 = 4 -> 1 - 6 * 4 / (6 * 35)
    assert rows["spearman_npv_population"] == pytest.approx(1 - 6 * 4 / (6 * 35))
    # pairs: differences -1, 0, 1 -> 1 - 6 * 2 / (3 * 8)
    assert rows["n_size_2"] == 3 and rows["spearman_size_2"] == pytest.approx(0.5)
    assert rows["n_size_3"] == 2 and rows["spearman_size_3"] is None  # too few to rank
    assert rows["share_at_max_size"] == pytest.approx(1 / 6)


def test_without_cdc_cuts_only_central_services_by_the_class_share():
    import dataclasses
    from sharedopt.candidates.value import CostBase
    real = CostBase(np.array(["A", "B"], dtype=object), ("Central_Services", "Environment"), np.array([1.0, 2.0]),
                    np.array([[100.0, 10.0], [200.0, 20.0]]), np.zeros((2, 2), dtype=bool),
                    tier=np.array(["district", "county"], dtype=object))
    cut = validity.without_cdc(real, {"district": 0.5, "county": 0.25})
    assert cut.spend[:, 0].tolist() == [50.0, 150.0] and cut.spend[:, 1].tolist() == [10.0, 20.0]
    assert real.spend[0, 0] == 100.0  # the original is untouched
    assert dataclasses.is_dataclass(cut)
    shares = validity.cdc_shares()
    assert 0.3 < shares["district"] < 0.6 and set(shares) == {"district", "county", "single-tier"}


@pytest.mark.slow
def test_shared_management_teams_are_judged_in_the_whole_organisation_space(england):
    from sharedopt.candidates.value import CostBase
    from sharedopt.candidates.wholeorg import whole_org_graph
    config, inputs = england
    arr = load_arrangements()
    teams = arr[arr["intended_kind"] == "whole_organisation"]
    assert set(teams["category"]) == {"shared_chief_executive_management"} and len(teams) == 3
    base = CostBase.from_frames(inputs.authorities, inputs.costs, config.model)
    graph = whole_org_graph(base, inputs.graphs, config.model.whole_org_tiers)
    region = set(inputs.authorities.index)
    for members in teams["members"]:
        assert validity.out_of_whole_org_space(members, graph, 3, region) == ""
    # a district with a unitary is never a whole-organisation group (one tier class only)
    assert validity.out_of_whole_org_space(("E07000106", "E06000001"), graph, 3, region).startswith(
        "member(s) not of a whole-organisation tier class")
    assert validity.out_of_whole_org_space(teams["members"].iloc[0], graph, 1, region).startswith(
        "too many members (2 > whole_org_max_group_size 1)")


def test_blank_sheet_config_ranks_without_the_circular_prior_uplift():
    config = validity.blank_sheet_config(ROOT / "configs" / "north-east.toml")
    kept = validity.blank_sheet_config(ROOT / "configs" / "north-east.toml", keep_prior_uplift=True)
    assert config.model.readiness.prior_collaboration_uplift == 0.0
    assert kept.model.readiness.prior_collaboration_uplift > 0.0
    assert config.constraints.status_quo is False and config.model.candidates == "enumerate"
    changed = validity.blank_sheet_config(ROOT / "configs" / "north-east.toml", {"coordination_best_size": 3})
    assert changed.model.coordination_best_size == 3 and config.model.coordination_best_size == 0


def test_service_tables_hold_that_services_scale_candidates_only():
    """A real Central_Services arrangement is ranked among Central_Services scale groups, never
    matched to the whole-organisation candidate of the same councils (Kent's districts have both)."""
    config = validity.blank_sheet_config(ROOT / "configs" / "kent.toml")
    inputs = load_inputs(config)
    assert config.model.whole_organisation  # the run offers whole-organisation candidates...
    table = validity.service_candidates(inputs, config.model, "Central_Services", 3)
    assert len(table) > 0
    assert table["candidate_id"].str.startswith("Central_Services|").all()  # ...the ranking table does not
    assert "realisation_factor" in table
