"""Finer services: RO5 2024-25 sub-lines and the Lancashire split of Central_Services."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sharedopt.cli import app
from sharedopt.config.schema import config_from_dict
from sharedopt.data import DataQuality, load_authorities, load_costs, neighbour_graph
from sharedopt.data.authorities import authority_table
from sharedopt.data.build import derive_england_costs
from sharedopt.config.fine_services import CENTRAL_FUNCTIONS, FINE_SERVICES, parents
from sharedopt.data.detail import (
    CENTRAL_FILE, SHARES_FILE, derive_central_split, derive_subservice_shares, jwa_members,
)
from sharedopt.data.paths import data_dir
from sharedopt.common.errors import DataError

RAW = data_dir() / "raw"
CUMBERLAND = "E06000063"


@pytest.fixture(scope="module")
def english() -> list[str]:
    table = authority_table()
    return sorted(table.index[table["nation"] == "England"])


@pytest.fixture(scope="module")
def fine(english) -> tuple[pd.DataFrame, pd.DataFrame, DataQuality]:
    quality = DataQuality()
    costs = load_costs(english, quality=quality, service_detail="fine")
    return load_costs(english), costs, quality


def wide(costs: pd.DataFrame) -> pd.DataFrame:
    return costs.pivot_table(index="authority", columns="service", values="net_expenditure_gbp_k", dropna=False)


@pytest.mark.parametrize("year", ["2023-24", "2019-20"])
def test_each_parent_is_the_sum_of_its_parts_for_every_council(english, year):
    top = wide(load_costs(english, year))
    fine = wide(load_costs(english, year, service_detail="fine"))
    for parent, parts in parents().items():
        has = top[parent].notna()
        got = fine.loc[has, parts].fillna(0.0).sum(axis=1)
        assert np.allclose(got, top.loc[has, parent], atol=1e-6), parent
        assert fine.loc[~has, parts[-1]].isna().all()  # no return: nothing invented
    assert not set(parents()) & set(fine.columns)  # the parents are swapped out


def test_2023_24_sub_line_is_the_2024_25_value_deflated_by_the_parent_growth(fine):
    raw = pd.read_csv(RAW / "finance/england_ro5_subservice_2024_25.csv").set_index("ons_code")
    england = derive_england_costs(RAW)
    panel = england.pivot_table(index=["authority", "service"], columns="year", values="net_expenditure_gbp_k")
    both = panel[(panel["2022-23"] > 0) & (panel["2023-24"] > 0)]
    env = both.xs("Environment", level="service")
    growth = env["2023-24"].sum() / env["2022-23"].sum()
    shares = pd.read_csv(data_dir() / SHARES_FILE)
    ok = shares[(shares["service"] == "Waste_Collection") & shares["flag"].isna()
                & (shares["scaled_by"] == 1.0)]["authority"]
    carved = wide(fine[1]).loc[ok, "Waste_Collection"]
    expected = raw.loc[ok, "waste_collection_nce_gbp_k"] / growth
    assert len(ok) > 250
    assert np.allclose(carved.to_numpy(), expected.to_numpy(), rtol=1e-5)


def test_sub_lines_larger_than_their_parent_fill_it_and_are_flagged(fine):
    top, costs, quality = fine
    shares = pd.read_csv(data_dir() / SHARES_FILE)
    scaled = shares[shares["scaled_by"] < 1.0]
    assert len(scaled) > 0
    parent_value = wide(top)
    parts = wide(costs)
    for parent, names in parents().items():
        positive = parent_value[parent] > 0
        assert (parts.loc[positive, names[-1]].fillna(0) >= 0).all(), parent  # never over-carved
    for (code, parent), _ in scaled.groupby(["authority", "parent"]):
        negative = parts.loc[code, parents()[parent][:-1]].clip(upper=0).sum()
        assert parts.loc[code, f"{parent}_Other"] == pytest.approx(-negative, abs=1e-6)  # filled exactly
        assert any(e["code"] == code and e["field"] == parent and "scaled down" in e["action"]
                   for e in quality.entries)


def test_derived_tables_are_reproducible_from_the_raw_copies():
    england = derive_england_costs(RAW)
    shares = derive_subservice_shares(RAW, england)
    stored = pd.read_csv(data_dir() / SHARES_FILE, dtype={"flag": str}, keep_default_na=False, na_values=[""])
    assert list(shares.columns) == list(stored.columns) and len(shares) == len(stored) == 317 * len(FINE_SERVICES)
    assert np.allclose(shares["share"].astype(float), stored["share"], equal_nan=True)
    split = derive_central_split(RAW)
    stored = pd.read_csv(data_dir() / CENTRAL_FILE)
    assert np.allclose(split["share"], stored["share"]) and list(split["service"]) == list(stored["service"])


def test_two_tier_disposal_and_libraries_with_the_county_collection_with_the_districts():
    kent = load_authorities("kent")
    costs = load_costs("kent", service_detail="fine")
    county = set(kent.index[kent["tier"] == "county"])
    districts = set(kent.index[kent["tier"] == "district"])
    for service in ("Waste_Disposal", "Libraries"):
        assert set(neighbour_graph(kent, service, [], costs=costs)) == county
    for service in ("Waste_Collection", "Development_Control", "Street_Cleansing"):
        nodes = set(neighbour_graph(kent, service, [], costs=costs))
        assert nodes <= districts and len(nodes) >= 10


def test_a_district_reporting_disposal_is_flagged_and_gets_no_disposal_slot():
    raw = pd.read_csv(RAW / "finance/england_ro5_subservice_2024_25.csv")
    district = raw[(raw["cls"] == "SD") & (raw["waste_disposal_nce_gbp_k"] > 0)].sort_values(
        "waste_disposal_nce_gbp_k").iloc[-1]["ons_code"]
    county = authority_table().loc[district, "parent_county"]
    codes = sorted(authority_table().index[authority_table()["parent_county"] == county]) + [county]
    quality = DataQuality()
    costs = load_costs(codes, quality=quality, service_detail="fine")
    graph = neighbour_graph(load_authorities(codes), "Waste_Disposal", [], costs=costs)
    assert set(graph) == {county}
    entries = quality.to_frame()
    assert ((entries["code"] == district) & entries["issue"].str.contains("district reports waste disposal")).any()


def test_joint_waste_authority_members_are_flagged_not_zero(fine):
    members = jwa_members(RAW)
    top, costs, quality = fine
    assert len(members) >= 30
    disposal = costs[costs["service"] == "Waste_Disposal"].set_index("authority")
    assert disposal.loc[sorted(members), "net_expenditure_gbp_k"].isna().all()
    assert not disposal.loc[sorted(members), "eligible"].any()
    entries = quality.to_frame()
    flagged = set(entries.loc[entries["issue"].str.startswith("joint waste authority member"), "code"])
    assert flagged == set(members) & set(costs["authority"])
    other = disposal.drop(index=sorted(members))
    assert (other["net_expenditure_gbp_k"].fillna(0) != 0).sum() > 100  # other councils keep their disposal


def test_cumberland_has_no_ro5_return_and_is_listed(fine):
    top, costs, quality = fine
    mine = costs[costs["authority"] == CUMBERLAND].set_index("service")["net_expenditure_gbp_k"]
    assert mine[list(FINE_SERVICES)].isna().all()
    assert mine["Environment_Other"] == top[(top["authority"] == CUMBERLAND)
                                           & (top["service"] == "Environment")]["net_expenditure_gbp_k"].item()
    entries = quality.to_frame()
    listed = entries[(entries["code"] == CUMBERLAND) & (entries["issue"] == "no RO5 2024-25 return")]
    assert set(listed["field"]) == set(FINE_SERVICES)


def test_central_split_sums_to_the_central_line_and_is_estimated(fine):
    top, costs, quality = fine
    parts = parents()["Central_Services"]
    assert parts[:-1] == list(CENTRAL_FUNCTIONS)
    central = top[top["service"] == "Central_Services"].set_index("authority")["net_expenditure_gbp_k"].dropna()
    got = wide(costs).loc[central.index, parts].fillna(0).sum(axis=1)
    assert np.allclose(got, central, atol=1e-6)
    assert costs[costs["service"].isin(parts + [p for v in parents().values() for p in v])]["estimated"].all()
    education = costs[costs["service"] == "Education"]
    assert not education[education["provenance"] == "reported"]["estimated"].any()  # carried-forward spend is an estimate
    # districts: the median share of the 12 Lancashire districts, recomputed from the raw detail
    detail = pd.read_csv(RAW / "finance/lancashire15_ro4_ro5_ro6_detail_2024_25.csv")
    ro6 = detail[(detail["form"] == "RO6") & (detail["class"] == "SD")]
    net = ro6.pivot_table(index="ons_code", columns="line", values="net_current_expenditure_gbp_k")
    share = (net["Corporate and Democratic Core"] / net["TOTAL CENTRAL SERVICES"]).median()
    district = central.index[central.index.str.startswith("E07") & (central > 0)][0]
    assert wide(costs).loc[district, "Corporate_Democratic_Core"] == pytest.approx(share * central[district], rel=1e-5)
    assert any("split from 15 Lancashire councils, 2024-25" in e["action"] for e in quality.entries)


def test_fine_config_maps_parents_in_services_and_scope_pairs():
    top = config_from_dict({"region": {"name": "kent"}, "data": {"services": ["Environment"]}})
    assert top.data.services == ["Environment"]
    fine = config_from_dict({"region": {"name": "kent"},
                             "data": {"services": ["Environment", "Housing"], "service_detail": "fine"}})
    assert fine.data.services == parents()["Environment"] + ["Housing"]
    pairs = {p.services for p in fine.model.scope_pairs}
    assert ("Highways_Transport", "Street_Cleansing") in pairs and ("Housing", "Revenues_Benefits") in pairs
    assert ("Recycling", "Waste_Collection") in pairs
    assert not any(s in parents() for pair in pairs for s in pair)
    again = config_from_dict(fine.model_dump(mode="json"))  # mapping twice changes nothing
    assert {p.services for p in again.model.scope_pairs} == pairs


def test_fine_services_refuse_welsh_councils():
    with pytest.raises(DataError, match="English councils only"):
        load_costs("wales", service_detail="fine")


def test_list_services_shows_the_fine_services():
    result = CliRunner(env={"COLUMNS": "250"}).invoke(app, ["list", "services"])
    assert result.exit_code == 0
    for name in list(FINE_SERVICES) + list(CENTRAL_FUNCTIONS) + ["Environment_Other"]:
        assert name in result.output


@pytest.mark.slow
def test_fine_run_on_lancashire_solves_and_says_it_is_estimated():
    from sharedopt.config.schema import load_config
    from sharedopt.pipeline.sequencer import run
    from pathlib import Path
    config = load_config(Path(__file__).resolve().parents[1] / "configs" / "lancashire-fine.toml")
    # Projected savings in full (realisation base 1), so small sub-service groups stay positive:
    # this test is about the fine services reaching the candidates, not their realised value.
    realisation = config.model.realisation.model_copy(update={"base": 1.0})
    config = config.model_copy(update={"model": config.model.model_copy(update={"realisation": realisation})})
    result = run(config)
    assert result.solver.status == "optimal"
    fine_names = {p for parts in parents().values() for p in parts}
    used = {s for services in result.candidates["services"] for s in services.split(";")}
    assert used <= fine_names | {"Housing", "Highways_Transport", "Education", "Children_Social_Care",
                                 "Adult_Social_Care", "Public_Health"}
    assert used & set(FINE_SERVICES)
    fine_rows = result.candidates["services"].str.split(";").map(lambda s: bool(set(s) & fine_names))
    assert result.candidates.loc[fine_rows, "estimated"].all()
    names = [s["name"] for s in result.summary.data_sources if s["estimated"]]
    assert "Central_Services split (ESTIMATE)" in names and "England sub-service spend (ESTIMATE)" in names
