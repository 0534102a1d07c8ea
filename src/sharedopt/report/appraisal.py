"""An appraisal (:class:`sharedopt.pipeline.appraise.Appraisal`) to files, atomically.

The folder holds ``appraisal.csv`` (one row per group and depth: every candidate-table
column, general-fund and ring-fenced NPV, notes), ``appraisal_shares.csv`` (each member's
share), ``appraisal_cashflows.csv`` (per group, member and year), ``appraisal.json`` (the
same tables and the settings) and ``appraisal.xlsx`` (the tables, and one cash-flow sheet
per group whose NPV is a live formula on the discount-rate input cell). It is built
next to itself and swapped in whole (:func:`sharedopt.report.atomic.atomic_directory`);
same input, same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sharedopt.candidates.appraise import GROUP
from sharedopt.candidates.table import CANDIDATE_ID, NPV
from sharedopt.pipeline.appraise import Appraisal
from sharedopt.report.atomic import atomic_directory
from sharedopt.report.tables import write_csv, write_json
from sharedopt.report.workbook import (
    RATE_NAME,
    SheetTable,
    Styles,
    cell_text,
    cell_value,
    named_table,
    new_workbook,
    write_cashflow_sheets,
    write_table_sheet,
)

__all__ = ["APPRAISAL_FORMATS", "write_appraisal"]

APPRAISAL_FORMATS = frozenset({"csv", "json", "xlsx"})
MARKER = ".sharedopt-report"
_KEY = "partnership"


def write_appraisal(appraisal: Appraisal, path: str | Path, formats: set[str] | None = None,
                    names: dict[str, str] | None = None) -> dict[str, Path]:
    """Write an appraisal's CSV, JSON and XLSX files into the folder ``path``, atomically.

    Parameters
    ----------
    appraisal : Appraisal
    path : str or pathlib.Path
        Output folder (a folder holding anything sharedopt did not write is refused).
    formats : set of str, optional
        Subset of ``{'csv', 'json', 'xlsx'}`` (default all).
    names : dict, optional
        GSS code -> council name, written beside the codes in the workbook.

    Returns
    -------
    dict of str to pathlib.Path
        File name -> final path.

    Raises
    ------
    ValueError
        An unknown format.
    """
    wanted = APPRAISAL_FORMATS if formats is None else frozenset(f.lower() for f in formats)
    if wanted - APPRAISAL_FORMATS:
        raise ValueError(f"unknown appraisal format(s) {sorted(wanted - APPRAISAL_FORMATS)}; "
                         f"choose from {sorted(APPRAISAL_FORMATS)}")
    out = Path(path)
    with atomic_directory(out, marker=MARKER) as tmp:
        written = _write_files(tmp, appraisal, wanted, names or {})
    return {name: out / name for name in written}


def _write_files(tmp: Path, appraisal: Appraisal, wanted: frozenset[str], names: dict[str, str]) -> list[str]:
    written = []
    tables = {"appraisal": appraisal.groups, "appraisal_shares": appraisal.shares,
              "appraisal_cashflows": appraisal.cashflows}
    if "csv" in wanted:
        written += [write_csv(frame, tmp / f"{stem}.csv").name for stem, frame in tables.items()]
    if "json" in wanted:
        data = {"settings": appraisal.summary, **{stem: _records(frame) for stem, frame in tables.items()}}
        written.append(write_json(data, tmp / "appraisal.json").name)
    if "xlsx" in wanted:
        written.append(_write_workbook(tmp / "appraisal.xlsx", appraisal, names).name)
    return written


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON records (non-finite numbers become null in :func:`write_json`)."""
    return frame.to_dict("records")


def _write_workbook(path: Path, appraisal: Appraisal, names: dict[str, str]) -> Path:
    """Settings (with the discount-rate input cell), groups, one cash-flow sheet per group, shares."""
    workbook = new_workbook(path, "sharedopt appraisal")
    styles = Styles(workbook)
    _write_settings(workbook, styles, appraisal.summary)
    groups = appraisal.groups
    write_table_sheet(workbook.add_worksheet("groups"), styles, _sheet("groups", groups, names), None)
    keyed = groups.assign(**{CANDIDATE_ID: _keys(groups)})
    flows = appraisal.cashflows.assign(**{CANDIDATE_ID: _keys(appraisal.cashflows)})
    write_cashflow_sheets(workbook, styles, keyed.drop(columns=[NPV]), flows,
                          float(appraisal.summary["discount_rate"]))
    write_table_sheet(workbook.add_worksheet("shares"), styles, _sheet("shares", appraisal.shares, names), None)
    workbook.close()
    return path


def _keys(frame: pd.DataFrame) -> pd.Series:
    """One label per group and candidate (a group valued at several depths has a row per depth)."""
    return frame[GROUP].astype(str) + " | " + frame[CANDIDATE_ID].astype(str)


def _sheet(name: str, frame: pd.DataFrame, names: dict[str, str]) -> SheetTable:
    return named_table(SheetTable(name, frame, len(frame), frame.shape[1]), names)


def _write_settings(workbook, styles, summary: dict) -> None:
    """The first sheet: what was appraised and how, with the named discount-rate input cell."""
    ws = workbook.add_worksheet("appraisal")
    ws.write_row(0, 0, ["item", "value"], styles.header)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 90, styles.wrap)
    for r, (key, value) in enumerate(sorted(summary.items()), start=1):
        ws.write_string(r, 0, cell_text(key), styles.bold)
        if key == "discount_rate":
            ws.write_number(r, 1, float(value), styles.input)
            workbook.define_name(RATE_NAME, f"=appraisal!$B${r + 1}")
        else:
            ws.write(r, 1, cell_value(value))
