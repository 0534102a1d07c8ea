"""The savings model as sums over members, for pricing groups that are never listed.

Column generation (:mod:`sharedopt.solve.generate`) must bound the NPV of every connected
group of a service at a depth without valuing it. Every term of :func:`sharedopt.candidates.value.evaluate`
for one service is either a sum over members or bounded by one:

* **scale and efficiency convergence**, member *i*: ``x_i(r) = c W_i (1 - r) + theta A_i r g_i``
  with ``r = u(P_G) / u(P_i)`` and ``g_i = 1 - e_min / e_i``. It is linear in ``r``, so over the
  unit costs ``u`` a group of some population range can have it is largest at one end
  (:func:`curve_spec` gives the curve the kernel evaluates); ``g_i`` is largest at the lowest
  efficiency ratio within reach.
* **realisation**: at most :func:`realisation_ceiling` (readiness, prior collaboration, mode
  and depth multipliers at their largest over the groups that can occur).
* **set-up and governance**: per-member parts (``setup_per_member``, ``setup_rate * A_i``,
  ``governance_per_member``, ``governance_rate * A_i``) and fixed parts; governance at the
  smallest partnership-mode factor that can occur (:func:`governance_floor`).
* **distance**: ``span * (per_km + rate * sum_i A_i)``; the span (the members' minimum spanning
  tree) is at least the largest distance between any two members, so a partial group's diameter
  bounds every larger group's distance cost from below, and a diameter over the span limit
  rules out every larger group.
* **coordination** is a cost that is never negative, so leaving it out only raises the bound.

:class:`PricingTerms` holds these per member and depth; the exact NPV of a group the bound
lets through is always taken from :func:`sharedopt.candidates.batch.value_at_depth`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sharedopt.candidates.capital import SCALE
from sharedopt.candidates.costfit import ServiceCurve
from sharedopt.candidates.curves import LiteratureCurve
from sharedopt.candidates.depth import depth_params
from sharedopt.candidates.readiness import (
    any_prior_collaboration, condition_multiplier, council_codes, mode_factor, possible_modes,
)
from sharedopt.candidates.value import CostBase, annuity_factors, asset_budget, economy_share, service_unit_cost
from sharedopt.config.params import ModelParams
from sharedopt.config.readiness import COLUMNS, CONDITIONS

#: Curve kinds of :func:`curve_spec`.
CURVE_U, CURVE_LOG_QUADRATIC = 0, 1


def curve_spec(base: CostBase, params: ModelParams, service: str) -> tuple[int, np.ndarray]:
    """The service's unit-cost curve as ``(kind, constants)`` for compiled code.

    ``CURVE_U``: ``(mes, e_down, e_up, 0)``, ``u = (P/mes)^-e_down`` below and ``(P/mes)^e_up``
    above the minimum efficient scale. ``CURVE_LOG_QUADRATIC``: ``(b1, b2, p_lo, p_hi)``,
    ``ln u = b1 x + b2 x^2`` with ``x = ln P`` clipped to ``[ln p_lo, ln p_hi]``.

    Raises
    ------
    ValueError
        A curve of another form (then the groups must be enumerated).
    """
    curve = base.curves.get(service) if base.curves is not None else None
    if curve is None:
        sp_ = params.services[service]
        return CURVE_U, np.array([sp_.mes, sp_.e_down, sp_.e_up, 0.0])
    if isinstance(curve, LiteratureCurve):
        return CURVE_U, np.array([curve.mes, curve.e_down, curve.e_up, 0.0])
    if isinstance(curve, ServiceCurve):
        return CURVE_LOG_QUADRATIC, np.array([curve.b1, curve.b2, curve.p_lo, curve.p_hi])
    raise ValueError(f"unit-cost curve of {service!r} ({type(curve).__name__}) has no compiled form")


def governance_floor(params: ModelParams, service: str, depth: str) -> float:
    """The smallest partnership-mode governance factor a group of ``service`` can have at ``depth``."""
    factors = params.readiness.mode_governance_factors
    return min(float(factors.get(mode, 1.0)) for mode in possible_modes(params, service, depth))


def realisation_ceiling(base: CostBase, params: ModelParams, service: str, depth: str) -> float:
    """The largest realisation factor any group of ``service`` can have at ``depth``.

    :func:`sharedopt.candidates.readiness.candidate_realisation` with each multiplier at its
    largest over the statuses the region's councils make possible (``yes`` only where some
    council says yes, ``no`` where some says no, ``unknown`` always), the prior-collaboration
    uplift where real arrangements join two of the region's bodies, and the largest mode factor.
    """
    rule, ready = params.realisation, params.readiness
    factor = rule.base_rate() * (1.0 - params.optimism_bias_saving_reduction)
    for column in COLUMNS:
        said = council_codes(params, base.codes, column)
        statuses = np.array([-1] + [s for s in (1, 0) if (said == s).any()], dtype=np.int8)
        if column in CONDITIONS:
            factor *= float(condition_multiplier(params, column, statuses).max())
        else:
            factor *= max(1.0, 1.0 + ready.co_production_uplift) if (said == 1).any() else 1.0
    if ready.prior_collaboration_uplift > 0 and any_prior_collaboration(tuple(base.codes.tolist())):
        factor *= 1.0 + ready.prior_collaboration_uplift
    factor *= max(mode_factor(params, mode) for mode in possible_modes(params, service, depth))
    if depth in params.depth_settings:
        factor *= params.depth_settings[depth].realisation
    return factor


@dataclass(frozen=True)
class PricingTerms:
    """Member-wise terms of one service's NPV at each depth (rows: depths; columns: authorities).

    ``NPV(G) <= fmax (p RA - (1 + beta) fail ob ratio)^+ (sum_i x_i)^+ - sum_i K_i - fixed - pair(n)``
    with ``x_i`` as in the module docstring and, for a budget dual ``beta``,
    ``K_i = governance_member_i + (1 + beta) setup_member_i`` and
    ``fixed = (1 + beta) setup_fixed``.
    """

    depths: tuple[str, ...]
    scale: np.ndarray          # (D, n) scale causal share x scale-acting budget, c W_i
    convergence: np.ndarray    # (D, n) theta x poolable budget, theta A_i (0 without efficiency data)
    efficiency: np.ndarray     # (n,) actual/expected ratio the convergence term uses (1: none)
    population: np.ndarray     # (n,)
    own_unit_cost: np.ndarray  # (n,) u(P_i), exactly as the savings model computes it
    curve: tuple[int, np.ndarray]
    ceiling: np.ndarray        # (D,) realisation ceiling
    gain: np.ndarray           # (D,) p x ramped annuity
    setup_loss: np.ndarray     # (D,) fail x optimism bias x setup_ratio (times 1 + beta)
    setup_member: np.ndarray   # (D, n) fail x ob x (setup_per_member + setup_rate A_i)
    setup_fixed: np.ndarray    # (D,) fail x ob x setup_fixed
    governance_member: np.ndarray  # (D, n) p x annuity x floor x (governance_per_member + governance_rate A_i)
    governance_pair: np.ndarray    # (D,) p x annuity x floor x governance_per_pair
    distance_fixed: np.ndarray     # (D,) p x annuity x distance_cost_per_km
    distance_member: np.ndarray    # (D, n) p x annuity x distance_rate_per_km x A_i
    lon: np.ndarray                # (n,) centroid longitude, radians (NaN: unknown; spans then 0)
    lat: np.ndarray                # (n,) centroid latitude, radians
    max_span: float                # the service's span limit, km (inf: none)

    def coefficient(self, beta: float) -> np.ndarray:
        """(D,) value of a pound of gross saving, at most: ``fmax (p RA - (1 + beta) setup_loss)^+``."""
        return self.ceiling * np.maximum(self.gain - (1.0 + beta) * self.setup_loss, 0.0)


def pricing_terms(base: CostBase, params: ModelParams, service: str, members: np.ndarray) -> PricingTerms:
    """:class:`PricingTerms` of ``service`` at every offered depth, for authorities ``members`` (indices).

    Raises
    ------
    ValueError
        The service's curve has no compiled form (:func:`curve_spec`).
    """
    depths = tuple(params.depths)
    pop = base.population[members].astype(float)
    theta = params.efficiency_theta if base.efficiency is not None else 0.0
    efficiency = _convergence_ratio(base, params, service)[members]
    p, fail = float(params.success_probability), 1.0 + (1.0 - float(params.success_probability)) * params.exit_cost_rate
    rows = {name: [] for name in ("scale", "conv", "gain", "loss", "smem", "sfix", "gmem", "gpair", "ceil",
                                  "dfix", "dmem")}
    for depth in depths:
        at = depth_params(params, depth, governance_floor(params, service, depth))
        asset = asset_budget(base, at, service)[members]
        ramp_annuity, annuity = annuity_factors(at)
        ob = fail * (1.0 + at.optimism_bias_cost_uplift)
        recurring = p * annuity  # a recurring cost's expected present value, per £k a year
        rows["scale"].append(at.scale_causal_share * asset * economy_share(base, at, service, SCALE)[members])
        rows["conv"].append(theta * asset)
        rows["gain"].append(p * ramp_annuity)
        rows["loss"].append(ob * at.setup_ratio)
        rows["smem"].append(ob * (at.setup_per_member_gbp_k + at.setup_rate * asset))
        rows["sfix"].append(ob * at.setup_fixed_gbp_k)
        rows["gmem"].append(recurring * (at.governance_per_member_gbp_k + at.governance_rate * asset))
        rows["gpair"].append(recurring * at.governance_per_pair_gbp_k)
        rows["ceil"].append(realisation_ceiling(base, params, service, depth))
        rows["dfix"].append(recurring * at.distance_cost_per_km_gbp_k)
        rows["dmem"].append(recurring * at.services[service].distance_rate_per_km * asset)
    a = {k: np.ascontiguousarray(np.array(v, dtype=float)) for k, v in rows.items()}
    return PricingTerms(depths, a["scale"], a["conv"], np.ascontiguousarray(efficiency), np.ascontiguousarray(pop),
                        np.ascontiguousarray(service_unit_cost(base, params, service, pop), dtype=float),
                        curve_spec(base, params, service), a["ceil"], a["gain"], a["loss"], a["smem"], a["sfix"],
                        a["gmem"], a["gpair"], a["dfix"], a["dmem"], *_radians(base, members),
                        _span_limit(params, service))


def _radians(base: CostBase, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centroid longitude and latitude of ``members`` in radians (NaN without centroids: spans 0)."""
    if base.lon is None or base.lat is None:
        return np.full(len(members), np.nan), np.full(len(members), np.nan)
    return (np.ascontiguousarray(np.radians(np.asarray(base.lon, dtype=float)[members])),
            np.ascontiguousarray(np.radians(np.asarray(base.lat, dtype=float)[members])))


def _span_limit(params: ModelParams, service: str) -> float:
    """The service's span limit in km (inf when it has none)."""
    limit = params.services[service].max_span_km
    return float("inf") if limit is None else float(limit)


def _convergence_ratio(base: CostBase, params: ModelParams, service: str) -> np.ndarray:
    """Each authority's efficiency ratio as the convergence term reads it (1 where none)."""
    if base.efficiency is None:
        return np.ones(len(base.codes))
    low, high = params.efficiency_ratio_bounds
    eff = np.clip(base.efficiency[:, base.service_index(service)], low, high)
    return np.where(np.isfinite(eff) & (eff > 0), eff, 1.0)
