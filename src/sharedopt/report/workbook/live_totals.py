"""The workbook's totals as live formulas over the cash-flow sheets.

Each chosen partnership's NPV is a formula on its cash-flow sheet (over the
``discount_rate`` input of the Scenario sheet). The portfolio sheet's NPV column points
at those cells, each council's NPV is its members' weights (shares of the pooled spend,
the default rule) times them, and the Scenario sheet's headline NPV is their sum, so
changing the rate moves every total. Each formula is written with its value computed in
Python, so a viewer without a calculation engine shows the numbers.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

from sharedopt.candidates.table import CANDIDATE_ID, NPV
from sharedopt.report.workbook.finance_sheets import cashflow_figures, cashflow_tables, npv_position

__all__ = ["council_npv_formulas", "npv_cells", "portfolio_npv_formulas", "total_npv_formula"]


def npv_cells(portfolio: pd.DataFrame, flows: pd.DataFrame | None) -> dict[str, str]:
    """Candidate id -> the absolute address of its NPV cell (``'cash flow 1'!$F$25``), in sheet order."""
    indexed = portfolio.set_index(CANDIDATE_ID) if CANDIDATE_ID in portfolio else portfolio
    out = {}
    for i, (cid, frame) in enumerate(cashflow_tables(portfolio, flows), start=1):
        row, col = npv_position(len(cashflow_figures(indexed.loc[cid], cid)), len(frame))
        out[cid] = f"{quote_sheetname(f'cash flow {i}')}!{xl_rowcol_to_cell(row, col, True, True)}"
    return out


def total_npv_formula(cells: Mapping[str, str]) -> str | None:
    """The headline NPV: the sum of every partnership's NPV cell (None without cash-flow sheets)."""
    return "=" + "+".join(cells.values()) if cells else None


def portfolio_npv_formulas(portfolio: pd.DataFrame, cells: Mapping[str, str]) -> dict[str, list[str | None]]:
    """The portfolio sheet's NPV column as references to the cash-flow sheets."""
    if NPV not in portfolio or CANDIDATE_ID not in portfolio or not cells:
        return {}
    return {NPV: [f"={cells[c]}" if c in cells else None for c in portfolio[CANDIDATE_ID].astype(str)]}


def council_npv_formulas(councils: pd.DataFrame, flows: pd.DataFrame | None,
                         cells: Mapping[str, str]) -> dict[str, list[str | None]]:
    """Each council's NPV as the sum of its weight times each of its partnerships' NPV cells."""
    if flows is None or not cells or NPV not in councils or "authority" not in councils:
        return {}
    weights = flows.groupby(["authority", CANDIDATE_ID], sort=False)["member_weight"].first()
    out = []
    for code in councils["authority"].astype(str):
        terms = [f"{float(w)!r}*{cells[cid]}" for (a, cid), w in weights.items() if a == code and cid in cells]
        out.append("=" + "+".join(terms) if terms else None)
    return {NPV: out}
