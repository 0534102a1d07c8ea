"""The population a service serves: residents, or workday population where residents mislead.

Census 2021 workday population (ONS ODWP01EW) per lower-tier area, carried to the
current (2024) codes.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from sharedopt.config.assumptions import DAYTIME_SERVICE_WEIGHTS
from sharedopt.data.authorities import authority_table
from sharedopt.data.paths import data_dir
from sharedopt.data.validate import require_columns, require_file
from sharedopt.common.errors import DataError

WORKDAY_FILE = "raw/population/census2021_workday_population_ltla.csv"
REGISTER_FILE = "raw/register/mysociety_uk_local_authorities.csv"
_WORKDAY_COLUMNS = ["lad21cd", "lad21nm", "residents16plus", "in_commuters", "out_commuters",
                    "workday_pop_16plus"]


def _read_workday() -> pd.DataFrame:
    file = WORKDAY_FILE
    raw = pd.read_csv(require_file(data_dir() / file, "workday population file"), dtype={"lad21cd": str})
    require_columns(raw, _WORKDAY_COLUMNS, file)
    for col in ("residents16plus", "workday_pop_16plus"):
        bad = pd.to_numeric(raw[col], errors="coerce")
        if bad.isna().any() or (bad <= 0).any():
            i = int(np.flatnonzero(bad.isna() | (bad <= 0))[0])
            raise DataError(f"{file}: row {i + 2}, field {col}: '{raw[col].iloc[i]}' is not a positive "
                            "count; restore the ONS value")
        raw[col] = bad
    return raw.set_index("lad21cd")


def _successors() -> dict[str, str]:
    """2021 code -> current code for areas merged since (one successor only; splits are left out)."""
    reg = pd.read_csv(require_file(data_dir() / REGISTER_FILE, "register"), dtype=str)
    by_short = reg.set_index("local-authority-code")["gss-code"]
    out = {}
    for _, row in reg[reg["replaced-by"].notna() & reg["gss-code"].notna()].iterrows():
        parts = str(row["replaced-by"]).split(",")
        if len(parts) == 1 and parts[0] in by_short.index and isinstance(by_short[parts[0]], str):
            out[row["gss-code"]] = by_short[parts[0]]
    return out


@lru_cache(maxsize=1)
def workday_ratios() -> pd.DataFrame:
    """Workday population aged 16+ over residents aged 16+, per current authority code.

    Census 2021 on 2021 boundaries. Areas merged since (Cumbria, North Yorkshire,
    Somerset in 2023) take the sums of their 2021 predecessors (commuting between
    predecessors cancels, so the sum is the merged area's workday population);
    county councils (E10) take the sums of their districts. Census day fell in a
    lockdown, so commuting is understated (the 2011 census gave the City of London
    about 56x); under-16s are excluded.

    Returns
    -------
    pandas.DataFrame
        Indexed by GSS code: ``residents16plus``, ``workday_pop_16plus``,
        ``workday_ratio`` and ``basis`` (how the row was made).
    """
    raw = _read_workday()
    table = authority_table()
    successor = _successors()
    rows = raw[["residents16plus", "workday_pop_16plus"]].copy()
    rows["code"] = [c if c in table.index else successor.get(c, c) for c in rows.index]
    rows["basis"] = [f"census 2021 ({c})" if c == n else "sum of 2021 predecessors"
                     for c, n in zip(rows.index, rows["code"])]
    merged = rows.groupby("code").agg(residents16plus=("residents16plus", "sum"),
                                      workday_pop_16plus=("workday_pop_16plus", "sum"),
                                      basis=("basis", "first"))
    merged = merged[merged.index.isin(table.index)]
    counties = table[table["tier"] == "county"].index
    parent = table["parent_county"].dropna()
    for county in counties:
        districts = merged.loc[merged.index.isin(parent[parent == county].index)]
        if len(districts):
            merged.loc[county] = [districts["residents16plus"].sum(),
                                  districts["workday_pop_16plus"].sum(),
                                  f"sum of {len(districts)} districts"]
    merged["workday_ratio"] = merged["workday_pop_16plus"] / merged["residents16plus"]
    return merged.sort_index()


def served_ratio(codes, service: str) -> pd.Series:
    """Served population over residents for ``service``: 1 + w (workday ratio - 1).

    ``w`` is the service's daytime weight (:data:`sharedopt.config.assumptions.DAYTIME_SERVICE_WEIGHTS`,
    0 for services used by residents). Codes without a workday figure (US counties,
    user regions, Scotland, NI) get 1.0.
    """
    weight = DAYTIME_SERVICE_WEIGHTS.get(service, {"value": 0.0})["value"]
    ratio = workday_ratios()["workday_ratio"].reindex(list(codes)).fillna(1.0)
    return 1.0 + weight * (ratio - 1.0)


def service_population(authorities: pd.DataFrame, service: str) -> pd.Series:
    """Population a service serves, per authority (residents x :func:`served_ratio`).

    Parameters
    ----------
    authorities : pandas.DataFrame
        Indexed by code with a ``population`` column (residents).
    service : str
        Catalogue service name.

    Returns
    -------
    pandas.Series
        Served population, indexed like ``authorities``.
    """
    return authorities["population"] * served_ratio(authorities.index, service).to_numpy()
