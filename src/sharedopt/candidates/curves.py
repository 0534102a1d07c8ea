"""Scale curves and efficiency ratios the savings model uses: fitted or literature.

The fitted path is :mod:`sharedopt.candidates.costfit` (cost functions estimated on the England
panel). The documented fallback is the literature curve of :mod:`sharedopt.config.assumptions`
(``mes``, ``e_down``, ``e_up`` per service); the efficiency ratios always come from costfit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sharedopt.candidates import costfit

LITERATURE_SOURCE = "literature: U-shaped curve, assumptions.SERVICE_DEFAULTS (mes, e_down, e_up)"


@dataclass(frozen=True)
class LiteratureCurve:
    """A U-shaped unit-cost curve with the :class:`sharedopt.candidates.costfit.ServiceCurve` interface."""

    service: str
    mes: float
    e_down: float
    e_up: float
    source: str = LITERATURE_SOURCE
    identified: bool = False

    @property
    def elasticity(self) -> float:
        """Elasticity of unit cost with population below the minimum efficient scale (``-e_down``)."""
        return -self.e_down

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


def resolve_curves(params, authorities: pd.DataFrame, costs: pd.DataFrame) -> Curves:
    """The curves and efficiency ratios for a run.

    ``params.cost_curves = "fitted"`` (default): :func:`sharedopt.candidates.costfit.fit_cost_curves`'s
    curves (each service's fit where identified, else costfit's literature fallback); a
    service outside the fitted panel (the fine services) takes the parameters' U-shape.
    ``"literature"``: the U-shape of the parameters (``mes``, ``e_down``, ``e_up``; the
    documented fallback). Efficiency ratios
    come from costfit (English councils in its panel; others NaN: no convergence term).
    """
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
