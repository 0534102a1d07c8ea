"""The validity benchmark (benchmarks/validity.py): its measures on small built inputs, and
real arrangements valued exactly as the candidate table values them."""

from __future__ import annotations

import importlib.util
import itertools
import math
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from sharedopt.candidates.table import CANDIDATE_ID, NPV
from sharedopt.pipeline.steps import enumerate_candidates, load_inputs

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("validity", ROOT / "benchmarks" / "validity.py")
validity = importlib.util.module_from_spec(spec)
spec.loader.exec_module(validity)
measures = importlib.import_module("validity_measures")
groups = importlib.import_module("validity_groups")


def test_share_ci_on_known_counts():
    out = measures.share_ci(7, 20)
    assert out["share"] == 0.35
    # R: binom.test(7, 20)$conf.int = 0.1539092 0.5921885
    assert out["clopper_pearson"] == pytest.approx([0.1539092, 0.5921885], abs=1e-7)
    z, n, p = 1.959963984540054, 20, 0.35  # the Wilson score interval, written out
    centre, half = (p + z * z / (2 * n)) / (1 + z * z / n), z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert out["wilson"] == pytest.approx([centre - half, centre + half])
    assert measures.share_ci(0, 0)["share"] is None
    assert measures.share_ci(20, 20)["clopper_pearson"][1] == 1.0


def test_mid_percentile_counts_ties_half():
    reference = np.array([1.0, 2.0, 3.0, 4.0])
    assert measures.mid_percentile(3.0, reference) == 62.5  # two below, one tie
    assert measures.mid_percentile(5.0, reference) == 100.0
    assert measures.mid_percentile(0.5, reference) == 0.0


def test_median_interval_from_order_statistics():
    out = measures.median_ci(np.arange(10, 0, -1))
    # n = 10: P(2 <= B <= 8) = 1 - 2 * 11/1024 >= 0.95, P(3 <= B <= 7) = 1 - 2 * 56/1024 < 0.95
    assert out["median"] == 5.5 and out["ci"] == [2.0, 9.0]
    assert measures.median_ci([1, 2, 3, 4, 5])["ci"] is None  # 1 - 2/32 < 0.95: too few for an interval


def test_sign_test_drops_ties_and_gives_the_exact_one_sided_p():
    out = measures.sign_test([60.0, 70.0, 80.0, 40.0, 50.0, None])
    assert (out["n_above"], out["n_below"], out["n_ties"]) == (3, 1, 1)
    assert out["p_value"] == pytest.approx(5 / 16)  # P(B >= 3), B ~ Binomial(4, 1/2)
    assert out["share"] == 0.75


def test_calibration_is_scored_only_with_five_achieved_figures():
    def frame(n_achieved):
        return pd.DataFrame({"modelled_annual_net_saving_gbp_k": [100.0] * n_achieved + [50.0, 80.0, 1.0],
                             "reported_annual_saving_gbp_k": [100.0] * n_achieved + [100.0, 100.0, 0.0],
                             "reported_saving_basis": ["achieved (average)"] * n_achieved + ["target", "projected",
                                                                                              "achieved"]})
    few = measures.calibration(frame(4))
    assert few["scored"] is False and few["within_0_67_1_5"] is None and few["achieved"]["n"] == 4
    assert few["target"]["ratios"] == [0.5, 0.8]  # the zero reported figure is left out
    enough = measures.calibration(frame(5))
    assert enough["scored"] is True and enough["achieved"]["median"] == 1.0 and enough["within_0_67_1_5"] is True


def test_anchored_groups_list_each_connected_group_with_a_member_once():
    graph = nx.Graph([("A", "B"), ("B", "C"), ("C", "D"), ("D", "E"), ("B", "E"), ("E", "F")])
    got = groups.anchored_groups(graph, ("B", "F"), 3, limit=1000)
    brute = [c for c in itertools.combinations(sorted(graph), 3)
             if {"B", "F"} & set(c) and nx.is_connected(graph.subgraph(c))]
    assert sorted(got) == sorted(brute) and len(got) == len(set(got))
    assert groups.anchored_groups(graph, ("B", "F"), 3, limit=3) is None  # more than the limit


def test_percentile_of_a_known_group_among_its_hand_built_reference_set():
    """Pair A+B among the pairs containing A or B; rates (NPV per £ pooled) set by hand."""
    rates = {("A", "B"): 0.05, ("B", "C"): 0.01, ("B", "E"): 0.02, ("A", "D"): 0.08}
    reference = np.array([r for g, r in rates.items() if g != ("A", "B")])
    assert measures.mid_percentile(rates[("A", "B")], reference) == pytest.approx(100 * 2 / 3)


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


def test_blank_sheet_config_values_without_the_circular_prior_uplift():
    config = validity.blank_sheet_config(ROOT / "configs" / "north-east.toml")
    kept = validity.blank_sheet_config(ROOT / "configs" / "north-east.toml", keep_prior_uplift=True)
    assert config.model.readiness.prior_collaboration_uplift == 0.0
    assert kept.model.readiness.prior_collaboration_uplift > 0.0
    assert config.constraints.status_quo is False and config.model.candidates == "enumerate"
    changed = validity.blank_sheet_config(ROOT / "configs" / "north-east.toml", {"coordination_best_size": 3})
    assert changed.model.coordination_best_size == 3 != config.model.coordination_best_size
    assert validity.model_settings(["coordination_best_size=0", "x=text"]) == {"coordination_best_size": 0,
                                                                               "x": "text"}


def test_real_arrangements_are_valued_as_the_candidate_table_values_them():
    """Kent's arrangements (all members in Kent): the benchmark's NPV is the candidate table's, exactly."""
    config = validity.blank_sheet_config(ROOT / "configs" / "kent.toml")
    inputs = load_inputs(config)
    arr = groups.arrangement_table()
    arr = arr[arr["members"].map(lambda m: set(m) <= set(inputs.authorities.index))].reset_index(drop=True)
    assert len(arr) >= 3
    valued = validity.value_arrangements(inputs, config, arr)
    table = enumerate_candidates(inputs, config, with_shares=False).table.set_index(CANDIDATE_ID)
    listed = valued[valued["candidate_id"].isin(table.index)]
    assert len(listed) >= 2  # some are in the table (positive NPV) ...
    assert listed["npv_gbp_k"].tolist() == table.loc[listed["candidate_id"], NPV].tolist()  # ... bit for bit
    rest = valued[~valued["candidate_id"].isin(table.index)]
    assert (rest["appraisal_notes"] != "").all()  # the rest: each says why the table leaves it out
