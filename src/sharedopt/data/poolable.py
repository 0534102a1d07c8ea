"""Poolable shares: the share of each council's service spend a partnership can pool, from outturn detail.

Built by :mod:`sharedopt.data.build` into ``derived/poolable_shares.csv``, never by hand.

**Method.** For a council and a top-level service, the poolable share is the share of the
service's gross expenditure (``total_expenditure_gbp_k`` of its ``TOTAL ...`` line) held by
the lines :data:`sharedopt.config.assumptions.POOLABLE_LINES` names poolable; the model
applies it to the service's net spend. Lines of the total left blank in the detail file
count as not poolable, and a service is *measured* only when its named lines cover
:data:`~sharedopt.config.assumptions.POOLABLE_COVERAGE_MIN` of the total. The corporate and
democratic core is never poolable. Separable functions (revenues and benefits, the support
functions, elections and registration, ...) get their own share of the service, which is
what an existing arrangement of that function occupies. Where a council has no detail:

* ``partly measured``: Environment, Culture, Planning of the 317 councils of the RO5
  2024-25 sub-service file: the poolable RO5 sub-lines' share of the parent (measured,
  :func:`sharedopt.data.detail.derive_subservice_shares`) plus the rest of the parent at the
  class median of the Lancashire councils' poolable share of the rest;
* ``class-median fallback``: the median of the measured councils of the same class group
  (district / single-tier / county), labelled with how many;
* ``assumption``: no council of the class has detail (Education, social care, public
  health, highways): the service's hand-set ``asset_intensity``, applied by the valuation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from sharedopt.config.assumptions import (
    POOLABLE_COVERAGE_MIN, POOLABLE_LINES, POOLABLE_TOTALS, RO5_POOLABLE_COLUMNS, SERVICE_DEFAULTS,
    SUPPORT_FUNCTION_SPLIT,
)
from sharedopt.data.paths import data_dir
from sharedopt.data.validate import require_file

DETAIL_RAW = "finance/lancashire15_ro4_ro5_ro6_detail_2024_25.csv"
POOLABLE_FILE = "derived/poolable_shares.csv"
CLASS_GROUP = {"SD": "district", "SC": "county", "UA": "single-tier", "MD": "single-tier", "LB": "single-tier"}
TIER_GROUP = {"district": "district", "county": "county", "unitary": "single-tier",
              "metropolitan": "single-tier", "London borough": "single-tier",
              "Welsh principal area": "single-tier", "single-tier": "single-tier"}
PLURAL = {"district": "districts", "county": "county councils", "single-tier": "single-tier councils"}
MEASURED, PARTLY, FALLBACK, ASSUMPTION = "measured", "partly measured", "class-median fallback", "assumption"
SOURCE = "MHCLG RO4/RO5/RO6 2024-25, 15 Lancashire councils"
COLUMNS = ["authority", "class_group", "service", "function", "share", "basis", "basis_detail",
           "coverage", "n_councils"]
NEVER_POOLED = {"Corporate_Democratic_Core": "the corporate and democratic core is never pooled (RO6)"}
_EXPENDITURE, _EMPLOYEES, _RUNNING = "total_expenditure_gbp_k", "employees_gbp_k", "running_expenses_gbp_k"


def classified_detail(raw: Path) -> pd.DataFrame:
    """The Lancashire detail's lines with service, function and poolable flag (totals included)."""
    detail = pd.read_csv(require_file(raw / DETAIL_RAW, "outturn detail file"), dtype={"ons_code": str})
    detail["class_group"] = detail["class"].map(CLASS_GROUP)
    by_line = {line: (service, *spec) for (service, line), spec in POOLABLE_LINES.items()}
    totals = {line: service for service, (_, line) in POOLABLE_TOTALS.items()}
    detail["service"] = [by_line[l][0] if l in by_line else totals.get(l, "") for l in detail["line"]]
    detail["function"] = [by_line[l][1] if l in by_line else "" for l in detail["line"]]
    detail["poolable"] = [bool(by_line[l][2]) if l in by_line else False for l in detail["line"]]
    detail["is_total"] = detail["line"].isin(totals)
    return detail[detail["service"] != ""].fillna({_EXPENDITURE: 0.0, _EMPLOYEES: 0.0, _RUNNING: 0.0})


def measured_shares(detail: pd.DataFrame) -> pd.DataFrame:
    """Per Lancashire council and service: total, coverage, poolable share."""
    keys = ["ons_code", "class_group", "service"]
    total = detail[detail["is_total"]].set_index(keys)[_EXPENDITURE]
    lines = detail[~detail["is_total"]]
    named = lines.groupby(keys)[_EXPENDITURE].sum()
    pooled = lines[lines["poolable"]].groupby(keys)[_EXPENDITURE].sum()
    out = pd.DataFrame({"total": total, "coverage": named.reindex(total.index) / total,
                        "pooled": pooled.reindex(total.index).fillna(0.0)})
    out["share"] = (out["pooled"] / total.where(total > 0)).clip(0.0, 1.0)
    out["measured"] = (total > 0) & (out["coverage"] >= POOLABLE_COVERAGE_MIN["value"])
    return out.reset_index().rename(columns={"ons_code": "authority"})


def rest_shares(detail: pd.DataFrame) -> pd.DataFrame:
    """Poolable share of each service's expenditure outside the RO5 sub-lines (Lancashire, measured only)."""
    sub_lines = {line for _, line in RO5_POOLABLE_COLUMNS.values()}
    out = measured_shares(detail)
    sub = detail[detail["line"].isin(sub_lines)].groupby(["ons_code", "service"])[_EXPENDITURE].sum()
    known = sub.reindex(list(zip(out["authority"], out["service"]))).fillna(0.0).to_numpy()
    rest_total = out["total"] - known
    out["share"] = ((out["pooled"] - known) / rest_total.where(rest_total > 0)).clip(0.0, 1.0)
    return out[out["measured"] & out["share"].notna() & out["service"].isin({s for s, _ in RO5_POOLABLE_COLUMNS.values()})]


def function_shares(detail: pd.DataFrame) -> pd.DataFrame:
    """Per Lancashire council: each separable function's share of its service (support split equally)."""
    keys = ["ons_code", "class_group", "service"]
    total = detail[detail["is_total"]].set_index(keys)[_EXPENDITURE]
    parts = detail[(detail["function"] != "") & ~detail["is_total"]]
    by = parts.groupby(keys + ["function"])[_EXPENDITURE].sum().reset_index()
    by["share"] = (by[_EXPENDITURE] / total.reindex(list(zip(*(by[k] for k in keys)))).to_numpy()).clip(0.0, 1.0)
    by = by[by["share"].notna()]
    support = by[by["function"] == "support"]
    split = [support.assign(function=f, share=support["share"] * w) for f, w in SUPPORT_FUNCTION_SPLIT["value"].items()]
    out = pd.concat([by[by["function"] != "support"], *split], ignore_index=True)
    return out.rename(columns={"ons_code": "authority"})[["authority", "class_group", "service", "function", "share"]]


def _median_rows(measured: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    grouped = measured.groupby(["class_group", *keys])
    return pd.DataFrame({"share": grouped["share"].median(), "n_councils": grouped["share"].size()}).reset_index()


def _median_label(n: int, group: str) -> str:
    return f"median of {n} Lancashire {PLURAL[group] if n != 1 else group + ' council'} ({SOURCE})"


def _sub_share(sub: pd.DataFrame) -> pd.DataFrame:
    """Per council and parent: the poolable RO5 sub-lines' share of the parent (blank if any line is flagged)."""
    wanted = {service for service, _ in RO5_POOLABLE_COLUMNS.values()}
    sub = sub[sub["parent"].isin(wanted)].copy()
    sub["flagged"] = sub["flag"].fillna("").astype(str).str.len() > 0
    grouped = sub.groupby(["authority", "class", "parent"])
    out = pd.DataFrame({"sub": grouped["share"].apply(lambda s: s.clip(lower=0).sum()).clip(upper=1.0),
                        "flagged": grouped["flagged"].any() | grouped["share"].apply(lambda s: s.isna().any())})
    return out.reset_index().rename(columns={"parent": "service"})


def _partly_rows(sub: pd.DataFrame, rest: pd.DataFrame) -> pd.DataFrame:
    """RO5 sub-lines measured, the rest at the class median of the Lancashire rest (else the assumption)."""
    rows = _sub_share(sub)
    rows = rows[~rows["flagged"]].assign(class_group=lambda f: f["class"].map(CLASS_GROUP))
    med = _median_rows(rest, ["service"]).set_index(["class_group", "service"])
    keys = list(zip(rows["class_group"], rows["service"]))
    rest_share = med["share"].reindex(keys).to_numpy()
    n = med["n_councils"].reindex(keys).to_numpy()
    constant = {r["service"]: r["asset_intensity"] for r in SERVICE_DEFAULTS}
    fallback = rows["service"].map(constant).to_numpy()
    rows["share"] = rows["sub"] + (1.0 - rows["sub"]) * np.where(np.isnan(rest_share), fallback, rest_share)
    rows["basis_detail"] = [
        f"RO5 2024-25 sub-lines measured ({s:.3f} of the line); rest at "
        + (_median_label(int(k), g) if k == k else f"the {svc} assumption {c:.2f}")
        for s, k, g, svc, c in zip(rows["sub"], n, rows["class_group"], rows["service"], fallback)]
    # no sub-line spend and no measured rest: nothing is measured, the share is the assumption
    basis = np.where((rows["sub"].to_numpy() > 0) | ~np.isnan(rest_share), PARTLY, ASSUMPTION)
    return rows.assign(function="", basis=basis, coverage=np.nan, n_councils=1)


def derive_poolable_shares(raw: Path, sub: pd.DataFrame) -> pd.DataFrame:
    """The poolable-shares table: every English council of the RO5 file (and Lancashire) x service/function.

    Parameters
    ----------
    raw : Path
        The ``data/raw`` folder.
    sub : pandas.DataFrame
        The RO5 sub-service shares (:func:`sharedopt.data.detail.derive_subservice_shares`).

    Returns
    -------
    pandas.DataFrame
        :data:`COLUMNS`; ``function`` "" is the service's whole poolable share.
    """
    detail = classified_detail(raw)
    measured = measured_shares(detail)
    done = measured[measured["measured"]].assign(
        function="", basis=MEASURED, n_councils=1,
        basis_detail=lambda f: [f"{SOURCE}: named lines cover {c:.0%} of the total" for c in f["coverage"]])
    partly = _partly_rows(sub, rest_shares(detail))
    functions = function_shares(detail).assign(basis=MEASURED, basis_detail=SOURCE, coverage=np.nan, n_councils=1)
    councils = sub[["authority", "class"]].drop_duplicates().assign(class_group=lambda f: f["class"].map(CLASS_GROUP))
    pieces = [done, functions]
    have = set(zip(done["authority"], done["service"]))
    partly = partly[np.array([k not in have for k in zip(partly["authority"], partly["service"])], dtype=bool)]
    pieces.append(partly[partly["basis"] == PARTLY])
    pieces.append(_fallback_rows(councils, done, ["service"], pieces))
    pieces.append(_fallback_rows(councils, functions, ["service", "function"], pieces))
    out = pd.concat([p.reindex(columns=COLUMNS) for p in pieces], ignore_index=True)
    out["function"] = out["function"].fillna("")
    for col in ("share", "coverage"):
        out[col] = out[col].astype(float).round(6)
    return out.sort_values(["authority", "service", "function"]).reset_index(drop=True)


def _fallback_rows(councils: pd.DataFrame, measured: pd.DataFrame, keys: list[str],
                   pieces: list[pd.DataFrame]) -> pd.DataFrame:
    """Class-median rows for every council of ``councils`` without a row for ``keys`` yet."""
    med = _median_rows(measured, keys)
    rows = councils.merge(med, on="class_group")
    if "function" not in rows:
        rows["function"] = ""
    have = pd.concat([p[["authority", "service", "function"]] for p in pieces if len(p)]).fillna("")
    have = set(map(tuple, have.to_numpy()))
    rows = rows[np.array([k not in have for k in zip(rows["authority"], rows["service"], rows["function"])], dtype=bool)]
    return rows.assign(basis=FALLBACK, coverage=np.nan, basis_detail=[
        _median_label(int(n), g) for n, g in zip(rows["n_councils"], rows["class_group"])])


# ---------------------------------------------------------------------------- load


@dataclass(frozen=True)
class PoolableShares:
    """Poolable share per council x service, its basis, and the separable functions' shares.

    Attributes
    ----------
    share : pandas.DataFrame
        Councils x services; NaN where no data (the valuation uses the service's ``asset_intensity``).
    basis, detail : pandas.DataFrame
        Councils x services: ``measured`` / ``partly measured`` / ``class-median fallback`` /
        ``assumption``, and what the figure rests on.
    functions : pandas.DataFrame
        ``authority, service, function, share, basis``: each separable function's share of the service.
    """

    share: pd.DataFrame
    basis: pd.DataFrame
    detail: pd.DataFrame
    functions: pd.DataFrame


@lru_cache(maxsize=2)
def _table(path: str) -> pd.DataFrame:
    return pd.read_csv(require_file(Path(path), "poolable shares table"), dtype={"authority": str, "function": str},
                       keep_default_na=False, na_values=[""]).fillna({"function": ""})


def poolable_table() -> pd.DataFrame:
    """The embedded ``derived/poolable_shares.csv``."""
    return _table(str(data_dir() / POOLABLE_FILE)).copy()


def _class_rows(table: pd.DataFrame, codes: list[str], groups: list[str | None]) -> pd.DataFrame:
    """Class-median rows (of the measured councils) for councils the table does not hold."""
    measured = table[table["basis"] == MEASURED]
    med = _median_rows(measured, ["service", "function"])
    frame = pd.DataFrame({"authority": codes, "class_group": groups}).dropna()
    rows = frame.merge(med, on="class_group")
    return rows.assign(basis=FALLBACK, basis_detail=[
        _median_label(int(n), g) for n, g in zip(rows["n_councils"], rows["class_group"])])


def load_poolable(codes, tiers, services) -> PoolableShares:
    """The poolable shares of ``codes`` (tiers as in the authorities table) for ``services``.

    A council the table does not hold (a Welsh council, a user region) takes the median of the
    measured councils of its class group, labelled; a service with no data is ``assumption``.
    """
    codes, services = [str(c) for c in codes], list(services)
    table = poolable_table()
    known = set(table["authority"])
    groups = [TIER_GROUP.get(str(t)) for t in tiers]
    extra = _class_rows(table, [c for c in codes if c not in known],
                        [g for c, g in zip(codes, groups) if c not in known])
    rows = pd.concat([table[table["authority"].isin(codes)], extra], ignore_index=True)
    whole = rows[rows["function"] == ""].drop_duplicates(["authority", "service"])
    pick = lambda col: whole.pivot(index="authority", columns="service", values=col).reindex(  # noqa: E731
        index=codes, columns=services)
    share, basis, detail = pick("share").astype(float), pick("basis"), pick("basis_detail")
    for service, why in NEVER_POOLED.items():
        if service in services:
            share[service], basis[service], detail[service] = 0.0, MEASURED, why
    basis = basis.where(share.notna(), ASSUMPTION)
    detail = detail.where(share.notna(), "no council of the class has outturn detail: hand-set asset_intensity")
    functions = rows[rows["function"] != ""][["authority", "service", "function", "share", "basis"]]
    return PoolableShares(share, basis, detail, functions.reset_index(drop=True))


def report_poolable(authorities: pd.DataFrame, costs: pd.DataFrame, services: dict, quality) -> None:
    """One data-quality line per eligible service: how many councils' poolable shares rest on each basis.

    ``services`` maps a service name to its parameters (``eligible``, ``poolable_share``,
    ``asset_intensity``); only councils with positive spend on the service count.
    """
    spend = costs[costs["net_expenditure_gbp_k"] > 0]
    names = [s for s in sorted(spend["service"].unique()) if s in services and services[s].eligible]
    if not names:
        return
    codes = sorted(set(spend["authority"]) & set(authorities.index))
    tiers = authorities["tier"].reindex(codes) if "tier" in authorities else [None] * len(codes)
    pool = load_poolable(codes, tiers, names)
    for service in names:
        cells = sorted(set(spend.loc[spend["service"] == service, "authority"]) & set(codes))
        if services[service].poolable_share != "data":
            quality.add(file=POOLABLE_FILE, code="*", field=service,
                        issue=f"poolable share set in the config (asset_intensity {services[service].asset_intensity})",
                        action=f"the config's value used for all {len(cells)} councils instead of the data")
            continue
        counts = pool.basis.loc[cells, service].value_counts()
        fallback = int(counts.get(FALLBACK, 0) + counts.get(ASSUMPTION, 0))
        text = ", ".join(f"{int(counts.get(b, 0))} {b}" for b in (MEASURED, PARTLY, FALLBACK, ASSUMPTION))
        quality.add(file=POOLABLE_FILE, code="*", field=service,
                    issue=f"poolable share of {len(cells)} councils: {text}",
                    action=f"{fallback / max(len(cells), 1):.0%} on a fallback (class median or the hand-set "
                           f"asset_intensity {services[service].asset_intensity}), labelled as such")


def poolable_summary() -> pd.DataFrame:
    """Per service: the measured poolable share's range across councils and the basis counts (``list services``)."""
    table = poolable_table()
    whole = table[table["function"] == ""]
    rows = []
    for service, part in whole.groupby("service"):
        measured = part[part["basis"] == MEASURED]["share"]
        counts = part["basis"].value_counts()
        rows.append({"service": service,
                     "measured_range": f"{measured.min():.2f}-{measured.max():.2f} ({len(measured)})"
                     if len(measured) else "-",
                     "basis": "; ".join(f"{int(counts[b])} {b}" for b in (MEASURED, PARTLY, FALLBACK) if b in counts)
                     + f" ({SOURCE}; RO5 2024-25 sub-lines)"})
    rows += [{"service": service, "measured_range": "0.00 (every council)", "basis": why}
             for service, why in NEVER_POOLED.items()]
    return pd.DataFrame(rows).set_index("service")
