"""What the workbook holds: the rows of each sheet, within Excel's limits.

A workbook is for reading and Excel has hard limits, so it holds the chosen
portfolio, the best-ranked candidates (the top ``max_candidates`` by rank,
every chosen candidate and every candidate with a ``loss_if_forced_gbp_k``
figure) and their members' shares; the CSV files hold every row.
:func:`contents_note` says so, with the counts left out, at the top of the
summary sheet. No sheet passes 1,048,576 rows or 16,384 columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sharedopt.candidates.table import CANDIDATE_ID

__all__ = [
    "EXCEL_MAX_CHARS",
    "EXCEL_MAX_COLS",
    "EXCEL_MAX_ROWS",
    "MAX_CANDIDATE_ROWS",
    "SheetTable",
    "contents_note",
    "select_candidates",
    "workbook_tables",
]

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLS = 16_384
EXCEL_MAX_CHARS = 32_767
MAX_CANDIDATE_ROWS = 10_000
_ROW_NOUN = {"candidates": "candidate", "shares": "share"}


@dataclass(frozen=True)
class SheetTable:
    """One table sheet: the rows written and the size of the full table.

    Attributes
    ----------
    name : str
        Sheet name (also the CSV file's stem).
    frame : pandas.DataFrame
        The rows and columns written to the sheet.
    total_rows, total_cols : int
        Size of the full table, as written to the CSV.
    """

    name: str
    frame: pd.DataFrame
    total_rows: int
    total_cols: int

    @property
    def rows_left(self) -> int:
        """Rows of the full table not in the sheet."""
        return self.total_rows - len(self.frame)


def select_candidates(candidates: pd.DataFrame, max_candidates: int) -> pd.DataFrame:
    """The candidates a workbook holds: the top ``max_candidates`` by rank, the chosen ones
    and those with a ``loss_if_forced_gbp_k`` figure, in their original order.

    Parameters
    ----------
    candidates : pandas.DataFrame
        Every ranked candidate (``rank``, ``chosen`` and ``loss_if_forced_gbp_k``
        are used when present; without ``rank`` the first rows are the top).
    max_candidates : int
        How many of the best-ranked candidates to keep (>= 0).

    Returns
    -------
    pandas.DataFrame
        The selected rows (``candidates`` itself when it has no more rows than
        ``max_candidates``).
    """
    if len(candidates) <= max_candidates:
        return candidates
    if "rank" in candidates:
        keep = candidates["rank"].rank(method="first").to_numpy() <= max_candidates
    else:
        keep = np.arange(len(candidates)) < max_candidates
    if "chosen" in candidates:
        keep |= candidates["chosen"].fillna(False).astype(bool).to_numpy()
    if "loss_if_forced_gbp_k" in candidates:
        keep |= candidates["loss_if_forced_gbp_k"].notna().to_numpy()
    return candidates[keep]


def workbook_tables(portfolio: pd.DataFrame, candidates: pd.DataFrame, shares: pd.DataFrame,
                    max_candidates: int = MAX_CANDIDATE_ROWS) -> list[SheetTable]:
    """The portfolio, candidates and shares sheets, each within Excel's limits.

    Parameters
    ----------
    portfolio, candidates, shares : pandas.DataFrame
        The full tables (as written to the CSVs).
    max_candidates : int, default MAX_CANDIDATE_ROWS
        See :func:`select_candidates`.

    Returns
    -------
    list of SheetTable
        One per sheet, in sheet order. ``shares`` keeps the rows of the
        selected candidates (all rows when it has no ``candidate_id``).
    """
    chosen = select_candidates(candidates, max_candidates)
    kept_shares = shares
    if len(chosen) < len(candidates) and CANDIDATE_ID in shares and CANDIDATE_ID in chosen:
        kept_shares = shares[shares[CANDIDATE_ID].isin(chosen[CANDIDATE_ID])]
    return [SheetTable(name, _within_limits(part), len(full), full.shape[1])
            for name, part, full in (("portfolio", portfolio, portfolio), ("candidates", chosen, candidates),
                                     ("shares", kept_shares, shares))]


def _within_limits(frame: pd.DataFrame) -> pd.DataFrame:
    """The first rows and columns that fit a sheet (one header row, one note column)."""
    return frame.iloc[: EXCEL_MAX_ROWS - 1, : EXCEL_MAX_COLS - 2]


def contents_note(tables: list[SheetTable], max_candidates: int, csv_written: bool = True) -> str:
    """The sentence at the top of the summary sheet: what is in the workbook, what is in the CSVs.

    Parameters
    ----------
    tables : list of SheetTable
        The table sheets as written.
    max_candidates : int
        The candidate cap used (see :func:`select_candidates`).
    csv_written : bool, default True
        Whether this run also wrote the CSV files.

    Returns
    -------
    str
        Plain text.
    """
    held = "; ".join(f"{t.name}: {len(t.frame):,} of {t.total_rows:,} rows" for t in tables)
    left = [t for t in tables if t.rows_left or t.frame.shape[1] < t.total_cols]
    if not left:
        return f"This workbook holds every row ({held})."
    policy = (f"This workbook holds the chosen portfolio, the top {max_candidates:,} candidates by rank "
              "(plus every chosen candidate and every one with a loss-if-forced figure) and their "
              f"members' shares, within Excel's limits ({held}). ")
    gone = ", ".join(f"{t.rows_left:,} {_ROW_NOUN.get(t.name, t.name)} rows" for t in left if t.rows_left)
    cols = ", ".join(f"{t.total_cols - t.frame.shape[1]:,} {t.name} columns" for t in left
                     if t.frame.shape[1] < t.total_cols)
    missing = "; ".join(part for part in (gone, cols) if part)
    where = ("They are in the CSV files of the same names (portfolio.csv, candidates.csv, shares.csv)"
             if csv_written else "They are only in the CSV files, which this run did not write (add 'csv' "
             "to [report] formats)")
    return f"{policy}Left out here: {missing}. {where}."
