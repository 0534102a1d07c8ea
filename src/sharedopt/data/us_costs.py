"""SYNTHETIC service costs for US counties (there is no US spending data here).

:func:`synthetic_us_costs` makes a cost table so the model can run at US scale from
English per-head rates, seeded noise and a mild scale effect; it must never be read
as an estimate of what US counties spend. Money stays in £ thousand on purpose.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from sharedopt.common.errors import DataError
from sharedopt.data.authorities import authority_table
from sharedopt.data.costs import load_costs
from sharedopt.data.us_regions import PREFIX

SYNTHETIC_YEAR = "2023-24"
# Synthetic cost model (see synthetic_us_costs).
NOISE_SIGMA = 0.15        # lognormal sigma of the per-county, per-service noise
SCALE_ELASTICITY = 0.05   # per-head spend ~ (population / reference)^-0.05: a mild scale effect
RATE_TIER = "unitary"     # per-head rates from the median English unitary (E06) council


@lru_cache(maxsize=4)
def per_head_rates(year: str = SYNTHETIC_YEAR) -> pd.Series:
    """Median net spend per resident (£k) by service over English unitary (E06) councils.

    Net current expenditure from the embedded MHCLG outturn for ``year``
    (``load_costs('england')``) divided by ONS mid-2022 population; the median is over
    the unitary councils with spend data. Services whose median is not positive
    (``Other``) are left out. These rates drive :func:`synthetic_us_costs`.
    """
    table = authority_table()
    unitary = table[(table["nation"] == "England") & (table["tier"] == RATE_TIER)]
    costs = load_costs("england", year)
    costs = costs[costs["authority"].isin(unitary.index)]
    per_head = costs["net_expenditure_gbp_k"] / costs["authority"].map(unitary["population"])
    rates = per_head.groupby(costs["service"]).median()
    return rates[rates > 0].sort_index().rename("gbp_k_per_head")


@lru_cache(maxsize=1)
def reference_population() -> float:
    """Median population of English unitary councils (ONS mid-2022): the scale-effect pivot."""
    table = authority_table()
    return float(table.loc[(table["nation"] == "England") & (table["tier"] == RATE_TIER), "population"].median())


def synthetic_us_costs(authorities: pd.DataFrame, seed: int = 0, year: str = SYNTHETIC_YEAR) -> pd.DataFrame:
    """SYNTHETIC service costs for US counties in the tidy cost format (every row ``estimated``).

    This is not data. For county *c* and service *s*::

        spend[c, s] = population[c] * rate[s] * noise[c, s] * (population[c] / P_ref) ** -0.05

    * ``rate[s]``: median English unitary net spend per resident on *s*
      (:func:`per_head_rates`, MHCLG outturn ``year`` / ONS mid-2022 population);
    * ``noise[c, s]``: lognormal, median 1, sigma 0.15, drawn from a generator seeded
      with ``(seed, GEOID)``, so a county's costs do not depend on which other
      counties are loaded and the table is identical for the same seed;
    * the last factor is a mild scale effect (elasticity 0.05 around ``P_ref``, the
      median English unitary population, ~227,000): small counties spend a little
      more per head.

    Money is in £ thousand on purpose, like the rest of the model, so the same model
    parameters (set-up and governance costs in £k) apply. The whole US case is
    SYNTHETIC: a scale test of the optimiser on a real graph, not a costing of US
    counties.

    Parameters
    ----------
    authorities : pandas.DataFrame
        From :func:`load_us_counties` (codes ``US#####`` and ``population``).
    seed : int
        Non-negative seed of the noise.
    year : str
        English outturn year the per-head rates come from (also the ``year`` column).

    Returns
    -------
    pandas.DataFrame
        ``authority, service, year, net_expenditure_gbp_k, estimated`` (all True),
        sorted by authority and service; spend is positive.
    """
    if int(seed) < 0:
        raise DataError(f"synthetic costs: seed must be a non-negative integer, got {seed}")
    rates = per_head_rates(year)
    pivot = reference_population()
    services = list(rates.index)
    codes = sorted(authorities.index)
    population = authorities["population"].reindex(codes).to_numpy(dtype=float)
    noise = np.vstack([np.random.default_rng([int(seed), int(str(code)[len(PREFIX):])])
                       .lognormal(0.0, NOISE_SIGMA, len(services)) for code in codes])
    scale = (population / pivot) ** -SCALE_ELASTICITY
    spend = population[:, None] * rates.to_numpy()[None, :] * noise * scale[:, None]
    return pd.DataFrame({
        "authority": np.repeat(codes, len(services)),
        "service": np.tile(services, len(codes)),
        "year": year,
        "net_expenditure_gbp_k": np.round(spend.ravel(), 3),
        "estimated": True,
    })


def synthetic_source(seed: int = 0, year: str = SYNTHETIC_YEAR) -> dict:
    """The sources entry for the SYNTHETIC costs (``estimated=True``)."""
    return dict(
        name="Service spend (SYNTHETIC costs)",
        source=(f"SYNTHETIC costs, not US data: county population x median English unitary net "
                f"spend per head by service (MHCLG {year} outturn / ONS mid-2022 population) x "
                f"lognormal noise (sigma {NOISE_SIGMA}, seed {seed}) x scale effect "
                f"(population / {reference_population():,.0f})^-{SCALE_ELASTICITY}; in £ thousand"),
        vintage=f"synthetic ({year} English rates)", licence="derived from OGL v3.0 data",
        estimated=True)
