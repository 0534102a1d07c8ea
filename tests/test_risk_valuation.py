"""Realisation as risk, the one-off cost from evidence, the general fund, and scale curves from the data.

Checked on the real North East candidates and on small hand-built cases.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sharedopt.candidates.costfit import ServiceCurve, curve_kind, select_curve
from sharedopt.candidates.table import (
    ANNUAL_SAVING, CANDIDATE_ID, COST_DISTANCE, DEPTH, EXIT_COST, GENERAL_FUND_NPV, GOVERNANCE_COST, KIND,
    MIN_MEMBER_GENERAL_FUND_NPV, NPV, NPV_IF_FAILURE, NPV_IF_SUCCESS, ONE_OFF_COST, PARTNERSHIP_MODE,
    REALISATION_FACTOR, SCALE, SCALE_AND_SCOPE, SUCCESS_PROBABILITY, WHOLE_ORGANISATION,
)
from sharedopt.candidates.value import CostBase, annuity_factors, evaluate
from sharedopt.config.assumptions import COST_CURVE_FALLBACK
from sharedopt.config.constraints import Constraints
from sharedopt.config.params import ModelParams
from sharedopt.model.build import build_model
from sharedopt.config.schema import load_config
from sharedopt.pipeline.steps import enumerate_candidates, load_inputs
from sharedopt.results.cashflow import council_cashflows

SERVICE = "Central_Services"
CONFIGS = Path(__file__).resolve().parents[1] / "configs"


def _pair(p: float = 0.8, **update) -> dict:
    """Two equal councils of 50,000 residents pooling £10m each on the literature curve, no fixed costs."""
    base = CostBase(codes=np.array(["A", "B"], dtype=object), services=(SERVICE,),
                    population=np.full(2, 50_000.0), spend=np.full((2, 1), 10_000.0),
                    estimated=np.zeros((2, 1), dtype=bool))
    params = ModelParams(success_probability=p, cost_curves="literature", **update)
    return evaluate(base, params, (SERVICE,), np.array([[0, 1]])), params


def test_npv_is_the_probability_weighted_mix_of_success_and_failure():
    out, params = _pair(0.7)
    assert out[NPV][0] == pytest.approx(0.7 * out[NPV_IF_SUCCESS][0] + 0.3 * out[NPV_IF_FAILURE][0])
    assert out[SUCCESS_PROBABILITY][0] == 0.7


def test_certain_success_and_certain_failure():
    sure, params = _pair(1.0)
    assert sure[NPV][0] == pytest.approx(sure[NPV_IF_SUCCESS][0])
    assert sure[EXIT_COST][0] == 0.0
    fail, params = _pair(0.0)
    setup = fail[ONE_OFF_COST][0] - fail[EXIT_COST][0]
    assert fail[NPV][0] == pytest.approx(-setup * (1 + params.exit_cost_rate))
    assert fail[ANNUAL_SAVING][0] == 0.0 and fail[GOVERNANCE_COST][0] == 0.0


def test_one_off_is_the_setup_ratio_of_the_delivered_saving_with_optimism_bias():
    out, params = _pair(1.0)
    delivered = out[ANNUAL_SAVING][0]  # p = 1: the expected saving is the delivered one
    assert delivered > 0
    assert out[ONE_OFF_COST][0] == pytest.approx(
        params.setup_ratio * delivered * (1 + params.optimism_bias_cost_uplift))
    doubled, _ = _pair(1.0, setup_ratio=2 * params.setup_ratio)
    assert doubled[ONE_OFF_COST][0] == pytest.approx(2 * out[ONE_OFF_COST][0])


def test_expected_saving_is_success_probability_times_delivery():
    out, params = _pair(0.6)
    sure, _ = _pair(1.0)
    assert out[REALISATION_FACTOR][0] == pytest.approx(params.realisation.base_rate())  # the delivery side
    assert out[ANNUAL_SAVING][0] == pytest.approx(0.6 * sure[ANNUAL_SAVING][0])


@pytest.fixture(scope="module")
def candidates(north_east_inputs, north_east_config):
    return enumerate_candidates(north_east_inputs, north_east_config, with_shares=False).table


def test_expected_columns_discount_to_the_npv(candidates, north_east_config):
    """Year 0 pays the expected one-off; years 1..H the ramped expected saving less recurring costs."""
    params = north_east_config.model
    ramp_annuity, annuity = annuity_factors(params)
    rows = candidates[candidates[DEPTH] == "lead_council"]
    npv = (-rows[ONE_OFF_COST] + rows[ANNUAL_SAVING] * ramp_annuity
           - (rows[GOVERNANCE_COST] + rows[COST_DISTANCE]) * annuity)
    np.testing.assert_allclose(npv, rows[NPV], rtol=1e-9, atol=1e-6)
    mix = rows[SUCCESS_PROBABILITY] * rows[NPV_IF_SUCCESS] + (1 - rows[SUCCESS_PROBABILITY]) * rows[NPV_IF_FAILURE]
    np.testing.assert_allclose(mix, rows[NPV], rtol=1e-9, atol=1e-6)


def test_mode_follows_the_vehicle_not_the_kind(candidates):
    """A two-service bundle and a single service at the same depth have the same mode and realisation."""
    lead = candidates[(candidates[DEPTH] == "lead_council") & candidates[KIND].isin([SCALE, SCALE_AND_SCOPE])]
    assert lead[KIND].nunique() == 2
    assert lead.groupby(KIND)[PARTNERSHIP_MODE].agg(set).map(frozenset).nunique() == 1
    assert lead[REALISATION_FACTOR].round(12).nunique() == 1


def test_general_fund_columns_agree_with_the_council_cash_flows(north_east_inputs, north_east_config, candidates):
    """The candidate table's general-fund NPV is what results.cashflow banks year by year."""
    from sharedopt.candidates.value import CostBase as Base
    base = Base.from_frames(north_east_inputs.authorities, north_east_inputs.costs, north_east_config.model)
    rows = candidates[candidates[KIND] != WHOLE_ORGANISATION].sort_values(NPV).iloc[::25]
    flows = council_cashflows(rows, base, north_east_config.model)
    flows["banked"] = flows["general_fund_net_gbp_k"] * flows["discount_factor"]
    per_member = flows.groupby([CANDIDATE_ID, "authority"])["banked"].sum()
    total = per_member.groupby(level=0).sum()
    worst = per_member.groupby(level=0).min()
    got = rows.set_index(CANDIDATE_ID)
    np.testing.assert_allclose(total.reindex(got.index), got[GENERAL_FUND_NPV], rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(worst.reindex(got.index), got[MIN_MEMBER_GENERAL_FUND_NPV], rtol=1e-9, atol=1e-6)


def test_general_fund_never_exceeds_npv_and_ring_fenced_services_bank_less(candidates):
    assert (candidates[GENERAL_FUND_NPV] <= candidates[NPV] + 1e-6).all()
    fenced = candidates["services"].str.contains("Public_Health") & (candidates[ANNUAL_SAVING] > 0)
    assert fenced.any()
    assert (candidates.loc[fenced, GENERAL_FUND_NPV] < candidates.loc[fenced, NPV]).all()


def test_general_fund_rule_excludes_candidates_that_leave_a_member_worse_off(candidates):
    model = build_model(candidates, Constraints(general_fund_no_worse=True))
    losers = set(candidates.loc[candidates[MIN_MEMBER_GENERAL_FUND_NPV] < 0, CANDIDATE_ID])
    assert losers, "the North East has candidates that cost some member's general fund"
    excluded = set(model.excluded[model.excluded.str.contains("general fund")].index)
    assert excluded == losers


def _curve(ci: tuple[float, float], identified: bool = False) -> ServiceCurve:
    return ServiceCurve(service=SERVICE, b1=sum(ci) / 2, b2=0.0, elasticity=sum(ci) / 2, elasticity_ci=ci,
                        mes=None, mes_ci=None, n_obs=100, r2=0.5, identified=identified, source="fit",
                        fitted_elasticity=sum(ci) / 2, fitted_ci=ci)


def test_scale_curves_follow_the_data_both_ways():
    literature = COST_CURVE_FALLBACK[SERVICE]["elasticity"]
    assert curve_kind(select_curve(_curve((-0.4, -0.1), identified=True))) == "fitted"
    flat = select_curve(_curve((literature + 0.05, 0.3)))          # the data reject the literature value
    assert curve_kind(flat) == "flat (data)" and flat.elasticity == 0.0
    assert np.allclose(flat.unit_cost(np.array([1e4, 1e6])), 1.0)
    kept = select_curve(_curve((literature - 0.05, 0.1)))           # the data do not reject it
    assert curve_kind(kept) == "literature" and kept.elasticity == pytest.approx(literature)


def test_whole_organisation_savings_are_not_delivered_twice():
    """Its saving rate is calibrated on delivered savings: no delivery ratio (Kent's districts)."""
    config = load_config(CONFIGS / "kent.toml")
    table = enumerate_candidates(load_inputs(config), config, with_shares=False).table
    whole = table[table[KIND] == WHOLE_ORGANISATION]
    assert len(whole) > 0
    # readiness uplifts (prior collaboration) may lift it; the delivery ratio (< 1) never lowers it
    ratio = whole[REALISATION_FACTOR]
    assert (ratio >= 1 - 1e-12).all() and (ratio == 1).any()


def test_default_levers_carry_a_range_and_evidence():
    from sharedopt.config.assumptions import COST_DEFAULTS, REALISATION_BASE, SUCCESS_PROBABILITY
    for entry in (COST_DEFAULTS["setup_ratio"], COST_DEFAULTS["exit_cost_rate"], REALISATION_BASE,
                  SUCCESS_PROBABILITY):
        low, high = entry["range"]
        assert low <= entry["value"] <= high and entry["evidence"]
    assert pd.notna(COST_DEFAULTS["setup_ratio"]["source"])


def _cited_ids(node) -> set[str]:
    """Every register id named under an ``evidence`` key anywhere in an assumption table."""
    if isinstance(node, dict):
        found = set(node.get("evidence", ())) if isinstance(node.get("evidence"), (tuple, list)) else set()
        return found.union(*(_cited_ids(v) for k, v in node.items() if k != "evidence"))
    if isinstance(node, (list, tuple)):
        return set().union(*(_cited_ids(v) for v in node)) if node else set()
    return set()


def test_every_cited_evidence_row_exists_in_the_register():
    import sharedopt.config.assumptions as assumptions
    from sharedopt.data.evidence import load_register
    cited = set().union(*(_cited_ids(getattr(assumptions, name)) for name in assumptions.__all__
                          if isinstance(getattr(assumptions, name), (dict, list))))
    assert len(cited) >= 20
    missing = cited - set(load_register()["id"])
    assert not missing, f"assumptions cite register rows that do not exist: {sorted(missing)}"


def test_every_tornado_lever_has_a_range_around_a_value_and_a_basis():
    from sharedopt.config.assumptions import unknowns
    levers = unknowns()
    assert len(levers) >= 12
    for lever in levers:
        assert lever["low"] < lever["high"] and lever["basis"] in ("evidence", "assumption") and lever["source"]
    assert {lv["key"] for lv in levers} >= {"model.setup_ratio", "model.success_probability",
                                             "model.realisation.base", "model.governance_rate"}
