"""The economies-of-scale frontier: an upper bound on the scale saving no grouping can beat."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sharedopt.candidates.capital import SCALE
from sharedopt.candidates.value import CostBase, acting_budget, annuity_factors, service_unit_cost
from sharedopt.config.params import ModelParams


def scale_frontier(base: CostBase, params: ModelParams) -> pd.DataFrame:
    """Economies-of-scale frontier: every authority at its service's minimum unit cost.

    The saving if each authority's asset-tied budget fell to the unit cost at the
    minimum efficient scale, with no collaboration cost: an upper bound on the scale
    saving no grouping can beat. Returned per service (£k a year, and as NPV).
    """
    ramp_annuity, _ = annuity_factors(params)
    rows = []
    for s in base.services:
        asset = acting_budget(base, params, s, SCALE)  # the part of the budget scale economies act on
        u_own = service_unit_cost(base, params, s, np.maximum(base.population, 1.0))
        u_min = _curve_minimum(base, params, s)
        annual = (float((asset * (1.0 - u_min / u_own)).sum()) * params.realisation_factor() * params.scale_causal_share
                  * params.success_probability)
        rows.append({"service": s, "frontier_annual_gbp_k": annual,
                     "frontier_npv_gbp_k": annual * ramp_annuity})
    return pd.DataFrame(rows)


def _curve_minimum(base: CostBase, params: ModelParams, service: str) -> float:
    """Smallest unit-cost index of the service's curve over 1k..100m residents (1 for the literature U)."""
    if base.curves is None or service not in base.curves:
        return 1.0
    grid = np.geomspace(1e3, 1e8, 2001)
    return float(np.min(base.curves[service].unit_cost(grid)))
