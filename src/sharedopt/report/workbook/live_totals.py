"""The workbook's totals as live formulas over the cash-flow sheets.

Each chosen partnership's figures are formulas on its cash-flow sheet (over the named inputs
of the Scenario sheet: :mod:`sharedopt.report.workbook.inputs`). The portfolio sheet's money
columns point at those cells, each council's money is its members' weights (shares of the
pooled spend, the default rule) times its partnerships' yearly sums, and the Scenario sheet's
headline figures are their sums, so changing an input moves every total. Each formula is
written with its value computed in Python, so a viewer without a calculation engine shows
the numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

from sharedopt.candidates.table import (
    ANNUAL_NET_SAVING, ANNUAL_SAVING, CANDIDATE_ID, NPV, ONE_OFF_COST, SUCCESS_PROBABILITY,
)
from sharedopt.results.cashflow import FLOW_COLUMNS, GENERAL_FUND_NET, NET_CASH, RING_FENCED, SAVING
from sharedopt.report.workbook.finance_sheets import cashflow_figures, cashflow_tables, sheet_layout

__all__ = ["PartnershipCells", "council_formulas", "partnership_cells", "portfolio_formulas", "total_formulas"]

#: Portfolio column -> the cash-flow sheet's block row it reads.
_PORTFOLIO_BLOCK = {ANNUAL_SAVING: "saving", ONE_OFF_COST: "one_off", ANNUAL_NET_SAVING: "net_saving"}
#: Councils-sheet column -> the cash-flow sheet's yearly column it sums (the same names).
_COUNCIL_COLUMNS = {column: column for column in FLOW_COLUMNS}


class PartnershipCells(dict):
    """Candidate id -> {'npv': address, block keys: addresses, flow columns: yearly ranges}."""


def partnership_cells(portfolio: pd.DataFrame, flows: pd.DataFrame | None,
                      summary: Mapping[str, Any] | None) -> PartnershipCells:
    """Where each partnership's figures sit on its cash-flow sheet (absolute, sheet-qualified), in sheet order.

    The block's addresses are present only when the sheet is live (:func:`sheet_layout`).
    """
    indexed = portfolio.set_index(CANDIDATE_ID) if CANDIDATE_ID in portfolio else portfolio
    out = PartnershipCells()
    for i, (cid, frame) in enumerate(cashflow_tables(portfolio, flows), start=1):
        layout = sheet_layout(cashflow_figures(indexed.loc[cid], cid), frame, summary)
        sheet = quote_sheetname(f"cash flow {i}") + "!"
        cells = {"npv": sheet + xl_rowcol_to_cell(layout.npv_row, len(FLOW_COLUMNS), True, True)}
        cells.update({col: sheet + layout.year_range(j) for j, col in enumerate(FLOW_COLUMNS, start=1)})
        if summary is not None and float(indexed.loc[cid].get(SUCCESS_PROBABILITY, 1.0)) > 0:
            cells.update({key: sheet + layout.block_cell(key) for key in _PORTFOLIO_BLOCK.values()})
        out[cid] = cells
    return out


def total_formulas(cells: PartnershipCells) -> dict[str, str]:
    """The headline figures (NPV, annual net saving, one-off cost) as sums over the partnerships."""
    out = {}
    for key, part in ((NPV, "npv"), (ANNUAL_NET_SAVING, "net_saving"), (ONE_OFF_COST, "one_off")):
        if cells and all(part in c for c in cells.values()):
            out[key] = "=" + "+".join(c[part] for c in cells.values())
    return out


def portfolio_formulas(portfolio: pd.DataFrame, cells: PartnershipCells) -> dict[str, list[str | None]]:
    """The portfolio sheet's NPV and money columns as references to the cash-flow sheets."""
    if CANDIDATE_ID not in portfolio or not cells:
        return {}
    ids = portfolio[CANDIDATE_ID].astype(str)
    out = {NPV: [f"={cells[c]['npv']}" if c in cells else None for c in ids]} if NPV in portfolio else {}
    for column, key in _PORTFOLIO_BLOCK.items():
        if column in portfolio:
            out[column] = [f"={cells[c][key]}" if key in cells.get(c, {}) else None for c in ids]
    if SUCCESS_PROBABILITY in portfolio and any("saving" in c for c in cells.values()):
        out[SUCCESS_PROBABILITY] = ["=success_probability" if "saving" in cells.get(c, {}) else None for c in ids]
    return out


def council_formulas(councils: pd.DataFrame, flows: pd.DataFrame | None,
                     cells: PartnershipCells) -> dict[str, list[str | None]]:
    """Each council's NPV (weight times each partnership's NPV) and horizon sums (weight times yearly sums)."""
    if flows is None or not cells or "authority" not in councils:
        return {}
    weights = flows.groupby(["authority", CANDIDATE_ID], sort=False)["member_weight"].first()
    out: dict[str, list[str | None]] = {}
    for column, part in ((NPV, "npv"), *_COUNCIL_COLUMNS.items()):
        if column not in councils:
            continue
        wrap = "{}" if part == "npv" else "SUM({})"
        out[column] = [_weighted(code, weights, cells, part, wrap) for code in councils["authority"].astype(str)]
    out.update(_general_fund_formulas(councils, flows, cells))
    return out


def _general_fund_formulas(councils: pd.DataFrame, flows: pd.DataFrame,
                           cells: PartnershipCells) -> dict[str, list[str | None]]:
    """Ring-fenced (weight x ring-fenced share x the partnership's saving) and the general fund
    columns as the same row's saving and net cash less it."""
    columns = list(councils.columns)
    if not {RING_FENCED, SAVING, NET_CASH} <= set(columns) or RING_FENCED not in flows:
        return {}
    pairs = flows.groupby(["authority", CANDIDATE_ID], sort=False)[[RING_FENCED, SAVING]].sum()
    share = (pairs[RING_FENCED] / pairs[SAVING].where(pairs[SAVING].abs() > 1e-12)).fillna(0.0)
    weights = flows.groupby(["authority", CANDIDATE_ID], sort=False)["member_weight"].first() * share
    codes = councils["authority"].astype(str)
    out = {RING_FENCED: [_weighted(code, weights, cells, SAVING, "SUM({})") for code in codes]}
    for column, base in (("general_fund_gbp_k", SAVING), (GENERAL_FUND_NET, NET_CASH)):
        if column in columns:
            out[column] = [f"={xl_rowcol_to_cell(r, columns.index(base))}-{xl_rowcol_to_cell(r, columns.index(RING_FENCED))}"
                           for r in range(1, len(codes) + 1)]
    return out


def _weighted(code: str, weights: pd.Series, cells: PartnershipCells, part: str, wrap: str) -> str | None:
    terms = [f"{float(w)!r}*{wrap.format(cells[cid][part])}" for (a, cid), w in weights.items()
             if a == code and cid in cells]
    return "=" + "+".join(terms) if terms else None
