"""What ``report.html`` shows, resolved to names and formatted text.

:func:`build_context` collects the template's values from the run's tables and
summary; the template (:mod:`sharedopt.report.html.page`) escapes them.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from sharedopt.candidates.table import (
    ANNUAL_NET_SAVING, BETTER_OFF_ALONE, CANDIDATE_ID, DEFAULT_SHARE, ESTIMATED, GOVERNANCE_COST, MEMBER, MEMBERS,
    NPV, ONE_OFF_COST, PAYBACK_YEARS, POPULATION, REALISATION_FACTOR, SERVICES, SHARE_RULES, SUCCESS_PROBABILITY,
)
from sharedopt.report.html.unknowns import general_fund_cells, unknowns_context
from sharedopt.report.html.sections import (
    alternatives,
    council_rows,
    data_estimates,
    scenario_section,
    service_chart,
    uncertainty_rows,
)
from sharedopt.report.html.text import (
    DASH,
    finite_number,
    format_money,
    format_number,
    format_plain,
    format_years,
    relative_gap,
    solver_status,
)
from sharedopt.report.html.interactive_map import interactive_map
from sharedopt.report.map import ATTRIBUTION, authority_savings, split_list
from sharedopt.report.tables import assumption_rows, region_label
from sharedopt.results.cashflow import DISTANCE, GENERAL_FUND_NET, NET_CASH, RING_FENCED, SAVING, TERM_LABELS
from sharedopt.results.facts import gap_text, service_label, services_label
from sharedopt.results.why import binding_constraints, why_not_chosen
from sharedopt.results.run_summary import RunSummary

__all__ = ["COUNCIL_MONEY", "build_context"]

#: The money columns of "Each council's money": the four terms, the net cash they add up to, the
#: ring-fenced part and the general-fund net (net cash less ring-fenced), then the NPV.
COUNCIL_MONEY = (SAVING, ONE_OFF_COST, GOVERNANCE_COST, DISTANCE, NET_CASH, RING_FENCED, GENERAL_FUND_NET, NPV)
_OTHER_SHARE = next(column for column in SHARE_RULES if column != DEFAULT_SHARE)


def build_context(
    *,
    authorities: pd.DataFrame,
    candidates: pd.DataFrame,
    portfolio: pd.DataFrame,
    shares: pd.DataFrame,
    summary: RunSummary | Mapping[str, Any],
    title: str = "sharedopt report",
    map_png: bytes | None = None,
) -> dict[str, Any]:
    """Collect everything the template shows, already resolved to names.

    Parameters
    ----------
    authorities : pandas.DataFrame
        Indexed by code with a ``name`` column (used to show member names).
    candidates, portfolio, shares : pandas.DataFrame
        As for :func:`sharedopt.report.write_outputs`.
    summary : RunSummary or Mapping
        Run summary; optional keys are read with ``.get``.
    title : str, default 'sharedopt report'
        Page title.
    map_png : bytes, optional
        PNG bytes to embed; without it a placeholder note is shown.

    Returns
    -------
    dict
        Template context (plain Python values, raw unescaped text).
    """
    summary, names = RunSummary.of(summary), _name_lookup(authorities)  # the JSON form (summary.json) too
    estimated_count = _count_true(candidates, ESTIMATED)
    return {
        "title": title,
        "region": region_label(summary.region),
        "headline": _headline(summary, portfolio),
        "status": solver_status(summary.solve),
        "solver": _solver_facts(summary),
        "map_data": base64.b64encode(map_png).decode("ascii") if map_png else None,
        "map_alt": _map_alt(summary, portfolio),
        "scenario": scenario_section(summary),
        "alternatives": _alternative_rows(candidates, names, shares, portfolio, summary),
        "binding": binding_constraints(candidates, portfolio, summary.constraints or [], names),
        "service_chart": service_chart(summary.by_service or _derive_by_service(portfolio)),
        "uncertainty": uncertainty_rows(summary),
        **unknowns_context(summary),
        **_council_context(summary, names),
        "imap": interactive_map(authorities, portfolio, shares, summary),
        "panels_png": None,
        "n_candidates": len(candidates),
        "portfolio": _portfolio_rows(portfolio, names, shares),
        "by_service": _by_service(summary, portfolio),
        "by_authority": _by_authority(summary, authorities, portfolio, shares, names),
        "estimates": _estimates(summary, candidates, portfolio, estimated_count),
        "assumptions": assumption_rows(summary),
        "data_sources": _records(summary.data_sources),
        "attribution": summary.attribution or ATTRIBUTION,
        "config_hash": summary.config_hash,
        "existing": _existing(summary, names),
    }


def _alternative_rows(candidates: pd.DataFrame, names: Mapping[str, str], shares: pd.DataFrame,
                      portfolio: pd.DataFrame, summary: RunSummary) -> list[dict]:
    """The best alternatives not chosen, one row per group of near-duplicates, each with why and the cost of forcing."""
    groups = alternatives(candidates)
    alone = _better_off_alone(shares, [g["lead"].get(CANDIDATE_ID, "") for g in groups])
    constraints = summary.constraints or []
    rows = []
    for group in groups:
        why = why_not_chosen(group["lead"], portfolio, constraints, names)
        rows.append({**_row(group["lead"], names, alone), "n_similar": group["n_similar"], "why": why["reason"],
                     "forcing": format_money(why["loss_if_forced_gbp_k"])})
    return rows


def _council_context(summary: RunSummary, names: Mapping[str, str]) -> dict[str, Any]:
    """The council money table (rows and headers) and the names of the two share rules."""
    return {"councils": _council_rows(summary, names),
            "council_headers": [TERM_LABELS.get(k, "NPV") for k in COUNCIL_MONEY],
            "share_rule": SHARE_RULES[DEFAULT_SHARE], "other_rule": SHARE_RULES[_OTHER_SHARE]}


def _council_rows(summary: RunSummary, names: Mapping[str, str]) -> list[dict[str, Any]]:
    """Per-council money rows, formatted."""
    rows = []
    for r in council_rows(summary):
        code = str(r.get("authority"))
        rows.append({"name": format_plain(r.get("name") or names.get(code, code)), "code": code,
                     "n_partnerships": format_number(r.get("n_partnerships")),
                     "money": [format_money(r.get(k)) for k in COUNCIL_MONEY]})
    return rows


def _existing(summary: RunSummary, names: Mapping[str, str]) -> dict[str, Any] | None:
    """Existing partnerships with a member in the region, and whether the run kept them."""
    rows = _records(summary.existing_partnerships)
    if not rows:
        in_data = (summary.status_quo or {}).get("arrangements_in_data")
        if in_data is None:
            return None
        return {"on": True, "rows": [], "in_data": in_data}
    on = bool((summary.status_quo or {}).get("on", True))
    return {"on": on, "rows": [{"name": format_plain(r.get("name")), "service": service_label(format_plain(r.get("service"))),
                                MEMBERS: [names.get(m, m) for m in r.get(MEMBERS) or []],
                                "status": format_plain(r.get("status")), "source": format_plain(r.get("source"))}
                               for r in rows], "in_data": (summary.status_quo or {}).get("arrangements_in_data")}


def _name_lookup(authorities: pd.DataFrame) -> dict[str, str]:
    """Authority code -> display name."""
    if "name" not in authorities:
        return {}
    return {str(code): str(name) for code, name in authorities["name"].items() if pd.notna(name)}


def _names(cell: Any, names: Mapping[str, str]) -> list[str]:
    """Member codes in a cell resolved to names (unknown codes kept)."""
    return [names.get(code, code) for code in split_list(cell)]


def _count_true(frame: pd.DataFrame, column: str) -> int:
    """Number of truthy values in a boolean-ish column (0 if absent)."""
    if column not in frame:
        return 0
    return int(_truthy_mask(frame[column]).sum())


def _truthy_mask(column: pd.Series) -> Any:
    """:func:`_truthy` of every value (a boolean column as it is, without a call per row)."""
    return column.to_numpy() if column.dtype == bool else column.map(_truthy)


def _truthy(value: Any) -> bool:
    """Interpret bools, 0/1 and 'true'/'false' text."""
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes", "y"}
    try:
        return bool(value) and not pd.isna(value)
    except (TypeError, ValueError):
        return bool(value)


def _headline(summary: RunSummary, portfolio: pd.DataFrame) -> dict[str, Any]:
    """Totals from ``summary.totals``, falling back to portfolio sums."""
    totals = summary.totals or {}

    def pick(key: str, column: str) -> Any:
        if totals.get(key) is not None:
            return totals[key]
        return pd.to_numeric(portfolio[column], errors="coerce").sum() if column in portfolio else None

    return {
        "annual_net_saving": pick(ANNUAL_NET_SAVING, ANNUAL_NET_SAVING),
        "npv": pick(NPV, NPV),
        "one_off_cost": pick(ONE_OFF_COST, ONE_OFF_COST),
        "n_partnerships": totals.get("n_partnerships", len(portfolio)),
    }


def _solver_facts(summary: RunSummary) -> list[tuple[str, str]]:
    """(label, value) pairs for the solver details table."""
    gap = relative_gap(summary.solve)
    facts = [
        ("Solver", format_plain(summary.solve.solver)),
        ("Status reported", format_plain(summary.solve.status)),
        ("Objective (NPV)", format_money(summary.solve.objective)),
        ("Best bound", format_money(summary.solve.best_bound)),
        ("Gap to the best bound", gap_text(summary.solve) if gap is not None else DASH),
        ("Model size", f"{format_number(summary.solve.n_variables)} variables, "
                       f"{format_number(summary.solve.n_constraints)} constraints"),
        ("Run times", "on the console after sharedopt run, in no file: "
                      "the same input gives the same report"),
    ]
    return facts


def _map_alt(summary: RunSummary, portfolio: pd.DataFrame) -> str:
    """Alt text for the map image."""
    region = region_label(summary.region) or "the region"
    return (f"Map of {region}: authorities shaded by projected saving, with {len(portfolio)} chosen "
            "partnerships drawn as coloured links between member authorities.")


def _better_off_alone(shares: pd.DataFrame, ids: Sequence[Any]) -> dict[str, list[str]]:
    """candidate_id -> member codes flagged better off alone, for the candidates ``ids`` (as text)."""
    needed = {CANDIDATE_ID, MEMBER, BETTER_OFF_ALONE}
    if not needed <= set(shares.columns):
        return {}
    keys = shares[CANDIDATE_ID]
    keys = keys if isinstance(keys.dtype, pd.StringDtype) else keys.astype(str)
    shares = shares[keys.isin({str(i) for i in ids}).to_numpy()]  # only the rows of those candidates
    flagged = shares[_truthy_mask(shares[BETTER_OFF_ALONE])]
    out: dict[str, list[str]] = {}
    for cid, member in zip(flagged[CANDIDATE_ID], flagged[MEMBER]):  # rows in table order within each candidate
        out.setdefault(str(cid), []).append(str(member))
    return out


def _ranked(candidates: pd.DataFrame) -> pd.DataFrame:
    """Candidates ordered by rank (missing ranks last, stable)."""
    if "rank" not in candidates:
        return candidates
    order = pd.to_numeric(candidates["rank"], errors="coerce")
    return candidates.assign(_order=order).sort_values("_order", kind="mergesort", na_position="last")


def _row(record: Mapping[str, Any], names: Mapping[str, str], alone: Mapping[str, list[str]]) -> dict[str, Any]:
    """One partnership as template-ready values."""
    cid = str(record.get(CANDIDATE_ID, ""))
    return {
        CANDIDATE_ID: cid,
        "rank": format_number(record.get("rank")),
        "chosen": _truthy(record.get("chosen")),
        ESTIMATED: _truthy(record.get(ESTIMATED)),
        MEMBERS: _names(record.get(MEMBERS), names),
        SERVICES: [service_label(x) for x in split_list(record.get(SERVICES))],
        POPULATION: format_number(record.get(POPULATION)),
        "annual_net_saving": format_money(record.get(ANNUAL_NET_SAVING)),
        "one_off_cost": format_money(record.get(ONE_OFF_COST)),
        "npv": format_money(record.get(NPV)),
        "payback": format_years(record.get(PAYBACK_YEARS)),
        "delivery_ratio": format_number(record.get(REALISATION_FACTOR), 2),
        "success_probability": _percent(record.get(SUCCESS_PROBABILITY)),
        "alone": [names.get(code, code) for code in alone.get(cid, [])],
    }


def _percent(value: Any) -> str:
    """A probability as a whole percentage ('80%'), an em dash when missing."""
    number = finite_number(value)
    return DASH if number is None else f"{number:.0%}"


def _portfolio_rows(portfolio: pd.DataFrame, names: Mapping[str, str], shares: pd.DataFrame) -> list[dict[str, Any]]:
    """All chosen partnerships, by rank."""
    records = _ranked(portfolio.assign(_number=range(1, len(portfolio) + 1))).to_dict("records")
    alone = _better_off_alone(shares, [r.get(CANDIDATE_ID, "") for r in records])
    return [{**_row(r, names, alone), "number": r["_number"]} for r in records]


def _by_service(summary: RunSummary, portfolio: pd.DataFrame) -> list[dict[str, Any]]:
    """Per-service rows from the summary (or derived from the portfolio)."""
    records = summary.by_service
    if records is None:
        records = _derive_by_service(portfolio)
    capital = {c["service"]: c for c in summary.capital_split or []}
    return [
        {
            "service": services_label(r.get("service")) or format_plain(r.get("service")),
            "n_partnerships": format_number(r.get("n_partnerships")),
            "annual_net_saving": format_money(r.get(ANNUAL_NET_SAVING)),
            "npv": format_money(r.get(NPV)),
            **_capital_cells(capital, r.get("service")),
        }
        for r in records
    ]


def _capital_cells(capital: Mapping[str, Any], cell: Any) -> dict[str, str]:
    """The physical / human capital share (range over the run's councils) and its basis, per service of ``cell``."""
    rows = [capital[s] for s in split_list(cell) if s in capital]
    return {"capital": "; ".join(f"{r['physical_range']} / {r['human_range']}" for r in rows) or "-",
            "capital_basis": "; ".join(dict.fromkeys(format_plain(r["basis"]) for r in rows)) or "-"}


def _derive_by_service(portfolio: pd.DataFrame) -> list[dict[str, Any]]:
    """Per-service totals when the summary has none (bundles count per service)."""
    rows: dict[str, dict[str, float]] = {}
    for record in portfolio.to_dict("records"):
        for service in split_list(record.get(SERVICES)):
            row = rows.setdefault(service, {"service": service, "n_partnerships": 0,
                                            ANNUAL_NET_SAVING: 0.0, NPV: 0.0})
            row["n_partnerships"] += 1
            row[ANNUAL_NET_SAVING] += finite_number(record.get(ANNUAL_NET_SAVING)) or 0.0
            row[NPV] += finite_number(record.get(NPV)) or 0.0
    return [rows[k] for k in sorted(rows)]


def _by_authority(summary, authorities, portfolio, shares, names) -> list[dict[str, Any]]:
    """Per-authority rows from the summary (or Shapley shares)."""
    records = summary.by_authority
    if records is None:
        savings = authority_savings(authorities, portfolio, shares)
        records = [{"authority": str(code), "npv_share_gbp_k": value} for code, value in savings.items() if value]
    funds = {r.get("authority"): r for r in (summary.cash_flows or {}).get("by_authority") or []}
    return [
        {
            "authority": format_plain(r.get("authority")),
            "name": format_plain(r.get("name") or names.get(str(r.get("authority")), r.get("authority"))),
            "n_partnerships": format_number(r.get("n_partnerships")),
            "npv_share": format_money(r.get("npv_share_gbp_k")),
            "npv_share_other": format_money(r.get(_OTHER_SHARE)),
            **general_fund_cells(funds.get(r.get("authority"))),
        }
        for r in records
    ]


def _estimates(summary, candidates, portfolio, estimated_count: int) -> dict[str, Any] | None:
    """Contents of the 'Estimates' warning box, or None if nothing is estimated."""
    items = [format_plain(e) for e in data_estimates(summary)]
    records = _records(summary.data_sources)
    sources = [format_plain(s.get("name")) for s in records if _truthy(s.get(ESTIMATED))]
    if not items and not estimated_count:
        return None  # modelling assumptions are listed under Assumptions, not warned about
    return {
        "items": items,
        "sources": sources,
        "n_candidates": estimated_count,
        "n_chosen": _count_true(portfolio, ESTIMATED),
        "n_total": len(candidates),
    }


def _records(value: Any) -> list[dict[str, Any]]:
    """A list of dict records (anything else gives [])."""
    if not isinstance(value, Sequence) or isinstance(value, str):
        return []
    return [dict(r) for r in value if isinstance(r, Mapping)]
