"""Is a council's spend on a service plausible? The one owner of spend plausibility checks.

Two tiers: :func:`check_plausible` (per resident, on every cost table loaded) lists
values far outside the national range and refuses absurd ones; :func:`plausibility_flags`
(per *served* head, workday population for day-time services) flags the unusual ones
for the data-quality report of English runs.

The national range of a service is the 1st to 99th percentile of English councils'
reported (not carried forward) 2023-24 net spend per head, from the embedded
outturn. Thresholds live in :data:`sharedopt.config.assumptions.SPEND_PLAUSIBILITY`.
A value far outside the range is listed in the data-quality report; an absurd one
(1e12 £k, spend in £ entered as £ thousand many times over) stops the run.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import numpy as np
import pandas as pd

from sharedopt.config.assumptions import PLAUSIBILITY_RULE, SPEND_PLAUSIBILITY
from sharedopt.data.authorities import authority_table
from sharedopt.data.outturn import ENGLAND_FILE, embedded_table
from sharedopt.data.panel import CLASSES, cost_panel
from sharedopt.data.validate import FILE_ROW, DataQuality
from sharedopt.data.workday import service_population
from sharedopt.common.errors import DataError

RANGE_YEAR = "2023-24"


def _setting(key: str) -> float:
    return float(SPEND_PLAUSIBILITY[key]["value"])


@lru_cache(maxsize=1)
def national_range() -> pd.DataFrame:
    """Per service: ``p01`` and ``p99`` of reported 2023-24 net spend per head in England, £k a resident."""
    costs = embedded_table(ENGLAND_FILE)
    rows = costs[(costs["year"] == RANGE_YEAR) & (costs.get("provenance", "reported") == "reported")]
    population = authority_table()["population"].astype(float)
    per_head = rows["net_expenditure_gbp_k"] / rows["authority"].map(population)
    table = per_head.groupby(rows["service"]).quantile([0.01, 0.99]).unstack()
    return table.rename(columns={0.01: "p01", 0.99: "p99"})


def _limits(services: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Flag and refuse limits (upper, lower) per row's service, £k a resident."""
    table = national_range().reindex(services.unique())
    high = table["p99"].fillna(0.0).clip(lower=0.0)
    low = (-table["p01"].fillna(0.0)).clip(lower=0.0)
    extreme = np.maximum(high, low)
    flag_floor, refuse_floor = _setting("flag_floor_gbp_k_per_head"), _setting("refuse_floor_gbp_k_per_head")
    flag_hi = _setting("flag_multiple") * high.clip(lower=flag_floor)
    flag_lo = _setting("flag_multiple") * low.clip(lower=flag_floor)
    refuse = _setting("refuse_multiple") * extreme.clip(lower=refuse_floor)
    return (services.map(flag_hi).to_numpy(float), services.map(flag_lo).to_numpy(float),
            services.map(refuse).to_numpy(float), services.map(high).to_numpy(float))


def check_plausible(costs: pd.DataFrame, population: pd.Series, file: str, quality: DataQuality) -> None:
    """Flag spend per head far outside the national range; refuse absurd values.

    Parameters
    ----------
    costs : pandas.DataFrame
        ``authority, service, net_expenditure_gbp_k`` (NaN rows are skipped); indexed by
        :data:`~sharedopt.data.validate.FILE_ROW` when read from a file, so a refusal names the row.
    population : pandas.Series
        Residents by authority code.
    file : str
        Named in messages.
    quality : DataQuality
        Receives a line per flagged value.

    Raises
    ------
    DataError
        A value beyond the refusal limit: names the file, authority, service, value and the fix.
    """
    rows = costs[costs["net_expenditure_gbp_k"].notna()]
    if rows.empty:
        return
    per_head = (rows["net_expenditure_gbp_k"] / rows["authority"].map(population).astype(float)).to_numpy()
    flag_hi, flag_lo, refuse, p99 = _limits(rows["service"])
    absurd = np.abs(per_head) > refuse
    if absurd.any():
        i = int(np.flatnonzero(absurd)[0])
        row = rows.iloc[i]
        where = f"row {rows.index[i]} ({row['authority']})" if rows.index.name == FILE_ROW else row["authority"]
        raise DataError(f"{file}: {where}, field '{row['service']}': net spend "
                        f"{row['net_expenditure_gbp_k']:,.0f} £k is £{per_head[i] * 1000:,.0f} a resident, "
                        f"over {_setting('refuse_multiple'):,.0f} times the national range for the service "
                        f"(99th percentile £{p99[i] * 1000:,.0f} a resident); spend is in £ thousand: "
                        "check the value and its units")
    odd = (per_head > flag_hi) | (per_head < -flag_lo)
    if odd.any():  # on the console too, not only in data_quality.csv
        i = int(np.flatnonzero(odd)[0])
        row = rows.iloc[i]
        more = f" and {int(odd.sum()) - 1} more" if odd.sum() > 1 else ""
        warnings.warn(f"{file}: implausible spend for {row['authority']} {row['service']}{more}: "
                      f"£{per_head[i] * 1000:,.0f} a resident, over {_setting('flag_multiple'):.0f} times the "
                      f"national range (99th percentile £{p99[i] * 1000:,.0f} a resident); kept, but check the "
                      "values and their units (£ thousand); every one is listed in data_quality.csv",
                      stacklevel=2)
    for i in np.flatnonzero(odd):
        row = rows.iloc[i]
        quality.add(file=file, code=str(row["authority"]), field=str(row["service"]),
                    issue=f"implausible spend: {row['net_expenditure_gbp_k']:,.0f} £k is "
                          f"£{per_head[i] * 1000:,.0f} a resident, over {_setting('flag_multiple'):.0f} times "
                          f"the national range (99th percentile £{p99[i] * 1000:,.0f} a resident)",
                    action="kept; check the value and its units (£ thousand)")


def plausibility_flags(costs: pd.DataFrame, authorities: pd.DataFrame,
                       reference: pd.DataFrame | None = None,
                       factor: float | None = None) -> pd.DataFrame:
    """Flag spend per served head far outside the national range of the service.

    The national range is the 1st..99th percentile of positive spend per served
    head of the English councils that deliver the service (``reference``: by
    default the latest year of the embedded panel, :func:`sharedopt.data.panel.cost_panel`).
    A council is flagged when its spend per head is above ``factor`` x the 99th
    percentile or below the 1st percentile / ``factor``
    (:data:`sharedopt.config.assumptions.PLAUSIBILITY_RULE`).

    Parameters
    ----------
    costs : pandas.DataFrame
        Tidy ``authority, service, net_expenditure_gbp_k``.
    authorities : pandas.DataFrame
        Indexed by code with ``population``.
    reference : pandas.DataFrame, optional
        ``service, spend_per_served_head`` (GBP) of the reference councils.
    factor : float, optional
        Overrides the rule's factor.

    Returns
    -------
    pandas.DataFrame
        ``authority, service, spend_per_head_gbp, served_population, p01, p99, flag``
        (``"high"`` or ``"low"``), one row per flagged (authority, service).
    """
    factor = PLAUSIBILITY_RULE["factor"]["value"] if factor is None else factor
    if reference is None:
        panel = cost_panel()
        reference = panel[(panel["year"] == panel["year"].max()) & panel["delivers"] & (panel["spend_gbp_k"] > 0)]
    delivering = set(zip(reference["service"], reference["cls"]))
    bounds = reference.groupby("service")["spend_per_served_head"].quantile([0.01, 0.99]).unstack()
    bounds.columns = ["p01", "p99"]
    rows = []
    for service, part in costs[costs["net_expenditure_gbp_k"] > 0].groupby("service"):
        if service not in bounds.index:
            continue
        part = part[part["authority"].isin(authorities.index)]
        part = part[[(service, CLASSES.get(str(code)[:3])) in delivering for code in part["authority"]]]
        if part.empty:
            continue
        served = service_population(authorities.loc[part["authority"]], service).to_numpy()
        per_head = part["net_expenditure_gbp_k"].to_numpy() * 1000.0 / served
        p01, p99 = bounds.loc[service]
        flag = np.where(per_head > factor * p99, "high", np.where(per_head < p01 / factor, "low", ""))
        rows.append(pd.DataFrame({"authority": part["authority"].to_numpy(), "service": service,
                                  "spend_per_head_gbp": per_head, "served_population": served,
                                  "p01": p01, "p99": p99, "flag": flag}))
    cols = ["authority", "service", "spend_per_head_gbp", "served_population", "p01", "p99", "flag"]
    if not rows:
        return pd.DataFrame(columns=cols)
    out = pd.concat(rows, ignore_index=True)
    return out[out["flag"] != ""][cols].sort_values(["service", "authority"]).reset_index(drop=True)


def report_unusual_spend(costs: pd.DataFrame, authorities: pd.DataFrame, quality: DataQuality) -> int:
    """Add a data-quality line for each (authority, service) :func:`plausibility_flags` flags.

    Returns
    -------
    int
        How many were flagged.
    """
    flags = plausibility_flags(costs, authorities)
    factor = PLAUSIBILITY_RULE["factor"]["value"]
    for row in flags.itertuples(index=False):
        side = (f"over {factor:g} x the national 99th percentile (£{row.p99:,.0f})" if row.flag == "high"
                else f"under the national 1st percentile (£{row.p01:,.0f}) / {factor:g}")
        quality.add(file="costs", code=str(row.authority), field=str(row.service),
                    issue=f"unusual spend: £{row.spend_per_head_gbp:,.0f} per served head "
                          f"({row.served_population:,.0f} served), {side}",
                    action="kept; savings that rest on it deserve a look before they are believed")
    return len(flags)
