"""Build the embedded data set: copy raw public files and derive tidy tables.

Run ``python -m sharedopt.data.build --source ../shared/data`` to refresh the raw
copies from a source folder, or with no argument to re-derive the tables in
``data/derived/`` from the raw copies already in ``data/raw/``.  Every derived
file is produced here, never by hand, so the build is reproducible.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from sharedopt.data.capital import CAPITAL_FILE, derive_capital_split
from sharedopt.data.carry import carry_forward
from sharedopt.data.detail import derive_central_split, derive_subservice_shares
from sharedopt.data.paths import data_dir
from sharedopt.data.poolable import POOLABLE_FILE, derive_poolable_shares
from sharedopt.data.wales import estimate_wales_costs

RAW_FILES = [
    "boundaries/lad_dec2024_uk_buc.topojson",
    "boundaries/lad_dec2024_uk_bgc.topojson",
    "boundaries/cua_dec2024_uk_buc.topojson",
    "finance/england_revenue_outturn_net_by_service_2017_2024.json",
    "finance/england_revenue_outturn_net_by_service_2023_24.csv",
    "finance/england_ro5_subservice_2024_25.csv",
    "finance/lancashire15_ro4_ro5_ro6_detail_2024_25.csv",
    "population/ons_mid2022_population_uk.csv",
    "population/ons_lad_may2024_centroids_area.csv",
    "population/census2021_workday_population_ltla.csv",
    "register/mysociety_uk_local_authorities.csv",
    "deprivation/mysociety_composite_uk_imd_by_authority.csv",
    "arrangements/england_existing_arrangements.csv",
    "wales/statswales_net_expenditure_5_lines_mean_2002_03_to_2021_22.csv",
    "wales/statswales_population_1991_2019.csv",
    "wales/statswales_revenue_outturn_line_names.csv",
]

TIER_BY_PREFIX = {
    "E06": "unitary",
    "E07": "district",
    "E08": "metropolitan",
    "E09": "London borough",
    "E10": "county",
    "W06": "Welsh principal area",
    "S12": "Scottish council",
    "N09": "NI district",
}
NATION_BY_LETTER = {"E": "England", "W": "Wales", "S": "Scotland", "N": "Northern Ireland"}

# Outturn columns that are services (Total is a check sum, not a service).
OUTTURN_SERVICES = [
    "Education", "Highways_Transport", "Children_Social_Care", "Adult_Social_Care",
    "Public_Health", "Housing", "Culture", "Environment", "Planning", "Police",
    "Fire_Rescue", "Central_Services", "Other",
]


def copy_raw(source: Path, raw: Path) -> list[Path]:
    """Copy the raw public files (and the US county graphs) from ``source`` into ``raw``."""
    copied = []
    for rel in RAW_FILES:
        src = source / rel
        if not src.exists():
            raise FileNotFoundError(f"{src}: raw data file missing from the source folder")
        dst = raw / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        copied.append(dst)
    us = source / "us_counties"
    if us.is_dir():
        for src in sorted(us.glob("county*.json")):
            dst = raw / "us_counties" / src.name
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
            copied.append(dst)
    return copied


def derive_authorities(raw: Path) -> pd.DataFrame:
    """Attribute table of every authority: code, name, nation, region, tier, parent county, population."""
    lad = gpd.read_file(raw / "boundaries/lad_dec2024_uk_buc.topojson")
    cua = gpd.read_file(raw / "boundaries/cua_dec2024_uk_buc.topojson")
    counties = cua[cua["AREACD"].str.startswith("E10")]
    base = pd.concat([lad[["AREACD", "AREANM"]], counties[["AREACD", "AREANM"]]])
    base = base.rename(columns={"AREACD": "code", "AREANM": "name"})
    base["nation"] = base["code"].str[0].map(NATION_BY_LETTER)
    base["tier"] = base["code"].str[:3].map(TIER_BY_PREFIX)

    register = pd.read_csv(raw / "register/mysociety_uk_local_authorities.csv")
    register = register[register["current-authority"] == True]  # noqa: E712
    by_code = register.set_index("gss-code")
    code_of_la = register.set_index("local-authority-code")["gss-code"]
    base["region"] = base["code"].map(by_code["region"])
    parent_la = base["code"].map(by_code["county-la"])
    base["parent_county"] = np.where(base["tier"] == "district", parent_la.map(code_of_la), None)
    # The register's region for a shire county is unreliable (it gives Derbyshire
    # as West Midlands); a county lies in the region of its districts.
    district_region = base[base["tier"] == "district"].groupby("parent_county")["region"].agg(
        lambda s: s.mode().iloc[0]
    )
    is_county = base["tier"] == "county"
    base.loc[is_county, "region"] = base.loc[is_county, "code"].map(district_region)

    pop = pd.read_csv(raw / "population/ons_mid2022_population_uk.csv", encoding="utf-8-sig")
    base["population"] = base["code"].map(pop.set_index("Code")["Population"]).astype("Int64")
    cent = pd.read_csv(raw / "population/ons_lad_may2024_centroids_area.csv", encoding="utf-8-sig")
    cent = cent.set_index("LAD24CD")
    base["centroid_lon"] = base["code"].map(cent["LONG"])
    base["centroid_lat"] = base["code"].map(cent["LAT"])
    base["area_km2"] = (base["code"].map(cent["Shape__Area"]) / 1e6).round(3)
    return base.sort_values("code").reset_index(drop=True)


def derive_england_costs(raw: Path, current: list[str] | None = None) -> pd.DataFrame:
    """Tidy table (authority, service, year, net_expenditure_gbp_k) for all outturn years.

    Aggregate rows (codes with no serial number, such as ``E10`` "Shire Counties")
    are not authorities and are left out here; the loader reports them. For the
    ``current`` councils, a year with no return carries the latest earlier return
    forward, uprated (:func:`sharedopt.data.carry.carry_forward`): ``provenance``
    says which rows, ``estimated`` is True on them.
    """
    wide = pd.read_json(raw / "finance/england_revenue_outturn_net_by_service_2017_2024.json")
    wide = wide[wide["ONS_code"].str.len() == 9]
    ye = wide["year_ending"].astype(int)
    wide = wide.assign(year=((ye // 100) - 1).astype(str) + "-" + (ye // 100 % 100).astype(str).str.zfill(2))
    tidy = wide.melt(
        id_vars=["ONS_code", "year"], value_vars=OUTTURN_SERVICES,
        var_name="service", value_name="net_expenditure_gbp_k",
    ).rename(columns={"ONS_code": "authority"})
    tidy["estimated"] = False
    return carry_forward(tidy, list(current or []))


def write_detail_tables(raw: Path, derived: Path, england: pd.DataFrame) -> None:
    """The finer-service tables: RO5 sub-service shares, the Lancashire Central split, poolable shares, capital split."""
    shares = derive_subservice_shares(raw, england)
    shares.to_csv(derived / "subservice_shares_england.csv", index=False, lineterminator="\n")
    split = derive_central_split(raw)
    split.to_csv(derived / "central_split_lancashire.csv", index=False, lineterminator="\n")
    poolable = derive_poolable_shares(raw, shares)
    poolable.to_csv(derived.parent / POOLABLE_FILE, index=False, lineterminator="\n")
    capital = derive_capital_split(raw, shares)
    capital.to_csv(derived.parent / CAPITAL_FILE, index=False, lineterminator="\n")


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, default=None,
                        help="folder holding the public data (e.g. ../shared/data) to copy raw files from")
    args = parser.parse_args(argv)
    root = data_dir()
    raw, derived = root / "raw", root / "derived"
    if args.source is not None:
        copy_raw(args.source, raw)
    derived.mkdir(parents=True, exist_ok=True)
    authorities = derive_authorities(raw)
    authorities.to_csv(derived / "authorities.csv", index=False, lineterminator="\n")
    england = derive_england_costs(raw, list(authorities.loc[authorities["nation"] == "England", "code"]))
    england.to_csv(derived / "costs_england.csv", index=False, lineterminator="\n")
    wales = estimate_wales_costs(raw, authorities, england[england["provenance"] == "reported"])
    wales.to_csv(derived / "costs_wales_estimated.csv", index=False, lineterminator="\n", float_format="%.1f")
    write_detail_tables(raw, derived, england)
    print(f"authorities: {len(authorities)}; england cost rows: {len(england)}; wales estimated rows: {len(wales)}")


if __name__ == "__main__":
    main()
