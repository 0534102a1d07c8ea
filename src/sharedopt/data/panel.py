"""The England cost panel: every council, year and top-level service, with its cost drivers.

MHCLG revenue outturn 2017-18..2023-24 (net current expenditure, £ thousand) joined
to population (ONS mid-2022, one year for every outturn year: a stated defect, the
year fixed effects of the fits absorb inflation and common trends), density and
deprivation (mySociety composite IMD), the Census 2021 workday ratio and the
class of council (GSS prefix).
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from sharedopt.common.diskcache import cached, digest
from sharedopt.config.assumptions import (
    DAYTIME_SERVICE_WEIGHTS,
    DELIVERY_SHARE_THRESHOLD,
    FINE_SERVICE_DEFAULTS,
    SERVICE_DEFAULTS,
)
from sharedopt.data.authorities import ATTRIBUTES_FILE, authority_table
from sharedopt.data.paths import data_dir
from sharedopt.data.validate import require_columns, require_file
from sharedopt.data.workday import REGISTER_FILE, WORKDAY_FILE, served_ratio, workday_ratios
from sharedopt.common.errors import DataError

PANEL_FILE = "raw/finance/england_revenue_outturn_net_by_service_2017_2024.json"
DEPRIVATION_FILE = "raw/deprivation/mysociety_composite_uk_imd_by_authority.csv"
ARRANGEMENTS_FILE = "raw/arrangements/england_existing_arrangements.csv"
CLASSES = {"E06": "unitary", "E07": "district", "E08": "metropolitan", "E09": "london", "E10": "county"}
# The eligible council services ("Other" has an unknown composition; police and fire are not council services).
_FINE = {row["service"] for row in FINE_SERVICE_DEFAULTS}
PANEL_SERVICES = [row["service"] for row in SERVICE_DEFAULTS if row["eligible"] and row["service"] not in _FINE]


def _read_outturn() -> pd.DataFrame:
    path = require_file(data_dir() / PANEL_FILE, "outturn panel")
    try:
        raw = pd.DataFrame(json.loads(path.read_text(encoding="utf-8")))
    except ValueError as exc:
        raise DataError(f"{PANEL_FILE}: not valid JSON ({exc}); restore the file from the shared data") from exc
    require_columns(raw, ["year_ending", "ONS_code", "LA_name", *PANEL_SERVICES], PANEL_FILE)
    ye = pd.to_numeric(raw["year_ending"], errors="coerce")
    if ye.isna().any():
        i = int(np.flatnonzero(ye.isna())[0])
        raise DataError(f"{PANEL_FILE}: record {i}, field year_ending: '{raw['year_ending'].iloc[i]}' "
                        "is not a YYYYMM number (e.g. 202403)")
    end = (ye // 100).astype(int)
    raw["year"] = [f"{y - 1}-{y % 100:02d}" for y in end]
    return raw


def _drivers() -> pd.DataFrame:
    dep = pd.read_csv(require_file(data_dir() / DEPRIVATION_FILE, "deprivation file"), dtype={"gss_code": str})
    require_columns(dep, ["gss_code", "la-deprivation-score", "density"], DEPRIVATION_FILE)
    dep = dep.drop_duplicates("gss_code").set_index("gss_code")
    return pd.DataFrame({"deprivation": pd.to_numeric(dep["la-deprivation-score"], errors="coerce"),
                         "density": pd.to_numeric(dep["density"], errors="coerce")})


def joint_waste_members() -> set[str]:
    """Members of the statutory joint waste disposal authorities (they pay a levy that the
    Environment line understates), from the arrangements file's ``service_category``."""
    path = require_file(data_dir() / ARRANGEMENTS_FILE, "arrangements file")
    arr = pd.read_csv(path, dtype=str)
    require_columns(arr, ["service_category", "member_gss"], ARRANGEMENTS_FILE)
    rows = arr[arr["service_category"].str.contains("statutory joint WDA", na=False)]
    return {code.strip() for cell in rows["member_gss"].dropna() for code in cell.split(";") if code.strip()}


def _delivering_classes(long: pd.DataFrame) -> pd.DataFrame:
    """(service, class) pairs whose median spend per head is at least the delivery threshold
    times the unitary councils' median (unitaries deliver every service)."""
    med = long.groupby(["service", "cls"])["spend_per_head"].median().unstack()
    ratio = med.div(med["unitary"], axis=0)
    return ratio >= DELIVERY_SHARE_THRESHOLD


@lru_cache(maxsize=1)
def cost_panel() -> pd.DataFrame:
    """The long England panel, one row per (council, year, service) (kept on disk between runs).

    The panel depends only on the embedded files it is built from, the code that builds it and
    the settings it reads, so it is kept on disk (:func:`sharedopt.common.diskcache.cached`) under a
    hash of those (:func:`panel_key`): a run reads back exactly the table a build returns, and a
    changed file, module or setting builds it afresh. A file that cannot be read is not hashed:
    the table is built, and the build says what is wrong with the file.

    Only codes of the current register with a population are kept (councils
    abolished by the 2019-2023 reorganisations drop out; their successors enter
    from their first year). Rows of a class that does not deliver a service
    (``delivers`` False, e.g. district Education) and non-positive net spend stay
    in the table but are left out of the log fits.

    Returns
    -------
    pandas.DataFrame
        ``code, name, cls, year, service, spend_gbp_k, population, served_population,
        spend_per_head, spend_per_served_head, density, deprivation, workday_ratio,
        joint_waste, delivers``.
    """
    key = panel_key()
    return _build_panel() if key is None else cached("panel", key, _build_panel)


#: the embedded files the panel is built from
PANEL_INPUTS = (PANEL_FILE, DEPRIVATION_FILE, ARRANGEMENTS_FILE, WORKDAY_FILE, REGISTER_FILE, ATTRIBUTES_FILE)


def panel_key() -> str | None:
    """sha256 of everything :func:`cost_panel` depends on, or None when an input file cannot be read.

    The bytes of :data:`PANEL_INPUTS`, the source of the modules that build the table (this one,
    :mod:`~sharedopt.data.workday`, :mod:`~sharedopt.data.authorities`), the settings they read,
    and Python's, numpy's and pandas' versions.

    Returns
    -------
    str or None
    """
    try:
        files = [(data_dir() / name).read_bytes() for name in PANEL_INPUTS]
        code = [Path(sys.modules[f.__module__].__file__).read_bytes()
                for f in (_build_panel, workday_ratios, authority_table)]
    except OSError:
        return None
    settings = repr((SERVICE_DEFAULTS, FINE_SERVICE_DEFAULTS, DELIVERY_SHARE_THRESHOLD, DAYTIME_SERVICE_WEIGHTS))
    return digest([*PANEL_INPUTS, *files, *code, settings, sys.version, np.__version__, pd.__version__])


def _build_panel() -> pd.DataFrame:
    """The panel, built from the files (what :func:`cost_panel` returns)."""
    raw = _read_outturn()
    table = authority_table()
    england = table[table["nation"] == "England"]
    raw = raw[raw["ONS_code"].isin(england.index)].rename(columns={"ONS_code": "code", "LA_name": "name"})
    long = raw.melt(id_vars=["code", "name", "year"], value_vars=PANEL_SERVICES,
                    var_name="service", value_name="spend_gbp_k")
    long["spend_gbp_k"] = pd.to_numeric(long["spend_gbp_k"], errors="coerce")
    long["cls"] = long["code"].str[:3].map(CLASSES)
    long["population"] = long["code"].map(england["population"]).astype(float)
    drivers = _drivers()
    for col in ("density", "deprivation"):
        long[col] = long["code"].map(drivers[col])
    long["workday_ratio"] = long["code"].map(workday_ratios()["workday_ratio"]).fillna(1.0)
    long["joint_waste"] = long["code"].isin(joint_waste_members()).astype(float)
    long["spend_per_head"] = long["spend_gbp_k"] * 1000.0 / long["population"]
    served = np.ones(len(long))
    for service, idx in long.groupby("service").groups.items():
        served[long.index.get_indexer(idx)] = served_ratio(long.loc[idx, "code"], service).to_numpy()
    long["served_population"] = long["population"] * served
    long["spend_per_served_head"] = long["spend_gbp_k"] * 1000.0 / long["served_population"]
    ok = _delivering_classes(long)
    pairs = ok.stack()
    long["delivers"] = pd.MultiIndex.from_arrays([long["service"], long["cls"]]).map(pairs).to_numpy(dtype=bool)
    missing = long[long[["density", "deprivation", "population"]].isna().any(axis=1)]
    if len(missing):
        raise DataError(f"{DEPRIVATION_FILE}: no density/deprivation for {missing['code'].iloc[0]}; "
                        "add the council's row (mySociety composite UK IMD)")
    return long.sort_values(["service", "code", "year"]).reset_index(drop=True)
