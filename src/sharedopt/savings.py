"""The savings model: economies of scale and of scope, costs, NPV and payback.

All functions are vectorised over candidates. A candidate is a set of member
authorities (rows of an int array, padded with -1) and one or two services.

Scale: the asset-tied budget of member *i* for service *s* is
``A_is = asset_intensity_s * spend_is``. Its unit cost follows a U-shaped curve in
the population served, ``u(P) = (P/mes)^-e_down`` below the minimum efficient scale
and ``(P/mes)^e_up`` above it. Pooled, member *i* keeps its own efficiency level and
only the scale effect moves: ``cost_i = A_is * u(P_group) / u(P_i)``. The gross
scale saving is ``sum_i A_is (1 - u(P_group)/u(P_i))`` (negative beyond the
efficient scale).

Scope: two complementary services run together save ``scope_rate * min(sum_i A_is,
sum_i A_it)``.

Costs: one-off ``(setup_fixed + setup_per_member * n + setup_rate * pooled asset-tied
spend) * (1 + optimism_bias_cost_uplift)``; recurring governance
``governance_per_member * n + governance_per_pair * n(n-1)/2`` for partnerships of two
or more members.

Money: expected saving = gross saving x realisation factor; annual net saving =
expected saving - governance; NPV over ``horizon_years`` at ``discount_rate`` with a
linear ramp-up over ``ramp_years``; payback = years until cumulative undiscounted net
savings cover the one-off cost (inf if never).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sharedopt.params import ModelParams


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
    """

    codes: np.ndarray
    services: tuple[str, ...]
    population: np.ndarray
    spend: np.ndarray
    estimated: np.ndarray

    @classmethod
    def from_frames(cls, authorities: pd.DataFrame, costs: pd.DataFrame) -> "CostBase":
        """Build from an authorities table and a tidy cost table (ineligible spend -> 0)."""
        codes = np.array(sorted(authorities.index), dtype=object)
        services = tuple(sorted(costs["service"].unique()))
        eligible = costs[costs["eligible"]] if "eligible" in costs else costs[costs["net_expenditure_gbp_k"] > 0]
        wide = eligible.pivot_table(index="authority", columns="service", values="net_expenditure_gbp_k",
                                    aggfunc="sum").reindex(index=codes, columns=list(services)).fillna(0.0)
        est = costs.pivot_table(index="authority", columns="service", values="estimated", aggfunc="max")
        est = est.reindex(index=codes, columns=list(services)).fillna(False).astype(bool)
        pop = authorities["population"].reindex(codes).to_numpy(dtype=float)
        return cls(codes, services, pop, wide.to_numpy(dtype=float), est.to_numpy())

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
    """Asset-tied (poolable) budget per authority for one service, £k."""
    sp = params.services[service]
    if not sp.eligible:
        return np.zeros(len(base.codes))
    return base.spend[:, base.service_index(service)] * sp.asset_intensity


def scale_saving(base: CostBase, params: ModelParams, service: str, members: np.ndarray) -> np.ndarray:
    """Gross annual scale saving of pooling ``service`` across each row of ``members``."""
    sp = params.services[service]
    asset = _gather(asset_budget(base, params, service), members)
    pop = _gather(base.population, members)
    group_pop = pop.sum(axis=1, keepdims=True)
    u_group = unit_cost(group_pop, sp.mes, sp.e_down, sp.e_up)
    u_own = unit_cost(np.where(members >= 0, pop, 1.0), sp.mes, sp.e_down, sp.e_up)
    return (asset * (1.0 - u_group / u_own)).sum(axis=1)


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
    pooled = [_gather(asset_budget(base, params, s), members).sum(axis=1) for s in services]
    return rate * np.minimum(pooled[0], pooled[1])


def annuity_factors(params: ModelParams) -> tuple[float, float]:
    """(sum of ramp_t * discount_t, sum of discount_t) over the horizon."""
    years = np.arange(1, params.horizon_years + 1)
    discount = (1.0 + params.discount_rate) ** -years
    ramp = np.minimum(1.0, years / params.ramp_years)
    return float((ramp * discount).sum()), float(discount.sum())


def payback_years(saving: np.ndarray, governance: np.ndarray, one_off: np.ndarray, ramp_years: int) -> np.ndarray:
    """Years until cumulative undiscounted net savings cover the one-off cost (inf if never)."""
    result = np.full(len(saving), np.inf)
    done = one_off <= 0
    result[done] = 0.0
    cumulative = np.zeros(len(saving))
    for year in range(1, ramp_years + 1):
        net = min(1.0, year / ramp_years) * saving - governance
        crossing = ~done & (cumulative + net >= one_off) & (net > 0)
        result[crossing] = year - 1 + (one_off[crossing] - cumulative[crossing]) / net[crossing]
        done |= crossing
        cumulative += net
    steady = saving - governance
    later = ~done & (steady > 0)
    result[later] = ramp_years + (one_off[later] - cumulative[later]) / steady[later]
    return result


def evaluate(base: CostBase, params: ModelParams, services: tuple[str, ...], members: np.ndarray,
             realisation: np.ndarray | float | None = None) -> dict[str, np.ndarray]:
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

    Returns
    -------
    dict of numpy.ndarray
        ``n_members, population, baseline_spend_gbp_k, pooled_spend_gbp_k,
        scale_saving_gbp_k, scope_saving_gbp_k, realisation_factor, annual_saving_gbp_k,
        governance_cost_gbp_k, annual_net_saving_gbp_k, one_off_cost_gbp_k, npv_gbp_k,
        payback_years, estimated``.
    """
    members = np.atleast_2d(members)
    n = (members >= 0).sum(axis=1)
    cols = [base.service_index(s) for s in services]
    baseline = sum(_gather(base.spend[:, c], members).sum(axis=1) for c in cols)
    pooled = sum(_gather(asset_budget(base, params, s), members).sum(axis=1) for s in services)
    scale = sum(scale_saving(base, params, s, members) for s in services)
    scope = scope_saving(base, params, services, members)
    factor = params.realisation_factor() if realisation is None else realisation
    factor = np.broadcast_to(np.asarray(factor, dtype=float), n.shape)
    saving = (scale + scope) * factor
    governance = np.where(n >= 2, params.governance_per_member_gbp_k * n
                          + params.governance_per_pair_gbp_k * n * (n - 1) / 2, 0.0)
    one_off = (params.setup_fixed_gbp_k + params.setup_per_member_gbp_k * n
               + params.setup_rate * pooled) * (1.0 + params.optimism_bias_cost_uplift)
    ramp_annuity, annuity = annuity_factors(params)
    npv = -one_off + saving * ramp_annuity - governance * annuity
    est_any = np.zeros(len(members), dtype=bool)
    for c in cols:
        flags = base.estimated[np.where(members >= 0, members, 0), c] & (members >= 0)
        est_any |= flags.any(axis=1)
    return {
        "n_members": n, "population": _gather(base.population, members).sum(axis=1),
        "baseline_spend_gbp_k": baseline, "pooled_spend_gbp_k": pooled,
        "scale_saving_gbp_k": scale * factor, "scope_saving_gbp_k": scope * factor,
        "realisation_factor": np.array(factor), "annual_saving_gbp_k": saving,
        "governance_cost_gbp_k": governance, "annual_net_saving_gbp_k": saving - governance,
        "one_off_cost_gbp_k": one_off, "npv_gbp_k": npv,
        "payback_years": payback_years(saving, governance, one_off, params.ramp_years),
        "estimated": est_any,
    }


def scale_frontier(base: CostBase, params: ModelParams) -> pd.DataFrame:
    """Economies-of-scale frontier: every authority at its service's minimum unit cost.

    The saving if each authority's asset-tied budget fell to the unit cost at the
    minimum efficient scale, with no collaboration cost: an upper bound on the scale
    saving no grouping can beat. Returned per service (£k a year, and as NPV).
    """
    ramp_annuity, _ = annuity_factors(params)
    rows = []
    for s in base.services:
        sp = params.services[s]
        asset = asset_budget(base, params, s)
        u_own = unit_cost(np.maximum(base.population, 1.0), sp.mes, sp.e_down, sp.e_up)
        annual = float((asset * (1.0 - 1.0 / u_own)).sum()) * params.realisation_factor()
        rows.append({"service": s, "frontier_annual_gbp_k": annual,
                     "frontier_npv_gbp_k": annual * ramp_annuity})
    return pd.DataFrame(rows)
