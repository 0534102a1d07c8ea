"""Physical and human capital: the split from real outturn rows, its fallbacks, and the economies that act on it.

The fixture ``fixtures/capital`` holds real rows of the MHCLG 2024-25 detail file
(``data/raw/finance/lancashire15_ro4_ro5_ro6_detail_2024_25.csv``) for Blackburn with Darwen
(Planning, the RO2 Highways total), Burnley and Fylde (Culture); the sums below are those rows'.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sharedopt.candidates.value import CostBase, evaluate, scale_terms, scope_saving, unit_cost
from sharedopt.config.params import ModelParams, ScopePair
from sharedopt.data.capital import derive_capital_split, load_capital

FIXTURE = Path(__file__).parent / "fixtures" / "capital"
BLACKBURN, BURNLEY, FYLDE, MAIDSTONE = "E06000008", "E07000117", "E07000119", "E07000110"


@pytest.fixture(scope="module")
def split() -> pd.DataFrame:
    councils = pd.DataFrame({"authority": [BLACKBURN, BURNLEY, FYLDE, MAIDSTONE], "class": ["UA", "SD", "SD", "SD"]})
    return derive_capital_split(FIXTURE, councils).set_index(["authority", "service"])


def test_a_councils_split_is_the_sum_of_its_named_lines(split):
    # Blackburn Planning, poolable lines (employees, running): building control (419, 550),
    # development control (596, 1183), other planning policy (1277, 655), conservation and
    # economic research (0, 0); economic development, business support, community development not poolable
    planning = split.loc[(BLACKBURN, "Planning")]
    assert planning["employees_gbp_k"] == 419 + 596 + 1277
    assert planning["running_expenses_gbp_k"] == 550 + 1183 + 655
    assert planning["human_capital_share"] == pytest.approx(round(2292 / (2292 + 2388), 6))
    assert planning["physical_capital_share"] == pytest.approx(round(2388 / (2292 + 2388), 6))
    assert planning["basis"] == "measured"
    # Highways: the RO2 total line only, 3901 employees and 9748 running expenses
    assert split.loc[(BLACKBURN, "Highways_Transport"), "human_capital_share"] == pytest.approx(round(3901 / 13649, 6))
    # Fylde Culture: arts development (35, 81), heritage, museums, theatres (0, 274) each; 938 of the 4,352 total
    culture = split.loc[(FYLDE, "Culture")]
    assert (culture["employees_gbp_k"], culture["running_expenses_gbp_k"]) == (35, 81 + 3 * 274)
    assert culture["basis"] == "measured"


def test_a_missing_line_falls_back_with_a_label(split):
    # Burnley's Culture lines hold £2k of a £7,457k total (sports facilities and parks are blank):
    # not measured; the median of the one measured district (Fylde) instead, labelled
    burnley = split.loc[(BURNLEY, "Culture")]
    assert burnley["basis"] == "class-median fallback"
    assert burnley["human_capital_share"] == pytest.approx(round(35 / 938, 6))
    assert burnley["basis_detail"].startswith("median of 1 Lancashire district council")
    # Maidstone has no detail: the district medians; no district has Planning here, so no row
    assert split.loc[(MAIDSTONE, "Culture"), "basis"] == "class-median fallback"
    assert (MAIDSTONE, "Planning") not in split.index
    # the embedded table: a service no council has detail for is the labelled assumption
    loaded = load_capital([BURNLEY, "W06000001"], ["district", "Welsh principal area"], ["Education", "Environment"])
    assert loaded.basis.loc[BURNLEY, "Education"] == "assumption" and np.isnan(loaded.human.loc[BURNLEY, "Education"])
    assert "assumption" in loaded.detail.loc[BURNLEY, "Education"]
    assert loaded.basis.loc["W06000001", "Environment"] == "class-median fallback"


def _two() -> CostBase:
    return CostBase(codes=np.array(["A", "B"], dtype=object), services=("Environment", "Highways_Transport"),
                    population=np.array([50_000.0, 100_000.0]),
                    spend=np.array([[10_000.0, 4_000.0], [20_000.0, 6_000.0]]), estimated=np.zeros((2, 2), dtype=bool),
                    human=np.array([[0.2, 0.3], [0.6, np.nan]]))


def _params(human_env: float | None = None, **extra) -> ModelParams:
    services = {"Environment": dict(asset_intensity=0.4, e_down=0.1, mes=600_000, e_up=0.05,
                                    human_capital_share=human_env),
                "Highways_Transport": dict(asset_intensity=0.3, e_down=0.08, mes=500_000, e_up=0.03)}
    return ModelParams(services=services, cost_curves="literature", efficiency_theta=0.0,
                       scope_pairs=[ScopePair(services=("Environment", "Highways_Transport"), scope_rate=0.05)], **extra)


def test_scale_acts_on_the_physical_part_and_scope_on_the_human_by_hand():
    base, params = _two(), _params()
    members = np.array([[0, 1]])
    u = lambda p: unit_cost(np.array(p), 600_000, 0.1, 0.05)  # noqa: E731
    a_a, a_b = 0.4 * 10_000, 0.4 * 20_000
    w_a, w_b = 0.8 + 0.5 * 0.2, 0.4 + 0.5 * 0.6  # physical + half the human
    by_hand = (w_a * a_a * (1 - u(150_000) / u(50_000)) + w_b * a_b * (1 - u(150_000) / u(100_000)))
    scale, _ = scale_terms(base, params, "Environment", members)
    assert scale[0] == pytest.approx(by_hand * params.scale_causal_share, rel=1e-12)
    # scope: human + half the physical; Highways B has no data: the assumption 0.5
    env = (0.2 + 0.5 * 0.8) * a_a + (0.6 + 0.5 * 0.4) * a_b
    hwy = (0.3 + 0.5 * 0.7) * 0.3 * 4_000 + (0.5 + 0.5 * 0.5) * 0.3 * 6_000
    assert scope_saving(base, params, ("Environment", "Highways_Transport"), members)[0] == pytest.approx(
        0.05 * min(env, hwy), rel=1e-12)
    # no distinction (both 1): the whole poolable budget, as before
    whole = _params(scale_on_human=1.0, scope_on_physical=1.0)
    assert scale_terms(base, whole, "Environment", members)[0][0] == pytest.approx(
        (a_a * (1 - u(150_000) / u(50_000)) + a_b * (1 - u(150_000) / u(100_000))) * params.scale_causal_share)


def test_a_configured_human_share_is_used_for_every_council():
    base, members = _two(), np.array([[0, 1]])
    params = _params(human_env=1.0, scale_on_human=0.0)
    assert scale_terms(base, params, "Environment", members)[0][0] == 0.0  # all human: scale acts on none of it
    assert ModelParams(services={"Environment": {"human_capital_share": 0.3}}).services["Environment"].mes > 0
    with pytest.raises(ValueError, match="human_capital_share"):
        ModelParams(services={"Environment": {"human_capital_share": 1.5}})


def test_the_decomposition_still_adds_up_on_real_data(north_east_inputs):
    params = ModelParams()
    base = CostBase.from_frames(north_east_inputs.authorities, north_east_inputs.costs, params)
    assert base.human is not None and np.isfinite(base.human[:, base.service_index("Environment")]).all()
    members = np.array([[0, 1, -1], [2, 3, 4], [5, 6, -1]])
    out = evaluate(base, params, ("Central_Services", "Environment"), members)
    whole = evaluate(base, params.model_copy(update={"scale_on_human": 1.0, "scope_on_physical": 1.0}),
                     ("Central_Services", "Environment"), members)
    assert (out["saving_scale_gbp_k"] < whole["saving_scale_gbp_k"]).all()
    np.testing.assert_allclose(out["pooled_spend_gbp_k"], whole["pooled_spend_gbp_k"])
    terms = (out["saving_scale_gbp_k"] + out["saving_efficiency_gbp_k"] + out["saving_scope_gbp_k"]
             - out["cost_distance_gbp_k"] - out["cost_governance_gbp_k"])
    np.testing.assert_allclose(terms, out["annual_net_saving_gbp_k"], rtol=1e-12, atol=1e-9)
