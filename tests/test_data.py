"""Tests for sharedopt.data on the real embedded data (data/).

Expected values are checked against the raw public files, read here
independently with pandas (ONS population, MHCLG outturn), or against facts
that follow from how the data are organised (LADs partition a nation, a county
is the sum of its districts, a county and its districts never share an edge).
"""

from __future__ import annotations

import math

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest

from sharedopt.config.assumptions import OPTIONAL_LINKS
from sharedopt.data import DataQuality, load_authorities, load_costs, neighbour_graph
from sharedopt.data.paths import data_dir
from sharedopt.common.errors import DataError

RAW = data_dir() / "raw"
POPULATION_CSV = RAW / "population" / "ons_mid2022_population_uk.csv"
OUTTURN_CSV = RAW / "finance" / "england_revenue_outturn_net_by_service_2023_24.csv"
OUTTURN_JSON = RAW / "finance" / "england_revenue_outturn_net_by_service_2017_2024.json"
COUNCIL_SERVICES = [
    "Education", "Highways_Transport", "Children_Social_Care", "Adult_Social_Care",
    "Public_Health", "Housing", "Culture", "Environment", "Planning", "Central_Services", "Other",
]
NON_COUNCIL = ["Police", "Fire_Rescue"]
LOWER_TIER_PREFIXES = ("E06", "E07", "E08", "E09")


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def ons_population() -> pd.Series:
    """ONS mid-2022 population by GSS code, read straight from the raw file."""
    table = pd.read_csv(POPULATION_CSV, encoding="utf-8-sig")
    return table.set_index("Code")["Population"]


@pytest.fixture(scope="module")
def raw_outturn() -> pd.DataFrame:
    """MHCLG 2023-24 outturn (wide, one row per authority or class total), read raw."""
    return pd.read_csv(OUTTURN_CSV, dtype={"ONS_code": str})


@pytest.fixture(scope="module")
def england() -> gpd.GeoDataFrame:
    return load_authorities("england")


@pytest.fixture(scope="module")
def england_costs_and_quality() -> tuple[pd.DataFrame, DataQuality]:
    quality = DataQuality()
    return load_costs("england", quality=quality), quality


@pytest.fixture(scope="module")
def wales() -> gpd.GeoDataFrame:
    return load_authorities("wales")


# --------------------------------------------------------------------------- authorities

def test_england_has_296_lower_tier_and_unitary_plus_21_counties(england):
    assert len(england) == 317
    prefixes = england.index.str[:3]
    assert prefixes.isin(LOWER_TIER_PREFIXES).sum() == 296
    assert (prefixes == "E10").sum() == 21
    assert set(prefixes) == set(LOWER_TIER_PREFIXES) | {"E10"}
    assert (england.loc[prefixes == "E10", "tier"] == "county").all()
    assert (england.loc[prefixes == "E07", "tier"] == "district").all()
    assert england.index.is_unique


@pytest.mark.parametrize("region, n, prefix", [("wales", 22, "W06"), ("scotland", 32, "S12")])
def test_wales_and_scotland_counts(region, n, prefix):
    gdf = load_authorities(region)
    assert len(gdf) == n
    assert (gdf.index.str[:3] == prefix).all()


def test_north_east_is_12_single_tier_councils(ons_population):
    ne = load_authorities("north-east")
    assert len(ne) == 12
    assert set(ne["tier"]) <= {"unitary", "metropolitan"}
    assert ne["parent_county"].isna().all()
    # The 12 councils partition the ONS North East region (E12000001).
    assert ne["population"].sum() == ons_population["E12000001"]


def test_kent_is_the_county_council_and_its_12_districts():
    kent = load_authorities("kent")
    assert len(kent) == 13
    counties = kent[kent["tier"] == "county"]
    assert list(counties.index) == ["E10000016"]
    assert counties["name"].iloc[0] == "Kent"
    districts = kent[kent["tier"] == "district"]
    assert len(districts) == 12
    assert (districts["parent_county"] == "E10000016").all()
    assert {"Maidstone", "Canterbury", "Thanet", "Tunbridge Wells"} <= set(districts["name"])
    # Medway is a unitary inside historic Kent but not part of the county council area.
    assert "E06000035" not in kent.index


def test_list_of_codes_selects_exactly_those_authorities():
    gdf = load_authorities(["W06000015", "E06000001"])
    assert list(gdf.index) == ["E06000001", "W06000015"]
    assert list(gdf["name"]) == ["Hartlepool", "Cardiff"]


def test_index_and_crs(england):
    assert england.index.name == "code"
    assert england.crs is not None and england.crs.to_epsg() == 4326
    # lon/lat: England lies roughly within 6.5W..2E, 49.8N..55.9N.
    minx, miny, maxx, maxy = england.total_bounds
    assert -6.5 < minx < maxx < 2.0
    assert 49.8 < miny < maxy < 55.9


@pytest.fixture(scope="module")
def raw_invalid_codes() -> set[str]:
    """Codes whose raw boundary (LAD or county file) is an invalid polygon."""
    invalid = set()
    for name in ["lad_dec2024_uk_buc.topojson", "cua_dec2024_uk_buc.topojson"]:
        raw = gpd.read_file(RAW / "boundaries" / name)
        invalid |= set(raw.loc[~raw.geometry.is_valid, "AREACD"])
    return invalid


@pytest.mark.parametrize("region", ["england", "wales", "scotland"])
def test_geometries_valid_after_repair_and_repairs_reported(region, raw_invalid_codes):
    quality = DataQuality()
    gdf = load_authorities(region, quality=quality)
    assert gdf.geometry.notna().all()
    assert not gdf.geometry.is_empty.any()
    assert gdf.geometry.is_valid.all()
    assert set(gdf.geom_type) <= {"Polygon", "MultiPolygon"}
    repaired = quality.to_frame()
    assert (repaired["field"] == "geometry").all()
    assert set(repaired["code"]) == raw_invalid_codes & set(gdf.index)


def test_repair_keeps_the_area():
    """make_valid must not drop parts of a polygon: compare with an independent repair (buffer(0))."""
    raw = gpd.read_file(RAW / "boundaries" / "lad_dec2024_uk_buc.topojson").set_index("AREACD")
    raw = raw.set_crs("EPSG:4326", allow_override=True)
    invalid = raw.index[~raw.geometry.is_valid]
    assert len(invalid) > 0, "the embedded boundaries are expected to contain self-touching rings"
    english = [c for c in invalid if c.startswith("E")]
    loaded = load_authorities(english).to_crs("EPSG:27700").area
    reference = raw.loc[english].geometry.buffer(0).to_crs("EPSG:27700").area
    np.testing.assert_allclose(loaded.to_numpy(), reference.reindex(loaded.index).to_numpy(), rtol=1e-3)


def test_county_boundary_covers_its_districts():
    kent = load_authorities("kent").to_crs("EPSG:27700")
    county_area = kent.loc["E10000016"].geometry.area
    district_area = kent[kent["tier"] == "district"].area.sum()
    assert county_area == pytest.approx(district_area, rel=0.02)


def test_population_positive_and_equal_to_ons(england, wales, ons_population):
    assert (england["population"] > 0).all()
    for code in ["E06000001", "E10000016", "E07000110", "E09000001", "E06000053"]:
        assert england.loc[code, "population"] == ons_population[code]
    assert wales.loc["W06000015", "population"] == ons_population["W06000015"]
    scotland = load_authorities("scotland")
    assert scotland.loc["S12000036", "population"] == ons_population["S12000036"]


def test_lower_tier_population_partitions_each_nation(england, wales, ons_population):
    lower = england[england.index.str[:3].isin(LOWER_TIER_PREFIXES)]
    assert lower["population"].sum() == ons_population["E92000001"]
    assert wales["population"].sum() == ons_population["W92000004"]
    assert load_authorities("scotland")["population"].sum() == ons_population["S92000003"]


def test_every_county_population_is_the_sum_of_its_districts(england):
    for code in england.index[england["tier"] == "county"]:
        districts = england[england["parent_county"] == code]
        assert len(districts) >= 2, code
        assert england.loc[code, "population"] == districts["population"].sum(), code


# --------------------------------------------------------------------------- costs

def test_england_costs_cover_317_authorities_without_aggregates(england, england_costs_and_quality):
    costs, _ = england_costs_and_quality
    assert set(costs["authority"]) == set(england.index)
    assert (costs["authority"].str.len() == 9).all()
    assert not costs["authority"].isin(["E06", "E07", "E08", "E09", "E10"]).any()
    assert not costs.duplicated(["authority", "service", "year"]).any()
    assert set(costs["year"]) == {"2023-24"}
    assert list(costs.columns) == ["authority", "service", "year", "net_expenditure_gbp_k",
                                   "estimated", "eligible", "provenance"]
    # Only the councils with no 2023-24 return carry estimates.
    carried = costs["provenance"].str.startswith("carried forward from")
    assert (costs["estimated"] == carried).all()
    assert set(costs.loc[~carried, "provenance"]) == {"reported", "no return for this year or any earlier year"}


def test_police_and_fire_excluded_by_default_and_kept_on_request(england_costs_and_quality):
    costs, quality = england_costs_and_quality
    assert set(costs["service"]) == set(COUNCIL_SERVICES)
    full = load_costs("england", include_non_council=True)
    assert set(full["service"]) == set(COUNCIL_SERVICES) | set(NON_COUNCIL)
    # What was dropped is reported: e.g. Cornwall runs its own fire service.
    report = quality.to_frame()
    cornwall_fire = report[(report["code"] == "E06000052") & (report["field"] == "Fire_Rescue")]
    assert len(cornwall_fire) == 1
    assert "excluded" in cornwall_fire["action"].iloc[0]


def test_services_sum_to_the_outturn_total(raw_outturn):
    """The tidy table keeps every service line: the 13 lines add up to the raw 'Total'."""
    full = load_costs("england", include_non_council=True)
    totals = full.groupby("authority")["net_expenditure_gbp_k"].sum(min_count=1)
    raw = raw_outturn.set_index("ONS_code")["Total"].reindex(totals.index)
    both = totals.notna() & raw.notna()
    assert both.sum() > 290
    assert (totals[both] - raw[both]).abs().max() <= 2.5  # £k, rounding of the published lines


def test_year_selection():
    default = load_costs("north-east")
    assert set(default["year"]) == {"2023-24"}
    older = load_costs("north-east", year=2019)
    assert set(older["year"]) == {"2019-20"}
    assert set(load_costs("north-east", year="2019-20")["year"]) == {"2019-20"}
    raw = pd.read_json(OUTTURN_JSON)
    row = raw[(raw["ONS_code"] == "E06000001") & (raw["year_ending"] == 202003)].iloc[0]
    got = older[older["authority"] == "E06000001"].set_index("service")["net_expenditure_gbp_k"]
    for service in COUNCIL_SERVICES:
        assert got[service] == pytest.approx(row[service]), service
    assert not np.allclose(got.sort_index().to_numpy(),
                           default[default["authority"] == "E06000001"]
                           .set_index("service")["net_expenditure_gbp_k"].sort_index().to_numpy())


@pytest.mark.parametrize("year, shown", [(2015, "2015-16"), ("1999-00", "1999-00"), (2030, "2030-31")])
def test_unknown_year_names_the_year(year, shown):
    with pytest.raises(DataError, match=f"'{shown}'") as info:
        load_costs("north-east", year=year)
    assert "2023-24" in str(info.value)  # the message lists the years on offer


def test_negative_spend_kept_ineligible_and_reported(england_costs_and_quality, raw_outturn):
    costs, quality = england_costs_and_quality
    negative = costs[costs["net_expenditure_gbp_k"] < 0]
    assert len(negative) > 50  # district parking income etc. makes many lines negative
    assert not negative["eligible"].any()
    assert costs.loc[costs["net_expenditure_gbp_k"] > 0, "eligible"].all()
    # Bristol's highways line is negative in the raw outturn and must be kept, not dropped.
    bristol_raw = raw_outturn.set_index("ONS_code").loc["E06000023", "Highways_Transport"]
    assert bristol_raw < 0
    bristol = costs[(costs["authority"] == "E06000023") & (costs["service"] == "Highways_Transport")]
    assert bristol["net_expenditure_gbp_k"].iloc[0] == bristol_raw
    assert not bristol["eligible"].iloc[0]
    report = quality.to_frame()
    flagged = set(zip(report.loc[report["issue"].str.contains("negative"), "code"],
                      report.loc[report["issue"].str.contains("negative"), "field"]))
    assert flagged == set(zip(negative["authority"], negative["service"]))


def test_blank_returns_are_carried_forward_or_listed(england_costs_and_quality, raw_outturn):
    """The 13 councils with a blank 2023-24 return: 12 carried forward (labelled, estimated), and
    Westmorland and Furness (new in 2023, no return ever) kept blank, ineligible and reported."""
    costs, quality = england_costs_and_quality
    blank_raw = set(raw_outturn.loc[raw_outturn["Total"].isna(), "ONS_code"]) & set(costs["authority"])
    assert len(blank_raw) == 13 and {"E08000025", "E07000217", "E07000008"} <= blank_raw
    carried = costs[costs["provenance"].str.startswith("carried forward from")]
    missing = costs[costs["net_expenditure_gbp_k"].isna()]
    assert set(missing["authority"]) == {"E06000064"}  # Westmorland and Furness
    assert set(carried["authority"]) == blank_raw - {"E06000064"}
    assert carried["estimated"].all() and carried["net_expenditure_gbp_k"].notna().all()
    assert not missing["eligible"].any()
    report = quality.to_frame()
    reported = report[report["issue"].str.contains("missing")]
    assert set(zip(reported["code"], reported["field"])) == set(zip(missing["authority"], missing["service"]))
    assert reported["issue"].str.contains("no outturn return for 2023-24 or any earlier year").all()
    lines = report[report["issue"].str.contains("carried forward")]
    assert set(lines["code"]) == set(carried["authority"])
    assert lines["action"].str.contains("ESTIMATE").all()
    assert not report["issue"].str.contains(r"\bnan\b").any()


def _raw_years() -> pd.DataFrame:
    wide = pd.read_json(OUTTURN_JSON)
    wide = wide[wide["ONS_code"].str.len() == 9]
    return wide.assign(year=(wide["year_ending"] // 100 - 1).astype(str) + "-"
                       + (wide["year_ending"] // 100 % 100).astype(str).str.zfill(2))


@pytest.mark.parametrize("code, source", [("E08000025", "2021-22"), ("E07000008", "2022-23")])
def test_carried_forward_spend_is_uprated_by_the_class_growth(code, source, england_costs_and_quality):
    """Birmingham (last return 2021-22) and Cambridge (2022-23): each service is the latest return
    times that service's growth to 2023-24 across councils of the same class reporting both years,
    recomputed here from the raw multi-year file."""
    costs, _ = england_costs_and_quality
    raw = _raw_years()
    filed = raw[raw[COUNCIL_SERVICES].notna().any(axis=1)]
    both = set(filed.loc[filed["year"] == source, "ONS_code"]) & set(filed.loc[filed["year"] == "2023-24", "ONS_code"])
    peers = sorted(c for c in both if c.startswith(code[:3]))
    assert len(peers) > 20
    totals = filed[filed["ONS_code"].isin(peers)].groupby("year")[COUNCIL_SERVICES].sum()
    own = filed[(filed["ONS_code"] == code) & (filed["year"] == source)].iloc[0]
    ours = costs[costs["authority"] == code].set_index("service")
    assert (ours["provenance"] == f"carried forward from {source}").all()
    for service in COUNCIL_SERVICES:
        base = totals.loc[source, service]
        factor = totals.loc["2023-24", service] / base if base > 0 else 1.0
        assert ours.loc[service, "net_expenditure_gbp_k"] == pytest.approx(own[service] * factor, abs=0.06)


def test_derived_costs_are_rebuilt_byte_for_byte(tmp_path):
    """data/derived/costs_england.csv is what sharedopt.data.build makes from data/raw (reproducible)."""
    from sharedopt.data.build import derive_authorities, derive_england_costs

    authorities = derive_authorities(RAW)
    england = derive_england_costs(RAW, list(authorities.loc[authorities["nation"] == "England", "code"]))
    path = tmp_path / "costs_england.csv"
    england.to_csv(path, index=False, lineterminator="\n")
    assert path.read_bytes() == (data_dir() / "derived" / "costs_england.csv").read_bytes()


def test_aggregate_rows_reported_as_excluded(england_costs_and_quality, raw_outturn):
    _, quality = england_costs_and_quality
    report = quality.to_frame()
    aggregates = report[report["field"] == "ONS_code"]
    raw_aggregates = raw_outturn[raw_outturn["ONS_code"].str.len() != 9]
    assert set(aggregates["code"]) == set(raw_aggregates["ONS_code"]) == {"E06", "E07", "E08", "E09", "E10"}
    assert (aggregates["action"] == "excluded").all()
    shire = aggregates[aggregates["code"] == "E10"].iloc[0]
    assert "Shire Counties" in shire["issue"]
    # row = line number in the raw file (header = line 1)
    line = int(raw_aggregates.index[raw_aggregates["ONS_code"] == "E10"][0]) + 2
    assert shire["row"] == line
    assert shire["file"].endswith("england_revenue_outturn_net_by_service_2023_24.csv")


@pytest.mark.parametrize("code", ["E06000001", "E10000016", "E07000110", "E09000033", "E08000021"])
def test_costs_equal_the_raw_outturn(code, england_costs_and_quality, raw_outturn):
    costs, _ = england_costs_and_quality
    raw = raw_outturn.set_index("ONS_code").loc[code]
    got = costs[costs["authority"] == code].set_index("service")["net_expenditure_gbp_k"]
    assert set(got.index) == set(COUNCIL_SERVICES)
    for service in COUNCIL_SERVICES:
        assert got[service] == pytest.approx(float(raw[service]), abs=1e-9), service


def test_wales_costs_are_estimates_with_a_plausible_total(wales):
    quality = DataQuality()
    costs = load_costs("wales", quality=quality)
    assert set(costs["authority"]) == set(wales.index)
    assert costs["estimated"].all()
    assert set(costs["service"]) == set(COUNCIL_SERVICES)
    total = costs.groupby("authority")["net_expenditure_gbp_k"].sum()
    per_head_gbp = total * 1000 / wales["population"].reindex(total.index)
    assert per_head_gbp.between(1_000, 5_000).all(), per_head_gbp.describe()
    # Education and social care are the largest lines for every council.
    wide = costs.pivot(index="authority", columns="service", values="net_expenditure_gbp_k")
    assert (wide["Education"] > wide["Planning"]).all()
    assert (wide["Adult_Social_Care"] > wide["Culture"]).all()
    assert any("ESTIMATED" in issue or "ESTIMATED" in action
               for issue, action in zip(quality.to_frame()["issue"], quality.to_frame()["action"]))


def test_wales_estimate_uprated_to_the_run_year_and_without_public_health():
    """One estimate per English outturn year, its level moving with the same English unitary
    lines; no Public Health line."""
    quality = DataQuality()
    new = load_costs("wales", year="2023-24", quality=quality)
    old = load_costs("wales", year=2019)
    assert (new["year"] == "2023-24").all() and (old["year"] == "2019-20").all()
    assert new["estimated"].all() and old["estimated"].all()
    assert (new.loc[new["service"] == "Public_Health", "net_expenditure_gbp_k"] == 0).all()
    report = quality.to_frame()
    assert ((report["field"] == "Public_Health") & report["issue"].str.contains("NHS")).any()
    # the Welsh total grows like the English unitary comparators' spend per head
    eng = load_costs("england", year="2023-24")
    eng_old = load_costs("england", year=2019)
    unitary = lambda c: c[c["authority"].str.startswith("E06") & (c["service"] != "Public_Health")]
    pop = load_authorities("england")["population"]
    def median_total(c):
        per_head = unitary(c).pivot_table(index="authority", columns="service",
                                          values="net_expenditure_gbp_k").div(pop, axis=0).dropna(how="all")
        return per_head.median().clip(lower=0).sum()
    growth = median_total(eng) / median_total(eng_old)
    ratio = new["net_expenditure_gbp_k"].sum() / old["net_expenditure_gbp_k"].sum()
    assert 1.1 < ratio < 1.6
    assert ratio == pytest.approx(growth, rel=0.02)
    with pytest.raises(DataError, match="2017-18"):
        load_costs("wales", year=2015)


def test_scotland_costs_need_a_csv():
    with pytest.raises(DataError, match="costs CSV") as info:
        load_costs("scotland")
    assert "S12" in str(info.value)
    assert "Scotland" in str(info.value)


# --------------------------------------------------------------------------- graph

def test_wales_graph_connected_with_menai_link(wales):
    graph = neighbour_graph(wales)
    assert graph.number_of_nodes() == 22
    assert nx.number_connected_components(graph) == 1
    assert graph.graph["n_components"] == 1
    assert graph.graph["isolated"] == []
    edge = graph.edges["W06000001", "W06000002"]
    assert edge["kind"] == "link"
    assert "Menai" in edge["reason"]


def test_wales_graph_without_links_isolates_anglesey(wales):
    quality = DataQuality()
    graph = neighbour_graph(wales, links=[], quality=quality)
    assert graph.number_of_nodes() == 22
    assert nx.number_connected_components(graph) == 2
    assert graph.graph["isolated"] == ["W06000001"]
    assert graph.degree["W06000001"] == 0
    assert list(quality.to_frame()["code"]) == ["W06000001"]
    assert all(data["kind"] == "border" for *_, data in graph.edges(data=True))


def test_cardiff_neighbours(wales):
    graph = neighbour_graph(wales)
    names = {wales.loc[code, "name"] for code in graph["W06000015"]}
    assert names == {"Vale of Glamorgan", "Rhondda Cynon Taf", "Caerphilly", "Newport"}


def test_england_islands_isolated_by_default(england):
    graph = neighbour_graph(england)
    assert graph.graph["isolated"] == ["E06000046", "E06000053"]  # Isle of Wight, Isles of Scilly
    # Mainland England (counties and lower tier) forms one more component.
    assert graph.graph["n_components"] == 3


def test_optional_isle_of_wight_link_connects_it(england):
    link = next(link for link in OPTIONAL_LINKS if link["b"] == "E06000044")
    graph = neighbour_graph(england, links=[link])
    assert graph.has_edge("E06000046", "E06000044")
    assert graph.edges["E06000046", "E06000044"]["kind"] == "link"
    assert graph.graph["isolated"] == ["E06000053"]
    assert nx.has_path(graph, "E06000046", "E09000033")  # Isle of Wight - Westminster


def test_unknown_link_code_is_an_error(wales):
    with pytest.raises(DataError, match="E06000044") as info:
        neighbour_graph(wales, links=[("W06000001", "E06000044")])
    assert "links" in str(info.value)
    with pytest.raises(DataError, match="X99"):
        neighbour_graph(wales, links=[{"a": "X99", "b": "W06000002"}])


def test_service_graphs_follow_the_tiers(england, england_costs_and_quality):
    costs, _ = england_costs_and_quality
    education = neighbour_graph(england, "Education", costs=costs)
    tiers = {education.nodes[n]["tier"] for n in education}
    assert "county" in tiers and "district" not in tiers
    assert sum(education.nodes[n]["tier"] == "county" for n in education) == 21

    housing = neighbour_graph(england, "Housing", costs=costs)
    tiers = {housing.nodes[n]["tier"] for n in housing}
    assert "district" in tiers and "county" not in tiers
    # Every district with positive housing spend is a node.
    spend = costs[costs["service"] == "Housing"].set_index("authority")["net_expenditure_gbp_k"]
    districts = england.index[england["tier"] == "district"]
    positive = {code for code in districts if spend.get(code, np.nan) > 0}
    assert positive <= set(housing)
    # A node never has non-positive spend on the service.
    assert all(spend[code] > 0 for code in housing)


def test_no_county_district_edge_in_any_graph(england, england_costs_and_quality):
    costs, _ = england_costs_and_quality
    tier = england["tier"]
    graphs = [neighbour_graph(england)] + [
        neighbour_graph(england, s, costs=costs) for s in ["Environment", "Planning", "Culture",
                                                           "Central_Services", "Housing"]]
    for graph in graphs:
        for a, b in graph.edges:
            assert {tier[a], tier[b]} != {"county", "district"}, (graph.graph["service"], a, b)
    # Environment is delivered by both tiers (collection and disposal) and has both kinds of edge.
    environment = graphs[1]
    kinds = {frozenset((tier[a], tier[b])) for a, b in environment.edges}
    assert frozenset({"county"}) in kinds and frozenset({"district"}) in kinds


def test_england_lower_tier_graph_builds(england):
    """The full England adjacency (all 317 authorities, district level) builds and looks like England."""
    graph = neighbour_graph(england, links=[])
    assert graph.number_of_nodes() == 317
    assert all(graph.nodes[n]["population"] > 0 for n in graph)
    districts = england.index[england["tier"] == "district"]
    # Every district touches at least one other lower-tier area.
    assert all(graph.degree[d] >= 1 for d in districts)
    # Known borders, and a pair that does not touch.
    assert graph.has_edge("E09000033", "E09000007")  # Westminster - Camden
    assert graph.has_edge("E07000110", "E07000115")  # Maidstone - Tonbridge and Malling
    assert graph.has_edge("E10000016", "E10000030")  # Kent CC - Surrey CC
    assert not graph.has_edge("E06000001", "E09000033")
    # Average degree of a planar-like adjacency graph is below 6.
    mean_degree = 2 * graph.number_of_edges() / graph.number_of_nodes()
    assert 3 < mean_degree < 6
    assert math.isclose(sum(dict(graph.degree).values()), 2 * graph.number_of_edges())
