"""Finer services: RO5 2024-25 sub-service lines and a split of Central_Services.

Two derived tables (built by :mod:`sharedopt.data.build`, never by hand):

* ``derived/subservice_shares_england.csv``: for every English council and each RO5
  sub-line (waste collection, waste disposal, recycling, street cleansing,
  libraries, development control), the 2024-25 value, its parent top-level line in
  2023-24, the parent's national growth 2022-23 -> 2023-24 (assumed again for
  2023-24 -> 2024-25) and the **share** of the parent the sub-line is estimated to
  hold: ``share = sub_2024-25 / (1 + growth) / parent_2023-24``. A run carves
  ``share x parent(year)`` out of the parent, so for 2023-24 the carved value is the
  2024-25 sub-line deflated by the parent's growth. Flags say why a share is blank.
* ``derived/central_split_lancashire.csv``: the median share of net
  ``TOTAL CENTRAL SERVICES`` held by each shareable function over the 15 Lancashire
  councils' RO6 2024-25 detail, by class (district / single-tier / county).

:func:`refine_costs` swaps each parent for its parts plus a residual
(``<parent>_Other``) so each council's services still sum to its reported total.
Which parts replace which parent is config (:mod:`sharedopt.config.fine_services`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sharedopt.common.errors import DataError
from sharedopt.config.assumptions import FINE_SCOPE_DEFAULTS, FINE_SCOPE_MAP, SCOPE_DEFAULTS
from sharedopt.config.fine_services import CENTRAL_FUNCTIONS, FINE_SERVICES, parents
from sharedopt.data.paths import data_dir
from sharedopt.data.validate import DataQuality, require_file

RO5_RAW = "finance/england_ro5_subservice_2024_25.csv"
DETAIL_RAW = "finance/lancashire15_ro4_ro5_ro6_detail_2024_25.csv"
ARRANGEMENTS_RAW = "arrangements/england_existing_arrangements.csv"
SHARES_FILE = "derived/subservice_shares_england.csv"
CENTRAL_FILE = "derived/central_split_lancashire.csv"
SUB_YEAR, BASE_YEAR, PREVIOUS_YEAR = "2024-25", "2023-24", "2022-23"
CENTRAL_TOTAL = "TOTAL CENTRAL SERVICES"
CLASS_GROUP = {"SD": "district", "SC": "county", "UA": "single-tier", "MD": "single-tier", "LB": "single-tier"}
TIER_GROUP = {"district": "district", "county": "county", "unitary": "single-tier",
              "metropolitan": "single-tier", "London borough": "single-tier"}
SUB_SOURCE = ("ESTIMATED: MHCLG RO5 2024-25 sub-service line carved out of its 2023-24 parent line "
              "(share of the parent after deflating by the parent's national growth)")
CENTRAL_SOURCE = "ESTIMATED: split from 15 Lancashire councils, 2024-25 (RO6 median shares by class)"
# ---------------------------------------------------------------------------- build


def jwa_members(raw: Path) -> dict[str, str]:
    """GSS code -> name of the statutory joint waste disposal authority it belongs to."""
    table = pd.read_csv(require_file(raw / ARRANGEMENTS_RAW, "arrangements file"), dtype=str)
    statutory = table[table["service_category"].str.contains("statutory joint WDA", na=False)]
    return {code: row["arrangement"] for _, row in statutory.iterrows()
            for code in str(row["member_gss"]).split(";") if code}


def parent_growth(england: pd.DataFrame) -> dict[str, float]:
    """National growth of each parent line 2022-23 -> 2023-24 (councils positive in both years)."""
    wide = england.pivot_table(index=["authority", "service"], columns="year",
                               values="net_expenditure_gbp_k")[[PREVIOUS_YEAR, BASE_YEAR]]
    wide = wide[(wide > 0).all(axis=1)]
    sums = wide.groupby(level="service").sum()
    return {p: float(sums.loc[p, BASE_YEAR] / sums.loc[p, PREVIOUS_YEAR] - 1.0)
            for p in sorted({s["parent"] for s in FINE_SERVICES.values()})}


def _flag(row: pd.Series, service: str, spec: dict, jwa: dict[str, str]) -> str:
    if pd.isna(row["value_2024_25_gbp_k"]):
        return "no RO5 2024-25 return"
    if pd.isna(row["parent_2023_24_gbp_k"]) or row["parent_2023_24_gbp_k"] <= 0:
        return "parent line missing or not positive in 2023-24"
    if service == "Waste_Disposal" and row["authority"] in jwa:
        return f"joint waste authority member ({jwa[row['authority']]}): levy not on RO5"
    return ""


def derive_subservice_shares(raw: Path, england: pd.DataFrame) -> pd.DataFrame:
    """Per council and sub-service: 2024-25 value, 2023-24 parent, growth, share, flag."""
    ro5 = pd.read_csv(raw / RO5_RAW, dtype={"ons_code": str})
    base = england[england["year"] == BASE_YEAR].set_index(["authority", "service"])["net_expenditure_gbp_k"]
    growth, jwa = parent_growth(england), jwa_members(raw)
    rows = []
    for service, spec in FINE_SERVICES.items():
        part = pd.DataFrame({"authority": ro5["ons_code"], "class": ro5["cls"], "service": service,
                             "parent": spec["parent"], "value_2024_25_gbp_k": ro5[spec["column"]]})
        keys = list(zip(part["authority"], [spec["parent"]] * len(part)))
        part["parent_2023_24_gbp_k"] = base.reindex(keys).to_numpy()
        part["parent_growth"] = round(growth[spec["parent"]], 12)
        part["flag"] = [_flag(r, service, spec, jwa) for _, r in part.iterrows()]
        share = part["value_2024_25_gbp_k"] / (1.0 + part["parent_growth"]) / part["parent_2023_24_gbp_k"]
        part["share"] = np.where(part["flag"] == "", share.round(12), np.nan)
        rows.append(part)
    out = pd.concat(rows, ignore_index=True)
    # A parent cannot hold more than all of itself: where the deflated sub-lines' positive
    # shares exceed 1 (year change, reclassification), scale them down pro rata to fill it.
    positive = out["share"].clip(lower=0).fillna(0.0).groupby([out["authority"], out["parent"]]).transform("sum")
    out["scaled_by"] = np.where(positive > 1.0, (1.0 / positive).round(12), 1.0)
    out["share"] = np.where(out["share"] > 0, (out["share"] * out["scaled_by"]).round(12), out["share"])
    return out.sort_values(["authority", "service"]).reset_index(drop=True)


def derive_central_split(raw: Path) -> pd.DataFrame:
    """Median share of net Central_Services by function and class over the 15 Lancashire councils."""
    detail = pd.read_csv(raw / DETAIL_RAW, dtype={"ons_code": str})
    ro6 = detail[detail["form"] == "RO6"]
    net = ro6.pivot_table(index=["ons_code", "class"], columns="line",
                          values="net_current_expenditure_gbp_k", aggfunc="sum")
    total = net[CENTRAL_TOTAL]
    net = net[total > 0]  # a council whose central line is not positive has no meaningful shares
    rows = []
    for function, spec in CENTRAL_FUNCTIONS.items():
        share = net[list(spec["lines"])].fillna(0.0).sum(axis=1) / net[CENTRAL_TOTAL]
        for group, values in share.groupby(share.index.get_level_values("class").map(CLASS_GROUP)):
            # a function with net income (negative median) is not carved: never a negative part
            rows.append({"group": group, "service": function, "share": round(max(float(values.median()), 0.0), 6),
                         "n_councils": len(values), "councils": ";".join(values.index.get_level_values(0))})
    out = pd.DataFrame(rows)
    other = 1.0 - out.groupby("group")["share"].sum()
    counts = out.drop_duplicates("group").set_index("group")
    out = pd.concat([out, pd.DataFrame({"group": other.index, "service": "Central_Services_Other",
                                        "share": other.round(6).to_numpy(),
                                        "n_councils": counts.loc[other.index, "n_councils"].to_numpy(),
                                        "councils": counts.loc[other.index, "councils"].to_numpy()})])
    return out.sort_values(["group", "service"]).reset_index(drop=True)


# ---------------------------------------------------------------------------- apply


def _embedded(rel: str) -> pd.DataFrame:
    return pd.read_csv(require_file(data_dir() / rel, "derived detail table"),
                       dtype={"authority": str, "flag": str}, keep_default_na=False, na_values=[""])


def _carve(parent_rows: pd.DataFrame, shares: pd.DataFrame, parts: list[str]) -> pd.DataFrame:
    """Rows of ``parts`` for one parent: share x parent value; residual = parent - sum of parts.

    Where the parent is missing or not positive nothing is carved (a share of a
    negative line would invent negative parts): the parts are blank, the residual
    holds the whole line.
    """
    value = parent_rows.set_index("authority")["net_expenditure_gbp_k"]
    wide = shares.pivot_table(index="authority", columns="service", values="share", dropna=False)
    wide = wide.reindex(index=value.index, columns=parts[:-1])
    wide[~(value > 0)] = np.nan
    carved = wide.mul(value, axis=0)
    residual = value - carved.fillna(0.0).sum(axis=1)
    residual = residual.mask(residual.abs() <= 1e-6 * value.abs(), 0.0)  # a parent filled exactly: 0, not -1e-13
    carved[parts[-1]] = residual
    tidy = carved.reset_index().melt(id_vars="authority", var_name="service",
                                     value_name="net_expenditure_gbp_k")
    year = parent_rows["year"].iloc[0] if len(parent_rows) else BASE_YEAR
    return tidy.assign(year=year, estimated=True)


def _central_shares(authorities: pd.DataFrame) -> pd.DataFrame:
    split = _embedded(CENTRAL_FILE)
    group = authorities["tier"].map(TIER_GROUP).dropna()
    frame = pd.DataFrame({"authority": group.index.to_numpy(), "group": group.to_numpy()})
    merged = frame.merge(split[split["service"] != "Central_Services_Other"], on="group")
    return merged[["authority", "service", "share"]]


def refine_costs(costs: pd.DataFrame, authorities: pd.DataFrame, quality: DataQuality) -> pd.DataFrame:
    """Swap each parent line for its fine parts; each council's total is unchanged.

    Parameters
    ----------
    costs : pandas.DataFrame
        Tidy top-level costs of English councils (one year).
    authorities : pandas.DataFrame
        Authority table indexed by GSS code with a ``tier`` column.
    quality : DataQuality
        Receives every blank share (no return, parent not positive, joint waste
        authority member, two-tier mismatch) and the estimate labels.

    Returns
    -------
    pandas.DataFrame
        The same columns; parent rows replaced by part rows flagged ``estimated``.
    """
    table = parents()
    sub = _embedded(SHARES_FILE)
    sub["flag"] = sub["flag"].fillna("")
    central = _central_shares(authorities.loc[authorities.index.isin(costs["authority"])])
    shares = pd.concat([sub[["authority", "service", "share"]], central], ignore_index=True)
    keep = costs[~costs["service"].isin(table)]
    pieces = [keep]
    for parent, parts in table.items():
        rows = costs[costs["service"] == parent]
        pieces.append(_carve(rows, shares[shares["service"].isin(parts)], parts))
        for _, row in rows[~(rows["net_expenditure_gbp_k"] > 0)].iterrows():
            quality.add(file=SHARES_FILE, code=row["authority"], field=parent,
                        issue=f"{parent} {row['net_expenditure_gbp_k']} in {row['year']}: nothing to carve",
                        action=f"parts left blank; the whole line kept in {parent}_Other")
    year = str(costs["year"].iloc[0]) if len(costs) else BASE_YEAR
    report_flags(sub[sub["authority"].isin(costs["authority"])], authorities, quality, year)
    out = pd.concat(pieces, ignore_index=True)
    residual = out["service"].str.endswith("_Other") & (out["net_expenditure_gbp_k"] < 0)
    parent_value = costs.set_index(["authority", "service"])["net_expenditure_gbp_k"]
    for _, row in out[residual].iterrows():
        parent = row["service"][:-len("_Other")]
        if parent_value.get((row["authority"], parent), 0) > 0:
            quality.add(file=SHARES_FILE, code=row["authority"], field=row["service"],
                        issue=f"the carved sub-lines exceed the {parent} line by {-row['net_expenditure_gbp_k']:.0f}",
                        action="residual kept negative (sums preserved; not eligible for a saving)")
    return out[costs.columns].sort_values(["authority", "service"]).reset_index(drop=True)


def report_flags(sub: pd.DataFrame, authorities: pd.DataFrame, quality: DataQuality,
                 year: str = BASE_YEAR) -> None:
    """Data-quality lines for the sub-service shares of the councils in a run."""
    for _, row in sub[sub["flag"] != ""].iterrows():
        action = ("cost unknown, NOT zero: not eligible; the reported value stays in "
                  f"{row['parent']}_Other" if row["flag"].startswith("joint waste")
                  else f"sub-service left blank; the whole {row['parent']} line kept in {row['parent']}_Other")
        quality.add(file=SHARES_FILE, code=row["authority"], field=row["service"], issue=row["flag"], action=action)
    for (code, parent), part in sub[sub["scaled_by"] < 1.0].groupby(["authority", "parent"]):
        quality.add(file=SHARES_FILE, code=code, field=parent,
                    issue=f"the deflated 2024-25 sub-lines are {1 / part['scaled_by'].iloc[0]:.2f} times "
                          f"the 2023-24 {parent} line",
                    action=f"sub-lines scaled down pro rata to fill {parent}; {parent}_Other is 0 (ESTIMATE)")
    tier = authorities["tier"].reindex(sub["authority"]).to_numpy()
    for _, row in sub[(tier == "district") & (sub["service"] == "Waste_Disposal")
                      & (sub["value_2024_25_gbp_k"] > 0)].iterrows():
        quality.add(file=SHARES_FILE, code=row["authority"], field="Waste_Disposal",
                    issue=f"a district reports waste disposal {row['value_2024_25_gbp_k']:.0f} (2024-25)",
                    action="kept as data; the county is the disposal authority, so no district partnership slot")
    quality.add(file=SHARES_FILE, code="E*", field="sub-services",
                issue=f"RO5 sub-lines are {SUB_YEAR}, the top-level lines of this run {year}",
                action="ESTIMATED: 2024-25 sub-line deflated by its parent's national growth "
                       f"2022-23 -> 2023-24, carved out as that share of the {year} parent")
    quality.add(file=CENTRAL_FILE, code="E*", field="Central_Services",
                issue="no national split of Central_Services into functions",
                action=f"{CENTRAL_SOURCE}; residual in Central_Services_Other")


def refine_embedded(costs: pd.DataFrame, authorities: pd.DataFrame, quality: DataQuality) -> pd.DataFrame:
    """:func:`refine_costs` for the embedded data: English councils only (no sub-lines for Wales)."""
    welsh = sorted(c for c in costs["authority"].unique() if not str(c).startswith("E"))
    if welsh:
        raise DataError(f"[data] service_detail = \"fine\": the RO5 sub-service lines and the Central "
                        f"split exist for English councils only, not {', '.join(welsh[:3])}; "
                        "use service_detail = \"top_level\" for this region")
    return refine_costs(costs, authorities, quality)


def detail_sources(years: str) -> list[dict]:
    """The sources entries of a fine-services run (both ESTIMATED)."""
    return [
        dict(name="England sub-service spend (ESTIMATE)",
             source=f"{SUB_SOURCE}; MHCLG RO5 {SUB_YEAR} (waste collection, waste disposal, recycling, "
                    f"street cleansing, libraries, development control) brought to {years}",
             vintage=f"{SUB_YEAR} sub-lines, {years} parents", licence="OGL v3.0", estimated=True),
        dict(name="Central_Services split (ESTIMATE)",
             source=f"{CENTRAL_SOURCE}: revenues collection, corporate and democratic core, elections "
                    "and registration, land charges, rest", vintage=SUB_YEAR, licence="OGL v3.0",
             estimated=True),
    ]


def fine_scope_rows() -> list[dict]:
    """Default scope pairs between fine services, each with its source (mapped pairs name their parent pair)."""
    rows = [dict(row) for row in FINE_SCOPE_DEFAULTS]
    table = parents()
    for row in SCOPE_DEFAULTS:
        key = tuple(sorted(row["services"]))
        if not set(key) & set(table):
            continue
        for services in FINE_SCOPE_MAP.get(key) or [tuple(sorted(f"{s}_Other" if s in table else s for s in key))]:
            rows.append(dict(services=tuple(sorted(services)), scope_rate=row["scope_rate"],
                             source=f"{row['source']} (mapped from {'+'.join(key)} for fine services)"))
    return rows
