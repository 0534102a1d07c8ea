"""The coordination cost: a what-if lever that lets the economics, not max_group_size, set group size."""

from __future__ import annotations

import numpy as np
import pytest

from sharedopt.candidates.enumerate import connected_groups
from sharedopt.candidates.table import COST_COORDINATION, COST_GOVERNANCE, N_MEMBERS, POOLED_SPEND
from sharedopt.candidates.value import CostBase, acting_budget, coordination_rate, evaluate
from sharedopt.config.params import ModelParams
from sharedopt.pipeline.sequencer import run

SERVICE = "Central_Services"


class PowerCurve:
    """A constant-elasticity unit-cost curve (the shape costfit fits where (ln P)^2 is dropped)."""

    def __init__(self, elasticity: float):
        self.elasticity = elasticity

    def unit_cost(self, population):
        return np.asarray(population, dtype=float) ** self.elasticity


def _equal_councils(n: int, curve=None) -> CostBase:
    """n councils of 100,000 residents each spending £10m on the service; no centroids, no efficiency gaps."""
    return CostBase(codes=np.array([f"X{i:02d}" for i in range(n)], dtype=object), services=(SERVICE,),
                    population=np.full(n, 100_000.0), spend=np.full((n, 1), 10_000.0),
                    estimated=np.zeros((n, 1), dtype=bool),
                    curves=None if curve is None else {SERVICE: curve})


def _no_fixed_costs(best: float) -> ModelParams:
    return ModelParams(coordination_best_size=best, governance_per_member_gbp_k=0.0,
                       governance_per_pair_gbp_k=0.0, distance_cost_per_km_gbp_k=0.0, governance_rate=0.0)


def _best_size(base: CostBase, params: ModelParams, largest: int) -> int:
    """The group size whose per-member annual net saving is largest (equal members)."""
    per_member = []
    for n in range(1, largest + 1):
        members = np.array([list(range(n))])
        per_member.append(evaluate(base, params, (SERVICE,), members)["annual_net_saving_gbp_k"][0] / n)
    return int(np.argmax(per_member)) + 1


@pytest.mark.parametrize("best", [2, 3, 4])
@pytest.mark.parametrize("curve", [None, PowerCurve(-0.256)], ids=["literature U", "fitted power"])
def test_per_member_saving_of_equal_members_peaks_at_the_chosen_size(best, curve):
    base = _equal_councils(8, curve)
    assert _best_size(base, _no_fixed_costs(best), 8) == best


def test_without_a_coordination_cost_every_partner_added_pays():
    base = _equal_councils(8, PowerCurve(-0.256))
    assert _best_size(base, _no_fixed_costs(0), 8) == 8


def test_rate_follows_the_elasticity_and_an_override_wins():
    base = _equal_councils(2, PowerCurve(-0.256))
    factor = ModelParams().realisation_factor()
    assert 0 < factor < 1  # savings are realised, costs are not: the rate is set on the realised saving
    assert coordination_rate(base, _no_fixed_costs(3), SERVICE) == pytest.approx(factor * 0.256 * 3 ** (-1.256))
    assert coordination_rate(base, _no_fixed_costs(0), SERVICE) == 0.0
    assert coordination_rate(_equal_councils(2, PowerCurve(0.05)), _no_fixed_costs(3), SERVICE) == 0.0
    params = _no_fixed_costs(3)
    services = {**params.services, SERVICE: params.services[SERVICE].model_copy(update={"coordination_rate": 0.01})}
    assert coordination_rate(base, params.model_copy(update={"services": services}), SERVICE) == 0.01


def test_a_scenario_realisation_moves_savings_not_the_coordination_cost():
    base = _equal_councils(4, PowerCurve(-0.256))
    members = np.array([[0, 1, 2]])
    plain = evaluate(base, _no_fixed_costs(3), (SERVICE,), members)
    cut = evaluate(base, _no_fixed_costs(3).model_copy(update={"optimism_bias_saving_reduction": 0.3}),
                   (SERVICE,), members)
    assert cut[COST_COORDINATION][0] == plain[COST_COORDINATION][0] > 0
    assert cut["annual_saving_gbp_k"][0] == pytest.approx(0.7 * plain["annual_saving_gbp_k"][0], rel=1e-12)


def test_best_size_must_be_zero_or_a_group():
    with pytest.raises(ValueError, match="coordination_best_size"):
        ModelParams(coordination_best_size=1.5)


def test_coordination_is_the_stated_part_of_governance_on_real_data(north_east_inputs):
    """Every connected North East group of 2-4 councils: coordination = rate x (n - 1) x the pooled budget
    scale acts on, inside the governance cost, and the five terms still add up to the annual net saving."""
    params = ModelParams(coordination_best_size=3)
    inputs = north_east_inputs
    base = CostBase.from_frames(inputs.authorities, inputs.costs, params)
    groups = connected_groups(inputs.graphs[SERVICE], 4, min_size=2)
    members = np.where(groups.members >= 0, base.index_of(groups.nodes.tolist())[np.maximum(groups.members, 0)], -1)
    assert len(members) > 100
    out = evaluate(base, params, (SERVICE,), members)
    rate = coordination_rate(base, params, SERVICE)
    assert rate > 0
    # expected values: the cost is paid only if the partnership succeeds
    budget = acting_budget(base, params, SERVICE, "scale")
    acting = np.where(members >= 0, budget[np.maximum(members, 0)], 0.0).sum(axis=1)
    assert (acting < out[POOLED_SPEND]).any() and (acting <= out[POOLED_SPEND] + 1e-9).all()
    np.testing.assert_allclose(out[COST_COORDINATION],
                               params.success_probability * rate * (out[N_MEMBERS] - 1) * acting, rtol=1e-12)
    without = evaluate(base, params.model_copy(update={"coordination_best_size": 0.0}), (SERVICE,), members)
    np.testing.assert_allclose(out[COST_GOVERNANCE] - without[COST_GOVERNANCE], out[COST_COORDINATION], rtol=1e-12)
    terms = (out["saving_scale_gbp_k"] + out["saving_efficiency_gbp_k"] + out["saving_scope_gbp_k"]
             - out["cost_distance_gbp_k"] - out[COST_GOVERNANCE])
    np.testing.assert_allclose(terms, out["annual_net_saving_gbp_k"], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(out["annual_net_saving_gbp_k"],
                               without["annual_net_saving_gbp_k"] - out[COST_COORDINATION], rtol=1e-9, atol=1e-9)


def _chosen_sizes(config, k: int, best: float = 3.0) -> list[tuple[str, int]]:
    model = config.model.model_copy(update={"max_group_size": k, "coordination_best_size": best})
    result = run(config.model_copy(update={"model": model}))
    portfolio = result.portfolio
    return sorted(zip(portfolio["candidate_id"], portfolio[N_MEMBERS]))


@pytest.mark.slow
def test_with_coordination_the_cap_does_not_set_the_portfolio(north_east_config):
    """Raising max_group_size from 4 to 6 changes nothing once coordination sets the best size;
    without it the larger cap is filled (groups of 6 appear)."""
    assert _chosen_sizes(north_east_config, 4) == _chosen_sizes(north_east_config, 6)
    uncapped = _chosen_sizes(north_east_config, 6, best=0.0)
    assert max(n for _, n in uncapped) == 6
    assert uncapped != _chosen_sizes(north_east_config, 4, best=0.0)
