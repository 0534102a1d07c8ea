"""Decomposed savings, span, efficiency convergence and whole-organisation sharing."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from sharedopt.data import load_authorities, load_costs
from sharedopt.data.graph import neighbour_graph
from sharedopt.candidates.enumerate import connected_groups
from sharedopt.candidates.build import build_candidates
from sharedopt.config.params import ModelParams
from sharedopt.candidates.value import CostBase, evaluate
from sharedopt.candidates.terms import EARTH_RADIUS_KM, span_km, tier_class
from sharedopt.candidates.wholeorg import calibrate_saving_rate

TERMS = ["saving_scale_gbp_k", "saving_efficiency_gbp_k", "saving_scope_gbp_k"]
COSTS = ["cost_distance_gbp_k", "cost_governance_gbp_k"]


def _net(table: pd.DataFrame) -> np.ndarray:
    return (table[TERMS].sum(axis=1) - table[COSTS].sum(axis=1)).to_numpy()


@pytest.fixture(scope="module")
def kent():
    authorities = load_authorities("kent")
    costs = load_costs("kent")
    return authorities, costs, build_candidates(authorities, costs, ModelParams(max_group_size=3),
                                                with_shares=False)


def test_terms_add_up_to_the_annual_net_saving_on_real_data(kent):
    table = kent[2].table
    assert {"whole_organisation", "scale"} <= set(table["kind"])
    np.testing.assert_allclose(_net(table), table["annual_net_saving_gbp_k"], rtol=1e-12, atol=1e-9)
    assert (table["saving_efficiency_gbp_k"] > 0).any() and (table["cost_distance_gbp_k"] > 0).any()
    assert (table.loc[table["n_members"] >= 2, "span_km"] > 0).all()
    assert (table.loc[table["n_members"] == 1, "span_km"] == 0).all()


def test_terms_add_up_on_north_east_scope_candidates():
    authorities, costs = load_authorities("north-east"), load_costs("north-east")
    table = build_candidates(authorities, costs, ModelParams(max_group_size=3), with_shares=False).table
    assert (table["saving_scope_gbp_k"] > 0).any()
    np.testing.assert_allclose(_net(table), table["annual_net_saving_gbp_k"], rtol=1e-12, atol=1e-9)


def _pair_base(spend_b: float) -> CostBase:
    """Two adjacent councils of 100k residents, 10 km apart; A spends 20 £m on Central_Services."""
    return CostBase(codes=np.array(["A", "B"], dtype=object), services=("Central_Services",),
                    population=np.array([100_000.0, 100_000.0]), spend=np.array([[20_000.0], [spend_b]]),
                    estimated=np.zeros((2, 1), dtype=bool), lon=np.array([0.0, 0.0]),
                    lat=np.array([52.0, 52.0 + 10 / (EARTH_RADIUS_KM * math.pi / 180)]),
                    tier=np.array(["district", "district"], dtype=object),
                    efficiency=np.array([[20_000.0 / 15_000.0], [spend_b / 15_000.0]]))


def test_high_cost_and_low_cost_pair_gains_an_efficiency_term():
    params = ModelParams()
    pair = np.array([[0, 1]])
    mixed = evaluate(_pair_base(10_000.0), params, ("Central_Services",), pair)
    same = evaluate(_pair_base(20_000.0), params, ("Central_Services",), pair)
    assert same["saving_efficiency_gbp_k"][0] == 0.0
    # A (ratio 4/3) closes theta of its gap to B (ratio 2/3) on its post-scale poolable cost
    a_pool = 0.40 * 20_000.0
    u = (200_000 / 3e6) ** -0.08 / (100_000 / 3e6) ** -0.08
    p = params.success_probability  # expected values: delivered and paid only on success
    expected = params.efficiency_theta * a_pool * u * (1 - (2 / 3) / (4 / 3)) * params.realisation_factor() * p
    assert mixed["saving_efficiency_gbp_k"][0] == pytest.approx(expected, rel=1e-12)
    assert mixed["span_km"][0] == pytest.approx(10.0, rel=1e-9)
    assert mixed["cost_distance_gbp_k"][0] == pytest.approx(
        10.0 * (params.distance_cost_per_km_gbp_k + 0.0002 * 0.40 * 30_000.0) * p, rel=1e-9)


def test_span_is_the_minimum_spanning_tree_of_a_triangle():
    """A 3-4-5 right triangle (km, on a local flat grid near the equator): MST = 3 + 4 = 7."""
    deg = 1 / (EARTH_RADIUS_KM * math.pi / 180)
    lon = np.array([0.0, 3 * deg, 0.0, 50 * deg])
    lat = np.array([0.0, 0.0, 4 * deg, 0.0])
    members = np.array([[0, 1, 2], [2, 0, 1], [0, 1, -1], [0, -1, -1], [0, 3, -1]])
    spans = span_km(lon, lat, members)
    np.testing.assert_allclose(spans, [7.0, 7.0, 3.0, 0.0, 50.0], rtol=1e-4)
    graph = nx.Graph()
    for i in range(3):
        for j in range(i + 1, 3):
            graph.add_edge(i, j, weight=math.dist((lon[i], lat[i]), (lon[j], lat[j])) / deg)
    assert spans[0] == pytest.approx(nx.minimum_spanning_tree(graph).size(weight="weight"), rel=1e-4)


def test_no_candidate_beyond_its_service_span():
    authorities, costs = load_authorities("wales"), load_costs("wales")
    # projected savings in full (realisation base 1): the test is about span, and keeps more groups
    # and no coordination cost (it prunes every Welsh Environment group)
    # and the literature curve (the data reject the literature Environment elasticity: flat, no groups)
    params = ModelParams(max_group_size=4, include_scope=False, whole_organisation=False,
                         realisation=dict(base=1.0), coordination_best_size=0, cost_curves="literature",
                         governance_rate=0.0)
    cands = build_candidates(authorities, costs, params, with_shares=False)
    env = cands.table[cands.table["services"] == "Environment"]
    limit = params.services["Environment"].max_span_km
    assert len(env) and env["span_km"].max() <= limit
    stats = cands.enumeration.set_index("services")
    assert stats.loc["Environment", "pruned_beyond_max_span"] > 0
    assert stats.loc["Environment", "max_span_km"] == limit
    # the pruned count is exactly the connected groups whose spanning tree is longer than the limit
    graph = cands.graphs["Environment"]
    groups = connected_groups(graph, 4, min_size=2)
    base = CostBase.from_frames(authorities, costs, params)
    members = np.where(groups.members >= 0, base.index_of(groups.nodes.tolist())[np.maximum(groups.members, 0)], -1)
    spans = span_km(base.lon, base.lat, members)
    assert stats.loc["Environment", "pruned_beyond_max_span"] == int((spans > limit).sum())
    assert stats.loc["Environment", "enumerated"] == len(groups)


def test_whole_organisation_only_between_neighbours_of_the_same_tier(kent):
    authorities, _, cands = kent
    whole = cands.table[cands.table["kind"] == "whole_organisation"]
    assert len(whole)
    graph = neighbour_graph(authorities, "Central_Services")
    tiers = authorities["tier"].map(tier_class)
    for members in whole["members"]:
        codes = members.split(";")
        assert 2 <= len(codes) <= 3
        assert len({tiers[c] for c in codes}) == 1 and tiers[codes[0]] == "district"
        assert nx.is_connected(graph.subgraph(codes))
    # it occupies every eligible service slot of its members
    assert whole["services"].str.contains("Central_Services").all()
    assert whole["services"].str.contains("Environment").all()


def test_whole_organisation_rate_is_calibrated_on_the_evidence_register():
    """Mean modelled gross saving over every pair of neighbouring English districts = £1m a year."""
    authorities, costs = load_authorities("england"), load_costs("england")
    params = ModelParams()
    base = CostBase.from_frames(authorities, costs, params)
    rate = calibrate_saving_rate(base, params, neighbour_graph(authorities, "Central_Services"))
    assert rate == pytest.approx(params.whole_org_saving_rate, abs=5e-5)


def test_new_parameters_are_overridable_and_listed_with_range_and_source():
    from sharedopt.results.summary import assumptions_table

    params = ModelParams(efficiency_theta=0.1, services={"Environment": {"max_span_km": 60.0}})
    assert params.services["Environment"].max_span_km == 60.0
    assert params.services["Environment"].distance_rate_per_km == 0.002  # other fields keep defaults
    rows = {r["parameter"]: r for r in assumptions_table(params)}
    assert rows["efficiency_theta"]["value"] == 0.1 and rows["efficiency_theta"]["source"] == "config override"
    assert rows["Environment.max_span_km"]["source"] == "config override"
    for key in ("distance_cost_per_km_gbp_k", "whole_org_saving_rate", "whole_org_transition_rate",
                "whole_org_overhead_share", "Highways_Transport.max_span_km", "Culture.distance_rate_per_km"):
        assert rows[key]["source"] and rows[key]["source"] != "config override", key
        assert rows[key]["range"] is not None, key
    assert rows["cost_curves"]["value"] in ("fitted", "literature")


def test_a_forced_whole_organisation_candidate_is_valued_and_checked(kent):
    from sharedopt.common.errors import ConfigError
    from sharedopt.candidates.forced import ensure_candidates

    authorities, costs, cands = kent
    first = cands.table[cands.table["kind"] == "whole_organisation"].iloc[0]
    dropped = cands.__class__(cands.table[cands.table["candidate_id"] != first["candidate_id"]],
                              cands.shares, cands.enumeration, cands.graphs)
    back = ensure_candidates(dropped, [first["candidate_id"]], authorities, costs, ModelParams(max_group_size=3))
    row = back.table.set_index("candidate_id").loc[first["candidate_id"]]
    assert row["kind"] == "whole_organisation"
    assert row["npv_gbp_k"] == pytest.approx(first["npv_gbp_k"], rel=1e-12)
    county = authorities.index[authorities["tier"] == "county"][0]
    district = authorities.index[authorities["tier"] == "district"][0]
    with pytest.raises(ConfigError, match="one tier class"):
        ensure_candidates(cands, [f"Whole_Organisation|{county}+{district}"], authorities, costs, ModelParams())


def test_efficiency_ratios_are_clipped_to_their_bounds():
    """B at 0.1 of expected counts as 0.5 (the lower bound): A closes theta of (1 - 0.5/(4/3))."""
    params = ModelParams()
    base = _pair_base(1_500.0)  # B's ratio 0.1
    got = evaluate(base, params, ("Central_Services",), np.array([[0, 1]]))["saving_efficiency_gbp_k"][0]
    a_pool = 0.40 * 20_000.0
    u = (200_000 / 3e6) ** -0.08 / (100_000 / 3e6) ** -0.08
    expected = (params.efficiency_theta * a_pool * u * (1 - 0.5 / (4 / 3)) * params.realisation_factor()
                * params.success_probability)
    assert got == pytest.approx(expected, rel=1e-12)


def test_whole_organisation_occupies_every_slot_of_its_members_in_the_model(kent):
    """In the exact model a whole-organisation candidate shares a slot row with any partnership
    of one of its members in any service, so the two can never both be chosen."""
    from sharedopt.model.incidence import slot_incidence

    table = kent[2].table
    whole = table[table["kind"] == "whole_organisation"].iloc[[0]]
    member = whole["members"].iloc[0].split(";")[0]
    others = table[(table["kind"] != "whole_organisation") & table["members"].str.contains(member)]
    assert len(others)
    both = pd.concat([whole, others], ignore_index=True)
    S, slots = slot_incidence(both)
    shared = S[0].multiply(S[1:]).sum(axis=1)  # slots the whole-organisation row shares with each
    assert (np.asarray(shared).ravel() >= 1).all()
    assert set(slots.loc[S[0].indices, "authority"]) == set(whole["members"].iloc[0].split(";"))


def test_services_outside_the_fitted_panel_take_the_literature_curve():
    """Fine services (not in the cost-function panel) keep a scale effect under fitted curves."""
    import pandas as pd
    from sharedopt.candidates.curves import LiteratureCurve, resolve_curves
    params = ModelParams()
    empty = pd.DataFrame(columns=["authority", "service", "net_expenditure_gbp_k"])
    curves = resolve_curves(params, pd.DataFrame(columns=["population"]), empty).curves
    waste = curves["Waste_Collection"]
    assert isinstance(waste, LiteratureCurve)
    small, large = waste.unit_cost(np.array([50_000.0, 200_000.0]))
    assert small > large  # a scale economy, not the flat curve of an unfitted service
    assert not isinstance(curves["Central_Services"], LiteratureCurve)  # fitted where identified
