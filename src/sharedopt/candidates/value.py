"""The savings model: scale, efficiency convergence, scope, distance and governance.

All functions are vectorised over candidates. A candidate is a set of member
authorities (rows of an int array, padded with -1) and one or two services.
Every formula is written out in README ("The savings model").

Poolable budget of member *i* for service *s*: ``A_is = p_is * spend_is``, ``p_is`` the council's
poolable share from outturn detail (:mod:`sharedopt.data.poolable`), ``asset_intensity_s`` where
there is none or the config sets it (:func:`asset_budget`). ``w_is`` / ``v_is``: the shares of it scale /
scope act on (physical / human capital, :mod:`sharedopt.candidates.capital`, :func:`acting_budget`).

* Scale: ``w_is A_is (1 - u(P_G)/u(P_i))``, ``u`` the unit-cost curve (fitted, :mod:`sharedopt.candidates.costfit`,
  or the literature U-shape ``(P/mes)^-e_down`` below / ``(P/mes)^e_up`` above the minimum efficient scale).
* Efficiency convergence: ``theta * A_is * u(P_G)/u(P_i) * (1 - e_min/e_i)``, with
  ``e`` the member's actual/expected spend ratio (:mod:`sharedopt.candidates.curves`).
* Scope: ``scope_rate * min(sum_i v_is A_is, sum_i v_it A_it)`` for two complementary services.
* Distance: ``span_km * (distance_cost_per_km + distance_rate_per_km_s * sum_i A_is)``,
  ``span_km`` the minimum spanning tree over member centroids (:mod:`sharedopt.candidates.terms`).
* Governance (n >= 2): the client-side cost ``governance_rate * pooled`` (evidence register), plus
  ``governance_per_member * n + governance_per_pair * n(n-1)/2`` (0 by default), plus
  coordination ``r_s * (n - 1) * sum_i w_is A_is`` (each pairwise link costs ``r_s`` of the two
  members' scale-acting budgets), ``r_s = -f * e_s * n*^(e_s - 1)`` with ``e_s`` the service's scale
  elasticity, ``f`` the default realisation factor and ``n*`` = ``coordination_best_size``:
  for equal members the per-member net saving ``f (1 - n^e_s) - r_s (n - 1)`` then peaks at
  ``n*`` (:func:`coordination_rate`); ``n*`` = 0 (off) by default.

Realisation is a risk (:func:`money`): with probability ``success_probability`` the
partnership delivers ``realisation_factor * gross`` savings at its recurring costs; otherwise
it saves nothing and pays an exit cost. The set-up cost, ``(setup_fixed + setup_per_member * n
+ setup_rate * pooled + setup_ratio * delivered saving) * (1 + optimism_bias_cost_uplift)``, is
paid either way. Every column is an expected value: annual net saving = scale + efficiency +
scope - distance - governance. NPV over ``horizon_years`` at ``discount_rate`` with a linear
ramp-up of the savings over ``ramp_years``; payback = years until cumulative undiscounted
expected net savings cover the expected one-off cost (inf if never).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from sharedopt.candidates.table import (
    ANNUAL_NET_SAVING, ANNUAL_SAVING, BASELINE_SPEND, COST_COORDINATION, COST_DISTANCE, COST_GOVERNANCE,
    ESTIMATED, EXIT_COST, GOVERNANCE_COST, NPV, NPV_IF_FAILURE, NPV_IF_SUCCESS, N_MEMBERS, ONE_OFF_COST,
    PAYBACK_YEARS, POOLED_SPEND, POPULATION, REALISATION_FACTOR, SAVING_EFFICIENCY, SAVING_SCALE, SAVING_SCOPE,
    SCALE_SAVING, SCOPE_SAVING, SPAN, SUCCESS_PROBABILITY,
)
from sharedopt.candidates.capital import SCALE, SCOPE, acting_share, human_shares
from sharedopt.candidates.curves import resolve_curves
from sharedopt.candidates.general_fund import general_fund_columns
from sharedopt.config.params import ModelParams
from sharedopt.candidates.terms import convergence_saving, distance_cost, payback_years, span_km, tier_class
from sharedopt.data.capital import load_capital
from sharedopt.data.poolable import load_poolable


@dataclass(frozen=True)
class CostBase:
    """Per-authority, per-service arrays the savings model works on.

    Attributes
    ----------
    codes : numpy.ndarray
        GSS codes, index -> code (sorted).
    services : tuple of str
        Service names, column order of ``spend``.
    population : numpy.ndarray
        Residents per authority.
    spend : numpy.ndarray
        (n_authorities, n_services) positive net spend in £k (0 where not eligible).
    estimated : numpy.ndarray
        (n_authorities, n_services) True where the spend is an estimate.
    lon, lat : numpy.ndarray or None
        Centroid longitude/latitude (None: spans are 0).
    tier : numpy.ndarray or None
        Tier class per authority ('district', 'county', 'single-tier').
    efficiency : numpy.ndarray or None
        (n_authorities, n_services) actual/expected spend ratio (None or NaN: no
        convergence term).
    curves : dict or None
        Service -> fitted unit-cost curve (None: the literature curve of the parameters).
    """

    codes: np.ndarray
    services: tuple[str, ...]
    population: np.ndarray
    spend: np.ndarray
    estimated: np.ndarray
    lon: np.ndarray | None = None
    lat: np.ndarray | None = None
    tier: np.ndarray | None = None
    efficiency: np.ndarray | None = None
    curves: dict | None = None
    poolable: np.ndarray | None = None  # (authority, service) poolable share; NaN: asset_intensity
    occupied: np.ndarray | None = None  # (authority, service) share already pooled by existing arrangements
    human: np.ndarray | None = None  # (authority, service) human-capital share; NaN: the assumption

    @classmethod
    def from_frames(cls, authorities: pd.DataFrame, costs: pd.DataFrame,
                    params: ModelParams | None = None) -> "CostBase":
        """Build from an authorities table and a tidy cost table (ineligible spend -> 0).

        Centroids come from ``centroid_lon``/``centroid_lat``, efficiency ratios and
        curves from :func:`sharedopt.candidates.curves.resolve_curves` (``params.cost_curves``).
        """
        codes = np.array(sorted(authorities.index), dtype=object)
        services = tuple(sorted(costs["service"].unique()))
        eligible = costs[costs["eligible"]] if "eligible" in costs else costs[costs["net_expenditure_gbp_k"] > 0]
        wide = eligible.pivot_table(index="authority", columns="service", values="net_expenditure_gbp_k",
                                    aggfunc="sum").reindex(index=codes, columns=list(services)).fillna(0.0)
        est = costs.pivot_table(index="authority", columns="service", values="estimated", aggfunc="max")
        est = est.reindex(index=codes, columns=list(services)).fillna(False).astype(bool)
        pop = authorities["population"].reindex(codes).to_numpy(dtype=float)
        lon, lat = (authorities[c].reindex(codes).to_numpy(dtype=float) if c in authorities else None
                    for c in ("centroid_lon", "centroid_lat"))
        tier = (authorities["tier"].reindex(codes).map(tier_class).to_numpy(dtype=object)
                if "tier" in authorities else np.full(len(codes), "single-tier", dtype=object))
        resolved = resolve_curves(params or ModelParams(), authorities, costs)
        eff = resolved.efficiency.reindex(index=codes, columns=list(services)).to_numpy(dtype=float)
        curves = resolved.curves if resolved.method == "fitted" else None
        tiers = authorities["tier"].reindex(codes) if "tier" in authorities else [None] * len(codes)
        poolable = load_poolable(codes, tiers, services).share.to_numpy(dtype=float)
        human = load_capital(codes, tiers, services).human.to_numpy(dtype=float)
        return cls(codes, services, pop, wide.to_numpy(dtype=float), est.to_numpy(), lon, lat, tier, eff, curves,
                   poolable, human=human)

    def index_of(self, labels) -> np.ndarray:
        """Authority indices of GSS codes."""
        lookup = {code: i for i, code in enumerate(self.codes)}
        return np.array([lookup[c] for c in labels], dtype=np.int64)

    def service_index(self, name: str) -> int:
        """Column of a service."""
        return self.services.index(name)


def unit_cost(population: np.ndarray, mes: float, e_down: float, e_up: float) -> np.ndarray:
    """U-shaped unit-cost index, 1 at the minimum efficient scale ``mes``."""
    ratio = np.asarray(population, dtype=float) / mes
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ratio <= 1.0, ratio ** (-e_down), ratio ** e_up)


def _gather(values: np.ndarray, members: np.ndarray) -> np.ndarray:
    """values[members] with padding (-1) giving 0."""
    out = values[np.where(members >= 0, members, 0)]
    return np.where(members >= 0, out, 0.0)


def asset_budget(base: CostBase, params: ModelParams, service: str) -> np.ndarray:
    """Poolable budget per authority for one service, £k: spend x poolable share x ``poolable_factor`` (<= 1).

    The share is the council's from the data (``base.poolable``), else the service's
    ``asset_intensity`` (no data, or ``poolable_share = "asset_intensity"``: set in the config),
    less what existing arrangements of separable functions already pool (``base.occupied``).
    """
    sp = params.services[service]
    if not sp.eligible:
        return np.zeros(len(base.codes))
    col = base.service_index(service)
    share = np.full(len(base.codes), sp.asset_intensity)
    if base.poolable is not None and sp.poolable_share == "data":
        share = np.where(np.isnan(base.poolable[:, col]), sp.asset_intensity, base.poolable[:, col])
    if base.occupied is not None:
        share = np.maximum(share - base.occupied[:, col], 0.0)
    return base.spend[:, col] * np.minimum(1.0, share * params.poolable_factor)


def acting_budget(base: CostBase, params: ModelParams, service: str, economy: str) -> np.ndarray:
    """The part of the poolable budget ``economy`` (``"scale"`` / ``"scope"``) acts on, £k per authority."""
    return asset_budget(base, params, service) * economy_share(base, params, service, economy)


def economy_share(base: CostBase, params: ModelParams, service: str, economy: str) -> np.ndarray:
    """Share of each authority's poolable budget ``economy`` acts on (:func:`~sharedopt.candidates.capital.acting_share`)."""
    share = human_shares(base.human, base.service_index(service), len(base.codes), params, service)
    return acting_share(share, params, economy)


def service_unit_cost(base: CostBase, params: ModelParams, service: str, population) -> np.ndarray:
    """Unit-cost index of a service: the fitted curve if the base has one, else the literature U."""
    if base.curves is not None and service in base.curves:
        return base.curves[service].unit_cost(np.asarray(population, dtype=float))
    sp = params.services[service]
    return unit_cost(population, sp.mes, sp.e_down, sp.e_up)


def scale_terms(base: CostBase, params: ModelParams, service: str,
                members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gross annual (scale, efficiency-convergence) savings of pooling ``service`` per group."""
    asset = _gather(asset_budget(base, params, service), members)
    acting = asset * _gather(economy_share(base, params, service, SCALE), members)
    pop = _gather(base.population, members)
    group_pop = pop.sum(axis=1, keepdims=True)
    u_group = service_unit_cost(base, params, service, group_pop)
    u_own = service_unit_cost(base, params, service, np.where(members >= 0, pop, 1.0))
    after = asset * (u_group / u_own)
    scale = (acting * (1.0 - u_group / u_own)).sum(axis=1) * params.scale_causal_share
    if base.efficiency is None or params.efficiency_theta == 0:
        return scale, np.zeros(len(members))
    low, high = params.efficiency_ratio_bounds
    eff = np.clip(base.efficiency[:, base.service_index(service)], low, high)  # NaN stays NaN
    return scale, convergence_saving(after, eff, members, params.efficiency_theta)


def scale_elasticity(base: CostBase, params: ModelParams, service: str) -> float:
    """The scale elasticity the run uses for a service: its curve's (a fitted one at the median
    council), else the parameters' ``-e_down`` (the literature curve :func:`service_unit_cost` uses)."""
    curve = base.curves.get(service) if base.curves is not None else None
    return float(curve.elasticity) if curve is not None else -float(params.services[service].e_down)


def coordination_rate(base: CostBase, params: ModelParams, service: str) -> float:
    """Coordination cost per pairwise link as a share of the two members' budgets scale acts on.

    The service's ``coordination_rate`` if set; else ``-f * e * n*^(e - 1)`` with ``e`` the
    scale elasticity (:func:`scale_elasticity`), ``f`` the default realisation factor
    (:func:`reference_realisation`) and ``n*`` ``params.coordination_best_size``: the rate at
    which the per-member net saving of equal members, ``f (1 - n^e) - r (n - 1)`` (savings are
    realised, costs are not), is largest at ``n = n*``; 0 when ``n*`` is 0 or the curve shows
    no scale economy. A cost: a scenario's own realisation does not move it.
    """
    sp = params.services[service]
    if sp.coordination_rate is not None:
        return float(sp.coordination_rate)
    return rate_from_elasticity(scale_elasticity(base, params, service), params.coordination_best_size)


def rate_from_elasticity(elasticity: float, best_size: float) -> float:
    """``-f * e * n^(e - 1)``: the coordination rate that puts equal members' best size at ``n``.

    ``f`` is the default realisation factor; 0 when ``best_size`` is 0 or ``elasticity >= 0``.
    """
    e, best = float(elasticity), float(best_size)
    if best == 0 or e >= 0:
        return 0.0
    return -reference_realisation() * e * best ** (e - 1.0)


@lru_cache(maxsize=1)
def reference_realisation() -> float:
    """The default realisation factor (every realisation setting at its default)."""
    return ModelParams().realisation_factor()


def coordination_cost(base: CostBase, params: ModelParams, service: str, pooled: np.ndarray,
                      n: np.ndarray) -> np.ndarray:
    """Recurring coordination cost of ``service``: ``rate * (n - 1) * pooled`` (scale-acting budget), £k a year."""
    return coordination_rate(base, params, service) * np.maximum(n - 1, 0) * pooled


def scope_rate(params: ModelParams, services: tuple[str, ...]) -> float:
    """Configured scope rate of a service pair (0 for a single service or an unknown pair)."""
    if len(services) != 2:
        return 0.0
    key = tuple(sorted(services))
    return next((p.scope_rate for p in params.scope_pairs if p.services == key), 0.0)


def scope_saving(base: CostBase, params: ModelParams, services: tuple[str, ...], members: np.ndarray) -> np.ndarray:
    """Gross annual scope saving of running two services together across each group."""
    rate = scope_rate(params, services)
    if rate == 0.0:
        return np.zeros(len(members))
    pooled = [_gather(acting_budget(base, params, s, SCOPE), members).sum(axis=1) for s in services]
    return rate * np.minimum(pooled[0], pooled[1])


def annuity_factors(params: ModelParams) -> tuple[float, float]:
    """(sum of ramp_t * discount_t, sum of discount_t) over the horizon."""
    years = np.arange(1, params.horizon_years + 1)
    discount = (1.0 + params.discount_rate) ** -years
    ramp = np.minimum(1.0, years / params.ramp_years)
    return float((ramp * discount).sum()), float(discount.sum())


def evaluate(base: CostBase, params: ModelParams, services: tuple[str, ...], members: np.ndarray,
             realisation: np.ndarray | float | None = None, span: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Savings, costs, NPV and payback of candidates sharing ``services`` across ``members``.

    Parameters
    ----------
    base : CostBase
    params : ModelParams
    services : tuple of str
        One service (scale) or two complementary services (scope / scale+scope).
    members : numpy.ndarray
        (m, k) authority indices, padded with -1.
    realisation : array or float, optional
        Realisation factor per candidate (default: the scenario's factor).
    span : numpy.ndarray, optional
        Each group's span (:func:`~sharedopt.candidates.terms.span_km`), when the caller has it.

    Returns
    -------
    dict of numpy.ndarray
        ``n_members, population, span_km, baseline_spend_gbp_k, pooled_spend_gbp_k,
        saving_scale_gbp_k, saving_efficiency_gbp_k, saving_scope_gbp_k,
        cost_distance_gbp_k, cost_governance_gbp_k`` (the five terms add up to
        ``annual_net_saving_gbp_k``), ``scale_saving_gbp_k, scope_saving_gbp_k,
        realisation_factor, annual_saving_gbp_k, governance_cost_gbp_k,
        annual_net_saving_gbp_k, one_off_cost_gbp_k, npv_gbp_k, payback_years, estimated``.
    """
    members = np.atleast_2d(members)
    n = (members >= 0).sum(axis=1)
    cols = [base.service_index(s) for s in services]
    baseline = sum(_gather(base.spend[:, c], members).sum(axis=1) for c in cols)
    assets = asset_budgets(base, params, services, members)  # gathered once: the pool and the general fund
    pooled_by = [a.sum(axis=1) for a in assets]
    pooled = sum(pooled_by)
    terms = [scale_terms(base, params, s, members) for s in services]
    scale, efficiency = (sum(t[i] for t in terms) for i in (0, 1))
    scope = scope_saving(base, params, services, members)
    span = span_km(base.lon, base.lat, members) if span is None else np.asarray(span, dtype=float)
    distance = sum(distance_cost(span, p, params.distance_cost_per_km_gbp_k / len(services),
                                 params.services[s].distance_rate_per_km) for s, p in zip(services, pooled_by))
    setup_fixed = params.setup_fixed_gbp_k + params.setup_per_member_gbp_k * n + params.setup_rate * pooled
    # on the scale-acting budget (the best size holds); nothing to gather when the cost is off (the default)
    coordination = sum(coordination_cost(base, params, s, (a * _gather(economy_share(base, params, s, SCALE),
                                                                       members)).sum(1), n)
                       for s, a in zip(services, assets) if coordination_rate(base, params, s))
    out = money(params, n, scale, efficiency, scope, distance, setup_fixed, realisation, coordination,
                client=np.where(n >= 2, params.governance_rate * pooled, 0.0))
    out.update(banked(params, services, assets, members >= 0, out))
    est_any = np.zeros(len(members), dtype=bool)
    for c in cols:
        flags = base.estimated[np.where(members >= 0, members, 0), c] & (members >= 0)
        est_any |= flags.any(axis=1)
    return {N_MEMBERS: n, POPULATION: _gather(base.population, members).sum(axis=1), SPAN: span,
            BASELINE_SPEND: baseline, POOLED_SPEND: pooled, **out, ESTIMATED: est_any}


def asset_budgets(base: CostBase, params: ModelParams, services, members: np.ndarray) -> np.ndarray:
    """(services, m, k) poolable budget of each member of each group, per service (0 for padding)."""
    return np.stack([_gather(asset_budget(base, params, s), members) for s in services])


def banked(params: ModelParams, services, assets: np.ndarray, present: np.ndarray, out: dict) -> dict:
    """General-fund NPV of each group and of its worst-off member (:mod:`sharedopt.candidates.general_fund`),
    from the members' poolable budgets ``assets`` (:func:`asset_budgets`; ``present``: not padding)."""
    fenced = np.array([params.ring_fenced_shares.get(s, 0.0) for s in services])
    return general_fund_columns(assets, fenced, present, out[NPV], out[ANNUAL_SAVING], annuity_factors(params)[0])


def governance_cost(params: ModelParams, n: np.ndarray) -> np.ndarray:
    """Recurring governance cost of a partnership of ``n`` members (0 for one member)."""
    return np.where(n >= 2, params.governance_per_member_gbp_k * n
                    + params.governance_per_pair_gbp_k * n * (n - 1) / 2, 0.0)


def money(params: ModelParams, n: np.ndarray, scale, efficiency, scope, distance, setup_fixed,
          realisation=None, coordination=0.0, setup_ratio: float | None = None, client=0.0) -> dict[str, np.ndarray]:
    """The decomposed expected annual terms, one-off cost, NPV (and its two outcomes) and payback.

    Realisation is a risk, not a haircut: a partnership succeeds with probability
    ``p = params.success_probability`` and then delivers ``realisation * gross`` savings on its ramp
    (``realisation``: the delivery ratio times the readiness, mode and depth multipliers) at its
    recurring governance (fixed terms ``+ client``, the client-side cost ``governance_rate * pooled``,
    ``+ coordination``) and distance costs; otherwise it saves nothing and pays
    its exit cost, ``exit_cost_rate`` times its set-up cost. The set-up cost is paid either way:
    ``(setup_fixed + setup_ratio * max(delivered saving, 0)) * (1 + optimism_bias_cost_uplift)``.
    Every money column is the expected value, so the cash flow of the columns (one-off in year 0,
    ramped saving less recurring costs in years 1..H) discounts to ``npv``, and
    ``npv = p * npv_if_success + (1 - p) * npv_if_failure``.
    """
    factor = params.realisation_factor() if realisation is None else realisation
    factor = np.broadcast_to(np.asarray(factor, dtype=float), n.shape)
    p = float(params.success_probability)
    ratio = params.setup_ratio if setup_ratio is None else setup_ratio
    delivered = (scale + efficiency + scope) * factor
    setup = (setup_fixed + ratio * np.maximum(delivered, 0.0)) * (1.0 + params.optimism_bias_cost_uplift)
    exit_cost = params.exit_cost_rate * setup
    coordination = np.broadcast_to(np.asarray(coordination, dtype=float), n.shape)
    governance = governance_cost(params, n) + np.asarray(client, dtype=float) + coordination
    ramp_annuity, annuity = annuity_factors(params)
    npv_success = -setup + delivered * ramp_annuity - (governance + distance) * annuity
    npv_failure = -setup - exit_cost
    scale, efficiency, scope = scale * factor * p, efficiency * factor * p, scope * factor * p
    saving = scale + efficiency + scope
    governance, distance, coordination = governance * p, distance * p, coordination * p
    recurring = governance + distance
    one_off = setup + (1.0 - p) * exit_cost
    return {
        SAVING_SCALE: scale, SAVING_EFFICIENCY: efficiency, SAVING_SCOPE: scope,
        COST_DISTANCE: distance, COST_GOVERNANCE: governance, COST_COORDINATION: np.array(coordination),
        SCALE_SAVING: scale, SCOPE_SAVING: scope,
        REALISATION_FACTOR: np.array(factor), ANNUAL_SAVING: saving,
        GOVERNANCE_COST: governance, ANNUAL_NET_SAVING: saving - recurring,
        ONE_OFF_COST: one_off, EXIT_COST: (1.0 - p) * exit_cost,
        NPV: p * npv_success + (1.0 - p) * npv_failure, SUCCESS_PROBABILITY: np.full(n.shape, p),
        NPV_IF_SUCCESS: npv_success, NPV_IF_FAILURE: npv_failure,
        PAYBACK_YEARS: payback_years(saving, recurring, one_off, params.ramp_years),
    }
