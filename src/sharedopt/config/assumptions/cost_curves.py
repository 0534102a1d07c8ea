"""Cost functions fitted from the data, their literature fallback and day-time population weights.

Part of :mod:`sharedopt.config.assumptions`; import from there.
"""

from __future__ import annotations

from sharedopt.config.assumptions.services import SERVICE_DEFAULTS

# ---------------------------------------------------------------------------
# Cost functions estimated from the data (sharedopt.candidates.costfit) and their fallback.
#
# Each service's curve is fitted on the English panel (MHCLG revenue outturn
# 2017-18..2023-24): ln(spend per resident) ~ ln P + (ln P)^2 + ln density +
# deprivation + ln workday ratio + C(class) + C(year), OLS, SEs clustered by council.
# A fit is a cross-sectional ASSOCIATION, not a causal effect of size on cost.
# ---------------------------------------------------------------------------
COST_CURVE_RULE: dict[str, dict] = {
    "mode": dict(value="fitted", choices=("fitted", "literature"),
                 source="Switch ([model] cost_curves): 'fitted' uses a service's fitted curve where "
                        "it is identified; 'literature' uses the fallback for every service."),
    "ci_level": dict(value=0.95, range=(0.90, 0.99),
                     source="Convention: 95% confidence intervals."),
    "identified_if": dict(value="upper CI bound of the elasticity at the median population < 0, or a "
                                "U (b2 > 0 kept) whose minimum lies inside the data and whose elasticity "
                                "at the 10th-percentile population has an upper CI bound < 0",
                          source="Assumption, because a scale curve is only used when the data show "
                                 "per-head cost falling with size at 95% (at the median council, or on "
                                 "the falling branch of a U): a CI containing 0 (not significant) or "
                                 "above 0 (per-head cost rising with size, the wrong sign for a scale "
                                 "economy) falls back to the literature."),
    "quadratic_p_max": dict(value=0.05, range=(0.01, 0.10),
                            source="Assumption, because a (ln P)^2 term is kept only when it is "
                                   "positive (a U) and significant at 5%; else the curve is refitted "
                                   "log-linear (b2 = 0). An inverted U (economies accelerating with size) "
                                   "has no support in the cost-function literature and extrapolates badly."),
    "low_quantile": dict(value=0.10, range=(0.05, 0.25),
                         source="Assumption: the small-council end at which a U's falling branch is tested."),
    "min_population": dict(value=10_000, range=(0, 20_000),
                           source="Assumption, because councils under 10,000 residents are sui generis: "
                                  "the one such council in the panel (an island council of 2,281) decides "
                                  "the (ln P)^2 term by itself in 4 of 10 services (Environment, Planning, "
                                  "Adult social care and Education lose their U when it is left out)."),
    "efficiency_shrinkage": dict(value="empirical Bayes", source="Assumption, because a council's "
                                 "mean residual over few years is noisy: it is shrunk toward 0 by "
                                 "tau^2 / (tau^2 + s^2 / T) (tau^2: between-council variance of the "
                                 "mean residuals net of noise; s^2: within-council residual variance; "
                                 "T: years reported)."),
}

# Literature fallback: elasticity of spend per head with population (negative =
# scale economy), applied up to the service's minimum efficient scale (flat above).
# Default: -e_down of SERVICE_DEFAULTS (same sources). Central services: Andrews &
# Boyne (2009), "Size, structure and administrative overheads: an empirical analysis
# of English local authorities", Urban Studies 46(4): central administration
# elasticity about -0.1 to -0.2 (midpoint used).
COST_CURVE_FALLBACK: dict[str, dict] = {
    row["service"]: dict(elasticity=-row["e_down"], mes=row["mes"],
                         source=f"literature/assumption: SERVICE_DEFAULTS ({row['source']})")
    for row in SERVICE_DEFAULTS
}
COST_CURVE_FALLBACK["Central_Services"] = dict(
    elasticity=-0.15, range=(-0.20, -0.10), mes=3_000_000,
    source="literature: Andrews & Boyne (2009), Urban Studies 46(4), central administration "
           "elasticity -0.1 to -0.2 for English councils (midpoint)")

# Services used by day-time population as well as residents: served population =
# residents x (1 + w (workday ratio - 1)), Census 2021 workday population.
DAYTIME_SERVICE_WEIGHTS: dict[str, dict] = {
    "Culture": dict(value=1.0, range=(0.5, 1.0), source="Assumption, because museums, arts venues, "
                    "open spaces and central libraries serve workers and visitors (e.g. the City of "
                    "London's culture spend)."),
    "Highways_Transport": dict(value=0.5, range=(0.0, 1.0), source="Assumption, because roads and "
                               "transport serve commuters, but concessionary fares follow residents."),
    "Environment": dict(value=0.5, range=(0.0, 1.0), source="Assumption, because street cleansing, "
                        "commercial waste and food-premises regulation follow day-time population, "
                        "household waste follows residents."),
}
