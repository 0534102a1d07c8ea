"""Tabular outputs: CSV, JSON and a finance-formatted XLSX workbook.

Everything here is byte-deterministic for identical inputs: fixed float
formatting and line endings in CSV, sorted keys in JSON, and an XLSX whose
document timestamps and zip entry timestamps are pinned.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import re
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "CSV_FLOAT_FORMAT",
    "MONEY_FORMAT",
    "fixed_timestamp",
    "json_safe",
    "money_columns",
    "write_csv",
    "write_json",
    "write_xlsx",
]

CSV_FLOAT_FORMAT = "%.3f"
MONEY_FORMAT = "£#,##0"
MONEY_SUFFIX = "_gbp_k"
MONEY_NOTE = "Money columns (ending _gbp_k) are £ thousand (£k)."
_OTHER_FORMATS = {
    "population": "#,##0",
    "n_members": "0",
    "n_partnerships": "0",
    "rank": "0",
    "payback_years": "0.0",
    "realisation_factor": "0.00",
    "gap": "0.00%",
}
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
_MAX_WIDTH = 60
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_DEFAULT_STAMP = dt.datetime(2000, 1, 1)


# --------------------------------------------------------------------------- CSV / JSON


def money_columns(columns: Iterable[str]) -> list[str]:
    """Return the column names that hold £ thousand figures.

    Parameters
    ----------
    columns : iterable of str
        Column names.

    Returns
    -------
    list of str
        Names ending in ``_gbp_k``, in their original order.
    """
    return [str(c) for c in columns if str(c).endswith(MONEY_SUFFIX)]


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write a table as deterministic UTF-8 CSV.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table to write; the index is dropped (write it as a column first if
        it matters).
    path : pathlib.Path
        Destination file.

    Returns
    -------
    pathlib.Path
        ``path``.

    Notes
    -----
    Floats use ``CSV_FLOAT_FORMAT`` ('%.3f'), lines end in ``\\n``, missing
    values are empty fields.
    """
    frame.to_csv(path, index=False, float_format=CSV_FLOAT_FORMAT, lineterminator="\n", encoding="utf-8")
    return path


def json_safe(value: Any) -> Any:
    """Convert a value into something ``json.dumps`` accepts strictly.

    Parameters
    ----------
    value : Any
        Nested dicts/lists/tuples/sets of scalars, numpy or pandas scalars.

    Returns
    -------
    Any
        Plain Python structure; NaN, infinity and missing values become
        ``None``; numpy scalars become Python scalars; paths and other
        objects become ``str``; sets become sorted lists.
    """
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((json_safe(v) for v in value), key=repr)
    if isinstance(value, (list, tuple, np.ndarray)):
        return [json_safe(v) for v in value]
    return _json_scalar(value)


def _json_scalar(value: Any) -> Any:
    """Convert one scalar for :func:`json_safe`."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if _is_missing(value):
        return None
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()
    return str(value)


def write_json(data: Mapping[str, Any], path: Path) -> Path:
    """Write a mapping as deterministic, strict JSON.

    Parameters
    ----------
    data : Mapping
        JSON-like data (see :func:`json_safe` for conversions).
    path : pathlib.Path
        Destination file.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    text = json.dumps(json_safe(data), sort_keys=True, indent=2, allow_nan=False, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- XLSX


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
    path: Path,
    *,
    summary: Mapping[str, Any],
    portfolio: pd.DataFrame,
    candidates: pd.DataFrame,
    shares: pd.DataFrame,
    title: str = "sharedopt report",
) -> Path:
    """Write the finance workbook ``summary``/``portfolio``/``candidates``/``shares``.

    Parameters
    ----------
    path : pathlib.Path
        Destination ``.xlsx`` file.
    summary : Mapping
        Run summary (see :func:`sharedopt.report.write_outputs`).
    portfolio, candidates, shares : pandas.DataFrame
        Tables written one per sheet, columns as given.
    title : str, default 'sharedopt report'
        Workbook title property.

    Returns
    -------
    pathlib.Path
        ``path``.

    Notes
    -----
    Each sheet has a bold, frozen header row (panes at 'A2'), an autofilter,
    column widths fitted to content and '£#,##0' on money columns, with a
    note right of the header saying money is in £ thousand. Document
    created/modified times and zip entry times are fixed, so identical
    inputs give identical bytes.
    """
    wb = Workbook()
    wb.remove(wb.active)
    _add_summary_sheet(wb, summary)
    for name, frame in (("portfolio", portfolio), ("candidates", candidates), ("shares", shares)):
        _add_table_sheet(wb.create_sheet(name), frame)
    _pin_properties(wb, title)
    path.write_bytes(_normalise_zip(_workbook_bytes(wb)))
    return path


def _add_table_sheet(ws: Worksheet, frame: pd.DataFrame) -> None:
    """Fill a sheet with a DataFrame and apply finance formatting."""
    header = [str(c) for c in frame.columns]
    ws.append(header)
    for row in frame.itertuples(index=False, name=None):
        ws.append([_cell_value(v) for v in row])
    _format_sheet(ws, header, n_rows=len(frame))


def _add_summary_sheet(wb: Workbook, summary: Mapping[str, Any]) -> None:
    """Key figures as item/value rows, then the per-service breakdown."""
    ws = wb.create_sheet("summary")
    rows = _summary_rows(summary)
    ws.append(["item", "value"])
    for item, value in rows:
        ws.append([item, _cell_value(value)])
    _format_sheet(ws, ["item", "value"], n_rows=len(rows))
    _format_summary_values(ws, rows)
    _append_block(ws, "by_service", summary.get("by_service"))
    _append_block(ws, "by_authority", summary.get("by_authority"))


def _summary_rows(summary: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Flatten the headline parts of the summary into (item, value) pairs."""
    keys = ["region", "status", "objective", "best_bound", "gap", "solver", "solve_seconds",
            "build_seconds", "n_variables", "n_constraints", "config_hash"]
    rows = [(k, summary.get(k)) for k in keys if k in summary]
    totals = summary.get("totals") or {}
    rows += [(f"totals.{k}", totals[k]) for k in sorted(totals)]
    estimates = summary.get("estimates") or []
    if estimates:
        rows.append(("estimates", "; ".join(str(e) for e in estimates)))
    return [(item, _scalar_or_text(value)) for item, value in rows]


def _format_summary_values(ws: Worksheet, rows: list[tuple[str, Any]]) -> None:
    """Apply number formats to the value cells of the summary block."""
    for offset, (item, _) in enumerate(rows, start=2):
        fmt = _number_format(item.split(".")[-1])
        if fmt:
            ws.cell(row=offset, column=2).number_format = fmt


def _append_block(ws: Worksheet, name: str, records: Any) -> None:
    """Append a titled table of records below the existing content."""
    if not records:
        return
    frame = pd.DataFrame(list(records))
    start = ws.max_row + 2
    ws.cell(row=start, column=1, value=name).font = Font(bold=True, italic=True)
    header = [str(c) for c in frame.columns]
    for col, label in enumerate(header, start=1):
        ws.cell(row=start + 1, column=col, value=label).font = Font(bold=True)
    for r, row in enumerate(frame.itertuples(index=False, name=None), start=start + 2):
        for col, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=col, value=_cell_value(_scalar_or_text(value)))
            cell.number_format = _number_format(header[col - 1]) or "General"
    _no_formulas(ws)
    _fit_widths(ws)


def _format_sheet(ws: Worksheet, header: list[str], n_rows: int) -> None:
    """Bold/frozen header, autofilter, number formats, widths and the £k note."""
    _no_formulas(ws)
    ws.freeze_panes = "A2"
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="center")
    if header:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{n_rows + 1}"
    _apply_column_formats(ws, header, n_rows)
    _add_money_note(ws, header)
    _fit_widths(ws)


def _apply_column_formats(ws: Worksheet, header: list[str], n_rows: int) -> None:
    """Set number formats column by column (money, counts, ratios)."""
    for col, name in enumerate(header, start=1):
        fmt = _number_format(name)
        if not fmt:
            continue
        for row in range(2, n_rows + 2):
            ws.cell(row=row, column=col).number_format = fmt


def _add_money_note(ws: Worksheet, header: list[str]) -> None:
    """Put the '£ thousand' note in the header row, right of the table."""
    if not money_columns(header) and ws.title != "summary":
        return
    cell = ws.cell(row=1, column=len(header) + 2, value=MONEY_NOTE)
    cell.font = Font(italic=True, color="555555")


def _number_format(column: str) -> str | None:
    """Excel number format for a column name, or None for General."""
    if column.endswith(MONEY_SUFFIX):
        return MONEY_FORMAT
    return _OTHER_FORMATS.get(column)


def _fit_widths(ws: Worksheet) -> None:
    """Size columns to their longest rendered value, within limits."""
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None or _is_note(cell):
                continue
            widths[cell.column] = max(widths.get(cell.column, 0), _display_len(cell))
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 8), _MAX_WIDTH)


def _is_note(cell) -> bool:
    """True for the free-text £k note, which may overflow its column."""
    return cell.row == 1 and cell.value == MONEY_NOTE


def _display_len(cell) -> int:
    """Approximate rendered width of a cell in characters."""
    value = cell.value
    if isinstance(value, bool):
        return 5
    if isinstance(value, (int, float)):
        digits = len(f"{abs(value):,.0f}") + (3 if cell.number_format not in ("General", MONEY_FORMAT) else 0)
        return digits + 2
    return len(str(value))


def _cell_value(value: Any) -> Any:
    """Make a value safe for openpyxl (no NaN/inf, no numpy scalars)."""
    return _json_scalar(value) if not isinstance(value, (list, dict)) else str(value)


def _scalar_or_text(value: Any) -> Any:
    """Keep scalars; render containers as compact JSON text."""
    if isinstance(value, (Mapping, list, tuple, set)):
        return json.dumps(json_safe(value), sort_keys=True)
    return value


def _no_formulas(ws: Worksheet) -> None:
    """Store text that starts with '=' as text: input never becomes a formula."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def _is_missing(value: Any) -> bool:
    """True for pandas/numpy missing scalars (NA, NaT, nan)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _pin_properties(wb: Workbook, title: str) -> None:
    """Fix the document properties openpyxl would otherwise stamp with now()."""
    stamp = fixed_timestamp()
    props = wb.properties
    props.creator = "sharedopt"
    props.lastModifiedBy = "sharedopt"
    props.title = title
    props.created = stamp
    props.modified = stamp


def _workbook_bytes(wb: Workbook) -> bytes:
    """Serialise a workbook to bytes."""
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _normalise_zip(data: bytes) -> bytes:
    """Re-pack an xlsx with fixed entry times and the pinned modified time.

    ``openpyxl.Workbook.save`` always sets ``modified`` to now and zip
    entries carry the current local time; both are rewritten here.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = _pin_modified(payload)
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, payload)
    return out.getvalue()


def _pin_modified(core_xml: bytes) -> bytes:
    """Replace the dcterms:modified value in docProps/core.xml."""
    stamp = fixed_timestamp().strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", core_xml)
