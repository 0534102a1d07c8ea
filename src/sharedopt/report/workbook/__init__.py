"""The finance workbook ``opportunities.xlsx`` (XlsxWriter): its sheets, its live formulas, its cells."""

from __future__ import annotations

from sharedopt.report.workbook.book import Styles, fixed_timestamp, new_workbook, write_table_sheet, write_xlsx
from sharedopt.report.workbook.cell_values import cell_text, cell_value
from sharedopt.report.workbook.finance_sheets import RATE_NAME, named_table, write_cashflow_sheets
from sharedopt.report.workbook.sheets import MAX_CANDIDATE_ROWS, SheetTable

__all__ = ["MAX_CANDIDATE_ROWS", "RATE_NAME", "SheetTable", "Styles", "cell_text", "cell_value",
           "fixed_timestamp", "named_table", "new_workbook", "write_cashflow_sheets", "write_table_sheet",
           "write_xlsx"]
