"""Physical and human capital: which part of each council's poolable spend is tied to plant or to staff.

Built by :mod:`sharedopt.data.build` into ``derived/capital_split.csv``, never by hand.

**Method.** For a council and a service, the human-capital share is the employee expenses of
the service's poolable lines (:data:`sharedopt.config.assumptions.POOLABLE_LINES`) over their
employee plus running expenses; the physical-capital share is the rest (running expenses:
premises, transport, supplies and services, third-party payments such as waste, highways and
leisure contracts). Highways_Transport has only its RO2 total line in the detail file, so its
split is the total line's. Capital charges are outside revenue outturn, so the physical part
of council-owned plant is understated. Where a council has no detail:

* ``class-median fallback``: the median of the Lancashire councils of the same class group
  with detail for the service, labelled with how many;
* ``assumption``: no council of the class has detail (education, social care, public health):
  :data:`~sharedopt.config.assumptions.HUMAN_CAPITAL_FALLBACK`, applied by the valuation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from sharedopt.config.assumptions import CAPITAL_COVERAGE_MIN, HUMAN_CAPITAL_FALLBACK
from sharedopt.config.fine_services import parents
from sharedopt.data.paths import data_dir
from sharedopt.data.poolable import (
    ASSUMPTION, CLASS_GROUP, DETAIL_RAW, FALLBACK, MEASURED, PLURAL, SOURCE, TIER_GROUP, classified_detail,
)
from sharedopt.data.validate import require_file

CAPITAL_FILE = "derived/capital_split.csv"
HIGHWAYS = ("Highways_Transport", "TOTAL HIGHWAYS AND TRANSPORT SERVICES")
COLUMNS = ["authority", "class_group", "service", "human_capital_share", "physical_capital_share",
           "employees_gbp_k", "running_expenses_gbp_k", "basis", "basis_detail", "n_councils"]
_EMPLOYEES, _RUNNING = "employees_gbp_k", "running_expenses_gbp_k"


def _highways_lines(raw: Path) -> pd.DataFrame:
    """The RO2 total line of each Lancashire council, as a poolable line of Highways_Transport."""
    detail = pd.read_csv(require_file(raw / DETAIL_RAW, "outturn detail file"), dtype={"ons_code": str})
    lines = detail[detail["line"] == HIGHWAYS[1]].copy()
    lines["class_group"] = lines["class"].map(CLASS_GROUP)
    return lines.assign(service=HIGHWAYS[0], poolable=True, is_total=False).fillna({_EMPLOYEES: 0.0, _RUNNING: 0.0})


def measured_split(raw: Path) -> pd.DataFrame:
    """Per Lancashire council and service: employee and running expenses of the poolable lines, their split.

    Only council-services whose poolable lines' employee plus running expenses are positive and
    hold :data:`~sharedopt.config.assumptions.CAPITAL_COVERAGE_MIN` of the service's total expenditure.
    """
    detail = pd.concat([classified_detail(raw), _highways_lines(raw)], ignore_index=True)
    lines = detail[detail["poolable"] & ~detail["is_total"]]
    keys = ["ons_code", "class_group", "service"]
    sums = lines.groupby(keys)[[_EMPLOYEES, _RUNNING]].sum()
    both = sums[_EMPLOYEES] + sums[_RUNNING]
    total = detail[detail["is_total"]].groupby(keys)["total_expenditure_gbp_k"].sum().reindex(sums.index)
    total = total.fillna(both)  # Highways: the total line is the line
    sums = sums[(both > 0) & (both >= CAPITAL_COVERAGE_MIN["value"] * total)].copy()
    sums["human_capital_share"] = sums[_EMPLOYEES] / (sums[_EMPLOYEES] + sums[_RUNNING])
    sums["physical_capital_share"] = 1.0 - sums["human_capital_share"]
    counts = lines.groupby(keys)["line"].size().reindex(sums.index)
    out = sums.reset_index().rename(columns={"ons_code": "authority"})
    return out.assign(basis=MEASURED, n_councils=1, basis_detail=[
        f"{SOURCE}: employees / (employees + running expenses) of {n} "
        + ("line (RO2 total)" if s == HIGHWAYS[0] else "poolable lines")
        for n, s in zip(counts.to_numpy(), out["service"])])


def _median_label(n: int, group: str) -> str:
    return f"median of {n} Lancashire {PLURAL[group] if n != 1 else group + ' council'} ({SOURCE})"


def class_medians(measured: pd.DataFrame) -> pd.DataFrame:
    """Per class group and service: the median human-capital share of the measured councils and their count."""
    grouped = measured.groupby(["class_group", "service"])["human_capital_share"]
    return pd.DataFrame({"human_capital_share": grouped.median(), "n_councils": grouped.size()}).reset_index()


def _fallback_rows(councils: pd.DataFrame, measured: pd.DataFrame) -> pd.DataFrame:
    """Class-median rows for every council of ``councils`` (authority, class_group) not measured."""
    rows = councils.merge(class_medians(measured), on="class_group")
    have = set(zip(measured["authority"], measured["service"]))
    rows = rows[np.array([k not in have for k in zip(rows["authority"], rows["service"])], dtype=bool)]
    return rows.assign(physical_capital_share=1.0 - rows["human_capital_share"], basis=FALLBACK,
                       basis_detail=[_median_label(int(n), g) for n, g in zip(rows["n_councils"], rows["class_group"])])


def derive_capital_split(raw: Path, councils: pd.DataFrame) -> pd.DataFrame:
    """The capital-split table: Lancashire councils measured, every other council of ``councils`` at its class median.

    Parameters
    ----------
    raw : Path
        The ``data/raw`` folder.
    councils : pandas.DataFrame
        ``authority, class`` (MHCLG class: SD, SC, UA, MD, LB) of the councils to cover.

    Returns
    -------
    pandas.DataFrame
        :data:`COLUMNS`, sorted by authority and service.
    """
    measured = measured_split(raw)
    others = councils[["authority", "class"]].drop_duplicates().assign(
        class_group=lambda f: f["class"].map(CLASS_GROUP))[["authority", "class_group"]]
    out = pd.concat([measured, _fallback_rows(others, measured)], ignore_index=True).reindex(columns=COLUMNS)
    for col in ("human_capital_share", "physical_capital_share", _EMPLOYEES, _RUNNING):
        out[col] = out[col].astype(float).round(6)
    return out.sort_values(["authority", "service"]).reset_index(drop=True)


# ---------------------------------------------------------------------------- load


@dataclass(frozen=True)
class CapitalSplit:
    """Human-capital share of each council's poolable spend per service, and what it rests on.

    Attributes
    ----------
    human : pandas.DataFrame
        Councils x services; NaN where no council of the class has detail (the valuation uses
        the service's ``human_capital_share`` or :data:`~sharedopt.config.assumptions.HUMAN_CAPITAL_FALLBACK`).
    basis, detail : pandas.DataFrame
        Councils x services: ``measured`` / ``class-median fallback`` / ``assumption``, and the source.
    """

    human: pd.DataFrame
    basis: pd.DataFrame
    detail: pd.DataFrame


@lru_cache(maxsize=2)
def _table(path: str) -> pd.DataFrame:
    return pd.read_csv(require_file(Path(path), "capital split table"), dtype={"authority": str})


def capital_table() -> pd.DataFrame:
    """The embedded ``derived/capital_split.csv``."""
    return _table(str(data_dir() / CAPITAL_FILE)).copy()


def _as_part(table: pd.DataFrame, line: str, part: str) -> pd.DataFrame:
    """The rows of ``line`` relabelled as its fine part ``part`` (the detail has no split of the part alone)."""
    rows = table[table["service"] == line]
    return rows.assign(service=part, basis_detail="the split of its line " + line + ": " + rows["basis_detail"])


def load_capital(codes, tiers, services) -> CapitalSplit:
    """The capital split of ``codes`` (tiers as in the authorities table) for ``services``.

    A council the table does not hold (a Welsh council, a user region) takes the median of the
    measured councils of its class group, labelled; a fine part of a line (``Waste_Collection``,
    ``Revenues_Benefits``, ``Environment_Other``) takes its line's split, labelled; a service with
    no data is ``assumption``.
    """
    codes, services = [str(c) for c in codes], list(services)
    parent = {part: line for line, parts in parents().items() for part in parts}
    table = capital_table()
    table = pd.concat([table] + [_as_part(table, parent[s], s) for s in services if s in parent], ignore_index=True)
    known = set(table["authority"])
    extra = pd.DataFrame({"authority": codes, "class_group": [TIER_GROUP.get(str(t)) for t in tiers]})
    extra = extra[~extra["authority"].isin(known)].dropna()
    measured = table[table["basis"] == MEASURED]
    rows = pd.concat([table[table["authority"].isin(codes)], _fallback_rows(extra, measured)], ignore_index=True)
    pick = lambda col: rows.pivot(index="authority", columns="service", values=col).reindex(  # noqa: E731
        index=codes, columns=services)
    human, basis, detail = pick("human_capital_share").astype(float), pick("basis"), pick("basis_detail")
    basis = basis.where(human.notna(), ASSUMPTION)
    detail = detail.where(human.notna(), f"no council of the class has detail: the assumption "
                                         f"{HUMAN_CAPITAL_FALLBACK['value']:.2f} (HUMAN_CAPITAL_FALLBACK)")
    return CapitalSplit(human, basis, detail)


def capital_summary(codes=None, tiers=None, services=None) -> pd.DataFrame:
    """Per service: the physical / human split's range across councils and what it rests on.

    ``codes`` (with ``tiers``, as in the authorities table) and ``services`` default to every
    council and service of the table (``sharedopt list services``); a run passes its own, and a
    service no council of its class has detail for shows the assumption.
    """
    if codes is None:
        table = capital_table()
        services = sorted(table["service"].unique()) if services is None else list(services)
        codes, tiers = list(table["authority"].unique()), [None] * table["authority"].nunique()
    split = load_capital(codes, tiers, services)
    fallback = float(HUMAN_CAPITAL_FALLBACK["value"])
    rows = []
    for service in split.human.columns:
        human = split.human[service].fillna(fallback)
        counts = split.basis[service].value_counts()
        rows.append({"service": service, "physical_range": _range(1.0 - human), "human_range": _range(human),
                     "basis": "; ".join(f"{int(counts[b])} {b}" for b in (MEASURED, FALLBACK, ASSUMPTION) if b in counts)
                     + (f" ({SOURCE}: employees vs running expenses)"
                        if counts.get(ASSUMPTION, 0) < len(human) else
                        f" (HUMAN_CAPITAL_FALLBACK {fallback:.2f}: no detail)")})
    return pd.DataFrame(rows, columns=["service", "physical_range", "human_range", "basis"]).set_index("service")


def _range(values: pd.Series) -> str:
    low, high = float(values.min()), float(values.max())
    return f"{low:.2f}" if round(low, 2) == round(high, 2) else f"{low:.2f}-{high:.2f}"


def report_capital(authorities: pd.DataFrame, costs: pd.DataFrame, services: dict, quality) -> None:
    """One data-quality line per eligible service: how many councils' capital splits rest on each basis.

    ``services`` maps a service name to its parameters (``eligible``, ``human_capital_share``);
    only councils with positive spend on the service count.
    """
    spend = costs[costs["net_expenditure_gbp_k"] > 0]
    names = [s for s in sorted(spend["service"].unique()) if s in services and services[s].eligible]
    codes = sorted(set(spend["authority"]) & set(authorities.index))
    if not names or not codes:
        return
    tiers = authorities["tier"].reindex(codes) if "tier" in authorities else [None] * len(codes)
    split = load_capital(codes, tiers, names)
    for service in names:
        cells = sorted(set(spend.loc[spend["service"] == service, "authority"]) & set(codes))
        override = services[service].human_capital_share
        if override is not None:
            quality.add(file=CAPITAL_FILE, code="*", field=service,
                        issue=f"human-capital share set in the config ({override})",
                        action=f"the config's value used for all {len(cells)} councils instead of the data")
            continue
        counts = split.basis.loc[cells, service].value_counts()
        text = ", ".join(f"{int(counts.get(b, 0))} {b}" for b in (MEASURED, FALLBACK, ASSUMPTION))
        quality.add(file=CAPITAL_FILE, code="*", field=service,
                    issue=f"physical / human capital split of {len(cells)} councils: {text}",
                    action=f"{(len(cells) - int(counts.get(MEASURED, 0))) / max(len(cells), 1):.0%} on a fallback "
                           f"(class median, or the assumption {HUMAN_CAPITAL_FALLBACK['value']:.2f}), labelled as such")
