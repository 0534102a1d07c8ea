"""The validity benchmark's building blocks (benchmarks/validity.py) on real data."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from sharedopt.data.arrangements import load_arrangements
from sharedopt.pipeline import enumerate_candidates, load_inputs

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
