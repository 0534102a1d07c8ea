"""Is a council's spend on a service plausible? Checked per resident against the national range.

The national range of a service is the 1st to 99th percentile of English councils'
reported (not carried forward) 2023-24 net spend per head, from the embedded
outturn. Thresholds live in :data:`sharedopt.assumptions.SPEND_PLAUSIBILITY`.
A value far outside the range is listed in the data-quality report; an absurd one
(1e12 £k, spend in £ entered as £ thousand many times over) stops the run.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from sharedopt.assumptions import SPEND_PLAUSIBILITY
from sharedopt.data.validate import DataQuality
from sharedopt.errors import DataError

RANGE_YEAR = "2023-24"


def _setting(key: str) -> float:
    return float(SPEND_PLAUSIBILITY[key]["value"])


@lru_cache(maxsize=1)
def national_range() -> pd.DataFrame:
    """Per service: ``p01`` and ``p99`` of reported 2023-24 net spend per head in England, £k a resident."""
    from sharedopt.data.authorities import authority_table
    from sharedopt.data.costs import ENGLAND_FILE, _embedded

    costs = _embedded(ENGLAND_FILE)
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
        ``authority, service, net_expenditure_gbp_k`` (NaN rows are skipped).
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
        raise DataError(f"{file}: {row['authority']}, field '{row['service']}': net spend "
                        f"{row['net_expenditure_gbp_k']:,.0f} £k is £{per_head[i] * 1000:,.0f} a resident, "
                        f"over {_setting('refuse_multiple'):,.0f} times the national range for the service "
                        f"(99th percentile £{p99[i] * 1000:,.0f} a resident); spend is in £ thousand: "
                        "check the value and its units")
    odd = (per_head > flag_hi) | (per_head < -flag_lo)
    for i in np.flatnonzero(odd):
        row = rows.iloc[i]
        quality.add(file=file, code=str(row["authority"]), field=str(row["service"]),
                    issue=f"implausible spend: {row['net_expenditure_gbp_k']:,.0f} £k is "
                          f"£{per_head[i] * 1000:,.0f} a resident, over {_setting('flag_multiple'):.0f} times "
                          f"the national range (99th percentile £{p99[i] * 1000:,.0f} a resident)",
                    action="kept; check the value and its units (£ thousand)")
