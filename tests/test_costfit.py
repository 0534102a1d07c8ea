"""Cost functions from the data (sharedopt.candidates.costfit) and the served population (sharedopt.data.workday)."""

import numpy as np
import pandas as pd
import pytest

from sharedopt.candidates.costfit import (
    ServiceCurve,
    NOTE, curves_table, fit_cost_curves, fit_frame, fit_service, select_curve,
)
from sharedopt.data.authorities import authority_table
from sharedopt.data.plausibility import plausibility_flags
from sharedopt.data.workday import service_population, workday_ratios


def synthetic_panel(b1: float, b2: float = 0.0, centre: float = np.log(150_000), n: int = 300,
                    years: int = 5, seed: int = 7) -> pd.DataFrame:
    """A panel in cost_panel()'s format whose ln(spend per head) follows a known curve."""
    rng = np.random.default_rng(seed)
    codes = [f"E06{i:06d}" for i in range(n)]
    lp = rng.uniform(np.log(20_000), np.log(1_500_000), n)
    cls = rng.choice(["unitary", "district", "county"], n)
    ldens = rng.normal(6.0, 1.0, n)
    dep = rng.normal(25.0, 8.0, n)
    council_effect = rng.normal(0.0, 0.15, n)
    rows = []
    for t in range(years):
        x = lp - centre
        ly = (5.0 + b1 * x + b2 * x ** 2 + 0.1 * ldens + 0.01 * dep + 0.05 * t
              + np.where(cls == "district", -1.0, 0.0) + council_effect + rng.normal(0.0, 0.05, n))
        pop = np.exp(lp)
        rows.append(pd.DataFrame({
            "code": codes, "name": codes, "cls": cls, "year": f"{2017 + t}-{(18 + t) % 100:02d}",
            "service": "Planning", "population": pop, "spend_gbp_k": np.exp(ly) * pop / 1000.0,
            "spend_per_head": np.exp(ly), "density": np.exp(ldens), "deprivation": dep,
            "workday_ratio": 1.0, "joint_waste": 0.0, "delivers": True}))
    return pd.concat(rows, ignore_index=True)


def test_fit_recovers_a_known_elasticity():
    frame = fit_frame(synthetic_panel(b1=-0.15), "Planning")
    curve, resid = fit_service(frame, "Planning")
    lo, hi = curve.elasticity_ci
    assert lo < -0.15 < hi and abs(curve.elasticity + 0.15) < 0.03
    assert curve.identified and curve.b2 == 0.0 and curve.mes is None
    assert curve.n_obs == len(frame) == 1500 and np.isfinite(curve.r2)


def test_fit_recovers_a_known_u_shape_minimum():
    centre = np.log(150_000)
    mes_true = 400_000.0
    b2 = 0.08
    b1 = -2 * b2 * (np.log(mes_true) - centre)   # minimum of b1 x + b2 x^2 at ln(mes)
    curve, _ = fit_service(fit_frame(synthetic_panel(b1=b1, b2=b2, centre=centre), "Planning"), "Planning")
    assert curve.b2 > 0 and curve.mes is not None
    assert curve.mes_ci[0] < mes_true < curve.mes_ci[1]
    assert abs(np.log(curve.mes / mes_true)) < 0.15
    u = curve.unit_cost(np.array([100_000.0, curve.mes, 1_000_000.0]))
    assert u[1] < u[0] and u[1] < u[2]


def test_zero_effect_that_rejects_the_literature_value_is_flat():
    """A precise zero (CI -0.015..+0.012) excludes Planning's literature -0.08: the data win, no economy."""
    curve, _ = fit_service(fit_frame(synthetic_panel(b1=0.0, seed=11), "Planning"), "Planning")
    assert curve.elasticity_ci[0] < 0 < curve.elasticity_ci[1]
    assert not curve.identified and not curve.elasticity_ci[0] <= -0.08
    used = select_curve(curve, "fitted")
    assert used.source.startswith("data:") and "excludes the literature value -0.080" in used.source
    assert used.elasticity == 0.0 and used.shape == "flat"
    assert used.fitted_elasticity == curve.elasticity


def test_imprecise_zero_keeps_the_literature_value_it_does_not_reject():
    curve = ServiceCurve(service="Planning", b1=0.0, b2=0.0, elasticity=0.0, elasticity_ci=(-0.2, 0.2), mes=None,
                         mes_ci=None, n_obs=50, r2=0.1, identified=False, source="fit", fitted_elasticity=0.0,
                         fitted_ci=(-0.2, 0.2))
    used = select_curve(curve, "fitted")
    assert used.source.startswith("literature") and "not identified: CI includes 0" in used.source
    assert used.elasticity == pytest.approx(-0.08)          # Planning's SERVICE_DEFAULTS e_down


def test_wrong_sign_falls_back_and_literature_mode_overrides():
    curve, _ = fit_service(fit_frame(synthetic_panel(b1=0.2), "Planning"), "Planning")
    assert curve.elasticity_ci[0] > 0 and not curve.identified
    assert "excludes the literature value" in select_curve(curve).source   # wrong sign: the data reject it
    good, _ = fit_service(fit_frame(synthetic_panel(b1=-0.15), "Planning"), "Planning")
    assert select_curve(good, "fitted") is good
    assert select_curve(good, "literature").source.startswith("literature")


def test_literature_curve_is_flat_above_its_mes():
    curve = select_curve(fit_service(fit_frame(synthetic_panel(b1=0.0, seed=11), "Planning"), "Planning")[0],
                         "literature")
    u = curve.unit_cost(np.array([100_000.0, 400_000.0, 2_000_000.0]))
    assert u[0] / u[1] == pytest.approx(4.0 ** 0.08)
    assert u[2] == pytest.approx(u[1])


@pytest.fixture(scope="module")
def real():
    return fit_cost_curves()


def test_real_fit_is_deterministic_with_finite_cis(real, monkeypatch):
    table = curves_table(real)
    monkeypatch.setenv("SHAREDOPT_CACHE", "off")  # fit again, not read back the stored fit
    fit_cost_curves.cache_clear()
    again = curves_table(fit_cost_curves())
    pd.testing.assert_frame_equal(table, again)
    assert len(table) == 10 and (table["note"] == NOTE).all()
    assert np.isfinite(table[["elasticity", "ci_low", "ci_high", "fitted_ci_low", "fitted_ci_high", "r2"]]).all().all()
    assert (table["n"] > 900).all()
    # the rule: a curve is used as fitted only when its whole CI is below 0, or it is a U with
    # its minimum inside the data and a significant falling branch at the 10th percentile
    fitted = table[table["curve"] == "fitted"]
    u = (fitted["shape"] == "U") & fitted["mes"].notna() & (fitted["elasticity_p10_ci_high"] < 0)
    assert ((fitted["ci_high"] < 0) | u).all()
    # not identified: the literature value where the data's own CI includes it, else flat (no economy)
    lit = table[table["curve"] == "literature"]
    assert (lit["fitted_ci_high"] >= 0).all()
    assert ((lit["fitted_ci_low"] <= lit["elasticity"]) & (lit["elasticity"] <= lit["fitted_ci_high"])).all()
    flat = table[table["curve"] == "flat (data)"]
    assert (flat["elasticity"] == 0).all() and len(flat) > 0
    assert set(table["curve"]) == {"fitted", "literature", "flat (data)"}


def test_efficiency_ratios_centre_on_one(real):
    eff = real.efficiency
    assert eff.index.str.startswith("E").all()
    med = eff.median()
    assert ((med > 0.9) & (med < 1.1)).all(), med
    # districts do not deliver education: no ratio
    districts = [c for c in eff.index if c.startswith("E07")]
    assert eff.loc[districts, "Education"].isna().all()
    assert eff.loc[districts, "Housing"].notna().mean() > 0.9


def test_workday_ratio_city_of_london_and_reorganised_areas():
    ratios = workday_ratios()
    assert ratios.loc["E09000001", "workday_ratio"] == pytest.approx(11.4, abs=0.05)
    assert ratios.loc["E09000033", "workday_ratio"] == pytest.approx(1.92, abs=0.01)
    # North Yorkshire (2023) = its seven 2021 districts; Kent county = its districts
    assert ratios.loc["E06000065", "basis"] == "sum of 2021 predecessors"
    assert 0.9 < ratios.loc["E06000065", "workday_ratio"] < 1.1
    assert ratios.loc["E10000016", "basis"].startswith("sum of 12 districts")
    england = authority_table()
    assert set(england[england["nation"] == "England"].index) <= set(ratios.index)


def test_service_population_uses_workday_only_for_daytime_services():
    auth = authority_table().loc[["E09000001", "E06000001"]]
    culture = service_population(auth, "Culture")
    care = service_population(auth, "Adult_Social_Care")
    assert culture["E09000001"] / auth.loc["E09000001", "population"] == pytest.approx(11.435, abs=0.01)
    assert (care == auth["population"]).all()


def test_plausibility_flags_a_planted_outlier():
    from sharedopt.data.panel import cost_panel
    panel = cost_panel()
    latest = panel[(panel["year"] == "2023-24") & panel["delivers"]]
    costs = latest.rename(columns={"code": "authority", "spend_gbp_k": "net_expenditure_gbp_k"})
    auth = authority_table()
    base = plausibility_flags(costs, auth)
    target = "E06000001"
    assert not ((base["authority"] == target) & (base["service"] == "Culture")).any()
    planted = costs.copy()
    planted.loc[(planted["authority"] == target) & (planted["service"] == "Culture"), "net_expenditure_gbp_k"] *= 30
    flags = plausibility_flags(planted, auth)
    row = flags[(flags["authority"] == target) & (flags["service"] == "Culture")]
    assert len(row) == 1 and row["flag"].iloc[0] == "high"
    assert row["spend_per_head_gbp"].iloc[0] > 2 * row["p99"].iloc[0]


def test_literature_switch_from_config_and_summary_rows():
    from pydantic import ValidationError

    from sharedopt.candidates.costfit import assumption_rows
    from sharedopt.config.params import ModelParams

    assert ModelParams().cost_curves == "fitted"
    params = ModelParams(cost_curves="literature")
    with pytest.raises(ValidationError):
        ModelParams(cost_curves="fited")
    lit = fit_cost_curves(params.cost_curves)
    table = curves_table(lit)
    assert (table["curve"] == "literature").all()
    assert table.set_index("service").loc["Central_Services", "elasticity"] == pytest.approx(-0.15)
    # the fits still ran: the data's estimate is kept beside the fallback
    assert table["fitted_elasticity"].notna().all()
    rows = {r["parameter"]: r for r in assumption_rows(params.cost_curves)}
    assert rows["cost_curves"]["value"] == "literature" and rows["cost_curves"]["source"] == "config override"
    assert rows["cost_curve.min_population"]["value"] == 10_000


def test_list_services_shows_the_curve_used():
    from typer.testing import CliRunner

    from sharedopt.cli import app

    result = CliRunner().invoke(app, ["list", "services"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert "association, not cause" in result.output
    line = next(row for row in result.output.splitlines() if "Central_Services" in row)
    used = fit_cost_curves().curve("Central_Services")
    assert f"{used.elasticity:+.3f}" in line and ("fitted" if used.identified else "literature") in line
