"""Service costs by authority: MHCLG outturn (England), an estimate (Wales), or a user CSV."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sharedopt.config.assumptions import NON_COUNCIL_SERVICES
from sharedopt.data.authorities import authority_table, resolve_region
from sharedopt.data.detail import refine_embedded
from sharedopt.data.outturn import ENGLAND_FILE, WALES_FILE, embedded_table
from sharedopt.data.paths import data_dir
from sharedopt.data.plausibility import check_plausible
from sharedopt.data.services import service_names
from sharedopt.data.wales import NOT_WELSH_COUNCIL
from sharedopt.data.validate import (
    COST_COLUMNS, FILE_ROW, DataQuality, check_boolean, check_code_sets, check_codes, check_complete,
    check_known_services, check_numeric, check_unique, read_csv_checked, require_columns, require_file,
)
from sharedopt.common.errors import DataError
from sharedopt.common.suggest import did_you_mean

ENGLAND_RAW = "raw/finance/england_revenue_outturn_net_by_service_2023_24.csv"
DEFAULT_YEAR = "2023-24"


def normalise_year(year: str | int | None) -> str:
    """Financial year as ``"2023-24"`` from ``"2023-24"``, ``2023`` (start year) or None."""
    if year is None:
        return DEFAULT_YEAR
    text = str(year)
    if text.isdigit() and len(text) == 4:
        start = int(text)
        return f"{start}-{(start + 1) % 100:02d}"
    return text


def _aggregate_rows(quality: DataQuality) -> None:
    raw = pd.read_csv(require_file(data_dir() / ENGLAND_RAW, "outturn file"), dtype=str)
    for i, row in raw[raw["ONS_code"].str.len() != 9].iterrows():
        quality.add(file=ENGLAND_RAW, row=int(i) + 2, code=row["ONS_code"], field="ONS_code",
                    issue=f"aggregate row '{row['LA_name']}' (a class total, not an authority)",
                    action="excluded")


def _embedded_costs(codes: list[str], year: str, quality: DataQuality) -> pd.DataFrame:
    table = authority_table()
    nations = table.loc[codes, "nation"]
    parts = []
    if (nations == "England").any():
        england = embedded_table(ENGLAND_FILE)
        years = sorted(england["year"].unique())
        if year not in years:
            raise DataError(f"{ENGLAND_FILE}: no outturn for year '{year}'; choose one of "
                            f"{', '.join(years)} ([data] year)", setting=("data", "year"))
        parts.append(england[(england["year"] == year) & england["authority"].isin(codes)])
        _aggregate_rows(quality)
    if (nations == "Wales").any():
        wales = embedded_table(WALES_FILE)
        years = sorted(wales["year"].unique())
        if year not in years:
            raise DataError(f"{WALES_FILE}: the Welsh cost estimate exists for {', '.join(years)}; "
                            "set [data] year to one of them or supply a StatsWales costs CSV ([data] costs_csv)",
                            setting=("data", "year"))
        wales = wales[(wales["year"] == year) & wales["authority"].isin(codes)]
        parts.append(wales.assign(provenance="estimated (" + wales["method"] + ")").drop(columns="method"))
        quality.add(file=WALES_FILE, code="W06*", field="net_expenditure_gbp_k",
                    issue="no per-service outturn for Welsh councils in the embedded data",
                    action=f"ESTIMATED from StatsWales relative need and English unitary spend per head in "
                           f"{year} (uprated by the growth of the same English lines)")
        for service, reason in NOT_WELSH_COUNCIL.items():
            quality.add(file=WALES_FILE, code="W06*", field=service, issue=reason,
                        action="line set to 0 for Welsh councils (not a council service in Wales)")
    missing = sorted(set(nations.index[~nations.isin(["England", "Wales"])]))
    if missing:
        raise DataError(f"costs: no embedded spending data for {', '.join(missing[:5])} "
                        f"({nations[missing[0]]}); supply a costs CSV ([data] costs_csv) in the "
                        "tidy format authority,service,year,net_expenditure_gbp_k")
    return pd.concat(parts, ignore_index=True)


def read_cost_csv(path: str | Path, year: str | None = None,
                  check_authority_codes=check_codes) -> pd.DataFrame:
    """Read and validate a user's tidy cost CSV.

    Columns: ``authority`` (GSS code), ``service`` (catalogue name), ``year``
    (e.g. ``2023-24``), ``net_expenditure_gbp_k`` (£ thousand); an optional
    ``estimated`` column (true/false) marks estimated rows. ``check_authority_codes``
    validates the code column (GSS codes by default). The table is indexed by ``row``,
    each row's line in the file (the header is row 1), so later checks can name it.
    """
    path = require_file(Path(path), "costs CSV")
    file = str(path)
    df = read_csv_checked(path, "costs CSV", dtype={"authority": str, "service": str, "year": str})
    require_columns(df, COST_COLUMNS, file)
    _refuse_misspelled_columns(df.columns, file)
    if df.empty:
        raise DataError(f"{file}: the costs CSV has no rows")
    check_authority_codes(df["authority"], file)
    check_known_services(df["service"], service_names(include_non_council=True), file)
    df["net_expenditure_gbp_k"] = check_numeric(df, "net_expenditure_gbp_k", file)
    check_unique(df, ["authority", "service", "year"], file)
    df["estimated"] = check_boolean(df, "estimated", file) if "estimated" in df.columns else False
    if year is not None:
        df = df[df["year"] == normalise_year(year)]
        if df.empty:
            raise DataError(f"{file}: no rows for year '{normalise_year(year)}'; check [data] year")
    df["provenance"] = np.where(df["estimated"], "estimated (user file)", "user file")
    out = df[COST_COLUMNS + ["estimated", "provenance"]]
    return out.set_axis(pd.Index(out.index + 2, name=FILE_ROW))


def _refuse_misspelled_columns(columns, file: str) -> None:
    """A column one typo away from a known one (``estimatd``) is refused: ignored, it would change the outputs."""
    known = [*COST_COLUMNS, "estimated"]
    for column in map(str, columns):
        hint = did_you_mean(column, known) if column not in known else ""
        if hint:
            raise DataError(f"{file}: line 1: column '{column}' is not a costs CSV column{hint} (columns read: "
                            f"{', '.join(known)}; other columns are ignored); rename it")


def load_costs(region: str | list[str], year: str | int | None = None, *,
               costs_csv: str | Path | None = None, include_non_council: bool = False,
               quality: DataQuality | None = None, authorities: pd.DataFrame | None = None,
               service_detail: str = "top_level") -> pd.DataFrame:
    """Net current expenditure by authority and service, as a tidy table.

    Parameters
    ----------
    region : str or list of str
        As for :func:`load_authorities`.
    year : str or int, optional
        Financial year (``"2023-24"``, the default, or its start year ``2023``).
    costs_csv : path, optional
        A user CSV in the tidy format, used instead of the embedded data.
    include_non_council : bool
        Keep police and fire (not council services; excluded by default, and listed
        in the data-quality report).
    quality : DataQuality, optional
        Receives the rows excluded or flagged.
    authorities : pandas.DataFrame, optional
        The authorities to cover, when they come from a user boundary file (their
        codes need not be in the embedded register); ``region`` is then ignored.
    service_detail : {"top_level", "fine"}
        ``"fine"`` swaps Environment, Culture, Planning and Central_Services of the
        embedded English data for their parts (:mod:`sharedopt.data.detail`, ESTIMATED).

    Returns
    -------
    pandas.DataFrame
        ``authority, service, year, net_expenditure_gbp_k, estimated, eligible``;
        ``eligible`` is False where spend is zero or negative (kept as data, never a saving).
    """
    quality = quality if quality is not None else DataQuality()
    codes = sorted(authorities.index) if authorities is not None else resolve_region(region)
    year = normalise_year(year)
    if costs_csv is not None:
        costs = read_cost_csv(costs_csv, year)
        file = str(costs_csv)
        outside = costs["authority"].isin(authority_table().index) & ~costs["authority"].isin(codes)
        for code in sorted(costs.loc[outside, "authority"].unique()):
            quality.add(file=file, code=code, field="authority", issue="authority outside the selected region",
                        action="rows ignored for this run")
        costs = costs[~outside]
        check_complete(costs, file)
    elif authorities is not None and not set(codes) <= set(authority_table().index):
        unknown = sorted(set(codes) - set(authority_table().index))
        raise DataError(f"costs: authorities {', '.join(unknown[:5])} from the boundary file have no "
                        "embedded spending data; supply their costs with [data] costs_csv")
    else:
        costs = _embedded_costs(codes, year, quality)
        file = ENGLAND_FILE
        if service_detail == "fine":
            costs = refine_embedded(costs, authority_table(), quality)
    check_code_sets(set(costs["authority"]), set(codes), file, quality, strict=costs_csv is not None)
    population = (authorities if authorities is not None else authority_table().loc[codes])["population"]
    return finish_costs(costs, file, include_non_council, quality, population=population)


def finish_costs(costs: pd.DataFrame, file: str, include_non_council: bool,
                 quality: DataQuality, population: pd.Series | None = None) -> pd.DataFrame:
    """Drop non-council services (recorded), flag ineligible, carried-forward and implausible rows, sort.

    ``population`` (residents by code) switches on the plausibility check of spend
    per head (:mod:`sharedopt.data.plausibility`).
    """
    if not include_non_council:
        dropped = costs[costs["service"].isin(NON_COUNCIL_SERVICES)]
        spent = dropped[dropped["net_expenditure_gbp_k"].fillna(0) != 0]
        for _, row in spent.iterrows():
            quality.add(file=file, code=row["authority"], field=row["service"],
                        issue=f"non-council service with spend {row['net_expenditure_gbp_k']:.0f}",
                        action="excluded (police and fire are not council services)")
        costs = costs[~costs["service"].isin(NON_COUNCIL_SERVICES)]
    costs = costs.copy()
    if "provenance" not in costs.columns:
        costs["provenance"] = np.where(costs["estimated"], "estimated", "reported")
    if population is not None:
        check_plausible(costs, population, file, quality)
    costs["eligible"] = costs["net_expenditure_gbp_k"] > 0
    report_carried_forward(costs, file, quality)
    for _, row in costs[costs["net_expenditure_gbp_k"].isna()].iterrows():
        quality.add(file=file, code=row["authority"], field=row["service"],
                    issue=f"net spend missing (no outturn return for {row['year']} or any earlier year)",
                    action="kept as data; not eligible for a saving")
    negative = costs[costs["net_expenditure_gbp_k"] < 0]
    for _, row in negative.iterrows():
        quality.add(file=file, code=row["authority"], field=row["service"],
                    issue=f"negative net spend {row['net_expenditure_gbp_k']:.0f} (income above spend)",
                    action="kept as data; not eligible for a saving")
    cols = ["authority", "service", "year", "net_expenditure_gbp_k", "estimated", "eligible", "provenance"]
    return costs[cols].sort_values(["authority", "service"]).reset_index(drop=True)


def report_carried_forward(costs: pd.DataFrame, file: str, quality: DataQuality) -> None:
    """One data-quality line per council whose spend is carried forward from an earlier return."""
    carried = costs[costs["provenance"].astype(str).str.startswith("carried forward")]
    for (code, label), rows in carried.groupby(["authority", "provenance"], sort=True):
        year = rows["year"].iloc[0]
        quality.add(file=file, code=code, field="net_expenditure_gbp_k",
                    issue=f"no {year} outturn return; spend {label}, each service uprated by its growth "
                          "across councils of the same class that reported both years",
                    action=f"used as an ESTIMATE ({label}); candidates including it are marked estimated")
