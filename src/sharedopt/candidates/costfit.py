"""Cost functions estimated from the data: scale curves and efficiency residuals per service.

For each council service, on every English council and year of the embedded panel
(:func:`sharedopt.data.panel.cost_panel`)::

    ln(spend per resident) ~ ln P + (ln P)^2 + ln density + deprivation
                             + ln workday ratio [+ joint waste levy] + C(class) + C(year)

by OLS with standard errors clustered by council. The fits are cross-sectional:
they show how spend per head is ASSOCIATED with size among today's councils, not
what a merger would cause. A curve is used only where the data identify a scale
economy (:data:`sharedopt.config.assumptions.COST_CURVE_RULE`); otherwise the service
falls back to a literature value (:data:`sharedopt.config.assumptions.COST_CURVE_FALLBACK`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from sharedopt.common.diskcache import cached, digest
from sharedopt.config.assumptions import (
    COST_CURVE_FALLBACK, COST_CURVE_RULE, DAYTIME_SERVICE_WEIGHTS, PLAUSIBILITY_RULE,
)
from sharedopt.data.panel import PANEL_SERVICES, cost_panel

NOTE = "cross-sectional association, not cause"
CONTROLS = "ln density + deprivation + ln workday ratio + class + year FE"
_FORMULA = "ly ~ x + I(x ** 2) + ldens + deprivation + lwork + C(cls) + C(year)"


@dataclass(frozen=True)
class ServiceCurve:
    """A service's scale curve: relative spend per head against population.

    ``ln u(P) = b1 x + b2 x^2`` with ``x = ln P`` clipped to ``[ln p_lo, ln p_hi]``
    (fitted curves: the population range of the data, no extrapolation beyond it;
    literature curves: 1..mes, flat above the minimum efficient scale).
    An association across councils, not a causal effect of size.
    """

    service: str
    b1: float
    b2: float
    elasticity: float
    elasticity_ci: tuple[float, float]
    mes: float | None
    mes_ci: tuple[float, float] | None
    n_obs: int
    r2: float
    identified: bool
    source: str
    p_lo: float = 1.0
    p_hi: float = float("inf")
    n_councils: int = 0
    n_nonpositive: int = 0
    fitted_elasticity: float | None = None     # the data's estimate even when not used
    fitted_ci: tuple[float, float] | None = None
    elasticity_low: float | None = None        # at the 10th-percentile council population
    elasticity_low_ci: tuple[float, float] | None = None
    shape: str = "log-linear"                  # "U" when a positive (ln P)^2 term is kept

    def unit_cost(self, population: np.ndarray) -> np.ndarray:
        """Relative spend-per-head index exp(b1 lnP + b2 lnP^2) (only ratios are meaningful)."""
        x = np.log(np.clip(np.asarray(population, dtype=float), self.p_lo, self.p_hi))
        return np.exp(self.b1 * x + self.b2 * x * x)


@dataclass(frozen=True)
class CostCurves:
    """Every service's curve and each council's efficiency ratio (actual / expected spend)."""

    curves: dict[str, ServiceCurve]
    efficiency: pd.DataFrame
    mode: str = "fitted"
    residuals: pd.DataFrame = field(default_factory=pd.DataFrame)

    def curve(self, service: str) -> ServiceCurve:
        """The curve of ``service``; a service outside the panel gets a flat curve (no scale effect)."""
        if service in self.curves:
            return self.curves[service]
        return ServiceCurve(service, 0.0, 0.0, 0.0, (0.0, 0.0), None, None, 0, float("nan"), False,
                            "none: not a fitted service; no scale effect")


def fit_frame(panel: pd.DataFrame, service: str) -> pd.DataFrame:
    """The rows of one service that enter its log fit (delivering class, positive spend,
    population at least ``COST_CURVE_RULE["min_population"]``)."""
    part = panel[(panel["service"] == service) & panel["delivers"] & (panel["spend_gbp_k"] > 0)
                 & (panel["population"] >= COST_CURVE_RULE["min_population"]["value"])].copy()
    part["ly"] = np.log(part["spend_per_head"])
    part["lp"] = np.log(part["population"])
    part["ldens"] = np.log(part["density"])
    part["lwork"] = np.log(part["workday_ratio"])
    return part


def _ols(frame: pd.DataFrame, formula: str):
    # statsmodels (and scipy.stats under it) takes a second to import: only a fit imports it,
    # and a run whose fitted curves are in the cache (fit_cost_curves) fits nothing
    import statsmodels.formula.api as smf

    groups = pd.factorize(frame["code"])[0]
    # small matrices: a multi-threaded BLAS only contends for busy cores (0.5 s vs 2 ms a QR)
    with threadpool_limits(limits=1, user_api="blas"):
        return smf.ols(formula, data=frame).fit(method="qr", cov_type="cluster", cov_kwds={"groups": groups})


def _formula(frame: pd.DataFrame, quadratic: bool) -> str:
    formula = _FORMULA if quadratic else _FORMULA.replace(" + I(x ** 2)", "")
    if frame["joint_waste"].nunique() > 1 and frame["service"].iloc[0] == "Environment":
        formula += " + joint_waste"
    for term, col in ((" + C(cls)", "cls"), (" + lwork", "lwork"), (" + ldens", "ldens"),
                      (" + deprivation", "deprivation"), (" + C(year)", "year")):
        if frame[col].nunique() < 2:     # a control with no variation cannot be estimated
            formula = formula.replace(term, "")
    return formula


def _fit(frame: pd.DataFrame, centre: float):
    """Quadratic fit, refitted log-linear unless the square term is positive and significant."""
    frame = frame.assign(x=frame["lp"] - centre)
    res = _ols(frame, _formula(frame, True))
    if res.params["I(x ** 2)"] <= 0 or res.pvalues["I(x ** 2)"] >= COST_CURVE_RULE["quadratic_p_max"]["value"]:
        res = _ols(frame, _formula(frame, False))
    return res


def _mes(res, centre: float, lo: float, hi: float, z: float):
    """Minimum of a U (b2 > 0) inside the data's ln P range, with a delta-method CI."""
    b = res.params
    if "I(x ** 2)" not in b or b["I(x ** 2)"] <= 0:
        return None, None
    b1, b2 = b["x"], b["I(x ** 2)"]
    xstar = -b1 / (2 * b2)
    if not lo <= xstar + centre <= hi:
        return None, None
    grad = np.array([-1 / (2 * b2), b1 / (2 * b2 ** 2)])
    cov = res.cov_params().loc[["x", "I(x ** 2)"], ["x", "I(x ** 2)"]].to_numpy()
    se = float(np.sqrt(grad @ cov @ grad))
    return float(np.exp(xstar + centre)), (float(np.exp(xstar + centre - z * se)),
                                           float(np.exp(xstar + centre + z * se)))


def _elasticity_at(res, x: float, z: float) -> tuple[float, tuple[float, float]]:
    """Elasticity b1 + 2 b2 x at centred ln P = x, with its delta-method CI."""
    names = ["x"] + (["I(x ** 2)"] if "I(x ** 2)" in res.params else [])
    grad = np.array([1.0, 2.0 * x][:len(names)])
    value = float(grad @ res.params[names].to_numpy())
    se = float(np.sqrt(grad @ res.cov_params().loc[names, names].to_numpy() @ grad))
    return value, (value - z * se, value + z * se)


def fit_service(frame: pd.DataFrame, service: str) -> tuple[ServiceCurve, pd.Series]:
    """Fit one service's curve on its panel rows.

    The elasticity d ln(spend per head) / d ln P is reported at the median council
    population (ln P is centred there, so it is the linear coefficient, with its
    clustered SE). A cross-sectional association, not cause.

    Returns
    -------
    (ServiceCurve, pandas.Series)
        The curve (``identified`` by :data:`COST_CURVE_RULE`) and the residuals.
    """
    from scipy import stats  # as for statsmodels: only a fit needs it

    z = float(stats.norm.ppf(0.5 + COST_CURVE_RULE["ci_level"]["value"] / 2))
    councils = frame.drop_duplicates("code")
    centre = float(np.log(councils["population"].median()))
    res = _fit(frame, centre)
    b1c, se = float(res.params["x"]), float(res.bse["x"])
    b2 = float(res.params.get("I(x ** 2)", 0.0))
    ci = (b1c - z * se, b1c + z * se)
    lo, hi = float(frame["lp"].min()), float(frame["lp"].max())
    mes, mes_ci = _mes(res, centre, lo, hi, z)
    low = float(np.log(councils["population"].quantile(COST_CURVE_RULE["low_quantile"]["value"]))) - centre
    e_low, e_low_ci = _elasticity_at(res, low, z)
    identified = ci[1] < 0 or (mes is not None and e_low_ci[1] < 0)
    n = int(res.nobs)
    source = (f"fitted: MHCLG RO 2017-18..2023-24, n={n} ({councils.shape[0]} councils), OLS, "
              f"SE clustered by council, controls {CONTROLS}"
              + (", joint waste levy dummy" if "joint_waste" in res.params else "")
              + ("; U: (ln P)^2 kept" if "I(x ** 2)" in res.params
                 else "; log-linear: (ln P)^2 not a significant positive term")
              + f"; councils under {COST_CURVE_RULE['min_population']['value']:,} residents left out")
    curve = ServiceCurve(service=service, b1=b1c - 2 * b2 * centre, b2=b2, elasticity=b1c,
                         elasticity_ci=ci, mes=mes, mes_ci=mes_ci, n_obs=n, r2=float(res.rsquared),
                         identified=identified, source=source, p_lo=float(frame["population"].min()),
                         p_hi=float(frame["population"].max()),
                         n_councils=int(councils.shape[0]), fitted_elasticity=b1c, fitted_ci=ci,
                         elasticity_low=e_low, elasticity_low_ci=e_low_ci,
                         shape="U" if b2 > 0 else "log-linear")
    return curve, res.resid


def literature_curve(service: str, fitted: ServiceCurve | None = None, reason: str = "") -> ServiceCurve:
    """The fallback curve: constant elasticity up to the literature mes (``mes``), flat above it."""
    fb = COST_CURVE_FALLBACK.get(service, dict(elasticity=0.0, mes=1.0, source="none: no fallback"))
    e = float(fb["elasticity"])
    return ServiceCurve(
        service=service, b1=e, b2=0.0, elasticity=e, elasticity_ci=(e, e), mes=float(fb["mes"]), mes_ci=None,
        n_obs=fitted.n_obs if fitted else 0, r2=fitted.r2 if fitted else float("nan"), identified=False,
        source=f"{fb['source']}{reason}", p_lo=1.0, p_hi=float(fb["mes"]),
        n_councils=fitted.n_councils if fitted else 0, n_nonpositive=fitted.n_nonpositive if fitted else 0,
        fitted_elasticity=fitted.fitted_elasticity if fitted else None,
        fitted_ci=fitted.fitted_ci if fitted else None)


def _reason(curve: ServiceCurve) -> str:
    lo, hi = curve.elasticity_ci
    why = "CI includes 0" if lo <= 0 <= hi else "positive (per-head cost rising with size)"
    if curve.shape == "U":
        why += ("; U minimum outside the data" if curve.mes is None
                else "; U without a significant falling branch")
    return f" [fitted elasticity {curve.elasticity:+.3f} ({lo:+.3f}, {hi:+.3f}) not identified: {why}]"


def rejects_literature(fitted: ServiceCurve) -> bool:
    """True when the service's own 95% interval excludes the literature elasticity it would fall back to."""
    fb = COST_CURVE_FALLBACK.get(fitted.service)
    if fb is None or fitted.n_obs == 0:
        return False
    lo, hi = fitted.elasticity_ci
    return not lo <= float(fb["elasticity"]) <= hi


def flat_curve(fitted: ServiceCurve) -> ServiceCurve:
    """No scale economy (elasticity 0): the data reject the literature value and show none of their own."""
    lit = float(COST_CURVE_FALLBACK[fitted.service]["elasticity"])
    lo, hi = fitted.elasticity_ci
    return replace(fitted, b1=0.0, b2=0.0, elasticity=0.0, mes=None, mes_ci=None, identified=False,
                   shape="flat",
                   source=f"data: the fitted elasticity {fitted.elasticity:+.3f} ({lo:+.3f}, {hi:+.3f}) "
                          f"excludes the literature value {lit:+.3f} and shows no significant economy, so "
                          "no scale economy is credited")


def curve_kind(curve: ServiceCurve) -> str:
    """'fitted' (a significant economy in the data), 'flat (data)' (the data reject the literature
    value and show no economy) or 'literature' (the data do not reject it)."""
    if curve.identified:
        return "fitted"
    return "flat (data)" if curve.shape == "flat" else "literature"


def select_curve(fitted: ServiceCurve, mode: str = "fitted") -> ServiceCurve:
    """The curve to use, from the data both ways.

    The fit if it is identified (a significant economy) and ``mode`` is ``"fitted"``; a flat curve
    (no economy) if the service's own 95% interval excludes the literature elasticity; else the
    literature fallback, which the data do not reject.
    """
    if mode == "literature":
        return literature_curve(fitted.service, fitted, " [cost_curves = literature]")
    if fitted.identified:
        return fitted
    return flat_curve(fitted) if rejects_literature(fitted) else literature_curve(fitted.service, fitted, _reason(fitted))


def efficiency_ratios(frame: pd.DataFrame, resid: pd.Series) -> pd.Series:
    """exp(shrunk mean residual) per council: actual over expected spend given its drivers.

    The council's mean residual over the years it reported is shrunk toward 0 by
    the empirical-Bayes factor tau^2 / (tau^2 + s^2 / T). > 1: costlier than its
    drivers predict. An association (unmeasured need, service quality and
    accounting choices sit in it too), not proof of inefficiency.
    """
    r = pd.DataFrame({"code": frame["code"].to_numpy(), "r": resid.to_numpy()})
    g = r.groupby("code")["r"]
    mean, count = g.mean(), g.size()
    s2 = float((r["r"] - r["code"].map(mean)).pow(2).sum() / max(len(r) - len(mean), 1))
    tau2 = max(float(mean.var(ddof=1)) - s2 * float((1.0 / count).mean()), 0.0)
    shrink = tau2 / (tau2 + s2 / count) if tau2 > 0 else 0.0 * count
    return np.exp(mean * shrink)


def _count_nonpositive(panel: pd.DataFrame, service: str) -> int:
    part = panel[(panel["service"] == service) & panel["delivers"]]
    return int((~(part["spend_gbp_k"] > 0)).sum())


@lru_cache(maxsize=4)
def fit_cost_curves(mode: str = "fitted") -> CostCurves:
    """Fit every council service on the embedded England panel (cached, deterministic).

    The fits depend only on the embedded panel, this module and the cost-curve settings, so
    their result is kept on disk (:func:`sharedopt.common.diskcache.cached`) under a hash of
    the panel's content, this module's source, the settings and the library versions: a run
    reads back exactly the objects a fit returns, and any change to those inputs refits.

    Parameters
    ----------
    mode : {"fitted", "literature"}
        ``"fitted"`` uses each identified fit and falls back elsewhere;
        ``"literature"`` uses the fallback for every service (the fits still run
        so the efficiency ratios and the table's fitted columns are available).

    Returns
    -------
    CostCurves
        Curves per service and efficiency ratios (index GSS code, columns services;
        NaN where the council does not deliver the service or had no positive spend).
        Cross-sectional association, not cause.
    """
    if mode not in COST_CURVE_RULE["mode"]["choices"]:
        raise ValueError(f"cost_curves: '{mode}' is not one of {', '.join(COST_CURVE_RULE['mode']['choices'])}")
    panel = cost_panel()
    return cached(f"costfit-{mode}", fit_key(panel, mode), lambda: _fit_all(panel, mode))


#: libraries whose versions can change a fit's numbers
FIT_LIBRARIES = ("numpy", "pandas", "scipy", "statsmodels", "formulaic", "patsy")


def fit_key(panel: pd.DataFrame, mode: str) -> str:
    """sha256 of everything :func:`fit_cost_curves` depends on: ``panel`` (values, index, columns,
    dtypes), ``mode``, this module's source, the cost-curve settings, Python's and :data:`FIT_LIBRARIES`'
    versions."""
    rows = pd.util.hash_pandas_object(panel, index=True).to_numpy().tobytes()
    return digest([rows, repr(list(panel.columns)), repr(list(panel.dtypes.astype(str))), mode,
                   Path(__file__).read_bytes(), repr(COST_CURVE_RULE), repr(COST_CURVE_FALLBACK),
                   repr(PANEL_SERVICES), sys.version, *(f"{lib}={_version(lib)}" for lib in FIT_LIBRARIES)])


def _version(package: str) -> str:
    """The installed version of ``package`` ('absent' when it is not installed)."""
    try:
        return version(package)
    except PackageNotFoundError:
        return "absent"


def _fit_all(panel: pd.DataFrame, mode: str) -> CostCurves:
    """Fit every service on ``panel`` (what :func:`fit_cost_curves` returns)."""
    curves, eff, resid = {}, {}, []
    for service in PANEL_SERVICES:
        frame = fit_frame(panel, service)
        curve, res = fit_service(frame, service)
        curve = replace(curve, n_nonpositive=_count_nonpositive(panel, service))
        curves[service] = select_curve(curve, mode)
        eff[service] = efficiency_ratios(frame, res)
        resid.append(pd.DataFrame({"code": frame["code"], "year": frame["year"], "service": service,
                                   "residual": res.to_numpy()}))
    efficiency = pd.DataFrame(eff).sort_index()
    efficiency.index.name = "code"
    return CostCurves(curves=curves, efficiency=efficiency, mode=mode,
                      residuals=pd.concat(resid, ignore_index=True))


def curves_table(curves: CostCurves) -> pd.DataFrame:
    """One row per service: the elasticity used, its CI and source, and the fit's numbers."""
    rows = []
    for s, c in curves.curves.items():
        fci = c.fitted_ci or (np.nan, np.nan)
        rows.append(dict(service=s, elasticity=round(c.elasticity, 4),
                         ci_low=round(c.elasticity_ci[0], 4), ci_high=round(c.elasticity_ci[1], 4),
                         mes=None if c.mes is None else round(c.mes),
                         mes_ci_low=None if c.mes_ci is None else round(c.mes_ci[0]),
                         mes_ci_high=None if c.mes_ci is None else round(c.mes_ci[1]),
                         fitted_elasticity=None if c.fitted_elasticity is None else round(c.fitted_elasticity, 4),
                         fitted_ci_low=round(fci[0], 4), fitted_ci_high=round(fci[1], 4),
                         shape=c.shape if c.identified or c.shape == "flat" else "log-linear, capped at mes",
                         elasticity_p10=None if c.elasticity_low is None else round(c.elasticity_low, 4),
                         elasticity_p10_ci_high=None if c.elasticity_low_ci is None
                         else round(c.elasticity_low_ci[1], 4),
                         n=c.n_obs, councils=c.n_councils, nonpositive_excluded=c.n_nonpositive,
                         r2=round(c.r2, 3), identified=c.identified,
                         curve=curve_kind(c), source=c.source, note=NOTE))
    return pd.DataFrame(rows)


def assumption_rows(mode: str = "fitted") -> list[dict]:
    """The cost-curve rule, fallbacks, day-time weights and plausibility factor as
    ``summary.json`` assumption rows (``parameter, value, source``)."""
    rows = [{"parameter": "cost_curves", "value": mode,
             "source": COST_CURVE_RULE["mode"]["source"] if mode == COST_CURVE_RULE["mode"]["value"]
             else "config override"}]
    for key, entry in COST_CURVE_RULE.items():
        if key != "mode":
            rows.append({"parameter": f"cost_curve.{key}", "value": entry["value"], "source": entry["source"]})
    for service, entry in COST_CURVE_FALLBACK.items():
        rows.append({"parameter": f"{service}.fallback_elasticity", "value": entry["elasticity"],
                     "source": entry["source"]})
    for service, entry in DAYTIME_SERVICE_WEIGHTS.items():
        rows.append({"parameter": f"{service}.daytime_weight", "value": entry["value"], "source": entry["source"]})
    rows.append({"parameter": "plausibility_factor", "value": PLAUSIBILITY_RULE["factor"]["value"],
                 "source": PLAUSIBILITY_RULE["factor"]["source"]})
    return rows
