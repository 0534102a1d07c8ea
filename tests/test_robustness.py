"""The robust core, the headline with its band, and the medium-term general-fund view."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sharedopt.candidates.table import CANDIDATE_ID, GENERAL_FUND_NPV, NPV
from sharedopt.pipeline.robustness import (
    CONTINGENT, ROBUST, attach_robustness, band_text, position, recommendation,
)
from sharedopt.pipeline.scenario import Scenario
from sharedopt.pipeline.sequencer import run
from sharedopt.pipeline.uncertainty import draw_value
from sharedopt.report.workbook.book import _summary_rows

ROOT = Path(__file__).resolve().parents[1]


def _small(distributions: dict) -> Scenario:
    return Scenario.from_config(ROOT / "configs" / "north-east.toml").with_(
        {"model.max_group_size": 3, "report.top_n": 0, "uncertainty.engine": "serial",
         "uncertainty.distributions": distributions})


def test_split_distribution_has_the_default_as_its_median():
    rng = np.random.default_rng(0)
    spec = {"dist": "split", "low": 0.35, "mode": 0.8, "high": 2.42}
    draws = np.array([draw_value(0.8, spec, rng) for _ in range(4000)])
    assert draws.min() >= 0.35 and draws.max() <= 2.42
    assert np.median(draws) == pytest.approx(0.8, abs=0.03)


def test_recommendation_threshold():
    assert recommendation(0.8, 0.8) == ROBUST and recommendation(0.79, 0.8) == CONTINGENT


@pytest.mark.slow
def test_identical_positive_draws_make_every_partnership_robust():
    fixed = {"model.setup_ratio": {"dist": "split", "low": 0.8, "mode": 0.8, "high": 0.8}}
    result = run(_small(fixed), draws=3)
    assert len(result.portfolio) > 0
    assert (result.portfolio["recommendation"] == ROBUST).all()
    block = result.summary.robustness
    assert block["n_contingent"] == 0
    assert block["robust_npv_gbp_k"] == pytest.approx(result.summary.totals[NPV])
    band = block["headline"]
    assert band["p10_gbp_k"] == pytest.approx(band[NPV]) == pytest.approx(band["p90_gbp_k"])
    again = run(_small(fixed), draws=3)   # seeded: the same figures
    assert again.summary.robustness == block
    table = result.robustness   # the same split from Python
    assert list(table.columns[:3]) == ["candidate_id", "p_in_portfolio", "recommendation"]
    assert (table["recommendation"] == ROBUST).all() and len(table) == len(result.portfolio)


@pytest.mark.slow
def test_loss_making_draws_leave_no_robust_partnership():
    ruinous = {"model.success_probability": {"dist": "uniform", "low": 0.0, "high": 0.0}}  # every partnership fails
    result = run(_small(ruinous), draws=3)
    assert len(result.portfolio) > 0 and result.summary.uncertainty[NPV]["p90"] == 0
    assert (result.portfolio["recommendation"] == CONTINGENT).all()
    assert result.summary.robustness["n_robust"] == 0


def test_no_monte_carlo_no_split(north_east_k3_run):
    assert attach_robustness(north_east_k3_run) is north_east_k3_run
    assert north_east_k3_run.robustness.empty and north_east_k3_run.tornado.empty


def test_medium_term_view_is_the_general_fund_cash_of_the_first_five_years(north_east_k3_run):
    result = north_east_k3_run
    view = result.summary.cash_flows["medium_term"]
    assert view["years"] == 5 and len(view["by_year"]) == 6
    assert view["by_year"][0] < 0   # year 0: the one-off costs
    assert view["cumulative"] == pytest.approx(sum(view["by_year"]), abs=1e-3)
    assert sum(r["cumulative"] for r in view["by_partnership"]) == pytest.approx(view["cumulative"], abs=1e-3)
    assert sum(r["cumulative"] for r in view["by_authority"]) == pytest.approx(view["cumulative"], abs=1e-3)
    assert {r[CANDIDATE_ID] for r in view["by_partnership"]} == set(result.portfolio[CANDIDATE_ID])


def test_headline_states_its_band_and_where_it_sits():
    assert band_text(43_408, 29_912, 168_252) == "£43.4m NPV (P10 £29.9m - P90 £168.3m)"
    said = position(43_408, 29_912, 93_632, 168_252, 0.25)
    assert "between P10 and P50" in said and "25% of draws are below it" in said and "medians" in said
    assert "above P90" in position(200_000, 1, 2, 3, 1.0) and "below P10" in position(-5_000, 1, 2, 3, 0.0)
    summary = {"robustness": {"headline": {"text": band_text(43_408, 29_912, 168_252), "position": said}}}
    item, value = _summary_rows(summary)[0]   # the workbook summary's first item after its contents note
    assert item == "headline" and value.startswith("£43.4m NPV (P10 £29.9m - P90 £168.3m). Central value")


def test_general_fund_per_council_adds_up_and_judges_better_off_alone(north_east_k3_run):
    councils = north_east_k3_run.summary.cash_flows["by_authority"]
    total = sum(r[GENERAL_FUND_NPV] for r in councils)
    assert total == pytest.approx(north_east_k3_run.portfolio[GENERAL_FUND_NPV].sum(), rel=1e-6, abs=0.01)
    assert all(r["better_off_alone_general_fund"] == (r[GENERAL_FUND_NPV] < 0) for r in councils)
    assert all(r[GENERAL_FUND_NPV] <= r[NPV] + 1e-6 for r in councils)   # ring-fenced savings never reach it
