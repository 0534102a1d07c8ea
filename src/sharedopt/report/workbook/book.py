"""The finance workbook ``opportunities.xlsx``, written with XlsxWriter.

XlsxWriter's constant-memory mode streams each row to disk, so memory does not
grow with the tables. Which rows each sheet holds is :mod:`sharedopt.report.workbook.sheets`
(the chosen portfolio, the best-ranked candidates and their shares; the CSVs hold
every row, and the summary sheet's first row says so). No sheet passes Excel's
limits (1,048,576 rows, 16,384 columns, 32,767 characters in a cell).

Same input, same bytes: the document properties carry a fixed date
(:func:`fixed_timestamp`), XlsxWriter stamps every zip entry 1980-01-31, and no
wall-clock figure is written.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter

from sharedopt.candidates.table import N_MEMBERS, PAYBACK_YEARS, POPULATION, REALISATION_FACTOR, SPAN, without_duplicates
from sharedopt.report.workbook.cell_values import cell_text as _text
from sharedopt.report.workbook.cell_values import cell_value as _cell
from sharedopt.report.tables import MONEY_SUFFIX
from sharedopt.report.workbook.finance_sheets import (
    MONEY_FORMAT,
    named_table,
    side_tables,
    write_cashflow_sheets,
    write_scenario_sheet,
    discount_rate,
    money_header,
)
from sharedopt.report.workbook.live_totals import (PartnershipCells, council_formulas, partnership_cells,
                                                   portfolio_formulas, total_formulas)
from sharedopt.report.workbook.sheets import EXCEL_MAX_COLS, MAX_CANDIDATE_ROWS, SheetTable, contents_note, workbook_tables
from sharedopt.results.run_summary import RunSummary

__all__ = ["MONEY_FORMAT", "fixed_timestamp", "write_xlsx"]

PROGRESS_EVERY = 5_000
MONEY_NOTE = "Money columns, headed (£k), are in £ thousand and show it: £49,615k is £49.6m."
_OTHER_FORMATS = {
    POPULATION: "#,##0",
    N_MEMBERS: "0",
    "n_partnerships": "0",
    "rank": "0",
    PAYBACK_YEARS: "0.0",
    SPAN: '#,##0.0" km"',
    REALISATION_FACTOR: "0.00",
    "gap": "0.00%",
}
_SUMMARY_KEYS = ["region", "status", "objective", "best_bound", "gap", "solver", "n_variables",
                 "n_constraints", "config_hash"]
_MAX_WIDTH = 60
_NAME_COLUMNS = ("member_names", "member_name", "name")
_DEFAULT_STAMP = dt.datetime(2000, 1, 1)
_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False, "nan_inf_to_errors": False}

SheetProgress = Callable[[str, int, int], None]


def fixed_timestamp() -> dt.datetime:
    """Timestamp stamped into the workbook's document properties.

    Returns
    -------
    datetime.datetime
        ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) when set
        to an integer, else 2000-01-01T00:00:00 (naive UTC).
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).replace(tzinfo=None)
    return _DEFAULT_STAMP


def write_xlsx(
    path: Path, *, summary: RunSummary | Mapping[str, Any], portfolio: pd.DataFrame, candidates: pd.DataFrame,
    shares: pd.DataFrame, title: str = "sharedopt report", max_candidates: int = MAX_CANDIDATE_ROWS,
    csv_written: bool = True, progress: SheetProgress | None = None, names: Mapping[str, str] | None = None,
    extra: Mapping[str, pd.DataFrame] | None = None,
) -> Path:
    """Write the finance workbook ``summary``/``portfolio``/``candidates``/``shares``.

    Parameters
    ----------
    path : pathlib.Path
        Destination ``.xlsx`` file.
    summary : RunSummary or Mapping
        Run summary (see :func:`sharedopt.report.write_outputs`).
    portfolio, candidates, shares : pandas.DataFrame
        Full tables; the sheets hold what :func:`workbook_tables` selects.
    title : str, default 'sharedopt report'
        Workbook title property.
    max_candidates : int, default MAX_CANDIDATE_ROWS
        Best-ranked candidates the workbook holds (see :func:`select_candidates`).
    csv_written : bool, default True
        Whether the CSV files (which hold every row) are written too; the
        summary note says where the rest is.
    progress : callable, optional
        Called as ``progress(sheet, rows_done, rows_total)`` every 5,000 rows
        and at the end of each sheet.
    names : mapping of str to str, optional
        GSS code -> council name, written beside the codes.
    extra : mapping of str to DataFrame, optional
        ``council_cashflows`` (one cash-flow sheet per chosen partnership),
        ``existing_partnerships`` and ``data_quality`` (a sheet each).

    Returns
    -------
    pathlib.Path
        ``path``.

    Notes
    -----
    Each sheet has a bold, filled header row frozen with the council names (panes right of the
    name column, else at 'A2'), an autofilter, column widths fitted to content and '£#,##0' on money
    columns, with a note right of the header saying money is in £ thousand.
    Text from input is stored as text, never as a formula, and quoted by
    :func:`sharedopt.report.tables.cells.neutralise_text`.
    """
    summary = RunSummary.of(summary)  # the JSON form (a summary.json read back) too
    tables = workbook_tables(without_duplicates(portfolio), without_duplicates(candidates), shares, max_candidates)
    note = contents_note(tables, max_candidates, csv_written)
    workbook = new_workbook(path, title)
    styles = Styles(workbook)
    portfolio = named_table(tables[0], names or {})
    cells = partnership_cells(portfolio.frame, (extra or {}).get("council_cashflows"), summary)
    write_scenario_sheet(workbook, styles, summary, note, total_formulas(cells))
    _write_summary_sheet(workbook.add_worksheet("summary"), styles, summary, note)
    _write_data_sheets(workbook, styles, {t.name: t for t in tables}, summary, names or {}, extra or {}, progress,
                       (portfolio, cells))
    workbook.close()
    return path


def new_workbook(path: Path, title: str) -> xlsxwriter.Workbook:
    """An empty streaming workbook whose document properties carry the fixed timestamp."""
    workbook = xlsxwriter.Workbook(str(path), _OPTIONS)
    workbook.set_properties({"title": title, "author": "sharedopt", "created": fixed_timestamp()})
    return workbook


def _write_data_sheets(workbook: xlsxwriter.Workbook, styles: Styles, by_name: Mapping[str, SheetTable],
                       summary: RunSummary, names: Mapping[str, str], extra: Mapping[str, pd.DataFrame],
                       progress: SheetProgress | None, named: tuple[SheetTable, PartnershipCells]) -> None:
    """The portfolio (``named``: with the council names, and where its figures sit on the cash-flow
    sheets), its cash-flow sheets, the side tables, then the candidates and shares."""
    (portfolio, cells), flows = named, extra.get("council_cashflows")
    write_table_sheet(workbook.add_worksheet("portfolio"), styles, portfolio, progress,
                       portfolio_formulas(portfolio.frame, cells))
    write_cashflow_sheets(workbook, styles, portfolio.frame, flows, discount_rate(summary), summary)
    for name, frame in side_tables(summary, extra, names):
        live = council_formulas(frame, flows, cells) if name == "councils" else None
        write_table_sheet(workbook.add_worksheet(name), styles, SheetTable(name, frame, len(frame), frame.shape[1]),
                           progress, live)
    for name in ("candidates", "shares"):
        write_table_sheet(workbook.add_worksheet(name), styles, named_table(by_name[name], names), progress)


class Styles:
    """XlsxWriter formats, made once per workbook."""

    def __init__(self, workbook: xlsxwriter.Workbook):
        self._workbook = workbook
        self.header = workbook.add_format({"bold": True, "bg_color": "#DDE7F0", "valign": "vcenter"})
        self.note = workbook.add_format({"italic": True, "font_color": "#555555"})
        self.block_title = workbook.add_format({"bold": True, "italic": True})
        self.bold = workbook.add_format({"bold": True})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.input = workbook.add_format({"num_format": "0.00%", "bg_color": "#FFF2CC", "border": 1})
        self._numbers: dict[str, Any] = {}
        self._inputs: dict[str, Any] = {}

    def input_cell(self, fmt: str):
        """The format of a named input cell (filled and boxed) with the number format ``fmt``."""
        if fmt not in self._inputs:
            self._inputs[fmt] = self._workbook.add_format({"num_format": fmt, "bg_color": "#FFF2CC", "border": 1})
        return self._inputs[fmt]

    def number(self, fmt: str | None):
        """The format for an Excel number format string (None: General, no format)."""
        if fmt is None:
            return None
        if fmt not in self._numbers:
            self._numbers[fmt] = self._workbook.add_format({"num_format": fmt})
        return self._numbers[fmt]


def _number_format(column: str) -> str | None:
    """Excel number format for a column name, or None for General."""
    if column.endswith(MONEY_SUFFIX):
        return MONEY_FORMAT
    return _OTHER_FORMATS.get(column)


def write_table_sheet(ws, styles: Styles, table: SheetTable, progress: SheetProgress | None,
                       formulas: Mapping[str, list] | None = None) -> None:
    """One DataFrame as a sheet: header, typed cells, formats, widths, filter and note.

    ``formulas`` maps a column to one formula (or None) per row, written over the value,
    which stays as the formula's cached result.
    """
    frame = table.frame
    header = [_text(money_header(str(c))) for c in frame.columns]
    columns = [_column_values(frame.iloc[:, i]) for i in range(frame.shape[1])]
    formats = [_number_format(str(c)) for c in frame.columns]
    for col, (name, values, fmt) in enumerate(zip(header, columns, formats)):
        ws.set_column(col, col, _width([name], values, fmt), styles.number(fmt))
    _write_header(ws, styles, header, note=bool(_money(header)))
    ws.freeze_panes(1, _name_column(header) + 1)
    n_rows = len(frame)
    blanks = _formatted_blanks(columns, [styles.number(f) for f in formats])
    live = [(list(frame.columns).index(c), f) for c, f in (formulas or {}).items() if c in frame.columns]
    for r, row in enumerate(zip(*columns), start=1):
        ws.write_row(r, 0, row)
        for col, style in blanks.get(r, ()):
            ws.write_blank(r, col, None, style)
        for col, cells in live:
            if cells[r - 1] is not None:
                ws.write_formula(r, col, cells[r - 1], styles.number(formats[col]), row[col])
        if progress is not None and r % PROGRESS_EVERY == 0:
            progress(table.name, r, n_rows)
    if progress is not None:
        progress(table.name, n_rows, n_rows)
    if header:
        ws.autofilter(0, 0, n_rows, len(header) - 1)


def _name_column(header: list[str]) -> int:
    """The column of the council names (the panes freeze right of it), else -1."""
    return next((i for i, h in enumerate(header) if h in _NAME_COLUMNS), -1)


def _formatted_blanks(columns: list[list[Any]], styles: list[Any]) -> dict[int, list[tuple[int, Any]]]:
    """Sheet row -> (column, format) of the missing values in formatted columns.

    They are written as formatted blanks, so a whole money column is '£#,##0'.
    """
    blanks: dict[int, list[tuple[int, Any]]] = {}
    for col, (values, style) in enumerate(zip(columns, styles)):
        if style is None:
            continue
        for r, value in enumerate(values, start=1):
            if value is None:
                blanks.setdefault(r, []).append((col, style))
    return blanks


def _write_header(ws, styles: Styles, header: list[str], note: bool) -> None:
    """Bold frozen header row, with the £k note right of the table when wanted."""
    ws.freeze_panes(1, 0)
    ws.write_row(0, 0, header, styles.header)
    if note and len(header) + 1 < EXCEL_MAX_COLS:
        ws.write_string(0, len(header) + 1, MONEY_NOTE, styles.note)


def _money(header: list[str]) -> list[str]:
    """Header names of the £ thousand columns."""
    return [h for h in header if h.endswith("(£k)")]


def _write_summary_sheet(ws, styles: Styles, summary: RunSummary, note: str) -> None:
    """The contents note, key figures as item/value rows, then per-service and per-authority blocks."""
    items = [("contents", note)] + _summary_rows(summary)
    lines: list[list[tuple[Any, Any]]] = [
        [(item, None), (_cell(value), styles.number(_number_format(item.split(".")[-1])))] for item, value in items]
    for name in ("by_service", "by_authority"):
        lines += _block_lines(styles, name, getattr(summary, name))
    for col, width in _summary_widths(lines).items():
        ws.set_column(col, col, width)
    _write_header(ws, styles, ["item", "value"], note=True)
    ws.set_row(1, 15 * math.ceil(len(note) / (_MAX_WIDTH - 5)), styles.wrap)  # the note, wrapped in its cell
    lines[0][1] = (note, styles.wrap)
    for r, line in enumerate(lines, start=1):
        for c, (value, fmt) in enumerate(line):
            if value is not None:
                ws.write(r, c, value, fmt)
    ws.autofilter(0, 0, len(items), 1)


def _summary_rows(summary: RunSummary) -> list[tuple[str, Any]]:
    """Flatten the headline parts of the summary into (item, value) pairs (no wall-clock figures)."""
    summary = RunSummary.of(summary)
    head = (summary.robustness or {}).get("headline") or {}
    rows = [("headline", f"{head['text']}. {head.get('position', '')}")] if head.get("text") else []
    flat = summary.to_dict()  # the items as summary.json names them
    rows += [(k, flat[k]) for k in _SUMMARY_KEYS if k in flat]
    totals = summary.totals or {}
    rows += [(f"totals.{k}", totals[k]) for k in sorted(totals)]
    estimates = summary.estimates or []
    if estimates:
        rows.append(("estimates", "; ".join(str(e) for e in estimates)))
    return rows


def _block_lines(styles: Styles, name: str, records: Any) -> list[list[tuple[Any, Any]]]:
    """A titled table of records: a blank line, the title, the header, the rows."""
    if not records:
        return []
    frame = pd.DataFrame(list(records))
    header = [str(c) for c in frame.columns]
    lines = [[], [(name, styles.block_title)], [(_text(money_header(h)), styles.bold) for h in header]]
    formats = [styles.number(_number_format(h)) for h in header]
    for row in frame.itertuples(index=False, name=None):
        lines.append([(_cell(v), fmt) for v, fmt in zip(row, formats)])
    return lines


def _summary_widths(lines: list[list[tuple[Any, Any]]]) -> dict[int, float]:
    """Column widths of the summary sheet from every value in it."""
    by_col: dict[int, list[Any]] = {}
    for line in lines:
        for c, (value, _) in enumerate(line):
            by_col.setdefault(c, []).append(value)
    widths = {c: _width([], values, "0.00") for c, values in by_col.items()}
    widths[0] = max(widths.get(0, 8), _width(["item"], [], None))
    return widths


def _width(header: list[str], values: list[Any], fmt: str | None) -> float:
    """Column width in characters: the longest rendered value, between 8 and 60."""
    longest = max((len(h) for h in header), default=0)
    numbers = [abs(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if numbers:
        decimals = 3 if fmt not in (None, MONEY_FORMAT) else 0
        longest = max(longest, len(f"{max(numbers):,.0f}") + 2 + decimals)
    longest = max([longest] + [len(v) for v in values if isinstance(v, str)])
    if any(isinstance(v, bool) for v in values):
        longest = max(longest, 5)
    return min(max(longest + 2, 8), _MAX_WIDTH)


def _column_values(series: pd.Series) -> list[Any]:
    """A column as Python cell values: numbers, booleans, quoted text, None for missing."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) and not series.hasnans:
        return series.tolist()
    if pd.api.types.is_integer_dtype(dtype) and not series.hasnans:
        return series.tolist()
    if pd.api.types.is_float_dtype(dtype):
        values = series.to_numpy(dtype=float)
        out = values.tolist()
        for i in np.flatnonzero(~np.isfinite(values)):
            out[i] = None
        return out
    return [_cell(v) for v in series.astype(object).tolist()]
