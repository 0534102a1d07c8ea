"""The analyst's sheets of the workbook: Scenario, cash flow per partnership, councils.

Money stays in £ thousand (as in the CSVs) and every money cell carries the
number format :data:`MONEY_FORMAT` ('£#,##0"k"': 49,615 shows as '£49,615k',
the same text as the HTML report). Each chosen partnership gets a year-by-year
cash-flow sheet (:mod:`sharedopt.report.workbook.cashflow_sheet`) whose figures are live Excel
formulas over the named inputs of the Scenario sheet (:mod:`sharedopt.report.workbook.inputs`),
its NPV ``=year0 + NPV(discount_rate, year1:yearN)``: change an input and every figure moves.

The workbook has no wall-clock date: a run is dated by its data vintage and
identified by its config hash (the Scenario sheet says so), so the same input
gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from sharedopt.candidates.table import (
    ANNUAL_NET_SAVING, CANDIDATE_ID, ESTIMATED, MEMBER, MEMBERS, NPV, ONE_OFF_COST, SERVICES,
)
from sharedopt.results.cashflow import FLOW_COLUMNS, partnership_years
from sharedopt.results.facts import gap_text

from sharedopt.report.workbook.cell_values import cell_text, cell_value
from sharedopt.report.workbook.cashflow_sheet import SheetLayout, partnership_inputs, write_cashflow_sheet
from sharedopt.report.workbook.inputs import NAMED_INPUTS, horizon_rows, input_values
from sharedopt.report.workbook.sheets import SheetTable
from sharedopt.report.tables import MONEY_SUFFIX, assumption_rows, drawn_inputs, headline_levers, region_label
from sharedopt.results.run_summary import RunSummary

__all__ = ["MONEY_FORMAT", "RATE_NAME", "cashflow_figures", "cashflow_tables", "council_table", "discount_rate",
           "money_header", "named_table", "scenario_rows", "sheet_layout", "side_tables", "write_cashflow_sheets",
           "write_scenario_sheet"]

MONEY_FORMAT = '£#,##0"k"'
RATE_NAME = "discount_rate"
_DEFAULT_RATE = 0.035
_TOTAL_LABELS = {"n_partnerships": "Partnerships chosen", "members_involved": "Councils involved",
                 ANNUAL_NET_SAVING: "Annual net saving (£k)", ONE_OFF_COST: "One-off cost (£k)",
                 NPV: "NPV (£k)"}


def money_header(column: str) -> str:
    """A column name as a header naming its unit: 'npv_gbp_k' -> 'npv (£k)'."""
    if column.endswith(MONEY_SUFFIX):
        return column[: -len(MONEY_SUFFIX)] + " (£k)"
    return column


def discount_rate(summary: RunSummary) -> float:
    """The run's discount rate from ``summary.assumptions`` (3.5% when absent)."""
    for row in summary.assumptions or []:
        if row.get("parameter") == "discount_rate":
            return float(row["value"])
    return _DEFAULT_RATE


def scenario_rows(summary: RunSummary, note: str) -> list[tuple[str, Any, str | None]]:
    """(item, value, kind) rows of the Scenario sheet; kind is 'money', 'rate', 'count' or None."""
    totals = summary.totals or {}
    estimated = [f"{s['name']}: {s['source']}" for s in summary.data_sources or [] if s.get(ESTIMATED)]
    rows: list[tuple[str, Any, str | None]] = [
        ("Scenario", summary.description or summary.name, None),
        ("Config name", summary.name, None),
        ("Region", region_label(summary.region), None),
        ("Data vintage (the run's 'as of' date)", summary.data_vintage or "not stated", None),
        ("Run identity", f"config hash {summary.config_hash or '?'}, sharedopt "
                         f"{summary.sharedopt_version or '?'}. No wall-clock date is written, so "
                         "the same input gives the same bytes.", None),
        ("Solver status", summary.solve.status, None),
        ("Gap to the best bound", gap_text(summary.solve), None),
    ]
    values = input_values(summary)
    rows += [(f"Input {i.name}: {i.label}", values[i.parameter], f"input:{i.name}") for i in NAMED_INPUTS]
    for c in summary.constraints or []:
        rows.append(("Constraint in force", c.get("text"), None))
    rows.append(("Estimated inputs", "; ".join(estimated) if estimated else "none: every input is published data",
                 None))
    for key, kind in (("n_partnerships", "count"), ("members_involved", "count"), (ANNUAL_NET_SAVING, "money"),
                      (ONE_OFF_COST, "money"), (NPV, "money")):
        if key in totals:
            rows.append((_TOTAL_LABELS[key], totals[key], kind))
    rows += _uncertainty_rows(summary) + _robustness_rows(summary)
    rows.append(("Contents", note, None))
    return rows


def _uncertainty_rows(summary: RunSummary) -> list[tuple[str, Any, str | None]]:
    """The Monte Carlo band (P10, P50, P90 of each headline figure) when the run drew one."""
    band = summary.uncertainty
    if not isinstance(band, Mapping):
        return []
    rows: list[tuple[str, Any, str | None]] = [
        ("Uncertainty band", f"{band.get('draws')} Monte Carlo draws of "
                             f"{', '.join(drawn_inputs(band)) or 'the inputs'}; "
                             "each draw re-solves the portfolio", None)]
    for key in (ANNUAL_NET_SAVING, NPV, ONE_OFF_COST):
        figures = band.get(key)
        if isinstance(figures, Mapping):
            label = _TOTAL_LABELS[key].replace(" (£k)", "")
            rows += [(f"{label}, {p.upper()} (£k)", figures[p], "money") for p in ("p10", "p50", "p90")
                     if isinstance(figures.get(p), (int, float))]
    return rows


def _robustness_rows(summary: RunSummary) -> list[tuple[str, Any, str | None]]:
    """The robust core and the contingent partnerships, when the run drew a Monte Carlo."""
    block = summary.robustness
    if not isinstance(block, Mapping):
        return []
    share = float(block.get("robust_share", 0.0))
    head = block.get("headline") or {}
    return [
        (f"Robust core: partnerships chosen in at least {share:.0%} of the draws", block.get("n_robust"), "count"),
        ("Robust core NPV (£k)", block.get("robust_npv_gbp_k"), "money"),
        ("Contingent partnerships (chosen in fewer draws)", block.get("n_contingent"), "count"),
        ("Headline band basis", head.get("basis"), None),
    ]


def cashflow_tables(portfolio: pd.DataFrame, flows: pd.DataFrame | None) -> list[tuple[str, pd.DataFrame]]:
    """Year-by-year cash flow of each chosen partnership, summed over its members.

    Parameters
    ----------
    portfolio : pandas.DataFrame
        Chosen partnerships (``candidate_id``).
    flows : pandas.DataFrame or None
        ``council_cashflows`` rows (``candidate_id``, ``year`` and the £k flows).

    Returns
    -------
    list of (candidate_id, DataFrame)
        In portfolio order; each frame has ``year``, the terms and the net cash
        (:data:`sharedopt.results.cashflow.FLOW_COLUMNS`). Empty when ``flows`` is
        None or lacks the columns.
    """
    need = {CANDIDATE_ID, "year", *FLOW_COLUMNS}
    if flows is None or not need <= set(flows.columns) or CANDIDATE_ID not in portfolio:
        return []
    grouped = partnership_years(flows)
    out = []
    for cid in portfolio[CANDIDATE_ID]:
        if cid in grouped.index.get_level_values(0):
            out.append((str(cid), grouped.loc[cid].reset_index()))
    return out


def cashflow_figures(row: pd.Series, cid: str) -> dict[str, Any]:
    """The figure rows above a partnership's cash flow: its id, services, members and NPV."""
    figures = {CANDIDATE_ID: cell_text(cid)}
    for key in (SERVICES, MEMBERS, "member_names", NPV):
        if key in row:
            figures[_FIGURE_LABELS[key]] = cell_value(row[key])
    return figures


def council_table(summary: RunSummary) -> pd.DataFrame:
    """Per-council figures: ``summary.cash_flows['by_authority']``, else ``by_authority``."""
    records = ((summary.cash_flows or {}).get("by_authority")) or summary.by_authority or []
    frame = pd.DataFrame(list(records))
    if frame.empty:
        return frame
    first = [c for c in ("authority", "name", "n_partnerships") if c in frame]
    return frame[first + [c for c in frame.columns if c not in first]]


def named_table(table: SheetTable, names: Mapping[str, str]) -> SheetTable:
    """The table with council names beside the codes (``member_names`` / ``member_name``)."""
    frame = table.frame
    if not names:
        return table
    frame = frame.copy()
    for codes, label in ((MEMBERS, "member_names"), (MEMBER, "member_name"), ("authority", "name")):
        if codes in frame and label not in frame:
            spot = list(frame.columns).index(codes) + 1
            frame.insert(spot, label, [_member_names(v, names) for v in frame[codes]])
    return SheetTable(table.name, frame, table.total_rows, table.total_cols)


def _member_names(cell: Any, names: Mapping[str, str]) -> Any:
    """';'-joined codes as ';'-joined names (unknown codes kept)."""
    if not isinstance(cell, str):
        return cell
    return "; ".join(names.get(code, code) for code in cell.split(";") if code)


def medium_term_table(summary: RunSummary) -> pd.DataFrame:
    """The general fund's net cash of each chosen partnership in years 0..5, and the cumulative (£k)."""
    view = (summary.cash_flows or {}).get("medium_term") or {}
    rows = []
    for row in view.get("by_partnership") or []:
        years = {f"year_{y}_gbp_k": v for y, v in enumerate(row["by_year"])}
        rows.append({CANDIDATE_ID: row[CANDIDATE_ID], **years, "cumulative_gbp_k": row["cumulative"]})
    return pd.DataFrame(rows)


def side_tables(summary: RunSummary, extra: Mapping[str, pd.DataFrame],
                 names: Mapping[str, str]) -> list[tuple[str, pd.DataFrame]]:
    """The councils, existing partnerships, assumptions and data-quality sheets (when there is data)."""
    out = [("councils", council_table(summary))]
    existing = extra.get("existing_partnerships")
    if existing is not None and len(existing.columns):
        out.append(("existing partnerships", named_table(SheetTable("e", existing, 0, 0), names).frame))
    out.append(("levers", headline_levers(summary)))
    out.append(("assumptions", pd.DataFrame(assumption_rows(summary))))
    out.append(("unknowns", pd.DataFrame(list((summary.tornado or {}).get("levers") or []))))
    out.append(("general fund 5 years", medium_term_table(summary)))
    quality = extra.get("data_quality")
    if quality is not None:
        out.append(("data quality", quality))
    return [(name, frame) for name, frame in out if len(frame.columns)]


_FIGURE_LABELS = {SERVICES: "services", MEMBERS: "members (GSS codes)", "member_names": "members",
                  NPV: "NPV in portfolio.csv (£k, at the run's rate)"}


def write_scenario_sheet(workbook, styles: Any, summary: RunSummary, note: str,
                         totals: Mapping[str, str] | None = None) -> None:
    """What was asked and how it came out, with the named input cells (:data:`NAMED_INPUTS`).

    ``totals`` maps a total's key (``npv_gbp_k``, ...) to its formula over the cash-flow
    sheets, which makes the headline live.
    """
    ws = workbook.add_worksheet("Scenario")
    ws.freeze_panes(1, 0)
    ws.write_row(0, 0, ["item", "value"], styles.header)
    ws.set_column(0, 0, 44)
    ws.set_column(1, 1, 90, styles.wrap)
    kinds = {"money": styles.number(MONEY_FORMAT), "count": styles.number("0")}
    live = {_TOTAL_LABELS[key]: formula for key, formula in (totals or {}).items() if key in _TOTAL_LABELS}
    formats = {i.name: i.number_format for i in NAMED_INPUTS}
    for r, (item, value, kind) in enumerate(scenario_rows(summary, note), start=1):
        ws.write_string(r, 0, cell_text(item), styles.bold)
        if item in live:
            ws.write_formula(r, 1, live[item], kinds["money"], float(value))
        elif kind and kind.startswith("input:"):
            name = kind.split(":", 1)[1]
            ws.write_number(r, 1, float(value), styles.input_cell(formats[name]))
            workbook.define_name(name, f"=Scenario!$B${r + 1}")
        else:
            ws.write(r, 1, cell_value(value), kinds.get(kind, styles.wrap))


def write_cashflow_sheets(workbook, styles: Any, portfolio: pd.DataFrame, flows: pd.DataFrame | None,
                          rate: float, summary: RunSummary | None = None) -> None:
    """One 'cash flow N' sheet per chosen partnership, in portfolio order.

    With ``summary`` (a run's), each sheet's figures are formulas over the Scenario sheet's named
    inputs; without it (an appraisal) the yearly terms are values and only net cash and NPV are formulas.
    """
    indexed = portfolio.set_index(CANDIDATE_ID) if CANDIDATE_ID in portfolio else portfolio
    inputs = input_values(summary) if summary is not None else None
    for i, (cid, frame) in enumerate(cashflow_tables(portfolio, flows), start=1):
        figures = cashflow_figures(indexed.loc[cid], cid)
        block = partnership_inputs(indexed.loc[cid], frame, inputs) if inputs is not None else None
        layout = sheet_layout(figures, frame, summary if block is not None else None)
        write_cashflow_sheet(workbook.add_worksheet(f"cash flow {i}"), styles, f"Partnership {i}: year-by-year cash flow",
                             frame, figures, block, layout, rate)


def sheet_layout(figures: Mapping[str, Any], frame: pd.DataFrame, summary: RunSummary | None) -> SheetLayout:
    """A cash-flow sheet's layout: years 0..the horizon's range top for a live sheet, else the frame's years."""
    years = horizon_rows(summary) + 1 if summary is not None else len(frame)
    return SheetLayout(len(figures), max(years, len(frame)))
