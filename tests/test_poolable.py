"""Poolable shares from outturn detail: the fixture's hand sums, fallbacks, the democratic core, Kent's status quo."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sharedopt.candidates.poolable import with_status_quo
from sharedopt.candidates.value import CostBase, asset_budget
from sharedopt.config.params import ModelParams
from sharedopt.config.schema import load_config
from sharedopt.data.poolable import derive_poolable_shares, load_poolable, poolable_table
from sharedopt.model.exclusions import existing_slots
from sharedopt.candidates.status_quo import effective_constraints
from sharedopt.pipeline.steps import load_inputs

FIXTURE = Path(__file__).parent / "fixtures" / "poolable"
ROOT = Path(__file__).resolve().parents[1]
BURNLEY, CHORLEY, MAIDSTONE = "E07000117", "E07000118", "E07000110"


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    # RO5 sub-service rows: every council's waste collection flagged (no return), so no
    # council is "partly measured" and the fallbacks come from the detail alone.
    sub = pd.DataFrame({"authority": [BURNLEY, CHORLEY, MAIDSTONE], "class": "SD", "service": "Waste_Collection",
                        "parent": "Environment", "share": np.nan, "flag": "no RO5 2024-25 return"})
    return derive_poolable_shares(FIXTURE, sub).set_index(["authority", "service", "function"])


def test_poolable_base_is_the_sum_of_its_named_lines(table):
    # Central: council tax 100 + business rates 50 + management and support 350, of 1,050
    central = table.loc[(BURNLEY, "Central_Services", "")]
    assert central["share"] == pytest.approx(round((100 + 50 + 350) / 1050, 6))
    assert central["basis"] == "measured"
    # Environment: waste collection 400 + street cleansing 200 + licensing 100 (public
    # conveniences 50 not poolable), of 800; the named lines cover 750 / 800
    env = table.loc[(BURNLEY, "Environment", "")]
    assert env["share"] == pytest.approx(round(700 / 800, 6))
    assert env["coverage"] == pytest.approx(750 / 800)
    # functions: revenues and benefits 150 of the Central line, 100 of 400 in Housing (RO4)
    assert table.loc[(BURNLEY, "Central_Services", "revenues_benefits"), "share"] == pytest.approx(round(150 / 1050, 6))
    assert table.loc[(BURNLEY, "Housing", "revenues_benefits"), "share"] == pytest.approx(0.25)
    assert table.loc[(BURNLEY, "Central_Services", "ict"), "share"] == pytest.approx(round(350 / 1050 / 7, 6))


def test_a_council_with_a_missing_line_falls_back_with_a_label(table):
    # Chorley's Environment detail covers 400 of 1,000: not measured, the class median instead
    env = table.loc[(CHORLEY, "Environment", "")]
    assert env["basis"] == "class-median fallback"
    assert env["share"] == pytest.approx(round(700 / 800, 6))
    assert env["basis_detail"].startswith("median of 1 Lancashire district council")
    # Maidstone has no detail at all: the median of the two measured districts' Central shares
    central = table.loc[(MAIDSTONE, "Central_Services", "")]
    assert central["basis"] == "class-median fallback"
    assert central["share"] == pytest.approx(round((500 / 1050 + 0.0) / 2, 6))
    assert central["basis_detail"].startswith("median of 2 Lancashire districts")
    # Housing is measured nowhere (coverage 100 / 400): no row, so the valuation's assumption
    assert (BURNLEY, "Housing", "") not in table.index


def test_the_corporate_and_democratic_core_is_never_pooled(table):
    # Chorley's Central line is all corporate and democratic core: nothing poolable
    assert table.loc[(CHORLEY, "Central_Services", "")]["share"] == 0.0
    # the embedded table: no Lancashire council's poolable Central expenditure reaches into its core
    detail = pd.read_csv(ROOT / "data/raw/finance/lancashire15_ro4_ro5_ro6_detail_2024_25.csv")
    gross = detail.pivot_table(index="ons_code", columns="line", values="total_expenditure_gbp_k", aggfunc="sum")
    real = poolable_table().set_index(["authority", "service", "function"])
    for code in gross.index:
        share = real.loc[(code, "Central_Services", ""), "share"]
        total, core = gross.loc[code, "TOTAL CENTRAL SERVICES"], gross.loc[code, "Corporate and Democratic Core"]
        assert share * total <= total - core + 1e-3 * total
    fine = load_poolable([BURNLEY], ["district"], ["Corporate_Democratic_Core"])
    assert fine.share.iloc[0, 0] == 0.0


def test_asset_budget_uses_the_data_and_a_config_value_overrides_it():
    authorities = pd.DataFrame({"population": [90_000, 120_000], "tier": ["district", "district"]},
                               index=[BURNLEY, MAIDSTONE])
    costs = pd.DataFrame({"authority": [BURNLEY, MAIDSTONE], "service": "Central_Services",
                          "net_expenditure_gbp_k": [1000.0, 2000.0], "estimated": False, "eligible": True})
    params = ModelParams(cost_curves="literature")
    base = CostBase.from_frames(authorities, costs, params)
    real = poolable_table().set_index(["authority", "service", "function"])["share"]
    budget = asset_budget(base, params, "Central_Services")[base.index_of([BURNLEY, MAIDSTONE])]
    expected = [1000.0 * real[(BURNLEY, "Central_Services", "")], 2000.0 * real[(MAIDSTONE, "Central_Services", "")]]
    np.testing.assert_allclose(budget, expected)
    fixed = ModelParams(cost_curves="literature", services={"Central_Services": {"asset_intensity": 0.3}})
    assert fixed.services["Central_Services"].poolable_share == "asset_intensity"
    np.testing.assert_allclose(asset_budget(base, fixed, "Central_Services")[base.index_of([BURNLEY, MAIDSTONE])],
                               [300.0, 600.0])


@pytest.fixture(scope="module")
def kent():
    config = load_config(ROOT / "configs/kent.toml")
    inputs = load_inputs(config)
    return config, inputs, effective_constraints(config.constraints, inputs.authorities.index)


def test_kent_revenues_and_benefits_arrangement_occupies_only_its_function(kent):
    config, inputs, cons = kent
    rb = [ex for ex in cons.existing if "Revenues and Benefits" in ex.name]
    assert rb and all(ex.service == "Central_Services" and "revenues_benefits" in ex.function for ex in rb)
    # no Central_Services slot is held by them: the line stays open to new partnerships
    slots = existing_slots(cons)
    assert not any(key[1] == "Central_Services" for key in slots)
    # ... and each member's poolable base shrinks by exactly its revenues-and-benefits share
    plain = CostBase.from_frames(inputs.authorities, inputs.costs, config.model)
    occupied = with_status_quo(plain, cons)
    functions = load_poolable(plain.codes, plain.tier, plain.services).functions
    share = functions.set_index(["authority", "function", "service"])["share"]
    dartford = "E07000107"  # Dartford-Sevenoaks Revenues and Benefits (revenues and benefits only)
    i, col = plain.index_of([dartford])[0], plain.service_index("Central_Services")
    before = asset_budget(plain, config.model, "Central_Services")[i]
    after = asset_budget(occupied, config.model, "Central_Services")[i]
    expected = plain.spend[i, col] * (plain.poolable[i, col] - share[(dartford, "revenues_benefits", "Central_Services")])
    assert after == pytest.approx(expected)
    assert 0 < after < before
    h = plain.service_index("Housing")
    assert asset_budget(occupied, config.model, "Housing")[i] == pytest.approx(
        plain.spend[i, h] * (plain.poolable[i, h] - share[(dartford, "revenues_benefits", "Housing")]))
    # a council with no arrangement keeps its whole base
    ashford = plain.index_of(["E07000105"])[0]
    assert asset_budget(occupied, config.model, "Central_Services")[ashford] == pytest.approx(
        asset_budget(plain, config.model, "Central_Services")[ashford])


def test_a_whole_line_arrangement_still_blocks_its_slot(kent):
    _, _, cons = kent
    whole = cons.model_copy(update={"existing": [ex.model_copy(update={"function": ""}) for ex in cons.existing]})
    slots = existing_slots(whole)
    assert ("E07000107", "Central_Services") in slots


def test_data_quality_counts_each_councils_basis(kent):
    _, inputs, _ = kent
    rows = inputs.quality.to_frame()
    rows = rows[rows["file"] == "derived/poolable_shares.csv"].set_index("field")
    spend = inputs.costs[inputs.costs["net_expenditure_gbp_k"] > 0]
    councils = spend.loc[spend["service"] == "Central_Services", "authority"].nunique()
    central = rows.loc["Central_Services", "issue"]
    assert central.startswith(f"poolable share of {councils} councils")
    assert f"{councils} class-median fallback" in central  # no Kent council has RO6 detail
    assert rows.loc["Central_Services", "action"].startswith("100% on a fallback")
    assert "assumption" in rows.loc["Education", "issue"] and rows.loc["Education", "action"].startswith("100%")


def test_setting_asset_intensity_in_a_scenario_overrides_the_data():
    from sharedopt.pipeline.scenario import Scenario

    base = Scenario.from_config(ROOT / "configs/kent.toml")
    assert base.config.model.services["Environment"].poolable_share == "data"
    same = base.with_({"model.services.Environment.asset_intensity": 0.35})  # the default: no change
    assert same.config.model.services["Environment"].poolable_share == "data"
    changed = base.with_({"model.services.Environment.asset_intensity": 0.3})
    assert changed.config.model.services["Environment"].poolable_share == "asset_intensity"
    assert changed.config.model.services["Culture"].poolable_share == "data"
