"""Estimated per-service net expenditure for the 22 Welsh principal areas.

The embedded data hold no per-service spending table for Welsh councils, only
StatsWales 20-year means of five lines. This module builds an **estimate**, and
every row it returns carries ``estimated = True``:

1. ``T``: sum over services of the median net spend per head of English
   single-tier unitary councils (E06, Isles of Scilly excluded) **in the estimate's
   year**, police, fire and public health excluded. One estimate per year the English
   outturn holds (2017-18..2023-24): the level is uprated to the run's year by the
   growth of the same English service lines (the StatsWales figures are a 2002-03..
   2021-22 nominal mean and enter only as ratios below).
2. ``need_i``: council *i*'s StatsWales net current expenditure per head relative
   to the Welsh population-weighted mean (mean 2002-03..2021-22 spend divided by
   mid-2022 population).
3. ``total_i = population_i x T x need_i``.
4. Education and children's social care take council *i*'s own StatsWales shares
   of net current expenditure (schools + non-school; children and families).
5. The rest is split across the other services by the English comparators'
   median per-head shares.
6. No Public Health line: public health in Wales sits mainly with the NHS (Public
   Health Wales NHS Trust and the local health boards), not with councils, so the
   line is 0 (and recorded in the run's data-quality report).

A user with a real StatsWales "revenue outturn expenditure by authority and
service" export supplies it through ``[data] costs_csv`` instead.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sharedopt.config.assumptions import NON_COUNCIL_SERVICES

WALES_FILE = "wales/statswales_net_expenditure_5_lines_mean_2002_03_to_2021_22.csv"
COMPARATOR_YEAR = "2023-24"  # the default year
NOT_WELSH_COUNCIL = {"Public_Health": "public health in Wales sits mainly with the NHS (Public Health "
                                      "Wales NHS Trust, local health boards), not with councils"}
METHOD = "comparator-split-v2"  # described in the module docstring and data/README.md


def comparator_per_head(authorities: pd.DataFrame, england: pd.DataFrame,
                        year: str = COMPARATOR_YEAR) -> pd.Series:
    """Median net spend per head in ``year`` by service for English unitary councils."""
    pop = authorities.set_index("code")["population"].astype(float)
    e06 = england[
        england["authority"].str.startswith("E06")
        & (england["authority"] != "E06000053")
        & (england["year"] == year)
        & ~england["service"].isin(set(NON_COUNCIL_SERVICES) | set(NOT_WELSH_COUNCIL))
    ]
    per_head = e06["net_expenditure_gbp_k"] / e06["authority"].map(pop)
    return per_head.groupby(e06["service"]).median().clip(lower=0.0)


def estimate_wales_costs(raw: Path, authorities: pd.DataFrame, england: pd.DataFrame) -> pd.DataFrame:
    """Return the tidy estimated cost table for Wales, one block per English outturn year."""
    years = sorted(england["year"].unique())
    return pd.concat([estimate_wales_year(raw, authorities, england, y) for y in years], ignore_index=True)


def estimate_wales_year(raw: Path, authorities: pd.DataFrame, england: pd.DataFrame,
                        year: str = COMPARATOR_YEAR) -> pd.DataFrame:
    """The estimate for one year (see the module docstring)."""
    lines = pd.read_csv(raw / WALES_FILE)
    wide = lines.pivot(index="lad_code", columns="service_line",
                       values="mean_annual_gbp_thousand_2002_03_to_2021_22")
    nce = wide["Net current expenditure"]
    pop = authorities.set_index("code")["population"].astype(float).reindex(wide.index)
    need = (nce / pop) / (nce.sum() / pop.sum())
    per_head = comparator_per_head(authorities, england, year)
    total = pop * per_head.sum() * need
    education = total * (wide["Schools expenditure (including delegated and non-delegated funding)"]
                         + wide["Non-school expenditure"]) / nce
    children = total * wide["Personal social services - children and families"] / nce
    others = per_head.drop(["Education", "Children_Social_Care"])
    rest = total - education - children
    columns = {"Education": education, "Children_Social_Care": children}
    for service, value in others.items():
        columns[service] = rest * value / others.sum()
    wide_est = pd.DataFrame(columns)
    wide_est["Police"] = 0.0
    wide_est["Fire_Rescue"] = 0.0
    for service in NOT_WELSH_COUNCIL:
        wide_est[service] = 0.0
    tidy = wide_est.rename_axis("authority").reset_index().melt(
        id_vars="authority", var_name="service", value_name="net_expenditure_gbp_k")
    tidy["year"] = year
    tidy["estimated"] = True
    tidy["method"] = METHOD
    cols = ["authority", "service", "year", "net_expenditure_gbp_k", "estimated", "method"]
    return tidy[cols].sort_values(["year", "authority", "service"]).reset_index(drop=True)
