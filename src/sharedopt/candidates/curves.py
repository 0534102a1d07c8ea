"""Scale curves and efficiency ratios the savings model uses: fitted or literature.

The fitted path is :mod:`sharedopt.candidates.costfit` (cost functions estimated on the England
panel). The documented fallback is the literature curve of :mod:`sharedopt.config.assumptions`
(``mes``, ``e_down``, ``e_up`` per service) and an efficiency ratio from the run's own
data: a council's spend per head over the median spend per head of the councils of the
same tier class that deliver the service (needs at least ``MIN_PEERS`` of them). That
ratio is **not** adjusted for need (deprivation, density), so it overstates the
inefficiency of high-need councils; estimated spend (Wales) gets no ratio at all
(1.0: no convergence term), because the estimate is a split of totals, not a cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sharedopt.candidates.terms import tier_class

MIN_PEERS = 3
LITERATURE_SOURCE = "literature: U-shaped curve, assumptions.SERVICE_DEFAULTS (mes, e_down, e_up)"
FALLBACK_EFFICIENCY = ("spend per head / median of the same tier class in the run (not adjusted for "
                       "need); estimated spend: 1.0")


@dataclass(frozen=True)
class LiteratureCurve:
    """A U-shaped unit-cost curve with the :class:`sharedopt.candidates.costfit.ServiceCurve` interface."""

    service: str
    mes: float
    e_down: float
    e_up: float
    source: str = LITERATURE_SOURCE
    identified: bool = False

    def unit_cost(self, population: np.ndarray) -> np.ndarray:
        """Unit-cost index, 1 at the minimum efficient scale (only ratios are used)."""
        ratio = np.asarray(population, dtype=float) / self.mes
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(ratio <= 1.0, ratio ** (-self.e_down), ratio ** self.e_up)


@dataclass(frozen=True)
class Curves:
    """What the savings model needs: a unit-cost curve per service and efficiency ratios.

    Attributes
    ----------
    curves : dict
        Service -> object with ``unit_cost(population)`` and ``source``.
    efficiency : pandas.DataFrame
        Index authority code, columns services: actual/expected spend ratio (NaN: none).
    method : str
        'fitted' or 'literature'.
    notes : list of str
        What was used, for summary.json.
    """

    curves: dict
    efficiency: pd.DataFrame
    method: str
    notes: list = field(default_factory=list)


def literature_curves(params) -> dict:
    """Service -> :class:`LiteratureCurve` from the model parameters."""
    return {s: LiteratureCurve(s, sp.mes, sp.e_down, sp.e_up) for s, sp in params.services.items()}


def fallback_efficiency(authorities: pd.DataFrame, costs: pd.DataFrame) -> pd.DataFrame:
    """Spend per head relative to the same tier class's median (see the module docstring)."""
    eligible = costs[costs["net_expenditure_gbp_k"] > 0]
    if "eligible" in costs:
        eligible = costs[costs["eligible"].astype(bool)]
    if "estimated" in eligible:
        eligible = eligible[~eligible["estimated"].astype(bool)]
    wide = eligible.pivot_table(index="authority", columns="service", values="net_expenditure_gbp_k",
                                aggfunc="sum")
    pop = authorities["population"].astype(float).reindex(wide.index)
    per_head = wide.div(pop, axis=0)
    tiers = authorities["tier"].reindex(wide.index) if "tier" in authorities else pd.Series("", wide.index)
    klass = tiers.map(tier_class)
    out = pd.DataFrame(np.nan, index=wide.index, columns=wide.columns)
    for _, rows in per_head.groupby(klass):
        counts = rows.notna().sum()
        median = rows.median()
        ratio = rows / median
        out.loc[rows.index] = ratio.loc[:, counts >= MIN_PEERS].reindex(columns=out.columns)
    return out


def resolve_curves(params, authorities: pd.DataFrame, costs: pd.DataFrame) -> Curves:
    """The curves and efficiency ratios for a run.

    ``params.cost_curves = "fitted"`` (default): :func:`sharedopt.candidates.costfit.fit_cost_curves`'s
    curves (each service's fit where identified, else costfit's literature fallback); a
    service outside the fitted panel (the fine services) takes the parameters' U-shape.
    ``"literature"``: the U-shape of the parameters (``mes``, ``e_down``, ``e_up``; the
    documented fallback, and the only curve column generation prices). Efficiency ratios
    come from costfit (English councils in its panel; others NaN: no convergence term),
    or, without :mod:`sharedopt.candidates.costfit`, from :func:`fallback_efficiency`.
    """
    try:
        from sharedopt.candidates import costfit
    except ImportError:  # pragma: no cover - costfit ships with the package
        return Curves(literature_curves(params), fallback_efficiency(authorities, costs), "literature",
                      [f"scale: {LITERATURE_SOURCE}", f"efficiency: {FALLBACK_EFFICIENCY}"])
    fit = costfit.fit_cost_curves("fitted")
    efficiency = fit.efficiency
    note = ("efficiency: sharedopt.candidates.costfit ratios (actual/expected given population, density, "
            "deprivation, workday ratio, class, year; English councils only, others 1.0)")
    if params.cost_curves == "literature":
        return Curves(literature_curves(params), efficiency, "literature", [f"scale: {LITERATURE_SOURCE}", note])
    literature = literature_curves(params)  # services outside the panel (the fine services): not fitted
    curves = {s: fit.curves[s] if s in fit.curves else literature[s] for s in params.services}
    return Curves(curves, efficiency, "fitted", [f"{s}: {c.source}" for s, c in sorted(curves.items())] + [note])


def uses_fitted(params) -> bool:
    """True when the run's scale curves are costfit's, not the parameters' U-shape."""
    return params.cost_curves == "fitted"
