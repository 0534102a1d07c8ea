"""Column generation over implicit connected groups (sharedopt.solve.generate) against full enumeration.

Real data (North East, Wales) and the full savings model (fitted curves, efficiency
convergence, distance, span limits, readiness, every depth); the pricing search is checked
against brute force over every connected group at every depth, the generated portfolio
against the enumerated optimum, and the reported bound against the true optimum.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from sharedopt.solve.generate import ServicePricer, generation_blockers, plan_generation
from sharedopt.config.schema import load_config
from sharedopt.candidates.counting import count_connected_groups, count_groups_capped
from sharedopt.candidates.enumerate import connected_groups
from sharedopt.common.errors import ConfigError
from sharedopt.model.build import Constraints, ExistingPartnership
from sharedopt.report.run_result import write_result
from sharedopt.pipeline.steps import create_model, enumerate_candidates, load_inputs, solve_model
from sharedopt.candidates.batch import value_at_depth, within_span
from sharedopt.candidates.value import CostBase, span_km

ROOT = Path(__file__).resolve().parents[1]
DEPTHS = ["coordination", "lead_council", "pooled", "merger"]


def _config(name: str, model: dict | None = None, constraints: dict | None = None, solver: dict | None = None):
    config = load_config(ROOT / "configs" / name)
    config = config.model_copy(update={"model": config.model.model_copy(update={"depths": DEPTHS})})
    updates = {}
    if model:
        updates["model"] = config.model.model_copy(update=model)
    if constraints:
        updates["constraints"] = config.constraints.model_copy(update=constraints)
    if solver:
        updates["solver"] = config.solver.model_copy(update=solver)
    return config.model_copy(update=updates)


@pytest.fixture(scope="module")
def ne_inputs():
    return load_inputs(_config("north-east.toml"))


@pytest.fixture(scope="module")
def wales_inputs():
    return load_inputs(_config("wales.toml"))


def _solve(inputs, config):
    candidates = enumerate_candidates(inputs, config, with_shares=False)
    model = create_model(candidates, config)
    result, chosen = solve_model(model, config)
    return candidates, model, result, chosen


# --------------------------------------------------------------------------
# pricing search = brute force
# --------------------------------------------------------------------------
def _brute_force_rc(base, params, service, graph, k, d_local, beta, lam, nodes_global):
    """Every connected group at every depth: ``{(members, depth index): reduced cost}`` of those
    with a positive NPV, and each group's size."""
    groups = connected_groups(graph, k, min_size=2)
    members = np.where(groups.members >= 0, nodes_global[np.maximum(groups.members, 0)], -1)
    members = np.where(members >= 0, members, np.iinfo(np.int64).max)
    members.sort(axis=1)
    members[members == np.iinfo(np.int64).max] = -1
    d_sum = np.where(groups.members >= 0, d_local[np.maximum(groups.members, 0)], 0.0).sum(axis=1)
    spans = span_km(base.lon, base.lat, members)
    within = within_span(params, (service,), spans)
    out, sizes = {}, {}
    for d, depth in enumerate(params.depths):
        values, _, keep = value_at_depth(base, params, (service,), members, within, depth, spans)
        rc = values["npv_gbp_k"] - beta * values["one_off_cost_gbp_k"] - d_sum - lam
        for m, size, r, ok in zip(members, groups.sizes, rc, keep):
            key = tuple(m[m >= 0].tolist())
            sizes[key] = int(size)
            if ok:
                out[(key, d)] = float(r)
    return out, sizes


def _cuts(rng, nodes_global, exact: dict) -> tuple:
    """Odd-cycle cuts on random sets of 3 and 5 of the service's councils with random duals, and
    ``exact`` lowered in place by what they take off each group (``floor(|group & T| / 2)`` each)."""
    members = np.full((40, 5), -1)
    for t in range(40):
        size = 3 if t % 2 else 5
        members[t, :size] = np.sort(rng.choice(nodes_global, size, replace=False))
    sigma = rng.uniform(0.0, 3000.0, 40)
    for key in exact:
        group = set(key[0])
        exact[key] -= sum(s * (len(group & set(m[m >= 0].tolist())) // 2) for m, s in zip(members, sigma))
    return members, sigma


def _readiness_params(params, base):
    """``params`` with readiness answers for some councils (yes and no) and a statutory-free mode mix."""
    codes = base.codes.tolist()
    councils = {codes[0]: {"sponsor": "yes", "formal_reporting": "yes", "co_production": "yes"},
                codes[1]: {"sponsor": "yes", "active_management": "no"},
                codes[2]: {"multi_level_engagement": "no"}}
    return params.model_copy(update={"readiness": params.readiness.model_copy(update={"councils": councils})})


def _without_centroid(base, index):
    """``base`` with one authority's centroid unknown (as county councils' are): the savings
    model puts it at distance 0 from every other member, so its groups span 0."""
    lon, lat = base.lon.copy(), base.lat.copy()
    lon[index] = lat[index] = np.nan
    return dataclasses.replace(base, lon=lon, lat=lat)


@pytest.mark.slow
@pytest.mark.parametrize("service,k,seed_size,dual_scale,beta,lam,variant", [
    ("Highways_Transport", 5, 2, 0.0, 0.0, 0.0, ""),
    ("Central_Services", 5, 3, 0.5, 0.1, 50.0, "answers"),
    ("Children_Social_Care", 6, 3, 0.2, 0.0, 0.0, ""),
    ("Central_Services", 6, 2, 2.0, 0.3, 10.0, ""),
    ("Highways_Transport", 5, 2, 0.0, 0.0, 0.0, "no centroid"),
    ("Central_Services", 5, 2, 1.0, 0.0, 0.0, "no centroid"),
    ("Central_Services", 5, 2, 0.5, 0.0, 0.0, "cuts"),
])
def test_pricing_finds_exactly_the_groups_that_price_out(wales_inputs, service, k, seed_size, dual_scale, beta, lam,
                                                       variant):
    params = _config("wales.toml").model
    base = CostBase.from_frames(wales_inputs.authorities, wales_inputs.costs, params)
    if variant == "answers":
        params = _readiness_params(params, base)
    if variant == "no centroid":  # the central node, so groups around it span 0
        base = _without_centroid(base, int(base.index_of(["W06000023"])[0]))
    graph = wales_inputs.graphs[service]
    pricer = ServicePricer(base, params, service, graph, k, seed_size)
    rng = np.random.default_rng(7)
    spend = base.spend[pricer.to_global, base.service_index(service)]
    d = dual_scale * rng.uniform(0.0, 0.05, len(spend)) * spend
    exact, sizes = _brute_force_rc(base, params, service, graph, k, d, beta, lam, pricer.to_global)
    cuts = _cuts(rng, pricer.to_global, exact) if variant == "cuts" else None
    tol = 1e-6
    res = pricer.price(d, beta, lam, known=set(), tol=tol, deadline=float("inf"), max_found=10**9, cuts=cuts)
    assert res.complete
    want = {key for key, r in exact.items() if sizes[key[0]] > seed_size and r > tol}
    got = {(tuple(g[g >= 0].tolist()), int(depth)) for g, depth in zip(res.groups, res.depths)}
    assert want and got == want
    # the reduced costs it reports are the exact ones
    for g, depth, r in zip(res.groups, res.depths, res.reduced_costs):
        assert r == pytest.approx(exact[(tuple(g[g >= 0].tolist()), int(depth))], rel=1e-9, abs=1e-6)
    # the bound covers the best group (at any depth) of every seed (smallest member)
    best = {}
    for (key, _), r in exact.items():
        if sizes[key] > seed_size:
            best[key[0]] = max(best.get(key[0], 0.0), r)
    assert res.bound >= sum(max(v, 0.0) for v in best.values()) - 1e-6
    # known (group, depth) pairs are never returned
    first = (tuple(res.groups[0][res.groups[0] >= 0].tolist()), int(res.depths[0]))
    again = pricer.price(d, beta, lam, known={first}, tol=tol, deadline=float("inf"), max_found=10**9, cuts=cuts)
    assert {(tuple(g[g >= 0].tolist()), int(depth)) for g, depth in zip(again.groups, again.depths)} == got - {first}


def test_pricing_bound_holds_when_stopped_early(wales_inputs):
    params = _config("wales.toml").model
    base = CostBase.from_frames(wales_inputs.authorities, wales_inputs.costs, params)
    graph = wales_inputs.graphs["Central_Services"]
    pricer = ServicePricer(base, params, "Central_Services", graph, 4, 2)
    d = np.zeros(len(pricer.nodes))
    exact, sizes = _brute_force_rc(base, params, "Central_Services", graph, 4, d, 0.0, 0.0, pricer.to_global)
    res = pricer.price(d, 0.0, 0.0, known=set(), tol=1e-6, deadline=float("inf"), max_found=1)
    assert not res.complete
    found = {(tuple(g[g >= 0].tolist()), int(depth)) for g, depth in zip(res.groups, res.depths)}
    best = {}
    for (key, depth), r in exact.items():
        if sizes[key] > 2 and (key, depth) not in found:
            best[key[0]] = max(best.get(key[0], 0.0), r)
    assert best and res.bound >= sum(max(v, 0.0) for v in best.values()) - 1e-6


def test_capped_count_matches_full_count(wales_inputs):
    graph = wales_inputs.graphs["Environment"]
    full = count_connected_groups(graph, 5, min_size=2)
    total = sum(full.values())
    assert count_groups_capped(graph, 5, 2, 10**9) == (total, True)
    n, exact = count_groups_capped(graph, 5, 2, total // 3)
    assert not exact and total // 3 < n <= total


# --------------------------------------------------------------------------
# generated portfolio = enumerated portfolio; bound >= optimum
# --------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("constraints", [
    {"governance_capacity": 3},
    {"governance_capacity": 1},
    {"governance_capacity": 2, "budget_total_gbp_k": 20_000.0},
    {"governance_capacity": None, "max_per_service": 2},
    {"governance_capacity": 2, "governance_overrides": {"E06000047": 0}},
    # existing partnerships: closed slots and used capacity in the master, as in the model
    {"governance_capacity": 2, "existing": [
        ExistingPartnership(service="Environment", members=["E08000021", "E08000022"], name="x"),
        ExistingPartnership(service="Central_Services", members=["E06000047", "E06000001"], name="y")]},
    # a separable function's partnership holds no slot (it occupies a share of the poolable base)
    {"governance_capacity": 3, "existing": [
        ExistingPartnership(service="Central_Services", members=["E06000047", "E06000001", "E06000005"], name="rb",
                            function="revenues_benefits")]},
])
def test_generated_candidates_reach_the_enumerated_optimum(ne_inputs, constraints):
    solver = {"mip_gap": 0.0, "time_limit": 120}
    full = _config("north-east.toml", {"candidates": "enumerate"}, constraints, solver)
    gen = _config("north-east.toml", {"candidates": "generate", "generation_seed_size": 2}, constraints, solver)
    _, _, r_full, _ = _solve(ne_inputs, full)
    cands, model, r_gen, chosen = _solve(ne_inputs, gen)
    assert r_full.status == "optimal"
    assert cands.generation is not None and cands.generation.complete
    assert r_gen.objective == pytest.approx(r_full.objective, rel=1e-9, abs=1e-6)
    # the LP bound over every connected group is a true bound
    assert cands.generation.lp_bound >= r_full.objective - 1e-6
    assert r_gen.best_bound >= r_full.objective - 1e-6
    # fewer columns than full enumeration, and the chosen portfolio is feasible
    assert len(cands.table) <= len(enumerate_candidates(ne_inputs, full, with_shares=False).table)
    act = model.A @ chosen
    assert np.all(act <= model.row_upper + 1e-9)


@pytest.mark.slow
@pytest.mark.parametrize("capacity", [3, 1])
def test_odd_cycle_cuts_lower_the_bound_over_all_groups_and_keep_it_true(ne_inputs, monkeypatch, capacity):
    from sharedopt.solve.generate import master

    solver = {"mip_gap": 0.0, "time_limit": 120}
    gen = _config("north-east.toml", {"candidates": "generate", "generation_seed_size": 2},
                  {"governance_capacity": capacity}, solver)
    cut = enumerate_candidates(ne_inputs, gen, with_shares=False).generation
    monkeypatch.setattr(master, "MAX_CUT_ROUNDS", 0)
    plain = enumerate_candidates(ne_inputs, gen, with_shares=False).generation
    _, _, r_full, _ = _solve(ne_inputs, _config("north-east.toml", {"candidates": "enumerate"},
                                                {"governance_capacity": capacity}, solver))
    assert "odd-cycle cuts" in cut.note and "odd-cycle cuts" not in plain.note
    assert r_full.status == "optimal"
    assert r_full.objective - 1e-6 <= cut.lp_bound < plain.lp_bound - 1.0


@pytest.mark.slow
def test_generation_stopped_by_time_still_reports_a_true_bound(wales_inputs):
    solver = {"mip_gap": 0.0, "time_limit": 120}
    full = _config("wales.toml", {"candidates": "enumerate", "max_group_size": 3}, None, solver)
    gen = _config("wales.toml", {"candidates": "generate", "max_group_size": 3, "generation_seed_size": 2,
                                 "generation_time_limit": 0.05}, None, solver)
    _, _, r_full, _ = _solve(wales_inputs, full)
    cands, _, r_gen, _ = _solve(wales_inputs, gen)
    assert r_full.status == "optimal"
    assert r_gen.best_bound >= r_full.objective - 1e-6
    assert r_gen.objective <= r_full.objective + 1e-6
    if not cands.generation.closed:  # the time limit stopped the generation (on a slower machine)
        assert r_gen.best_bound == pytest.approx(max(cands.generation.lp_bound, r_gen.objective))


# --------------------------------------------------------------------------
# when to generate
# --------------------------------------------------------------------------
def test_auto_generates_above_the_threshold_and_says_so(ne_inputs):
    config = _config("north-east.toml", {"candidates": "auto", "generate_above": 100})
    plan = plan_generation(ne_inputs.graphs, config.model, config.constraints)
    assert plan.generate and "more than 100" in plan.reason
    assert not all(plan.exact.values())
    config = _config("north-east.toml", {"candidates": "auto"})
    assert not plan_generation(ne_inputs.graphs, config.model, config.constraints).generate
    cands = enumerate_candidates(ne_inputs, _config("north-east.toml", {"generate_above": 100}), with_shares=False)
    assert cands.generation is not None
    assert set(cands.enumeration.loc[cands.enumeration["kind"] == "scale", "method"]) == {"generated"}


def test_generation_refuses_constraints_it_does_not_model(ne_inputs):
    constraints = Constraints(forbidden_pairs=[("E06000001", "E06000002")])
    params = _config("north-east.toml", {"candidates": "generate"}).model
    assert generation_blockers(params, constraints) == ["constraints.forbidden_pairs"]
    with pytest.raises(ConfigError, match="forbidden_pairs"):
        plan_generation(ne_inputs.graphs, params, constraints)
    auto = params.model_copy(update={"candidates": "auto", "generate_above": 100})
    assert not plan_generation(ne_inputs.graphs, auto, constraints).generate


def test_every_savings_term_is_priced_and_exclusions_still_block():
    """The shipped valuation (fitted curves, efficiency convergence, distance, span limits,
    whole-organisation candidates, every depth) needs no enumeration; a rule that excludes
    candidates the master does not model (general fund no worse) still does."""
    full = load_config(ROOT / "configs" / "north-east.toml").model.model_copy(update={"depths": DEPTHS})
    assert generation_blockers(full, Constraints()) == []
    assert generation_blockers(full, Constraints(general_fund_no_worse=True)) == ["constraints.general_fund_no_worse"]


@pytest.mark.slow
def test_run_with_generated_candidates_reports_how_they_were_found(ne_inputs, tmp_path):
    import json

    from sharedopt.pipeline.sequencer import run

    config = _config("north-east.toml", {"candidates": "generate"}, None, {"mip_gap": 0.0})
    result = run(config)
    gen = result.summary.candidate_generation
    assert gen["complete"] and gen["lp_bound_over_all_groups"] >= result.summary.solve.objective - 1e-6
    # the whole space (groups x depths) fits the cap, so the gap is closed and the optimum proven
    assert gen["closed"] and "closed:" in gen["note"]
    assert result.summary.solve.status == "optimal"
    files = write_result(result, tmp_path, {"csv", "json"})
    written = json.loads(files["summary.json"].read_text())
    assert written["candidate_generation"]["note"].startswith("[model] candidates")
    enum = (tmp_path / "enumeration.csv").read_text()
    assert "generated" in enum
    enumerated = run(_config("north-east.toml", {"candidates": "enumerate"}, None, {"mip_gap": 0.0}))
    assert enumerated.summary.candidate_generation is None
    assert result.summary.solve.objective == pytest.approx(enumerated.summary.solve.objective, rel=1e-9)


def test_realisation_ceiling_and_governance_floor_bound_every_group(wales_inputs):
    """The pricing's realisation ceiling is at least, and its governance factor at most, what
    any group of the service has at that depth, with readiness answers and prior collaboration."""
    from sharedopt.candidates.pricing_terms import governance_floor, realisation_ceiling
    from sharedopt.candidates.readiness import candidate_realisation

    params = _config("wales.toml").model
    base = CostBase.from_frames(wales_inputs.authorities, wales_inputs.costs, params)
    params = _readiness_params(params, base)
    params = params.model_copy(update={"readiness": params.readiness.model_copy(
        update={"mode_governance_factors": {"complying": 1.2, "constraining": 0.9, "creating": 0.8}})})
    for service in ("Environment", "Central_Services"):
        groups = connected_groups(wales_inputs.graphs[service], 4, min_size=2)
        members = base.index_of(groups.nodes.tolist())[np.maximum(groups.members, 0)]
        members = np.where(groups.members >= 0, members, -1)
        for depth in DEPTHS:
            factor, columns = candidate_realisation(base, params, (service,), members, depth)
            ceiling = realisation_ceiling(base, params, service, depth)
            assert factor.max() <= ceiling + 1e-12
            floor = governance_floor(params, service, depth)
            factors = params.readiness.mode_governance_factors
            assert min(factors.get(m, 1.0) for m in set(columns["partnership_mode"])) >= floor


def test_space_over_the_cap_is_not_closed_and_the_gap_is_against_the_bound_over_all_groups(ne_inputs, monkeypatch):
    """Closing is tried only when every group and depth fits the cap; above it the note says why,
    the same words on every run (no time-limited MIP decides it), and the bound stays true."""
    from sharedopt.solve.generate import columns

    monkeypatch.setattr(columns, "CLOSE_CAP", 1_000)
    solver = {"mip_gap": 0.0, "time_limit": 120}
    gen = _config("north-east.toml", {"candidates": "generate"}, None, solver)
    first = enumerate_candidates(ne_inputs, gen, with_shares=False).generation
    again = enumerate_candidates(ne_inputs, gen, with_shares=False).generation
    assert first.complete and not first.closed
    space = sum(sum(count_connected_groups(g, 5, min_size=2).values()) for g in ne_inputs.graphs.values() if len(g))
    assert f"not closed: {space * len(DEPTHS):,} groups and depths in all, over the 1,000" in first.note
    assert first.note == again.note and first.lp_bound == again.lp_bound
    _, _, r_full, _ = _solve(ne_inputs, _config("north-east.toml", {"candidates": "enumerate"}, None, solver))
    assert first.lp_bound >= r_full.objective - 1e-6
