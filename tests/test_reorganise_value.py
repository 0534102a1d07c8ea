"""Valuation of structures: terms add up to every total, and each term behaves as documented."""

from __future__ import annotations

import numpy as np
import pytest

from sharedopt.config.schema import config_from_dict
from sharedopt.reorganisation.appraise import Structure, appraise, group_npv
from sharedopt.reorganisation.run import prepare
from sharedopt.reorganisation.value import disaggregation_base, factors, value_unitary


@pytest.fixture(scope="module")
def essex():
    config = config_from_dict({"region": {"name": "essex"},
                               "reorganisation": {"unitaries": ["Southend-on-Sea", "Thurrock"]}})
    return prepare(config)


def _split(area, n):
    blocks = sorted(area.blocks)
    return [blocks[i::n] for i in range(n)]


def test_terms_add_up_to_unitaries_and_cash_flows(essex):
    area, _, params, bounds, exempt = essex
    units = _split(area, 3)
    a = appraise(area, Structure("s", "proposal", units, ["a", "b", "c"]), params, bounds, exempt)
    assert a.terms["net_present_value_gbp_k"].sum() == pytest.approx(a.unitaries["net_present_value_gbp_k"].sum(), abs=0.5)
    assert a.npv == pytest.approx(sum(group_npv(area, u, params) for u in units), rel=1e-9)
    _, _, discount = factors(params)
    flows = a.cashflows.pivot_table(index="year", columns="term", values="gbp_k", aggfunc="sum")
    assert float(flows.sum(axis=1).to_numpy() @ discount) == pytest.approx(a.npv, rel=1e-9)
    assert float(flows.loc[0:5].to_numpy().sum()) == pytest.approx(a.five_year, rel=1e-9)


def test_disaggregation_is_rate_times_extra_successors(essex):
    area, _, params, *_ = essex
    county = area.counties[0]
    base = disaggregation_base(area, county)
    for n in (1, 2, 4):
        total = sum(value_unitary(area, u, params).disaggregation for u in _split(area, n))
        assert total == pytest.approx(params["disaggregation_rate"] * base * (n - 1), rel=1e-9)


def test_no_merger_no_saving_and_no_one_off(essex):
    area, _, params, *_ = essex
    alone = value_unitary(area, ["E06000033"], params)  # Southend-on-Sea as it is
    assert sum(alone.savings.values()) == 0 and alone.one_off == 0 and alone.disaggregation == 0


def test_more_unitaries_save_less(essex):
    area, _, params, *_ = essex
    savings = [sum(sum(value_unitary(area, u, params).savings.values()) for u in _split(area, n))
               for n in (1, 2, 4)]
    assert savings[0] > savings[1] > savings[2] > 0


def test_realisation_scales_savings_only(essex):
    area, _, params, *_ = essex
    units = _split(area, 2)[0]
    half, none = value_unitary(area, units, params), value_unitary(area, units, {**params, "realisation": 0.0})
    assert sum(none.savings.values()) == 0 and sum(half.savings.values()) > 0
    assert none.disaggregation == half.disaggregation and none.one_off == half.one_off
    assert np.isclose(sum(value_unitary(area, units, {**params, "realisation": 1.0}).savings.values()),
                      2 * sum(half.savings.values()))
